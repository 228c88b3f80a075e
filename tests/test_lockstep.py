"""Networks trained in lockstep (ffnn.train_many) end as each would trained alone by
ffnn.train with the same seed and settings: parameters to 1e-12 relative in float64,
for every optimiser, both costs, L1 and L2, shared data or one draw per network."""

import numpy as np
import pytest

import ffnn
from ffnn import NeuralNetwork, costs, rel_error, train, train_many

OPTIMIZERS = {
    "gd": lambda eta: ffnn.GradientDescent(eta),
    "momentum": lambda eta: ffnn.Momentum(eta, 0.9),
    "nesterov": lambda eta: ffnn.Momentum(eta, 0.8, nesterov=True),
    "adagrad": lambda eta: ffnn.Adagrad(eta),
    "rmsprop": lambda eta: ffnn.RMSprop(eta / 5),
    "adam": lambda eta: ffnn.Adam(eta / 5),
}
ETAS = [0.05, 0.1, 0.02]
SEEDS = [4, 5, 6]
PENALTIES = [dict(l2=0.01), dict(l1=0.005), dict(l2=0.02, l1=0.001)]  # each network its own


def _problem(cost, rng, own_data=False, n=37):
    """Three networks (own initial weights and penalty) and their data."""
    if cost == "cross_entropy":
        shape = dict(network_input_size=4, layer_output_sizes=[6, 3],
                     activation_funcs=["tanh", "softmax"], cost_fun="cross_entropy")
        X = rng.normal(size=(3, n, 4) if own_data else (n, 4))
        Y = np.eye(3)[rng.integers(0, 3, X.shape[:-1])]
    else:
        shape = dict(network_input_size=2, layer_output_sizes=[5, 4, 1],
                     activation_funcs=["sigmoid", "relu", "identity"], cost_fun="mse")
        X = rng.normal(size=(3, n, 2) if own_data else (n, 2))
        Y = np.sin(X.sum(axis=-1, keepdims=True))

    def networks(dtype=np.float64, penalties=PENALTIES):
        return [NeuralNetwork(**shape, initialization="xavier", seed=10 + m, dtype=dtype, **pen)
                for m, pen in enumerate(penalties)]

    return networks, X, Y


def _alone(networks, X, Y, make, **options):
    histories = []
    for m, (net, eta, seed) in enumerate(zip(networks, ETAS, SEEDS)):
        Xm, Ym = (X[m], Y[m]) if X.ndim == 3 else (X, Y)
        Xv, Yv = options.get("X_val"), options.get("Y_val")
        extra = {} if Xv is None else dict(X_val=Xv[m] if Xv.ndim == 3 else Xv,
                                          Y_val=Yv[m] if Yv.ndim == 3 else Yv)
        opts = {k: v for k, v in options.items() if k not in ("X_val", "Y_val")}
        histories.append(train(net, Xm, Ym, make(eta), seed=seed, **opts, **extra))
    return histories


def _assert_same(group, hists, alone, hists_alone):
    for net, ref, h, h_ref in zip(group, alone, hists, hists_alone):
        assert rel_error(net.parameters, ref.parameters) < 1e-12
        assert set(h) == set(h_ref)
        for key in h:
            np.testing.assert_allclose(h[key], h_ref[key], rtol=1e-12)


@pytest.mark.parametrize("cost", ["cross_entropy", "mse"])
@pytest.mark.parametrize("name", OPTIMIZERS)
def test_each_network_ends_as_trained_alone(name, cost, rng):
    networks, X, Y = _problem(cost, rng)
    make = OPTIMIZERS[name]
    group, alone = networks(), networks()
    options = dict(epochs=4, batch_size=8, X_val=X[:10], Y_val=Y[:10])
    hists = train_many(group, X, Y, [make(eta) for eta in ETAS], seeds=SEEDS, **options)
    _assert_same(group, hists, alone, _alone(alone, X, Y, make, **options))


@pytest.mark.parametrize("cost", ["cross_entropy", "mse"])
def test_without_penalties(cost, rng):
    """λ₂ = λ₁ = 0 for every network, the common grid, as trained alone."""
    networks, X, Y = _problem(cost, rng)
    group, alone = (networks(penalties=[{}] * 3) for _ in range(2))
    options = dict(epochs=3, batch_size=8, X_val=X[:10], Y_val=Y[:10])
    make = OPTIMIZERS["momentum"]
    hists = train_many(group, X, Y, [make(eta) for eta in ETAS], seeds=SEEDS, **options)
    _assert_same(group, hists, alone, _alone(alone, X, Y, make, **options))


@pytest.mark.parametrize("cost", ["cross_entropy", "mse"])
def test_own_data_full_batch_and_a_schedule(cost, rng):
    """Each network its own draw (X of shape (M, n, n_0)), full batches, a step decay."""
    networks, X, Y = _problem(cost, rng, own_data=True)
    for batch_size in (None, 10):
        group, alone = networks(), networks()
        options = dict(epochs=5, batch_size=batch_size, schedule=ffnn.StepDecay(every=2),
                       X_val=X[:, :9], Y_val=Y[:, :9])
        hists = train_many(group, X, Y, [ffnn.Adam(eta) for eta in ETAS], seeds=SEEDS, **options)
        _assert_same(group, hists, alone, _alone(alone, X, Y, ffnn.Adam, **options))


