"""Train M networks of one architecture at once, in lockstep (a grid of η, λ, seeds, data draws).

Small networks spend their time in Python's and numpy's per-call overhead,
not in arithmetic.  :func:`train_many` pays that overhead once for M
networks: their parameter vectors are stacked as the rows of one (M, P)
array θ, each layer is one batched matrix product for all M
(:class:`ffnn.fastpath.FastGradient`, the same code that trains one network),
and one optimiser update covers all of them.  Each network keeps its own
initial weights, penalty (λ₂, λ₁), learning rate and seed (hence its own
order of mini-batches), and possibly its own draw of the data; it ends
with the parameters it would have had trained alone by :func:`ffnn.train`
with the same settings, to rounding.

Example: an η × seed grid on iris::

    nets = [ffnn.NeuralNetwork(4, [8, 3], ["sigmoid", "softmax"], cost_fun="cross_entropy",
                               seed=s) for eta in etas for s in range(5)]
    opts = [ffnn.Adam(eta) for eta in etas for s in range(5)]
    histories = ffnn.train_many(nets, X, Y, opts, epochs=100, batch_size=10,
                                seeds=range(len(nets)))
"""

import copy

import numpy as np

from . import schedules, validation
from .validation import checked_network
from .activations import softmax
from .batches import Batches
from .fastpath import FastGradient, penalised
from .history import History
from .metrics import accuracy
from .optimizers import Optimizer
from .training import DivergenceError, Rate, checked_rows, progress_bar


def train_many(networks, X, Y, optimizers, *, epochs, batch_size=None, seeds=None,
               X_val=None, Y_val=None, progress=None, schedule=None):
    """Train the M ``networks`` in place, in lockstep; return their M histories.

    Parameters
    ----------
    networks : list of M ffnn.NeuralNetwork
        Of one architecture (sizes, activations, cost, dtype); penalties may differ.
    X, Y : arrays of shape (n, n_0) and (n, n_L) shared by all, or (M, n, n_0)
        and (M, n, n_L), each network its own draw of n samples.
    optimizers : list of M ffnn.Optimizer
        New ones, one per network, of one class; their numbers (learning
        rate, momentum, ...) may differ.  Afterwards each holds its network's
        state, as after :func:`ffnn.train`.
    epochs, batch_size, progress, schedule : as for :func:`ffnn.train`
    seeds : list of M seeds, or None
        Network m shuffles its batches with ``seeds[m]``, as ``train(..., seed=seeds[m])``.
    X_val, Y_val : validation data, shared or one draw per network, optional

    Returns
    -------
    list of M :class:`ffnn.history.History`, as :func:`ffnn.train` returns.
    Early stopping is for one network at a time (:func:`ffnn.train`).
    """
    networks = _as_list(networks, "networks", "NeuralNetwork", "[net]")
    optimizers = _as_list(optimizers, "optimizers", "optimiser", "[Adam(0.01) for _ in networks]")
    first = _checked_networks(networks)
    M, dtype = len(networks), first.dtype
    X, Y = _checked_data(first, M, X, Y, "X", "Y")
    rows = checked_rows(epochs, batch_size, X.shape[-2], X_val, Y_val)
    if X_val is not None:
        X_val, Y_val = _checked_data(first, M, X_val, Y_val, "X_val", "Y_val")
    seeds = [None] * M if seeds is None else list(seeds)
    if len(seeds) != M:
        raise ValueError(f"seeds: expected one per network ({M}), got {len(seeds)}")

    theta = np.stack([net.parameters for net in networks])  # (M, P)
    l2, l1 = (_penalties(networks, k, dtype) for k in ("l2", "l1"))
    step = _stacked_optimizer(optimizers, M, theta.shape[1], dtype)
    rate = Rate(step, schedules.checked_schedule(schedule))
    args = (theta, first.shapes, first.activation_funcs, first.activation_ders, first.cost_record, l2, l1)
    fast = FastGradient(*args, rows)
    check = None if X_val is None else FastGradient(*args, X_val.shape[-2])
    batches = Batches(X, Y, rows, seeds, stacked=True)
    histories = [History.new(X_val is not None, first.activation_funcs[-1] is softmax)
                 for _ in range(M)]
    flat = theta.reshape(-1)  # the M parameter vectors end to end, a view: the optimiser's θ
    bar = progress_bar(epochs, progress)
    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for epoch in bar:
                rate.set(epoch - 1)
                costs = _epoch(fast, batches, step, flat, epoch, step.learning_rate)
                for history, cost in zip(histories, costs):
                    history.cost.append(float(cost))
                if check is not None:
                    _validate(check, X_val, Y_val, l2, l1, histories)
    finally:  # as after ffnn.train, also when training diverged
        rate.restore()
        bar.close()
        _hand_back(networks, optimizers, theta, step)
    return histories


def _hand_back(networks, optimizers, theta, step):
    """Each network its row of θ, each optimiser its network's share of the state."""
    M = len(networks)
    for m, (net, optimizer) in enumerate(zip(networks, optimizers)):
        net.parameters[...] = theta[m]
        if step.state is not None:
            optimizer.adopt(net.parameters, [s.reshape(M, -1)[m].copy() for s in step.state],
                            step.t)


