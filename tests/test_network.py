"""Forward pass and backpropagation against independent references: the
exercises' printed values, scikit-learn's MLP forward pass, a network
differentiated by hand, autograd and central finite differences."""

import math
import warnings

import numpy as np
import pytest
from autograd import grad
from hypothesis import given, settings
from hypothesis import strategies as st

import ffnn
from ffnn import NeuralNetwork, numerical_gradient, rel_error

ELEMENTWISE = ["identity", "relu", "leaky_relu", "sigmoid", "tanh"]
SKLEARN_NAMES = {"identity": "identity", "relu": "relu", "sigmoid": "logistic", "tanh": "tanh"}


# --- the exercises' printed checks----------------------------------------------
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


def test_create_layers_batch_is_the_transpose_of_the_same_draws():
    single = ffnn.create_layers(4, [8, 3], rng=1)
    batch = ffnn.create_layers_batch(4, [8, 3], rng=1)
    assert [(W.shape, b.shape) for W, b in batch] == [((4, 8), (8,)), ((8, 3), (3,))]
    for (W, b), (Wt, c) in zip(single, batch):
        np.testing.assert_array_equal(W.T, Wt)
        np.testing.assert_array_equal(b, c)


def test_network_without_activations_is_one_affine_map(rng):
    layers = ffnn.create_layers_batch(3, [5, 4, 2], rng=rng)
    X = rng.normal(size=(6, 3))
    W, b = np.eye(3), np.zeros(3)
    for Wl, bl in layers:
        W, b = W @ Wl, b @ Wl + bl
    out = ffnn.feed_forward_batch(X, layers, [ffnn.identity] * 3)
    np.testing.assert_allclose(out, X @ W + b, rtol=1e-12)


