"""Week 42, exercises 2-5: gradients of one vector at a time, by autograd and by hand.

Each exercise is checked in the setting its text describes: exercises 2-5
send one input vector through the network (W of shape (n_out, n_in)), so
``mse_der`` written with ``len(predict)`` or ``predict.shape[0]`` is right
here; only the batched exercise 6 asks more.  The hand-computed gradients
(3d, 3f, 4a, 4c) are read from the snapshots of their own cells and
compared with autograd's.
"""

import autograd
import numpy as np

from ffnn import activations as _act
from ffnn import costs as _costs
from ffnn import functional as _fn

from ..outcomes import Fail
from .binding import accepts
from .byhand import by_hand
from .common import (REF, as_array, as_layers, call, close, expect_shape, fresh, grad_mismatch,
                     gradient_not_zero, largest_difference, not_degenerate)
from .registry import exercise
from .scope import variant_of

sigmoid, sigmoid_der = _act.sigmoid, _act.sigmoid_der


@exercise("w42-2b")
def _one_layer_forward(scope):
    rng = scope.rng()
    W, b, x = rng.standard_normal((3, 2)), rng.standard_normal(3), rng.random(2)

    def attempt(f):
        got = as_array(call("feed_forward_one_layer(W, b, x)", f, W.copy(), b.copy(), x.copy()),
                       "its output")
        expect_shape(got, (3,), "feed_forward_one_layer's output for W (3, 2)")
        if close(got, W @ x + b):
            raise Fail("feed_forward_one_layer returns z: apply the sigmoid, a = sigmoid(W @ x + b)")
        if not close(got, sigmoid(W @ x + b)):
            raise Fail("feed_forward_one_layer's output is not sigmoid(W @ x + b)")

    name = "feed_forward_one_layer"
    scope.first_passing(scope.functions([name], fits=variant_of(name)), attempt)
    s = scope.state("W and b next to x of shape (2,) and target of shape (3,)", x=(2,), target=(3,))
    expect_shape(scope.need(s, "W"), (3, 2), "W", ": 2 inputs, 3 outputs")
    expect_shape(scope.need(s, "b"), (3,), "b")


@exercise("w42-3b")
def _mse_derivative(scope):
    rng = scope.rng()

    def attempt(f):
        for n in (3, 5):  # one vector at a time, as in the exercise
            p, t = rng.random(n), rng.random(n)
            expected = autograd.grad(_costs.mse)(p, t)
            got = as_array(call("mse_der(predict, target)", f, p.copy(), t.copy()), "mse_der's output")
            if close(got, expected):
                continue
            if close(got, expected * n):
                raise Fail(f"mse_der is {n} times autograd's gradient for a predict of {n} entries: "
                           "mse takes the mean, so divide 2 (predict - target) by predict.size "
                           "(len(predict) is the same for one vector)")
            if close(got, expected / 2):
                raise Fail("mse_der is half of autograd's gradient: d/dp (p - t)^2 = 2 (p - t)")
            raise Fail(f"mse_der differs from autograd's gradient of mse for a predict of {n} entries")

    scope.first_passing(scope.functions(["mse_der"], fits=variant_of("mse_der")), attempt)


@exercise("w42-3c")
def _sigmoid_derivative(scope):
    z = 2 * scope.rng().standard_normal(5)

    def attempt(f):
        got = as_array(call("sigmoid_der(z)", f, z.copy()), "sigmoid_der's output")
        if close(got, sigmoid_der(z)):
            return
        if close(got, sigmoid(z)):
            raise Fail("sigmoid_der returns sigmoid(z), not its derivative sigmoid(z) (1 - sigmoid(z))")
        raise Fail("sigmoid_der(z) is not sigmoid(z) (1 - sigmoid(z))")

    scope.first_passing(scope.functions(["sigmoid_der"], fits=variant_of("sigmoid_der")), attempt)


@exercise("w42-3d")
def _output_error(scope):
    scope.value("dC_dz")

    def attempt(s):
        z, t = s["z"], s["target"]
        expected = _costs.mse_der(sigmoid(z), t) * sigmoid_der(z)
        gradient_not_zero([expected], "dC/dz")
        if not close(s["dC_dz"], expected):
            raise Fail("dC_dz is not mse_der(sigmoid(z), target) * sigmoid_der(z)")

    scope.first_passing(scope.states_to_try("dC_dz next to z and target of shape (3,)", "dC_dz",
                                            z=(3,), target=(3,), dC_dz=(3,)), attempt)


