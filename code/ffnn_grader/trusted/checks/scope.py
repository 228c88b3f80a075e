"""The cells that answer one exercise, and the student's answers found in them.

A notebook follows the handout's headings, so each cell knows the exercise
it answers (``Cell.section``: ``"w41-3b"``, or ``"w41-3"`` under a heading
without letters).  An exercise is judged on the cells of its section: its
variables are read from the snapshots taken after those cells (then after
earlier exercises' cells), its functions are the versions defined in this
or an earlier exercise's cells, never in a later one's.  A submission
without headings is judged on all its cells.

Code the handout supplies earns nothing: functions from handout cells are
not answers, and a function or assignment that still holds the handout's
``...`` is "not implemented".
"""

import ast
import re

import numpy as np

from ..outcomes import Fail, Missing, StudentError, ToRead
from .common import rng_for
from .templates import TEMPLATE, is_template



def parent(exercise_id):
    """``"w41-3"`` for ``"w41-3b"``: the heading above the lettered questions."""
    return re.sub(r"[a-z]$", "", exercise_id)


_VARIANT = r"(_?(v?\d+|new|fixed|final|correct|own|manual|mine|custom|ownbp|my))?"


def variant_of(name):
    """Whether a function's name is ``name`` with a student's suffix (``_v2``, ``_new``...)."""
    pattern = re.compile(re.escape(name) + _VARIANT + "$", re.I)
    return lambda func: bool(pattern.match(getattr(func, "name", "") or ""))


def order(section):
    """Where a section comes in the exercise sets: ``(41, 6, "b")`` for ``"w41-6b"``; None first."""
    match = re.fullmatch(r"w(\d+)-(\d+)([a-z]?)", section or "")
    return (int(match[1]), int(match[2]), match[3]) if match else (0, 0, "")


