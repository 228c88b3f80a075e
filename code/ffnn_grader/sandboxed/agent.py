"""What runs inside the sandbox: the student's cells, and calls the grader asks for.

Forked by the zygote (:mod:`.zygote`) with one socket to the grader.  It
points descriptors 0, 1 and 2 at ``/dev/null``, closes every other one (the student's ``print`` goes to a
counting buffer), lowers its limits (soft = hard) and then answers one
request at a time (the formats are in :mod:`.protocol`, the requests in
:mod:`ffnn_grader.trusted.supervisor`):

* ``cell``: execute one cell (numpy and random seeded, under a timer) and
  reply with its error, the functions and classes it bound, and the
  exercise variables that changed;
* ``end``: every cell ran: bind each function to the globals as they stood
  at the end of its section;
* ``call`` / ``attr``: call a recorded object (or read an attribute) with
  the arguments sent, and reply with plain data, handles for the rest, the
  arguments the call modified in place, and the CPU seconds it used.

Every step runs under a timer on the process's CPU time (:mod:`.cpu_timer`).

Nothing here decides a mark: the grader holds the checks and the expected
values, and validates every reply.  This file and its neighbours here (all
but ``builtins.py``, whose text travels with a check's call) are bound
into the sandbox as standalone files, loaded by :func:`load`; the sandbox
has no ``ffnn``.
"""

import os
import sys

os.environ.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
                  MPLBACKEND="Agg")
sys.path += [p for p in sys.argv[1:] if p.startswith("/")]  # the site-packages directories

import builtins  # noqa: E402
import importlib.util  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402
import types  # noqa: E402
import warnings  # noqa: E402

import autograd.numpy  # noqa: E402, F401 - imported before any student code
import numpy as np  # noqa: E402


