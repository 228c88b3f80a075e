"""Each optimiser's first two steps against its textbook formula, computed
independently here, and a decreasing cost on a small problem."""

import numpy as np
import pytest

import ffnn


def _problem(rng):
    layers = [(rng.normal(size=(3, 2)), rng.normal(size=2))]
    g1 = [(rng.normal(size=(3, 2)), rng.normal(size=2))]
    g2 = [(rng.normal(size=(3, 2)), rng.normal(size=2))]
    return layers, g1, g2


def _copy(layers):
    return [(W.copy(), b.copy()) for W, b in layers]


def _run(opt, layers, g1, g2):
    out = opt.step(_copy(layers), g1)
    out1 = _copy(out)
    out2 = opt.step(out, g2)
    return out1, out2


def _expected(layers, g1, g2, update):
    """Apply ``update(theta, g, state, t)`` to every parameter for two steps."""
    step1, step2 = [], []
    for (W, b), (gW1, gb1), (gW2, gb2) in zip(layers, g1, g2):
        pair1, pair2 = [], []
        for theta, a, c in ((W, gW1, gW2), (b, gb1, gb2)):
            state = {}
            t1 = update(theta, a, state, 1)
            pair1.append(t1)
            pair2.append(update(t1, c, state, 2))
        step1.append(tuple(pair1))
        step2.append(tuple(pair2))
    return step1, step2


def _gd(eta):
    return lambda th, g, s, t: th - eta * g


def _momentum(eta, mu):
    def update(th, g, s, t):
        s["v"] = mu * s.get("v", 0.0) - eta * g
        return th + s["v"]
    return update


def _nesterov(eta, mu):
    def update(th, g, s, t):
        s["v"] = mu * s.get("v", 0.0) - eta * g
        return th + mu * s["v"] - eta * g
    return update


def _adagrad(eta, eps):
    def update(th, g, s, t):
        s["G"] = s.get("G", 0.0) + g**2
        return th - eta * g / (np.sqrt(s["G"]) + eps)
    return update


def _rmsprop(eta, rho, eps):
    def update(th, g, s, t):
        s["s"] = rho * s.get("s", 0.0) + (1 - rho) * g**2
        return th - eta * g / (np.sqrt(s["s"]) + eps)
    return update


def _adam(eta, b1, b2, eps):
    def update(th, g, s, t):
        s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
        s["v"] = b2 * s.get("v", 0.0) + (1 - b2) * g**2
        return th - eta * (s["m"] / (1 - b1**t)) / (np.sqrt(s["v"] / (1 - b2**t)) + eps)
    return update


CASES = [
    (lambda: ffnn.GradientDescent(0.1), _gd(0.1)),
    (lambda: ffnn.Momentum(0.1, momentum=0.8), _momentum(0.1, 0.8)),
    (lambda: ffnn.Momentum(0.1, momentum=0.8, nesterov=True), _nesterov(0.1, 0.8)),
    (lambda: ffnn.Adagrad(0.1, eps=1e-7), _adagrad(0.1, 1e-7)),
    (lambda: ffnn.RMSprop(0.01, decay=0.95, eps=1e-7), _rmsprop(0.01, 0.95, 1e-7)),
    (lambda: ffnn.Adam(0.01, beta1=0.8, beta2=0.99, eps=1e-7), _adam(0.01, 0.8, 0.99, 1e-7)),
]
IDS = ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]


@pytest.mark.parametrize("make,update", CASES, ids=IDS)
def test_first_two_steps_follow_the_formula(make, update, rng):
    layers, g1, g2 = _problem(rng)
    got1, got2 = _run(make(), layers, g1, g2)
    exp1, exp2 = _expected(layers, g1, g2, update)
    for got, exp in ((got1, exp1), (got2, exp2)):
        for (W, b), (We, be) in zip(got, exp):
            np.testing.assert_allclose(W, We, rtol=1e-13, atol=1e-15)
            np.testing.assert_allclose(b, be, rtol=1e-13, atol=1e-15)


def test_adam_first_step_is_learning_rate_times_sign(rng):
    layers, g1, _ = _problem(rng)
    new = ffnn.Adam(learning_rate=0.003).step(_copy(layers), g1)
    for (W0, b0), (W, b), (gW, gb) in zip(layers, new, g1):
        np.testing.assert_allclose(W - W0, -0.003 * np.sign(gW), rtol=1e-6)
        np.testing.assert_allclose(b - b0, -0.003 * np.sign(gb), rtol=1e-6)


def test_step_updates_in_place_and_keeps_dtype(rng):
    layers = [(np.ones((2, 2), np.float32), np.ones(2, np.float32))]
    grads = [(np.ones((2, 2), np.float32), np.ones(2, np.float32))]
    opt = ffnn.Adam(0.1)
    out = opt.step(layers, grads)
    assert out is layers and out[0][0].dtype == np.float32
    assert all(s.dtype == np.float32 for state in opt.state for s in state)


@pytest.mark.parametrize("make", [c[0] for c in CASES], ids=IDS)
def test_every_optimiser_lowers_the_cost(make):
    X, Y, _ = ffnn.load_iris()
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    net = ffnn.NeuralNetwork(4, [8, 3], ["tanh", "softmax"], None, "cross_entropy", None,
                             initialization="xavier", seed=0)
    start = net.cost(X, Y)
    opt = make()
    for _ in range(30):
        net.update_weights(net.compute_gradient(X, Y), opt)
    assert net.cost(X, Y) < 0.9 * start
