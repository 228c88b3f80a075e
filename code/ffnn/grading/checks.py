"""One check per coding exercise of weeks 41 and 42, against :mod:`ffnn`.

Each check finds the student's functions and variables by the names the
exercise sets use, calls them on fresh random inputs (drawn from a
generator seeded by the exercise id, so a grade is reproducible) and
compares shapes, values and gradients with the reference implementation
and autograd.  A check passes, or raises

* :class:`Fail` -- the code runs but is wrong (status ``fail``);
* :class:`Missing` -- the function or variable is not there (``missing``);
* :class:`StudentError` -- the student's code raised (``error``);

with a one-line reason the student can act on.  Checks feed reference
inputs (reference layers, reference activations) to the function under
test, so one mistake costs the exercises that ask for that code and not
every exercise downstream of it.

Conventions, as in the exercises: one vector at a time W has shape
``(n_out, n_in)``; batches have samples in rows, X ``(n, n_in)``, W
``(n_in, n_out)``, b ``(n_out,)`` (``(1, n_out)`` is accepted).

The exercises, their points and the prose questions are listed in
:mod:`.exercises`.

This module runs in the child process only (it calls the submission).
"""

import inspect
import zlib

import autograd
import autograd.numpy as anp
import numpy as np
from numpy import allclose, isfinite  # bound now: rebinding np.allclose later changes nothing here

from .exercises import EXERCISES
from ffnn import activations as _act
from ffnn import losses as _loss
from ffnn import network as _net

relu, sigmoid, sigmoid_der = _act.relu, _act.sigmoid, _act.sigmoid_der
tanh, tanh_der, identity, identity_der = _act.tanh, _act.tanh_der, _act.identity, _act.identity_der
ref_softmax = _act.softmax
ref_mse, ref_mse_der, ref_cross_entropy = _loss.mse, _loss.mse_der, _loss.cross_entropy


class StepTimeout(BaseException):
    """A cell or a check ran out of time (raised by the runner's timer)."""


class Fail(Exception):
    status = "fail"


class Missing(Exception):
    status = "missing"


class StudentError(Exception):
    status = "error"


# Names the exercise sets use; the runner records every version of each.
FUNCTION_NAMES = (
    "create_layers", "feed_forward_all_relu", "feed_forward", "create_layers_batch",
    "feed_forward_batch", "softmax", "cost", "cost_batch", "cross_entropy", "train_network",
    "feed_forward_one_layer", "mse", "mse_der", "sigmoid_der", "backpropagation",
    "feed_forward_saver_batch", "backpropagation_batch", "cross_entropy_der",
    "train_network_momentum", "NeuralNetwork",
)
VARIABLE_NAMES = (
    "x", "W1", "b1", "z1", "a1", "W2", "b2", "z2", "a2", "W", "b", "z", "target", "predict",
    "dC_dz", "dC_dW", "dC_db", "dC_dW1", "dC_db1", "dC_dW2", "dC_db2", "layers", "predictions",
)

CHECKS = {}  # exercise id -> check(ctx)




def exercise(id):
    """Register the check of exercise ``id`` (listed in :mod:`.exercises`)."""
    if id not in EXERCISES:
        raise KeyError(f"{id} is not in ffnn.grading.exercises.EXERCISES")

    def register(check):
        CHECKS[id] = check
        return check

    return register


def run_check(id, ctx):
    """Return ``(status, reason)`` of exercise ``id``."""
    try:
        CHECKS[id](ctx)
    except (Fail, Missing, StudentError) as outcome:
        return outcome.status, str(outcome)
    return "pass", ""


# ---------------------------------------------------------------------------
# The submission as the checks see it
# ---------------------------------------------------------------------------
class Context:
    """The final namespace, every version of each function, the snapshots."""

    def __init__(self, namespace, history, states):
        self.namespace, self.history, self.states = namespace, history, states

    def versions(self, name):
        """Every callable once bound to ``name``, newest first."""
        return list(reversed(self.history.get(name, [])))

    def latest(self, name):
        versions = self.versions(name)
        if not versions:
            raise Missing(f"no function `{name}` found: define it with this name")
        return versions[0]

    def state(self, description, changed=None, **shapes):
        """The snapshot to check, holding every name in ``shapes`` with that shape.

        With ``changed``, the snapshot right after the cell that last
        assigned that variable: the values it was computed from are the ones
        of that moment, not those of a later exercise reusing the names
        (week 42 redefines ``x``, ``W1``, ``a1``...).  Otherwise, or if no
        such cell matches, the newest matching snapshot.
        """
        def matches(state):
            return all(n in state and np.shape(state[n]) == s for n, s in shapes.items())

        if changed is not None:
            for i in reversed(range(len(self.states))):
                state = self.states[i]
                if changed not in state or not matches(state):
                    continue
                before = self.states[i - 1] if i else {}
                if changed not in before or not _same(before[changed], state[changed]):
                    return state
        for state in reversed(self.states):
            if matches(state):
                return state
        raise Missing(f"no {description} found")


def _same(a, b):
    try:
        return np.shape(a) == np.shape(b) and bool(np.array_equal(a, b))
    except (TypeError, ValueError):
        return False


def need(state, name, hint=""):
    if name not in state:
        raise Missing(f"`{name}` is not defined{hint}")
    return state[name]


def rng_for(exercise_id):
    return np.random.default_rng(zlib.crc32(exercise_id.encode()))


