"""Where the student's code runs: a bubblewrap sandbox, and in it one process tree per submission.

:class:`Bubblewrap` starts the zygote (:mod:`..sandboxed.zygote`) under ``bwrap``:
new user, pid, network, ipc, uts and cgroup namespaces, ``--die-with-parent``,
``--new-session``, a cleared environment, a ``/dev`` of a few devices and no
pseudo-terminals, and a read-only file system made of what Python needs
(the interpreter, its standard library and shared libraries, never the rest
of a prefix outside ``/usr``; the installed packages with :mod:`ffnn` masked
by read-only covers) and the grader's agent files.  The zygote
imports numpy, autograd, matplotlib and scikit-learn once; for each
submission it forks a child that gets namespaces of its own (mount, pid,
network, ipc, uts: :mod:`..sandboxed.confine`), one fresh size-limited tmpfs for
``/tmp``, the home directory and ``/dev/shm``, fresh covers over :mod:`ffnn`,
the grader's files and ``/proc`` covered, limits
with soft = hard (CPU seconds, address space, file size, processes), no
capability and a seccomp filter against new processes (:mod:`..sandboxed.seccomp`).
Killing that child kills its pid namespace and everything the submission
started; killing ``bwrap`` kills them all.

:class:`Unsandboxed` (``--no-sandbox``) runs the same zygote and agent as
plain processes: for trusted submissions only.  :func:`launcher` picks one.
"""

import atexit
import os
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

from ..sandboxed import confine
from .bwrap import find_bwrap
from .zygotes import Zygote

HERE = Path(__file__).resolve().parent.parent / "sandboxed"  # the files bound into the sandbox
AGENT_FILES = ("zygote.py", "agent.py", "protocol.py", "handles.py", "recording.py", "limits.py",
               "cpu_timer.py", "error_text.py", "confine.py", "seccomp.py")
INSIDE = "/grader"  # where the agent's files are in the sandbox
HOME = "/home/student"
DEVICES = ("null", "zero", "full", "random", "urandom")
NAMESPACES_HINT = ("bubblewrap needs unprivileged user namespaces (Debian: sysctl "
                   "kernel.unprivileged_userns_clone=1; Ubuntu 24.04: sysctl "
                   "kernel.apparmor_restrict_unprivileged_userns=0)")
INSTALL_HINT = ("install bubblewrap (Debian/Ubuntu: sudo apt-get install bubblewrap; Fedora: sudo dnf "
                "install bubblewrap), or pass --no-sandbox to run trusted submissions without one")


@dataclass
class Limits:
    cell_timeout: float = 30.0  # CPU seconds per cell
    check_timeout: float = 10.0  # CPU seconds per exercise check (its calls together)
    submission_timeout: float = 900.0  # seconds per submission, absolute, restarts included
    memory_mb: int = 1024  # address space the submission may add
    cpu_seconds: int = 600  # CPU seconds of one submission process
    output_cap: int = 100_000  # characters of print output before a note says so
    file_bytes: int = 64 * 2**20  # largest file the submission may write
    tmpfs_mb: int = 128  # scratch space: /tmp, the home directory and /dev/shm together
    processes: int = 256  # tasks (threads) of a submission: pids.max, and RLIMIT_NPROC
    open_files: int = 256  # RLIMIT_NOFILE inside
    max_handles: int = 100_000  # objects the sandbox may hand out
    grace: float = 3.0  # wall-clock slack over a step's own timer
    wall_factor: float = 4.0  # wall-clock time a step may take, in multiples of its CPU limit
    startup_timeout: float = 120.0  # the zygote imports numpy, matplotlib, scikit-learn
    max_children: int = 12  # submission processes per submission, crashes included


class SandboxUnavailable(RuntimeError):
    """No sandbox can be started here; the message says how to get one."""


def _site_dirs():
    paths = sysconfig.get_paths()
    found = {os.path.realpath(paths[k]) for k in ("purelib", "platlib")}
    return sorted(p for p in found if os.path.isdir(p))


def _python():
    return os.path.realpath(sys.executable)


def _devices():
    """A /dev of a few character devices and no pseudo-terminals: bubblewrap's ``--dev`` mounts
    one devpts that every submission of the run would share (a channel between them)."""
    argv = ["--size", "65536", "--tmpfs", "/dev", "--dir", "/dev/shm"]
    for name in DEVICES:
        argv += ["--dev-bind", f"/dev/{name}", f"/dev/{name}"]
    for i, name in enumerate(("stdin", "stdout", "stderr")):
        argv += ["--symlink", f"/proc/self/fd/{i}", f"/dev/{name}"]
    return argv + ["--symlink", "/proc/self/fd", "/dev/fd"]


