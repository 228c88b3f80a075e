"""Cost functions C(prediction, target), their derivatives, one record per cost.

Shapes follow the batch convention: rows are samples, so a batch of
predictions has shape ``(n_samples, n_outputs)``; a single vector of shape
``(n_outputs,)`` is one sample.  ``anp`` is ``autograd.numpy`` (what
autograd traces), ``np`` plain numpy.

``mse_der`` and ``binary_cross_entropy_der`` are the exact gradients
∂C/∂a^L (@eq-mse).  ``cross_entropy_der`` is *not* ∂C/∂a^L: it is ∂C/∂z^L
for a softmax output layer, where the softmax Jacobian and -t/p cancel to
``(prediction - target) / n_samples`` (@eq-softmax-ce).  A sigmoid output
with the binary cross-entropy simplifies the same way: σ'(z) = a (1 - a)
cancels the denominator of ∂C/∂a, δ^L = (a - y) / n.  Which output a cost
is matched with, and which output a derivative already includes, is
recorded in one place, the cost's :class:`Cost` record (``matched``,
``folds``), and :meth:`Cost.output_error` is the one function that turns a
cost into the output error δ^L = ∂C/∂z^L, for every backpropagation in
``ffnn``.

This module was called ``ffnn.losses``; that name still imports it.
"""

from dataclasses import dataclass
from typing import Callable

import autograd.numpy as anp
import numpy as np

from .activations import record_of, sigmoid, softmax, softmax_vjp


def _n_samples(predict):
    """1 for a single vector, else the number of rows."""
    return 1 if np.ndim(predict) == 1 else np.shape(predict)[0]


def _check_shapes(predict, target):
    """A target of another shape would broadcast silently into a wrong cost."""
    # numpy's shape reads .shape, which autograd's traced arrays have: no tracing needed
    if np.shape(predict) != np.shape(target):
        raise ValueError(
            f"target: expected the shape of the prediction {np.shape(predict)}, "
            f"got {np.shape(target)}"
        )


def _log(p):
    """log(max(p, tiny)): a probability that underflowed to 0 gives a large finite log."""
    return anp.log(anp.maximum(p, anp.finfo(anp.result_type(p)).tiny))


def mse(predict, target):
    """C = (1/N) Σ (predict - target)^2, the mean over all N elements (@eq-mse)."""
    _check_shapes(predict, target)
    return anp.mean((predict - target) ** 2)


def mse_der(predict, target):
    """∂C/∂predict = 2 (predict - target) / N, with N the number of elements."""
    _check_shapes(predict, target)
    return 2.0 * (predict - target) / np.size(predict)


def cross_entropy(predict, target):
    """C = -(1/n) Σ_samples Σ_classes target log(predict) (@eq-cross-entropy).

    ``predict`` holds probabilities (softmax outputs) and ``target`` one-hot
    rows (or any distributions).  For a single vector n = 1: the plain sum.
    ``log`` is taken of ``max(predict, tiny)`` so that a probability that
    underflowed to 0 gives a large finite cost, never ``nan`` or ``inf``.
    """
    _check_shapes(predict, target)
    return -anp.sum(target * _log(predict)) / _n_samples(predict)


def cross_entropy_der(predict, target):
    """∂C/∂z^L = (predict - target) / n for a softmax output layer (@eq-softmax-ce).

    This is the product (∂C/∂a^L)(∂a^L/∂z^L) in closed form; use it with the
    softmax output layer's derivative left out (``None``).
    """
    _check_shapes(predict, target)
    return (predict - target) / _n_samples(predict)


def binary_cross_entropy(predict, target):
    """C = -(1/n) Σ [y log a + (1 - y) log(1 - a)], a the probability of class 1.

    ``predict`` holds probabilities a ∈ [0, 1] (a sigmoid output), one
    column per independent yes/no question, ``target`` 0/1 labels of the
    same shape (``y.reshape(-1, 1)`` for one column); the sum runs over the
    columns and the mean over the n samples, as for :func:`cross_entropy`
    (one vector: n = 1).  Both logs are of ``max(·, tiny)``: finite for
    a saturated output, never ``nan`` or ``inf``.
    """
    _check_shapes(predict, target)
    return -anp.sum(target * _log(predict) + (1.0 - target) * _log(1.0 - predict)) / _n_samples(predict)


def binary_cross_entropy_der(predict, target):
    """∂C/∂a = (a - y) / (a (1 - a)) / n, with a (1 - a) kept ≥ tiny.

    With a sigmoid output the record uses δ^L = (a - y) / n instead
    (σ'(z) = a (1 - a) cancels), which stays exact when a saturates.
    """
    _check_shapes(predict, target)
    tiny = np.finfo(np.result_type(predict)).tiny
    return (predict - target) / (anp.maximum(predict * (1.0 - predict), tiny) * _n_samples(predict))


_TINY = {np.dtype(t): np.finfo(t).tiny for t in (np.float32, np.float64)}


def _mse_value(predict, target):
    """:func:`mse` of a batch in plain numpy, the same operations (training's hot path)."""
    return np.mean((predict - target) ** 2)


def _cross_entropy_value(predict, target):
    """:func:`cross_entropy` of a batch in plain numpy, its sum as one dot product."""
    log_p = np.log(np.maximum(predict, _TINY[predict.dtype]))
    return -np.vdot(target, log_p) / predict.shape[0]


def _binary_cross_entropy_value(predict, target):
    """:func:`binary_cross_entropy` of a batch in plain numpy."""
    tiny = _TINY[predict.dtype]
    log_p, log_q = np.log(np.maximum(predict, tiny)), np.log(np.maximum(1.0 - predict, tiny))
    return -(np.vdot(target, log_p) + np.vdot(1.0 - target, log_q)) / predict.shape[0]