def test_optimisers_carry_their_network_state_afterwards(rng):
    """3 epochs in lockstep, then 2 alone with the same optimiser: as 5 alone."""
    networks, X, Y = _problem("cross_entropy", rng)
    group, alone = networks(), networks()
    opts = [ffnn.Adam(eta) for eta in ETAS]
    train_many(group, X, Y, opts, epochs=3, batch_size=None, seeds=SEEDS)
    for net, opt in zip(group, opts):
        train(net, X, Y, opt, epochs=2)
    _alone(alone, X, Y, ffnn.Adam, epochs=5)
    for net, ref in zip(group, alone):
        assert rel_error(net.parameters, ref.parameters) < 1e-12


def test_float32_stays_float32(rng):
    networks, X, Y = _problem("mse", rng)
    group, alone = networks(np.float32), networks(np.float32)
    opts = [ffnn.Momentum(eta) for eta in ETAS]
    train_many(group, X, Y, opts, epochs=3, batch_size=8, seeds=SEEDS)
    _alone(alone, X.astype(np.float32), Y.astype(np.float32), ffnn.Momentum, epochs=3, batch_size=8)
    for net, ref, opt in zip(group, alone, opts):
        assert net.parameters.dtype == np.float32 and opt.state[0].dtype == np.float32
        np.testing.assert_allclose(net.parameters, ref.parameters, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", sorted(n for n, r in costs.COST_RECORDS.items() if r.stacked))
def test_stacked_costs_are_the_costs_network_by_network(name, rng):
    """The per-network batch costs of a stack equal the cost function applied to each."""
    predict = rng.random((4, 7, 3))
    predict /= predict.sum(axis=-1, keepdims=True)
    Y = np.eye(3)[rng.integers(0, 3, (4, 7))]
    expected = [costs.COST_RECORDS[name].f(p, y) for p, y in zip(predict, Y)]
    np.testing.assert_allclose(costs.COST_RECORDS[name].stacked(predict, Y), expected, rtol=1e-13)


def test_divergence_names_the_networks(rng):
    """A line fitted by gradient descent diverges for η > 1/(mean x² + 1)-ish: only network 1."""
    nets = [NeuralNetwork(1, [1], ["identity"], cost_fun="mse", seed=m) for m in range(3)]
    X = rng.normal(size=(20, 1))
    opts = [ffnn.GradientDescent(eta) for eta in (0.01, 5.0, 0.01)]
    with pytest.raises(ffnn.DivergenceError, match=r"for networks \[1\].*smaller learning rates"):
        train_many(nets, X, 2 * X, opts, epochs=500, seeds=SEEDS)


def test_bad_arguments(rng):
    networks, X, Y = _problem("cross_entropy", rng)
    nets = networks()
    other = NeuralNetwork(4, [7, 3], ["tanh", "softmax"], cost_fun="cross_entropy")
    opts = lambda: [ffnn.Adam() for _ in range(3)]  # noqa: E731
    with pytest.raises(ValueError, match=r"networks\[2\]: expected the architecture of networks\[0\]"):
        train_many(nets[:2] + [other], X, Y, opts(), epochs=1)
    with pytest.raises(ValueError, match=r"seeds: expected one per network \(3\), got 2"):
        train_many(nets, X, Y, opts(), epochs=1, seeds=[1, 2])
    with pytest.raises(TypeError, match=r"optimizers\[1\]: expected an ffnn.Optimizer of one class"):
        train_many(nets, X, Y, [ffnn.Adam(), ffnn.RMSprop(), ffnn.Adam()], epochs=1)
    with pytest.raises(ValueError, match="optimizers: nesterov differs"):
        train_many(nets, X, Y, [ffnn.Momentum(nesterov=b) for b in (True, False, False)], epochs=1)
    with pytest.raises(ValueError, match=r"X: expected shape \(n_samples, 4\) or \(3, n_samples, 4\)"):
        train_many(nets, X[:, :2], Y, opts(), epochs=1)
    with pytest.raises(ValueError, match=r"Y: expected shape \(37, 3\)"):
        train_many(nets, X, Y[:5], opts(), epochs=1)
    used = opts()
    train(nets[0], X, Y, used[0], epochs=1)
    with pytest.raises(ValueError, match=r"optimizers\[0\]: has the state of an earlier training"):
        train_many(nets, X, Y, used, epochs=1)


def test_saturated_units_match_too(rng):
    """Weights 40 times too large drive |z| to hundreds, where the stack's sigmoid (numpy's
    exp) and the one network's (scipy's expit) must still agree."""
    networks, X, Y = _problem("mse", rng)
    group, alone = networks(), networks()
    for net in group + alone:
        net.parameters[...] *= 40.0
    hists = train_many(group, X, Y, [ffnn.GradientDescent(eta) for eta in ETAS], epochs=3,
                       batch_size=8, seeds=SEEDS)
    _assert_same(group, hists, alone, _alone(alone, X, Y, ffnn.GradientDescent, epochs=3,
                                             batch_size=8))


def test_one_network_or_one_optimiser_where_lists_belong_is_named():
    X, Y = np.zeros((4, 2)), np.zeros((4, 1))
    net = ffnn.NeuralNetwork(2, [1], ["identity"], seed=0)
    with pytest.raises(TypeError, match=r"networks: expected a list with one NeuralNetwork per network, "
                                        r"got NeuralNetwork .*write e.g. \[net\]"):
        ffnn.train_many(net, X, Y, [ffnn.Adam()], epochs=1)
    with pytest.raises(TypeError, match=r"optimizers: expected a list with one optimiser per network, got Adam"):
        ffnn.train_many([net], X, Y, ffnn.Adam(), epochs=1)
    with pytest.raises(TypeError, match=r"networks\[0\]: expected a NeuralNetwork instance"):
        ffnn.train_many([ffnn.NeuralNetwork], X, Y, [ffnn.Adam()], epochs=1)