# --- the forward pass against scikit-learn's MLP -----------------------------------
def _sklearn_model(hidden, activation, X, classify, rng):
    """An MLP of scikit-learn's with the architecture, fitted one step only to exist."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    kind = MLPClassifier if classify else MLPRegressor
    model = kind(hidden_layer_sizes=hidden, activation=SKLEARN_NAMES[activation], max_iter=1)
    y = rng.integers(0, 3, len(X)) if classify else rng.normal(size=(len(X), 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    return model


@pytest.mark.parametrize("activation", list(SKLEARN_NAMES))
@pytest.mark.parametrize("classify", [True, False], ids=["softmax", "identity output"])
def test_forward_passes_equal_scikit_learns(activation, classify, rng):
    X = rng.normal(size=(30, 4))
    model = _sklearn_model([6, 5], activation, X, classify, rng)
    n_out = 3 if classify else 2
    layers = ffnn.create_layers_batch(4, [6, 5, n_out], rng=rng)
    model.coefs_ = [W.copy() for W, _ in layers]
    model.intercepts_ = [b.copy() for _, b in layers]
    expected = model.predict_proba(X) if classify else model.predict(X)
    f = ffnn.ACTIVATIONS[activation]
    funcs = [f, f, ffnn.softmax if classify else ffnn.identity]
    np.testing.assert_allclose(ffnn.feed_forward_batch(X, layers, funcs), expected, rtol=1e-12, atol=1e-15)
    single = [(W.T.copy(), b) for W, b in layers]
    rows = np.array([ffnn.feed_forward(x, single, funcs) for x in X])
    np.testing.assert_allclose(rows, expected, rtol=1e-12, atol=1e-15)


# --- a network differentiated by hand ---------------------------------------------
def test_gradient_of_a_two_neuron_network_worked_by_hand():
    """x -> σ(w1 x + b1) -> w2 a + b2, C = (output - t)², every derivative written out."""
    x, t, w1, b1, w2, b2 = 0.5, 1.0, 0.3, -0.1, 2.0, 0.5
    z1 = w1 * x + b1
    a1 = 1 / (1 + math.exp(-z1))
    out = w2 * a1 + b2
    dC_dout = 2 * (out - t)
    dC_dz1 = dC_dout * w2 * a1 * (1 - a1)
    expected = [(dC_dz1 * x, dC_dz1), (dC_dout * a1, dC_dout)]
    single = [(np.array([[w1]]), np.array([b1])), (np.array([[w2]]), np.array([b2]))]
    funcs, ders = [ffnn.sigmoid, ffnn.identity], [ffnn.sigmoid_der, ffnn.identity_der]
    by_vector = ffnn.backpropagation(np.array([x]), single, funcs, np.array([t]), ders)
    by_batch = ffnn.backpropagation_batch(np.array([[x]]), single, funcs, np.array([[t]]), ders)
    for got in (by_vector, by_batch):
        for (dW, db), (eW, eb) in zip(got, expected):
            assert dW.item() == pytest.approx(eW, rel=1e-14) and db.item() == pytest.approx(eb, rel=1e-14)


# --- gradients against autograd: one vector, batches, 1, 2 and 4 layers -------------
@pytest.mark.parametrize("sizes", [[3], [3, 4], [5, 4, 3, 2]])
@pytest.mark.parametrize("act", ELEMENTWISE)
def test_backpropagation_single_vector_matches_autograd(sizes, act, rng):
    layers = ffnn.create_layers(2, sizes, rng=rng)
    funcs = [ffnn.ACTIVATIONS[act]] * len(sizes)
    ders = [ffnn.DERIVATIVES[act]] * len(sizes)
    x, t = rng.random(2), rng.random(sizes[-1])
    manual = ffnn.backpropagation(x, layers, funcs, t, ders)
    reference = grad(lambda L: ffnn.mse(ffnn.feed_forward(x, L, funcs), t))(layers)
    assert rel_error(manual, reference) < 1e-10


def test_backpropagation_single_vector_softmax_cross_entropy(rng):
    layers = ffnn.create_layers(4, [6, 3], rng=rng)
    funcs = [ffnn.tanh, ffnn.softmax]
    x, t = rng.normal(size=4), np.array([0.0, 1.0, 0.0])
    manual = ffnn.backpropagation(x, layers, funcs, t, [ffnn.tanh_der, None], ffnn.cross_entropy_der)
    reference = grad(lambda L: ffnn.cross_entropy(ffnn.feed_forward(x, L, funcs), t))(layers)
    assert rel_error(manual, reference) < 1e-10


@pytest.mark.parametrize("sizes", [[4], [5, 4], [6, 5, 4, 4]])
@pytest.mark.parametrize("act", ELEMENTWISE)
def test_backpropagation_batch_matches_autograd(sizes, act, rng):
    layers = ffnn.create_layers_batch(3, sizes, rng=rng)
    funcs = [ffnn.ACTIVATIONS[act]] * len(sizes)
    ders = [ffnn.DERIVATIVES[act]] * len(sizes)
    X, Y = rng.normal(size=(7, 3)), rng.normal(size=(7, sizes[-1]))
    manual = ffnn.backpropagation_batch(X, layers, funcs, Y, ders, ffnn.mse_der)
    reference = grad(lambda L: ffnn.mse(ffnn.feed_forward_batch(X, L, funcs), Y))(layers)
    assert rel_error(manual, reference) < 1e-10


def test_backpropagation_batch_softmax_with_mse_uses_the_full_jacobian(rng):
    layers = ffnn.create_layers_batch(3, [4, 3], rng=rng)
    funcs = [ffnn.sigmoid, ffnn.softmax]
    X, Y = rng.normal(size=(5, 3)), ffnn.one_hot(rng.integers(0, 3, 5), 3)
    manual = ffnn.backpropagation_batch(X, layers, funcs, Y, [ffnn.sigmoid_der, None], ffnn.mse_der)
    reference = grad(lambda L: ffnn.mse(ffnn.feed_forward_batch(X, L, funcs), Y))(layers)
    assert rel_error(manual, reference) < 1e-10


def test_saturated_sigmoids_keep_their_tiny_gradients(rng):
    """At z = 40, σ'(z) = σ(z)σ(-z) ≈ 4e-18 where σ(z)(1 - σ(z)) rounds to 0."""
    net = NeuralNetwork(1, [1, 1], ["sigmoid", "identity"], cost_fun="mse", seed=0)
    net.layers = [(np.array([[40.0]]), np.array([0.0])), (np.array([[1.0]]), np.array([0.0]))]
    X, Y = np.array([[1.0]]), np.array([[0.0]])
    manual, reference = net.compute_gradient(X, Y), net.autograd_gradient(X, Y)
    assert manual[0][0].item() > 1e-18
    assert rel_error(manual, reference) < 1e-12
    assert manual[0][0].item() == pytest.approx(reference[0][0].item(), rel=1e-12)


