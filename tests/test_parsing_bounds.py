"""Reading a submission takes time linear in its size, and a file too large is its own error.

Each shape below made the grader's own process work for minutes (or hold
gigabytes) before a single cell ran: a heading comment of many spaces
(quadratic backtracking), many statements between many headings
(statements x headings), many small statements (each cell padded with the
blank lines before it), a cell of blank lines searched for a template
``NAME = ...``.  Each is read here in a child process that must finish
within a generous timeout; the outcome is asserted, never a duration.
"""

import subprocess
import sys
import textwrap

import pytest

TIMEOUT = 60  # seconds: each shape took minutes (or gigabytes) before the parsing was linear


def _run(code, tmp_path):
    script = tmp_path / "probe.py"
    script.write_text(textwrap.dedent(code))
    try:
        done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                              timeout=TIMEOUT, cwd=tmp_path)
    except subprocess.TimeoutExpired:
        pytest.fail(f"reading the submission did not finish within {TIMEOUT} s")
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


LOAD = """
import sys
from ffnn_grader.trusted.submission import SubmissionError, load_submission
try:
    submission = load_submission(sys.argv[0].replace("probe.py", "{name}"))
except SubmissionError as error:
    print("error:", error)
else:
    print("cells:", len(submission.cells), "chars:", sum(len(c.source) for c in submission.cells))
"""


def _load(tmp_path, name, text):
    (tmp_path / name).write_text(text)
    return _run(LOAD.format(name=name), tmp_path)


def test_a_heading_comment_of_many_spaces_is_read_in_linear_time(tmp_path):
    text = "#" + " " * 200_000 + "x\nx = 1\n# Exercise 1\ny = 2\n"
    out = _load(tmp_path, "spaces.py", text)
    assert out.startswith("cells: 2")


def test_many_statements_between_many_headings_are_grouped_in_linear_time(tmp_path):
    text = "# Exercise 1\nx = 1\n" * 40_000
    out = _load(tmp_path, "headings.py", text)
    assert out.startswith("cells: 40000")


def test_many_small_statements_are_not_each_padded_with_every_line_before_them(tmp_path):
    text = "x = 1\n" * 60_000  # padded, as before: 1.8e9 characters
    out = _load(tmp_path, "statements.py", text)
    cells, chars = out.split()[1], int(out.split()[3])
    assert cells == "60000" and chars < 10 * len(text)


def test_a_few_statements_keep_the_files_line_numbers():
    from ffnn_grader.trusted.submission import script_items

    code = [item for item in script_items("import numpy\n\nx = 1\ny = x +\\\n  1\n") if item[0] == "code"]
    assert [label for _, label, _ in code] == ["lines 1-1", "lines 3-3", "lines 4-5"]
    assert code[2][2].splitlines()[3] == "y = x +\\"  # line 4 of the file is line 4 of the cell


def test_a_script_too_large_is_that_files_error(tmp_path):
    out = _load(tmp_path, "large.py", "x = 1\n" * 1_000_000)
    assert out.startswith("error:") and "more than the" in out


def test_a_notebook_whose_code_is_too_large_is_that_files_error(tmp_path):
    import json

    cell = {"cell_type": "code", "source": "x = 1\n" * 200_000, "metadata": {}, "outputs": []}
    notebook = {"cells": [cell] * 5, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    out = _load(tmp_path, "large.ipynb", json.dumps(notebook))
    assert out.startswith("error:") and "characters" in out


def test_a_cell_of_blank_lines_is_searched_for_a_template_in_linear_time(tmp_path):
    out = _run("""
        from types import SimpleNamespace
        from ffnn_grader.trusted.checks.scope import Scope
        from ffnn_grader.trusted.submission import Cell

        blank = Cell("cell 1", "\\n" * 600_000 + "W1 = 1\\n", section="w41-1b")
        ctx = SimpleNamespace(cells=[blank], states=[{"__cell__": 0, "__section__": "w41-1b",
                                                      "__error__": None}])
        print(repr(Scope(ctx, "w41-1b").absent("b1")))
    """, tmp_path)
    assert out.strip() == "''"


def test_the_heading_patterns_still_read_every_form():
    from ffnn_grader.trusted.submission import script_items

    text = "# Exercise 3\nx = 1\n# %% [markdown]\n# **b)** sizes\ny = 2\n#   week 42\nz = 3\n"
    texts = [item[1] for item in script_items(text) if item[0] == "text"]
    assert texts == ["# Exercise 3", "# **b)** sizes", "#   week 42"]
