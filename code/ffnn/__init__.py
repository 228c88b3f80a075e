"""ffnn: a feed-forward neural network written from scratch with numpy.

Everything a user needs is importable from here::

    from ffnn import NeuralNetwork, Adam, train, load_iris

The modules follow the report: :mod:`ffnn.activations` (one record per
activation: f, f' and the in-place kernels of :mod:`ffnn.activation_kernels`),
:mod:`ffnn.costs` (one record per cost: C, its derivative and the output
error δ^L; ``ffnn.losses`` is its old name), :mod:`ffnn.penalty` (the
weight penalty and its gradient), :mod:`ffnn.metrics` (``accuracy``),
:mod:`ffnn.functional` (the exercises' functions: forward pass and
backpropagation, one vector or a batch), :mod:`ffnn.parameters` (the flat
parameter vector θ and its ``(W, b)`` views), :mod:`ffnn.network` (the
``NeuralNetwork`` class).  Training runs through three files:
:mod:`ffnn.training` (the loop, ``train``), :mod:`ffnn.fastpath` (the
gradient: the penalised cost C_λ and its gradient by backpropagation in
place; ``ffnn.objective`` is its old name) and :mod:`ffnn.optimizers`
(gradient methods, the step; :mod:`ffnn.optimizer_protocol` wraps a user's
object that has only ``step``), with :mod:`ffnn.batches` (the mini-batches
of an epoch), :mod:`ffnn.schedules` (learning-rate schedules, early
stopping) and :mod:`ffnn.history` (the ``History`` a training returns);
:mod:`ffnn.lockstep` trains M networks at once.  Also :mod:`ffnn.exercises`
(the exercises' training functions), :mod:`ffnn.storage` (save and load),
:mod:`ffnn.data` (iris, digits, the Runge function), :mod:`ffnn.gradcheck`
(finite differences and ``rel_error``).  The grader of students'
submissions is its own package, :mod:`ffnn_grader`, beside this one
(``python -m ffnn.grade`` starts it under its documented name).
"""

import sys

if sys.argv[:1] == ["-m"] and not sys.flags.safe_path:  # pragma: no cover - replaced by exec
    # ``python -m ffnn.grade`` from a class folder: the folder is first on sys.path, and a
    # student's numpy.py or json.py would run in the grader.  Start again with -P.
    import os

    os.execv(sys.executable, [sys.executable, "-P", *sys.orig_argv[1:]])

from .activations import (
    ACTIVATIONS,
    DERIVATIVES,
    identity,
    identity_der,
    leaky_relu,
    leaky_relu_der,
    relu,
    relu_der,
    sigmoid,
    sigmoid_der,
    softmax,
    softmax_vjp,
    tanh,
    tanh_der,
)
from .data import load_digits, load_iris, one_hot, runge, runge_data
from .functional import (
    backpropagation,
    backpropagation_batch,
    create_layers,
    create_layers_batch,
    feed_forward,
    feed_forward_batch,
    feed_forward_saver,
    feed_forward_saver_batch,
)
from .gradcheck import numerical_gradient, rel_error, worst_array_error
from . import losses  # noqa: F401  (the old name of ffnn.costs)
from . import objective  # noqa: F401  (the old name of ffnn.fastpath)
from .costs import (
    COST_DERIVATIVES,
    COSTS,
    binary_cross_entropy,
    binary_cross_entropy_der,
    cross_entropy,
    cross_entropy_der,
    mse,
    mse_der,
)
from .estimators import FFNNClassifier, FFNNRegressor
from .history import History
from .metrics import accuracy
from .lockstep import train_many
from .network import NeuralNetwork
from .optimizers import Adagrad, Adam, GradientDescent, Momentum, Optimizer, RMSprop
from .schedules import Constant, EarlyStopping, InverseScaling, StepDecay
from .exercises import train_network, train_network_momentum
from .training import DivergenceError, train

__all__ = [
    "ACTIVATIONS", "DERIVATIVES", "COSTS", "COST_DERIVATIVES",
    "identity", "identity_der", "relu", "relu_der", "leaky_relu", "leaky_relu_der",
    "sigmoid", "sigmoid_der", "tanh", "tanh_der", "softmax", "softmax_vjp",
    "mse", "mse_der", "cross_entropy", "cross_entropy_der",
    "binary_cross_entropy", "binary_cross_entropy_der",
    "create_layers", "feed_forward", "feed_forward_saver", "backpropagation",
    "create_layers_batch", "feed_forward_batch", "feed_forward_saver_batch",
    "backpropagation_batch", "NeuralNetwork", "FFNNClassifier", "FFNNRegressor",
    "Optimizer", "GradientDescent", "Momentum", "Adagrad", "RMSprop", "Adam",
    "Constant", "InverseScaling", "StepDecay", "EarlyStopping",
    "train", "train_many", "History", "accuracy", "DivergenceError", "train_network", "train_network_momentum",
    "load_iris", "load_digits", "one_hot", "runge", "runge_data",
    "rel_error", "worst_array_error", "numerical_gradient",
]
