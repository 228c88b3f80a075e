"""No marks without work: each way of scoring with no computation of one's own fails.

Degenerate values (zeros, a target equal to the output) make a checked
formula hold whatever it is; a gradient from autograd is not backpropagation
by hand, also when a helper of the student's takes it; a zero gradient next
to a cost of the student's that is zero earns nothing; training by a
library's trainer is not the exercise's; a constant matrix of 1/3 is not the
network's prediction.  Every honest version beside it still passes.
"""

import test_checks_week41 as w41
import test_checks_week42 as w42

EXERCISE_1 = "x = np.random.randn(2)\nW1 = np.random.randn(4, 2)\n"


def test_zero_inputs_and_weights_make_exercise_1_fail_not_pass():
    honest = [("w41-1", EXERCISE_1), ("w41-1b", "b1 = np.random.randn(4)\n"),
              ("w41-1c", "z1 = W1 @ x + b1\n")]
    assert w41.check("w41-1c", *honest) == ("pass", "")
    zeros = [("w41-1", EXERCISE_1 + "x = np.zeros(2)\nW1 = np.zeros((4, 2))\n"),
             ("w41-1b", "b1 = np.random.randn(4)\n"), ("w41-1c", "z1 = b1\n")]
    status, reason = w41.check("w41-1c", *zeros)
    assert status == "fail" and "`W1` is all zeros" in reason


ONE_LAYER = """
x = np.random.rand(2)
target = np.random.rand(3)
W = np.random.randn(3, 2)
b = np.random.randn(3)
"""
BY_HAND = """
z = W @ x + b
dC_dz = mse_der(sigmoid(z), target) * sigmoid_der(z)
dC_dW = np.outer(dC_dz, x)
dC_db = dC_dz
"""


def test_a_target_equal_to_the_output_makes_the_gradient_checks_fail():
    cells = [("w42-2b", ONE_LAYER), ("w42-3b", w42.EXERCISE_3), ("w42-3d", BY_HAND)]
    assert w42.check("w42-3f", *cells) == ("pass", "")
    rigged = ONE_LAYER + "target = sigmoid(W @ x + b)\n"
    wrong = BY_HAND.replace("np.outer(dC_dz, x)", "np.zeros((3, 2))")
    cells = [("w42-2b", rigged), ("w42-3b", w42.EXERCISE_3), ("w42-3d", wrong)]
    for exercise in ("w42-3d", "w42-3f"):
        status, reason = w42.check(exercise, *cells)
        assert status == "fail" and "zero at your values" in reason, (exercise, reason)


AUTOGRAD_BACKPROP = """
def backpropagation(input, layers, activation_funcs, target, activation_ders, cost_der=mse_der):
    return gradients_of(input, layers, activation_funcs, target)

def gradients_of(input, layers, activation_funcs, target):
    def cost(L):
        return mse(feed_forward_saver(input, L, activation_funcs)[2], target)
    return grad(cost)(layers)
"""


def test_a_backpropagation_whose_gradient_is_autogradss_fails():
    cells = w42.BASE[:2] + [("w42-5a", AUTOGRAD_BACKPROP)]
    status, reason = w42.check("w42-5a", *cells)
    assert status == "fail", reason
    assert "`backpropagation` uses autograd's grad (through your `gradients_of`)" in reason
    assert "the exercise asks for backpropagation by hand" in reason
    assert w42.check("w42-5a", *w42.BASE) == ("pass", "")


def test_a_zero_batched_gradient_next_to_a_zero_cost_of_ones_own_fails():
    zeros = """
def backpropagation_batch(inputs, layers, activation_funcs, target, activation_ders, cost_der=None):
    return [(0 * W, 0 * b) for W, b in layers]

def cost_batch(layers, inputs, activation_funcs, targets):
    return 0.0
"""
    status, reason = w42.check("w42-6", *w42.BASE, ("w42-6", zeros))
    assert status == "fail", reason


