"""Saving and loading a network: the same predictions bit for bit, a clear
error for what cannot be saved by name."""

import numpy as np
import pytest

import ffnn
from ffnn import NeuralNetwork


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_loaded_network_predicts_and_trains_as_the_saved_one(dtype, tmp_path):
    X, Y, _ = ffnn.load_iris()
    net = NeuralNetwork(4, [8, 3], ["tanh", "softmax"], cost_fun="cross_entropy", seed=0,
                        l2=0.01, dtype=dtype)
    ffnn.train(net, X, Y, ffnn.Adam(0.01), epochs=2, batch_size=30, seed=0)
    path = net.save(tmp_path / "net")
    assert path.endswith("net.npz")
    loaded = NeuralNetwork.load(path)
    assert repr(loaded) == repr(net) and loaded.parameters.dtype == dtype
    np.testing.assert_array_equal(loaded.parameters, net.parameters)
    np.testing.assert_array_equal(loaded.predict(X), net.predict(X))
    assert loaded.cost(X, Y) == net.cost(X, Y)
    with np.load(path, allow_pickle=False) as data:  # plain arrays and JSON, nothing pickled
        assert sorted(data.files) == ["config", "parameters"]


def test_anonymous_activations_cannot_be_saved(tmp_path):
    net = NeuralNetwork(2, [3, 1], [lambda z: z**3, "identity"], [lambda z: 3 * z**2, None], "mse")
    with pytest.raises(ValueError, match=r"activation_funcs\[0\]: cannot save the activation '<lambda>'"):
        net.save(tmp_path / "net.npz")
    mine = NeuralNetwork(2, [3, 1], ["relu", "identity"], [lambda z: 1.0 * (z > 0), None], "mse")
    with pytest.raises(ValueError, match=r"activation_funcs\[0\]: cannot save the derivative '<lambda>'"):
        mine.save(tmp_path / "net.npz")
    cost = NeuralNetwork(2, [1], ["identity"], None, ffnn.mse, lambda p, t: p - t)
    with pytest.raises(ValueError, match="cost_fun: cannot save 'mse' with its derivative"):
        cost.save(tmp_path / "net.npz")


def test_loading_another_file_says_so(tmp_path):
    path = tmp_path / "other.npz"
    np.savez(path, weights=np.zeros(3))
    with pytest.raises(ValueError, match="is not a saved network"):
        NeuralNetwork.load(path)
