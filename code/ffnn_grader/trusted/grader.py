"""Grade one file or a whole class: load, run in the sandbox, score.

A file is read once (:mod:`.classfolder`, never through a symbolic link)
and graded from that copy.  A student with a folder of their own gets the
other files of that folder (a helper module, a data file) inside their
own sandbox only: a first cell, labelled ``the student's folder``, writes
them into a fresh folder of the sandbox's private ``/tmp``, makes it the
working directory (where the notebook stood) and puts it first on
``sys.path``, so ``import helpers`` works as it did on the student's machine.
"""

import base64
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath

from .classfolder import NOTEBOOK, Found, StudentFolder, classify, find
from .exercises import EXERCISES, for_weeks, max_points
from .prose import answered, split
from .runner import run_submission
from .sandbox import Limits, launcher
from .submission import Cell, SubmissionError, load_submission, notebook_items, script_items
from .students import StudentGrade, student_grade

MAX_NOTES, MAX_REASON = 40, 1000  # what a submission can make the grader print
MAX_FOLDER_BYTES = 4 * 2**20  # a student's other files handed to their sandbox, in all (one message)
FOLDER_LABEL = "the student's folder"
NOTHING_FOUND = ("no exercise of week 41 or 42 found in it (every exercise missing when graded on both "
                 "weeks): nothing counted; pass --week 41 or --week 42 to grade it as that week")


class GradeError(Exception):
    """Grading could not run: a path is missing or unreadable."""


def _folder_cell(found, helpers):
    """The cell that lays out the student's other files in their sandbox (see the module's text)."""
    files, size, left = {}, 0, []
    for name, data in sorted(helpers.items()):
        if size + len(data) > MAX_FOLDER_BYTES:
            left.append(name)
            continue
        size += len(data)
        files[name] = base64.b64encode(data).decode("ascii")
    here = str(PurePosixPath(*Path(found.relative).parts[:-1])) if "/" in found.relative else "."
    source = (
        "import base64 as _b, os as _o, sys as _s, tempfile as _t\n"
        "_d = _t.mkdtemp(prefix='folder-')\n"
        f"for _n, _c in {files!r}.items():\n"
        "    _p = _o.path.join(_d, _n)\n"
        "    _o.makedirs(_o.path.dirname(_p), exist_ok=True)\n"
        "    with open(_p, 'wb') as _h:\n"
        "        _h.write(_b.b64decode(_c))\n"
        f"_o.makedirs(_o.path.join(_d, {here!r}), exist_ok=True)\n"
        f"_o.chdir(_o.path.join(_d, {here!r}))\n"
        "_s.path.insert(0, _o.getcwd())\n"
        "del _b, _o, _s, _t, _d, _n, _c, _p, _h\n"
    ) if files else "pass\n"
    return Cell(FOLDER_LABEL, source), left


def _load(found, week):
    """The submission of ``found`` (read from the bytes already read) and its text items."""
    suffix = ".ipynb" if found.kind == NOTEBOOK else ".py"
    with tempfile.TemporaryDirectory(prefix="ffnn-grade-") as private:
        copy = Path(private) / f"submission{suffix}"
        copy.write_bytes(found.data)
        try:
            submission = load_submission(copy, week)
        except SubmissionError as error:
            raise GradeError(str(error).replace(str(copy), str(found.path))) from error
        except (RecursionError, MemoryError, ValueError, TypeError, KeyError, AttributeError) as error:
            raise GradeError(f"{found.path}: cannot be read as a notebook or a Python file "
                             f"({type(error).__name__})") from error
    text = found.data.decode("utf-8")
    items = notebook_items(text, found.path) if found.kind == NOTEBOOK else script_items(text)
    return submission, items


def _skipped(found, reason):
    return {"path": str(found.path), "student": found.student, "file": found.relative,
            "skipped": reason, "total": 0, "max_total": 0, "results": [], "weeks": [],
            "to_read": [], "unanswered": [], "notes": []}


