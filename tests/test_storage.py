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


def test_save_and_load_with_the_same_name_without_npz(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    net = NeuralNetwork(3, [2], ["softmax"], cost_fun="cross_entropy", seed=0)
    assert net.save("x") == "x.npz"
    np.testing.assert_array_equal(NeuralNetwork.load("x").parameters, net.parameters)


@pytest.mark.parametrize("kind", ["text", "npy", "pickle", "npz"])
def test_loading_a_file_that_is_not_a_network_says_so_without_pickle_advice(kind, tmp_path):
    path = tmp_path / f"other.{'npz' if kind == 'npz' else 'bin'}"
    if kind == "text":
        path.write_text("hello")
        got = "got a file numpy cannot read as one"
    elif kind == "npy":
        with open(path, "wb") as f:
            np.save(f, np.zeros(3))
        got = r"got a single array of shape \(3,\)"
    elif kind == "pickle":
        with open(path, "wb") as f:
            np.save(f, np.array([{"a": 1}], dtype=object), allow_pickle=True)
        got = "got a file numpy cannot read as one"
    else:
        np.savez(path, weights=np.zeros(3))
        got = r"got the entries \['weights'\]"
    with pytest.raises(ValueError) as info:
        NeuralNetwork.load(path)
    message = str(info.value)
    assert message.startswith(f"path: {path} is not a saved network (expected the .npz file of "
                              "NeuralNetwork.save, with the entries 'config' and 'parameters', ")
    assert __import__("re").search(got, message) and "pickle" not in message
