"""JAX as a contender: the network and its momentum update in ``jax.numpy``,
one whole epoch compiled by ``jax.jit`` (``lax.scan`` over its full batches,
the last, shorter batch by a second compiled step), on one XLA CPU thread.

XLA fixes its threads when jax is imported, so this module sets them first;
JAX is measured with one thread only.  Without jax installed (the optional
``bench`` extra) ``jax`` is None and its rows are skipped with a note.
"""

import functools
import os

import numpy as np

os.environ.setdefault("XLA_FLAGS",
                      "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
os.environ.setdefault("JAX_PLATFORMS", "cpu")
try:
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)  # float64 rows; float32 arrays stay float32
except ImportError:
    jax = jnp = None


@functools.lru_cache(maxsize=None)
def _compiled(activation, lr, momentum):
    """``(epoch, step, predict)`` compiled once per activation and hyperparameters."""
    act = jax.nn.relu if activation == "relu" else jax.nn.sigmoid

    def logits(params, X):
        a = X
        for W, b in params[:-1]:
            a = act(a @ W + b)
        W, b = params[-1]
        return a @ W + b

    def cost(params, X, Y):  # mean cross-entropy of a softmax output
        return -jnp.sum(Y * jax.nn.log_softmax(logits(params, X))) / X.shape[0]

    gradient = jax.grad(cost)

    def update(carry, X, Y, rows):
        params, velocity = carry
        g = gradient(params, X[rows], Y[rows])
        velocity = jax.tree.map(lambda v, gi: momentum * v - lr * gi, velocity, g)
        params = jax.tree.map(lambda p, v: p + v, params, velocity)
        return params, velocity

    @functools.partial(jax.jit, donate_argnums=(0,))
    def epoch(carry, X, Y, order):
        return jax.lax.scan(lambda c, rows: (update(c, X, Y, rows), None), carry, order)[0]

    step = jax.jit(update, donate_argnums=(0,))
    predict = jax.jit(logits)
    return epoch, step, predict


def make_jax(cfg, data, n_classes, seed):
    """The contender: He or Xavier weights as ffnn draws them, batches from a permutation."""
    X_np, Y_np = data
    X, Y = jnp.asarray(X_np), jnp.asarray(Y_np)
    sizes = [X_np.shape[1], *cfg["hidden"], n_classes]
    gain = 2.0 if cfg["activation"] == "relu" else 1.0
    rng = np.random.default_rng(seed)
    params = [(jnp.asarray((rng.standard_normal((a, b)) * np.sqrt(gain / a)).astype(X_np.dtype)),
               jnp.zeros(b, X_np.dtype)) for a, b in zip(sizes, sizes[1:])]
    carry = [params, jax.tree.map(jnp.zeros_like, params)]
    epoch, step, predict = _compiled(cfg["activation"], cfg["lr"], 0.9)
    n, batch = X_np.shape[0], cfg["batch"]
    full = n // batch

    def run():
        state = tuple(carry)
        for _ in range(cfg["epochs"]):
            order = rng.permutation(n)
            state = epoch(state, X, Y, jnp.asarray(order[:full * batch].reshape(full, batch)))
            if full * batch < n:
                state = step(state, X, Y, jnp.asarray(order[full * batch:]))
        jax.block_until_ready(state)
        carry[:] = state

    def accuracy():
        labels = np.argmax(Y_np, axis=1)
        return float(np.mean(np.argmax(np.asarray(predict(carry[0], X)), axis=1) == labels))

    return run, accuracy
