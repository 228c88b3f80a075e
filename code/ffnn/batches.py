"""The mini-batches of an epoch, for one network or M networks in lockstep.

Each epoch draws a permutation of the n samples from the network's own
generator and cuts it into batches of ``rows`` rows, the last one shorter
when ``rows`` does not divide n.  The rows are gathered into buffers
allocated once, never into a shuffled copy of the data; with one batch the
data are used as they are, unshuffled.

For M networks (:mod:`ffnn.lockstep`) each has its own generator, hence its
own order, and a batch is an array with a leading axis M; the data are
either shared, X of shape (n, n_0), or each network's own draw, X of shape
(M, n, n_0).
"""

import numpy as np


class Batches:
    """``for start, X_b, Y_b in batches:`` one epoch's batches.

    ``seeds`` is one seed (int, Generator or None) for one network, or a
    list of M seeds with ``stacked=True``.
    """

    def __init__(self, X, Y, rows, seeds, stacked=False):
        self.X, self.Y, self.rows, self.stacked = X, Y, rows, stacked
        self.n = X.shape[-2]
        seeds = seeds if stacked else [seeds]
        self.rngs = [np.random.default_rng(seed) for seed in seeds]
        self.own_data = X.ndim == 3  # each network its own draw
        # rows of network m are rows m n ... m n + n - 1 of its own stacked data
        self.sources = [A.reshape(-1, A.shape[-1]) if self.own_data else A for A in (X, Y)]
        self._buffers = {}
        self._orders_buffer = np.empty((len(self.rngs), self.n), np.int64) if stacked else None

    def __iter__(self):
        """``(start, X_b, Y_b)`` for each batch of a new epoch."""
        if self.rows == self.n:
            yield 0, self.X, self.Y
            return
        orders = self._orders()
        X, Y = self.sources
        for start in range(0, self.n, self.rows):
            rows = orders[..., start : start + self.rows]
            X_out, Y_out = self._buffers.get(rows.shape[-1]) or self._buffer(rows.shape[-1])
            yield (start, X.take(rows, axis=0, out=X_out, mode="clip"),
                   Y.take(rows, axis=0, out=Y_out, mode="clip"))

    def _orders(self):
        """The permutation of each network, (n,) for one network, (M, n) for M."""
        if not self.stacked:
            return self.rngs[0].permutation(self.n)
        orders = self._orders_buffer
        orders[...] = np.arange(self.n)
        for rng, order in zip(self.rngs, orders):
            rng.shuffle(order)  # what rng.permutation(n) draws, without a new array
        if self.own_data:
            orders += self.n * np.arange(len(self.rngs))[:, None]
        return orders

    def _buffer(self, k):
        """The X and Y buffers of a batch of ``k`` rows (allocated once per size)."""
        buffer = self._buffers.get(k)
        if buffer is None:
            stack = (len(self.rngs),) if self.stacked else ()
            buffer = self._buffers[k] = tuple(
                np.empty(stack + (k, A.shape[-1]), A.dtype) for A in (self.X, self.Y))
        return buffer
