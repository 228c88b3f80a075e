"""The class at a glance: one HTML page and two figures (matplotlib, PNG) in one folder.

* ``pass_rate.png`` -- per exercise, the share of the students graded on
  it who passed (:attr:`ExerciseStats.rate`);
* ``totals.png`` -- the distribution of the students' points, one panel
  per week (totals out of 16 and out of 12 are not mixed);
* ``index.html`` -- both figures, per exercise the pass rate and the most
  common reasons of the students who did not pass (:attr:`ExerciseStats.reasons`, from
  :func:`exercise_stats`),
  and every file not graded with the reason.
"""

from collections import Counter
from dataclasses import dataclass

from ..trusted.exercises import EXERCISES, week_of
from .pages import folder, page, table, text, write
from .records import file_of, student_of

TOP_REASONS = 3


@dataclass(frozen=True)
class ExerciseStats:
    exercise: str
    graded: int  # students graded on it
    passed: int
    reasons: tuple  # ((reason, students), ...) most common first

    @property
    def rate(self):
        return self.passed / self.graded if self.graded else 0.0


def exercise_stats(students):
    """One :class:`ExerciseStats` per exercise someone (a :class:`.records.Student`) was
    graded on, in the exercise sets' order."""
    results = {}
    for student in students:
        for r in student.results:
            results.setdefault(r.exercise, []).append(r)
    out = []
    for exercise in EXERCISES:
        rs = results.get(exercise, [])
        if not rs:
            continue
        reasons = Counter((r.reason or r.status)[:300] for r in rs if r.status != "pass")
        out.append(ExerciseStats(exercise, len(rs), sum(r.status == "pass" for r in rs),
                                 tuple(reasons.most_common(TOP_REASONS))))
    return out


def week_totals(students):
    """``{week: [points of each student graded on that week]}``."""
    totals = {}
    for student in students:
        for counted in student.counted:
            totals.setdefault(counted.week, []).append(counted.points)
    return totals


def _figures(directory, stats, totals):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    fig, ax = plt.subplots(figsize=(8, 0.28 * max(len(stats), 4) + 1.2), layout="constrained")
    names = [s.exercise for s in stats][::-1]
    rates = [100 * s.rate for s in stats][::-1]
    colors = ["#1f77b4" if week_of(n) == "w41" else "#ff7f0e" for n in names]
    ax.barh(names, rates, color=colors)
    for y, (rate, s) in enumerate(zip(rates, stats[::-1])):
        inside = rate > 88
        ax.text(rate - 1 if inside else rate + 1, y, f"{s.passed}/{s.graded}", va="center", fontsize=8,
                ha="right" if inside else "left", color="white" if inside else "black")
    ax.legend(handles=[Patch(color="#1f77b4", label="week 41"), Patch(color="#ff7f0e", label="week 42")],
              loc="lower right", fontsize=8)
    ax.set_xlim(0, 100)
    ax.xaxis.set_major_formatter(PercentFormatter())
    ax.set_xlabel("students who passed, among those graded on the exercise")
    ax.set_title("Pass rate per exercise")
    fig.savefig(directory / "pass_rate.png", dpi=110)
    plt.close(fig)

    weeks = sorted(totals) or [41]
    fig, axes = plt.subplots(1, len(weeks), figsize=(4.5 * len(weeks), 3.4), layout="constrained",
                             squeeze=False)
    for ax, week in zip(axes[0], weeks):
        top = sum(1 for e in EXERCISES if week_of(e) == f"w{week}")
        points = totals.get(week, [])
        ax.hist(points, bins=[b - 0.5 for b in range(top + 2)], color="#1f77b4", edgecolor="white")
        ax.set_xlim(-0.5, top + 0.5)
        ax.set_xlabel(f"points in week {week} (out of {top})")
        ax.set_ylabel("students")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(f"Week {week}: {len(points)} students")
    fig.suptitle("Distribution of the students' points")
    fig.savefig(directory / "totals.png", dpi=110)
    plt.close(fig)


def summary_page(students, files, stats, totals):
    graded = sum(1 for f in files if not f.skipped)
    body = (f"<h1>Class summary</h1><p>{len(students)} students, {len(files)} files found, "
            f"{graded} graded, {len(files) - graded} not graded (listed below).</p>")
    for week, points in sorted(totals.items()):
        mean = sum(points) / len(points)
        body += f"<p>Week {week}: {len(points)} students, mean {mean:.1f} points.</p>"
    body += ('<h2>Pass rate per exercise</h2><img src="pass_rate.png" alt="pass rate per exercise">'
             '<h2>Distribution of the points</h2><img src="totals.png" alt="histogram of the points">')
    rows = []
    for s in stats:
        reasons = "".join(f"<li>{text(reason)} <span class=\"muted\">({n})</span></li>"
                          for reason, n in s.reasons)
        rows.append((f"<code>{text(s.exercise)}</code>", text(EXERCISES[s.exercise]),
                     f"<span class=\"nowrap\">{s.passed}/{s.graded} ({100 * s.rate:.0f} %)</span>",
                     f"<ul>{reasons}</ul>" if reasons else ""))
    body += "<h2>Per exercise: the most common reasons</h2>" + table(
        ("exercise", "what it asks", "passed", "most common reasons (students)"), rows)
    skipped = [(f"{text(f.student)}", f"<code>{text(f.file)}</code>", text(f.skipped))
               for f in files if f.skipped]
    if skipped:
        body += "<h2>Files not graded</h2>" + table(("student", "file", "why"), skipped)
    return page("Class summary", body)


def write_summary(directory, students, files, refused=()):
    """Write ``index.html``, ``pass_rate.png`` and ``totals.png`` into ``directory``; return the page's path."""
    directory = folder(directory)
    students, files = [student_of(s) for s in students], [file_of(f) for f in files]
    stats, totals = exercise_stats(students), week_totals(students)
    for name in ("pass_rate.png", "totals.png"):
        if (directory / name).is_symlink():
            raise OSError(f"{directory / name}: a symbolic link: not written through")
    _figures(directory, stats, totals)
    path = directory / "index.html"
    write(path, summary_page(students, files, stats, totals), refused)
    return path
