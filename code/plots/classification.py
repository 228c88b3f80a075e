"""Project 2, part f: ffnn's logistic regression (no hidden layer), from results/logistic.json."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import Normalize

from ._style import WIDTH, arr, heatmap, save


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


def draw(load):
    logistic_grid(load("logistic"))