def call(label, func, *args, hint="", **kwargs):
    """Call the student's ``func``; its exceptions become :class:`StudentError`."""
    try:
        return func(*args, **kwargs)
    except (StepTimeout, MemoryError):
        raise
    except BaseException as error:  # noqa: BLE001 - SystemExit from a student is an error too
        text = str(error).strip().splitlines()
        message = f"{type(error).__name__}: {text[0] if text else ''}".rstrip(": ")
        if len(message) > 160:
            message = message[:157] + "..."
        raise StudentError(f"{label} raised {message}{hint}") from None


def as_array(value, what):
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Fail(f"{what} is not a numeric array (got {type(value).__name__})") from None
    return array


def expect_shape(array, shape, what, hint=""):
    if np.shape(array) != tuple(shape):
        raise Fail(f"{what} has shape {np.shape(array)}, expected {tuple(shape)}{hint}")


def close(a, b, rtol=1e-5, atol=1e-8):
    return np.shape(a) == np.shape(b) and bool(allclose(a, b, rtol=rtol, atol=atol))


def largest_difference(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b)), initial=0.0))


def with_versions(ctx, name, attempt):
    """Run ``attempt(func)`` on each version of ``name``; pass when one passes.

    Reports the newest version's failure: the code a student last wrote.
    """
    versions = ctx.versions(name)
    if not versions:
        raise Missing(f"no function `{name}` found: define it with this name")
    first = None
    for func in versions:
        try:
            return attempt(func)
        except (Fail, StudentError) as outcome:
            first = first or outcome
    raise first


def fresh(layers):
    return [(np.array(W, dtype=float), np.array(b, dtype=float)) for W, b in layers]


def _columns(layers):
    """Batch layers for a student who puts samples in columns: b of shape (n_out, 1)."""
    return [(np.array(W, dtype=float), np.array(b, dtype=float).reshape(-1, 1)) for W, b in layers]


COLUMNS_REASON = ("{name} treats columns as samples (W.T @ A): the exercises use rows as samples, "
                  "X of shape (n, n_in), Z = A @ W + b and b of shape (n_out,)")


def _works_with_columns(func, X, layers, funcs, *rest):
    """True when ``func`` runs on the transposed problem (samples in columns)."""
    try:
        func(X.T.copy(), _columns(layers), list(funcs), *rest)
    except (StepTimeout, MemoryError):
        raise
    except BaseException:  # noqa: BLE001
        return False
    return True


def as_layers(value, n_layers, what):
    """``value`` as a list of ``(W, b)`` float arrays, or :class:`Fail`."""
    if not isinstance(value, (list, tuple)):
        raise Fail(f"{what} returned {type(value).__name__}, expected a list of (W, b) tuples")
    if len(value) != n_layers:
        raise Fail(f"{what} returned {len(value)} entries for {n_layers} layers: one (W, b) per layer")
    out = []
    for i, pair in enumerate(value):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise Fail(f"{what}: entry {i} is not a (W, b) pair")
        out.append((as_array(pair[0], f"{what}: W of layer {i + 1}"),
                    as_array(pair[1], f"{what}: b of layer {i + 1}")))
    return out


def ones_der(z):
    """Placeholder derivative for a softmax output (the cost derivative is dC/dz)."""
    return np.ones_like(z)


_ALIASES = {
    "X": ("inputs", "input", "x", "X", "inputs_train", "X_train", "data", "input_data"),
    "layers": ("layers", "params", "parameters", "network"),
    "funcs": ("activation_funcs", "activations", "activation_functions", "funcs", "acts"),
    "ders": ("activation_ders", "activation_derivatives", "ders", "derivatives", "act_ders"),
    "Y": ("targets", "target", "y", "Y", "y_train", "Y_train", "labels", "t"),
    "lr": ("learning_rate", "lr", "eta", "step_size", "eta0"),
    "epochs": ("epochs", "n_epochs", "num_epochs", "epoch", "iterations", "n_iter", "num_iter",
               "n_iterations", "max_iter"),
    "momentum": ("momentum", "gamma", "beta", "mom", "momentum_rate"),
    "batch_size": ("batch_size", "batchsize", "mini_batch_size", "minibatch_size", "M"),
}


def bind_call(label, func, values, hint=""):
    """Call ``func`` filling its parameters by name (``inputs``, ``layers``...)."""
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):
        return call(label, func, values["X"], values["layers"], values["funcs"], values["Y"], hint=hint)
    args, kwargs = [], {}
    for p in signature.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        key = next((k for k, names in _ALIASES.items() if p.name in names), None)
        if key is not None and key in values:
            if p.kind is p.POSITIONAL_ONLY:
                args.append(values[key])
            else:
                kwargs[p.name] = values[key]
        elif p.default is p.empty:
            raise Fail(f"{label}: the grader cannot fill the parameter {p.name!r}; name the "
                       "parameters as the exercise does (inputs, layers, activation_funcs, "
                       "activation_ders, targets, learning_rate, epochs...)")
    return call(label, func, *args, hint=hint, **kwargs)


