"""The grader's side of the zygote (:mod:`..sandboxed.zygote`): start it, fork a child per submission, end it.

:class:`Zygote` holds the control socket to the zygote process and is shared
by the grading threads (one request at a time); :class:`Child` is one
submission's process tree, with the socket its agent answers on.  How the
zygote is started (under bubblewrap or not) is :mod:`.sandbox`'s business
(``command()``).
"""

import json
import os
import select
import socket
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from .cgroups import Groups


def _descendant(root, marker):
    """The host pid of the first process under ``root`` (bubblewrap's own not counted) whose
    command line holds ``marker``."""
    children = {}
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry))
        except (OSError, ValueError, IndexError):
            continue
    todo = [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                argv = cmdline.read().split(b"\0")
            if marker in b" ".join(argv) and not argv[0].endswith(b"bwrap"):
                return pid
        except OSError:
            pass
        todo += children.get(pid, [])
    return None


def _resident_bytes(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


class Child:
    """One submission's process (tree) in the zygote: its socket, and how to end it."""

    def __init__(self, zygote, number, sock, groups=None):
        self.zygote, self.number, self.sock, self.ended = zygote, number, sock, None
        self.groups = groups  # its control groups (:mod:`.cgroups`), or None

    @property
    def fd(self):
        return self.sock.fileno()

    def kill(self, ended=False):
        """End it; return ``(signal, exit code)`` of its process 1 (either may be None).

        ``ended``: it closed its socket, so give it a moment to exit by itself
        and report how (an exit code, a signal) before it is killed.
        """
        if self.ended is None:
            self.sock.close()
            try:
                reply = self.zygote.request({"op": "kill", "id": self.number, "ended": ended})
                self.ended = (reply.get("signal"), reply.get("code"))
            except OSError:
                self.ended = (None, None)
            if self.groups is not None:
                self.groups.remove()
        return self.ended


class Zygote:
    """The process that forks a child per submission; restarted when it is gone."""

    kind, description = "", ""

    def __init__(self, limits):
        self.limits, self.process, self.control, self.count = limits, None, None, 0
        self.pid = None  # the zygote's process id on the host, for its control groups
        self.lock = threading.RLock()  # one request at a time, from any grading thread
        # bwrap's --die-with-parent follows the thread that started it: start it from one
        # that lives as long as the grader, not from a grading thread that ends before it
        self.starter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sandbox-starter")

    def _start(self):
        self._close()
        self.starter.submit(self._start_here).result()

    def _start_here(self):
        parent, child = socket.socketpair()
        log = tempfile.TemporaryFile()  # bwrap's own complaints, for the message below
        self.process = subprocess.Popen(self.command(), stdin=child, stdout=subprocess.DEVNULL,
                                        stderr=log, start_new_session=True)
        child.close()
        parent.settimeout(30)  # a zygote that stops reading cannot stall a send past this
        self.control, self.buffer = parent, b""
        try:
            ready = self._reply(time.monotonic() + self.limits.startup_timeout) == {"ok": "ready"}
        except OSError:
            ready = False
        if not ready:
            self._close()
            log.seek(0)
            said = log.read()[-600:].decode(errors="replace").strip().splitlines()
            log.close()
            raise OSError(f"the sandbox did not start ({said[-1] if said else 'no message'})")
        log.close()
        self.pid = _descendant(self.process.pid, b"zygote.py")

    def start(self):
        """Start the zygote now (it is started on first use otherwise); OSError if it cannot."""
        with self.lock:
            if self.process is None or self.process.poll() is not None:
                self._start()

    def _reply(self, deadline):
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.control], [], [], left)[0]:
                self._close()
                raise OSError("the sandbox's zygote did not answer")
            chunk = self.control.recv(65536)
            if not chunk:
                self._close()
                raise OSError("the sandbox's zygote ended")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)

    def request(self, message, fds=()):
        with self.lock:
            self.start()
            socket.send_fds(self.control, [json.dumps(message).encode()], list(fds))
            return self._reply(time.monotonic() + 30)

    def spawn(self):
        mine, theirs = socket.socketpair()
        try:
            with self.lock:
                self.count += 1
                number = self.count
                self.start()
                groups = self._groups(number)
                try:
                    reply = self.request({"op": "spawn", "id": number}, [theirs.fileno()])
                finally:
                    if groups is not None:
                        groups.leave(self.pid)  # the child stays in, the zygote comes out
        finally:
            theirs.close()
        if reply != {"ok": "spawned", "id": number}:
            if groups is not None:
                groups.remove()
            raise OSError("the sandbox refused a submission")
        return Child(self, number, mine, groups)

    def _groups(self, number):
        """Control groups for submission ``number`` with the zygote in them, or None."""
        if self.pid is None:
            return None
        try:  # what the child may copy of the zygote's pages, over the submission's own share
            memory = self.limits.memory_mb * 2**20 + _resident_bytes(self.pid) + 64 * 2**20
        except OSError:
            return None
        groups = Groups.create(f"ffnn-grader-{os.getpid()}-{number}", self.limits.processes, memory)
        if groups is not None:
            try:
                groups.enter(self.pid)
            except OSError:
                groups.remove()
                return None
        return groups

    def close(self):
        with self.lock:
            self._close()

    def _close(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.control is not None:
            self.control.close()
        self.process = self.control = None
