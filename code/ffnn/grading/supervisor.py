"""The supervisor: one sandbox per submission, every reply validated, deadlines it cannot move.

:class:`Session` is one running sandbox (:mod:`.sandbox` starts it, the
agent of :mod:`.agent` answers inside).  Each request waits for its reply
until the step's own deadline or the submission's absolute deadline,
whichever comes first; nothing the sandbox sends extends either.  A reply
that is not exactly the expected message (:func:`_check_reply`, the
values by :func:`.protocol.decode`) ends the submission as "error"; a
sandbox that dies or overruns is killed (its namespace with it) and
:class:`~.student.SandboxLost` is raised.  :func:`run_submission` (in
:mod:`.grader`'s use) then restarts it, skipping the cell that killed it, to
grade the remaining exercises.
"""

import signal
import time
from pathlib import Path

from . import builtins as reference
from .outcomes import StudentRaised
from .protocol import MAX_STRING, Channel, ProtocolError, decode, encode
from .student import Remote, SandboxLost, encode_argument, write_back

REFERENCE_SOURCE = Path(reference.__file__).read_text()  # sent with the calls that need it
MAX_FUNCTIONS = 2000  # functions and classes recorded per submission
KINDS = range(5)  # inspect.Parameter kinds


class Malformed(SandboxLost):
    """The sandbox sent something that is not the expected message."""

    def __init__(self, reason):
        super().__init__(f"the grading process sent a malformed message ({reason})", "error")


def _fields(message, *names):
    if set(message) != {"ok", *names}:
        raise ProtocolError(f"a {message.get('ok')!r} reply with the fields {sorted(message)}"[:200])
    return [message[n] for n in names]


def _text(value, limit=MAX_STRING, what="text"):
    if type(value) is not str or len(value) > limit:
        raise ProtocolError(f"{what}: expected a string of at most {limit} characters")
    return value


def _name(value):
    if type(value) is not str or not value.isidentifier() or len(value) > 100:
        raise ProtocolError("expected an identifier")
    return value


