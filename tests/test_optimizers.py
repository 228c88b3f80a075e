"""Each optimiser's first two steps against its textbook formula, computed
independently here, on a parameter vector (``update``) and on the exercises'
lists of layers (``step``); state bound to its parameters, never carried
over silently; and a decreasing cost on a small problem."""

import copy
import pickle

import numpy as np
import pytest

import ffnn


def _problem(rng):
    def draw():
        return [(rng.normal(size=(3, 2)), rng.normal(size=2)),
                (rng.normal(size=(2, 4)), rng.normal(size=4))]
    return draw(), draw(), draw()


def _copy(layers):
    return [(W.copy(), b.copy()) for W, b in layers]


def _flat(layers):
    return np.concatenate([p.ravel() for pair in layers for p in pair])


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


@pytest.mark.parametrize("make,update", CASES, ids=IDS)
def test_first_two_steps_on_the_layers_follow_the_formula(make, update, rng):
    layers, g1, g2 = _problem(rng)
    opt = make()
    got1 = _copy(opt.step(_copy(layers), g1))
    got2 = opt.step(_copy(got1), g2)
    exp1, exp2 = _expected(layers, g1, g2, update)
    _assert_layers_close(got1, exp1)
    _assert_layers_close(got2, exp2)


@pytest.mark.parametrize("make,update", CASES, ids=IDS)
def test_first_two_steps_on_a_parameter_vector_follow_the_formula(make, update, rng):
    layers, g1, g2 = _problem(rng)
    theta = _flat(layers)
    opt = make()
    assert opt.update(theta, _flat(g1)) is theta
    got1 = theta.copy()
    opt.update(theta, _flat(g2))
    exp1, exp2 = _expected(layers, g1, g2, update)
    np.testing.assert_allclose(got1, _flat(exp1), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(theta, _flat(exp2), rtol=1e-13, atol=1e-15)


def test_adam_first_step_is_learning_rate_times_sign(rng):
    layers, g1, _ = _problem(rng)
    new = ffnn.Adam(learning_rate=0.003).step(_copy(layers), g1)
    for (W0, b0), (W, b), (gW, gb) in zip(layers, new, g1):
        np.testing.assert_allclose(W - W0, -0.003 * np.sign(gW), rtol=1e-6)
        np.testing.assert_allclose(b - b0, -0.003 * np.sign(gb), rtol=1e-6)


def test_state_is_bound_to_its_parameter_vector(rng):
    theta, other = rng.normal(size=10), rng.normal(size=10)
    opt = ffnn.Momentum(0.1, momentum=0.8)
    opt.update(theta, np.ones(10))
    with pytest.raises(ValueError, match=r"theta: this Momentum holds the state of another "
                                         r"parameter vector \(a vector of 10 float64 entries\); call reset\(\)"):
        opt.update(other, np.ones(10))
    with pytest.raises(ValueError, match="another parameter vector"):
        opt.update(rng.normal(size=7), np.ones(7))
    with pytest.raises(ValueError, match=r"layers: this Momentum holds the state of other parameters"):
        opt.step([(np.zeros((2, 5)), np.zeros(5))], [(np.ones((2, 5)), np.ones(5))])
    start = other.copy()
    opt.reset()
    opt.update(other, np.ones(10))  # a fresh start: v = -η g, no velocity carried over
    np.testing.assert_allclose(other, start - 0.1)
    assert opt.t == 1


def test_state_is_bound_to_the_shapes_of_the_layers(rng):
    layers, g1, _ = _problem(rng)
    opt = ffnn.Adam(0.01)
    opt.step(_copy(layers), g1)
    opt.step(_copy(layers), g1)  # new arrays of the same shapes: the exercises' way, allowed
    with pytest.raises(ValueError, match=r"layers: this Adam holds the state of other parameters "
                                         r"\(layers of shapes \(3, 2\), \(2,\), \(2, 4\), \(4,\)\)"):
        opt.step(layers[:1], g1[:1])
    with pytest.raises(ValueError, match="theta: this Adam holds the state of another"):
        opt.update(_flat(layers), _flat(g1))


def test_a_network_and_its_optimiser_train_on_alike_after_one_trains_another_is_refused():
    X, Y, _ = ffnn.load_iris()
    X = (X - X.mean(axis=0)) / X.std(axis=0)

    def net():
        return ffnn.NeuralNetwork(4, [8, 3], ["tanh", "softmax"], cost_fun="cross_entropy",
                                  initialization="xavier", seed=0)

    first, opt = net(), ffnn.Adam(0.01)
    ffnn.train(first, X, Y, opt, epochs=2, batch_size=30, seed=1)
    with pytest.raises(ValueError, match="another parameter vector"):
        ffnn.train(net(), X, Y, opt, epochs=1)
    for clone in (copy.deepcopy((first, opt)), pickle.loads(pickle.dumps((first, opt)))):
        net2, opt2 = clone
        assert opt2.t == opt.t
        ffnn.train(net2, X, Y, opt2, epochs=1, batch_size=30, seed=2)
    ffnn.train(first, X, Y, opt, epochs=1, batch_size=30, seed=2)
    np.testing.assert_array_equal(first.parameters, net2.parameters)


@pytest.mark.parametrize("make,update", CASES, ids=IDS)
def test_float32_parameters_with_float64_gradients(make, update, rng):
    layers, g1, _ = _problem(rng)
    theta = _flat(layers).astype(np.float32)
    opt = make()
    opt.update(theta, _flat(g1))
    assert theta.dtype == np.float32 and all(s.dtype == np.float32 for s in opt.state)
    layers32 = [(W.astype(np.float32).astype(float), b.astype(np.float32).astype(float)) for W, b in layers]
    expected = _flat(_expected(layers32, g1, g1, update)[0])
    np.testing.assert_allclose(theta, expected, rtol=1e-6, atol=1e-6)


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


def test_no_layers_no_step():
    assert ffnn.Adam(0.1).step([], []) == []


def test_bad_arguments_name_themselves(rng):
    opt = ffnn.GradientDescent()
    with pytest.raises(ValueError, match=r"theta: expected a 1-D parameter vector, got ndarray of shape \(2, 2\)"):
        opt.update(np.zeros((2, 2)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"gradient: expected shape \(4,\) \(that of theta\), got \(3,\)"):
        opt.update(np.zeros(4), np.zeros(3))
    with pytest.raises(ValueError, match=r"layer_grads: expected 1 \(dW, db\) pairs, got 2"):
        opt.step([(np.zeros((2, 2)), np.zeros(2))], [(np.zeros((2, 2)), np.zeros(2))] * 2)


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


def test_one_protocol_a_class_or_a_stranger_is_refused_clearly(rng):
    """train and update_weights take an optimiser with update(), or wrap once an object with
    only step(); the class instead of an instance, or anything else, is a TypeError."""
    net = ffnn.NeuralNetwork(2, [3, 1], ["tanh", "identity"], seed=0)
    X, Y = rng.normal(size=(6, 2)), rng.normal(size=(6, 1))
    with pytest.raises(TypeError, match=r"optimizer: expected an optimiser, got the class Adam; "
                                        r"use Adam\(\)"):
        ffnn.train(net, X, Y, ffnn.Adam, epochs=1)
    with pytest.raises(TypeError, match="optimizer: expected an ffnn.Optimizer .* got 0.1"):
        net.update_weights(net.compute_gradient(X, Y), 0.1)


BAD_HYPERPARAMETERS = [
    # (optimiser, argument, bad values): every optimiser checks every hyper-parameter it takes
    *[(cls, "learning_rate", (0, -0.1, np.nan, np.inf, "fast", None, True, np.array([0.1, -0.1])))
      for cls in (ffnn.GradientDescent, ffnn.Momentum, ffnn.Adagrad, ffnn.RMSprop, ffnn.Adam)],
    (ffnn.Momentum, "momentum", (1, 1.5, -0.1, np.nan, "high", None)),
    (ffnn.Momentum, "nesterov", (1, "yes", None)),
    (ffnn.RMSprop, "decay", (1, -0.5, np.nan, "x", None)),
    (ffnn.Adam, "beta1", (1, -0.1, np.nan, "x", None)),
    (ffnn.Adam, "beta2", (1.0, 2, np.nan, [], None)),
    *[(cls, "eps", (0, -1e-8, np.nan, np.inf, "tiny", None))
      for cls in (ffnn.Adagrad, ffnn.RMSprop, ffnn.Adam)],
]


@pytest.mark.parametrize("cls, argument, values", BAD_HYPERPARAMETERS,
                         ids=[f"{c.__name__}-{a}" for c, a, _ in BAD_HYPERPARAMETERS])
def test_a_bad_hyperparameter_is_refused_by_its_name(cls, argument, values):
    for value in values:
        with pytest.raises(ValueError, match=rf"^{argument}: expected .*, got "):
            cls(**{argument: value})


def test_hyperparameters_on_the_edge_of_their_range_are_accepted():
    assert ffnn.Momentum(1e-3, momentum=0.0, nesterov=np.bool_(True)).momentum == 0.0
    assert ffnn.RMSprop(decay=0).decay == 0 and ffnn.Adam(beta1=0.0, beta2=0.0).beta2 == 0.0
    assert ffnn.Adam(np.float32(1e-3), eps=np.float64(1e-12)).eps == 1e-12
    eta = np.array([0.1, 0.2])  # one per parameter, as for networks in lockstep
    assert ffnn.GradientDescent(eta).learning_rate is eta
