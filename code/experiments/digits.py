"""Digits (sklearn's 1797 8x8 images): ffnn against scikit-learn over SPLITS splits.

Split k = 0 … SPLITS-1 is ``_common.digits_splits(k)``: stratified, 1437
training images (``train_full``) and 360 test images; split 0 is the one the
other digits studies use.  On every split, all models train on the same 1437
images and are scored on the same 360:
* ffnn: ``_common.DIGITS_NETWORK`` (64 → 128 ReLU → 64 ReLU → 10 softmax, He,
  Adam, batches of 32, λ = 1e-4, 60 epochs: fixed), weights and batch order
  from seed k, and its η per split: each η of LEARNING_RATES trained on split
  k's training part (one lockstep stack, ``ffnn.train_many``) and scored on
  its validation part, the best validation accuracy wins
  (``best_on_validation``), then refitted on the 1437 images; and the same
  network, same η, without its penalty (λ = 0);
* scikit-learn's MLPClassifier with the same architecture, optimiser, batch
  size, epochs and penalty (``alpha`` = 2 λ × batch size, since it divides
  ½ alpha ‖W‖² by the batch size), ``random_state`` k, and its η chosen by
  the same rule on the same images from the same LEARNING_RATES;
* multinomial LogisticRegression, C chosen on split k's validation part
  (``_common.logreg_by_validation``), then refitted on the 1437 images.
Comparisons are paired by split: the per-split differences of test accuracy
(mean ± std over splits) and the exact McNemar test on each split's test
images.  Times: CPU seconds of one training (``time.process_time``), each
training alone in its process.  Writes results/digits.json.
"""

import time
import warnings

import numpy as np
from _common import (DIGITS_NETWORK, LOGREG_C_GRID, digits_splits, fit_logreg,
                     logreg_by_validation, mcnemar_family, paired_difference, run_parallel,
                     save_json)
from _fit import over_seeds
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

import ffnn

SPLITS = 5
NET = DIGITS_NETWORK
SKLEARN_ALPHA = 2 * NET.l2 * NET.batch_size
LEARNING_RATES = (1e-3, 3e-3)  # η of ffnn and MLPClassifier, chosen per split


def scan_ffnn(split):
    """ffnn at each η of LEARNING_RATES, trained on split ``split``'s training
    part in one lockstep stack: validation scores, one dict per η."""
    s = digits_splits(split)
    (X, Y, _), (Xv, Yv, _) = s["train"], s["val"]
    nets = [NET.network(seed=split) for _ in LEARNING_RATES]
    ffnn.train_many(nets, X, Y, [ffnn.Adam(lr) for lr in LEARNING_RATES], epochs=NET.epochs,
                    batch_size=NET.batch_size, seeds=[split] * len(nets), progress=False)
    return [{"val_accuracy": ffnn.accuracy(net.predict(Xv), Yv),
             "val_cross_entropy": ffnn.cross_entropy(net.predict(Xv), Yv)} for net in nets]


def run_ffnn(split, learning_rate, l2=NET.l2):
    s = digits_splits(split)
    (X, Y, _), (Xt, Yt, lt) = s["train_full"], s["test"]
    net = NET.network(seed=split, l2=l2)
    start = time.process_time()
    h = ffnn.train(net, X, Y, ffnn.Adam(learning_rate), epochs=NET.epochs,
                   batch_size=NET.batch_size, seed=split, X_val=Xt, Y_val=Yt, progress=False)
    seconds = time.process_time() - start  # the per-epoch test accuracy included (small)
    return {"cost": h["cost"], "test_accuracy_curve": h["val_accuracy"],
            "train_accuracy": ffnn.accuracy(net.predict(X), Y),
            "test_accuracy": h["val_accuracy"][-1], "seconds": seconds,
            "right": np.argmax(net.predict(Xt), axis=1) == lt}


def fitted_mlp(X, labels, learning_rate, seed):
    """MLPClassifier with ffnn's settings and η = ``learning_rate``, fitted; CPU seconds."""
    mlp = MLPClassifier(hidden_layer_sizes=NET.hidden, activation=NET.activation, solver="adam",
                        learning_rate_init=learning_rate, batch_size=NET.batch_size,
                        alpha=SKLEARN_ALPHA, max_iter=NET.epochs, n_iter_no_change=NET.epochs + 1,
                        tol=0.0, shuffle=True, random_state=seed)
    start = time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(X, labels)
    return mlp, time.process_time() - start


