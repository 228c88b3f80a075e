"""The network as plain functions over a list of layers ``[(W^1, b^1), ...]``.

These are the functions of the exercises, written to be read next to the
report's equations and traced by autograd.  Layer l = 1..L computes
``z^l = W^l a^{l-1} + b^l`` and ``a^l = f_l(z^l)`` with ``a^0 = x``; layer
i of the Python lists is the report's layer l = i + 1.  Two conventions:

* one vector at a time (``create_layers``, ``feed_forward``,
  ``backpropagation``): W holds W^l, of shape (n_l, n_{l-1}), and x has
  shape (n_0,) (@eq-layer, @eq-activation);
* batches (``*_batch``, and :class:`ffnn.NeuralNetwork`): rows are
  samples, X has shape (n, n_0), W holds (W^l)^T, of shape (n_{l-1}, n_l),
  b^l has shape (n_l,), and a layer reads ``Z^l = A^{l-1} W + b``
  (@eq-layer-batch).

The output error δ^L comes from the cost's record
(:meth:`ffnn.costs.Cost.output_error`), which alone knows that
``cross_entropy_der`` already is ∂C/∂z^L for a softmax output.
"""

import numpy as np

from .costs import cost_of_derivative, mse_der


def _check(inputs, layers, activation_funcs, batch):
    """Clear errors for the mistakes numpy would report cryptically (or not at all)."""
    if not len(layers):
        raise ValueError("layers: expected at least one (W, b) pair, got none")
    if len(layers) != len(activation_funcs):
        raise ValueError(
            f"activation_funcs: expected one per layer ({len(layers)}), got {len(activation_funcs)}"
        )
    n_in = np.shape(layers[0][0])[0 if batch else 1]
    if batch and np.ndim(inputs) != 2:
        raise ValueError(
            f"inputs: expected a batch of shape (n_samples, {n_in}), got shape {np.shape(inputs)}; "
            "for one input vector use the single-vector function (feed_forward, "
            "backpropagation) or inputs.reshape(1, -1)"
        )
    if not batch and np.ndim(inputs) != 1:
        raise ValueError(
            f"x: expected one input vector of shape ({n_in},), got shape {np.shape(inputs)}; "
            "for a batch (rows are samples) use the *_batch functions"
        )
    if np.shape(inputs)[-1] != n_in:
        raise ValueError(
            f"inputs: expected {n_in} features per sample (the first layer's input size), "
            f"got an array of shape {np.shape(inputs)}"
        )


def _check_derivatives(activation_ders, n_layers):
    if len(activation_ders) != n_layers:
        raise ValueError(
            f"activation_ders: expected one per layer ({n_layers}), got {len(activation_ders)}"
        )
    for i, der in enumerate(activation_ders[:-1]):
        if not callable(der):
            raise ValueError(f"activation_ders[{i}]: a hidden layer needs its derivative, got {der!r}")


# ---------------------------------------------------------------------------
# One input vector at a time: W^l has shape (n_l, n_{l-1}).
# ---------------------------------------------------------------------------
def create_layers(network_input_size, layer_output_sizes, rng=None):
    """Return ``[(W^1, b^1), ...]`` with W^l ~ N(0, 1) of shape (n_l, n_{l-1}).

    ``rng`` is a ``numpy.random.Generator`` or a seed (a fresh one when ``None``).
    """
    rng = np.random.default_rng(rng)
    layers = []
    n_in = network_input_size
    for n_out in layer_output_sizes:
        layers.append((rng.standard_normal((n_out, n_in)), rng.standard_normal(n_out)))
        n_in = n_out
    return layers


def feed_forward(x, layers, activation_funcs):
    """Return a^L for one input x of shape (n_0,): a^l = f_l(W^l a^{l-1} + b^l)."""
    _check(x, layers, activation_funcs, batch=False)
    a = x
    for (W, b), f in zip(layers, activation_funcs):
        a = f(W @ a + b)
    return a


def feed_forward_saver(x, layers, activation_funcs):
    """Forward pass that keeps what backpropagation needs: ``(layer_inputs, zs, a^L)``.

    ``layer_inputs[i]`` is a^{l-1}, the input of layer l = i + 1, and
    ``zs[i]`` is its z^l.
    """
    _check(x, layers, activation_funcs, batch=False)
    layer_inputs, zs = [], []
    a = x
    for (W, b), f in zip(layers, activation_funcs):
        layer_inputs.append(a)
        z = W @ a + b
        zs.append(z)
        a = f(z)
    return layer_inputs, zs, a


