"""The week-41 checks on small student sources, run through the grader's own
recording code (the unsandboxed launcher, :mod:`student_cells`).

Each source is a list of cells under the handout's headings (the exercise
each cell answers); every pattern a teacher gives the point for passes, and
every typical mistake still fails with a reason naming it.
"""

import textwrap

import pytest

from student_cells import grade_cells
from ffnn_grader.trusted.submission import Cell

# The handout's setup cell, as the students get it (its softmax is wrong for batches).
SETUP = """
import autograd.numpy as np

def ReLU(z):
    return np.where(z > 0, z, 0)

def sigmoid(z):
    return 1 / (1 + np.exp(-z))

def softmax(z):
    e_z = np.exp(z - np.max(z, axis=0))
    return e_z / np.sum(e_z, axis=1)[:, np.newaxis]
"""
HANDOUT_NAMES = frozenset({"ReLU", "sigmoid", "softmax"})

CREATE_BATCH = """
def create_layers_batch(network_input_size, layer_output_sizes):
    layers = []
    i_size = network_input_size
    for n in layer_output_sizes:
        layers.append((np.random.randn(i_size, n), np.random.randn(n)))
        i_size = n
    return layers
"""
CREATE = CREATE_BATCH.replace("create_layers_batch", "create_layers").replace("(i_size, n)", "(n, i_size)")
FORWARD_BATCH = """
def feed_forward_batch(inputs, layers, activation_funcs):
    a = inputs
    for (W, b), f in zip(layers, activation_funcs):
        a = f(a @ W + b)
    return a
"""
NETWORK_5C = """
layers = create_layers_batch(4, [12, 10, 3])
out = feed_forward_batch(np.random.rand(20, 4), layers, [ReLU, ReLU, softmax])
"""


def context(*cells):
    """Run ``(section, source)`` cells here; the first one is the handout's setup."""
    made = [Cell("cell 0", textwrap.dedent(SETUP), section=None, handout_names=HANDOUT_NAMES, handout=True)]
    made += [Cell(f"cell {i + 1}", textwrap.dedent(source), section=section)
             for i, (section, source) in enumerate(cells)]
    return made


def check(exercise, *cells):
    return grade_cells(context(*cells), exercise)


def test_the_handouts_softmax_passes_with_a_note_and_the_network_is_graded_with_a_correct_one():
    status, reason = check("w41-5c", ("w41-5a", CREATE_BATCH), ("w41-5b", FORWARD_BATCH),
                           ("w41-5c", NETWORK_5C))
    assert status == "pass"
    assert reason.startswith("note: the handout's softmax subtracts np.max(z, axis=0)")


def test_a_correct_softmax_of_the_students_own_passes_without_a_note():
    own = ("def softmax(z):\n    e_z = np.exp(z - np.max(z, axis=1, keepdims=True))\n"
           "    return e_z / np.sum(e_z, axis=1, keepdims=True)\n")
    assert check("w41-5c", ("w41-5a", CREATE_BATCH), ("w41-5b", FORWARD_BATCH),
                 ("w41-5c", own + NETWORK_5C)) == ("pass", "")


@pytest.mark.parametrize("softmax, phrase", [
    ("e = np.exp(z - np.max(z, axis=0, keepdims=True))\n    return e / np.sum(e, axis=0, keepdims=True)",
     "softmax normalises over the wrong axis: rows do not sum to 1"),
    ("return np.exp(z) / np.sum(np.exp(z))", "is not exp(z) / Σ exp(z) over each row"),
])
def test_a_wrong_softmax_of_the_students_own_fails(softmax, phrase):
    own = f"def softmax(z):\n    {softmax}\n"
    status, reason = check("w41-5c", ("w41-5a", CREATE_BATCH), ("w41-5b", FORWARD_BATCH),
                           ("w41-5c", own + NETWORK_5C))
    assert status == "fail" and phrase in reason, reason


