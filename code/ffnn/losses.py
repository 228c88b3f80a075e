"""Cost functions C(prediction, target) and their derivatives.

Shapes follow the batch convention: rows are samples, so a batch of
predictions has shape ``(n_samples, n_outputs)``; a single vector of shape
``(n_outputs,)`` is one sample.

``mse_der`` is the exact gradient ∂C/∂a^L.  ``cross_entropy_der`` is *not*
∂C/∂a^L: it is the derivative with respect to the output layer's ``z^L``
when the output activation is softmax, where the softmax Jacobian and
-t/p cancel to give ``(prediction - target) / n_samples`` (the report's
softmax + cross-entropy simplification).  It is valid for that pairing only,
which is why :class:`ffnn.NeuralNetwork` refuses cross-entropy without a
softmax output layer.
"""

import autograd.numpy as np


def _n_samples(predict):
    """1 for a single vector, else the number of rows."""
    return 1 if np.ndim(predict) == 1 else np.shape(predict)[0]


def _check_shapes(predict, target):
    """A target of another shape would broadcast silently into a wrong cost."""
    if np.shape(predict) != np.shape(target):
        raise ValueError(
            f"target: expected the shape of the prediction {np.shape(predict)}, "
            f"got {np.shape(target)}"
        )


def mse(predict, target):
    """C = (1/N) Σ (predict - target)^2, the mean over all N elements."""
    _check_shapes(predict, target)
    return np.mean((predict - target) ** 2)


def mse_der(predict, target):
    """∂C/∂predict = 2 (predict - target) / N, with N the number of elements."""
    _check_shapes(predict, target)
    return 2.0 * (predict - target) / np.size(predict)


def cross_entropy(predict, target):
    """C = -(1/n) Σ_samples Σ_classes target log(predict).

    ``predict`` holds probabilities (softmax outputs) and ``target`` one-hot
    rows (or any distributions).  For a single vector n = 1: the plain sum.
    ``log`` is taken of ``max(predict, tiny)`` so that a probability that
    underflowed to 0 gives a large finite cost, never ``nan`` or ``inf``.
    """
    _check_shapes(predict, target)
    tiny = np.finfo(np.result_type(predict)).tiny
    log_p = np.log(np.maximum(predict, tiny))
    return -np.sum(target * log_p) / _n_samples(predict)


def cross_entropy_der(predict, target):
    """∂C/∂z^L = (predict - target) / n for a softmax output layer.

    This is the product (∂C/∂a^L)(∂a^L/∂z^L) in closed form; use it with the
    softmax output layer's derivative left out (``None``).
    """
    _check_shapes(predict, target)
    return (predict - target) / _n_samples(predict)


COSTS = {"mse": mse, "cross_entropy": cross_entropy}
COST_DERIVATIVES = {"mse": mse_der, "cross_entropy": cross_entropy_der}
