"""Does a training function follow the gradient of the exercise's cost?

Lowering a cost is not enough: adding the log class frequencies to the
output bias lowers the cross-entropy too, and a gradient scaled by a wrong
factor trains a little and learns nothing.  A few epochs on the whole data
set (``batch_size`` = n), from one start, must land where the reference
optimiser lands (@eq-gd-momentum: v ← γ v - η ∇C, θ ← θ + v) on the
exercise's cross-entropy, taken as a mean over the samples or as their sum
(both conventions are the handout's), or divided by the batch size once more
(a smaller learning rate, not a wrong direction).  A function whose momentum,
learning rate or epochs are not parameters is tried against every usual
value; one that cannot be run on the whole data set in one batch (it
shuffles with a batch size of its own) is not judged here.
"""

import autograd
import numpy as np

from ffnn import activations as _act
from ffnn import functional as _fn
from ffnn import losses as _loss

from ..outcomes import Fail
from .binding import has_parameter

EPOCHS, RATE = 3, 0.1
_RATES = (0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0)
_MOMENTA = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99)


def _cost(X, Y, layers):
    return _loss.cross_entropy(_fn.feed_forward_batch(X, layers, [_act.sigmoid, _act.softmax]), Y)


def reference(X, Y, layers, rate, momentum, epochs, scale):
    """The layers after ``epochs`` full-batch steps of gradient descent with momentum."""
    gradient = autograd.grad(lambda L: _cost(X, Y, L))
    layers = [(np.array(W, dtype=float), np.array(b, dtype=float)) for W, b in layers]
    velocity = [(0 * W, 0 * b) for W, b in layers]
    for _ in range(epochs):
        grads = gradient(layers)
        velocity = [(momentum * vW - rate * scale * gW, momentum * vb - rate * scale * gb)
                     for (vW, vb), (gW, gb) in zip(velocity, grads)]
        layers = [(W + vW, b + vb) for (W, b), (vW, vb) in zip(layers, velocity)]
    return layers


def _flat(layers):
    return np.concatenate([np.ravel(a) for pair in layers for a in pair])


def follows_gradient(f, run, X, Y, layers):
    """:class:`Fail` unless ``run(f, **values)`` (the trained layers) follows the gradient.

    ``run`` trains ``f`` on ``X``, ``Y`` from ``layers`` with the values
    given (``lr``, ``epochs``, ``momentum``, ``batch_size``).
    """
    if not has_parameter(f, "epochs"):
        return
    if not has_parameter(f, "batch_size") and any(
            word in (getattr(f, "source", None) or "") for word in ("permutation", "shuffle", "choice")):
        return  # mini-batches of its own size, in its own order: not reproducible here
    values = {"epochs": EPOCHS, "batch_size": len(X), "lr": RATE, "momentum": 0.0}
    rates = (RATE,) if has_parameter(f, "lr") else _RATES
    momenta = (0.0,) if has_parameter(f, "momentum") else _MOMENTA
    got = _flat(run(f, **values))
    start = _flat(layers)
    for scale in (1.0, float(len(X)), 1 / len(X)):  # the mean, the sum, the mean divided once more
        for rate in rates:
            for momentum in momenta:
                want = _flat(reference(X, Y, layers, rate, momentum, EPOCHS, scale))
                moved = np.linalg.norm(want - start)
                if moved > 0 and np.linalg.norm(got - want) <= 1e-3 * moved:
                    return
    moved_got, moved_want = np.linalg.norm(got - start), np.linalg.norm(
        _flat(reference(X, Y, layers, RATE, 0.0, EPOCHS, 1.0)) - start)
    raise Fail(f"{f.name} does not follow the gradient of the cross-entropy: {EPOCHS} epochs on the whole "
               f"data set at learning rate {RATE} moved the parameters by {moved_got:.3g}, gradient "
               f"descent from the same start lands elsewhere (it moves them by {moved_want:.3g} taking "
               "the mean over the samples, n times that taking their sum); check the cost derivative "
               "(P - Y for softmax with cross-entropy) and the division by the batch size")