def _mse_stacked(predict, Y):
    """:func:`mse` of each of M stacked predictions (M, n, k): shape (M,)."""
    residual = predict - Y
    return np.einsum("mnk,mnk->m", residual, residual) / (predict.shape[1] * predict.shape[2])


def _cross_entropy_stacked(predict, Y):
    """:func:`cross_entropy` of each of M stacked predictions (M, n, k): shape (M,)."""
    log_p = np.log(np.maximum(predict, _TINY[predict.dtype]))
    return -np.einsum("mnk,mnk->m", Y, log_p) / predict.shape[1]


@dataclass(frozen=True)
class Cost:
    """One cost: C, its derivative, C for training's batches (``value``, and ``stacked`` for
    M networks' at once, :mod:`ffnn.lockstep`), and the output rules.

    ``der`` is ∂C/∂a^L, unless ``folds`` names an output activation whose
    Jacobian ``der`` already includes: then ``der`` is ∂C/∂z^L, valid for
    that output only (cross-entropy folds softmax, @eq-softmax-ce).
    ``matched`` is the output activation with which δ^L = (a - y) / n
    (softmax for cross-entropy, sigmoid for the binary cross-entropy);
    ``probabilities`` marks a cost of probabilities, which refuses a
    registered output activation whose values are not in [0, 1].
    """

    name: str | None
    f: Callable | None
    der: Callable
    value: Callable | None = None
    stacked: Callable | None = None
    folds: Callable | None = None
    matched: Callable | None = None
    probabilities: bool = False

    def check_output(self, f, argument="activation_funcs[-1]"):
        """Refuse an output activation that ``der`` or C does not fit."""
        name = getattr(f, "__name__", f)
        if self.folds is not None and f is not self.folds:
            hint = ("; for one sigmoid output (two classes) use cost_fun='binary_cross_entropy'"
                    if f is sigmoid else "")
            raise ValueError(
                f"{argument}: {getattr(self.der, '__name__', 'this cost derivative')} gives "
                f"dC/dz only for a {self.folds.__name__} output layer, got {name}{hint}")
        if self.probabilities and record_of(f) is not None and f not in (sigmoid, softmax):
            raise ValueError(
                f"{argument}: {self.name} expects probabilities in [0, 1] from a sigmoid output "
                f"layer, got {name}")

    def output_error(self, predict, target, z, f, f_der):
        """δ^L = ∂C/∂z^L of the output layer (@eq-delta-output), for a vector or a batch.

        ``predict`` is a^L = f(z^L).  The matched output gives (a - y) / n;
        with ``folds`` the derivative already is δ^L.  A softmax output
        otherwise goes through its Jacobian (:func:`ffnn.softmax_vjp`), any
        other through ∂C/∂a^L ⊙ f'(z^L).
        """
        self.check_output(f)
        if self.matched is not None and f is self.matched:
            _check_shapes(predict, target)
            return (predict - target) / _n_samples(predict)
        dC = self.der(predict, target)
        if self.folds is not None:
            return dC
        if f is softmax:
            return softmax_vjp(predict, dC)
        if f_der is None:
            raise ValueError("activation_ders[-1]: expected the output layer's derivative, got None")
        return dC * f_der(z)


MSE = Cost("mse", mse, mse_der, _mse_value, _mse_stacked)
CROSS_ENTROPY = Cost("cross_entropy", cross_entropy, cross_entropy_der, _cross_entropy_value,
                     _cross_entropy_stacked, folds=softmax, matched=softmax)
BINARY_CROSS_ENTROPY = Cost("binary_cross_entropy", binary_cross_entropy, binary_cross_entropy_der,
                            _binary_cross_entropy_value, matched=sigmoid, probabilities=True)
COST_RECORDS = {r.name: r for r in (MSE, CROSS_ENTROPY, BINARY_CROSS_ENTROPY)}
COSTS = {name: record.f for name, record in COST_RECORDS.items()}
COST_DERIVATIVES = {name: record.der for name, record in COST_RECORDS.items()}


def cost_of_derivative(cost_der):
    """The record whose derivative is ``cost_der``, or a bare one for a function of the user's."""
    record = next((r for r in COST_RECORDS.values() if r.der is cost_der), None)
    return record if record is not None else Cost(None, None, cost_der)


def checked_cost(cost_fun, cost_der):
    """The :class:`Cost` of a network given ``cost_fun`` and ``cost_der`` (names, functions, None)."""
    if isinstance(cost_fun, str):
        if cost_fun not in COST_RECORDS:
            raise ValueError(f"cost_fun: unknown name {cost_fun!r}; expected one of {sorted(COST_RECORDS)}")
        cost_fun = COST_RECORDS[cost_fun].f
    if not callable(cost_fun):
        raise ValueError(f"cost_fun: expected a name or a function, got {cost_fun!r}")
    own = next((r for r in COST_RECORDS.values() if r.f is cost_fun), None)
    if cost_der is None:
        if own is None:
            raise ValueError(
                f"cost_der: no registered derivative for {getattr(cost_fun, '__name__', cost_fun)!r}:"
                " pass it"
            )
        return own
    if isinstance(cost_der, str):
        name = cost_der.removesuffix("_der")
        if name not in COST_RECORDS:
            raise ValueError(f"cost_der: unknown name {cost_der!r}; expected one of {sorted(COST_RECORDS)}")
        cost_der = COST_RECORDS[name].der
    if not callable(cost_der):
        raise ValueError(f"cost_der: expected a name, a function or None, got {cost_der!r}")
    if own is not None and own.der is cost_der:
        return own
    template = cost_of_derivative(cost_der)
    return Cost(None, cost_fun, cost_der, folds=template.folds, matched=template.matched,
                probabilities=template.probabilities)
