"""Week 41, exercises 5-6: batches, softmax, and the iris network.

A batched function is tried in every layout of :mod:`.layouts` (samples in
rows or columns, W of shape (n_in, n_out) or (n_out, n_in)) and passes in
the first that reproduces the reference; the pass names the convention.

The handout's setup cell defines ``softmax`` with ``np.max(z, axis=0)``:
each entry of a row is shifted by its column's maximum, not by one constant
m per row as in @eq-softmax-stable, so the rows are not softmax(z).  A
student who kept it is graded with a correct softmax in its place, and told
why.
"""

import numpy as np

from ffnn import activations as _act
from ffnn import functional as _fn

from ..outcomes import Fail, Missing, StudentError
from .activations_used import check_activations
from .common import (LAYERS_NAMES, LAYOUT_HINT, PREDICTIONS_NAMES, REF, as_array, call, close,
                     handout_softmax, rng_for, weight_shapes)
from .layouts import LAYOUTS, convention
from .registry import exercise
from .scope import variant_of
from .week41 import check_create_layers

relu, sigmoid, identity = _act.relu, _act.sigmoid, _act.identity

HANDOUT_SOFTMAX = ("note: the handout's softmax subtracts np.max(z, axis=0), each column's maximum, "
                   "so the entries of a row are shifted by different amounts and its rows are not "
                   "softmax(z); subtract the row maximum, np.max(z, axis=1, keepdims=True). Your "
                   "network was graded with a correct softmax in its place")


@exercise("w41-5a")
def _create_layers_batch(scope):
    check_create_layers(scope, batch=True)


def batch_forward(scope, names, X, layers, funcs, expected, layouts=LAYOUTS):
    """The layout in which the student's batched forward pass gives ``expected``.

    ``funcs(layout)`` gives the activations to pass in that layout.  A
    failure is the one of the first layout in which the code ran; when it
    ran in none, the error of the default layout, with the layouts tried.
    """
    def attempt(f):
        ran, error = None, None
        for layout in layouts:
            label = f"{f.name}(X, layers, activation_funcs)"
            try:
                got = layout.back(as_array(call(label, f, layout.data(X), layout.layers(layers),
                                                funcs(layout), hint=LAYOUT_HINT), f"{f.name}'s output"))
            except (Fail, StudentError) as outcome:
                error = error or outcome
                continue
            if close(got, expected):
                return layout
            where = "" if layout.default else f" (with {layout.name})"
            shape = "" if got.shape == expected.shape else f", shape {got.shape} instead of {expected.shape}"
            ran = ran or Fail(f"{f.name}'s output differs from f(A @ W + b) layer after layer{where}{shape}")
        if ran:
            raise ran
        raise error

    return scope.first_passing(scope.functions(names, fits=variant_of(names[0])), attempt)


@exercise("w41-5b")
def _forward_batch(scope):
    rng = scope.rng()
    layers, X = _fn.create_layers_batch(3, [4, 5, 2], rng), rng.standard_normal((7, 3))
    expected = _fn.feed_forward_batch(X, layers, [relu, sigmoid, identity])
    layout = batch_forward(scope, ["feed_forward_batch"], X, layers,
                           lambda _: [REF.relu, REF.sigmoid, REF.identity], expected)
    return convention(layout)


def softmax_kind(softmax):
    """``"rows"`` or ``"columns"`` (what the student's softmax normalises), ``"handout"``
    (the handout's column-shifted one), or :class:`Fail`."""
    Z = 3 * rng_for("softmax").standard_normal((6, 3))
    S = as_array(call("softmax(Z)", softmax, Z.copy()), "softmax's output")
    if close(S, _act.softmax(Z)):
        return "rows"
    if close(S, handout_softmax(Z)):
        return "handout"
    if close(S, _act.softmax(Z.T).T):
        return "columns"
    if np.shape(S) == Z.shape and np.allclose(S.sum(axis=1), 1.0):
        raise Fail("softmax's rows sum to 1 but are not exp(z) / Σ exp(z) over the row")
    raise Fail(f"softmax(Z) for Z of shape {Z.shape} is not exp(z) / Σ exp(z) over each row (or column)")


@exercise("w41-5c")
def _softmax_network_of_5c(scope):
    rng = scope.rng()
    layers, X = _fn.create_layers_batch(4, [12, 10, 3], rng), rng.standard_normal((10, 4))
    expected = _fn.feed_forward_batch(X, layers, [relu, relu, _act.softmax])
    found = batch_layers_of(scope, 4, want=[12, 10, 3])
    if found is None:
        other_inputs(scope, 4, 3)
    if found is not None and found[1] != [12, 10, 3]:
        raise Fail(f"the network has layers {found[1]}, the exercise asks for [12, 10, 3] (4 inputs)")
    check_activations(scope, ["ReLU", "ReLU", "softmax"])

    def network(funcs, layouts):
        return batch_forward(scope, ["feed_forward_batch"], X, layers, funcs, expected, layouts)

    def attempt(softmax):
        kind = softmax_kind(softmax)
        if kind == "handout":
            layout = network(lambda l: [REF.relu, REF.relu, l.softmax()], LAYOUTS)
            return "; ".join(filter(None, [HANDOUT_SOFTMAX, convention(layout)]))
        mine = [l for l in LAYOUTS if l.columns == (kind == "columns")]
        try:
            return convention(network(lambda l: [REF.relu, REF.relu, softmax], mine))
        except (Fail, StudentError) as outcome:
            try:
                network(lambda l: [REF.relu, REF.relu, l.softmax()], [l for l in LAYOUTS if l not in mine])
            except (Fail, StudentError):
                raise outcome from None
        if kind == "columns":
            raise Fail("softmax normalises over the wrong axis: rows do not sum to 1 (its columns do); "
                       "with rows as samples sum over axis=1 with keepdims=True")
        raise Fail("softmax normalises each row, but your network has samples in columns: "
                   "normalise over axis=0")

    return attempt(scope.functions(["softmax"], handout=True)[0])  # the one the network uses


