"""The training hot path: backpropagation in place, on buffers allocated once.

:class:`FastGradient` computes what :func:`ffnn.objective.readable_cost_and_gradient`
(:meth:`ffnn.NeuralNetwork.cost_and_gradient`) computes, the penalised cost
C_λ of a batch and its gradient — the forward pass ``Z^l = A^{l-1} W + b^l``
(the array ``W`` holds (W^l)^T), ``A^l = f_l(Z^l)``, Δ^L,
``Δ^l = (Δ^{l+1} W^{l+1}) ⊙ f_l'(Z^l)`` (``delta @ W.T``),
``∂C/∂W = (A^{l-1})^T Δ^l`` and ``∂C/∂b^l = Σ_rows Δ^l`` (@eq-delta-batch,
@eq-grad-batch), then the penalty by :func:`ffnn.objective.penalised` — with
plain numpy, one buffer per Z^l, A^l and Δ^l, and the gradients written
straight into one gradient vector laid out as the parameters
(:mod:`ffnn.parameters`).  Δ^0, the gradient with respect to the inputs,
is never formed.

The same code trains one network or M networks of one architecture at once
(:mod:`ffnn.lockstep`): every array then has a leading axis of length M, θ
is an (M, P) array, and each product is one batched ``matmul`` for all M.
One network is the case M = 1.

Each hidden layer uses the in-place kernels of its activation's record
(:class:`ffnn.activations.Activation`), which compute the same f and f'
from the same z^l (σ' = σ(z)σ(-z)); the output error Δ^L comes from the
cost's record (:meth:`ffnn.costs.Cost.output_error`), as in the readable
path; the batch cost from the record's ``value``.  So the paths agree to
rounding, a float32 network stays float32, and activations of the user's
own (no record) take the readable path.
"""

import numpy as np

from . import activations, parameters
from .objective import penalised, readable_cost_and_gradient


def kernels_of(activation_funcs, activation_ders):
    """The record of each layer's activation, or None if one has no in-place kernels.

    A hidden layer qualifies with a registered activation and its own
    derivative; the output layer with any registered activation, since its
    error comes from the cost record.
    """
    records = [activations.record_of(f) for f in activation_funcs]
    if any(r is None for r in records):
        return None
    hidden = zip(records[:-1], activation_ders[:-1])
    if any(r.backward is None or d is not r.der for r, d in hidden):
        return None
    return records


class FastGradient:
    """``gradient, cost = fast(X, Y)``: ∂C_λ/∂θ and C_λ of a batch of at most ``rows`` samples.

    Parameters
    ----------
    theta : array of shape (P,), or (M, P) for M networks
        The parameters (:mod:`ffnn.parameters`, W then b^l layer after layer);
        read at every call, never copied.
    shapes : the ``(n_{l-1}, n_l), (n_l,)`` shapes of :func:`ffnn.parameters.layer_shapes`
    activation_funcs, activation_ders, loss : as a network's (``loss`` its :class:`ffnn.costs.Cost`)
    l2, l1 : numbers, or arrays of M numbers of θ's dtype
    rows : int

    ``gradient`` is an array shaped as θ, the same at every call;
    :attr:`layer_grads` are its ``(∂C_λ/∂W, ∂C_λ/∂b^l)`` views.  ``cost`` is C_λ
    in float64 (M of them for M networks).  X and Y are checked arrays of θ's
    dtype, of shape (n, n_0) (shared by the M networks) or (M, n, n_0).
    """

    def __init__(self, theta, shapes, activation_funcs, activation_ders, loss, l2, l1, rows):
        self.funcs, self.ders, self.cost_record, self.l2, self.l1 = (
            activation_funcs, activation_ders, loss, l2, l1)
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
        self._cuts = {}
        self.ones = np.ones(self.rows, theta.dtype)
        self.W_T = [_transposed(W) for W, _ in self.layers]  # views: (W^l)^T as θ changes
        self.value = loss.value or loss.f
        if self.records is not None:
            shape = [theta.shape[:-1] + (self.rows, s[1]) for s in shapes[::2]]
            self.z, self.a, self.delta, self.tmp = (
                [np.empty(s, theta.dtype) for s in shape] for _ in range(4))
            self.mask = [np.empty(s, bool) for s in shape]

    def _buffers(self, m):
        """The buffers cut to their first ``m`` rows, and the transposes of the A^l (cached)."""
        cut = self._cuts.get(m)
        if cut is None:
            if m > self.rows:
                raise ValueError(f"X: a batch of {m} rows, the buffers hold {self.rows}")
            arrays = (self.z, self.a, self.delta, self.tmp, self.mask)
            cut = tuple([x[..., :m, :] for x in xs] for xs in arrays)
            cut = self._cuts[m] = cut + ([_transposed(a) for a in cut[1]],)
        return cut

    def forward(self, X, buffers=None):
        """A^L, shape (n, n_L) or (M, n, n_L), for n ≤ ``rows`` samples (a view of a buffer)."""
        zs, acts = (buffers or self._buffers(X.shape[-2]))[:2]
        a = X
        for (W, _), b, z, out, record in zip(self.layers, self.biases, zs, acts, self.records):
            self._product(a, W, z)
            z += b
            record.forward(z, out)
            a = out
        return a

    def __call__(self, X, Y):
        if self.records is None:
            return self._readable(X, Y)
        buffers = self._buffers(X.shape[-2])
        zs, acts, deltas, tmps, masks, acts_T = buffers
        predict = self.forward(X, buffers)
        last = len(self.layers) - 1
        np.copyto(deltas[last], self.output_error(predict, Y, zs[last]))
        for i in range(last, -1, -1):
            if i < last:
                self._product(deltas[i + 1], self.W_T[i + 1], deltas[i])
                self.records[i].backward(deltas[i], zs[i], acts[i], tmps[i], masks[i])
            dW, db = self.layer_grads[i]
            np.matmul(acts_T[i - 1] if i else _transposed(X), deltas[i], out=dW)
            if self.stacked:  # Σ_rows as a product with ones: one call, not one per row
                np.matmul(self.ones[:X.shape[-2]], deltas[i], out=db)
            else:
                np.add.reduce(deltas[i], axis=-2, out=db)
        cost = penalised(self.data_cost(predict, Y), self.layers, self.l2, self.l1, self.layer_grads)
        return self.gradient, cost

    def _product(self, a, b, out):
        """``a @ b`` into ``out``; for a stack, a product over one index (a^0 of one
        feature, Δ^L of one output) as the broadcast product it is: the same numbers,
        without numpy's matmul loop over M tiny matrices."""
        if self.stacked and a.shape[-1] == 1:
            np.multiply(a, b, out=out)
        else:
            np.matmul(a, b, out=out)

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
        stacked = STACKED_VALUES.get(self.cost_record.name)
        if stacked is not None:
            return stacked(predict, Y)
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


def _mse_stacked(predict, Y):
    """:func:`ffnn.mse` of each of M stacked predictions (M, n, k): shape (M,)."""
    return np.mean((predict - Y) ** 2, axis=(-2, -1))


_TINY = {np.dtype(t): np.finfo(t).tiny for t in (np.float32, np.float64)}


def _cross_entropy_stacked(predict, Y):
    """:func:`ffnn.cross_entropy` of each of M stacked predictions (M, n, k): shape (M,)."""
    log_p = np.log(np.maximum(predict, _TINY[predict.dtype]))
    return -np.einsum("mnk,mnk->m", Y, log_p) / predict.shape[1]


STACKED_VALUES = {"mse": _mse_stacked, "cross_entropy": _cross_entropy_stacked}
