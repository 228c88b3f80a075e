"""The experiments' helpers: penalty maps against scikit-learn, early stopping, seed statistics.

Fast: tiny data and networks; the experiments themselves run in ``make train``.
"""

import copy
import json
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lasso, LogisticRegression, Ridge

import ffnn

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "code" / "experiments"))

import _common  # noqa: E402
import _equivalence as eq  # noqa: E402
from _fit import error_rate, fit, fit_many, mse, over_seeds, score  # noqa: E402
from _regression import duality_gap, lasso_fits, polynomial  # noqa: E402


@pytest.fixture
def regression(rng):
    X = rng.standard_normal((60, 4))
    y = X @ np.array([1.0, -2.0, 0.0, 0.5]) + 0.3 + 0.1 * rng.standard_normal(60)
    return X, y.reshape(-1, 1)


def test_ridge_alpha_is_n_lambda(regression):
    X, y = regression
    lam = 0.05
    r = Ridge(alpha=eq.ridge_alpha(lam, len(X))).fit(X, y.ravel())
    assert eq.stationarity(r.coef_, r.intercept_, X, y, cost="mse", l2=lam) < 1e-10
    naive = Ridge(alpha=lam).fit(X, y.ravel())
    assert eq.stationarity(naive.coef_, naive.intercept_, X, y, cost="mse", l2=lam) > 1e-3


def test_lasso_alpha_is_half_lambda(regression):
    X, y = regression
    lam = 0.2
    las = Lasso(alpha=eq.lasso_alpha(lam), tol=1e-14, max_iter=1_000_000).fit(X, y.ravel())
    assert np.any(las.coef_ == 0)  # the kink is exercised: |dC/dw| <= λ there
    assert eq.stationarity(las.coef_, las.intercept_, X, y, cost="mse", l1=lam) < 1e-8
    naive = Lasso(alpha=lam, tol=1e-14, max_iter=1_000_000).fit(X, y.ravel())
    assert eq.stationarity(naive.coef_, naive.intercept_, X, y, cost="mse", l1=lam) > 1e-2


def test_logistic_C_is_one_over_2_n_lambda(rng):
    X = rng.standard_normal((90, 3))
    labels = np.argmax(X @ rng.standard_normal((3, 3)) + rng.standard_normal((90, 3)), axis=1)
    Y = ffnn.one_hot(labels, 3)
    lam = 0.01
    m = LogisticRegression(C=eq.logreg_C(lam, len(X)), tol=1e-12, max_iter=10_000).fit(X, labels)
    assert eq.stationarity(m.coef_.T, m.intercept_, X, Y, cost="cross_entropy", l2=lam) < 1e-6
    naive = LogisticRegression(C=1 / lam, tol=1e-12, max_iter=10_000).fit(X, labels)
    assert eq.stationarity(naive.coef_.T, naive.intercept_, X, Y, cost="cross_entropy",
                           l2=lam) > 1e-3


def test_fit_keeps_the_best_validation_checkpoint():
    x, y = ffnn.runge_data(40, 0.1, 1)
    xv, yv = ffnn.runge_data(20, 0.1, 2)
    net = ffnn.NeuralNetwork(1, [8, 1], ["sigmoid", "identity"], None, "mse", None, "xavier", 0)
    start = score(net, xv, yv, mse)
    h = fit(net, x, y, xv, yv, ffnn.Adam(0.3), max_epochs=60, batch_size=10, seed=0,
            check_every=5, patience=60)
    assert h["epochs_run"] == 60 and len(h["val_curve"]) == 12
    final = mse(net.predict(xv), yv)
    assert final == pytest.approx(min([start] + h["val_curve"]), rel=1e-12)
    assert h["best_epoch"] == 5 * (1 + int(np.argmin(h["val_curve"])))
    assert final < h["val_curve"][-1] or h["best_epoch"] == 60  # η = 0.3 is noisy


