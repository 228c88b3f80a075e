"""The old name of :mod:`ffnn.costs`: ``ffnn.losses`` is that very module.

``from ffnn import losses`` and ``import ffnn.losses`` keep working; new
code imports :mod:`ffnn.costs`.
"""

import sys

from . import costs

sys.modules[__name__] = costs
