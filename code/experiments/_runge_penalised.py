"""The network of ``_runge_network`` with an L2 or an L1 penalty on every draw of the
Runge data (Project 2, part e, over draws).

(η, λ) is chosen on each draw's validation MSE over PENALTY_LRS × LAMBDAS, the
part of ``penalties``' grid where its choices and its threshold lie; λ = 0 is
the plain network at those η.  The networks with λ > 0 train in lockstep and
their early stopping reads the penalised validation cost
(``fit_many(penalised=True)``).
"""

import numpy as np
from _fit import fit_many, mse, over_seeds
from _regression import regressor, runge_splits, true_mse
from _runge_network import HIDDEN, LEARNING_RATES, MAX_EPOCHS, SEEDS
from penalties import PENALTIES
from runge_optimizers import BATCH_SIZE, CHECK_EVERY, PATIENCE

import ffnn

PENALTY_LRS, LAMBDAS = [0.01, 0.1], [0.0, 1e-5, 1e-4, 1e-3]


def penalised(draws):
    """The L2 and L1 networks: every draw × penalty × λ > 0 × η of PENALTY_LRS × seed."""
    keys = [(k, p, lam, lr, s) for k in draws for p in PENALTIES for lam in LAMBDAS[1:]
            for lr in PENALTY_LRS for s in range(SEEDS)]
    data = {k: runge_splits(draw=k) for k in draws}

    def stack(part, i):
        return np.stack([data[key[0]]["scaled"][part][i] for key in keys])

    nets = [regressor(HIDDEN, "sigmoid", "xavier", s, **{p: lam}) for _, p, lam, _, s in keys]
    fit_many(nets, stack("train", 0), stack("train", 1), stack("val", 0), stack("val", 1),
             [ffnn.Adam(key[3]) for key in keys], max_epochs=MAX_EPOCHS, batch_size=BATCH_SIZE,
             seeds=[key[4] for key in keys], check_every=CHECK_EVERY, patience=PATIENCE,
             penalised=True)
    return [{"val_mse": mse(net.predict(data[k]["scaled"]["val"][0]), data[k]["val"][1]),
             "test_mse": mse(net.predict(data[k]["scaled"]["test"][0]), data[k]["test"][1]),
             "test_mse_true": true_mse(net.predict(data[k]["scaled"]["test"][0]),
                                       data[k]["test"][0])}
            for (k, *_), net in zip(keys, nets)]


def penalty_summary(out, val, test, key="test_mse_true"):
    """Per draw and penalty: (η, λ) chosen on validation (λ = 0 from the plain network's
    runs at PENALTY_LRS) and its test MSE; per λ, the best η's test MSE per draw.

    ``out``: ``penalised``'s rows over all draws; ``val``, ``test``: the plain
    network's validation and test MSE, shaped (draws, LEARNING_RATES, SEEDS); ``key``:
    the test score of ``out`` that ``test`` holds ("test_mse_true" against f, or
    "test_mse" against y), and the name of the chosen one's per draw.
    """
    draws = len(val)
    shape = (draws, len(PENALTIES), len(LAMBDAS) - 1, len(PENALTY_LRS), SEEDS)
    pv = np.array([r["val_mse"] for r in out]).reshape(shape)
    pt = np.array([r[key] for r in out]).reshape(shape)
    at = [LEARNING_RATES.index(lr) for lr in PENALTY_LRS]
    v0 = np.repeat(val[:, None, None, at], len(PENALTIES), axis=1)  # λ = 0
    t0 = np.repeat(test[:, None, None, at], len(PENALTIES), axis=1)
    v = np.concatenate([v0, pv], axis=2).mean(axis=-1)  # (draws, penalties, λ, η)
    t = np.concatenate([t0, pt], axis=2).mean(axis=-1)
    best_lr = np.argmin(v, axis=-1)  # per λ
    per_lambda = np.take_along_axis(t, best_lr[..., None], axis=-1)[..., 0]  # (draws, pen, λ)
    flat = v.reshape(draws, len(PENALTIES), -1).argmin(axis=-1)
    li, ei = np.unravel_index(flat, v.shape[2:])
    chosen = t.reshape(draws, len(PENALTIES), -1)[
        np.arange(draws)[:, None], np.arange(len(PENALTIES)), flat]
    out = {}
    for j, p in enumerate(PENALTIES):
        minus_0 = per_lambda[:, j, 1:] - per_lambda[:, j, :1]
        out[p] = {key: chosen[:, j],
                  "lambda": [LAMBDAS[i] for i in li[:, j]],
                  "learning_rate": [PENALTY_LRS[i] for i in ei[:, j]],
                  "per_lambda_test_mse_true": per_lambda[:, j],
                  "per_lambda_minus_no_penalty": {
                      "lambdas": LAMBDAS[1:], **over_seeds(minus_0, axis=0),
                      "worse": np.sum(minus_0 > 0, axis=0)}}
    return out
