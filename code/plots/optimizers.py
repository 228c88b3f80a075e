"""Project 2, part b: figures from results/runge_optimizers.json."""

import matplotlib.pyplot as plt

from ._style import (COLORS, LINESTYLES, MARKERS, NAMES, WIDTH, arr, legend_below,
                     log_errorbar, save)

YLIM = (4e-3, 0.3)


def learning_rates(r):
    """Validation MSE against η for the chosen architecture: one panel per optimiser,
    one line per initialisation (the other architectures' choices are in the table)."""
    s = r["settings"]
    arch = r["best"]["architecture"]
    fig, axes = plt.subplots(1, len(s["optimizers"]), figsize=(WIDTH, 2.6), sharey=True)
    for ax, (k, (o, spec)) in zip(axes, enumerate(s["optimizers"].items())):
        for m, init in enumerate(s["initializations"]):
            cells = r["grid"][arch][o][init]["per_learning_rate"]
            mean = arr([c["val_mse"]["mean"] for c in cells])
            std = arr([c["val_mse"]["std"] for c in cells])
            ax.errorbar(spec["learning_rates"], mean, yerr=log_errorbar(mean, std),
                        color=COLORS[m], ls=LINESTYLES[m], marker=MARKERS[m],
                        mfc="white" if m else None, lw=1.2, label=NAMES[init])
        ax.axhline(r["ols"]["val_mse"], color="0.3", ls=(0, (1, 1)), lw=1.0,
                   label=f"OLS, degree {r['ols']['degree']}")
        ax.axhline(r["data"]["noise"] ** 2, color="0.6", lw=0.8,
                   label=f"noise variance σ² = {r['data']['noise'] ** 2:g}")
        ax.set(xscale="log", yscale="log", ylim=YLIM, title=f"{spec['label']}\n{arch}",
               xlabel="learning rate η")
    axes[0].set_ylabel("validation MSE")
    fig.tight_layout()
    legend_below(fig, axes[0], ncol=4)
    save(fig, "runge_optimizers")


def draw(load):
    r = load("runge_optimizers")
    learning_rates(r)
