"""The grades as a table for people and as JSON for programs.

JSON layout (``--json OUT``)::

    {"submissions": [
        {"path": "alice.ipynb", "total": 27, "max_total": 28,
         "results": [{"exercise": "w41-1b", "status": "pass", "points": 1,
                      "max_points": 1, "reason": ""}, ...],
         "to_read": ["w41-1a", ...],      # prose answers, not scored
         "notes": ["cell 7: NameError: ..."]},   # cells that failed, output cut
        ...],
     "errors": ["bob.txt: expected a .ipynb notebook or a .py file"]}

Every entry of ``results`` has exactly the keys ``exercise``, ``status``
(pass, fail, missing, error, timeout), ``points``, ``max_points`` and
``reason``.
"""

import json
import textwrap

from .exercises import EXERCISES


def table(submission, width=100):
    """One submission as a text table with its total."""
    rows = [("exercise", "points", "status", "reason")]
    for r in submission["results"]:
        rows.append((r["exercise"], f"{r['points']}/{r['max_points']}", r["status"],
                     r["reason"] or EXERCISES.get(r["exercise"], "")))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    indent = sum(widths) + 6
    lines = [f"== {submission['path']}"]
    for row in rows:
        head = "  ".join(cell.ljust(w) for cell, w in zip(row, widths))
        reason = textwrap.wrap(row[3], max(30, width - indent)) or [""]
        lines.append(f"{head}  {reason[0]}".rstrip())
        lines.extend(" " * indent + more for more in reason[1:])
    lines.append(f"total: {submission['total']}/{submission['max_total']}")
    if submission.get("to_read"):
        lines.append("to read (prose answers, not scored): " + ", ".join(submission["to_read"]))
    for note in submission.get("notes", []):
        lines.append(f"note: {note}")
    return "\n".join(lines)


def summary(submissions):
    """One row per submission, for a folder of them."""
    if not submissions:
        return "no submission graded"
    width = max(len(s["path"]) for s in submissions + [{"path": "submission"}])
    lines = [f"{'submission'.ljust(width)}  total"]
    for s in submissions:
        counts = {}
        for r in s["results"]:
            counts[r["status"]] = counts.get(r["status"], 0) + 1
        detail = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        lines.append(f"{s['path'].ljust(width)}  {s['total']}/{s['max_total']}  ({detail})")
    return "\n".join(lines)


def to_json(submissions, errors=()):
    return json.dumps({"submissions": list(submissions), "errors": list(errors)}, indent=2)
