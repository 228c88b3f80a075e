"""The grid workloads: M small networks of one shape that differ in seed and learning rate.

G1  iris (150 x 4, standardised), 64 networks 4 -> [8] sigmoid -> 3 softmax, cross-entropy,
    batch 10
G2  the Runge function (100 points), 64 networks 1 -> [50] sigmoid -> 1 identity, MSE, batch 20
all with SGD and heavy-ball momentum 0.9; network m has seed m and the m-th learning rate of a
geometric grid.  Contenders, each training the whole grid:

ffnn-each     ffnn.train, network after network
ffnn-lockstep ffnn.train_many, the M networks at once
jax-vmap      one epoch of one network in jax.numpy (lax.scan over its batches), jax.vmap over
              the M networks inside jax.jit, one XLA thread (optional: skipped without jax)
sklearn-each  MLPClassifier / MLPRegressor, network after network

Times are seconds per network-epoch (a run's time over M x epochs), with one BLAS thread;
the contenders take turns run by run, and a ratio is the median over the runs of the ratio
within each run.
"""

import statistics
import time
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

import ffnn

from .jax_contender import jax, jnp

GRIDS = {
    "G1": dict(title="iris 150x4, 64 networks [8] sigmoid, batch 10", data="iris", hidden=[8],
               batch=10, networks=64, etas=(0.01, 0.3), epochs=30, runs=5),
    "G2": dict(title="Runge 100x1, 64 networks 1-50-1 sigmoid, batch 20", data="runge",
               hidden=[50], batch=20, networks=64, etas=(0.005, 0.2), epochs=30, runs=5),
}
CONTENDERS = ["ffnn-each", "ffnn-lockstep", "jax-vmap", "sklearn-each"]


def grid_data(cfg):
    """``(X, Y, labels)``: one-hot Y and labels for iris, Y = labels = y for Runge."""
    if cfg["data"] == "iris":
        X, Y, labels = ffnn.load_iris()
        return (X - X.mean(axis=0)) / X.std(axis=0), Y, labels
    x, y = ffnn.runge_data(100, seed=0)
    return x, y, y


def _networks(cfg, X, Y):
    classify = cfg["data"] == "iris"
    sizes = [*cfg["hidden"], Y.shape[1]]
    funcs = ["sigmoid"] * len(cfg["hidden"]) + ["softmax" if classify else "identity"]
    return [ffnn.NeuralNetwork(X.shape[1], sizes, funcs,
                               cost_fun="cross_entropy" if classify else "mse",
                               initialization="xavier", seed=m) for m in range(cfg["networks"])]


def _etas(cfg):
    return np.geomspace(*cfg["etas"], cfg["networks"])


def make_ffnn_each(cfg, data):
    X, Y, _ = data
    nets = _networks(cfg, X, Y)

    def run():
        for m, (net, eta) in enumerate(zip(nets, _etas(cfg))):
            ffnn.train(net, X, Y, ffnn.Momentum(eta, 0.9), epochs=cfg["epochs"],
                       batch_size=cfg["batch"], seed=m, progress=False)

    return run


def make_ffnn_lockstep(cfg, data):
    X, Y, _ = data
    nets = _networks(cfg, X, Y)

    def run():
        ffnn.train_many(nets, X, Y, [ffnn.Momentum(eta, 0.9) for eta in _etas(cfg)],
                        epochs=cfg["epochs"], batch_size=cfg["batch"],
                        seeds=range(len(nets)), progress=False)

    return run


def make_sklearn_each(cfg, data):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    X, _, labels = data
    model = MLPClassifier if cfg["data"] == "iris" else MLPRegressor
    target = labels if cfg["data"] == "iris" else labels.ravel()
    models = [model(hidden_layer_sizes=cfg["hidden"], activation="logistic", solver="sgd",
                    learning_rate_init=eta, momentum=0.9, nesterovs_momentum=False, alpha=0.0,
                    batch_size=cfg["batch"], max_iter=cfg["epochs"], shuffle=True, tol=0.0,
                    n_iter_no_change=10**9, random_state=m)
              for m, eta in enumerate(_etas(cfg))]

    def run():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            for m in models:
                m.fit(X, target)

    return run


