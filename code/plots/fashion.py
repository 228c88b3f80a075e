"""Fashion-MNIST: the confusion matrix of ffnn's seed 0 on the 10 000 test images."""

import matplotlib.pyplot as plt
from matplotlib.colors import LogNorm

from ._style import WIDTH, arr, save


def draw(load):
    r = load("fashion")
    cm = arr(r["confusion_matrix"])
    fig, ax = plt.subplots(figsize=(WIDTH * 0.78, WIDTH * 0.62))
    im = ax.imshow(cm, cmap="cividis", norm=LogNorm(vmin=1, vmax=cm.max()))
    for i in range(10):
        for j in range(10):
            if cm[i, j]:
                ax.text(j, i, f"{cm[i, j]:.0f}", ha="center", va="center", fontsize=8,
                        color="black" if cm[i, j] > 100 else "white")
    names = r["classes"]
    ax.set_xticks(range(10), names, rotation=45, ha="right")
    ax.set_yticks(range(10), names)
    ax.set(xlabel="predicted class", ylabel="true class")
    ax.grid(False)
    fig.colorbar(im, ax=ax, pad=0.02, label="number of test images (log scale)")
    fig.tight_layout()
    save(fig, "fashion_confusion")
