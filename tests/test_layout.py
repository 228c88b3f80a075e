"""The layout's two lines, read from the imports of every module.

* ``ffnn`` (the network a student reuses) imports nothing of the grader;
  ``ffnn/grade.py`` starts the grader's command line under its documented name
  (``python -m ffnn.grade``) as a new program, without importing it.
* ``ffnn_grader.sandboxed`` (the files bound into the sandbox) imports nothing of
  ``ffnn`` nor of the trusted side: the student's process never holds the
  reference implementation or the code that decides the marks.
"""

import ast
from pathlib import Path

CODE = Path(__file__).resolve().parent.parent / "code"


def imported_modules(path):
    """Every module ``path`` imports, absolute, relative ones resolved against its package."""
    package = path.relative_to(CODE).with_suffix("").parts[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else ()
            module = ".".join((*base, *(node.module.split(".") if node.module else ())))
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def offending(folder, forbidden, allowed_files=()):
    return {str(path.relative_to(CODE)): sorted(m for m in imported_modules(path)
                                                 if m.split(".")[0] in forbidden
                                                 or any(m.startswith(f) for f in forbidden if "." in f))
            for path in sorted((CODE / folder).rglob("*.py")) if path.name not in allowed_files}


def test_the_network_imports_nothing_of_the_grader():
    bad = {k: v for k, v in offending("ffnn", {"ffnn_grader"}).items() if v}
    assert bad == {}


def test_the_sandboxed_code_imports_neither_ffnn_nor_the_trusted_side():
    bad = {k: v for k, v in offending("ffnn_grader/sandboxed",
                                      {"ffnn", "ffnn_grader.trusted", "ffnn_grader.cli"}).items() if v}
    assert bad == {}


def test_the_check_finds_a_forbidden_import(tmp_path, monkeypatch):
    # the test above must be able to fail: a relative import of the trusted side is caught
    module = CODE / "ffnn_grader" / "sandboxed" / "agent.py"
    source = module.read_text() + "\nfrom ..trusted import checks\n"
    monkeypatch.setattr(Path, "read_text", lambda self, *a, **k: source if self == module
                        else Path.read_bytes(self).decode())
    assert offending("ffnn_grader/sandboxed", {"ffnn_grader.trusted"})["ffnn_grader/sandboxed/agent.py"]
