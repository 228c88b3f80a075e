"""Week 42, exercises 6 and 8: batched backpropagation and the NeuralNetwork class.

The batched code is tried in every layout of :mod:`.layouts`; the
gradient (@eq-delta-batch, @eq-grad-batch) is compared, in the student's
layout, with autograd's gradient of the mean squared error over every
entry (@eq-mse), or with the gradient of the student's own batched cost.
A gradient off by a constant factor names the factor and its likely cause
in that layout.  Students keep batched
backpropagation under the name ``backpropagation`` too: any function of
exercise 6 whose name holds ``backprop`` is a candidate.
"""

import autograd
import numpy as np

from ffnn import activations as _act
from ffnn import losses as _loss
from ffnn import network as _net

from ..outcomes import Fail, Missing, StudentError
from .binding import has_parameter, parameter_for, signature_of, uses
from .common import (LAYOUT_HINT, REF, as_array, as_layers, as_number, attr, call, close, fresh,
                     grad_mismatch, rng_for)
from .layouts import LAYOUTS, convention
from .registry import exercise
from .scope import Scope

N, SIZES = 8, [4, 5, 3]
FUNCS = [_act.sigmoid, _act.tanh, _act.identity]


def factors(layout, n, k):
    """Constant factors a batched gradient is typically off by, and why, in ``layout``.

    The 1/(n n_L) of @eq-mse belongs once in the cost derivative; dividing
    (A^{l-1})^T Δ^l by n again, or leaving a factor out, scales every
    gradient by the same constant (@eq-grad-mean).
    """
    counts = ("len(predict) and predict.shape[0] count the outputs when samples are in columns"
              if layout.columns else "len(predict) and predict.shape[0] count the samples only")
    return [
        (n, "the batch size", "with a mean cost dC/dW = A^T Δ where Δ carries the 1/n of the cost "
            "derivative; divide by the batch size or put 1/n in the cost derivative"
            + (f" ({counts})" if layout.columns else "")),
        (1 / n, "", "the 1/n of the mean is already in the cost derivative, do not divide by the "
                    "batch size again"),
        (k, "the number of outputs", "mse takes the mean over all n × n_out entries, so its "
            f"derivative divides by predict.size ({counts})"),
        (n * k, "n × n_out", "mse_der does not divide by predict.size (mse takes the mean)"),
        (k / n, "n_out / the batch size", "the cost derivative divides by the number of samples "
            "(len(predict)) instead of predict.size = n × n_out, and dC/dW divides by the batch size "
            "once more"),
        (2, "", "the cost derivative has a factor 2 too many"),
        (0.5, "", "a factor 2 is missing in the cost derivative: d/dp (p - t)^2 = 2 (p - t)"),
    ]


def expected_in(layout, grads):
    """Reference gradients (rows, W (n_in, n_out)) in ``layout``."""
    return [(np.asarray(dW.T if layout.out_in else dW), np.ravel(db)) for dW, db in grads]


def _own_cost_gradient(scope, layout, X, layers, funcs, Y):
    """The central-difference gradient of the student's own scalar batched cost, or None."""
    try:
        costs = scope.functions(["cost_batch", "cost"], handout=True)
    except Missing:
        return None
    for f in costs:
        args = (layout.data(X), funcs, layout.data(Y))
        for order in ((1, 0, 2, 3), (0, 1, 2, 3)):
            def cost(L, f=f, order=order):
                values = (L, *args)
                return as_number(call("cost", f, *(values[i] for i in order)), "the cost")
            try:
                base = layout.layers(layers)
                cost(base)
                return _central_differences(cost, base)
            except (Fail, StudentError):
                continue
    return None


def _central_differences(cost, layers, h=1e-6):
    grads = []
    for i, (W, b) in enumerate(layers):
        pair = []
        for j, P in enumerate((W, b)):
            G = np.zeros_like(P)
            for index in np.ndindex(P.shape):
                shifted = []
                for step in (h, -h):
                    L = fresh(layers)
                    L[i][j][index] += step
                    shifted.append(cost(L))
                G[index] = (shifted[0] - shifted[1]) / (2 * h)
            pair.append(G)
        grads.append((pair[0], np.ravel(pair[1])))
    return grads


