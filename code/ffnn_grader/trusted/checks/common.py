"""Helpers every check uses: calling the student, reading what comes back, comparing.

Everything received from the student is plain data (numbers, numeric arrays,
lists, tuples) or a proxy (:class:`~ffnn_grader.trusted.student.Remote`, the
student's object behind the sandbox); :func:`as_array` and :func:`as_layers` turn it into
float arrays or fail with a reason.  Functions passed *into* the student's
code are the sandbox's own reference copies (:data:`REF`); comparisons with
:mod:`ffnn` and autograd happen here, never inside the student's code.
"""

import re
import zlib

import numpy as np
from numpy import allclose, isfinite  # bound now: rebinding np.allclose later changes nothing

from ..outcomes import Fail, StudentError, StudentRaised

from ...sandboxed import builtins as REF  # the reference functions the sandbox has its own copies of


# Names students give a network's layers and the iris predictions, besides the handout's.
LAYERS_NAMES = ("layers", "iris_layers", "layers_iris", "network_layers", "params")
PREDICTIONS_NAMES = ("predictions", "iris_predictions", "predictions_iris", "preds", "y_pred")


def rng_for(exercise_id):
    """The generator of one exercise's inputs: the same inputs on every run."""
    return np.random.default_rng(zlib.crc32(exercise_id.encode()))


def is_remote(value):
    return callable(value) or hasattr(value, "attr")


LAYOUT_HINT = (" (the grader tried samples in rows and in columns, W of shape (n_in, n_out) and "
               "(n_out, n_in))")
_SHAPES = re.compile(r"shape|dimension|broadcast|align|mismatch|size|index", re.I)


def call(label, func, *args, hint="", **kwargs):
    """Call the student's ``func``; what the student's code raises becomes :class:`StudentError`.

    ``hint`` is added to the reason only when the error is about shapes.
    """
    try:
        return func(*args, **kwargs)
    except StudentRaised as error:
        text = error.message.strip().splitlines()
        message = f"{error.type_name}: {text[0] if text else ''}".rstrip(": ")
        if len(message) > 160:
            message = message[:157] + "..."
        about_shapes = error.type_name in ("ValueError", "IndexError") and _SHAPES.search(message)
        raise StudentError(f"{label} raised {message}{hint if about_shapes else ''}") from None


def attr(obj, name, label):
    """The attribute ``name`` of the student's object ``obj``, or :class:`Fail`."""
    if not hasattr(obj, "attr"):
        raise Fail(f"{label}: expected an object, got {type(obj).__name__}")
    return call(f"{label}.{name}", obj.attr, name)


def as_array(value, what):
    if is_remote(value):
        raise Fail(f"{what} is not a numeric array (got an object)")
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Fail(f"{what} is not a numeric array (got {type(value).__name__})") from None


def as_number(value, what):
    array = as_array(value, what)
    if array.size != 1 or not np.all(isfinite(array)):
        raise Fail(f"{what} should be one finite number, got shape {array.shape}")
    return float(array.reshape(()))


def expect_shape(array, shape, what, hint=""):
    if np.shape(array) != tuple(shape):
        raise Fail(f"{what} has shape {np.shape(array)}, expected {tuple(shape)}{hint}")


def close(a, b, rtol=1e-5, atol=1e-8):
    return np.shape(a) == np.shape(b) and bool(allclose(a, b, rtol=rtol, atol=atol))


def largest_difference(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b)), initial=0.0))


def not_degenerate(state, names):
    """:class:`Fail` when one of the student's variables ``names`` is all zeros.

    With zero inputs or weights a checked formula holds whatever it is; the
    handout draws them at random so that it cannot.
    """
    for name in names:
        value = np.asarray(state.get(name, 1.0), dtype=float)
        if value.size and not np.any(value):
            raise Fail(f"`{name}` is all zeros: with it any formula gives the same result, so the "
                       f"check cannot tell yours from a wrong one; keep the handout's random `{name}`")