class Scope:
    """What answers exercise ``exercise_id`` in the context ``ctx``.

    ``states`` are the snapshots after the cells of the exercise's own
    section, ``exercise`` those of any question of the same exercise
    (``w41-6``, ``w41-6a``...), ``earlier`` those after every cell of this or
    an earlier exercise; in a file without headings the last two are all
    the snapshots.  An answer given in a later exercise's cells does not
    answer this one; one given under a later question of the same exercise
    does, when nothing earlier does (a cell answering 3b to 3e is filed
    under 3e).
    """

    def __init__(self, ctx, exercise_id):
        self.ctx, self.id = ctx, exercise_id
        cells = list(getattr(ctx, "cells", None) or [])
        present = {getattr(c, "section", None) for c in cells} | {s.get("__section__") for s in ctx.states}
        self.sections = next(({s} for s in (exercise_id, parent(exercise_id)) if s in present), set())
        self.states = [s for s in ctx.states if s.get("__section__") in self.sections]
        self.earlier = [s for s in ctx.states if self.visible(s.get("__section__"))]
        self.exercise = [s for s in ctx.states if parent(s.get("__section__") or "") == parent(exercise_id)]
        if present <= {None}:
            self.exercise = list(ctx.states)
        self.before = [c for c in cells if self.visible(getattr(c, "section", None))]
        self.own_cells = [c for c in cells if getattr(c, "section", None) in self.sections]

    def rng(self):
        """A fresh generator of this exercise's inputs: the same inputs on every run."""
        return rng_for(self.id)

    def visible(self, section):
        """Whether code of ``section`` may answer this exercise (this one or an earlier one)."""
        return order(section) <= order(self.id)

    # -- variables --------------------------------------------------------
    def state(self, description, changed=None, **shapes):
        """The snapshot holding every name in ``shapes`` with that shape.

        Among the snapshots of this exercise's cells first, then the earlier
        ones: with ``changed``, the one right after the cell that last
        assigned that variable, else the newest.
        """
        for states in (self.states, self.earlier, self.exercise):
            found = _pick(states, self.ctx.states, changed, shapes)
            if found is not None:
                return found
        why = "".join(self.absent(name) for name in shapes)
        raise Missing(f"no {description} found{why}")

    def states_to_try(self, description, changed, **shapes):
        """The snapshots that may answer, best first: :meth:`state`'s, then every other one of
        this exercise's cells (any of its questions) right after a cell that assigned ``changed``.

        A student who got a value wrong under the question's heading and right
        in the next cell has answered it: the checks try each in turn.
        """
        first = self.state(description, changed, **shapes)
        position = {id(s): i for i, s in enumerate(self.ctx.states)}
        found = [first]
        for state in reversed(self.exercise):
            if state is first or not all(n in state and np.shape(state[n]) == v for n, v in shapes.items()):
                continue
            i = position.get(id(state), 0)
            before = self.ctx.states[i - 1] if i else {}
            if changed in state and (changed not in before or not _same(before[changed], state[changed])):
                found.append(state)
        return found

    def value(self, name):
        """The newest value of ``name`` in this exercise's snapshots, else in the earlier ones."""
        for states in (self.states, self.earlier, self.exercise):
            for state in reversed(states):
                if name in state:
                    return state[name]
        raise Missing(f"`{name}` is not defined{self.absent(name)}")

    def need(self, state, name, hint=""):
        if name not in state:
            raise Missing(f"`{name}` is not defined{hint}{self.absent(name)}")
        return state[name]

    def absent(self, name):
        """Why ``name`` has no value, as a reason's tail ("" when unknown).

        Raises :class:`Missing` when the cells still assign the handout's
        ``...`` to it, and :class:`StudentError` when the statement of this
        exercise's cell that assigns it raised (a wrong attempt, not a missing
        one); when that statement only calls a function of another exercise,
        the fault is upstream and the error is only mentioned.
        """
        self.comments_only()
        pattern = re.compile(rf"^[ \t]*+{re.escape(name)}[ \t]*+=[ \t]*+\.\.\.[ \t]*+(#.*)?$", re.M)
        if any(pattern.search(getattr(c, "source", "")) for c in self.before):
            raise Missing(f"`{name}` is {TEMPLATE.format('...')}")
        cells = list(getattr(self.ctx, "cells", None) or [])
        for state in self.states:
            index, error = state.get("__cell__"), state.get("__error__")
            if not error or index is None or index >= len(cells):
                continue
            statement = _failing_statement(cells[index].source, error)
            if statement is None or name not in _assigned(cells[index].source):
                continue
            if isinstance(getattr(statement, "value", None), ast.Call):
                return f" (its cell raised {error})"
            raise StudentError(f"`{name}` is not defined: its cell raised {error}")
        return ""

    # -- functions --------------------------------------------------------
    def functions(self, names, fits=None, later=False, handout=False):
        """The student's functions that may answer: by name first, then by what they do.

        ``names`` are tried in order (newest version first), then every other
        recorded function for which ``fits(func)`` is true.  Only versions
        defined in this or an earlier exercise count (with ``later``, any);
        handout code (unless ``handout``: a helper the exercise uses) and
        untouched templates are left out, and
        :class:`Missing` says why when nothing is left.
        """
        def mine(f):
            return later or self.visible(getattr(f, "section", None))

        def same_exercise(f):  # a cell answering several questions is filed under the last one
            return parent(getattr(f, "section", None) or "") == parent(self.id)

        for allowed in (mine, same_exercise):
            found = []
            for name in names:
                found += [f for f in self.ctx.versions(name) if allowed(f)]
            if fits is not None:
                others = [f for f in reversed(self.ctx.functions())
                          if getattr(f, "name", None) not in names and allowed(f)]
                found += [f for f in others if fits(f)]
            answers = [f for f in found if (handout or not getattr(f, "handout", False))
                       and not is_template(getattr(f, "source", None))]
            if answers or found:
                break
        if answers:
            return answers
        markers = [m for m in (is_template(getattr(f, "source", None)) for f in found) if m]
        if markers:
            raise Missing(f"`{names[0]}` is {TEMPLATE.format(markers[0])}")
        if found:
            raise Missing(f"only the handout's own `{found[0].name}` found, which earns no point: "
                          "write the exercise's code in its cell")
        self.comments_only()
        raise Missing(f"no function `{names[0]}` found: define it with this name")

    def comments_only(self):
        """:class:`ToRead` when this exercise's code cells hold only comments: a written answer."""
        sources = [getattr(c, "source", "") for c in self.own_cells]
        lines = [line.strip() for source in sources for line in source.splitlines() if line.strip()]
        if lines and all(line.startswith("#") for line in lines):
            raise ToRead("the answer is written as comments only: a teacher reads it")

    def first_passing(self, candidates, attempt):
        """``attempt(f)`` for each candidate until one passes; else the newest one's failure."""
        first = None
        for func in candidates:
            try:
                return attempt(func)
            except (Fail, StudentError) as outcome:
                first = first or outcome
        raise first


def _failing_statement(source, error):
    """The top-level statement of ``source`` at the line the error names, or None."""
    match = re.search(r"\(line (\d+)\)", error)
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    line = int(match[1]) if match else None
    return next((n for n in tree.body if line is not None and n.lineno <= line <= n.end_lineno), None)


def _assigned(source):
    """The names a cell's top-level statements assign."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {t.id for n in tree.body if isinstance(n, (ast.Assign, ast.AugAssign, ast.AnnAssign))
            for target in (n.targets if isinstance(n, ast.Assign) else [n.target])
            for t in ast.walk(target) if isinstance(t, ast.Name)}


def _pick(states, every, changed, shapes):
    def matches(state):
        return all(n in state and np.shape(state[n]) == s for n, s in shapes.items())

    if changed is not None:
        position = {id(s): i for i, s in enumerate(every)}
        for state in reversed(states):
            if changed not in state or not matches(state):
                continue
            i = position.get(id(state), 0)
            before = every[i - 1] if i else {}
            if changed not in before or not _same(before[changed], state[changed]):
                return state
    return next((s for s in reversed(states) if matches(s)), None)


def _same(a, b):
    try:
        return np.shape(a) == np.shape(b) and bool(np.array_equal(a, b))
    except (TypeError, ValueError):
        return False