def test_fit_stops_after_patience_and_restores_the_start():
    x, y = ffnn.runge_data(30, 0.0, 1)
    net = ffnn.NeuralNetwork(1, [4, 1], ["sigmoid", "identity"], None, "mse", None, "xavier", 0)
    # validation targets = the untrained network's own outputs: training can only get worse
    start = net.predict(x).copy()
    h = fit(net, x, y, x, start, ffnn.Adam(0.05), max_epochs=500, batch_size=10, seed=0,
            check_every=5, patience=20)
    assert h["best_epoch"] == 0 and h["epochs_run"] == 20 and len(h["val_curve"]) == 4
    assert min(h["val_curve"]) > 0
    np.testing.assert_array_equal(net.predict(x), start)


def _same_as_fit(nets, data, lrs, seeds, **kw):
    """fit_many on copies of nets against fit one by one: same choices, same parameters."""
    X, Y, Xv, Yv = data
    alone = [copy.deepcopy(n) for n in nets]
    many = fit_many(nets, X, Y, Xv, Yv, [ffnn.Adam(lr) for lr in lrs], seeds=seeds, **kw)
    for m, (net, r) in enumerate(zip(alone, many)):
        rows = [A if A.ndim == 2 else A[m] for A in data]
        h = fit(net, *rows[:2], *rows[2:], ffnn.Adam(lrs[m]), seed=seeds[m], **kw)
        for k in ("best_epoch", "epochs_run", "diverged"):
            assert r[k] == h[k], (m, k)
        np.testing.assert_allclose(r["val_curve"], h["val_curve"], rtol=1e-9)
        np.testing.assert_allclose(nets[m].parameters, net.parameters, rtol=1e-9, atol=1e-12)
    return many


def test_fit_many_makes_fits_early_stopping_choice_in_lockstep():
    x, y = ffnn.runge_data(40, 0.1, 1)
    xv, yv = ffnn.runge_data(20, 0.1, 2)
    lrs = [0.003, 0.03, 0.3, 0.3]
    nets = [ffnn.NeuralNetwork(1, [8, 1], ["sigmoid", "identity"], None, "mse", None, "xavier", s)
            for s in range(4)]
    _same_as_fit(nets, (x, y, xv, yv), lrs, [0, 1, 2, 3], max_epochs=60, batch_size=10,
                 check_every=5, patience=15)
    # one draw of the data per network, and a classifier stopped on its error rate
    X, Y, _ = ffnn.load_iris()
    draws = np.random.default_rng(0).permuted(np.tile(np.arange(len(X)), (3, 1)), axis=1)
    data = (X[draws[:, :100]], Y[draws[:, :100]], X[draws[:, 100:]], Y[draws[:, 100:]])
    nets = [ffnn.NeuralNetwork(4, [5, 3], ["sigmoid", "softmax"], None, "cross_entropy", None,
                               "xavier", s) for s in range(3)]
    _same_as_fit(nets, data, [0.01, 0.03, 0.1], [5, 6, 7], metric=error_rate, max_epochs=30,
                 batch_size=10, check_every=3, patience=9)


def test_fit_many_trains_a_divergent_network_alone():
    x, y = ffnn.runge_data(40, 0.1, 1)
    xv, yv = ffnn.runge_data(20, 0.1, 2)
    nets = [ffnn.NeuralNetwork(1, [8, 1], ["relu", "identity"], None, "mse", None, "he", s)
            for s in range(3)]
    many = _same_as_fit(nets, (x, y, xv, yv), [0.01, 1e150, 0.01], [0, 1, 2], max_epochs=20,
                        batch_size=10, check_every=5, patience=20)
    assert [r["diverged"] for r in many] == [False, True, False]


def test_over_seeds_by_hand():
    s = over_seeds([[1.0, 2.0, 3.0], [4.0, np.nan, 8.0]])
    assert np.allclose(s["mean"], [2.0, 6.0])
    assert np.allclose(s["std"], [1.0, np.sqrt(8.0)])
    assert list(s["n"]) == [3, 2]


