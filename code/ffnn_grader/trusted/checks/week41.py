"""Week 41, exercises 1-4: the forward pass one vector at a time.

One vector at a time W has shape (n_out, n_in) and z = W @ a + b.  The
variables of exercises 1 and 2 are read from the snapshots of their own
cells; the functions get reference layers and activations, so one mistake
costs the exercises that ask for that code and not every later one.
"""

import numpy as np

from ffnn import activations as _act
from ffnn import functional as _fn

from ..outcomes import Fail
from .activations_used import check_activations
from .binding import bind_call
from .common import (LAYERS_NAMES, REF, as_array, as_layers, close, expect_shape, fresh, not_degenerate,
                     weight_shapes)
from .registry import exercise
from .scope import variant_of

relu, sigmoid, tanh, identity = _act.relu, _act.sigmoid, _act.tanh, _act.identity


def _ex1(scope, changed, degenerate=("W1", "x")):
    state = scope.state("variables of exercise 1 (W1 of shape (4, 2) and x of shape (2,))",
                        changed=changed, W1=(4, 2), x=(2,))
    not_degenerate(state, degenerate)
    return state


@exercise("w41-1b")
def _bias_of_layer_1(scope):
    s = _ex1(scope, "b1", degenerate=())
    expect_shape(scope.need(s, "b1"), (4,), "b1", ": one bias per node of the layer, like W1 @ x")


@exercise("w41-1c")
def _z1_of_layer_1(scope):
    s = _ex1(scope, "z1")
    z1, b1 = scope.need(s, "z1"), scope.need(s, "b1")
    if not close(z1, s["W1"] @ s["x"] + b1):
        raise Fail("z1 is not W1 @ x + b1")


@exercise("w41-1d")
def _a1_of_layer_1(scope):
    s = _ex1(scope, "a1")
    a1 = scope.need(s, "a1")
    z1 = s["W1"] @ s["x"] + scope.need(s, "b1")
    expect_shape(a1, (4,), "a1")
    if close(a1, relu(z1)):
        return
    if close(a1, z1):
        raise Fail("a1 equals z1: apply the ReLU activation, a1 = ReLU(z1)")
    if close(a1, sigmoid(z1)):
        raise Fail("a1 is sigmoid(z1): exercise 1d asks for ReLU")
    raise Fail("a1 is not ReLU(W1 @ x + b1)")


@exercise("w41-2b")
def _second_layer_parameters(scope):
    s = _ex1(scope, "W2")
    W2 = scope.need(s, "W2")
    if np.shape(W2) == (4, 8):
        raise Fail("W2 has shape (4, 8): layer 2 maps 4 inputs to 8 outputs, so W2 has shape (8, 4)")
    expect_shape(W2, (8, 4), "W2")
    expect_shape(scope.need(s, "b2"), (8,), "b2")


@exercise("w41-2c")
def _second_layer_outputs(scope):
    s = _ex1(scope, "a2", degenerate=("W1", "x", "W2"))
    W2, b2, a1, z2, a2 = (scope.need(s, n) for n in ("W2", "b2", "a1", "z2", "a2"))
    if np.shape(W2) != (8, 4) or np.shape(a1) != (4,):
        raise Fail(f"W2 {np.shape(W2)} and a1 {np.shape(a1)} cannot make a layer of 8 outputs")
    if not close(z2, W2 @ a1 + b2):
        raise Fail("z2 is not W2 @ a1 + b2")
    expect_shape(a2, (8,), "a2")
    if not close(a2, relu(z2)):
        raise Fail("a2 is not ReLU(z2)")


def create_layers_functions(scope, batch):
    name = "create_layers_batch" if batch else "create_layers"
    return scope.functions([name], fits=variant_of(name))


