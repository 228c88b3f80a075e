"""Grading students' week-41/42 notebooks against :mod:`ffnn`.

``ffnn-grade PATH [PATH ...] [--json OUT]`` (or ``make grade
SUBMISSION=PATH``) grades notebooks (``.ipynb``) and scripts (``.py``), or
every such file in a folder.  The student's code runs only in a sandbox;
the marks are decided here.  The modules, in the order a submission meets
them:

* :mod:`.submission` -- a notebook or script as a list of cells;
* :mod:`.sandbox` -- the bubblewrap sandbox and its limits; :mod:`.zygotes`
  -- the grader's side of the zygote that forks one child per submission;
* inside the sandbox (standalone files, no :mod:`ffnn`): :mod:`.zygote`,
  :mod:`.confine` (namespaces, mounts, privileges), :mod:`.seccomp`,
  :mod:`.limits`, :mod:`.agent` (the cells, and the calls the grader asks
  for), :mod:`.handles`, :mod:`.recording`, :mod:`.protocol` (the wire
  format, validated field by field on both sides);
* :mod:`.builtins` -- reference functions a check may pass into the
  student's code;
* :mod:`.supervisor` -- one submission's sandbox: requests, deadlines;
  :mod:`.replies` -- what a valid reply looks like;
* :mod:`.student` -- the student's functions and variables as the checks
  see them (proxies and plain data);
* :mod:`.runner` -- one submission: cells, then checks, restarting the
  sandbox when the submission kills it;
* :mod:`.checks` -- one check per exercise (in this process, never in the
  sandbox), :mod:`.exercises` -- the exercises and points;
* :mod:`.report` -- the table and the JSON file.

Points scheme: every exercise that asks for code is worth 1 point
(:data:`ffnn_grader.trusted.exercises.EXERCISES`); questions answered in prose are
listed "to read" and not scored (:data:`ffnn_grader.trusted.exercises.TO_READ`).
"""

from .trusted.grader import GradeError, grade_path, grade_paths

__all__ = ["GradeError", "grade_path", "grade_paths"]
