"""The old name of :mod:`ffnn.fastpath`: ``ffnn.objective`` is that very module.

The penalised cost C_λ and its gradient (``penalised``,
``readable_cost_and_gradient``) moved beside the in-place gradient of
training, the weight penalty itself (``penalty``, ``add_penalty_gradient``)
into :mod:`ffnn.penalty`; ``ffnn.objective.NAME`` keeps working for each.
"""

import sys

from . import fastpath

sys.modules[__name__] = fastpath