def check_create_layers(scope, batch):
    """The student's create_layers(_batch)(3, [4, 5, 2]) gives layers of the right shapes."""
    sizes, n_in = [4, 5, 2], 3

    def attempt(create):
        label = f"{create.name}({n_in}, {sizes})"
        layers = as_layers(bind_call(label, create, {"X": n_in, "layers": list(sizes)},
                                     order=("X", "layers")), len(sizes), label)
        inputs = n_in
        for i, ((W, b), n_out) in enumerate(zip(layers, sizes)):
            want = (inputs, n_out) if batch else (n_out, inputs)
            if W.shape == want[::-1] and want[0] != want[1]:
                if batch:
                    raise Fail(f"layer {i + 1}: W has shape {W.shape} = (n_out, n_in); for batches "
                               f"the exercise asks for the transpose, shape {want}")
                raise Fail(f"layer {i + 1}: W has shape {W.shape} = (n_in, n_out); one vector at a "
                           f"time (z = W @ a + b) W has shape (n_out, n_in) = {want}")
            expect_shape(W, want, f"layer {i + 1}: W")
            allowed = [(n_out,), (1, n_out), (n_out, 1)] if batch else [(n_out,)]
            if b.shape not in allowed:
                raise Fail(f"layer {i + 1}: b has shape {b.shape}, expected {(n_out,)}")
            inputs = n_out
        if all(not np.any(W) for W, _ in layers):
            raise Fail("every weight is zero: draw them at random (np.random.randn)")

    scope.first_passing(create_layers_functions(scope, batch), attempt)


@exercise("w41-3a")
def _create_layers(scope):
    check_create_layers(scope, batch=False)


def vector_sizes(layers):
    """(n_in, [n_out per layer]) of layers for one vector at a time, or None."""
    shapes = weight_shapes(layers)
    if shapes is None:
        return None
    return shapes[0][1], [s[0] for s in shapes]


def chained_sizes(layers):
    """:func:`vector_sizes` of layers whose shapes chain (each layer takes the previous one's
    outputs), or None."""
    found = vector_sizes(layers)
    shapes = weight_shapes(layers)
    if found is None or any(shapes[i][1] != shapes[i - 1][0] for i in range(1, len(shapes))):
        return None
    return found


def _networks_anywhere(scope, n_layers):
    """``(name, cell label, layers, (n_in, sizes))`` of every network of ``n_layers`` layers the
    notebook held (one vector at a time) after a cell of this or an earlier exercise, newest first."""
    cells = list(getattr(scope.ctx, "cells", None) or [])
    for state in reversed(scope.earlier):
        for name in LAYERS_NAMES:
            found = chained_sizes(state.get(name) or [])
            if found is not None and len(found[1]) == n_layers:
                index = state.get("__cell__")
                label = cells[index].label if index is not None and index < len(cells) else "a cell"
                yield name, label, state[name], found


def network_layers(scope, n_in, sizes, fixed=True):
    """The layers of the exercise's network: the student's own, or made by create_layers.

    The student's ``layers`` of this exercise's cells are used when there
    are any; a network of other sizes (with ``fixed``; else of another
    number of layers) is a wrong answer, named as such.  When this
    exercise's cells hold none (its heading not recognised, so its code
    filed under an earlier one), every network of as many layers held
    after this or an earlier exercise's cells is looked at: one of the exercise's sizes is the answer, else the newest
    one of the same input size is judged (and named, with its cell).
    """
    for state in reversed(scope.states):
        found = vector_sizes(state.get("layers") or [])
        if found is None:
            continue
        if not fixed and len(found[1]) != len(sizes):
            raise Fail(f"the network has {len(found[1])} layers, the exercise asks for {len(sizes)}")
        if fixed and found != (n_in, sizes):
            raise Fail(f"the network has layers {found[1]} for {found[0]} inputs, the exercise "
                       f"asks for {sizes} for {n_in} inputs")
        return fresh(state["layers"])
    anywhere = list(_networks_anywhere(scope, len(sizes)))
    if not fixed and anywhere:
        return fresh(anywhere[0][2])
    fitting = [n for n in anywhere if n[3] == (n_in, sizes)]
    if fitting:
        return fresh(fitting[0][2])
    same_input = [n for n in anywhere if n[3][0] == n_in]
    if same_input:
        name, label, _, (inputs, got) = same_input[0]
        raise Fail(f"your network `{name}` ({label}) has layers {got} for {inputs} inputs, the "
                   f"exercise asks for {sizes} for {n_in} inputs")
    label = f"create_layers({n_in}, {sizes})"
    f = create_layers_functions(scope, batch=False)[0]
    layers = as_layers(bind_call(label, f, {"X": n_in, "layers": list(sizes)}, order=("X", "layers")),
                       len(sizes), label)
    if vector_sizes(layers) != (n_in, sizes):
        raise Fail(f"{label} gives weights of shapes {[W.shape for W, _ in layers]}")
    return layers


