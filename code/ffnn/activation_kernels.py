"""The in-place kernels of the activations, for training's hot path (:mod:`ffnn.fastpath`).

Each activation of :mod:`ffnn.activations` has, next to f and f', two
kernels in its record: ``forward(z, out, tmp)`` writes f(z) into ``out``;
``backward(delta, z, a, tmp, mask)`` multiplies ``delta`` by f'(z) in place,
with ``a = f(z)`` and two scratch arrays of z's shape (``tmp`` of its dtype,
``mask`` boolean); ``tmp`` reaches the backward kernel as the layer's
forward kernel left it.  A kernel computes the same numbers as f and f'
(σ' as σ(z)σ(-z), @eq-sigmoid-stable), with plain numpy and no
allocation; on the stacked arrays of networks trained in lockstep (three
axes), softmax and sigmoid take faster routes to the same numbers, equal
to rounding (the sigmoid's backward reuses the forward's 1 + e^z, kept in
``tmp``).  The leaky ReLU's kernels take the slope α as a last argument,
which its record binds (:data:`ffnn.activations.LEAKY_SLOPE`).
"""

import numpy as np
from scipy.special import expit


def identity_forward(z, out, tmp):
    np.copyto(out, z)


def identity_backward(delta, z, a, tmp, mask):
    pass  # f' = 1


def relu_forward(z, out, tmp):
    np.maximum(z, 0.0, out=out)


def relu_backward(delta, z, a, tmp, mask):
    np.greater(z, 0.0, out=mask)
    np.multiply(delta, mask, out=delta)


def leaky_relu_forward(z, out, tmp, slope):
    np.multiply(z, slope, out=out)  # max(z, αz) is z for z > 0, αz otherwise
    np.maximum(out, z, out=out)


def leaky_relu_backward(delta, z, a, tmp, mask, slope):
    np.less_equal(z, 0.0, out=mask)
    np.multiply(delta, slope, out=delta, where=mask)


def sigmoid_forward(z, out, tmp):
    if z.ndim > 2:  # M networks at once (ffnn.lockstep)
        return _sigmoid_stacked_forward(z, out, tmp)
    expit(z, out=out)  # 1 / (1 + e^{-z}) in one overflow-free pass


def sigmoid_backward(delta, z, a, tmp, mask):
    if z.ndim > 2:
        np.divide(a, tmp, out=tmp)  # σ(z)σ(-z) = σ(z) / (1 + e^z), 1 + e^z kept by the forward
    else:
        np.negative(z, out=tmp)
        expit(tmp, out=tmp)  # σ(-z), not 1 - σ(z), which rounds to 0 for large z
        np.multiply(tmp, a, out=tmp)
    np.multiply(delta, tmp, out=delta)


_LARGEST = {np.dtype(t): np.finfo(t).max for t in (np.float32, np.float64)}
_EXP_SAFE = {dtype: np.log(largest) - 1.0 for dtype, largest in _LARGEST.items()}


def _sigmoid_stacked_forward(z, out, tmp):
    """σ(z) = e^z / (1 + e^z) with numpy's vectorised exp, for the large arrays of M networks:
    several times faster than scipy's expit, equal to rounding.  1 + e^z is kept in ``tmp``,
    from which the backward pass takes σ'(z) = σ(z)σ(-z) = σ(z) / (1 + e^z) with one division,
    no second exp.  Where e^z overflows (z > 709 in float64) it is taken as the largest
    float, so σ(z) = 1 and σ'(z) < 1e-308 as they should, not inf / inf; a nan stays nan.
    (That cap is skipped when no z comes near the limit: a maximum is cheaper than a minimum
    taken element by element.)"""
    with np.errstate(over="ignore"):
        np.exp(z, out=out)
    if not z.max() <= _EXP_SAFE[z.dtype]:  # also when z holds a nan: the cap keeps it
        np.minimum(out, _LARGEST[out.dtype], out=out)
    np.add(out, 1.0, out=tmp)
    np.divide(out, tmp, out=out)


def tanh_forward(z, out, tmp):
    np.tanh(z, out=out)


def tanh_backward(delta, z, a, tmp, mask):
    np.square(a, out=tmp)  # a = tanh(z): the same 1 - tanh(z)² as tanh_der
    np.subtract(1.0, tmp, out=tmp)
    np.multiply(delta, tmp, out=delta)


def softmax_forward(z, out, tmp):
    if z.ndim > 2:  # M networks' rows (ffnn.lockstep): many short rows, summed column by column
        return _softmax_forward_columns(z, out)
    np.subtract(z, np.maximum.reduce(z, axis=-1, keepdims=True), out=out)
    np.exp(out, out=out)
    out /= np.add.reduce(out, axis=-1, keepdims=True)


def _softmax_forward_columns(z, out):
    """The same softmax with the row maximum and sum taken column by column, one call
    per class instead of one per row (numpy's reductions along a short last axis)."""
    column = np.copy(z[..., 0])
    for k in range(1, z.shape[-1]):
        np.maximum(column, z[..., k], out=column)
    np.subtract(z, column[..., None], out=out)
    np.exp(out, out=out)
    np.copyto(column, out[..., 0])
    for k in range(1, z.shape[-1]):
        column += out[..., k]
    out /= column[..., None]
