"""The reference functions the sandbox hands to the student's code.

They are the sandbox's own copies of :mod:`ffnn`'s activations and costs
(:mod:`ffnn_grader.sandboxed.builtins`): a student is graded against the
functions it received, so the copies must equal :mod:`ffnn`'s value for value
and derivative for derivative.  In the sandbox each is alone in its namespace,
and it (and every copy of its code) stops working when the check ends.
"""

import time

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

from ffnn import activations, costs
from ffnn_grader.sandboxed import builtins as ref
from ffnn_grader.trusted.outcomes import StudentRaised
from ffnn_grader.trusted.sandbox import Limits, launcher
from ffnn_grader.trusted.student import Remote
from ffnn_grader.trusted.submission import Cell
from ffnn_grader.trusted.supervisor import Session

ACTIVATIONS = ("identity", "relu", "leaky_relu", "sigmoid", "tanh", "softmax")
INPUTS = [(7,), (5, 3), (1, 4)]


def _inputs(rng, shape):
    z = rng.normal(scale=4.0, size=shape)
    z.flat[0] = 40.0  # large enough for a naive softmax or sigmoid to overflow
    return z


@pytest.mark.parametrize("name", ACTIVATIONS)
@pytest.mark.parametrize("shape", INPUTS)
def test_each_activation_equals_ffnns_value_for_value(rng, name, shape):
    z = _inputs(rng, shape)
    np.testing.assert_array_equal(getattr(ref, name)(z), getattr(activations, name)(z))


@pytest.mark.parametrize("name", [n for n in ACTIVATIONS if n != "softmax"])
@pytest.mark.parametrize("shape", INPUTS)
def test_each_derivative_equals_ffnns_and_autograds(rng, name, shape):
    z = _inputs(rng, shape)
    z[np.abs(z) < 1e-3] = 0.5  # away from relu's kink
    mine = getattr(ref, f"{name}_der")(z)
    np.testing.assert_array_equal(mine, getattr(activations, f"{name}_der")(z))
    f = getattr(ref, name)
    by_autograd = autograd.elementwise_grad(lambda x: f(x))(z)
    np.testing.assert_allclose(mine, by_autograd, rtol=1e-9, atol=1e-12)  # 1 - tanh² cancels


@pytest.mark.parametrize("shape", INPUTS)
def test_the_softmax_variants_are_ffnns_softmax(rng, shape):
    z = _inputs(rng, shape)
    np.testing.assert_array_equal(ref.softmax_columns(z.T).T, activations.softmax(z))
    np.testing.assert_array_equal(ref.softmax_vec(z[0] if z.ndim == 2 else z),
                                  activations.softmax(z[0] if z.ndim == 2 else z))
    np.testing.assert_array_equal(ref.ones_der(z), np.ones_like(z))


@pytest.mark.parametrize("shape", INPUTS)
def test_the_costs_and_their_derivatives_equal_ffnns(rng, shape):
    predict = activations.softmax(_inputs(rng, shape))
    target = np.eye(shape[-1])[rng.integers(shape[-1], size=shape[:-1])] if len(shape) == 2 \
        else np.eye(shape[0])[2]
    predict[..., 0] = 0.0  # log of an underflowed probability: large and finite in both
    for name in ("mse", "mse_der", "cross_entropy", "cross_entropy_der"):
        np.testing.assert_array_equal(getattr(ref, name)(predict, target),
                                      getattr(costs, name)(predict, target))
    by_autograd = autograd.grad(ref.mse)(predict, target)
    np.testing.assert_allclose(ref.mse_der(predict, target), by_autograd, rtol=1e-13)
    z = _inputs(rng, shape)  # dC/dz of softmax + cross-entropy, through autograd
    by_autograd = autograd.grad(lambda x: ref.cross_entropy(ref.softmax(x), target))(z)
    np.testing.assert_allclose(ref.cross_entropy_der(ref.softmax(z), target), by_autograd,
                               rtol=1e-10, atol=1e-15)


def test_armed_alone_each_reference_still_works(rng):
    """As the sandbox arms them (the same code): each in a namespace holding no other
    function, each giving the same values as this file's."""
    import types
    from pathlib import Path

    from ffnn_grader.sandboxed import handles, protocol
    armed = handles.Handles(protocol, 100)
    armed.arm(Path(ref.__file__).read_text())
    z, target = _inputs(rng, (5, 3)), np.eye(3)[[0, 1, 2, 0, 1]]
    for f, name in armed.references:
        assert [v for v in f.__globals__.values() if isinstance(v, types.FunctionType)] == [f], name
        args = (activations.softmax(z), target) if name.startswith(("mse", "cross")) else (z,)
        np.testing.assert_array_equal(f(*args), getattr(ref, name)(*args))
    armed.forget()
    with pytest.raises(RuntimeError, match="work only during the check"):
        armed.references or f(z)


# ---------------------------------------------------------------------------
# In the sandbox
# ---------------------------------------------------------------------------
LIMITS = Limits(cell_timeout=5, check_timeout=5, grace=1)
STUDENT = """
import types

import numpy as np

STORE = {}


def globals_of(f):
    return sorted(k for k, v in f.__globals__.items() if callable(v) and not isinstance(v, type)
                  and not isinstance(v, types.ModuleType))


def copy(f):
    STORE["code"] = types.FunctionType(f.__code__, dict(f.__globals__), "stolen")
    STORE["same"] = types.FunctionType(f.__code__, f.__globals__, "stolen")
    return f(np.zeros(2))


def copy_and_freeze(f):
    import gc
    STORE["frozen"] = types.FunctionType(f.__code__, dict(f.__globals__), "stolen")
    gc.freeze()  # out of the generations a quick search of the collector looks at
    return 0


def use(which, x):
    return STORE[which](x)
"""


@pytest.fixture(scope="module")
def functions():
    names = (("globals_of", "copy", "copy_and_freeze", "use"), ())
    session = Session(launcher(LIMITS), LIMITS, time.monotonic() + 120, names, None)
    _, records, _ = session.cell(0, Cell("cell 0", STUDENT, section="w42-1"), 5)
    session.end()
    yield {r["name"]: Remote(session, r["id"], r) for r in records}
    session.close()


def test_a_reference_reaches_no_other_reference(functions):
    functions["globals_of"]._session.begin_check()
    assert functions["globals_of"](ref.sigmoid_der) == ["sigmoid_der"]  # not sigmoid, not mse_der
    assert functions["globals_of"](ref.cross_entropy) == ["cross_entropy"]
    functions["globals_of"]._session.end_check()


def test_copies_of_a_references_code_die_with_the_check(functions):
    session = functions["copy"]._session
    session.begin_check()
    assert np.allclose(functions["copy"](ref.sigmoid), [0.5, 0.5])
    assert np.allclose(functions["use"]("code", np.zeros(1)), [0.5])  # the same check: works
    assert functions["copy_and_freeze"](ref.sigmoid_der) == 0
    session.end_check()
    session.begin_check()
    for which in ("code", "same", "frozen"):
        with pytest.raises(StudentRaised, match="work only during the check"):
            functions["use"](which, np.zeros(1))
