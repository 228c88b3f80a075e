"""The weight penalty of the cost that training lowers (@eq-penalty) and its gradient
(@eq-penalty-grad): λ₂ Σ_l ‖W^l‖² + λ₁ Σ_l |W^l|, pure functions.

:func:`ffnn.fastpath.penalised` adds them to the data cost C and its
gradient, for every path.  The functions take one network's layers
``[(W, b^l), ...]`` (W of shape (n_{l-1}, n_l)) with scalar λ₂, λ₁, or a
stack of M networks (W of shape (M, n_{l-1}, n_l)) with λ₂, λ₁ arrays of
shape (M,): then the penalty is one value per network.  Pass λ as the
network's dtype (or as Python floats) so that float32 stays float32.
"""

import autograd.numpy as anp
import numpy as np


def _per_network(lam, W):
    """λ shaped to broadcast over W: a scalar as it is, an (M,) array as (M, 1, 1)."""
    return lam.reshape((-1,) + (1,) * (W.ndim - 1)) if isinstance(lam, np.ndarray) else lam


def active(lam):
    """Whether a penalty is on (for any of the networks); cheap, as it runs for every batch."""
    return bool(lam.any()) if isinstance(lam, np.ndarray) else bool(lam)


def penalty(layers, l2, l1):
    """λ₂ Σ_l ‖W^l‖² + λ₁ Σ_l |W^l|, traceable by autograd (0.0 without regularisation)."""
    on2, on1 = active(l2), active(l1)
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
    on2, on1 = active(l2), active(l1)
    for (dW, _), (W, _) in zip(layer_grads, layers) if on2 or on1 else ():
        if on2:
            dW += _per_network(2.0 * l2, W) * W
        if on1:
            dW += _per_network(l1, W) * np.sign(W)
    return layer_grads
