"""The training hot path: backpropagation in place, on preallocated buffers.

It computes exactly what :func:`ffnn.backpropagation_batch` computes — the
forward pass ``Z^l = A^{l-1} W^l + b^l``, ``A^l = f_l(Z^l)``, then Δ^L,
``Δ^l = Δ^{l+1} (W^{l+1})^T ⊙ f_l'(Z^l)``, ``∂C/∂W^l = (A^{l-1})^T Δ^l`` and
``∂C/∂b^l = Σ_rows Δ^l`` — with plain numpy (no autograd wrappers), one
buffer per A^l and Δ^l allocated once per :func:`ffnn.train` call, and the
gradients written straight into their arrays.  Δ^0, the gradient with
respect to the inputs, is never formed.

Every kernel computes the reference function it replaces (the sigmoid in
one call of scipy's ``expit`` rather than three numpy operations, the
cross-entropy's sum as one dot product), so the two
paths agree to rounding (the tests ask for 1e-12) and a float32 network
stays float32.  Z^l needs no buffer of its
own: f_l is applied to it in place, and each derivative is written with
a^l = f_l(z^l): σ' = a(1 - a), tanh' = 1 - a², relu' = [a > 0].

Parameters and gradients live in one flat buffer each (:func:`flat_layers`),
so that an optimiser can update all of them in one pass.
"""

import math

import numpy as np
from scipy.special import expit

from .activations import (
    LEAKY_SLOPE,
    identity,
    identity_der,
    leaky_relu,
    leaky_relu_der,
    relu,
    relu_der,
    sigmoid,
    sigmoid_der,
    softmax,
    softmax_vjp,
    tanh,
    tanh_der,
)
from .losses import cross_entropy, cross_entropy_der, mse


# -- f in place (``h`` holds z^l and becomes a^l) and δ ⊙= f'(z) from a --------
def _relu_forward(h):
    np.maximum(h, 0.0, out=h)


def _relu_backward(delta, a, tmp, mask):
    np.greater(a, 0.0, out=mask)
    np.multiply(delta, mask, out=delta)


def _leaky_relu_forward(h):
    np.multiply(h, LEAKY_SLOPE, out=h, where=~(h > 0))


def _leaky_relu_backward(delta, a, tmp, mask):
    np.greater(a, 0.0, out=mask)
    np.logical_not(mask, out=mask)
    np.multiply(delta, LEAKY_SLOPE, out=delta, where=mask)


def _sigmoid_forward(h):
    expit(h, out=h)  # 1 / (1 + e^{-z}) in one overflow-free pass


def _sigmoid_backward(delta, a, tmp, mask):
    np.subtract(1.0, a, out=tmp)
    np.multiply(a, tmp, out=tmp)
    np.multiply(delta, tmp, out=delta)


def _tanh_forward(h):
    np.tanh(h, out=h)


def _tanh_backward(delta, a, tmp, mask):
    np.square(a, out=tmp)
    np.subtract(1.0, tmp, out=tmp)
    np.multiply(delta, tmp, out=delta)


def _identity_forward(h):
    pass


def _identity_backward(delta, a, tmp, mask):
    pass


def _softmax_forward(h):
    h -= np.maximum.reduce(h, axis=1, keepdims=True)
    np.exp(h, out=h)
    h /= np.add.reduce(h, axis=1, keepdims=True)


class Kernel:
    """An activation's in-place forward and backward, and the scratch it needs."""

    def __init__(self, derivative, forward, backward, scratch):
        self.derivative, self.forward, self.backward = derivative, forward, backward
        self.scratch = scratch  # "tmp" (a float buffer), "mask" (a bool buffer) or None


KERNELS = {
    identity: Kernel(identity_der, _identity_forward, _identity_backward, None),
    relu: Kernel(relu_der, _relu_forward, _relu_backward, "mask"),
    leaky_relu: Kernel(leaky_relu_der, _leaky_relu_forward, _leaky_relu_backward, "mask"),
    sigmoid: Kernel(sigmoid_der, _sigmoid_forward, _sigmoid_backward, "tmp"),
    tanh: Kernel(tanh_der, _tanh_forward, _tanh_backward, "tmp"),
    softmax: Kernel(None, _softmax_forward, None, None),
}


_TINY = {np.dtype(t): np.finfo(t).tiny for t in (np.float32, np.float64)}


def _cross_entropy_cost(predict, target):
    """:func:`ffnn.cross_entropy` of a batch in plain numpy (the sum as one dot product)."""
    log_p = np.log(np.maximum(predict, _TINY[predict.dtype]))
    return -np.vdot(target, log_p) / predict.shape[0]


def _mse_cost(predict, target):
    """:func:`ffnn.mse` in plain numpy (same operations)."""
    return np.mean((predict - target) ** 2)


COST_KERNELS = {cross_entropy: _cross_entropy_cost, mse: _mse_cost}


