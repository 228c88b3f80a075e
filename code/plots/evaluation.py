"""Project 2, part g: error against training time for every method, from several results files."""

import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from ._style import COLORS, MARKERS, WIDTH, number, save


def regression_points(ro, pe):
    """(label, time, time std, error, error std): test MSE against f on the Runge data."""
    same = pe["ridge"]["alpha"] == 0 and pe["ridge"]["degree"] == ro["ols"]["degree"]
    pts = [(f"OLS, degree {ro['ols']['degree']}" + (" (= Ridge's choice, α = 0)" if same else ""),
            ro["ols"]["fit_seconds"], None, ro["ols"]["test_mse_true"], None)]
    for key, name in (("ridge", "Ridge"), ("lasso", "Lasso")):
        r = pe[key]
        if key == "ridge" and same:
            continue
        pts.append((f"{name}, degree {r['degree']}, α = {number(r['alpha'])}", r["fit_seconds"], None,
                    r["test_mse_true"], None))
    for o, spec in ro["settings"]["optimizers"].items():
        cells = [(c["best"]["val_mse"]["mean"], arch, init, c)
                 for arch, g in ro["grid"].items() for init, c in g[o].items()
                 if init in ro["settings"]["initializations"]]
        _, arch, init, c = min(cells, key=lambda t: t[0])
        b = c["best"]
        pts.append((f"network {arch}, {spec['label']}, η = {number(c['best_learning_rate'])}",
                    b["seconds"]["mean"], b["seconds"]["std"], b["test_mse_true"]["mean"],
                    b["test_mse_true"]["std"]))
    return pts


def classification_points(dg, tc):
    """(label, time, time std, error, error std): test error rate on the digits, the models
    of the report's table (digits.json; PyTorch from torch_compare.json when it ran),
    mean and std over the splits."""
    arch = "→".join(str(n) for n in [64, *dg["settings"]["hidden"], 10])
    models = [(dg["ffnn"], f"ffnn, {arch}"), (dg["mlp"], "MLPClassifier"),
              (dg["logreg"], "LogisticRegression")]
    if "torch" in tc:
        models.append((tc["torch"], "PyTorch"))
    return [(name, r["seconds"]["mean"], r["seconds"]["std"], 1 - r["test_accuracy"]["mean"],
             r["test_accuracy"]["std"]) for r, name in models]


def _scatter(ax, pts):
    """One marker per method; its error bars drawn apart and unlabelled, so that the legend
    shows the marker alone, exactly as plotted (an errorbar's handle draws bars across it)."""
    for k, (label, t, ts, e, es) in enumerate(pts):
        color = COLORS[k % len(COLORS)]
        if ts is not None or es is not None:
            ax.errorbar(t, e, xerr=ts, yerr=es, ls="none", color=color)
        ax.plot(t, e, ls="none", marker=MARKERS[k % len(MARKERS)], color=color, ms=6,
                label=label, mfc="white" if es is None else color)


def cost_vs_error(ro, pe, dg, tc):
    fig, axes = plt.subplots(2, 2, figsize=(WIDTH, 4.0), height_ratios=[2.3, 0.95])
    plots, legends = axes[0], axes[1]
    _scatter(plots[0], regression_points(ro, pe))
    plots[0].set(xscale="log", yscale="log", xlabel="training time in CPU seconds",
                 ylabel="test MSE against f(x)", title="Runge function (100 points)")
    _scatter(plots[1], classification_points(dg, tc))
    plots[1].set(xscale="log", xlabel="training time in CPU seconds",
                 ylabel="test error rate",
                 title=f"digits ({dg['n_train']} training, {dg['n_test']} test images)")
    plots[1].set_ylim(bottom=0)
    for ax in plots:  # one label a decade: the minor ones collide
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.margins(0.15)
    plots[0].yaxis.set_minor_formatter(NullFormatter())
    # the digits' times span less than a decade: label 1, 2 and 5 times each power of 10
    plots[1].xaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    plots[1].xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    for ax, box in zip(plots, legends):  # each panel its own legend under it
        box.axis("off")
        box.legend(*ax.get_legend_handles_labels(), loc="upper center", frameon=False,
                   fontsize=7.5)
    fig.tight_layout()
    save(fig, "cost_vs_error")


def draw(load):
    cost_vs_error(load("runge_optimizers"), load("penalties"), load("digits"),
                  load("torch_compare"))