def grad_mismatch(got, expected, what, n=None):
    """``None`` when the gradients agree, else a reason naming the layer and the mistake.

    ``got`` is already a list of (dW, db) float arrays; b-gradients with the
    right number of entries are reshaped like b.  ``n`` is the batch size,
    to recognise a gradient n times too large or too small.
    """
    for i, ((gW, gb), (eW, eb)) in enumerate(zip(got, expected)):
        if gW.shape != eW.shape:
            if gW.shape == eW.T.shape and gW.shape != eW.shape:
                return (f"{what}: dC/dW of layer {i + 1} has shape {gW.shape}, the transpose of "
                        f"W's shape {eW.shape}; the gradient has the shape of W")
            return f"{what}: dC/dW of layer {i + 1} has shape {gW.shape}, expected W's shape {eW.shape}"
        if gb.size != eb.size:
            return f"{what}: dC/db of layer {i + 1} has shape {gb.shape}, expected b's shape {eb.shape}"
    got = [(gW, gb.reshape(eb.shape)) for (gW, gb), (_, eb) in zip(got, expected)]
    flat_g = np.concatenate([np.ravel(a) for pair in got for a in pair])
    flat_e = np.concatenate([np.ravel(a) for pair in expected for a in pair])
    if not np.all(isfinite(flat_g)):
        return f"{what}: the gradient has NaN or infinite entries"
    if close(flat_g, flat_e, rtol=1e-5, atol=1e-9):
        return None
    denominator = float(flat_e @ flat_e)
    k = float(flat_g @ flat_e) / denominator if denominator > 0 else 0.0
    if k != 0 and close(flat_g, k * flat_e, rtol=1e-5, atol=1e-9):
        if n and abs(k - n) < 1e-6 * n:
            return (f"{what}: the gradient is {n} (the batch size) times autograd's gradient of the "
                    "mean cost: with a mean cost dC/dW = A^T Δ where Δ carries the 1/n of the cost "
                    "derivative; divide by the batch size or put 1/n in the cost derivative")
        if n and abs(k - 1 / n) < 1e-6 / n:
            return (f"{what}: the gradient is 1/{n} of autograd's: the 1/n of the mean is already in "
                    "the cost derivative, do not divide by the batch size again")
        return f"{what}: the gradient is {k:.4g} times autograd's (a constant factor is wrong)"
    for i in reversed(range(len(got))):
        for part, g, e in (("dC/dW", got[i][0], expected[i][0]), ("dC/db", got[i][1], expected[i][1])):
            if not close(g, e, rtol=1e-5, atol=1e-9):
                where = f"{part} of layer {i + 1} differs from autograd (largest difference {largest_difference(g, e):.3g})"
                if i < len(got) - 1:
                    where += ("; the later layers are right: check δ^l = (W^{l+1})^T δ^{l+1} ⊙ f'(z^l) "
                              "and dC/dW^l = δ^l (a^{l-1})^T")
                return f"{what}: {where}"
    return f"{what}: differs from autograd"


# ---------------------------------------------------------------------------
# Week 41
# ---------------------------------------------------------------------------
def _ex1(ctx, changed):
    return ctx.state("variables of exercise 1 (W1 of shape (4, 2) and x of shape (2,))",
                     changed=changed, W1=(4, 2), x=(2,))


@exercise("w41-1b")
def _w41_1b(ctx):
    s = _ex1(ctx, "b1")
    expect_shape(need(s, "b1"), (4,), "b1", ": one bias per node of the layer, like W1 @ x")


@exercise("w41-1c")
def _w41_1c(ctx):
    s = _ex1(ctx, "z1")
    z1 = need(s, "z1")
    expected = s["W1"] @ s["x"] + need(s, "b1")
    if not close(z1, expected):
        raise Fail("z1 is not W1 @ x + b1")


@exercise("w41-1d")
def _w41_1d(ctx):
    s = _ex1(ctx, "a1")
    a1 = need(s, "a1")
    z1 = s["W1"] @ s["x"] + need(s, "b1")
    expect_shape(a1, (4,), "a1")
    if close(a1, relu(z1)):
        return
    if close(a1, z1):
        raise Fail("a1 equals z1: apply the ReLU activation, a1 = ReLU(z1)")
    if close(a1, sigmoid(z1)):
        raise Fail("a1 is sigmoid(z1): exercise 1d asks for ReLU")
    raise Fail("a1 is not ReLU(W1 @ x + b1)")


@exercise("w41-2b")
def _w41_2b(ctx):
    s = _ex1(ctx, "W2")
    W2 = need(s, "W2")
    if np.shape(W2) == (4, 8):
        raise Fail("W2 has shape (4, 8): layer 2 maps 4 inputs to 8 outputs, so W2 has shape (8, 4)")
    expect_shape(W2, (8, 4), "W2")
    expect_shape(need(s, "b2"), (8,), "b2")


@exercise("w41-2c")
def _w41_2c(ctx):
    s = _ex1(ctx, "a2")
    W2, b2, a1 = need(s, "W2"), need(s, "b2"), need(s, "a1")
    z2, a2 = need(s, "z2"), need(s, "a2")
    if np.shape(W2) != (8, 4) or np.shape(a1) != (4,):
        raise Fail(f"W2 {np.shape(W2)} and a1 {np.shape(a1)} cannot make a layer of 8 outputs")
    if not close(z2, W2 @ a1 + b2):
        raise Fail("z2 is not W2 @ a1 + b2")
    expect_shape(a2, (8,), "a2")
    if not close(a2, relu(z2)):
        raise Fail("a2 is not ReLU(z2)")


def _check_create_layers(ctx, name, batch):
    sizes, n_in = [4, 5, 2], 3

    def attempt(create):
        label = f"{name}({n_in}, {sizes})"
        layers = as_layers(call(label, create, n_in, list(sizes)), len(sizes), label)
        inputs = n_in
        for i, ((W, b), n_out) in enumerate(zip(layers, sizes)):
            want = (inputs, n_out) if batch else (n_out, inputs)
            if W.shape == want[::-1]:
                if batch:
                    raise Fail(f"layer {i + 1}: W has shape {W.shape} = (n_out, n_in); for batches "
                               f"(rows are samples, Z = X @ W + b) W is the transpose, shape {want}")
                raise Fail(f"layer {i + 1}: W has shape {W.shape} = (n_in, n_out); one vector at a "
                           f"time (z = W @ a + b) W has shape (n_out, n_in) = {want}")
            expect_shape(W, want, f"layer {i + 1}: W")
            allowed = [(n_out,), (1, n_out)] if batch else [(n_out,)]
            if b.shape not in allowed:
                raise Fail(f"layer {i + 1}: b has shape {b.shape}, expected {(n_out,)}"
                           + (": the bias is added to every row (sample)" if batch else ""))
            inputs = n_out
        if all(not np.any(W) for W, _ in layers):
            raise Fail("every weight is zero: draw them at random (np.random.randn)")

    with_versions(ctx, name, attempt)


