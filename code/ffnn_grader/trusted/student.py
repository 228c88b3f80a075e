"""The student as the checks see it: proxies for what lives in the sandbox.

The checks run here, in the grader.  They receive a :class:`Context`: every
function and class the submission bound (as :class:`Remote` proxies), the
exercise variables after each cell (plain data, copied out of the sandbox)
and the submission's cells.  Calling a :class:`Remote` sends the arguments
to the sandbox, calls the student's object there and returns plain data
(numbers, numeric arrays, strings, lists, tuples, dicts) or another
:class:`Remote`.  Arrays and lists the student's code changed in place are
changed here too, so ``train(layers)`` that updates ``layers`` reads as it
would in one process.  Functions passed into the student's code are the
reference functions of :mod:`..sandboxed.builtins` (the sandbox has its own copy).

A student exception arrives as :class:`~.outcomes.StudentRaised`; a call
past the check's deadline, or one during which the sandbox died, raises
:class:`SandboxLost` (a :class:`~.outcomes.StepTimeout`): the supervisor
then restarts the sandbox for the next exercise.
"""

import inspect
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from ..sandboxed import builtins as reference
from .outcomes import StepTimeout

_BUILTIN = {getattr(reference, name): name for name in reference.NAMES}


class SandboxLost(StepTimeout):
    """The sandbox timed out, died or misbehaved during a call (``reason`` says which)."""

    def __init__(self, reason, status="error"):
        super().__init__(reason)
        self.reason, self.status = reason, status


class Remote:
    """A proxy for one of the student's objects inside the sandbox.

    ``name``, ``section``, ``cell`` (index), ``source`` (the ``def``/``class``
    text), ``names`` (global names its code refers to), ``handout`` (code the
    handout supplies) describe a recorded function or class; a handle
    returned by a call has only ``type``.
    """

    def __init__(self, session, number, info, cell=None):
        self._session, self._id = session, number
        self.type = info.get("type", info.get("kind", ""))
        self.name = info.get("name") or self.type
        self.kind, self.source = info.get("kind"), info.get("source", "")
        self.names = frozenset(info.get("names", ()))
        self.cell = info.get("cell")
        self.section = getattr(cell, "section", None)
        handout_names = getattr(cell, "handout_names", None)
        self.handout = (self.name in handout_names if handout_names is not None
                        else bool(getattr(cell, "handout", False)))
        self._parameters = info.get("signature")

    @property
    def __signature__(self):
        if self._parameters is None:
            return None
        return inspect.Signature([
            inspect.Parameter(p["name"], inspect._ParameterKind(p["kind"]),
                              default=p.get("default", inspect.Parameter.empty))
            for p in self._parameters])

    def __call__(self, *args, **kwargs):
        return self._session.call(self._id, args, kwargs)

    def attr(self, name):
        """The attribute ``name`` of the student's object: plain data or a :class:`Remote`."""
        if type(name) is not str or not name.isidentifier():
            raise ValueError(f"attr: expected an attribute name, got {name!r}")
        return self._session.attribute(self._id, name)

    def __repr__(self):
        return f"<student's {self.name}>"


def encode_argument(value, session):
    """How a value the grader passes in travels (see :mod:`..sandboxed.protocol`)."""
    if isinstance(value, Remote):
        if value._session is not session:
            raise SandboxLost("a handle from an earlier sandbox was passed in")
        return {"$": "remote", "id": value._id}
    if callable(value) and value in _BUILTIN:
        return {"$": "builtin", "name": _BUILTIN[value]}
    raise TypeError(f"cannot pass {type(value).__name__} {value!r} into the sandbox: pass plain "
                    "data, a Remote or a function of ffnn_grader.sandboxed.builtins")


def write_back(original, new):
    """Apply to ``original`` what the student's code changed in place (``new``).

    Returns True when ``original`` now equals ``new``; where it cannot (a
    tuple, an array of another shape), the enclosing list takes ``new``.
    """
    if isinstance(original, np.ndarray) and isinstance(new, np.ndarray):
        if original.shape != new.shape or not original.flags.writeable:
            return False
        np.copyto(original, new, casting="unsafe")
        return original.dtype == new.dtype
    if isinstance(original, (list, tuple)) and type(original) is type(new):
        if isinstance(original, tuple) and len(original) != len(new):
            return False
        done = True
        for i, (old, item) in enumerate(zip(original, new)):
            if not write_back(old, item):
                if isinstance(original, list):
                    original[i] = item
                else:
                    done = False
        if isinstance(original, list):
            del original[len(new):]
            original.extend(new[len(original):])
        return done
    if isinstance(original, dict) and isinstance(new, dict):
        original.clear()
        original.update(new)
        return True
    return _same(original, new)


@dataclass(frozen=True)
class Snapshot(Mapping):
    """The exercise variables as they stood after one executed cell, and that cell.

    A read-only mapping of the student's variables only (``name in snapshot``,
    ``snapshot[name]``, ``snapshot.get(name)``; plain data); ``cell`` is the
    cell's index, ``section`` its exercise (or None), ``error`` the one-line
    error it raised (or None).  The keys ``"__cell__"``, ``"__section__"`` and
    ``"__error__"`` still read those three (for checks written when a snapshot
    was a dict), but are not among its keys.
    """

    cell: int
    section: object = None
    error: object = None
    values: Mapping = field(default_factory=dict)

    LEGACY = {"__cell__": "cell", "__section__": "section", "__error__": "error"}

    def __getitem__(self, name):
        if name in Snapshot.LEGACY:
            return getattr(self, Snapshot.LEGACY[name])
        return self.values[name]

    def __iter__(self):
        return iter(self.values)

    def __len__(self):
        return len(self.values)

    def __contains__(self, name):
        return name in self.values


class Context:
    """Everything the checks may look at: functions, variables after each cell, cells.

    ``cells`` are the submission's cells, ``history`` maps a name to every
    :class:`Remote` once bound to it (in the order bound), ``states`` holds
    one :class:`Snapshot` per executed cell.
    """

    def __init__(self, cells, history, states):
        self.cells, self.history, self.states = list(cells), history, states

    def versions(self, name, section=None):
        """Every callable once bound to ``name``, newest first (up to ``section``'s last cell)."""
        last = None if section is None else max(
            (i for i, c in enumerate(self.cells) if c.section == section), default=None)
        return [r for r in reversed(self.history.get(name, []))
                if last is None or r.cell is None or r.cell <= last]

    def functions(self):
        """Every recorded function or class, in the order the cells defined them."""
        found = [r for values in self.history.values() for r in values]
        return sorted(found, key=lambda r: (r.cell is None, r.cell or 0))


def _same(a, b):
    try:
        return np.shape(a) == np.shape(b) and bool(np.array_equal(a, b))
    except (TypeError, ValueError):
        return False