def _runtime_binds():
    """What Python itself needs when it lives outside /usr (pyenv, a conda base in a home):
    the interpreter, the standard library (its lib-dynload inside), the shared libraries
    beside it; never the whole prefix, which holds whatever the teacher keeps there."""
    python, binds = _python(), []
    if not python.startswith("/usr/"):
        binds += ["--ro-bind", python, python]
    # where this interpreter found its standard library and its extension modules (a virtual
    # environment's sysconfig may name its own folder instead)
    stdlib = {os.path.realpath(os.path.dirname(os.__file__)),
              os.path.realpath(sysconfig.get_config_var("DESTSHARED") or os.path.dirname(os.__file__))}
    for path in sorted(p for p in stdlib if not p.startswith("/usr/") and os.path.isdir(p)
                       and not any(p.startswith(q + "/") for q in stdlib)):
        binds += ["--ro-bind", path, path]
        packages = os.path.join(path, "site-packages")  # the base's own: not ours to read
        if os.path.isdir(packages) and packages not in _site_dirs():
            binds += ["--size", "4096", "--tmpfs", packages, "--remount-ro", packages]
    libdir = os.path.realpath(sysconfig.get_config_var("LIBDIR") or "/usr/lib")
    if not libdir.startswith("/usr/") and os.path.isdir(libdir):
        for entry in sorted(os.listdir(libdir)):  # libpython3.x.so, a conda base's libraries
            path = os.path.join(libdir, entry)
            if entry.startswith("lib") and ".so" in entry and os.path.isfile(path):
                binds += (["--symlink", os.readlink(path), path] if os.path.islink(path)
                          else ["--ro-bind", path, path])
    return binds


class Unsandboxed(Zygote):
    """The zygote and the agent as plain child processes: no isolation at all."""

    kind = "none"
    description = "none: --no-sandbox, the submissions ran with the grader's rights"

    def command(self):
        return [_python(), "-I", "-S", str(HERE / "zygote.py"), "plain", "0", *_site_dirs()]


class Bubblewrap(Zygote):
    kind = "bwrap"

    def __init__(self, limits, bwrap=None):
        super().__init__(limits)
        found = find_bwrap(bwrap)  # the given one, else the system's, else the PyPI wheel's
        if not found:
            raise SandboxUnavailable("the grader runs students' code only in a sandbox, and bwrap "
                                     f"(bubblewrap) is not installed: {INSTALL_HINT}")
        self.bwrap, self.description = found.path, found.description

    def _binds(self):
        binds = ["--ro-bind", "/usr", "/usr"]
        for name in ("bin", "lib", "lib32", "lib64", "sbin"):
            target = f"/{name}"
            if os.path.islink(target):
                binds += ["--symlink", os.readlink(target), target]
            elif os.path.isdir(target):
                binds += ["--ro-bind", target, target]
        if os.path.exists("/etc/ld.so.cache"):
            binds += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
        binds += _runtime_binds()
        sites = _site_dirs()
        copies = {site: f"{confine.KEEP}/{i}" for i, site in enumerate(confine.kept(sites))}
        for site in sites:
            for place in (site, copies.get(site)):  # a folder under /tmp twice: see confine.kept
                if place is None:
                    continue
                binds += ["--ro-bind", site, place]
                for entry in confine.hidden_entries(site):  # the reference stays outside
                    path = os.path.join(place, entry)
                    binds += (["--size", "4096", "--tmpfs", path, "--remount-ro", path]
                              if os.path.isdir(os.path.join(site, entry))
                              else ["--ro-bind", "/dev/null", path])
        return binds

    def command(self):
        size = self.limits.tmpfs_mb * 2**20
        argv = [self.bwrap, "--unshare-all", "--unshare-user", "--uid", "0", "--gid", "0",
                "--cap-add", "ALL", "--die-with-parent", "--new-session",
                "--hostname", "sandbox", "--clearenv", "--setenv", "HOME", HOME,
                "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "LANG", "C.UTF-8",
                "--setenv", "MPLCONFIGDIR", "/tmp/matplotlib", "--setenv", "PYTHONHASHSEED", "0",
                "--proc", "/proc", *_devices(), "--size", str(size), "--tmpfs", "/tmp",
                "--dir", HOME, *self._binds()]
        for name in AGENT_FILES:
            argv += ["--ro-bind", str(HERE / name), f"{INSIDE}/{name}"]
        argv += ["--remount-ro", "/dev", "--remount-ro", "/", "--chdir", HOME,
                 _python(), "-I", "-S", f"{INSIDE}/zygote.py", "isolate", str(size), *_site_dirs()]
        return argv


_SHARED = {}


def launcher(limits, sandbox=True):
    """The bubblewrap launcher (or :class:`SandboxUnavailable`), or :class:`Unsandboxed`.

    One per kind and tmpfs size for the whole process (its zygote is started
    on first use and killed at exit), so grading file after file forks
    children of one warm zygote.
    """
    key = (sandbox, limits.tmpfs_mb)
    if key not in _SHARED:
        _SHARED[key] = Bubblewrap(limits) if sandbox else Unsandboxed(limits)
    return _SHARED[key]


@atexit.register
def _close_all():
    for zygote in _SHARED.values():
        zygote.close()
