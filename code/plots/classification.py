"""Project 2, part f: figures from results/logistic.json, torch_compare.json and digits.json."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import Normalize

from ._style import COLORS, MARKERS, WIDTH, arr, heatmap, save


def power_labels(values):
    """'0' and '10⁻ᵏ'-style labels for a grid of penalties."""
    return ["0" if v == 0 else f"$10^{{{int(round(np.log10(v)))}}}$" for v in values]


def logistic_grid(r):
    """Validation cross-entropy (which chooses) and accuracy of ffnn's logistic regression."""
    f = r["ffnn"]
    fig, axes = plt.subplots(1, 2, figsize=(WIDTH, 2.6), sharey=True)
    panels = [("val_cross_entropy", 1.0, "{:.3f}", "{:.4f}", "viridis", "validation cross-entropy"),
              ("val_accuracy", 1.0, "{:.3f}", "{:.4f}", "cividis", "validation accuracy")]
    for ax, (key, scale, fmt, std_fmt, cmap, label) in zip(axes, panels):
        g = f["grid"][key]
        mean = arr(g["mean"]) * scale
        im = heatmap(ax, mean, arr(g["std"]) * scale, xlabels=power_labels(f["lambdas"]),
                     ylabels=[f"{v:g}" for v in f["learning_rates"]], fmt=fmt, std_fmt=std_fmt,
                     cmap=cmap, norm=Normalize(np.nanmin(mean), np.nanmax(mean)))
        ax.set(xlabel="L2 penalty λ")
        fig.colorbar(im, ax=ax, pad=0.03, label=label)
    axes[0].set_ylabel("SGD learning rate η")
    fig.suptitle(f"64 → 10 softmax (no hidden layer), SGD on batches of {f['batch_size']}, "
                 f"mean ± std over {f['seeds']} seeds", fontsize=8.5)
    fig.tight_layout()
    save(fig, "logistic_grid")


def classifiers(lg, tc, dg):
    """Test accuracy (mean ± std over seeds) of every classifier of the digits experiments."""
    rows = []  # (label, mean, std or None, group)
    f = lg["ffnn"]["best"]["test_accuracy"]
    rows.append((f"ffnn logistic, SGD, λ = {power_labels([lg['ffnn']['lambda']])[0]}",
                 f["mean"], f["std"], 0))
    same = lg["sklearn"]["same_cost"]
    rows.append((f"ffnn logistic, SGD, λ = {power_labels([same['lambda']])[0]}",
                 same["ffnn"]["test_accuracy"]["mean"], same["ffnn"]["test_accuracy"]["std"], 0))
    rows.append((f"LogisticRegression, same cost: C = {same['C']:.3g}",
                 same["test_accuracy"], None, 0))
    rows.append((f"LogisticRegression, C = {lg['sklearn']['best']['C']:g} (validation)",
                 lg["sklearn"]["best"]["test_accuracy"], None, 0))
    for key, name in (("ffnn", "ffnn"), ("torch", "PyTorch")):
        if key in tc:
            t = tc[key]["test_accuracy"]
            rows.append((f"{name}, 64→128→64→10, {tc['settings']['epochs']} epochs",
                         t["mean"], t["std"], 1))
    for key, name in (("ffnn", "ffnn"), ("mlp", "MLPClassifier")):
        d = dg[key]
        rows.append((f"{name}, 64→128→64→10, {dg['settings']['epochs']} epochs",
                     d["mean_test_accuracy"], d["std_test_accuracy"], 1))
    fig, ax = plt.subplots(figsize=(WIDTH - 2.5, 0.32 * len(rows) + 0.9))
    y = np.arange(len(rows))[::-1]
    for yk, (label, mean, std, group) in zip(y, rows):
        ax.errorbar(mean, yk, xerr=std,
                    marker=MARKERS[group] if std is not None else "D", color=COLORS[group],
                    mfc=COLORS[group] if std is not None else "white", ls="none")
    ax.set_yticks(y, [r[0] for r in rows])
    ax.set_xlabel("test accuracy (mean ± std over seeds;\nopen diamonds: deterministic)")
    ax.set_title(f"training images: {lg['n_train']} (logistic), {tc['n_train']} (networks)",
                 fontsize=8)
    save(fig, "classifiers")


def draw(load):
    lg = load("logistic")
    logistic_grid(lg)
    classifiers(lg, load("torch_compare"), load("digits"))
