"""The week-42 checks on small student sources, run through the grader's own
recording code (the unsandboxed launcher, :mod:`student_cells`).

Cells follow the handout's headings; the handout's own cells are marked as
such.  Patterns a teacher gives the point for pass; the typical mistakes
fail with a reason that names the mistake (and, for a gradient off by a
factor, the factor and its likely cause in the student's convention).
"""

import textwrap
from pathlib import Path

import pytest

from student_cells import grade_cells
from ffnn_grader.trusted.submission import Cell

SETUP = """
import autograd.numpy as np
from autograd import grad

def ReLU(z):
    return np.where(z > 0, z, 0)

def ReLU_der(z):
    return np.where(z > 0, 1, 0)

def sigmoid(z):
    return 1 / (1 + np.exp(-z))

def mse(predict, target):
    return np.mean((predict - target) ** 2)
"""
GIVEN_5 = """
def feed_forward_saver(input, layers, activation_funcs):
    layer_inputs, zs, a = [], [], input
    for (W, b), f in zip(layers, activation_funcs):
        layer_inputs.append(a)
        z = W @ a + b
        zs.append(z)
        a = f(z)
    return layer_inputs, zs, a
"""
EXERCISE_3 = """
def mse_der(predict, target):
    return 2 * (predict - target) / len(predict)

def sigmoid_der(z):
    return sigmoid(z) * (1 - sigmoid(z))
"""
BACKPROP_5 = """
def backpropagation(input, layers, activation_funcs, target, activation_ders, cost_der=mse_der):
    layer_inputs, zs, predict = feed_forward_saver(input, layers, activation_funcs)
    grads = [None] * len(layers)
    for i in reversed(range(len(layers))):
        if i == len(layers) - 1:
            dC_da = cost_der(predict, target)
        else:
            dC_da = dC_dz @ layers[i + 1][0]
        dC_dz = dC_da * activation_ders[i](zs[i])
        grads[i] = (np.outer(dC_dz, layer_inputs[i]), dC_dz)
    return grads
"""
# Exercise 6 as students write it: the helpers redefined for batches, rows as samples.
BATCH_6 = """
def mse_der_batch(predict, target):
    return 2 * (predict - target) / predict.size

def feed_forward_saver(inputs, layers, activation_funcs):
    layer_inputs, zs, a = [], [], inputs
    for (W, b), f in zip(layers, activation_funcs):
        layer_inputs.append(a)
        z = a @ W + b
        zs.append(z)
        a = f(z)
    return layer_inputs, zs, a

def NAME(inputs, layers, activation_funcs, target, activation_ders, cost_der=mse_der_batch):
    layer_inputs, zs, predict = feed_forward_saver(inputs, layers, activation_funcs)
    grads = [None] * len(layers)
    for i in reversed(range(len(layers))):
        if i == len(layers) - 1:
            dC_da = cost_der(predict, target)
        else:
            dC_da = dC_dz @ layers[i + 1][0].T
        dC_dz = dC_da * activation_ders[i](zs[i])
        grads[i] = (layer_inputs[i].T @ dC_dz, np.sum(dC_dz, axis=0))
    return grads
"""


def context(*cells):
    given = frozenset({"ReLU", "ReLU_der", "sigmoid", "mse"})
    made = [Cell("cell 0", textwrap.dedent(SETUP), handout_names=given, handout=True)]
    for i, (section, source) in enumerate(cells):
        given = frozenset({"feed_forward_saver"}) if source is GIVEN_5 else frozenset()
        made.append(Cell(f"cell {i + 1}", textwrap.dedent(source), section=section, handout_names=given,
                         handout=bool(given)))
    return made


def check(exercise, *cells):
    return grade_cells(context(*cells), exercise)


BASE = [("w42-3b", EXERCISE_3), ("w42-5", GIVEN_5), ("w42-5a", BACKPROP_5)]


def test_mse_der_with_len_is_right_for_the_one_vector_of_exercise_3():
    assert check("w42-3b", ("w42-3b", EXERCISE_3)) == ("pass", "")
    status, reason = check("w42-3b", ("w42-3b", EXERCISE_3.replace(" / len(predict)", "")))
    assert status == "fail" and "divide 2 (predict - target) by predict.size" in reason


def test_batched_backpropagation_kept_under_the_name_backpropagation():
    cells = BASE + [("w42-6", BATCH_6.replace("NAME", "backpropagation"))]
    # 5a is graded on exercise 5's version, with exercise 5's feed_forward_saver
    assert check("w42-5a", *cells) == ("pass", "")
    assert check("w42-6", *cells) == ("pass", "")