@exercise("w41-3a")
def _w41_3a(ctx):
    _check_create_layers(ctx, "create_layers", batch=False)


def _ref_forward(x, layers, funcs):
    return _net.feed_forward(x, layers, funcs)


@exercise("w41-3b")
def _w41_3b(ctx):
    rng = rng_for("w41-3b")
    layers = _net.create_layers(3, [4, 5, 2], rng)
    x = rng.standard_normal(3)
    expected = _ref_forward(x, layers, [relu] * 3)

    def attempt(f):
        got = as_array(call("feed_forward_all_relu(layers, x)", f, fresh(layers), x.copy()),
                       "feed_forward_all_relu's output")
        expect_shape(got, (2,), "feed_forward_all_relu's output")
        if close(got, expected):
            return
        if close(got, _ref_forward(x, layers, [identity] * 3)):
            raise Fail("feed_forward_all_relu applies no activation: a = ReLU(W @ a + b) in every layer")
        raise Fail("feed_forward_all_relu's output differs from ReLU(W @ a + b) layer after layer")

    with_versions(ctx, "feed_forward_all_relu", attempt)


@exercise("w41-3c")
def _w41_3c(ctx):
    create, forward = ctx.latest("create_layers"), ctx.latest("feed_forward_all_relu")
    label = "create_layers(8, [10, 16, 6, 2])"
    layers = as_layers(call(label, create, 8, [10, 16, 6, 2]), 4, label)
    x = rng_for("w41-3c").random(8)
    got = as_array(call("feed_forward_all_relu(layers, x)", forward, fresh(layers), x.copy()), "the output")
    expect_shape(got, (2,), "the output of the 8 -> 10, 16, 6, 2 network")
    try:
        expected = _ref_forward(x, layers, [relu] * 4)
    except ValueError:
        raise Fail("the layers of create_layers(8, [10, 16, 6, 2]) do not chain") from None
    if not close(got, expected):
        raise Fail("the network's output is not ReLU(W @ a + b) layer after layer")


@exercise("w41-4a")
def _w41_4a(ctx):
    rng = rng_for("w41-4a")
    layers = _net.create_layers(3, [4, 5, 2], rng)
    x = rng.standard_normal(3)
    funcs = [relu, tanh, sigmoid]
    expected = _ref_forward(x, layers, funcs)

    def attempt(f):
        got = as_array(call("feed_forward(x, layers, activation_funcs)", f, x.copy(), fresh(layers),
                            list(funcs)), "feed_forward's output")
        expect_shape(got, (2,), "feed_forward's output")
        if close(got, expected):
            return
        if close(got, _ref_forward(x, layers, [relu] * 3)):
            raise Fail("feed_forward applies ReLU in every layer: use activation_funcs[i] in layer i")
        raise Fail("feed_forward's output differs from f_l(W @ a + b) layer after layer")

    with_versions(ctx, "feed_forward", attempt)


@exercise("w41-4b")
def _w41_4b(ctx):
    create, forward = ctx.latest("create_layers"), ctx.latest("feed_forward")
    label = "create_layers(8, [5, 8, 2])"
    layers = as_layers(call(label, create, 8, [5, 8, 2]), 3, label)
    x = rng_for("w41-4b").standard_normal(8)
    funcs = [relu, relu, sigmoid]
    got = as_array(call("feed_forward(x, layers, [ReLU, ReLU, sigmoid])", forward, x.copy(),
                        fresh(layers), funcs), "the output")
    expect_shape(got, (2,), "the output of the 8 -> 5, 8, 2 network")
    try:
        expected = _ref_forward(x, layers, funcs)
    except ValueError:
        raise Fail("the layers of create_layers(8, [5, 8, 2]) do not chain") from None
    if not close(got, expected):
        raise Fail("the output is not sigmoid(W3 ReLU(W2 ReLU(W1 x + b1) + b2) + b3)")


@exercise("w41-5a")
def _w41_5a(ctx):
    _check_create_layers(ctx, "create_layers_batch", batch=True)


BATCH_HINT = (" (the grader calls it with X of shape (n, n_in), rows as samples, and W of shape "
              "(n_in, n_out))")


@exercise("w41-5b")
def _w41_5b(ctx):
    rng = rng_for("w41-5b")
    layers = _net.create_layers_batch(3, [4, 5, 2], rng)
    X = rng.standard_normal((7, 3))
    funcs = [relu, sigmoid, identity]
    expected = _net.feed_forward_batch(X, layers, funcs)

    def attempt(f):
        label = "feed_forward_batch(X, layers, activation_funcs)"
        try:
            got = as_array(call(label, f, X.copy(), fresh(layers), list(funcs)), "its output")
            if close(got, expected):
                return
            first = Fail(f"feed_forward_batch's output differs from f(A @ W + b) layer after layer"
                         + (f" (shape {got.shape}, expected {expected.shape})" if got.shape != expected.shape else ""))
        except (Fail, StudentError) as outcome:
            first = outcome
        for args, reason in (
            ((X.T.copy(), _columns(layers)), "feed_forward_batch treats columns as samples (W.T @ A): "
             "the exercises use rows as samples, X of shape (n, n_in) and Z = A @ W + b"),
            ((X.copy(), [(W.T.copy(), b.copy()) for W, b in layers]),
             "feed_forward_batch computes A @ W.T: batch layers already have W of shape (n_in, n_out); "
             "use A @ W + b"),
        ):
            try:
                alt = np.asarray(f(*args, list(funcs)), dtype=float)
            except (StepTimeout, MemoryError):
                raise
            except BaseException:  # noqa: BLE001
                continue
            if close(alt, expected) or close(alt, expected.T):
                raise Fail(reason)
        if isinstance(first, StudentError):
            raise StudentError(str(first) + BATCH_HINT)
        raise first

    with_versions(ctx, "feed_forward_batch", attempt)


