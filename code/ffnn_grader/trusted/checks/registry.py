"""The checks by exercise id, and how one is run."""

from ..exercises import EXERCISES
from ..outcomes import OUTCOMES
from .scope import Scope

CHECKS = {}  # exercise id -> check(scope), which returns None or a note, or raises an outcome


def exercise(id):
    """Register the check of exercise ``id`` (listed in :mod:`ffnn_grader.trusted.exercises`).

    The check receives the exercise's :class:`~.scope.Scope` (``scope.id``,
    ``scope.rng()``, ``scope.ctx``): the id is written once, here.
    """
    if id not in EXERCISES:
        raise KeyError(f"{id} is not in ffnn_grader.trusted.exercises.EXERCISES")

    def register(check):
        CHECKS[id] = check
        return check

    return register


def run_check(id, ctx):
    """Return ``(status, reason)`` of exercise ``id``.

    A pass may carry a reason too: a note for the student that costs no
    point (the handout's softmax is wrong; the convention the code was
    graded in).
    """
    try:
        note = CHECKS[id](Scope(ctx, id))
    except OUTCOMES as outcome:
        return outcome.status, str(outcome)
    return "pass", note or ""
