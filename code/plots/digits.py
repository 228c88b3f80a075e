"""Digits figure (ffnn against scikit-learn over the splits) from results/digits.json."""

import matplotlib.pyplot as plt
import numpy as np

from ._style import COLORS, WIDTH, epochs_of, save

# the final test accuracies right of the epochs: key in digits.json, name, colour, marker
FINALS = [("ffnn", "ffnn", COLORS[0], "o"), ("mlp", "MLPClassifier", COLORS[1], "s"),
          ("logreg", "logistic regression", COLORS[3], "D")]


def digits_curves(r):
    """Left: training cost per epoch; right: ffnn's test accuracy per epoch and,
    right of the grey line, each model's final test accuracy on each split (grey
    lines join one split) with its mean ± std over the splits, as in the report's table."""
    f, m = r["ffnn"], r["mlp"]
    splits = r["splits"]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(WIDTH - 0.1, 3.3))
    for ax, curves, color, ls, name in (
            (a1, f["costs"], COLORS[0], "-", "ffnn"),
            (a1, m["loss_curves"], COLORS[1], "--", "scikit-learn MLPClassifier"),
            (a2, f["test_accuracy_curves"], COLORS[0], "-", "ffnn per epoch: mean, band = range")):
        _band(ax, curves, color, ls, name)
    a1.set_yscale("log")
    a1.set_xlabel("epoch")
    a1.set_ylabel("training cost (cross-entropy + L2)")
    a1.legend()
    a1.set_title(f"training cost ({splits} splits)")
    last = epochs_of(f["costs"][0])[-1]
    x = last + 6 + 8 * np.arange(len(FINALS))
    values = np.array([r[key]["test_accuracy"]["values"] for key, *_ in FINALS])
    for v in values.T:  # one split
        a2.plot(x, v, color="0.7", lw=0.7, zorder=1)
    for xk, (key, name, color, marker) in zip(x, FINALS):
        t = r[key]["test_accuracy"]
        a2.errorbar(xk, t["mean"], yerr=t["std"], color=color, marker=marker, ls="none",
                    ms=6, zorder=3, label=f"{name}: {t['mean']:.3f} ± {t['std']:.3f}")
    a2.axvline(last + 1, color="0.6", lw=0.6)
    a2.set_xlim(0, x[-1] + 6)
    a2.set_ylim(0.9, 1.0)
    a2.set_xlabel("epoch (right of the line: final test accuracy)")
    a2.set_ylabel("test accuracy")
    a2.set_title(f"test accuracy ({splits} splits)")
    fig.legend(*a2.get_legend_handles_labels(), loc="lower center", ncol=2,
               bbox_to_anchor=(0.5, 0.0), frameon=False)
    fig.tight_layout(rect=(0, 0.17, 1, 1))
    save(fig, "digits_curves")


def _band(ax, curves, color, ls, label):
    """Mean over splits as a line, the range (min to max) as a band."""
    c = np.array(curves, dtype=float)
    x = epochs_of(c[0])
    ax.plot(x, c.mean(axis=0), color=color, ls=ls, label=label)
    ax.fill_between(x, c.min(axis=0), c.max(axis=0), color=color, alpha=0.2, lw=0)


def draw(load):
    digits_curves(load("digits"))
