"""The supervisor: one sandbox per submission, every reply validated, deadlines it cannot move.

:class:`Session` is one running sandbox (:mod:`.sandbox` starts it, the
agent of :mod:`..sandboxed.agent` answers inside).  A step's limit is CPU time: the
agent runs each cell, and each check's calls together, under a timer on its
own CPU seconds, so a busy machine slows a step without ending it.  Each
request also waits for its reply only until a wall-clock guard (the limit
times ``Limits.wall_factor``, plus ``grace``) or the submission's absolute
deadline, whichever comes first; nothing the sandbox sends extends either,
and a guard that fires reports the very words of the CPU timer, so the
marks' JSON does not depend on which one ended the step.  A reply that is
not exactly the expected message (the fields by :mod:`.replies`, the
values by :func:`..sandboxed.protocol.decode`) ends the submission as "error"; a
sandbox that dies or overruns is killed (its namespace with it) and
:class:`~.student.SandboxLost` is raised.  :func:`.runner.run_submission`
then restarts it, skipping the cell that killed it, to grade the remaining
exercises.
"""

import signal
import time
from pathlib import Path

from ..sandboxed import builtins as reference
from .outcomes import StudentRaised
from ..sandboxed.protocol import Channel, ProtocolError, decode, dumps, encode
from .replies import fields, function_record, text
from .student import Remote, SandboxLost, encode_argument, write_back

REFERENCE_SOURCE = Path(reference.__file__).read_text()  # sent with the calls that need it
MAX_FUNCTIONS = 2000  # functions and classes recorded per submission
MAX_RECORD_BYTES = 8 * 2**20  # and their descriptions (source, names, signature), in wire bytes
MAX_STATE_BYTES = 128 * 2**20  # exercise variables copied out per submission, in wire bytes
MAX_STATE_VALUES = 2 * 10**6  # and in decoded values (an array is one)


class Malformed(SandboxLost):
    """The sandbox sent something that is not the expected message."""

    def __init__(self, reason):
        super().__init__(f"the grading process sent a malformed message ({reason})", "error")


