"""The exercises' training functions, on plain lists of layers ``[(W, b^l), ...]``.

Week 41, exercise 7 (:func:`train_network`: gradient descent with autograd's
gradient) and week 42, exercise 7 (:func:`train_network_momentum`: stochastic
gradient descent with momentum and the gradient of backpropagation), in the
batch convention of :mod:`ffnn.functional`.  The library's training loop,
for a :class:`ffnn.NeuralNetwork`, is :func:`ffnn.train`.
"""

import numpy as np
from autograd import grad

from .functional import backpropagation_batch, feed_forward_batch
from .costs import cross_entropy, cross_entropy_der
from .optimizers import Momentum


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