def test_cross_entropy_der_refuses_a_non_softmax_output(rng):
    layers = ffnn.create_layers_batch(3, [2], rng=rng)
    X, Y = rng.normal(size=(4, 3)), np.eye(2)[[0, 1, 0, 1]]
    with pytest.raises(ValueError, match="only for a softmax output layer, got sigmoid"):
        ffnn.backpropagation_batch(X, layers, [ffnn.sigmoid], Y, [ffnn.sigmoid_der], ffnn.cross_entropy_der)


# --- the NeuralNetwork class ------------------------------------------------------
def test_names_with_defaults_and_the_exercises_six_arguments_build_the_same_network():
    short = NeuralNetwork(4, [8, 3], ["sigmoid", "softmax"], cost_fun="cross_entropy", seed=3)
    six = NeuralNetwork(4, [8, 3], [ffnn.sigmoid, ffnn.softmax], [ffnn.sigmoid_der, None],
                          ffnn.cross_entropy, ffnn.cross_entropy_der, seed=3)
    np.testing.assert_array_equal(short.parameters, six.parameters)
    X, Y, _ = ffnn.load_iris()
    assert rel_error(short.compute_gradient(X, Y), short.autograd_gradient(X, Y)) < 1e-10
    assert short.activation_ders == six.activation_ders == [ffnn.sigmoid_der, None]


def test_layers_are_views_of_the_parameter_vector_and_so_are_the_gradients(rng):
    net = NeuralNetwork(3, [4, 2], ["tanh", "identity"], cost_fun="mse", seed=0)
    theta = net.parameters
    assert theta.shape == ((3 + 1) * 4 + (4 + 1) * 2,)
    W1, b1 = net.layers[0]
    assert np.shares_memory(W1, theta) and np.shares_memory(b1, theta)
    np.testing.assert_array_equal(theta[:12].reshape(3, 4), W1)  # W then b, layer after layer
    np.testing.assert_array_equal(theta[12:16], b1)
    theta[12] = 7.0
    assert net.layers[0][1][0] == 7.0
    grads = net.compute_gradient(rng.normal(size=(5, 3)), rng.normal(size=(5, 2)))
    assert grads[0][0].base is grads[1][1].base and grads[0][0].base.shape == theta.shape


def test_assigning_layers_copies_into_the_parameter_vector(rng):
    net = NeuralNetwork(3, [2], ["identity"], cost_fun="mse", seed=0)
    theta = net.parameters
    new = [(rng.normal(size=(3, 2)), rng.normal(size=2))]
    net.layers = new
    assert net.parameters is theta
    np.testing.assert_array_equal(net.layers[0][0], new[0][0])
    with pytest.raises(ValueError, match=r"layers\[0\]\[0\]: expected shape \(3, 2\), got \(2, 3\)"):
        net.layers = [(np.zeros((2, 3)), np.zeros(2))]


def test_the_exercise_skeletons_methods(rng):
    net = NeuralNetwork(3, [4, 2], ["tanh", "identity"], cost_fun="mse", seed=0)
    X, Y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    layer_inputs, zs, a = net._feed_forward_saver(X)
    np.testing.assert_array_equal(layer_inputs[0], X)
    np.testing.assert_allclose(zs[0], X @ net.layers[0][0] + net.layers[0][1], rtol=1e-15)
    np.testing.assert_allclose(a, np.tanh(zs[0]) @ net.layers[1][0] + net.layers[1][1], rtol=1e-14)
    before = net.cost(X, Y)
    history = net.train(X, Y, ffnn.Adam(0.05), epochs=20)
    assert history["cost"][0] == pytest.approx(before) and net.cost(X, Y) < 0.5 * before


