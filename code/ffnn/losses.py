"""Cost functions C(prediction, target), their derivatives, one record per cost.

Shapes follow the batch convention: rows are samples, so a batch of
predictions has shape ``(n_samples, n_outputs)``; a single vector of shape
``(n_outputs,)`` is one sample.

``mse_der`` is the exact gradient ∂C/∂a^L (@eq-mse).  ``cross_entropy_der``
is *not* ∂C/∂a^L: it is ∂C/∂z^L for a softmax output layer, where the
softmax Jacobian and -t/p cancel to ``(prediction - target) / n_samples``
(@eq-softmax-ce).  Which output activation a derivative already includes is
recorded in one place, the cost's :class:`Cost` record (``folds``), and
:meth:`Cost.output_error` is the one function that turns a cost derivative
into the output error δ^L = ∂C/∂z^L, for every backpropagation in ``ffnn``.
"""

from dataclasses import dataclass
from typing import Callable

import autograd.numpy as np
import numpy

from .activations import softmax, softmax_vjp


def _n_samples(predict):
    """1 for a single vector, else the number of rows."""
    return 1 if numpy.ndim(predict) == 1 else numpy.shape(predict)[0]


def _check_shapes(predict, target):
    """A target of another shape would broadcast silently into a wrong cost."""
    # numpy's shape reads .shape, which autograd's traced arrays have: no tracing needed
    if numpy.shape(predict) != numpy.shape(target):
        raise ValueError(
            f"target: expected the shape of the prediction {numpy.shape(predict)}, "
            f"got {numpy.shape(target)}"
        )


def mse(predict, target):
    """C = (1/N) Σ (predict - target)^2, the mean over all N elements (@eq-mse)."""
    _check_shapes(predict, target)
    return np.mean((predict - target) ** 2)


def mse_der(predict, target):
    """∂C/∂predict = 2 (predict - target) / N, with N the number of elements."""
    _check_shapes(predict, target)
    return 2.0 * (predict - target) / numpy.size(predict)


def cross_entropy(predict, target):
    """C = -(1/n) Σ_samples Σ_classes target log(predict) (@eq-cross-entropy).

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
    """∂C/∂z^L = (predict - target) / n for a softmax output layer (@eq-softmax-ce).

    This is the product (∂C/∂a^L)(∂a^L/∂z^L) in closed form; use it with the
    softmax output layer's derivative left out (``None``).
    """
    _check_shapes(predict, target)
    return (predict - target) / _n_samples(predict)


def _mse_value(predict, target):
    """:func:`mse` of a batch in plain numpy, the same operations (training's hot path)."""
    return numpy.mean((predict - target) ** 2)


_TINY = {numpy.dtype(t): numpy.finfo(t).tiny for t in (numpy.float32, numpy.float64)}


def _cross_entropy_value(predict, target):
    """:func:`cross_entropy` of a batch in plain numpy, its sum as one dot product."""
    log_p = numpy.log(numpy.maximum(predict, _TINY[predict.dtype]))
    return -numpy.vdot(target, log_p) / predict.shape[0]


@dataclass(frozen=True)
class Cost:
    """One cost: C, its derivative, C for training's batches, and the output rule.

    ``der`` is ∂C/∂a^L, unless ``folds`` names an output activation whose
    Jacobian ``der`` already includes: then ``der`` is ∂C/∂z^L, valid for
    that output only (cross-entropy folds softmax, @eq-softmax-ce).
    """

    name: str | None
    f: Callable | None
    der: Callable
    value: Callable | None = None
    folds: Callable | None = None

    def check_output(self, f, argument="activation_funcs[-1]"):
        """Refuse an output activation that ``der`` does not fit."""
        if self.folds is not None and f is not self.folds:
            raise ValueError(
                f"{argument}: {getattr(self.der, '__name__', 'this cost derivative')} gives "
                f"dC/dz only for a {self.folds.__name__} output layer, "
                f"got {getattr(f, '__name__', f)}"
            )

    def output_error(self, predict, target, z, f, f_der):
        """δ^L = ∂C/∂z^L of the output layer (@eq-delta-output), for a vector or a batch.

        ``predict`` is a^L = f(z^L).  With ``folds`` the derivative already is
        δ^L.  A softmax output otherwise goes through its Jacobian
        (:func:`ffnn.softmax_vjp`), any other through ∂C/∂a^L ⊙ f'(z^L).
        """
        self.check_output(f)
        dC = self.der(predict, target)
        if self.folds is not None:
            return dC
        if f is softmax:
            return softmax_vjp(predict, dC)
        if f_der is None:
            raise ValueError("activation_ders[-1]: expected the output layer's derivative, got None")
        return dC * f_der(z)


MSE = Cost("mse", mse, mse_der, _mse_value)
CROSS_ENTROPY = Cost("cross_entropy", cross_entropy, cross_entropy_der, _cross_entropy_value,
                     folds=softmax)
RECORDS = {"mse": MSE, "cross_entropy": CROSS_ENTROPY}
COSTS = {name: record.f for name, record in RECORDS.items()}
COST_DERIVATIVES = {name: record.der for name, record in RECORDS.items()}


def for_derivative(cost_der):
    """The record whose derivative is ``cost_der``, or a bare one for a function of the user's."""
    record = next((r for r in RECORDS.values() if r.der is cost_der), None)
    return record if record is not None else Cost(None, None, cost_der)


def resolve(cost_fun, cost_der):
    """The :class:`Cost` of a network given ``cost_fun`` and ``cost_der`` (names, functions, None)."""
    if isinstance(cost_fun, str):
        if cost_fun not in RECORDS:
            raise ValueError(f"cost_fun: unknown name {cost_fun!r}; expected one of {sorted(RECORDS)}")
        cost_fun = RECORDS[cost_fun].f
    if not callable(cost_fun):
        raise ValueError(f"cost_fun: expected a name or a function, got {cost_fun!r}")
    own = next((r for r in RECORDS.values() if r.f is cost_fun), None)
    if cost_der is None:
        if own is None:
            raise ValueError(
                f"cost_der: no registered derivative for {getattr(cost_fun, '__name__', cost_fun)!r}:"
                " pass it"
            )
        return own
    if isinstance(cost_der, str):
        name = cost_der.removesuffix("_der")
        if name not in RECORDS:
            raise ValueError(f"cost_der: unknown name {cost_der!r}; expected one of {sorted(RECORDS)}")
        cost_der = RECORDS[name].der
    if not callable(cost_der):
        raise ValueError(f"cost_der: expected a name, a function or None, got {cost_der!r}")
    if own is not None and own.der is cost_der:
        return own
    return Cost(None, cost_fun, cost_der, folds=for_derivative(cost_der).folds)