def _check_gradient_variables(scope, state, pairs, cost_of_layers, layers, inputs):
    not_degenerate(state, inputs)
    expected = autograd.grad(cost_of_layers)(layers)
    gradient_not_zero([g for pair in expected for g in pair], "the gradient")
    for (wname, bname), (eW, eb) in zip(pairs, expected):
        dW, db = scope.need(state, wname), scope.need(state, bname)
        if np.shape(dW) != eW.shape:
            if np.shape(dW) == eW.T.shape:
                raise Fail(f"{wname} has shape {np.shape(dW)}, the transpose of W's {eW.shape}: "
                           "dC/dW = np.outer(dC_dz, a_previous)")
            raise Fail(f"{wname} has shape {np.shape(dW)}, expected W's shape {eW.shape}")
        if not close(dW, eW):
            raise Fail(f"{wname} differs from autograd's gradient (largest difference "
                       f"{largest_difference(dW, eW):.3g})")
        if np.size(db) != eb.size or not close(np.reshape(db, eb.shape), eb):
            raise Fail(f"{bname} differs from autograd's gradient")


@exercise("w42-3f")
def _one_layer_gradients(scope):
    dW = scope.value("dC_dW")

    def attempt(s):
        x, t = s["x"], s["target"]
        _check_gradient_variables(scope, s, [("dC_dW", "dC_db")],
                                  lambda L: _costs.mse(sigmoid(L[0][0] @ x + L[0][1]), t),
                                  [(s["W"], s["b"])], ("W", "x"))

    scope.first_passing(scope.states_to_try("dC_dW next to W (3, 2), b (3,), x (2,) and target (3,)",
                                            "dC_dW", W=(3, 2), b=(3,), x=(2,), target=(3,),
                                            dC_dW=np.shape(dW)), attempt)


def _two_layers(scope, name, pairs, layer):
    """Check the gradient variables ``pairs`` of layer ``layer`` (0 or 1) of exercise 4's network."""
    scope.value(name)

    def attempt(s):
        x, t = s["x"], s["target"]
        layers = [(s["W1"], s["b1"]), (s["W2"], s["b2"])]

        def cost(L):
            both = list(layers)
            both[layer] = L[0]
            return _costs.mse(_fn.feed_forward(x, both, [sigmoid, sigmoid]), t)

        _check_gradient_variables(scope, s, pairs, cost, [layers[layer]], ("W1", "W2", "x"))

    scope.first_passing(scope.states_to_try(
        f"{name} next to W1 (3, 2), b1 (3,), W2 (4, 3), b2 (4,), x (2,) and target (4,)", name,
        W1=(3, 2), b1=(3,), W2=(4, 3), b2=(4,), x=(2,), target=(4,)), attempt)


@exercise("w42-4a")
def _last_layer_gradients(scope):
    _two_layers(scope, "dC_dW2", [("dC_dW2", "dC_db2")], 1)


@exercise("w42-4c")
def _first_layer_gradients(scope):
    _two_layers(scope, "dC_dW1", [("dC_dW1", "dC_db1")], 0)


@exercise("w42-5a")
def _backpropagation(scope):
    rng = scope.rng()
    layers = _fn.create_layers(3, [4, 5, 3], rng)
    x, t = rng.standard_normal(3), rng.random(3)
    funcs = [_act.sigmoid, _act.relu, _act.sigmoid]
    expected = autograd.grad(lambda L: _costs.mse(_fn.feed_forward(x, L, funcs), t))(layers)

    def attempt(f):
        by_hand(f, scope.ctx)
        label = "backpropagation(x, layers, activation_funcs, target, activation_ders)"
        kwargs = {"cost_der": REF.mse_der} if accepts(f, "cost_der") else {}
        got = as_layers(call(label, f, x.copy(), fresh(layers), [REF.sigmoid, REF.relu, REF.sigmoid],
                             t.copy(), [REF.sigmoid_der, REF.relu_der, REF.sigmoid_der], **kwargs),
                        3, f.name)
        reason = grad_mismatch(got, expected, f.name, factors=[
            (3, "the number of outputs", "the cost derivative does not divide by it: mse takes the mean"),
            (2, "", "the cost derivative has a factor 2 too many"),
            (0.5, "", "a factor 2 is missing in the cost derivative: d/dp (p - t)^2 = 2 (p - t)")])
        if reason:
            raise Fail(reason)

    scope.first_passing(scope.functions(["backpropagation"], fits=variant_of("backpropagation")),
                        attempt)