def check_forward(scope, names, layers, x, funcs, expected, what):
    """The student's forward pass ``names[0]`` gives ``expected`` on ``x``."""
    order = ("layers", "X") if names[0] == "feed_forward_all_relu" else ("X", "layers", "funcs")

    def attempt(f):
        got = as_array(bind_call(f"{f.name}({', '.join(order)})", f,
                                 {"X": x.copy(), "layers": fresh(layers), "funcs": list(funcs)},
                                 order=order), f"{f.name}'s output")
        expect_shape(got, expected.shape, f"{f.name}'s output")
        if close(got, expected):
            return
        if len(funcs) and close(got, _fn.feed_forward(x, layers, [relu] * len(layers))):
            raise Fail(f"{f.name} applies ReLU in every layer: use activation_funcs[i] in layer i")
        if close(got, _fn.feed_forward(x, layers, [identity] * len(layers))):
            raise Fail(f"{f.name} applies no activation: a = f(W @ a + b) in every layer")
        raise Fail(f"{f.name}'s output differs from {what}")

    return scope.first_passing(scope.functions(names, fits=variant_of(names[0])), attempt)


@exercise("w41-3b")
def _forward_all_relu(scope):
    rng = scope.rng()
    layers, x = _fn.create_layers(3, [4, 5, 2], rng), rng.standard_normal(3)
    check_forward(scope, ["feed_forward_all_relu"], layers, x, [],
                  _fn.feed_forward(x, layers, [relu] * 3), "ReLU(W @ a + b) layer after layer")


@exercise("w41-3c")
def _network_of_3c(scope):
    layers = network_layers(scope, 8, [10, 16, 6, 2])
    x = scope.rng().random(8)
    check_forward(scope, ["feed_forward_all_relu"], layers, x, [],
                  _fn.feed_forward(x, layers, [relu] * 4), "ReLU(W @ a + b) layer after layer")


@exercise("w41-4a")
def _forward_per_layer(scope):
    rng = scope.rng()
    layers, x = _fn.create_layers(3, [4, 5, 2], rng), rng.standard_normal(3)
    check_forward(scope, ["feed_forward"], layers, x, [REF.relu, REF.tanh, REF.sigmoid],
                  _fn.feed_forward(x, layers, [relu, tanh, sigmoid]), "f_l(W @ a + b) layer after layer")


@exercise("w41-4b")
def _network_of_4b(scope):
    layers = network_layers(scope, 8, [5, 8, 2], fixed=False)  # the text fixes no sizes
    check_activations(scope, ["ReLU", "ReLU", "sigmoid"])
    x = scope.rng().standard_normal(vector_sizes(layers)[0])
    check_forward(scope, ["feed_forward"], layers, x, [REF.relu, REF.relu, REF.sigmoid],
                  _fn.feed_forward(x, layers, [relu, relu, sigmoid]),
                  "sigmoid(W3 ReLU(W2 ReLU(W1 x + b1) + b2) + b3)")