@exercise("w41-5c")
def _w41_5c(ctx):
    rng = rng_for("w41-5c")
    Z = 3 * rng.standard_normal((6, 3))
    forward = ctx.latest("feed_forward_batch")
    layers = _net.create_layers_batch(4, [12, 10, 3], rng)
    X = rng.standard_normal((10, 4))

    def attempt(softmax):
        S = as_array(call("softmax(Z)", softmax, Z.copy()), "softmax's output")
        expect_shape(S, Z.shape, "softmax(Z) for Z of shape (6, 3)")
        if not allclose(S.sum(axis=1), 1.0):
            if allclose(S.sum(axis=0), 1.0):
                raise Fail("softmax normalises over the wrong axis: rows do not sum to 1 (its columns "
                           "do); with rows as samples sum over axis=1 with keepdims=True")
            raise Fail("softmax's rows do not sum to 1")
        if not close(S, ref_softmax(Z)):
            raise Fail("softmax's rows sum to 1 but are not exp(z) / Σ exp(z): subtract the row "
                       "maximum, np.max(z, axis=1, keepdims=True), not the column maximum")
        funcs = [relu, relu, softmax]
        got = as_array(call("feed_forward_batch(X, layers, [ReLU, ReLU, softmax])", forward,
                            X.copy(), fresh(layers), funcs), "the network's output")
        expected = _net.feed_forward_batch(X, layers, [relu, relu, ref_softmax])
        expect_shape(got, expected.shape, "the output of the 4 -> 12, 10, 3 network for 10 samples")
        if not close(got, expected):
            raise Fail("the network's output differs from softmax(ReLU(ReLU(X W1 + b1) W2 + b2) W3 + b3)")

    with_versions(ctx, "softmax", attempt)


@exercise("w41-6b")
def _w41_6b(ctx):
    transposed = False
    for state in reversed(ctx.states):
        layers = state.get("layers")
        if not isinstance(layers, list) or len(layers) != 2:
            continue
        if not all(isinstance(p, (list, tuple)) and len(p) == 2 for p in layers):
            continue
        shapes = [np.shape(W) for W, _ in layers]
        bias = [np.shape(b) for _, b in layers]
        if shapes == [(4, 8), (8, 3)] and bias[0] in ((8,), (1, 8)) and bias[1] in ((3,), (1, 3)):
            return
        if shapes == [(8, 4), (3, 8)]:
            transposed = True
    if transposed:
        raise Fail("the iris network's weights have shapes (8, 4) and (3, 8): for batches W has "
                   "shape (n_in, n_out), (4, 8) and (8, 3)")
    raise Missing("no `layers` for iris found: create_layers_batch(4, [8, 3])")


@exercise("w41-6c")
def _w41_6c(ctx):
    seen = None
    for state in reversed(ctx.states):
        P = state.get("predictions")
        if P is None or np.ndim(P) != 2:
            continue
        P = np.asarray(P)
        if P.shape == (150, 3):
            if allclose(P.sum(axis=1), 1.0) and np.all(P >= 0):
                return
            seen = seen or "the rows of `predictions` do not sum to 1: the output layer is softmax"
        elif P.shape == (3, 150):
            seen = seen or ("`predictions` has shape (3, 150): rows are samples, expected (150, 3)")
    if seen:
        raise Fail(seen)
    raise Missing("no `predictions` of shape (150, 3) for the iris data found")


def _classification_problem(exercise_id, n=60):
    rng = rng_for(exercise_id)
    X = rng.standard_normal((n, 4))
    labels = np.argmax(X @ rng.standard_normal((4, 3)), axis=1)
    Y = np.eye(3)[labels]
    layers = _net.create_layers_batch(4, [8, 3], rng)
    return X, Y, layers


def _ce(X, Y, layers):
    return float(ref_cross_entropy(_net.feed_forward_batch(X, layers, [sigmoid, ref_softmax]), Y))


def _trained_layers(result, passed, n_layers, name):
    """The layers a training function produced: returned, or updated in place."""
    if result is None:
        result = passed
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], list):
        result = result[0]  # (layers, history)
    if isinstance(result, list) and len(result) > n_layers and len(result) % n_layers == 0:
        raise Fail(f"{name} returned {len(result)} (W, b) pairs for a {n_layers}-layer network: the "
                   "list grows every epoch (append inside the loop); return one (W, b) per layer")
    return as_layers(result, n_layers, name)


