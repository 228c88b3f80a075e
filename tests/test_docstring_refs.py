"""Every :mod:/:class:/:func:/... reference in the docstrings and comments of ``code/`` resolves.

A reference is resolved as Sphinx would for a reader: ``.name`` against the module's
package (as a relative import would), else inside the module itself; a bare name inside
the module (or one of its classes), else as an absolute dotted name.  Modules under
``code/`` are read with ``ast`` (the sandbox's files are not importable outside it); other
modules (numpy, the standard library) are imported.
"""

import ast
import builtins
import importlib
import re
from functools import cache
from pathlib import Path

CODE = Path(__file__).resolve().parent.parent / "code"
SKIPPED = ("experiments", "plots")
ROLE = re.compile(r":(mod|class|func|meth|data|attr|exc|obj):`([^`]+)`")


def module_name(path):
    parts = path.relative_to(CODE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def module_file(name):
    """The file of module ``name`` under code/, or None."""
    base = CODE.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return base if base.is_dir() else None  # a folder of standalone files


@cache
def names_in(name):
    """The names a module under code/ defines or imports: {name: ast node or module name}."""
    path = module_file(name)
    if path is None or path.is_dir():
        return {}
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = {}
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found[node.name] = node
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                for leaf in ast.walk(target):
                    if isinstance(leaf, ast.Name):
                        found[leaf.id] = node
        elif isinstance(node, ast.Import):
            for alias in node.names:
                found[(alias.asname or alias.name).split(".")[0]] = alias.name.split(".")[0] \
                    if not alias.asname else alias.name
        elif isinstance(node, ast.ImportFrom):
            parts = package.split(".")
            base = ".".join(parts[:len(parts) - node.level + 1]) if node.level else ""
            source = ".".join(p for p in (base, node.module or "") if p)
            for alias in node.names:
                if alias.name == "*":
                    found.update(names_in(source))
                else:
                    found[alias.asname or alias.name] = f"{source}.{alias.name}"
    return found


def members(node):
    """Names defined inside a class: methods, class attributes, ``self.x`` assignments."""
    found = set()
    for child in ast.walk(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(child.name)
        elif isinstance(child, ast.AnnAssign) and isinstance(child.target, ast.Name):
            found.add(child.target.id)
        elif isinstance(child, ast.Assign):
            for target in child.targets:
                if isinstance(target, ast.Name):
                    found.add(target.id)
                elif isinstance(target, ast.Attribute):
                    found.add(target.attr)
    return found


def resolves(dotted):
    """Does the absolute dotted name exist?"""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        module = ".".join(parts[:cut])
        if module_file(module) is not None:
            return in_module(module, parts[cut:])
    try:
        obj = importlib.import_module(parts[0])
    except ImportError:  # a built-in name: ValueError, FileNotFoundError
        obj, parts = builtins, ["builtins", *parts]
    return _getattrs(obj, parts[1:])


def _getattrs(obj, parts):
    for part in parts:
        if not hasattr(obj, part):
            try:  # a submodule not yet imported
                obj = importlib.import_module(f"{obj.__name__}.{part}")
                continue
            except (ImportError, AttributeError):
                return False
        obj = getattr(obj, part)
    return True


def in_module(module, rest):
    """Does ``module`` (under code/) hold ``rest`` (a list of names, maybe empty)?"""
    if not rest:
        return True
    if module_file(f"{module}.{rest[0]}") is not None:
        return in_module(f"{module}.{rest[0]}", rest[1:])
    target = names_in(module).get(rest[0])
    if target is None:
        return False
    if isinstance(target, str):  # imported: follow it
        return resolves(".".join([target, *rest[1:]]))
    if len(rest) == 1:
        return True
    return isinstance(target, ast.ClassDef) and rest[1] in members(target) and len(rest) == 2


def candidates(target, module, package):
    if target.startswith("."):
        rest = target.lstrip(".")
        level = len(target) - len(rest)
        parts = package.split(".")
        base = ".".join(parts[:len(parts) - level + 1])
        return [f"{base}.{rest}", f"{module}.{rest}"]
    found = [f"{module}.{target}", target]
    # a bare method or attribute name, inside one of the module's classes
    found += [f"{module}.{name}.{target}" for name, node in names_in(module).items()
              if isinstance(node, ast.ClassDef)]
    return found


def references():
    """(file, line, role, target) for every reference in code/."""
    for path in sorted(CODE.rglob("*.py")):
        if path.relative_to(CODE).parts[0] in SKIPPED:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for role, text in ROLE.findall(line):
                target = re.sub(r"^.*<(.+)>$", r"\1", text).lstrip("~!")
                yield path, number, role, target


def unresolved():
    bad = []
    for path, number, role, target in references():
        module = module_name(path)
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        if not any(resolves(c) for c in candidates(target, module, package)):
            bad.append(f"{path.relative_to(CODE)}:{number}: :{role}:`{target}`")
    return bad


def test_every_reference_in_the_docstrings_resolves():
    assert len(list(references())) > 300  # the pattern still finds them
    assert unresolved() == []


def test_the_check_finds_a_reference_that_does_not_resolve(monkeypatch):
    # the test above must be able to fail: a reference to the old place of a module is caught
    module = CODE / "ffnn_grader" / "sandboxed" / "zygote.py"
    source = module.read_text() + "\n# :class:`.sandbox.Zygote` :func:`ffnn.costs.nothing`\n"
    monkeypatch.setattr(Path, "read_text", lambda self, *a, **k: source if self == module
                        else Path.read_bytes(self).decode())
    names_in.cache_clear()
    line = len(source.splitlines())
    try:
        assert unresolved() == [f"ffnn_grader/sandboxed/zygote.py:{line}: :class:`.sandbox.Zygote`",
                                f"ffnn_grader/sandboxed/zygote.py:{line}: :func:`ffnn.costs.nothing`"]
    finally:
        names_in.cache_clear()
