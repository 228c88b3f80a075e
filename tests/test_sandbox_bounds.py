"""What bounds a submission, measured from outside while the grader runs.

Each test grades one attack of ``tests/fixtures/hostile/`` (and, for the
stalled reader, an honest neighbour after it) with the command line, and
samples what the host sees meanwhile: the threads of every process under
the grader, the machine's shared memory (``/proc/meminfo``).  The attacks
cap themselves (2000 threads, 1.3 GB) so a test stays safe where nothing
bounds them.
"""

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
CORRECT = Path(__file__).parent / "fixtures" / "submissions" / "correct.py"
ENV = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT / "code"),
       "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


def _descendants(root):
    parents = {}
    for entry in Path("/proc").iterdir():
        try:
            parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (ValueError, OSError, IndexError):
            continue
    tree, grown = {root}, True
    while grown:
        grown = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grown = True
    return tree


def _threads(root):
    """Threads of ``root`` and every process under it, as the host counts them."""
    total = 0
    for pid in _descendants(root):
        try:
            total += len(os.listdir(f"/proc/{pid}/task"))
        except OSError:
            continue
    return total


def _shmem_bytes():
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("Shmem:"):
            return int(line.split()[1]) * 1024
    return 0


def _grade(folder, *flags, sample=lambda pid: 0):
    """Run the grader on ``folder``; (process, seconds, grades, largest sample seen)."""
    out = folder.parent / "grades.json"
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-P", "-m", "ffnn.grade", ".", "--json", str(out),
                                "--jobs", "1", *flags], cwd=folder, env=ENV,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]

    def watch():
        while process.poll() is None:
            peak[0] = max(peak[0], sample(process.pid))
            time.sleep(0.1)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        stdout, stderr = process.communicate(timeout=300)
    finally:
        process.kill()
        watcher.join()
    grades = json.loads(out.read_text()) if out.exists() else None
    return process, stdout + stderr, time.monotonic() - started, grades, peak[0]


def _notes(grades, name):
    (submission,) = [s for s in grades["submissions"] if Path(s["path"]).name == name]
    return json.dumps(submission)


