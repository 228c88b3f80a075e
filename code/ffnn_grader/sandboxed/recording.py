"""Inside the sandbox: what the agent tells the grader about the student's functions.

Standalone (numpy only), loaded by :mod:`.agent`: each function's signature,
the text of its ``def``, the global names its code refers to, the exercise
variables as the checks compare them, and the rebinding of a section's
functions to the globals as they stood at the section's end.
"""

import ast
import inspect
import types

import numpy as np


def parameters(value, encode):
    """The signature as plain data (defaults through ``encode``), or None."""
    try:
        found = inspect.signature(value).parameters.values()
    except (TypeError, ValueError):
        return None
    out = []
    for p in list(found)[:64]:
        entry = {"name": p.name, "kind": int(p.kind)}
        if p.default is not p.empty:
            entry["default"] = encode(p.default)
        out.append(entry)
    return out


def source_of(value, cell_source, limit):
    """The text of the ``def``/``class`` that made ``value``, from its cell (bounded)."""
    line = getattr(getattr(value, "__code__", None), "co_firstlineno", None)
    try:
        for node in ast.walk(ast.parse(cell_source)):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == value.__name__ \
                    and (line is None or node.lineno <= line <= (node.end_lineno or line)):
                return (ast.get_source_segment(cell_source, node) or "")[:limit]
    except (SyntaxError, ValueError, AttributeError, TypeError):
        pass
    return ""


def global_names(value):
    """The global names a function's code refers to (nested functions, a class's methods)."""
    names, stack = set(), [getattr(value, "__code__", None)]
    if isinstance(value, type):
        stack = [getattr(v, "__code__", None) for v in vars(value).values()]
    while stack:
        code = stack.pop()
        if isinstance(code, types.CodeType):
            names.update(code.co_names)
            stack.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
    return sorted(n for n in names if n.isidentifier())[:500]


def snapshot_value(value, depth=0):
    """An exercise variable as the checks compare it (float arrays and numbers), or None."""
    if isinstance(value, np.ndarray):
        return np.array(value, dtype=float) if value.dtype.kind in "biuf" and value.size <= 10**5 else None
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, (list, tuple)) and depth < 3 and len(value) <= 64:
        items = [snapshot_value(item, depth + 1) for item in value]
        if any(item is None for item in items):
            return None
        return tuple(items) if isinstance(value, tuple) else items
    return None


def bind_to_section_end(namespace, functions):
    """``{handle: copy}``: each function of ``functions`` bound to a copy of ``namespace`` now.

    The copy's own functions are rebound to it too, so a helper redefined in a
    later section changes nothing for the functions of this one.
    """
    frozen = dict(namespace)

    def rebind(f):
        copy = types.FunctionType(f.__code__, frozen, f.__name__, f.__defaults__, f.__closure__)
        copy.__kwdefaults__, copy.__dict__ = f.__kwdefaults__, dict(f.__dict__)
        copy.__qualname__, copy.__doc__ = f.__qualname__, f.__doc__
        return copy

    for name, value in list(frozen.items()):
        if isinstance(value, types.FunctionType) and value.__globals__ is namespace:
            frozen[name] = rebind(value)
    return {number: rebind(f) for number, f in functions}
