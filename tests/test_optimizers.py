"""Each optimiser's first two steps against its textbook formula, computed
independently here, whatever the layout of the arrays it is given, and a
decreasing cost on a small problem."""

import numpy as np
import pytest

import ffnn
from ffnn.optimizers import _tiled


def _problem(rng):
    def draw():
        return [(rng.normal(size=(3, 2)), rng.normal(size=2)),
                (rng.normal(size=(2, 4)), rng.normal(size=4))]
    return draw(), draw(), draw()


def _copy(layers):
    return [(W.copy(), b.copy()) for W, b in layers]


def _in_one_buffer(layers):
    """The same values in the layout of NeuralNetwork.layers: views of one buffer."""
    views = ffnn.fastpath.flat_layers(3, [2, 4], layers[0][0].dtype)
    for (W, b), (V, c) in zip(layers, views):
        V[...], c[...] = W, b
    return views


def _fortran(layers):
    """Non-contiguous (column-major) copies: the update array by array."""
    return [(np.asfortranarray(W), b.copy()) for W, b in layers]


LAYOUTS = {  # (parameters, gradients) for each step
    "separate arrays": (_copy, _copy),
    "one buffer each": (_in_one_buffer, _in_one_buffer),
    "parameters in one buffer": (_in_one_buffer, _copy),
    "gradients in one buffer": (_copy, _in_one_buffer),
    "column-major": (_fortran, _fortran),
}


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


