"""Grade one submission: its cells in a sandbox, then the checks here against it.

:func:`run_submission` starts a sandbox (:class:`~.supervisor.Session`),
runs the cells one by one (each under its own timer), builds the
:class:`~.student.Context` from what they bound, and runs each exercise's
check in this process.  When the sandbox dies or hangs, the step that was
running pays for it: a cell is skipped in the next sandbox, an exercise is
marked "error" or "timeout"; a new sandbox re-runs the remaining cells to
grade the remaining exercises.  A malformed reply, or the submission's
absolute deadline, ends the submission: every exercise not graded by then
is marked.
"""

import time
from dataclasses import dataclass

from . import checks
from .student import Context, Remote, SandboxLost
from .supervisor import Malformed, Session


@dataclass
class RunOutcome:
    cell_errors: dict  # cell index -> message
    results: dict  # exercise id -> (status, reason)
    notes: list
    output_chars: int


def _cells(session, cells, skip, cell_errors, limits):
    """Run the cells; return the Context (or raise SandboxLost, with ``.cell`` set)."""
    history, states, state = {}, [], {}
    for index, cell in enumerate(cells):
        if index in skip:
            continue
        try:
            error, records, changed = session.cell(index, cell, limits.cell_timeout)
        except SandboxLost as lost:
            lost.cell = index
            raise
        if error:
            cell_errors.setdefault(index, error)
        for record in records:
            history.setdefault(record["name"], []).append(Remote(session, record["id"], record, cell))
        for name, value in changed.items():
            if value is None:
                state.pop(name, None)
            else:
                state[name] = value
        states.append({**state, "__cell__": index, "__section__": getattr(cell, "section", None),
                       "__error__": error})
    return Context(cells, history, states), session.end()


def run_submission(cells, exercise_ids, limits, launcher, path=None):
    """Execute ``cells`` in sandboxes from ``launcher`` and check ``exercise_ids``."""
    deadline = time.monotonic() + limits.submission_timeout
    cell_errors, results, notes = {}, {}, []
    skip, output_chars = set(), 0
    names = (checks.FUNCTION_NAMES, checks.VARIABLE_NAMES)
    ended = None  # why the submission stopped early
    for _ in range(limits.max_children):
        pending = [e for e in exercise_ids if e not in results]
        if not pending:
            break
        session = None
        try:
            session = Session(launcher, limits, deadline, names, path)
            ctx, chars = _cells(session, cells, skip, cell_errors, limits)
            output_chars = max(output_chars, chars)
            for exercise in pending:
                session.call_deadline = time.monotonic() + limits.check_timeout
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
                if session.lost:
                    status, reason = session.lost.status, f"{session.lost.reason} while checking this exercise"
                results[exercise] = (status, reason)
                if session.lost:
                    if isinstance(session.lost, Malformed):
                        raise session.lost
                    break
            else:
                session.close()
                break
        except SandboxLost as lost:
            if isinstance(lost, Malformed) or lost.status == "timeout" and time.monotonic() >= deadline:
                ended = lost
                break
            cell = getattr(lost, "cell", None)
            if cell is None:
                notes.append(f"the grading process could not start: {lost.reason}")
                ended = lost
                break
            cell_errors.setdefault(cell, lost.reason)
            skip.add(cell)
        finally:
            if session is not None:
                session.close()
    for exercise in exercise_ids:
        if exercise not in results:
            if ended is not None:
                results[exercise] = (ended.status, ended.reason)
            else:
                results[exercise] = ("error", "the grader could not finish: the submission kept "
                                     "ending the grading process")
    if ended is not None and ended.reason not in notes:
        notes.append(ended.reason)
    if output_chars > limits.output_cap:
        notes.append(f"the submission printed {output_chars} characters (more than {limits.output_cap})")
    return RunOutcome(cell_errors, results, notes, output_chars)