def scan_mlp(split, learning_rate):
    """MLPClassifier at one η, fitted on split ``split``'s training part: validation scores."""
    s = digits_splits(split)
    (X, _, l), (Xv, Yv, lv) = s["train"], s["val"]
    mlp, _ = fitted_mlp(X, l, learning_rate, split)
    return {"val_accuracy": float(mlp.score(Xv, lv)),
            "val_cross_entropy": ffnn.cross_entropy(mlp.predict_proba(Xv), Yv)}


def best_on_validation(scan):
    """Index of the best entry of ``scan`` (dicts with ``val_accuracy`` and
    ``val_cross_entropy``): the highest validation accuracy, ties broken by the
    smaller validation cross-entropy, then by the earlier entry."""
    if not scan:
        raise ValueError("scan: expected at least one validation score, got none")
    return min(range(len(scan)), key=lambda i: (-scan[i]["val_accuracy"],
                                                 scan[i]["val_cross_entropy"], i))


def run_mlp(split, learning_rate):
    s = digits_splits(split)
    (X, _, l), (Xt, _, lt) = s["train_full"], s["test"]
    mlp, seconds = fitted_mlp(X, l, learning_rate, split)
    return {"loss_curve": mlp.loss_curve_, "train_accuracy": float(mlp.score(X, l)),
            "test_accuracy": float(mlp.score(Xt, lt)), "seconds": seconds,
            "right": mlp.predict(Xt) == lt}


def run_logreg(split):
    s = digits_splits(split)
    (X, _, l), (Xt, _, lt) = s["train_full"], s["test"]
    best, scan = logreg_by_validation(s)
    model, seconds = fit_logreg(scan[best]["C"], X, l)
    return {"C": scan[best]["C"], "val_cross_entropy": [r["val_cross_entropy"] for r in scan],
            "train_accuracy": float(model.score(X, l)), "test_accuracy": float(model.score(Xt, lt)),
            "seconds": seconds, "right": model.predict(Xt) == lt}


RUN = {"ffnn": run_ffnn, "ffnn_no_penalty": lambda split, **kw: run_ffnn(split, l2=0.0, **kw),
       "mlp": run_mlp, "logreg": run_logreg, "mlp_scan": scan_mlp, "ffnn_scan": scan_ffnn}


def validation_record(chosen, scans):
    """The η chosen per split and the validation scans it was chosen from."""
    return {"learning_rate": chosen, "learning_rates": LEARNING_RATES,
            "val_accuracy": [[x["val_accuracy"] for x in sc] for sc in scans],
            "val_cross_entropy": [[x["val_cross_entropy"] for x in sc] for sc in scans]}


def run(kind, split, **kw):
    return RUN[kind](split, **kw)


def summary(runs, keys=("train_accuracy", "test_accuracy", "seconds")):
    """Per key: the values over splits with their mean, std (ddof 1) and count."""
    out = {}
    for k in keys:
        v = np.array([r[k] for r in runs], dtype=float)
        out[k] = {"values": v, **over_seeds(v)}
    return out


