"""Speed of ffnn against scikit-learn, PyTorch and the matrix-multiply floor.

``make bench`` runs this script: every contender trains the same network on
the same data with the same batch size, number of epochs and optimiser (SGD
with heavy-ball momentum 0.9), and the script prints a table and writes
``results/bench.json``.

Workloads
  W1  digits (1797 x 64, scaled to [0, 1]), hidden [64, 32] ReLU, batch 32
  W2  MNIST-sized synthetic data (60000 x 784 uniform on [-1, 1), 10 classes, labels
      = argmax of a fixed random linear map of the inputs), hidden [128, 64] ReLU, batch 128
  W3  iris (150 x 4, standardised), hidden [8] sigmoid, batch 10
  all with a softmax output and the cross-entropy cost.

Contenders
  ffnn     NeuralNetwork + train + Momentum, float64 and float32
  sklearn  MLPClassifier(solver="sgd", momentum=0.9, nesterovs_momentum=False,
           alpha=0, shuffle=True, tol=0, n_iter_no_change=huge), float64
  torch    the same layers, F.cross_entropy, torch.optim.SGD(momentum=0.9),
           batches gathered from torch.randperm, float64 and float32
           (skipped with a note when torch is not installed)
  floor    only the matrix products an epoch needs, on preallocated arrays:
           A^{l-1} W^l forward, (A^{l-1})^T Δ^l and Δ^l (W^l)^T backward
           (not the latter for the first layer)

Method
  Times are wall-clock seconds per epoch: each run trains a fresh model for
  a fixed number of epochs, the contenders take turns run by run (each
  ffnn next to its floor, every other run in reverse order, so that a
  burst of load on the shared machine hits all of them), and the median of
  the runs is kept; a ratio between two contenders is the median over the
  runs of their ratio within each run.  Everything is measured with one
  BLAS/OpenMP thread (threadpoolctl, torch.set_num_threads) and again with
  two.  On W2, an epoch of ffnn is also cut into its parts (matrix
  products, gathering the batch, backpropagation, optimiser step), each
  the median time per batch times the number of batches.  Peak memory
  is the rise of the resident set size (VmHWM after resetting it) during
  one training run, in a fresh child process per contender, one thread.
  Accuracy is the training accuracy after the last run.
"""

import os
import sys

# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE work around old OpenBLAS builds and
# slow down the current one: the benchmark drops both (together), and the
# thread variables, in its own process only, before numpy is loaded.
_DROP = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
         "MKL_NUM_THREADS")
if any(v in os.environ for v in _DROP) and os.environ.get("FFNN_BENCH_CLEAN") != "1":
    env = {k: v for k, v in os.environ.items() if k not in _DROP}
    env["FFNN_BENCH_CLEAN"] = "1"
    os.execve(sys.executable, [sys.executable, *sys.argv], env)

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_info, threadpool_limits  # noqa: E402

import ffnn  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "results" / "bench.json"

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # the optional `bench` extra
    torch = None

WORKLOADS = {
    "W1": dict(title="digits 1797x64, [64, 32] ReLU, batch 32", hidden=[64, 32],
               activation="relu", batch=32, lr=0.05, epochs=10, runs=7),
    "W2": dict(title="synthetic 60000x784, [128, 64] ReLU, batch 128", hidden=[128, 64],
               activation="relu", batch=128, lr=0.01, epochs=1, runs=6),
    "W3": dict(title="iris 150x4, [8] sigmoid, batch 10", hidden=[8],
               activation="sigmoid", batch=10, lr=0.05, epochs=50, runs=5),
}
CONTENDERS = ["ffnn-f64", "ffnn-f32", "sklearn-f64", "torch-f64", "torch-f32", "floor-f64",
              "floor-f32"]
RUN_ORDER = ["ffnn-f64", "floor-f64", "sklearn-f64", "torch-f64", "torch-f32", "floor-f32",
             "ffnn-f32"]
assert sorted(RUN_ORDER) == sorted(CONTENDERS)
THREADS = (1, 2)


