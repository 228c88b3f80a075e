"""Reading a class folder (no sandbox): whose each file is, and what is done with it; the best
file per week; the gradebook's rows; names that read alike."""

import csv
import json

from ffnn_grader.outputs.gradebook import COLUMNS, write_csv
from ffnn_grader.outputs.pages import slug, write
from ffnn_grader.trusted.classfolder import NOTEBOOK, SCRIPT, find
from ffnn_grader.trusted.exercises import EXERCISES
from ffnn_grader.trusted.names import look_alikes, shown
from ffnn_grader.trusted.students import student_grade

NOTEBOOK_TEXT = json.dumps({"cells": [{"cell_type": "code", "source": "x = 1"}]})


def _tree(root, files):
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)


def test_flat_files_and_student_folders_at_any_depth(tmp_path):
    _tree(tmp_path, {
        "alice.ipynb": NOTEBOOK_TEXT, "alice.pdf": b"%PDF", "bob.py": "x = 1\n",
        "carol/2024/week 41/nb.ipynb": NOTEBOOK_TEXT, "carol/2024/week 41/tools.py": "y = 2\n",
        "carol/nb copy.ipynb": NOTEBOOK_TEXT, "carol/.ipynb_checkpoints/nb-checkpoint.ipynb": NOTEBOOK_TEXT,
        "dave/A.IPYNB": NOTEBOOK_TEXT, "dave/b.ipynb.txt": NOTEBOOK_TEXT.replace("1", "2"),
        "dave/c.json": json.dumps({"cells": [{"cell_type": "code", "source": "x = 3"}]}),
        "dave/d.json": "{}", "dave/broken.ipynb": "{not json", "dave/empty.py": "",
        "erin/nb.ipynb": NOTEBOOK_TEXT.replace("x = 1", "import tools\\nx = 1"), "erin/tools.py": "z = 3\n",
    })
    students = {s.name: {f.relative: (f.kind, f.note, f.error) for f in s.files} for s in find([tmp_path])}
    assert students["alice"] == {"alice.ipynb": (NOTEBOOK, "", False),
                                 "alice.pdf": (None, "not a notebook or a Python script (.pdf): not graded", False)}
    assert students["bob"] == {"bob.py": (SCRIPT, "", False)}
    carol = students["carol"]
    assert carol["2024/week 41/nb.ipynb"] == (NOTEBOOK, "", False)
    assert carol["2024/week 41/tools.py"] == (SCRIPT, "", False)  # imported by no one: graded
    assert "the same content as" in carol["nb copy.ipynb"][1] and carol["nb copy.ipynb"][0] is None
    assert "autosave" in carol[".ipynb_checkpoints/nb-checkpoint.ipynb"][1]
    dave = students["dave"]
    assert [dave[n][0] for n in ("A.IPYNB", "b.ipynb.txt", "c.json")] == [NOTEBOOK] * 3
    assert all("read as a notebook" in dave[n][1] for n in ("A.IPYNB", "b.ipynb.txt", "c.json"))
    assert dave["d.json"] == (None, "a .json file that holds no notebook: not graded", False)
    assert dave["broken.ipynb"][2] and "not a Jupyter notebook" in dave["broken.ipynb"][1]
    assert dave["empty.py"] == (None, "empty file: nothing to grade", False)
    assert "imports" in students["erin"]["tools.py"][1] and students["erin"]["tools.py"][0] is None
    helpers = next(s for s in find([tmp_path]) if s.name == "erin").helpers()
    assert set(helpers) == {"nb.ipynb", "tools.py"} and helpers["tools.py"] == b"z = 3\n"


def test_links_are_listed_and_never_read(tmp_path):
    (tmp_path / "secret").write_text("token")
    _tree(tmp_path, {"class/frank/nb.py": "x = 1\n"})
    (tmp_path / "class" / "frank" / "linked.py").symlink_to(tmp_path / "secret")
    (tmp_path / "class" / "gina").symlink_to(tmp_path / "class" / "frank")
    students = find([tmp_path / "class", tmp_path / "class" / "frank" / "linked.py"])
    notes = [(s.name, f.relative, f.note, f.data) for s in students for f in s.files if not f.graded]
    assert sorted(n[:2] for n in notes) == [("frank", "linked.py"), ("gina", "gina"), ("linked", "linked.py")]
    assert all("symbolic link" in note and data == b"" for _, _, note, data in notes)


def _entry(name, week, passed):
    ids = [e for e in EXERCISES if e.startswith(f"w{week}-")]
    results = [{"exercise": e, "status": "pass" if i < passed else "fail", "points": int(i < passed),
                "max_points": 1, "reason": ""} for i, e in enumerate(ids)]
    return {"student": "Åse", "file": name, "skipped": "", "weeks": [week], "results": results,
            "to_read": [], "unanswered": [], "notes": [], "total": passed, "max_total": len(ids)}


