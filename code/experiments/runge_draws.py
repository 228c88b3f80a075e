"""Project 2, parts b and e: the Runge comparison repeated over draws of the data.

Every other Runge study uses one draw of training, validation and test points
(``_regression.runge_splits``, draw 0), so its spread over seeds leaves out
the data.  Here DRAWS draws of the three parts (draw 0 and DRAWS - 1 new ones)
are each fitted by

* the network 1 → 50 → 50 → 1 (sigmoid, Xavier, Adam on mini-batches of
  BATCH_SIZE, early-stopped on validation), η chosen on that draw's validation
  MSE from LEARNING_RATES (mean over SEEDS seeds); a draw's η × seeds train in
  lockstep (``_fit.fit_many``);
* OLS on polynomial features, degree chosen on validation (``ols_by_degree``);
* Ridge, (degree, α) chosen on validation over DEGREES × RIDGE_ALPHAS;
* Lasso by LARS (an exact solver: no iteration limit to reach), (degree, α)
  chosen on validation over LASSO_DEGREES × LASSO_ALPHAS; the relative duality
  gap of every chosen fit is recorded.

The models are compared by paired differences of the test MSE against f over
the draws.  On draw 0 the fitted curves on a fine grid of x are stored for the
figure.  Second, the optimisers at an equal number of updates (UPDATES) on
draw 0: full-batch GD and Adam, mini-batch SGD and Adam, 1 → 50 → 1, η chosen
on validation, no early stopping (the last iterate is scored).  Third, part d
without early stopping: the large networks of OVERFIT trained for
OVERFIT_EPOCHS epochs on draw 0, their training and test MSE recorded every
OVERFIT_EVERY epochs.
Writes results/runge_draws.json.
"""

import time
import warnings

import numpy as np
from _common import run_parallel, save_json
from _fit import fit_many, mse, over_seeds
from _regression import (DEGREES, N_TRAIN, NOISE, duality_gap, ols_by_degree, polynomial,
                         regressor, runge_splits, true_mse)
from scipy.linalg import LinAlgWarning
from sklearn.exceptions import ConvergenceWarning

import ffnn

DRAWS = 20
SEEDS = 3
HIDDEN = [50, 50]
BATCH_SIZE = 20
MAX_EPOCHS, CHECK_EVERY, PATIENCE = 500, 10, 60
LEARNING_RATES = [0.003, 0.01, 0.03]
RIDGE_ALPHAS = list(np.logspace(-8, 2, 11))
LASSO_DEGREES = [4, 6, 8, 10, 12]
LASSO_ALPHAS = list(np.logspace(-6, -1, 11))
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


def network(draw, grid=False):
    """One draw: every η of LEARNING_RATES × every seed, in lockstep (``_fit.fit_many``)."""
    data = runge_splits(draw=draw)
    d = data["scaled"]
    (x, y), (xv, yv), (xt, _) = d["train"], d["val"], d["test"]
    keys = [(lr, s) for lr in LEARNING_RATES for s in range(SEEDS)]
    nets = [regressor(HIDDEN, "sigmoid", "xavier", s) for _, s in keys]
    hs = fit_many(nets, x, y, xv, yv, [ffnn.Adam(lr) for lr, _ in keys], max_epochs=MAX_EPOCHS,
                  batch_size=BATCH_SIZE, seeds=[s for _, s in keys], check_every=CHECK_EVERY,
                  patience=PATIENCE)
    out = []
    for net, h in zip(nets, hs):
        r = {"val_mse": mse(net.predict(xv), yv),
             "test_mse_true": true_mse(net.predict(xt), data["test"][0]),
             "best_epoch": h["best_epoch"], "epochs_run": h["epochs_run"]}
        if grid:
            mean, std = data["train"][0].mean(), data["train"][0].std()
            r["curve"] = net.predict((GRID - mean) / std).ravel()
        out.append(r)
    return out


def val_mse(model, data):
    xv, yv = data["val"]
    return float(np.mean((model.predict(xv) - yv.ravel()) ** 2))


