"""Week 42, exercise 8: the NeuralNetwork class.

The class is built with the handout's six arguments (and seed=0 when it
asks for one), then driven through its methods only: ``predict`` (samples
in rows, else in columns), ``cost`` (always ``cost_fun(predict(X), Y)``, before and after an update),
``compute_gradient`` (compared with autograd through ``self.layers`` in the
layout found; nothing the class computes is trusted as the reference, so a
network without readable ``layers`` fails), and ``update_weights``, which
must lower the cost, or, without a learning rate, add the steps it is given.
"""

import autograd
import numpy as np

from ffnn import activations as _act
from ffnn import costs as _costs
from ffnn import functional as _fn

from ..outcomes import Fail, StudentError
from .binding import parameter_for, signature_of
from .common import REF, as_array, as_layers, as_number, attr, call, close, grad_mismatch
from .layouts import LAYOUTS, convention
from .registry import exercise
from .week42_batch import expected_in, factors


def _is_network_class(f):
    is_class = getattr(f, "kind", None) == "class" or (f.source or "").lstrip().startswith("class")
    return is_class and "network" in f.name.lower()


@exercise("w42-8a")
def _network_class(scope):
    rng = scope.rng()
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
        if layout is None:  # the expected gradient is computed here, never taken from the class
            raise Fail("the network keeps no readable self.layers (a list of (W, b), 3 -> 5 -> 2), "
                       "so compute_gradient cannot be compared with autograd")
        layers = [(W.T if layout.out_in else W, np.ravel(b)) for W, b in
                  as_layers(attr(net, "layers", "the network"), 2, "self.layers")]
        if not close(layout.back(P), _fn.feed_forward_batch(X, layers, funcs)):
            raise Fail("predict(X) differs from the batched forward pass through self.layers")
        c = as_number(call("cost(X, Y)", attr(net, "cost", "the network"), data.copy(), targets.copy()),
                      "cost(X, Y)")
        if not np.isclose(c, _costs.mse(P, targets), rtol=1e-6):
            raise Fail("cost(X, Y) is not cost_fun(predict(X), Y)")
        g = as_layers(call("compute_gradient(X, Y)", attr(net, "compute_gradient", "the network"),
                           data.copy(), targets.copy()), 2, "compute_gradient")
        expected = expected_in(layout, autograd.grad(
            lambda L: _costs.mse(_fn.feed_forward_batch(X, L, funcs), Y))(layers))
        reason = grad_mismatch(g, expected, "compute_gradient", factors(layout, 10, 2))
        if reason:
            raise Fail(reason)
        notes = [convention(layout)]
        update = attr(net, "update_weights", "the network")
        step = parameter_for(update, "lr")
        before = attr(net, "layers", "the network")
        call("update_weights(layer_grads)", update, g, **({step: 0.01} if step else {}))
        moved = as_array(call("predict(X)", predict, data.copy()), "predict's output")
        if close(moved, P, rtol=0, atol=0):
            raise Fail("update_weights(layer_grads) does not change the network's predictions")
        after = as_number(call("cost(X, Y)", attr(net, "cost", "the network"), data.copy(), targets.copy()),
                          "cost(X, Y)")
        if moved.shape != targets.shape or not np.isclose(after, _costs.mse(moved, targets), rtol=1e-6):
            raise Fail("after update_weights, cost(X, Y) is not cost_fun(predict(X), Y)")
        if not after < c:
            if step or not _adds(before, attr(net, "layers", "the network"), g):
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
