"""The training hot path (NeuralNetwork._backprop on a workspace, ffnn.train)
computes what the plain, autograd-checkable functions compute: the same
gradients and costs to 1e-12 in float64, float32 kept end to end, and the
same history bit for bit for the same seed.  No timing here: see
code/bench.py."""

import tracemalloc

import numpy as np
import pytest

import ffnn
from ffnn import NeuralNetwork, backpropagation_batch, feed_forward_batch, train

ELEMENTWISE = ["identity", "relu", "leaky_relu", "sigmoid", "tanh"]


def _data(rng, n=13, n_in=5, n_out=3, classes=True):
    X = rng.normal(size=(n, n_in))
    Y = np.eye(n_out)[rng.integers(0, n_out, n)] if classes else rng.normal(size=(n, n_out))
    return X, Y


def _reference(net, X, Y):
    """backpropagation_batch plus the penalty's gradient, and the data cost."""
    grads = backpropagation_batch(X, net.layers, net.activation_funcs, Y,
                                  net.activation_ders, net.cost_der)
    grads = [(dW + 2.0 * net.l2 * W + net.l1 * np.sign(W), db)
             for (dW, db), (W, _) in zip(grads, net.layers)]
    return grads, net.cost_fun(feed_forward_batch(X, net.layers, net.activation_funcs), Y)


def _assert_grads_close(got, expected, tol=1e-12):
    assert len(got) == len(expected)
    for (dW, db), (eW, eb) in zip(got, expected):
        assert dW.shape == eW.shape and db.shape == eb.shape
        np.testing.assert_allclose(dW, eW, rtol=tol, atol=tol)
        np.testing.assert_allclose(db, eb, rtol=tol, atol=tol)


CASES = (
    [([h, h], "softmax", "cross_entropy") for h in ELEMENTWISE]
    + [([h], "softmax", "mse") for h in ELEMENTWISE]
    + [([h], out, "mse") for h in ELEMENTWISE for out in ELEMENTWISE]
)


@pytest.mark.parametrize("penalty", [{}, {"l2": 0.03}, {"l1": 0.02}, {"l2": 0.01, "l1": 0.005}],
                         ids=["plain", "l2", "l1", "l2+l1"])
@pytest.mark.parametrize("hidden,out,cost", CASES)
def test_fast_backprop_equals_reference_and_autograd(hidden, out, cost, penalty, rng):
    X, Y = _data(rng, classes=cost == "cross_entropy")
    net = NeuralNetwork(5, [4] * len(hidden) + [3], hidden + [out], None, cost, None,
                        initialization="xavier", seed=rng, **penalty)
    assert net._fast_plan() is not None  # these all take the fast path
    expected, expected_cost = _reference(net, X, Y)
    workspace = net._workspace(len(X))
    for ws in (None, workspace):
        grads, c = net._backprop(X, Y, ws)
        _assert_grads_close(grads, expected)
        assert c == pytest.approx(float(expected_cost), rel=1e-12, abs=1e-15)
    _assert_grads_close(net._backprop(X, Y, workspace)[0], net.autograd_gradient(X, Y), 1e-10)


def test_smaller_batch_in_a_larger_workspace(rng):
    X, Y = _data(rng, n=20)
    net = NeuralNetwork(5, [6, 3], ["tanh", "softmax"], None, "cross_entropy", None, seed=0)
    workspace = net._workspace(32)
    for rows in (slice(0, 20), slice(3, 10), slice(0, 1)):
        _assert_grads_close(net._backprop(X[rows], Y[rows], workspace)[0],
                            _reference(net, X[rows], Y[rows])[0])


def test_workspace_gradients_are_reused_fresh_ones_are_not(rng):
    X, Y = _data(rng)
    net = NeuralNetwork(5, [4, 3], ["relu", "softmax"], None, "cross_entropy", None, seed=0)
    workspace = net._workspace(len(X))
    first = net._backprop(X, Y, workspace)[0]
    assert net._backprop(X[:5], Y[:5], workspace)[0] is first  # overwritten in place
    a, b = net.compute_gradient(X, Y), net.compute_gradient(X[:5], Y[:5])
    assert not np.shares_memory(a[0][0], b[0][0])
    _assert_grads_close(a, _reference(net, X, Y)[0])


def test_parameters_and_gradients_each_tile_one_buffer_for_the_optimiser(rng):
    """The layout that lets an optimiser update every parameter in one pass."""
    from ffnn.optimizers import _tiled

    X, Y = _data(rng)
    net = NeuralNetwork(5, [4, 6, 3], ["relu", "tanh", "softmax"], None, "cross_entropy", None,
                        seed=0, dtype=np.float32)
    grads = net._backprop(X.astype(np.float32), Y.astype(np.float32), net._workspace(len(X)))[0]
    params = [p for pair in net.layers for p in pair]
    flat = [g for pair in grads for g in pair]
    buffer, gradient_buffer = _tiled(params), _tiled(flat)
    assert buffer.size == gradient_buffer.size == (5 + 1) * 4 + (4 + 1) * 6 + (6 + 1) * 3
    assert buffer.dtype == gradient_buffer.dtype == np.float32
    opt = ffnn.Momentum(0.1, 0.5)
    opt.step(net.layers, grads)
    assert opt._tiling[2] is not None  # the one-pass update was taken
    assert np.shares_memory(net.layers[0][0], buffer)
    np.testing.assert_array_equal(net.layers[0][1], buffer[20:24])  # b^1 follows W^1


