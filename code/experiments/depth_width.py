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
The learning rate is chosen per cell on validation: every η of RUNGE_LRS
(DIGITS_LRS) × every seed of a cell is trained (one after another with
``_fit.fit_each``: in lockstep, ``fit_many`` trains every run to the epoch
budget, which for these early-stopped, larger networks costs more than it
saves), and the η with the best mean validation score is kept for that cell.
A Runge cell whose best η is the largest it tried also tries the next η of
RUNGE_ABOVE, a factor 3 further, until its best lies inside the η it tried
or the list runs out: a choice on the edge of its grid is not validated.
Downwards, with RUNGE_BELOW, likewise for the activations of RUNGE_BELOW_FOR
(all three; small steps train the larger networks for all RUNGE_EPOCHS, the
extension's largest cost).  The networks compute in float32.  Writes results/depth_width.json.
"""

import time
import warnings

import numpy as np
from _common import digits_splits, run_parallel, save_json
from _fit import error_rate, fit_each, mse, over_seeds
from _regression import regressor, runge_splits, true_mse

import ffnn

LAYERS = [1, 2, 3, 4, 5]
WIDTHS = [10, 25, 50, 100, 200]
SEEDS = 3
RUNGE_ACTIVATIONS = {"sigmoid": "xavier", "relu": "he", "leaky_relu": "he"}
RUNGE_LRS, RUNGE_BATCH, RUNGE_EPOCHS, RUNGE_PATIENCE = [3e-3, 1e-2, 3e-2], 50, 200, 50
RUNGE_CHECK, DIGITS_CHECK = 10, 2  # epochs between early stopping's validation checks
RUNGE_BELOW, RUNGE_ABOVE = [1e-3, 3e-4], [1e-1, 3e-1]  # tried in this order, only at an edge
RUNGE_BELOW_FOR = tuple(RUNGE_ACTIVATIONS)
DIGITS_LRS, DIGITS_BATCH, DIGITS_EPOCHS, DIGITS_PATIENCE = [1e-3, 3e-3, 1e-2, 3e-2], 64, 20, 8
DTYPE = np.float32  # half the memory traffic of float64: the grid's large networks run ~2x faster
DIGITS_ACTIVATION = "relu"
STUCK = 0.5
RUNGE_KEYS = ("train", "val", "test", "test_true", "best_epoch", "seconds")


def run_runge(layers, width, activation, lrs):
    """One cell: every η of ``lrs`` × every seed."""
    data = runge_splits()
    d = data["scaled"]
    (x, y), (xv, yv), (xt, yt) = d["train"], d["val"], d["test"]
    keys = [(lr, s) for lr in lrs for s in range(SEEDS)]
    nets = [regressor([width] * layers, activation, RUNGE_ACTIVATIONS[activation], s, dtype=DTYPE)
            for _, s in keys]
    hs = fit_each(nets, x, y, xv, yv, [ffnn.Adam(lr) for lr, _ in keys],
                  max_epochs=RUNGE_EPOCHS, batch_size=RUNGE_BATCH, seeds=[s for _, s in keys],
                  check_every=RUNGE_CHECK, patience=RUNGE_PATIENCE)
    out = []
    for net, h in zip(nets, hs):
        pt = net.predict(xt)
        out.append({"train": mse(net.predict(x), y), "val": mse(net.predict(xv), yv),
                    "test": mse(pt, yt), "test_true": true_mse(pt, data["test"][0]),
                    "best_epoch": h["best_epoch"], "seconds": h["seconds"]})
    return out


def run_digits(layers, width):
    """One cell: every η of DIGITS_LRS × every seed, stopped on the error rate."""
    s = digits_splits()
    (X, Y, _), (Xv, Yv, _), (Xt, Yt, _) = s["train"], s["val"], s["test"]
    keys = [(lr, seed) for lr in DIGITS_LRS for seed in range(SEEDS)]
    nets = [ffnn.NeuralNetwork(64, [width] * layers + [10],
                               [DIGITS_ACTIVATION] * layers + ["softmax"], None, "cross_entropy",
                               None, "he", seed, dtype=DTYPE) for _, seed in keys]
    hs = fit_each(nets, X, Y, Xv, Yv, [ffnn.Adam(lr) for lr, _ in keys],
                  max_epochs=DIGITS_EPOCHS, batch_size=DIGITS_BATCH,
                  seeds=[seed for _, seed in keys], metric=error_rate, check_every=DIGITS_CHECK,
                  patience=DIGITS_PATIENCE)
    return [{"train": ffnn.accuracy(net.predict(X), Y), "val": ffnn.accuracy(net.predict(Xv), Yv),
             "test": ffnn.accuracy(net.predict(Xt), Yt),
             "best_epoch": h["best_epoch"], "seconds": h["seconds"]} for net, h in zip(nets, hs)]


def run(kind, **kw):
    return run_runge(**kw) if kind == "runge" else run_digits(**kw)


def grid_summary(out, keys, lrs, sign):
    """Per cell, the η of ``lrs`` with the best mean validation score (``sign`` = +1:
    smallest, -1: largest), and {key: {"mean", "std", "n", "values"}} at that η: the
    first three of shape (len(LAYERS), len(WIDTHS)), ``values`` (..., SEEDS).
    ``out``: one list per cell (η-major, then seeds), cells in order."""
    shape = (len(LAYERS), len(WIDTHS), len(lrs), SEEDS)
    values = {k: np.array([[r[k] for r in cell] for cell in out], dtype=float).reshape(shape)
              for k in keys}
    with warnings.catch_warnings():  # η not tried: all NaN, never chosen
        warnings.simplefilter("ignore", RuntimeWarning)
        val = sign * np.nanmean(values["val"], axis=-1)
    val = np.where(np.isfinite(val), val, np.inf)
    best = np.argmin(val, axis=-1)  # (layers, widths)
    pick = best[..., None, None]
    summary = {"learning_rate": np.asarray(lrs)[best], "learning_rate_index": best,
               "val_by_learning_rate": sign * val}
    for k in keys:
        chosen = np.take_along_axis(values[k], pick, axis=2)[:, :, 0]
        summary[k] = {**over_seeds(chosen), "values": chosen}
    return summary


def ladder():
    """Every η a Runge cell may try, increasing: RUNGE_BELOW, RUNGE_LRS, RUNGE_ABOVE."""
    return RUNGE_BELOW[::-1] + RUNGE_LRS + RUNGE_ABOVE


def extensions(tried, best, down=True):
    """The η (indices into ``ladder()``) a cell tries next: one step beyond the edge of
    the indices ``tried`` on which its ``best`` sits, if the ladder goes on (downwards
    only if ``down``)."""
    step = -1 if best == min(tried) and down else +1 if best == max(tried) else 0
    nxt = best + step
    return [nxt] if step and 0 <= nxt < len(ladder()) else []


def on_edge(best, tried):
    """Cells whose chosen η index ``best[i, j]`` is the smallest or largest of ``tried[i, j]``."""
    return int(sum(best[c] in (min(t), max(t)) for c, t in np.ndenumerate(tried)))


def runge_ladder(others):
    """Every Runge cell on RUNGE_LRS, then on more η while its best sits on an edge.

    Returns per activation the grid summary on ``ladder()`` (runs of η not tried
    count as NaN) and the η indices each cell tried, (layers, widths) arrays of
    lists; the number of cells on an edge of RUNGE_LRS alone (before the
    extension); the results of the jobs ``others``, run beside the first round; and
    the CPU seconds of each round's Runge trainings."""
    lrs, nan = ladder(), dict.fromkeys(RUNGE_KEYS, np.nan)
    cells = [(a, i, j) for a in RUNGE_ACTIVATIONS for i in range(len(LAYERS))
             for j in range(len(WIDTHS))]
    runs = {c: {} for c in cells}  # η index: the seeds' results
    todo = {c: [lrs.index(lr) for lr in RUNGE_LRS] for c in cells}
    before, other_out, cpu = None, None, []
    while todo:
        keys = list(todo)
        jobs = [dict(kind="runge", layers=LAYERS[i], width=WIDTHS[j], activation=a,
                     lrs=[lrs[k] for k in todo[(a, i, j)]]) for a, i, j in keys]
        jobs += [] if before is not None else list(others)
        # the largest networks first, so that the two workers finish together
        order = sorted(range(len(jobs)), key=lambda k: -jobs[k]["layers"] * jobs[k]["width"]**2)
        out = [None] * len(jobs)
        for k, r in zip(order, run_parallel(run, [jobs[k] for k in order])):
            out[k] = r
        other_out = other_out or out[len(keys):]
        cpu.append(sum(r["seconds"] for o in out[:len(keys)] for r in o))
        for c, o in zip(keys, out):
            for n, k in enumerate(todo[c]):
                runs[c][k] = o[n * SEEDS:(n + 1) * SEEDS]
        summary, tried = {}, {}
        for a in RUNGE_ACTIVATIONS:
            block = [[r for k in range(len(lrs)) for r in runs[c].get(k, [nan] * SEEDS)]
                     for c in cells if c[0] == a]
            summary[a] = grid_summary(block, RUNGE_KEYS, lrs, +1)
            summary[a]["cpu_seconds_by_learning_rate"] = np.array(
                [[sum(r["seconds"] for r in cell[k * SEEDS:(k + 1) * SEEDS])
                  for k in range(len(lrs))] for cell in block]).reshape(
                len(LAYERS), len(WIDTHS), len(lrs))
            tried[a] = np.empty((len(LAYERS), len(WIDTHS)), dtype=object)
            for (_, i, j) in (c for c in cells if c[0] == a):
                tried[a][i, j] = sorted(runs[(a, i, j)])
        if before is None:
            before = sum(on_edge(summary[a]["learning_rate_index"], tried[a]) for a in tried)
        todo = {c: ext for c in cells
                if (ext := extensions(tried[c[0]][c[1:]],
                                      int(summary[c[0]]["learning_rate_index"][c[1:]]),
                                      down=c[0] in RUNGE_BELOW_FOR))}
    return summary, tried, before, other_out, cpu


def stuck(train_mse):
    """Per cell, the seeds whose network ended at a near-constant prediction:
    training MSE above STUCK × Var(y_train) (a constant's MSE is Var(y_train))."""
    return np.sum(train_mse > STUCK * float(np.var(runge_splits()["train"][1])), axis=-1)


def main():
    start = time.perf_counter()
    cells = [(n, w) for n in LAYERS for w in WIDTHS]
    summaries, tried, before, out, cpu = runge_ladder([dict(kind="digits", layers=n, width=w)
                                                  for n, w in cells])
    runge = {a: {"initialization": RUNGE_ACTIVATIONS[a], **s,
                 "learning_rates_tried": [[[ladder()[k] for k in t] for t in row]
                                          for row in tried[a]],
                 "n_stuck": stuck(s["train"]["values"])} for a, s in summaries.items()}
    after = sum(on_edge(summaries[a]["learning_rate_index"], tried[a]) for a in tried)
    digits = grid_summary(out, ("train", "val", "test", "best_epoch", "seconds"), DIGITS_LRS, -1)
    save_json("depth_width", {
        "layers": LAYERS, "widths": WIDTHS, "seeds": SEEDS,
        "runge": {"metric": "MSE (train/val/test against y; test_true against f)",
                  "optimizer": "Adam", "learning_rates": ladder(),
                  "first_learning_rates": RUNGE_LRS,
                  "extension": "a cell whose best η is the largest (for "
                               f"{', '.join(RUNGE_BELOW_FOR)} also: the smallest) it tried "
                               "also tries the next larger (smaller) η of learning_rates, "
                               "until its best is inside the η it tried or the list ends; "
                               "val_by_learning_rate is null for η not tried",
                  "extended_downwards": list(RUNGE_BELOW_FOR),
                  "cells_on_edge": {"first_grid": before, "extended": after,
                                    "cells": len(RUNGE_ACTIVATIONS) * len(cells)},
                  "cpu_seconds": {"first_grid": cpu[0], "extension": sum(cpu[1:]),
                                  "per_round": cpu},
                  "batch_size": RUNGE_BATCH,
                  "max_epochs": RUNGE_EPOCHS, "check_every": RUNGE_CHECK,
                  "patience": RUNGE_PATIENCE,
                  "stuck": f"n_stuck: seeds per cell with training MSE > {STUCK} Var(y_train), "
                           "i.e. a near-constant prediction",
                  "activations": runge},
        "dtype": "float32",
        "digits": {"metric": "accuracy", "activation": DIGITS_ACTIVATION, "initialization": "he",
                   "optimizer": "Adam", "learning_rates": DIGITS_LRS, "batch_size": DIGITS_BATCH,
                   "max_epochs": DIGITS_EPOCHS, "check_every": DIGITS_CHECK,
                   "patience": DIGITS_PATIENCE, **digits},
        "chosen_by": ("η per cell: the best mean validation score over the seeds (Runge: "
                      "MSE, digits: accuracy); each run's parameters: the checkpoint with "
                      "the best validation score (Runge: cost, digits: error rate)"),
        "seconds": time.perf_counter() - start,
    })
    for a, r in runge.items():
        m = np.array(r["test"]["mean"])
        i, j = np.unravel_index(np.argmin(m), m.shape)
        print(f"depth_width: Runge {a:10s} best test MSE {m[i, j]:.4f} at {LAYERS[i]} × "
              f"{WIDTHS[j]}; worst {np.max(m):.4f}")
    m = np.array(digits["test"]["mean"])
    i, j = np.unravel_index(np.argmax(m), m.shape)
    print(f"depth_width: Runge cells whose η is on an edge of the η they tried: {before} on "
          f"{RUNGE_LRS}, {after} after the extension")
    print(f"depth_width: digits best test accuracy {m[i, j]:.4f} at {LAYERS[i]} × {WIDTHS[j]}; "
          f"worst {np.min(m):.4f}")
    print(f"depth_width: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
