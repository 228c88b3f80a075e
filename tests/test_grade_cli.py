"""The command line against a hostile class folder: names that look like options, symbolic
links, look-alike names and modules named like the grader's own.  Each attack is a file of
tests/fixtures/hostile/ saved under the name that makes it an attack; each is judged by
what is seen from outside: files left unchanged, marks, what the teacher reads.
"""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

HERE = Path(__file__).parent
HOSTILE = HERE / "fixtures" / "hostile"
CORRECT = HERE / "fixtures" / "submissions" / "correct.py"
FLAGS = ["--exercise", "w42-3c", "--check-timeout", "5"]


def _fixture(name, outside=""):
    marker = uuid.uuid4().hex
    text = (HOSTILE / name).read_text().replace("@MARKER@", marker).replace("@OUTSIDE@", str(outside))
    return text, marker


def _grade(argv, cwd, **kw):
    env = dict(os.environ, OMP_NUM_THREADS="1", **kw.pop("env", {}))
    return subprocess.run([sys.executable, *argv], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env=env, **kw)


def test_a_file_named_like_an_option_is_refused_not_obeyed(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    honest = CORRECT.read_text()
    (folder / "alice.py").write_text(honest)
    text, _ = _fixture("option_named.py")
    (folder / "--json=alice.py").write_text(text)
    glob = sorted(p.name for p in folder.iterdir())  # what `*.py` expands to
    run = _grade(["-m", "ffnn.grade", "--json", "grades.json", *FLAGS, *glob], folder)
    assert run.returncode == 2
    assert "starts with '-'" in run.stderr and "'--'" in run.stderr
    assert (folder / "alice.py").read_text() == honest  # nothing written over the submission
    assert not (folder / "grades.json").exists()
    # after --, the same names are files: both graded, alice's file untouched
    run = _grade(["-m", "ffnn.grade", "--json", "grades.json", *FLAGS, "--", *glob], folder)
    assert run.returncode == 0, run.stderr
    assert (folder / "alice.py").read_text() == honest
    grades = json.loads((folder / "grades.json").read_text())
    assert {Path(s["path"]).name: s["total"] for s in grades["submissions"]} == {
        "--json=alice.py": 0, "alice.py": 1}


def test_an_output_is_never_written_over_a_file_being_graded(tmp_path):
    (tmp_path / "alice.py").write_text(CORRECT.read_text())
    run = _grade(["-m", "ffnn.grade", "--csv", "alice.py", *FLAGS, "--", "alice.py"], tmp_path)
    assert run.returncode == 2 and "one of the files being graded" in run.stderr
    assert (tmp_path / "alice.py").read_text() == CORRECT.read_text()


def test_symbolic_links_are_refused_on_the_command_line_and_in_folders(tmp_path):
    teacher, folder = tmp_path / "teacher", tmp_path / "class"
    (folder / "bob").mkdir(parents=True)
    teacher.mkdir()
    token = uuid.uuid4().hex
    (teacher / "solution.py").write_text(CORRECT.read_text())
    (teacher / ".env").write_text(f"TOKEN={token}\n")
    text, _ = _fixture("linked_files.py")
    (folder / "bob" / "work.py").write_text(text)
    (folder / "bob" / "solution.py").symlink_to(teacher / "solution.py")
    (folder / "bob" / "settings.py").symlink_to(teacher / ".env")
    (folder / "carol.py").symlink_to(teacher / "solution.py")
    (folder / "dave").symlink_to(teacher, target_is_directory=True)
    out = tmp_path / "grades.json"
    glob = sorted(str(p) for p in folder.iterdir())
    run = _grade(["-m", "ffnn.grade", "--json", str(out), *FLAGS, "--", *glob, str(folder / "carol.py")],
                 tmp_path)
    grades = json.loads(out.read_text())
    everything = run.stdout + run.stderr + out.read_text()
    assert token not in everything
    assert all(s["total"] == 0 for s in grades["submissions"])  # the solution never graded
    refused = {Path(f["path"]).name: f["skipped"] for f in grades["files"] if f["skipped"]}
    assert set(refused) == {"solution.py", "settings.py", "carol.py", "dave"}
    assert all("symbolic link" in reason for reason in refused.values())
    assert run.returncode == 2  # links are the teacher's to look at: said on stderr
    assert run.stderr.count("symbolic link") >= 4


def test_look_alike_names_are_flagged_and_escaped(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "alice.py").write_text(CORRECT.read_text())
    text, _ = _fixture("lookalike_name.py")
    (folder / "\u0430lice.py").write_text(text)
    (folder / "Åse Ødegård.py").write_text(CORRECT.read_text())
    run = _grade(["-m", "ffnn.grade", *FLAGS, "--", str(folder)], tmp_path)
    assert run.returncode == 0, run.stderr
    assert "\u0430" not in run.stdout  # never printed so as to read "alice"
    assert "\\u0430lice.py [look-alike name" in run.stdout
    assert "warning: these names read alike: " in run.stdout
    assert "Åse Ødegård  " in run.stdout  # letters of one script are shown as they are


@pytest.mark.parametrize("module", ["ffnn.grade", "ffnn_grader"])
def test_python_m_from_the_class_folder_imports_nothing_from_it(tmp_path, module):
    folder, outside = tmp_path / "class", tmp_path / "outside"
    folder.mkdir()
    outside.mkdir()
    text, _ = _fixture("shadow_modules.py", outside)
    names = ("json", "numpy", "pathlib", "argparse", "csv", "html", "subprocess", "dataclasses")
    for name in names:
        (folder / f"{name}.py").write_text(text.replace("__file__", f"'{name}.py'"))
    (folder / "alice.py").write_text(CORRECT.read_text())
    run = _grade(["-m", module, *FLAGS, "."], folder)
    assert list(outside.iterdir()) == []  # none of them ran with the teacher's rights
    assert run.returncode == 0, run.stderr
    assert "alice.py" in run.stdout and "1/1" in run.stdout
