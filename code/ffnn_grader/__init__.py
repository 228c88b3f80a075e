"""Grading students' week-41/42 notebooks against :mod:`ffnn`.

``ffnn-grade [--json OUT] [--csv FILE] [--feedback DIR] [--summary DIR] [--]
PATH [PATH ...]`` (or ``make grade SUBMISSION=PATH``) grades notebooks
(``.ipynb``) and scripts (``.py``), or a class folder of them.  The
student's code runs only in a sandbox; the marks are decided here.  The
modules, in the order a submission meets them:

* :mod:`.classfolder` -- the class folder: every file, whose it is, what is
  done with it; :mod:`.names` -- look-alike names flagged;
* :mod:`.submission` -- a notebook or script as a list of cells;
* :mod:`.sandbox` -- the bubblewrap sandbox and its limits; :mod:`.zygotes`
  -- the grader's side of the zygote that forks one child per submission;
* inside the sandbox (standalone files, no :mod:`ffnn`): :mod:`.zygote`,
  :mod:`.confine` (namespaces, mounts, privileges), :mod:`.seccomp`,
  :mod:`.limits`, :mod:`.agent` (the cells, and the calls the grader asks
  for; its steps' CPU-time limit in :mod:`.cpu_timer`, the student's errors
  as text in :mod:`.error_text`), :mod:`.handles`, :mod:`.recording`, :mod:`.protocol` (the wire
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
* :mod:`.grader` -- a file, or a class, graded; :mod:`.prose` -- the prose
  questions answered; :mod:`.students` -- one row per student, the best
  file per week;
* :mod:`.report` -- the tables and the JSON file; :mod:`ffnn_grader.outputs`
  -- the gradebook (CSV), the feedback pages and the class summary.

Points scheme: every exercise that asks for code is worth 1 point
(:data:`ffnn_grader.trusted.exercises.EXERCISES`); questions answered in prose are
listed "to read" and not scored (:data:`ffnn_grader.trusted.exercises.TO_READ`).
"""

import sys

if sys.argv[:1] == ["-m"] and not sys.flags.safe_path:  # pragma: no cover - replaced by exec
    # ``python -m ffnn_grader`` from a class folder: the folder is first on sys.path, and a
    # submission named like a module imported below would run here.  Start again with -P.
    import os

    os.execv(sys.executable, [sys.executable, "-P", *sys.orig_argv[1:]])

from .trusted.grader import GradeError, grade_class, grade_path, grade_paths  # noqa: E402

__all__ = ["GradeError", "grade_class", "grade_path", "grade_paths"]
