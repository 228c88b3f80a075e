"""Class folders that try to end the run or borrow marks, graded with the command line.

A file that cannot be parsed, a symbolic link to another student's file or
to a file of the teacher's, values that cannot be copied out of a cell: each
costs only that file (or that cell), the honest neighbour keeps its marks
and the JSON is written.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
CORRECT = Path(__file__).parent / "fixtures" / "submissions" / "correct.py"
ENV = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT / "code"),
       "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


def _grade(folder):
    out = folder.parent / "grades.json"
    process = subprocess.run([sys.executable, "-P", "-m", "ffnn.grade", ".", "--json", str(out),
                              "--submission-timeout", "60"], cwd=folder, env=ENV,
                             capture_output=True, text=True, timeout=600)
    grades = json.loads(out.read_text())
    return process, grades, {Path(s["path"]).as_posix(): s for s in grades["submissions"]}


def test_unreadable_files_and_links_cost_only_themselves(tmp_path):
    folder, teacher = tmp_path / "class", tmp_path / "teacher"
    (folder / "alice").mkdir(parents=True)
    (folder / "mallory").mkdir()
    teacher.mkdir()
    secret = "ghp_" + os.urandom(8).hex()
    (teacher / "token.py").write_text(secret + "\n")
    (folder / "alice" / "week41.py").write_text(CORRECT.read_text())
    (folder / "mallory" / "week41.py").symlink_to(folder / "alice" / "week41.py")
    (folder / "mallory" / "token.py").symlink_to(teacher / "token.py")
    (folder / "borrowed").symlink_to(folder / "alice", target_is_directory=True)
    (folder / "nested.ipynb").write_text('{"cells": ' + "[" * 100_000)
    (folder / "cells.ipynb").write_text('{"cells": 5}')
    process, grades, by_path = _grade(folder)
    assert set(by_path) == {"alice/week41.py"}
    assert by_path["alice/week41.py"]["total"] == by_path["alice/week41.py"]["max_total"] > 0
    refused = " ".join(grades["errors"])
    for name in ("mallory/week41.py", "mallory/token.py", "nested.ipynb", "cells.ipynb"):
        assert name in refused
    assert secret not in process.stdout + process.stderr + json.dumps(grades)


def test_values_that_cannot_be_copied_out_cost_only_their_cell(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "a_values.py").write_text((HOSTILE / "uncopyable_values.py").read_text())
    attack = (HOSTILE / "uncopyable_values.py").read_text().split("# %% Exercise 1\n")[1]
    (folder / "b_honest.py").write_text(CORRECT.read_text() + "\n# %%\n" + attack)
    process, grades, by_path = _grade(folder)
    assert process.returncode == 0, process.stderr
    honest = by_path["b_honest.py"]
    assert honest["total"] == honest["max_total"] > 0, honest
    assert "malformed" not in json.dumps(by_path["a_values.py"])
    assert "Unprintable" in json.dumps(by_path["a_values.py"])


def test_printed_text_escapes_every_character_that_moves_hides_or_reorders_text():
    from ffnn_grader.trusted.report import clean

    hidden = "\x1b[2J\u061c\U000e0001\u180e\u00ad\ufff9\u2060\u206a\u202e\u2028\ue000"
    shown = clean("a" + hidden + "é 中 ∂C/∂W")
    assert shown.isprintable() and "\\" in shown
    assert shown.startswith("a\\x1b[2J") and shown.endswith("é 中 ∂C/∂W")
    assert all(c not in shown for c in hidden if not c.isprintable())
