"""The activations a student's own network uses, read from its cells and its functions.

A network of exercises 4b, 5c and 6b is built from a list of activation
functions (``[ReLU, ReLU, sigmoid]``), written in the exercise's cells.
The list is found in the code (a list of as many names as the network has
layers) and each name is told by what the student's function of that name
does, never by its name: ``act1`` that computes max(0, z) is ReLU.  The
exercise sets' texts differ between years in the order of the layers'
activations, so the check compares which activations are used and how
often, not their order.
"""

import ast
from collections import Counter

import numpy as np

from ffnn import activations as _act

from ..outcomes import Fail, StudentError
from .common import as_array, call, close, handout_softmax

_Z = np.array([[-2.0, -0.5, 0.3, 1.5], [0.7, -1.2, 2.2, -0.1]])
KNOWN = {"ReLU": _act.relu, "sigmoid": _act.sigmoid, "tanh": _act.tanh, "identity": _act.identity,
         "softmax": _act.softmax}


def _lists(source, n):
    """Lists (or tuples) of ``n`` plain names in ``source``, in the order they appear."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = [node for node in ast.walk(tree) if isinstance(node, (ast.List, ast.Tuple))
             and len(node.elts) == n and all(isinstance(e, ast.Name) for e in node.elts)]
    return [[e.id for e in node.elts] for node in sorted(found, key=lambda node: node.lineno)]


def kind_of(func):
    """What the student's ``func`` computes ("ReLU", "sigmoid"...), or None."""
    try:
        got = as_array(call(func.name, func, _Z.copy()), func.name)
    except (Fail, StudentError):
        return None
    if close(got, handout_softmax(_Z)) or close(got, _act.softmax(_Z.T).T):
        return "softmax"
    return next((name for name, f in KNOWN.items() if close(got, f(_Z))), None)


def check_activations(scope, want):
    """:class:`Fail` when the networks of this exercise's cells use other activations than ``want``.

    One network with the wanted activations answers (a later cell may try
    others, as exercise 4c asks); silent when no list is found whose names
    are all the student's functions doing what a known activation does.
    """
    cells = list(getattr(scope.ctx, "cells", None) or [])
    wrong = None
    for cell in reversed(scope.own_cells):
        index = next((i for i, c in enumerate(cells) if c is cell), None)
        for names in reversed(_lists(getattr(cell, "source", ""), len(want))):
            kinds = []
            for name in names:
                versions = [f for f in scope.ctx.versions(name)
                            if index is None or f.cell is None or f.cell <= index]
                kinds.append(kind_of(versions[0]) if versions else None)
            if None in kinds:
                continue
            if Counter(kinds) == Counter(want):
                return
            wrong = wrong or Fail(f"your network in {cell.label} uses the activations [{', '.join(names)}], "
                                  f"that is {', '.join(kinds)}; the exercise asks for {', '.join(want)}")
    if wrong:
        raise wrong