def test_weights_of_shape_n_out_n_in_with_a_transposed_product_pass_5b_but_not_5a():
    create = CREATE_BATCH.replace("np.random.randn(i_size, n)", "np.random.randn(n, i_size)")
    forward = FORWARD_BATCH.replace("a @ W + b", "a @ W.T + b")
    cells = [("w41-5a", create), ("w41-5b", forward), ("w41-5c", NETWORK_5C)]
    status, reason = check("w41-5a", *cells)
    assert status == "fail" and "the exercise asks for the transpose, shape (3, 4)" in reason
    assert check("w41-5b", *cells) == (
        "pass", "graded in your convention: samples in rows, W of shape (n_out, n_in)")
    assert check("w41-5c", *cells)[0] == "pass"


def test_samples_in_columns_pass_the_batched_forward_pass():
    forward = FORWARD_BATCH.replace("a @ W + b", "W.T @ a + b")
    status, reason = check("w41-5b", ("w41-5b", forward))
    assert status == "pass" and "samples in columns" in reason


def test_a_batched_forward_pass_that_is_wrong_in_every_layout_fails_with_its_own_reason():
    forward = FORWARD_BATCH.replace("a = f(a @ W + b)", "a = f(a @ W) + b")
    status, reason = check("w41-5b", ("w41-5b", forward))
    assert status == "fail" and "differs from f(A @ W + b)" in reason


def test_the_iris_network_is_judged_on_its_own_cell_not_on_a_later_reassignment():
    cells = [("w41-5a", CREATE_BATCH),
             ("w41-6b", "layers = create_layers_batch(4, [8, 10, 3])\n"),
             ("w41-7c", "layers = create_layers_batch(4, [8, 3])\n")]
    assert check("w41-6b", *cells) == (
        "fail", "the iris network has layers [8, 10, 3], the exercise asks for [8, 3]")
    assert check("w41-6b", cells[0], ("w41-6b", "layers = create_layers_batch(4, [8, 3])\n"))[0] == "pass"


def test_predictions_on_a_training_split_fail():
    status, reason = check("w41-6c", ("w41-6c", "predictions = np.full((120, 3), 1 / 3)\n"))
    assert status == "fail" and "the whole data set" in reason


def test_variables_of_exercise_1_are_read_from_their_own_cells():
    cells = [("w41-1", "np.random.seed(2024)\nx = np.random.randn(2)\nW1 = np.random.randn(4, 2)\n"),
             ("w41-1b", "b1 = np.random.randn(4)\n"), ("w41-1c", "z1 = W1 @ x + b1\n"),
             ("w41-1d", "a1 = z1\n"),
             ("w41-3c", "x = np.random.rand(2)\na1 = ReLU(W1 @ x + b1)\nz1 = W1 @ x + b1\n")]
    assert check("w41-1c", *cells) == ("pass", "")
    assert check("w41-1d", *cells) == ("fail", "a1 equals z1: apply the ReLU activation, a1 = ReLU(z1)")


def test_an_untouched_template_is_not_implemented():
    template = """
    def create_layers(network_input_size, layer_output_sizes):
        layers = []
        i_size = network_input_size
        for layer_output_size in layer_output_sizes:
            W = ...
            b = ...
            layers.append((W, b))
            i_size = layer_output_size
        return layers
    """
    status, reason = check("w41-3a", ("w41-3a", template))
    assert (status, reason) == (
        "missing", "`create_layers` is not implemented (the cell still holds the handout's `...`)")
    status, reason = check("w41-1b", ("w41-1", "x = np.random.randn(2)\nW1 = np.random.randn(4, 2)\n"),
                           ("w41-1b", "b1 = ...\n"))
    assert reason == "`b1` is not implemented (the cell still holds the handout's `...`)"


