"""The training hot path (``ffnn.fastpath.FastGradient``, which ffnn.train calls and
``NeuralNetwork.fast_gradient`` builds) computes what the readable batched backpropagation (``compute_gradient``)
computes: the same gradients and costs to 1e-12 relative in float64, also
for saturated units, float32 kept end to end, and the same history bit for
bit for the same seed.  No timing here: see ``make bench``."""

import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ffnn
from ffnn import NeuralNetwork, rel_error, train
from ffnn.fastpath import kernels_of

ELEMENTWISE = ["identity", "relu", "leaky_relu", "sigmoid", "tanh"]


def _data(rng, n=13, n_in=5, n_out=3, classes=True):
    X = rng.normal(size=(n, n_in))
    Y = np.eye(n_out)[rng.integers(0, n_out, n)] if classes else rng.normal(size=(n, n_out))
    return X, Y


def _fast(net, X, Y, rows=None):
    fast = net.fast_gradient(len(X) if rows is None else rows)
    X, Y = net.check_inputs(X), net.check_targets(X, Y)
    gradient, cost = fast(X, Y)
    return fast, gradient, cost


def _assert_close(got, expected, tol=1e-12):
    """Every entry to ``tol`` relative to the largest of its array (a gradient's scale)."""
    assert len(got) == len(expected)
    for pair, epair in zip(got, expected):
        for g, e in zip(pair, epair):
            assert g.shape == e.shape
            assert rel_error(g, e) <= tol, (g, e)


CASES = (
    [([h, h], "softmax", "cross_entropy") for h in ELEMENTWISE]
    + [([h], "softmax", "mse") for h in ELEMENTWISE]
    + [([h], out, "mse") for h in ELEMENTWISE for out in ELEMENTWISE]
)


@pytest.mark.parametrize("penalty", [{}, {"l2": 0.03}, {"l1": 0.02}, {"l2": 0.01, "l1": 0.005}],
                         ids=["plain", "l2", "l1", "l2+l1"])
@pytest.mark.parametrize("hidden,out,cost", CASES)
def test_fast_gradient_equals_the_readable_one_and_autograd(hidden, out, cost, penalty, rng):
    X, Y = _data(rng, classes=cost == "cross_entropy")
    net = NeuralNetwork(5, [4] * len(hidden) + [3], hidden + [out], None, cost, None,
                        initialization="xavier", seed=rng, **penalty)
    assert kernels_of(net.activation_funcs, net.activation_ders) is not None  # these all take the in-place kernels
    fast, _, c = _fast(net, X, Y)
    _assert_close(fast.layer_grads, net.compute_gradient(X, Y))
    _assert_close(fast.layer_grads, net.autograd_gradient(X, Y), 1e-10)
    assert c == pytest.approx(net.cost(X, Y), rel=1e-12, abs=1e-15)  # C_λ, as its gradient


@pytest.mark.parametrize("act", ["sigmoid", "tanh", "relu", "leaky_relu"])
def test_saturated_units_give_the_same_derivatives(act, rng):
    """Weights 200 times too large drive |z| to hundreds, where σ(z)(1 - σ(z)) rounds to 0
    and σ(z)σ(-z) does not: entry by entry, the two paths still agree to 1e-12."""
    X, Y = _data(rng, n=9)
    net = NeuralNetwork(5, [4, 4, 3], [act, act, "softmax"], cost_fun="cross_entropy", seed=1)
    net.parameters[...] *= 200.0
    fast, _, _ = _fast(net, X, Y)
    readable = net.compute_gradient(X, Y)
    for pair, epair in zip(fast.layer_grads, readable):
        for g, e in zip(pair, epair):
            np.testing.assert_allclose(g, e, rtol=1e-12, atol=0)
    if act == "sigmoid":
        dW1 = fast.layer_grads[0][0]
        assert np.count_nonzero(dW1) == dW1.size and np.min(np.abs(dW1)) < 1e-30


