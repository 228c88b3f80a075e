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
Writes results/gradients.json.
"""

import time

import numpy as np
from _common import save_json
from _fit import over_seeds
from _regression import regressor, runge_splits

import ffnn

HIDDEN, WIDTH = 5, 50
SEEDS = 10
ACTIVATIONS = ["sigmoid", "tanh", "relu", "leaky_relu"]
INITIALIZATIONS = ["normal", "xavier", "he"]
SYMMETRY = {"as in the study": lambda x, y: (x, y),
            "input shifted, x + 1": lambda x, y: (x + 1, y),
            "odd target, y + x/2": lambda x, y: (x, y + x / 2)}


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
