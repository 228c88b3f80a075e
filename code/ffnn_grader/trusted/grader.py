"""Grade one submission or many: load, run in the sandbox, score."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .exercises import for_weeks, max_points, to_read_for
from .runner import run_submission
from .sandbox import Limits, launcher
from .submission import SUFFIXES, SubmissionError, load_submission


MAX_NOTES, MAX_REASON = 40, 1000  # what a submission can make the grader print


class GradeError(Exception):
    """Grading could not run: a path is missing or unreadable."""


def grade_path(path, limits=None, exercises=None, sandbox=None, week=None):
    """Grade one file; return its dict (see :mod:`.report` for the layout).

    The file is marked out of the exercises of the weeks it holds (or of
    ``week``), or of ``exercises`` when given.  ``sandbox`` is a launcher of
    :mod:`.sandbox` (default: bubblewrap, :class:`~.sandbox.SandboxUnavailable`
    when it is missing).
    """
    path = Path(path)
    limits = limits or Limits()
    try:
        submission = load_submission(path, week)
    except SubmissionError as error:
        raise GradeError(str(error)) from error
    except (RecursionError, MemoryError, ValueError, TypeError, KeyError, AttributeError) as error:
        raise GradeError(f"{path}: cannot be read as a notebook or a Python file "
                         f"({type(error).__name__})") from error
    cells = submission.cells
    ids = list(exercises or for_weeks(submission.weeks))
    outcome = run_submission(cells, ids, limits, sandbox or launcher(limits), path)
    results = []
    for exercise in ids:
        status, reason = outcome.results[exercise]
        top = max_points(exercise)
        results.append({
            "exercise": exercise,
            "status": status,
            "points": top if status == "pass" else 0,
            "max_points": top,
            "reason": reason if len(reason) <= MAX_REASON else reason[:MAX_REASON - 3] + "...",
        })
    notes = [f"{cells[i].label}: {message}" for i, message in sorted(outcome.cell_errors.items())]
    notes += outcome.notes
    if not submission.detected and week is None and exercises is None:
        notes.insert(0, "the week could not be told from the content: graded on both weeks; "
                        "pass --week 41 or --week 42")
    if len(notes) > MAX_NOTES:
        notes = notes[:MAX_NOTES] + [f"... and {len(notes) - MAX_NOTES} more notes"]
    return {
        "path": str(path),
        "total": sum(r["points"] for r in results),
        "max_total": sum(r["max_points"] for r in results),
        "results": results,
        "weeks": list(submission.weeks),
        # prose questions, and coding exercises answered in words only (status "to read")
        "to_read": sorted(set(to_read_for(submission.weeks))
                          | {r["exercise"] for r in results if r["status"] == "to read"}),
        "notes": notes,
    }


def expand(paths):
    """Files to grade: each file as given, each folder's notebooks and scripts (no links)."""
    return _expand(paths)[0]


def _linked(folder, path):
    """Whether ``path`` or a folder between ``folder`` and it is a symbolic link."""
    parts = path.relative_to(folder).parts
    return any(folder.joinpath(*parts[:i + 1]).is_symlink() for i in range(len(parts)))


def _expand(paths):
    """``(files, refused)``: a symbolic link inside a class folder (another student's file,
    a file of the teacher's) is refused with a message, never read."""
    files, refused = [], []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file()
                           and ".ipynb_checkpoints" not in p.parts)
            if not found:
                raise GradeError(f"{path}: no .ipynb or .py files in this folder")
            for p in found:
                if _linked(path, p):
                    refused.append(f"{p}: a symbolic link (or inside one): not graded")
                else:
                    files.append(p)
        elif path.exists():
            files.append(path)
        else:
            raise GradeError(f"{path}: no such file or folder")
    return files, refused


def grade_paths(paths, limits=None, exercises=None, on_result=None, sandbox=None, week=None, jobs=2):
    """Grade every submission under ``paths``; return ``(graded, errors)``.

    ``errors`` lists the files that could not be read (one message each);
    the others are graded all the same.  ``jobs`` submissions are graded at
    a time (each in its own sandbox): while the checks of one run here, the
    cells of the next run in theirs.  Results come in the order of the files.
    """
    files, errors = _expand(paths)
    graded = []
    sandbox = sandbox or launcher(limits or Limits())
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(grade_path, path, limits, exercises, sandbox, week) for path in files]
        for path, future in zip(files, futures):
            try:
                result = future.result()
            except GradeError as error:
                errors.append(str(error))
                continue
            except Exception as error:  # noqa: BLE001 - one file never ends the run for the others
                errors.append(f"{path}: not graded, the grader failed on it ({type(error).__name__})")
                continue
            graded.append(result)
            if on_result:
                on_result(result)
    return graded, errors
