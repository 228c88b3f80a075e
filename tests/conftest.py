"""Shared fixtures, and the ``slow`` mark for the grader's and the renderer's tests.

``pytest -m "not slow"`` runs the numerical core (the module's own tests) in
seconds; ``make test`` and CI run everything.  The mark is given here, by
file name, so that the slow tests' files need no marks of their own.
"""

import numpy as np
import pytest

SLOW_FILES = ("test_grade", "test_render", "test_sandbox", "test_verdicts", "test_checks",
              "test_report", "test_experiments", "test_parsing", "test_check")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.name.startswith(SLOW_FILES):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def rng():
    return np.random.default_rng(20241014)
