"""Training functions: week 41's with autograd (7c), week 42's with backpropagation (7a, 7b).

A training function passes when it lowers the cross-entropy of a small
classification problem (60 samples, 4 features, 3 classes, network 4 -> 8
sigmoid -> 3 softmax) in 40 epochs with learning rate 0.01, in one of the
layouts of :mod:`.layouts`.  Students name these functions in many ways
(``train_network``, ``train_network_manual``, ``train_network_ownbp``...):
any function whose name starts with ``train`` is a candidate, the
exercise's own name first.  Only what training uses counts: a wrong
``cross_entropy`` the training never calls costs nothing here.  With
momentum (@eq-gd-momentum) the result must change when μ does.  Week 42's
training must also be the student's own (its backpropagation by hand, no
library trainer, :mod:`.byhand`) and really learn the exercise's task:
iris, well above chance (:mod:`.following`).
"""

import autograd
import numpy as np

from ffnn import activations as _act
from ffnn import costs as _costs
from ffnn import functional as _fn

from ..outcomes import Fail, Missing, StudentError
from .binding import bind_call, has_parameter, uses
from .byhand import by_hand, library_trainer
from .following import judge_training
from .inline_training import inline_training
from .common import LAYOUT_HINT, REF, as_layers, close, rng_for
from .layouts import LAYOUTS, convention
from .registry import exercise
from .scope import parent

EPOCHS, LEARNING_RATE = 40, 0.01


def _problem(exercise_id, n=60):
    rng = rng_for(exercise_id)
    X = rng.standard_normal((n, 4))
    Y = np.eye(3)[np.argmax(X @ rng.standard_normal((4, 3)), axis=1)]
    return X, Y, _fn.create_layers_batch(4, [8, 3], rng)


def _cost(X, Y, layers):
    return _costs.cross_entropy(_fn.feed_forward_batch(X, layers, [_act.sigmoid, _act.softmax]), Y)


def _is_layers(value):
    return isinstance(value, (list, tuple)) and len(value) > 0 and all(
        isinstance(pair, (list, tuple)) and len(pair) == 2 for pair in value)


def _trained(result, passed, n_layers, name):
    """The layers training produced: returned, or (returning None or a history) updated in place."""
    if isinstance(result, tuple) and len(result) == 2 and not _is_layers(result):
        result = next((part for part in result if _is_layers(part)), result)  # (layers, history)
    if not _is_layers(result):
        return as_layers(passed, n_layers, name)
    if len(result) > n_layers and len(result) % n_layers == 0:
        raise Fail(f"{name} returned {len(result)} (W, b) pairs for a {n_layers}-layer network: the "
                   "list grows every epoch (append inside the loop); return one (W, b) per layer")
    return as_layers(result, n_layers, name)


def train(f, exercise_id, layout, **extra):
    """The layers ``f`` returns, in the reference layout (W (n_in, n_out), b (n_out,))."""
    X, Y, layers = _problem(exercise_id)
    return _run(f, X, Y, layers, layout, **extra)


def _run(f, X, Y, layers, layout, **extra):
    """``f`` trained on ``X``, ``Y`` from ``layers`` in ``layout``; the layers in the reference layout."""
    passed = layout.layers(layers)
    values = dict(X=layout.data(X), layers=passed, Y=layout.data(Y),
                  funcs=[REF.sigmoid, layout.softmax()], ders=[REF.sigmoid_der, REF.ones_der],
                  lr=LEARNING_RATE, epochs=EPOCHS, momentum=0.9, batch_size=10,
                  cost_der=REF.cross_entropy_der, cost=REF.cross_entropy)
    values.update(extra)
    result = bind_call(f"{f.name}(inputs, layers, ...)", f, values,
                       order=("X", "layers", "funcs", "Y"), hint=LAYOUT_HINT)
    trained = _trained(result, passed, len(layers), f.name)
    out = []
    for (W, b), (W0, b0) in zip(trained, layers):
        W = W.T if layout.out_in and W.ndim == 2 else W
        if W.shape != W0.shape or b.size != b0.size:
            raise Fail(f"{f.name} returned layers of shapes {[t[0].shape for t in trained]}")
        out.append((W, b.reshape(b0.shape)))
    return out


def training_layout(f, exercise_id):
    """The layout in which ``f`` lowers the cost, and keeps lowering it past the first epoch."""
    X, Y, layers = _problem(exercise_id)
    before = _cost(X, Y, layers)
    ran, error = None, None
    for layout in LAYOUTS:
        try:
            trained = train(f, exercise_id, layout)
        except StudentError as outcome:  # it did not run in this layout
            error = error or outcome
            continue
        except Fail as outcome:  # it ran, and returned something wrong
            ran = ran or outcome
            continue
        after = _cost(X, Y, trained)
        if np.isfinite(after) and after < before - 1e-9:
            if has_parameter(f, "epochs") and _same(trained, train(f, exercise_id, layout, epochs=1)):
                raise Fail(f"{f.name} trains {EPOCHS} epochs no better than 1: only the first epoch "
                           "changes the layers (is an iterator such as zip(layers, grads) made once, "
                           "outside the epoch loop, or are the gradients computed only once?)")
            return layout
        ran = ran or Fail(
            f"training with {f.name} diverged (the cost became NaN or infinite)" if not np.isfinite(after)
            else f"{f.name} did not lower the cross-entropy ({before:.4g} before, {after:.4g} after "
                 f"{EPOCHS} epochs with learning rate {LEARNING_RATE}): step against the gradient, "
                 "W -= η dC/dW")
    raise ran or error


