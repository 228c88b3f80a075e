"""Project 2, part d: the size of the gradient in each layer at the start of training.

The network 1 → HIDDEN × WIDTH → 1 (identity output, MSE cost), for each
hidden activation and initialisation, untrained, on the Runge training data
(``_regression.runge_splits``, x standardised).  For layer l the root mean
square of ∂C/∂W^l (``net.compute_gradient``) over its entries is recorded, for
SEEDS initialisations; a gradient that shrinks layer by layer towards the
input is a vanishing gradient.  For the sigmoid with LeCun's weights, the
numbers that set each step: the mean slope σ'(z^l) of every hidden layer and
the RMS of the output weights W^L (one row, one weight per unit of layer L-1),
and the same network on data whose symmetry is broken (SYMMETRY).
During training (TRAINING): the runs of the depth × width study
(``depth_width``: Adam, its batches, epochs and seeds) of a deep sigmoid cell
that fails there and of one that trains, after every epoch the same RMS per
layer, the fraction of saturated hidden units (|z| > SATURATED, σ' < 0.01),
the spread of the output and the training and validation MSE; the study's
early stopping read from the validation curve.  Writes results/gradients.json.
"""

import time

import numpy as np
from _common import save_json
from _fit import mse, over_seeds, stop_on_curve
from _regression import regressor, runge_splits
from depth_width import DTYPE, RUNGE_BATCH, RUNGE_CHECK, RUNGE_EPOCHS, RUNGE_PATIENCE, STUCK

import ffnn

HIDDEN, WIDTH = 5, 50
SEEDS = 10
ACTIVATIONS = ["sigmoid", "tanh", "relu", "leaky_relu"]
INITIALIZATIONS = ["normal", "xavier", "he"]
SYMMETRY = {"as in the study": lambda x, y: (x, y),
            "input shifted, x + 1": lambda x, y: (x + 1, y),
            "odd target, y + x/2": lambda x, y: (x, y + x / 2)}
# (hidden layers, width, η) of sigmoid cells of the depth × width study, LeCun's weights:
# 5 × 100 fails there at its chosen η 0.003 (and at 0.03); 5 × 50 trains at its 0.03
TRAINING = [(5, 100, 3e-3), (5, 100, 3e-2), (5, 50, 3e-2)]
TRAINING_SEEDS, RECORD_EVERY, SATURATED = 3, 5, 4.6  # σ'(4.6) < 0.01


def layer_rms(activation, initialization, seed, variant="as in the study"):
    """RMS of ∂C/∂W^l for l = 1..L of one untrained network."""
    x, y = SYMMETRY[variant](*runge_splits()["scaled"]["train"])
    net = regressor([WIDTH] * HIDDEN, activation, initialization, seed)
    return [float(np.sqrt(np.mean(dW**2))) for dW, _ in net.compute_gradient(x, y)]


def sigmoid_steps(seed):
    """Mean σ'(z^l) over units and points of each hidden layer, and the RMS of W^L."""
    x, _ = runge_splits()["scaled"]["train"]
    net = regressor([WIDTH] * HIDDEN, "sigmoid", "xavier", seed)
    _, zs, _ = ffnn.feed_forward_saver_batch(x, net.layers, net.activation_funcs)
    s = [1 / (1 + np.exp(-z)) for z in zs[:-1]]
    return [float(np.mean(a * (1 - a))) for a in s], float(np.sqrt(np.mean(net.layers[-1][0]**2)))


def training_record(layers, width, lr, seed):
    """One run of the depth × width study, recorded every RECORD_EVERY epochs from 0.

    Returns {"rms" (K, L), "saturated" (K, L - 1), "spread", "train", "val" (K,)},
    K = RUNGE_EPOCHS / RECORD_EVERY + 1: RMS of ∂C/∂W^l on the training data, fraction of
    hidden units and points with |z^l| > SATURATED, std of the prediction over the
    training x divided by std(y), training and validation MSE."""
    d = runge_splits()["scaled"]
    (x, y), (xv, yv) = d["train"], d["val"]
    net = regressor([width] * layers, "sigmoid", "xavier", seed, dtype=DTYPE)
    optimizer, rng = ffnn.Adam(lr), np.random.default_rng(seed)  # as _fit.fit
    rec = {k: [] for k in ("rms", "saturated", "spread", "train", "val")}
    for epoch in range(0, RUNGE_EPOCHS + 1, RECORD_EVERY):
        if epoch:
            ffnn.train(net, x, y, optimizer, epochs=RECORD_EVERY, batch_size=RUNGE_BATCH,
                       seed=rng, progress=False)
        rec["rms"].append([float(np.sqrt(np.mean(np.square(dW, dtype=float))))
                           for dW, _ in net.compute_gradient(x, y)])
        _, zs, _ = ffnn.feed_forward_saver_batch(x, net.layers, net.activation_funcs)
        rec["saturated"].append([float(np.mean(np.abs(z) > SATURATED)) for z in zs[:-1]])
        rec["spread"].append(float(np.std(zs[-1]) / np.std(y)))
        rec["train"].append(mse(zs[-1], y))
        rec["val"].append(mse(net.predict(xv), yv))
    return {k: np.array(v) for k, v in rec.items()}


