"""Forward pass and backpropagation against the seeds' checks, autograd and
central finite differences; single-vector and batched paths agree."""

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad
from hypothesis import given, settings
from hypothesis import strategies as st

import ffnn
from ffnn import NeuralNetwork, numerical_gradient, rel_error

ELEMENTWISE = ["identity", "relu", "leaky_relu", "sigmoid", "tanh"]


# --- the seeds' printed checks --------------------------------------------------
def test_week41_exercise1_first_layer_activation():
    np.random.seed(2024)  # the exercise's legacy global seeding
    x = np.random.randn(2)
    W1 = np.random.randn(4, 2)
    b1 = np.random.randn(4)
    a1 = ffnn.feed_forward(x, [(W1, b1)], [ffnn.relu])
    np.testing.assert_allclose(a1, [0.60610368, 4.0076268, 0.0, 0.56469864], atol=1e-8)


def test_week41_exercise2_and_3_shapes(rng):
    layers = ffnn.create_layers(8, [10, 16, 6, 2], rng=rng)
    assert [W.shape for W, _ in layers] == [(10, 8), (16, 10), (6, 16), (2, 6)]
    assert [b.shape for _, b in layers] == [(10,), (16,), (6,), (2,)]
    _, zs, a = ffnn.feed_forward_saver(rng.random(8), layers, [ffnn.relu] * 4)
    assert [z.shape for z in zs] == [(10,), (16,), (6,), (2,)] and a.shape == (2,)


def test_week41_exercise5_batch_equals_one_vector_at_a_time(rng):
    layers = ffnn.create_layers(4, [12, 10, 3], rng=rng)
    funcs = [ffnn.relu, ffnn.relu, ffnn.softmax]
    batch_layers = [(W.T, b) for W, b in layers]  # the transposed convention
    X = rng.normal(size=(20, 4))
    out = ffnn.feed_forward_batch(X, batch_layers, funcs)
    assert out.shape == (20, 3)
    for x, row in zip(X, out):
        np.testing.assert_allclose(ffnn.feed_forward(x, layers, funcs), row, rtol=1e-13)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-14)


def test_create_layers_batch_shapes_and_reproducibility():
    a = ffnn.create_layers_batch(4, [8, 3], rng=1)
    b = ffnn.create_layers_batch(4, [8, 3], rng=1)
    assert [(W.shape, c.shape) for W, c in a] == [((4, 8), (8,)), ((8, 3), (3,))]
    for (Wa, ba), (Wb, bb) in zip(a, b):
        np.testing.assert_array_equal(Wa, Wb)
        np.testing.assert_array_equal(ba, bb)


def test_network_without_activations_is_one_affine_map(rng):
    layers = ffnn.create_layers_batch(3, [5, 4, 2], rng=rng)
    X = rng.normal(size=(6, 3))
    W, b = np.eye(3), np.zeros(3)
    for Wl, bl in layers:
        W, b = W @ Wl, b @ Wl + bl
    out = ffnn.feed_forward_batch(X, layers, [ffnn.identity] * 3)
    np.testing.assert_allclose(out, X @ W + b, rtol=1e-12)


# --- gradients: one vector, 1, 2 and N layers ------------------------------------
def _single_cost(funcs, cost):
    def c(layers, x, t):
        return cost(ffnn.feed_forward(x, layers, funcs), t)

    return c


@pytest.mark.parametrize("sizes", [[3], [3, 4], [5, 4, 3, 2]])
@pytest.mark.parametrize("act", ELEMENTWISE)
def test_backpropagation_single_vector_matches_autograd(sizes, act, rng):
    layers = ffnn.create_layers(2, sizes, rng=rng)
    funcs = [ffnn.ACTIVATIONS[act]] * len(sizes)
    ders = [ffnn.DERIVATIVES[act]] * len(sizes)
    x, t = rng.random(2), rng.random(sizes[-1])
    manual = ffnn.backpropagation(x, layers, funcs, t, ders)
    reference = grad(_single_cost(funcs, ffnn.mse))(layers, x, t)
    assert rel_error(manual, reference) < 1e-10


def test_backpropagation_single_vector_softmax_cross_entropy(rng):
    layers = ffnn.create_layers(4, [6, 3], rng=rng)
    funcs = [ffnn.tanh, ffnn.softmax]
    x, t = rng.normal(size=4), np.array([0.0, 1.0, 0.0])
    manual = ffnn.backpropagation(x, layers, funcs, t, [ffnn.tanh_der, None], ffnn.cross_entropy_der)
    reference = grad(_single_cost(funcs, ffnn.cross_entropy))(layers, x, t)
    assert rel_error(manual, reference) < 1e-10


