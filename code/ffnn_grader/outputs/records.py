"""The grades as the outputs read them: typed records, made once from the grader's dicts.

The grader describes each file by a dict, the entries of the JSON file's
``"files"`` (:func:`ffnn_grader.trusted.grader.grade_found`), holding one
dict per exercise (``"results"``), and each student by a
:class:`~ffnn_grader.trusted.students.StudentGrade` over those dicts.
:func:`student_of`, :func:`file_of` and :func:`result_of` read them into :class:`Student`,
:class:`FileGrade` and :class:`Result`, here and only here: the gradebook,
the feedback pages and the summary read fields, never keys.  The JSON file
itself is written by :func:`ffnn_grader.trusted.report.to_json`, unchanged.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    """One exercise of a file graded."""

    exercise: str  # e.g. "w42-6"
    description: str  # what it asks; "" when the grader gave none
    status: str  # "pass", "fail", "missing", "error" or "timeout"
    points: int
    max_points: int
    reason: str  # why it did not pass; "" for a pass


def result_of(entry):
    """The :class:`Result` of one of the grader's result dicts."""
    return Result(entry["exercise"], entry.get("description") or "", entry["status"],
                  entry["points"], entry["max_points"], entry["reason"])


@dataclass(frozen=True)
class FileGrade:
    """One file a student handed in, graded or not."""

    student: str
    file: str  # its path inside the student's folder
    skipped: str  # why it was not graded; "" when it was
    total: int
    max_total: int
    weeks: tuple  # the weeks it was marked out of, e.g. (41, 42)
    notes: tuple  # messages from running it, for the student


def file_of(entry):
    """The :class:`FileGrade` of one of the grader's file dicts."""
    return FileGrade(entry["student"], entry["file"], entry["skipped"], entry["total"],
                     entry["max_total"], tuple(entry["weeks"]), tuple(entry["notes"]))


@dataclass(frozen=True)
class Counted:
    """The file counted for one week: its points and the choice in one sentence."""

    week: int
    file: str  # the file counted, as a path inside the student's folder
    points: int
    statement: str  # e.g. "week 41: final.ipynb, 12/16 (... also draft.py: 9/16)"
    notes: tuple  # that file's messages from running it


@dataclass(frozen=True)
class Student:
    """A student's grade: every file, the file counted per week and its results."""

    name: str
    files: tuple  # FileGrade of every file, in name order
    counted: tuple  # Counted, one per week handed in
    results: tuple  # Result of the counted files, week by week
    to_read: tuple  # questions answered in words, which the teacher reads
    unanswered: tuple  # prose questions with no answer found below them
    weeks: tuple
    total: int
    max_total: int


def student_of(grade):
    """The :class:`Student` of a :class:`~ffnn_grader.trusted.students.StudentGrade`."""
    files = tuple(file_of(f) for f in grade.files)
    by_name = {f.file: f for f in reversed(files)}  # the first of a name, as StudentGrade.chosen
    counted = tuple(Counted(c.week, c.file, c.points, c.statement(), by_name[c.file].notes)
                    for c in grade.choices)
    return Student(grade.name, files, counted, tuple(result_of(r) for r in grade.results),
                   tuple(grade.to_read), tuple(grade.unanswered), grade.weeks, grade.total,
                   grade.max_total)
