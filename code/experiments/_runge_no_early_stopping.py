"""The network of the Runge study trained without early stopping, over draws of the data.

* ``equal_updates``: the optimisers at an equal number of updates (UPDATES):
  full-batch GD and Adam, mini-batch SGD and Adam, 1 → 50 → 1 sigmoid with
  LeCun's weights, on BUDGET_DRAWS draws (``_regression.runge_splits``) ×
  BUDGET_SEEDS seeds; per draw η is chosen on the mean validation MSE of the
  last iterate over the seeds; the η × seeds of one draw and optimiser train
  in lockstep (``_fit.train_many_apart``);
* ``overfitting`` (part d): the large networks of OVERFIT trained for
  OVERFIT_EPOCHS epochs on OVERFIT_DRAWS draws (draw k with seed k), their
  training and test MSE recorded every OVERFIT_EVERY epochs.
"""

import warnings

import numpy as np
from _common import paired_difference, run_parallel
from _fit import mse, over_seeds, train_many_apart
from _regression import N_TRAIN, regressor, runge_splits, true_mse
from runge_optimizers import BATCH_SIZE

import ffnn

UPDATES = 2000
BUDGET = {  # optimiser: (batch size, learning rates); epochs = UPDATES × batch / N_TRAIN
    "GD (full batch)": (None, [0.01, 0.03, 0.1, 0.3, 1.0]),
    "Adam (full batch)": (None, [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0]),
    "SGD (batches of 20)": (20, [0.01, 0.03, 0.1, 0.3, 1.0]),
    "Adam (batches of 20)": (20, [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0]),
}
BUDGET_DRAWS, BUDGET_SEEDS = 5, 2
# (first − second) by draw: what the adaptive step, the mini-batches and both change
BUDGET_PAIRS = (("Adam (full batch)", "GD (full batch)"),
                ("SGD (batches of 20)", "GD (full batch)"),
                ("Adam (batches of 20)", "Adam (full batch)"))

OVERFIT = {"3 × 200 ReLU (He)": ("relu", "he", [200] * 3),
           "2 × 100 sigmoid (LeCun)": ("sigmoid", "xavier", [100] * 2)}
OVERFIT_EPOCHS, OVERFIT_EVERY, OVERFIT_LR, OVERFIT_DRAWS = 600, 50, 0.01, 5


def budget_group(name, draw):
    """Every η of BUDGET[name] × seed on ``draw``, UPDATES updates each, in lockstep: the
    last iterates' validation MSE and test MSE against y and f, shape (η, seeds); NaN
    for a run that diverged."""
    d = runge_splits(draw=draw)
    (x, y), (xv, yv), (xt, yt) = (d["scaled"][p] for p in ("train", "val", "test"))
    batch, lrs = BUDGET[name]
    keys = [(lr, s) for lr in lrs for s in range(BUDGET_SEEDS)]
    nets = [regressor([50], "sigmoid", "xavier", s) for _, s in keys]
    opt = ffnn.Adam if name.startswith("Adam") else ffnn.GradientDescent
    hs = train_many_apart(nets, x, y, [opt(lr) for lr, _ in keys], seeds=[s for _, s in keys],
                          epochs=UPDATES * (batch or N_TRAIN) // N_TRAIN, batch_size=batch)
    out = {"val_mse": [], "test_mse": [], "test_mse_true": []}
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        for net, h in zip(nets, hs):
            pv, pt = net.predict(xv), net.predict(xt)
            ok = h is not None and np.all(np.isfinite(pv)) and np.all(np.isfinite(pt))
            out["val_mse"].append(mse(pv, yv) if ok else np.nan)
            out["test_mse"].append(mse(pt, yt) if ok else np.nan)
            out["test_mse_true"].append(true_mse(pt, d["test"][0]) if ok else np.nan)
    return {k: np.reshape(v, (len(lrs), BUDGET_SEEDS)) for k, v in out.items()}


def equal_updates():
    """Per optimiser of BUDGET and draw: η chosen on validation (a diverged seed rules η
    out) and its test MSE (mean over seeds); over draws their mean ± std and, for
    BUDGET_PAIRS, paired differences by draw."""
    jobs = [dict(name=n, draw=k) for n in BUDGET for k in range(BUDGET_DRAWS)]
    out = run_parallel(budget_group, jobs)
    budget, per_draw, pos = {}, {}, 0
    for n, (batch, lrs) in BUDGET.items():
        rows, pos = out[pos:pos + BUDGET_DRAWS], pos + BUDGET_DRAWS
        chosen = [int(np.argmin(np.where(np.isnan(r["val_mse"]).any(axis=1), np.inf,
                                         r["val_mse"].mean(axis=1)))) for r in rows]
        at = {k: np.array([r[k][i].mean() for r, i in zip(rows, chosen)])
              for k in ("val_mse", "test_mse", "test_mse_true")}
        per_draw[n] = at["test_mse_true"]
        budget[n] = {"batch_size": batch or N_TRAIN, "epochs": UPDATES * (batch or N_TRAIN)
                     // N_TRAIN, "learning_rates": lrs,
                     "chosen_learning_rate": [lrs[i] for i in chosen], "lr_index": chosen,
                     **{k: {**over_seeds(v), "per_draw": v} for k, v in at.items()}}
    pairs = {f"{a} − {b}": paired_difference(per_draw[a], per_draw[b]) for a, b in BUDGET_PAIRS}
    return budget, pairs


def overfit_run(name, draw):
    """Training and test MSE (against the noisy targets and f) every OVERFIT_EVERY epochs,
    on ``draw`` from seed ``draw``."""
    data = runge_splits(draw=draw)
    (x, y), (xt, yt) = data["scaled"]["train"], data["scaled"]["test"]
    activation, init, hidden = OVERFIT[name]
    net = regressor(hidden, activation, init, draw)
    opt, rng = ffnn.Adam(OVERFIT_LR), np.random.default_rng(draw)
    curves = {"train": [], "test": [], "test_true": []}
    for _ in range(OVERFIT_EPOCHS // OVERFIT_EVERY):
        ffnn.train(net, x, y, opt, epochs=OVERFIT_EVERY, batch_size=BATCH_SIZE, seed=rng,
                   progress=False)
        curves["train"].append(mse(net.predict(x), y))
        curves["test"].append(mse(net.predict(xt), yt))
        curves["test_true"].append(true_mse(net.predict(xt), data["test"][0]))
    return curves


def overfitting():
    """Per network of OVERFIT: its training and test curves, mean ± std over draws."""
    out = run_parallel(overfit_run, [dict(name=n, draw=k) for n in OVERFIT
                                     for k in range(OVERFIT_DRAWS)])
    return {n: {k: over_seeds([r[k] for r in out[i * OVERFIT_DRAWS:(i + 1) * OVERFIT_DRAWS]],
                              axis=0)
                for k in ("train", "test", "test_true")} for i, n in enumerate(OVERFIT)}
