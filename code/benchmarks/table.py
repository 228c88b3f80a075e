"""The machine's description and the table that ``make bench`` prints."""

import os
import platform

import numpy as np
from threadpoolctl import threadpool_info

from .contenders import jax, torch


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
                jax=None if jax is None else jax.__version__,
                sklearn=__import__("sklearn").__version__, blas=blas)


def load_average():
    """The 1, 5 and 15 minute load averages (how busy the shared machine was)."""
    return list(os.getloadavg())


def _rows(work):
    """``(threads, name, row)`` of the table: the threaded rows, then JAX's (one thread)."""
    for threads, rows in work["threads"].items():
        for name, row in rows.items():
            yield threads, name, row
    for name, row in work.get("jax", {}).get("rows", {}).items():
        yield "1", name, row


def table(results):
    lines = []
    head = (f"{'work':4} {'thr':>3} {'contender':11} {'s/epoch':>10} {'samples/s':>11} "
            f"{'x ffnn':>7} {'x floor':>8} {'peak MB':>8} {'+data':>7} {'accuracy':>8}")
    lines.append(head)
    lines.append("-" * len(head))
    for key, work in results["workloads"].items():
        for threads, name, row in _rows(work):
            mem = work["memory"].get(name)
            mb = f"{mem['peak_bytes'] / 2**20:8.1f}" if mem else f"{'':8}"
            frac = f"{100 * mem['peak_bytes'] / mem['data_bytes']:6.1f}%" if mem else f"{'':7}"
            acc = "" if np.isnan(row["accuracy"]) else f"{row['accuracy']:.3f}"
            lines.append(
                f"{key:4} {threads:>3} {name:11} {row['seconds_per_epoch']:10.5f} "
                f"{row['samples_per_second']:11.0f} {row['vs_ffnn']:7.2f} "
                f"{row['vs_floor']:8.2f} {mb} {frac} {acc:>8}"
            )
        ratios = work.get("jax", {}).get("ffnn_over_jax")
        if ratios:
            lines.append(f"{key:4}   1 ffnn / jax: " + ", ".join(
                f"{dtype} {ratio:.2f}" for dtype, ratio in ratios.items()))
    return "\n".join(lines)
