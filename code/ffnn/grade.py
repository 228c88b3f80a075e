"""``python -m ffnn.grade``: the grader's command line, kept under its documented name.

The grader is its own package, :mod:`ffnn_grader` (beside :mod:`ffnn`); this
module only starts its command line, :func:`ffnn_grader.cli.main`.  Started
as ``python -m ffnn.grade`` without ``-P``, :mod:`ffnn` restarts Python with
``-P`` before importing anything, so a submission in the working directory
named like a module (``json.py``, ``numpy.py``) is never imported here.
"""

import sys

from ffnn_grader.cli import main

if __name__ == "__main__":
    sys.exit(main())
