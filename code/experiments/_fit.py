"""Training with early stopping on validation data, and summaries over seeds.

``fit`` trains a network in chunks of ``check_every`` epochs with one
optimiser (its state carries over from chunk to chunk) and one shuffling
generator, scores the validation data after each chunk with ``net.predict``,
keeps the parameters of the best chunk and stops when ``patience`` epochs
have passed without improvement.  The network is left at its best
parameters, so the test data are scored once, at a point chosen on
validation data only.

``fit_many`` makes the same choice for M networks of one architecture
trained in lockstep (``ffnn.train_many``): it trains them all for
``max_epochs``, reads each one's validation score after every
``check_every`` epochs from its recorded history, applies ``fit``'s rule
(best checkpoint, stop after ``patience`` epochs without improvement) to
that curve, and trains each network again, in lockstep with those that
stopped at the same checkpoint, up to its best epoch.  Training is
deterministic, so this gives ``fit``'s parameters (to rounding): the curve
up to the stop is ``fit``'s curve.  The recorded score is the validation
*cost* or, for a softmax output, the validation error rate: ``fit``'s
score for regressors with ``metric=mse`` and classifiers with
``metric=error_rate``.  The cost of a penalised network includes its
penalty, which ``fit``'s score does not: such regressors train with ``fit``,
or with ``fit_many(..., penalised=True)``, whose early stopping then reads the
validation cost with the penalty (the cost the network minimises).  A group in which a network diverges is halved until the
divergent one trains alone, with ``fit``.
"""

import copy
import time
import warnings
from dataclasses import dataclass, field

import numpy as np

import ffnn


def mse(predict, target):
    """Mean squared difference of two arrays of the same number of elements."""
    return float(np.mean((np.ravel(predict) - np.ravel(target)) ** 2))


def error_rate(predict, target):
    """1 - accuracy, so that smaller is better for classifiers too."""
    return 1.0 - ffnn.accuracy(predict, target)


def score(net, X, Y, metric):
    """``metric(net.predict(X), Y)``, inf when the prediction is not finite."""
    with np.errstate(all="ignore"):
        predict = net.predict(X)
    return metric(predict, Y) if np.all(np.isfinite(predict)) else np.inf


@dataclass
class Checkpoints:
    """``fit``'s early-stopping rule, one object for a training and for a recorded curve.

    A checkpoint every ``check_every`` epochs (the last one at ``max_epochs``); the
    best score so far (``initial`` before any training) and its epoch; a stop once
    ``patience`` epochs have passed without improvement, or at a score that is not
    finite (``diverged``).
    """
    best_val: float
    max_epochs: int
    check_every: int
    patience: int
    best_epoch: int = 0
    epoch: int = 0
    curve: list = field(default_factory=list)
    diverged: bool = False

    def next_chunk(self):
        """The epochs to train before the next checkpoint; 0 once the rule says stop."""
        if (self.diverged or self.epoch >= self.max_epochs
                or self.epoch - self.best_epoch >= self.patience):
            return 0
        return min(self.check_every, self.max_epochs - self.epoch)

    def record(self, chunk, val):
        """The score after ``chunk`` more epochs; True if it is the best so far."""
        self.epoch += chunk
        self.curve.append(val)
        if not np.isfinite(val):
            self.diverged = True
            return False
        if val < self.best_val:
            self.best_val, self.best_epoch = val, self.epoch
            return True
        return False

    def result(self):
        return {"best_epoch": self.best_epoch, "epochs_run": self.epoch,
                "val_curve": self.curve, "diverged": self.diverged}


