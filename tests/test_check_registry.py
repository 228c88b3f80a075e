"""Each exercise's check is registered once, under its id, and the id is written once."""

import ast
from pathlib import Path

import ffnn_grader.trusted.checks as checks
from ffnn_grader.trusted.exercises import EXERCISES

CHECKS_DIR = Path(checks.__file__).parent


def test_every_exercise_has_exactly_one_check():
    assert sorted(checks.CHECKS) == sorted(EXERCISES)
    assert len({id(f) for f in checks.CHECKS.values()}) == len(EXERCISES)


def _strings(path):
    """The string constants of a module's code (docstrings left out)."""
    tree = ast.parse(path.read_text())
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [n.value for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings]


def test_each_exercise_id_is_written_once_in_the_checks():
    strings = [s for path in sorted(CHECKS_DIR.glob("*.py")) for s in _strings(path)]
    for exercise in EXERCISES:
        assert strings.count(exercise) == 1, f"{exercise} is written {strings.count(exercise)} times"
