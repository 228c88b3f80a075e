"""Project 2, part d: figures from results/depth_width.json and results/gradients.json."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm, Normalize

from ._style import (COLORS, LINESTYLES, MARKERS, NAMES, WIDTH, arr, heatmap, legend_below, save,
                     spread)


def _grid_panels(axes, panels, r, norm, fmt, scale, cmap, notes=(None, None)):
    """Draw (ax, summary, title) panels on the layers × widths grid of depth_width.json,
    ``notes[k]`` on panel k."""
    for ax, (summary, title), note in zip(axes, panels, notes):
        im = heatmap(ax, arr(summary["mean"]) * scale, arr(summary["std"]) * scale,
                     xlabels=r["widths"], ylabels=r["layers"], fmt=fmt, norm=norm, cmap=cmap,
                     notes=note)
        ax.set_title(title)
    return im


def depth_width_runge(r):
    g = r["runge"]
    acts = list(g["activations"])
    fig, axes = plt.subplots(len(acts), 2, figsize=(WIDTH, 2.45 * len(acts) + 0.3),
                             sharex=True, sharey=True, layout="constrained")
    values = np.concatenate([arr(g["activations"][a][k]["mean"]).ravel()
                             for a in acts for k in ("train", "test_true")]) * 1e3
    norm = LogNorm(np.nanmin(values), np.nanmax(values))
    for row, a in zip(axes, acts):
        res = g["activations"][a]
        im = _grid_panels(row, [(res["train"], f"{NAMES[a]} ({NAMES[res['initialization']]}): "
                                               "train MSE"),
                                (res["test_true"], f"{NAMES[a]}: test MSE against f")],
                          r, norm, "{:.1f}", 1e3, "viridis",
                          (_stuck_notes(res, r["seeds"]), _eta_notes(res, 1e3, "{:.1f}")))
        row[0].set_ylabel("hidden layers")
    for ax in axes[-1]:
        ax.set_xlabel("nodes per hidden layer")
    bar = fig.colorbar(im, ax=axes, shrink=0.5, aspect=30, pad=0.01,
                       label="MSE (× 10⁻³, mean over seeds)")
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


def _eta_notes(res, scale, fmt):
    """Each cell's spread over seeds and, below it, the η chosen for it on validation
    (0.003 written .003, to fit the cell)."""
    std = arr(res["test_true" if "test_true" in res else "test"]["std"]) * scale
    return [[f"{spread(s, fmt)}\nη={lr:g}".replace("=0.", "=.") for s, lr in zip(srow, lrow)]
            for srow, lrow in zip(std, arr(res["learning_rate"]))]


def depth_width_digits(r):
    g = r["digits"]
    fig, axes = plt.subplots(1, 2, figsize=(WIDTH - 0.25, 3.7), sharey=True, layout="constrained")
    values = np.concatenate([arr(g[k]["mean"]).ravel() for k in ("train", "test")])
    norm = Normalize(np.nanmin(values), 1)
    im = _grid_panels(axes, [(g["train"], "ReLU (He): train accuracy"),
                             (g["test"], "ReLU (He): test accuracy")],
                      r, norm, "{:.3f}", 1, "cividis", (None, _eta_notes(g, 1, "{:.3f}")))
    axes[0].set_ylabel("hidden layers")
    for ax in axes:
        ax.set_xlabel("nodes per hidden layer")
    # under the panels, not beside them: the cells get the width for 8 pt numbers
    fig.colorbar(im, ax=axes, shrink=0.6, label="accuracy (mean over seeds)",
                 orientation="horizontal", aspect=40, pad=0.02)
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
        if init == "xavier" and "symmetry" in r:  # the symmetry broken: the first layer's drop goes
            shifted = 10 ** arr(r["symmetry"]["input shifted, x + 1"]["log10_rms_mean"])
            ax.plot(layers, shifted, color=COLORS[0], ls=":", marker="x", lw=1.0, ms=4,
                    label="sigmoid, input x + 1")
        ax.set(yscale="log", title=f"{NAMES[init]} initialisation", xlabel="layer l")
        ax.set_xticks(layers)
    axes[0].set_ylabel("RMS of ∂C/∂W$^l$ at the start")
    fig.tight_layout()
    handles, labels = axes[1].get_legend_handles_labels()  # lines before error bars: the
    order = sorted(range(len(labels)), key=lambda k: "x + 1" in labels[k])  # shifted one last
    legend_below(fig, [handles[k] for k in order], ncol=5, labels=[labels[k] for k in order])
    save(fig, "gradients")


def gradients_in_training(r):
    """Per run of r["in_training"]: RMS of ∂C/∂W^l by epoch (geometric mean over seeds),
    each seed's training MSE, and the fraction of saturated hidden units; dotted: the
    epochs where the study's early stopping ends each seed."""
    runs = r["in_training"]
    fig, axes = plt.subplots(3, len(runs), figsize=(WIDTH, 5.4), sharex=True, sharey="row",
                             layout="constrained")
    for col, (name, run) in zip(axes.T, runs.items()):
        rms = arr(run["rms"])  # (seeds, epochs + 1, layers)
        epochs = arr(run["epochs"])
        for l in range(rms.shape[2]):
            col[0].plot(epochs, 10 ** np.mean(np.log10(rms[:, :, l]), axis=0), color=COLORS[l],
                        ls=LINESTYLES[l % len(LINESTYLES)], lw=1.1,
                        label="output" if l == rms.shape[2] - 1 else f"l = {l + 1}")
        for k, (train, sat) in enumerate(zip(arr(run["train"]), arr(run["saturated"]))):
            col[1].plot(epochs, train * 1e3, color=COLORS[k], ls=LINESTYLES[k], lw=1.1,
                        label=f"seed {k}")
            col[2].plot(epochs, np.mean(sat, axis=1), color=COLORS[k], ls=LINESTYLES[k], lw=1.1)
            for ax in col[1:]:
                ax.axvline(run["stopped_at"][k], color=COLORS[k], ls=":", lw=0.9)
        col[0].set_title(f"sigmoid {name}")
        col[0].set_yscale("log")
        col[1].set_yscale("log")
        col[2].set(xlabel="epoch", ylim=(-0.03, 1.03))
    axes[0, 0].set_ylabel("RMS of ∂C/∂W$^l$")
    axes[1, 0].set_ylabel("train MSE (× 10⁻³)")
    axes[2, 0].set_ylabel("saturated units")
    axes[0, -1].legend(ncol=2, fontsize=7, handlelength=1.6, columnspacing=0.8)
    axes[1, -1].legend(fontsize=7, handlelength=1.6)
    save(fig, "gradients_in_training")


def draw(load):
    r = load("depth_width")
    depth_width_runge(r)
    depth_width_digits(r)
    g = load("gradients")
    gradients(g)
    if "in_training" in g:
        gradients_in_training(g)
