"""The three workloads and their data, in each contender's own form.

W1  digits (1797 x 64, scaled to [0, 1]), hidden [64, 32] ReLU, batch 32
W2  MNIST-sized synthetic data (60000 x 784 uniform on [-1, 1), 10 classes, labels
    = argmax of a fixed random linear map of the inputs), hidden [128, 64] ReLU, batch 128
W3  iris (150 x 4, standardised), hidden [8] sigmoid, batch 10
all with a softmax output, the cross-entropy cost and SGD with momentum 0.9.
"""

import numpy as np

import ffnn

WORKLOADS = {
    "W1": dict(title="digits 1797x64, [64, 32] ReLU, batch 32", hidden=[64, 32],
               activation="relu", batch=32, lr=0.05, epochs=10, runs=7),
    "W2": dict(title="synthetic 60000x784, [128, 64] ReLU, batch 128", hidden=[128, 64],
               activation="relu", batch=128, lr=0.01, epochs=1, runs=6),
    "W3": dict(title="iris 150x4, [8] sigmoid, batch 10", hidden=[8],
               activation="sigmoid", batch=10, lr=0.05, epochs=50, runs=5),
}


def load(workload):
    """Return ``(X, labels, n_classes)`` in float64."""
    if workload == "W1":
        X, _, labels = ffnn.load_digits()
        return X, labels, 10
    if workload == "W3":
        X, _, labels = ffnn.load_iris()
        return (X - X.mean(axis=0)) / X.std(axis=0), labels, 3
    rng = np.random.default_rng(2024)
    X = rng.random((60000, 784))  # 784 "pixels", centred: uniform on [-1, 1)
    X *= 2.0
    X -= 1.0
    teacher = rng.standard_normal((784, 10))  # the learnable rule: a fixed linear map
    return X, np.argmax(X @ teacher, axis=1), 10


def dtype_of(name):
    """float32 for the contenders named ``*-f32``, else float64."""
    return np.float32 if name.endswith("f32") else np.float64