def test_training_with_scikit_learn_fails_7a_and_7b():
    library = """
from sklearn.neural_network import MLPClassifier

def train_network_momentum(inputs, layers, activation_funcs, activation_ders, targets,
                           learning_rate=0.1, momentum=0.9, epochs=100, batch_size=10):
    model = MLPClassifier(hidden_layer_sizes=(8,), momentum=momentum, batch_size=batch_size,
                          max_iter=epochs, solver="sgd", learning_rate_init=learning_rate)
    model.fit(inputs, targets)
    backpropagation_batch  # named, never used for the step
    return [(model.coefs_[0], model.intercepts_[0]), (model.coefs_[1], model.intercepts_[1])]
"""
    cells = w42.BASE + [("w42-6", w42.BATCH_6.replace("NAME", "backpropagation_batch")), ("w42-7b", library)]
    for exercise in ("w42-7a", "w42-7b"):
        status, reason = w42.check(exercise, *cells)
        assert status == "fail" and "scikit-learn's MLPClassifier" in reason, (exercise, reason)


def test_a_constant_matrix_of_one_third_is_not_the_networks_prediction():
    cells = [("w41-5a", w41.CREATE_BATCH), ("w41-5b", w41.FORWARD_BATCH),
             ("w41-6b", "layers = create_layers_batch(4, [8, 3])\n"),
             ("w41-6c", "predictions = np.full((150, 3), 1 / 3)\n")]
    status, reason = w41.check("w41-6c", *cells)
    assert status == "fail" and "the same probabilities" in reason


def test_training_that_never_follows_the_gradient_fails():
    # lowers the cross-entropy by moving the output bias to the log class frequencies
    frequencies = """
def train_network(inputs, layers, activation_funcs, activation_ders, targets,
                  learning_rate=0.1, epochs=100, batch_size=10):
    backpropagation_batch  # named, never used for the step
    W, b = layers[-1]
    layers[-1] = (W, b + learning_rate * np.log(targets.mean(axis=0) + 1e-9))
    return layers
"""
    cells = w42.BASE + [("w42-6", w42.BATCH_6.replace("NAME", "backpropagation_batch")),
                        ("w42-7a", frequencies)]
    status, reason = w42.check("w42-7a", *cells)
    assert status == "fail", reason


def test_training_with_a_gradient_off_by_a_wrong_factor_fails():
    # the cost derivative of mse (divided by n x n_out) and every gradient divided by n again
    scaled = w42.TRAIN.replace("return (predict - target) / predict.shape[0]",
                               "return 2 * (predict - target) / predict.size / predict.shape[0]")
    cells = w42.BASE + [("w42-6", w42.BATCH_6.replace("NAME", "backpropagation_batch")), ("w42-7b", scaled)]
    status, reason = w42.check("w42-7a", *cells)
    assert status == "fail" and "does not follow the gradient" in reason, reason
    honest = w42.TRAIN.replace("return (predict - target) / predict.shape[0]", "return predict - target")
    cells[-1] = ("w42-7b", honest)  # the sum over the samples: the handout's own convention
    assert w42.check("w42-7a", *cells) == ("pass", "")


def test_week41_training_that_only_moves_the_output_bias_fails():
    no_gradient = w41.TRAINING.replace(
        "        layers_grad = gradient_func(inputs, layers, activation_funcs, targets)\n"
        "        layers = [(W - learning_rate * W_g, b - learning_rate * b_g)\n"
        "                  for (W, b), (W_g, b_g) in zip(layers, layers_grad)]\n",
        "        W, b = layers[-1]\n"
        "        layers = layers[:-1] + [(W, b + learning_rate * np.log(np.mean(targets, axis=0) + 1e-9))]\n")
    assert no_gradient != w41.TRAINING
    status, reason = w41.check("w41-7c", ("w41-5b", w41.FORWARD_BATCH), ("w41-7c", no_gradient))
    assert status == "fail" and "does not follow the gradient" in reason, reason
