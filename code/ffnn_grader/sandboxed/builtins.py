"""Reference functions the sandbox holds its own copy of.

A check that must hand a student's function a correct activation or cost
(``feed_forward(x, layers, [relu, relu, sigmoid])``) passes these.  They
cross into the sandbox by name: this file's text goes along with the first
call of a check that passes one, the sandbox runs it (it imports only
``autograd.numpy``, so the student's code can differentiate through them)
and disables the functions when the check ends, so that no other check
finds them there as a student's own answer.  Each function is
self-contained (it calls no other function of this file): the sandbox
gives each its own namespace, so that one reaches none of the others.  They equal :mod:`ffnn.activations` and :mod:`ffnn.costs`
(@eq-sigmoid-stable, @eq-softmax, @eq-mse, @eq-cross-entropy) without their
shape checks, which would turn a student's shape mistake into our error.
"""

import autograd.numpy as np

LEAKY_SLOPE = 0.01
TINY = 2.2250738585072014e-308  # numpy.finfo(float).tiny, as in ffnn.costs


def identity(z):
    return z


def identity_der(z):
    return np.ones_like(z)


def ones_der(z):
    """The derivative placeholder of a softmax output (the cost derivative is dC/dz)."""
    return np.ones_like(z)


def relu(z):
    return np.where(z > 0, z, 0.0)


def relu_der(z):
    return np.where(z > 0, 1.0, 0.0)


def leaky_relu(z):
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def leaky_relu_der(z):
    return np.where(z > 0, 1.0, LEAKY_SLOPE)


def sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))


def sigmoid_der(z):
    return np.exp(-np.logaddexp(0.0, -z)) * np.exp(-np.logaddexp(0.0, z))  # sigmoid(z) sigmoid(-z)


def tanh(z):
    return np.tanh(z)


def tanh_der(z):
    return 1.0 - np.tanh(z) ** 2


def softmax(z):
    """Over the last axis: each row of a batch (samples in rows) sums to 1."""
    e_z = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e_z / np.sum(e_z, axis=-1, keepdims=True)


def softmax_columns(z):
    """Over the first axis: for a student whose samples are columns."""
    e_z = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e_z / np.sum(e_z, axis=0, keepdims=True)


def softmax_vec(z):
    """One vector: e^z / Σ e^z."""
    e_z = np.exp(z - np.max(z))
    return e_z / np.sum(e_z)


def mse(predict, target):
    return np.mean((predict - target) ** 2)


def mse_der(predict, target):
    return 2.0 * (predict - target) / np.size(predict)


def cross_entropy(predict, target):
    n = 1 if np.ndim(predict) == 1 else np.shape(predict)[0]
    return -np.sum(target * np.log(np.maximum(predict, TINY))) / n


def cross_entropy_der(predict, target):
    """dC/dz for a softmax output layer: (predict - target) / n."""
    n = 1 if np.ndim(predict) == 1 else np.shape(predict)[0]
    return (predict - target) / n


NAMES = ("identity", "identity_der", "ones_der", "relu", "relu_der", "leaky_relu",
         "leaky_relu_der", "sigmoid", "sigmoid_der", "tanh", "tanh_der", "softmax", "softmax_columns",
         "softmax_vec",
         "mse", "mse_der", "cross_entropy", "cross_entropy_der")
