"""The cost that training lowers, C_λ = C + λ₂ Σ_l ‖W^l‖² + λ₁ Σ_l |W^l| (@eq-penalty),
and its gradient.

The penalty joins the data cost C and its gradient in one place,
:func:`penalised`, which every path uses: the readable one
(:func:`readable_cost_and_gradient`, behind
:meth:`ffnn.NeuralNetwork.cost_and_gradient`), the in-place one of training
(:class:`ffnn.fastpath.FastGradient`) and the networks trained in lockstep
(:mod:`ffnn.lockstep`).

The functions take one network's layers ``[(W, b^l), ...]`` (W of shape
(n_{l-1}, n_l)) with scalar λ₂, λ₁, or a stack of M networks (W of shape
(M, n_{l-1}, n_l)) with λ₂, λ₁ arrays of shape (M,): then the penalty is one
value per network.  Pass λ as the network's dtype (or as Python floats) so
that float32 stays float32.
"""

import autograd.numpy as anp
import numpy as np

from . import parameters
from .functional import backward_batch, feed_forward_saver_batch


def _per_network(lam, W):
    """λ shaped to broadcast over W: a scalar as it is, an (M,) array as (M, 1, 1)."""
    return lam.reshape((-1,) + (1,) * (W.ndim - 1)) if isinstance(lam, np.ndarray) else lam


def _active(lam):
    """Whether a penalty is on (for any of the networks); cheap, as it runs for every batch."""
    return bool(lam.any()) if isinstance(lam, np.ndarray) else bool(lam)


def penalty(layers, l2, l1):
    """λ₂ Σ_l ‖W^l‖² + λ₁ Σ_l |W^l|, traceable by autograd (0.0 without regularisation)."""
    on2, on1 = _active(l2), _active(l1)
    if not (on2 or on1):
        return 0.0
    total = 0.0
    for W, _ in layers:
        if on2:
            total = total + l2 * anp.sum(W**2, axis=(-2, -1))
        if on1:
            total = total + l1 * anp.sum(anp.abs(W), axis=(-2, -1))
    return total


def add_penalty_gradient(layer_grads, layers, l2, l1):
    """Add 2λ₂W + λ₁ sign(W) to each weight gradient, in place (@eq-penalty-grad)."""
    on2, on1 = _active(l2), _active(l1)
    for (dW, _), (W, _) in zip(layer_grads, layers) if on2 or on1 else ():
        if on2:
            dW += _per_network(2.0 * l2, W) * W
        if on1:
            dW += _per_network(l1, W) * np.sign(W)
    return layer_grads


def penalised(cost, layers, l2, l1, layer_grads=None):
    """C_λ = C + penalty, in float64 (a float, or an array for M networks), from the data cost C; with ``layer_grads`` (∂C/∂W,
    ∂C/∂b^l), the penalty's gradient is added to them in place.

    ``cost`` is a number for one network, an array of M numbers for a stack.
    """
    on = _active(l2) or _active(l1)
    if layer_grads is not None and on:
        add_penalty_gradient(layer_grads, layers, l2, l1)
    value = penalty(layers, l2, l1) if on else 0.0
    if isinstance(cost, np.ndarray) and cost.ndim:
        return cost.astype(np.float64) + np.asarray(value, np.float64)
    return float(cost) + float(value)


def readable_cost_and_gradient(X, Y, layers, activation_funcs, activation_ders, loss, l2, l1):
    """``(C_λ, layer_grads)`` of one network by the report's backpropagation, one forward pass.

    ``layer_grads`` are ``(∂C_λ/∂W, ∂C_λ/∂b^l)`` views of one vector laid out
    as the parameters (:mod:`ffnn.parameters`).
    """
    saved = feed_forward_saver_batch(X, layers, activation_funcs)
    grads = backward_batch(saved, layers, activation_funcs, Y, activation_ders, loss.der)
    shapes = [a.shape for pair in layers for a in pair]
    vector = parameters.flatten(grads, shapes, X.dtype, "gradient")
    layer_grads = parameters.unflatten(vector, shapes)
    cost = penalised(loss.f(saved[2], Y), layers, l2, l1, layer_grads)
    return cost, layer_grads