def plan(funcs, ders, cost_der):
    """The kernel of each layer, or None when a layer has none.

    The fast path covers the registered activations paired with their own
    derivatives, and a softmax output (whose derivative entry is None) with
    any cost; anything else — a function of the user's, a derivative paired
    differently — takes the reference path.
    """
    kernels = []
    last = len(funcs) - 1
    for i, (f, d) in enumerate(zip(funcs, ders)):
        kernel = KERNELS.get(f)
        if kernel is None or (f is softmax and i != last):
            return None
        if f is not softmax and d is not kernel.derivative:
            return None
        if f is not softmax and i == last and cost_der is cross_entropy_der:
            return None  # refused by the reference path, which raises the error
        kernels.append(kernel)
    return kernels


def views(buffer, shapes):
    """Consecutive views of the 1-D ``buffer``, one of each shape, from its start."""
    arrays, start = [], 0
    for shape in shapes:
        size = math.prod(shape)
        arrays.append(buffer[start : start + size].reshape(shape))
        start += size
    return arrays


def flat_layers(network_input_size, sizes, dtype):
    """``[(W^1, b^1), ...]``, zeros, as views of one 1-D buffer.

    Layer l takes ``(n_{l-1} + 1) n_l`` consecutive entries: the rows of
    W^l, then b^l (the matrix W^l with b^l appended as one more row).  The
    pairs tile the buffer end to end, in order, so that
    :meth:`ffnn.Optimizer.step` can update every parameter in one pass.
    """
    n_ins = [network_input_size, *sizes[:-1]]
    shapes = [shape for i, o in zip(n_ins, sizes) for shape in ((i, o), (o,))]
    arrays = views(np.zeros(sum(math.prod(shape) for shape in shapes), dtype), shapes)
    return list(zip(arrays[::2], arrays[1::2]))


class Workspace:
    """Buffers for batches of at most ``rows`` samples.

    ``a[l-1]`` holds Z^l and then A^l, ``delta[l-1]`` holds Δ^l, ``tmp`` and
    ``mask`` are scratch for f_l', and ``grads`` receives ``(∂C/∂W^l,
    ∂C/∂b^l)`` (views of one buffer, :func:`flat_layers`): the arrays
    :func:`backprop` returns and overwrites at its next call.  A smaller
    batch uses the first rows of each buffer.  With ``kernels=None`` (no
    fast path) it holds nothing.
    """

    def __init__(self, rows, network_input_size, sizes, kernels, dtype):
        self.rows, self.plan = rows, kernels
        self._views = {}
        if kernels is None:
            return
        needs = [kernel.scratch for kernel in kernels]
        self.a = [np.empty((rows, n), dtype) for n in sizes]
        self.delta = [np.empty((rows, n), dtype) for n in sizes]
        self.tmp = [np.empty((rows, n), dtype) if k == "tmp" else None for n, k in zip(sizes, needs)]
        self.mask = [np.empty((rows, n), bool) if k == "mask" else None for n, k in zip(sizes, needs)]
        self.grads = flat_layers(network_input_size, sizes, dtype)

    def views(self, m):
        """``(a, delta, tmp, mask)`` cut to the first ``m`` rows."""
        views = self._views.get(m)
        if views is None:
            if m > self.rows:
                raise ValueError(f"workspace: a batch of {m} rows, the buffers hold {self.rows}")
            buffers = (self.a, self.delta, self.tmp, self.mask)
            views = self._views[m] = tuple([None if x is None else x[:m] for x in xs] for xs in buffers)
        return views


def backprop(layers, X, Y, ws, cost_fun, cost_der):
    """Return ``(grads, C)`` for the batch X, Y, computed in the workspace ``ws``.

    ``grads`` are ``ws.grads``, the gradients of the data cost C (the
    network adds its weight penalty's gradient).
    """
    m = X.shape[0]
    kernels = ws.plan
    acts, deltas, tmps, masks = ws.views(m)

    a = X
    for (W, b), h, kernel in zip(layers, acts, kernels):
        np.matmul(a, W, out=h)
        h += b
        kernel.forward(h)
        a = h
    predict = a

    last = len(layers) - 1
    delta = deltas[last]
    if cost_der is cross_entropy_der:  # softmax output: Δ^L = (A^L - Y) / n
        np.subtract(predict, Y, out=delta)
        delta /= m
    elif kernels[last].forward is _softmax_forward:  # any other cost: the softmax Jacobian
        np.copyto(delta, softmax_vjp(predict, cost_der(predict, Y)))
    else:
        np.copyto(delta, cost_der(predict, Y))
        kernels[last].backward(delta, predict, tmps[last], masks[last])

    for i in range(last, -1, -1):
        if i < last:
            np.matmul(deltas[i + 1], layers[i + 1][0].T, out=deltas[i])
            kernels[i].backward(deltas[i], acts[i], tmps[i], masks[i])
        dW, db = ws.grads[i]
        np.matmul((X if i == 0 else acts[i - 1]).T, deltas[i], out=dW)
        np.add.reduce(deltas[i], axis=0, out=db)
    cost = COST_KERNELS.get(cost_fun, cost_fun)
    return ws.grads, cost(predict, Y)