def test_depth_width_runs_on_a_tiny_grid(monkeypatch, tmp_path):
    import depth_width as dw

    monkeypatch.setattr(_common, "RESULTS", tmp_path)
    monkeypatch.setattr(dw, "LAYERS", [1, 2])
    monkeypatch.setattr(dw, "WIDTHS", [4])
    monkeypatch.setattr(dw, "SEEDS", 2)
    monkeypatch.setattr(dw, "RUNGE_LRS", [1e-2, 3e-2])
    monkeypatch.setattr(dw, "RUNGE_BELOW", [3e-3])
    monkeypatch.setattr(dw, "RUNGE_ABOVE", [1e-1])
    monkeypatch.setattr(dw, "RUNGE_EPOCHS", 10)
    monkeypatch.setattr(dw, "DIGITS_EPOCHS", 2)
    monkeypatch.setattr(dw, "run_parallel", lambda f, jobs: [f(**kw) for kw in jobs])
    dw.main()
    r = json.loads((tmp_path / "depth_width.json").read_text())
    test = np.array(r["runge"]["activations"]["relu"]["test"]["mean"], dtype=float)
    assert test.shape == (2, 1) and np.all(np.isfinite(test))
    ladder = [3e-3, 1e-2, 3e-2, 1e-1]
    assert r["runge"]["learning_rates"] == ladder
    edges = 0
    for a, g in r["runge"]["activations"].items():
        lrs = np.array(g["learning_rate"])
        val = np.array(g["val_by_learning_rate"], dtype=float)  # null (not tried) -> nan
        assert lrs.shape == (2, 1)
        for i in range(2):
            tried = g["learning_rates_tried"][i][0]
            # the first grid always, more only beyond an edge, in a contiguous run
            assert {1e-2, 3e-2} <= set(tried) and tried == ladder[ladder.index(tried[0]):
                                                                  ladder.index(tried[-1]) + 1]
            assert np.all(np.isnan(val[i, 0]) == [lr not in tried for lr in ladder])
            assert lrs[i, 0] == ladder[int(np.nanargmin(val[i, 0]))]
            # on an edge only where the ladder ends, or at the bottom without the extension
            edge = lrs[i, 0] in (tried[0], tried[-1])
            assert not edge or lrs[i, 0] in (ladder[0], ladder[-1]) or (
                a not in dw.RUNGE_BELOW_FOR and lrs[i, 0] == tried[0] == 1e-2)
            assert a in dw.RUNGE_BELOW_FOR or tried[0] == 1e-2
            edges += edge
    counts = r["runge"]["cells_on_edge"]
    assert counts["extended"] == edges and counts["cells"] == 6
    assert edges <= counts["first_grid"] <= 6
    acc = np.array(r["digits"]["test"]["mean"], dtype=float)
    assert acc.shape == (2, 1) and np.all((acc > 0.1) & (acc <= 1.0))


def test_depth_width_extends_the_eta_grid_one_step_beyond_an_edge(monkeypatch):
    import depth_width as dw

    monkeypatch.setattr(dw, "RUNGE_BELOW", [1e-3, 3e-4])
    monkeypatch.setattr(dw, "RUNGE_LRS", [3e-3, 1e-2, 3e-2])
    monkeypatch.setattr(dw, "RUNGE_ABOVE", [1e-1])
    assert dw.ladder() == [3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1]
    assert dw.extensions([2, 3, 4], 3) == []  # inside
    assert dw.extensions([2, 3, 4], 2) == [1]  # bottom edge: the next smaller η
    assert dw.extensions([1, 2, 3, 4], 1) == [0]
    assert dw.extensions([0, 1, 2, 3, 4], 0) == []  # the ladder ends
    assert dw.extensions([2, 3, 4], 4) == [5] and dw.extensions([2, 3, 4, 5], 5) == []
    assert dw.extensions([2, 3, 4], 2, down=False) == []  # not downwards
    assert dw.extensions([2, 3, 4], 4, down=False) == [5]
    tried = np.empty((1, 2), dtype=object)
    tried[0, 0], tried[0, 1] = [2, 3, 4], [1, 2, 3, 4]
    assert dw.on_edge(np.array([[3, 1]]), tried) == 1
    assert dw.on_edge(np.array([[4, 2]]), tried) == 1


