"""Costs and derivatives against autograd and hand-computed values."""

import numpy as np
import pytest
from autograd import grad

import ffnn


def test_mse_is_the_mean_over_all_elements_and_its_gradient_exact(rng):
    p, t = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    assert np.isclose(ffnn.mse(p, t), np.sum((p - t) ** 2) / 12)
    np.testing.assert_allclose(ffnn.mse_der(p, t), grad(ffnn.mse)(p, t), rtol=1e-14)


def test_week42_mse_der_check(rng):
    """Week 42, 3b: mse_der equals autograd's derivative of mse (one vector)."""
    p, t = rng.random(3), rng.random(3)
    np.testing.assert_allclose(ffnn.mse_der(p, t), grad(ffnn.mse, 0)(p, t), rtol=1e-14)


def test_cross_entropy_hand_values():
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    y = np.array([[1.0, 0, 0], [0, 0, 1.0]])
    assert np.isclose(ffnn.cross_entropy(p, y), -(np.log(0.7) + np.log(0.8)) / 2)
    assert np.isclose(ffnn.cross_entropy(p[0], y[0]), -np.log(0.7))


def test_cross_entropy_never_nan_for_zero_probabilities():
    p = np.array([[1.0, 0.0], [0.0, 1.0]])
    y = np.array([[0.0, 1.0], [0.0, 1.0]])
    c = ffnn.cross_entropy(p, y)
    assert np.isfinite(c) and c > 300


def test_cross_entropy_der_is_the_softmax_simplification(rng):
    """d/dz of cross_entropy(softmax(z), y) equals (softmax(z) - y) / n."""
    z = rng.normal(size=(5, 4))
    y = ffnn.one_hot(rng.integers(0, 4, size=5), 4)
    full = grad(lambda z: ffnn.cross_entropy(ffnn.softmax(z), y))(z)
    np.testing.assert_allclose(ffnn.cross_entropy_der(ffnn.softmax(z), y), full, rtol=1e-12, atol=1e-16)
    z1, y1 = z[0], y[0]
    full1 = grad(lambda z: ffnn.cross_entropy(ffnn.softmax(z), y1))(z1)
    np.testing.assert_allclose(ffnn.cross_entropy_der(ffnn.softmax(z1), y1), full1, rtol=1e-12, atol=1e-16)


# -- the binary cross-entropy (Project 2, part a) -------------------------------------------
def test_binary_cross_entropy_hand_values():
    p, y = np.array([[0.9], [0.2], [0.6]]), np.array([[1.0], [0.0], [1.0]])
    assert np.isclose(ffnn.binary_cross_entropy(p, y), -(np.log(0.9) + np.log(0.8) + np.log(0.6)) / 3)
    assert np.isclose(ffnn.binary_cross_entropy(p[0], y[0]), -np.log(0.9))  # one vector: n = 1
    two = np.array([[0.9, 0.3]]), np.array([[1.0, 1.0]])  # two yes/no columns: summed
    assert np.isclose(ffnn.binary_cross_entropy(*two), -(np.log(0.9) + np.log(0.3)))


def test_binary_cross_entropy_der_is_autograds(rng):
    p, y = rng.uniform(0.05, 0.95, size=(6, 2)), rng.integers(0, 2, size=(6, 2)).astype(float)
    np.testing.assert_allclose(ffnn.binary_cross_entropy_der(p, y),
                               grad(ffnn.binary_cross_entropy)(p, y), rtol=1e-12)


def test_a_sigmoid_output_gives_delta_a_minus_y_over_n(rng):
    """The record's output error equals d/dz of BCE(sigmoid(z), y) by autograd."""
    z, y = rng.normal(size=(5, 1)) * 3, rng.integers(0, 2, size=(5, 1)).astype(float)
    full = grad(lambda z: ffnn.binary_cross_entropy(ffnn.sigmoid(z), y))(z)
    delta = ffnn.costs.BINARY_CROSS_ENTROPY.output_error(ffnn.sigmoid(z), y, z, ffnn.sigmoid,
                                                         ffnn.sigmoid_der)
    np.testing.assert_allclose(delta, full, rtol=1e-10)
    np.testing.assert_allclose(delta, (ffnn.sigmoid(z) - y) / 5, rtol=0, atol=0)


