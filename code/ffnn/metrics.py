"""Metrics that answer only the questions they can: accuracy.

:func:`accuracy` accepts exactly these pairs (n samples):

========================================  ==========================================
prediction                                target
========================================  ==========================================
``(n, K)``, K ≥ 2: probabilities or       ``(n, K)`` one-hot rows, or ``(n,)``
one-hot rows (a softmax output)           integer labels in 0..K-1
``(n, 1)`` or ``(n,)``: the probability   ``(n,)`` or ``(n, 1)`` labels 0 or 1
of class 1 (a sigmoid output)
========================================  ==========================================

A K-column prediction names the class of its largest entry; a one-column
prediction names class 1 when it is at least 0.5.  Anything else (other
lengths, a one-column prediction outside [0, 1], labels that are not
classes, NaN) raises a ``ValueError`` naming both shapes: a metric that
answers a question it cannot answer gives a silently wrong number.
"""

import numpy as np


def _fail(predict, target, why):
    raise ValueError(f"accuracy(predict, target): predict of shape {np.shape(predict)} and target "
                     f"of shape {np.shape(target)}: {why}")


def _real(array, name, predict, target):
    array = np.asarray(array)
    if array.dtype.kind not in "biuf":
        _fail(predict, target, f"{name}: expected real numbers, got dtype {array.dtype}")
    if array.size == 0:
        _fail(predict, target, f"{name}: expected at least one sample, got none")
    if not np.all(np.isfinite(array)):
        _fail(predict, target, f"{name}: expected finite values, found NaN or infinite")
    return array


def _labels(target, n_classes, predict, original):
    """Integer class labels 0..n_classes-1 from a 1-D target (integral floats allowed)."""
    if not (np.all(target == np.round(target)) and target.min() >= 0 and target.max() < n_classes):
        _fail(predict, original, f"target: expected integer labels 0..{n_classes - 1}, got values "
                                 f"from {target.min():g} to {target.max():g}"
                                 + ("" if n_classes > 2 else " (0 or 1 for one output column)"))
    return target.astype(np.intp)


def _classes(predict, target):
    """``(predicted labels, true labels)``, both of shape (n,), for the pairs of :func:`accuracy`."""
    P = _real(predict, "predict", predict, target)
    T = _real(target, "target", predict, target)
    if P.ndim not in (1, 2) or T.ndim not in (1, 2) or len(P) != len(T):
        _fail(predict, target, "expected the same number of samples (rows), as (n, K) or (n,)")
    one_column = P.ndim == 1 or P.shape[1] == 1
    if one_column:
        if T.ndim == 2 and T.shape[1] != 1:
            _fail(predict, target, "a one-column prediction (the probability of class 1) needs 0/1 "
                                   "labels of shape (n,) or (n, 1); for K one-hot columns predict K "
                                   "columns (a softmax output)")
        P = P.reshape(-1)
        if P.min() < 0 or P.max() > 1:
            _fail(predict, target, "a one-column prediction must be the probability of class 1, in "
                                   f"[0, 1], got values from {P.min():g} to {P.max():g} (use a "
                                   "sigmoid output layer)")
        return (P >= 0.5).astype(np.intp), _labels(T.reshape(-1), 2, predict, target)
    K = P.shape[1]
    if T.ndim == 1:
        return np.argmax(P, axis=1), _labels(T, K, predict, target)
    if T.shape[1] != K:
        _fail(predict, target, f"expected one-hot targets with the prediction's {K} columns, "
                               f"or integer labels of shape ({len(P)},)")
    if not (np.all((T == 0) | (T == 1)) and np.all(T.sum(axis=1) == 1)):
        _fail(predict, target, "target: expected one-hot rows (a single 1 per row, zeros elsewhere)")
    return np.argmax(P, axis=1), np.argmax(T, axis=1)


def accuracy(predict, target):
    """The fraction of samples whose predicted class is the target's class.

    ``predict``: a network's output, ``(n, K)`` probabilities or one-hot
    rows (the largest entry is the class), or ``(n, 1)``/``(n,)`` the
    probability of class 1 (class 1 when ≥ 0.5).  ``target``: one-hot rows
    ``(n, K)`` or integer labels ``(n,)``; 0/1 labels ``(n,)`` or
    ``(n, 1)`` for a one-column prediction.  Other pairs raise a
    ``ValueError`` naming both shapes (see :mod:`ffnn.metrics`).
    """
    guess, truth = _classes(predict, target)
    return float(np.mean(guess == truth))
