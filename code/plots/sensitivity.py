"""Digits sensitivity figures from results/sensitivity.json."""

import matplotlib.pyplot as plt
import numpy as np

from ._style import COLORS, LINESTYLES, MARKERS, NAMES, WIDTH, arr, epochs_of, heatmap, save


def lr_l2_heatmap(r):
    g = r["grid"]
    opts = g["optimizers"]
    fig, axes = plt.subplots(1, len(opts), figsize=(WIDTH - 0.65, 3.6), sharey=True,
                             layout="constrained")
    for ax, o in zip(np.atleast_1d(axes), opts):
        res = g["results"][o]
        std = arr(res["val_accuracy_std"]) if "val_accuracy_std" in res else None
        im = heatmap(ax, arr(res["val_accuracy"]), std,
                     xlabels=[f"{v:g}" for v in g["l2"]],
                     ylabels=[f"{v:g}" for v in g["learning_rates"]], fmt="{:.2f}",
                     vmin=0.0, vmax=1.0)
        ax.set_xlabel("L2 penalty λ")
        ax.set_title(f"{res['label']}, {g['epochs']} epochs")
    np.atleast_1d(axes)[0].set_ylabel("learning rate η")
    seeds = g.get("seeds", 1)
    # under the panels, not beside them: the cells get the width for 8 pt numbers
    fig.colorbar(im, ax=axes, shrink=0.6, aspect=40, pad=0.02, orientation="horizontal",
                 label="validation accuracy" + (f" (mean ± std, {seeds} seeds)"
                                                     if seeds > 1 else ""))
    save(fig, "lr_l2_heatmap")


def activations(r):
    a = r["activations"]
    fig, ax = plt.subplots(figsize=(WIDTH * 0.7, 3.0))
    im = heatmap(ax, arr(a["val_accuracy_mean"]), arr(a["val_accuracy_std"]),
                 xlabels=[NAMES[i] for i in a["initializations"]],
                 ylabels=[NAMES[n] for n in a["activations"]], fmt="{:.3f}",
                 vmin=float(np.floor(np.nanmin(arr(a["val_accuracy_mean"])) * 50) / 50),
                 vmax=1.0, fontsize=8.5)
    ax.set_xlabel("initialisation of the weights")
    ax.set_ylabel("hidden activation")
    ax.set_title(f"Adam, best η per cell, {a['epochs']} epochs, "
                 f"mean ± std over {a['seeds']} seeds")
    fig.colorbar(im, ax=ax, label="validation accuracy")
    save(fig, "activations")


def updates_per_epoch(batch_size, n_train):
    """Parameter updates in one epoch: 1 for the full batch ("full"), else ⌈n / batch⌉."""
    return 1 if batch_size == "full" else -(-n_train // batch_size)


def learning_curves(r):
    """Per optimiser, against its number of updates (log axis): full-batch GD makes one
    per epoch, the mini-batch methods ⌈n_train / batch⌉, so an epoch is not a like unit."""
    c = r["curves"]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(WIDTH, 3.2))
    for k, o in enumerate(c["optimizers"]):
        res = c["results"][o]
        label = f"{res['label']}, η = {res['learning_rate']:g}"
        style = dict(color=COLORS[k], ls=LINESTYLES[k % len(LINESTYLES)], marker=MARKERS[k],
                     markevery=(k % 4, 4), lw=1.2)
        for ax, key in ((a1, "cost"), (a2, "val_accuracy")):  # mean, and range over seeds
            e = epochs_of(res[key]) * updates_per_epoch(res["batch_size"], r["n_train"])
            ax.plot(e, res[key], label=label, **style)
            ax.fill_between(e, res[f"{key}_min"], res[f"{key}_max"], color=COLORS[k],
                            alpha=0.15, lw=0)
    for ax in (a1, a2):
        ax.set_xscale("log")
        ax.set_xlabel("updates (GD: 1 per epoch)")
    a1.set_yscale("log")
    a1.set_ylabel("training cross-entropy")
    a1.set_title(f"training cost (mean, range over {c['seeds']} seeds)")
    a2.set_ylabel("validation accuracy")
    a2.set_ylim(0.3, 1.0)
    a2.set_title("validation accuracy")
    fig.legend(*a1.get_legend_handles_labels(), loc="upper center", ncol=2,
               bbox_to_anchor=(0.5, 0.0), frameon=False)
    fig.tight_layout()
    save(fig, "learning_curves")


def draw(load):
    r = load("sensitivity")
    lr_l2_heatmap(r)
    activations(r)
    learning_curves(r)
