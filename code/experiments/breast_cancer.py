"""Project 2, part f with two classes: the binary cross-entropy on the breast-cancer data.

Data: scikit-learn's Wisconsin breast-cancer set (569 samples, 30 features,
212 malignant, 357 benign; no download), split into FOLDS stratified folds:
each fold is the test part once, the other four its training part.  Within a
training part, a stratified quarter is the validation part for the choices;
the features are standardised with the mean and deviation of the data each
model is fitted to.

* ffnn: ``ffnn.FFNNClassifier`` 30 → HIDDEN sigmoid → 1 sigmoid, the binary
  cross-entropy plus λ Σ‖W‖², Adam, batches of BATCH_SIZE, EPOCHS epochs
  (fixed); η and λ: every pair of LEARNING_RATES × LAMBDAS, the pair chosen
  per fold by the validation cross-entropy, then refitted on the whole
  training part.
* ``MLPClassifier`` with the same architecture, optimiser, batch size and
  epochs, its own η and λ (``alpha`` = 2 λ × batch size) chosen by the same
  rule from the same pairs on the same validation samples.
* ``LogisticRegression`` (lbfgs), C from C_GRID chosen per fold by the
  validation cross-entropy; its iterations are recorded (converged when
  fewer than MAX_ITER).
Per fold the three are scored on the same test samples: accuracies, their
paired differences (``_common.paired_difference``), and over all 569
out-of-fold predictions the exact
McNemar test.  Writes results/breast_cancer.json.
"""

import time
import warnings

import numpy as np
from _common import mcnemar, paired_difference, run_parallel, save_json
from _fit import over_seeds
from sklearn.datasets import load_breast_cancer
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

import ffnn

FOLDS, SPLIT_SEED = 5, 2024
VAL_SIZE = 0.25  # of each training part
HIDDEN = 16
BATCH_SIZE, EPOCHS = 32, 200
LAMBDAS = [0.0, 1e-4, 1e-3, 1e-2, 1e-1]
LEARNING_RATES = [1e-3, 1e-2]  # η of ffnn and MLPClassifier
C_GRID = [0.01, 0.1, 1.0, 10.0, 100.0]
MAX_ITER = 10_000


def folds():
    """(X, y, [(train rows, test rows)] * FOLDS): y = 1 for malignant."""
    X, target = load_breast_cancer(return_X_y=True)
    y = (target == 0).astype(int)  # scikit-learn's 0 is malignant
    splits = StratifiedKFold(FOLDS, shuffle=True, random_state=SPLIT_SEED).split(X, y)
    return X, y, list(splits)


def parts(train, y, validation):
    """The rows to fit on and to score on: (fit, validation) or (train, None)."""
    if not validation:
        return train, None
    return train_test_split(train, test_size=VAL_SIZE, stratify=y[train],
                            random_state=SPLIT_SEED)


def scaled(X, fit_rows, score_rows):
    scaler = StandardScaler().fit(X[fit_rows])
    return scaler.transform(X[fit_rows]), scaler.transform(X[score_rows])


def network(setting, seed):
    """``setting``: (η, λ)."""
    learning_rate, lam = setting
    return ffnn.FFNNClassifier((HIDDEN,), "logistic", solver="adam", alpha=lam,
                               batch_size=BATCH_SIZE, learning_rate_init=learning_rate,
                               max_iter=EPOCHS, random_state=seed)


def mlp(setting, seed):
    """``setting``: (η, λ)."""
    learning_rate, lam = setting
    return MLPClassifier((HIDDEN,), "logistic", solver="adam", alpha=2 * lam * BATCH_SIZE,
                         batch_size=BATCH_SIZE, learning_rate_init=learning_rate,
                         max_iter=EPOCHS, n_iter_no_change=EPOCHS + 1, tol=0.0,
                         random_state=seed)


def logreg(C):
    return LogisticRegression(C=C, max_iter=MAX_ITER)


MODELS = {"ffnn": network, "mlp": mlp, "logreg": logreg}


