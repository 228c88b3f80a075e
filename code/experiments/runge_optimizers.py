"""Project 2, part b: the Runge function with sigmoid networks, optimisers and initialisations.

Data: ``_regression.runge_splits`` (σ = 0.1; 100 training, 50 validation,
500 test points; x standardised with the training statistics).  Every network
is 1 → hidden (sigmoid) → 1 (identity) with the MSE cost, early-stopped on the
validation MSE, and trained from SEEDS seeds (initial weights and the order
of the mini-batches); the η × seeds of one setting train in lockstep
(``_fit.fit_many``, the choice of ``_fit.fit``), so a run's ``seconds`` is its
share of its group's CPU time.

1. The grid: ARCHITECTURES (1 and 2 hidden layers of 50 and 100 nodes) ×
   optimisers (plain full-batch GD, RMSprop and Adam on mini-batches of
   BATCH_SIZE) × their learning rates LEARNING_RATES × INITIALIZATIONS
   (N(0, 1) as in the exercises, and Xavier).  For each architecture,
   optimiser and initialisation the learning rate with the smallest mean
   validation MSE over the seeds is chosen.
2. OLS on polynomial features, degree chosen by validation MSE, on the same
   data and split.
Writes results/runge_optimizers.json.
"""

import time

import numpy as np
from _common import run_parallel, save_json
from _fit import fit_many, mse, over_seeds
from _regression import (N_TEST, N_TRAIN, N_VAL, NOISE, ols_by_degree, regressor, runge_splits,
                         true_mse)

import ffnn

SEEDS = 5
ARCHITECTURES = [[50], [100], [50, 50], [100, 100]]
INITIALIZATIONS = ["normal", "xavier"]
BATCH_SIZE = 20
OPTIMIZERS = {
    "GD": {"label": "plain GD (full batch)", "batch_size": None, "max_epochs": 1000,
           "learning_rates": [0.003, 0.01, 0.03, 0.1, 0.3]},
    "RMSprop": {"label": "RMSprop", "batch_size": BATCH_SIZE, "max_epochs": 500,
                "learning_rates": [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0]},
    "Adam": {"label": "Adam", "batch_size": BATCH_SIZE, "max_epochs": 500,
             "learning_rates": [1e-3, 1e-2, 1e-1, 1.0, 3.0]},
}
CHECK_EVERY = 10
PATIENCE = 60


def make_optimizer(name, lr):
    return {"GD": ffnn.GradientDescent, "RMSprop": ffnn.RMSprop, "Adam": ffnn.Adam}[name](lr)


def run(hidden, optimizer, lrs, initialization, seeds):
    """Early-stopped runs of every η of ``lrs`` × seed of ``seeds`` (in that order), in
    lockstep (``_fit.fit_many``): their train/val/test MSE, best epoch and time."""
    d = runge_splits()["scaled"]
    (x, y), (xv, yv), (xt, yt) = d["train"], d["val"], d["test"]
    spec = OPTIMIZERS[optimizer]
    keys = [(lr, s) for lr in lrs for s in seeds]
    nets = [regressor(hidden, "sigmoid", initialization, s) for _, s in keys]
    hs = fit_many(nets, x, y, xv, yv, [make_optimizer(optimizer, lr) for lr, _ in keys],
                  max_epochs=spec["max_epochs"], batch_size=spec["batch_size"],
                  seeds=[s for _, s in keys], check_every=CHECK_EVERY, patience=PATIENCE)
    out = []
    for net, h in zip(nets, hs):
        pt = net.predict(xt)
        out.append({"train_mse": mse(net.predict(x), y), "val_mse": mse(net.predict(xv), yv),
                    "test_mse": mse(pt, yt),
                    "test_mse_true": true_mse(pt, runge_splits()["test"][0]),
                    "best_epoch": h["best_epoch"], "diverged": h["diverged"],
                    "seconds": h["seconds"]})
    return out


KEYS = ("train_mse", "val_mse", "test_mse", "test_mse_true", "best_epoch", "seconds")


