"""The feed-forward network: forward pass and backpropagation.

Notation (the report's): layer l = 1..L has weights W^l and bias b^l, computes
``z^l = W^l a^{l-1} + b^l`` and ``a^l = f_l(z^l)`` with ``a^0 = x``.
Backpropagation keeps every ``a^{l-1}`` and ``z^l`` of the forward pass and
runs the recursion

    δ^L = ∂C/∂a^L ⊙ f_L'(z^L),   δ^l = (W^{l+1})^T δ^{l+1} ⊙ f_l'(z^l),
    ∂C/∂W^l = δ^l (a^{l-1})^T,   ∂C/∂b^l = δ^l.

Two conventions, as in the exercises:

* one vector at a time (``create_layers``, ``feed_forward``, ...): W^l has
  shape ``(n_out, n_in)`` and x shape ``(n_in,)``;
* batches (``*_batch`` and :class:`NeuralNetwork`): rows are samples, X has
  shape ``(n_samples, n_in)``, W^l shape ``(n_in, n_out)``, b^l shape
  ``(n_out,)``, and the layer reads ``Z^l = A^{l-1} W^l + b^l``.  The batch
  gradients are ``∂C/∂W^l = (A^{l-1})^T Δ^l`` and ``∂C/∂b^l = Σ_rows Δ^l``;
  the 1/n of a mean cost is already inside ``∂C/∂A^L``.

The plain functions are thin so that autograd can trace them; the class
checks its input and holds its parameters.
"""

import autograd
import autograd.numpy as anp
import numpy as np

from . import fastpath
from .activations import ACTIVATIONS, DERIVATIVES, softmax, softmax_vjp
from .losses import COST_DERIVATIVES, COSTS, cross_entropy, cross_entropy_der, mse_der

INITIALIZATIONS = ("normal", "xavier", "he")


# ---------------------------------------------------------------------------
# One input vector at a time: W has shape (n_out, n_in).
# ---------------------------------------------------------------------------
def create_layers(network_input_size, layer_output_sizes, rng=None):
    """Return ``[(W^1, b^1), ...]`` with W^l ~ N(0, 1) of shape (n_out, n_in).

    ``rng`` is a ``numpy.random.Generator`` (a fresh one when ``None``).
    """
    rng = np.random.default_rng(rng)
    layers = []
    n_in = network_input_size
    for n_out in layer_output_sizes:
        layers.append((rng.standard_normal((n_out, n_in)), rng.standard_normal(n_out)))
        n_in = n_out
    return layers


def feed_forward(x, layers, activation_funcs):
    """Return a^L for one input x of shape (n_in,): z^l = W^l a^{l-1} + b^l.

    Since W a = a W^T, one vector is a batch of one with the weights
    transposed: this is :func:`feed_forward_batch` on ``(W^T, b)``.
    """
    return feed_forward_batch(x, [(W.T, b) for W, b in layers], activation_funcs)


def feed_forward_saver(x, layers, activation_funcs):
    """Forward pass that keeps what backpropagation needs.

    Returns ``(layer_inputs, zs, a)``: ``layer_inputs[l-1]`` is a^{l-1} (the
    input of layer l), ``zs[l-1]`` is z^l, and ``a`` is a^L (as
    :func:`feed_forward`, through the batch code).
    """
    return feed_forward_saver_batch(x, [(W.T, b) for W, b in layers], activation_funcs)


def _output_delta(predict, target, z, f, f_der, cost_der):
    """δ^L = ∂C/∂z^L for the output layer.

    With :func:`ffnn.cross_entropy_der` the cost derivative already is
    ∂C/∂z^L for a softmax output (the simplification).  Otherwise
    δ^L = ∂C/∂a^L ⊙ f'(z^L) with the given derivative; a softmax output
    given ``None`` as its derivative goes through the full softmax
    Jacobian (:func:`softmax_vjp`).
    """
    if cost_der is cross_entropy_der:
        if f is not softmax:
            raise ValueError(
                "cost_der: cross_entropy_der gives dC/dz only for a softmax output layer, "
                f"got output activation {getattr(f, '__name__', f)}"
            )
        return cost_der(predict, target)
    dC_da = cost_der(predict, target)
    if f_der is not None:
        return dC_da * f_der(z)
    if f is softmax:
        return softmax_vjp(predict, dC_da)
    raise ValueError("activation_ders[-1]: expected the output layer's derivative, got None")