def log(*args):
    print(*args, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# data
# ---------------------------------------------------------------------------
def load(workload):
    """Return ``(X, labels, n_classes)`` in float64."""
    if workload == "W1":
        X, _, labels = ffnn.load_digits()
        return X, labels, 10
    if workload == "W3":
        X, _, labels = ffnn.load_iris()
        return (X - X.mean(axis=0)) / X.std(axis=0), labels, 3
    rng = np.random.default_rng(2024)
    X = rng.random((60000, 784))  # 784 "pixels", centred: uniform on [-1, 1)
    X *= 2.0
    X -= 1.0
    teacher = rng.standard_normal((784, 10))  # the learnable rule: a fixed linear map
    return X, np.argmax(X @ teacher, axis=1), 10


def data_for(name, X, labels, n_classes):
    """The data in the contender's own form (dtype, one-hot or labels)."""
    dtype = np.float32 if name.endswith("f32") else np.float64
    Xd = X.astype(dtype, copy=False)
    if name.startswith("torch"):
        return torch.from_numpy(Xd), torch.from_numpy(labels.astype(np.int64))
    if name.startswith("sklearn"):
        return Xd, labels
    return Xd, np.eye(n_classes, dtype=dtype)[labels]


# ---------------------------------------------------------------------------
# contenders: make(config, data, seed) -> (train(), accuracy())
# ---------------------------------------------------------------------------
def make_ffnn(cfg, data, n_classes, seed):
    X, Y = data
    sizes = [*cfg["hidden"], n_classes]
    init = "he" if cfg["activation"] == "relu" else "xavier"
    net = ffnn.NeuralNetwork(
        X.shape[1], sizes, [cfg["activation"]] * len(cfg["hidden"]) + ["softmax"], None,
        "cross_entropy", None, initialization=init, seed=seed, dtype=X.dtype,
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


MAKERS = {"ffnn": make_ffnn, "sklearn": make_sklearn, "torch": make_torch, "floor": make_floor}


def available(name):
    return torch is not None or not name.startswith("torch")


# ---------------------------------------------------------------------------
# timing (in this process) and memory (one child process per contender)
# ---------------------------------------------------------------------------
def set_threads(n):
    if torch is not None:
        torch.set_num_threads(n)


def time_workload(key, threads, base, names):
    cfg = WORKLOADS[key]
    n_samples = base[0].shape[0]
    datas = {name: data_for(name, *base) for name in names}
    times = {name: [] for name in names}
    accuracy = {}
    with threadpool_limits(threads):
        set_threads(threads)
        blas_threads = sorted({lib["num_threads"] for lib in threadpool_info()})
        # Each ffnn next to its floor, and every other run backwards, so that the
        # pairs of a ratio are measured as close together as possible.
        order = sorted(names, key=lambda n: RUN_ORDER.index(n))
        for r in range(cfg["runs"] + 1):  # run 0 warms up and is not kept
            for name in order if r % 2 else order[::-1]:
                run, acc = MAKERS[name.split("-")[0]](cfg, datas[name], base[2], seed=r)
                t0 = time.perf_counter()
                run()
                elapsed = time.perf_counter() - t0
                if r:
                    times[name].append(elapsed / cfg["epochs"])
                if r == cfg["runs"]:
                    accuracy[name] = acc()
            log(f"  {key} {threads} thread(s): run {r}/{cfg['runs']}"
                + ("" if r else " (warm-up)"))
    out = {}
    for name in names:
        s = statistics.median(times[name])
        out[name] = dict(seconds_per_epoch=s, samples_per_second=n_samples / s,
                         runs=times[name], accuracy=accuracy[name])
    return out, blas_threads


def breakdown(key, base, name, epochs=2):
    """Where an epoch of ``ffnn`` goes: the median time per batch of each part, times
    the number of batches (seconds per epoch, one thread).

    Per batch, in turn: the floor's matrix products, gathering the batch's rows,
    backpropagation (which includes the same products) and the optimiser's step.
    """
    cfg = WORKLOADS[key]
    X, Y = data_for(name, *base)
    products, batches = floor_products(cfg, X, base[2], seed=0)
    run_ffnn, _ = make_ffnn(cfg, (X, Y), base[2], seed=0)
    net, optimizer = run_ffnn.network, run_ffnn.optimizer
    workspace = net._workspace(cfg["batch"])
    X_batch = np.empty((cfg["batch"], X.shape[1]), X.dtype)
    Y_batch = np.empty((cfg["batch"], Y.shape[1]), Y.dtype)
    rng = np.random.default_rng(0)
    parts = {"matrix products": [], "gather": [], "backpropagation": [], "optimiser": []}
    clock = time.perf_counter
    with threadpool_limits(1):
        for _ in range(epochs):
            order = rng.permutation(len(X))
            for start in range(0, len(X) - cfg["batch"] + 1, cfg["batch"]):
                t0 = clock()
                products(*batches[0])
                t1 = clock()
                rows = order[start:start + cfg["batch"]]
                Xb = X.take(rows, axis=0, out=X_batch, mode="clip")
                Yb = Y.take(rows, axis=0, out=Y_batch, mode="clip")
                t2 = clock()
                grads, _ = net._backprop(Xb, Yb, workspace)
                t3 = clock()
                net.layers = optimizer.step(net.layers, grads)
                t4 = clock()
                for part, seconds in zip(parts, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
                    parts[part].append(seconds)
    return {part: statistics.median(times) * len(batches) for part, times in parts.items()}


def pool_clash(repeats=100):
    """Seconds of one W2-sized matrix product followed by a momentum-sized ``y += x``,
    with numpy alone and with scipy's BLAS ``axpy`` (a second OpenBLAS and thread pool),
    at one and at two threads: why ffnn's optimisers use numpy only."""
    from scipy.linalg.blas import get_blas_funcs

    rng = np.random.default_rng(0)
    A, W = rng.standard_normal((128, 784)), rng.standard_normal((784, 128))
    out = np.empty((128, 128))
    x, y = rng.standard_normal(109386), np.zeros(109386)
    axpy = get_blas_funcs("axpy", dtype=np.float64)
    steps = {"numpy": lambda: np.add(y, x, out=y), "scipy axpy": lambda: axpy(x, y)}
    result = {}
    for threads in THREADS:
        with threadpool_limits(threads):
            for name, step in steps.items():
                t0 = time.perf_counter()
                for _ in range(repeats):
                    np.matmul(A, W, out=out)
                    step()
                result[f"{name}, {threads} thread(s)"] = (time.perf_counter() - t0) / repeats
    return result


def paired_ratio(row, reference):
    """Median over the runs of the time ratio within each run (noise common to a run cancels)."""
    return statistics.median(a / b for a, b in zip(row["runs"], reference["runs"]))


def child_memory(key, name):
    """In a fresh process: the rise of the resident set during one training run."""
    base = load(key)
    data = data_for(name, *base)
    cfg = dict(WORKLOADS[key], epochs=1)
    run, _ = MAKERS[name.split("-")[0]](cfg, data, base[2], seed=0)
    arrays = [d.numpy() if torch is not None and isinstance(d, torch.Tensor) else d for d in data]
    data_bytes = sum(a.nbytes for a in arrays)
    del base
    with threadpool_limits(1):
        set_threads(1)
        before = _rss("VmRSS")
        _reset_peak()
        run()
        peak = _rss("VmHWM")
    print(json.dumps(dict(peak_bytes=max(peak - before, 0), data_bytes=data_bytes)))


def _rss(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def _reset_peak():
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # resets VmHWM to the current resident set


def measure_memory(key, names):
    out = {}
    for name in names:
        if name.startswith("floor"):
            continue
        proc = subprocess.run([sys.executable, __file__, "--memory", key, name],
                              capture_output=True, text=True, check=True)
        out[name] = json.loads(proc.stdout.strip().splitlines()[-1])
    return out


# ---------------------------------------------------------------------------
# the table
# ---------------------------------------------------------------------------
def machine():
    blas = [dict(library=lib.get("internal_api"), version=lib.get("version"),
                 kernel=lib.get("architecture"), threading=lib.get("threading_layer"))
            for lib in threadpool_info() if lib["user_api"] == "blas"]
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return dict(cpu=cpu, cores=os.cpu_count(), python=platform.python_version(),
                numpy=np.__version__, torch=None if torch is None else torch.__version__,
                sklearn=__import__("sklearn").__version__, blas=blas)


def table(results):
    lines = []
    head = (f"{'work':4} {'thr':>3} {'contender':11} {'s/epoch':>10} {'samples/s':>11} "
            f"{'x ffnn':>7} {'x floor':>8} {'peak MB':>8} {'+data':>7} {'accuracy':>8}")
    lines.append(head)
    lines.append("-" * len(head))
    for key, work in results["workloads"].items():
        for threads, rows in work["threads"].items():
            for name, row in rows.items():
                mem = work["memory"].get(name)
                mb = f"{mem['peak_bytes'] / 2**20:8.1f}" if mem else f"{'':8}"
                frac = f"{100 * mem['peak_bytes'] / mem['data_bytes']:6.1f}%" if mem else f"{'':7}"
                acc = "" if np.isnan(row["accuracy"]) else f"{row['accuracy']:.3f}"
                lines.append(
                    f"{key:4} {threads:>3} {name:11} {row['seconds_per_epoch']:10.5f} "
                    f"{row['samples_per_second']:11.0f} {row['vs_ffnn']:7.2f} "
                    f"{row['vs_floor']:8.2f} {mb} {frac} {acc:>8}"
                )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memory", nargs=2, metavar=("WORKLOAD", "CONTENDER"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--workloads", nargs="*", default=list(WORKLOADS))
    parser.add_argument("--output", default=str(RESULTS))
    args = parser.parse_args()
    if args.memory:
        child_memory(*args.memory)
        return

    names = [n for n in CONTENDERS if available(n)]
    if torch is None:
        log("note: PyTorch is not installed (pip install -e '.[bench]'): its rows are skipped")
    info = machine()
    log(f"machine: {info['cpu']}, {info['cores']} cores; BLAS: "
        + ", ".join(f"{b['library']} {b['version']} ({b['kernel']})" for b in info["blas"]))
    results = dict(machine=info, threads=list(THREADS), method=__doc__.split("Method\n", 1)[1].strip(),
                   contenders=names, torch_skipped=torch is None, workloads={})
    log("a matrix product and an update, numpy alone and with scipy's BLAS")
    results["pool_clash"] = pool_clash()
    for key in args.workloads:
        cfg = WORKLOADS[key]
        log(f"{key}: {cfg['title']}")
        base = load(key)
        work = dict(title=cfg["title"], n_samples=int(base[0].shape[0]),
                    n_features=int(base[0].shape[1]), config=cfg, threads={})
        for threads in THREADS:
            rows, blas_threads = time_workload(key, threads, base, names)
            for row_name, row in rows.items():
                dtype = row_name.split("-")[1]
                row["vs_ffnn"] = paired_ratio(row, rows["ffnn-f64"])
                row["vs_floor"] = paired_ratio(row, rows[f"floor-{dtype}"])
            work["threads"][str(threads)] = rows
            work.setdefault("blas_threads", {})[str(threads)] = blas_threads
        if key == "W2":
            log(f"  {key}: where an epoch of ffnn goes, one thread")
            work["breakdown"] = {name: breakdown(key, base, name) for name in ("ffnn-f64", "ffnn-f32")}
        log(f"  {key}: peak memory, one child process per contender")
        work["memory"] = measure_memory(key, names)
        results["workloads"][key] = work
    text = table(results)
    print(f"BLAS: {', '.join(b['library'] + ' ' + b['version'] for b in info['blas'])}; "
          f"threads: {', '.join(map(str, THREADS))}; CPU: {info['cpu']}")
    print(text)
    for key, work in results["workloads"].items():
        for name, parts in work.get("breakdown", {}).items():
            print(f"{key} {name}, seconds per epoch (median batch x batches, 1 thread): "
                  + ", ".join(f"{part} {seconds:.3f}" for part, seconds in parts.items()))
    print("matrix product + update, seconds: " + ", ".join(
        f"{name} {seconds:.5f}" for name, seconds in results["pool_clash"].items()))
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(results, indent=1) + "\n")
    log(f"wrote {args.output}")


if __name__ == "__main__":
    main()
