"""The network of the Runge study trained without early stopping on draw 0 of the data.

* ``equal_updates``: the optimisers at an equal number of updates (UPDATES):
  full-batch GD and Adam, mini-batch SGD and Adam, 1 → 50 → 1 sigmoid with
  LeCun's weights, η chosen on the mean validation MSE of the last iterate
  over BUDGET_SEEDS seeds;
* ``overfitting`` (part d): the large networks of OVERFIT trained for
  OVERFIT_EPOCHS epochs, their training and test MSE recorded every
  OVERFIT_EVERY epochs.
"""

import warnings

import numpy as np
from _common import run_parallel
from _fit import mse, over_seeds
from _regression import N_TRAIN, regressor, runge_splits, true_mse
from runge_optimizers import BATCH_SIZE

import ffnn

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


def budget_run(name, lr, seed):
    """Validation and test MSE of the last iterate after UPDATES updates of BUDGET[name]."""
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


def equal_updates():
    """Per optimiser of BUDGET: the η chosen on validation (a diverged seed rules η out),
    its test and validation MSE over seeds."""
    jobs = [dict(name=n, lr=lr, seed=s) for n, (_, lrs) in BUDGET.items() for lr in lrs
            for s in range(BUDGET_SEEDS)]
    out = run_parallel(budget_run, jobs)
    budget, pos = {}, 0
    for n, (batch, lrs) in BUDGET.items():
        rows = out[pos:pos + len(lrs) * BUDGET_SEEDS]
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
    return budget


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


def overfitting():
    """Per network of OVERFIT: its training and test curves, mean ± std over seeds."""
    out = run_parallel(overfit_run, [dict(name=n, seed=k) for n in OVERFIT
                                     for k in range(OVERFIT_SEEDS)])
    return {n: {k: over_seeds([r[k] for r in out[i * OVERFIT_SEEDS:(i + 1) * OVERFIT_SEEDS]],
                              axis=0)
                for k in ("train", "test", "test_true")} for i, n in enumerate(OVERFIT)}