def _epoch(fast, batches, step, theta, epoch, learning_rate):
    """One pass over the batches for the M networks; their M epoch costs."""
    gradient = fast.gradient.reshape(-1)  # the M gradients end to end, as theta
    total = 0.0
    for start, Xb, Yb in batches:
        _, cost = fast(Xb, Yb)
        if not np.all(np.isfinite(cost)):
            bad = np.flatnonzero(~np.isfinite(cost)).tolist()
            raise DivergenceError(
                f"training diverged at epoch {epoch} (batch starting at row {start}) for "
                f"networks {bad}: their costs are {cost[bad].tolist()}; try smaller learning "
                f"rates than {np.unique(np.asarray(learning_rate)).tolist()}")
        step.update(theta, gradient)
        total = total + cost * Xb.shape[-2]
    return total / batches.n


def _validate(check, X_val, Y_val, l2, l1, histories):
    predict = check.forward(X_val)
    costs = penalised(check.data_cost(predict, Y_val), check.layers, l2, l1)
    Y_val = np.broadcast_to(Y_val, predict.shape)
    for m, history in enumerate(histories):
        history.val_cost.append(float(costs[m]))
        if history.val_accuracy is not None:
            history.val_accuracy.append(accuracy(predict[m], Y_val[m]))


def _penalties(networks, name, dtype):
    """The M networks' λ (``name`` "l2" or "l1") as an array; 0.0 when it is off for all,
    which spares every batch the test of M numbers."""
    values = np.array([getattr(net, name) for net in networks], dtype)
    return values if values.any() else 0.0


def _as_list(value, argument, one, example):
    """``value`` as a list; one object where a list of them belongs is a clear TypeError."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise TypeError(f"{argument}: expected a list with one {one} per network, got "
                        f"{type(value).__name__} {value!r}; write e.g. {example}")
    return list(value)


def _checked_networks(networks):
    for m, net in enumerate(networks):
        checked_network(net, f"networks[{m}]")
    if not networks:
        raise ValueError("networks: expected at least one NeuralNetwork, got none")
    first = networks[0]
    same = ("layer_output_sizes", "network_input_size", "activation_funcs", "activation_ders",
            "cost_record", "dtype")
    for m, net in enumerate(networks):
        for name in same:
            if getattr(net, name, None) != getattr(first, name):
                raise ValueError(
                    f"networks[{m}]: expected the architecture of networks[0] ({name} = "
                    f"{getattr(first, name)!r}), got {name} = {getattr(net, name, None)!r}")
    if len({id(net) for net in networks}) != len(networks):
        raise ValueError("networks: the same network appears twice; give each its own")
    return first


def _checked_data(first, M, X, Y, x_name, y_name):
    """X, Y as arrays of the networks' dtype, shared (2-D) or one per network (3-D)."""
    X = validation.checked_array(X, first.dtype, x_name)
    Y = validation.checked_array(Y, first.dtype, y_name)
    n_in, n_out = first.network_input_size, first.layer_output_sizes[-1]
    shared = X.ndim == 2 and X.shape[1] == n_in
    own = X.ndim == 3 and X.shape[0] == M and X.shape[2] == n_in
    if not (shared or own):
        raise ValueError(f"{x_name}: expected shape (n_samples, {n_in}) or ({M}, n_samples, {n_in}) "
                         f"(one draw per network), got {X.shape}")
    expected = X.shape[:-1] + (n_out,)
    if Y.shape != expected:
        raise ValueError(f"{y_name}: expected shape {expected} (as {x_name}, {n_out} outputs), "
                         f"got {Y.shape}")
    return X, Y


def _stacked_optimizer(optimizers, M, P, dtype):
    """One optimiser for the M parameter vectors end to end: a number that differs between
    the M optimisers becomes a vector, each network's value repeated over its P parameters."""
    optimizers = list(optimizers)
    if len(optimizers) != M:
        raise ValueError(f"optimizers: expected one per network ({M}), got {len(optimizers)}")
    first = optimizers[0]
    for m, opt in enumerate(optimizers):
        if type(opt) is not type(first) or not isinstance(opt, Optimizer):
            raise TypeError(f"optimizers[{m}]: expected an ffnn.Optimizer of one class "
                            f"({type(first).__name__}), got {opt!r}")
        if opt.state is not None:
            raise ValueError(f"optimizers[{m}]: has the state of an earlier training; "
                             "give new optimisers (or call reset())")
    if len({id(opt) for opt in optimizers}) != M:
        raise ValueError("optimizers: the same optimiser appears twice; give each network its own")
    stacked = copy.copy(first)
    for name in vars(first):
        values = [vars(opt)[name] for opt in optimizers]
        if name in ("t", "state", "_bound") or all(v == values[0] for v in values):
            continue
        if not all(isinstance(v, int | float | np.number) and not isinstance(v, bool)
                   for v in values):
            raise ValueError(f"optimizers: {name} differs between them ({values}); networks in "
                             "lockstep may differ in numbers only")
        setattr(stacked, name, np.repeat(np.asarray(values, dtype), P))
    stacked.reset()
    return stacked
