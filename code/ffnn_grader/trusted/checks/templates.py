"""The handout's skeletons: a function or assignment still holding ``...`` or only ``pass``."""

import ast

TEMPLATE = "not implemented (the cell still holds the handout's `{}`)"


def is_template(source):
    """``"..."`` or ``"pass"`` when a function's (or class's) source is still the handout's skeleton.

    A skeleton holds a bare ``...`` as a value (``z = ...``, ``W -= ...``,
    ``return ...``), or only ``pass`` and docstrings in every function.
    Otherwise None.
    """
    if not source:
        return None
    try:
        tree = ast.parse(_dedent(source))
    except SyntaxError:
        return None
    subscripts = {id(n) for s in ast.walk(tree) if isinstance(s, ast.Subscript) for n in ast.walk(s.slice)}
    if any(isinstance(n, ast.Constant) and n.value is Ellipsis and id(n) not in subscripts
           for n in ast.walk(tree)):
        return "..."
    functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    if functions and all(all(_trivial(s) for s in f.body) for f in functions):
        return "pass"
    return None


def _trivial(statement):
    return isinstance(statement, ast.Pass) or (
        isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant))


def _dedent(source):
    lines = [line for line in source.splitlines() if line.strip()]
    indent = min((len(line) - len(line.lstrip()) for line in lines), default=0)
    return "\n".join(line[indent:] for line in source.splitlines())
