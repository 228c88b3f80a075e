"""The training loop: shuffled mini-batches, an optimiser, a history.

How training flows, in three files.  :func:`train` (here) checks its
arguments once (:func:`_checked_data`), cuts each epoch into mini-batches
(:class:`ffnn.batches.Batches`) and runs the epoch loop, :func:`_epoch`.
For each batch it calls the gradient, a :class:`ffnn.fastpath.FastGradient`
on the network's parameter vector θ, which runs the forward pass, the
backward pass and the penalised cost C_λ with its gradient in place
(``fastpath.py``), and hands the gradient to the optimiser,
``optimizer.update(θ, g)``, which takes the step in place
(``optimizers.py``).  Between epochs the learning rate follows the schedule
(:class:`Rate`), the validation data are scored and early stopping
(:class:`_Stopper`) may end the loop; the costs go into a
:class:`ffnn.history.History`.  Only the network's public interface is
used.  The exercises' own training functions are in :mod:`ffnn.exercises`.
"""

import math
import sys
import warnings

import numpy as np
from tqdm import TqdmWarning

with warnings.catch_warnings():  # in Jupyter without ipywidgets: the terminal bar, no warning
    warnings.simplefilter("ignore", TqdmWarning)
    from tqdm.auto import tqdm

from . import schedules
from .activations import softmax
from .batches import Batches
from .exercises import train_network, train_network_momentum  # noqa: F401  (their former home)
from .fastpath import FastGradient, penalised
from .history import History
from .metrics import accuracy
from .optimizer_protocol import as_optimizer
from .schedules import EarlyStopping
from .validation import checked_network


class DivergenceError(FloatingPointError):
    """The cost became NaN or infinite during training."""


def train(network, X, Y, optimizer, *, epochs, batch_size=None, seed=None, X_val=None,
          Y_val=None, progress=None, schedule=None, early_stopping=None):
    """Train ``network`` in place and return its history.

    Parameters
    ----------
    network : ffnn.NeuralNetwork
    X, Y : arrays of shape (n_samples, n_in) and (n_samples, n_out)
    optimizer : ffnn.Optimizer, or any object with ``step(layers, layer_grads)``
        An :class:`ffnn.Optimizer` updates ``network.parameters`` from the
        gradient vector (:meth:`ffnn.Optimizer.update`).
    epochs : int
    batch_size : int or None
        Rows per mini-batch; ``None`` (or ``len(X)``) is full-batch gradient
        descent, with no shuffling.
    seed : int, numpy.random.Generator or None
        Drives the shuffling: the same seed gives the same history.
    X_val, Y_val : arrays, optional
        Validation data (both or neither), evaluated after every epoch.
    progress : bool or None
        Show a progress bar (``tqdm.auto``: a widget in Jupyter, a bar on a
        terminal); ``None`` shows one in Jupyter and on a terminal, never in a
        log file.
    schedule : None, "constant", "invscaling", "step" or a schedule
        The learning rate of epoch t = 0, 1, ... is η_0 · factor(t), η_0 the
        optimiser's ``learning_rate`` at the start, restored at the end
        (:mod:`ffnn.schedules`).  ``None`` is ``"constant"``.
    early_stopping : ffnn.EarlyStopping or None
        Stop when the validation cost has not improved by ``tol`` for
        ``patience`` epochs (needs ``X_val`` and ``Y_val``).

    Returns
    -------
    ffnn.history.History
        ``cost``: one training cost per epoch, the mean of its batch costs;
        ``val_cost``, the cost of the validation data after each epoch, and,
        for a softmax (classifier) output, ``val_accuracy``; with early
        stopping ``best_epoch`` and ``stopped_epoch``.  It also reads as the
        dict of the entries that apply (``history["cost"]``).

    Raises
    ------
    DivergenceError
        As soon as a batch cost is NaN or infinite.
    """
    X, Y, X_val, Y_val, batch_size = _checked_data(network, X, Y, epochs, batch_size, X_val, Y_val)
    given = optimizer  # the user's object: a schedule sets its learning_rate
    optimizer = as_optimizer(optimizer, network.shapes)  # update(θ, g); a step-object wrapped once
    rate = Rate(given, schedules.checked_schedule(schedule))
    stopper = _Stopper.of(early_stopping, X_val, network)
    batches = Batches(X, Y, batch_size, seed)
    # a callable object: gradient_of(Xb, Yb) -> (∂C_λ/∂θ, C_λ), in buffers of batch_size rows
    gradient_of = FastGradient.of(network, batch_size)
    history = History.new(X_val is not None, network.activation_funcs[-1] is softmax)
    bar = progress_bar(epochs, progress)
    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for epoch in bar:
                rate.set(epoch - 1)
                cost = _epoch(network.parameters, batches, gradient_of, optimizer, epoch)
                history.cost.append(cost)
                if X_val is not None:
                    _validate(network, X_val, Y_val, history)
                bar.set_postfix(cost=f"{history.cost[-1]:.4g}", refresh=False)
                if stopper is not None and stopper.stop(epoch, history.val_cost[-1]):
                    break
    finally:
        rate.restore()
        bar.close()
    if stopper is not None:
        stopper.finish(history)
    return history