def test_a_smaller_batch_uses_the_first_rows_of_the_buffers(rng):
    X, Y = _data(rng, n=20)
    net = NeuralNetwork(5, [6, 3], ["tanh", "softmax"], None, "cross_entropy", None, seed=0)
    fast = net.fast_gradient(32)
    for rows in (slice(0, 20), slice(3, 10), slice(0, 1)):
        fast(X[rows], Y[rows])
        _assert_close(fast.layer_grads, net.compute_gradient(X[rows], Y[rows]))
    with pytest.raises(ValueError, match="a batch of 40 rows, the buffers hold 32"):
        fast(np.vstack([X, X]), np.vstack([Y, Y]))


def test_the_gradient_vector_is_reused_and_laid_out_as_the_parameters(rng):
    X, Y = _data(rng)
    net = NeuralNetwork(5, [4, 6, 3], ["relu", "tanh", "softmax"], None, "cross_entropy", None,
                        seed=0, dtype=np.float32)
    fast, gradient, _ = _fast(net, X.astype(np.float32), Y)
    assert gradient.shape == net.parameters.shape and gradient.dtype == np.float32
    assert fast(X[:5].astype(np.float32), Y[:5].astype(np.float32))[0] is gradient
    start = 0
    for (dW, db), (W, b) in zip(fast.layer_grads, net.layers):  # W then b, layer after layer
        assert np.shares_memory(dW, gradient) and dW.shape == W.shape
        np.testing.assert_array_equal(gradient[start:start + dW.size], dW.ravel())
        start += dW.size + db.size


def test_functions_of_the_users_own_take_the_readable_path(rng):
    X, Y = _data(rng, classes=False)

    def cube(z):
        return z**3

    def cube_der(z):
        return 3 * z**2

    net = NeuralNetwork(5, [4, 3], [cube, "identity"], [cube_der, "identity"], "mse", None,
                        initialization="xavier", seed=0)
    assert kernels_of(net.activation_funcs, net.activation_ders) is None
    fast, _, c = _fast(net, X, Y)
    _assert_close(fast.layer_grads, net.compute_gradient(X, Y))
    assert c == pytest.approx(net.cost(X, Y), rel=1e-12)
    # a registered activation with a derivative of the user's: the readable path too
    net = NeuralNetwork(5, [4, 3], ["relu", "identity"], [lambda z: 1.0 * (z > 0), "identity"],
                        "mse", None, seed=0)
    assert kernels_of(net.activation_funcs, net.activation_ders) is None


def _recording(optimizer, log):
    """Wrap ``optimizer.update`` to record copies of the parameters and gradient of each step."""
    update = optimizer.update

    def recorded(theta, gradient):
        log.append((theta.copy(), gradient.copy()))
        return update(theta, gradient)

    optimizer.update = recorded
    return optimizer


@pytest.mark.parametrize("act", ELEMENTWISE)
def test_training_steps_with_the_readable_gradient(act, rng):
    X, Y = _data(rng, n=23)
    net = NeuralNetwork(5, [6, 3], [act, "softmax"], None, "cross_entropy", None,
                        initialization="xavier", seed=1, l2=0.01)
    log = []
    train(net, X, Y, _recording(ffnn.Momentum(0.05), log), epochs=2, batch_size=8, seed=4)
    rng_shuffle = np.random.default_rng(4)
    orders = [rng_shuffle.permutation(len(X)) for _ in range(2)]
    batches = [order[s:s + 8] for order in orders for s in range(0, len(X), 8)]
    assert len(log) == len(batches) == 6
    ref = NeuralNetwork(5, [6, 3], [act, "softmax"], None, "cross_entropy", None, l2=0.01)
    for (theta, gradient), rows in zip(log, batches):
        ref.parameters[...] = theta
        expected = ref.compute_gradient(X[rows], Y[rows])
        flat = np.concatenate([g.ravel() for pair in expected for g in pair])
        assert rel_error(gradient, flat) < 1e-12


