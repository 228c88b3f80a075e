"""One row per student: the best file of each week, its points, and the choice stated.

A student may hand in several files (a notebook per week, a draft and a
final version, a script beside the notebook).  For each week, the file
that scores most on that week's exercises is the one counted (the first
in name order on a tie); the student's total is the sum over the weeks.
:class:`WeekChoice` says which file was counted and what the others scored.
"""

from dataclasses import dataclass, field

from .exercises import week_of


@dataclass(frozen=True)
class WeekChoice:
    week: int
    file: str  # the file counted, as a path inside the student's folder
    points: int
    max_points: int
    others: tuple = ()  # (file, points) of the other files holding this week

    def statement(self, show=str):
        """The choice in one sentence, e.g. ``week 41: final.ipynb, 12/16 (also draft.py: 9/16)``;
        ``show`` prints a file's name (:func:`.names.shown` in a terminal)."""
        text = f"week {self.week}: {show(self.file)}, {self.points}/{self.max_points}"
        if self.others:
            also = ", ".join(f"{show(name)}: {points}/{self.max_points}" for name, points in self.others)
            text += f" (the best of the files for this week; also {also})"
        return text


@dataclass
class StudentGrade:
    """A student's grade: their files (dicts of :func:`.grader.grade_found`) and the chosen results."""

    name: str
    files: list  # every file of the student, graded or not, in name order
    choices: list = field(default_factory=list)  # one WeekChoice per week handed in
    results: list = field(default_factory=list)  # the counted files' results, week by week
    to_read: list = field(default_factory=list)
    unanswered: list = field(default_factory=list)

    @property
    def weeks(self):
        return tuple(choice.week for choice in self.choices)

    @property
    def total(self):
        return sum(choice.points for choice in self.choices)

    @property
    def max_total(self):
        return sum(choice.max_points for choice in self.choices)

    def chosen(self, week):
        """The dict of the file counted for ``week``."""
        name = next(c.file for c in self.choices if c.week == week)
        return next(f for f in self.files if f["file"] == name)

    def as_dict(self):
        return {"student": self.name, "files": [f["file"] for f in self.files],
                "weeks": list(self.weeks), "total": self.total, "max_total": self.max_total,
                "choices": [c.statement() for c in self.choices], "results": self.results,
                "to_read": self.to_read, "unanswered": self.unanswered}


def _of_week(entry, week):
    return [r for r in entry["results"] if week_of(r["exercise"]) == f"w{week}"]


def student_grade(name, files):
    """The :class:`StudentGrade` of a student from the dicts of all their files."""
    grade = StudentGrade(name, files)
    weeks = sorted({w for f in files if not f["skipped"] for w in f["weeks"]})
    for week in weeks:
        candidates = [(f, _of_week(f, week)) for f in files if not f["skipped"] and week in f["weeks"]]
        candidates = [(f, rs) for f, rs in candidates if rs]
        if not candidates:
            continue
        scored = [(sum(r["points"] for r in rs), f, rs) for f, rs in candidates]
        best = max(range(len(scored)), key=lambda i: (scored[i][0], -i))
        points, entry, results = scored[best]
        others = tuple((f["file"], p) for i, (p, f, _) in enumerate(scored) if i != best)
        grade.choices.append(WeekChoice(week, entry["file"], points,
                                        sum(r["max_points"] for r in results), others))
        grade.results.extend(results)
        prefix = f"w{week}-"
        grade.to_read += [q for q in entry["to_read"] if q.startswith(prefix)]
        grade.unanswered += [q for q in entry["unanswered"] if q.startswith(prefix)]
    return grade
