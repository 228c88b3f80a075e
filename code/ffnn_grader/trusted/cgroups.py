"""Control groups of one submission: a bound on its tasks and its memory, shared memory included.

Resource limits alone do not hold a submission: ``RLIMIT_NPROC`` does not
count the threads of a sandbox whose user maps to the host's root, and
``RLIMIT_AS`` does not count shared memory (``memfd``, tmpfs pages).  When
the grader may create control groups (cgroup v1 ``pids`` and ``memory``
hierarchies, or a cgroup v2 directory whose ``cgroup.subtree_control``
already enables both), :class:`Groups` makes one of each per submission:
``pids.max`` bounds its tasks (threads and processes), the memory limit
bounds every page charged to it, swap and shared memory included, and,
where the ``cpu`` controller is there too, its CPU: one core at most
(``cpu.cfs_quota_us`` or ``cpu.max``) and the same weight as any other
submission, however many threads it spins.  The
zygote is moved in just for the ``fork`` of the submission's process, so
that process and all it starts are born inside (:mod:`.zygotes`).
Where no control group can be made, :func:`Groups.create` returns None and
the submission runs under its resource limits and seccomp filter only.
"""

import os
import signal
import time

ROOT = "/sys/fs/cgroup"
PERIOD_US = 100_000  # the CPU quota's period: a submission runs at most one period per period


def _write(path, value):
    with open(path, "w") as file:
        file.write(str(value))


def _own_dirs():
    """``{controller: directory}`` of this process's control groups that we may create under."""
    found = {}
    with open("/proc/self/cgroup") as table:
        for line in table:
            _, names, path = line.rstrip("\n").split(":", 2)
            for controller in ("pids", "memory", "cpu"):
                if controller in names.split(","):
                    found[controller] = os.path.join(ROOT, controller) + path.rstrip("/")
            if names == "" and os.path.exists(os.path.join(ROOT, "cgroup.controllers")):
                here = ROOT + path.rstrip("/")
                try:
                    with open(os.path.join(here, "cgroup.subtree_control")) as enabled:
                        controllers = set(enabled.read().split())
                    if {"pids", "memory"} <= controllers:
                        return {"v2": here} if "cpu" not in controllers else {"v2+cpu": here}
                except OSError:
                    pass
    return found if {"pids", "memory"} <= set(found) else {}


def _sweep(parent):
    """Delete the empty groups that graders killed with ``kill -9`` left behind (their pid is gone)."""
    for entry in os.listdir(parent):
        fields = entry.split("-")
        if entry.startswith("ffnn-grader-") and len(fields) == 4 and fields[2].isdigit() \
                and not os.path.exists(f"/proc/{fields[2]}"):
            try:
                os.rmdir(os.path.join(parent, entry))
            except OSError:
                pass


_SWEPT = set()


class Groups:
    """One submission's control groups (``pids.max``, memory limit), made by :meth:`create`."""

    def __init__(self, dirs, parents):
        self.dirs, self.parents = dirs, parents

    @classmethod
    def create(cls, name, tasks, memory_bytes):
        """New groups ``name`` bounding ``tasks`` and ``memory_bytes``, or None if none can be made."""
        try:
            parents = _own_dirs()
        except OSError:
            return None
        dirs = []
        try:
            for controller, parent in parents.items():
                if parent not in _SWEPT:
                    _SWEPT.add(parent)
                    _sweep(parent)
                path = os.path.join(parent, name)
                try:
                    os.mkdir(path)
                except OSError:
                    if controller == "cpu":  # a bound on tasks and memory without one on CPU
                        continue
                    raise
                dirs.append(path)
                if controller in ("pids", "v2", "v2+cpu"):
                    _write(os.path.join(path, "pids.max"), tasks)
                if controller == "memory":
                    _write(os.path.join(path, "memory.limit_in_bytes"), memory_bytes)
                    try:  # swap accounting may be off; then there is no swap to count
                        _write(os.path.join(path, "memory.memsw.limit_in_bytes"), memory_bytes)
                    except OSError:
                        pass
                if controller in ("v2", "v2+cpu"):
                    _write(os.path.join(path, "memory.max"), memory_bytes)
                    _write(os.path.join(path, "memory.swap.max"), 0)
                if controller == "cpu":  # cpu.shares stays at its default, as for every submission
                    _write(os.path.join(path, "cpu.cfs_period_us"), PERIOD_US)
                    _write(os.path.join(path, "cpu.cfs_quota_us"), PERIOD_US)
                if controller == "v2+cpu":  # cpu.weight stays at its default
                    _write(os.path.join(path, "cpu.max"), f"{PERIOD_US} {PERIOD_US}")
        except OSError:
            cls(dirs, parents).remove()
            return None
        return cls(dirs, parents)

    def enter(self, pid):
        """Move process ``pid`` (all its threads) in."""
        for path in self.dirs:
            _write(os.path.join(path, "cgroup.procs"), pid)

    def leave(self, pid):
        """Move process ``pid`` back to the grader's own groups."""
        for parent in self.parents.values():
            try:
                _write(os.path.join(parent, "cgroup.procs"), pid)
            except OSError:  # it is gone; a new zygote starts on the next request
                pass

    def tasks(self):
        """How many tasks (threads and processes) are in the groups now."""
        for path in self.dirs:
            if os.path.exists(os.path.join(path, "pids.current")):
                with open(os.path.join(path, "pids.current")) as current:
                    return int(current.read())
        return None

    def remove(self):
        """Kill whatever is left inside and delete the groups."""
        for path in self.dirs:
            for _ in range(100):
                try:
                    with open(os.path.join(path, "cgroup.procs")) as procs:
                        for pid in procs.read().split():
                            os.kill(int(pid), signal.SIGKILL)
                    os.rmdir(path)
                    break
                except ProcessLookupError:
                    continue
                except OSError:
                    time.sleep(0.02)
        self.dirs = []