def _check_training(name, func, exercise_id, **extra):
    X, Y, layers = _classification_problem(exercise_id)
    before = _ce(X, Y, layers)
    passed = fresh(layers)
    values = dict(X=X.copy(), layers=passed, funcs=[sigmoid, ref_softmax], ders=[sigmoid_der, ones_der],
                  Y=Y.copy(), lr=0.01, epochs=40, momentum=0.9, batch_size=10)
    values.update(extra)
    result = bind_call(f"{name}(inputs, layers, ...)", func, values, hint=BATCH_HINT)
    trained = _trained_layers(result, passed, len(layers), name)
    for (W, b), (W0, b0) in zip(trained, layers):
        if W.shape != W0.shape or b.size != b0.size:
            raise Fail(f"{name} returned layers of shapes {[t[0].shape for t in trained]}, "
                       f"expected {[t[0].shape for t in layers]}")
    trained = [(W, b.reshape(b0.shape)) for (W, b), (_, b0) in zip(trained, layers)]
    after = _ce(X, Y, trained)
    if not np.isfinite(after):
        raise Fail(f"training with {name} diverged (the cost became NaN or infinite)")
    if not after < before - 1e-9:
        raise Fail(f"{name} did not lower the cross-entropy ({before:.4g} before, {after:.4g} after "
                   "40 epochs with learning rate 0.01): step against the gradient, W -= η dC/dW")


@exercise("w41-7c")
def _w41_7c(ctx):
    versions = ctx.versions("train_network")
    if not versions:
        raise Missing("no function `train_network` found: define it with this name")
    # Week 42 may redefine train_network with its own backpropagation: check
    # week 41's autograd version when there is one.
    autograd_versions = [f for f in versions if not _uses_backpropagation(f)] or versions
    first = None
    for f in autograd_versions:
        try:
            return _check_training("train_network", f, "w41-7c")
        except (Fail, StudentError) as outcome:
            first = first or outcome
    raise first


# ---------------------------------------------------------------------------
# Week 42
# ---------------------------------------------------------------------------
@exercise("w42-2b")
def _w42_2b(ctx):
    rng = rng_for("w42-2b")
    W, b, x = rng.standard_normal((3, 2)), rng.standard_normal(3), rng.random(2)

    def attempt(f):
        got = as_array(call("feed_forward_one_layer(W, b, x)", f, W.copy(), b.copy(), x.copy()), "its output")
        expect_shape(got, (3,), "feed_forward_one_layer's output for W (3, 2)")
        if close(got, W @ x + b):
            raise Fail("feed_forward_one_layer returns z: apply the sigmoid, a = sigmoid(W @ x + b)")
        if not close(got, sigmoid(W @ x + b)):
            raise Fail("feed_forward_one_layer's output is not sigmoid(W @ x + b)")

    with_versions(ctx, "feed_forward_one_layer", attempt)
    for state in reversed(ctx.states):
        if np.shape(state.get("x")) == (2,) and np.shape(state.get("target")) == (3,) and "W" in state:
            expect_shape(state["W"], (3, 2), "W", ": 2 inputs, 3 outputs")
            expect_shape(need(state, "b"), (3,), "b")
            return


@exercise("w42-3b")
def _w42_3b(ctx):
    rng = rng_for("w42-3b")

    def attempt(f):
        for shape in ((3,), (5, 2)):
            p, t = rng.random(shape), rng.random(shape)
            expected = autograd.grad(ref_mse)(p, t)
            got = as_array(call("mse_der(predict, target)", f, p.copy(), t.copy()), "mse_der's output")
            if close(got, expected):
                continue
            if close(got, expected * p.size):
                raise Fail(f"mse_der is {p.size} times autograd's gradient for predict of shape {shape}: "
                           "mse takes the mean, so divide 2 (predict - target) by predict.size")
            if close(got, expected / 2):
                raise Fail("mse_der is half of autograd's gradient: d/dp (p - t)^2 = 2 (p - t)")
            raise Fail(f"mse_der differs from autograd's gradient of mse for predict of shape {shape}")

    with_versions(ctx, "mse_der", attempt)


@exercise("w42-3c")
def _w42_3c(ctx):
    z = 2 * rng_for("w42-3c").standard_normal((4, 3))

    def attempt(f):
        got = as_array(call("sigmoid_der(z)", f, z.copy()), "sigmoid_der's output")
        if close(got, sigmoid_der(z)):
            return
        if close(got, sigmoid(z)):
            raise Fail("sigmoid_der returns sigmoid(z), not its derivative sigmoid(z) (1 - sigmoid(z))")
        raise Fail("sigmoid_der(z) is not sigmoid(z) (1 - sigmoid(z))")

    with_versions(ctx, "sigmoid_der", attempt)


def ctx_state_value(ctx, name):
    for state in reversed(ctx.states):
        if name in state:
            return state[name]
    raise Missing(f"`{name}` is not defined")


@exercise("w42-3d")
def _w42_3d(ctx):
    ctx_state_value(ctx, "dC_dz")
    s = ctx.state("dC_dz next to z and target of shape (3,)", changed="dC_dz",
                  z=(3,), target=(3,), dC_dz=(3,))
    z, t = s["z"], s["target"]
    expected = ref_mse_der(sigmoid(z), t) * sigmoid_der(z)
    if not close(s["dC_dz"], expected):
        raise Fail("dC_dz is not mse_der(sigmoid(z), target) * sigmoid_der(z)")


def _check_gradient_vars(state, pairs, cost_of_layers, layers):
    expected = autograd.grad(cost_of_layers)(layers)
    for (wname, bname), (eW, eb), i in zip(pairs, expected, range(len(pairs))):
        dW, db = need(state, wname), need(state, bname)
        if np.shape(dW) != eW.shape:
            if np.shape(dW) == eW.T.shape:
                raise Fail(f"{wname} has shape {np.shape(dW)}, the transpose of W's {eW.shape}: "
                           "dC/dW = np.outer(dC_dz, a_previous)")
            raise Fail(f"{wname} has shape {np.shape(dW)}, expected W's shape {eW.shape}")
        if not close(dW, eW):
            raise Fail(f"{wname} differs from autograd's gradient (largest difference {largest_difference(dW, eW):.3g})")
        if np.size(db) != eb.size or not close(np.reshape(db, eb.shape), eb):
            raise Fail(f"{bname} differs from autograd's gradient")


