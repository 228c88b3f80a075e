"""The network that ``runge_draws`` fits to every draw of the Runge data, and its
scikit-learn counterpart.

* ``network``: 1 → HIDDEN → 1, sigmoid, LeCun's weights, Adam on mini-batches
  of ``runge_optimizers.BATCH_SIZE``, early-stopped on validation, for every
  draw × η of LEARNING_RATES (that study's grid for Adam) × seed of SEEDS, all
  in lockstep (``_fit.fit_many``);
* ``mlp``: scikit-learn's MLPRegressor with the same architecture, activation,
  optimiser, batch size, epochs, no penalty (alpha = 0) and the same early
  stopping (``_fit.fit_partial``), from its own (Glorot) initial weights;
* ``best_per_draw``: the η each draw's validation chooses, for either model.
"""

import numpy as np
from _fit import fit_many, fit_partial, mse
from _regression import regressor, runge_splits, true_mse
from runge_optimizers import BATCH_SIZE, CHECK_EVERY, OPTIMIZERS, PATIENCE
from sklearn.neural_network import MLPRegressor

import ffnn

SEEDS = 3
HIDDEN = [50]  # with Adam and LeCun's weights: runge_optimizers' choice on validation
MAX_EPOCHS = OPTIMIZERS["Adam"]["max_epochs"]
LEARNING_RATES = OPTIMIZERS["Adam"]["learning_rates"]


def network(draws, grid):
    """Every draw of ``draws`` × η of LEARNING_RATES × seed, in lockstep (``_fit.fit_many``):
    validation MSE, test MSE against y and f, best epoch, and on draw 0 the fitted curve at
    x = ``grid``."""
    keys = [(k, lr, s) for k in draws for lr in LEARNING_RATES for s in range(SEEDS)]
    data = {k: runge_splits(draw=k) for k in draws}

    def stack(part, i):
        return np.stack([data[k]["scaled"][part][i] for k, _, _ in keys])

    nets = [regressor(HIDDEN, "sigmoid", "xavier", s) for _, _, s in keys]
    hs = fit_many(nets, stack("train", 0), stack("train", 1), stack("val", 0), stack("val", 1),
                  [ffnn.Adam(lr) for _, lr, _ in keys], max_epochs=MAX_EPOCHS,
                  batch_size=BATCH_SIZE, seeds=[s for _, _, s in keys],
                  check_every=CHECK_EVERY, patience=PATIENCE)
    out = []
    for (k, _, _), net, h in zip(keys, nets, hs):
        d = data[k]
        pt = net.predict(d["scaled"]["test"][0])
        r = {"val_mse": mse(net.predict(d["scaled"]["val"][0]), d["val"][1]),
             "test_mse": mse(pt, d["test"][1]), "test_mse_true": true_mse(pt, d["test"][0]),
             "best_epoch": h["best_epoch"]}
        if k == 0:
            mean, std = d["train"][0].mean(), d["train"][0].std()
            r["curve"] = net.predict((grid - mean) / std).ravel()
        out.append(r)
    return out


def best_per_draw(val):
    """Index of the η with the smallest validation MSE, mean over seeds, per draw.

    ``val``: shape (draws, len(LEARNING_RATES), SEEDS), as both ``network`` and
    ``mlp`` give it; the same rule chooses the network's η and MLPRegressor's.
    """
    val = np.asarray(val, dtype=float)
    if val.ndim != 3:
        raise ValueError(f"val: expected shape (draws, learning rates, seeds), got {val.shape}")
    return np.argmin(val.mean(axis=2), axis=1)


def mlp(draw, lr, seed):
    """scikit-learn's MLPRegressor with the network's settings, early-stopped alike:
    validation MSE (to choose its own η), test MSE against y and f, best epoch."""
    d = runge_splits(draw=draw)
    (x, y), (xv, yv), (xt, yt) = (d["scaled"][p] for p in ("train", "val", "test"))
    model = MLPRegressor(hidden_layer_sizes=tuple(HIDDEN), activation="logistic", solver="adam",
                         learning_rate_init=lr, batch_size=BATCH_SIZE, alpha=0.0, shuffle=True,
                         random_state=np.random.RandomState(seed))
    h = fit_partial(model, x, y.ravel(), xv, yv, max_epochs=MAX_EPOCHS,
                    check_every=CHECK_EVERY, patience=PATIENCE)
    return {"val_mse": mse(model.predict(xv), d["val"][1]),
            "test_mse": mse(model.predict(xt), yt),
            "test_mse_true": true_mse(model.predict(xt), d["test"][0]),
            "best_epoch": h["best_epoch"]}
