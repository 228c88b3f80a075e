"""Project 2, part d: depth × width, on the Runge data and on the digits.

Every cell of the grid is a network with LAYERS[i] hidden layers of
WIDTHS[j] nodes, trained with Adam from SEEDS seeds, early-stopped on the
validation part, then scored on train and test, so that the train-test gap
(overfitting) shows beside the test error.
* Runge (``_regression.runge_splits``, σ = 0.1): hidden activations sigmoid
  (Xavier initialisation), ReLU and leaky ReLU (He), identity output, MSE;
  mini-batches of RUNGE_BATCH, at most RUNGE_EPOCHS epochs.
* Digits (``_common.digits_splits``: 1077 training, 360 validation and 360
  test images): ReLU (He), softmax output, cross-entropy; mini-batches of
  DIGITS_BATCH, at most DIGITS_EPOCHS epochs, stopped on the validation
  error rate.
The learning rates are fixed, not tuned per cell: RUNGE_LR is the Adam rate
chosen for most architectures in ``runge_optimizers.py`` and DIGITS_LR the
one of ``digits.py`` tripled, as the batches are twice as large and
the epochs fewer.  The networks compute in float32.  Writes results/depth_width.json.
"""

import time

import numpy as np
from _common import digits_splits, run_parallel, save_json
from _fit import error_rate, fit, mse, over_seeds
from _regression import regressor, runge_splits, true_mse

import ffnn

LAYERS = [1, 2, 3, 4, 5]
WIDTHS = [10, 25, 50, 100, 200]
SEEDS = 3
RUNGE_ACTIVATIONS = {"sigmoid": "xavier", "relu": "he", "leaky_relu": "he"}
RUNGE_LR, RUNGE_BATCH, RUNGE_EPOCHS, RUNGE_PATIENCE = 1e-2, 50, 200, 50
DIGITS_LR, DIGITS_BATCH, DIGITS_EPOCHS, DIGITS_PATIENCE = 3e-3, 64, 20, 8
DTYPE = np.float32  # half the memory traffic of float64: the grid's large networks run ~2x faster
DIGITS_ACTIVATION = "relu"
STUCK = 0.5


def run_runge(layers, width, activation, seed):
    d = runge_splits()["scaled"]
    (x, y), (xv, yv), (xt, yt) = d["train"], d["val"], d["test"]
    net = regressor([width] * layers, activation, RUNGE_ACTIVATIONS[activation], seed,
                    dtype=DTYPE)
    h = fit(net, x, y, xv, yv, ffnn.Adam(RUNGE_LR), max_epochs=RUNGE_EPOCHS,
            batch_size=RUNGE_BATCH, seed=seed, check_every=10, patience=RUNGE_PATIENCE)
    pt = net.predict(xt)
    return {"train": mse(net.predict(x), y), "val": mse(net.predict(xv), yv), "test": mse(pt, yt),
            "test_true": true_mse(pt, runge_splits()["test"][0]),
            "best_epoch": h["best_epoch"], "seconds": h["seconds"]}


def run_digits(layers, width, seed):
    s = digits_splits()
    (X, Y, _), (Xv, Yv, _), (Xt, Yt, _) = s["train"], s["val"], s["test"]
    net = ffnn.NeuralNetwork(64, [width] * layers + [10], [DIGITS_ACTIVATION] * layers + ["softmax"],
                             None, "cross_entropy", None, "he", seed, dtype=DTYPE)
    h = fit(net, X, Y, Xv, Yv, ffnn.Adam(DIGITS_LR), max_epochs=DIGITS_EPOCHS,
            batch_size=DIGITS_BATCH, seed=seed, metric=error_rate, check_every=2,
            patience=DIGITS_PATIENCE)
    return {"train": ffnn.accuracy(net.predict(X), Y), "val": ffnn.accuracy(net.predict(Xv), Yv),
            "test": ffnn.accuracy(net.predict(Xt), Yt),
            "best_epoch": h["best_epoch"], "seconds": h["seconds"]}


def run(kind, **kw):
    return run_runge(**kw) if kind == "runge" else run_digits(**kw)


