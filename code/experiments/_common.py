"""Helpers shared by the experiment scripts (not an experiment itself).

* ``RESULTS``: the project's ``results/`` folder, wherever the script is run from;
* ``save_json``: write a results file with NaN/inf stored as ``null`` and
  numpy scalars/arrays turned into plain Python, so the file is standard JSON
  and, measured times apart, byte-identical from run to run;
* ``digits_splits``: the one stratified split of the digits used by every
  digits experiment (test part never used for any choice);
* ``classifier``: a softmax/cross-entropy ``ffnn.NeuralNetwork``;
* ``mcnemar``: the exact McNemar test of two classifiers on the same test set;
* ``run_parallel``: ``joblib.Parallel(n_jobs=2)`` over a list of keyword sets.
"""

import json
import math
import os
from pathlib import Path

# One BLAS thread per process (the Makefile sets the same): reproducible sums.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from joblib import Parallel, delayed  # noqa: E402
from scipy.stats import binomtest  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

import ffnn  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "results"

DIGITS_TEST_SIZE = 0.2  # of the 1797 images, kept apart for the final comparison
DIGITS_VAL_SIZE = 0.25  # of the rest, for the sensitivity study's validation accuracy
DIGITS_SPLIT_SEED = 2024


def _plain(x):
    """numpy → Python, non-finite floats → None (JSON null)."""
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_plain(v) for v in x]
    if isinstance(x, np.ndarray):
        return _plain(x.tolist())
    if isinstance(x, np.bool_):
        return bool(x)
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, float | np.floating):
        x = float(x)
        return x if math.isfinite(x) else None
    return x


def save_json(name, data):
    """Write ``results/NAME.json`` and return its path."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    with open(path, "w") as f:
        json.dump(_plain(data), f, indent=1, allow_nan=False)
        f.write("\n")
    return path


def digits_splits():
    """Return ``dict`` with X/Y/labels for ``train``, ``val``, ``test`` and ``train_full``.

    ``test`` is 20 % of the images (stratified); ``train`` and ``val`` split the
    remaining 80 % 3 : 1, again stratified; ``train_full`` = train + val.
    """
    X, Y, labels = ffnn.load_digits()
    idx = np.arange(len(X))
    rest, test = train_test_split(
        idx, test_size=DIGITS_TEST_SIZE, stratify=labels, random_state=DIGITS_SPLIT_SEED
    )
    train, val = train_test_split(
        rest, test_size=DIGITS_VAL_SIZE, stratify=labels[rest], random_state=DIGITS_SPLIT_SEED
    )
    out = {}
    for name, rows in (("train", train), ("val", val), ("test", test), ("train_full", rest)):
        out[name] = (X[rows], Y[rows], labels[rows])
    return out


def classifier(n_in, hidden, n_out, activation="relu", initialization="he", seed=0, l2=0.0,
               dtype=np.float64):
    """``n_in → hidden... (activation) → n_out softmax`` with cross-entropy."""
    sizes = list(hidden) + [n_out]
    funcs = [activation] * len(hidden) + ["softmax"]
    return ffnn.NeuralNetwork(
        n_in, sizes, funcs, None, "cross_entropy", None, initialization, seed, l2=l2,
        dtype=dtype
    )


def run_parallel(func, jobs, n_jobs=2):
    """``[func(**kw) for kw in jobs]`` on ``n_jobs`` processes, in order."""
    return Parallel(n_jobs=n_jobs)(delayed(func)(**kw) for kw in jobs)


def mcnemar(right_a, right_b):
    """Exact McNemar test of two classifiers scored on the same samples.

    ``right_a``, ``right_b``: boolean arrays, True where each is right.  Returns the
    samples only the first gets right, only the second, and the two-sided p-value of
    the binomial test of those discordant counts against 1/2.
    """
    only_a, only_b = int(np.sum(right_a & ~right_b)), int(np.sum(~right_a & right_b))
    p = binomtest(only_a, only_a + only_b, 0.5).pvalue if only_a + only_b else 1.0
    return {"only_first": only_a, "only_second": only_b, "p_value": float(p)}