@exercise("w42-3f")
def _w42_3f(ctx):
    ctx_state_value(ctx, "dC_dW")
    s = ctx.state("dC_dW next to W (3, 2), b (3,), x (2,) and target (3,)", changed="dC_dW",
                  W=(3, 2), b=(3,), x=(2,), target=(3,), dC_dW=np.shape(ctx_state_value(ctx, "dC_dW")))
    x, t = s["x"], s["target"]
    _check_gradient_vars(s, [("dC_dW", "dC_db")],
                         lambda L: ref_mse(sigmoid(L[0][0] @ x + L[0][1]), t), [(s["W"], s["b"])])


def _two_layer(ctx, name):
    ctx_state_value(ctx, name)
    s = ctx.state(f"{name} next to W1 (3, 2), b1 (3,), W2 (4, 3), b2 (4,), x (2,) and target (4,)",
                  changed=name, W1=(3, 2), b1=(3,), W2=(4, 3), b2=(4,), x=(2,), target=(4,))
    x, t = s["x"], s["target"]
    layers = [(s["W1"], s["b1"]), (s["W2"], s["b2"])]

    def cost(L):
        return ref_mse(_net.feed_forward(x, L, [sigmoid, sigmoid]), t)

    return s, cost, layers


@exercise("w42-4a")
def _w42_4a(ctx):
    s, cost, layers = _two_layer(ctx, "dC_dW2")
    _check_gradient_vars(s, [("dC_dW2", "dC_db2")], lambda L: cost([layers[0], L[0]]), [layers[1]])


@exercise("w42-4c")
def _w42_4c(ctx):
    s, cost, layers = _two_layer(ctx, "dC_dW1")
    _check_gradient_vars(s, [("dC_dW1", "dC_db1")], lambda L: cost([L[0], layers[1]]), [layers[0]])


def _accepts(func, name):
    try:
        parameters = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False
    return name in parameters or any(p.kind is p.VAR_KEYWORD for p in parameters.values())


@exercise("w42-5a")
def _w42_5a(ctx):
    rng = rng_for("w42-5a")
    layers = _net.create_layers(3, [4, 5, 2], rng)
    x, t = rng.standard_normal(3), rng.random(2)
    funcs, ders = [sigmoid, relu, sigmoid], [sigmoid_der, _act.relu_der, sigmoid_der]
    expected = autograd.grad(lambda L: ref_mse(_net.feed_forward(x, L, funcs), t))(layers)

    def attempt(f):
        label = "backpropagation(x, layers, activation_funcs, target, activation_ders)"
        kwargs = {"cost_der": ref_mse_der} if _accepts(f, "cost_der") else {}
        got = as_layers(call(label, f, x.copy(), fresh(layers), list(funcs), t.copy(), list(ders), **kwargs),
                        3, "backpropagation")
        reason = grad_mismatch(got, expected, "backpropagation")
        if reason:
            raise Fail(reason)

    with_versions(ctx, "backpropagation", attempt)


def _own_cost_gradient(ctx, X, layers, funcs, Y):
    """autograd's gradient of the student's own batched cost, or None."""
    for name in ("cost_batch", "cost"):
        for f in ctx.versions(name):
            for order in ("layers first", "inputs first"):
                def cost(L, f=f, order=order):
                    return f(L, X, funcs, Y) if order == "layers first" else f(X, L, funcs, Y)
                try:
                    value = float(np.asarray(cost(fresh(layers))).reshape(()))
                    if not np.isfinite(value):
                        continue
                    g = autograd.grad(cost)(fresh(layers))
                    g = as_layers(g, len(layers), name)
                except (StepTimeout, MemoryError):
                    raise
                except BaseException:  # noqa: BLE001 - not a usable cost, try the next
                    continue
                if all(gW.shape == W.shape and gb.shape == b.shape for (gW, gb), (W, b) in zip(g, layers)):
                    return g
    return None


@exercise("w42-6")
def _w42_6(ctx):
    rng = rng_for("w42-6")
    n = 8
    layers = _net.create_layers_batch(3, [4, 5, 2], rng)
    X, Y = rng.standard_normal((n, 3)), rng.random((n, 2))
    funcs, ders = [sigmoid, tanh, identity], [sigmoid_der, tanh_der, identity_der]
    ref_inputs, ref_zs, ref_out = _net.feed_forward_saver_batch(X, layers, funcs)

    for saver in ctx.versions("feed_forward_saver_batch")[:1]:
        try:
            out = call("feed_forward_saver_batch(X, layers, activation_funcs)", saver, X.copy(),
                       fresh(layers), list(funcs), hint=BATCH_HINT)
        except StudentError:
            if _works_with_columns(saver, X, layers, funcs):
                raise Fail(COLUMNS_REASON.format(name="feed_forward_saver_batch")) from None
            raise
        if not isinstance(out, (list, tuple)) or len(out) != 3:
            raise Fail("feed_forward_saver_batch should return (layer_inputs, zs, a)")
        inputs, zs, a = out
        if not close(as_array(a, "its output a"), ref_out):
            raise Fail("feed_forward_saver_batch's final activation differs from the batched forward pass")
        for what, got, want in (("layer_inputs", inputs, ref_inputs), ("zs", zs, ref_zs)):
            if len(got) != len(want) or not all(close(as_array(g, what), w) for g, w in zip(got, want)):
                raise Fail(f"feed_forward_saver_batch's {what} differ: layer l's input is A^(l-1), "
                           "its z is A^(l-1) @ W + b")

    expected = autograd.grad(lambda L: ref_mse(_net.feed_forward_batch(X, L, funcs), Y))(layers)
    own = _own_cost_gradient(ctx, X, layers, funcs, Y)

    def attempt(f):
        label = "backpropagation_batch(X, layers, activation_funcs, Y, activation_ders)"
        kwargs = {}
        try:
            default = inspect.signature(f).parameters.get("cost_der")
        except (TypeError, ValueError):
            default = None
        if default is not None and default.default is default.empty:
            mine = ctx.versions("mse_der")
            kwargs["cost_der"] = mine[0] if mine else ref_mse_der
        try:
            got = call(label, f, X.copy(), fresh(layers), list(funcs), Y.copy(), list(ders),
                       hint=BATCH_HINT, **kwargs)
        except StudentError:
            if _works_with_columns(f, X, layers, funcs, Y.T.copy(), list(ders)):
                raise Fail(COLUMNS_REASON.format(name="backpropagation_batch")) from None
            raise
        got = as_layers(got, 3, "backpropagation_batch")
        reason = grad_mismatch(got, expected, "backpropagation_batch", n=n)
        if reason and own is not None and grad_mismatch(got, own, "", n=n) is None:
            return  # consistent with the student's own cost
        if reason:
            raise Fail(reason)

    with_versions(ctx, "backpropagation_batch", attempt)


