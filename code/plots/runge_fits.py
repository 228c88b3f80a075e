"""The fitted Runge curves (draw 0) and the paired differences over data draws."""

import matplotlib.pyplot as plt
import numpy as np

from ._style import COLORS, LINESTYLES, MARKERS, WIDTH, arr, save

MODELS = ["network", "OLS", "Ridge", "Lasso"]


def draw(load):
    r = load("runge_draws")
    c = r["curves"]
    x = arr(c["x"])
    xtr, ytr = (arr(v).ravel() for v in c["train"])
    fig, axes = plt.subplots(1, 2, figsize=(WIDTH, 2.7), width_ratios=[1.5, 1])
    ax = axes[0]
    ax.plot(xtr, ytr, ".", color="0.6", ms=3, label="training data")
    ax.plot(x, 1 / (1 + 25 * x**2), color="k", lw=0.9, ls=":", label="f(x)")
    lin = r["linear"][0]
    for k, m in enumerate(MODELS):
        label = m if m == "network" else f"{m}, degree {lin[m]['degree']}"
        ax.plot(x, arr(c[m]), color=COLORS[k], ls=LINESTYLES[k], lw=1.1, label=label)
    ax.set(xlabel="x", ylabel="y", ylim=(-0.3, 1.25), title="fits to draw 0")
    ax.legend(fontsize=7, loc="upper left", ncol=1, handlelength=2.2)
    ax = axes[1]
    t = r["test_mse_true"]
    draws = len(arr(t["network"]))
    jitter = np.linspace(-0.15, 0.15, draws)
    for k, m in enumerate(MODELS):
        ax.plot(k + jitter, arr(t[m]) * 1e3, MARKERS[k], color=COLORS[k],
                mfc="white" if k else COLORS[k], ms=4)
    for d in range(draws):
        ax.plot(np.arange(len(MODELS)) + jitter[d], [arr(t[m])[d] * 1e3 for m in MODELS],
                color="0.8", lw=0.5, zorder=0)
    ax.set(yscale="log", xticks=range(len(MODELS)), xticklabels=MODELS,
           ylabel="test MSE against f (× 10⁻³)", title=f"{r['draws']} data draws")
    fig.tight_layout()
    save(fig, "runge_fits")
