"""Project 2, parts b and e: the Runge comparison repeated over draws of the data.

Every other Runge study uses one draw of training, validation and test points
(``_regression.runge_splits``, draw 0), so its spread over seeds leaves out
the data.  Here DRAWS draws of the three parts (draw 0 and DRAWS - 1 new ones)
are each fitted by

* the network that validation chose on draw 0 in ``runge_optimizers``
  (1 → 50 → 1, sigmoid, LeCun's weights, Adam on mini-batches of BATCH_SIZE,
  early-stopped on validation), η chosen on each draw's validation MSE (mean
  over SEEDS seeds) from that study's grid for Adam; every draw × η × seed
  trains in lockstep (``_fit.fit_many``);
* scikit-learn's MLPRegressor with the same architecture, activation,
  optimiser, batch size, epochs, no penalty (alpha = 0) and the same early
  stopping (``_fit.fit_partial``), at the network's η of each draw, its own
  (Glorot) initial weights, SEEDS seeds;
* OLS, Ridge and Lasso on the same polynomial features, each with (degree, α)
  chosen on validation over the same degrees DEGREES (OLS: degree only);
  Ridge over RIDGE_ALPHAS from one SVD per degree, Lasso over LASSO_ALPHAS
  from one LARS path per degree (``ridge_path``, ``lasso_path``); the
  relative duality gap of every chosen Lasso fit is recorded.

* the same network with an L2 or an L1 penalty (part e): (η, λ) chosen on
  each draw's validation MSE over PENALTY_LRS × LAMBDAS (part of ``penalties``'
  grid; λ = 0 is the network above at those η), all in lockstep; their early
  stopping reads the penalised validation cost (``fit_many(penalised=True)``).

The models are compared by paired differences of the test MSE against f over
the draws, network minus model; "best linear" is, per draw, the one of OLS,
Ridge and Lasso with the smallest validation MSE.  On draw 0 the fitted curves
on a fine grid of x are stored for the figure.  Second, the optimisers at an
equal number of updates (UPDATES) on draw 0: full-batch GD and Adam,
mini-batch SGD and Adam, 1 → 50 → 1, η chosen on validation, no early
stopping (the last iterate is scored).  Third, part d without early stopping:
the large networks of OVERFIT trained for OVERFIT_EPOCHS epochs on draw 0,
their training and test MSE recorded every OVERFIT_EVERY epochs.
Writes results/runge_draws.json.
"""

import time
import warnings

import numpy as np
from _common import run_parallel, save_json
from _fit import fit_many, fit_partial, mse, over_seeds
from _regression import (DEGREES, N_TRAIN, NOISE, duality_gap, features, lasso_path, regressor,
                         ridge_path, runge_splits, true_mse)
from penalties import PENALTIES
from runge_optimizers import BATCH_SIZE, CHECK_EVERY, OPTIMIZERS, PATIENCE
from scipy.linalg import LinAlgWarning
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression
from sklearn.neural_network import MLPRegressor

import ffnn

DRAWS = 20
SEEDS = 3
HIDDEN = [50]  # with Adam and LeCun's weights: runge_optimizers' choice on validation
MAX_EPOCHS = OPTIMIZERS["Adam"]["max_epochs"]
LEARNING_RATES = OPTIMIZERS["Adam"]["learning_rates"]
RIDGE_ALPHAS = list(np.logspace(-8, 2, 11))
LASSO_ALPHAS = list(np.logspace(-6, -1, 11))
LINEAR = ("OLS", "Ridge", "Lasso")
# part e over draws: the part of penalties' grid where its choices and its threshold lie
# (λ = 0 is the plain network at these η)
PENALTY_LRS, LAMBDAS = [0.01, 0.1], [0.0, 1e-5, 1e-4, 1e-3]
GRID = np.linspace(-1, 1, 401).reshape(-1, 1)

