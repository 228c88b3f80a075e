"""The fitted Runge curves (draw 0) and the paired differences over data draws."""

import matplotlib.pyplot as plt
import numpy as np

from ._style import COLORS, LINESTYLES, MARKERS, WIDTH, arr, legend_below, save

MODELS = ["network", "OLS", "Ridge", "Lasso"]
COLUMNS = {"network": "ffnn", "MLPRegressor": "sklearn\nMLP", "OLS": "OLS", "Ridge": "Ridge",
           "Lasso": "Lasso"}  # right panel: each model's test MSE on each draw


def draw(load):
    r = load("runge_draws")
    c = r["curves"]
    x = arr(c["x"])
    xtr, ytr = (arr(v).ravel() for v in c["train"])
    fig, axes = plt.subplots(1, 2, figsize=(WIDTH, 2.7), width_ratios=[1.35, 1])
    ax = axes[0]
    ax.plot(xtr, ytr, ".", color="0.6", ms=3, label="training data")
    ax.plot(x, 1 / (1 + 25 * x**2), color="k", lw=0.9, ls=":", label="f(x)")
    lin = r["linear"][0]
    for k, m in enumerate(MODELS):
        label = m if m == "network" else f"{m}, degree {lin[m]['degree']}"
        ax.plot(x, arr(c[m]), color=COLORS[k], ls=LINESTYLES[k], lw=1.1, label=label)
    ax.set(xlabel="x", ylabel="y", ylim=(-0.3, 1.25), title="fits to draw 0")
    ax = axes[1]
    t = r["test_mse_true"]
    cols = [m for m in COLUMNS if m in t]
    draws = len(arr(t["network"]))
    jitter = np.linspace(-0.15, 0.15, draws)
    for k, m in enumerate(cols):
        c = MODELS.index(m) if m in MODELS else len(MODELS)
        ax.plot(k + jitter, arr(t[m]) * 1e3, MARKERS[c], color=COLORS[c],
                mfc="white" if c else COLORS[c], ms=4)
    for d in range(draws):
        ax.plot(np.arange(len(cols)) + jitter[d], [arr(t[m])[d] * 1e3 for m in cols],
                color="0.8", lw=0.5, zorder=0)
    ax.set(yscale="log", xticks=range(len(cols)), ylabel="test MSE against f (× 10⁻³)",
           title=f"{r['draws']} data draws")
    ax.set_xticklabels([COLUMNS[m] for m in cols], fontsize=7.5)
    fig.tight_layout()
    legend_below(fig, axes[0], ncol=3)  # under both panels: clear of the data points
    save(fig, "runge_fits")
