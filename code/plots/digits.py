"""Digits figures (ffnn against scikit-learn) from results/digits.json."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm

from ._style import COLORS, WIDTH, epochs_of, save


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


def draw(load):
    r = load("digits")
    digits_confusion(r)
    digits_curves(r)
    digits_misclassified(r)
