"""The grader against a teacher's verdicts, exercise by exercise.

Each notebook (or script) in ``fixtures/notebooks`` reproduces patterns seen
in real students' submissions of the two exercise sets (none of their code
is copied): the handout's own softmax, other weight layouts, samples in
columns, functions redefined later, variables reassigned later, untouched
templates, wrong attempts, gradients off by a factor, unseeded randomness,
2024's week numbers in the titles.  ``VERDICTS`` is what a careful teacher
gives each exercise, with a phrase the reason must hold where the reason
matters; every verdict of the grader must equal the teacher's.
"""

import json
import shutil
from functools import cache
from pathlib import Path

import pytest

from ffnn_grader.cli import main
from ffnn_grader import grade_path
from ffnn_grader.trusted.exercises import EXERCISES, for_week
from ffnn_grader.trusted.sandbox import Limits

NOTEBOOKS = Path(__file__).parent / "fixtures" / "notebooks"
LIMITS = Limits(cell_timeout=10, check_timeout=10, grace=1)
P, F, M = "pass", "fail", "missing"
ALL41 = {id: P for id in for_week(41)}
ALL42 = {id: P for id in for_week(42)}
NOT_IMPLEMENTED = (M, "not implemented")

VERDICTS = {
    # 2024's title "Exercises week 42" on the week-41 set; the handout's softmax
    # kept: the student's feed_forward_batch is right and earns the point, the
    # reason says what is wrong with the handout's softmax.
    "w41_handout_softmax.ipynb": {**ALL41, "w41-5c": (P, "handout's softmax")},
    # headings as HTML (<h2 style=...>); 3c's question left out, so its network
    # [10, 16, 16, 2] sits under 3b: it is the student's own and the wrong size;
    # 4b's network uses ReLU three times.
    "w41_html_network.ipynb": {**ALL41, "w41-5c": (P, "handout's softmax"),
                               "w41-3c": (F, "your network `layers` (cell 11) has layers [10, 16, 16, 2]"),
                               "w41-4b": (F, "uses the activations [ReLU, ReLU, ReLU]")},
    # samples in columns, as exercise 5b's text asks: (features, inputs),
    # z = W.T @ a + b with b of shape (n_out, 1), a column softmax.
    "w41_columns.ipynb": {**ALL41, "w41-5b": (P, "columns")},
    # a script with comment headings and wrong attempts
    "w41_wrong_attempts.py": {
        **ALL41,
        "w41-2c": F,  # z2 = W2 @ a1: the bias is missing
        "w41-5a": (F, "transpose"),  # (n_out, n_in) weights, the exercise asks for the transpose
        "w41-5b": (P, "(n_out, n_in)"),  # consistent with its own layers: a @ W.T + b
        "w41-6b": (F, "[8, 10, 3]"),  # a wrong iris network; exercise 7 later builds a right one
        "w41-7c": (F, "did not lower"),  # rebinds W and b inside the loop: nothing is trained
    },
    # sizes written as (samples, features) tuples; the iris network evaluated
    # on a random train split (train_test_split without a seed), not the whole
    # set; a training loop that updates in place, returns nothing and prints
    # the test accuracy every epoch.
    "w41_train_split.ipynb": {**ALL41, "w41-6c": (F, "whole data set")},
    # the handout's template left with `...` after exercise 2
    "w41_template.ipynb": {
        **{id: P for id in ("w41-1b", "w41-1c", "w41-1d", "w41-2b", "w41-2c")},
        **{id: NOT_IMPLEMENTED for id in ("w41-3a", "w41-3b", "w41-4a", "w41-5a", "w41-5b", "w41-7c")},
        **{id: M for id in ("w41-3c", "w41-4b", "w41-5c", "w41-6b", "w41-6c")},
    },
    # 2024's title "Exercises week 43" on the week-42 set: mse_der with
    # len(predict) (right for one vector); batched backpropagation kept under
    # the name `backpropagation`, weights (n_out, n_in) used as A @ W.T;
    # training functions with other names; exercise 8's skeleton untouched.
    "w42_conventions.ipynb": {**ALL42, "w42-6": (P, "(n_out, n_in)"), "w42-8a": NOT_IMPLEMENTED},
    # samples in columns in exercises 6-7; exercise 6 redefines
    # `feed_forward_saver` for batches, which breaks exercise 5's function if
    # it is run with the notebook's last globals; an unused, wrong
    # cross_entropy; exercise 8 skipped.
    "w42_columns.ipynb": {**ALL42, "w42-6": (P, "columns"), "w42-8a": M},
    "w42_mistakes.ipynb": {
        **ALL42,
        "w42-2b": (F, "returns z"),
        # dC_da * sigmoid(z) under 3d, recomputed right in 3f's cell: a careful teacher
        # gives 3d the point (the exercise's dC/dz is there, and 3f uses it)
        "w42-3d": P,
        "w42-4c": (F, "raised"),  # W2 @ dC_dz2: the cell raises, a wrong attempt, not a missing one
        "w42-6": (F, "times"),  # mse_der's len(predict) is the batch size: 2 (outputs) times the gradient
        "w42-7a": (F, "gradient_func"),  # trains with week 41's autograd gradient
        "w42-7b": (F, "momentum"),  # the momentum parameter is never used
        "w42-8a": (F, "update_weights"),  # steps up the gradient
    },
    # momentum without mini-batches (every step on the whole data set: not
    # stochastic); exercise 7 imports plain numpy over autograd's; a working
    # NeuralNetwork class.
    "w42_class_full_batch.ipynb": {**ALL42, "w42-7b": (F, "stochastic")},
    # headings as HTML (<h2>) and as a comment opening a code cell; 3b's and 3c's
    # functions in 3d's cell; the iris training a loop at the top level with
    # momentum and mini-batches, no training function: graded by its effects.
    "w42_html_inline.ipynb": {**ALL42, "w42-7a": (P, "graded from its effects"),
                              "w42-7b": (P, "graded from its effects")},
    # a script stopping at exercise 5's template
    "w42_partial.py": {
        **{id: P for id in ("w42-2b", "w42-3b", "w42-3c", "w42-3d", "w42-3f", "w42-4a", "w42-4c")},
        "w42-5a": NOT_IMPLEMENTED,
        **{id: M for id in ("w42-6", "w42-7a", "w42-7b", "w42-8a")},
    },
    # both weeks in one notebook: week 41 only partly done; week 42's handout
    # repeats create_layers and feed_forward (they earn nothing for week 41),
    # and week 42 builds an iris network (not week 41's answer to 6b).
    "both_weeks.ipynb": {
        **ALL41, **{id: M for id in ("w41-3a", "w41-3b", "w41-3c", "w41-4a", "w41-4b", "w41-6b",
                                     "w41-6c", "w41-7c")},
        "w41-5c": (P, "handout's softmax"),
        **ALL42, "w42-8a": M,
    },
}
ACCEPTED = {P: {"pass"}, F: {"fail", "error"}, M: {"missing"}}


