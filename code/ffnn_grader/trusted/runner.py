"""Grade one submission: its cells in a sandbox, then the checks here against it.

:func:`run_submission` works in named steps over one :class:`Run` (what the
grading of this submission has found so far): :func:`_one_sandbox` starts a
sandbox (:class:`~.supervisor.Session`), :func:`_run_cells` runs the cells
one by one (each under its own timer) into a :class:`~.student.Context` of
:class:`~.student.Snapshot` records, and :func:`_check` runs one exercise's
check in this process.  When the sandbox dies or hangs, the step that was
running pays for it (:func:`_after_loss`): a cell is skipped in the next
sandbox, an exercise is marked "error" or "timeout"; a new sandbox re-runs
the remaining cells to grade the remaining exercises.  A malformed reply, or
the submission's absolute deadline, ends the submission: every exercise not
graded by then is marked (:meth:`Run.outcome`).
"""

import time
from dataclasses import dataclass, field
from typing import NamedTuple

from . import checks
from .student import Context, Remote, SandboxLost, Snapshot
from .supervisor import Malformed, Session

GAVE_UP = ("error", "the grader could not finish: the submission kept ending the grading process")


class ExerciseResult(NamedTuple):
    """How one exercise's check ended: ``status`` (pass, fail, missing, error, timeout, to read)
    and the one-line ``reason``."""

    status: str
    reason: str


@dataclass
class RunOutcome:
    cell_errors: dict  # cell index -> message
    results: dict  # exercise id -> ExerciseResult
    notes: list
    output_chars: int


@dataclass
class Run:
    """One submission's grading so far, across the sandboxes it took."""

    cells: list
    exercise_ids: list
    limits: object
    deadline: float  # time.monotonic() by which the whole submission ends
    cell_errors: dict = field(default_factory=dict)  # cell index -> message
    results: dict = field(default_factory=dict)  # exercise id -> ExerciseResult
    notes: list = field(default_factory=list)
    skip: set = field(default_factory=set)  # cells that ended a sandbox: not run again
    output_chars: int = 0
    ended: SandboxLost = None  # why the submission stopped early, or None

    def pending(self):
        return [e for e in self.exercise_ids if e not in self.results]

    def outcome(self):
        """Every exercise marked (those never reached by why the run ended), and the notes."""
        for exercise in self.pending():
            self.results[exercise] = (ExerciseResult(self.ended.status, self.ended.reason)
                                      if self.ended is not None else ExerciseResult(*GAVE_UP))
        notes = list(self.notes)
        if self.ended is not None and self.ended.reason not in notes:
            notes.append(self.ended.reason)
        if self.output_chars > self.limits.output_cap:
            notes.append(f"the submission printed {self.output_chars} characters "
                         f"(more than {self.limits.output_cap})")
        return RunOutcome(self.cell_errors, self.results, notes, self.output_chars)


def run_submission(cells, exercise_ids, limits, launcher, path=None):
    """Execute ``cells`` in sandboxes from ``launcher`` and check ``exercise_ids``."""
    run = Run(list(cells), list(exercise_ids), limits, time.monotonic() + limits.submission_timeout)
    names = (checks.FUNCTION_NAMES, checks.VARIABLE_NAMES)
    for _ in range(limits.max_children):
        if not run.pending() or run.ended is not None:
            break
        _one_sandbox(run, launcher, names, path)
    return run.outcome()


def _one_sandbox(run, launcher, names, path):
    """One sandbox: the cells not skipped, then the pending exercises until one loses it."""
    session = None
    try:
        session = Session(launcher, run.limits, run.deadline, names, path)
        ctx, chars = _run_cells(session, run)
        run.output_chars = max(run.output_chars, chars)
        for exercise in run.pending():
            run.results[exercise] = _check(session, ctx, exercise)
            if isinstance(session.lost, Malformed):
                raise session.lost
            if session.lost:
                break  # the next sandbox grades the rest
    except SandboxLost as lost:
        _after_loss(run, lost)
    finally:
        if session is not None:
            session.close()


def _run_cells(session, run):
    """Run the cells; return the Context and the characters printed (or raise SandboxLost,
    with ``.cell`` set when a cell lost it)."""
    history, states, variables = {}, [], {}
    for index, cell in enumerate(run.cells):
        if index in run.skip:
            continue
        try:
            error, records, changed = session.cell(index, cell, run.limits.cell_timeout)
        except SandboxLost as lost:
            lost.cell = index
            raise
        if error:
            run.cell_errors.setdefault(index, error)
        for record in records:
            history.setdefault(record["name"], []).append(Remote(session, record["id"], record, cell))
        for name, value in changed.items():
            if value is None:
                variables.pop(name, None)
            else:
                variables[name] = value
        states.append(Snapshot(index, getattr(cell, "section", None), error, dict(variables)))
    return Context(run.cells, history, states), session.end()


def _check(session, ctx, exercise):
    """One exercise's check against ``ctx``; the reference functions it passed then stop."""
    session.begin_check()
    try:
        status, reason = checks.run_check(exercise, ctx)
    except SandboxLost as lost:
        status, reason = lost.status, lost.reason
    except Exception as error:  # noqa: BLE001 - a check's own bug costs this exercise only
        status, reason = "error", f"the check could not run: {type(error).__name__}: {error}"[:300]
    if not session.lost:
        try:
            session.end_check()
        except SandboxLost:
            pass
    lost = session.lost
    if lost is not None:  # a timeout reads the same whichever timer ended it
        status, reason = lost.status, (lost.reason if lost.status == "timeout"
                                       else f"{lost.reason} while checking this exercise")
    return ExerciseResult(status, reason)


def _after_loss(run, lost):
    """A sandbox was lost outside a check: skip the cell that lost it, or end the run."""
    if isinstance(lost, Malformed) or lost.status == "timeout" and time.monotonic() >= run.deadline:
        run.ended = lost
        return
    cell = getattr(lost, "cell", None)
    if cell is None:
        run.notes.append(f"the grading process could not start: {lost.reason}")
        run.ended = lost
        return
    run.cell_errors.setdefault(cell, lost.reason)
    run.skip.add(cell)
