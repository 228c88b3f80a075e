"""The grader on a class download: twelve students in folders of their own, graded in one
command into a gradebook, twelve feedback pages and a summary.

The class folder is built here from the fixtures of tests/fixtures/notebooks/ and
tests/fixtures/submissions/ (copies under new names, a helper module, a PDF, an
``.IPYNB``, an ``.ipynb.txt``, a ``.json`` notebook, a duplicate, an empty notebook and a
week-43 notebook, names with spaces and letters outside ASCII); what is expected of
each file is written beside it, by hand, from what the fixture holds.
"""

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ffnn_grader.trusted.exercises import EXERCISES, TO_READ

HERE = Path(__file__).parent
NOTEBOOKS, SUBMISSIONS = HERE / "fixtures" / "notebooks", HERE / "fixtures" / "submissions"


def _notebook(*cells):
    return json.dumps({"cells": [{"cell_type": kind, "metadata": {}, "source": source,
                                  **({"outputs": [], "execution_count": None} if kind == "code" else {})}
                                 for kind, source in cells],
                       "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


HELPERS = ("import numpy as np\n\n\ndef mse_der(predict, target):\n    return 2 * (predict - target) / predict.size\n\n\n"
           "def sigmoid_der(z):\n    s = 1 / (1 + np.exp(-z))\n    return s * (1 - s)\n")
USES_HELPERS = _notebook(
    ("markdown", "# Exercises week 42\n## Exercise 3 - Gradient with one layer using the chain rule\n**b)**"),
    ("code", "from helpers import mse_der"),
    ("markdown", "**c)**"),
    ("code", "from helpers import sigmoid_der"),
    ("markdown", "## Exercise 4 - Gradient with two layers\n**b)** Which shape has dz2/da1?"),
    ("markdown", "It is W2, of shape (8, 4): each output of layer 2 depends on each input."))
WEEK_43 = _notebook(
    ("markdown", "# Exercises week 43\n## Exercise 1 - Linear regression with gradient descent"),
    ("code", "import numpy as np\n\ndef r2_score_own(y, y_fit):\n    return 1 - np.sum((y - y_fit) ** 2) "
             "/ np.sum((y - np.mean(y)) ** 2)\n"))

# student -> {file inside their folder: content (bytes) or a fixture to copy}
CLASS = {
    "Ada Lovelace": {"week 41 and 42 final.ipynb": SUBMISSIONS / "correct.ipynb"},
    "Bjørn Ødegård": {"uke41.ipynb": NOTEBOOKS / "w41_columns.ipynb",
                      "uke 42/uke42.ipynb": NOTEBOOKS / "w42_columns.ipynb"},
    "Chen Wei": {"draft v1.ipynb": NOTEBOOKS / "w41_template.ipynb",
                 "final v2.ipynb": NOTEBOOKS / "w41_train_split.ipynb"},
    "Dana Scully": {"w42.ipynb": NOTEBOOKS / "w42_mistakes.ipynb", "report.pdf": b"%PDF-1.4\n%%EOF\n"},
    "Emil Haug": {"work/exercises.ipynb": USES_HELPERS.encode(), "work/helpers.py": HELPERS.encode()},
    "Fiona Gallagher": {"FIONA.IPYNB": NOTEBOOKS / "w41_handout_softmax.ipynb"},
    "Gustav Vigeland": {"week41.ipynb": _notebook().encode()},
    "Hanne Holm": {"week43.ipynb": WEEK_43.encode()},
    "Ivar Aasen": {"mistakes.py": SUBMISSIONS / "typical_mistakes.py"},
    "Jonas Lie": {"attempt.py": NOTEBOOKS / "w41_wrong_attempts.py",
                  "attempt (1).py": NOTEBOOKS / "w41_wrong_attempts.py"},
    "Kari Nordmann": {"conventions.ipynb": NOTEBOOKS / "w42_conventions.ipynb",
                      "class.ipynb.txt": NOTEBOOKS / "w42_class_full_batch.ipynb"},
    "Lars Onsager [2]": {"both.json": NOTEBOOKS / "both_weeks.ipynb", "notes.txt": b"see notebook\n"},
}
# student -> (week column, {file: "graded" or a phrase of the reason it is not})
EXPECTED = {
    "Ada Lovelace": ("41+42", {"week 41 and 42 final.ipynb": "graded"}),
    "Bjørn Ødegård": ("41+42", {"uke41.ipynb": "graded", "uke 42/uke42.ipynb": "graded"}),
    "Chen Wei": ("41", {"draft v1.ipynb": "graded", "final v2.ipynb": "graded"}),
    "Dana Scully": ("42", {"w42.ipynb": "graded", "report.pdf": "not a notebook or a Python script"}),
    "Emil Haug": ("42", {"work/exercises.ipynb": "graded", "work/helpers.py": "imports"}),
    "Fiona Gallagher": ("41", {"FIONA.IPYNB": "graded"}),
    "Gustav Vigeland": ("", {"week41.ipynb": "no code in this file"}),
    "Hanne Holm": ("", {"week43.ipynb": "no exercise of week 41 or 42"}),
    "Ivar Aasen": ("41+42", {"mistakes.py": "graded"}),
    "Jonas Lie": ("41", {"attempt (1).py": "graded", "attempt.py": "the same content as attempt (1).py"}),
    "Kari Nordmann": ("42", {"conventions.ipynb": "graded", "class.ipynb.txt": "graded"}),
    "Lars Onsager [2]": ("41+42", {"both.json": "graded", "notes.txt": "not a notebook or a Python script"}),
}


def build_class(root):
    for student, files in CLASS.items():
        for name, content in files.items():
            path = root / student / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content.read_bytes() if isinstance(content, Path) else content)
    return root


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The class graded once, by the command line, with every output."""
    root = tmp_path_factory.mktemp("grading")
    folder = build_class(root / "Week 41 & 42 [ø]")
    out = root / "out"
    argv = [sys.executable, "-m", "ffnn.grade", "--json", str(out / "grades.json"),
            "--csv", str(out / "grades.csv"), "--feedback", str(out / "feedback"),
            "--summary", str(out / "summary"), "--", str(folder)]
    out.mkdir()
    run = subprocess.run(argv, capture_output=True, text=True, timeout=600,
                         env=dict(os.environ, OMP_NUM_THREADS="1"))
    return run, out, folder


def test_the_class_is_graded_in_one_command_with_every_file_accounted_for(graded):
    run, out, folder = graded
    assert run.returncode == 0, run.stderr
    data = json.loads((out / "grades.json").read_text())
    found = {(f["student"], f["file"]): f["skipped"] for f in data["files"]}
    on_disk = {(p.relative_to(folder).parts[0], str(Path(*p.relative_to(folder).parts[1:])))
               for p in folder.rglob("*") if p.is_file()}
    assert set(found) == on_disk
    for student, (_, files) in EXPECTED.items():
        for name, what in files.items():
            reason = found[(student, name)]
            assert (reason == "") if what == "graded" else (what in reason), (student, name, reason)
            if reason:
                assert name in run.stdout and reason in run.stdout  # listed for the teacher


def test_the_gradebook_has_one_row_per_student_with_the_exercises_points(graded):
    _, out, _ = graded
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["student"] for r in rows] == sorted(CLASS, key=str.casefold)
    assert list(rows[0]) == ["student", "files", "week", *EXERCISES, "total", "maximum"]
    data = {s["student"]: s for s in json.loads((out / "grades.json").read_text())["students"]}
    for row in rows:
        week, _ = EXPECTED[row["student"]]
        assert row["week"] == week
        points = [int(row[e]) for e in EXERCISES if row[e] != ""]
        assert len(points) == {"41": 16, "42": 12, "41+42": 28, "": 0}[week]
        assert int(row["total"]) == sum(points) == data[row["student"]]["total"]
        assert int(row["maximum"]) == len(points)
    ada = next(r for r in rows if r["student"] == "Ada Lovelace")
    assert ada["total"] == ada["maximum"] == "28"


def test_the_best_file_per_week_counts_and_the_choice_is_stated(graded):
    _, out, _ = graded
    data = json.loads((out / "grades.json").read_text())
    students = {s["student"]: s for s in data["students"]}
    files = {(f["student"], f["file"]): f for f in data["files"]}
    chen = students["Chen Wei"]
    draft, final = files[("Chen Wei", "draft v1.ipynb")], files[("Chen Wei", "final v2.ipynb")]
    best = max((draft, final), key=lambda f: f["total"])
    assert chen["total"] == best["total"] > min(draft["total"], final["total"])
    assert chen["choices"][0].startswith(f"week 41: {best['file']}")
    assert "also" in chen["choices"][0]
    emil = students["Emil Haug"]  # the notebook imports its own helper module inside its sandbox
    status = {r["exercise"]: r["status"] for r in emil["results"]}
    assert status["w42-3b"] == status["w42-3c"] == "pass"
    assert emil["to_read"] == ["w42-4b"] and "w42-4b" not in emil["unanswered"]
    assert set(emil["unanswered"]) == {q for q in TO_READ if q.startswith("w42-")} - {"w42-4b"}
    for entry in data["submissions"]:  # every exercise keeps its description, passed or not
        assert all(r["description"] == EXERCISES[r["exercise"]] for r in entry["results"])


def test_each_student_gets_a_feedback_page_with_nothing_of_another_student(graded):
    _, out, _ = graded
    pages = sorted((out / "feedback").glob("*.html"))
    assert len(pages) == len(CLASS)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        owner = [s for s in CLASS if f"Feedback for {s.replace('&', '&amp;')}" in text]
        assert len(owner) == 1, page
        for other in set(CLASS) - set(owner):
            assert other not in text, (page, other)
            for name in CLASS[other]:
                if not any(name in CLASS[o] for o in owner):
                    assert Path(name).name not in text, (page, name)
        assert not re.search(r"<(script|link|iframe)\b|src=\"http", text)  # self-contained


def test_the_summary_page_shows_two_figures_and_the_common_reasons(graded):
    _, out, _ = graded
    page = (out / "summary" / "index.html").read_text(encoding="utf-8")
    images = re.findall(r'<img src="([^"]+)"', page)
    assert images == ["pass_rate.png", "totals.png"]
    for image in images:
        assert (out / "summary" / image).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "12 students" in page and "most common reasons" in page
    assert "report.pdf" in page  # the files not graded, for the teacher