def make_jax_vmap(cfg, data):
    """One epoch of one network, vmapped over the M networks (parameters, velocities,
    batch orders and learning rates along a leading axis), compiled once by jax.jit."""
    X_np, Y_np, _ = data
    X, Y = jnp.asarray(X_np), jnp.asarray(Y_np)
    n, batch, M = X_np.shape[0], cfg["batch"], cfg["networks"]
    assert n % batch == 0, "the vmapped epoch takes full batches only"
    classify = cfg["data"] == "iris"
    sizes = [X_np.shape[1], *cfg["hidden"], Y_np.shape[1]]
    rngs = [np.random.default_rng(m) for m in range(M)]
    params = [(jnp.asarray(np.stack([r.standard_normal((a, b)) / np.sqrt(a) for r in rngs])),
               jnp.zeros((M, b))) for a, b in zip(sizes, sizes[1:])]
    carry = [params, jax.tree.map(jnp.zeros_like, params)]
    etas = jnp.asarray(_etas(cfg))

    def output(p, Xb):
        a = Xb
        for W, b in p[:-1]:
            a = jax.nn.sigmoid(a @ W + b)
        W, b = p[-1]
        return a @ W + b

    def cost(p, Xb, Yb):
        if classify:
            return -jnp.sum(Yb * jax.nn.log_softmax(output(p, Xb))) / Xb.shape[0]
        return jnp.mean((output(p, Xb) - Yb) ** 2)

    def update(state, rows, eta):
        p, v = state
        g = jax.grad(cost)(p, X[rows], Y[rows])
        v = jax.tree.map(lambda vi, gi: 0.9 * vi - eta * gi, v, g)
        return (jax.tree.map(lambda pi, vi: pi + vi, p, v), v), None

    def epoch(state, order, eta):
        return jax.lax.scan(lambda s, rows: update(s, rows, eta), state, order)[0]

    epochs = jax.jit(jax.vmap(epoch))

    def run():
        state = tuple(carry)
        for _ in range(cfg["epochs"]):
            orders = np.stack([r.permutation(n) for r in rngs]).reshape(M, n // batch, batch)
            state = epochs(state, jnp.asarray(orders), etas)
        jax.block_until_ready(state)
        carry[:] = state

    return run


MAKERS = {"ffnn-each": make_ffnn_each, "ffnn-lockstep": make_ffnn_lockstep,
          "jax-vmap": make_jax_vmap, "sklearn-each": make_sklearn_each}


def available():
    return [name for name in CONTENDERS if name != "jax-vmap" or jax is not None]


def run_grid(key, log):
    """Seconds per network-epoch of every contender and the ratios, one BLAS thread."""
    cfg = GRIDS[key]
    log(f"{key}: {cfg['title']}")
    data = grid_data(cfg)
    names = available()
    times = {name: [] for name in names}
    with threadpool_limits(1):
        for r in range(cfg["runs"] + 1):  # run 0 warms up (and compiles JAX's epoch)
            for name in names if r % 2 else names[::-1]:
                run = MAKERS[name](cfg, data)
                t0 = time.perf_counter()
                run()
                if r:
                    times[name].append((time.perf_counter() - t0) / (cfg["networks"] * cfg["epochs"]))
            log(f"  {key}: run {r}/{cfg['runs']}" + ("" if r else " (warm-up)"))
    rows = {name: dict(seconds_per_network_epoch=statistics.median(t), runs=t)
            for name, t in times.items()}
    for row in rows.values():
        row["vs_ffnn_each"] = statistics.median(
            a / b for a, b in zip(row["runs"], rows["ffnn-each"]["runs"]))
    return dict(title=cfg["title"], config=cfg, threads=1, rows=rows,
                lockstep_speedup=1 / rows["ffnn-lockstep"]["vs_ffnn_each"],
                lockstep_over_jax=None if "jax-vmap" not in rows else statistics.median(
                    a / b for a, b in zip(rows["ffnn-lockstep"]["runs"], rows["jax-vmap"]["runs"])),
                skipped=[name for name in CONTENDERS if name not in names])


def grid_table(grids):
    """The grid rows as text: microseconds per network-epoch and the ratio to ffnn-each."""
    lines = []
    for key, work in grids.items():
        lines.append(f"{key}  {work['title']}  (1 thread, per network-epoch)")
        for name, row in work["rows"].items():
            lines.append(f"    {name:14s} {row['seconds_per_network_epoch'] * 1e6:9.1f} us"
                         f"   x{row['vs_ffnn_each']:.3f} of ffnn-each")
        extra = "" if work["lockstep_over_jax"] is None else (
            f", lockstep / jax-vmap time {work['lockstep_over_jax']:.2f}")
        lines.append(f"    lockstep is {work['lockstep_speedup']:.1f}x faster than one by one{extra}")
    return "\n".join(lines)
