"""Week 42, exercise 6: batched backpropagation.

The batched code is tried in every layout of :mod:`.layouts`; the
gradient (@eq-delta-batch, @eq-grad-batch) is compared, in the student's
layout, with autograd's gradient of the mean squared error over every
entry (@eq-mse), or, when the student's own batched cost is that mse times a
positive constant (summed over the outputs), with that multiple of it.
A gradient off by a constant factor names the factor and its likely cause
in that layout.  Students keep batched backpropagation under the name
``backpropagation`` too: any function of exercise 6 whose name holds
``backprop``, or that takes what backpropagation takes, is a candidate.
"""

import autograd
import numpy as np

from ffnn import activations as _act
from ffnn import costs as _costs
from ffnn import functional as _fn

from ..outcomes import Fail, Missing, StudentError
from .binding import has_parameter, signature_of, uses
from .byhand import by_hand
from .common import LAYOUT_HINT, REF, as_array, as_layers, as_number, call, close, grad_mismatch
from .layouts import LAYOUTS, convention
from .registry import exercise

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


def _own_cost_scale(scope, layout, X, layers, funcs, Y):
    """``c`` when the student's own batched cost is ``c`` times the exercise's mse (c > 0), or None.

    A cost that sums over the outputs (c = n_out) is the exercise's up to a
    constant, and its gradient is c times autograd's; any other cost (one
    that is constant, zero, or not the mse) earns nothing.
    """
    try:
        costs = scope.functions(["cost_batch", "cost"], handout=True)
    except Missing:
        return None
    shifted = [(W + 0.5, b - 0.25) for W, b in layers]
    for f in costs:
        args = (layout.data(X), funcs, layout.data(Y))
        for order in ((1, 0, 2, 3), (0, 1, 2, 3)):
            ratios = []
            try:
                for L in (layers, shifted):
                    values = (layout.layers(L), *args)
                    got = as_number(call("cost", f, *(values[i] for i in order)), "the cost")
                    ratios.append(got / _costs.mse(_fn.feed_forward_batch(X, L, FUNCS), Y))
            except (Fail, StudentError):
                continue
            if ratios[0] > 0 and np.isfinite(ratios[0]) and abs(ratios[1] - ratios[0]) < 1e-8 * ratios[0]:
                return ratios[0]
    return None


def _check_saver(scope, layout, X, layers, funcs):
    ref_inputs, ref_zs, ref_out = _fn.feed_forward_saver_batch(X, layers, FUNCS)
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
def _batched_backpropagation(scope):
    rng = scope.rng()
    layers = _fn.create_layers_batch(3, SIZES, rng)
    X, Y = rng.standard_normal((N, 3)), rng.random((N, SIZES[-1]))
    funcs, ders = [REF.sigmoid, REF.tanh, REF.identity], [REF.sigmoid_der, REF.tanh_der, REF.identity_der]
    reference = autograd.grad(lambda L: _costs.mse(_fn.feed_forward_batch(X, L, FUNCS), Y))(layers)
    try:
        mse_ders = scope.functions(["mse_der"], handout=True)
    except Missing:
        mse_ders = []

    def attempt(f):
        by_hand(f, scope.ctx)
        signature = signature_of(f)
        parameter = signature.parameters.get("cost_der") if signature else None
        options = [{}]
        if parameter is not None and parameter.default is parameter.empty:
            options = [{"cost_der": mse_ders[0] if mse_ders else REF.mse_der}]
        elif parameter is not None:  # a default that cannot run on a batch (3b's) is not this exercise's
            options = [{}, {"cost_der": REF.mse_der}]
        ran, error = None, None
        for kwargs in options:
            if ran:  # it ran with its own cost derivative: that is the answer
                break
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
                    c = _own_cost_scale(scope, layout, X, layers, funcs, Y)
                    own = None if c is None else [(c * dW, c * db) for dW, db in expected_in(layout, reference)]
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
