"""The student as the checks see it, in this process: the Context API without a sandbox.

The checks only talk to the student through a ``Context`` and the callable
proxies it hands out (``Remote`` in the sandbox, :class:`LocalRemote` here):
calling one returns plain data (numbers, numeric arrays, lists, tuples,
dicts) or another proxy, and a student exception arrives as
:class:`~ffnn_grader.trusted.outcomes.StudentRaised`.  This module implements that
API for code running in the same process, trusted code only (the grader
itself uses the sandbox's :mod:`ffnn_grader.trusted.student`): the unit tests of
the checks run small student sources with :meth:`LocalContext.from_cells`.
"""

import ast
import inspect
import random
import traceback
import types

import numpy as np

from ..outcomes import Missing, StepTimeout, StudentRaised

SEED = 0  # numpy.random and random are seeded with it before every call


def plain(value, depth=0):
    """``value`` as plain data, or a :class:`LocalRemote` handle for anything else."""
    if value is None or isinstance(value, (bool, int, float, complex, str)):
        return value
    if isinstance(value, np.generic) and value.dtype.kind in "biufc":
        return value.item()
    if isinstance(value, np.ndarray) and value.dtype.kind in "biufc":
        return np.array(value, copy=True)
    if isinstance(value, (list, tuple)) and depth < 6:
        items = [plain(item, depth + 1) for item in value]
        return tuple(items) if isinstance(value, tuple) else items
    if isinstance(value, dict) and depth < 6 and all(isinstance(k, str) for k in value):
        return {k: plain(v, depth + 1) for k, v in value.items()}
    return LocalRemote(value)


def _unwrap(value):
    if isinstance(value, LocalRemote):
        return value._target
    if isinstance(value, list):  # arrays and lists themselves: the student may update them in place
        value[:] = [_unwrap(v) for v in value]
        return value
    if isinstance(value, tuple):
        return tuple(_unwrap(v) for v in value)
    if isinstance(value, dict):
        return {k: _unwrap(v) for k, v in value.items()}
    return value


class LocalRemote:
    """A proxy for one of the student's objects: call it, read its attributes."""

    def __init__(self, target, name=None, section=None, cell=None, source=None, handout=False):
        self._target = target
        self.name = name or getattr(target, "__name__", type(target).__name__)
        self.section, self.cell, self.source, self.handout = section, cell, source, handout
        self.names = frozenset(_names(target))
        self.kind = "class" if isinstance(target, type) else "function"

    @property
    def __signature__(self):
        return inspect.signature(self._target)

    def __call__(self, *args, **kwargs):
        np.random.seed(SEED)
        random.seed(SEED)
        try:
            result = self._target(*_unwrap(args), **_unwrap(kwargs))
        except (StepTimeout, MemoryError):
            raise
        except BaseException as error:  # noqa: BLE001 - SystemExit from a student is theirs too
            raise StudentRaised(type(error).__name__, str(error)) from None
        return plain(result)

    def attr(self, name):
        try:
            return plain(getattr(self._target, name))
        except (StepTimeout, MemoryError):
            raise
        except BaseException as error:  # noqa: BLE001
            raise StudentRaised(type(error).__name__, str(error)) from None

    def __repr__(self):
        return f"<student's {self.name}>"


