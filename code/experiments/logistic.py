"""Project 2, part f: ffnn with no hidden layer (multinomial logistic regression) against scikit-learn.

Digits, the split of ``_common.digits_splits``: 1077 training, 360
validation, 360 test images.
* ffnn: 64 → 10 softmax, cross-entropy plus λ Σ‖W‖², trained by SGD
  (``ffnn.GradientDescent`` on mini-batches of BATCH_SIZE) from SEEDS seeds,
  early-stopped on the validation cross-entropy; (η, λ) over LEARNING_RATES ×
  LAMBDAS chosen by the mean validation cross-entropy.
* scikit-learn's ``LogisticRegression`` (lbfgs), C over C_GRID chosen by the
  validation cross-entropy (``_common.logreg_by_validation``, as digits.py on
  each of its splits; split 0 is this one); and, like for like, at C = 1/(2 n λ) for the λ
  chosen for ffnn (``_equivalence``: the same cost, so the same minimiser).
* How close SGD gets: ffnn's penalised training cost at its SGD solution
  against the cost at scikit-learn's exact minimiser, and the optimality
  check of that minimiser on ffnn's cost.
Writes results/logistic.json.
"""

import time

import numpy as np
from _common import (LOGREG_C_GRID, digits_splits, fit_logreg, logreg_by_validation,
                     run_parallel, save_json)
from _equivalence import linear_network, logreg_C, stationarity
from _fit import fit, over_seeds

import ffnn

SEEDS = 5
BATCH_SIZE = 32
MAX_EPOCHS, CHECK_EVERY, PATIENCE = 60, 5, 15
LEARNING_RATES = [0.1, 0.3, 1.0, 3.0, 10.0]
LAMBDAS = [0.0, 1e-5, 1e-4, 1e-3]
C_GRID = LOGREG_C_GRID


def run(lr, lam, seed):
    s = digits_splits()
    (X, Y, _), (Xv, Yv, _), (Xt, Yt, _) = s["train"], s["val"], s["test"]
    net = ffnn.NeuralNetwork(64, [10], ["softmax"], None, "cross_entropy", None, "xavier", seed,
                             l2=lam)
    h = fit(net, X, Y, Xv, Yv, ffnn.GradientDescent(lr), max_epochs=MAX_EPOCHS,
            batch_size=BATCH_SIZE, seed=seed, metric=ffnn.cross_entropy,
            check_every=CHECK_EVERY, patience=PATIENCE)
    return {"train_accuracy": ffnn.accuracy(net.predict(X), Y),
            "val_accuracy": ffnn.accuracy(net.predict(Xv), Yv),
            "test_accuracy": ffnn.accuracy(net.predict(Xt), Yt),
            "val_cross_entropy": ffnn.cross_entropy(net.predict(Xv), Yv),
            "train_cost": net.cost(X, Y), "best_epoch": h["best_epoch"], "seconds": h["seconds"],
            "diverged": h["diverged"]}


KEYS = ("train_accuracy", "val_accuracy", "test_accuracy", "val_cross_entropy", "train_cost",
        "best_epoch", "seconds")


def sklearn_stats(model, seconds, s):
    (X, _, l), (Xv, Yv, lv), (Xt, _, lt) = s["train"], s["val"], s["test"]
    return {"C": model.C, "train_accuracy": float(model.score(X, l)),
            "val_accuracy": float(model.score(Xv, lv)),
            "test_accuracy": float(model.score(Xt, lt)),
            "val_cross_entropy": ffnn.cross_entropy(model.predict_proba(Xv), Yv),
            "fit_seconds": seconds}


def sklearn_fit(C, s):
    X, _, l = s["train"]
    model, seconds = fit_logreg(C, X, l)
    return model, sklearn_stats(model, seconds, s)