def fit(net, X, Y, X_val, Y_val, optimizer, *, max_epochs, batch_size, seed, metric=mse,
        check_every=10, patience=100):
    """Train ``net`` in place, early-stopped on ``metric`` over (X_val, Y_val).

    Returns ``{"best_epoch", "epochs_run", "val_curve", "diverged", "seconds"}``
    (``seconds``: the CPU time of the training, validation included, which
    other processes on the machine do not inflate as they do the wall time):
    ``val_curve[k]`` is the validation metric after ``(k + 1) * check_every``
    epochs; a run whose cost becomes NaN/inf stops there (``diverged``) and
    keeps its best parameters so far (its initial ones if none was finite).
    """
    rng = np.random.default_rng(seed)
    stop = Checkpoints(score(net, X_val, Y_val, metric), max_epochs, check_every, patience)
    best = [(W.copy(), b.copy()) for W, b in net.layers]
    start = time.process_time()
    while chunk := stop.next_chunk():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                ffnn.train(net, X, Y, optimizer, epochs=chunk, batch_size=batch_size, seed=rng,
                           progress=False)
        except ffnn.DivergenceError:
            stop.diverged = True
            break
        if stop.record(chunk, score(net, X_val, Y_val, metric)):
            best = [(W.copy(), b.copy()) for W, b in net.layers]
    seconds = time.process_time() - start
    for (W, b), (W_best, b_best) in zip(net.layers, best):
        W[...] = W_best
        b[...] = b_best
    return {**stop.result(), "seconds": seconds}


def _rows(A, idx):
    """The networks idx's data: A itself if shared (2-D), else its rows idx."""
    return A if A is None or np.ndim(A) == 2 else np.asarray(A)[idx]


def stop_on_curve(initial, per_epoch, max_epochs, check_every, patience):
    """``fit``'s rule applied to a recorded curve of validation scores per epoch."""
    stop = Checkpoints(initial, max_epochs, check_every, patience)
    while chunk := stop.next_chunk():
        stop.record(chunk, per_epoch[stop.epoch + chunk - 1])
    return stop.result()


def fit_many(nets, X, Y, X_val, Y_val, optimizers, *, max_epochs, batch_size, seeds,
             metric=mse, check_every=10, patience=100, penalised=False):
    """``[fit(nets[m], X_m, Y_m, ..., optimizers[m], seed=seeds[m]) ...]`` in lockstep.

    X, Y, X_val, Y_val are shared (2-D) or one draw per network (3-D).  See the
    module docstring for the score read from the histories (``penalised``: a
    penalised regressor's includes its penalty).  ``seconds`` is each
    network's share of the group's CPU time (both passes).
    """
    nets, optimizers, seeds = list(nets), list(optimizers), list(seeds)
    for m, net in enumerate(nets):
        if net.cost_record.name == "mse" and (net.l2 or net.l1) and not penalised:
            raise ValueError(f"nets[{m}]: expected no penalty (its recorded validation cost "
                             f"would include it), got l2 = {net.l2}, l1 = {net.l1}; use fit "
                             f"or penalised=True")
    fresh = [copy.deepcopy(opt) for opt in optimizers]
    initial = [net.parameters.copy() for net in nets]
    idx = np.arange(len(nets))
    start = time.process_time()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            histories = ffnn.train_many(nets, X, Y, optimizers, epochs=max_epochs,
                                        batch_size=batch_size, seeds=seeds, X_val=X_val,
                                        Y_val=Y_val, progress=False)
    except ffnn.DivergenceError:
        for net, theta in zip(nets, initial):
            net.parameters[...] = theta
        if len(nets) == 1:
            return [fit(nets[0], _rows(X, 0), _rows(Y, 0), _rows(X_val, 0), _rows(Y_val, 0),
                        fresh[0], max_epochs=max_epochs, batch_size=batch_size, seed=seeds[0],
                        metric=metric, check_every=check_every, patience=patience)]
        half = len(nets) // 2
        return [r for part in (slice(0, half), slice(half, None))
                for r in fit_many(nets[part], _rows(X, idx[part]), _rows(Y, idx[part]),
                                  _rows(X_val, idx[part]), _rows(Y_val, idx[part]), fresh[part],
                                  max_epochs=max_epochs, batch_size=batch_size,
                                  seeds=seeds[part], metric=metric, check_every=check_every,
                                  patience=patience, penalised=penalised)]
    classify = "val_accuracy" in histories[0]
    out = []
    for m, (net, h) in enumerate(zip(nets, histories)):
        net.parameters[...] = initial[m]
        first = score(net, _rows(X_val, m), _rows(Y_val, m), metric) + (
            net.penalty() if penalised else 0.0)
        curve = (1.0 - np.array(h["val_accuracy"])) if classify else np.array(h["val_cost"])
        out.append(stop_on_curve(first, curve, max_epochs, check_every, patience))
    for e in sorted({r["best_epoch"] for r in out} - {0}):
        group = [m for m, r in enumerate(out) if r["best_epoch"] == e]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            ffnn.train_many([nets[m] for m in group], _rows(X, group), _rows(Y, group),
                            [copy.deepcopy(fresh[m]) for m in group], epochs=e,
                            batch_size=batch_size, seeds=[seeds[m] for m in group],
                            progress=False)
    seconds = (time.process_time() - start) / len(nets)
    return [{**r, "seconds": seconds} for r in out]