def test_gradients_in_training_record_the_study_run_and_its_early_stop(monkeypatch):
    import gradients as g
    from _regression import regressor, runge_splits

    monkeypatch.setattr(g, "RUNGE_EPOCHS", 20)
    monkeypatch.setattr(g, "RUNGE_PATIENCE", 10)
    monkeypatch.setattr(g, "TRAINING", [(2, 6, 3e-2)])
    monkeypatch.setattr(g, "TRAINING_SEEDS", 2)
    (run,) = g.in_training().values()
    assert list(run["epochs"]) == [0, 5, 10, 15, 20]
    d = runge_splits()["scaled"]
    for seed in range(2):  # the same training as the study's fit, which checks every 10 epochs
        net = regressor([6] * 2, "sigmoid", "xavier", seed, dtype=g.DTYPE)
        h = fit(net, *d["train"], *d["val"], ffnn.Adam(3e-2), max_epochs=20, batch_size=50,
                seed=seed, check_every=10, patience=10)
        np.testing.assert_allclose(h["val_curve"], run["val"][seed, [2, 4]][:len(h["val_curve"])],
                                   rtol=1e-5)
        assert run["stopped_at"][seed] == h["epochs_run"]
        assert run["best_epoch"][seed] == h["best_epoch"]
        x, y = d["train"]
        assert np.isclose(run["train"][seed, 0], np.mean((regressor(
            [6] * 2, "sigmoid", "xavier", seed, dtype=g.DTYPE).predict(x) - y) ** 2), rtol=1e-5)
    sat = np.asarray(run["saturated"])
    assert sat.shape == (2, 5, 2) and np.all((sat >= 0) & (sat <= 1))


def test_left_the_constant_is_the_epoch_after_the_last_one_above_the_line():
    import gradients as g

    e = np.arange(0, 21, 5)
    assert g.left_the_constant([1, 1, 0.0, 1, 0.0], e) == 20
    assert g.left_the_constant([1, 1, 0.0, 0.0, 0.0], e) == 10
    assert g.left_the_constant([0.0] * 5, e) == 0
    assert g.left_the_constant([1] * 5, e) is None


def test_lasso_duality_gap_bounds_the_distance_to_the_minimum(rng):
    X = rng.standard_normal((50, 6))
    X -= X.mean(axis=0)
    y = X @ np.array([1.0, 0.0, -0.5, 0.0, 2.0, 0.0]) + 0.2 * rng.standard_normal(50)
    a = 0.1

    def cost(w):
        r = y - y.mean() - X @ w
        return r @ r / (2 * len(y)) + a * np.sum(np.abs(w)), r

    best = Lasso(alpha=a, tol=1e-14, max_iter=1_000_000).fit(X, y).coef_
    low, r = cost(best)
    assert abs(duality_gap(X, r, y, best, a)) < 1e-10
    for w in (np.zeros(6), best + 0.05 * rng.standard_normal(6)):
        c, r = cost(w)
        assert duality_gap(X, r, y, w, a) >= c - low - 1e-12 > 0


def test_lasso_fits_reach_the_minimum_of_a_well_conditioned_problem(rng):
    x = rng.uniform(-1, 1, (80, 1))
    y = (x**3 - x).ravel() + 0.05 * rng.standard_normal(80)
    fits = lasso_fits(x, y, 3, [1e-3, 1e-2], tol=1e-10, max_iter=100_000)
    for a, f in fits.items():
        ref = polynomial(3, "lasso", a)
        ref[-1].set_params(tol=1e-14, max_iter=1_000_000)
        ref.fit(x, y)
        assert f["converged"] and f["gap"] < 1e-8
        np.testing.assert_allclose(f["coef"], ref[-1].coef_, atol=1e-6)