def main():
    start = time.perf_counter()
    jobs = [dict(lr=lr, lam=lam, seed=k) for lr in LEARNING_RATES for lam in LAMBDAS
            for k in range(SEEDS)]
    out = run_parallel(run, jobs)
    shape = (len(LEARNING_RATES), len(LAMBDAS), SEEDS)
    grid = {k: over_seeds(np.array([r[k] for r in out], dtype=float).reshape(shape)) for k in KEYS}
    grid["n_diverged"] = np.array([r["diverged"] for r in out]).reshape(shape).sum(axis=2)
    val = np.array(grid["val_cross_entropy"]["mean"], dtype=float)
    i, j = np.unravel_index(np.nanargmin(val), val.shape)
    lr, lam = LEARNING_RATES[i], LAMBDAS[j]
    best = {k: {s: grid[k][s][i][j] for s in ("mean", "std", "n")} for k in KEYS}

    s = digits_splits()
    X, Y, _ = s["train"]
    n = len(X)
    b, scan = logreg_by_validation(s, C_GRID)  # the choice digits.py makes on each split
    scans = [sklearn_stats(r["model"], r["fit_seconds"], s) for r in scan]
    sk_best = scans[b]
    # like for like: scikit-learn minimises ffnn's cost at C = 1/(2 n λ); with λ = 0 the
    # separable training set has no minimiser, so the comparison takes the best λ > 0
    k = 1 + int(np.nanargmin(val[:, 1:].min(axis=0)))
    lam_same, i_same = LAMBDAS[k], int(np.nanargmin(val[:, k]))
    model, same = sklearn_fit(logreg_C(lam_same, n), s)
    W, c = model.coef_.T, model.intercept_
    naive = sklearn_fit(1 / lam_same, s)[0]
    same.update({
        "lambda": lam_same,
        "ffnn_learning_rate": LEARNING_RATES[i_same],
        "ffnn": {key: {s_: grid[key][s_][i_same][k] for s_ in ("mean", "std", "n")}
                 for key in KEYS},
        "train_cost_ffnn_definition": linear_network(W, c, cost="cross_entropy",
                                                     l2=lam_same).cost(X, Y),
        "stationarity": stationarity(W, c, X, Y, cost="cross_entropy", l2=lam_same),
        "stationarity_if_C_were_1_over_lambda": stationarity(
            naive.coef_.T, naive.intercept_, X, Y, cost="cross_entropy", l2=lam_same),
    })
    save_json("logistic", {
        "n_train": n, "n_val": len(s["val"][0]), "n_test": len(s["test"][0]),
        "ffnn": {"architecture": "64 → 10 softmax (no hidden layer)", "optimizer": "SGD",
                 "batch_size": BATCH_SIZE, "max_epochs": MAX_EPOCHS, "check_every": CHECK_EVERY,
                 "patience": PATIENCE,
                 "seeds": SEEDS, "learning_rates": LEARNING_RATES, "lambdas": LAMBDAS,
                 "grid": grid, "learning_rate": lr, "lambda": lam, "best": best,
                 "chosen_by": "(η, λ): smallest mean validation cross-entropy over the seeds; "
                              "each run: early stopping on the validation cross-entropy"},
        "sklearn": {"C_grid": C_GRID, "scan": scans, "best": sk_best,
                    "chosen_by": "C: smallest validation cross-entropy",
                    "same_cost": same,
                    "map": "C = 1 / (2 n λ): ½‖W‖² + C Σ CE = C n (mean CE + ‖W‖² / (2 C n))"},
        "timing": "seconds, fit_seconds: CPU time of one training (time.process_time)",
        "seconds": time.perf_counter() - start,
    })
    print(f"logistic: ffnn SGD η = {lr:g}, λ = {lam:g}: test accuracy "
          f"{best['test_accuracy']['mean']:.4f} ± {best['test_accuracy']['std']:.4f}, "
          f"{best['seconds']['mean']:.2f} s")
    print(f"logistic: sklearn C = {sk_best['C']:g}: test accuracy {sk_best['test_accuracy']:.4f}, "
          f"{sk_best['fit_seconds']:.2f} s")
    f = same["ffnn"]
    print(f"logistic: same cost, λ = {lam_same:g} (C = {same['C']:.3g}): sklearn test accuracy "
          f"{same['test_accuracy']:.4f}, ffnn {f['test_accuracy']['mean']:.4f}; training cost "
          f"{same['train_cost_ffnn_definition']:.5f} vs ffnn SGD {f['train_cost']['mean']:.5f}; "
          f"stationarity {same['stationarity']:.1e} (C = 1/λ: "
          f"{same['stationarity_if_C_were_1_over_lambda']:.1e})")
    print(f"logistic: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
