"""Headings in every form students write them place the code under its exercise.

Markdown ``#`` headings, HTML ``<h2>`` headings, bold lines, and comments
opening a code cell (``# Exercise 5c)``) all open their exercise or letter;
a comment recalling an earlier exercise opens nothing.
"""

import json

from ffnn_grader.trusted.submission import load_submission


def _sections(tmp_path, cells):
    notebook = {"cells": [{"cell_type": kind, "source": source, "metadata": {},
                           **({"outputs": [], "execution_count": None} if kind == "code" else {})}
                          for kind, source in cells],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "forms.ipynb"
    path.write_text(json.dumps(notebook))
    return [cell.section for cell in load_submission(path, week=41).cells]


def test_html_bold_and_markdown_headings_open_their_exercise(tmp_path):
    cells = [("markdown", "<h2>Exercise 3 - Custom activation</h2>"), ("code", "a = 1\n"),
             ("markdown", "**b)** the forward pass"), ("code", "b = 2\n"),
             ("markdown", '<h3 style="color: red">Exercise 5</h3>\n<b>c)</b> softmax'), ("code", "c = 3\n")]
    assert _sections(tmp_path, cells) == ["w41-3", "w41-3b", "w41-5c"]


def test_comments_opening_a_code_cell_are_headings(tmp_path):
    cells = [("markdown", "# Exercise 4"), ("code", "a = 1\n"),
             ("code", "# Exercise 5c)\nlayers = 1\n"), ("code", "# b) not before c\nx = 2\n"),
             ("code", "# Exercise 3: as we did before\ny = 3\n"), ("code", "z = 4  # Exercise 6\n")]
    assert _sections(tmp_path, cells) == ["w41-4", "w41-5c", "w41-5c", "w41-5c", "w41-5c"]


def test_headings_only_in_code_comments_are_read(tmp_path):
    cells = [("code", "# Exercise 1\nx = 1\n"), ("code", "# b)\nb1 = 2\n"), ("code", "# Exercise 2b\nW2 = 3\n")]
    assert _sections(tmp_path, cells) == ["w41-1", "w41-1b", "w41-2b"]