def _checked_data(network, X, Y, epochs, batch_size, X_val, Y_val):
    """The arguments as checked arrays, and the batch size (None: all n samples; at most n)."""
    checked_network(network)
    X = network.check_inputs(X, "X")
    Y = network.check_targets(X, Y, "Y")
    batch_size = checked_rows(epochs, batch_size, len(X), X_val, Y_val)
    if X_val is not None:
        X_val = network.check_inputs(X_val, "X_val")
        Y_val = network.check_targets(X_val, Y_val, "Y_val")
    return X, Y, X_val, Y_val, batch_size


def checked_rows(epochs, batch_size, n, X_val=None, Y_val=None):
    """The rows per batch for ``n`` samples, after checking ``epochs``, ``batch_size`` and
    that validation data come both or neither."""
    if not (isinstance(epochs, int | np.integer) and epochs >= 1):
        raise ValueError(f"epochs: expected a positive integer, got {epochs!r}")
    if batch_size is None:
        batch_size = n
    if not (isinstance(batch_size, int | np.integer) and batch_size >= 1):
        raise ValueError(f"batch_size: expected a positive integer or None, got {batch_size!r}")
    if (X_val is None) != (Y_val is None):
        given, missing = ("X_val", "Y_val") if Y_val is None else ("Y_val", "X_val")
        raise ValueError(f"{missing}: expected validation data with {given}, got None")
    return min(batch_size, n)


def progress_bar(epochs, progress):
    """The epochs 1..``epochs`` behind a ``tqdm.auto`` bar, shown if ``progress``; with
    None, in Jupyter (a widget) or on a terminal, never in a log file."""
    show = progress if progress is not None else (
        tqdm.__module__ == "tqdm.notebook" or sys.stderr.isatty())
    return tqdm(range(1, epochs + 1), desc="training", unit="epoch", disable=not show, leave=False)


def _epoch(theta, batches, gradient_of, optimizer, epoch):
    """One pass over the batches, each a gradient and a step on θ; the epoch's cost, the
    mean of the batch costs."""
    total = 0.0
    for start, Xb, Yb in batches:
        gradient, cost = gradient_of(Xb, Yb)  # ∂C_λ/∂θ and C_λ of the batch (fastpath.py)
        cost = float(cost)
        if not math.isfinite(cost):
            raise DivergenceError(
                f"training diverged at epoch {epoch} (batch starting at row {start}): "
                f"the cost is {cost}; try a smaller learning rate than "
                f"{getattr(optimizer, 'learning_rate', '?')}"
            )
        optimizer.update(theta, gradient)  # θ ← θ - η g, or the method's rule (optimizers.py)
        total += cost * len(Xb)
    return total / batches.n


def _validate(network, X_val, Y_val, history):
    predict = network.predict(X_val)
    history.val_cost.append(float(penalised(network.cost_fun(predict, Y_val), network.layers,
                                            network.l2, network.l1)))
    if history.val_accuracy is not None:
        history.val_accuracy.append(accuracy(predict, Y_val))


class Rate:
    """Sets the optimiser's learning rate η_0 · factor(t) for epoch t; restores η_0."""

    def __init__(self, optimizer, schedule):
        self.optimizer, self.schedule = optimizer, schedule
        self.constant = isinstance(schedule, schedules.Constant)
        if not self.constant and not hasattr(optimizer, "learning_rate"):
            raise ValueError(f"schedule: {schedule!r} needs an optimiser with a learning_rate, "
                             f"got {type(optimizer).__name__} without one")
        self.eta0 = getattr(optimizer, "learning_rate", None)

    def set(self, t):
        if not self.constant:
            factor = self.schedule(t)
            self.optimizer.learning_rate = self.eta0 if factor == 1 else self.eta0 * factor

    def restore(self):
        if not self.constant:
            self.optimizer.learning_rate = self.eta0


class _Stopper:
    """Early stopping's bookkeeping: the best validation cost, its epoch and parameters."""

    @classmethod
    def of(cls, early_stopping, X_val, network):
        if early_stopping is None:
            return None
        if not isinstance(early_stopping, EarlyStopping):
            raise TypeError(f"early_stopping: expected None or ffnn.EarlyStopping(...), "
                            f"got {early_stopping!r}")
        if X_val is None:
            raise ValueError("early_stopping: needs validation data, got X_val=None and Y_val=None; "
                             "pass X_val and Y_val (e.g. a part of the training data held out)")
        return cls(early_stopping, network)

    def __init__(self, rule, network):
        self.rule, self.theta = rule, network.parameters
        self.best, self.best_epoch, self.best_theta = math.inf, None, self.theta.copy()
        self.stopped_epoch = None

    def stop(self, epoch, val_cost):
        """Record epoch ``epoch``'s validation cost; True when training must stop."""
        if val_cost < self.best - self.rule.tol:
            self.best, self.best_epoch = val_cost, epoch
            self.best_theta[...] = self.theta
        elif epoch - (self.best_epoch or 0) >= self.rule.patience:
            self.stopped_epoch = epoch
            return True
        return False

    def finish(self, history):
        """Restore the best parameters (if asked); note the epochs in ``history``."""
        if self.rule.restore_best and self.best_epoch is not None:
            self.theta[...] = self.best_theta
        history.early_stopping = True
        history.best_epoch, history.stopped_epoch = self.best_epoch, self.stopped_epoch
