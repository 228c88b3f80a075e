"""Hostile submissions, graded for real, judged from outside the sandbox.

One class folder holds every attack of ``tests/fixtures/hostile/`` and an
honest neighbour graded after them.  The grader runs as a separate process
(``python -P -m ffnn.grade``, started in the class folder itself) with
secrets planted in its environment, in its HOME and in the neighbour's file,
and a listener open on the loopback interface.  Afterwards the tests look
at what anyone outside can see: the marks, the printed output, the JSON,
every file, the listener, the process table.
"""

import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import threading
import time
import uuid
from pathlib import Path

import pytest

from ffnn_grader import grade_path
from ffnn_grader.trusted.sandbox import Limits

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
CORRECT = Path(__file__).parent / "fixtures" / "submissions" / "correct.py"
PACKAGE = ROOT / "code" / "ffnn"
FLAGS = ["--cell-timeout", "2", "--check-timeout", "2", "--submission-timeout", "20",
         "--memory-mb", "400"]
LIMITS = Limits(cell_timeout=2, check_timeout=2, submission_timeout=20, memory_mb=400)
ESCAPED_NAME = "terminal\x1b[2J\x1b]0;pwned\x07.py"
NAMES = {  # fixture -> its name in the class folder
    **{p.name: p.name for p in HOSTILE.iterdir() if p.suffix in (".py", ".ipynb")},
    "shadow_argparse.py": "argparse.py",
    "terminal_escapes.py": ESCAPED_NAME,
}


def _tree(folder):
    """Every file under ``folder`` with its content's hash."""
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in Path(folder).rglob("*") if p.is_file()}


class Listener:
    """A TCP and a UDP socket on 127.0.0.1 (one port) that record whatever reaches them."""

    def __init__(self):
        self.tcp = socket.create_server(("127.0.0.1", 0))
        self.port = self.tcp.getsockname()[1]
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", self.port))
        self.received, self.open = [], True
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        for s in (self.tcp, self.udp):
            s.settimeout(0.2)
        while self.open:
            try:
                connection, _ = self.tcp.accept()
                self.received.append(("tcp", connection.recv(65536)))
            except OSError:
                pass
            try:
                self.received.append(("udp", self.udp.recv(65536)))
            except OSError:
                pass

    def close(self):
        self.open = False
        time.sleep(0.5)
        self.tcp.close()
        self.udp.close()