def test_a_sandbox_that_stops_reading_ends_as_a_timeout_and_the_run_goes_on(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    big = "# %% Exercise 1 b\nx = 1\n" + ("# " + "A" * 98 + "\n") * 4000  # 400 kB: past a socket buffer
    (folder / "a_stalled.py").write_text((HOSTILE / "stalled_reader.py").read_text() + big)
    (folder / "z_honest.py").write_text(CORRECT.read_text())
    process, output, seconds, grades, _ = _grade(folder, "--submission-timeout", "15",
                                                 "--cell-timeout", "5")
    assert process.returncode == 0, output
    assert seconds < 15 + 120  # the stalled one's deadline, the neighbour and start-up
    names = {Path(s["path"]).name: s for s in grades["submissions"]}
    assert names["a_stalled.py"]["total"] == 0
    assert "timeout" in _notes(grades, "a_stalled.py")
    honest = names["z_honest.py"]
    assert honest["total"] == honest["max_total"] > 0


def test_threads_are_bounded_by_the_submissions_task_limit(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "thread_flood.py").write_text((HOSTILE / "thread_flood.py").read_text())
    process, output, _, grades, peak = _grade(folder, "--week", "41", "--cell-timeout", "20",
                                              sample=_threads)
    assert process.returncode == 0, output
    started = int(_notes(grades, "thread_flood.py").split(" threads started")[0].rsplit(" ", 1)[1])
    assert 10 < started < 256  # the limit (256 tasks) and not the fixture's own cap of 2000
    assert peak < 256 + 100  # the grader's and the zygote's own threads besides
    assert not list(Path("/sys/fs/cgroup/pids").glob(f"ffnn-grader-{process.pid}-*"))


def test_shared_memory_is_refused_or_bounded(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "shared_memory.py").write_text((HOSTILE / "shared_memory.py").read_text())
    before = _shmem_bytes()
    process, output, _, grades, peak = _grade(folder, "--week", "41", "--cell-timeout", "20",
                                              "--memory-mb", "400", sample=lambda pid: _shmem_bytes())
    assert process.returncode == 0, output
    assert "0 memfds, 0 segments" in _notes(grades, "shared_memory.py")
    assert peak - before < 200 * 2**20  # the attack would hold 1.3 GB


def _resident_bytes(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def test_the_grader_keeps_a_bounded_copy_of_the_submissions_variables(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    text = (HOSTILE / "state_flood.py").read_text()
    header, cell = text.split("# %% Exercise 1\n")
    (folder / "state_flood.py").write_text(header + "# %% Exercise 1\n" + ("# %%\n" + cell) * 160)
    process, output, _, grades, peak = _grade(folder, "--week", "41", sample=_resident_bytes)
    assert process.returncode == 0, output
    assert grades["submissions"][0]["total"] == 0
    # 160 cells x 4 MB would be 690 MB kept; the budget is 128 MB of them
    assert peak < 128 * 2**20 + 250 * 2**20, peak


def test_the_grader_keeps_no_large_default_values(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    text = (HOSTILE / "huge_defaults.py").read_text()
    header, cell = text.split("# %% Exercise 1\n")
    (folder / "huge_defaults.py").write_text(header + ("# %% Exercise 1\n" + cell) * 160)
    process, output, _, grades, peak = _grade(folder, "--week", "42", sample=_resident_bytes)
    assert process.returncode == 0, output
    assert grades["submissions"][0]["total"] == 0
    # 160 functions x a 5.6 MB default would be 900 MB kept; defaults stay in the sandbox
    assert peak < 300 * 2**20, peak


TIMEOUTS = """# %% Exercise 1 a
import numpy as np

# %% Exercise 2 a
while True:
    pass

# %% Exercise 3 a
def create_layers(network_input_size, layer_output_sizes):
    while True:
        pass
"""


def _quotas(pid):
    """The CPU quota (in CPUs) of each cpu control group the grader ``pid`` has made now."""
    found = set()
    for group in Path("/sys/fs/cgroup/cpu").glob(f"ffnn-grader-{pid}-*"):
        try:
            quota = int((group / "cpu.cfs_quota_us").read_text())
            found.add(quota / int((group / "cpu.cfs_period_us").read_text()))
        except (OSError, ValueError, ZeroDivisionError):
            continue
    return found


def test_a_spinning_neighbour_changes_no_mark_and_no_timeout(tmp_path):
    """200 threads spinning on every core next to an honest submission and a slow one: both
    get the very JSON they get alone (the step limits count CPU time, not wall time), and
    where a cpu control group can be made the spinner is held to one core."""
    alone = {}
    for name, text in (("b_honest.py", CORRECT.read_text()), ("c_timeouts.py", TIMEOUTS)):
        folder = tmp_path / name.replace(".py", "")
        folder.mkdir()
        (folder / name).write_text(text)
        process, output, _, grades, _ = _grade(folder, "--week", "41", "--cell-timeout", "4",
                                               "--check-timeout", "4")
        assert process.returncode == 0, output
        (alone[name],) = grades["submissions"]
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "a_spinner.py").write_text((HOSTILE / "cpu_spinner.py").read_text())
    (folder / "b_honest.py").write_text(CORRECT.read_text())
    (folder / "c_timeouts.py").write_text(TIMEOUTS)
    out = folder.parent / "grades.json"
    process = subprocess.Popen([sys.executable, "-P", "-m", "ffnn.grade", ".", "--json", str(out),
                                "--jobs", "2", "--week", "41", "--cell-timeout", "4", "--check-timeout",
                                "4", "--submission-timeout", "60"], cwd=folder, env=ENV,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    quotas = set()

    def watch():
        while process.poll() is None:
            quotas.update(_quotas(process.pid))
            time.sleep(0.2)

    watcher = threading.Thread(target=watch)
    watcher.start()
    stdout, stderr = process.communicate(timeout=600)
    watcher.join()
    assert process.returncode == 0, stdout + stderr
    graded = {Path(s["path"]).name: s for s in json.loads(out.read_text())["submissions"]}
    assert graded["a_spinner.py"]["total"] == 0
    for name, own in alone.items():
        together = {**graded[name], "path": own["path"]}
        assert json.dumps(together, sort_keys=True) == json.dumps(own, sort_keys=True), name
    assert alone["b_honest.py"]["total"] == alone["b_honest.py"]["max_total"]
    assert "timeout" in json.dumps(alone["c_timeouts.py"])
    if os.geteuid() == 0 and Path("/sys/fs/cgroup/cpu/cpu.cfs_quota_us").exists():
        assert quotas == {1.0}  # each submission's group: one core at most
