"""``python -m ffnn.grade``: the grader's command line, kept under its documented name.

The grader is its own package, :mod:`ffnn_grader`, beside :mod:`ffnn`, which
imports nothing of it: run as a program, this module replaces its process by
``python -P -m ffnn_grader`` with the same arguments (``-P``: the working
directory, perhaps a class folder, stays off ``sys.path``).  Started without
``-P``, :mod:`ffnn` itself has already restarted Python with ``-P`` before
importing anything a submission could shadow.
"""

import os
import sys

if __name__ == "__main__":
    os.execv(sys.executable, [sys.executable, "-P", "-m", "ffnn_grader", *sys.argv[1:]])