def test_float32_stays_float32_end_to_end(rng):
    X, Y = _data(rng, n=40)
    X32, Y32 = X.astype(np.float32), Y.astype(np.float32)
    for optimizer in (ffnn.Momentum(np.float64(0.05)), ffnn.Adam(0.01), ffnn.GradientDescent(0.1)):
        net32 = NeuralNetwork(5, [8, 8, 3], ["relu", "tanh", "softmax"], None, "cross_entropy",
                              None, initialization="he", seed=0, dtype=np.float32, l2=1e-3)
        _, gradient, cost = _fast(net32, X32, Y32)
        # the gradient stays float32; C_λ, a number for the history, is summed in float64
        assert gradient.dtype == np.float32 and np.result_type(cost) == np.float64
        history = train(net32, X32, Y32, optimizer, epochs=3, batch_size=16, seed=0)
        assert net32.parameters.dtype == np.float32
        assert all(s.dtype == np.float32 for s in optimizer.state)
        assert np.all(np.isfinite(history["cost"]))
    # and float32 follows float64 closely
    nets = [NeuralNetwork(5, [8, 8, 3], ["relu", "tanh", "softmax"], None, "cross_entropy", None,
                          initialization="he", seed=0, dtype=dtype) for dtype in (np.float64, np.float32)]
    h64 = train(nets[0], X, Y, ffnn.Momentum(0.05), epochs=3, batch_size=16, seed=0)
    h32 = train(nets[1], X32, Y32, ffnn.Momentum(0.05), epochs=3, batch_size=16, seed=0)
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
        return history, net.parameters

    (h1, theta1), (h2, theta2) = run(), run()
    assert h1 == h2
    np.testing.assert_array_equal(theta1, theta2)


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


@settings(max_examples=40, deadline=None)
@given(n_layers=st.integers(1, 4), width=st.integers(1, 6), n=st.integers(1, 9),
       hidden=st.sampled_from(ELEMENTWISE), classify=st.booleans(),
       scale=st.sampled_from([1.0, 30.0]), seed=st.integers(0, 2**32 - 1))
def test_property_fast_equals_readable(n_layers, width, n, hidden, classify, scale, seed):
    """Random architectures and batch sizes, weights of scale 1 or 30 (saturating)."""
    rng = np.random.default_rng(seed)
    out, cost = ("softmax", "cross_entropy") if classify else ("identity", "mse")
    net = NeuralNetwork(3, [width] * (n_layers - 1) + [3], [hidden] * (n_layers - 1) + [out],
                        cost_fun=cost, initialization="xavier", seed=rng, l2=0.01)
    net.parameters[...] *= scale
    X, Y = _data(rng, n=n, n_in=3, classes=classify)
    fast, _, c = _fast(net, X, Y, rows=9)
    _assert_close(fast.layer_grads, net.compute_gradient(X, Y))
    assert c == pytest.approx(net.cost(X, Y), rel=1e-12, abs=1e-15)  # C_λ, as its gradient


def test_weights_with_the_bias_as_a_row_are_views_of_theta(rng):
    """[A, 1] @ [W^l; b^l] = A W^l + b^l for one network and a stack, read and written
    through θ (the first layer's product of networks in lockstep)."""
    from ffnn.parameters import unflatten, with_bias_row

    shapes = ffnn.parameters.layer_shapes(3, [4, 2])
    for theta in (rng.normal(size=ffnn.parameters.size(shapes)),
                  rng.normal(size=(5, ffnn.parameters.size(shapes)))):
        for layer, (W, b) in enumerate(unflatten(theta, shapes)):
            A = rng.normal(size=theta.shape[:-1] + (6, W.shape[-2]))
            Wb = with_bias_row(theta, shapes, layer)
            ones = np.ones(A.shape[:-1] + (1,))
            np.testing.assert_allclose(np.concatenate([A, ones], axis=-1) @ Wb,
                                       A @ W + b[..., None, :], rtol=1e-13)
            Wb[..., -1, :] = 7.0
            assert np.all(b == 7.0)


def test_the_old_module_name_objective_is_this_module():
    """``ffnn.objective`` (where the penalised cost lived) keeps every name it had."""
    assert ffnn.objective is ffnn.fastpath
    from ffnn.objective import add_penalty_gradient, penalised, penalty, readable_cost_and_gradient
    assert (penalty, add_penalty_gradient) == (ffnn.penalty.penalty, ffnn.penalty.add_penalty_gradient)
    assert (penalised, readable_cost_and_gradient) == (ffnn.fastpath.penalised,
                                                        ffnn.fastpath.readable_cost_and_gradient)
