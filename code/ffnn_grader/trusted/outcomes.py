"""How a check or a call into the student's code can end, other than by passing.

A check raises

* :class:`Fail` -- the code runs but is wrong (status ``fail``);
* :class:`Missing` -- the function or variable is not there, or the cell
  still holds the handout's template (status ``missing``);
* :class:`StudentError` -- the student's code raised (status ``error``);
* :class:`ToRead` -- the answer is written only as comments: the grader
  cannot decide, a teacher reads it (status ``to read``, no point given);

with a one-line reason the student can act on.  A call into the student's
code raises :class:`StudentRaised` when the student's code raised (the
checks turn it into :class:`StudentError`) and :class:`StepTimeout` when it
ran out of time.

This module has no dependencies: the sandbox's supervisor and the checks
both import it.
"""


class StepTimeout(BaseException):
    """A cell, a call or a check ran out of time."""


class StudentRaised(Exception):
    """The student's code raised ``type_name: message`` (inside or outside a sandbox)."""

    def __init__(self, type_name, message=""):
        super().__init__(type_name, message)
        self.type_name, self.message = str(type_name), str(message)

    def __str__(self):
        return f"{self.type_name}: {self.message}" if self.message else self.type_name


class Fail(Exception):
    status = "fail"


class Missing(Exception):
    status = "missing"


class StudentError(Exception):
    status = "error"


class ToRead(Exception):
    status = "to read"


OUTCOMES = (Fail, Missing, StudentError, ToRead)