def main():
    start = time.perf_counter()
    kinds = ["ffnn", "ffnn_no_penalty", "mlp", "logreg"]
    n = len(LEARNING_RATES)
    scans = [dict(kind="mlp_scan", split=i, learning_rate=lr) for i in range(SPLITS)
             for lr in LEARNING_RATES]  # the slowest first
    scans += [dict(kind="ffnn_scan", split=i) for i in range(SPLITS)]
    scans += [dict(kind="logreg", split=i) for i in range(SPLITS)]
    out = run_parallel(run, scans)
    scan = {"mlp": [out[i * n:(i + 1) * n] for i in range(SPLITS)],
            "ffnn": out[SPLITS * n:SPLITS * (n + 1)]}
    lr = {k: [LEARNING_RATES[best_on_validation(sc)] for sc in scan[k]] for k in scan}
    lr["ffnn_no_penalty"] = lr["ffnn"]
    r = {"logreg": out[SPLITS * (n + 1):]}
    finals = [dict(kind=k, split=i, learning_rate=lr[k][i]) for k in kinds if k != "logreg"
              for i in range(SPLITS)]
    out = run_parallel(run, finals)
    for j, k in enumerate(k for k in kinds if k != "logreg"):
        r[k] = out[j * SPLITS:(j + 1) * SPLITS]
    acc = {k: [x["test_accuracy"] for x in runs] for k, runs in r.items()}
    right = {k: [x["right"] for x in runs] for k, runs in r.items()}
    paired = {
        "ffnn_minus_logreg": paired_difference(acc["ffnn"], acc["logreg"]),
        "ffnn_minus_mlp": paired_difference(acc["ffnn"], acc["mlp"]),
        "mlp_minus_logreg": paired_difference(acc["mlp"], acc["logreg"]),
        "ffnn_minus_no_penalty": paired_difference(acc["ffnn"], acc["ffnn_no_penalty"]),
        "ffnn_vs_logreg": mcnemar_family(zip(right["ffnn"], right["logreg"])),
        "mlp_vs_logreg": mcnemar_family(zip(right["mlp"], right["logreg"])),
        "ffnn_vs_mlp": mcnemar_family(zip(right["ffnn"], right["mlp"])),
        "ffnn_vs_no_penalty": mcnemar_family(zip(right["ffnn"], right["ffnn_no_penalty"])),
    }
    s0 = digits_splits(0)
    results = {
        "n_train": len(s0["train_full"][0]), "n_val": len(s0["val"][0]),
        "n_test": len(s0["test"][0]), "splits": SPLITS,
        "architecture": "64 → 128 ReLU → 64 ReLU → 10 softmax",
        # η is chosen per split (ffnn.learning_rate), not NET's default of the other studies
        "settings": {**{k: v for k, v in NET.record().items() if k != "learning_rate"},
                     "sklearn_alpha": SKLEARN_ALPHA,
                     "chosen_by": ("architecture, λ and epochs fixed; η of ffnn and of "
                                   "MLPClassifier on each split: best validation accuracy over "
                                   "learning_rates (ties: smaller validation cross-entropy); "
                                   "logistic regression's C on each split: smallest validation "
                                   "cross-entropy over C_grid"),
                     "seconds": "CPU seconds of one training, alone in its process"},
        "ffnn": {**summary(r["ffnn"]), "costs": [x["cost"] for x in r["ffnn"]],
                 "test_accuracy_curves": [x["test_accuracy_curve"] for x in r["ffnn"]],
                 **validation_record(lr["ffnn"], scan["ffnn"])},
        "mlp": {**summary(r["mlp"]), "loss_curves": [x["loss_curve"] for x in r["mlp"]],
                **validation_record(lr["mlp"], scan["mlp"])},
        "logreg": {**summary(r["logreg"]), "C": [x["C"] for x in r["logreg"]],
                   "C_grid": LOGREG_C_GRID,
                   "val_cross_entropy": [x["val_cross_entropy"] for x in r["logreg"]]},
        "no_penalty": {**summary(r["ffnn_no_penalty"]), "best_test_accuracy_over_epochs": [
            max(x["test_accuracy_curve"]) for x in r["ffnn_no_penalty"]]},
        "paired": paired,
        "seconds": time.perf_counter() - start,
    }
    save_json("digits", results)
    for k in kinds:
        t = results["ffnn" if k == "ffnn" else k if k != "ffnn_no_penalty" else "no_penalty"]
        print(f"digits: {k:16s} test accuracy {t['test_accuracy']['mean']:.4f} ± "
              f"{t['test_accuracy']['std']:.4f}, {t['seconds']['mean']:.2f} s per training")
    print(f"digits: logreg C per split {results['logreg']['C']}, η ffnn {lr['ffnn']}, "
          f"MLPClassifier {lr['mlp']}")
    for k in ("ffnn_minus_logreg", "ffnn_minus_mlp", "mlp_minus_logreg", "ffnn_minus_no_penalty"):
        p = paired[k]
        print(f"digits: {k:22s} {p['mean']:+.4f} ± {p['std']:.4f} ({p['n_positive']} of {p['n']} > 0)")
    for k in ("ffnn_vs_logreg", "ffnn_vs_mlp", "mlp_vs_logreg", "ffnn_vs_no_penalty"):
        print(f"digits: McNemar {k}", [(m["only_first"], m["only_second"], round(m["p_value"], 3))
                                       for m in paired[k]])
    print(f"digits: {results['seconds']:.1f} s")


if __name__ == "__main__":
    main()
