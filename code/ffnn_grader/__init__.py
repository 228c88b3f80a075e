"""Grading students' week-41/42 notebooks against :mod:`ffnn`.

``ffnn-grade [--json OUT] [--csv FILE] [--feedback DIR] [--summary DIR] [--]
PATH [PATH ...]`` (or ``make grade SUBMISSION=PATH``) grades notebooks
(``.ipynb``) and scripts (``.py``), or a class folder of them.  The
student's code runs only in a sandbox; the marks are decided here.

Two sub-packages on either side of the sandbox's wall, and the outputs:

* :mod:`.sandboxed` -- the files that run inside the sandbox.  They import
  nothing of :mod:`ffnn` nor of the trusted side (``tests/test_layout.py``
  checks it from the imports).  Bound read-only into the sandbox
  (``AGENT_FILES`` of :mod:`.trusted.sandbox`): :mod:`.sandboxed.zygote`,
  :mod:`.sandboxed.confine` (namespaces, mounts, privileges),
  :mod:`.sandboxed.seccomp`, :mod:`.sandboxed.limits`,
  :mod:`.sandboxed.agent` (the cells, and the calls the grader asks for;
  its steps' CPU-time limit in :mod:`.sandboxed.cpu_timer`, the student's
  errors as text in :mod:`.sandboxed.error_text`), :mod:`.sandboxed.handles`,
  :mod:`.sandboxed.recording`, :mod:`.sandboxed.protocol` (the wire format,
  validated field by field on both sides).  Not bound:
  :mod:`.sandboxed.builtins` -- reference functions a check may pass into
  the student's code; its source text is sent along with the first call of
  each check that passes one.
* :mod:`.trusted` -- everything that decides the marks, outside the
  sandbox.  It may import :mod:`.sandboxed.protocol`,
  :mod:`.sandboxed.builtins` and :mod:`.sandboxed.confine` (the wire format,
  the reference functions it hands over, and which installed packages the
  sandbox keeps or hides); the sandboxed files never import the trusted
  side.  In the order a submission meets them:

  * :mod:`.trusted.classfolder` -- the class folder: every file, whose it
    is, what is done with it; :mod:`.trusted.names` -- look-alike names
    flagged;
  * :mod:`.trusted.submission` -- a notebook or script as a list of cells;
  * :mod:`.trusted.sandbox` -- the bubblewrap sandbox and its limits;
    :mod:`.trusted.zygotes` -- the grader's side of the zygote that forks
    one child per submission;
  * :mod:`.trusted.supervisor` -- one submission's sandbox: requests,
    deadlines; :mod:`.trusted.replies` -- what a valid reply looks like;
  * :mod:`.trusted.student` -- the student's functions and variables as the
    checks see them (proxies and plain data);
  * :mod:`.trusted.runner` -- one submission: cells, then checks, restarting
    the sandbox when the submission kills it;
  * :mod:`.trusted.checks` -- one check per exercise (in this process, never
    in the sandbox), :mod:`.trusted.exercises` -- the exercises and points;
  * :mod:`.trusted.grader` -- a file, or a class, graded;
    :mod:`.trusted.prose` -- the prose questions answered;
    :mod:`.trusted.students` -- one row per student, the best file per week;
  * :mod:`.trusted.report` -- the tables and the JSON file.

* :mod:`.outputs` -- the gradebook (CSV), the feedback pages and the class
  summary.

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
