"""Process 1 of the sandbox: imports the scientific stack once, forks one child per submission.

Started by :class:`~ffnn_grader.trusted.zygotes.Zygote` as ``python -I -S zygote.py MODE
TMPFS_BYTES SITE_DIR...`` with a control socket on stdin.  It never runs
student code.  On ``spawn`` (with one socket passed along) it forks; in
``isolate`` mode the child enters namespaces of its own (:mod:`.confine`)
and forks the submission's process 1, which mounts its own tmpfs, hides
the grader's files and ``/proc``, drops every privilege and becomes the
agent (:mod:`.agent`) on that socket.  Forking a warm Python costs milliseconds where starting
one and importing numpy, matplotlib and scikit-learn costs seconds.  On
``kill`` it ends that child (its namespace dies with it) and reports how
the submission's process ended.
"""

import gc
import json
import os
import signal
import socket
import sys
import time

MODE, TMPFS_BYTES = sys.argv[1], int(sys.argv[2])
sys.argv = sys.argv[:1] + sys.argv[3:]  # the site-packages directories, for the agent
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)  # the zygote's own siblings, removed again below
import agent  # noqa: E402
import confine  # noqa: E402
import seccomp  # noqa: E402

sys.path.remove(HERE)
for name in ("agent", "confine", "seccomp"):
    sys.modules.pop(name)  # not importable by name from the student's code
import autograd.numpy  # noqa: E402, F401
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot  # noqa: E402, F401
import sklearn.datasets  # noqa: E402, F401
import sklearn.metrics  # noqa: E402, F401
import sklearn.model_selection  # noqa: E402, F401

FILTER = seccomp.no_new_processes()
gc.freeze()  # what is imported stays put: fewer pages copied after a fork, and a quick search
# for the copies of the reference functions (see handles.Handles.forget)


def _submission(fd, isolated, tmpfs_bytes):
    """In the forked child: become the submission's process 1, then the agent."""
    confine.die_with_parent()
    if isolated:
        confine.isolate()
        pid = os.fork()
        if pid:
            os.close(fd)
            _, status = os.waitpid(pid, 0)
            os._exit(128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status))
        confine.die_with_parent()
        confine.private_mounts(tmpfs_bytes, keep=sys.argv[1:])
        os.chdir(confine.HOME)
    os.setsid()  # a group of its own: kill(0) and killpg reach no one else
    agent.main(fd, _confine if isolated else None)


def _confine():
    """Last step before student code: hide what it need not see, drop every privilege."""
    confine.hide([HERE, "/proc"] + ([confine.KEEP] if os.path.isdir(confine.KEEP) else []))
    confine.drop_privileges(FILTER)


def main():
    isolated = MODE == "isolate"
    control = socket.socket(fileno=os.dup(0))
    null = os.open(os.devnull, os.O_RDWR)
    for target in (0, 1, 2):
        os.dup2(null, target)
    children = {}
    control.sendall(b'{"ok": "ready"}\n')
    while True:
        data, fds, _, _ = socket.recv_fds(control, 4096, 1)
        if not data:
            os._exit(0)
        request = json.loads(data)
        number = request["id"]
        if request["op"] == "spawn" and len(fds) == 1:
            pid = os.fork()
            if pid == 0:
                control.close()
                try:
                    _submission(fds[0], isolated, TMPFS_BYTES)
                finally:
                    os._exit(70)
            os.close(fds[0])
            children[number] = pid
            reply = {"ok": "spawned", "id": number}
        elif request["op"] == "kill" and number in children:
            pid = children.pop(number)
            done, status = os.waitpid(pid, os.WNOHANG)
            for _ in range(200 if request.get("ended") else 0):  # let it report how it ended
                if done:
                    break
                time.sleep(0.01)
                done, status = os.waitpid(pid, os.WNOHANG)
            if not done:
                os.kill(pid, signal.SIGKILL)
                _, status = os.waitpid(pid, 0)
            reply = {"ok": "killed", "id": number,
                     "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
                     "code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None}
        else:
            reply = {"ok": "refused", "id": number}
            for fd in fds:
                os.close(fd)
        control.sendall(json.dumps(reply).encode() + b"\n")


if __name__ == "__main__":
    main()
