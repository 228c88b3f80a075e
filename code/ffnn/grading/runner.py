"""What runs inside the child process: the submission, then the checks.

The supervisor (:mod:`.sandbox`) starts :func:`child_main` in a forked copy
of a fresh Python that has imported only this module (numpy, autograd,
matplotlib, scikit-learn, ffnn).  The child

1. sets its limits (CPU seconds, address space, file size), closes stdin
   and sends its output to a file, keeping at most ``output_cap`` bytes;
2. executes the cells one by one, each under its own timer; a cell that
   raises is reported and the next cell runs;
3. after every cell copies the exercise variables (``W1``, ``a1``,
   ``layers``...) into a snapshot, and remembers every function bound to an
   exercise name (``cost`` may be defined twice with different signatures);
4. runs each check under its own timer.

Progress is one JSON line per event in the events file, flushed at once, so
the supervisor knows which step was running when the child died or hung.
"""

import os

# Before numpy: one BLAS thread, plots off-screen.
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"
os.environ["MPLBACKEND"] = "Agg"

import builtins  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
import warnings  # noqa: E402

import autograd  # noqa: E402, F401
import autograd.numpy  # noqa: E402, F401
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import sklearn.datasets  # noqa: E402, F401
import sklearn.metrics  # noqa: E402, F401

import ffnn  # noqa: E402, F401

from . import checks  # noqa: E402
from .checks import FUNCTION_NAMES, VARIABLE_NAMES, Context, StepTimeout  # noqa: E402


class CappedWriter(io.TextIOBase):
    """A text stream that keeps the first ``cap`` characters and counts the rest."""

    def __init__(self, cap):
        self.cap, self.kept, self.total = cap, [], 0

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        room = self.cap - self.total
        if room > 0:
            self.kept.append(text[:room])
        self.total += len(text)
        return len(text)

    def isatty(self):
        return False


def _alarm(seconds):
    def handler(signum, frame):
        raise StepTimeout(f"took longer than {seconds:g} s")

    signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)


def _disarm():
    signal.setitimer(signal.ITIMER_REAL, 0)


def _vm_bytes():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _set_limits(limits):
    def lower(kind, value):
        soft, hard = resource.getrlimit(kind)
        value = int(value)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(kind, (value, hard))

    lower(resource.RLIMIT_CPU, limits["cpu_seconds"])
    lower(resource.RLIMIT_AS, _vm_bytes() + limits["memory_mb"] * 2**20)
    lower(resource.RLIMIT_FSIZE, limits["file_bytes"])
    lower(resource.RLIMIT_CORE, 0)
    # Past the file-size cap a write fails (OSError) instead of killing us.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def _one_line(error):
    text = f"{type(error).__name__}: {error}".strip().splitlines()
    line = text[0] if text else type(error).__name__
    return line if len(line) <= 200 else line[:197] + "..."


def _where(error, filename):
    """The line of the submission where ``error`` was raised, if any."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename == filename:
            return f" (line {frame.lineno})"
    return ""


def child_main(job_path, events_path, output_path):
    with open(job_path) as handle:
        job = json.load(handle)
    events = open(events_path, "a", buffering=1)

    def emit(**event):
        events.write(json.dumps(event) + "\n")
        events.flush()

    # stdin closed, stdout/stderr to a file (and into a capped buffer above).
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    out = os.open(output_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(out, 1)
    os.dup2(out, 2)
    sys.stdin = open(os.devnull)
    writer = CappedWriter(job["limits"]["output_cap"])
    sys.stdout = sys.stderr = writer
    _set_limits(job["limits"])
    warnings.simplefilter("ignore")
    np.seterr(all="ignore")
    plt.show = lambda *args, **kwargs: None
    plt.ion = plt.ioff = plt.pause = plt.show

    namespace = {"__name__": "__main__", "__builtins__": builtins, "display": print}
    history = {}  # name -> list of distinct callables, oldest first
    states = []  # one snapshot of the exercise variables per cell
    skip = set(job["skip_cells"])
    for index, cell in enumerate(job["cells"]):
        if index in skip:
            continue
        emit(event="cell_start", index=index)
        filename = f"<{cell['label']}>"
        error, fatal = None, False
        try:
            code = compile(cell["source"], filename, "exec")
            _alarm(job["limits"]["cell_timeout"])
            try:
                exec(code, namespace)
            finally:
                _disarm()
        except StepTimeout as exc:
            error = f"timeout: {exc}"
        except MemoryError as exc:
            error, fatal = f"MemoryError{_where(exc, filename)}: ran out of memory", True
        except SyntaxError as exc:
            error = f"SyntaxError (line {exc.lineno}): {exc.msg}"
        except BaseException as exc:  # noqa: BLE001 - SystemExit too: it is the student's
            error = _one_line(exc) + _where(exc, filename)
        try:
            plt.close("all")
        except BaseException:  # noqa: BLE001
            pass
        emit(event="cell_end", index=index, error=error, fatal=fatal)
        if fatal:
            events.close()
            os._exit(3)
        try:
            _alarm(job["limits"]["cell_timeout"])
            try:
                _record(namespace, history, states, index)
            finally:
                _disarm()
        except BaseException as exc:  # noqa: BLE001
            emit(event="note", text=f"{cell['label']}: could not copy the variables ({_one_line(exc)})")

    ctx = Context(namespace, history, states)
    for exercise in job["checks"]:
        emit(event="check_start", id=exercise)
        started = time.monotonic()
        fatal = False
        try:
            _alarm(job["limits"]["check_timeout"])
            try:
                status, reason = checks.run_check(exercise, ctx)
            finally:
                _disarm()
        except StepTimeout as exc:
            status, reason = "timeout", f"timeout: {exc}; is there an endless loop?"
        except MemoryError:
            status, reason, fatal = "error", "ran out of memory during the check", True
        except BaseException as exc:  # noqa: BLE001
            status, reason = "error", f"the check could not run: {_one_line(exc)}"
        emit(event="check_end", id=exercise, status=status, reason=reason,
             seconds=round(time.monotonic() - started, 3))
        if fatal:
            events.close()
            os._exit(3)
    emit(event="done", output_chars=writer.total)
    events.close()
    os._exit(0)


def _copy(value, depth=0):
    """A private copy of an exercise variable, or None to leave it out."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "biuf" and value.size <= 10**5:
            return np.array(value, dtype=float, copy=True)
        return None
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, (list, tuple)) and depth < 3 and len(value) <= 64:
        items = [_copy(item, depth + 1) for item in value]
        if any(item is None for item in items):
            return None
        return type(value)(items) if isinstance(value, tuple) else items
    return None


def _record(namespace, history, states, index):
    for name in FUNCTION_NAMES:
        value = namespace.get(name)
        if callable(value):
            versions = history.setdefault(name, [])
            if not versions or versions[-1] is not value:
                versions.append(value)
    state = {}
    for name in VARIABLE_NAMES:
        if name in namespace:
            copied = _copy(namespace[name])
            if copied is not None:
                state[name] = copied
    state["__cell__"] = index
    states.append(state)