def train_many_apart(nets, X, Y, optimizers, *, seeds, **kw):
    """``ffnn.train_many(nets, X, Y, optimizers, seeds=seeds, **kw)`` (shared data), with a
    diverging network apart: a group in which one diverges is halved until it trains
    alone.  Returns one history per network, None for a network that diverged (its
    parameters are then those it diverged with)."""
    nets, optimizers, seeds = list(nets), list(optimizers), list(seeds)
    fresh = [copy.deepcopy(opt) for opt in optimizers]
    initial = [net.parameters.copy() for net in nets]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return ffnn.train_many(nets, X, Y, optimizers, seeds=seeds, progress=False, **kw)
    except ffnn.DivergenceError:
        if len(nets) == 1:
            return [None]
    for net, theta in zip(nets, initial):
        net.parameters[...] = theta
    half = len(nets) // 2
    return [h for part in (slice(0, half), slice(half, None))
            for h in train_many_apart(nets[part], X, Y, fresh[part], seeds=seeds[part], **kw)]


def fit_each(nets, X, Y, X_val, Y_val, optimizers, *, seeds, **kw):
    """``fit_many``'s interface, one network after another with ``fit`` (shared data): faster
    than lockstep where early stopping ends most runs long before ``max_epochs`` and
    the networks are large enough for their arithmetic to dominate."""
    return [fit(net, X, Y, X_val, Y_val, opt, seed=seed, **kw)
            for net, opt, seed in zip(nets, optimizers, seeds)]


def fit_partial(model, X, y, X_val, y_val, *, max_epochs, check_every=10, patience=100):
    """``fit``'s rule for a scikit-learn MLP trained one epoch per ``partial_fit`` call.

    Validation MSE after every ``check_every`` epochs; stop after ``patience``
    epochs without improvement; the model ends at the weights of its best
    checkpoint (at least the first).  Give the model a ``np.random.RandomState``
    as ``random_state``: with an int, every call would shuffle the batches alike.
    Returns ``{"best_epoch", "epochs_run", "val_curve"}``.
    """
    if not isinstance(model.random_state, np.random.RandomState):
        raise TypeError(f"model.random_state: expected a np.random.RandomState, got "
                        f"{model.random_state!r}")
    best_val, best_epoch, best, epoch, curve = np.inf, 0, None, 0, []
    while epoch < max_epochs and epoch - best_epoch < patience:
        chunk = min(check_every, max_epochs - epoch)
        for _ in range(chunk):
            model.partial_fit(X, y)
        epoch += chunk
        curve.append(score(model, X_val, y_val, mse))
        if curve[-1] < best_val or best is None:
            best_val, best_epoch = curve[-1], epoch
            best = copy.deepcopy((model.coefs_, model.intercepts_))
    model.coefs_, model.intercepts_ = best
    return {"best_epoch": best_epoch, "epochs_run": epoch, "val_curve": curve}


def over_seeds(values, axis=-1):
    """Mean, standard deviation (ddof = 1) and count over ``axis``, NaN-aware."""
    values = np.asarray(values, dtype=float)
    with warnings.catch_warnings():  # all-NaN slices give NaN, stored as null
        warnings.simplefilter("ignore", RuntimeWarning)
        return {"mean": np.nanmean(values, axis=axis),
                "std": np.nanstd(values, axis=axis, ddof=1),
                "n": np.sum(np.isfinite(values), axis=axis)}