class Session:
    """One sandbox: start it, send requests, validate replies, kill it."""

    def __init__(self, launcher, limits, deadline, names, path):
        self.limits, self.deadline, self.names = limits, deadline, names
        self.lost, self.records, self.referenced = None, 0, False
        self.call_deadline = time.monotonic() + limits.check_timeout
        try:
            self.child = launcher.spawn()
        except OSError as error:
            raise SandboxLost(f"the sandbox could not start ({error})") from None
        self.channel = Channel(self.child.fd, self.child.fd)
        start = {"op": "start", "functions": list(names[0]), "variables": list(names[1]),
                 "limits": {"cpu_seconds": limits.cpu_seconds, "memory_mb": limits.memory_mb,
                            "file_bytes": limits.file_bytes, "processes": limits.processes,
                            "max_handles": limits.max_handles}}
        if self.request(start, limits.startup_timeout, "starting the sandbox") != {"ok": "ready"}:
            self._lose(Malformed("not the expected greeting"))

    # -- transport --------------------------------------------------------
    def request(self, message, timeout, doing, shown=None):
        """Send ``message``; its reply within ``timeout`` s (a timeout says ``shown`` s)."""
        if self.lost:
            raise SandboxLost(self.lost.reason, self.lost.status)
        until = min(time.monotonic() + timeout, self.deadline)
        try:
            self.channel.send(message)
            reply = self.channel.receive(until)
            if type(reply.get("ok")) is not str:
                raise ProtocolError("a reply without its kind")
            return reply
        except TimeoutError:
            if until >= self.deadline:
                self._lose(SandboxLost(f"the submission's time limit of {self.limits.submission_timeout:g} s "
                                       f"ran out while {doing}", "timeout"))
            self._lose(SandboxLost(f"timeout: took longer than {shown or timeout:g} s (stopped by the "
                                   "grader)", "timeout"))
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
    def decode(self, value):
        def tagged(obj):
            if obj["$"] == "builtin":
                if set(obj) != {"$", "name"} or obj["name"] not in reference.NAMES:
                    raise ProtocolError("an unknown reference function")
                return getattr(reference, obj["name"])
            if set(obj) != {"$", "id", "type", "callable"} or type(obj["id"]) is not int \
                    or not 0 < obj["id"] <= self.limits.max_handles or type(obj["callable"]) is not bool:
                raise ProtocolError("an invalid handle")
            return Remote(self, obj["id"], {"type": _text(obj["type"], 100, "a type name")})
        return decode(value, tagged)

    def _encode(self, value, used):
        def other(obj):
            tagged = encode_argument(obj, self)
            used.append(tagged["$"] == "builtin")
            return tagged
        return encode(value, other)

    # -- requests ---------------------------------------------------------------
    def cell(self, index, cell, timeout):
        reply = self.request({"op": "cell", "index": index, "label": cell.label, "source": cell.source,
                              "section": getattr(cell, "section", None), "timeout": timeout},
                             timeout + self.limits.grace, f"running {cell.label}", timeout)
        try:
            kind = reply["ok"]
            if kind == "timeout":
                _text(_fields(reply, "message")[0], 200)
                return f"timeout: took longer than {timeout:g} s", [], {}
            got, error, functions, state = _fields(reply, "index", "error", "functions", "state")
            if got != index or (error is not None and type(error) is not str):
                raise ProtocolError("a cell reply for another cell")
            if type(functions) is not list or type(state) is not dict:
                raise ProtocolError("a cell reply without its lists")
            records = [self._record(r, index) for r in functions]
            values = {}
            for name, value in state.items():
                if name not in self.names[1]:
                    raise ProtocolError(f"an unknown variable {name[:40]!r}")
                values[name] = self.decode(value)
            return (error[:300] if error else None), records, values
        except ProtocolError as problem:
            self._lose(Malformed(str(problem)[:200]))

    def _record(self, record, index):
        if type(record) is not dict or set(record) != {"id", "name", "cell", "kind", "signature",
                                                         "source", "names"}:
            raise ProtocolError("an invalid function record")
        number = record["id"]
        if type(number) is not int or not 0 < number <= self.limits.max_handles:
            raise ProtocolError("a function record with an invalid handle")
        self.records += 1
        if self.records > MAX_FUNCTIONS:
            raise ProtocolError(f"more than {MAX_FUNCTIONS} functions")
        if record["cell"] != index or record["kind"] not in ("function", "class"):
            raise ProtocolError("an invalid function record")
        names = record["names"]
        if type(names) is not list or len(names) > 500:
            raise ProtocolError("an invalid list of names")
        signature = record["signature"]
        if signature is not None:
            if type(signature) is not list or len(signature) > 64:
                raise ProtocolError("an invalid signature")
            signature = [self._parameter(p) for p in signature]
        return {"id": number, "name": _name(record["name"]), "cell": index, "kind": record["kind"],
                "signature": signature, "source": _text(record["source"]),
                "names": [_name(n) for n in names]}

    def _parameter(self, p):
        if type(p) is not dict or not {"name", "kind"} <= set(p) <= {"name", "kind", "default"} \
                or p["kind"] not in KINDS or type(p["kind"]) is not int:
            raise ProtocolError("an invalid parameter")
        out = {"name": _name(p["name"]), "kind": p["kind"]}
        if "default" in p:
            out["default"] = self.decode(p["default"])
        return out

    def end(self):
        reply = self.request({"op": "end"}, self.limits.cell_timeout, "finishing the cells")
        try:
            (chars,) = _fields(reply, "output_chars")
            if type(chars) is not int or chars < 0:
                raise ProtocolError("an invalid output count")
            return chars
        except ProtocolError as problem:
            self._lose(Malformed(str(problem)[:200]))

    def call(self, target, args, kwargs, grad=None, op="call", name=None):
        timeout = max(self.call_deadline - time.monotonic(), 0.001)
        used = []
        message = {"op": op, "target": target, "args": [self._encode(a, used) for a in args],
                   "kwargs": {str(k): self._encode(v, used) for k, v in kwargs.items()},
                   "timeout": timeout, "grad": grad, "name": name,
                   "reference": REFERENCE_SOURCE if any(used) and not self.referenced else None}
        self.referenced = self.referenced or any(used)
        reply = self.request(message, timeout + self.limits.grace, "checking this exercise",
                             self.limits.check_timeout)
        try:
            kind = reply["ok"]
            if kind == "value":
                value, changed = _fields(reply, "value", "changed")
                if type(changed) is not dict:
                    raise ProtocolError("an invalid list of changed arguments")
                result = self.decode(value)
                for key, new in changed.items():
                    original = args[int(key)] if key.isdigit() and int(key) < len(args) else kwargs.get(key)
                    if original is None and key not in kwargs:
                        raise ProtocolError("a changed argument that was not passed")
                    write_back(original, self.decode(new))
                return result
            if kind == "raised":
                type_name, text = _fields(reply, "type", "message")
                raise StudentRaised(_text(type_name, 100), _text(text, 2000))
            if kind == "timeout":
                _text(_fields(reply, "message")[0], 200)
                raise SandboxLost("timeout: the check took longer than "
                                  f"{self.limits.check_timeout:g} s; is there an endless loop?", "timeout")
            raise ProtocolError(f"an unknown reply {kind[:40]!r}")
        except ProtocolError as problem:
            self._lose(Malformed(str(problem)[:200]))

    def end_check(self):
        """The check is over: the reference functions it passed stop working in the sandbox."""
        if self.referenced:
            if self.request({"op": "forget"}, self.limits.grace + 1, "ending a check") != {"ok": "forgot"}:
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
