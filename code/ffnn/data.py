"""Data sets that ship with scikit-learn or are generated: nothing is downloaded.

* iris: 150 flowers, 4 features, 3 classes;
* digits: 1797 8x8 handwritten digits, 64 features scaled to [0, 1], 10 classes;
* the Runge function f(x) = 1 / (1 + 25 x²) on [-1, 1], optionally with noise.
"""

import numpy as np
from sklearn import datasets


def one_hot(labels, n_classes=None):
    """Rows of the identity: ``one_hot([2, 0]) = [[0, 0, 1], [1, 0, 0]]``."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer) or labels.min() < 0:
        raise ValueError(f"labels: expected a 1-D array of integers >= 0, got {labels!r}")
    n_classes = labels.max() + 1 if n_classes is None else n_classes
    return np.eye(n_classes)[labels]


def load_iris():
    """Return ``(X, Y, labels)``: X (150, 4) in cm, Y one-hot (150, 3)."""
    iris = datasets.load_iris()
    return iris.data, one_hot(iris.target, 3), iris.target


def load_digits():
    """Return ``(X, Y, labels)``: X (1797, 64) in [0, 1], Y one-hot (1797, 10)."""
    digits = datasets.load_digits()
    return digits.data / 16.0, one_hot(digits.target, 10), digits.target


def runge(x):
    """f(x) = 1 / (1 + 25 x²)."""
    return 1.0 / (1.0 + 25.0 * np.asarray(x) ** 2)


def runge_data(n, noise=0.0, seed=None):
    """Return ``(x, y)`` of shape (n, 1): x uniform on [-1, 1], y = f(x) + N(0, noise²)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, size=(n, 1))
    return x, runge(x) + noise * rng.standard_normal((n, 1))