def _same(layers, others):
    return all(close(W, W0) and close(b, b0) for (W, b), (W0, b0) in zip(layers, others))


def _full_batch_step(trained, exercise_id):
    """Whether ``trained`` is the start plus a multiple of the full data set's gradient."""
    X, Y, layers = _problem(exercise_id)
    gradient = autograd.grad(lambda L: _cost(X, Y, L))(layers)
    step = np.concatenate([np.ravel(a - a0) for pair, pair0 in zip(trained, layers)
                           for a, a0 in zip(pair, pair0)])
    g = np.concatenate([np.ravel(a) for pair in gradient for a in pair])
    norms = np.linalg.norm(step) * np.linalg.norm(g)
    return norms > 0 and float(step @ g) / norms < -1 + 1e-9


def _trains(f):
    """A training function: named train..., or taking inputs, layers, targets and a step or epochs."""
    return (getattr(f, "name", "") or "").lower().startswith("train") or (
        all(has_parameter(f, k) for k in ("X", "layers", "Y"))
        and (has_parameter(f, "lr") or has_parameter(f, "epochs")))


def _calls_backprop(f):
    return any("backprop" in name or "compute_gradient" in name for name in uses(f))


@exercise("w41-7c")
def _autograd_training(scope):
    found = scope.functions(["train_network"], fits=_trains)
    # Week 42 may redefine train_network with its own backpropagation: week 41's uses autograd.
    found = [f for f in found if not any("backprop" in name for name in uses(f))] or found
    def attempt(f):
        trainer = library_trainer(f, scope.ctx)
        if trainer:
            raise Fail(f"`{f.name}` trains with {trainer}: the exercise asks for gradient descent with "
                       "autograd's gradient")
        layout = training_layout(f, scope.id)
        return "; ".join(filter(None, [learns(f, scope, layout), convention(layout)]))

    return scope.first_passing(found, attempt)


@exercise("w42-7a")
def _iris_training(scope):
    try:
        found = scope.functions(["train_network"], fits=_trains, later=True)
    except Missing as missing:
        return _inline(scope, missing, momentum=False)
    # The answer: the training code of 7a's own cells, else of exercise 7's; week 41's
    # train_network redone first (the exercise asks for it), else any other.
    for keep in (lambda f: parent(f.section or "") == "w42-7", lambda f: f.section in scope.sections,
                 lambda f: f.name == "train_network"):
        found = [f for f in found if keep(f)] or found
    own = [f for f in found if _calls_backprop(f)]
    if not own:
        trainer = library_trainer(found[0], scope.ctx)
        if trainer:
            raise Fail(f"`{found[0].name}` trains with {trainer}: the exercise asks for training with "
                       "your own backpropagation, in numpy")
        raise Fail(f"{found[0].name} does not call your backpropagation: week 42 trains with your own "
                   "backpropagation_batch, not autograd's gradient_func")

    def attempt(f):
        _own_work(f, scope.ctx)
        layout = training_layout(f, scope.id)
        return "; ".join(filter(None, [learns(f, scope, layout), convention(layout)]))

    return scope.first_passing(own, attempt)


def learns(f, scope, layout):
    """:func:`.following.judge_training` of ``f`` on this exercise's problem, in ``layout``."""
    X, Y, layers = _problem(scope.id)
    return judge_training(f, scope.ctx, layout, X, Y, layers,
                          lambda g, X, Y, L, **values: _run(g, X, Y, L, layout, **values))


def _inline(scope, missing, momentum):
    """A training loop at the top level of a cell, judged by its effects; else ``missing``."""
    try:
        return inline_training(scope, momentum)
    except Missing:
        raise missing from None


def _own_work(f, ctx):
    """:class:`Fail` when ``f`` trains with a library's trainer or a library's gradient."""
    trainer = library_trainer(f, ctx)
    if trainer:
        raise Fail(f"`{f.name}` trains with {trainer}: the exercise asks for training with "
                   "your own backpropagation, in numpy")
    by_hand(f, ctx, "training with your own backpropagation")


def _momentum(f):
    return (has_parameter(f, "momentum") or "momentum" in f.name.lower()
            or "velocit" in (getattr(f, "source", None) or ""))


@exercise("w42-7b")
def _momentum_training(scope):
    try:
        found = [f for f in scope.functions(["train_network_momentum"], fits=_trains, later=True)
                 if _momentum(f)]
    except Missing as missing:
        found = [] if str(missing).startswith("no function") else missing
    if isinstance(found, Missing):  # a template, or the handout's own code
        return _inline(scope, found, momentum=True)
    if not found:
        return _inline(scope, Missing("no training with momentum found: neither a training function "
                                      "with a momentum nor a loop with a velocity"), momentum=True)

    def attempt(f):
        _own_work(f, scope.ctx)
        layout = training_layout(f, scope.id)
        if has_parameter(f, "momentum") and _same(train(f, scope.id, layout),
                                                  train(f, scope.id, layout, momentum=0.0)):
            raise Fail(f"{f.name} trains the same with momentum 0.9 as with 0: the velocity "
                       "v = γ v - η dC/dθ must carry over to the next step, θ += v")
        if has_parameter(f, "epochs") and _full_batch_step(train(f, scope.id, layout, epochs=1), scope.id):
            raise Fail(f"{f.name} is not stochastic: its first epoch is one step along the gradient of "
                       "the whole data set; stochastic gradient descent shuffles the samples and takes "
                       "one step per mini-batch")
        return "; ".join(filter(None, [learns(f, scope, layout), convention(layout)]))

    return scope.first_passing(found, attempt)