def test_batched_backpropagation_found_by_what_it_takes():
    cells = BASE + [("w42-6", BATCH_6.replace("NAME", "compute_gradients"))]
    assert check("w42-6", *cells) == ("pass", "")


def test_a_wrong_one_vector_backpropagation_fails_though_the_batched_one_is_right():
    wrong = BACKPROP_5.replace("np.outer(dC_dz, layer_inputs[i])", "np.outer(layer_inputs[i], dC_dz).T * 2")
    cells = BASE[:2] + [("w42-5a", wrong), ("w42-6", BATCH_6.replace("NAME", "backpropagation"))]
    status, reason = check("w42-5a", *cells)
    assert status == "fail" and "dC/dW of layer" in reason
    assert check("w42-6", *cells)[0] == "pass"


@pytest.mark.parametrize("change, phrase", [
    # the exercise-3 mse_der (len(predict): the samples) reused for the batch
    (("cost_der=mse_der_batch", "cost_der=mse_der"), "(the number of outputs) times autograd's"),
    (("layer_inputs[i].T @ dC_dz, np.sum(dC_dz, axis=0)",
      "layer_inputs[i].T @ dC_dz / len(inputs), np.mean(dC_dz, axis=0)"),
     "do not divide by the batch size again"),
    (("layer_inputs[i].T @ dC_dz,", "np.outer(layer_inputs[i], dC_dz),"), "backpropagation_batch"),
])
def test_a_batched_gradient_that_is_wrong_fails_naming_the_mistake(change, phrase):
    source = BATCH_6.replace("NAME", "backpropagation_batch").replace(*change)
    status, reason = check("w42-6", *BASE, ("w42-6", source))
    assert status != "pass" and phrase in reason, reason


def test_samples_in_columns_and_weights_n_out_n_in_are_conventions_that_pass():
    columns = (BATCH_6.replace("NAME", "backpropagation_batch").replace("z = a @ W + b", "z = W.T @ a + b")
               .replace("dC_dz @ layers[i + 1][0].T", "layers[i + 1][0] @ dC_dz")
               .replace("layer_inputs[i].T @ dC_dz, np.sum(dC_dz, axis=0)",
                        "layer_inputs[i] @ dC_dz.T, np.sum(dC_dz, axis=1, keepdims=True)"))
    status, reason = check("w42-6", *BASE, ("w42-6", columns))
    assert status == "pass" and "samples in columns" in reason and "W of shape (n_in, n_out)" in reason
    transposed = (BATCH_6.replace("NAME", "backpropagation_batch").replace("z = a @ W + b", "z = a @ W.T + b")
                  .replace("dC_dz @ layers[i + 1][0].T", "dC_dz @ layers[i + 1][0]")
                  .replace("layer_inputs[i].T @ dC_dz,", "dC_dz.T @ layer_inputs[i],"))
    assert check("w42-6", *BASE, ("w42-6", transposed)) == (
        "pass", "graded in your convention: samples in rows, W of shape (n_out, n_in)")


TRAIN = """
def cross_entropy(predict, target):
    return np.mean(np.log(predict))  # wrong, and never used by the training

def cross_entropy_der(predict, target):
    return (predict - target) / predict.shape[0]

def train_network_manual(inputs, layers, activation_funcs, activation_ders, targets,
                         learning_rate=0.1, momentum=0.9, epochs=100, batch_size=10):
    velocities = [(0 * W, 0 * b) for W, b in layers]
    for _ in range(epochs):
        order = np.random.permutation(len(inputs))
        for start in range(0, len(inputs), batch_size):
            rows = order[start:start + batch_size]
            grads = backpropagation_batch(inputs[rows], layers, activation_funcs, targets[rows],
                                          activation_ders, cross_entropy_der)
            new = []
            for (W, b), (dW, db), (vW, vb) in zip(layers, grads, velocities):
                new.append((momentum * vW - learning_rate * dW, momentum * vb - learning_rate * db))
            velocities = new
            layers = [(W + vW, b + vb) for (W, b), (vW, vb) in zip(layers, velocities)]
    return layers
"""
FULL_BATCH = (TRAIN.replace("        order = np.random.permutation(len(inputs))\n", "")
              .replace("range(0, len(inputs), batch_size)", "[0]")
              .replace("order[start:start + batch_size]", "slice(None)"))


