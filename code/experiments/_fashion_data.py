"""Fashion-MNIST for ``fashion``: 70 000 images of 28 × 28, ten classes.

The standard split, 60 000 training and 10 000 test images, pixels scaled to
[0, 1] in float32; the last N_VAL training images are the validation part.
Read from the Debian package ``dataset-fashion-mnist`` (DEBIAN_DIR) when it is
installed, else from scikit-learn's OpenML cache or a one-time
``fetch_openml("Fashion-MNIST")`` (30 MB); without either, a clear error.
"""

import functools
import gzip
import warnings
from pathlib import Path

import numpy as np

import ffnn

DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
           "Sneaker", "Bag", "Ankle boot"]
N_VAL = 10_000
N_TRAIN = 60_000 - N_VAL
DTYPE = np.float32


def read_idx(path):
    """An IDX file (gzip): images as (n, 784) uint8 or labels as (n,) uint8."""
    with gzip.open(path) as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * k: 8 + 4 * k], "big") for k in range(dims)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape[0], -1).squeeze()


def load_fashion():
    """(X of shape (70 000, 784) in [0, 1], labels): 60 000 training images first."""
    if DEBIAN_DIR.is_dir():
        parts = [(read_idx(DEBIAN_DIR / f"{p}-images-idx3-ubyte.gz"),
                  read_idx(DEBIAN_DIR / f"{p}-labels-idx1-ubyte.gz")) for p in ("train", "t10k")]
        X = np.concatenate([p[0] for p in parts]).astype(DTYPE) / 255
        return X, np.concatenate([p[1] for p in parts]).astype(int)
    from sklearn.datasets import fetch_openml
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            X, y = fetch_openml("Fashion-MNIST", version=1, return_X_y=True, as_frame=False,
                                parser="liac-arff", n_retries=1, delay=0.1)
    except OSError as err:
        raise FileNotFoundError(
            f"fashion: Fashion-MNIST not found in {DEBIAN_DIR} and not downloadable through "
            f"fetch_openml ({err}); install the Debian package dataset-fashion-mnist "
            "(apt-get install dataset-fashion-mnist) or run once with a network "
            "connection to fill scikit-learn's cache") from err
    return X.astype(DTYPE) / 255, y.astype(int)


def source():
    """Where ``load_fashion`` reads the images from."""
    return str(DEBIAN_DIR) if DEBIAN_DIR.is_dir() else "fetch_openml('Fashion-MNIST')"


@functools.lru_cache(maxsize=1)
def data():
    """``{"train"|"val"|"test": (X, one-hot Y, labels)}``, loaded once per process."""
    X, labels = load_fashion()
    Y = ffnn.one_hot(labels, 10).astype(DTYPE)
    tr, va, te = slice(0, N_TRAIN), slice(N_TRAIN, 60_000), slice(60_000, None)
    return {k: (X[s], Y[s], labels[s]) for k, s in
            (("train", tr), ("val", va), ("test", te))}