def test_heatmap_spread_never_prints_zero():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "code"))
    from plots._style import spread
    assert spread(0.0, "{:.1f}") == spread(1e-17, "{:.1f}") == "all seeds"
    assert spread(0.03, "{:.1f}") == "±0.03"
    assert spread(1.26, "{:.1f}") == "±1.3"


def test_mcnemar_counts_by_hand_and_its_exact_p_value():
    a = np.array([1, 1, 1, 1, 1, 0, 1, 0], bool)
    b = np.array([1, 0, 0, 0, 0, 0, 1, 1], bool)
    r = _common.mcnemar(a, b)
    assert (r["only_first"], r["only_second"]) == (4, 1)
    # two-sided exact binomial test of 4 of 5 against 1/2: 2 (1 + 5) / 32
    assert r["p_value"] == pytest.approx(12 / 32)
    assert _common.mcnemar(a, a)["p_value"] == 1.0


def test_lasso_by_lars_is_at_the_minimum(rng):
    x = rng.uniform(-1, 1, (80, 1))
    y = (x**3 - x).ravel() + 0.05 * rng.standard_normal(80)
    for a in (1e-4, 1e-2):
        lars = polynomial(6, "lasso_lars", a).fit(x, y)
        ref = polynomial(6, "lasso", a)
        ref[-1].set_params(tol=1e-14, max_iter=1_000_000)
        ref.fit(x, y)
        np.testing.assert_allclose(lars[-1].coef_, ref[-1].coef_, atol=1e-6)


def test_runge_draws_are_new_points_and_draw_0_is_the_study_data():
    from _regression import SEEDS, runge_splits

    d0, d1 = runge_splits(), runge_splits(draw=1)
    x0, _ = ffnn.runge_data(len(d0["train"][0]), 0.1, SEEDS["train"])
    np.testing.assert_array_equal(d0["train"][0], x0)
    for part in ("train", "val", "test"):
        assert not np.allclose(d0[part][0], d1[part][0])


def test_fashion_reads_idx_files(tmp_path):
    import gzip

    from _fashion_data import read_idx

    images = np.arange(2 * 784, dtype=np.uint8).reshape(2, 28, 28) % 251
    header = bytes([0, 0, 8, 3]) + b"".join(int(n).to_bytes(4, "big") for n in (2, 28, 28))
    with gzip.open(tmp_path / "img.gz", "wb") as f:
        f.write(header + images.tobytes())
    with gzip.open(tmp_path / "lab.gz", "wb") as f:
        f.write(bytes([0, 0, 8, 1]) + (2).to_bytes(4, "big") + bytes([7, 3]))
    np.testing.assert_array_equal(read_idx(tmp_path / "img.gz"), images.reshape(2, 784))
    np.testing.assert_array_equal(read_idx(tmp_path / "lab.gz"), [7, 3])


def test_fashion_without_data_says_how_to_get_it(monkeypatch, tmp_path):
    import _fashion_data
    import sklearn.datasets

    def offline(*args, **kwargs):
        raise OSError("no network")

    monkeypatch.setattr(_fashion_data, "DEBIAN_DIR", tmp_path / "absent")
    monkeypatch.setattr(sklearn.datasets, "fetch_openml", offline)
    with pytest.raises(FileNotFoundError, match="apt-get install dataset-fashion-mnist"):
        _fashion_data.load_fashion()


def test_fit_many_refuses_a_penalised_regressor():
    x, y = ffnn.runge_data(20, 0.1, 1)
    net = ffnn.NeuralNetwork(1, [4, 1], ["sigmoid", "identity"], None, "mse", None, "xavier", 0,
                             l2=1e-3)
    with pytest.raises(ValueError, match=r"nets\[0\].*l2 = 0.001"):
        fit_many([net], x, y, x, y, [ffnn.Adam(0.01)], max_epochs=5, batch_size=10, seeds=[0])