def test_a_training_function_of_another_name_with_momentum_passes_7a_and_7b():
    cells = BASE + [("w42-6", BATCH_6.replace("NAME", "backpropagation_batch")), ("w42-7b", TRAIN)]
    assert check("w42-7a", *cells) == ("pass", "")
    assert check("w42-7b", *cells) == ("pass", "")


def test_momentum_on_the_whole_data_set_is_not_stochastic():
    cells = BASE + [("w42-6", BATCH_6.replace("NAME", "backpropagation_batch")), ("w42-7b", FULL_BATCH)]
    assert FULL_BATCH != TRAIN and "permutation" not in FULL_BATCH
    status, reason = check("w42-7b", *cells)
    assert status == "fail" and "is not stochastic" in reason
    assert check("w42-7a", *cells)[0] == "pass"


def test_a_momentum_that_changes_nothing_fails_7b():
    unused = TRAIN.replace("momentum * vW - learning_rate * dW", "-learning_rate * dW").replace(
        "momentum * vb - learning_rate * db", "-learning_rate * db")
    cells = BASE + [("w42-6", BATCH_6.replace("NAME", "backpropagation_batch")), ("w42-7b", unused)]
    status, reason = check("w42-7b", *cells)
    assert status == "fail" and "trains the same with momentum 0.9 as with 0" in reason
    assert check("w42-7a", *cells)[0] == "pass"


def test_training_with_autograd_instead_of_ones_own_backpropagation_fails_7a():
    autograd_training = """
    def train_network(inputs, layers, activation_funcs, targets, learning_rate=0.1, epochs=100):
        g = grad(lambda L: np.sum((inputs @ L[0][0] - targets) ** 2))
        return layers
    """
    status, reason = check("w42-7a", *BASE, ("w42-7a", autograd_training))
    assert status == "fail" and "train_network does not call your backpropagation" in reason


SKELETON = """
class NeuralNetwork:
    def __init__(self, network_input_size, layer_output_sizes, activation_funcs, activation_ders,
                 cost_fun, cost_der):
        pass

    def predict(self, inputs):
        # Simple feed forward pass
        pass

    def compute_gradient(self, inputs, targets):
        pass
"""


def test_the_untouched_class_skeleton_is_not_implemented():
    assert check("w42-8a", ("w42-8a", SKELETON)) == (
        "missing", "`NeuralNetwork` is not implemented (the cell still holds the handout's `pass`)")


NETWORK = BATCH_6.replace("NAME", "backpropagation_batch") + """
class NeuralNetwork:
    def __init__(self, network_input_size, layer_output_sizes, activation_funcs, activation_ders,
                 cost_fun, cost_der):
        self.funcs, self.ders, self.cost_fun, self.cost_der = activation_funcs, activation_ders, cost_fun, cost_der
        self.layers, n = [], network_input_size
        for m in layer_output_sizes:
            self.layers.append((np.random.randn(n, m), np.zeros(m)))
            n = m

    def predict(self, inputs):
        return feed_forward_saver(inputs, self.layers, self.funcs)[2]

    def cost(self, inputs, targets):
        return self.cost_fun(self.predict(inputs), targets)

    def compute_gradient(self, inputs, targets):
        return backpropagation_batch(inputs, self.layers, self.funcs, targets, self.ders, self.cost_der)

    def update_weights(self, layer_grads, learning_rate=0.1):
        self.layers = [(W - learning_rate * dW, b - learning_rate * db)
                       for (W, b), (dW, db) in zip(self.layers, layer_grads)]
"""


def test_a_network_class_in_the_students_own_layout_passes():
    assert check("w42-8a", ("w42-8a", NETWORK)) == ("pass", "")
    frozen = NETWORK.replace("self.layers = [(W - learning_rate", "layers = [(W - learning_rate")
    assert check("w42-8a", ("w42-8a", frozen)) == (
        "fail", "update_weights(layer_grads) does not change the network's predictions")