def test_code_the_handout_supplies_earns_nothing():
    template = "def create_layers(network_input_size, layer_output_sizes):\n    W = ...\n"
    given = CREATE

    def status(*cells):
        made = [Cell("cell 0", textwrap.dedent(SETUP), handout_names=HANDOUT_NAMES, handout=True)]
        made += [Cell(f"cell {i + 1}", textwrap.dedent(source), section=section,
                      handout_names=frozenset(names), handout=bool(names))
                 for i, (section, source, names) in enumerate(cells)]
        return grade_cells(made, "w41-3a")

    # week 42's handout repeats create_layers: it does not answer week 41's exercise
    assert status(("w41-3a", template, ()), ("w42-5", given, {"create_layers"})) == (
        "missing", "`create_layers` is not implemented (the cell still holds the handout's `...`)")
    status_, reason = status((None, given, {"create_layers"}))
    assert status_ == "missing" and "only the handout's own `create_layers`" in reason
    assert status((None, given, ()))[0] == "pass"


def test_the_network_of_4b_may_have_any_sizes_but_three_layers():
    forward = ("def feed_forward(input, layers, activation_funcs):\n    a = input\n"
               "    for (W, b), f in zip(layers, activation_funcs):\n"
               "        a = f(W @ a + b)\n    return a\n")
    cells = [("w41-3a", CREATE), ("w41-4a", forward)]
    assert check("w41-4b", *cells, ("w41-4b", "layers = create_layers(6, [4, 7, 2])\n")) == ("pass", "")
    status, reason = check("w41-4b", *cells, ("w41-4b", "layers = create_layers(6, [4, 2])\n"))
    assert status == "fail" and "the network has 2 layers, the exercise asks for 3" in reason
    forward_relu = cells[1][1].replace("a = f(W @ a + b)", "a = ReLU(W @ a + b)")
    status, reason = check("w41-4a", cells[0], ("w41-4a", forward_relu))
    assert status == "fail" and "applies ReLU in every layer" in reason


TRAINING = """
from autograd import grad

def cross_entropy(predict, target):
    return np.sum(-target * np.log(predict))

def cost(input, layers, activation_funcs, target):
    return cross_entropy(feed_forward_batch(input, layers, activation_funcs), target)

gradient_func = grad(cost, 1)

def train_network(inputs, layers, activation_funcs, targets, learning_rate=0.001, epochs=100):
    for i in range(epochs):
        layers_grad = gradient_func(inputs, layers, activation_funcs, targets)
        layers = [(W - learning_rate * W_g, b - learning_rate * b_g)
                  for (W, b), (W_g, b_g) in zip(layers, layers_grad)]
    return layers
"""


@pytest.mark.parametrize("change, outcome", [
    (None, ("pass", "")),
    # the handout's template left as it is
    (("        layers = [(W - learning_rate * W_g, b - learning_rate * b_g)\n"
      "                  for (W, b), (W_g, b_g) in zip(layers, layers_grad)]\n",
      "        for (W, b), (W_g, b_g) in zip(layers, layers_grad):\n            W -= ...\n            b -= ...\n"),
     ("missing", "`train_network` is not implemented (the cell still holds the handout's `...`)")),
    # the pairs zipped once, outside the epoch loop: only the first epoch steps
    (("    for i in range(epochs):\n        layers_grad = gradient_func(inputs, layers, activation_funcs, targets)\n"
      "        layers = [(W - learning_rate * W_g, b - learning_rate * b_g)\n"
      "                  for (W, b), (W_g, b_g) in zip(layers, layers_grad)]\n",
      "    steps = zip(layers, gradient_func(inputs, layers, activation_funcs, targets))\n"
      "    for i in range(epochs):\n        for (W, b), (W_g, b_g) in steps:\n"
      "            W -= learning_rate * W_g\n            b -= learning_rate * b_g\n"),
     ("fail", "only the first epoch changes the layers")),
    ((" - learning_rate * W_g", " + learning_rate * W_g"), ("fail", "did not lower the cross-entropy")),
])
def test_training_with_autograd(change, outcome):
    source = TRAINING if change is None else TRAINING.replace(*change)
    assert change is None or source != TRAINING
    status, reason = check("w41-7c", ("w41-5b", FORWARD_BATCH), ("w41-7c", source))
    assert status == outcome[0] and outcome[1] in reason, reason


