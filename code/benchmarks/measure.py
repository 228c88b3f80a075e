"""The measurements: paired timings, the parts of an epoch, the thread-pool clash
of two BLAS libraries, and peak memory in a child process per contender."""

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from .contenders import data_for, floor_products, make, set_threads, torch
from .workloads import WORKLOADS, load

BENCH = Path(__file__).resolve().parent.parent / "bench.py"
RUN_ORDER = ["ffnn-f64", "floor-f64", "sklearn-f64", "torch-f64", "jax-f64", "jax-f32",
             "torch-f32", "floor-f32", "ffnn-f32"]


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def time_workload(key, threads, base, names):
    """Seconds per epoch of each contender, run after run in alternation.

    Each ffnn runs next to its floor, and every other run goes backwards, so
    that the two sides of a ratio are measured as close together as possible.
    Run 0 warms up (and compiles JAX's epoch) and is not kept.
    """
    cfg = WORKLOADS[key]
    n_samples = base[0].shape[0]
    datas = {name: data_for(name, *base) for name in names}
    times = {name: [] for name in names}
    accuracy = {}
    with threadpool_limits(threads):
        set_threads(threads)
        blas_threads = sorted({lib["num_threads"] for lib in threadpool_info()})
        order = sorted(names, key=RUN_ORDER.index)
        for r in range(cfg["runs"] + 1):
            for name in order if r % 2 else order[::-1]:
                run, acc = make(name, cfg, datas[name], base[2], seed=r)
                t0 = time.perf_counter()
                run()
                elapsed = time.perf_counter() - t0
                if r:
                    times[name].append(elapsed / cfg["epochs"])
                if r == cfg["runs"]:
                    accuracy[name] = acc()
            log(f"  {key} {threads} thread(s): run {r}/{cfg['runs']}" + ("" if r else " (warm-up)"))
    out = {}
    for name in names:
        s = statistics.median(times[name])
        out[name] = dict(seconds_per_epoch=s, samples_per_second=n_samples / s,
                         runs=times[name], accuracy=accuracy[name])
    return out, blas_threads


def paired_ratio(row, reference):
    """Median over the runs of the time ratio within each run (noise common to a run cancels)."""
    return statistics.median(a / b for a, b in zip(row["runs"], reference["runs"]))


def breakdown(key, base, name, epochs=2):
    """Where an epoch of ``ffnn`` goes: the median time per batch of each part, times
    the number of batches (seconds per epoch, one thread).

    Per batch, in turn: the floor's matrix products, gathering the batch's rows,
    backpropagation (which includes the same products) and the optimiser's step.
    """
    cfg = WORKLOADS[key]
    X, Y = data_for(name, *base)
    products, batches = floor_products(cfg, X, base[2], seed=0)
    run_ffnn, _ = make(name, cfg, (X, Y), base[2], seed=0)
    net, optimizer = run_ffnn.network, run_ffnn.optimizer
    gradient_of = net.fast_gradient(cfg["batch"])
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
                gradient, _ = gradient_of(Xb, Yb)
                t3 = clock()
                optimizer.update(net.parameters, gradient)
                t4 = clock()
                for part, seconds in zip(parts, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
                    parts[part].append(seconds)
    return {part: statistics.median(times) * len(batches) for part, times in parts.items()}


def pool_clash(threads=(1, 2), repeats=100):
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
    for n in threads:
        with threadpool_limits(n):
            for name, step in steps.items():
                t0 = time.perf_counter()
                for _ in range(repeats):
                    np.matmul(A, W, out=out)
                    step()
                result[f"{name}, {n} thread(s)"] = (time.perf_counter() - t0) / repeats
    return result


def child_memory(key, name):
    """In a fresh process: the rise of the resident set during one training run."""
    base = load(key)
    data = data_for(name, *base)
    cfg = dict(WORKLOADS[key], epochs=1)
    run, _ = make(name, cfg, data, base[2], seed=0)
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
    """Peak memory of every contender but the floor, each in its own process."""
    out = {}
    for name in names:
        if name.startswith("floor"):
            continue
        proc = subprocess.run([sys.executable, str(BENCH), "--memory", key, name],
                              capture_output=True, text=True, check=True)
        out[name] = json.loads(proc.stdout.strip().splitlines()[-1])
    return out