def test_hand_computed_gradients_are_read_from_their_own_cells():
    one_layer = """
    x = np.random.rand(2)
    target = np.random.rand(3)
    W = np.random.randn(3, 2)
    b = np.random.randn(3)
    """
    by_hand = """
    z = W @ x + b
    dC_dz = mse_der(sigmoid(z), target) * sigmoid_der(z)
    dC_dW = np.outer(dC_dz, x)
    dC_db = dC_dz
    """
    later = "x = np.random.rand(2)\ntarget = np.random.rand(3)\nz = np.zeros(3)\ndC_dz = np.ones(3)\n"
    cells = [("w42-2b", one_layer), ("w42-3b", EXERCISE_3), ("w42-3d", by_hand), ("w42-4", later)]
    assert check("w42-3d", *cells) == ("pass", "")
    assert check("w42-3f", *cells) == ("pass", "")
    transposed = by_hand.replace("np.outer(dC_dz, x)", "np.outer(x, dC_dz)")
    status, reason = check("w42-3f", *cells[:2], ("w42-3f", transposed))
    assert status == "fail" and "the transpose of W's (3, 2)" in reason


def test_a_wrong_attempt_whose_cell_raises_is_reported_as_raised_not_missing():
    two_layers = """
    x = np.random.rand(2)
    target = np.random.rand(4)
    W1, b1 = np.random.rand(3, 2), np.random.rand(3)
    W2, b2 = np.random.rand(4, 3), np.random.rand(4)
    z1 = W1 @ x + b1
    a1 = sigmoid(z1)
    z2 = W2 @ a1 + b2
    a2 = sigmoid(z2)
    dC_dz2 = mse_der(a2, target) * sigmoid_der(z2)
    """
    wrong = ("dC_da1 = W2 @ dC_dz2\ndC_dz1 = dC_da1 * sigmoid_der(z1)\n"
             "dC_dW1 = np.outer(dC_dz1, x)\ndC_db1 = dC_dz1\n")
    status, reason = check("w42-4c", ("w42-3b", EXERCISE_3), ("w42-4", two_layers), ("w42-4c", wrong))
    assert status == "error" and reason.startswith("`dC_dW1` is not defined: its cell raised ValueError")
    right = wrong.replace("W2 @ dC_dz2", "W2.T @ dC_dz2")
    assert check("w42-4c", ("w42-3b", EXERCISE_3), ("w42-4", two_layers), ("w42-4c", right)) == ("pass", "")


def test_7a_is_judged_on_its_own_cells_when_it_has_a_training_function():
    autograd_training = """
    def train_network(inputs, layers, activation_funcs, targets, learning_rate=0.1, epochs=100):
        gradient_func = grad(lambda L, X, Y: np.sum((X @ L[0][0] - Y[:, :1]) ** 2))
        for _ in range(epochs):
            g = gradient_func(layers, inputs, targets)
        return layers
    """
    cells = BASE + [("w42-6", BATCH_6.replace("NAME", "backpropagation_batch")),
                    ("w42-7a", autograd_training), ("w42-7b", TRAIN)]
    status, reason = check("w42-7a", *cells)
    assert status == "fail" and "not autograd's gradient_func" in reason
    assert check("w42-7b", *cells) == ("pass", "")


def test_a_network_class_whose_update_steps_up_the_gradient_fails():
    up = NETWORK.replace("W - learning_rate * dW, b - learning_rate * db",
                         "W + learning_rate * dW, b + learning_rate * db")
    status, reason = check("w42-8a", ("w42-8a", up))
    assert status == "fail" and reason.startswith("update_weights(layer_grads) does not lower the cost")


def test_training_in_place_that_returns_a_history_passes():
    in_place = TRAIN.replace("""            layers = [(W + vW, b + vb) for (W, b), (vW, vb) in zip(layers, velocities)]
    return layers""", """            for (W, b), (vW, vb) in zip(layers, velocities):
                W += vW
                b += vb
        history.append(float(np.sum(layers[0][0])))
    return history""").replace("    velocities = [(0 * W", "    history = []\n    velocities = [(0 * W")
    assert in_place.count("history") == 3
    cells = BASE + [("w42-6", BATCH_6.replace("NAME", "backpropagation_batch")), ("w42-7b", in_place)]
    assert check("w42-7b", *cells) == ("pass", "")


@pytest.mark.parametrize("bug, hinted", [("np.undefined_function(inputs)", False),
                                         ("inputs @ np.ones((2, 2))", True)])
def test_the_layout_hint_comes_only_with_errors_about_shapes(bug, hinted):
    source = BATCH_6.replace("NAME", "backpropagation_batch").replace(
        "    layer_inputs, zs, predict = feed", f"    {bug}\n    layer_inputs, zs, predict = feed")
    status, reason = check("w42-6", *BASE, ("w42-6", source))
    hint = "the grader tried samples in rows and in columns"
    assert status == "error" and (hint in reason) == hinted, reason


