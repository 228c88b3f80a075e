"""Runge figures (network against polynomials) from results/runge.json."""

import matplotlib.pyplot as plt
import numpy as np

from ._style import COLORS, WIDTH, epochs_of, save


def runge_fit(r):
    x, f = np.array(r["grid"]), np.array(r["grid_true"])
    cases = r["cases"]
    fig, axes = plt.subplots(2, len(cases), figsize=(WIDTH - 0.25, 5.4), sharex=True,
                             height_ratios=[1.3, 1], squeeze=False)
    for k, c in enumerate(cases):
        top, bottom = axes[0, k], axes[1, k]
        top.plot(c["train"]["x"], c["train"]["y"], ".", color="0.55", ms=4,
                 label=f"training data ({len(c['train']['x'])} points)")
        top.plot(x, f, "k-", lw=1.2, label="f(x) = 1/(1 + 25x²)")
        models = [("FFNN", "FFNN 1 → 50 → 50 → 1", "-", 1.6),
                  ("OLS", "OLS, degree p", "--", 1.3), ("Ridge", "Ridge, degree p", ":", 1.6)]
        for m, (key, label, ls, lw) in enumerate(models):
            pred = np.array(c[key]["grid_prediction"])
            top.plot(x, pred, color=COLORS[m], ls=ls, lw=lw, label=label)
            bottom.semilogy(x, np.abs(pred - f) + 1e-12, color=COLORS[m], ls=ls, lw=lw)
        top.set_ylim(-0.35, 1.25)
        top.set_title(f"σ = {c['noise']:g}: FFNN {c['FFNN']['activation']}, "
                      f"OLS p = {c['OLS']['degree']}, Ridge p = {c['Ridge']['degree']}",
                      fontsize=9)
        bottom.set_xlabel("x")
        bottom.set_ylim(1e-6, 3)
    axes[0, 0].set_ylabel("y")
    axes[1, 0].set_ylabel("|prediction − f(x)|")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", ncol=3, bbox_to_anchor=(0.5, 0.0),
               frameon=False)
    fig.tight_layout()
    save(fig, "runge_fit")


def runge_degree(r):
    fig, ax = plt.subplots(figsize=(WIDTH * 0.8, 3.2))
    for k, c in enumerate(r["cases"]):
        d = c["degrees"]
        ax.semilogy(d, c["ols_val_mse"], "o-", color=COLORS[k], ms=4,
                    label=f"OLS, σ = {c['noise']:g}")
        ax.semilogy(d, c["ridge_best_val_mse_per_degree"], "s--", color=COLORS[k], ms=4,
                    mfc="none", label=f"Ridge (best λ), σ = {c['noise']:g}")
        ax.axhline(c["FFNN"]["val_mse"], color=COLORS[k], ls=":", lw=1.3,
                   label=f"FFNN, σ = {c['noise']:g}")
        if c["noise"] > 0:
            ax.axhline(c["noise"] ** 2, color="0.4", lw=0.8, ls="-.",
                       label=f"noise variance σ² = {c['noise'] ** 2:g}")
    ax.set_xlabel("polynomial degree p")
    ax.set_ylabel("validation MSE")
    ax.set_xticks(range(1, r["max_degree"] + 1))
    fig.legend(*ax.get_legend_handles_labels(), loc="upper center", ncol=3,
               bbox_to_anchor=(0.5, 0.0), frameon=False, fontsize=8)
    save(fig, "runge_degree")


def runge_training(r):
    cases = r["cases"]
    net = r["network"]
    fig, axes = plt.subplots(1, len(cases), figsize=(WIDTH, 3.0), squeeze=False)
    for ax, c in zip(axes[0], cases):
        for k, (act, h) in enumerate(c["FFNN_all"].items()):
            ax.semilogy(epochs_of(h["cost"]), h["cost"], color=COLORS[k], lw=0.9,
                        label=f"{act}: training")
            ax.semilogy(epochs_of(h["val_cost"]), h["val_cost"], color=COLORS[k], lw=0.9,
                        ls="--", alpha=0.6, label=f"{act}: validation")
        ax.axvline(net["epochs"][0] + 0.5, color="k", ls=":", lw=1,
                   label=f"η: {net['learning_rates'][0]:g} → {net['learning_rates'][1]:g}")
        ax.set_xlabel("epoch")
        ax.set_title(f"σ = {c['noise']:g}")
    axes[0, 0].set_ylabel("MSE")
    fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="upper center", ncol=3,
               bbox_to_anchor=(0.5, 0.0), frameon=False)
    fig.tight_layout()
    save(fig, "runge_training")


def draw(load):
    r = load("runge")
    runge_fit(r)
    runge_degree(r)
    runge_training(r)
