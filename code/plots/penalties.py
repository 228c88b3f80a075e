"""Project 2, part e: figures from results/penalties.json."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from ._style import COLORS, MARKERS, WIDTH, arr, heatmap, legend_below, number, save, spread

TITLES = {"l2": "L2 penalty λ₂ Σ‖W‖²", "l1": "L1 penalty λ₁ Σ|W|"}


def grid(r):
    """Validation MSE over η × λ for both penalties."""
    net = r["network"]
    fig, axes = plt.subplots(1, 2, figsize=(WIDTH - 0.45, 2.8), sharey=True, layout="constrained")
    values = np.concatenate([arr(net[p]["grid"]["val_mse"]["mean"]).ravel()
                             for p in ("l2", "l1")]) * 1e3
    norm = LogNorm(np.nanmin(values), np.nanmax(values))
    for ax, p in zip(axes, ("l2", "l1")):
        g = net[p]["grid"]["val_mse"]
        std = arr(g["std"]) * 1e3  # ±14, not ±14.4: narrow enough for 8 pt in a cell
        notes = [[spread(v, "{:.0f}" if v >= 10 else "{:.1f}") for v in row] for row in std]
        im = heatmap(ax, arr(g["mean"]) * 1e3, std, notes=notes,
                     xlabels=["0"] + [f"1e{int(np.log10(v))}" for v in net["lambdas"][1:]],
                     ylabels=[f"{v:g}" for v in net["learning_rates"]], fmt="{:.1f}", norm=norm)
        ax.set_title(TITLES[p])
        ax.set_xlabel("λ")
    axes[0].set_ylabel("Adam learning rate η")
    # under the panels, not beside them: the cells get the width for 8 pt numbers
    cb = fig.colorbar(im, ax=axes, shrink=0.6, label="validation MSE (× 10⁻³)",
                      orientation="horizontal", aspect=40, pad=0.02)
    cb.ax.minorticks_off()
    ticks = [t for t in (10, 20, 50, 100) if norm.vmin <= t <= norm.vmax]
    cb.set_ticks(ticks, labels=[str(t) for t in ticks])
    save(fig, "penalties_grid")


def against_sklearn(r):
    """Test MSE against f (in units of 10⁻³, as the tables) over λ: the network beside Ridge
    (α = nλ) and Lasso (α = λ/2)."""
    net, lfl = r["network"], r["like_for_like"]
    lams = np.array(lfl["lambdas"])
    n = r["n"]
    fig, axes = plt.subplots(1, 2, figsize=(WIDTH, 2.9), sharey=True)
    specs = [("l2", "ridge", "Ridge", lambda v: n * v, lambda a: a / n, "α = n λ₂"),
             ("l1", "lasso", "Lasso", lambda v: v / 2, lambda a: 2 * a, "α = λ₁ / 2")]
    for ax, (p, key, name, to_alpha, from_alpha, rule) in zip(axes, specs):
        per = net[p]["per_lambda"]["test_mse_true"]
        ax.errorbar(lams, arr(per["mean"][1:]) * 1e3, yerr=arr(per["std"][1:]) * 1e3,
                    color=COLORS[0],
                    marker=MARKERS[0], lw=1.2, label="network 1 → 50 → 1 (best η per λ)")
        ax.axhline(per["mean"][0] * 1e3, color=COLORS[0], ls=(0, (1, 1)), lw=1.0,
                   label="network, λ = 0")
        lin = r[key]
        ax.plot(lams, [s["test_mse_true"] * 1e3 for s in lfl[key]], color=COLORS[1], ls="--",
                marker=MARKERS[1], mfc="white", lw=1.2,
                label=f"Ridge / Lasso at the mapped {rule.split(' = ')[0]}")
        ax.axhline(lin["test_mse_true"] * 1e3, color=COLORS[1], ls="-.", lw=1.0,
                   label="Ridge / Lasso, own choice on validation")
        ax.set(xscale="log", yscale="log", xlabel=f"network's λ (scikit-learn: {rule})",
               title=f"{TITLES[p].split(' ')[0]}: network and {name}, "
                     f"degree {lfl[key + '_degree']}")
        top = ax.secondary_xaxis("top", functions=(to_alpha, from_alpha))
        top.set_xlabel(f"{name}'s α", fontsize=8)
    axes[0].set_ylabel("test MSE against f(x) (× 10⁻³)")
    # labels at 1, 2 and 5 × each decade: the values between the decades can be read
    axes[0].yaxis.set_major_locator(LogLocator(subs=(1, 2, 5)))
    axes[0].yaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v)))
    axes[0].yaxis.set_minor_locator(LogLocator(subs=np.arange(2, 10)))
    axes[0].yaxis.set_minor_formatter(NullFormatter())
    fig.tight_layout()
    legend_below(fig, axes[0], ncol=2)
    save(fig, "penalties_sklearn")


def draw(load):
    r = load("penalties")
    grid(r)
    against_sklearn(r)