def load(name):
    spec = importlib.util.spec_from_file_location(
        f"_grader_{name}", os.path.join(os.path.dirname(os.path.abspath(__file__)), f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


protocol = load("protocol")
recording, limits, handles = load("recording"), load("limits"), load("handles")
timer, errors = load("cpu_timer"), load("error_text")
SEED = 0  # numpy.random and random are seeded with it before every cell and every call


class CountingWriter(io.TextIOBase):
    """Where the student's print goes: counted, never kept."""

    def __init__(self):
        self.total = 0

    def writable(self):
        return True

    def write(self, text):
        self.total += len(str(text))
        return len(str(text))


class Agent:
    def __init__(self, channel, start):
        self.channel, self.functions, self.variables = channel, start["functions"], start["variables"]
        self.namespace = {"__name__": "__main__", "__builtins__": builtins, "display": print}
        self.values = handles.Handles(protocol, start["limits"]["max_handles"])
        self.recorded = {}  # name -> the object last recorded under it
        self.sent = {}  # variable -> the JSON last sent for it
        self.run = []  # (handle id, function) recorded in the current section
        self.section = None
        self.output = CountingWriter()

    # -- cells ----------------------------------------------------------
    def cell(self, request):
        if request["section"] != self.section:
            self.end_section()
            self.section = request["section"]
        filename = f"<{request['label']}>"
        error = None
        np.random.seed(SEED)
        random.seed(SEED)
        try:
            code = compile(request["source"], filename, "exec")
            timer.alarm(request["timeout"])
            try:
                exec(code, self.namespace)
            finally:
                timer.stop_alarm()
        except timer.StepTimeout as exc:
            error = f"timeout: {exc}"
        except MemoryError as exc:
            error = f"MemoryError: ran out of memory{errors.one_line(exc, filename)[11:]}"
        except SyntaxError as exc:
            error = f"SyntaxError (line {exc.lineno}): {exc.msg}"
        except BaseException as exc:  # noqa: BLE001 - SystemExit too: it is the student's
            error = errors.one_line(exc, filename)
        if "matplotlib.pyplot" in sys.modules:
            try:
                sys.modules["matplotlib.pyplot"].close("all")
            except BaseException:  # noqa: BLE001
                pass
        try:
            functions = self.record(request["index"], request["source"])
        except BaseException:  # noqa: BLE001 - an object that breaks inspection: none recorded
            functions = []
        state, budget = {}, protocol.MAX_MESSAGE // 2
        for name in self.variables:
            try:
                value = recording.snapshot_value(self.namespace.get(name))
                encoded = self.values.encode(value) if value is not None else None
                text = json.dumps(encoded, separators=(",", ":"))
            except BaseException:  # noqa: BLE001 - a value that cannot be copied out: not there
                encoded, text = None, "null"
            if len(text) > budget:  # too large to copy out: as if it were not there
                encoded, text = None, "null"
            budget -= len(text)
            if self.sent.get(name) != text:
                self.sent[name] = text
                state[name] = encoded
        return {"ok": "cell", "index": request["index"], "error": error, "functions": functions,
                "state": state}

    def record(self, index, source):
        records = []
        for name, value in list(self.namespace.items()):
            if name.startswith("__") or not callable(value) or self.recorded.get(name) is value \
                    or self.values.is_reference(value):
                continue
            mine = isinstance(value, types.FunctionType) and value.__globals__ is self.namespace
            mine = mine or isinstance(value, type) and value.__module__ == "__main__"
            if not (mine or name in self.functions):
                continue
            self.recorded[name] = value
            number = self.values.handle(value)
            if isinstance(value, types.FunctionType) and value.__globals__ is self.namespace:
                self.run.append((number, value))
            records.append({"id": number, "name": name, "cell": index,
                            "kind": "class" if isinstance(value, type) else "function",
                            "signature": recording.parameters(value, self.values.encode_small),
                            "source": recording.source_of(value, source, protocol.MAX_STRING),
                            "names": recording.global_names(value)})
        return records

    def end_section(self):
        """Bind the section's functions to the globals as they stand now."""
        if self.run:
            for number, copy in recording.bind_to_section_end(self.namespace, self.run).items():
                self.values.objects[number] = copy
            self.run = []

    # -- calls ----------------------------------------------------------
    def call(self, request):
        target = self.values.objects[request["target"]]
        args = [self.values.decode(a) for a in request["args"]]
        kwargs = {k: self.values.decode(v) for k, v in request["kwargs"].items()}
        np.random.seed(SEED)
        random.seed(SEED)
        timer.alarm(request["timeout"])
        try:
            if request["op"] == "attr":
                result = getattr(target, request["name"])
            else:
                result = target(*args, **kwargs)
        finally:
            timer.stop_alarm()
        changed = {}
        for key, value in [*enumerate(args), *kwargs.items()]:
            before = request["args"][key] if isinstance(key, int) else request["kwargs"][key]
            after = self.values.encode(value)
            if json.dumps(after, separators=(",", ":")) != json.dumps(before, separators=(",", ":")):
                changed[str(key)] = after
        return {"ok": "value", "value": self.values.encode(result), "changed": changed}

    def with_references(self, request):
        """Answer a call, with the reference functions the check's first call brought along."""
        if request.get("reference"):
            self.values.arm(request["reference"])
        return self.call(request)

    def serve(self):
        while True:
            try:
                request = self.channel.receive()
            except EOFError:
                os._exit(0)
            op = request.get("op")
            started = time.process_time()
            try:
                if op == "cell":
                    reply = self.cell(request)
                elif op == "end":
                    self.end_section()
                    reply = {"ok": "end", "output_chars": self.output.total}
                elif op == "forget":
                    self.values.forget()
                    reply = {"ok": "forgot"}
                else:
                    reply = self.with_references(request)
            except timer.StepTimeout as exc:
                reply = {"ok": "timeout", "message": str(exc)}
            except BaseException as exc:  # noqa: BLE001 - the student's, reported as such
                reply = {"ok": "raised", "type": errors.type_name(exc),
                         "message": errors.message(exc)}
            if op in ("call", "attr") and reply["ok"] != "timeout":
                # CPU seconds of every thread: a check's time budget is counted in these
                reply["cpu"] = round(max(time.process_time() - started, 0.0), 6)
            data = protocol.dumps(reply)
            if len(data) > protocol.MAX_MESSAGE:
                data = protocol.dumps({"ok": "raised", "type": "ValueError", "message":
                                       f"the value is too large to send to the grader ({len(data)} bytes)",
                                       **({"cpu": reply["cpu"]} if "cpu" in reply else {})})
            self.channel.send(None, data)


def main(fd=None, confine=None):
    """Serve requests on ``fd`` (default: stdin and stdout); ``confine()`` drops privileges."""
    read_fd, write_fd = (os.dup(0), os.dup(1)) if fd is None else (fd, fd)
    null = os.open(os.devnull, os.O_RDWR)
    for target in (0, 1, 2):
        os.dup2(null, target)
    keep = sorted({0, 1, 2, read_fd, write_fd})
    for low, high in zip(keep, keep[1:] + [2**16]):
        os.closerange(low + 1, high)  # nothing of the zygote's stays open
    channel = protocol.Channel(read_fd, write_fd)
    start = channel.receive()
    agent = Agent(channel, start)
    sys.stdin = open(os.devnull)
    sys.stdout = sys.stderr = agent.output
    warnings.simplefilter("ignore")
    np.seterr(all="ignore")
    limits.lower(start["limits"])
    if confine is not None:
        confine()
    channel.send({"ok": "ready"})
    agent.serve()
    os._exit(0)


if __name__ == "__main__":
    main()
