"""The gradient of training: C_λ and ∂C_λ/∂θ of a batch, by backpropagation in place.

:func:`ffnn.train` calls a :class:`FastGradient` once per batch and hands
the gradient vector to the optimiser (:mod:`ffnn.optimizers`).  A call
runs the forward pass ``Z^l = A^{l-1} W + b^l`` (the array ``W`` holds
(W^l)^T), ``A^l = f_l(Z^l)``, the output error Δ^L, the backward pass
``Δ^l = (Δ^{l+1} W^{l+1}) ⊙ f_l'(Z^l)`` (``delta @ W.T``), ``∂C/∂W =
(A^{l-1})^T Δ^l`` and ``∂C/∂b^l = Σ_rows Δ^l`` (@eq-delta-batch,
@eq-grad-batch), on buffers allocated once (one per Z^l, A^l and Δ^l; Δ^0
is never formed), writing the gradients straight into one vector laid out
as the parameters (:mod:`ffnn.parameters`).  Then :func:`penalised` adds
the weight penalty (:mod:`ffnn.penalty`) to the cost and its gradient.
:func:`readable_cost_and_gradient` computes the same numbers with the
report's functions (:meth:`ffnn.NeuralNetwork.cost_and_gradient`).

The same code trains M networks of one architecture at once
(:mod:`ffnn.lockstep`): every array then has a leading axis of length M, θ
is an (M, P) array, and each product is one batched ``matmul``.  For a
stack the first layer's bias rides in its product, ``Z^1 = [X, 1] [W^1;
b^1]`` (:func:`ffnn.parameters.with_bias_row`): numpy's batched ``matmul``
is slow for an inner dimension of 1.

The kernels are pure functions of the report's equations: each layer's
in-place f and f' (:mod:`ffnn.activation_kernels`, σ' = σ(z)σ(-z)), the
output error Δ^L and the batch cost from the cost's record
(:class:`ffnn.costs.Cost`).  So both paths agree to rounding, a float32
network stays float32, and activations of the user's own (no kernels) take
the readable path.  ``ffnn.objective`` is the old name of this module.
"""

import numpy as np

from . import parameters
from .activations import kernels_of
from .functional import backward_batch, feed_forward_saver_batch
from .penalty import active, add_penalty_gradient, penalty


def penalised(cost, layers, l2, l1, layer_grads=None):
    """C_λ = C + penalty in float64 (a float, or M of them), from the data cost C (a number, or
    M for a stack); with ``layer_grads`` (∂C/∂W, ∂C/∂b^l), the penalty's gradient is added
    to them in place: every path's cost and gradient pass through here."""
    on = active(l2) or active(l1)
    if layer_grads is not None and on:
        add_penalty_gradient(layer_grads, layers, l2, l1)
    value = penalty(layers, l2, l1) if on else 0.0
    if isinstance(cost, np.ndarray) and cost.ndim:
        return cost.astype(np.float64) + np.asarray(value, np.float64)
    return float(cost) + float(value)


def readable_cost_and_gradient(X, Y, layers, activation_funcs, activation_ders, cost_record, l2, l1):
    """``(C_λ, layer_grads)`` of one network by the report's backpropagation, one forward pass.

    ``layer_grads`` are ``(∂C_λ/∂W, ∂C_λ/∂b^l)`` views of one vector laid out
    as the parameters (:mod:`ffnn.parameters`).
    """
    saved = feed_forward_saver_batch(X, layers, activation_funcs)
    grads = backward_batch(saved, layers, activation_funcs, Y, activation_ders, cost_record.der)
    shapes = [a.shape for pair in layers for a in pair]
    vector = parameters.flatten(grads, shapes, X.dtype, "gradient")
    layer_grads = parameters.unflatten(vector, shapes)
    cost = penalised(cost_record.f(saved[2], Y), layers, l2, l1, layer_grads)
    return cost, layer_grads


