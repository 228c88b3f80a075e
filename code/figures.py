"""Draw every figure of the report from the results files.

    python code/figures.py

Reads results/{iris,digits,runge,sensitivity}.json (written by the scripts in
code/experiments/) and writes figures/*.png.  Nothing is trained here.  The
PNGs carry no software version or date, so the same results give the same
bytes.
"""

import json
import os
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.colors import LogNorm  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "results"
FIGURES = ROOT / "figures"
DPI = 150
WIDTH = 7.0  # inches: page width in the report

plt.rcParams.update({
    "font.size": 10, "axes.titlesize": 10, "axes.labelsize": 10, "legend.fontsize": 8.5,
    "xtick.labelsize": 9, "ytick.labelsize": 9, "axes.grid": True, "grid.alpha": 0.3,
    "figure.dpi": DPI, "savefig.dpi": DPI, "svg.hashsalt": "ffnn",
})
COLORS = plt.rcParams["axes.prop_cycle"].by_key()["color"]


def load(name):
    with open(RESULTS / f"{name}.json") as f:
        return json.load(f)


def arr(x):
    """JSON list (null = NaN) → float array."""
    return np.array([np.nan if v is None else v for v in np.ravel(np.array(x, dtype=object))],
                    dtype=float).reshape(np.shape(np.array(x, dtype=object)))


def save(fig, name):
    FIGURES.mkdir(exist_ok=True)
    fig.savefig(FIGURES / f"{name}.png", dpi=DPI, bbox_inches="tight",
                metadata={"Software": None})
    plt.close(fig)
    print(f"figures/{name}.png")


def epochs_of(values):
    return np.arange(1, len(values) + 1)


# --------------------------------------------------------------------------- iris
def iris_untrained(r):
    u = r["untrained_accuracy"]
    acc = np.array(u["values"])
    fig, ax = plt.subplots(figsize=(WIDTH * 0.8, 3.2))
    # one bin per possible number of correct flowers (accuracy k/150)
    edges = (np.arange(0, 152) - 0.5) / 150
    ax.hist(acc, bins=edges, color=COLORS[0], alpha=0.85, log=True)
    ax.axvline(u["mean"], color="k", ls="--", lw=1.2, label=f"mean {u['mean']:.3f}")
    ax.axvline(1 / 3, color=COLORS[3], ls=":", lw=1.5, label="1/3 (one class for every flower)")
    ax.set_xlabel("accuracy on the 150 iris flowers")
    ax.set_ylabel("number of networks (log scale)")
    ax.set_title(f"{u['n_networks']:,} untrained 4 → 8 sigmoid → 3 softmax networks, "
                 "W, b ~ N(0, 1)")
    ax.set_xlim(0, 1)
    ax.legend(loc="upper right")
    save(fig, "iris_untrained")


def iris_optimizers(r):
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(WIDTH, 3.0))
    for k, (name, o) in enumerate(r["optimizers"].items()):
        lr = f"η = {o['learning_rate']:g}"
        bs = o["batch_size"] if isinstance(o["batch_size"], str) else f"batch {o['batch_size']}"
        a1.semilogy(epochs_of(o["cost"]), o["cost"], color=COLORS[k],
                    label=f"{o['label']}, {lr}, {bs}")
        a2.plot(epochs_of(o["val_accuracy"]), o["val_accuracy"], color=COLORS[k])
    a1.set_xlabel("epoch")
    a1.set_ylabel("training cross-entropy")
    a1.set_title("cost on the 105 training flowers")
    a2.set_xlabel("epoch")
    a2.set_ylabel("test accuracy")
    a2.set_title(f"accuracy on the {r['held_out']['n_test']} test flowers")
    a2.set_ylim(0.3, 1.02)
    fig.legend(*a1.get_legend_handles_labels(), loc="lower center", ncol=3,
               bbox_to_anchor=(0.5, -0.08), frameon=False)
    fig.tight_layout()
    save(fig, "iris_optimizers")