def test_fit_each_is_fit_one_after_another():
    x, y = ffnn.runge_data(30, 0.1, 1)
    xv, yv = ffnn.runge_data(20, 0.1, 2)
    make = [lambda s=s: ffnn.NeuralNetwork(1, [6, 1], ["sigmoid", "identity"], None, "mse", None,
                                           "xavier", s) for s in range(2)]
    from _fit import fit_each
    nets = [m() for m in make]
    each = fit_each(nets, x, y, xv, yv, [ffnn.Adam(0.05), ffnn.Adam(0.05)], seeds=[0, 1],
                    max_epochs=20, batch_size=10, check_every=5, patience=10)
    for m, (net, r) in enumerate(zip(nets, each)):
        alone = make[m]()
        h = fit(alone, x, y, xv, yv, ffnn.Adam(0.05), seed=m, max_epochs=20, batch_size=10,
                check_every=5, patience=10)
        assert r["best_epoch"] == h["best_epoch"]
        np.testing.assert_array_equal(net.parameters, alone.parameters)


def test_ridge_path_is_sklearns_ridge_at_every_alpha(rng):
    from _regression import features, ridge_path
    x = rng.uniform(-1, 1, (60, 1))
    y = (1 / (1 + 25 * x**2)).ravel() + 0.1 * rng.standard_normal(60)
    X = features(8).fit_transform(x)
    alphas = [1e-6, 1e-2, 1.0, 30.0]
    W, b = ridge_path(X, y, alphas)
    for a, w, c in zip(alphas, W, b):
        ref = Ridge(alpha=a, solver="cholesky").fit(X, y)
        np.testing.assert_allclose(w, ref.coef_, rtol=1e-6, atol=1e-8)
        assert c == pytest.approx(ref.intercept_, abs=1e-9)
    with pytest.raises(ValueError, match="alphas: expected values > 0"):
        ridge_path(X, y, [0.0, 1.0])


def test_lasso_path_is_coordinate_descents_minimum_at_every_alpha(rng):
    from _regression import features, lasso_path
    x = rng.uniform(-1, 1, (80, 1))
    y = (x**3 - x).ravel() + 0.05 * rng.standard_normal(80)
    X = features(6).fit_transform(x)
    alphas = [3e-4, 1e-3, 1e-2, 0.05, 10.0]  # the last beyond the path: every w = 0
    W, b = lasso_path(X, y, alphas)
    for a, w, c in zip(alphas, W, b):
        ref = Lasso(alpha=a, tol=1e-14, max_iter=1_000_000).fit(X, y)
        np.testing.assert_allclose(w, ref.coef_, atol=1e-6)
        assert c == pytest.approx(ref.intercept_, abs=1e-6)
    assert not W[-1].any()
    from _regression import lasso_validation
    xv = rng.uniform(-1, 1, (30, 1))
    yv = (xv**3 - xv).ravel()
    val = lasso_validation(x, y, xv, yv, 6, alphas[:3])
    for a, v in zip(alphas, val):  # against LARS fitted at that α, in scikit-learn's pipeline
        ref = polynomial(6, "lasso_lars", a).fit(x, y)
        assert v == pytest.approx(np.mean((ref.predict(xv) - yv) ** 2), rel=1e-6)


