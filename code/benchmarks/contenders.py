"""The contenders: ``make(config, data, n_classes, seed) -> (run, accuracy)``.

Every contender trains the same network on the same data with the same batch
size, number of epochs and optimiser (SGD with heavy-ball momentum 0.9):

ffnn     NeuralNetwork + train + Momentum, float64 and float32
sklearn  MLPClassifier(solver="sgd", momentum=0.9, nesterovs_momentum=False,
         alpha=0, shuffle=True, tol=0, n_iter_no_change=huge), float64
torch    the same layers, F.cross_entropy, torch.optim.SGD(momentum=0.9),
         batches gathered from torch.randperm, float64 and float32
jax      the same network and update written in jax.numpy, one epoch compiled
         by jax.jit (lax.scan over the batches, gathered from a permutation),
         one XLA CPU thread, float64 and float32
floor    only the matrix products an epoch needs, on preallocated arrays:
         A^{l-1} W^l forward, (A^{l-1})^T Δ^l and Δ^l (W^l)^T backward
         (not the latter for the first layer)

PyTorch and JAX are optional (the ``bench`` extra): absent, their rows are
skipped with a note.
"""

import warnings

import numpy as np

import ffnn

from .jax_contender import jax, make_jax

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # the optional `bench` extra
    torch = None

THREADED = ["ffnn-f64", "ffnn-f32", "sklearn-f64", "torch-f64", "torch-f32", "floor-f64",
            "floor-f32"]
ONE_THREAD = ["jax-f64", "jax-f32"]  # XLA's threads are fixed at import: one


def available(name):
    """Whether the contender's library is installed."""
    family = name.split("-")[0]
    return {"torch": torch is not None, "jax": jax is not None}.get(family, True)


def data_for(name, X, labels, n_classes):
    """The data in the contender's own form (dtype, one-hot or labels)."""
    dtype = np.float32 if name.endswith("f32") else np.float64
    Xd = X.astype(dtype, copy=False)
    if name.startswith("torch"):
        return torch.from_numpy(Xd), torch.from_numpy(labels.astype(np.int64))
    if name.startswith("sklearn"):
        return Xd, labels
    return Xd, np.eye(n_classes, dtype=dtype)[labels]


def set_threads(n):
    if torch is not None:
        torch.set_num_threads(n)


def make_ffnn(cfg, data, n_classes, seed):
    X, Y = data
    sizes = [*cfg["hidden"], n_classes]
    init = "he" if cfg["activation"] == "relu" else "xavier"
    net = ffnn.NeuralNetwork(
        X.shape[1], sizes, [cfg["activation"]] * len(cfg["hidden"]) + ["softmax"],
        cost_fun="cross_entropy", initialization=init, seed=seed, dtype=X.dtype,
    )
    optimizer = ffnn.Momentum(cfg["lr"], momentum=0.9)

    def run():
        ffnn.train(net, X, Y, optimizer, epochs=cfg["epochs"], batch_size=cfg["batch"],
                   seed=seed, progress=False)

    run.network, run.optimizer = net, optimizer
    return run, lambda: ffnn.accuracy(net.predict(X), Y)


def make_sklearn(cfg, data, n_classes, seed):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    X, labels = data
    model = MLPClassifier(
        hidden_layer_sizes=cfg["hidden"], activation="logistic"
        if cfg["activation"] == "sigmoid" else cfg["activation"],
        solver="sgd", learning_rate="constant", learning_rate_init=cfg["lr"],
        momentum=0.9, nesterovs_momentum=False, alpha=0.0, batch_size=cfg["batch"],
        max_iter=cfg["epochs"], shuffle=True, tol=0.0, n_iter_no_change=10**9,
        early_stopping=False, random_state=seed,
    )

    def run():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X, labels)

    return run, lambda: float(np.mean(model.predict(X) == labels))


def make_torch(cfg, data, n_classes, seed):
    X, labels = data
    torch.manual_seed(seed)
    act = torch.nn.ReLU if cfg["activation"] == "relu" else torch.nn.Sigmoid
    layers, n_in = [], X.shape[1]
    for n_out in cfg["hidden"]:
        layers += [torch.nn.Linear(n_in, n_out), act()]
        n_in = n_out
    model = torch.nn.Sequential(*layers, torch.nn.Linear(n_in, n_classes)).to(X.dtype)
    optimizer = torch.optim.SGD(model.parameters(), lr=cfg["lr"], momentum=0.9)
    n, batch = X.shape[0], cfg["batch"]
    generator = torch.Generator().manual_seed(seed)

    def run():
        for _ in range(cfg["epochs"]):
            order = torch.randperm(n, generator=generator)
            for start in range(0, n, batch):
                rows = order[start:start + batch]
                optimizer.zero_grad(set_to_none=True)
                loss = F.cross_entropy(model(X[rows]), labels[rows])
                loss.backward()
                optimizer.step()

    def accuracy():
        with torch.no_grad():
            return float((model(X).argmax(dim=1) == labels).double().mean())

    return run, accuracy


def floor_products(cfg, X, n_classes, seed):
    """``(products, batches)``: the matrix products of one batch, and the epoch's batches.

    ``products(a, d)`` forms A^{l-1} W^l, (A^{l-1})^T Δ^l and Δ^l (W^l)^T on
    preallocated arrays; ``batches`` holds one ``(a, d)`` per batch of an epoch.
    """
    rng = np.random.default_rng(seed)
    sizes = [X.shape[1], *cfg["hidden"], n_classes]
    batch, n = cfg["batch"], X.shape[0]
    W = [rng.standard_normal((a, b)).astype(X.dtype) * 0.1 for a, b in zip(sizes, sizes[1:])]
    A = [X[:batch].copy()] + [rng.random((batch, s)).astype(X.dtype) for s in sizes[1:]]
    D = [rng.standard_normal((batch, s)).astype(X.dtype) * 0.01 for s in sizes[1:]]
    G = [np.empty_like(w) for w in W]
    cuts = {}
    for start in range(0, n, batch):
        m = min(batch, n - start)
        if m not in cuts:
            cuts[m] = ([a[:m] for a in A], [d[:m] for d in D])
    batches = [cuts[min(batch, n - start)] for start in range(0, n, batch)]
    L = len(W)

    def products(a, d):
        for i in range(L):
            np.matmul(a[i], W[i], out=a[i + 1])
        for i in range(L - 1, -1, -1):
            np.matmul(a[i].T, d[i], out=G[i])
            if i:
                np.matmul(d[i], W[i].T, out=d[i - 1])

    return products, batches


def make_floor(cfg, data, n_classes, seed):
    """Only the matrix products of an epoch, on preallocated arrays."""
    products, batches = floor_products(cfg, data[0], n_classes, seed)

    def run():
        for _ in range(cfg["epochs"]):
            for a, d in batches:
                products(a, d)

    return run, lambda: float("nan")


MAKERS = {"ffnn": make_ffnn, "sklearn": make_sklearn, "torch": make_torch, "jax": make_jax,
          "floor": make_floor}


def make(name, cfg, data, n_classes, seed):
    """``(run, accuracy)`` of the contender ``name`` (e.g. ``"ffnn-f32"``)."""
    return MAKERS[name.split("-")[0]](cfg, data, n_classes, seed)