def in_training():
    """TRAINING's runs over TRAINING_SEEDS seeds, and where the study's early stopping
    (validation MSE every RUNGE_CHECK epochs, patience RUNGE_PATIENCE) ends each."""
    out, epochs = {}, np.arange(0, RUNGE_EPOCHS + 1, RECORD_EVERY)
    for layers, width, lr in TRAINING:
        runs = [training_record(layers, width, lr, s) for s in range(TRAINING_SEEDS)]
        per_epoch = np.full((len(runs), RUNGE_EPOCHS), np.nan)  # val after epoch 1, 2, ...
        per_epoch[:, epochs[1:] - 1] = [r["val"][1:] for r in runs]
        stops = [stop_on_curve(r["val"][0], v, RUNGE_EPOCHS, RUNGE_CHECK, RUNGE_PATIENCE)
                 for r, v in zip(runs, per_epoch)]
        at = {e: k for k, e in enumerate(epochs)}
        out[f"{layers} × {width}, η = {lr:g}"] = {
            "layers": layers, "width": width, "learning_rate": lr, "epochs": epochs,
            **{k: np.array([r[k] for r in runs]) for k in runs[0]},
            "stopped_at": [s["epochs_run"] for s in stops],
            "best_epoch": [s["best_epoch"] for s in stops],
            "train_at_best": [float(r["train"][at[s["best_epoch"]]])
                              for r, s in zip(runs, stops)],
            "train_at_end": [float(r["train"][-1]) for r in runs],
            "left_the_constant_at": [left_the_constant(r["train"], epochs) for r in runs]}
    return out


def left_the_constant(train, epochs):
    """The first of ``epochs`` after which the training MSE ``train`` stays below STUCK ×
    Var(y_train), the depth × width study's line for a near-constant prediction; None if never."""
    below = np.asarray(train) < STUCK * float(np.var(runge_splits()["train"][1]))
    if not below[-1]:
        return None
    above = np.flatnonzero(~below)
    return int(epochs[above[-1] + 1 if above.size else 0])


def factors(rms):
    """Median over seeds of the inner layers' factor and of the first layer's extra drop."""
    inner = np.exp(np.mean(np.log(rms[:, 2:-1] / rms[:, 1:-2]), axis=1))
    return {"inner_factor": float(np.median(inner)),
            "first_drop": float(np.median(rms[:, 1] / rms[:, 0]))}


def main():
    start = time.perf_counter()
    results = {}
    for a in ACTIVATIONS:
        results[a] = {}
        for i in INITIALIZATIONS:
            rms = np.array([layer_rms(a, i, s) for s in range(SEEDS)])  # (seeds, layers)
            log = over_seeds(np.log10(rms), axis=0)
            results[a][i] = {"rms_per_seed": rms, "log10_rms_mean": log["mean"],
                             "log10_rms_std": log["std"],
                             "first_over_last": float(np.median(rms[:, 0] / rms[:, -1])),
                             **factors(rms)}
    symmetry = {}
    for v in SYMMETRY:
        rms = np.array([layer_rms("sigmoid", "xavier", s, v) for s in range(SEEDS)])
        symmetry[v] = {"log10_rms_mean": np.mean(np.log10(rms), axis=0),
                       "first_over_last": float(np.median(rms[:, 0] / rms[:, -1])),
                       **factors(rms)}
    cpu = time.process_time()
    training = in_training()
    training_cpu = time.process_time() - cpu
    steps = [sigmoid_steps(s) for s in range(SEEDS)]
    slope = np.mean([st[0] for st in steps], axis=0)
    w_out = float(np.mean([st[1] for st in steps]))
    save_json("gradients", {
        "architecture": f"1 → {HIDDEN} × {WIDTH} → 1", "hidden_layers": HIDDEN, "width": WIDTH,
        "layers": list(range(1, HIDDEN + 2)), "seeds": SEEDS, "activations": ACTIVATIONS,
        "initializations": INITIALIZATIONS, "data": "Runge training points, x standardised",
        "quantity": "root mean square of the entries of dC/dW^l at initialisation",
        "results": results, "symmetry": symmetry,
        "sigmoid_xavier": {"mean_slope": slope, "output_weight_rms": w_out,
                           "meaning": "mean σ'(z^l) of hidden layers 1..L-1 and RMS of W^L at "
                                      "initialisation, mean over seeds"},
        "in_training": training,
        "in_training_cpu_seconds": training_cpu,
        "in_training_meaning": (
            f"per run (seeds 0..{TRAINING_SEEDS - 1}) and epoch of epochs: rms of dC/dW^l, "
            f"saturated: fraction |z^l| > {SATURATED} per hidden layer, spread: std of the "
            "output over the training x / std(y), train and val MSE; stopped_at, "
            "best_epoch: the study's early stopping on this validation curve; train MSE "
            "at its best epoch and after all epochs; left_the_constant_at: the epoch from "
            f"which train MSE < {STUCK} Var(y_train)"),
        "constant_mse": float(np.var(runge_splits()["train"][1])),
        "seconds": time.perf_counter() - start,
    })
    for a in ACTIVATIONS:
        print(f"gradients: {a:10s} " + "  ".join(
            f"{i}: layer 1 / layer {HIDDEN + 1} = {results[a][i]['first_over_last']:.2g}"
            for i in INITIALIZATIONS))
    for v, r in symmetry.items():
        print(f"gradients: sigmoid/xavier, {v}: first/last {r['first_over_last']:.2g}, "
              f"inner factor {r['inner_factor']:.2f}, first drop {r['first_drop']:.1f}")
    print(f"gradients: sigmoid/xavier mean slope per layer {np.round(slope, 3)}, RMS of W^L "
          f"{w_out:.3f}")
    print(f"gradients: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