def test_functions_of_the_users_own_take_the_reference_path(rng):
    X, Y = _data(rng, classes=False)

    def cube(z):
        return z**3

    def cube_der(z):
        return 3 * z**2

    net = NeuralNetwork(5, [4, 3], [cube, "identity"], [cube_der, "identity"], "mse", None,
                        initialization="xavier", seed=0)
    assert net._fast_plan() is None
    _assert_grads_close(net._backprop(X, Y, net._workspace(len(X)))[0], _reference(net, X, Y)[0])
    # a registered activation with a derivative of the user's: the reference too
    net = NeuralNetwork(5, [4, 3], ["relu", "identity"], [lambda z: 1.0 * (z > 0), "identity"],
                        "mse", None, seed=0)
    assert net._fast_plan() is None


def _recording(optimizer, log):
    """Wrap ``optimizer`` to record copies of the layers and gradients of each step."""
    step = optimizer.step

    def recorded(layers, grads):
        log.append(([(W.copy(), b.copy()) for W, b in layers],
                    [(dW.copy(), db.copy()) for dW, db in grads]))
        return step(layers, grads)

    optimizer.step = recorded
    return optimizer


@pytest.mark.parametrize("act", ELEMENTWISE)
def test_training_gradients_equal_the_reference(act, rng):
    X, Y = _data(rng, n=23)
    net = NeuralNetwork(5, [6, 3], [act, "softmax"], None, "cross_entropy", None,
                        initialization="xavier", seed=1, l2=0.01)
    log = []
    train(net, X, Y, _recording(ffnn.Momentum(0.05), log), epochs=2, batch_size=8, seed=4)
    rng_shuffle = np.random.default_rng(4)
    orders = [rng_shuffle.permutation(len(X)) for _ in range(2)]
    batches = [order[s:s + 8] for order in orders for s in range(0, len(X), 8)]
    assert len(log) == len(batches) == 6
    for (layers, grads), rows in zip(log, batches):
        ref = NeuralNetwork(5, [6, 3], [act, "softmax"], None, "cross_entropy", None, l2=0.01)
        ref.layers = layers
        _assert_grads_close(grads, _reference(ref, X[rows], Y[rows])[0])
        _assert_grads_close(grads, ref.autograd_gradient(X[rows], Y[rows]), 1e-10)


def test_float32_stays_float32_end_to_end(rng):
    X, Y = _data(rng, n=40)
    net = NeuralNetwork(5, [8, 8, 3], ["relu", "tanh", "softmax"], None, "cross_entropy", None,
                        initialization="he", seed=0, dtype=np.float32, l2=1e-3)
    X32, Y32 = X.astype(np.float32), Y.astype(np.float32)
    grads, cost = net._backprop(X32, Y32, net._workspace(len(X32)))
    assert all(g.dtype == np.float32 for pair in grads for g in pair)
    assert np.result_type(cost) == np.float32
    for optimizer in (ffnn.Momentum(np.float64(0.05)), ffnn.Adam(0.01), ffnn.GradientDescent(0.1)):
        net32 = NeuralNetwork(5, [8, 8, 3], ["relu", "tanh", "softmax"], None, "cross_entropy",
                              None, initialization="he", seed=0, dtype=np.float32)
        history = train(net32, X32, Y32, optimizer, epochs=3, batch_size=16, seed=0)
        assert all(p.dtype == np.float32 for pair in net32.layers for p in pair)
        assert all(s.dtype == np.float32 for state in optimizer.state for s in state)
        assert np.all(np.isfinite(history["cost"]))
    # and float32 follows float64 closely
    net64 = NeuralNetwork(5, [8, 8, 3], ["relu", "tanh", "softmax"], None, "cross_entropy", None,
                          initialization="he", seed=0)
    net32 = NeuralNetwork(5, [8, 8, 3], ["relu", "tanh", "softmax"], None, "cross_entropy", None,
                          initialization="he", seed=0, dtype=np.float32)
    h64 = train(net64, X, Y, ffnn.Momentum(0.05), epochs=3, batch_size=16, seed=0)
    h32 = train(net32, X32, Y32, ffnn.Momentum(0.05), epochs=3, batch_size=16, seed=0)
    np.testing.assert_allclose(h32["cost"], h64["cost"], rtol=1e-4)


@pytest.mark.parametrize("make", [lambda: ffnn.Momentum(0.05), lambda: ffnn.Adam(0.01)],
                         ids=["momentum", "adam"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_same_seed_same_history_bit_for_bit(make, dtype, rng):
    X, Y = _data(rng, n=50)
    X, Y = X.astype(dtype), Y.astype(dtype)

    def run():
        net = NeuralNetwork(5, [7, 3], ["sigmoid", "softmax"], None, "cross_entropy", None,
                            seed=2, dtype=dtype)
        history = train(net, X, Y, make(), epochs=4, batch_size=12, seed=5,
                        X_val=X[:10], Y_val=Y[:10])
        return history, net.layers

    (h1, l1), (h2, l2) = run(), run()
    assert h1 == h2
    for (W1, b1), (W2, b2) in zip(l1, l2):
        assert np.array_equal(W1, W2) and np.array_equal(b1, b2)


def test_training_does_not_copy_the_data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20000, 50))
    Y = np.eye(4)[rng.integers(0, 4, len(X))]
    net = NeuralNetwork(50, [16, 4], ["relu", "softmax"], None, "cross_entropy", None, seed=0)
    tracemalloc.start()
    try:
        train(net, X, Y, ffnn.Momentum(0.01), epochs=2, batch_size=64, seed=0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 0.05 * (X.nbytes + Y.nbytes)