def test_an_iris_network_built_in_a_later_exercise_does_not_answer_6b():
    cells = [("w41-5a", CREATE_BATCH), ("w41-6a", "n_inputs = 4\n"),
             ("w42-7", "layers = create_layers_batch(4, [8, 3])\n")]
    assert check("w41-6b", *cells)[0] == "missing"


def test_a_cell_that_raises_inside_an_earlier_exercises_function_leaves_the_answer_missing():
    broken = FORWARD_BATCH.replace("a @ W + b", "a @ W.T + b")  # the layers do not chain
    cells = [("w41-5a", CREATE_BATCH), ("w41-5b", broken),
             ("w41-6b", "layers = create_layers_batch(4, [8, 3])\n"),
             ("w41-6c", "predictions = feed_forward_batch(np.ones((150, 4)), layers, [sigmoid, softmax])\n")]
    status, reason = check("w41-6c", *cells)
    assert status == "missing" and reason.startswith("no `predictions` of shape (150, 3)")
    assert "(its cell raised ValueError" in reason


def test_an_answer_written_only_as_comments_is_left_to_read():
    comments = "# The bias has one entry per node of the layer:\n# b1 = np.random.randn(4)\n"
    cells = [("w41-1", "x = np.random.randn(2)\nW1 = np.random.randn(4, 2)\n"), ("w41-1b", comments)]
    assert check("w41-1b", *cells) == ("to read", "the answer is written as comments only: a teacher reads it")
    assert check("w41-3a", ("w41-3a", comments))[0] == "to read"
    assert check("w41-3a", ("w41-3b", comments))[0] == "missing"


ALL_RELU = ("def feed_forward_all_relu(layers, input):\n    a = input\n"
            "    for W, b in layers:\n        a = ReLU(W @ a + b)\n    return a\n")


@pytest.mark.parametrize("exercise, cells, outcome", [
    ("w41-2b", [("w41-1", "x = np.random.randn(2)\nW1 = np.random.randn(4, 2)\n"),
                ("w41-2b", "W2 = np.random.randn(4, 8)\nb2 = np.random.randn(8)\n")],
     ("fail", "W2 has shape (4, 8): layer 2 maps 4 inputs to 8 outputs, so W2 has shape (8, 4)")),
    ("w41-3c", [("w41-3a", CREATE), ("w41-3b", ALL_RELU), ("w41-3c", "layers = create_layers(8, [10, 16, 2])\n")],
     ("fail", "the network has layers [10, 16, 2] for 8 inputs, "
              "the exercise asks for [10, 16, 6, 2] for 8 inputs")),
    ("w41-3b", [("w41-3b", ALL_RELU.replace("ReLU(W @ a + b)", "W @ a + b"))],
     ("fail", "feed_forward_all_relu applies no activation")),
])
def test_wrong_attempts_are_reported_as_wrong(exercise, cells, outcome):
    status, reason = check(exercise, *cells)
    assert status == outcome[0] and reason.startswith(outcome[1]), reason


def test_the_iris_network_and_predictions_may_have_names_of_their_own():
    cells = [("w41-5a", CREATE_BATCH), ("w41-5b", FORWARD_BATCH),
             ("w41-6b", "iris_layers = create_layers_batch(4, [8, 3])\n"),
             ("w41-6c", "preds = feed_forward_batch(np.random.rand(150, 4), iris_layers, [sigmoid, softmax])\n")]
    assert check("w41-6b", *cells) == ("pass", "")
    assert check("w41-6c", *cells) == ("pass", "")
