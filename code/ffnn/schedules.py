"""Learning-rate schedules and early stopping for :func:`ffnn.train`.

A schedule is called with the epoch t and returns factor(t), which scales the optimiser's learning rate epoch by epoch: in epoch
t = 0, 1, 2, ... (counted from 0) the optimiser steps with η_t = η_0 · factor(t),
where η_0 is its ``learning_rate`` when training starts (restored when it
ends).  The rate changes between epochs only, never within one:

* :class:`Constant`:       factor(t) = 1
* :class:`InverseScaling`: factor(t) = 1 / (t + 1)^p, with p = ``power``.
  scikit-learn's ``learning_rate="invscaling"`` applies the same formula per
  step (t counting the samples seen); here t counts epochs.
* :class:`StepDecay`:      factor(t) = γ^⌊t / k⌋, with k = ``every`` and
  γ = ``factor``: η is multiplied by γ every k epochs.

:class:`EarlyStopping` watches the validation cost after each epoch.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Constant:
    """η_t = η_0: the learning rate never changes."""

    def __call__(self, t):
        return 1.0


@dataclass(frozen=True)
class InverseScaling:
    """η_t = η_0 / (t + 1)^power, t the epoch counted from 0."""

    power: float = 0.5

    def __post_init__(self):
        if not self.power >= 0:
            raise ValueError(f"power: expected a number >= 0, got {self.power!r}")

    def __call__(self, t):
        return 1.0 / (t + 1) ** self.power


@dataclass(frozen=True)
class StepDecay:
    """η_t = η_0 · factor^⌊t / every⌋: η times ``factor`` every ``every`` epochs."""

    every: int = 10
    factor: float = 0.5

    def __post_init__(self):
        if not (isinstance(self.every, int) and self.every >= 1):
            raise ValueError(f"every: expected a positive integer (epochs), got {self.every!r}")
        if not 0 < self.factor <= 1:
            raise ValueError(f"factor: expected a number in (0, 1], got {self.factor!r}")

    def __call__(self, t):
        return self.factor ** (t // self.every)


NAMES = {"constant": Constant, "invscaling": InverseScaling, "step": StepDecay}


def checked_schedule(schedule):
    """The schedule for ``schedule``: None, a name of :data:`NAMES`, or a callable t ↦ factor(t)."""
    if schedule is None:
        return Constant()
    if isinstance(schedule, str):
        if schedule not in NAMES:
            raise ValueError(f"schedule: expected one of {sorted(NAMES)} or a schedule object, "
                             f"got {schedule!r}")
        return NAMES[schedule]()
    if isinstance(schedule, type) or not callable(schedule):
        hint = f"; use {schedule.__name__}() not {schedule.__name__}" if isinstance(schedule, type) else ""
        raise TypeError(f"schedule: expected None, a name {sorted(NAMES)} or a callable "
                        f"t -> factor(t), got {schedule!r}{hint}")
    return schedule


@dataclass(frozen=True)
class EarlyStopping:
    """Stop training when the validation cost stops improving.

    After each epoch, the validation cost improves when it is lower than the
    best so far by more than ``tol`` (absolute).  Training stops after
    ``patience`` epochs in a row without improvement; with ``restore_best``
    the network ends with the parameters of its best epoch (whether training
    stopped early or ran all its epochs).
    """

    patience: int = 10
    tol: float = 1e-4
    restore_best: bool = True

    def __post_init__(self):
        if not (isinstance(self.patience, int) and self.patience >= 1):
            raise ValueError(f"patience: expected a positive integer (epochs), got {self.patience!r}")
        if not self.tol >= 0:
            raise ValueError(f"tol: expected a number >= 0, got {self.tol!r}")