class Session:
    """One sandbox: start it, send requests, validate replies, kill it."""

    def __init__(self, launcher, limits, deadline, names, path):
        self.limits, self.deadline, self.names = limits, deadline, names
        self.lost, self.records, self.referenced, self.state_bytes = None, 0, False, 0
        self.record_bytes = 0
        self.state_values = [MAX_STATE_VALUES]  # values of them it may still keep
        self.begin_check()
        try:
            self.child = launcher.spawn()
        except OSError as error:
            raise SandboxLost(f"the sandbox could not start ({error})") from None
        self.channel = Channel(self.child.fd, self.child.fd)
        start = {"op": "start", "functions": list(names[0]), "variables": list(names[1]),
                 "limits": {"cpu_seconds": limits.cpu_seconds, "memory_mb": limits.memory_mb,
                            "file_bytes": limits.file_bytes, "processes": limits.processes,
                            "open_files": limits.open_files,
                            "max_handles": limits.max_handles}}
        if self.request(start, limits.startup_timeout, "starting the sandbox") != {"ok": "ready"}:
            self._lose(Malformed("not the expected greeting"))

    def begin_check(self):
        """A check starts: its calls share ``check_timeout`` CPU seconds (and a wall guard)."""
        self.cpu_left = self.limits.check_timeout
        self.call_deadline = time.monotonic() + self.guard(self.limits.check_timeout)

    def guard(self, seconds):
        """The wall-clock time a step of ``seconds`` CPU seconds may take: starved or blocked."""
        return seconds * self.limits.wall_factor + self.limits.grace

    # -- transport --------------------------------------------------------
    def request(self, message, timeout, doing, said=None):
        """Send ``message``; its reply within ``timeout`` wall-clock seconds, or the session is
        lost as a timeout that says ``said`` (default: how long it waited)."""
        if self.lost:
            raise SandboxLost(self.lost.reason, self.lost.status)
        until = min(time.monotonic() + timeout, self.deadline)
        try:
            self.channel.send(message, deadline=until)
            reply = self.channel.receive(until)
            if type(reply.get("ok")) is not str:
                raise ProtocolError("a reply without its kind")
            return reply
        except TimeoutError:
            if until >= self.deadline:
                self._lose(SandboxLost(f"the submission's time limit of {self.limits.submission_timeout:g} s "
                                       f"ran out while {doing}", "timeout"))
            self._lose(SandboxLost(said or f"timeout: took longer than {timeout:g} s", "timeout"))
        except ProtocolError as error:
            self._lose(Malformed(str(error)[:200]))
        except (EOFError, OSError):
            self._lose(SandboxLost(_describe_exit(*self.child.kill(ended=True))))

    def _lose(self, lost):
        self.kill()
        self.lost = lost
        raise lost

    def kill(self):
        """End the submission's processes (its pid namespace dies with its process 1)."""
        self.child.kill()

    def close(self):
        self.kill()

    # -- values ---------------------------------------------------------------
    def decode(self, value, count=None):
        def tagged(obj):
            if obj["$"] == "builtin":
                if set(obj) != {"$", "name"} or obj["name"] not in reference.NAMES:
                    raise ProtocolError("an unknown reference function")
                return getattr(reference, obj["name"])
            if set(obj) != {"$", "id", "type", "callable"} or type(obj["id"]) is not int \
                    or not 0 < obj["id"] <= self.limits.max_handles or type(obj["callable"]) is not bool:
                raise ProtocolError("an invalid handle")
            return Remote(self, obj["id"], {"type": text(obj["type"], 100, "a type name")})
        return decode(value, tagged, count=count)

    def _encode(self, value, used):
        def other(obj):
            tagged = encode_argument(obj, self)
            used.append(tagged["$"] == "builtin")
            return tagged
        return encode(value, other)

    # -- requests ---------------------------------------------------------------
    def cell(self, index, cell, timeout):
        said = f"timeout: took longer than {timeout:g} s"  # by the CPU timer or the guard alike
        reply = self.request({"op": "cell", "index": index, "label": cell.label, "source": cell.source,
                              "section": getattr(cell, "section", None), "timeout": timeout},
                             self.guard(timeout), f"running {cell.label}", said)
        try:
            kind = reply["ok"]
            if kind == "timeout":
                text(fields(reply, "message")[0], 200)
                return said, [], {}
            got, error, functions, state = fields(reply, "index", "error", "functions", "state")
            if got != index or (error is not None and type(error) is not str):
                raise ProtocolError("a cell reply for another cell")
            if type(functions) is not list or type(state) is not dict:
                raise ProtocolError("a cell reply without its lists")
            self.records += len(functions)
            self.record_bytes += len(dumps(functions)) if functions else 0
            if self.records > MAX_FUNCTIONS or self.record_bytes > MAX_RECORD_BYTES:
                raise ProtocolError(f"more than {MAX_FUNCTIONS} functions or {MAX_RECORD_BYTES} "
                                    "bytes of their descriptions")
            records = [function_record(r, index, self.limits.max_handles, self.decode) for r in functions]
            values = {}
            self.state_bytes += self.channel.last_size
            for name, value in state.items():
                if name not in self.names[1]:
                    raise ProtocolError(f"an unknown variable {name[:40]!r}")
                # past the budget the grader keeps no more copies: the variables count as absent
                kept = self.state_bytes <= MAX_STATE_BYTES
                values[name] = self.decode(value, self.state_values) if kept else None
            return (error[:300] if error else None), records, values
        except ProtocolError as problem:
            self._lose(Malformed(str(problem)[:200]))

    def end(self):
        reply = self.request({"op": "end"}, self.guard(self.limits.cell_timeout), "finishing the cells")
        try:
            (chars,) = fields(reply, "output_chars")
            if type(chars) is not int or chars < 0:
                raise ProtocolError("an invalid output count")
            return chars
        except ProtocolError as problem:
            self._lose(Malformed(str(problem)[:200]))

    def call(self, target, args, kwargs, op="call", name=None):
        timeout = max(self.cpu_left, 0.001)  # CPU seconds the check has left
        said = (f"timeout: the check took longer than {self.limits.check_timeout:g} s; "
                "is there an endless loop?")  # by the CPU timer or the guard alike
        used = []
        message = {"op": op, "target": target, "args": [self._encode(a, used) for a in args],
                   "kwargs": {str(k): self._encode(v, used) for k, v in kwargs.items()},
                   "timeout": timeout, "name": name,
                   "reference": REFERENCE_SOURCE if any(used) and not self.referenced else None}
        self.referenced = self.referenced or any(used)
        wall = max(self.call_deadline - time.monotonic(), 0.001)
        reply = self.request(message, wall, "checking this exercise", said)
        try:
            kind = reply["ok"]
            if kind == "timeout":
                text(fields(reply, "message")[0], 200)
                raise SandboxLost(said, "timeout")
            cpu = reply.pop("cpu", None)
            if type(cpu) not in (int, float) or not 0 <= cpu < 1e9:
                raise ProtocolError("a reply without the CPU time it took")
            self.cpu_left -= cpu
            if kind == "value":
                value, changed = fields(reply, "value", "changed")
                if type(changed) is not dict:
                    raise ProtocolError("an invalid list of changed arguments")
                result = self.decode(value)
                for key, new in changed.items():
                    index = key.isascii() and key.isdigit() and int(key) < len(args)
                    original = args[int(key)] if index else kwargs.get(key)
                    if original is None and key not in kwargs:
                        raise ProtocolError("a changed argument that was not passed")
                    write_back(original, self.decode(new))
                return result
            if kind == "raised":
                type_name, message = fields(reply, "type", "message")
                raise StudentRaised(text(type_name, 100), text(message, 2000))
            raise ProtocolError(f"an unknown reply {kind[:40]!r}")
        except ProtocolError as problem:
            self._lose(Malformed(str(problem)[:200]))

    def end_check(self):
        """The check is over: the reference functions it passed stop working in the sandbox."""
        if self.referenced:
            if self.request({"op": "forget"}, self.guard(1), "ending a check") != {"ok": "forgot"}:
                self._lose(Malformed("not the expected acknowledgement"))
            self.referenced = False

    def attribute(self, target, name):
        return self.call(target, (), {}, op="attr", name=name)


def _describe_exit(signal_number, code):
    if signal_number is None and code is not None and code > 128:
        signal_number, code = code - 128, None  # the submission's process 1 was killed
    if signal_number is not None:
        try:
            name = signal.Signals(signal_number).name
        except ValueError:
            name = f"signal {signal_number}"
        if name == "SIGXCPU":
            return "the process ran out of CPU time"
        return f"the process was killed by {name}"
    if code is None:
        return "the grading process stopped answering"
    return f"the process ended with exit code {code} (os._exit, exit, a crash or running out of memory)"
