"""The grades as a table for people and as JSON for programs.

JSON layout (``--json OUT``)::

    {"sandbox": "bubblewrap 0.8.0",     # or the --no-sandbox warning
     "submissions": [
        {"path": "alice.ipynb", "total": 27, "max_total": 28,
         "results": [{"exercise": "w41-1b", "status": "pass", "points": 1,
                      "max_points": 1, "reason": ""}, ...],
         "to_read": ["w41-1a", ...],      # prose answers, not scored
         "notes": ["cell 7: NameError: ..."]},   # cells that failed, output cut
        ...],
     "errors": ["bob.txt: expected a .ipynb notebook or a .py file"]}

Every entry of ``results`` has exactly the keys ``exercise``, ``status``
(pass, fail, missing, error, timeout, to read), ``points``, ``max_points``
and ``reason`` (a pass may carry an informational reason).  ``to_read``
lists the prose questions and the coding exercises answered in words only
(status "to read"): a teacher reads them; they earn no point here.

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


_UNSAFE = frozenset(("Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"))  # control, format, separators,
# private, surrogate, unassigned: every character that moves, hides or reorders text


def clean(text):
    """``text`` with every control, format or reordering character escaped, on one line."""
    return "".join(c.encode("unicode_escape", "backslashreplace").decode()
                   if unicodedata.category(c) in _UNSAFE else c for c in str(text))


def table(submission, width=100):
    """One submission as a text table with its total."""
    rows = [("exercise", "points", "status", "reason")]
    for r in submission["results"]:
        rows.append((clean(r["exercise"]), f"{r['points']}/{r['max_points']}", clean(r["status"]),
                     clean(r["reason"] or EXERCISES.get(r["exercise"], ""))))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    indent = sum(widths) + 6
    lines = [f"== {clean(submission['path'])}"]
    for row in rows:
        head = "  ".join(cell.ljust(w) for cell, w in zip(row, widths))
        reason = textwrap.wrap(row[3], max(30, width - indent)) or [""]
        lines.append(f"{head}  {reason[0]}".rstrip())
        lines.extend(" " * indent + more for more in reason[1:])
    lines.append(f"total: {submission['total']}/{submission['max_total']}")
    if submission.get("to_read"):
        lines.append("to read (prose answers, not scored): " + ", ".join(submission["to_read"]))
    for note in submission.get("notes", []):
        lines.append(f"note: {clean(note)}")
    return "\n".join(lines)


def summary(submissions):
    """One row per submission, for a folder of them."""
    if not submissions:
        return "no submission graded"
    paths = [clean(s["path"]) for s in submissions]
    width = max(len(p) for p in paths + ["submission"])
    lines = [f"{'submission'.ljust(width)}  total"]
    for s, path in zip(submissions, paths):
        counts = {}
        for r in s["results"]:
            counts[r["status"]] = counts.get(r["status"], 0) + 1
        detail = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        lines.append(f"{path.ljust(width)}  {s['total']}/{s['max_total']}  ({detail})")
    return "\n".join(lines)


def to_json(submissions, errors=(), sandbox=None):
    return json.dumps({"sandbox": sandbox, "submissions": list(submissions), "errors": list(errors)},
                      indent=2)