def summary(runs):
    """Mean, std and n over the seeds of each key in KEYS."""
    out = {k: over_seeds([r[k] for r in runs]) for k in KEYS}
    out["n_diverged"] = int(sum(r["diverged"] for r in runs))
    return out


def main():
    start = time.perf_counter()
    # one lockstep group per (architecture, optimiser, initialisation): its η × seeds
    grid = [dict(hidden=h, optimizer=o, lrs=OPTIMIZERS[o]["learning_rates"], initialization=i,
                 seeds=range(SEEDS)) for h in ARCHITECTURES for o in OPTIMIZERS
            for i in INITIALIZATIONS]
    grid.sort(key=lambda j: -sum(j["hidden"]))
    by_job = {}
    for job, rows in zip(grid, run_parallel(run, grid, n_jobs=2)):
        for k, lr in enumerate(job["lrs"]):
            key = (str(job["hidden"]), job["optimizer"], lr, job["initialization"])
            by_job[key] = rows[k * SEEDS:(k + 1) * SEEDS]

    results = {}
    for h in ARCHITECTURES:
        arch = f"1 → {' → '.join(map(str, h))} → 1"
        results[arch] = {}
        for o, spec in OPTIMIZERS.items():
            results[arch][o] = {}
            for i in INITIALIZATIONS:
                cells = [summary(by_job[(str(h), o, lr, i)]) for lr in spec["learning_rates"]]
                val = np.array([c["val_mse"]["mean"] for c in cells], dtype=float)
                best = int(np.nanargmin(np.where(np.isfinite(val), val, np.nan)))
                results[arch][o][i] = {"per_learning_rate": cells,
                                       "best_learning_rate": spec["learning_rates"][best],
                                       "best": cells[best]}

    data = runge_splits()
    ols = ols_by_degree(data)
    # the overall best network: smallest mean validation MSE over every cell of the grid
    cands = [(results[a][o][i]["best"]["val_mse"]["mean"], a, o, i)
             for a in results for o in OPTIMIZERS for i in INITIALIZATIONS]
    _, a, o, i = min(cands)
    best = results[a][o][i]
    save_json("runge_optimizers", {
        "data": {"noise": NOISE, "n_train": N_TRAIN, "n_val": N_VAL, "n_test": N_TEST,
                 "inputs": "x standardised with the training mean and std"},
        "settings": {
            "activation": "sigmoid", "output": "identity", "cost": "mse", "seeds": SEEDS,
            "architectures": [f"1 → {' → '.join(map(str, h))} → 1" for h in ARCHITECTURES],
            "initializations": INITIALIZATIONS, "optimizers": OPTIMIZERS,
            "early_stopping": {"check_every": CHECK_EVERY, "patience": PATIENCE,
                               "metric": "validation MSE"},
            "chosen_by": ("learning rate per (architecture, optimiser, initialisation): smallest "
                          "mean validation MSE over the seeds; parameters of each run: the "
                          "checkpoint with the smallest validation MSE (early stopping)"),
        },
        "grid": results,
        "best": {"architecture": a, "optimizer": o, "initialization": i,
                 "learning_rate": best["best_learning_rate"], **best["best"]},
        "ols": ols,
        "seconds": time.perf_counter() - start,
    })
    print(f"runge_optimizers: best network {a}, {o}, {i}, η = {best['best_learning_rate']:g}: "
          f"test MSE {best['best']['test_mse']['mean']:.4g} ± {best['best']['test_mse']['std']:.2g}"
          f" (vs f {best['best']['test_mse_true']['mean']:.3g}); OLS p = {ols['degree']}: "
          f"{ols['test_mse']:.4g} (vs f {ols['test_mse_true']:.3g})")
    for a in results:
        for o in OPTIMIZERS:
            for i in INITIALIZATIONS:
                r = results[a][o][i]
                print(f"  {a:22s} {o:8s} {i:7s} η = {r['best_learning_rate']:<6g} val "
                      f"{r['best']['val_mse']['mean']:.4f} test {r['best']['test_mse']['mean']:.4f}"
                      f" epoch {r['best']['best_epoch']['mean']:.0f}")
    print(f"runge_optimizers: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