def choose(data, kind, degrees, alphas):
    """(degree, α) with the smallest validation MSE; its model and the grid's MSE."""
    x, y = data["train"]
    val = np.array([[val_mse(polynomial(p, kind, a).fit(x, y.ravel()), data) for a in alphas]
                    for p in degrees])
    i, j = np.unravel_index(np.argmin(val), val.shape)
    model = polynomial(degrees[i], kind, alphas[j]).fit(x, y.ravel())
    return model, {"degree": degrees[i], "alpha": alphas[j], "alpha_index": int(j),
                   "degree_index": int(i), "val_mse_grid": val}


def linear(draw):
    data = runge_splits(draw=draw)
    x, y = data["train"]
    xt = data["test"][0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LinAlgWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        ols = ols_by_degree(data)
        ols_model = polynomial(ols["degree"]).fit(x, y.ravel())
        ridge, r = choose(data, "ridge", DEGREES, RIDGE_ALPHAS)
        lasso, las = choose(data, "lasso_lars", LASSO_DEGREES, LASSO_ALPHAS)
    w = lasso[-1].coef_
    resid = y.ravel() - lasso.predict(x)
    objective = resid @ resid / (2 * len(resid)) + las["alpha"] * np.sum(np.abs(w))
    las["relative_duality_gap"] = float(
        duality_gap(lasso[:-1].transform(x), resid, y.ravel(), w, las["alpha"]) / objective)
    las["n_zero"] = int(np.sum(w == 0))
    out = {}
    for name, model, info in (("OLS", ols_model, {"degree": ols["degree"]}),
                              ("Ridge", ridge, r), ("Lasso", lasso, las)):
        out[name] = {**info, "val_mse": val_mse(model, data),
                     "test_mse_true": true_mse(model.predict(xt), xt),
                     "curve": model.predict(GRID)}
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
    jobs = [dict(draw=k, grid=(k == 0)) for k in range(DRAWS)]
    out = [r for rows in run_parallel(network, jobs) for r in rows]
    val = np.array([r["val_mse"] for r in out]).reshape(DRAWS, len(LEARNING_RATES), SEEDS)
    test = np.array([r["test_mse_true"] for r in out]).reshape(val.shape)
    best = np.argmin(val.mean(axis=2), axis=1)
    net_test = test[np.arange(DRAWS), best].mean(axis=1)  # mean over seeds, per draw
    k0 = int(best[0])
    curve = np.mean([r["curve"] for r in out[k0 * SEEDS:(k0 + 1) * SEEDS]], axis=0)
    lin = [linear(k) for k in range(DRAWS)]
    models = {"network": net_test}
    models.update({m: np.array([d[m]["test_mse_true"] for d in lin])
                   for m in ("OLS", "Ridge", "Lasso")})
    paired = {}
    for m in ("OLS", "Ridge", "Lasso"):
        diff = models[m] - models["network"]
        paired[m] = {"difference": over_seeds(diff), "log10_ratio": over_seeds(
            np.log10(models[m] / models["network"])), "network_better": int(np.sum(diff > 0))}

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
        "network": {"architecture": "1 → 50 → 50 → 1 sigmoid", "initialization": "xavier",
                    "optimizer": "Adam", "batch_size": BATCH_SIZE, "max_epochs": MAX_EPOCHS,
                    "learning_rates": LEARNING_RATES,
                    "chosen_learning_rate": [LEARNING_RATES[b] for b in best],
                    "val_mse": val, "test_mse_true_grid": test},
        "test_mse_true": models, "paired": paired,
        "linear": [{m: {k: v for k, v in d[m].items() if k != "curve"} for m in d} for d in lin],
        "lasso": {"degrees": LASSO_DEGREES, "alphas": LASSO_ALPHAS, "solver": "LARS (LassoLars)"},
        "ridge": {"degrees": DEGREES, "alphas": RIDGE_ALPHAS},
        "curves": {"x": GRID.ravel(), "network": curve,
                   **{m: lin[0][m]["curve"] for m in ("OLS", "Ridge", "Lasso")},
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
    for m, p in paired.items():
        print(f"runge_draws: {m} − network {p['difference']['mean'] * 1e3:.2f} ± "
              f"{p['difference']['std'] * 1e3:.2f} × 10^-3, network better in "
              f"{p['network_better']}/{DRAWS}")
    print("runge_draws: lasso", [(d["Lasso"]["degree"], d["Lasso"]["alpha"],
                                  d["Lasso"]["relative_duality_gap"]) for d in lin])
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