def backpropagation(x, layers, activation_funcs, target, activation_ders, cost_der=mse_der):
    """Return ``[(∂C/∂W^l, ∂C/∂b^l), ...]`` for one input x of shape (n_in,).

    Layer i of the lists is the report's layer l = i + 1.  The output
    layer's derivative may be ``None`` when ``cost_der`` gives ∂C/∂z^L
    directly (softmax with :func:`ffnn.cross_entropy_der`).
    """
    layer_inputs, zs, predict = feed_forward_saver(x, layers, activation_funcs)
    grads = [None] * len(layers)
    last = len(layers) - 1
    delta = _output_delta(
        predict, target, zs[last], activation_funcs[last], activation_ders[last], cost_der
    )
    for i in range(last, -1, -1):
        if i < last:
            delta = (layers[i + 1][0].T @ delta) * activation_ders[i](zs[i])
        grads[i] = (np.outer(delta, layer_inputs[i]), delta)
    return grads


# ---------------------------------------------------------------------------
# Batches, rows are samples: W has shape (n_in, n_out), b shape (n_out,).
# ---------------------------------------------------------------------------
def create_layers_batch(network_input_size, layer_output_sizes, rng=None):
    """Return ``[(W^1, b^1), ...]`` with W^l ~ N(0, 1) of shape (n_in, n_out).

    The transpose of :func:`create_layers`' layers (same random draws), so
    that a batch X of shape (n_samples, n_in) goes through a layer as
    ``X @ W + b``.
    """
    return [
        (np.ascontiguousarray(W.T), b)
        for W, b in create_layers(network_input_size, layer_output_sizes, rng)
    ]


def _check_network_input(X, layers, activation_funcs):
    """Clear errors for the mistakes numpy would report cryptically (or not at all)."""
    if len(layers) != len(activation_funcs):
        raise ValueError(
            f"activation_funcs: expected one per layer ({len(layers)}), got {len(activation_funcs)}"
        )
    n_in = np.shape(layers[0][0])[0]
    if np.shape(X)[-1:] != (n_in,):
        raise ValueError(
            f"inputs: expected {n_in} features per sample (the first layer's input size), "
            f"got an array of shape {np.shape(X)}"
        )


def feed_forward_batch(X, layers, activation_funcs):
    """Return A^L of shape (n_samples, n_out) for X of shape (n_samples, n_in)."""
    _check_network_input(X, layers, activation_funcs)
    a = X
    for (W, b), f in zip(layers, activation_funcs, strict=True):
        a = f(a @ W + b)
    return a


def feed_forward_saver_batch(X, layers, activation_funcs):
    """Batched :func:`feed_forward_saver`: ``(layer_inputs, zs, A^L)``."""
    _check_network_input(X, layers, activation_funcs)
    layer_inputs, zs = [], []
    a = X
    for (W, b), f in zip(layers, activation_funcs, strict=True):
        layer_inputs.append(a)
        z = a @ W + b
        zs.append(z)
        a = f(z)
    return layer_inputs, zs, a


def backpropagation_batch(X, layers, activation_funcs, Y, activation_ders, cost_der=mse_der):
    """Return ``[(∂C/∂W^l, ∂C/∂b^l), ...]`` for a batch, shapes as the layers.

    Δ^l has shape (n_samples, n_out); ∂C/∂W^l = (A^{l-1})^T Δ^l and
    ∂C/∂b^l = Σ_rows Δ^l.  No division by the batch size here: the cost is
    a mean, so ``cost_der`` already carries the 1/n.
    """
    layer_inputs, zs, predict = feed_forward_saver_batch(X, layers, activation_funcs)
    return backpropagation_from_saved(
        layer_inputs, zs, predict, Y, layers, activation_funcs, activation_ders, cost_der
    )


def backpropagation_from_saved(layer_inputs, zs, predict, Y, layers, funcs, ders, cost_der):
    """The backward half of :func:`backpropagation_batch`, from a saved forward pass.

    Δ^L comes from :func:`_output_delta`; then Δ^l = Δ^{l+1} (W^{l+1})^T ⊙
    f_l'(Z^l), the batch form of δ^l = (W^{l+1})^T δ^{l+1} ⊙ f_l'(z^l).
    """
    grads = [None] * len(layers)
    last = len(layers) - 1
    delta = _output_delta(predict, Y, zs[last], funcs[last], ders[last], cost_der)
    for i in range(last, -1, -1):
        if i < last:
            delta = (delta @ layers[i + 1][0].T) * ders[i](zs[i])
        grads[i] = (layer_inputs[i].T @ delta, delta.sum(axis=0))
    return grads


