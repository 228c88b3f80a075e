"""``python -P -m ffnn_grader``: the same command line as ``ffnn-grade``."""

import sys

from .cli import main

sys.exit(main())