def backpropagation(x, layers, activation_funcs, target, activation_ders, cost_der=mse_der):
    """Return ``[(∂C/∂W^l, ∂C/∂b^l), ...]`` for one input x of shape (n_0,).

    δ^L from @eq-delta-output, then δ^l = ((W^{l+1})^T δ^{l+1}) ⊙ f_l'(z^l)
    (@eq-delta-recursion), ∂C/∂W^l = δ^l (a^{l-1})^T and ∂C/∂b^l = δ^l
    (@eq-grad-single).  The output layer's derivative may be ``None`` when
    the cost derivative folds it (softmax with ``cross_entropy_der``).
    """
    layer_inputs, zs, predict = feed_forward_saver(x, layers, activation_funcs)
    _check_derivatives(activation_ders, len(layers))
    last = len(layers) - 1
    delta = cost_of_derivative(cost_der).output_error(
        predict, target, zs[last], activation_funcs[last], activation_ders[last]
    )
    grads = [None] * len(layers)
    for i in range(last, -1, -1):
        if i < last:
            W_next = layers[i + 1][0]
            delta = (W_next.T @ delta) * activation_ders[i](zs[i])
        grads[i] = (np.outer(delta, layer_inputs[i]), delta)
    return grads


# ---------------------------------------------------------------------------
# Batches, rows are samples: W holds (W^l)^T, of shape (n_{l-1}, n_l).
# ---------------------------------------------------------------------------
def create_layers_batch(network_input_size, layer_output_sizes, rng=None):
    """Return ``[(W, b^1), ...]``, W = (W^1)^T of shape (n_{l-1}, n_l), W^l, b^l ~ N(0, 1).

    The transposes of :func:`create_layers`' matrices (same random draws),
    so that a batch X of shape (n, n_0) goes through a layer as ``X @ W + b``.
    """
    return [
        (np.ascontiguousarray(W.T), b)
        for W, b in create_layers(network_input_size, layer_output_sizes, rng)
    ]


def feed_forward_batch(X, layers, activation_funcs):
    """Return A^L of shape (n, n_L) for X of shape (n, n_0): A^l = f_l(A^{l-1} W + b^l).

    W holds (W^l)^T (@eq-layer-batch).
    """
    _check(X, layers, activation_funcs, batch=True)
    a = X
    for (W, b), f in zip(layers, activation_funcs):
        a = f(a @ W + b)
    return a


def feed_forward_saver_batch(X, layers, activation_funcs):
    """Batched :func:`feed_forward_saver`: ``(layer_inputs, zs, A^L)``, rows are samples."""
    _check(X, layers, activation_funcs, batch=True)
    layer_inputs, zs = [], []
    a = X
    for (W, b), f in zip(layers, activation_funcs):
        layer_inputs.append(a)
        z = a @ W + b
        zs.append(z)
        a = f(z)
    return layer_inputs, zs, a


def backpropagation_batch(X, layers, activation_funcs, Y, activation_ders, cost_der=mse_der):
    """Return ``[(∂C/∂W, ∂C/∂b^l), ...]`` for a batch, shaped as the layers.

    The forward pass of :func:`feed_forward_saver_batch`, then
    :func:`backward_batch`.
    """
    saved = feed_forward_saver_batch(X, layers, activation_funcs)
    return backward_batch(saved, layers, activation_funcs, Y, activation_ders, cost_der)


def backward_batch(saved, layers, activation_funcs, Y, activation_ders, cost_der=mse_der):
    """The backward pass of :func:`backpropagation_batch` from ``saved``, the
    ``(layer_inputs, zs, A^L)`` of :func:`feed_forward_saver_batch`.

    With Δ^l = ∂C/∂Z^l of shape (n, n_l): Δ^L from @eq-delta-output, then
    Δ^l = (Δ^{l+1} W^{l+1}) ⊙ f_l'(Z^l) (@eq-delta-batch), computed as
    ``delta @ W.T`` since the array ``W`` holds (W^{l+1})^T, and (@eq-grad-batch)
    ∂C/∂W = (A^{l-1})^T Δ^l, the transpose (∂C/∂W^l)^T like W, and
    ∂C/∂b^l = Σ_rows Δ^l.  No division by the batch size here: the cost
    is a mean, so ``cost_der`` already carries the 1/n.
    """
    layer_inputs, zs, predict = saved
    _check_derivatives(activation_ders, len(layers))
    last = len(layers) - 1
    delta = cost_of_derivative(cost_der).output_error(
        predict, Y, zs[last], activation_funcs[last], activation_ders[last]
    )
    grads = [None] * len(layers)
    for i in range(last, -1, -1):
        if i < last:
            W_next = layers[i + 1][0]
            delta = (delta @ W_next.T) * activation_ders[i](zs[i])
        grads[i] = (layer_inputs[i].T @ delta, delta.sum(axis=0))
    return grads