# ---------------------------------------------------------------------------
# The object-oriented network (batches, rows are samples).
# ---------------------------------------------------------------------------
def _lookup(value, registry, argument):
    """Resolve a name through ``registry``; pass functions (and None) through.

    Derivatives are found by the name of their function, with or without
    the ``_der`` suffix: ``"relu"`` and ``"relu_der"`` both give relu_der.
    """
    if isinstance(value, str):
        key = value.removesuffix("_der")
        if key not in registry:
            raise ValueError(
                f"{argument}: unknown name {value!r}; expected one of {sorted(registry)}"
            )
        return registry[key]
    return value


def _derivative_of(func, functions=ACTIVATIONS, derivatives=DERIVATIVES):
    """The registered derivative of a function given by name or as a function."""
    for name, f in functions.items():
        if func == name or func is f:
            return derivatives[name]
    raise ValueError(
        f"no registered derivative for {getattr(func, '__name__', func)!r}: pass it explicitly"
    )


def _check_finite(array, argument):
    # min and max are NaN when any element is, and ±inf show in them: two
    # passes over the data, without a boolean array of its size.
    if array.size and not (np.isfinite(np.min(array)) and np.isfinite(np.max(array))):
        bad = np.size(array) - np.count_nonzero(np.isfinite(array))
        raise ValueError(f"{argument}: expected finite values, found {bad} NaN or infinite")


