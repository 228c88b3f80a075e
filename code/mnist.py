"""Optional: ffnn on the full MNIST data (70 000 28×28 digits), for machines that can download it.

    make mnist        (never part of `make report`, which stays offline)

Downloads MNIST once through ``sklearn.datasets.fetch_openml`` (cached in
scikit-learn's data home), scales the pixels to [0, 1], keeps the usual
60 000 / 10 000 split and holds out the last VAL images of the training part
for validation.  The network is 784 → 128 ReLU → 64 ReLU → 10 softmax (He
initialisation, Adam η = 1e-3, mini-batches of 64, L2 λ = 1e-4 as for the
8×8 digits), trained for at most EPOCHS epochs and early-stopped on the
validation error rate; then scored once on the test images.  Without a
network connection it says so and exits with status 2.  Writes
results/mnist.json.
"""

import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent / "experiments"))

from _common import classifier, save_json  # noqa: E402
from _fit import error_rate, fit  # noqa: E402

import ffnn  # noqa: E402

VAL, EPOCHS, SEED = 10_000, 10, 0


def load():
    """(X in [0, 1], labels); the retry warnings of fetch_openml are replaced by our message."""
    from sklearn.datasets import fetch_openml

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        X, y = fetch_openml("mnist_784", version=1, return_X_y=True, as_frame=False,
                            parser="liac-arff", n_retries=1, delay=0.1)
    return X.astype(np.float64) / 255.0, y.astype(int)


def main():
    try:
        X, labels = load()
    except OSError as err:  # URLError and socket errors are OSErrors
        print(f"mnist: could not download MNIST through fetch_openml ({err}); "
              "this optional target needs a network connection", file=sys.stderr)
        sys.exit(2)
    Y = ffnn.one_hot(labels, 10)
    train, val, test = slice(0, 60_000 - VAL), slice(60_000 - VAL, 60_000), slice(60_000, None)
    net = classifier(784, [128, 64], 10, "relu", "he", SEED, l2=1e-4)
    start = time.perf_counter()
    h = fit(net, X[train], Y[train], X[val], Y[val], ffnn.Adam(1e-3), max_epochs=EPOCHS,
            batch_size=64, seed=SEED, metric=error_rate, check_every=1, patience=3)
    results = {
        "architecture": "784 → 128 ReLU → 64 ReLU → 10 softmax",
        "settings": {"optimizer": "Adam", "learning_rate": 1e-3, "batch_size": 64, "l2": 1e-4,
                     "max_epochs": EPOCHS, "initialization": "he", "seed": SEED},
        "n_train": 60_000 - VAL, "n_val": VAL, "n_test": 10_000,
        "best_epoch": h["best_epoch"], "val_error_curve": h["val_curve"],
        "train_accuracy": ffnn.accuracy(net.predict(X[train]), Y[train]),
        "val_accuracy": ffnn.accuracy(net.predict(X[val]), Y[val]),
        "test_accuracy": ffnn.accuracy(net.predict(X[test]), Y[test]),
        "cpu_seconds": h["seconds"], "wall_seconds": time.perf_counter() - start,
    }
    save_json("mnist", results)
    print(f"mnist: test accuracy {results['test_accuracy']:.4f} after {h['best_epoch']} epochs "
          f"(validation {results['val_accuracy']:.4f}), {results['wall_seconds']:.0f} s")


if __name__ == "__main__":
    main()