def test_the_best_file_per_week_counts_ties_go_to_the_first(tmp_path):
    files = [_entry("a.ipynb", 41, 9), _entry("b.ipynb", 41, 12), _entry("c.py", 42, 3),
             _entry("d.py", 42, 3), {"student": "Åse", "file": "x.pdf", "skipped": "not a notebook",
                                     "weeks": [], "results": [], "to_read": [], "unanswered": [],
                                     "notes": [], "total": 0, "max_total": 0}]
    grade = student_grade("Åse", files)
    assert [(c.week, c.file, c.points, c.max_points) for c in grade.choices] == [
        (41, "b.ipynb", 12, 16), (42, "c.py", 3, 12)]
    assert grade.total == 15 and grade.max_total == 28
    assert grade.choices[0].statement() == ("week 41: b.ipynb, 12/16 (the best of the files for this "
                                            "week; also a.ipynb: 9/16)")
    write_csv(tmp_path / "grades.csv", [grade, student_grade("=cmd|' /C calc'!A0", [files[-1]])])
    with open(tmp_path / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == COLUMNS
    assert rows[0]["student"] == "Åse" and rows[0]["week"] == "41+42"
    assert rows[0]["files"] == "a.ipynb; b.ipynb; c.py; d.py; x.pdf"
    assert [rows[0][e] for e in EXERCISES][:16] == ["1"] * 12 + ["0"] * 4
    assert rows[0]["total"] == "15" and rows[0]["maximum"] == "28"
    assert rows[1]["student"].startswith("'=")  # never a formula in a spreadsheet
    assert rows[1]["week"] == "" and rows[1]["total"] == "0"


def test_the_outputs_read_the_grader_s_dicts_into_records():
    from ffnn_grader.outputs.records import FileGrade, Result, student_of
    files = [_entry("a.ipynb", 41, 2), {"student": "Åse", "file": "x.pdf", "skipped": "not a notebook",
                                        "weeks": [], "results": [], "to_read": [], "unanswered": [],
                                        "notes": [], "total": 0, "max_total": 0}]
    files[0]["notes"] = ["3 warnings"]
    files[0]["results"][2].update(description="z1 = W1 x + b1", reason="wrong shape")
    student = student_of(student_grade("Åse", files))
    first = [e for e in EXERCISES if e.startswith("w41-")][:3]
    assert student.results[:3] == (Result(first[0], "", "pass", 1, 1, ""),
                                   Result(first[1], "", "pass", 1, 1, ""),
                                   Result(first[2], "z1 = W1 x + b1", "fail", 0, 1, "wrong shape"))
    assert student.files[1] == FileGrade("Åse", "x.pdf", "not a notebook", 0, 0, (), ())
    assert [(c.week, c.file, c.points, c.notes) for c in student.counted] == [
        (41, "a.ipynb", 2, ("3 warnings",))]
    assert (student.name, student.weeks, student.total, student.max_total) == ("Åse", (41,), 2, 16)


def test_names_that_read_alike_are_flagged_and_escaped():
    assert look_alikes(["alice.py", "\u0430lice.py", "bob.py", "Ødegård.py"]) == [["alice.py", "\u0430lice.py"]]
    assert shown("\u0430lice.py") == "\\u0430lice.py [look-alike name: letters outside ASCII escaped]"
    assert shown("Ødegård.py") == "Ødegård.py"
    assert slug("Bjørn Ødegård") == "Bjorn_Odegard" and slug("../..") == "student"


def test_an_output_is_never_written_through_a_link_or_over_a_graded_file(tmp_path):
    target = tmp_path / "target"
    target.write_text("keep")
    (tmp_path / "link.csv").symlink_to(target)
    for path, refused in ((tmp_path / "link.csv", ()), (target, (str(target),))):
        try:
            write(path, "overwritten", refused)
        except OSError:
            pass
        assert target.read_text() == "keep"


def test_a_page_shows_a_hostile_name_and_reason_as_text():
    from ffnn_grader.outputs.feedback import feedback_page
    entry = _entry("<img src=x onerror=alert(1)>.py", 42, 0)
    entry["results"][0]["reason"] = "</td><script>alert(2)</script>"
    page = feedback_page(student_grade("<script>alert(3)</script>\u202egnp.py", [entry]))
    assert "<script>" not in page and "<img src=x" not in page and "\u202e" not in page
    assert "&lt;script&gt;alert(3)&lt;/script&gt;\\u202egnp.py" in page
