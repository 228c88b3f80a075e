"""Fashion-MNIST: the confusion matrix of ffnn's seed 0 on the 10 000 test images."""

import matplotlib.pyplot as plt

from ._style import WIDTH, arr, save


def draw(load):
    r = load("fashion")
    cm = arr(r["confusion_matrix"])
    share = cm / cm.sum(axis=1, keepdims=True) * 100
    fig, ax = plt.subplots(figsize=(WIDTH * 0.78, WIDTH * 0.62))
    im = ax.imshow(share, cmap="cividis", vmin=0, vmax=100)
    for i in range(10):
        for j in range(10):
            if cm[i, j]:
                ax.text(j, i, f"{share[i, j]:.0f}" if share[i, j] >= 1 else "·", ha="center",
                        va="center", fontsize=7, color="black" if share[i, j] > 60 else "white")
    names = r["classes"]
    ax.set_xticks(range(10), names, rotation=45, ha="right")
    ax.set_yticks(range(10), names)
    ax.set(xlabel="predicted class", ylabel="true class")
    ax.grid(False)
    fig.colorbar(im, ax=ax, pad=0.02, label="% of the true class")
    fig.tight_layout()
    save(fig, "fashion_confusion")
