"""Digits figures (ffnn against scikit-learn) from results/digits.json."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm

from ._style import COLORS, WIDTH, epochs_of, save


def digits_confusion(r):
    cm = np.array(r["confusion_matrix"])
    fig, ax = plt.subplots(figsize=(WIDTH * 0.62, WIDTH * 0.55))
    im = ax.imshow(cm, cmap="Blues", norm=LogNorm(vmin=0.8, vmax=cm.max()))
    for i in range(10):
        for j in range(10):
            if cm[i, j]:
                ax.text(j, i, cm[i, j], ha="center", va="center", fontsize=8,
                        color="white" if cm[i, j] > 10 else "black")
    ax.set_xticks(range(10))
    ax.set_yticks(range(10))
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    ax.grid(False)
    ax.set_title(f"ffnn on {r['n_test']} test images: {r['n_misclassified']} errors")
    fig.colorbar(im, ax=ax, shrink=0.8, label="number of images (log scale)")
    save(fig, "digits_confusion")


def digits_curves(r, lr):
    """Left: training cost; right: ffnn's test accuracy per epoch and, at
    the last epoch, every model's final test accuracy as in the report's table:
    mean ± std over seeds (digits.json), logistic regression deterministic."""
    f, m = r["ffnn"], r["mlp"]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(WIDTH - 0.1, 3.3))
    seeds = len(f["seed_test_accuracies"])
    for ax, curves, color, ls, name in (
            (a1, f["seed_costs"], COLORS[0], "-", "ffnn"),
            (a1, m["seed_loss_curves"], COLORS[1], "--", "scikit-learn MLPClassifier"),
            (a2, f["seed_test_accuracy_curves"], COLORS[0], "-", "ffnn per epoch: mean, band = range")):
        _band(ax, curves, color, ls, name)
    a1.set_yscale("log")
    a1.set_xlabel("epoch")
    a1.set_ylabel("training cost (cross-entropy + L2)")
    a1.legend()
    a1.set_title(f"training cost ({seeds} seeds)")
    epochs = epochs_of(f["test_accuracy_curve"])
    last = epochs[-1]
    L = r["logreg"]
    finals = [
        (f["mean_test_accuracy"], f["std_test_accuracy"], len(f["seed_test_accuracies"]),
         "ffnn", COLORS[0], "o"),
        (m["mean_test_accuracy"], m["std_test_accuracy"], len(m["seed_test_accuracies"]),
         "MLPClassifier", COLORS[1], "s"),
        (L["test_accuracy"], 0.0, 1, "logistic regression (same images)", COLORS[3], "D"),
    ]
    for k, (mean, std, n, name, color, marker) in enumerate(finals):
        spread = f"{mean:.3f} ± {std:.3f}" if n > 1 else f"{mean:.3f}"
        a2.errorbar(last + 3 + 2.5 * k, mean, yerr=std if n > 1 else None, color=color,
                    marker=marker, ls="none",
                    label=f"{name}: {spread}" + (f" ({n} seeds)" if n > 1 else ""))
    a2.axvline(last, color="0.6", lw=0.6)
    a2.set_xlim(0, last + 3 + 2.5 * len(finals))
    a2.set_ylim(0.9, 1.0)
    a2.set_xlabel("epoch (right of the line: final test accuracy)")
    a2.set_ylabel("test accuracy")
    a2.set_title(f"test accuracy ({seeds} seeds)")
    fig.legend(*a2.get_legend_handles_labels(), loc="lower center", ncol=2,
               bbox_to_anchor=(0.5, 0.0), frameon=False)
    fig.tight_layout(rect=(0, 0.17, 1, 1))
    save(fig, "digits_curves")


def _band(ax, curves, color, ls, label):
    """Mean over seeds as a line, the range (min to max) over seeds as a band."""
    c = np.array(curves, dtype=float)
    x = epochs_of(c[0])
    ax.plot(x, c.mean(axis=0), color=color, ls=ls, label=label)
    ax.fill_between(x, c.min(axis=0), c.max(axis=0), color=color, alpha=0.2, lw=0)


def digits_misclassified(r):
    mis = r["misclassified"]
    images = np.array(mis["images"])
    n = len(images)
    cols = max(1, min(n, 8))
    rows = max(1, int(np.ceil(n / cols)))
    fig, axes = plt.subplots(rows, cols, figsize=(WIDTH, 1.25 * rows), squeeze=False)
    for k, ax in enumerate(np.ravel(axes)):
        ax.axis("off")
        if k < n:
            ax.imshow(images[k], cmap="gray_r", vmin=0, vmax=1)
            ax.set_title(f"true {mis['true'][k]}\nnetwork {mis['predicted'][k]}", fontsize=8.5)
    fig.tight_layout()
    save(fig, "digits_misclassified")


def draw(load):
    r = load("digits")
    digits_confusion(r)
    digits_curves(r, load("logistic"))
    digits_misclassified(r)