def iris_full_data(r):
    fd = r["full_data"]
    acc = np.array(fd["accuracy_curve"])
    fig, a1 = plt.subplots(figsize=(WIDTH * 0.8, 3.0))
    a1.plot(epochs_of(acc), acc * fd["n_samples"], color=COLORS[0], label="flowers correct")
    a1.set_xlabel("epoch (full-batch Adam step)")
    a1.set_ylabel("correctly classified (of 150)")
    a1.set_ylim(129.5, 151)
    a1.yaxis.set_major_locator(matplotlib.ticker.MultipleLocator(5))
    if fd["first_epoch_all_correct"]:
        a1.axvline(fd["first_epoch_all_correct"], color="k", ls=":", lw=1,
                   label=f"first 150/150 (epoch {fd['first_epoch_all_correct']})")
    a2 = a1.twinx()
    a2.semilogy(epochs_of(fd["cost"]), fd["cost"], color=COLORS[1], label="cross-entropy")
    a2.set_ylabel("training cross-entropy")
    a2.grid(False)
    h1, l1 = a1.get_legend_handles_labels()
    h2, l2 = a2.get_legend_handles_labels()
    a1.set_title(f"{fd['architecture']} trained on all {fd['n_samples']} flowers")
    fig.legend(h1 + h2, l1 + l2, loc="lower center", ncol=3, bbox_to_anchor=(0.5, -0.1),
               frameon=False)
    save(fig, "iris_full_data")


def iris_splits(r):
    rs = r["held_out"]["repeated_splits"]
    net, lr = np.array(rs["test_accuracy"]), np.array(rs["logreg_test_accuracy"])
    x = np.array(rs["random_states"])
    fig, ax = plt.subplots(figsize=(WIDTH * 0.8, 3.0))
    ax.plot(x - 0.12, net, "o", color=COLORS[0],
            label=f"ffnn 4 → 8 → 3 (mean {net.mean():.3f})")
    ax.plot(x + 0.12, lr, "s", color=COLORS[1], mfc="none",
            label=f"logistic regression (mean {lr.mean():.3f})")
    ax.set_xlabel("random_state of the stratified 70/30 split")
    ax.set_ylabel("test accuracy (45 flowers)")
    ax.set_xticks(x)
    ax.set_ylim(min(net.min(), lr.min()) - 0.03, 1.01)
    ax.legend(loc="lower right")
    save(fig, "iris_splits")


# ------------------------------------------------------------------------- digits
def digits_confusion(r):
    cm = np.array(r["confusion_matrix"])
    fig, ax = plt.subplots(figsize=(WIDTH * 0.62, WIDTH * 0.55))
    im = ax.imshow(cm, cmap="Blues", norm=LogNorm(vmin=0.8, vmax=cm.max()))
    for i in range(10):
        for j in range(10):
            if cm[i, j]:
                ax.text(j, i, cm[i, j], ha="center", va="center", fontsize=8,
                        color="white" if cm[i, j] > 10 else "black")
    ax.set_xticks(range(10))
    ax.set_yticks(range(10))
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    ax.grid(False)
    ax.set_title(f"ffnn on {r['n_test']} test images: {r['n_misclassified']} errors")
    fig.colorbar(im, ax=ax, shrink=0.8, label="number of images (log scale)")
    save(fig, "digits_confusion")


def digits_curves(r):
    f, m = r["ffnn"], r["mlp"]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(WIDTH, 3.0))
    a1.semilogy(epochs_of(f["cost"]), f["cost"], color=COLORS[0], label="ffnn")
    a1.semilogy(epochs_of(m["loss_curve"]), m["loss_curve"], color=COLORS[1], ls="--",
                label="scikit-learn MLPClassifier")
    a1.set_xlabel("epoch")
    a1.set_ylabel("training cost (cross-entropy + L2)")
    a1.legend()
    a1.set_title("training cost")
    a2.plot(epochs_of(f["test_accuracy_curve"]), f["test_accuracy_curve"], color=COLORS[0],
            label="ffnn")
    a2.axhline(m["test_accuracy"], color=COLORS[1], ls="--", label="MLPClassifier (final)")
    a2.axhline(r["logreg"]["test_accuracy"], color=COLORS[2], ls=":",
               label="logistic regression")
    a2.set_ylim(0.9, 1.0)
    a2.set_xlabel("epoch")
    a2.set_ylabel("test accuracy")
    a2.set_title("ffnn accuracy on the test images")
    a2.legend(loc="lower right")
    fig.tight_layout()
    save(fig, "digits_curves")


def digits_misclassified(r):
    mis = r["misclassified"]
    images = np.array(mis["images"])
    n = len(images)
    cols = max(1, min(n, 8))
    rows = max(1, int(np.ceil(n / cols)))
    fig, axes = plt.subplots(rows, cols, figsize=(WIDTH, 1.25 * rows), squeeze=False)
    for k, ax in enumerate(np.ravel(axes)):
        ax.axis("off")
        if k < n:
            ax.imshow(images[k], cmap="gray_r", vmin=0, vmax=1)
            ax.set_title(f"true {mis['true'][k]}\nnetwork {mis['predicted'][k]}", fontsize=8.5)
    fig.tight_layout()
    save(fig, "digits_misclassified")


