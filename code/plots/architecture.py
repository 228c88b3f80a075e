"""Project 2, part d: figures from results/depth_width.json and results/gradients.json."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm, Normalize

from ._style import COLORS, LINESTYLES, MARKERS, NAMES, WIDTH, arr, heatmap, legend_below, save


def _grid_panels(axes, panels, r, norm, fmt, scale, cmap, notes=None):
    """Draw (ax, summary, title) panels on the layers × widths grid of depth_width.json."""
    for ax, (summary, title) in zip(axes, panels):
        im = heatmap(ax, arr(summary["mean"]) * scale, arr(summary["std"]) * scale,
                     xlabels=r["widths"], ylabels=r["layers"], fmt=fmt, norm=norm, cmap=cmap,
                     notes=notes)
        ax.set_title(title)
    return im


def depth_width_runge(r):
    g = r["runge"]
    acts = list(g["activations"])
    fig, axes = plt.subplots(len(acts), 2, figsize=(WIDTH, 2.25 * len(acts) + 0.3),
                             sharex=True, sharey=True)
    values = np.concatenate([arr(g["activations"][a][k]["mean"]).ravel()
                             for a in acts for k in ("train", "test_true")]) * 1e3
    norm = LogNorm(np.nanmin(values), np.nanmax(values))
    for row, a in zip(axes, acts):
        res = g["activations"][a]
        im = _grid_panels(row, [(res["train"], f"{NAMES[a]} ({NAMES[res['initialization']]}): "
                                               "train MSE"),
                                (res["test_true"], f"{NAMES[a]}: test MSE against f")],
                          r, norm, "{:.1f}", 1e3, "viridis", _stuck_notes(res, r["seeds"]))
        row[0].set_ylabel("hidden layers")
    for ax in axes[-1]:
        ax.set_xlabel("nodes per hidden layer")
    fig.tight_layout()
    bar = fig.colorbar(im, ax=axes, shrink=0.6, label="MSE × 10³ (mean over seeds)", pad=0.02)
    ticks = [t for t in (1, 2, 5, 10, 20, 40, 60, 80, 100) if norm.vmin <= t <= norm.vmax]
    bar.set_ticks(ticks, labels=[f"{t:g}" for t in ticks])
    bar.minorticks_off()
    save(fig, "depth_width_runge")


def _stuck_notes(res, seeds):
    """"k/n stuck" for the cells where some or all seeds ended at a constant."""
    if "n_stuck" not in res:
        return None
    return [[f"{k}/{seeds} stuck" if k > 0 else "" for k in row]
            for row in res["n_stuck"]]


def depth_width_digits(r):
    g = r["digits"]
    fig, axes = plt.subplots(1, 2, figsize=(WIDTH, 2.8), sharey=True)
    values = np.concatenate([arr(g[k]["mean"]).ravel() for k in ("train", "test")])
    norm = Normalize(np.nanmin(values), 1)
    im = _grid_panels(axes, [(g["train"], "ReLU (He): train accuracy"),
                             (g["test"], "ReLU (He): test accuracy")],
                      r, norm, "{:.3f}", 1, "cividis")
    axes[0].set_ylabel("hidden layers")
    for ax in axes:
        ax.set_xlabel("nodes per hidden layer")
    fig.tight_layout()
    fig.colorbar(im, ax=axes, shrink=0.85, label="accuracy (mean over seeds)", pad=0.02)
    save(fig, "depth_width_digits")


def gradients(r):
    fig, axes = plt.subplots(1, len(r["initializations"]), figsize=(WIDTH, 2.7), sharey=True)
    layers = np.array(r["layers"])
    for ax, init in zip(axes, r["initializations"]):
        for k, a in enumerate(r["activations"]):
            res = r["results"][a][init]
            mean, std = arr(res["log10_rms_mean"]), arr(res["log10_rms_std"])
            y = 10**mean
            ax.errorbar(layers + (k - 1.5) * 0.06, y, yerr=[y - 10 ** (mean - std),
                                                            10 ** (mean + std) - y],
                        color=COLORS[k], ls=LINESTYLES[k], marker=MARKERS[k], lw=1.2,
                        label=NAMES[a])
        ax.set(yscale="log", title=f"{NAMES[init]} initialisation", xlabel="layer l")
        ax.set_xticks(layers)
    axes[0].set_ylabel("RMS of ∂C/∂W$^l$ at the start")
    fig.tight_layout()
    legend_below(fig, axes[0], ncol=4)
    save(fig, "gradients")


def draw(load):
    r = load("depth_width")
    depth_width_runge(r)
    depth_width_digits(r)
    gradients(load("gradients"))
