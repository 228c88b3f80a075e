"""Grading students' week-41/42 notebooks against :mod:`ffnn`.

``python -m ffnn.grade PATH [PATH ...] [--json OUT]`` (or ``make grade
SUBMISSION=PATH``) grades notebooks (``.ipynb``) and scripts (``.py``), or
every such file in a folder.  The modules, in the order a submission meets
them:

* :mod:`.submission` -- turn a notebook or script into a list of cells;
* :mod:`.sandbox` -- the supervisor: runs the cells and checks in a child
  process with limits, restarts it when the submission kills it;
* :mod:`.runner` -- what runs inside the child: executes the cells one by
  one, snapshots the exercise variables, runs each check under a timer;
* :mod:`.checks` -- one check per exercise, against the reference
  implementation :mod:`ffnn`, and the points scheme;
* :mod:`.report` -- the table and the JSON file.

Points scheme: every exercise that asks for code is worth 1 point
(:data:`ffnn.grading.checks.EXERCISES`); questions answered in prose are
listed "to read" and not scored (:data:`ffnn.grading.checks.TO_READ`).

The submission never runs in the grader's own process.  This is
containment of mistakes (loops, crashes, ``os._exit``, runaway memory or
output), not a security sandbox: a submission can still read files and use
the network.
"""

from .grader import GradeError, grade_path, grade_paths

__all__ = ["GradeError", "grade_path", "grade_paths"]