def _assert_layers_close(got, expected):
    for (W, b), (We, be) in zip(got, expected, strict=True):
        np.testing.assert_allclose(W, We, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(b, be, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("make,update", CASES, ids=IDS)
def test_first_two_steps_follow_the_formula(make, update, layout, rng):
    params, grads = LAYOUTS[layout]
    layers, g1, g2 = _problem(rng)
    opt = make()
    got1 = _copy(opt.step(params(layers), grads(g1)))
    got2 = opt.step(params(got1), grads(g2))
    exp1, exp2 = _expected(layers, g1, g2, update)
    _assert_layers_close(got1, exp1)
    _assert_layers_close(got2, exp2)


@pytest.mark.parametrize("make,update", CASES, ids=IDS)
def test_state_follows_the_parameters_when_their_layout_changes(make, update, rng):
    """One buffer, then separate arrays (a user replacing ``network.layers``), then one buffer."""
    layers, g1, g2 = _problem(rng)
    opt = make()
    got = opt.step(_in_one_buffer(layers), _in_one_buffer(g1))
    got = opt.step(_copy(got), _copy(g2))
    got = opt.step(_in_one_buffer(got), _in_one_buffer(g1))
    state = [{} for _ in range(4)]
    expected = [list(pair) for pair in layers]
    for t, g in enumerate((g1, g2, g1), start=1):
        for k in range(4):
            i, j = divmod(k, 2)
            expected[i][j] = update(expected[i][j], g[i][j], state[k], t)
    _assert_layers_close(got, expected)


def test_adam_first_step_is_learning_rate_times_sign(rng):
    layers, g1, _ = _problem(rng)
    new = ffnn.Adam(learning_rate=0.003).step(_copy(layers), g1)
    for (W0, b0), (W, b), (gW, gb) in zip(layers, new, g1):
        np.testing.assert_allclose(W - W0, -0.003 * np.sign(gW), rtol=1e-6)
        np.testing.assert_allclose(b - b0, -0.003 * np.sign(gb), rtol=1e-6)


def _float32_in_one_buffer(layers):
    return _in_one_buffer([(W.astype(np.float32), b.astype(np.float32)) for W, b in layers])


@pytest.mark.parametrize("make,update", CASES, ids=IDS)
def test_float32_parameters_with_float64_gradients_in_one_buffer_each(make, update, rng):
    layers, g1, _ = _problem(rng)
    params = _float32_in_one_buffer(layers)
    got = make().step(params, _in_one_buffer(g1))
    assert all(p.dtype == np.float32 for pair in got for p in pair)
    expected = _expected([(W.astype(np.float32).astype(float), b.astype(np.float32).astype(float))
                          for W, b in layers], g1, g1, update)[0]
    for (W, b), (We, be) in zip(got, expected):
        np.testing.assert_allclose(W, We, rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(b, be, rtol=1e-6, atol=1e-6)


def test_parameters_of_two_dtypes_are_updated_array_by_array(rng):
    layers, g1, g2 = _problem(rng)
    mixed = [(layers[0][0].astype(np.float32), layers[0][1]), layers[1]]
    opt = ffnn.Momentum(0.1, momentum=0.8)
    got = opt.step(_copy(mixed), _copy(g1))
    got = opt.step(got, _copy(g2))
    exp = _expected(mixed, g1, g2, _momentum(0.1, 0.8))[1]
    assert got[0][0].dtype == np.float32 and opt.state[0][0].dtype == np.float32
    np.testing.assert_allclose(got[0][0], exp[0][0], rtol=1e-6)
    _assert_layers_close(got[1:], exp[1:])


def test_a_reset_state_starts_afresh_in_any_layout(rng):
    """After ``state = None``, only the velocities of later steps count, even when the
    layout changes from one buffer to arrays of two dtypes and back."""
    layers, g1, g2 = _problem(rng)
    opt = ffnn.Momentum(0.1, momentum=0.8)
    opt.step(_in_one_buffer(layers), _in_one_buffer(g2))
    opt.state = None
    mixed = [(layers[0][0].astype(np.float32), layers[0][1]), layers[1]]
    opt.step(_copy(mixed), _copy(g1))
    got = opt.step(_in_one_buffer(layers), _in_one_buffer(g2))
    expected = [tuple(p + 0.8 * (-0.1 * a) - 0.1 * c for p, a, c in zip(*triple))
                for triple in zip(layers, g1, g2)]
    for (W, b), (We, be) in zip(got, expected):
        np.testing.assert_allclose(W, We, rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(b, be, rtol=1e-6, atol=1e-7)


def test_no_layers_no_step():
    assert ffnn.Adam(0.1).step([], []) == []


def test_an_update_that_is_not_elementwise_goes_array_by_array(rng):
    """A user's optimiser that looks at whole arrays (here: clipping each gradient's
    norm) must not see the network's one buffer as one array."""

    class Clipped(ffnn.Optimizer):
        def _update(self, param, grad, state):
            param -= self.learning_rate * grad / max(1.0, np.linalg.norm(grad))

    layers, g1, _ = _problem(rng)
    got = Clipped(0.1).step(_in_one_buffer(layers), _in_one_buffer(g1))
    expected = [tuple(p - 0.1 * g / max(1.0, np.linalg.norm(g)) for p, g in zip(pair, gpair))
                for pair, gpair in zip(layers, g1)]
    _assert_layers_close(got, expected)


@pytest.mark.parametrize("make", [c[0] for c in CASES], ids=IDS)
@pytest.mark.parametrize("via", ["deepcopy", "pickle"])
def test_a_copied_network_and_optimiser_train_on_as_the_original(make, via):
    """Copies keep the one-buffer layout, the optimiser's state and its history."""
    import copy
    import pickle

    X, Y, _ = ffnn.load_iris()
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    net = ffnn.NeuralNetwork(4, [8, 3], ["tanh", "softmax"], None, "cross_entropy", None,
                             initialization="xavier", seed=0)
    opt = make()
    ffnn.train(net, X, Y, opt, epochs=2, batch_size=30, seed=1)
    clone = copy.deepcopy((net, opt)) if via == "deepcopy" else pickle.loads(pickle.dumps((net, opt)))
    net2, opt2 = clone
    assert _tiled([p for pair in net2.layers for p in pair]) is not None
    for network, optimiser in ((net, opt), (net2, opt2)):
        ffnn.train(network, X, Y, optimiser, epochs=2, batch_size=30, seed=2)
        assert optimiser._tiling[2] is not None  # the one-pass update
        # autograd's gradients are separate arrays: a step array by array, same state
        network.update_weights(network.autograd_gradient(X, Y), optimiser)
        ffnn.train(network, X, Y, optimiser, epochs=1, batch_size=30, seed=3)
    for (W, b), (W2, b2) in zip(net.layers, net2.layers):
        np.testing.assert_array_equal(W, W2)
        np.testing.assert_array_equal(b, b2)


@pytest.mark.parametrize("make", [c[0] for c in CASES], ids=IDS)
@pytest.mark.parametrize("grad_dtype", [np.float32, np.float64])
def test_step_updates_in_place_and_keeps_dtype(make, grad_dtype):
    layers = [(np.ones((2, 2), np.float32), np.ones(2, np.float32))]
    grads = [(np.full((2, 2), 0.5, grad_dtype), np.full(2, 0.5, grad_dtype))]
    opt = make()
    out = opt.step(layers, grads)
    assert out is layers and out[0][0].dtype == np.float32
    assert np.all(out[0][0] < 1) and np.all(out[0][1] < 1)
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
