"""The supervisor: run a submission and its checks in a child process.

Children are forked by a ``multiprocessing`` fork server: a fresh Python,
started once by the grader, which imports only :mod:`.runner` (numpy,
autograd, matplotlib, scikit-learn, ffnn) and never runs student code.
Each child is a clean copy of it (one per submission, and one more after
every crash), so startup costs milliseconds instead of seconds.

Inside the child the runner sets the limits (CPU seconds, address space,
file size), closes stdin, captures the output with a cap and times every
cell and every check.  Here the supervisor watches the events the child
writes, with a wall clock per step as the backstop: when a step hangs (a
loop that swallows the timer's exception, a long C call) the child is
killed; when the child dies (``os._exit``, a signal, running out of memory)
the step that was running is marked, and a new child re-runs the cells,
skipping the culprit, to grade the remaining exercises.
"""

import json
import multiprocessing
import os
import signal
import tempfile
import time
from dataclasses import asdict, dataclass


@dataclass
class Limits:
    cell_timeout: float = 30.0  # seconds per cell
    check_timeout: float = 10.0  # seconds per exercise check
    memory_mb: int = 1024  # address space the submission may add
    cpu_seconds: int = 600  # CPU time of one child, a backstop
    output_cap: int = 100_000  # characters of print output kept
    file_bytes: int = 64 * 2**20  # largest file the child may write
    grace: float = 3.0  # wall-clock slack over a step's own timer
    startup_timeout: float = 120.0  # first child: the fork server imports numpy & co
    max_children: int = 12  # children per submission, crashes included


_CONTEXT = None


def _context():
    global _CONTEXT
    if _CONTEXT is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["ffnn.grading.runner"])
        _CONTEXT = context
    return _CONTEXT


def _child(job_path, events_path, output_path):
    """The child's entry point (imported lazily: the grader never loads numpy for it)."""
    from .runner import child_main

    child_main(job_path, events_path, output_path)


@dataclass
class RunOutcome:
    cell_errors: dict  # cell index -> message
    results: dict  # exercise id -> (status, reason)
    notes: list
    output_chars: int


def run_submission(cells, exercise_ids, limits=None):
    """Execute ``cells`` (a list of :class:`~.submission.Cell`) and check ``exercise_ids``."""
    limits = limits or Limits()
    cell_errors, results, notes = {}, {}, []
    skip_cells, output_chars = set(), 0
    for attempt in range(limits.max_children):
        pending = [e for e in exercise_ids if e not in results]
        job = {
            "cells": [{"label": c.label, "source": c.source} for c in cells],
            "skip_cells": sorted(skip_cells),
            "checks": pending,
            "limits": asdict(limits),
        }
        events, ending = _run_child(job, limits, first=attempt == 0)
        running = None
        for event in events:
            kind = event["event"]
            if kind in ("cell_start", "check_start"):
                running = event
            elif kind == "cell_end":
                running = None
                if event["error"]:
                    cell_errors.setdefault(event["index"], event["error"])
                    if event["error"].startswith("timeout") or event["fatal"]:
                        skip_cells.add(event["index"])
            elif kind == "check_end":
                running = None
                results[event["id"]] = (event["status"], event["reason"])
            elif kind == "note" and event["text"] not in notes:
                notes.append(event["text"])
            elif kind == "done":
                output_chars = max(output_chars, event["output_chars"])
        if ending == "done":
            break
        if running is None:
            if not events:
                notes.append(f"the grading process {ending} before running anything")
                break
            continue  # died between steps: try again
        if running["event"] == "cell_start":
            index = running["index"]
            cell_errors.setdefault(index, ending)
            skip_cells.add(index)
        else:
            status = "timeout" if ending.startswith("timeout") else "error"
            results[running["id"]] = (status, f"{ending} while checking this exercise")
    for exercise in exercise_ids:
        results.setdefault(exercise, ("error", "the grader could not finish: the submission kept "
                                      "ending the grading process"))
    if output_chars > limits.output_cap:
        notes.append(f"the submission printed {output_chars} characters; "
                     f"the first {limits.output_cap} were kept")
    return RunOutcome(cell_errors, results, notes, output_chars)


def _describe_exit(code):
    if code is None:
        return "the process did not finish"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        if name == "SIGXCPU":
            return "the process ran out of CPU time"
        return f"the process was killed by {name}"
    return f"the process ended with exit code {code} (os._exit, exit or a crash)"


def _run_child(job, limits, first):
    """Run one child; return its events and how it ended ("done", or why not)."""
    with tempfile.TemporaryDirectory(prefix="ffnn-grade-") as tmp:
        job_path = os.path.join(tmp, "job.json")
        events_path = os.path.join(tmp, "events.jsonl")
        output_path = os.path.join(tmp, "output.txt")
        with open(job_path, "w") as handle:
            json.dump(job, handle)
        open(events_path, "w").close()
        process = _context().Process(target=_child, args=(job_path, events_path, output_path),
                                     daemon=True)
        process.start()
        events, buffer, offset = [], "", 0
        running, since = None, time.monotonic()
        idle_limit = limits.startup_timeout if first else limits.startup_timeout / 4
        ending = None
        with open(events_path) as reader:
            while True:
                alive = process.is_alive()
                reader.seek(offset)
                chunk = reader.read()
                offset += len(chunk.encode())
                buffer += chunk
                *lines, buffer = buffer.split("\n")
                for line in lines:
                    try:
                        event = json.loads(line)
                    except ValueError:
                        continue
                    events.append(event)
                    since = time.monotonic()
                    kind = event["event"]
                    running = event if kind in ("cell_start", "check_start") else None
                    if kind == "done":
                        ending = "done"
                    idle_limit = limits.cell_timeout + limits.grace
                if not alive or ending == "done":
                    break
                if running is not None:
                    step = limits.cell_timeout if running["event"] == "cell_start" else limits.check_timeout
                    if time.monotonic() - since > step + limits.grace:
                        ending = f"timeout: took longer than {step:g} s (stopped by the grader)"
                        break
                elif time.monotonic() - since > idle_limit:
                    ending = "timeout: the grading process stopped responding"
                    break
                process.join(0.02)
        if ending == "done":
            process.join(2)
        if process.is_alive():
            process.kill()
        process.join(5)
        if ending is None:
            ending = _describe_exit(process.exitcode)
        return events, ending
