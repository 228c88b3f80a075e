"""Independent gradient references for tests and the report.

``numerical_gradient`` differentiates by central differences,
∂C/∂θ_i ≈ (C(θ + h e_i) - C(θ - h e_i)) / 2h, with error O(h²);
``rel_error`` compares two gradients, ``max |a - b| / max(|a|, |b|, tiny)``
(@eq-rel-error); ``worst_array_error`` applies it to each array W^l, b^l on its own
scale and keeps the largest, so that an error in a small layer is not hidden by a
large one.
"""

import numpy as np


def rel_error(a, b):
    """Largest absolute difference relative to the largest magnitude.

    ``a`` and ``b`` are arrays or nested lists/tuples of arrays (a list of
    ``(dW, db)`` pairs); the result is one number for the whole structure.
    """
    a, b = _flatten(a), _flatten(b)
    if a.shape != b.shape:
        raise ValueError(f"rel_error: shapes differ, {a.shape} and {b.shape}")
    scale = max(np.max(np.abs(a), initial=0.0), np.max(np.abs(b), initial=0.0))
    return float(np.max(np.abs(a - b), initial=0.0) / max(scale, np.finfo(float).tiny))


def worst_array_error(a, b):
    """Largest ε of @eq-rel-error over the arrays of two gradients, each on its own scale.

    ``a`` and ``b`` have the same nesting (a list of ``(dW, db)`` pairs, or one
    array); the whole-structure ``rel_error`` divides by the largest entry of all,
    which can hide a wrong derivative in a layer whose gradients are small.
    """
    a_arrays, b_arrays = _arrays(a), _arrays(b)
    if len(a_arrays) != len(b_arrays):
        raise ValueError(f"worst_array_error: {len(a_arrays)} arrays against "
                         f"{len(b_arrays)}; both gradients need the same layers")
    return max((rel_error(x, y) for x, y in zip(a_arrays, b_arrays)), default=0.0)


def _arrays(x):
    if isinstance(x, list | tuple):
        return [leaf for item in x for leaf in _arrays(item)]
    return [x]


def _flatten(x):
    if isinstance(x, list | tuple):
        return np.concatenate([_flatten(item) for item in x]) if x else np.zeros(0)
    return np.ravel(np.asarray(x, dtype=float))


def numerical_gradient(cost, layers, h=1e-6):
    """Central differences of ``cost(layers)`` with respect to every parameter.

    ``layers`` is a list of ``(W, b)``; the result has the same structure.
    Each parameter is perturbed in a copy, so ``layers`` is left unchanged.
    """
    work = [(W.astype(float), b.astype(float)) for W, b in layers]
    grads = []
    for W, b in work:
        pair = []
        for p in (W, b):
            g = np.zeros_like(p)
            for i in np.ndindex(p.shape):
                saved = p[i]
                p[i] = saved + h
                up = cost(work)
                p[i] = saved - h
                down = cost(work)
                p[i] = saved
                g[i] = (up - down) / (2 * h)
            pair.append(g)
        grads.append(tuple(pair))
    return grads
