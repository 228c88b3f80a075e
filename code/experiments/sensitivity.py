"""Sensitivity of the digits classifier to its hyperparameters.

All runs train on the ``train`` part of ``_common.digits_splits`` (1077
images) and are chosen on the ``val`` part (360 images); the test part (360)
is scored once per run, never used for a choice.  To keep the whole study under a minute on two cores the network is
small, 64 → HIDDEN ReLU → 10 softmax, and the runs are short.

1. Learning rate η × L2 penalty λ for SGD with momentum (μ = 0.9) and Adam,
   GRID_EPOCHS epochs of mini-batches of 32: final validation accuracy, mean
   (and standard deviation) over GRID_SEEDS seeds.
2. Hidden activation (sigmoid, tanh, ReLU, leaky ReLU) × initialisation
   (N(0, 1), Xavier, He), Adam η = 1e-3, ACT_EPOCHS epochs, ACT_SEEDS seeds.
3. Learning curves per optimiser (plain full-batch GD, SGD, momentum,
   Nesterov, Adagrad, RMSprop, Adam): each with the best η of CURVE_LRS
   (by mean final validation accuracy over CURVE_SEEDS seeds), CURVE_EPOCHS
   epochs; mean and range over the seeds.
The runs of one setting that differ in η, λ or seed train in lockstep
(``_fit.train_many_apart``: a diverging run is split off and trained alone).
A run whose cost becomes NaN/inf (ffnn.DivergenceError) is recorded as
diverged, with accuracy null.  Writes results/sensitivity.json.
"""

import time
import warnings

import numpy as np
from _common import classifier, digits_splits, run_parallel, save_json
from _fit import train_many_apart

import ffnn

HIDDEN = [32]
BATCH_SIZE = 32
SEED = 0

GRID_EPOCHS = 10
GRID_SEEDS = 5
GRID_OPTIMIZERS = ["Momentum", "Adam"]
GRID_LRS = [1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0]
GRID_L2 = [0.0, 1e-4, 1e-3, 1e-2]

ACT_EPOCHS = 15
ACT_SEEDS = 5
ACT_LRS = [1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1]  # η chosen per activation and initialisation
ACTIVATIONS = ["sigmoid", "tanh", "relu", "leaky_relu"]
INITIALIZATIONS = ["normal", "xavier", "he"]

CURVE_EPOCHS = 20
CURVE_SEEDS = 5
CURVE_OPTIMIZERS = ["GD", "SGD", "Momentum", "Nesterov", "Adagrad", "RMSprop", "Adam"]
CURVE_LRS = [1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0]
OPTIMIZER_LABELS = {
    "GD": "plain GD (full batch)", "SGD": "SGD", "Momentum": "SGD + momentum",
    "Nesterov": "SGD + Nesterov momentum", "Adagrad": "Adagrad", "RMSprop": "RMSprop",
    "Adam": "Adam",
}


def make_optimizer(name, lr):
    if name in ("GD", "SGD"):
        return ffnn.GradientDescent(lr)
    if name == "Momentum":
        return ffnn.Momentum(lr, momentum=0.9)
    if name == "Nesterov":
        return ffnn.Momentum(lr, momentum=0.9, nesterov=True)
    return {"Adagrad": ffnn.Adagrad, "RMSprop": ffnn.RMSprop, "Adam": ffnn.Adam}[name](lr)


def run(data, optimizer, lrs, l2s=(0.0,), activation="relu", initialization="he", epochs=10,
        seeds=(SEED,)):
    """Every η of ``lrs`` × λ of ``l2s`` × seed of ``seeds`` (in that order), trained in
    lockstep (``_fit.train_many_apart``); per run its history, or a diverged marker."""
    (Xtr, Ytr, _), (Xv, Yv, _), (Xt, Yt, _) = data
    keys = [(lr, l2, seed) for lr in lrs for l2 in l2s for seed in seeds]
    nets = [classifier(64, HIDDEN, 10, activation, initialization, seed, l2=l2)
            for _, l2, seed in keys]
    batch_size = None if optimizer == "GD" else BATCH_SIZE
    hs = train_many_apart(nets, Xtr, Ytr, [make_optimizer(optimizer, lr) for lr, _, _ in keys],
                          seeds=[seed for _, _, seed in keys], epochs=epochs,
                          batch_size=batch_size, X_val=Xv, Y_val=Yv)
    return [_summary(net, h, Xtr, Ytr, Xt, Yt) for net, h in zip(nets, hs)]