def grade_found(found, limits=None, exercises=None, sandbox=None, week=None, helpers=None):
    """Grade one classified file (:class:`.classfolder.Found`); return its dict (see :mod:`.report`).

    The file is marked out of the exercises of the weeks it holds (or of
    ``week``), or of ``exercises`` when given; when its content shows
    neither week, out of both.  A file with no code is not run, and one
    whose every exercise is then missing (another week's notebook) counts
    for nothing: its dict says why (``skipped``).  ``helpers`` (``{relative
    path: bytes}``) are laid out around it in its sandbox.
    """
    limits = limits or Limits()
    submission, items = _load(found, week)
    cells = submission.cells
    if not cells:
        return _skipped(found, "no code in this file: nothing to grade")
    undecided = not submission.detected and week is None and exercises is None
    notes = []
    if helpers:
        cell, left = _folder_cell(found, helpers)
        cells = [cell, *cells]
        if left:
            notes.append(f"the student's folder holds more than {MAX_FOLDER_BYTES // 2**20} MB: "
                         f"left out of the sandbox: {', '.join(left)}")
    ids = list(exercises or for_weeks(submission.weeks))
    outcome = run_submission(cells, ids, limits, sandbox or launcher(limits), found.path)
    results = []
    for exercise in ids:
        status, reason = outcome.results[exercise]
        top = max_points(exercise)
        results.append({
            "exercise": exercise,
            "description": EXERCISES[exercise],
            "status": status,
            "points": top if status == "pass" else 0,
            "max_points": top,
            "reason": reason if len(reason) <= MAX_REASON else reason[:MAX_REASON - 3] + "...",
        })
    notes += [f"{cells[i].label}: {message}" for i, message in sorted(outcome.cell_errors.items())]
    notes += outcome.notes
    if undecided:
        notes.insert(0, "the week could not be told from the content: graded on both weeks; "
                        "pass --week 41 or --week 42")
    if len(notes) > MAX_NOTES:
        notes = notes[:MAX_NOTES] + [f"... and {len(notes) - MAX_NOTES} more notes"]
    words_only = {r["exercise"] for r in results if r["status"] == "to read"}
    to_read, unanswered = split(submission.weeks, answered(items, week), words_only)
    nothing = undecided and all(r["status"] == "missing" for r in results)
    return {
        "path": str(found.path),
        "student": found.student,
        "file": found.relative,
        "skipped": NOTHING_FOUND if nothing else "",
        "total": sum(r["points"] for r in results),
        "max_total": sum(r["max_points"] for r in results),
        "results": results,
        "weeks": list(submission.weeks),
        "to_read": to_read,  # prose answered, and coding exercises answered in words only
        "unanswered": unanswered,  # prose questions with no answer found below them
        "notes": notes,
    }


def grade_path(path, limits=None, exercises=None, sandbox=None, week=None):
    """Grade one file on its own; return its dict (:func:`grade_found`); :class:`GradeError`
    when it is missing, a link, unreadable or not a notebook or a script."""
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        raise GradeError(f"{path}: no such file or folder")
    found = classify(Found(path, path.stem, path.name))
    if not found.graded:
        if found.error or not found.data:
            raise GradeError(f"{path}: {found.note}")
        raise GradeError(f"{path}: expected a .ipynb notebook or a .py file ({found.note})")
    return grade_found(found, limits, exercises, sandbox, week)


def grade_class(paths, limits=None, exercises=None, on_result=None, sandbox=None, week=None, jobs=2):
    """Grade every student under ``paths``; return ``(students, files, errors)``.

    ``students``: one :class:`.students.StudentGrade` each; ``files``: one
    dict per file found, graded or not (:func:`grade_found`, or a skipped
    entry with the reason); ``errors``: the files that look like hand-ins
    but could not be graded (one message each), which the others do not
    wait for.  ``jobs`` files are graded at a time, each in its own sandbox.
    """
    try:
        folders = find(paths)
    except FileNotFoundError as error:
        raise GradeError(str(error)) from None
    limits = limits or Limits()
    sandbox = sandbox or launcher(limits)
    everything = [(folder, f) for folder in folders for f in folder.files]
    entries, errors = {}, []
    for path in map(Path, paths):
        if path.is_dir() and not path.is_symlink() and not any(
                f.path == path or path in f.path.parents for _, f in everything):
            errors.append(f"{path}: no file in this folder: nothing to grade")

    def one(folder, found):
        helpers = folder.helpers() if folder.folder is not None else None
        return grade_found(found, limits, exercises, sandbox, week, helpers)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {id(f): pool.submit(one, folder, f) for folder, f in everything if f.graded}
        for folder, found in everything:
            if not found.graded:
                entries[id(found)] = _skipped(found, found.note)
                if found.error:
                    errors.append(f"{found.path}: {found.note}")
                continue
            try:
                entry = futures[id(found)].result()
            except GradeError as error:
                errors.append(str(error))
                entry = _skipped(found, str(error).removeprefix(f"{found.path}: "))
            except Exception as error:  # noqa: BLE001 - one file never ends the run for the others
                message = f"not graded, the grader failed on it ({type(error).__name__})"
                errors.append(f"{found.path}: {message}")
                entry = _skipped(found, message)
            if found.note and not entry["skipped"]:
                entry["notes"].insert(0, found.note)
            entries[id(found)] = entry
            if on_result:
                on_result(entry)
    files = [entries[id(f)] for _, f in everything]
    students = [student_grade(folder.name, [entries[id(f)] for f in folder.files]) for folder in folders]
    return students, files, errors


def grade_paths(paths, limits=None, exercises=None, on_result=None, sandbox=None, week=None, jobs=2):
    """Grade every submission under ``paths``; return ``(graded, errors)``: the dicts of the files
    run, in file order, and one message per file that could not be (see :func:`grade_class`)."""
    _, files, errors = grade_class(paths, limits, exercises, on_result, sandbox, week, jobs)
    return [f for f in files if f["results"]], errors


__all__ = ["GradeError", "StudentFolder", "StudentGrade", "grade_class", "grade_found", "grade_path",
           "grade_paths"]
