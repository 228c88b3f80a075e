"""Activation functions f and their derivatives f', paired as in the report.

A layer computes ``a^l = f(z^l)`` element by element, and backpropagation
multiplies by ``f'(z^l)`` (the diagonal of the Jacobian ∂a^l/∂z^l).  Every
function is written with ``autograd.numpy`` so that the reference gradients
in the report and the tests can be traced through it; called on plain arrays
it returns plain ``numpy`` arrays of the same dtype.

``softmax`` is the one activation that is not element-wise: its Jacobian is
``diag(s) - s s^T`` per sample, and backpropagation applies it with
:func:`softmax_vjp`.  Paired with cross-entropy, the product simplifies to
``prediction - target`` (see :mod:`ffnn.losses`), which is why it has no
``softmax_der``.

The registries ``ACTIVATIONS`` and ``DERIVATIVES`` map names to functions so
a network can be described by strings (``"relu"``, ``"sigmoid"``...).
"""

import autograd.numpy as np

LEAKY_SLOPE = 0.01


def identity(z):
    """f(z) = z."""
    return z


def identity_der(z):
    """f'(z) = 1."""
    return np.ones_like(z)


def relu(z):
    """f(z) = max(z, 0)."""
    return np.where(z > 0, z, 0.0)


def relu_der(z):
    """f'(z) = 1 for z > 0, else 0 (the subgradient 0 is taken at z = 0)."""
    return np.where(z > 0, 1.0, 0.0).astype(np.result_type(z))


def leaky_relu(z):
    """f(z) = z for z > 0, else α z with α = ``LEAKY_SLOPE`` = 0.01."""
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def leaky_relu_der(z):
    """f'(z) = 1 for z > 0, else α."""
    return np.where(z > 0, 1.0, LEAKY_SLOPE).astype(np.result_type(z))


def sigmoid(z):
    """f(z) = 1 / (1 + e^{-z}), computed as exp(-log(1 + e^{-z})).

    ``logaddexp(0, -z) = log(1 + e^{-z})`` never overflows, so
    ``sigmoid(±1000)`` is exactly 1 or 0 with no warning, and for negative z
    the result keeps its full relative precision (no 1 - x cancellation).
    """
    return np.exp(-np.logaddexp(0.0, -z))


def sigmoid_der(z):
    """f'(z) = f(z) f(-z), which equals f(z) (1 - f(z)) without its rounding to 0."""
    return sigmoid(z) * sigmoid(-z)


def tanh(z):
    """f(z) = tanh(z)."""
    return np.tanh(z)


def tanh_der(z):
    """f'(z) = 1 - tanh(z)^2."""
    return 1.0 - np.tanh(z) ** 2


def softmax(z):
    """s_i = e^{z_i} / Σ_j e^{z_j} over the last axis.

    ``z`` is one vector of shape ``(n_classes,)`` or a batch of shape
    ``(n_samples, n_classes)`` whose rows are samples: each row sums to 1.
    Subtracting the row maximum first leaves the result unchanged and keeps
    every exponent ≤ 0, so large inputs cannot overflow.
    """
    e_z = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e_z / np.sum(e_z, axis=-1, keepdims=True)


def softmax_vjp(s, g):
    """Return g^T ∂s/∂z for s = softmax(z), row by row.

    With the Jacobian ∂s_i/∂z_j = s_i (δ_ij - s_j) the product is
    ``s * (g - Σ_j g_j s_j)``, computed without forming the Jacobian.
    ``s`` and ``g`` have the same shape, ``(n_classes,)`` or
    ``(n_samples, n_classes)``.
    """
    return s * (g - np.sum(g * s, axis=-1, keepdims=True))


ACTIVATIONS = {
    "identity": identity,
    "relu": relu,
    "leaky_relu": leaky_relu,
    "sigmoid": sigmoid,
    "tanh": tanh,
    "softmax": softmax,
}

DERIVATIVES = {
    "identity": identity_der,
    "relu": relu_der,
    "leaky_relu": leaky_relu_der,
    "sigmoid": sigmoid_der,
    "tanh": tanh_der,
    "softmax": None,  # not element-wise: see softmax_vjp
}