def test_binary_cross_entropy_of_saturated_outputs_is_finite():
    p, y = np.array([[0.0], [1.0]]), np.array([[1.0], [0.0]])
    assert np.isfinite(ffnn.binary_cross_entropy(p, y)) and ffnn.binary_cross_entropy(p, y) > 300
    assert np.all(np.isfinite(ffnn.binary_cross_entropy_der(p, y)))
    net = ffnn.NeuralNetwork(1, [1], ["sigmoid"], cost_fun="binary_cross_entropy", seed=0)
    net.layers = [(np.array([[50.0]]), np.array([0.0]))]  # σ(50) rounds to 1
    gradient = net.compute_gradient(np.array([[1.0]]), np.array([[0.0]]))
    np.testing.assert_allclose(gradient[0][0], [[1.0]])  # (a - y) x, exact despite saturation


@pytest.mark.parametrize("l2, l1", [(0.0, 0.0), (0.01, 0.0), (0.0, 0.02)])
@pytest.mark.parametrize("hidden", ["tanh", "relu", "sigmoid"])
def test_network_with_binary_cross_entropy_gradients_equal_autograd_and_differences(hidden, l2, l1, rng):
    X = rng.normal(size=(7, 3))
    Y = rng.integers(0, 2, size=(7, 1)).astype(float)
    net = ffnn.NeuralNetwork(3, [5, 1], [hidden, "sigmoid"], cost_fun="binary_cross_entropy",
                             initialization="xavier", seed=1, l2=l2, l1=l1)
    manual, reference = net.compute_gradient(X, Y), net.autograd_gradient(X, Y)
    assert ffnn.rel_error(manual, reference) < 1e-12
    fast, _ = net.fast_gradient(7)(net.check_inputs(X), net.check_targets(X, Y))
    assert ffnn.rel_error(fast, reference) < 1e-12

    def cost(layers):
        keep = [(W.copy(), b.copy()) for W, b in net.layers]
        net.layers = layers
        value = net.cost(X, Y)
        net.layers = keep
        return value

    assert ffnn.rel_error(ffnn.numerical_gradient(cost, net.layers), reference) < 1e-6


def test_binary_cross_entropy_with_a_softmax_or_an_own_output_goes_through_der(rng):
    """Not matched with sigmoid: ∂C/∂a times the output's Jacobian, still autograd's gradient."""
    X, Y = rng.normal(size=(6, 3)), ffnn.one_hot(rng.integers(0, 2, 6), 2)
    net = ffnn.NeuralNetwork(3, [4, 2], ["tanh", "softmax"], cost_fun="binary_cross_entropy", seed=2)
    assert ffnn.rel_error(net.compute_gradient(X, Y), net.autograd_gradient(X, Y)) < 1e-10


def test_binary_cross_entropy_refuses_outputs_that_are_not_probabilities():
    with pytest.raises(ValueError, match=r"activation_funcs\[-1\]: binary_cross_entropy expects "
                                         r"probabilities in \[0, 1\] from a sigmoid output layer, got relu"):
        ffnn.NeuralNetwork(3, [4, 1], ["tanh", "relu"], cost_fun="binary_cross_entropy")


def test_a_sigmoid_output_with_cross_entropy_is_pointed_at_binary_cross_entropy():
    with pytest.raises(ValueError, match=r"activation_funcs\[-1\]: cross_entropy_der gives dC/dz only "
                                         r"for a softmax output layer, got sigmoid; for one sigmoid "
                                         r"output \(two classes\) use cost_fun='binary_cross_entropy'"):
        ffnn.NeuralNetwork(3, [4, 1], ["tanh", "sigmoid"], cost_fun="cross_entropy")


def test_binary_cross_entropy_is_saved_and_loaded(tmp_path, rng):
    X, Y = rng.normal(size=(8, 3)), rng.integers(0, 2, size=(8, 1))
    net = ffnn.NeuralNetwork(3, [4, 1], ["relu", "sigmoid"], cost_fun="binary_cross_entropy",
                             seed=0, l1=0.01)
    ffnn.train(net, X, Y, ffnn.Adam(0.01), epochs=3, batch_size=4, seed=0)
    loaded = ffnn.NeuralNetwork.load(net.save(tmp_path / "bce"))
    assert loaded.cost_fun is ffnn.binary_cross_entropy and loaded.l1 == 0.01
    assert loaded.cost(X, Y) == net.cost(X, Y)


def test_the_old_module_name_is_the_same_module():
    from ffnn import losses
    assert losses is ffnn.costs and losses.resolve is ffnn.costs.checked_cost
    assert losses.RECORDS is ffnn.costs.COST_RECORDS and ffnn.activations.RECORDS is ffnn.activations.ACTIVATION_RECORDS
    net = ffnn.NeuralNetwork(2, [1], ["sigmoid"], cost_fun="binary_cross_entropy")
    assert net.loss is net.cost_record is ffnn.costs.BINARY_CROSS_ENTROPY