def test_softmax_output_ignores_its_derivative_entry():
    X, Y, _ = ffnn.load_iris()
    exercise_like = NeuralNetwork(4, [8, 3], [ffnn.sigmoid, ffnn.softmax], [ffnn.sigmoid_der, lambda z: 1],
                              ffnn.cross_entropy, ffnn.cross_entropy_der, seed=5)
    assert rel_error(exercise_like.compute_gradient(X, Y), exercise_like.autograd_gradient(X, Y)) < 1e-10


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
    a = NeuralNetwork(4, [8, 3], ["sigmoid", "softmax"], cost_fun="cross_entropy", seed=7)
    b = NeuralNetwork(4, [8, 3], ["sigmoid", "softmax"], cost_fun="cross_entropy",
                      seed=np.random.default_rng(7))
    np.testing.assert_array_equal(a.parameters, b.parameters)
    big = NeuralNetwork(400, [300], ["relu"], None, "mse", None, initialization="he", seed=0)
    W, b = big.layers[0]
    assert np.all(b == 0) and abs(W.std() - np.sqrt(2 / 400)) < 0.002
    xav = NeuralNetwork(400, [300], ["tanh"], None, "mse", None, initialization="xavier", seed=0)
    assert abs(xav.layers[0][0].std() - np.sqrt(1 / 400)) < 0.002


def test_update_weights_takes_a_gradient_step():
    net = NeuralNetwork(4, [8, 3], ["sigmoid", "softmax"], cost_fun="cross_entropy", seed=1)
    X, Y, _ = ffnn.load_iris()
    before = net.parameters.copy()
    grads = net.compute_gradient(X, Y)
    flat = np.concatenate([g.ravel() for pair in grads for g in pair])
    net.update_weights(grads)
    np.testing.assert_allclose(net.parameters, before - 0.01 * flat, rtol=1e-15)
    net.update_weights(grads, ffnn.GradientDescent(learning_rate=1.0))
    np.testing.assert_allclose(net.parameters, before - 1.01 * flat, rtol=1e-13, atol=1e-15)


def test_float32_network_stays_float32():
    net = NeuralNetwork(4, [8, 3], ["sigmoid", "softmax"], cost_fun="cross_entropy", seed=1,
                        dtype=np.float32)
    X, Y, _ = ffnn.load_iris()
    assert net.parameters.dtype == np.float32 and net.predict(X).dtype == np.float32
    assert all(g.dtype == np.float32 for pair in net.compute_gradient(X, Y) for g in pair)


def test_repr_names_the_architecture():
    net = NeuralNetwork(4, [8, 3], ["sigmoid", "softmax"], cost_fun="cross_entropy", l2=0.01)
    assert repr(net) == ("NeuralNetwork(4, [8, 3], ['sigmoid', 'softmax'], "
                         "cost_fun='cross_entropy', l2=0.01, dtype='float64')")


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
    _, zs, _ = ffnn.feed_forward_saver_batch(X, net.layers, net.activation_funcs)
    if any(np.min(np.abs(z)) < 1e-4 for z, f in zip(zs, p["funcs"]) if "relu" in f):
        return
    numeric = numerical_gradient(lambda L: net.cost_fun(net.autograd_compliant_predict(L, X), Y), net.layers)
    assert rel_error(net.compute_gradient(X, Y), numeric) < 1e-5


@settings(max_examples=30, deadline=None)
@given(problems())
def test_property_rows_do_not_interact(p):
    net, X, _ = _make(p)
    rows = np.vstack([net.predict(x.reshape(1, -1)) for x in X])
    np.testing.assert_allclose(net.predict(X), rows, rtol=1e-12, atol=1e-14)


def test_cost_and_gradient_runs_the_forward_pass_once(rng):
    """Both numbers of one call equal cost() and compute_gradient(), and each layer's
    activation is evaluated once: one forward pass (counted with functions of our own)."""
    calls = []

    def counted_tanh(z):
        calls.append("tanh")
        return np.tanh(z)

    def counted_identity(z):
        calls.append("identity")
        return z

    net = NeuralNetwork(3, [4, 2], [counted_tanh, counted_identity],
                        [lambda z: 1 - np.tanh(z) ** 2, lambda z: np.ones_like(z)], "mse",
                        seed=0, l2=0.1, l1=0.01)
    X, Y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    cost, grads = net.cost_and_gradient(X, Y)
    assert calls == ["tanh", "identity"]
    assert cost == net.cost(X, Y)
    assert rel_error(grads, net.autograd_gradient(X, Y)) < 1e-10