def _check_saver(scope, layout, X, layers, funcs):
    ref_inputs, ref_zs, ref_out = _net.feed_forward_saver_batch(X, layers, FUNCS)
    try:
        savers = scope.functions(["feed_forward_saver_batch"])[:1]
    except Missing:  # exercise 6 may keep the saver inside backpropagation
        savers = []
    for saver in savers:
        out = call("feed_forward_saver_batch(X, layers, activation_funcs)", saver, layout.data(X),
                   layout.layers(layers), funcs, hint=LAYOUT_HINT)
        if not isinstance(out, (list, tuple)) or len(out) != 3:
            raise Fail("feed_forward_saver_batch should return (layer_inputs, zs, a)")
        inputs, zs, a = out
        if not close(layout.back(as_array(a, "its output a")), ref_out):
            raise Fail("feed_forward_saver_batch's final activation differs from the batched forward pass")
        for what, got, want in (("layer_inputs", inputs, ref_inputs), ("zs", zs, ref_zs)):
            if not isinstance(got, (list, tuple)) or len(got) != len(want) or not all(
                    close(layout.back(as_array(g, what)), w) for g, w in zip(got, want)):
                raise Fail(f"feed_forward_saver_batch's {what} differ: layer l's input is A^(l-1), "
                           "its z is A^(l-1) @ W + b")


@exercise("w42-6")
def _w42_6(ctx):
    scope = Scope(ctx, "w42-6")
    rng = rng_for("w42-6")
    layers = _net.create_layers_batch(3, SIZES, rng)
    X, Y = rng.standard_normal((N, 3)), rng.random((N, SIZES[-1]))
    funcs, ders = [REF.sigmoid, REF.tanh, REF.identity], [REF.sigmoid_der, REF.tanh_der, REF.identity_der]
    reference = autograd.grad(lambda L: _loss.mse(_net.feed_forward_batch(X, L, FUNCS), Y))(layers)
    try:
        mse_ders = scope.functions(["mse_der"], handout=True)
    except Missing:
        mse_ders = []

    def attempt(f):
        kwargs = {}
        signature = signature_of(f)
        parameter = signature.parameters.get("cost_der") if signature else None
        if parameter is not None and parameter.default is parameter.empty:
            kwargs["cost_der"] = mse_ders[0] if mse_ders else REF.mse_der
        ran, error = None, None
        for layout in LAYOUTS:
            try:
                got = call(f"{f.name}(X, layers, activation_funcs, Y, activation_ders)", f,
                           layout.data(X), layout.layers(layers), funcs, layout.data(Y), ders,
                           hint=LAYOUT_HINT, **kwargs)
            except StudentError as outcome:  # it did not run in this layout
                error = error or outcome
                continue
            try:
                got = as_layers(got, len(SIZES), f.name)
            except Fail as outcome:  # it ran, and returned something else
                ran = ran or outcome
                continue
            reason = grad_mismatch(got, expected_in(layout, reference), f.name,
                                   factors(layout, N, SIZES[-1]))
            if reason:
                own = _own_cost_gradient(scope, layout, X, layers, funcs, Y)
                if own is not None and grad_mismatch(got, own, f.name) is None:
                    reason = None
            if reason is None:
                if "feed_forward_saver_batch" in uses(f):  # only what the exercise's code uses counts
                    _check_saver(scope, layout, X, layers, funcs)
                return convention(layout)
            ran = ran or Fail(reason + ("" if layout.default else f" (with {layout.name})"))
        if ran:
            raise ran
        raise error

    return scope.first_passing(scope.functions(["backpropagation_batch"], fits=_backpropagates), attempt)


def _backpropagates(f):
    """Named backprop..., or taking what backpropagation takes (and no step or epochs)."""
    return "backprop" in f.name.lower() or (
        all(has_parameter(f, k) for k in ("X", "layers", "funcs", "Y", "ders"))
        and not has_parameter(f, "lr") and not has_parameter(f, "epochs"))


def _is_network_class(f):
    is_class = getattr(f, "kind", None) == "class" or (f.source or "").lstrip().startswith("class")
    return is_class and "network" in f.name.lower()


