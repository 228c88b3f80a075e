"""Bad input gets a ValueError naming the argument, expected and actual."""

import numpy as np
import pytest

import ffnn
from ffnn import NeuralNetwork


def _net(**kw):
    args = dict(network_input_size=4, layer_output_sizes=[8, 3], activation_funcs=["sigmoid", "softmax"],
                activation_ders=None, cost_fun="cross_entropy", cost_der=None)
    args.update(kw)
    return NeuralNetwork(**args)


def test_lists_of_different_lengths():
    with pytest.raises(ValueError, match=r"activation_funcs.*2 layers.*got 1 activation_funcs"):
        _net(activation_funcs=["softmax"])


def test_unknown_activation_and_initialisation_names():
    with pytest.raises(ValueError, match=r"activation_funcs: unknown name 'relu6'.*expected one of"):
        _net(activation_funcs=["relu6", "softmax"])
    with pytest.raises(ValueError, match=r"initialization: expected one of .*got 'glorot'"):
        _net(initialization="glorot")


def test_cross_entropy_needs_a_softmax_output():
    with pytest.raises(ValueError, match="cross_entropy expects a softmax output"):
        _net(activation_funcs=["sigmoid", "sigmoid"])


def test_wrong_number_of_features_names_both_numbers():
    net = _net(seed=0)
    with pytest.raises(ValueError, match=r"inputs: expected shape \(n_samples, 4\), got \(10, 5\)"):
        net.predict(np.zeros((10, 5)))
    with pytest.raises(ValueError, match=r"reshape\(1, -1\)"):
        net.predict(np.zeros(4))


def test_target_shape_must_match_the_output():
    net = _net(seed=0)
    with pytest.raises(ValueError, match=r"targets: expected shape \(10, 3\).*got \(10,\)"):
        net.compute_gradient(np.zeros((10, 4)), np.zeros(10))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_infinite_inputs_and_targets(bad):
    net = _net(seed=0)
    X, Y = np.zeros((5, 4)), np.eye(3)[[0, 1, 2, 0, 1]]
    Xb = X.copy()
    Xb[2, 1] = bad
    with pytest.raises(ValueError, match="inputs: expected finite values, found 1"):
        net.cost(Xb, Y)
    Yb = Y.copy()
    Yb[0, 0] = bad
    with pytest.raises(ValueError, match="targets: expected finite values"):
        net.compute_gradient(X, Yb)


def test_optimiser_arguments_are_checked():
    with pytest.raises(ValueError, match="learning_rate"):
        ffnn.Adam(learning_rate=-1)
    with pytest.raises(ValueError, match="momentum"):
        ffnn.Momentum(momentum=1.5)
    net = _net(seed=0)
    with pytest.raises(ValueError, match=r"layer_grads\[0\]\[0\]: expected shape \(4, 8\)"):
        ffnn.GradientDescent().step(net.layers, [(np.zeros((8, 4)), np.zeros(8)), (np.zeros((8, 3)), np.zeros(3))])


def test_plain_functions_refuse_what_numpy_would_broadcast_silently(rng):
    layers = ffnn.create_layers_batch(4, [3, 2], rng=rng)
    funcs = [ffnn.relu, ffnn.sigmoid]
    with pytest.raises(ValueError, match=r"inputs: expected 4 features per sample.*\(10, 5\)"):
        ffnn.feed_forward_batch(np.zeros((10, 5)), layers, funcs)
    with pytest.raises(ValueError, match=r"activation_funcs: expected one per layer \(2\), got 1"):
        ffnn.feed_forward_batch(np.zeros((10, 4)), layers, funcs[:1])
    with pytest.raises(ValueError, match=r"target: expected the shape of the prediction \(10, 2\), got \(10,\)"):
        ffnn.backpropagation_batch(np.zeros((10, 4)), layers, funcs, np.zeros(10),
                                   [ffnn.relu_der, ffnn.sigmoid_der], ffnn.mse_der)
    with pytest.raises(ValueError, match=r"target: expected the shape"):
        ffnn.mse(np.zeros((5, 1)), np.zeros(5))
    with pytest.raises(ValueError, match=r"target: expected the shape"):
        ffnn.cross_entropy(np.full((5, 2), 0.5), np.zeros((5, 3)))
