"""Speed of ffnn against scikit-learn, PyTorch, JAX and the matrix-multiply floor.

``make bench`` runs this script: every contender trains the same network on
the same data with the same batch size, number of epochs and optimiser (SGD
with heavy-ball momentum 0.9), and the script prints a table and writes
``results/bench.json``.  The workloads are in ``benchmarks/workloads.py``,
the grid workloads (64 small networks at once: ffnn one by one, in lockstep,
JAX's vmap, scikit-learn) in ``benchmarks/grid.py``,
the contenders in ``benchmarks/contenders.py`` (JAX in
``benchmarks/jax_contender.py``), the measurements in ``benchmarks/measure.py``.

Method
  Times are wall-clock seconds per epoch: each run trains a fresh model for
  a fixed number of epochs, the contenders take turns run by run (each
  ffnn next to its floor, every other run in reverse order, so that a
  burst of load on the shared machine hits all of them), and the median of
  the runs is kept; a ratio between two contenders is the median over the
  runs of their ratio within each run.  Everything is measured with one
  BLAS/OpenMP thread (threadpoolctl, torch.set_num_threads) and again with
  two; JAX, whose XLA threads are fixed when it is imported, with one only,
  alongside the one-thread runs, its first run (which compiles the epoch)
  not kept.  On W2, an epoch of ffnn is also cut into its parts (matrix
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
from pathlib import Path  # noqa: E402

from benchmarks import estimator, grid, measure  # noqa: E402
from benchmarks.contenders import ONE_THREAD, THREADED, available, jax, torch  # noqa: E402
from benchmarks.measure import log, paired_ratio  # noqa: E402
from benchmarks.table import load_average, machine, table  # noqa: E402
from benchmarks.workloads import WORKLOADS, load  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "results" / "bench.json"
THREADS = (1, 2)


def _skipped(library, extra="pip install -e '.[bench]'"):
    return f"{library} is not installed ({extra}): its rows are skipped"


def run_workload(key, names, jax_names):
    """Timings at every thread count, JAX's with one, the breakdown and the memory."""
    cfg = WORKLOADS[key]
    log(f"{key}: {cfg['title']}")
    base = load(key)
    work = dict(title=cfg["title"], n_samples=int(base[0].shape[0]),
                n_features=int(base[0].shape[1]), config=cfg, threads={})
    for threads in THREADS:
        rows, blas_threads = measure.time_workload(
            key, threads, base, names + (jax_names if threads == 1 else []))
        for row in rows.values():
            row["vs_ffnn"] = paired_ratio(row, rows["ffnn-f64"])
        for row_name, row in rows.items():
            row["vs_floor"] = paired_ratio(row, rows[f"floor-{row_name.split('-')[1]}"])
        if threads == 1 and jax_names:
            work["jax"] = dict(threads="1", rows={n: rows.pop(n) for n in jax_names})
            work["jax"]["ffnn_over_jax"] = {
                dtype: paired_ratio(rows[f"ffnn-{dtype}"], work["jax"]["rows"][f"jax-{dtype}"])
                for dtype in ("f64", "f32")}
        work["threads"][str(threads)] = rows
        work.setdefault("blas_threads", {})[str(threads)] = blas_threads
    if key == "W2":
        log(f"  {key}: where an epoch of ffnn goes, one thread")
        work["breakdown"] = {name: measure.breakdown(key, base, name) for name in ("ffnn-f64", "ffnn-f32")}
    log(f"  {key}: peak memory, one child process per contender")
    work["memory"] = measure.measure_memory(key, names + jax_names)
    return work


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memory", nargs=2, metavar=("WORKLOAD", "CONTENDER"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--workloads", nargs="*", default=list(WORKLOADS) + list(grid.GRIDS),
                        help="W1 W2 W3 (one network) and G1 G2 (grids); default: all")
    parser.add_argument("--output", default=str(RESULTS))
    args = parser.parse_args()
    if args.memory:
        measure.child_memory(*args.memory)
        return

    names = [n for n in THREADED if available(n)]
    jax_names = [n for n in ONE_THREAD if available(n)]
    notes = [_skipped(lib) for lib, mod in (("PyTorch", torch), ("JAX", jax)) if mod is None]
    for note in notes:
        log("note: " + note)
    info = machine()
    log(f"machine: {info['cpu']}, {info['cores']} cores; BLAS: "
        + ", ".join(f"{b['library']} {b['version']} ({b['kernel']})" for b in info["blas"]))
    results = dict(machine=info, threads=list(THREADS),
                   method=__doc__.split("Method\n", 1)[1].strip(), contenders=names,
                   torch_skipped=torch is None, jax_contenders=jax_names,
                   jax_skipped=jax is None, notes=notes, load_average={"start": load_average()},
                   workloads={}, grids={})
    log("a matrix product and an update, numpy alone and with scipy's BLAS")
    results["pool_clash"] = measure.pool_clash(THREADS)
    for key in args.workloads:
        if key in grid.GRIDS:
            results["grids"][key] = grid.run_grid(key, log)
        else:
            results["workloads"][key] = run_workload(key, names, jax_names)
    results["estimator"] = estimator.compare()  # FFNNClassifier against MLPClassifier, W1
    results["load_average"]["end"] = load_average()
    print(f"BLAS: {', '.join(b['library'] + ' ' + b['version'] for b in info['blas'])}; "
          f"threads: {', '.join(map(str, THREADS))}; CPU: {info['cpu']}; load average "
          f"{results['load_average']['start'][0]:.1f} at the start, "
          f"{results['load_average']['end'][0]:.1f} at the end")
    if results["workloads"]:
        print(table(results))
    if results["grids"]:
        print(grid.grid_table(results["grids"]))
    for key, work in results["workloads"].items():
        for name, parts in work.get("breakdown", {}).items():
            print(f"{key} {name}, seconds per epoch (median batch x batches, 1 thread): "
                  + ", ".join(f"{part} {seconds:.3f}" for part, seconds in parts.items()))
    print("matrix product + update, seconds: " + ", ".join(
        f"{name} {seconds:.5f}" for name, seconds in results["pool_clash"].items()))
    print(estimator.summary(results["estimator"]))
    for note in notes:
        print("note: " + note)
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(results, indent=1) + "\n")
    log(f"wrote {args.output}")


if __name__ == "__main__":
    main()