def test_fit_partial_keeps_the_best_checkpoint_of_sklearns_own_training():
    from sklearn.neural_network import MLPRegressor
    from _fit import fit_partial
    x, y = ffnn.runge_data(40, 0.1, 1)
    xv, yv = ffnn.runge_data(30, 0.1, 2)

    def model(max_iter=200):
        return MLPRegressor(hidden_layer_sizes=(8,), activation="logistic", solver="adam",
                            learning_rate_init=0.05, batch_size=10, max_iter=max_iter, tol=0.0,
                            n_iter_no_change=10**6, random_state=np.random.RandomState(3),
                            shuffle=False)  # fit reshuffles its last order, partial_fit 0..n-1

    m = model()
    with warnings.catch_warnings():  # fit's "maximum iterations reached", meant here
        warnings.simplefilter("ignore", ConvergenceWarning)
        h = fit_partial(m, x, y.ravel(), xv, yv, max_epochs=40, check_every=10, patience=100)
        # the reference: scikit-learn's fit, stopped after 10, 20, 30, 40 epochs
        refs = [model(e).fit(x, y.ravel()) for e in (10, 20, 30, 40)]
    vals = [mse(r.predict(xv), yv) for r in refs]
    np.testing.assert_allclose(h["val_curve"], vals, rtol=1e-10)
    assert h["best_epoch"] == 10 * (1 + int(np.argmin(vals)))
    np.testing.assert_allclose(m.predict(xv), refs[int(np.argmin(vals))].predict(xv), rtol=1e-10)
    with pytest.raises(TypeError, match="random_state: expected a np.random.RandomState"):
        fit_partial(MLPRegressor(random_state=0), x, y.ravel(), xv, yv, max_epochs=1)



def test_best_per_draw_chooses_the_smallest_mean_over_seeds_for_each_draw():
    from _runge_network import best_per_draw
    # draw 0: η 1 has the smaller mean (2 < 3) though η 0 holds the single smallest run;
    # draw 1: η 0 (mean 1 < 5)
    val = [[[0.5, 5.5], [2.0, 2.0]], [[1.0, 1.0], [4.0, 6.0]]]
    assert best_per_draw(val).tolist() == [1, 0]
    with pytest.raises(ValueError, match="val: expected shape"):
        best_per_draw(np.zeros((2, 3)))


def test_fit_many_penalised_stops_on_the_penalised_validation_cost():
    x, y = ffnn.runge_data(30, 0.1, 1)
    xv, yv = ffnn.runge_data(20, 0.1, 2)

    def make(lam):
        return ffnn.NeuralNetwork(1, [6, 1], ["sigmoid", "identity"], None, "mse", None,
                                  "xavier", 0, l2=lam)

    lams = [1e-3, 3e-2]
    nets = [make(lam) for lam in lams]
    rs = fit_many(nets, x, y, xv, yv, [ffnn.Adam(0.1) for _ in lams], max_epochs=60,
                  batch_size=10, seeds=[0, 0], check_every=5, patience=20, penalised=True)
    for lam, net, r in zip(lams, nets, rs):
        # by hand: train in chunks, score the network's own cost (MSE + penalty) after each
        alone, opt, rng = make(lam), ffnn.Adam(0.1), np.random.default_rng(0)
        best, best_epoch, best_theta, epoch = alone.cost(xv, yv), 0, alone.parameters.copy(), 0
        while epoch < 60 and epoch - best_epoch < 20:
            ffnn.train(alone, x, y, opt, epochs=5, batch_size=10, seed=rng, progress=False)
            epoch += 5
            if alone.cost(xv, yv) < best:
                best, best_epoch, best_theta = alone.cost(xv, yv), epoch, alone.parameters.copy()
        assert (r["best_epoch"], r["epochs_run"]) == (best_epoch, epoch)
        np.testing.assert_allclose(net.parameters, best_theta, rtol=1e-9, atol=1e-12)


def test_holm_adjusts_a_hand_computed_family_in_the_given_order():
    # sorted 0.01, 0.02, 0.03, 0.04, 0.20 (m = 5): times 5, 4, 3, 2, 1 gives
    # 0.05, 0.08, 0.09, 0.08, 0.20; running maximum 0.05, 0.08, 0.09, 0.09, 0.20
    p = [0.03, 0.20, 0.01, 0.04, 0.02]
    assert _common.holm(p) == pytest.approx([0.09, 0.20, 0.05, 0.09, 0.08])
    # one test is its own family; a product above 1 is capped at 1
    assert _common.holm([0.3]) == pytest.approx([0.3])
    assert _common.holm([0.6, 0.7]) == pytest.approx([1.0, 1.0])
    # "significant on 1 of 5" at p = 0.02 does not survive five tests
    assert _common.holm([0.02, 0.3, 0.5, 0.6, 0.9])[0] == pytest.approx(0.10)


