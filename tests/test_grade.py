"""The grader: full marks for a correct solution, exactly the affected
exercises lost for typical mistakes, submissions read into cells, sections
and weeks.  (Hostile submissions: tests/test_sandbox*.py.)

Submissions are graded through :func:`ffnn_grader.grade_path`, in the real
sandbox; a few tests run the command line.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ffnn_grader.cli import main
from ffnn_grader import grade_path
from ffnn_grader.trusted.classfolder import Found, classify
from ffnn_grader.trusted.exercises import EXERCISES, TO_READ
from ffnn_grader.trusted.sandbox import Limits
from ffnn_grader.trusted.submission import load_submission, notebook_cells, script_cells, strip_ipython

FIXTURES = Path(__file__).parent / "fixtures" / "submissions"
NOTEBOOKS = Path(__file__).parent / "fixtures" / "notebooks"
CORRECT = (FIXTURES / "correct.py").read_text()
LIMITS = Limits(cell_timeout=10, check_timeout=10, grace=1)
ENTRY_KEYS = {"exercise", "description", "status", "points", "max_points", "reason"}


def by_id(result):
    return {r["exercise"]: r for r in result["results"]}


def lost(result):
    return {r["exercise"] for r in result["results"] if r["status"] != "pass"}


def grade_text(tmp_path, text, name="submission.py", limits=LIMITS):
    path = tmp_path / name
    path.write_text(text)
    return grade_path(path, limits)


# ---------------------------------------------------------------------------
# Correct submissions
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["correct.py", "correct.ipynb"])
def test_a_correct_submission_scores_full_marks(name):
    result = grade_path(FIXTURES / name, LIMITS)
    failures = {r["exercise"]: (r["status"], r["reason"]) for r in result["results"]
                if r["status"] != "pass"}
    assert failures == {}
    assert result["total"] == result["max_total"] == len(EXERCISES)
    assert [r["exercise"] for r in result["results"]] == list(EXERCISES)
    assert all(set(r) == ENTRY_KEYS for r in result["results"])
    assert all(r["description"] == EXERCISES[r["exercise"]] for r in result["results"])
    assert result["to_read"] == []  # no prose answer in the fixture: every question said unanswered
    assert result["unanswered"] == sorted(TO_READ)
    assert result["notes"] == []  # magics and %%bash skipped, every cell ran


# ---------------------------------------------------------------------------
# Typical mistakes: (text in the correct solution, its replacement,
# the exercises lost, a phrase each reason must contain)
# ---------------------------------------------------------------------------
MISTAKES = {
    "batch weights not transposed": (
        "        W = np.random.randn(i_size, layer_output_size)\n",
        "        W = np.random.randn(layer_output_size, i_size)\n",
        # the class builds its layers with create_layers_batch; the iris cells
        # crash on the shapes, so there are no predictions, and exercise 7's
        # cell crashes before it defines train_network (week 42's training,
        # with its own backpropagation, does not answer week 41's exercise)
        {"w41-5a": "the transpose, shape (3, 4)", "w41-6b": "(4, 8) and (8, 3)",
         "w41-6c": "no `predictions`", "w41-7c": "no function `train_network` found",
         "w42-8a": "predict(X) raised"},
    ),
    "softmax over the wrong axis": (
        "    e_z = np.exp(z - np.max(z, axis=1, keepdims=True))\n"
        "    return e_z / np.sum(e_z, axis=1, keepdims=True)\n",
        "    e_z = np.exp(z - np.max(z, axis=0, keepdims=True))\n"
        "    return e_z / np.sum(e_z, axis=0, keepdims=True)\n",
        {"w41-5c": "softmax normalises over the wrong axis: rows do not sum to 1",
         "w41-6c": "do not sum to 1"},
    ),
    "training loop returns a list growing every epoch": (
        "        layers = [(W - learning_rate * W_g, b - learning_rate * b_g)\n"
        "                  for (W, b), (W_g, b_g) in zip(layers, layers_grad)]\n"
        "    return layers\n",
        "        for (W, b), (W_g, b_g) in zip(layers, layers_grad):\n"
        "            new_layers.append((W - learning_rate * W_g, b - learning_rate * b_g))\n"
        "    return new_layers\n",
        {"w41-7c": "the list grows every epoch"},
    ),
    "batched gradient not divided by the batch size": (
        "            dC_da = cost_der(predict, targets)\n",
        "            dC_da = 2 * (predict - targets) / predict.shape[1]\n",
        # the class's compute_gradient reuses backpropagation_batch
        {"w42-6": "is 8 (the batch size) times autograd's",
         "w42-8a": "is 10 (the batch size) times autograd's"},
    ),
    "batched gradient divided twice": (
        "        layer_grads[i] = (layer_inputs[i].T @ dC_dz, np.sum(dC_dz, axis=0))\n",
        "        n = inputs.shape[0]\n"
        "        layer_grads[i] = (layer_inputs[i].T @ dC_dz / n, np.sum(dC_dz, axis=0) / n)\n",
        {"w42-6": "do not divide by the batch size again", "w42-8a": "do not divide"},
    ),
    "a missing function": (
        "def feed_forward_one_layer(W, b, x):\n",
        "def forward_one_layer(W, b, x):\n",
        {"w42-2b": "no function `feed_forward_one_layer` found"},
    ),
    "mse_der without the mean": (
        "    return 2 * (predict - target) / np.size(predict)\n",
        "    return 2 * (predict - target)\n",
        # the hand-computed gradients of exercises 3 and 4 use it too
        {"w42-3b": "divide 2 (predict - target) by predict.size", "w42-3d": "dC_dz is not",
         "w42-3f": "differs from autograd", "w42-4a": "differs from autograd",
         "w42-4c": "differs from autograd", "w42-6": "times autograd's"},
    ),
}


@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_a_typical_mistake_loses_exactly_its_exercises(tmp_path, mistake):
    old, new, expected = MISTAKES[mistake]
    assert CORRECT.count(old) == 1, "the mutation must hit exactly one place"
    text = CORRECT.replace(old, new)
    if mistake.startswith("training loop"):
        text = text.replace("    for _ in range(epochs):\n        layers_grad = gradient_func",
                            "    new_layers = []\n    for _ in range(epochs):\n        layers_grad = gradient_func")
    result = grade_text(tmp_path, text)
    results = by_id(result)
    assert lost(result) == set(expected), {e: results[e]["reason"] for e in lost(result)}
    for exercise, phrase in expected.items():
        assert phrase in results[exercise]["reason"], results[exercise]
        assert results[exercise]["points"] == 0
    assert result["total"] == len(EXERCISES) - len(expected)


def test_the_handouts_own_softmax_costs_nothing_and_the_reason_says_why(tmp_path):
    # The week-41 handout's setup cell (which students must not change) shifts
    # by the column maximum: the student's feed_forward_batch is graded with a
    # correct softmax in its place.
    text = CORRECT.replace(
        "    e_z = np.exp(z - np.max(z, axis=1, keepdims=True))\n"
        "    return e_z / np.sum(e_z, axis=1, keepdims=True)\n",
        "    e_z = np.exp(z - np.max(z, axis=0))\n"
        "    return e_z / np.sum(e_z, axis=1)[:, np.newaxis]\n")
    assert text != CORRECT
    result = grade_text(tmp_path, text)
    assert lost(result) == set()
    assert "handout's softmax" in by_id(result)["w41-5c"]["reason"]


def test_a_cell_that_raises_does_not_stop_the_others(tmp_path):
    # A script without cell markers runs statement by statement.
    text = (
        "import numpy as np\n"
        "import a_module_that_does_not_exist\n"
        "def sigmoid_der(z):\n"
        "    s = 1 / (1 + np.exp(-z))\n"
        "    return s * (1 - s)\n"
        "1 / 0\n"
        "def mse_der(predict, target):\n"
        "    return 2 * (predict - target) / predict.size\n"
    )
    result = grade_text(tmp_path, text)
    results = by_id(result)
    assert results["w42-3c"]["status"] == results["w42-3b"]["status"] == "pass"
    assert result["total"] == 2
    assert any("ModuleNotFoundError" in note and "lines 2-2" in note for note in result["notes"])
    assert any("ZeroDivisionError" in note for note in result["notes"])


# ---------------------------------------------------------------------------
# A looping function
# ---------------------------------------------------------------------------
def test_a_looping_function_costs_only_its_exercises(tmp_path):
    text = CORRECT.replace(
        "def sigmoid_der(z):\n    return sigmoid(z) * (1 - sigmoid(z))\n",
        "def sigmoid_der(z):\n    while len(str(z)) > 0:\n        pass\n",
    ).replace("print(np.allclose(sigmoid_der(z), elementwise_grad(sigmoid)(z)))\n", "")
    text = text.replace("dC_dz = dC_da * sigmoid_der(z)\n", "dC_dz = dC_da * a * (1 - a)\n")
    text = text.replace("dC_dz2 = dC_da2 * sigmoid_der(z2)\n", "dC_dz2 = dC_da2 * a2 * (1 - a2)\n")
    text = text.replace("dC_dz1 = dC_da1 * sigmoid_der(z1)\n", "dC_dz1 = dC_da1 * a1 * (1 - a1)\n")
    text = text.replace("print(backpropagation(", "(backpropagation(")
    # the later cells call sigmoid_der through the training: they time out and are skipped
    result = grade_text(tmp_path, text, limits=Limits(cell_timeout=1, check_timeout=1.5, grace=0.5))
    results = by_id(result)
    assert results["w42-3c"]["status"] == "timeout"
    assert results["w41-3a"]["status"] == results["w42-5a"]["status"] == "pass"


# ---------------------------------------------------------------------------
# Loading submissions
# ---------------------------------------------------------------------------
def test_ipython_syntax_is_neutralised():
    assert strip_ipython("%matplotlib inline\nx = 1\n  !ls\n") == "pass\nx = 1\n  pass\n"
    assert strip_ipython("%%bash\necho hi\n") == ""
    assert strip_ipython("%%time\nx = 1\n") == "pass\nx = 1\n"


def test_scripts_split_into_cells_and_keep_their_line_numbers():
    cells = script_cells("a = 1\n\n@staticmethod\ndef f():\n    return a\n")
    assert [c.label for c in cells] == ["lines 1-1", "lines 3-5"]
    assert cells[1].source.count("\n") == 5
    marked = script_cells("# %%\na = 1\n# %% two\nb = 2\n")
    assert [c.label for c in marked] == ["lines 2-2", "lines 4-4"]


def test_notebooks_give_their_code_cells_in_order():
    text = json.dumps({"cells": [
        {"cell_type": "markdown", "source": "# title"},
        {"cell_type": "code", "source": ["a = 1\n", "b = 2"]},
        {"cell_type": "code", "source": ""},
        {"cell_type": "code", "source": "c = 3"},
    ]})
    assert [(c.label, c.source) for c in notebook_cells(text)] == [
        ("cell 1", "a = 1\nb = 2\n"), ("cell 3", "c = 3\n")]


def notebook(tmp_path, *cells):
    """A notebook of ("md", text) and ("code", text) cells."""
    path = tmp_path / "notebook.ipynb"
    path.write_text(json.dumps({"cells": [
        {"cell_type": "markdown" if kind == "md" else "code", "source": text} for kind, text in cells]}))
    return path


def test_the_handouts_headings_give_each_cell_its_section(tmp_path):
    path = notebook(
        tmp_path, ("code", "import numpy as np"), ("md", "# Exercise 2\n\n**a)** What?\n\n**b)** Define W2."),
        ("md", "a) The input of layer 2 is a1."),  # the student's answer to a)
        ("code", "W2 = 1"), ("md", "**c)** Compute z2."), ("code", "z2 = 2"),
        ("md", "# Exercise 4 - Custom activation for each layer"), ("code", "c = 3"),
        ("md", "**a)** Complete `feed_forward`."), ("code", "def feed_forward_all_relu(): pass"))
    submission = load_submission(path)
    assert submission.weeks == (41,)  # the title of exercise 4 and feed_forward_all_relu
    assert [c.section for c in submission.cells] == [None, "w41-2b", "w41-2c", "w41-4", "w41-4a"]
    script = tmp_path / "script.py"
    script.write_text("# Exercise 3b\nmse_der = 1\nx = 2\n# c) the derivative\ny = 3\n")
    cells = load_submission(script).cells
    assert [(c.label, c.section) for c in cells] == [("lines 2-3", "w42-3b"), ("lines 5-5", "w42-3c")]


def test_exercise_numbers_starting_again_open_the_next_weeks_part(tmp_path):
    path = notebook(tmp_path, ("md", "# Exercise 7"), ("code", "def feed_forward_all_relu(): pass"),
                    ("md", "# Exercise 2\n\n**b)** The layer."),
                    ("code", "def feed_forward_one_layer(): pass"))
    submission = load_submission(path)
    assert submission.weeks == (41, 42)
    assert [c.section for c in submission.cells] == ["w41-7", "w42-2b"]
    script = tmp_path / "converted.py"  # as nbconvert writes a notebook's markdown
    script.write_text("# # Exercise 6 - Batched inputs\n# **a)** Batches.\n"
                      "def backpropagation_batch(): pass\n")
    assert [c.section for c in load_submission(script).cells] == ["w42-6a"]


def test_the_week_comes_from_the_content_not_from_the_title():
    # 2024's titles: "Exercises week 42" on the week-41 set, "week 43" on week 42's
    assert load_submission(NOTEBOOKS / "w41_handout_softmax.ipynb").weeks == (41,)
    assert load_submission(NOTEBOOKS / "w42_conventions.ipynb").weeks == (42,)
    assert load_submission(NOTEBOOKS / "w42_partial.py").weeks == (42,)
    both = load_submission(NOTEBOOKS / "both_weeks.ipynb")
    assert both.weeks == both.detected == (41, 42)
    sections = [c.section for c in both.cells if c.section]
    assert sections[0] == "w41-1" and sections[-1] == "w42-7b"
    assert {s[:3] for s in sections} == {"w41", "w42"}
    for name in ("correct.py", "correct.ipynb", "typical_mistakes.py"):
        assert load_submission(FIXTURES / name).weeks == (41, 42)


def test_the_week_option_overrides_only_what_is_graded(tmp_path):
    both = load_submission(NOTEBOOKS / "both_weeks.ipynb", week=42)
    assert both.weeks == (42,) and both.detected == (41, 42)
    assert both.cells[2].section == "w41-1b"  # the week-41 part stays week 41
    path = notebook(tmp_path, ("md", "# Exercise 1"), ("code", "c = 0"))  # nothing tells the week
    assert load_submission(path).detected == ()
    assert load_submission(path).weeks == (41, 42)
    assert load_submission(path, week=41).cells[0].section == "w41-1"
    path = notebook(tmp_path, ("md", "# Exercise 1"), ("code", "b1 = 0\nz1 = 1\na1 = 2"))
    assert load_submission(path).weeks == (41,)  # week 41's first answers
    with pytest.raises(ValueError, match="week: expected one of \\(41, 42\\), got 43"):
        load_submission(path, week=43)


def test_code_the_handout_supplies_is_flagged():
    cells = load_submission(NOTEBOOKS / "both_weeks.ipynb").cells
    given = [c for c in cells if c.section == "w42-5"]
    assert given and all(c.handout for c in given)  # create_layers, feed_forward, cost, feed_forward_saver
    assert {"create_layers", "feed_forward"} <= given[0].handout_names
    (one_layer,) = [c for c in cells if c.section == "w42-2b"]
    assert one_layer.handout_names == {"cost_one_layer"} and not one_layer.handout
    assert cells[0].handout and cells[0].section is None  # the setup cell
    student = [c for c in cells if c.section in ("w41-5a", "w42-5a", "w42-6")]
    assert student and not any(c.handout or c.handout_names for c in student)


# ---------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------
def test_the_command_line_grades_a_folder_and_writes_json(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "alice.py").write_text(
        "import numpy as np\n\ndef sigmoid_der(z):\n    s = 1 / (1 + np.exp(-z))\n    return s * (1 - s)\n")
    (folder / "bob.py").write_text(
        "import numpy as np\n\ndef sigmoid_der(z):\n    return 1 / (1 + np.exp(-z))\n")
    out = tmp_path / "grades.json"
    env = dict(os.environ, PYTHONWARNINGS="error")
    run = subprocess.run(
        [sys.executable, "-m", "ffnn.grade", str(folder), "--json", str(out),
         "--exercise", "w42-3c", "--check-timeout", "5"],
        capture_output=True, text=True, timeout=120, env=env,
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert "alice    1/1     week 42: alice.py, 1/1" in run.stdout
    assert "bob      0/1     week 42: bob.py, 0/1" in run.stdout
    assert "returns sigmoid(z), not its derivative" in run.stdout
    data = json.loads(out.read_text())
    assert [Path(s["path"]).name for s in data["submissions"]] == ["alice.py", "bob.py"]
    for submission in data["submissions"]:
        assert submission["max_total"] == 1
        assert [set(r) for r in submission["results"]] == [ENTRY_KEYS]
    assert [s["total"] for s in data["submissions"]] == [1, 0]


@pytest.mark.parametrize("argv, message", [
    (["no/such/file.ipynb"], "no such file or folder"),
    (["README.md"], "expected a .ipynb notebook or a .py file"),
])
def test_the_command_line_fails_clearly_when_it_cannot_grade(capsys, argv, message):
    root = Path(__file__).parent.parent
    assert main([str(root / a) if a == "README.md" else a for a in argv]) == 2
    assert message in capsys.readouterr().err


def test_a_broken_notebook_is_an_error(tmp_path, capsys):
    path = tmp_path / "broken.ipynb"
    path.write_text("{not json")
    assert main([str(path)]) == 2
    assert "not a Jupyter notebook" in capsys.readouterr().err


def test_no_arguments_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2


def test_the_typical_mistakes_fixture_loses_exactly_its_three_mistakes():
    result = grade_path(FIXTURES / "typical_mistakes.py", LIMITS)
    assert lost(result) == {"w41-5c", "w41-6c", "w41-7c", "w42-6", "w42-8a"}
    assert result["total"] == len(EXERCISES) - 5


# ---------------------------------------------------------------------------
# Prose questions, files with nothing to grade, names that hide a notebook
# ---------------------------------------------------------------------------
def test_to_read_lists_the_prose_answered_and_says_which_are_not(tmp_path):
    path = notebook(
        tmp_path,
        ("md", "# Exercise 1 - A first layer\n**a)** What is the shape?"),
        ("md", "The input has shape (2,), layer 1's output (4,)."),
        ("md", "## Exercise 2 - Adding a layer\n**a)** What is the input of layer 2?"),
        ("code", "# the input of layer 2 is a1, of shape (4,)\nprint((4,))"),
        ("md", "**b)** Define W2 and b2"),
        ("code", "import numpy as np\nW2 = np.ones((8, 4))"),
        ("md", "## Exercise 3\n**d)** Why does a network without activations collapse?"),
        ("code", "z = 1"),
    )
    result = grade_path(path, LIMITS, week=41)
    assert result["to_read"] == ["w41-1a", "w41-2a"]  # a text, and a comment, below the question
    assert "w41-3d" in result["unanswered"] and "w41-1a" not in result["unanswered"]
    assert sorted(result["to_read"] + result["unanswered"]) == sorted(q for q in TO_READ if q.startswith("w41"))


@pytest.mark.parametrize("cells, phrase", [
    ([], "no code in this file"),
    ([("md", "# Exercises week 43\n## Exercise 1 - Regression with gradient descent"),
      ("code", "def r2_own(y, fit):\n    return 1 - ((y - fit) ** 2).sum() / ((y - y.mean()) ** 2).sum()")],
     "no exercise of week 41 or 42 found in it"),
])
def test_a_file_with_nothing_to_grade_gets_one_line_and_no_missing(tmp_path, cells, phrase, capsys):
    result = grade_path(notebook(tmp_path, *cells), LIMITS)
    assert phrase in result["skipped"]
    assert all(r["status"] == "missing" for r in result["results"])  # kept in the JSON
    assert main(["--", str(tmp_path / "notebook.ipynb")]) == 0
    out = capsys.readouterr().out
    assert f"notebook.ipynb: not graded: {result['skipped']}" in out
    assert not re.search(r"^w4[12]-", out, re.M)  # no row per exercise
    assert "nothing graded" in out


@pytest.mark.parametrize("name", ["ALICE.IPYNB", "alice.ipynb.txt", "alice.json"])
def test_a_notebook_under_another_name_is_graded_as_one_and_said_so(tmp_path, name):
    path = tmp_path / name
    path.write_text(json.dumps({"cells": [{"cell_type": "code", "source": CORRECT}], "metadata": {},
                                "nbformat": 4, "nbformat_minor": 5}))
    result = grade_path(path, LIMITS, exercises=["w42-3c"])
    assert result["total"] == 1
    assert "read as a notebook" in classify(Found(path, "alice", name)).note
