"""The training hot path: backpropagation in place, on buffers allocated once.

:class:`FastGradient` computes what :meth:`ffnn.NeuralNetwork.compute_gradient`
computes — the forward pass ``Z^l = A^{l-1} W + b^l`` (the array ``W`` holds
(W^l)^T), ``A^l = f_l(Z^l)``, Δ^L, ``Δ^l = (Δ^{l+1} W^{l+1}) ⊙ f_l'(Z^l)``
(``delta @ W.T``), ``∂C/∂W = (A^{l-1})^T Δ^l``
and ``∂C/∂b^l = Σ_rows Δ^l`` (@eq-delta-batch, @eq-grad-batch) — with
plain numpy, one buffer per Z^l, A^l and Δ^l, and the gradients written
straight into one gradient vector laid out as the parameters
(:mod:`ffnn.parameters`).  Δ^0, the gradient with respect to the inputs,
is never formed.

Each hidden layer uses the in-place kernels of its activation's record
(:class:`ffnn.activations.Activation`), which compute the same f and f'
from the same z^l (σ' = σ(z)σ(-z)); the output error Δ^L comes from the
cost's record (:meth:`ffnn.costs.Cost.output_error`), as in the readable
path; the batch cost from the record's ``value``.  So the two paths agree to
rounding, a float32 network stays float32, and activations of the user's
own (no record) take the readable path.
"""

import numpy as np

from . import activations, parameters
from .functional import feed_forward_saver_batch


def kernels_of(network):
    """The record of each layer's activation, or None if one has no in-place kernels.

    A hidden layer qualifies with a registered activation and its own
    derivative; the output layer with any registered activation, since its
    error comes from the cost record.
    """
    records = [activations.record_of(f) for f in network.activation_funcs]
    if any(r is None for r in records):
        return None
    hidden = zip(records[:-1], network.activation_ders[:-1])
    if any(r.backward is None or d is not r.der for r, d in hidden):
        return None
    return records


class FastGradient:
    """``gradient, cost = fast(X, Y)`` for batches of at most ``rows`` samples.

    ``gradient`` is the vector ∂C_λ/∂θ (the penalty's gradient included),
    the same array at every call, overwritten by the next; :attr:`layer_grads`
    are its ``(∂C/∂W, ∂C/∂b^l)`` views.  ``cost`` is the data cost C of the
    batch, without the penalty.  X and Y must be checked arrays of the
    network's dtype (:meth:`ffnn.NeuralNetwork.check_inputs`).
    """

    def __init__(self, network, rows):
        self.network, self.rows = network, int(rows)
        self.layers = network.layers  # views of network.parameters, as the optimiser updates them
        self.records = kernels_of(network)
        self.gradient = np.zeros(network.parameters.size, network.dtype)
        self.layer_grads = parameters.unflatten(self.gradient, network.shapes)
        self._cuts = {}
        if self.records is not None:
            shape = [(self.rows, n) for n in network.layer_output_sizes]
            self.z, self.a, self.delta, self.tmp = (
                [np.empty(s, network.dtype) for s in shape] for _ in range(4))
            self.mask = [np.empty(s, bool) for s in shape]

    def _buffers(self, m):
        """The buffers cut to their first ``m`` rows (cached per ``m``)."""
        cut = self._cuts.get(m)
        if cut is None:
            if m > self.rows:
                raise ValueError(f"X: a batch of {m} rows, the buffers hold {self.rows}")
            arrays = (self.z, self.a, self.delta, self.tmp, self.mask)
            cut = self._cuts[m] = tuple([x[:m] for x in xs] for xs in arrays)
        return cut

    def __call__(self, X, Y):
        net = self.network
        if self.records is None:
            return self._readable(X, Y)
        zs, acts, deltas, tmps, masks = self._buffers(X.shape[0])
        a = X
        for (W, b), z, out, record in zip(self.layers, zs, acts, self.records):
            np.matmul(a, W, out=z)
            z += b
            record.forward(z, out)
            a = out
        last = len(self.layers) - 1
        np.copyto(deltas[last], net.cost_record.output_error(
            a, Y, zs[last], net.activation_funcs[last], net.activation_ders[last]))
        for i in range(last, -1, -1):
            if i < last:
                np.matmul(deltas[i + 1], self.layers[i + 1][0].T, out=deltas[i])
                self.records[i].backward(deltas[i], zs[i], acts[i], tmps[i], masks[i])
            dW, db = self.layer_grads[i]
            np.matmul((X if i == 0 else acts[i - 1]).T, deltas[i], out=dW)
            np.add.reduce(deltas[i], axis=0, out=db)
        net.add_penalty_gradient(self.layer_grads)
        return self.gradient, (net.cost_record.value or net.cost_record.f)(a, Y)

    def _readable(self, X, Y):
        """The gradient by the readable path, for activations without kernels."""
        net = self.network
        self.gradient[...] = parameters.flatten(net.compute_gradient(X, Y), net.shapes, net.dtype)
        predict = feed_forward_saver_batch(X, self.layers, net.activation_funcs)[2]
        return self.gradient, net.cost_fun(predict, Y)
