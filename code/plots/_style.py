"""What every figure shares: sizes, fonts, colours, loading results, saving PNGs.

Sizes are the printed ones: WIDTH is the text width of the PDF (14.6 cm), and
each figure is drawn at the width it is shown at, so a font of 8 pt here is
8 pt on paper (none below 7 pt).  Colours are the Okabe–Ito palette, which
stays distinguishable with the common colour-vision deficiencies, and every
line also differs in style or marker; heatmaps use viridis/cividis.
"""

import json
import os
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "results"
FIGURES = ROOT / "figures"
DPI = 200
WIDTH = 5.75  # inches: the PDF's text width is 5.77 in (14.65 cm)
SMALLEST_FONT = 7.0

COLORS = ["#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#000000",
          "#F0E442"]
LINESTYLES = ["-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (3, 1))]
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]

plt.rcParams.update({
    "font.size": 8.5, "axes.titlesize": 8.5, "axes.labelsize": 8.5, "legend.fontsize": 8,
    "xtick.labelsize": 8, "ytick.labelsize": 8, "axes.grid": True, "grid.alpha": 0.3,
    "figure.dpi": DPI, "savefig.dpi": DPI, "axes.prop_cycle": plt.cycler(color=COLORS),
    "legend.framealpha": 0.9, "lines.markersize": 4.5, "errorbar.capsize": 2,
})

NAMES = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "leaky ReLU",
         "normal": "N(0, 1)", "xavier": "LeCun", "he": "He"}


def load(name):
    with open(RESULTS / f"{name}.json") as f:
        return json.load(f)


def arr(x):
    """JSON list (null = NaN) → float array of the same shape."""
    a = np.array(x, dtype=object)
    return np.array([np.nan if v is None else v for v in a.ravel()], dtype=float).reshape(a.shape)


def save(fig, name):
    """Write figures/NAME.png; no software version or date, so the bytes are reproducible.

    A figure wider than the text (labels and legends included) would be shrunk
    in the PDF, its fonts below their set size: that is refused.
    """
    width = fig.get_tightbbox().width  # inches
    if width > WIDTH + 0.05:
        raise ValueError(f"figure {name}: {width:.2f} in wide with its labels, more than the "
                         f"text width {WIDTH} in; make it narrower")
    FIGURES.mkdir(exist_ok=True)
    fig.savefig(FIGURES / f"{name}.png", dpi=DPI, bbox_inches="tight", pad_inches=0.02,
                metadata={"Software": None})
    plt.close(fig)
    print(f"figures/{name}.png")


def epochs_of(values):
    return np.arange(1, len(values) + 1)


def log_errorbar(mean, std):
    """``yerr`` for mean ± std on a log axis: the lower bar is cut at half the value
    (a standard deviation larger than the mean would reach zero, off the frame)."""
    mean, std = np.asarray(mean, dtype=float), np.asarray(std, dtype=float)
    return [np.minimum(std, 0.5 * mean), std]


def legend_below(fig, ax_or_handles, ncol=3, labels=None, y=0.0):
    """One legend for the figure, centred under the axes, clear of the data."""
    if labels is None:
        handles, labels = ax_or_handles.get_legend_handles_labels()
    else:
        handles = ax_or_handles
    fig.legend(handles, labels, loc="upper center", ncol=ncol, bbox_to_anchor=(0.5, y),
               frameon=False)


def number(v):
    """A value as the report prints it: 10⁻⁴ or 5 × 10⁻⁷ up to 10⁻³ (and from 10⁴ on),
    plain otherwise (0.003, 0.3, 100)."""
    if v == 0 or 1e-3 < abs(v) < 1e4:
        return f"{v:g}"
    e = int(np.floor(np.log10(abs(v)) + 1e-9))
    m = float(f"{v / 10.0**e:.3g}")
    power = "10" + str(e).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return power if m == 1 else f"{m:g} × {power}"


def spread(std, fmt):
    """"±std" in fmt, with one significant digit where fmt would round it to zero;
    "all seeds" where every seed gave the same value."""
    if std < 1e-9:  # rounding noise of equal values
        return "all seeds"
    text = fmt.format(std)
    if float(text) == 0:
        text = f"{std:.1g}"
    return "±" + text


def heatmap(ax, mean, std=None, xlabels=(), ylabels=(), fmt="{:.3f}", std_fmt=None, cmap="viridis",
            norm=None, vmin=None, vmax=None, fontsize=8.0, notes=None):
    """An annotated heatmap: each cell shows its mean and, below it, ± its spread
    (``spread``: never "±0.0").  ``fontsize`` 8 pt: digits about 6 pt tall in print, the
    smallest a reader takes in at a glance.

    ``notes[i][j]``, where not empty, replaces cell (i, j)'s spread.  NaN cells
    (every run diverged) are grey and say so.  The text colour
    follows the cell's brightness so that it stays legible.
    """
    cm = plt.get_cmap(cmap).copy()
    cm.set_bad("0.82")
    im = ax.imshow(np.ma.masked_invalid(mean), cmap=cm, norm=norm, vmin=vmin, vmax=vmax,
                   aspect="auto")
    std_fmt = std_fmt or fmt
    cell_width = ax.get_window_extent().width / mean.shape[1] * 72 / ax.figure.dpi  # points
    for i in range(mean.shape[0]):
        for j in range(mean.shape[1]):
            v = mean[i, j]
            if not np.isfinite(v):
                ax.text(j, i, "diverged", ha="center", va="center", fontsize=fontsize)
                continue
            text = fmt.format(v)
            if notes is not None and notes[i][j]:
                text += "\n" + notes[i][j]
            elif std is not None and np.isfinite(std[i, j]):
                text += "\n" + spread(std[i, j], std_fmt)
            if len(text.split("\n")[-1]) * 0.6 * fontsize > cell_width:  # a wide note: two lines
                text = text.replace(" ", "\n")
            r, g, b, _ = im.cmap(im.norm(v))
            color = "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "white"
            ax.text(j, i, text, ha="center", va="center", fontsize=fontsize, color=color,
                    linespacing=1.0)
    ax.set_xticks(range(len(xlabels)), list(xlabels))
    ax.set_yticks(range(len(ylabels)), list(ylabels))
    ax.grid(False)
    return im
