"""Training with early stopping on validation data, and summaries over seeds.

``fit`` trains a network in chunks of ``check_every`` epochs with one
optimiser (its state carries over from chunk to chunk) and one shuffling
generator, scores the validation data after each chunk with ``net.predict``,
keeps the parameters of the best chunk and stops when ``patience`` epochs
have passed without improvement.  The network is left at its best
parameters, so the test data are scored once, at a point chosen on
validation data only.
"""

import time
import warnings

import numpy as np

import ffnn


def mse(predict, target):
    """Mean squared difference of two arrays of the same number of elements."""
    return float(np.mean((np.ravel(predict) - np.ravel(target)) ** 2))


def error_rate(predict, target):
    """1 - accuracy, so that smaller is better for classifiers too."""
    return 1.0 - ffnn.accuracy(predict, target)


def score(net, X, Y, metric):
    """``metric(net.predict(X), Y)``, inf when the prediction is not finite."""
    with np.errstate(all="ignore"):
        predict = net.predict(X)
    return metric(predict, Y) if np.all(np.isfinite(predict)) else np.inf


def fit(net, X, Y, X_val, Y_val, optimizer, *, max_epochs, batch_size, seed, metric=mse,
        check_every=10, patience=100):
    """Train ``net`` in place, early-stopped on ``metric`` over (X_val, Y_val).

    Returns ``{"best_epoch", "epochs_run", "val_curve", "diverged", "seconds"}``
    (``seconds``: the CPU time of the training, validation included, which
    other processes on the machine do not inflate as they do the wall time):
    ``val_curve[k]`` is the validation metric after ``(k + 1) * check_every``
    epochs; a run whose cost becomes NaN/inf stops there (``diverged``) and
    keeps its best parameters so far (its initial ones if none was finite).
    """
    rng = np.random.default_rng(seed)
    best_val, best_epoch = score(net, X_val, Y_val, metric), 0
    best = [(W.copy(), b.copy()) for W, b in net.layers]
    curve, diverged, epoch = [], False, 0
    start = time.process_time()
    while epoch < max_epochs and epoch - best_epoch < patience:
        chunk = min(check_every, max_epochs - epoch)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                ffnn.train(net, X, Y, optimizer, epochs=chunk, batch_size=batch_size, seed=rng,
                           progress=False)
        except ffnn.DivergenceError:
            diverged = True
            break
        epoch += chunk
        val = score(net, X_val, Y_val, metric)
        curve.append(val)
        if not np.isfinite(val):
            diverged = True
            break
        if val < best_val:
            best_val, best_epoch = val, epoch
            best = [(W.copy(), b.copy()) for W, b in net.layers]
    seconds = time.process_time() - start
    for (W, b), (W_best, b_best) in zip(net.layers, best):
        W[...] = W_best
        b[...] = b_best
    return {"best_epoch": best_epoch, "epochs_run": epoch, "val_curve": curve,
            "diverged": diverged, "seconds": seconds}


def over_seeds(values, axis=-1):
    """Mean, standard deviation (ddof = 1) and count over ``axis``, NaN-aware."""
    values = np.asarray(values, dtype=float)
    with warnings.catch_warnings():  # all-NaN slices give NaN, stored as null
        warnings.simplefilter("ignore", RuntimeWarning)
        return {"mean": np.nanmean(values, axis=axis),
                "std": np.nanstd(values, axis=axis, ddof=1),
                "n": np.sum(np.isfinite(values), axis=axis)}