def grid_summary(out, keys):
    """{key: {"mean", "std", "n", "values"}} from runs in order: the first three of shape
    (len(LAYERS), len(WIDTHS)), ``values`` (len(LAYERS), len(WIDTHS), SEEDS)."""
    shape = (len(LAYERS), len(WIDTHS), SEEDS)
    summary = {}
    for k in keys:
        values = np.array([r[k] for r in out], dtype=float).reshape(shape)
        summary[k] = {**over_seeds(values), "values": values}
    return summary


def stuck(train_mse):
    """Per cell, the seeds whose network ended at a near-constant prediction:
    training MSE above STUCK × Var(y_train) (a constant's MSE is Var(y_train))."""
    return np.sum(train_mse > STUCK * float(np.var(runge_splits()["train"][1])), axis=-1)


def main():
    start = time.perf_counter()
    cells = [(n, w) for n in LAYERS for w in WIDTHS]
    jobs = [dict(kind="runge", layers=n, width=w, activation=a, seed=s)
            for a in RUNGE_ACTIVATIONS for n, w in cells for s in range(SEEDS)]
    jobs += [dict(kind="digits", layers=n, width=w, seed=s) for n, w in cells for s in range(SEEDS)]
    # the largest networks first, so that the two workers finish together
    order = sorted(range(len(jobs)), key=lambda k: -jobs[k]["layers"] * jobs[k]["width"] ** 2)
    out = [None] * len(jobs)
    for k, r in zip(order, run_parallel(run, [jobs[k] for k in order])):
        out[k] = r
    per = len(cells) * SEEDS
    runge = {}
    for k, a in enumerate(RUNGE_ACTIVATIONS):
        block = out[k * per:(k + 1) * per]
        summary = grid_summary(block, ("train", "val", "test", "test_true", "best_epoch",
                                       "seconds"))
        runge[a] = {"initialization": RUNGE_ACTIVATIONS[a], **summary,
                    "n_stuck": stuck(summary["train"]["values"])}
    digits = grid_summary(out[len(RUNGE_ACTIVATIONS) * per:],
                          ("train", "val", "test", "best_epoch", "seconds"))
    save_json("depth_width", {
        "layers": LAYERS, "widths": WIDTHS, "seeds": SEEDS,
        "runge": {"metric": "MSE (train/val/test against y; test_true against f)",
                  "optimizer": "Adam", "learning_rate": RUNGE_LR, "batch_size": RUNGE_BATCH,
                  "max_epochs": RUNGE_EPOCHS, "patience": RUNGE_PATIENCE,
                  "stuck": f"n_stuck: seeds per cell with training MSE > {STUCK} Var(y_train), "
                           "i.e. a near-constant prediction",
                  "activations": runge},
        "dtype": "float32",
        "digits": {"metric": "accuracy", "activation": DIGITS_ACTIVATION, "initialization": "he",
                   "optimizer": "Adam", "learning_rate": DIGITS_LR, "batch_size": DIGITS_BATCH,
                   "max_epochs": DIGITS_EPOCHS, "patience": DIGITS_PATIENCE, **digits},
        "chosen_by": ("learning rates fixed (Runge: Adam η chosen on validation for most "
                      "architectures in runge_optimizers; digits: that of digits.py); each "
                      "run's parameters: the checkpoint with the best validation score"),
        "seconds": time.perf_counter() - start,
    })
    for a, r in runge.items():
        m = np.array(r["test"]["mean"])
        i, j = np.unravel_index(np.argmin(m), m.shape)
        print(f"depth_width: Runge {a:10s} best test MSE {m[i, j]:.4f} at {LAYERS[i]} × "
              f"{WIDTHS[j]}; worst {np.max(m):.4f}")
    m = np.array(digits["test"]["mean"])
    i, j = np.unravel_index(np.argmax(m), m.shape)
    print(f"depth_width: digits best test accuracy {m[i, j]:.4f} at {LAYERS[i]} × {WIDTHS[j]}; "
          f"worst {np.min(m):.4f}")
    print(f"depth_width: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