# -------------------------------------------------------------------------- runge
def runge_fit(r):
    x, f = np.array(r["grid"]), np.array(r["grid_true"])
    cases = r["cases"]
    fig, axes = plt.subplots(2, len(cases), figsize=(WIDTH, 5.4), sharex=True,
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
    fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="upper center", ncol=5,
               bbox_to_anchor=(0.5, 0.0), frameon=False)
    fig.tight_layout()
    save(fig, "runge_training")


# -------------------------------------------------------------------- sensitivity
def annotated_heatmap(ax, values, xlabels, ylabels, fmt="{:.2f}", std=None, vmin=0.0, vmax=1.0):
    cmap = plt.get_cmap("viridis").copy()
    cmap.set_bad("0.8")
    im = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            v = values[i, j]
            if np.isnan(v):
                text, color = "diverged", "black"
            else:
                text = fmt.format(v) + ("" if std is None else f"\n±{std[i, j]:.2f}")
                color = "black" if v > 0.6 * vmax else "white"
            ax.text(j, i, text, ha="center", va="center", fontsize=8, color=color)
    ax.set_xticks(range(len(xlabels)))
    ax.set_xticklabels(xlabels)
    ax.set_yticks(range(len(ylabels)))
    ax.set_yticklabels(ylabels)
    ax.grid(False)
    return im


def lr_l2_heatmap(r):
    g = r["grid"]
    opts = g["optimizers"]
    fig, axes = plt.subplots(1, len(opts), figsize=(WIDTH, 3.6), sharey=True)
    for ax, o in zip(np.atleast_1d(axes), opts):
        res = g["results"][o]
        im = annotated_heatmap(ax, arr(res["val_accuracy"]), [f"{v:g}" for v in g["l2"]],
                               [f"{v:g}" for v in g["learning_rates"]])
        ax.set_xlabel("L2 penalty λ")
        ax.set_title(f"{res['label']}, {g['epochs']} epochs")
    np.atleast_1d(axes)[0].set_ylabel("learning rate η")
    fig.colorbar(im, ax=axes, shrink=0.85, label="validation accuracy")
    save(fig, "lr_l2_heatmap")


def activations(r):
    a = r["activations"]
    names = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "leaky ReLU"}
    inits = {"normal": "N(0, 1)", "xavier": "Xavier", "he": "He"}
    fig, ax = plt.subplots(figsize=(WIDTH * 0.7, 3.4))
    im = annotated_heatmap(ax, arr(a["val_accuracy_mean"]), [inits[i] for i in a["initializations"]],
                           [names[n] for n in a["activations"]], fmt="{:.3f}",
                           std=arr(a["val_accuracy_std"]))
    ax.set_xlabel("initialisation of the weights")
    ax.set_ylabel("hidden activation")
    ax.set_title(f"Adam η = {a['learning_rate']:g}, {a['epochs']} epochs, "
                 f"mean ± std over {a['seeds']} seeds")
    fig.colorbar(im, ax=ax, label="validation accuracy")
    save(fig, "activations")


def learning_curves(r):
    c = r["curves"]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(WIDTH, 3.2))
    styles = ["-", "-", "--", "-.", "-", "--", "-"]
    for k, o in enumerate(c["optimizers"]):
        res = c["results"][o]
        label = f"{res['label']}, η = {res['learning_rate']:g}"
        a1.semilogy(epochs_of(res["cost"]), res["cost"], color=COLORS[k], ls=styles[k],
                    label=label)
        a2.plot(epochs_of(res["val_accuracy"]), res["val_accuracy"], color=COLORS[k],
                ls=styles[k])
    a1.set_xlabel("epoch")
    a1.set_ylabel("training cross-entropy")
    a1.set_title("training cost")
    a2.set_xlabel("epoch")
    a2.set_ylabel("validation accuracy")
    a2.set_ylim(0.3, 1.0)
    a2.set_title("validation accuracy")
    fig.legend(*a1.get_legend_handles_labels(), loc="upper center", ncol=3,
               bbox_to_anchor=(0.5, 0.0), frameon=False)
    fig.tight_layout()
    save(fig, "learning_curves")


def main():
    iris, digits, runge, sens = (load(n) for n in ("iris", "digits", "runge", "sensitivity"))
    iris_untrained(iris)
    iris_optimizers(iris)
    iris_full_data(iris)
    iris_splits(iris)
    digits_confusion(digits)
    digits_curves(digits)
    digits_misclassified(digits)
    runge_fit(runge)
    runge_degree(runge)
    runge_training(runge)
    lr_l2_heatmap(sens)
    activations(sens)
    learning_curves(sens)


if __name__ == "__main__":
    main()