UPDATES = 2000
BUDGET = {  # optimiser: (batch size, learning rates); epochs = UPDATES × batch / N_TRAIN
    "GD (full batch)": (None, [0.01, 0.03, 0.1, 0.3, 1.0]),
    "Adam (full batch)": (None, [0.001, 0.003, 0.01, 0.03, 0.1]),
    "SGD (batches of 20)": (20, [0.01, 0.03, 0.1, 0.3, 1.0]),
    "Adam (batches of 20)": (20, [0.001, 0.003, 0.01, 0.03, 0.1]),
}
BUDGET_SEEDS = 3

OVERFIT = {"3 × 200 ReLU (He)": ("relu", "he", [200] * 3),
           "2 × 100 sigmoid (LeCun)": ("sigmoid", "xavier", [100] * 2)}
OVERFIT_EPOCHS, OVERFIT_EVERY, OVERFIT_LR, OVERFIT_SEEDS = 600, 50, 0.01, 3


def network(draws):
    """Every draw of ``draws`` × η of LEARNING_RATES × seed, in lockstep (``_fit.fit_many``)."""
    keys = [(k, lr, s) for k in draws for lr in LEARNING_RATES for s in range(SEEDS)]
    data = {k: runge_splits(draw=k) for k in draws}

    def stack(part, i):
        return np.stack([data[k]["scaled"][part][i] for k, _, _ in keys])

    nets = [regressor(HIDDEN, "sigmoid", "xavier", s) for _, _, s in keys]
    hs = fit_many(nets, stack("train", 0), stack("train", 1), stack("val", 0), stack("val", 1),
                  [ffnn.Adam(lr) for _, lr, _ in keys], max_epochs=MAX_EPOCHS,
                  batch_size=BATCH_SIZE, seeds=[s for _, _, s in keys],
                  check_every=CHECK_EVERY, patience=PATIENCE)
    out = []
    for (k, _, _), net, h in zip(keys, nets, hs):
        d = data[k]
        r = {"val_mse": mse(net.predict(d["scaled"]["val"][0]), d["val"][1]),
             "test_mse_true": true_mse(net.predict(d["scaled"]["test"][0]), d["test"][0]),
             "best_epoch": h["best_epoch"]}
        if k == 0:
            mean, std = d["train"][0].mean(), d["train"][0].std()
            r["curve"] = net.predict((GRID - mean) / std).ravel()
        out.append(r)
    return out


def penalised(draws):
    """The L2 and L1 networks: every draw × penalty × λ > 0 × η of PENALTY_LRS × seed."""
    keys = [(k, p, lam, lr, s) for k in draws for p in PENALTIES for lam in LAMBDAS[1:]
            for lr in PENALTY_LRS for s in range(SEEDS)]
    data = {k: runge_splits(draw=k) for k in draws}

    def stack(part, i):
        return np.stack([data[key[0]]["scaled"][part][i] for key in keys])

    nets = [regressor(HIDDEN, "sigmoid", "xavier", s, **{p: lam}) for _, p, lam, _, s in keys]
    fit_many(nets, stack("train", 0), stack("train", 1), stack("val", 0), stack("val", 1),
             [ffnn.Adam(key[3]) for key in keys], max_epochs=MAX_EPOCHS, batch_size=BATCH_SIZE,
             seeds=[key[4] for key in keys], check_every=CHECK_EVERY, patience=PATIENCE,
             penalised=True)
    return [{"val_mse": mse(net.predict(data[k]["scaled"]["val"][0]), data[k]["val"][1]),
             "test_mse_true": true_mse(net.predict(data[k]["scaled"]["test"][0]),
                                       data[k]["test"][0])}
            for (k, *_), net in zip(keys, nets)]


