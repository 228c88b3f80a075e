"""Inside the sandbox: the submission's resource limits, soft = hard.

Standalone, loaded by :mod:`.agent` before any student code runs.  Each
limit is lowered with its hard limit equal to the soft one, so the
submission cannot raise it again (``setrlimit`` refuses to raise a hard
limit without a capability, and none is left).
"""

import resource
import signal


def _vm_bytes():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _limit(kind, value):
    soft, hard = resource.getrlimit(kind)
    value = int(value) if hard == resource.RLIM_INFINITY else min(int(value), hard)
    resource.setrlimit(kind, (value, value))


def lower(limits):
    """CPU seconds, address space (what is mapped now + ``memory_mb``), file size, processes,
    open files (each pipe or socket buffer is kernel memory that no other limit counts)."""
    _limit(resource.RLIMIT_CPU, limits["cpu_seconds"])
    _limit(resource.RLIMIT_AS, _vm_bytes() + limits["memory_mb"] * 2**20)
    _limit(resource.RLIMIT_FSIZE, limits["file_bytes"])
    _limit(resource.RLIMIT_NPROC, limits["processes"])
    _limit(resource.RLIMIT_NOFILE, limits.get("open_files", 256))
    _limit(resource.RLIMIT_CORE, 0)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # past the file cap a write fails instead