def test_a_family_of_mcnemar_tests_carries_holms_adjusted_p_values():
    # pair 1: 10 images only the first gets right, none only the second: p = 2 / 2**10;
    # pair 2: one each way: p = 1. Holm: 2 × 2 / 2**10 for the smaller, then max(., 1) = 1
    a1, b1 = np.array([True] * 10 + [False] * 5), np.array([False] * 10 + [False] * 5)
    a2, b2 = np.array([True, False, True]), np.array([False, True, True])
    first, second = _common.mcnemar_family([(a1, b1), (a2, b2)])
    assert (first["only_first"], first["only_second"]) == (10, 0)
    assert first["p_value"] == pytest.approx(2 / 2**10)
    assert first["p_holm"] == pytest.approx(4 / 2**10)
    assert (second["p_value"], second["p_holm"]) == (pytest.approx(1.0), pytest.approx(1.0))


@pytest.mark.parametrize("bad", [[], [0.1, 1.2], [-0.1], [[0.1, 0.2]], [float("nan")]])
def test_holm_refuses_what_is_not_a_family_of_p_values(bad):
    with pytest.raises(ValueError, match="p_values"):
        _common.holm(bad)


def test_budget_group_equals_each_run_trained_alone_and_marks_divergence(monkeypatch):
    import _runge_no_early_stopping as ne
    from _regression import regressor, runge_splits, true_mse

    # GD at η = 1000 diverges; the others must equal ffnn.train of each network alone
    monkeypatch.setattr(ne, "UPDATES", 40)
    monkeypatch.setitem(ne.BUDGET, "GD (full batch)", (None, [0.1, 1000.0]))
    monkeypatch.setitem(ne.BUDGET, "Adam (batches of 20)", (20, [0.01]))
    d = runge_splits(draw=1)
    (x, y), (xv, yv), (xt, yt) = (d["scaled"][p] for p in ("train", "val", "test"))
    for name, opt, batch, epochs in (("GD (full batch)", ffnn.GradientDescent, None, 40),
                                     ("Adam (batches of 20)", ffnn.Adam, 20, 8)):
        r = ne.budget_group(name, 1)
        lrs = ne.BUDGET[name][1]
        assert r["val_mse"].shape == (len(lrs), ne.BUDGET_SEEDS)
        for i, lr in enumerate(lrs):
            for s in range(ne.BUDGET_SEEDS):
                if lr == 1000.0:
                    assert np.isnan(r["val_mse"][i, s]) and np.isnan(r["test_mse_true"][i, s])
                    continue
                net = regressor([50], "sigmoid", "xavier", s)
                ffnn.train(net, x, y, opt(lr), epochs=epochs, batch_size=batch, seed=s,
                           progress=False)
                np.testing.assert_allclose(r["val_mse"][i, s], mse(net.predict(xv), yv),
                                           rtol=1e-9)
                np.testing.assert_allclose(r["test_mse"][i, s], mse(net.predict(xt), yt),
                                           rtol=1e-9)
                np.testing.assert_allclose(r["test_mse_true"][i, s],
                                           true_mse(net.predict(xt), d["test"][0]), rtol=1e-9)


def test_learning_curves_count_updates_per_epoch_by_hand():
    from plots.sensitivity import updates_per_epoch
    # 1077 training digits in batches of 32: 33 full batches and one of 21
    assert updates_per_epoch(32, 1077) == 34
    assert updates_per_epoch(20, 100) == 5
    assert updates_per_epoch("full", 1077) == 1
