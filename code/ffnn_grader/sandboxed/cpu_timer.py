"""Inside the sandbox: the timer of each step of the student's code, on CPU time.

Standalone, loaded by :mod:`.agent`.  Each cell, and each call a check
makes, runs under :func:`alarm`: when the process (every thread) has used
its seconds of CPU time, :class:`StepTimeout` is raised in the step, so its
limit does not depend on how busy the machine is.
"""

import signal


class StepTimeout(BaseException):
    pass


def alarm(seconds):
    """A timer on the CPU time of the whole process (every thread): a step's limit does not
    depend on how busy the machine is.  (One that blocks without using the CPU is stopped
    by the grader's wall-clock guard.)"""
    def handler(signum, frame):
        raise StepTimeout(f"took longer than {seconds:g} s")

    signal.signal(signal.SIGPROF, handler)
    signal.setitimer(signal.ITIMER_PROF, max(float(seconds), 0.001))


def stop_alarm():
    signal.setitimer(signal.ITIMER_PROF, 0)
