"""One HTML page per student: what counted, each exercise with its status, the reason and
what to try next, the prose questions the teacher will read, and every file handed in.

A page is built from that student's :class:`~ffnn_grader.trusted.students.StudentGrade`
alone (read into a :class:`.records.Student`), so it holds nothing of another student.  Files are named after the
student (:func:`.pages.slug`), ``-2``, ``-3``... when two names give the same one.
"""

from ..trusted.exercises import EXERCISES, TO_READ
from .pages import WORDS, folder, page, slug, status, table, text, write
from .records import student_of


def _exercises(student):
    rows = []
    for r in student.results:
        meaning, next_step = WORDS.get(r.status, ("", ""))
        found = text(meaning)
        if r.reason and r.status != "pass":
            found += f"<br><span class=\"muted\">{text(r.reason)}</span>"
        rows.append((f"<code>{text(r.exercise)}</code>",
                     text(r.description or EXERCISES.get(r.exercise, "")),
                     status(r.status), f"{r.points}/{r.max_points}", found, text(next_step)))
    return table(("exercise", "what it asks", "result", "points", "what the grader found",
                  "what to try next"), rows)


def _prose(student):
    parts = []
    if student.to_read:
        items = "".join(f"<li><code>{text(q)}</code> {text(TO_READ.get(q, EXERCISES.get(q, '')))}</li>"
                        for q in student.to_read)
        parts.append(f"<p>Your teacher reads your answers to these questions:</p><ul>{items}</ul>")
    if student.unanswered:
        items = "".join(f"<li><code>{text(q)}</code> {text(TO_READ.get(q, ''))}</li>"
                        for q in student.unanswered)
        parts.append("<p>No answer was found below these questions (write it in a text cell "
                     f"right under the question):</p><ul>{items}</ul>")
    return "".join(parts) or "<p class=\"muted\">No question to answer in words in what was graded.</p>"


def _files(student):
    rows = []
    for f in student.files:
        if f.skipped:
            what = f"not graded: {text(f.skipped)}"
        else:
            what = f"graded: {f.total}/{f.max_total} (week {'+'.join(map(str, f.weeks))})"
        rows.append((f"<code>{text(f.file)}</code>", what))
    return table(("file", "what the grader did"), rows)


def _notes(student):
    notes = [(c.file, note) for c in student.counted for note in c.notes]
    if not notes:
        return ""
    items = "".join(f"<li><code>{text(name)}</code>: {text(note)}</li>" for name, note in dict.fromkeys(notes))
    return f"<h2>Messages from running your code</h2><ul>{items}</ul>"


def feedback_page(grade):
    """The HTML page of one student (a :class:`~ffnn_grader.trusted.students.StudentGrade`)."""
    student = student_of(grade)
    if student.counted:
        head = (f"<p class=\"total\">{student.total}/{student.max_total} points</p><p>Counted: "
                + "; ".join(text(c.statement) for c in student.counted) + "</p>")
    else:
        head = ("<p class=\"total\">Nothing graded</p><p>No file of yours holds the exercises of "
                "week 41 or 42: see your files below.</p>")
    body = (f"<h1>Feedback for {text(student.name)}</h1>\n<p class=\"muted\">Weeks 41 and 42 "
            "exercises: every exercise that asks for code is worth 1 point.</p>\n" + head)
    if student.results:
        body += "\n<h2>Exercises</h2>\n" + _exercises(student)
    body += "\n<h2>Questions answered in words</h2>\n" + _prose(student)
    body += "\n" + _notes(student)
    body += "\n<h2>Your files</h2>\n" + _files(student)
    return page(f"Feedback for {student.name}", body)


def write_feedback(directory, students, refused=()):
    """Write one page per student into ``directory``; return ``[(student, file written)]``."""
    directory = folder(directory)
    written, used = [], set()
    for student in students:
        base = name = slug(student.name)
        number = 1
        while name.lower() in used:
            number += 1
            name = f"{base}-{number}"
        used.add(name.lower())
        path = directory / f"{name}.html"
        write(path, feedback_page(student), refused)
        written.append((student, path))
    return written
