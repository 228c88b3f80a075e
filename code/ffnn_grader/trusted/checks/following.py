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
shuffles with a batch size of its own) is not judged here.  Steps right
given the student's own backpropagation are right: its error is charged
once, to its own exercise.  And the training must learn the exercise's
task, iris, well above chance (:func:`learns_iris`).
"""

import autograd
import numpy as np

from ffnn import activations as _act
from ffnn import costs as _costs
from ffnn import functional as _fn
from ffnn.data import load_iris

from ..outcomes import Fail, StudentError
from .binding import accepts, has_parameter, uses
from .common import REF, as_layers, call, rng_for

EPOCHS, RATE = 3, 0.1
_RATES = (0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0)
_MOMENTA = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99)


def _cost(X, Y, layers):
    return _costs.cross_entropy(_fn.feed_forward_batch(X, layers, [_act.sigmoid, _act.softmax]), Y)


def reference(X, Y, layers, rate, momentum, epochs, scale, gradient=None):
    """The layers after ``epochs`` full-batch steps of gradient descent with momentum.

    ``gradient(layers)`` gives the gradient (autograd's of the exercise's
    cross-entropy unless given: the student's own backpropagation).
    """
    gradient = gradient or autograd.grad(lambda L: _cost(X, Y, L))
    layers = [(np.array(W, dtype=float), np.array(b, dtype=float)) for W, b in layers]
    velocity = [(0 * W, 0 * b) for W, b in layers]
    for _ in range(epochs):
        grads = gradient(layers)
        velocity = [(momentum * vW - rate * scale * gW, momentum * vb - rate * scale * np.reshape(gb, b.shape))
                     for (vW, vb), (gW, gb), (_, b) in zip(velocity, grads, layers)]
        layers = [(W + vW, b + vb) for (W, b), (vW, vb) in zip(layers, velocity)]
    return layers


IRIS_RATES, IRIS_EPOCHS, IRIS_BATCH, IRIS_ACCURACY = (0.01, 0.1, 1.0), 100, 16, 0.9


def learns_iris(f, run):
    """:class:`Fail` unless ``f`` really learns the exercise's task.

    Iris (standardised inputs), the network 4 -> 8 sigmoid -> 3 softmax from
    one start, 100 epochs (mini-batches of 16 where ``f`` takes a batch
    size) at learning rates 0.01, 0.1 and 1: the exercise's training reaches
    an accuracy of 0.9 or more at one of them, whether its cost takes the
    mean or the sum over the samples; chance is 1/3.
    """
    X, Y, _ = load_iris()
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    best = 0.0
    for rate in IRIS_RATES:
        layers = _fn.create_layers_batch(4, [8, 3], rng_for("iris"))
        trained = run(f, X, Y, layers, lr=rate, epochs=IRIS_EPOCHS, batch_size=IRIS_BATCH)
        predict = _fn.feed_forward_batch(X, trained, [_act.sigmoid, _act.softmax])
        best = max(best, float(np.mean(np.argmax(predict, axis=1) == np.argmax(Y, axis=1))))
        if best >= IRIS_ACCURACY:
            return
    raise Fail(f"{f.name} does not learn iris: trained {IRIS_EPOCHS} epochs at learning rates "
               f"{', '.join(map(str, IRIS_RATES))} (standardised inputs, 4 -> 8 sigmoid -> 3 softmax) "
               f"its best accuracy is {best:.2f}, chance is 0.33; a right gradient step reaches "
               f"{IRIS_ACCURACY} or more (is the cost derivative P - Y, divided once by the batch size?)")


def _backprop_of(f, ctx):
    """The student's backpropagation ``f`` calls (its version defined before ``f``), or None."""
    for name in sorted(uses(f)):
        if "backprop" not in name:
            continue
        versions = [g for g in ctx.functions() if (g.name or "").lower() == name and g.kind == "function"
                    and (f.cell is None or g.cell is None or g.cell <= f.cell)]
        if versions:
            return versions[-1]
    return None


def _own_gradient(backprop, X, Y, layers, layout):
    """The gradient of the student's ``backprop`` with the exercise's cost derivative, in the
    reference layout, as a function of the layers; None when there is none or it does not run."""
    if backprop is None:
        return None
    kwargs = {"cost_der": REF.cross_entropy_der} if accepts(backprop, "cost_der") else {}

    def gradient(layers):
        grads = as_layers(call(f"{backprop.name}(inputs, layers, ...)", backprop, layout.data(X),
                               layout.layers(layers), [REF.sigmoid, layout.softmax()], layout.data(Y),
                               [REF.sigmoid_der, REF.ones_der], **kwargs), len(layers), backprop.name)
        return [(dW.T if layout.out_in and dW.ndim == 2 else dW, db) for dW, db in grads]

    try:
        gradient(layers)
    except (Fail, StudentError):
        return None
    return gradient


def judge_training(f, ctx, layout, X, Y, layers, run):
    """:class:`Fail` unless ``f`` follows the gradient and learns iris.

    ``run(f, X, Y, layers, **values)`` trains ``f`` in ``layout``.  A
    training function whose steps are right given the student's own
    backpropagation passes with a note (that backpropagation's error is
    exercise 6's); otherwise it must also learn iris.
    """
    backprop = _backprop_of(f, ctx)
    gradient = _own_gradient(backprop, X, Y, layers, layout)
    found = follows_gradient(f, lambda g, **values: run(g, X, Y, layers, **values), X, Y, layers, gradient)
    if found == "given":
        return f"right, given your `{backprop.name}`"
    learns_iris(f, run)
    return None


def _flat(layers):
    return np.concatenate([np.ravel(a) for pair in layers for a in pair])


def follows_gradient(f, run, X, Y, layers, own_gradient=None):
    """``"exact"`` when ``run(f, **values)`` (the trained layers) follows the gradient of the
    exercise's cost, ``"given"`` when it follows ``own_gradient`` (the gradient of the student's
    backpropagation, whose errors are charged to its own exercise), None when ``f`` cannot be
    judged so; else :class:`Fail`.

    ``run`` trains ``f`` on ``X``, ``Y`` from ``layers`` with the values
    given (``lr``, ``epochs``, ``momentum``, ``batch_size``).
    """
    if not has_parameter(f, "epochs"):
        return None
    if not has_parameter(f, "batch_size") and any(
            word in (getattr(f, "source", None) or "") for word in ("permutation", "shuffle", "choice")):
        return None  # mini-batches of its own size, in its own order: not reproducible here
    values = {"epochs": EPOCHS, "batch_size": len(X), "lr": RATE, "momentum": 0.0}
    rates = (RATE,) if has_parameter(f, "lr") else _RATES
    momenta = (0.0,) if has_parameter(f, "momentum") else _MOMENTA
    got = _flat(run(f, **values))
    start = _flat(layers)

    def lands(gradient, scales):
        for scale in scales:
            for rate in rates:
                for momentum in momenta:
                    want = _flat(reference(X, Y, layers, rate, momentum, EPOCHS, scale, gradient))
                    moved = np.linalg.norm(want - start)
                    if moved > 0 and np.linalg.norm(got - want) <= 1e-3 * moved:
                        return True
        return False

    if lands(None, (1.0, float(len(X)))):  # the mean over the samples, or their sum
        return "exact"
    if own_gradient is not None and lands(own_gradient, (1.0,)):
        return "given"
    if lands(None, (1 / len(X),)):  # the mean divided by the batch size once more
        return "exact"
    moved_got, moved_want = np.linalg.norm(got - start), np.linalg.norm(
        _flat(reference(X, Y, layers, RATE, 0.0, EPOCHS, 1.0)) - start)
    raise Fail(f"{f.name} does not follow the gradient of the cross-entropy: {EPOCHS} epochs on the whole "
               f"data set at learning rate {RATE} moved the parameters by {moved_got:.3g}, gradient "
               f"descent from the same start lands elsewhere (it moves them by {moved_want:.3g} taking "
               "the mean over the samples, n times that taking their sum); check the cost derivative "
               "(P - Y for softmax with cross-entropy) and the division by the batch size")
