"""``python -m ffnn.grade``: the grader's command line, kept under its documented name.

The grader is its own package, :mod:`ffnn_grader` (beside :mod:`ffnn`); this
module only starts its command line, :func:`ffnn_grader.cli.main`.
"""

import sys

from ffnn_grader.cli import main

if __name__ == "__main__":
    sys.exit(main())