@exercise("w42-8a")
def _w42_8a(ctx):
    scope = Scope(ctx, "w42-8a")
    rng = rng_for("w42-8a")
    X, Y = rng.standard_normal((10, 3)), rng.random((10, 2))
    funcs = [_act.sigmoid, _act.identity]

    def attempt(cls):
        label = "NeuralNetwork(3, [5, 2], [sigmoid, identity], [sigmoid_der, identity_der], mse, mse_der)"
        net = call(label, cls, 3, [5, 2], [REF.sigmoid, REF.identity], [REF.sigmoid_der, REF.identity_der],
                   REF.mse, REF.mse_der, **_seeds(cls))
        predict = attr(net, "predict", "the network")
        for columns in (False, True):
            data, targets = (X.T, Y.T) if columns else (X, Y)
            try:
                P = as_array(call("predict(X)", predict, data.copy()), "predict's output")
            except StudentError:
                if columns:
                    raise
                continue
            if P.shape == targets.shape:
                break
        else:
            raise Fail(f"predict(X) for X of shape (10, 3) has shape {P.shape}, expected (10, 2)")
        layout = _layout_of(net, columns)
        if layout is not None:
            layers = [(W.T if layout.out_in else W, np.ravel(b)) for W, b in
                      as_layers(attr(net, "layers", "the network"), 2, "self.layers")]
            if not close(layout.back(P), _net.feed_forward_batch(X, layers, funcs)):
                raise Fail("predict(X) differs from the batched forward pass through self.layers")
        c = as_number(call("cost(X, Y)", attr(net, "cost", "the network"), data.copy(), targets.copy()),
                      "cost(X, Y)")
        if not np.isclose(c, _loss.mse(P, targets), rtol=1e-6):
            raise Fail("cost(X, Y) is not cost_fun(predict(X), Y)")
        g = as_layers(call("compute_gradient(X, Y)", attr(net, "compute_gradient", "the network"),
                           data.copy(), targets.copy()), 2, "compute_gradient")
        if layout is not None:
            expected = expected_in(layout, autograd.grad(
                lambda L: _loss.mse(_net.feed_forward_batch(X, L, funcs), Y))(layers))
        else:
            theirs = attr(net, "autograd_gradient", "the network")
            expected = as_layers(call("autograd_gradient(X, Y)", theirs, data.copy(), targets.copy()),
                                 2, "autograd_gradient")
        reason = grad_mismatch(g, expected, "compute_gradient", factors(layout or LAYOUTS[0], 10, 2))
        if reason:
            raise Fail(reason)
        notes = [convention(layout)] if layout is not None else []
        update = attr(net, "update_weights", "the network")
        step = parameter_for(update, "lr")
        before = attr(net, "layers", "the network") if layout is not None else None
        call("update_weights(layer_grads)", update, g, **({step: 0.01} if step else {}))
        if close(as_array(call("predict(X)", predict, data.copy()), "predict's output"), P, rtol=0, atol=0):
            raise Fail("update_weights(layer_grads) does not change the network's predictions")
        after = as_number(call("cost(X, Y)", attr(net, "cost", "the network"), data.copy(), targets.copy()),
                          "cost(X, Y)")
        if not after < c:
            if step or before is None or not _adds(before, attr(net, "layers", "the network"), g):
                raise Fail(f"update_weights(layer_grads) does not lower the cost ({c:.4g} before, "
                           f"{after:.4g} after): step against the gradient, W -= η dC/dW")
            notes.append("update_weights adds what it is given: the caller passes the steps -η dC/dW")
        return "; ".join(filter(None, notes))

    return scope.first_passing(scope.functions(["NeuralNetwork"], fits=_is_network_class), attempt)


def _seeds(cls):
    """0 for a required seed parameter of the class (``seed``, ``random_state``)."""
    signature = signature_of(cls)
    names = [] if signature is None else [p.name for p in signature.parameters.values()
                                          if p.default is p.empty and p.name in ("seed", "random_state")]
    return {name: 0 for name in names}


def _adds(before, after, grads):
    """Whether the layers ``after`` are ``before`` plus ``grads``: the layers take steps, not gradients."""
    try:
        old, new = as_layers(before, 2, "self.layers"), as_layers(after, 2, "self.layers")
    except Fail:
        return False
    return all(close(W1 - W0, dW) and close(np.ravel(b1 - b0), np.ravel(db))
               for (W0, b0), (W1, b1), (dW, db) in zip(old, new, grads))


def _layout_of(net, columns):
    """The layout of the network's ``layers`` attribute (3 inputs, 5 then 2 nodes), or None."""
    try:
        layers = as_layers(attr(net, "layers", "the network"), 2, "self.layers")
    except (Fail, StudentError):
        return None
    shape = layers[0][0].shape
    if shape not in ((3, 5), (5, 3)):
        return None
    return next(l for l in LAYOUTS if l.columns == columns and l.out_in == (shape == (5, 3)))