def _uses_backpropagation(func):
    code = getattr(func, "__code__", None)
    return code is not None and bool({"backpropagation_batch", "backpropagation"} & set(code.co_names))


@exercise("w42-7a")
def _w42_7a(ctx):
    candidates = [(name, f) for name in ("train_network", "train_network_momentum")
                  for f in ctx.versions(name) if _uses_backpropagation(f)]
    if not candidates:
        if ctx.versions("train_network") or ctx.versions("train_network_momentum"):
            raise Fail("no training function calls backpropagation_batch: week 42 trains with "
                       "your own backpropagation, not autograd's gradient_func")
        raise Missing("no function `train_network` (or `train_network_momentum`) found")
    for f in ctx.versions("cross_entropy")[:1]:
        rng = rng_for("w42-7a")
        P, Y = ref_softmax(rng.standard_normal((6, 3))), np.eye(3)[rng.integers(0, 3, 6)]
        got = float(np.asarray(call("cross_entropy(predict, target)", f, P.copy(), Y.copy()), dtype=float).sum())
        want = float(ref_cross_entropy(P, Y))
        if not (np.isclose(got, want, rtol=1e-4) or np.isclose(got, 6 * want, rtol=1e-4)):
            raise Fail(f"cross_entropy(predict, target) is {got:.4g} for 6 samples, expected "
                       f"-Σ target log(predict) / n = {want:.4g} (or the sum, {6 * want:.4g})")
    first = None
    for name, f in candidates:
        try:
            return _check_training(name, f, "w42-7a")
        except (Fail, StudentError) as outcome:
            first = first or outcome
    raise first


@exercise("w42-7b")
def _w42_7b(ctx):
    with_versions(ctx, "train_network_momentum",
                  lambda f: _check_training("train_network_momentum", f, "w42-7b"))


@exercise("w42-8a")
def _w42_8a(ctx):
    rng = rng_for("w42-8a")
    X, Y = rng.standard_normal((10, 3)), rng.random((10, 2))
    funcs, ders = [sigmoid, identity], [sigmoid_der, identity_der]

    def attempt(cls):
        label = "NeuralNetwork(3, [5, 2], [sigmoid, identity], [sigmoid_der, identity_der], mse, mse_der)"
        net = call(label, cls, 3, [5, 2], list(funcs), list(ders), ref_mse, ref_mse_der)
        P = as_array(call("predict(X)", net.predict, X.copy()), "predict's output")
        expect_shape(P, (10, 2), "predict(X) for X of shape (10, 3)")
        layers = getattr(net, "layers", None)
        if layers is not None:
            layers = as_layers(layers, 2, "self.layers")
            if not close(P, _net.feed_forward_batch(X, layers, funcs)):
                raise Fail("predict(X) differs from the batched forward pass through self.layers")
        c = as_array(call("cost(X, Y)", net.cost, X.copy(), Y.copy()), "cost's output")
        if c.size != 1 or not np.isfinite(c).all():
            raise Fail(f"cost(X, Y) should be one finite number, got shape {c.shape}")
        if not np.isclose(float(c.reshape(())), ref_mse(P, Y), rtol=1e-6):
            raise Fail("cost(X, Y) is not cost_fun(predict(X), Y)")
        g = as_layers(call("compute_gradient(X, Y)", net.compute_gradient, X.copy(), Y.copy()),
                      2, "compute_gradient")
        if layers is not None:
            expected = autograd.grad(lambda L: ref_mse(_net.feed_forward_batch(X, L, funcs), Y))(layers)
        else:
            other = call("autograd_gradient(X, Y)", net.autograd_gradient, X.copy(), Y.copy())
            if other is None:
                raise Fail("the parameters are not in self.layers and autograd_gradient returns None: "
                           "the gradient cannot be checked")
            expected = as_layers(other, 2, "autograd_gradient")
        reason = grad_mismatch(g, expected, "compute_gradient", n=10)
        if reason:
            raise Fail(reason)
        if _accepts(net.update_weights, "learning_rate"):
            call("update_weights(layer_grads)", net.update_weights, g, learning_rate=0.01)
        else:
            call("update_weights(layer_grads)", net.update_weights, g)
        P2 = as_array(call("predict(X)", net.predict, X.copy()), "predict's output")
        if close(P2, P, rtol=0, atol=0):
            raise Fail("update_weights(layer_grads) does not change the network's predictions")

    with_versions(ctx, "NeuralNetwork", attempt)