def penalty_summary(out, val, test):
    """Per draw and penalty: (η, λ) chosen on validation (λ = 0 from the plain network's
    runs at PENALTY_LRS) and its test MSE; per λ, the best η's test MSE per draw."""
    shape = (DRAWS, len(PENALTIES), len(LAMBDAS) - 1, len(PENALTY_LRS), SEEDS)
    pv = np.array([r["val_mse"] for r in out]).reshape(shape)
    pt = np.array([r["test_mse_true"] for r in out]).reshape(shape)
    at = [LEARNING_RATES.index(lr) for lr in PENALTY_LRS]
    v0 = np.repeat(val[:, None, None, at], len(PENALTIES), axis=1)  # λ = 0
    t0 = np.repeat(test[:, None, None, at], len(PENALTIES), axis=1)
    v = np.concatenate([v0, pv], axis=2).mean(axis=-1)  # (draws, penalties, λ, η)
    t = np.concatenate([t0, pt], axis=2).mean(axis=-1)
    best_lr = np.argmin(v, axis=-1)  # per λ
    per_lambda = np.take_along_axis(t, best_lr[..., None], axis=-1)[..., 0]  # (draws, pen, λ)
    flat = v.reshape(DRAWS, len(PENALTIES), -1).argmin(axis=-1)
    li, ei = np.unravel_index(flat, v.shape[2:])
    chosen = t.reshape(DRAWS, len(PENALTIES), -1)[
        np.arange(DRAWS)[:, None], np.arange(len(PENALTIES)), flat]
    out = {}
    for j, p in enumerate(PENALTIES):
        minus_0 = per_lambda[:, j, 1:] - per_lambda[:, j, :1]
        out[p] = {"test_mse_true": chosen[:, j],
                  "lambda": [LAMBDAS[i] for i in li[:, j]],
                  "learning_rate": [PENALTY_LRS[i] for i in ei[:, j]],
                  "per_lambda_test_mse_true": per_lambda[:, j],
                  "per_lambda_minus_no_penalty": {
                      "lambdas": LAMBDAS[1:], **over_seeds(minus_0, axis=0),
                      "worse": np.sum(minus_0 > 0, axis=0)}}
    return out


def mlp(draw, lr, seed):
    """scikit-learn's MLPRegressor with the network's settings, early-stopped alike."""
    d = runge_splits(draw=draw)
    (x, y), (xv, yv), (xt, _) = (d["scaled"][p] for p in ("train", "val", "test"))
    model = MLPRegressor(hidden_layer_sizes=tuple(HIDDEN), activation="logistic", solver="adam",
                         learning_rate_init=lr, batch_size=BATCH_SIZE, alpha=0.0, shuffle=True,
                         random_state=np.random.RandomState(seed))
    h = fit_partial(model, x, y.ravel(), xv, yv, max_epochs=MAX_EPOCHS,
                    check_every=CHECK_EVERY, patience=PATIENCE)
    return {"test_mse_true": true_mse(model.predict(xt), d["test"][0]),
            "best_epoch": h["best_epoch"]}


def linear(draw):
    """OLS, Ridge and Lasso, each with (degree, α) chosen on validation over the same degrees."""
    data = runge_splits(draw=draw)
    (x, y), (xv, yv), (xt, _) = data["train"], data["val"], data["test"]
    y = y.ravel()

    def ols(X, y, alphas):
        m = LinearRegression().fit(X, y)
        return m.coef_[None], np.array([m.intercept_])

    solvers = {"OLS": (ols, [0.0]), "Ridge": (ridge_path, RIDGE_ALPHAS),
               "Lasso": (lasso_path, LASSO_ALPHAS)}
    fits = {m: [] for m in LINEAR}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LinAlgWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        for p in DEGREES:
            f = features(p).fit(x)
            X, Xv = f.transform(x), f.transform(xv)
            for m, (solve, alphas) in solvers.items():
                W, b = solve(X, y, alphas)
                fits[m].append((f, W, b, np.mean((Xv @ W.T + b - yv) ** 2, axis=0)))
    out = {}
    for m, (_, alphas) in solvers.items():
        val = np.array([v for *_, v in fits[m]])  # (degrees, alphas)
        i, j = np.unravel_index(np.argmin(val), val.shape)
        f, W, b, _ = fits[m][i]
        w, b = W[j], b[j]
        out[m] = {"degree": DEGREES[i], "alpha": alphas[j], "alpha_index": int(j),
                  "val_mse": float(val[i, j]),
                  "test_mse_true": true_mse(f.transform(xt) @ w + b, xt),
                  "curve": f.transform(GRID) @ w + b}
        if m == "Lasso":
            X = f.transform(x)
            resid = y - X @ w - b
            objective = resid @ resid / (2 * len(y)) + alphas[j] * np.sum(np.abs(w))
            out[m]["relative_duality_gap"] = float(
                duality_gap(X, resid, y, w, alphas[j]) / objective)
            out[m]["n_zero"] = int(np.sum(w == 0))
    return out


