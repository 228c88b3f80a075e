"""The gradebook: a CSV file with one row per student, for a spreadsheet or a
learning-management system's import.

Columns: ``student``, ``files`` (every file of the student, ``; ``
between them), ``week`` (``41``, ``42``, ``41+42``, empty when nothing was
graded), one column per exercise of :data:`~ffnn_grader.trusted.exercises.EXERCISES`
with its points (empty for an exercise of a week the student did not hand
in), ``total`` and ``maximum``.  A cell that a spreadsheet would read as a
formula (starting with ``=``, ``+``, ``-``, ``@``) is prefixed with ``'``;
invisible and reordering characters are escaped as in the terminal.
"""

import csv
import io

from ..trusted.exercises import EXERCISES
from ..trusted.report import clean
from .pages import write
from .records import student_of

COLUMNS = ("student", "files", "week", *EXERCISES, "total", "maximum")


def _cell(text):
    text = clean(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def rows(students):
    """One dict per student (:class:`.records.Student`), keyed by :data:`COLUMNS`."""
    out = []
    for student in students:
        points = {r.exercise: r.points for r in student.results}
        row = {"student": _cell(student.name),
               "files": _cell("; ".join(f.file for f in student.files)),
               "week": "+".join(map(str, student.weeks)),
               "total": student.total, "maximum": student.max_total}
        row.update({exercise: points.get(exercise, "") for exercise in EXERCISES})
        out.append(row)
    return out


def write_csv(path, students, refused=()):
    """Write the gradebook of ``students`` (:class:`~ffnn_grader.trusted.students.StudentGrade`)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows([student_of(s) for s in students]))
    write(path, buffer.getvalue(), refused)