class LocalContext:
    """Every function and class the submission bound, and the variables after each cell.

    ``history`` maps a name to the proxies (:class:`LocalRemote`) of its
    successive values, oldest first; ``states`` holds one dict per cell with the
    exercise variables and the keys ``__cell__``, ``__section__`` and
    ``__error__`` (what the cell raised, or None);
    ``cells`` are the submission's cells (``.source``, ``.section``, and
    ``.handout`` for code the handout supplies).
    """

    def __init__(self, namespace, history, states, cells=()):
        self.namespace, self.history, self.states, self.cells = namespace, history, states, list(cells)

    def versions(self, name, section=None):
        """Every callable once bound to ``name``, newest first (up to ``section``'s last cell)."""
        found = list(reversed(self.history.get(name, [])))
        if section is None:
            return found
        last = max((i for i, c in enumerate(self.cells) if c.section == section), default=None)
        return [f for f in found if last is None or f.cell is None or f.cell <= last]

    def functions(self):
        """Every recorded function or class, oldest first."""
        return sorted((f for values in self.history.values() for f in values),
                      key=lambda f: -1 if f.cell is None else f.cell)

    def latest(self, name):
        found = self.versions(name)
        if not found:
            raise Missing(f"no function `{name}` found: define it with this name")
        return found[0]

    @classmethod
    def from_cells(cls, cells, variables):
        """Run ``cells`` here, top to bottom; record what the checks need.

        A cell that raises stops there (its error is in its snapshot, key
        ``__error__``) and the next one runs.  Each function is bound, like in the
        sandbox, to the globals as they stood at the end of the section in
        which it was defined.
        """
        namespace = {"__name__": "__main__"}
        history, states, pending = {}, [], []
        for index, cell in enumerate(cells):
            error = None
            try:
                exec(compile(cell.source, f"<cell {index}>", "exec"), namespace)
            except Exception as raised:  # noqa: BLE001 - a broken cell is the student's; go on
                lines = [f.lineno for f in traceback.extract_tb(raised.__traceback__)
                         if f.filename == f"<cell {index}>"]
                error = f"{type(raised).__name__}: {raised}" + (f" (line {lines[-1]})" if lines else "")
            for name, value in list(namespace.items()):
                if _defined_here(value, index) and not any(r._target is value for r in history.get(name, [])):
                    names = getattr(cell, "handout_names", None)
                    handout = name in names if names is not None else bool(getattr(cell, "handout", False))
                    remote = LocalRemote(value, name, cell.section, index,
                                         _definition(cell.source, name), handout)
                    history.setdefault(name, []).append(remote)
                    pending.append(remote)
            state = {n: plain(namespace[n]) for n in variables if n in namespace}
            states.append({k: v for k, v in state.items() if not isinstance(v, LocalRemote)}
                          | {"__cell__": index, "__section__": cell.section, "__error__": error})
            if index + 1 == len(cells) or cells[index + 1].section != cell.section:
                _bind(pending, namespace)
                pending = []
        return cls(namespace, history, states, cells)


def _definition(source, name):
    """The text of the ``def``/``class`` of ``name`` in a cell, like the sandbox reports it."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    found = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == name]
    return ast.get_source_segment(source, found[-1]) if found else source


def _names(value):
    """The global names the code of a function (or of a class's methods) refers to."""
    members = vars(value).values() if isinstance(value, type) else ()
    codes = [getattr(value, "__code__", None)] + [getattr(v, "__code__", None) for v in members]
    names, stack = set(), [c for c in codes if c is not None]
    while stack:
        code = stack.pop()
        names |= set(code.co_names)
        stack += [c for c in code.co_consts if isinstance(c, types.CodeType)]
    return names


def _defined_here(value, index):
    code = getattr(value, "__code__", None)
    if code is not None:
        return code.co_filename == f"<cell {index}>"
    return isinstance(value, type) and value.__module__ == "__main__"


def _bind(remotes, namespace):
    """Point the functions of one section at a copy of the globals at its end."""
    frozen = dict(namespace)

    def rebind(f):
        copy = types.FunctionType(f.__code__, frozen, f.__name__, f.__defaults__, f.__closure__)
        copy.__kwdefaults__ = f.__kwdefaults__
        return copy

    copies = {id(v): rebind(v) for v in frozen.values()
              if isinstance(v, types.FunctionType) and v.__globals__ is namespace}
    frozen.update({k: copies[id(v)] for k, v in list(frozen.items()) if id(v) in copies})
    for remote in remotes:
        target = remote._target
        if isinstance(target, types.FunctionType) and target.__globals__ is namespace:
            remote._target = copies.get(id(target)) or rebind(target)