def test_a_batched_gradient_consistent_with_the_students_own_batched_cost_passes():
    own = BATCH_6.replace("NAME", "backpropagation_batch").replace(
        "2 * (predict - target) / predict.size", "2 * (predict - target) / predict.shape[0]") + """
def cost_batch(layers, inputs, activation_funcs, targets):
    predict = feed_forward_saver(inputs, layers, activation_funcs)[2]
    return np.sum((predict - targets) ** 2) / predict.shape[0]
"""
    assert check("w42-6", *BASE, ("w42-6", own)) == ("pass", "")
    # with a cost that takes the mean over every entry, the same gradient is 3 times too large
    mean = own.replace("return np.sum((predict - targets) ** 2) / predict.shape[0]",
                       "return np.mean((predict - targets) ** 2)")
    status, reason = check("w42-6", *BASE, ("w42-6", mean))
    assert status == "fail" and "(the number of outputs)" in reason


def test_a_wrong_batched_saver_that_backpropagation_does_not_use_costs_nothing():
    unused = BATCH_6.replace("NAME", "backpropagation_batch") + (
        "\ndef feed_forward_saver_batch(inputs, layers, activation_funcs):\n    return [], [], inputs\n")
    assert check("w42-6", *BASE, ("w42-6", unused)) == ("pass", "")
    used = unused.replace("layer_inputs, zs, predict = feed_forward_saver(",
                          "layer_inputs, zs, predict = feed_forward_saver_batch(")
    assert check("w42-6", *BASE, ("w42-6", used))[0] != "pass"


def test_a_network_class_whose_update_takes_steps_not_gradients_passes_with_a_note():
    steps = NETWORK.replace("def update_weights(self, layer_grads, learning_rate=0.1):",
                            "def update_weights(self, layer_grads):").replace(
        "(W - learning_rate * dW, b - learning_rate * db)", "(W + dW, b + db)").replace(
        "cost_fun, cost_der):", "cost_fun, cost_der, seed):")
    assert steps.count("W + dW") == 1 and "seed):" in steps
    status, reason = check("w42-8a", ("w42-8a", steps))
    assert status == "pass" and "update_weights adds what it is given" in reason


ONE_LAYER = """
def feed_forward_one_layer(W, b, x):
    return sigmoid(W @ x + b)

x = np.random.rand(2)
target = np.random.rand(3)
W = np.random.randn(3, 2)
b = np.random.randn(3)
"""


@pytest.mark.parametrize("exercise, cells, outcome", [
    ("w42-2b", [("w42-2b", ONE_LAYER)], ("pass", "")),
    ("w42-2b", [("w42-2b", ONE_LAYER.replace("sigmoid(W @ x + b)", "W @ x + b"))],
     ("fail", "feed_forward_one_layer returns z: apply the sigmoid, a = sigmoid(W @ x + b)")),
    ("w42-2b", [("w42-2b", ONE_LAYER.replace("np.random.randn(3, 2)", "np.random.randn(2, 3)"))],
     ("fail", "W has shape (2, 3), expected (3, 2): 2 inputs, 3 outputs")),
    ("w42-3c", [("w42-3b", EXERCISE_3.replace("sigmoid(z) * (1 - sigmoid(z))", "sigmoid(z)"))],
     ("fail", "sigmoid_der returns sigmoid(z), not its derivative sigmoid(z) (1 - sigmoid(z))")),
    ("w42-5a", BASE[:2] + [("w42-5a", BACKPROP_5.replace("dC_dz @ layers[i + 1][0]",
                                                         "dC_dz @ layers[i + 1][0] * 0.5"))],
     ("fail", "backpropagation: dC/dW of layer 2 differs from autograd")),
    ("w42-5a", BASE[:2] + [("w42-5a", BACKPROP_5.replace("cost_der=mse_der):",
                                                         "cost_der=mse_der):\n    target = 2 * target"))],
     ("fail", "backpropagation: dC/dW of layer 3 differs from autograd")),
])
def test_one_vector_exercises(exercise, cells, outcome):
    status, reason = check(exercise, *cells)
    assert status == outcome[0] and reason.startswith(outcome[1]), reason


def test_a_network_without_readable_layers_is_not_judged_by_its_own_gradient():
    fake = (Path(__file__).parent / "fixtures" / "hostile" / "fake_network.py").read_text()
    status, reason = check("w42-8a", ("w42-8a", fake.split("# %% Exercise 8a\n", 1)[1]))
    assert status == "fail" and "no readable self.layers" in reason