class NeuralNetwork:
    """A feed-forward network whose parameters are ``self.layers``.

    ``self.layers`` is a list of ``(W^l, b^l)`` pairs, W^l of shape
    (n_{l-1}, n_l) and b^l of shape (n_l,).  They start as views of one
    buffer (:func:`ffnn.fastpath.flat_layers`), which lets an optimiser
    update all of them in one pass; assigning other arrays works too, and
    is only slower.

    Parameters
    ----------
    network_input_size : int
        Number of features n_0 of each sample.
    layer_output_sizes : sequence of int
        n_1, ..., n_L, the width of each layer; the last is the output size.
    activation_funcs : sequence of callables or names
        f_1, ..., f_L (names from :data:`ffnn.ACTIVATIONS`, e.g. ``"relu"``).
    activation_ders : sequence of callables, names or None
        f_1', ..., f_L'; ``None`` as a whole list looks every derivative up
        by name.  The output entry is ignored (``None`` is fine) for a
        softmax output, whose derivative is folded into the cost's.
    cost_fun, cost_der : callables or names
        C(predict, target) and its derivative (``"mse"``, ``"cross_entropy"``).
    initialization : {"normal", "xavier", "he"}
        ``"normal"``: W and b ~ N(0, 1), as in the exercises.  ``"xavier"``:
        W ~ N(0, 1/n_in); ``"he"``: W ~ N(0, 2/n_in); both start b at 0.
    seed : int, numpy.random.Generator or None
        The same seed gives the same network.
    l2, l1 : float
        Penalties λ₂ Σ‖W^l‖² and λ₁ Σ|W^l| added to the cost (weights only,
        not biases), with their gradients 2λ₂W^l and λ₁ sign(W^l).
    dtype : numpy floating dtype
        Of the parameters; inputs are cast to it once per call.
    """

    def __init__(
        self,
        network_input_size,
        layer_output_sizes,
        activation_funcs,
        activation_ders,
        cost_fun,
        cost_der,
        initialization="normal",
        seed=None,
        *,
        l2=0.0,
        l1=0.0,
        dtype=np.float64,
    ):
        sizes = list(layer_output_sizes)
        funcs = [_lookup(f, ACTIVATIONS, "activation_funcs") for f in activation_funcs]
        if activation_ders is None:
            activation_ders = [_derivative_of(f) for f in funcs]
        if cost_der is None:
            cost_der = _derivative_of(cost_fun, COSTS, COST_DERIVATIVES)
        ders = list(activation_ders)
        if len(funcs) != len(sizes) or len(ders) != len(sizes):
            raise ValueError(
                "activation_funcs and activation_ders: expected one entry per layer "
                f"({len(sizes)} layers in layer_output_sizes), got {len(funcs)} "
                f"activation_funcs and {len(ders)} activation_ders"
            )
        if int(network_input_size) < 1 or any(int(n) < 1 for n in sizes) or not sizes:
            raise ValueError(
                "network_input_size and layer_output_sizes: expected positive sizes, "
                f"got {network_input_size} and {sizes}"
            )
        if initialization not in INITIALIZATIONS:
            raise ValueError(
                f"initialization: expected one of {INITIALIZATIONS}, got {initialization!r}"
            )
        if l2 < 0 or l1 < 0:
            raise ValueError(f"l2 and l1: expected penalties >= 0, got l2={l2}, l1={l1}")
        self.network_input_size = int(network_input_size)
        self.layer_output_sizes = [int(n) for n in sizes]
        self.activation_funcs = funcs
        self.activation_ders = [_lookup(d, DERIVATIVES, "activation_ders") for d in ders]
        if funcs and funcs[-1] is softmax:  # folded into the cost's derivative
            self.activation_ders[-1] = None
        self.cost_fun = _lookup(cost_fun, COSTS, "cost_fun")
        self.cost_der = _lookup(cost_der, COST_DERIVATIVES, "cost_der")
        self.l2, self.l1 = float(l2), float(l1)
        self.dtype = np.dtype(dtype)
        self._check_output_pairing()
        self.layers = self._initial_layers(initialization, np.random.default_rng(seed))

    def _check_output_pairing(self):
        """Hidden layers need element-wise derivatives; cross-entropy needs softmax."""
        for i, (f, d) in enumerate(zip(self.activation_funcs[:-1], self.activation_ders[:-1])):
            if f is softmax or d is None:
                raise ValueError(
                    f"activation_funcs[{i}]: a hidden layer needs an element-wise activation "
                    f"with a derivative; got {getattr(f, '__name__', f)} with derivative {d}"
                )
        out_f, out_d = self.activation_funcs[-1], self.activation_ders[-1]
        if self.cost_fun is cross_entropy and out_f is not softmax:
            raise ValueError(
                "cost_fun: cross_entropy expects a softmax output layer, got "
                f"activation_funcs[-1]={getattr(out_f, '__name__', out_f)}"
            )
        if out_f is not softmax and out_d is None:
            raise ValueError("activation_ders[-1]: expected a derivative, got None")

    def _initial_layers(self, initialization, rng):
        """The drawn ``(W, b)`` pairs, views of one buffer (:func:`fastpath.flat_layers`)."""
        layers = fastpath.flat_layers(self.network_input_size, self.layer_output_sizes, self.dtype)
        gain = {"normal": None, "xavier": 1.0, "he": 2.0}[initialization]
        for W, b in layers:
            scale = 1.0 if gain is None else np.sqrt(gain / len(W))
            W[...] = rng.standard_normal(W.shape) * scale  # drawn in float64, then cast
            if initialization == "normal":
                b[...] = rng.standard_normal(b.shape)
        return layers

    def __setstate__(self, data):
        """Unpickled and copied networks get their parameters back in one buffer."""
        self.__dict__.update(data)
        layers = fastpath.flat_layers(self.network_input_size, self.layer_output_sizes, self.dtype)
        olds = [p for pair in self.layers for p in pair]
        news = [p for pair in layers for p in pair]
        if len(olds) == len(news) and all(
            np.shape(old) == new.shape and np.result_type(old) == self.dtype
            for new, old in zip(news, olds)
        ):
            for new, old in zip(news, olds):
                new[...] = old
            self.layers = layers

    # -- input checks -------------------------------------------------------
    def _check_inputs(self, X):
        X = np.asarray(X, dtype=self.dtype)
        if X.ndim != 2 or X.shape[1] != self.network_input_size:
            raise ValueError(
                f"inputs: expected shape (n_samples, {self.network_input_size}), got "
                f"{X.shape}: {X.shape[-1] if X.ndim else 0} features where the network "
                f"has network_input_size={self.network_input_size}"
                + (" (use X.reshape(1, -1) for one sample)" if X.ndim == 1 else "")
            )
        _check_finite(X, "inputs")
        return X

    def _check_targets(self, X, Y):
        Y = np.asarray(Y, dtype=self.dtype)
        expected = (X.shape[0], self.layer_output_sizes[-1])
        if Y.shape != expected:
            raise ValueError(
                f"targets: expected shape {expected} (n_samples, output size), got {Y.shape}"
            )
        _check_finite(Y, "targets")
        return Y

    # -- forward ------------------------------------------------------------
    def predict(self, inputs):
        """Return A^L of shape (n_samples, n_out) for inputs (n_samples, n_in)."""
        return feed_forward_batch(self._check_inputs(inputs), self.layers, self.activation_funcs)

    def penalty(self, layers=None):
        """λ₂ Σ_l ‖W^l‖² + λ₁ Σ_l |W^l| (0 without regularisation)."""
        total = 0.0
        for W, _ in self.layers if layers is None else layers:
            if self.l2:
                total = total + self.l2 * anp.sum(W**2)
            if self.l1:
                total = total + self.l1 * anp.sum(anp.abs(W))
        return total

    def cost(self, inputs, targets):
        """C(predict(inputs), targets) plus the weight penalty."""
        X = self._check_inputs(inputs)
        Y = self._check_targets(X, targets)
        return float(self.cost_fun(self.predict(X), Y) + self.penalty())

    def _feed_forward_saver(self, inputs):
        """Return ``(layer_inputs, zs, A^L)`` as :func:`feed_forward_saver_batch`."""
        return feed_forward_saver_batch(inputs, self.layers, self.activation_funcs)

    # -- gradients ----------------------------------------------------------
    def compute_gradient(self, inputs, targets):
        """Manual backpropagation: ``[(∂C/∂W^l, ∂C/∂b^l), ...]``, penalty included."""
        X = self._check_inputs(inputs)
        return self._backprop(X, self._check_targets(X, targets))[0]

    def _fast_plan(self):
        """The in-place kernels for each layer, or None to use the reference path."""
        return fastpath.plan(self.activation_funcs, self.activation_ders, self.cost_der)

    def _workspace(self, rows):
        """Buffers for :meth:`_backprop` on batches of at most ``rows`` samples."""
        return fastpath.Workspace(
            rows, self.network_input_size, self.layer_output_sizes, self._fast_plan(), self.dtype
        )

    def _backprop(self, X, Y, workspace=None):
        """Gradients (penalty included) and the data cost for checked X, Y.

        Returns ``([(∂C/∂W^l, ∂C/∂b^l), ...], C)``.  This is the training
        hot path: :func:`ffnn.fastpath.backprop` computes what
        :func:`backpropagation_batch` computes, in place in a ``workspace``
        from :meth:`_workspace` (whose gradient arrays it returns and
        overwrites at the next call).  Activations without in-place kernels
        take :meth:`_backprop_reference`.
        """
        ws = self._workspace(X.shape[0]) if workspace is None else workspace
        if ws.plan is None:
            grads, cost = self._backprop_reference(X, Y)
        else:
            grads, cost = fastpath.backprop(self.layers, X, Y, ws, self.cost_fun, self.cost_der)
        for (dW, _), (W, _) in zip(grads, self.layers):  # the penalty: 2λ₂W + λ₁ sign(W)
            if self.l2:
                dW += 2.0 * self.l2 * W
            if self.l1:
                dW += self.l1 * np.sign(W)
        return grads, cost

    def _backprop_reference(self, X, Y):
        """Data-cost gradients and cost by the plain functions, for any activation and cost."""
        layer_inputs, zs, predict = self._feed_forward_saver(X)
        grads = backpropagation_from_saved(
            layer_inputs, zs, predict, Y, self.layers,
            self.activation_funcs, self.activation_ders, self.cost_der,
        )
        return grads, self.cost_fun(predict, Y)

    def update_weights(self, layer_grads, optimizer=None):
        """Take one optimisation step with ``layer_grads``.

        ``optimizer`` is any object with ``step(layers, layer_grads)`` (see
        :mod:`ffnn.optimizers`); the default is plain gradient descent,
        W ← W - η ∂C/∂W with η = 0.01.
        """
        if optimizer is None:
            from .optimizers import GradientDescent

            optimizer = GradientDescent()
        self.layers = optimizer.step(self.layers, layer_grads)

    # -- the autograd reference --------------------------------------------
    def autograd_compliant_predict(self, layers, inputs):
        """Forward pass on explicit ``layers``, traceable by autograd."""
        return feed_forward_batch(inputs, layers, self.activation_funcs)

    def autograd_gradient(self, inputs, targets):
        """The gradient of :meth:`cost` by autograd, to check :meth:`compute_gradient`."""
        X = self._check_inputs(inputs)
        Y = self._check_targets(X, targets)

        def total_cost(layers):
            predict = self.autograd_compliant_predict(layers, X)
            return self.cost_fun(predict, Y) + self.penalty(layers)

        return [tuple(g) for g in autograd.grad(total_cost)(self.layers)]
