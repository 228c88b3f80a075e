"""Iris figures (weeks 41-42) from results/iris.json."""

import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np

from ._style import COLORS, LINESTYLES, WIDTH, epochs_of, legend_below, save


def iris_untrained(r):
    u = r["untrained_accuracy"]
    acc = np.array(u["values"])
    fig, ax = plt.subplots(figsize=(WIDTH * 0.8, 3.2))
    # one bin per possible number of correct flowers (accuracy k/150)
    edges = (np.arange(0, 152) - 0.5) / 150
    # the bars in front of the reference lines, so that no bar is hidden by them
    ax.hist(acc, bins=edges, color=COLORS[0], log=True, zorder=3)
    ax.axvline(u["mean"], color="k", ls="--", lw=1.0, zorder=2, label=f"mean {u['mean']:.3f}")
    ax.axvline(1 / 3, color=COLORS[3], ls=":", lw=1.2, zorder=2,
               label="1/3 (one class for every flower)")
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
        style = dict(color=COLORS[k], ls=LINESTYLES[k], lw=1.3)
        a1.semilogy(epochs_of(o["cost"]), o["cost"], label=f"{o['label']}, {lr}, {bs}", **style)
        a2.plot(epochs_of(o["val_accuracy"]), o["val_accuracy"], **style)
    a1.set_xlabel("epoch")
    a1.set_ylabel("training cross-entropy")
    a1.set_title("cost on the 105 training flowers")
    a2.set_xlabel("epoch")
    a2.set_ylabel("test accuracy")
    a2.set_title(f"accuracy on the {r['held_out']['n_test']} test flowers")
    a2.set_ylim(0.3, 1.02)
    fig.tight_layout()
    legend_below(fig, a1, ncol=2)
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
    fig.tight_layout()
    legend_below(fig, ax, ncol=2)
    save(fig, "iris_splits")


def draw(load):
    r = load("iris")
    iris_untrained(r)
    iris_optimizers(r)
    iris_full_data(r)
    iris_splits(r)
