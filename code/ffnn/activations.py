"""Activation functions f and their derivatives f', one record per activation.

A layer computes ``a^l = f(z^l)`` element by element (@eq-activation), and
backpropagation multiplies by ``f'(z^l)``, the diagonal of the Jacobian
∂a^l/∂z^l (@eq-delta-recursion).  ``f`` and ``f'`` are written with
``autograd.numpy`` so that autograd can trace them; on plain arrays they
return plain arrays of the input's dtype.

Each :class:`Activation` record keeps, next to f and f', the two in-place
kernels of the training hot path, ``forward`` and ``backward``
(:mod:`ffnn.activation_kernels`), which compute the same numbers.

``softmax`` is the one activation that is not element-wise: its Jacobian is
``diag(s) - s s^T`` per sample (@eq-softmax), applied by :func:`softmax_vjp`.
Whether a cost folds it into its own derivative is the cost's business
(:class:`ffnn.costs.Cost`), so softmax has neither ``der`` nor ``backward``.
"""

from dataclasses import dataclass
from functools import partial
from typing import Callable

import autograd.numpy as anp

from . import activation_kernels as kernels

LEAKY_SLOPE = 0.01


def identity(z):
    """f(z) = z."""
    return z


def identity_der(z):
    """f'(z) = 1."""
    return anp.ones_like(z)


def relu(z):
    """f(z) = max(z, 0)."""
    return anp.where(z > 0, z, 0.0)


def relu_der(z):
    """f'(z) = 1 for z > 0, else 0 (the subgradient 0 is taken at z = 0)."""
    return anp.where(z > 0, 1.0, 0.0).astype(anp.result_type(z))


def leaky_relu(z):
    """f(z) = z for z > 0, else α z with α = ``LEAKY_SLOPE`` = 0.01."""
    return anp.where(z > 0, z, LEAKY_SLOPE * z)


def leaky_relu_der(z):
    """f'(z) = 1 for z > 0, else α."""
    return anp.where(z > 0, 1.0, LEAKY_SLOPE).astype(anp.result_type(z))


def sigmoid(z):
    """f(z) = 1 / (1 + e^{-z}), computed as exp(-log(1 + e^{-z})) (@eq-sigmoid-stable).

    ``logaddexp(0, -z) = log(1 + e^{-z})`` never overflows, so
    ``sigmoid(±1000)`` is exactly 1 or 0 with no warning, and for negative z
    the result keeps its full relative precision (no 1 - x cancellation).
    """
    return anp.exp(-anp.logaddexp(0.0, -z))


def sigmoid_der(z):
    """f'(z) = f(z) f(-z), which equals f(z) (1 - f(z)) without its rounding to 0."""
    return sigmoid(z) * sigmoid(-z)


def tanh(z):
    """f(z) = tanh(z)."""
    return anp.tanh(z)


def tanh_der(z):
    """f'(z) = 1 - tanh(z)^2."""
    return 1.0 - anp.tanh(z) ** 2


def softmax(z):
    """s_i = e^{z_i} / Σ_j e^{z_j} over the last axis (@eq-softmax, @eq-softmax-stable).

    ``z`` is one vector of shape ``(n_classes,)`` or a batch of shape
    ``(n_samples, n_classes)`` whose rows are samples: each row sums to 1.
    Subtracting the row maximum first leaves the result unchanged and keeps
    every exponent ≤ 0, so large inputs cannot overflow.
    """
    e_z = anp.exp(z - anp.max(z, axis=-1, keepdims=True))
    return e_z / anp.sum(e_z, axis=-1, keepdims=True)


def softmax_vjp(s, g):
    """Return g^T ∂s/∂z for s = softmax(z), row by row.

    With the Jacobian ∂s_i/∂z_j = s_i (δ_ij - s_j) (@eq-softmax) the product
    is ``s * (g - Σ_j g_j s_j)``, computed without forming the Jacobian.
    ``s`` and ``g`` have the same shape, ``(n_classes,)`` or
    ``(n_samples, n_classes)``.
    """
    return s * (g - anp.sum(g * s, axis=-1, keepdims=True))


@dataclass(frozen=True)
class Activation:
    """One activation: its name, f, f' and the in-place kernels of the fast path."""

    name: str
    f: Callable
    der: Callable | None  # None: not element-wise (softmax)
    forward: Callable
    backward: Callable | None


ACTIVATION_RECORDS = {
    record.name: record
    for record in (
        Activation("identity", identity, identity_der, kernels.identity_forward,
                   kernels.identity_backward),
        Activation("relu", relu, relu_der, kernels.relu_forward, kernels.relu_backward),
        Activation("leaky_relu", leaky_relu, leaky_relu_der,
                   partial(kernels.leaky_relu_forward, slope=LEAKY_SLOPE),
                   partial(kernels.leaky_relu_backward, slope=LEAKY_SLOPE)),
        Activation("sigmoid", sigmoid, sigmoid_der, kernels.sigmoid_forward,
                   kernels.sigmoid_backward),
        Activation("tanh", tanh, tanh_der, kernels.tanh_forward, kernels.tanh_backward),
        Activation("softmax", softmax, None, kernels.softmax_forward, None),
    )
}
ACTIVATIONS = {name: record.f for name, record in ACTIVATION_RECORDS.items()}
DERIVATIVES = {name: record.der for name, record in ACTIVATION_RECORDS.items()}


def record_of(f):
    """The :class:`Activation` of a registered function or name, else None."""
    if isinstance(f, str):
        return ACTIVATION_RECORDS.get(f)
    return next((record for record in ACTIVATION_RECORDS.values() if record.f is f), None)


def kernels_of(activation_funcs, activation_ders):
    """The record of each layer's activation, or None if one has no in-place kernels.

    A hidden layer qualifies with a registered activation and its own
    derivative; the output layer with any registered activation, since its
    error comes from the cost record.
    """
    records = [record_of(f) for f in activation_funcs]
    if any(r is None for r in records):
        return None
    hidden = zip(records[:-1], activation_ders[:-1])
    if any(r.backward is None or d is not r.der for r, d in hidden):
        return None
    return records


def checked_activation(value, argument):
    """An activation given by name or as a function, returned as a function."""
    if isinstance(value, str):
        if value not in ACTIVATION_RECORDS:
            raise ValueError(f"{argument}: unknown name {value!r}; expected one of {sorted(ACTIVATION_RECORDS)}")
        return ACTIVATION_RECORDS[value].f
    if not callable(value):
        raise ValueError(f"{argument}: expected a name or a function, got {value!r}")
    return value


def checked_derivative(value, f, argument):
    """f' given by name (``"relu"`` or ``"relu_der"``), as a function, or None for f's own."""
    if value is None:
        record = record_of(f)
        if record is None:
            raise ValueError(
                f"{argument}: no registered derivative for {getattr(f, '__name__', f)!r}: pass it"
            )
        return record.der
    if isinstance(value, str):
        record = ACTIVATION_RECORDS.get(value.removesuffix("_der"))
        if record is None or record.der is None:
            names = sorted(n for n, r in ACTIVATION_RECORDS.items() if r.der is not None)
            raise ValueError(f"{argument}: unknown derivative {value!r}; expected one of {names}")
        return record.der
    if not callable(value):
        raise ValueError(f"{argument}: expected a name, a function or None, got {value!r}")
    return value
