"""Inside the sandbox: give one submission namespaces of its own, then drop every privilege.

Loaded as a standalone file by the zygote (:mod:`.zygote`), which runs in
the bubblewrap sandbox with capabilities inside its own user namespace
only.  For each submission it forks a process that calls :func:`isolate`
(new mount, pid, network, ipc and uts namespaces), forks again (the child
is process 1 of the new pid namespace: when it dies, everything the
submission started dies with it) and calls :func:`private_mounts` (one fresh
size-limited tmpfs that holds ``/tmp``, the home directory and ``/dev/shm``,
so that all the submission may write is bounded once and dies with it, and
fresh read-only covers over the hidden entries of site-packages).  The agent then
calls :func:`drop_privileges` before any student code runs: no capability
left (bounding set emptied), ``no_new_privs``, and the seccomp filter of
:mod:`.seccomp` against new processes.
"""

import ctypes
import os

_libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWPID, CLONE_NEWNET = 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 1, 2, 4, 8, 0x4000, 1 << 18
MS_REMOUNT, MS_BIND = 32, 4096
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP = 1, 24, 38, 22
PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, SECCOMP_MODE_FILTER = 47, 4, 2
HOME = "/home/student"
SCRATCH = ("/tmp", HOME, "/dev/shm")  # one fresh tmpfs of the submission's own (on /tmp)
HIDDEN = ("ffnn", "__editable__")  # entries of site-packages the submission must not see
KEEP = "/grader-keep"  # second copies of the read-only folders that lie under SCRATCH


def kept(paths):
    """The read-only folders among ``paths`` that a fresh tmpfs on a scratch folder would
    hide (a virtual environment under /tmp): the sandbox binds each of them a second time,
    at ``KEEP/i``, and :func:`private_mounts` puts them back in place from there."""
    return [p for p in paths if any(p.startswith(target + "/") for target in SCRATCH)]


def hidden_entries(site):
    """The entries of the folder ``site`` that hold the reference implementation."""
    try:
        return sorted(e for e in os.listdir(site) if e.startswith(HIDDEN))
    except OSError:
        return []


def _check(result, what):
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def die_with_parent(signal_number=9):
    _check(_libc.prctl(PR_SET_PDEATHSIG, signal_number, 0, 0, 0), "prctl(PDEATHSIG)")


def isolate():
    """New namespaces for the children of the calling process (pid) and for itself (the rest)."""
    _check(_libc.unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS),
           "unshare")


def _mount(source, target, fstype, flags, data=None):
    _check(_libc.mount(source, target.encode(), fstype, flags, data), f"mount {target}")


def private_mounts(tmpfs_bytes, keep=()):
    """Fresh writable space of the submission's own; nothing shared with another.

    One tmpfs of ``tmpfs_bytes`` on ``/tmp``; the home directory and ``/dev/shm`` are
    folders of it bound in place, so the three together hold at most ``tmpfs_bytes``.
    The folders of ``keep`` that it covers (see :func:`kept`) are bound back in place,
    read-only, from their second copies; the hidden entries of every folder of ``keep``
    get covers of their own, read-only and empty.
    """
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    options = f"size={int(tmpfs_bytes)},nr_inodes=4096,mode=1777".encode()
    _mount(b"tmpfs", "/tmp", b"tmpfs", MS_NOSUID | MS_NODEV, options)
    for target in SCRATCH[1:]:
        if os.path.isdir(target):
            inside = "/tmp/." + os.path.basename(target)
            os.mkdir(inside, 0o1777)
            os.chmod(inside, 0o1777)
            _mount(inside.encode(), target, None, MS_BIND)
    for i, path in enumerate(kept(keep)):
        os.makedirs(path, exist_ok=True)
        _mount(f"{KEEP}/{i}".encode(), path, None, MS_BIND | MS_REC)
        _mount(None, path, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
    hide([os.path.join(site, entry) for site in keep for entry in hidden_entries(site)
          if os.path.isdir(os.path.join(site, entry))])


def hide(targets):
    """Cover each folder with an empty read-only tmpfs.

    The grader's own files (loaded by now) and ``/proc``: a process whose
    kernel user is root (a grader run as root) may write root's files in a
    ``/proc`` even without capabilities (``/proc/sys``), so the submission
    gets none, and sees no process either.
    """
    for target in targets:
        _mount(b"tmpfs", target, b"tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, b"size=4k")


class _Header(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _Data(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


class _Filter(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def drop_privileges(seccomp_filter):
    """No capabilities, none to regain by exec, and (when given) the seccomp filter."""
    for cap in range(64):
        _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)  # EINVAL past the last capability
    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header, data = _Header(0x20080522, 0), (_Data * 2)()  # _LINUX_CAPABILITY_VERSION_3
    _check(_libc.capset(ctypes.byref(header), data), "capset")
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(NO_NEW_PRIVS)")
    if seccomp_filter:
        buffer = ctypes.create_string_buffer(seccomp_filter, len(seccomp_filter))
        program = _Filter(len(seccomp_filter) // 8, ctypes.cast(buffer, ctypes.c_void_p))
        _check(_libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(program), 0, 0),
               "prctl(SECCOMP)")
