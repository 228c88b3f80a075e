"""Digits figure (ffnn against scikit-learn over the splits) from results/digits.json."""

import matplotlib.pyplot as plt
import numpy as np

from ._style import COLORS, WIDTH, epochs_of, save

# the final test accuracies right of the epochs: key in digits.json, name, colour, marker
FINALS = [("ffnn", "ffnn", COLORS[0], "o"), ("mlp", "MLPClassifier", COLORS[1], "s"),
          ("logreg", "logistic regression (LR)", COLORS[3], "D")]
SHORT = {"ffnn": "ffnn", "mlp": "MLP", "logreg": "LR"}  # the final panel's categories


def digits_curves(r):
    """Left: training cost per epoch; middle: ffnn's test accuracy per epoch; right,
    in a panel of its own: each model's final test accuracy on each split (grey
    lines join one split) with its mean ± std over the splits, as in the report's table."""
    f, m = r["ffnn"], r["mlp"]
    splits = r["splits"]
    fig, (a1, a2, a3) = plt.subplots(1, 3, figsize=(WIDTH - 0.1, 3.3),
                                     width_ratios=[1, 1, 0.45])
    for ax, curves, color, ls, name in (
            (a1, f["costs"], COLORS[0], "-", "ffnn"),
            (a1, m["loss_curves"], COLORS[1], "--", "MLPClassifier"),
            (a2, f["test_accuracy_curves"], COLORS[0], "-", "ffnn per epoch: mean, band = range")):
        _band(ax, curves, color, ls, name)
    a1.set_yscale("log")
    a1.set_xlabel("epoch")
    a1.set_ylabel("training cost (cross-entropy + L2)")
    a1.legend(loc="upper right")  # the curves start top left
    a1.set_title(f"training cost ({splits} splits)")
    a2.set_xlim(0, epochs_of(f["costs"][0])[-1] + 1)
    a2.set_xlabel("epoch")
    a2.set_ylabel("test accuracy")
    a2.set_title(f"test accuracy ({splits} splits)")
    # the final accuracies in their own panel, one category per model: no point on the epoch axis
    x = np.arange(len(FINALS))
    values = np.array([r[key]["test_accuracy"]["values"] for key, *_ in FINALS])
    for v in values.T:  # one split
        a3.plot(x, v, color="0.7", lw=0.7, zorder=1)
    for xk, (key, name, color, marker) in zip(x, FINALS):
        t = r[key]["test_accuracy"]
        a3.errorbar(xk, t["mean"], yerr=t["std"], color=color, marker=marker, ls="none",
                    ms=6, zorder=3, label=f"{name}: {t['mean']:.3f} ± {t['std']:.3f}")
    a3.set_xticks(x, [SHORT[key] for key, *_ in FINALS])
    a3.set_xlim(-0.5, len(FINALS) - 0.5)
    a3.set_xlabel("model")
    a3.set_title("final")
    a3.grid(False, axis="x")
    for ax in (a2, a3):
        ax.set_ylim(0.9, 1.0)
    a3.tick_params(labelleft=False)
    handles, labels = [], []
    for ax in (a2, a3):
        h, lab = ax.get_legend_handles_labels()
        handles += h
        labels += lab
    fig.legend(handles, labels, loc="lower center", ncol=2,
               bbox_to_anchor=(0.5, 0.0), frameon=False)
    fig.tight_layout(rect=(0, 0.17, 1, 1))
    # the final panel shares the middle one's accuracy axis: close up the gap between them
    p2, p3 = a2.get_position(), a3.get_position()
    a3.set_position([p2.x1 + 0.02, p3.y0, p3.x1 - p2.x1 - 0.02, p3.height])
    save(fig, "digits_curves")


def _band(ax, curves, color, ls, label):
    """Mean over splits as a line, the range (min to max) as a band."""
    c = np.array(curves, dtype=float)
    x = epochs_of(c[0])
    ax.plot(x, c.mean(axis=0), color=color, ls=ls, label=label)
    ax.fill_between(x, c.min(axis=0), c.max(axis=0), color=color, alpha=0.2, lw=0)


def draw(load):
    digits_curves(load("digits"))