def batch_sizes(layers, n_in):
    """(output sizes, W is (n_out, n_in)) of batch layers taking ``n_in`` inputs, or None."""
    shapes = weight_shapes(layers)
    if shapes is None:
        return None
    for out_in in (False, True):
        inputs, sizes = n_in, []
        for s in shapes:
            n_i, n_o = (s[1], s[0]) if out_in else s
            if n_i != inputs:
                break
            sizes.append(n_o)
            inputs = n_o
        else:
            return sizes, out_in
    return None


def batch_layers_of(scope, n_in, wider=False, want=None):
    """(layers, sizes, out_in) of the student's ``layers`` taking ``n_in`` inputs, or None.

    From this question's cells (with ``wider``, from the cells of any
    question of the same exercise when none is there).  With ``want`` (the
    exercise's sizes), when those cells hold none, from any cell of this or
    an earlier exercise (a heading the grader did not recognise leaves the
    code under the one before): a network of the wanted sizes first, else
    the newest one with as many layers.
    """
    groups = [scope.states] + ([scope.exercise] if wider else [])
    for states in groups:
        for state in reversed(states):
            for layers in (state.get(name) for name in LAYERS_NAMES):
                found = batch_sizes(layers, n_in) if isinstance(layers, (list, tuple)) else None
                if found is not None:
                    return (layers, *found)
    if want is None:
        return None
    anywhere = [(layers, *found) for state in reversed(scope.earlier)
                for layers in (state.get(name) for name in LAYERS_NAMES)
                if isinstance(layers, (list, tuple))
                for found in [batch_sizes(layers, n_in)] if found is not None and len(found[0]) == len(want)]
    return next((n for n in anywhere if n[1] == want), anywhere[0] if anywhere else None)


def other_inputs(scope, n_in, n_layers):
    """:class:`Fail` when this question's cells hold a network of ``n_layers`` layers taking
    another number of inputs than ``n_in``."""
    for state in reversed(scope.states):
        for name in LAYERS_NAMES:
            layers, shapes = state.get(name), weight_shapes(state.get(name))
            if shapes is None or len(shapes) != n_layers:
                continue
            for inputs in {shapes[0][0], shapes[0][1]} - {n_in}:
                found = batch_sizes(layers, inputs)
                if found is not None:
                    raise Fail(f"your network `{name}` takes {inputs} inputs (layers {found[0]}), the "
                               f"exercise asks for {n_in} inputs")


@exercise("w41-6b")
def _iris_network(scope):
    found = batch_layers_of(scope, 4, wider=True, want=[8, 3])
    if found is None:
        other_inputs(scope, 4, 2)
        why = scope.absent("layers")
        raise Missing(f"no `layers` for iris found (4 inputs): create_layers_batch(4, [8, 3]){why}")
    layers, sizes, out_in = found
    if sizes != [8, 3]:
        raise Fail(f"the iris network has layers {sizes}, the exercise asks for [8, 3]")
    check_activations(scope, ["sigmoid", "softmax"])
    if not out_in:
        return None
    X = scope.rng().random((150, 4))
    for layout in (l for l in LAYOUTS if l.out_in):
        try:
            for f in scope.functions(["feed_forward_batch"], fits=variant_of("feed_forward_batch"),
                                     later=True):
                out = as_array(call("feed_forward_batch", f, layout.data(X), layers,
                                    [REF.sigmoid, layout.softmax()]), "the output")
                if layout.back(out).shape == (150, 3):
                    return convention(layout)
        except (Fail, StudentError, Missing):
            continue
    raise Fail("the iris network's weights have shapes (8, 4) and (3, 8), which your "
               "feed_forward_batch cannot use: for batches W has shape (n_in, n_out), (4, 8) and (8, 3)")


@exercise("w41-6c")
def _iris_predictions(scope):
    seen = None
    found = [(name, state[name]) for state in reversed(scope.states or scope.exercise)
             for name in PREDICTIONS_NAMES if name in state]
    for name, P in found:
        if np.ndim(P) != 2 or not np.issubdtype(np.asarray(P).dtype, np.number):
            continue
        P = np.asarray(P, dtype=float)
        if name != "predictions" and P.shape not in ((150, 3), (3, 150)):
            continue
        if P.shape in ((150, 3), (3, 150)):
            axis = 1 if P.shape == (150, 3) else 0
            if np.allclose(P.sum(axis=axis), 1.0) and np.all(P >= 0):
                if np.ptp(P, axis=1 - axis).max() < 1e-9:
                    seen = seen or (f"every sample of `{name}` has the same probabilities: that is not "
                                    "the network applied to the 150 iris flowers")
                    continue
                return "" if axis else "graded in your convention: samples in columns"
            seen = seen or (f"the {'rows' if axis else 'columns'} of `{name}` do not sum to 1: "
                            "the output layer is softmax")
        elif 3 in P.shape and scope.sections:
            seen = seen or (f"`predictions` has shape {P.shape}: evaluate the network on the whole "
                            "data set, 150 samples")
    if seen:
        raise Fail(seen)
    why = scope.absent("predictions")
    raise Missing(f"no `predictions` of shape (150, 3) for the iris data found{why}")
