"""A seccomp filter that lets a submission start threads but no processes.

The agent loads it (:func:`.confine.drop_privileges`) before any student
code runs.  It answers ``fork``, ``vfork`` and a ``clone`` without
``CLONE_THREAD`` with ``EAGAIN``, and ``clone3`` with ``ENOSYS`` (the C
library then falls back to ``clone``, so threads still start): a
submission cannot start a shell, a daemon or a fork bomb, whatever user id
the grader runs as.  (The process limit alone does not hold for a grader
running as root: the kernel exempts the root user from ``RLIMIT_NPROC``.)
A few calls no exercise needs get ``EPERM``: ``unshare``, ``setns``,
``ptrace``, the keyring calls, ``bpf``, ``perf_event_open``,
``userfaultfd`` and ``io_uring``, and the ways to memory that the
address-space limit does not count: ``memfd_create``, ``memfd_secret``,
every System V IPC call (shared memory, semaphores, message queues) and
the POSIX message queues.

The program is classic BPF over ``struct seccomp_data`` (the system call
number at offset 0, the architecture at 4, the first argument's low word
at 16).  Known architectures: x86_64 and aarch64; elsewhere
:func:`no_new_processes` returns None and the sandbox runs without it.
"""

import errno
import platform
import struct

_LD, _JEQ, _JGE, _JSET, _RET = 0x20, 0x15, 0x35, 0x45, 0x06
_ALLOW, _ERRNO = 0x7FFF0000, 0x00050000
CLONE_THREAD = 0x00010000
# machine -> (AUDIT_ARCH_*, fork, vfork, clone, clone3, refused with EPERM); None: no such call
# refused: unshare, setns, ptrace, keyctl, add_key, request_key, bpf, perf_event_open,
# userfaultfd, io_uring_setup, io_uring_enter, io_uring_register, memfd_create, memfd_secret,
# then System V IPC: shmget, shmat, shmctl, shmdt, semget, semop, semctl, semtimedop, msgget,
# msgsnd, msgrcv, msgctl, and the POSIX message queues: mq_open ... mq_getsetattr
_ARCH = {
    "x86_64": (0xC000003E, 57, 58, 56, 435,
               (272, 308, 101, 250, 248, 249, 321, 298, 323, 425, 426, 427, 319, 447,
                29, 30, 31, 67, 64, 65, 66, 220, 68, 69, 70, 71, 240, 241, 242, 243, 244, 245)),
    "aarch64": (0xC00000B7, None, None, 220, 435,
                (97, 268, 117, 219, 217, 218, 280, 241, 282, 425, 426, 427, 279, 447,
                 194, 196, 195, 197, 190, 193, 191, 192, 186, 189, 188, 187,
                 180, 181, 182, 183, 184, 185)),
}


def _op(code, k, jt=0, jf=0):
    return struct.pack("=HBBI", code, jt, jf, k)


def no_new_processes(machine=None):
    """The filter as bytes for ``bwrap --seccomp``, or None on an unknown architecture."""
    spec = _ARCH.get(machine or platform.machine())
    if spec is None:
        return None
    arch, fork, vfork, clone, clone3, refused = spec
    refuse = _op(_RET, _ERRNO | errno.EAGAIN)
    program = [
        _op(_LD, 4), _op(_JEQ, arch, 1, 0), _op(_RET, _ERRNO | errno.EPERM),  # foreign ABI
        _op(_LD, 0),
        _op(_JGE, 0x40000000, 0, 1), _op(_RET, _ERRNO | errno.EPERM),  # x32 calls
    ]
    for number in (fork, vfork):
        if number is not None:
            program += [_op(_JEQ, number, 0, 1), refuse]
    for number in refused:  # no namespaces, tracing, keyrings or kernel interfaces few need
        program += [_op(_JEQ, number, 0, 1), _op(_RET, _ERRNO | errno.EPERM)]
    program += [
        _op(_JEQ, clone3, 0, 1), _op(_RET, _ERRNO | errno.ENOSYS),
        _op(_JEQ, clone, 0, 4),
        _op(_LD, 16), _op(_JSET, CLONE_THREAD, 0, 1),
        _op(_RET, _ALLOW),  # clone of a thread
        refuse,  # clone of a process
        _op(_RET, _ALLOW),  # every other call
    ]
    return b"".join(program)