def gradient_not_zero(expected, what):
    """:class:`Fail` when the exercise's gradient at the student's values is zero everywhere."""
    if all(not np.any(np.abs(np.asarray(g)) > 1e-12) for g in expected):
        raise Fail(f"{what} is zero at your values (the target equals the output, or the inputs are "
                   "zero), so any formula gives it: keep the handout's random values")


def weight_shapes(layers):
    """The shapes of the weight matrices of ``layers`` ((W, b) pairs), or None when
    ``layers`` is not such a list or a W is not a matrix."""
    try:
        shapes = [np.shape(W) for W, _ in layers]
    except (TypeError, ValueError):
        return None
    if not shapes or any(len(s) != 2 for s in shapes):
        return None
    return shapes


def fresh(layers):
    return [(np.array(W, dtype=float), np.array(b, dtype=float)) for W, b in layers]


def as_layers(value, n_layers, what):
    """``value`` as a list of ``(W, b)`` float arrays, or :class:`Fail`."""
    if not isinstance(value, (list, tuple)):
        raise Fail(f"{what} returned {type(value).__name__ if not is_remote(value) else 'an object'}, "
                   "expected a list of (W, b) tuples")
    if len(value) != n_layers:
        raise Fail(f"{what} returned {len(value)} entries for {n_layers} layers: one (W, b) per layer")
    out = []
    for i, pair in enumerate(value):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise Fail(f"{what}: entry {i} is not a (W, b) pair")
        out.append((as_array(pair[0], f"{what}: W of layer {i + 1}"),
                    as_array(pair[1], f"{what}: b of layer {i + 1}")))
    return out


def grad_mismatch(got, expected, what, factors=()):
    """``None`` when the gradients agree, else a reason naming the layer and the mistake.

    A mismatch confined to the earlier layers points at the recursion
    δ^l = (W^{l+1})^T δ^{l+1} ⊙ f'(z^l) (@eq-delta-recursion), the later
    layers being right (@eq-grad-single).

    ``got`` and ``expected`` are lists of (dW, db) float arrays in the same
    layout; b-gradients with the right number of entries are reshaped like
    b.  ``factors`` lists ``(k, what k is or "", explanation)``: a gradient
    ``k`` times the expected one is reported with that explanation.
    """
    for i, ((gW, gb), (eW, eb)) in enumerate(zip(got, expected)):
        if gW.shape != eW.shape:
            if gW.shape == eW.T.shape:
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
        for factor, name, explanation in factors:
            if abs(k - factor) < 1e-6 * abs(factor):
                name = f" ({name})" if name else ""
                return f"{what}: the gradient is {_factor(factor)}{name} times autograd's: {explanation}"
        return f"{what}: the gradient is {k:.4g} times autograd's (a constant factor is wrong)"
    for i in reversed(range(len(got))):
        for part, g, e in (("dC/dW", got[i][0], expected[i][0]), ("dC/db", got[i][1], expected[i][1])):
            if not close(g, e, rtol=1e-5, atol=1e-9):
                where = (f"{part} of layer {i + 1} differs from autograd (largest difference "
                         f"{largest_difference(g, e):.3g})")
                if i < len(got) - 1:
                    where += ("; the later layers are right: check δ^l = (W^{l+1})^T δ^{l+1} ⊙ f'(z^l) "
                              "and dC/dW^l = δ^l (a^{l-1})^T")
                return f"{what}: {where}"
    return f"{what}: differs from autograd"


def _factor(k):
    if k >= 1 and abs(k - round(k)) < 1e-9:
        return str(int(round(k)))
    if k < 1 and abs(1 / k - round(1 / k)) < 1e-9:
        return f"1/{int(round(1 / k))}"
    return f"{k:.4g}"


def handout_softmax(z):
    """The handout's softmax as printed (it subtracts each column's maximum): a student's
    softmax equal to it is the handout's, graded with the note HANDOUT_SOFTMAX."""
    e_z = np.exp(z - np.max(z, axis=0))
    return e_z / np.sum(e_z, axis=1)[:, np.newaxis]
