"""Checks run on small student sources through the grader's own path.

:func:`grade_cells` runs the cells with the real recording code (the
agent, :mod:`ffnn_grader.sandboxed.recording`, the supervisor and the
runner) in the unsandboxed launcher's child process, and returns the check's
``(status, reason)``: a test that passes here passes in the sandbox.
"""

from ffnn_grader.trusted.runner import run_submission
from ffnn_grader.trusted.sandbox import Limits, launcher

LIMITS = Limits(cell_timeout=20, check_timeout=30, grace=2, submission_timeout=300)


def grade_cells(cells, exercise):
    """``(status, reason)`` of ``exercise`` on ``cells`` (:class:`~ffnn_grader.trusted.submission.Cell`)."""
    outcome = run_submission(list(cells), [exercise], LIMITS, launcher(LIMITS, sandbox=False))
    return outcome.results[exercise]