class FastGradient:
    """``gradient, cost = fast(X, Y)``: ∂C_λ/∂θ and C_λ of a batch of at most ``rows`` samples.

    Parameters
    ----------
    theta : array of shape (P,), or (M, P) for M networks
        The parameters (:mod:`ffnn.parameters`, W then b^l layer after layer);
        read at every call, never copied.
    shapes : the ``(n_{l-1}, n_l), (n_l,)`` shapes of :func:`ffnn.parameters.layer_shapes`
    activation_funcs, activation_ders, cost_record : as a network's (``cost_record`` its
        :class:`ffnn.costs.Cost`)
    l2, l1 : numbers, or arrays of M numbers of θ's dtype
    rows : int

    ``gradient`` is an array shaped as θ, the same at every call;
    :attr:`layer_grads` are its ``(∂C_λ/∂W, ∂C_λ/∂b^l)`` views.  ``cost`` is C_λ
    in float64 (M of them for M networks).  X and Y are checked arrays of θ's
    dtype, of shape (n, n_0) (shared by the M networks) or (M, n, n_0).
    """

    def __init__(self, theta, shapes, activation_funcs, activation_ders, cost_record, l2, l1, rows):
        self.funcs, self.ders, self.cost_record, self.l2, self.l1 = (
            activation_funcs, activation_ders, cost_record, l2, l1)
        self.rows, self.stacked = int(rows), theta.ndim == 2
        self.M = theta.shape[0] if self.stacked else 1
        self.layers = parameters.unflatten(theta, shapes)
        self.biases = [b[..., None, :] for _, b in self.layers]  # b^l against rows (M, n, n_l)
        self.gradient = np.zeros_like(theta)
        self.layer_grads = parameters.unflatten(self.gradient, shapes)
        self.records = kernels_of(activation_funcs, activation_ders)
        if self.records is None and self.stacked:
            raise ValueError("activation_funcs: networks in lockstep need registered activations "
                             "with their own derivatives; train networks of your own functions "
                             "one by one with ffnn.train")
        self._cuts, self._padded = {}, {}
        self.ones = np.ones(self.rows, theta.dtype)
        self.W_T = [_transposed(W) for W, _ in self.layers]  # views: (W^l)^T as θ changes
        self.value = cost_record.value or cost_record.f
        if self.records is not None:
            shape = [theta.shape[:-1] + (self.rows, s[1]) for s in shapes[::2]]
            self.z, self.a, self.delta, self.tmp = (
                [np.empty(s, theta.dtype) for s in shape] for _ in range(4))
            self.mask = [np.empty(s, bool) for s in shape]
        if self.stacked:  # [X, 1] and [W^1; b^1]: the first layer's bias rides in its product
            self.inputs = np.ones((self.M, self.rows, shapes[0][0] + 1), theta.dtype)
            self.first = parameters.with_bias_row(theta, shapes)
            self.first_grad = parameters.with_bias_row(self.gradient, shapes)

    @classmethod
    def of(cls, network, rows):
        """The gradient of an :class:`ffnn.NeuralNetwork`, on its parameter vector."""
        return cls(network.parameters, network.shapes, network.activation_funcs,
                   network.activation_ders, network.cost_record, network.l2, network.l1, rows)

    def _buffers(self, m):
        """The buffers cut to their first ``m`` rows, the transposes of the A^l, and for a
        stack [X, 1] and its transpose (cached)."""
        cut = self._cuts.get(m)
        if cut is None:
            if m > self.rows:
                raise ValueError(f"X: a batch of {m} rows, the buffers hold {self.rows}")
            arrays = (self.z, self.a, self.delta, self.tmp, self.mask)
            cut = tuple([x[..., :m, :] for x in xs] for xs in arrays)
            inputs = self.inputs[:, :m] if self.stacked else None
            cut = self._cuts[m] = cut + ([_transposed(a) for a in cut[1]], inputs,
                                         None if inputs is None else _transposed(inputs))
        return cut

    def forward(self, X, buffers=None):
        """A^L, shape (n, n_L) or (M, n, n_L), for n ≤ ``rows`` samples (a view of a buffer)."""
        buffers = buffers or self._buffers(X.shape[-2])
        zs, acts, _, tmps = buffers[:4]
        layers = zip(self.layers, self.biases, zs, acts, tmps, self.records)
        a = X
        if self.stacked:  # Z^1 = [X, 1] [W^1; b^1], one product
            _, _, z, a, tmp, record = next(layers)
            inputs = buffers[6]
            np.copyto(inputs[..., :-1], X)
            np.matmul(inputs, self.first, out=z)
            record.forward(z, a, tmp)
        product = self._product if self.stacked else np.matmul  # (a, b, out)
        for (W, _), b, z, out, tmp, record in layers:
            product(a, W, z)
            z += b
            record.forward(z, out, tmp)  # tmp: what the layer's backward may reuse
            a = out
        return a

    def __call__(self, X, Y):
        if self.records is None:
            return self._readable(X, Y)
        buffers = self._buffers(X.shape[-2])
        zs, acts, deltas, tmps, masks, acts_T, _, inputs_T = buffers
        predict = self.forward(X, buffers)
        last = len(self.layers) - 1
        np.copyto(deltas[last], self.output_error(predict, Y, zs[last]))
        product = self._product if self.stacked else np.matmul  # (a, b, out)
        for i in range(last, -1, -1):
            if i < last:
                product(deltas[i + 1], self.W_T[i + 1], deltas[i])
                self.records[i].backward(deltas[i], zs[i], acts[i], tmps[i], masks[i])
            dW, db = self.layer_grads[i]
            if not self.stacked:
                np.matmul(acts_T[i - 1] if i else _transposed(X), deltas[i], out=dW)
                np.add.reduce(deltas[i], axis=-2, out=db)
            elif i:  # Σ_rows as a product with ones: one call, not one per row
                np.matmul(acts_T[i - 1], deltas[i], out=dW)
                np.matmul(self.ones[:X.shape[-2]], deltas[i], out=db)
            else:  # [∂C/∂W^1; ∂C/∂b^1] = [X, 1]^T Δ^1, one product
                np.matmul(inputs_T, deltas[i], out=self.first_grad)
        cost = penalised(self.data_cost(predict, Y), self.layers, self.l2, self.l1, self.layer_grads)
        return self.gradient, cost

    def _product(self, a, b, out):
        """``a @ b`` into ``out``; for a stack, a product over one index (Δ^L of one
        output, a layer of one unit) with a zero column and a zero row added, ``[a, 0]
        [b; 0]``: the same numbers, several times faster than numpy's batched matmul over
        an inner dimension of 1 or a broadcast product."""
        if self.stacked and a.shape[-1] == 1:
            a0, b0 = self._padded.get((a.shape, b.shape)) or self._pad(a, b)
            np.copyto(a0[..., :1], a)
            np.copyto(b0[..., :1, :], b)
            a, b = a0, b0
        np.matmul(a, b, out=out)

    def _pad(self, a, b):
        """Zero buffers for ``[a, 0]`` and ``[b; 0]`` (allocated once per pair of shapes)."""
        shapes = a.shape[:-1] + (2,), b.shape[:-2] + (2, b.shape[-1])
        pair = self._padded[(a.shape, b.shape)] = tuple(np.zeros(s, a.dtype) for s in shapes)
        return pair

    def output_error(self, predict, Y, z):
        """Δ^L from the cost's record, for the M networks' rows taken together.

        The registered costs are means over the rows, so the record's
        derivative, given the M n rows of the stack, carries 1/(M n): times M
        gives each network its own 1/n (exactly nothing to do when M = 1).
        """
        if not self.stacked:
            return self.cost_record.output_error(predict, Y, z, self.funcs[-1], self.ders[-1])
        k = predict.shape[-1]
        Y = (Y if Y.shape == predict.shape else np.broadcast_to(Y, predict.shape)).reshape(-1, k)
        delta = self.cost_record.output_error(predict.reshape(-1, k), Y, z.reshape(-1, k),
                                       self.funcs[-1], self.ders[-1])
        return delta.reshape(predict.shape) * self.M

    def data_cost(self, predict, Y):
        """C of the batch: a number for one network, M of them for a stack."""
        value = self.value
        if not self.stacked:
            return value(predict, Y)
        Y = Y if Y.shape == predict.shape else np.broadcast_to(Y, predict.shape)
        if self.cost_record.stacked is not None:
            return self.cost_record.stacked(predict, Y)
        return np.array([value(p, y) for p, y in zip(predict, Y)])

    def _readable(self, X, Y):
        """C_λ and its gradient by the readable path, for activations without kernels."""
        cost, grads = readable_cost_and_gradient(X, Y, self.layers, self.funcs, self.ders,
                                                 self.cost_record, self.l2, self.l1)
        self.gradient[...] = parameters.flatten(grads, [g.shape for p in grads for g in p],
                                                self.gradient.dtype)
        return self.gradient, cost


def _transposed(A):
    """A^T of the last two axes (a view)."""
    return A.T if A.ndim == 2 else A.swapaxes(-1, -2)