@pytest.mark.parametrize("sizes", [[4], [5, 4], [6, 5, 4, 4]])
@pytest.mark.parametrize("act", ELEMENTWISE)
def test_backpropagation_batch_matches_autograd_and_single(sizes, act, rng):
    layers = ffnn.create_layers_batch(3, sizes, rng=rng)
    funcs = [ffnn.ACTIVATIONS[act]] * len(sizes)
    ders = [ffnn.DERIVATIVES[act]] * len(sizes)
    X, Y = rng.normal(size=(7, 3)), rng.normal(size=(7, sizes[-1]))
    manual = ffnn.backpropagation_batch(X, layers, funcs, Y, ders, ffnn.mse_der)

    def cost(layers):
        return ffnn.mse(ffnn.feed_forward_batch(X, layers, funcs), Y)

    assert rel_error(manual, grad(cost)(layers)) < 1e-10
    # the batch gradient is the mean of the per-sample gradients (mse is a mean)
    single = [(W.T, b) for W, b in layers]
    per_sample = [ffnn.backpropagation(x, single, funcs, y, ders) for x, y in zip(X, Y)]
    for l, (dW, db) in enumerate(manual):
        mean_dW = sum(g[l][0] for g in per_sample) / (len(X) * Y.shape[1]) * Y.shape[1]
        mean_db = sum(g[l][1] for g in per_sample) / len(X)
        np.testing.assert_allclose(dW, mean_dW.T, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(db, mean_db, rtol=1e-10, atol=1e-14)


def test_backpropagation_batch_softmax_with_mse_uses_the_full_jacobian(rng):
    layers = ffnn.create_layers_batch(3, [4, 3], rng=rng)
    funcs = [ffnn.sigmoid, ffnn.softmax]
    X, Y = rng.normal(size=(5, 3)), ffnn.one_hot(rng.integers(0, 3, 5), 3)
    manual = ffnn.backpropagation_batch(X, layers, funcs, Y, [ffnn.sigmoid_der, None], ffnn.mse_der)
    reference = grad(lambda L: ffnn.mse(ffnn.feed_forward_batch(X, L, funcs), Y))(layers)
    assert rel_error(manual, reference) < 1e-10


def test_cross_entropy_der_refuses_a_non_softmax_output(rng):
    layers = ffnn.create_layers_batch(3, [2], rng=rng)
    X, Y = rng.normal(size=(4, 3)), np.eye(2)[[0, 1, 0, 1]]
    with pytest.raises(ValueError, match="softmax output"):
        ffnn.backpropagation_batch(X, layers, [ffnn.sigmoid], Y, [ffnn.sigmoid_der], ffnn.cross_entropy_der)


# --- the NeuralNetwork class ------------------------------------------------------
def _classifier(**kw):
    return NeuralNetwork(4, [8, 3], [ffnn.sigmoid, ffnn.softmax], [ffnn.sigmoid_der, None],
                         ffnn.cross_entropy, ffnn.cross_entropy_der, **kw)


def test_class_matches_the_functions(rng):
    net = _classifier(seed=3)
    X, Y, _ = ffnn.load_iris()
    np.testing.assert_allclose(net.predict(X), ffnn.feed_forward_batch(X, net.layers, net.activation_funcs))
    layer_inputs, zs, a = net._feed_forward_saver(X)
    assert [z.shape for z in zs] == [(150, 8), (150, 3)] and a.shape == (150, 3)
    expected = ffnn.backpropagation_batch(X, net.layers, net.activation_funcs, Y,
                                          [ffnn.sigmoid_der, None], ffnn.cross_entropy_der)
    assert rel_error(net.compute_gradient(X, Y), expected) < 1e-12  # the fast path, to rounding
    assert np.isclose(net.cost(X, Y), ffnn.cross_entropy(net.predict(X), Y))


def test_softmax_output_ignores_its_derivative_entry(rng):
    X, Y, _ = ffnn.load_iris()
    seed_like = NeuralNetwork(4, [8, 3], [ffnn.sigmoid, ffnn.softmax], [ffnn.sigmoid_der, lambda z: 1],
                              ffnn.cross_entropy, ffnn.cross_entropy_der, seed=5)
    assert rel_error(seed_like.compute_gradient(X, Y), seed_like.autograd_gradient(X, Y)) < 1e-10


@pytest.mark.parametrize("l2,l1", [(0.0, 0.0), (0.1, 0.0), (0.0, 0.05), (0.2, 0.03)])
def test_regularised_gradients_equal_autograd(l2, l1, rng):
    net = NeuralNetwork(5, [6, 4, 3], ["tanh", "relu", "softmax"], None, "cross_entropy", None,
                        initialization="xavier", seed=rng, l2=l2, l1=l1)
    X = rng.normal(size=(9, 5))
    Y = ffnn.one_hot(rng.integers(0, 3, 9), 3)
    assert rel_error(net.compute_gradient(X, Y), net.autograd_gradient(X, Y)) < 1e-10
    penalty = sum(l2 * np.sum(W**2) + l1 * np.sum(np.abs(W)) for W, _ in net.layers)
    assert np.isclose(net.cost(X, Y), ffnn.cross_entropy(net.predict(X), Y) + penalty)


def test_same_seed_same_network_and_initialisations():
    a, b = _classifier(seed=7), _classifier(seed=np.random.default_rng(7))
    for (Wa, ba), (Wb, bb) in zip(a.layers, b.layers):
        np.testing.assert_array_equal(Wa, Wb)
        np.testing.assert_array_equal(ba, bb)
    big = NeuralNetwork(400, [300], ["relu"], None, "mse", None, initialization="he", seed=0)
    W, b = big.layers[0]
    assert np.all(b == 0) and abs(W.std() - np.sqrt(2 / 400)) < 0.002
    xav = NeuralNetwork(400, [300], ["tanh"], None, "mse", None, initialization="xavier", seed=0)
    assert abs(xav.layers[0][0].std() - np.sqrt(1 / 400)) < 0.002


def test_update_weights_takes_a_gradient_step(rng):
    net = _classifier(seed=1)
    X, Y, _ = ffnn.load_iris()
    before = [(W.copy(), b.copy()) for W, b in net.layers]
    grads = net.compute_gradient(X, Y)
    net.update_weights(grads)
    for (W0, b0), (W, b), (dW, db) in zip(before, net.layers, grads):
        np.testing.assert_allclose(W, W0 - 0.01 * dW)
        np.testing.assert_allclose(b, b0 - 0.01 * db)
    net.update_weights(grads, ffnn.GradientDescent(learning_rate=1.0))
    assert not np.allclose(net.layers[0][0], before[0][0] - 0.01 * grads[0][0])


def test_float32_network_stays_float32(rng):
    net = _classifier(seed=1, dtype=np.float32)
    X, Y, _ = ffnn.load_iris()
    assert net.predict(X).dtype == np.float32
    assert all(g.dtype == np.float32 for pair in net.compute_gradient(X, Y) for g in pair)


# --- property-based: random architectures against autograd and finite differences
@st.composite
def problems(draw):
    n_layers = draw(st.integers(1, 4))
    sizes = draw(st.lists(st.integers(1, 6), min_size=n_layers, max_size=n_layers))
    hidden = draw(st.lists(st.sampled_from(ELEMENTWISE), min_size=n_layers, max_size=n_layers))
    classify = draw(st.booleans())
    if classify:
        sizes[-1] = max(sizes[-1], 2)
        hidden[-1] = "softmax"
    return dict(
        n_in=draw(st.integers(1, 5)), sizes=sizes, funcs=hidden,
        cost="cross_entropy" if classify else "mse",
        n=draw(st.integers(1, 8)), seed=draw(st.integers(0, 2**32 - 1)),
        init=draw(st.sampled_from(["normal", "xavier", "he"])),
    )


def _make(p):
    rng = np.random.default_rng(p["seed"])
    net = NeuralNetwork(p["n_in"], p["sizes"], p["funcs"], None, p["cost"], None,
                        initialization=p["init"], seed=rng)
    X = rng.normal(size=(p["n"], p["n_in"]))
    if p["cost"] == "cross_entropy":
        Y = ffnn.one_hot(rng.integers(0, p["sizes"][-1], p["n"]), p["sizes"][-1])
    else:
        Y = rng.normal(size=(p["n"], p["sizes"][-1]))
    return net, X, Y


@settings(max_examples=60, deadline=None)
@given(problems())
def test_property_manual_gradient_equals_autograd(p):
    net, X, Y = _make(p)
    assert rel_error(net.compute_gradient(X, Y), net.autograd_gradient(X, Y)) < 1e-10


@settings(max_examples=25, deadline=None)
@given(problems())
def test_property_manual_gradient_equals_finite_differences(p):
    net, X, Y = _make(p)
    # stay off the ReLU kinks, where a difference quotient straddles two slopes
    _, zs, _ = net._feed_forward_saver(X)
    if any(np.min(np.abs(z)) < 1e-4 for z, f in zip(zs, p["funcs"]) if "relu" in f):
        return
    numeric = numerical_gradient(lambda L: net.cost_fun(net.autograd_compliant_predict(L, X), Y), net.layers)
    assert rel_error(net.compute_gradient(X, Y), numeric) < 1e-5


@settings(max_examples=30, deadline=None)
@given(problems())
def test_property_batch_equals_one_sample_at_a_time(p):
    net, X, _ = _make(p)
    rows = np.vstack([net.predict(x.reshape(1, -1)) for x in X])
    np.testing.assert_allclose(net.predict(X), rows, rtol=1e-12, atol=1e-14)
