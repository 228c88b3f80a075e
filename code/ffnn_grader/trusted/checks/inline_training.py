"""Week 42's training written inline, judged by its effects.

Many students train iris in a loop at the top level of a cell instead of in
a function.  Such a loop cannot be called again, so it is judged by what
it did: the cell's code holds a loop that calls the student's own
backpropagation (by hand, :mod:`.byhand`), and the network it left in
``layers`` (or another name of :data:`~.common.LAYERS_NAMES`),
recorded in the snapshot after the cell, classifies iris well above chance.
The network's hidden activation and the scaling of the inputs are not
recorded: the best of sigmoid, ReLU and tanh on raw or standardised inputs
counts (the output's softmax does not change which class is largest).
Exercise 7b's momentum and mini-batches are read from the loop's code: a
velocity scaled by a momentum factor, samples drawn in slices or shuffled.
"""

import ast

import numpy as np

from ffnn import activations as _act
from ffnn.data import load_iris

from ..outcomes import Fail, Missing
from .byhand import TRAINERS, library_gradient
from .scope import parent
from .common import LAYERS_NAMES
from .week41_batch import batch_sizes

ACCURACY = 0.9
_MOMENTUM = ("momentum", "gamma", "beta", "mom", "mu", "alpha")
_SHUFFLES = ("permutation", "shuffle", "choice", "array_split", "randint", "batch")


def _names(tree):
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | {
        n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}


def _loops(source):
    """The top-level loops of a cell's code (for/while at any depth outside functions)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    out, stack = [], list(tree.body)
    while stack:
        node = stack.pop(0)
        if isinstance(node, (ast.For, ast.While)):
            out.append(node)
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            stack += [c for c in ast.iter_child_nodes(node) if isinstance(c, ast.stmt)]
    return out


def _calls(loop, names):
    """The first name of ``names`` the loop calls, or None."""
    for node in ast.walk(loop):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in names:
                return name
    return None


def has_momentum(loop):
    """A product of a momentum factor (``beta``, ``momentum``...) and another value, in the loop."""
    for node in ast.walk(loop):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            for side in (node.left, node.right):
                if isinstance(side, ast.Name) and (side.id.lower() in _MOMENTUM
                                                   or "momentum" in side.id.lower()):
                    return True
    return False


def has_batches(loop):
    """Samples taken in slices (``X[i:i + m]``) or shuffled, inside a loop within the loop."""
    inner = any(isinstance(n, (ast.For, ast.While)) for n in ast.walk(loop) if n is not loop)
    sliced = any(isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Slice)
                 and (n.slice.lower is not None or n.slice.upper is not None) for n in ast.walk(loop))
    shuffled = any(name in _SHUFFLES for name in _names(loop))
    return inner and (sliced or shuffled)


def iris_accuracy(layers):
    """The best accuracy on iris of the network ``layers`` (4 inputs, 3 outputs), or None."""
    found = batch_sizes(layers, 4)
    if found is None or found[0][-1] != 3:
        return None
    out_in = found[1]
    X, Y, labels = load_iris()
    best = 0.0
    for inputs in (X, (X - X.mean(axis=0)) / X.std(axis=0)):
        for hidden in (_act.sigmoid, _act.relu, _act.tanh):
            a = inputs
            for i, (W, b) in enumerate(layers):
                W = np.asarray(W, dtype=float)
                z = a @ (W.T if out_in else W) + np.ravel(b)
                a = hidden(z) if i < len(layers) - 1 else z
            best = max(best, float(np.mean(np.argmax(a, axis=1) == labels)))
    return best


def _cells_to_read(ctx):
    cells = list(ctx.cells)
    seven = [i for i, c in enumerate(cells) if parent(getattr(c, "section", None) or "") == "w42-7"]
    return seven or list(range(len(cells)))


def _left_layers(ctx, index):
    """The networks the cell ``index`` left (changed) in the snapshots, by name."""
    states = ctx.states
    for p, state in enumerate(states):
        if state.get("__cell__") != index:
            continue
        before = states[p - 1] if p else {}
        for name in LAYERS_NAMES:
            value = state.get(name)
            if value is not None and _differs(value, before.get(name)):
                yield name, value
    return


def _differs(a, b):
    try:
        return b is None or not all(np.array_equal(x, y) for pa, pb in zip(a, b) for x, y in zip(pa, pb))
    except (TypeError, ValueError):
        return True


def inline_training(scope, momentum):
    """Judge a training loop written at the top level of a cell (see the module's text)."""
    ctx = scope.ctx
    backprops = {f.name: f for f in ctx.functions()
                 if f.kind == "function" and "backprop" in (f.name or "").lower()}
    failure = None
    for index in reversed(_cells_to_read(ctx)):
        cell = ctx.cells[index]
        for loop in _loops(getattr(cell, "source", "")):
            name = _calls(loop, set(backprops))
            if name is None:
                continue
            where = f"the training loop of {cell.label}"
            trainer = next((TRAINERS[n.lower()] for n in _names(loop) if n.lower() in TRAINERS), None)
            library = trainer or library_gradient(backprops[name], ctx)
            if library:
                failure = failure or Fail(f"{where} uses {library}: the exercise asks for training with "
                                          "your own backpropagation")
                continue
            if momentum and not has_momentum(loop):
                failure = failure or Fail(f"{where} has no momentum: keep a velocity v = γ v - η dC/dθ "
                                          "and step θ += v")
                continue
            if momentum and not has_batches(loop):
                failure = failure or Fail(f"{where} takes no mini-batches: shuffle the samples and take "
                                          "one step per batch")
                continue
            left = list(_left_layers(ctx, index))
            scores = [(iris_accuracy(layers), var) for var, layers in left]
            scores = [(a, var) for a, var in scores if a is not None]
            if not scores:
                failure = failure or Fail(f"{where} calls your `{name}` but leaves no network of 4 inputs "
                                          "and 3 outputs in `layers`: assign the trained layers")
                continue
            accuracy, var = max(scores)
            if accuracy < ACCURACY:
                failure = failure or Fail(f"{where} calls your `{name}`, but the network it left in "
                                          f"`{var}` classifies iris with accuracy {accuracy:.2f} at best "
                                          f"(chance 0.33): it does not learn")
                continue
            return (f"graded from its effects: {where} calls your `{name}` and leaves `{var}` with "
                    f"accuracy {accuracy:.2f} on iris")
    if failure:
        raise failure
    raise Missing("no training found: neither a training function nor a loop that calls your "
                  "backpropagation" + (" with momentum" if momentum else ""))
