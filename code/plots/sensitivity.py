"""Digits sensitivity figures from results/sensitivity.json."""

import matplotlib.pyplot as plt
import numpy as np

from ._style import COLORS, WIDTH, arr, epochs_of, save

def annotated_heatmap(ax, values, xlabels, ylabels, fmt="{:.2f}", std=None, vmin=0.0, vmax=1.0):
    cmap = plt.get_cmap("viridis").copy()
    cmap.set_bad("0.8")
    im = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            v = values[i, j]
            if np.isnan(v):
                text, color = "diverged", "black"
            else:
                text = fmt.format(v) + ("" if std is None else f"\n±{std[i, j]:.2f}")
                color = "black" if v > 0.6 * vmax else "white"
            ax.text(j, i, text, ha="center", va="center", fontsize=8, color=color)
    ax.set_xticks(range(len(xlabels)))
    ax.set_xticklabels(xlabels)
    ax.set_yticks(range(len(ylabels)))
    ax.set_yticklabels(ylabels)
    ax.grid(False)
    return im


def lr_l2_heatmap(r):
    g = r["grid"]
    opts = g["optimizers"]
    fig, axes = plt.subplots(1, len(opts), figsize=(WIDTH, 3.6), sharey=True)
    for ax, o in zip(np.atleast_1d(axes), opts):
        res = g["results"][o]
        im = annotated_heatmap(ax, arr(res["val_accuracy"]), [f"{v:g}" for v in g["l2"]],
                               [f"{v:g}" for v in g["learning_rates"]])
        ax.set_xlabel("L2 penalty λ")
        ax.set_title(f"{res['label']}, {g['epochs']} epochs")
    np.atleast_1d(axes)[0].set_ylabel("learning rate η")
    fig.colorbar(im, ax=axes, shrink=0.85, label="validation accuracy")
    save(fig, "lr_l2_heatmap")


def activations(r):
    a = r["activations"]
    names = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "leaky ReLU"}
    inits = {"normal": "N(0, 1)", "xavier": "Xavier", "he": "He"}
    fig, ax = plt.subplots(figsize=(WIDTH * 0.7, 3.4))
    im = annotated_heatmap(ax, arr(a["val_accuracy_mean"]), [inits[i] for i in a["initializations"]],
                           [names[n] for n in a["activations"]], fmt="{:.3f}",
                           std=arr(a["val_accuracy_std"]))
    ax.set_xlabel("initialisation of the weights")
    ax.set_ylabel("hidden activation")
    ax.set_title(f"Adam η = {a['learning_rate']:g}, {a['epochs']} epochs, "
                 f"mean ± std over {a['seeds']} seeds")
    fig.colorbar(im, ax=ax, label="validation accuracy")
    save(fig, "activations")


def learning_curves(r):
    c = r["curves"]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(WIDTH, 3.2))
    styles = ["-", "-", "--", "-.", "-", "--", "-"]
    for k, o in enumerate(c["optimizers"]):
        res = c["results"][o]
        label = f"{res['label']}, η = {res['learning_rate']:g}"
        a1.semilogy(epochs_of(res["cost"]), res["cost"], color=COLORS[k], ls=styles[k],
                    label=label)
        a2.plot(epochs_of(res["val_accuracy"]), res["val_accuracy"], color=COLORS[k],
                ls=styles[k])
    a1.set_xlabel("epoch")
    a1.set_ylabel("training cross-entropy")
    a1.set_title("training cost")
    a2.set_xlabel("epoch")
    a2.set_ylabel("validation accuracy")
    a2.set_ylim(0.3, 1.0)
    a2.set_title("validation accuracy")
    fig.legend(*a1.get_legend_handles_labels(), loc="upper center", ncol=3,
               bbox_to_anchor=(0.5, 0.0), frameon=False)
    fig.tight_layout()
    save(fig, "learning_curves")


def draw(load):
    r = load("sensitivity")
    lr_l2_heatmap(r)
    activations(r)
    learning_curves(r)