@cache
def graded(name):
    return grade_path(NOTEBOOKS / name, LIMITS)


def cases():
    for name, table in VERDICTS.items():
        for exercise, verdict in table.items():
            yield pytest.param(name, exercise, verdict, id=f"{name}:{exercise}")


@pytest.mark.parametrize("name, exercise, verdict", list(cases()))
def test_each_verdict_is_the_teachers(name, exercise, verdict):
    status, phrase = verdict if isinstance(verdict, tuple) else (verdict, None)
    results = {r["exercise"]: r for r in graded(name)["results"]}
    assert exercise in results, f"{exercise} not graded"
    result = results[exercise]
    assert result["status"] in ACCEPTED[status], result
    if phrase:
        assert phrase in result["reason"], result


@pytest.mark.parametrize("name", list(VERDICTS))
def test_a_file_is_marked_out_of_its_weeks(name):
    result = graded(name)
    assert [r["exercise"] for r in result["results"]] == sorted(VERDICTS[name], key=list(EXERCISES).index)
    assert result["max_total"] == len(VERDICTS[name])
    assert result["total"] == sum(v == P or (isinstance(v, tuple) and v[0] == P)
                                  for v in VERDICTS[name].values())


def test_a_one_week_notebook_is_marked_out_of_that_week_whatever_its_title():
    week41 = graded("w41_handout_softmax.ipynb")  # titled "Exercises week 42" (2024)
    week42 = graded("w42_conventions.ipynb")  # titled "Exercises week 43" (2024)
    assert (week41["weeks"], week41["max_total"]) == ([41], 16)
    assert (week42["weeks"], week42["max_total"]) == ([42], 12)
    assert graded("both_weeks.ipynb")["max_total"] == 28


def test_a_notebook_graded_twice_gives_identical_json():
    # Unseeded randomness: its SGD shuffles with np.random.permutation, and the
    # reason of w42-8a quotes the cost of a network initialised with np.random.
    first, second = (grade_path(NOTEBOOKS / "w42_mistakes.ipynb", LIMITS) for _ in range(2))
    assert "before" in {r["exercise"]: r for r in first["results"]}["w42-8a"]["reason"]
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


def test_a_folder_holding_both_weeks_is_graded_per_file(tmp_path, capsys):
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(NOTEBOOKS / "w41_template.ipynb", folder / "anna.ipynb")
    shutil.copy(NOTEBOOKS / "w42_partial.py", folder / "ben.py")
    out = tmp_path / "grades.json"
    assert main([str(folder), "--json", str(out)]) == 0
    data = {Path(s["path"]).name: s for s in json.loads(out.read_text())["submissions"]}
    assert (data["anna.ipynb"]["total"], data["anna.ipynb"]["max_total"]) == (5, 16)
    assert (data["ben.py"]["total"], data["ben.py"]["max_total"]) == (7, 12)
    assert [r["exercise"] for r in data["ben.py"]["results"]] == list(for_week(42))
    shown = capsys.readouterr().out
    assert "5/16" in shown and "7/12" in shown


def test_the_week_option_overrides_the_detected_weeks(tmp_path):
    out = tmp_path / "grades.json"
    assert main([str(NOTEBOOKS / "both_weeks.ipynb"), "--week", "42", "--json", str(out)]) == 0
    (submission,) = json.loads(out.read_text())["submissions"]
    assert [r["exercise"] for r in submission["results"]] == list(for_week(42))
    assert (submission["total"], submission["max_total"]) == (11, 12)
