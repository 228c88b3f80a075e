"""The grades as a table for people and as JSON for programs.

JSON layout (``--json OUT``)::

    {"sandbox": "bubblewrap 0.8.0",     # or the --no-sandbox warning
     "submissions": [                    # every file graded
        {"path": "class/alice/week41.ipynb", "student": "alice",
         "file": "week41.ipynb",          # inside the student's folder
         "skipped": "",                   # or why it was not graded
         "total": 15, "max_total": 16, "weeks": [41],
         "results": [{"exercise": "w41-1b", "description": "b1, the bias of layer 1",
                      "status": "pass", "points": 1, "max_points": 1, "reason": ""}, ...],
         "to_read": ["w41-1a", ...],      # prose answered, not scored
         "unanswered": ["w41-7f", ...],   # prose questions with no answer found
         "notes": ["cell 7: NameError: ..."]},   # cells that failed, output cut
        ...],
     "students": [{"student": "alice", "files": [...], "weeks": [41], "total": 15,
                   "max_total": 16, "choices": ["week 41: week41.ipynb, 15/16"],
                   "results": [...], "to_read": [...], "unanswered": [...]}, ...],
     "files": [...],                      # every file found, graded or not ("skipped")
     "errors": ["bob.txt: expected a .ipynb notebook or a .py file"]}

Every entry of ``results`` has exactly the keys ``exercise``,
``description``, ``status`` (pass, fail, missing, error, timeout, to read),
``points``, ``max_points`` and ``reason`` (a pass may carry an informational
reason).  ``to_read`` lists the prose questions answered (something of the
student's below the question's heading) and the coding exercises answered
in words only (status "to read"): a teacher reads them; they earn no point
here.  ``unanswered`` lists the prose questions with nothing below them.

Everything a submission can influence (its file name, reasons quoting its
errors, notes) is printed through :func:`clean`: control characters, and
the invisible ones that reorder text, appear escaped (``\x1b``), so a
submission cannot move the cursor or recolour the teacher's terminal.  The
JSON escapes them by itself (ASCII only).
"""

import json
import textwrap
import unicodedata

from .exercises import EXERCISES
from .names import shown


_UNSAFE = frozenset(("Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"))  # control, format, separators,
# private, surrogate, unassigned: every character that moves, hides or reorders text


def clean(text):
    """``text`` with every control, format or reordering character escaped, on one line."""
    return "".join(c.encode("unicode_escape", "backslashreplace").decode()
                   if unicodedata.category(c) in _UNSAFE else c for c in str(text))


def table(submission, width=100, flagged=()):
    """One submission as a text table with its total (one line for a file not graded)."""
    path = clean(shown(submission["path"], flagged))
    if submission.get("skipped"):
        return f"== {path}: not graded: {clean(submission['skipped'])}"
    rows = [("exercise", "points", "status", "reason")]
    for r in submission["results"]:
        rows.append((clean(r["exercise"]), f"{r['points']}/{r['max_points']}", clean(r["status"]),
                     clean(r["reason"] or EXERCISES.get(r["exercise"], ""))))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    indent = sum(widths) + 6
    lines = [f"== {path}"]
    for row in rows:
        head = "  ".join(cell.ljust(w) for cell, w in zip(row, widths))
        reason = textwrap.wrap(row[3], max(30, width - indent)) or [""]
        lines.append(f"{head}  {reason[0]}".rstrip())
        lines.extend(" " * indent + more for more in reason[1:])
    lines.append(f"total: {submission['total']}/{submission['max_total']}")
    if submission.get("to_read"):
        lines.append("to read (answered in words, not scored): " + ", ".join(submission["to_read"]))
    if submission.get("unanswered"):
        lines.append("no answer found below: " + ", ".join(submission["unanswered"]))
    for note in submission.get("notes", []):
        lines.append(f"note: {clean(note)}")
    return "\n".join(lines)


def students_table(students, flagged=()):
    """One row per student: total, weeks, and which file counted for each week."""
    if not students:
        return "no student found"
    names = [clean(shown(s.name, flagged)) for s in students]
    width = max(len(n) for n in names + ["student"])
    lines = [f"{'student'.ljust(width)}  total   counted"]
    for student, name in zip(students, names):
        total = f"{student.total}/{student.max_total}".ljust(6)
        counted = "; ".join(clean(c.statement(lambda name: shown(name, flagged)))
                            for c in student.choices) or "nothing graded"
        lines.append(f"{name.ljust(width)}  {total}  {counted}")
    return "\n".join(lines)


def files_list(files, flagged=()):
    """Every file not graded, one line each with the reason (graded files have their table)."""
    lines = [f"  {clean(shown(f['path'], flagged))}: {clean(f['skipped'])}" for f in files if f["skipped"]]
    return "\n".join([f"files not graded ({len(lines)} of {len(files)} found):", *lines]) if lines else ""


def to_json(submissions, errors=(), sandbox=None, students=(), files=()):
    return json.dumps({"sandbox": sandbox, "submissions": list(submissions),
                       "students": [s.as_dict() for s in students], "files": list(files),
                       "errors": list(errors)}, indent=2)
