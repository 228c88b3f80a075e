"""The protocol that training speaks to an optimiser, and the wrapper for the others.

:func:`ffnn.train` and :meth:`ffnn.NeuralNetwork.update_weights` call
``optimizer.update(theta, gradient)`` on the 1-D parameter vector θ, which every
:class:`ffnn.optimizers.Optimizer` has.
:func:`as_optimizer` lets them take, as well, an object of the user's that has only
``step(layers, layer_grads)`` (the exercises' protocol): it wraps it, once, in a
:class:`StepObject`.
"""

from . import parameters


class StepObject:
    """An object of the user's with only ``step(layers, layer_grads)``, as an optimiser
    with ``update(theta, gradient)``: θ and g are cut into ``(W, b^l)`` views of
    ``shapes`` and the layers that ``step`` returns are written back into θ."""

    def __init__(self, optimizer, shapes):
        self.optimizer, self.shapes = optimizer, shapes

    @property
    def learning_rate(self):
        """The wrapped object's ``learning_rate``, if it has one (for messages)."""
        return getattr(self.optimizer, "learning_rate", "?")

    def update(self, theta, gradient):
        layers = parameters.unflatten(theta, self.shapes)
        new = self.optimizer.step(layers, parameters.unflatten(gradient, self.shapes))
        theta[...] = parameters.flatten(new, self.shapes, theta.dtype)
        return theta


def as_optimizer(optimizer, shapes, argument="optimizer"):
    """``optimizer`` with ``update(theta, gradient)``: itself if it has one, wrapped in
    :class:`StepObject` if it has only ``step``, else a TypeError."""
    if isinstance(optimizer, type):
        raise TypeError(f"{argument}: expected an optimiser, got the class {optimizer.__name__}; "
                        f"use {optimizer.__name__}() (an instance), e.g. ffnn.Adam(0.01)")
    if callable(getattr(optimizer, "update", None)):
        return optimizer
    if callable(getattr(optimizer, "step", None)):
        return StepObject(optimizer, shapes)
    raise TypeError(f"{argument}: expected an ffnn.Optimizer (e.g. ffnn.Adam(0.01)) or an object "
                    f"with step(layers, layer_grads), got {optimizer!r}")
