"""The ``NeuralNetwork`` class: a batched network with explicit parameters.

The network owns one flat parameter vector θ (:attr:`NeuralNetwork.parameters`,
the layout of :mod:`ffnn.parameters`); ``layers`` is the list of
``(W, b^l)`` views into it that the exercises' functions take, W holding
(W^l)^T as in :func:`ffnn.feed_forward_batch`.  Its cost C_λ and gradient
(:meth:`NeuralNetwork.cost_and_gradient`) are the batched backpropagation of
the report, :func:`ffnn.backpropagation_batch`, with the penalty of
:mod:`ffnn.penalty` (:func:`ffnn.fastpath.readable_cost_and_gradient`);
:class:`ffnn.fastpath.FastGradient` computes the same numbers in place for
:func:`ffnn.train`.
"""

import autograd
import numpy as np

from . import (costs, fastpath, optimizer_protocol, optimizers, parameters, storage, training,
               validation)
from . import penalty as weight_penalty
from .functional import feed_forward_batch, feed_forward_saver_batch

INITIALIZATIONS = ("normal", "xavier", "he")


class NeuralNetwork:
    """A feed-forward network for batches (rows are samples).

    Parameters
    ----------
    network_input_size : int
        Number of features n_0 of each sample.
    layer_output_sizes : sequence of int
        n_1, ..., n_L, the width of each layer; the last is the output size.
    activation_funcs : sequence of names or callables
        f_1, ..., f_L (names from :data:`ffnn.ACTIVATIONS`, e.g. ``"relu"``).
    activation_ders : sequence of names, callables or None, or None
        f_1', ..., f_L'; ``None`` (the whole list or an entry) takes the
        registered derivative.  A softmax output's entry is ignored: its
        Jacobian is applied by the cost (:meth:`ffnn.costs.Cost.output_error`).
    cost_fun, cost_der : names or callables
        C(predict, target) and its derivative; ``cost_der=None`` takes the
        registered one (``"mse"``, ``"cross_entropy"``,
        ``"binary_cross_entropy"``).
    initialization : {"normal", "xavier", "he"}
        ``"normal"``: W and b ~ N(0, 1), as in the exercises.  ``"xavier"``:
        W ~ N(0, 1/n_in); ``"he"``: W ~ N(0, 2/n_in); both start b at 0.
    seed : int, numpy.random.Generator or None
        The same seed gives the same network.
    l2, l1 : float
        Penalties λ₂ Σ‖W^l‖² and λ₁ Σ|W^l| added to the cost (@eq-penalty).
    dtype : float32 or float64
        Of the parameters; inputs are cast to it once per call.
    """

    def __init__(self, network_input_size, layer_output_sizes, activation_funcs,
                 activation_ders=None, cost_fun="mse", cost_der=None, initialization="normal",
                 seed=None, *, l2=0.0, l1=0.0, dtype=np.float64):
        (self.network_input_size, self.layer_output_sizes, self.activation_funcs,
         self.activation_ders) = validation.checked_architecture(
            network_input_size, layer_output_sizes, activation_funcs, activation_ders)
        if initialization not in INITIALIZATIONS:
            raise ValueError(f"initialization: expected one of {INITIALIZATIONS}, got {initialization!r}")
        if not (l2 >= 0 and l1 >= 0):
            raise ValueError(f"l2 and l1: expected penalties >= 0, got l2={l2}, l1={l1}")
        self.cost_record = costs.checked_cost(cost_fun, cost_der)
        self.cost_record.check_output(self.activation_funcs[-1])
        self.cost_fun, self.cost_der = self.cost_record.f, self.cost_record.der
        self.l2, self.l1 = float(l2), float(l1)
        self.dtype = parameters.float_dtype(dtype)
        self.shapes = parameters.layer_shapes(self.network_input_size, self.layer_output_sizes)
        self._parameters = np.zeros(parameters.size(self.shapes), self.dtype)
        self._initialize(initialization, np.random.default_rng(seed))

    def _initialize(self, initialization, rng):
        gain = {"normal": None, "xavier": 1.0, "he": 2.0}[initialization]
        for W, b in self.layers:
            scale = 1.0 if gain is None else np.sqrt(gain / len(W))
            W[...] = rng.standard_normal(W.shape) * scale  # drawn in float64, then cast
            if initialization == "normal":
                b[...] = rng.standard_normal(b.shape)

    @property
    def loss(self):
        """The old name of :attr:`cost_record`, the network's :class:`ffnn.costs.Cost`."""
        return self.cost_record

    # -- the parameters ----------------------------------------------------------
    @property
    def parameters(self):
        """θ, the 1-D vector of every W and b^l, layer after layer (:mod:`ffnn.parameters`)."""
        return self._parameters

    @property
    def layers(self):
        """``[(W, b^1), ...]``: views of :attr:`parameters`; assigning a list copies it in."""
        return parameters.unflatten(self._parameters, self.shapes)

    @layers.setter
    def layers(self, layers):
        self._parameters[...] = parameters.flatten(layers, self.shapes, self.dtype)

    def config(self):
        """The arguments that rebuild this network's architecture, with names for functions."""
        return dict(
            network_input_size=self.network_input_size,
            layer_output_sizes=list(self.layer_output_sizes),
            activation_funcs=[getattr(f, "__name__", repr(f)) for f in self.activation_funcs],
            cost_fun=getattr(self.cost_fun, "__name__", repr(self.cost_fun)),
            l2=self.l2, l1=self.l1, dtype=self.dtype.name)

    def __repr__(self):
        c = self.config()
        extra = "".join(f", {k}={c[k]}" for k in ("l2", "l1") if c[k])
        return (f"NeuralNetwork({c['network_input_size']}, {c['layer_output_sizes']}, "
                f"{c['activation_funcs']}, cost_fun={c['cost_fun']!r}{extra}, dtype={c['dtype']!r})")

    def save(self, path):
        """Write the parameters and the configuration to ``path`` (.npz, see :mod:`ffnn.storage`)."""
        return storage.save(self, path)

    @classmethod
    def load(cls, path):
        """The network that :meth:`save` wrote to ``path``."""
        return storage.load(path, cls)

    # -- checked inputs --------------------------------------------------------------
    def check_inputs(self, inputs, argument="inputs"):
        """``inputs`` as an array of shape (n, n_0) and the network's dtype, or a clear error."""
        return validation.checked_inputs(inputs, self.network_input_size, self.dtype, argument)

    def check_targets(self, X, targets, argument="targets"):
        """``targets`` as an array of shape (len(X), n_L) and the network's dtype."""
        return validation.checked_targets(targets, len(X), self.layer_output_sizes[-1], self.dtype,
                                       argument)

    # -- forward, cost, gradient --------------------------------------------------------
    def predict(self, inputs):
        """Return A^L of shape (n, n_L) for inputs of shape (n, n_0) (@eq-layer-batch)."""
        return feed_forward_batch(self.check_inputs(inputs), self.layers, self.activation_funcs)

    def _feed_forward_saver(self, inputs):
        """``(layer_inputs, zs, A^L)`` of :func:`ffnn.feed_forward_saver_batch` (the exercise's skeleton)."""
        return feed_forward_saver_batch(self.check_inputs(inputs), self.layers, self.activation_funcs)

    def penalty(self, layers=None):
        """λ₂ Σ_l ‖W^l‖² + λ₁ Σ_l |W^l| (@eq-penalty; 0 without regularisation)."""
        return weight_penalty.penalty(self.layers if layers is None else layers, self.l2, self.l1)

    def add_penalty_gradient(self, layer_grads):
        """Add 2λ₂W + λ₁ sign(W) to each weight gradient, in place (@eq-penalty-grad)."""
        return weight_penalty.add_penalty_gradient(layer_grads, self.layers, self.l2, self.l1)

    def cost(self, inputs, targets):
        """C(predict(inputs), targets) plus the weight penalty: the cost that training lowers."""
        X = self.check_inputs(inputs)
        Y = self.check_targets(X, targets)
        return float(fastpath.penalised(self.cost_fun(self.predict(X), Y), self.layers,
                                        self.l2, self.l1))

    def cost_and_gradient(self, inputs, targets):
        """``(C_λ, [(∂C_λ/∂W, ∂C_λ/∂b^l), ...])``: :meth:`cost` and :meth:`compute_gradient`
        with one forward pass (:func:`ffnn.fastpath.readable_cost_and_gradient`)."""
        X = self.check_inputs(inputs)
        Y = self.check_targets(X, targets)
        cost, layer_grads = fastpath.readable_cost_and_gradient(
            X, Y, self.layers, self.activation_funcs, self.activation_ders, self.cost_record,
            self.l2, self.l1)
        return float(cost), layer_grads

    def compute_gradient(self, inputs, targets):
        """``[(∂C/∂W, ∂C/∂b^l), ...]`` by :func:`ffnn.backpropagation_batch`, penalty included.

        The pairs are views of one gradient vector laid out as :attr:`parameters`.
        """
        return self.cost_and_gradient(inputs, targets)[1]

    def update_weights(self, layer_grads, optimizer=None):
        """One optimisation step with ``layer_grads`` (pairs shaped as :attr:`layers`).

        ``optimizer`` is an :class:`ffnn.Optimizer`, which updates
        :attr:`parameters` from the gradient vector, or any object with
        ``step(layers, layer_grads)`` (:func:`ffnn.optimizer_protocol.as_optimizer`);
        the default is plain gradient descent, W ← W - η ∂C/∂W with η = 0.01.
        """
        optimizer = optimizers.GradientDescent() if optimizer is None else optimizer
        optimizer_protocol.as_optimizer(optimizer, self.shapes).update(
            self._parameters, parameters.flatten(layer_grads, self.shapes, self.dtype, "layer_grads"))

    def train(self, X, Y, optimizer, **options):
        """``ffnn.train(self, X, Y, optimizer, **options)``: the history of the training."""
        return training.train(self, X, Y, optimizer, **options)

    def fast_gradient(self, rows):
        """The in-place gradient of :func:`ffnn.train`, for batches of at most ``rows`` samples."""
        return fastpath.FastGradient.of(self, rows)

    # -- the autograd reference -----------------------------------------------------------
    def autograd_compliant_predict(self, layers, inputs):
        """Forward pass on explicit ``layers``, traceable by autograd."""
        return feed_forward_batch(inputs, layers, self.activation_funcs)

    def autograd_gradient(self, inputs, targets):
        """The gradient of :meth:`cost` by autograd, to check :meth:`compute_gradient`."""
        X = self.check_inputs(inputs)
        Y = self.check_targets(X, targets)

        def total_cost(layers):
            return (self.cost_fun(self.autograd_compliant_predict(layers, X), Y)
                    + weight_penalty.penalty(layers, self.l2, self.l1))

        return [tuple(g) for g in autograd.grad(total_cost)(self.layers)]
