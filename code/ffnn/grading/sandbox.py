"""Where the student's code runs: a bubblewrap sandbox, one per submission.

:class:`Bubblewrap` starts the agent (:mod:`.agent`) under ``bwrap`` with
new user, pid, network, ipc, uts and cgroup namespaces, no capabilities,
``--die-with-parent`` and ``--new-session``, a cleared environment, and a
file system made of read-only binds of what Python needs (the interpreter,
its standard library, the installed packages with :mod:`ffnn` masked) and
the submission alone, with size-limited tmpfs for ``/tmp`` and the home
directory.  The agent then lowers its limits (soft = hard: CPU seconds,
address space, file size, processes) before any student code runs, and a
seccomp filter (:mod:`.seccomp`) refuses to create processes.  Killing
``bwrap`` kills the pid namespace and everything the submission started.

:class:`Unsandboxed` (``--no-sandbox``) runs the same agent as a plain
child process: for trusted submissions only.  :func:`launcher` picks one.
"""

import os
import shutil
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

from . import seccomp

HERE = Path(__file__).resolve().parent
AGENT_FILES = ("agent.py", "protocol.py", "builtins.py")
INSIDE = "/grader"  # where the agent's files are in the sandbox
HOME = "/home/student"
INSTALL_HINT = ("install bubblewrap (Debian/Ubuntu: sudo apt-get install bubblewrap; Fedora: sudo dnf "
                "install bubblewrap), or pass --no-sandbox to run trusted submissions without one")


@dataclass
class Limits:
    cell_timeout: float = 30.0  # seconds per cell
    check_timeout: float = 10.0  # seconds per exercise check
    submission_timeout: float = 900.0  # seconds per submission, absolute, restarts included
    memory_mb: int = 1024  # address space the submission may add
    cpu_seconds: int = 600  # CPU seconds of one sandbox
    output_cap: int = 100_000  # characters of print output before a note says so
    file_bytes: int = 64 * 2**20  # largest file the submission may write
    tmpfs_mb: int = 128  # size of each of /tmp and the home directory
    processes: int = 64  # RLIMIT_NPROC inside
    max_handles: int = 100_000  # objects the sandbox may hand out
    grace: float = 3.0  # wall-clock slack over a step's own timer
    startup_timeout: float = 60.0  # the sandbox imports numpy and autograd
    max_children: int = 12  # sandboxes per submission, crashes included


class SandboxUnavailable(RuntimeError):
    """No sandbox can be started here; the message says how to get one."""


def _site_dirs():
    paths = sysconfig.get_paths()
    found = {os.path.realpath(paths[k]) for k in ("purelib", "platlib")}
    return sorted(p for p in found if os.path.isdir(p))


def _python():
    return os.path.realpath(sys.executable)


class Unsandboxed:
    """The agent as a plain child process: no isolation at all."""

    kind = "none"
    description = "NO SANDBOX (--no-sandbox): the submissions ran with the grader's rights"

    def command(self, submission):
        return [_python(), "-I", "-S", str(HERE / "agent.py"), *_site_dirs()], ()

    def started(self, fds):
        pass


class Bubblewrap:
    kind = "bwrap"

    def __init__(self, limits, bwrap=None):
        self.limits = limits
        self.bwrap = bwrap or shutil.which("bwrap")
        if not self.bwrap:
            raise SandboxUnavailable("the grader runs students' code only in a sandbox, and bwrap "
                                     f"(bubblewrap) is not installed: {INSTALL_HINT}")
        self.filter = seccomp.no_new_processes()
        self.description = "sandbox: bubblewrap" + ("" if self.filter else " (no seccomp filter on this CPU)")

    def _binds(self):
        prefix = os.path.realpath(sys.base_prefix)
        binds = ["--ro-bind", "/usr", "/usr"]
        for name in ("bin", "lib", "lib32", "lib64", "sbin"):
            target = f"/{name}"
            if os.path.islink(target):
                binds += ["--symlink", os.readlink(target), target]
            elif os.path.isdir(target):
                binds += ["--ro-bind", target, target]
        if os.path.exists("/etc/ld.so.cache"):
            binds += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
        if not prefix.startswith("/usr/"):
            binds += ["--ro-bind", prefix, prefix]
        python = _python()
        if not python.startswith((prefix + "/", "/usr/")):
            binds += ["--ro-bind", python, python]
        for site in _site_dirs():
            binds += ["--ro-bind", site, site]
            for entry in os.listdir(site):  # the reference implementation stays outside
                if entry.startswith(("ffnn", "__editable__")):
                    path = os.path.join(site, entry)
                    binds += ["--tmpfs", path] if os.path.isdir(path) else ["--ro-bind", "/dev/null", path]
        return binds

    def command(self, submission):
        size = str(self.limits.tmpfs_mb * 2**20)
        argv = [self.bwrap, "--unshare-all", "--unshare-user", "--uid", "65534", "--gid", "65534",
                "--disable-userns", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
                "--hostname", "sandbox",
                "--clearenv", "--setenv", "HOME", HOME, "--setenv", "PATH", "/usr/bin:/bin",
                "--setenv", "LANG", "C.UTF-8", "--setenv", "MPLCONFIGDIR", "/tmp/matplotlib",
                "--setenv", "PYTHONHASHSEED", "0",
                "--proc", "/proc", "--dev", "/dev",
                "--size", size, "--tmpfs", "/tmp", "--size", size, "--tmpfs", HOME,
                *self._binds()]
        for name in AGENT_FILES:
            argv += ["--ro-bind", str(HERE / name), f"{INSIDE}/{name}"]
        if submission is not None:
            argv += ["--ro-bind", str(Path(submission).resolve()), f"{HOME}/submission{Path(submission).suffix}"]
        fds = ()
        if self.filter:
            read, write = os.pipe()
            os.write(write, self.filter)
            os.close(write)
            argv += ["--seccomp", str(read)]
            fds = (read,)
        argv += ["--chdir", HOME, _python(), "-I", "-S", f"{INSIDE}/agent.py", *_site_dirs()]
        return argv, fds

    def started(self, fds):
        for fd in fds:
            os.close(fd)


def launcher(limits, sandbox=True):
    """The bubblewrap launcher (or :class:`SandboxUnavailable`), or :class:`Unsandboxed`."""
    return Bubblewrap(limits) if sandbox else Unsandboxed()