def run(kind, value, fold, validation):
    """Fit one model of fold ``fold``: validation cross-entropy, or test predictions."""
    X, y, splits = folds()
    train, test = splits[fold]
    fit_rows, score_rows = parts(train, y, validation)
    score_rows = test if score_rows is None else score_rows
    Xf, Xs = scaled(X, fit_rows, score_rows)
    seed = fold if kind != "logreg" else None
    model = MODELS[kind](value, seed) if seed is not None else MODELS[kind](value)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # MLPClassifier's fixed epochs
        model.fit(Xf, y[fit_rows])
    out = {"n_iter": int(np.max(model.n_iter_))}
    if validation:
        out["val_cross_entropy"] = float(log_loss(y[score_rows], model.predict_proba(Xs)))
    else:
        out["predict"] = model.predict(Xs)
        out["test_accuracy"] = float(np.mean(out["predict"] == y[test]))
    return out


def main():
    start = time.perf_counter()
    X, y, splits = folds()
    pairs = [(lr, lam) for lr in LEARNING_RATES for lam in LAMBDAS]
    grids = {"ffnn": pairs, "mlp": pairs, "logreg": C_GRID}
    jobs = [dict(kind=k, value=v, fold=f, validation=True)
            for k, grid in grids.items() for f in range(FOLDS) for v in grid]
    out = iter(run_parallel(run, jobs))
    scans = {k: [[next(out) for _ in grid] for _ in range(FOLDS)] for k, grid in grids.items()}
    chosen = {k: [grids[k][int(np.argmin([r["val_cross_entropy"] for r in scan]))]
                  for scan in scans[k]] for k in grids}
    jobs = [dict(kind=k, value=chosen[k][f], fold=f, validation=False)
            for k in MODELS for f in range(FOLDS)]
    out = iter(run_parallel(run, jobs))
    final = {k: [next(out) for _ in range(FOLDS)] for k in MODELS}

    right = {k: np.zeros(len(y), bool) for k in MODELS}  # out-of-fold: each sample once
    for k in MODELS:
        for (_, test), r in zip(splits, final[k]):
            right[k][test] = r["predict"] == y[test]
    acc = {k: np.array([r["test_accuracy"] for r in final[k]]) for k in MODELS}
    iters = [r["n_iter"] for scan in scans["logreg"] for r in scan]
    iters += [r["n_iter"] for r in final["logreg"]]
    save_json("breast_cancer", {
        "n_samples": len(y), "n_features": X.shape[1], "n_malignant": int(y.sum()),
        "folds": FOLDS, "n_test": [len(test) for _, test in splits], "val_size": VAL_SIZE,
        "architecture": f"{X.shape[1]} → {HIDDEN} sigmoid → 1 sigmoid",
        "settings": {"optimizer": "Adam", "batch_size": BATCH_SIZE, "epochs": EPOCHS,
                     "cost": "binary_cross_entropy", "mlp_alpha": "2 λ × batch size",
                     "chosen_by": "validation cross-entropy"},
        "grid": {"lambdas": LAMBDAS, "C": C_GRID, "learning_rates": LEARNING_RATES,
                 "pairs": pairs},
        "scans": {k: [[r["val_cross_entropy"] for r in scan] for scan in scans[k]]
                  for k in scans},
        "chosen": {"learning_rate": [lr for lr, _ in chosen["ffnn"]],
                   "lambda": [lam for _, lam in chosen["ffnn"]], "C": chosen["logreg"],
                   "mlp_learning_rate": [lr for lr, _ in chosen["mlp"]],
                   "mlp_lambda": [lam for _, lam in chosen["mlp"]]},
        "logreg_iterations": {"max": int(max(iters)), "max_iter": MAX_ITER,
                              "converged": bool(max(iters) < MAX_ITER)},
        **{k: {"test_accuracy": {"values": acc[k], **over_seeds(acc[k])},
               "out_of_fold_accuracy": float(right[k].mean())}
           for k in MODELS},
        "paired": {
            "ffnn_minus_mlp": paired_difference(acc["ffnn"], acc["mlp"]),
            "ffnn_minus_logreg": paired_difference(acc["ffnn"], acc["logreg"]),
            "ffnn_vs_mlp": mcnemar(right["ffnn"], right["mlp"]),
            "ffnn_vs_logreg": mcnemar(right["ffnn"], right["logreg"]),
        },
        "seconds": time.perf_counter() - start,
    })
    for k in MODELS:
        print(f"breast_cancer: {k:6s} {acc[k].mean():.4f} ± {acc[k].std(ddof=1):.4f}")
    print(f"breast_cancer: (η, λ) {chosen['ffnn']}, C {chosen['logreg']}, MLP {chosen['mlp']}, "
          f"{time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
