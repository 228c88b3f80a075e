"""The training loop: shuffled mini-batches, an optimiser, a history.

One epoch draws a permutation of the samples, cuts it into batches of
``batch_size`` rows, and for each batch computes the gradient vector by
backpropagation in place (:meth:`ffnn.NeuralNetwork.fast_gradient`) and
lets the optimiser update the parameter vector
(:attr:`ffnn.NeuralNetwork.parameters`).  Inputs are checked once per call,
never per batch; batches are gathered row by row from the permutation, so
the data set is never copied whole.  Only the network's public interface
is used.
"""

import math
import sys

import numpy as np
from autograd import grad
from tqdm import tqdm

from .activations import softmax
from .functional import backpropagation_batch, feed_forward_batch
from .costs import cross_entropy, cross_entropy_der
from .metrics import accuracy
from .optimizers import Momentum
from .validation import checked_optimizer


class DivergenceError(FloatingPointError):
    """The cost became NaN or infinite during training."""


def train(
    network,
    X,
    Y,
    optimizer,
    *,
    epochs,
    batch_size=None,
    seed=None,
    X_val=None,
    Y_val=None,
    progress=None,
):
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
        Show a progress bar; ``None`` shows one only on a terminal.

    Returns
    -------
    dict
        ``"cost"``: one training cost per epoch, the mean of its batch
        costs; with validation data also ``"val_cost"``, the cost of the
        validation data after the epoch, and, for a softmax (classifier)
        output, ``"val_accuracy"``.  Both costs are the cost that training
        lowers, :meth:`ffnn.NeuralNetwork.cost`: C plus the weight penalty
        (@eq-penalty), the penalty taken at the parameters of the moment.

    Raises
    ------
    DivergenceError
        As soon as a batch cost is NaN or infinite.
    """
    checked_optimizer(optimizer)
    X = network.check_inputs(X, "X")
    Y = network.check_targets(X, Y, "Y")
    n = X.shape[0]
    if not (isinstance(epochs, int | np.integer) and epochs >= 1):
        raise ValueError(f"epochs: expected a positive integer, got {epochs!r}")
    if batch_size is None:
        batch_size = n
    if not (isinstance(batch_size, int | np.integer) and batch_size >= 1):
        raise ValueError(f"batch_size: expected a positive integer or None, got {batch_size!r}")
    if (X_val is None) != (Y_val is None):
        given, missing = ("X_val", "Y_val") if Y_val is None else ("Y_val", "X_val")
        raise ValueError(f"{missing}: expected validation data with {given}, got None")
    validate = X_val is not None
    if validate:
        X_val = network.check_inputs(X_val, "X_val")
        Y_val = network.check_targets(X_val, Y_val, "Y_val")
    classify = network.activation_funcs[-1] is softmax

    rng = np.random.default_rng(seed)
    history = {"cost": []}
    if validate:
        history["val_cost"] = []
        if classify:
            history["val_accuracy"] = []
    # Allocated once per call: the batch buffers (rows gathered from the
    # permutation, never a shuffled copy of the data) and the buffers of the
    # in-place backpropagation, whose gradient vector is reused.
    rows = min(batch_size, n)
    gradient_of = network.fast_gradient(rows)
    apply = _applier(network, optimizer, gradient_of)
    if rows < n:
        X_batch = np.empty((rows, X.shape[1]), X.dtype)
        Y_batch = np.empty((rows, Y.shape[1]), Y.dtype)
    show = sys.stderr.isatty() if progress is None else progress
    bar = tqdm(range(1, epochs + 1), desc="training", unit="epoch", disable=not show, leave=False)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for epoch in bar:
            order = rng.permutation(n) if rows < n else None
            total = 0.0
            for start in range(0, n, rows):
                if order is None:
                    Xb, Yb = X, Y
                else:
                    batch = order[start : start + rows]
                    k = len(batch)
                    Xb = X.take(batch, axis=0, out=X_batch[:k], mode="clip")
                    Yb = Y.take(batch, axis=0, out=Y_batch[:k], mode="clip")
                gradient, cost = gradient_of(Xb, Yb)
                cost = float(cost) + float(network.penalty())
                if not math.isfinite(cost):
                    raise DivergenceError(
                        f"training diverged at epoch {epoch} (batch starting at row {start}): "
                        f"the cost is {cost}; try a smaller learning rate than "
                        f"{getattr(optimizer, 'learning_rate', '?')}"
                    )
                apply(gradient)
                total += cost * len(Xb)
            history["cost"].append(total / n)
            if validate:
                predict = network.predict(X_val)
                history["val_cost"].append(
                    float(network.cost_fun(predict, Y_val)) + float(network.penalty()))
                if classify:
                    history["val_accuracy"].append(accuracy(predict, Y_val))
            bar.set_postfix(cost=f"{history['cost'][-1]:.4g}", refresh=False)
    return history


def _applier(network, optimizer, gradient_of):
    """The optimiser's step from the gradient vector: ``update`` on the parameter vector,
    or, for an object with ``step`` only, ``step`` on the layers."""
    if hasattr(optimizer, "update"):
        theta = network.parameters
        return lambda gradient: optimizer.update(theta, gradient)
    layers = network.layers

    def apply(gradient):
        network.layers = optimizer.step(layers, gradient_of.layer_grads)

    return apply


def train_network(inputs, layers, activation_funcs, targets, learning_rate=0.001, epochs=100):
    """Week 41, exercise 7: plain gradient descent on a list of layers (batch convention).

    Each epoch takes one step W ← W - η ∂C/∂W, b ← b - η ∂C/∂b on the whole
    batch, with C the cross-entropy of the softmax output (@eq-cross-entropy)
    and the gradient by autograd, as in the exercise.  Returns the new layers;
    ``layers`` is left unchanged.
    """
    gradient = grad(lambda L: cross_entropy(feed_forward_batch(inputs, L, activation_funcs), targets))
    for _ in range(epochs):
        layers = [(W - learning_rate * dW, b - learning_rate * db)
                  for (W, b), (dW, db) in zip(layers, gradient(layers))]
    return layers


def train_network_momentum(inputs, layers, activation_funcs, activation_ders, targets,
                           learning_rate=0.1, momentum=0.9, epochs=100, batch_size=10, rng=None):
    """Week 42, exercise 7: stochastic gradient descent with momentum on a list of layers.

    Each epoch shuffles the rows (``rng``: a generator or a seed), and each
    batch takes the step of :class:`ffnn.Momentum` (@eq-gd-momentum) with
    the gradient of :func:`ffnn.backpropagation_batch` and the cross-entropy
    of a softmax output (``cross_entropy_der``).  Returns the new layers;
    ``layers`` is left unchanged.
    """
    rng = np.random.default_rng(rng)
    layers = [(np.array(W, dtype=float), np.array(b, dtype=float)) for W, b in layers]
    optimizer = Momentum(learning_rate, momentum)
    n = len(inputs)
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            rows = order[start:start + batch_size]
            grads = backpropagation_batch(inputs[rows], layers, activation_funcs, targets[rows],
                                          activation_ders, cross_entropy_der)
            layers = optimizer.step(layers, grads)
    return layers
