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
    with pytest.raises(ValueError, match=r"activation_funcs\[0\]: unknown name 'relu6'.*expected one of"):
        _net(activation_funcs=["relu6", "softmax"])
    with pytest.raises(ValueError, match=r"initialization: expected one of .*got 'glorot'"):
        _net(initialization="glorot")


def test_cross_entropy_needs_a_softmax_output():
    with pytest.raises(ValueError, match=r"activation_funcs\[-1\]: cross_entropy_der gives dC/dz "
                                         r"only for a softmax output layer, got sigmoid"):
        _net(activation_funcs=["sigmoid", "sigmoid"])
    with pytest.raises(ValueError, match=r"activation_funcs\[0\]: softmax is for the output layer only"):
        _net(activation_funcs=["softmax", "softmax"])


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


@pytest.mark.parametrize("dtype", [np.float16, np.int64, np.int32, object, "complex128", "float"])
def test_only_float32_and_float64_networks(dtype):
    if dtype == "float":  # "float" is numpy's float64: accepted
        assert _net(dtype=dtype).parameters.dtype == np.float64
        return
    with pytest.raises(ValueError, match=r"dtype: expected float32 or float64, got"):
        _net(dtype=dtype)


def test_inputs_must_be_real_numbers():
    net = _net(seed=0)
    with pytest.raises(ValueError, match=r"inputs: expected real numbers, got an array of dtype complex128"):
        net.predict(np.zeros((3, 4), complex))
    with pytest.raises(ValueError, match=r"inputs: expected real numbers, got an array of dtype object"):
        net.predict(np.array([[None] * 4], dtype=object))
    with pytest.raises(ValueError, match=r"targets: expected real numbers, got an array of dtype <U1"):
        net.compute_gradient(np.zeros((1, 4)), np.array([["a", "b", "c"]]))
    np.testing.assert_allclose(net.predict(np.ones((2, 4), int)), net.predict(np.ones((2, 4))))


def test_validation_data_come_in_pairs():
    net = _net(seed=0)
    X, Y = np.zeros((6, 4)), np.eye(3)[[0, 1, 2, 0, 1, 2]]
    with pytest.raises(ValueError, match="Y_val: expected validation data with X_val, got None"):
        ffnn.train(net, X, Y, ffnn.Adam(), epochs=1, X_val=X)
    with pytest.raises(ValueError, match="X_val: expected validation data with Y_val, got None"):
        ffnn.train(net, X, Y, ffnn.Adam(), epochs=1, Y_val=Y)
    with pytest.raises(ValueError, match=r"Y_val: expected shape \(6, 3\)"):
        ffnn.train(net, X, Y, ffnn.Adam(), epochs=1, X_val=X, Y_val=Y[:, :2])


def test_single_vector_and_batch_functions_say_which_they_are(rng):
    single = ffnn.create_layers(4, [3, 2], rng=rng)
    batch = ffnn.create_layers_batch(4, [3, 2], rng=rng)
    funcs, ders = [ffnn.relu, ffnn.sigmoid], [ffnn.relu_der, ffnn.sigmoid_der]
    with pytest.raises(ValueError, match=r"x: expected one input vector of shape \(4,\), got shape "
                                         r"\(10, 4\); for a batch .* use the \*_batch functions"):
        ffnn.feed_forward(np.zeros((10, 4)), single, funcs)
    with pytest.raises(ValueError, match=r"x: expected one input vector"):
        ffnn.backpropagation(np.zeros((10, 4)), single, funcs, np.zeros((10, 2)), ders)
    with pytest.raises(ValueError, match=r"inputs: expected a batch of shape \(n_samples, 4\), got "
                                         r"shape \(4,\); for one input vector use .*feed_forward"):
        ffnn.feed_forward_batch(np.zeros(4), batch, funcs)
    with pytest.raises(ValueError, match=r"inputs: expected a batch"):
        ffnn.backpropagation_batch(np.zeros(4), batch, funcs, np.zeros(2), ders)
    with pytest.raises(ValueError, match=r"layers: expected at least one \(W, b\) pair, got none"):
        ffnn.feed_forward(np.zeros(4), [], [])


