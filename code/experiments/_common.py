"""Helpers shared by the experiment scripts (not an experiment itself).

* ``RESULTS``: the project's ``results/`` folder, wherever the script is run from;
* ``save_json``: write a results file with NaN/inf stored as ``null`` and
  numpy scalars/arrays turned into plain Python, so the file is standard JSON
  and, measured times apart, byte-identical from run to run;
* ``digits_splits``: the stratified split of the digits used by every
  digits experiment (test part never used for any choice); ``split=k`` gives
  the k-th of the repeated splits (k = 0 is that split);
* ``DIGITS_NETWORK``: the settings of the digits network, one record for
  every script that trains it;
* ``logreg_by_validation`` (``fit_logreg``): LogisticRegression with C chosen on the
  validation part (smallest validation cross-entropy);
* ``classifier``: a softmax/cross-entropy ``ffnn.NeuralNetwork``;
* ``mcnemar``: the exact McNemar test of two classifiers on the same test set
  (``mcnemar_family``: of a family of such tests, with Holm's adjusted p-values);
  ``paired_difference``: per-split differences of two models' scores;
* ``holm``: Holm–Bonferroni adjusted p-values of a family of tests;
* ``run_parallel``: ``joblib.Parallel(n_jobs=2)`` over a list of keyword sets.
"""

import json
import math
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

# One BLAS thread per process (the Makefile sets the same): reproducible sums.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from joblib import Parallel, delayed  # noqa: E402
from scipy.stats import binomtest  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
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


def digits_splits(split=0):
    """Return ``dict`` with X/Y/labels for ``train``, ``val``, ``test`` and ``train_full``.

    ``test`` is 20 % of the images (stratified); ``train`` and ``val`` split the
    remaining 80 % 3 : 1, again stratified; ``train_full`` = train + val.
    ``split``: which of the repeated random splits (seed DIGITS_SPLIT_SEED + split).
    """
    if not isinstance(split, int | np.integer) or isinstance(split, bool) or split < 0:
        raise ValueError(f"split: expected an integer >= 0, got {split!r}")
    X, Y, labels = ffnn.load_digits()
    idx = np.arange(len(X))
    state = DIGITS_SPLIT_SEED + int(split)
    rest, test = train_test_split(
        idx, test_size=DIGITS_TEST_SIZE, stratify=labels, random_state=state
    )
    train, val = train_test_split(
        rest, test_size=DIGITS_VAL_SIZE, stratify=labels[rest], random_state=state
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


@dataclass(frozen=True)
class DigitsNetwork:
    """The digits network, 64 → hidden (ReLU) → 10 softmax, and how it is trained.

    Chosen by hand on the validation part of split 0: 40 or 60 epochs, λ in
    {1e-5, 1e-4, 1e-3}, η in {1e-3, 3e-3} all gave validation accuracy
    0.975-0.99, 60 epochs slightly the best.
    ``digits.py`` keeps all but η, which it chooses per split on validation;
    ``learning_rate`` is the η of the other digits studies.
    """

    hidden: tuple = (128, 64)
    activation: str = "relu"
    initialization: str = "he"
    optimizer: str = "Adam"
    learning_rate: float = 1e-3
    batch_size: int = 32
    l2: float = 1e-4
    epochs: int = 60

    def network(self, seed, l2=None):
        """A new ``ffnn`` network with these settings, weights from ``seed``."""
        return classifier(64, self.hidden, 10, self.activation, self.initialization, seed,
                          l2=self.l2 if l2 is None else l2)

    def record(self):
        return asdict(self)


DIGITS_NETWORK = DigitsNetwork()
LOGREG_C_GRID = (0.01, 0.1, 1.0, 10.0, 100.0, 1000.0)


def fit_logreg(C, X, labels):
    """Multinomial L2 ``LogisticRegression`` (lbfgs) fitted to convergence; CPU seconds."""
    start = time.process_time()
    model = LogisticRegression(C=C, max_iter=10_000, tol=1e-7).fit(X, labels)
    return model, time.process_time() - start


def logreg_by_validation(split, grid=LOGREG_C_GRID):
    """C over ``grid`` by the smallest validation cross-entropy.

    ``split``: a ``digits_splits`` dict; each C is fitted on ``train`` and
    scored on ``val``.  Returns the index of the chosen C and, per C, a dict
    with ``C``, ``model``, ``val_cross_entropy``, ``val_accuracy`` and
    ``fit_seconds``.
    """
    (X, _, labels), (Xv, Yv, lv) = split["train"], split["val"]
    scan = []
    for C in grid:
        model, seconds = fit_logreg(C, X, labels)
        scan.append({"C": C, "model": model, "fit_seconds": seconds,
                     "val_cross_entropy": ffnn.cross_entropy(model.predict_proba(Xv), Yv),
                     "val_accuracy": float(model.score(Xv, lv))})
    return int(np.argmin([r["val_cross_entropy"] for r in scan])), scan


def paired_difference(first, second):
    """Per-split differences ``first - second``: values, mean, std (ddof 1), how many > 0, < 0.

    ``second``: one score per split, or a single number (a reference shared by every
    split or seed, e.g. one fit scored once)."""
    first, second = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    if first.ndim != 1 or second.shape not in ((), first.shape) or len(first) < 2:
        raise ValueError(f"first, second: expected a sequence of one score per split (length "
                         f">= 2) and a number or a sequence of equal length, got shapes "
                         f"{first.shape} and {second.shape}")
    d = first - second
    return {"values": d, "mean": float(d.mean()), "std": float(d.std(ddof=1)),
            "n_positive": int(np.sum(d > 0)), "n_negative": int(np.sum(d < 0)), "n": len(d)}


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


def mcnemar_family(pairs):
    """``mcnemar`` of each ``(right_a, right_b)`` pair of one family of tests (the same two
    models over splits or seeds), each record with its Holm-adjusted p-value ``p_holm``."""
    tests = [mcnemar(a, b) for a, b in pairs]
    for test, adjusted in zip(tests, holm([t["p_value"] for t in tests])):
        test["p_holm"] = float(adjusted)
    return tests


def holm(p_values):
    """Holm–Bonferroni adjusted p-values of m tests, in the order given.

    With the p-values sorted, p_(1) <= ... <= p_(m), the adjusted value of the
    k-th smallest is max over j <= k of min(1, (m - j + 1) p_(j)); rejecting
    every test whose adjusted value is below α keeps the probability of any false
    rejection among the m at most α, whatever their dependence (Holm 1979).
    """
    p = np.asarray(p_values, dtype=float)
    if p.ndim != 1 or len(p) == 0 or not np.all((p >= 0) & (p <= 1)):
        raise ValueError(f"p_values: expected a non-empty sequence of numbers in [0, 1], "
                         f"got {p_values!r}")
    order = np.argsort(p, kind="stable")
    m = len(p)
    scaled = np.minimum(1.0, (m - np.arange(m)) * p[order])
    adjusted = np.empty(m)
    adjusted[order] = np.maximum.accumulate(scaled)
    return adjusted