def budget_run(name, lr, seed):
    d = runge_splits()["scaled"]
    (x, y), (xv, yv), (xt, _) = d["train"], d["val"], d["test"]
    batch, _ = BUDGET[name]
    epochs = UPDATES * (batch or N_TRAIN) // N_TRAIN
    opt = (ffnn.Adam if name.startswith("Adam") else ffnn.GradientDescent)(lr)
    net = regressor([50], "sigmoid", "xavier", seed)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            ffnn.train(net, x, y, opt, epochs=epochs, batch_size=batch, seed=seed,
                       progress=False)
        val = mse(net.predict(xv), yv)
        test = true_mse(net.predict(xt), runge_splits()["test"][0])
    except ffnn.DivergenceError:
        val = test = float("nan")
    return {"val_mse": val if np.isfinite(val) else float("nan"),
            "test_mse_true": test if np.isfinite(test) else float("nan"), "epochs": epochs}


def overfit_run(name, seed):
    """Training and test MSE (against the noisy targets and f) every OVERFIT_EVERY epochs."""
    d = runge_splits()["scaled"]
    (x, y), (xt, yt) = d["train"], d["test"]
    activation, init, hidden = OVERFIT[name]
    net = regressor(hidden, activation, init, seed)
    opt, rng = ffnn.Adam(OVERFIT_LR), np.random.default_rng(seed)
    curves = {"train": [], "test": [], "test_true": []}
    for _ in range(OVERFIT_EPOCHS // OVERFIT_EVERY):
        ffnn.train(net, x, y, opt, epochs=OVERFIT_EVERY, batch_size=BATCH_SIZE, seed=rng,
                   progress=False)
        curves["train"].append(mse(net.predict(x), y))
        curves["test"].append(mse(net.predict(xt), yt))
        curves["test_true"].append(true_mse(net.predict(xt), runge_splits()["test"][0]))
    return curves


def main():
    start = time.perf_counter()
    half = DRAWS // 2
    out = [r for rows in run_parallel(network, [dict(draws=range(half)),
                                                dict(draws=range(half, DRAWS))]) for r in rows]
    val = np.array([r["val_mse"] for r in out]).reshape(DRAWS, len(LEARNING_RATES), SEEDS)
    test = np.array([r["test_mse_true"] for r in out]).reshape(val.shape)
    best = np.argmin(val.mean(axis=2), axis=1)
    net_test = test[np.arange(DRAWS), best].mean(axis=1)  # mean over seeds, per draw
    k0 = int(best[0])
    curve = np.mean([r["curve"] for r in out[k0 * SEEDS:(k0 + 1) * SEEDS]], axis=0)
    pout = [r for rows in run_parallel(penalised, [dict(draws=range(half)),
                                                   dict(draws=range(half, DRAWS))])
            for r in rows]
    pen = penalty_summary(pout, val, test)
    mjobs = [dict(draw=k, lr=LEARNING_RATES[best[k]], seed=s) for k in range(DRAWS)
             for s in range(SEEDS)]
    mout = run_parallel(mlp, mjobs)
    mlp_test = np.array([r["test_mse_true"] for r in mout]).reshape(DRAWS, SEEDS)
    lin = run_parallel(linear, [dict(draw=k) for k in range(DRAWS)])
    models = {"network": net_test, "MLPRegressor": mlp_test.mean(axis=1)}
    models.update({m: np.array([d[m]["test_mse_true"] for d in lin]) for m in LINEAR})
    models.update({f"{p.upper()} network": pen[p]["test_mse_true"] for p in PENALTIES})
    chosen = [min(LINEAR, key=lambda m: d[m]["val_mse"]) for d in lin]
    models["best linear"] = np.array([d[m]["test_mse_true"] for d, m in zip(lin, chosen)])
    paired = {}  # model − network, as before
    for m in LINEAR:
        diff = models[m] - models["network"]
        paired[m] = {"difference": over_seeds(diff), "log10_ratio": over_seeds(
            np.log10(models[m] / models["network"])), "network_better": int(np.sum(diff > 0))}
    network_minus = {m: {"difference": over_seeds(models["network"] - models[m]),
                         "median": float(np.median(models["network"] - models[m])),
                         "network_better": int(np.sum(models["network"] < models[m]))}
                     for m in models if m != "network"}
    pairs = {f"{a} − {b}": {"difference": over_seeds(models[a] - models[b]),
                            "first_better": int(np.sum(models[a] < models[b]))}
             for a, b in (("L2 network", "Ridge"), ("L1 network", "Lasso"))}

    bjobs = [dict(name=n, lr=lr, seed=s) for n, (_, lrs) in BUDGET.items() for lr in lrs
             for s in range(BUDGET_SEEDS)]
    bout = run_parallel(budget_run, bjobs)
    budget, pos = {}, 0
    for n, (batch, lrs) in BUDGET.items():
        rows = bout[pos:pos + len(lrs) * BUDGET_SEEDS]
        pos += len(rows)
        v = np.array([r["val_mse"] for r in rows]).reshape(len(lrs), BUDGET_SEEDS)
        t = np.array([r["test_mse_true"] for r in rows]).reshape(v.shape)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            vm = np.nanmean(v, axis=1)
        i = int(np.nanargmin(np.where(np.isnan(v).any(axis=1), np.inf, vm)))
        budget[n] = {"batch_size": batch or N_TRAIN, "epochs": rows[0]["epochs"],
                     "learning_rates": lrs, "learning_rate": lrs[i], "lr_index": i,
                     "test_mse_true": over_seeds(t[i]), "val_mse": over_seeds(v[i])}

    ojobs = [dict(name=n, seed=k) for n in OVERFIT for k in range(OVERFIT_SEEDS)]
    oout = run_parallel(overfit_run, ojobs)
    overfit = {n: {k: over_seeds([r[k] for r in oout[i * OVERFIT_SEEDS:(i + 1) * OVERFIT_SEEDS]],
                                 axis=0)
                   for k in ("train", "test", "test_true")} for i, n in enumerate(OVERFIT)}

    save_json("runge_draws", {
        "draws": DRAWS, "seeds": SEEDS, "noise": NOISE,
        "network": {"architecture": f"1 → {' → '.join(map(str, HIDDEN))} → 1",
                    "activation": "sigmoid", "initialization": "xavier",
                    "optimizer": "Adam", "batch_size": BATCH_SIZE, "max_epochs": MAX_EPOCHS,
                    "check_every": CHECK_EVERY, "patience": PATIENCE,
                    "learning_rates": LEARNING_RATES,
                    "chosen_learning_rate": [LEARNING_RATES[b] for b in best],
                    "val_mse": val, "test_mse_true_grid": test},
        "penalised": {"learning_rates": PENALTY_LRS, "lambdas": LAMBDAS,
                      "early_stopping": "validation cost with the penalty", **pen},
        "mlp": {"estimator": "sklearn MLPRegressor", "alpha": 0.0,
                "learning_rate": "the network's, per draw", "test_mse_true": mlp_test},
        "test_mse_true": models, "paired": paired, "network_minus": network_minus,
        "penalty_pairs": pairs,
        "best_linear": chosen,
        "linear": [{m: {k: v for k, v in d[m].items() if k != "curve"} for m in d} for d in lin],
        "degrees": DEGREES,
        "lasso": {"degrees": DEGREES, "alphas": LASSO_ALPHAS,
                  "solver": "LARS path (LassoLars), interpolated at each α"},
        "ridge": {"degrees": DEGREES, "alphas": RIDGE_ALPHAS, "solver": "SVD"},
        "curves": {"x": GRID.ravel(), "network": curve,
                   **{m: lin[0][m]["curve"] for m in LINEAR},
                   "train": runge_splits()["train"]},
        "budget": {"updates": UPDATES, "architecture": "1 → 50 → 1 sigmoid, Xavier",
                   "seeds": BUDGET_SEEDS, "results": budget,
                   "chosen_by": "η: smallest mean validation MSE of the last iterate"},
        "overfit": {"epochs": list(range(OVERFIT_EVERY, OVERFIT_EPOCHS + 1, OVERFIT_EVERY)),
                    "learning_rate": OVERFIT_LR, "batch_size": BATCH_SIZE,
                    "seeds": OVERFIT_SEEDS, "results": overfit},
        "seconds": time.perf_counter() - start,
    })
    for m, v in models.items():
        print(f"runge_draws: {m:8s} test MSE vs f {np.mean(v) * 1e3:.2f} ± "
              f"{np.std(v, ddof=1) * 1e3:.2f} × 10^-3 over {DRAWS} draws")
    for m, p in pairs.items():
        print(f"runge_draws: {m} {p['difference']['mean'] * 1e3:.2f} ± "
              f"{p['difference']['std'] * 1e3:.2f}, first better {p['first_better']}")
    for m, p in network_minus.items():
        print(f"runge_draws: network − {m} {p['difference']['mean'] * 1e3:.2f} ± "
              f"{p['difference']['std'] * 1e3:.2f} × 10^-3, network better in "
              f"{p['network_better']}/{DRAWS}")
    print("runge_draws: η", [LEARNING_RATES[b] for b in best], "best linear", chosen)
    for p in PENALTIES:
        q = pen[p]["per_lambda_minus_no_penalty"]
        print(f"runge_draws: {p} λ chosen {pen[p]['lambda']}; per λ − λ=0 (× 10^-3): "
              + ", ".join(f"{lam:g}: {m * 1e3:.2f} ± {sd * 1e3:.2f} ({w} worse)" for lam, m, sd, w
                          in zip(q["lambdas"], q["mean"], q["std"], q["worse"])))
    for m in LINEAR:
        print(f"runge_draws: {m} (degree, α)", [(d[m]["degree"], f"{d[m]['alpha']:.0e}")
                                                 for d in lin])
    print("runge_draws: Lasso gaps", [f"{d['Lasso']['relative_duality_gap']:.0e}" for d in lin])
    for n, b in budget.items():
        print(f"runge_draws: {n}: η = {b['learning_rate']:g}, test MSE vs f "
              f"{b['test_mse_true']['mean'] * 1e3:.2f} ± {b['test_mse_true']['std'] * 1e3:.2f}")
    for n, o in overfit.items():
        print(f"runge_draws: {n}, no early stopping: train MSE "
              + " ".join(f"{v * 1e3:.1f}" for v in o["train"]["mean"][::4])
              + ", test " + " ".join(f"{v * 1e3:.1f}" for v in o["test"]["mean"][::4]))
    print(f"runge_draws: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