def _summary(net, h, Xtr, Ytr, Xt, Yt):
    if h is None:
        return {"diverged": True, "val_accuracy": None, "train_accuracy": None,
                "test_accuracy": None, "dead_fraction": None}
    W, b = net.layers[0]
    return {
        "diverged": False,
        # hidden units whose pre-activation is <= 0 for every training image: a dead
        # ReLU outputs 0 and has gradient 0 for all of them, so it never recovers
        "dead_fraction": float(np.mean(np.all(Xtr @ W + b <= 0, axis=0))),
        "val_accuracy": h["val_accuracy"][-1],
        "train_accuracy": ffnn.accuracy(net.predict(Xtr), Ytr),
        # scored once, never used for a choice: the test images of split 0
        "test_accuracy": ffnn.accuracy(net.predict(Xt), Yt),
        "history": h,
    }


def main():
    start = time.perf_counter()
    s = digits_splits()
    data = (s["train"], s["val"], s["test"])

    # one lockstep group per (optimiser, η) of the grid, per (activation, initialisation),
    # and per optimiser of the curves; the runs come back in the order of the loops below
    grid_jobs = [dict(data=data, optimizer=o, lrs=[lr], l2s=GRID_L2, epochs=GRID_EPOCHS,
                      seeds=range(GRID_SEEDS)) for o in GRID_OPTIMIZERS for lr in GRID_LRS]
    act_jobs = [dict(data=data, optimizer="Adam", lrs=ACT_LRS, activation=a, initialization=i,
                     epochs=ACT_EPOCHS, seeds=range(ACT_SEEDS))
                for a in ACTIVATIONS for i in INITIALIZATIONS]
    curve_jobs = [dict(data=data, optimizer=o, lrs=CURVE_LRS, epochs=CURVE_EPOCHS,
                       seeds=range(CURVE_SEEDS)) for o in CURVE_OPTIMIZERS]
    out = run_parallel(run, grid_jobs + act_jobs + curve_jobs)
    grid_out = [r for rows in out[: len(grid_jobs)] for r in rows]
    act_out = [r for rows in out[len(grid_jobs) : len(grid_jobs) + len(act_jobs)] for r in rows]
    curve_out = out[len(grid_jobs) + len(act_jobs) :]

    def acc(r, key="val_accuracy"):
        return np.nan if r["diverged"] else r[key]

    # 1. η × λ heatmaps, mean over seeds (a cell where every seed diverged is NaN)
    grids = {}
    n = len(GRID_LRS) * len(GRID_L2) * GRID_SEEDS
    shape = (len(GRID_LRS), len(GRID_L2), GRID_SEEDS)
    for k, o in enumerate(GRID_OPTIMIZERS):
        block = grid_out[k * n : (k + 1) * n]
        with warnings.catch_warnings():  # all-diverged cells: mean and std are NaN
            warnings.simplefilter("ignore", RuntimeWarning)
            val_seeds = np.array([acc(r) for r in block]).reshape(shape)
            val, val_std = np.nanmean(val_seeds, axis=2), np.nanstd(val_seeds, axis=2, ddof=1)
            train = np.nanmean(np.array([acc(r, "train_accuracy") for r in block]).reshape(shape),
                               axis=2)
            dead = np.nanmean(np.array([acc(r, "dead_fraction") for r in block]).reshape(shape),
                              axis=2)
        n_div = np.array([r["diverged"] for r in block]).reshape(shape).sum(axis=2)
        i, j = np.unravel_index(np.nanargmax(val), val.shape)
        grids[o] = {"label": OPTIMIZER_LABELS[o], "val_accuracy": val, "val_accuracy_std": val_std,
                    "val_accuracy_per_seed": val_seeds, "train_accuracy": train,
                    "dead_fraction": dead, "diverged": n_div > 0, "n_diverged": n_div,
                    "best": {"learning_rate": GRID_LRS[i], "l2": GRID_L2[j],
                             "val_accuracy": float(val[i, j]),
                             "val_accuracy_std": float(val_std[i, j])}}

    # 2. activation × initialisation, mean over seeds
    by_lr = np.array([acc(r) for r in act_out]).reshape(
        len(ACTIVATIONS), len(INITIALIZATIONS), len(ACT_LRS), ACT_SEEDS)
    with warnings.catch_warnings():  # an all-diverged cell: mean and std are NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        best = np.argmax(np.nan_to_num(np.nanmean(by_lr, axis=3), nan=-1.0), axis=2)
        per_seed = np.take_along_axis(by_lr, best[:, :, None, None], axis=2)[:, :, 0]
        test_by_lr = np.array([acc(r, "test_accuracy") for r in act_out]).reshape(by_lr.shape)
        test = np.nanmean(np.take_along_axis(test_by_lr, best[:, :, None, None], axis=2)[:, :, 0],
                          axis=2)
        mean = np.nanmean(per_seed, axis=2)
        std = np.nanstd(per_seed, axis=2, ddof=1)
    activations = {"activations": ACTIVATIONS, "initializations": INITIALIZATIONS,
                   "seeds": ACT_SEEDS, "epochs": ACT_EPOCHS, "learning_rates": ACT_LRS,
                   "best_learning_rate": np.array(ACT_LRS)[best],
                   "chosen_by": "η: best mean validation accuracy per cell (the same "
                                "validation images that are reported: optimistic)",
                   "val_accuracy_mean": mean, "val_accuracy_std": std,
                   "val_accuracy_per_seed": per_seed,
                   "test_accuracy_mean": test,
                   "n_diverged": np.isnan(per_seed).sum(axis=2)}

    # 3. learning curves, best η per optimiser by the mean final validation accuracy
    curves = {}
    for o, block in zip(CURVE_OPTIMIZERS, curve_out):
        finals = np.array([acc(r) for r in block], dtype=float).reshape(len(CURVE_LRS),
                                                                         CURVE_SEEDS)
        with warnings.catch_warnings():  # an η at which a seed diverged is not chosen
            warnings.simplefilter("ignore", RuntimeWarning)
            b = int(np.nanargmax(np.where(np.isnan(finals).any(axis=1), np.nan,
                                          finals.mean(axis=1))))
        runs = block[b * CURVE_SEEDS : (b + 1) * CURVE_SEEDS]
        h = {k: np.array([r["history"][k] for r in runs]) for k in ("cost", "val_accuracy")}
        curves[o] = {"label": OPTIMIZER_LABELS[o], "learning_rate": CURVE_LRS[b],
                     "batch_size": "full" if o == "GD" else BATCH_SIZE,
                     "final_val_accuracy_per_lr": finals.mean(axis=1),
                     **{k: v.mean(axis=0) for k, v in h.items()},
                     **{f"{k}_min": v.min(axis=0) for k, v in h.items()},
                     **{f"{k}_max": v.max(axis=0) for k, v in h.items()},
                     "final_val_accuracy": h["val_accuracy"][:, -1].mean(),
                     "final_val_accuracy_per_seed": h["val_accuracy"][:, -1],
                     "final_train_accuracy": np.mean([r["train_accuracy"] for r in runs]),
                     "final_test_accuracy": np.mean([r["test_accuracy"] for r in runs])}

    results = {
        "n_train": int(len(s["train"][0])), "n_val": int(len(s["val"][0])),
        "n_test": int(len(s["test"][0])),
        "architecture": f"64 → {HIDDEN[0]} ReLU → 10 softmax", "batch_size": BATCH_SIZE,
        "grid": {"optimizers": GRID_OPTIMIZERS, "learning_rates": GRID_LRS, "l2": GRID_L2,
                 "epochs": GRID_EPOCHS, "seeds": GRID_SEEDS, "initialization": "he", "results": grids},
        "activations": activations,
        "curves": {"optimizers": CURVE_OPTIMIZERS, "learning_rates": CURVE_LRS,
                   "epochs": CURVE_EPOCHS, "seeds": CURVE_SEEDS,
                   "summary": "cost, val_accuracy: mean over the seeds; _min, _max: range",
                   "results": curves},
    }
    save_json("sensitivity", results)
    for o, g in grids.items():
        b = g["best"]
        print(f"sensitivity: {o:8s} best η = {b['learning_rate']:g}, λ = {b['l2']:g}: "
              f"val accuracy {b['val_accuracy']:.3f}; {int(g['n_diverged'].sum())} of "
              f"{g['n_diverged'].size * GRID_SEEDS} runs diverged")
    for a, row in zip(ACTIVATIONS, mean):
        print(f"sensitivity: {a:10s} " + "  ".join(
            f"{i} {v:.3f}" for i, v in zip(INITIALIZATIONS, row)))
    for o, c in curves.items():
        print(f"sensitivity: {o:8s} η = {c['learning_rate']:g}: val accuracy "
              f"{c['final_val_accuracy']:.3f} after {CURVE_EPOCHS} epochs")
    print(f"sensitivity: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