def test_a_hidden_layer_without_its_derivative(rng):
    layers = ffnn.create_layers_batch(4, [3, 2], rng=rng)
    with pytest.raises(ValueError, match=r"activation_ders\[0\]: a hidden layer needs its derivative, got None"):
        ffnn.backpropagation_batch(np.zeros((5, 4)), layers, [ffnn.relu, ffnn.sigmoid], np.zeros((5, 2)),
                                   [None, ffnn.sigmoid_der])
    with pytest.raises(ValueError, match=r"activation_ders\[0\]: no registered derivative for 'cube'"):
        def cube(z):
            return z**3
        NeuralNetwork(4, [3, 2], [cube, "sigmoid"], None, "mse")
    with pytest.raises(ValueError, match=r"cost_der: no registered derivative for 'my_cost'"):
        def my_cost(p, t):
            return ((p - t) ** 2).sum()
        NeuralNetwork(4, [2], ["sigmoid"], None, my_cost)


# -- the messages a Project 2 student met: argument, expected, actual, and the fix ----------
def test_an_empty_X_is_called_empty_not_a_batch_size():
    net = _net(seed=0)
    with pytest.raises(ValueError, match=r"^X: expected at least one sample \(row\), got an empty "
                                         r"array of shape \(0, 4\)$"):
        ffnn.train(net, np.zeros((0, 4)), np.zeros((0, 3)), ffnn.Adam(), epochs=1)


def test_one_activation_name_for_a_list_of_layers():
    with pytest.raises(ValueError, match=r"^activation_funcs: expected one entry per layer, a list, got "
                                         r"'relu'; for 2 layers write e.g. \['relu'\] \* 2"):
        NeuralNetwork(4, [8, 3], "relu")
    with pytest.raises(ValueError, match=r"^activation_ders: expected one entry per layer, a list, got"):
        NeuralNetwork(4, [8, 3], ["relu", "relu"], ffnn.relu_der)
    with pytest.raises(ValueError, match=r"^layer_output_sizes: expected a list of sizes, one per "
                                         r"layer, got 3; for one layer write \[3\]"):
        NeuralNetwork(4, 3, ["softmax"])


def test_an_optimiser_class_instead_of_an_object():
    net = _net(seed=0)
    X, Y = np.zeros((6, 4)), np.eye(3)[[0, 1, 2, 0, 1, 2]]
    with pytest.raises(TypeError, match=r"^optimizer: expected an optimiser, got the class Adam; "
                                        r"use Adam\(\) \(an instance\)"):
        ffnn.train(net, X, Y, ffnn.Adam, epochs=1)
    with pytest.raises(TypeError, match=r"^optimizer: expected an ffnn.Optimizer \(e.g. ffnn.Adam\(0.01\)\)"
                                        r".*got 0.01"):
        ffnn.train(net, X, Y, 0.01, epochs=1)


def test_integer_labels_for_a_softmax_network_point_at_one_hot():
    net = _net(seed=0)
    with pytest.raises(ValueError, match=r"^Y: expected shape \(6, 3\) \(n_samples, output size\), got "
                                         r"\(6,\): for integer class labels use ffnn.one_hot\(Y, 3\)"):
        ffnn.train(net, np.zeros((6, 4)), np.array([0, 1, 2, 0, 1, 2]), ffnn.Adam(), epochs=1)


def test_a_1d_target_for_one_output_points_at_reshape():
    net = NeuralNetwork(2, [3, 1], ["tanh", "identity"], cost_fun="mse", seed=0)
    with pytest.raises(ValueError, match=r"^Y: expected shape \(5, 1\) \(n_samples, output size\), got "
                                         r"\(5,\): one column is needed, use Y.reshape\(-1, 1\)$"):
        ffnn.train(net, np.zeros((5, 2)), np.zeros(5), ffnn.Adam(), epochs=1)