def _processes(word):
    """Processes (other than this one) whose command line holds ``word``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if word in command:
                found.append(command)
    return found


def _environments(word):
    """Processes whose environment holds ``word`` (every process the grader run started)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if word.encode() in (entry / "environ").read_bytes():
                    found.append(entry.name)
            except OSError:
                continue
    return found


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    secrets = {k: f"{k}-{uuid.uuid4().hex}" for k in ("ENV", "HOME", "NEIGHBOUR", "PREFIX")}
    marker = f"marker{uuid.uuid4().hex}"
    folder, home, outside, out = (base / n for n in ("class", "home", "outside", "out"))
    for d in (folder, home / ".ssh", outside, out):
        d.mkdir(parents=True)
    (home / ".ssh" / "id_rsa").write_text(secrets["HOME"])
    (outside / "keep.txt").write_text("nothing to see")
    neighbour = folder / "zz_neighbour.py"
    neighbour.write_text(CORRECT.read_text() + f"\n# {secrets['NEIGHBOUR']}\n")
    listener = Listener()
    planted = _plant(secrets["PREFIX"])
    tokens = {"@PREFIXFILE@": str(planted[0] if planted else base / "no-prefix-file"),
              "@NEIGHBOUR@": str(neighbour), "@HOMEFILE@": str(home / ".ssh" / "id_rsa"),
              "@JSON@": str(out / "grades.json"), "@PORT@": str(listener.port),
              "@PACKAGE@": str(PACKAGE), "@OUTSIDE@": str(outside), "@MARKER@": marker}
    for fixture, name in NAMES.items():
        text = (HOSTILE / fixture).read_text()
        for token, value in tokens.items():
            text = text.replace(token, value)
        (folder / name).write_text(text)
    before = _tree(base)
    alone = grade_path(CORRECT, LIMITS)  # the neighbour's marks when graded on its own
    env = {"PATH": os.environ["PATH"], "HOME": str(home), "SECRET_TOKEN": secrets["ENV"],
           "PYTHONPATH": str(ROOT / "code"), "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    started = time.monotonic()
    process = subprocess.run([sys.executable, "-P", "-m", "ffnn.grade", ".", "--json",
                              str(out / "grades.json"), *FLAGS],
                             cwd=folder, env=env, capture_output=True, text=True, timeout=900)
    elapsed = time.monotonic() - started
    first = (out / "grades.json").read_text()
    time.sleep(3)  # a daemon would rewrite the file now
    listener.close()
    grades = json.loads((out / "grades.json").read_text())
    for path in planted:
        path.unlink()
    yield dict(process=process, elapsed=elapsed, first=first, grades=grades, secrets=secrets,
               marker=marker, base=base, before=before, after=_tree(base),
               package_after=_tree(PACKAGE), listener=listener,
               folder=folder, outside=outside, out=out, alone=alone,
               by_name={Path(s["path"]).name: s for s in grades["submissions"]})


def _plant(secret):
    """Secret files beside the base Python, outside what it needs (its prefix's root, its
    lib folder, its own site-packages), where this user may write there; their paths."""
    prefix = Path(sys.base_prefix)
    places = [prefix, prefix / "lib", Path(sysconfig.get_path("stdlib")) / "site-packages"]
    planted = []
    for place in places:
        path = place / f"teacher-token-{uuid.uuid4().hex}.txt"
        try:
            path.write_text(secret)
        except OSError:
            continue
        planted.append(path)
    return planted


def _text(submission):
    return json.dumps(submission)


def test_the_run_finishes_within_its_deadlines_and_writes_the_json(run):
    assert run["process"].returncode == 0, run["process"].stderr
    assert set(run["by_name"]) == set(NAMES.values()) | {"zz_neighbour.py"}
    assert run["grades"]["sandbox"].startswith("bubblewrap")
    assert run["elapsed"] < 30 + 20 * len(NAMES)  # start-up + every submission's own deadline


@pytest.mark.parametrize("name", sorted(NAMES.values()))
def test_an_attack_with_no_work_scores_nothing(run, name):
    submission = run["by_name"][name]
    assert submission["total"] == 0, [r for r in submission["results"] if r["points"]]


def test_the_neighbour_keeps_its_file_and_its_marks(run):
    neighbour = run["folder"] / "zz_neighbour.py"
    assert run["before"][str(neighbour)] == run["after"][str(neighbour)]
    graded = run["by_name"]["zz_neighbour.py"]
    assert [(r["exercise"], r["status"]) for r in graded["results"]] == \
        [(r["exercise"], r["status"]) for r in run["alone"]["results"]]
    assert graded["total"] == run["alone"]["total"] == run["alone"]["max_total"]


def test_no_file_outside_the_sandbox_is_written_or_deleted(run):
    grades = str(run["out"] / "grades.json")
    assert {k: v for k, v in run["after"].items() if k != grades} == run["before"]
    # (other work may edit the package meanwhile: look for the attack's own traces)
    assert not (PACKAGE / "argparse.py").exists()
    assert not any(run["marker"] in Path(p).read_text(errors="replace") for p in run["package_after"])
    assert not list(Path("/tmp").glob("loot.txt")) and not list(Path("/tmp").glob("argparse.py"))


def test_no_secret_appears_in_the_output_the_json_or_any_file(run):
    visible = [run["process"].stdout, run["process"].stderr, json.dumps(run["grades"])]
    visible += [Path(p).read_text(errors="replace") for p in run["after"]
                if not p.endswith(("id_rsa", "zz_neighbour.py"))]
    for secret in run["secrets"].values():
        assert not any(secret in text for text in visible), secret
    notes = _text(run["by_name"]["steal_secrets.py"])
    assert "unreadable" in notes or "No such file" in notes or "missing" in notes


def test_no_connection_reaches_a_loopback_listener(run):
    assert run["listener"].received == []
    assert "Network is unreachable" in _text(run["by_name"]["network.py"])


def test_nothing_the_submissions_started_is_alive_afterwards(run):
    assert _processes(run["marker"]) == []
    assert _environments(run["secrets"]["ENV"]) == []  # the grader's bwrap and zygote are gone
    assert run["first"] == (run["out"] / "grades.json").read_text()  # no daemon rewrote it
    assert "forged" not in run["grades"]
    daemon = _text(run["by_name"]["daemon.py"])
    assert "fork: [Errno 11]" in daemon and "popen: [Errno 11]" in daemon


def test_the_terminal_output_holds_no_control_characters(run):
    out = run["process"].stdout
    assert re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", out) is None
    assert "\\x1b[2J" in out  # shown escaped
    assert ESCAPED_NAME in run["by_name"]  # the JSON keeps the real name, escaped by JSON itself


def test_a_submission_named_argparse_does_not_run_in_the_grader(run):
    assert not (run["outside"] / "argparse-ran-in-the-grader").exists()


def test_without_minus_p_the_shadowing_module_would_run(tmp_path):
    # Started as `python -m` from the class folder, the grader restarts itself with -P
    # before importing anything a submission could shadow: argparse.py no longer runs.
    # What Python's own -m machinery imports before any of the grader's code
    # (contextlib.py) still runs: only -P, or the ffnn-grade command, avoids that.
    marker = tmp_path / "ran"
    (tmp_path / "argparse.py").write_text(f"open({str(marker)!r}, 'w').close()\nraise SystemExit(3)\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "code")}
    restarted = subprocess.run([sys.executable, "-m", "ffnn.grade", "--help"], cwd=tmp_path, env=env,
                               capture_output=True, timeout=120)
    assert not marker.exists() and restarted.returncode == 0
    (tmp_path / "argparse.py").rename(tmp_path / "contextlib.py")
    unsafe = subprocess.run([sys.executable, "-m", "ffnn.grade", "--help"], cwd=tmp_path, env=env,
                            capture_output=True, timeout=120)
    assert marker.exists() and unsafe.returncode == 3
    marker.unlink()
    safe = subprocess.run([sys.executable, "-P", "-m", "ffnn.grade", "--help"], cwd=tmp_path, env=env,
                          capture_output=True, timeout=120)
    assert not marker.exists() and safe.returncode == 0


# What each attack met, as the grader reports it.
OUTCOMES = {
    "patch_everything.py": ["no ffnn"],
    "frame_theft.py": ["LookupError: no expected value in any frame"],
    # only its own /tmp and home directory are writable, and they vanish with it
    "files.py": ["write neighbour: FileNotFoundError", "delete neighbour: FileNotFoundError",
                 "write package: FileNotFoundError", "write grades: FileNotFoundError",
                 "delete outside: FileNotFoundError", "write cwd: done", "write tmp: done"],
    "fork_bomb.py": ["threads, then"],
    "kill_grader.py": ["still here"],  # it reached no one: not even itself (process 1)
    "lift_rlimits.py": ["RLIMIT_AS: not allowed to raise maximum limit", "MemoryError"],
    "proc_mem.py": ["pids seen: []", "/proc/2/mem: FileNotFoundError"],  # no /proc at all
    "kernel_settings.py": ["/proc/sys/kernel/core_pattern: FileNotFoundError",
                           "/proc/sysrq-trigger: OSError"],
    "shell_lines.ipynb": ["BlockingIOError"],
    "steal_reference.py": ["KeyError: 'softmax'"],  # the grader's files are not there to read
    "pty_channel.py": ["ptmx: FileNotFoundError", "pts: FileNotFoundError"],  # no terminals at all
    "reference_store.py": ["Read-only file system"],
    "sysv_ipc.py": ["semget: 0 made, errno 1", "msgget: 0 made, errno 1", "shmget: 0 made, errno 1"],
    "runtime_prefix.py": ["planted: FileNotFoundError"],
    "scratch_fill.py": ["wrote "],
    "umount_covers.py": ["/tmp: -1 errno 1", "/: -1 errno 1", "mount: -1 errno 1"],  # no capability
    "inode_flood.py": ["No space left on device"],  # empty files count too
    "signature_trap.py": ["lines 4-15: timeout"],  # its signature is read outside the cell's timer
    "descriptor_hunt.py": ["malformed message"],  # the only descriptor is the grader's channel
}


@pytest.mark.parametrize("name", sorted(OUTCOMES))
def test_each_attack_meets_the_sandbox(run, name):
    text = _text(run["by_name"][name]).replace(str(run["folder"] / "zz_neighbour.py"), "@NEIGHBOUR@")
    for phrase in OUTCOMES[name]:
        assert phrase in text, (phrase, text[:3000])


def test_what_a_submission_may_write_is_bounded_once(run):
    text = _text(run["by_name"]["scratch_fill.py"])
    total = int(text.split("wrote ")[1].split(" MB")[0])
    assert 0 < total <= LIMITS.tmpfs_mb  # /tmp, the home directory and /dev/shm together
    assert "written" not in _text(run["by_name"]["reference_store.py"])


def test_a_reference_function_brings_no_other_along(run):
    results = {r["exercise"]: r for r in run["by_name"]["reference_namespace.py"]["results"]}
    assert results["w42-3c"]["status"] != "pass" and results["w42-3b"]["status"] != "pass"


@pytest.mark.parametrize("name", ["forged_messages.py", "malformed_message.py", "heartbeat_hang.py"])
def test_forged_and_malformed_messages_end_only_their_submission(run, name):
    submission = run["by_name"][name]
    assert not any(r["status"] == "pass" for r in submission["results"])
    assert run["by_name"]["zz_neighbour.py"]["total"] == run["alone"]["total"]
