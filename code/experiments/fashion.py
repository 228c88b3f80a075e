"""Project 2, part f at full size: Fashion-MNIST (70 000 images of 28 × 28, ten classes).

Data: the standard split, 60 000 training and 10 000 test images, pixels
scaled to [0, 1]; the last N_VAL training images are the validation part.
Read from the Debian package ``dataset-fashion-mnist`` (DEBIAN_DIR) when it is
installed, else from scikit-learn's OpenML cache or a one-time
``fetch_openml("Fashion-MNIST")`` (30 MB); without either, a clear error.

1. Choice on validation: every (activation, depth, η, λ) of the grid below,
   trained by Adam for SEARCH_EPOCHS epochs on the first N_SEARCH training
   images, scored on the validation part; the best validation accuracy wins.
2. The chosen network, trained for EPOCHS epochs on the N_TRAIN training
   images (validation part left out) from SEEDS seeds, against scikit-learn's
   MLPClassifier with the same architecture, optimiser, batch size, epochs and
   penalty (its ``alpha`` = 2 λ × batch size) from the same number of seeds,
   and multinomial LogisticRegression (C chosen on the validation part).
3. Paired comparisons on the test images: ffnn − MLP seed by seed, and the
   exact McNemar test of each ffnn seed against logistic regression; the
   confusion matrix of ffnn's seed 0.
Everything in float32 (both networks).  Writes results/fashion.json.
"""

import functools
import gzip
import time
import warnings
from pathlib import Path

import numpy as np
from _common import classifier, mcnemar, run_parallel, save_json
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix
from sklearn.neural_network import MLPClassifier

import ffnn

DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
           "Sneaker", "Bag", "Ankle boot"]
N_VAL, N_SEARCH = 10_000, 10_000
N_TRAIN = 60_000 - N_VAL
BATCH_SIZE = 64
SEARCH_EPOCHS, EPOCHS = 3, 10
SEEDS = 3
ACTIVATIONS = ["relu", "sigmoid"]
DEPTHS = {1: [128], 2: [128, 64]}
LEARNING_RATES = [1e-3, 3e-3]
LAMBDAS = [0.0, 1e-4]
LOGREG_C = [0.01, 0.1, 1.0]
DTYPE = np.float32


def _idx(path):
    """An IDX file (gzip): images as (n, 784) uint8 or labels as (n,) uint8."""
    with gzip.open(path) as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * k: 8 + 4 * k], "big") for k in range(dims)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape[0], -1).squeeze()


def load_fashion():
    """(X of shape (70 000, 784) in [0, 1], labels): 60 000 training images first."""
    if DEBIAN_DIR.is_dir():
        parts = [(_idx(DEBIAN_DIR / f"{p}-images-idx3-ubyte.gz"),
                  _idx(DEBIAN_DIR / f"{p}-labels-idx1-ubyte.gz")) for p in ("train", "t10k")]
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


@functools.lru_cache(maxsize=1)
def data():
    X, labels = load_fashion()
    Y = ffnn.one_hot(labels, 10).astype(DTYPE)
    tr, va, te = slice(0, N_TRAIN), slice(N_TRAIN, 60_000), slice(60_000, None)
    return {k: (X[s], Y[s], labels[s]) for k, s in
            (("train", tr), ("val", va), ("test", te))}


def search(activation, depth, lr, lam):
    """Validation accuracy of one setting after a short training on N_SEARCH images."""
    d = data()
    (X, Y, _), (Xv, Yv, _) = d["train"], d["val"]
    init = "he" if activation == "relu" else "xavier"
    net = classifier(784, DEPTHS[depth], 10, activation, init, 0, l2=lam, dtype=DTYPE)
    ffnn.train(net, X[:N_SEARCH], Y[:N_SEARCH], ffnn.Adam(lr), epochs=SEARCH_EPOCHS,
               batch_size=BATCH_SIZE, seed=0, progress=False)
    return ffnn.accuracy(net.predict(Xv), Yv)


def run_ffnn(setting, seed):
    d = data()
    (X, Y, _), (Xt, Yt, lt) = d["train"], d["test"]
    init = "he" if setting["activation"] == "relu" else "xavier"
    net = classifier(784, DEPTHS[setting["depth"]], 10, setting["activation"], init, seed,
                     l2=setting["lambda"], dtype=DTYPE)
    start = time.process_time()
    ffnn.train(net, X, Y, ffnn.Adam(setting["learning_rate"]), epochs=EPOCHS,
               batch_size=BATCH_SIZE, seed=seed, progress=False)
    seconds = time.process_time() - start
    predict = np.argmax(net.predict(Xt), axis=1)
    return {"train_accuracy": ffnn.accuracy(net.predict(X), Y),
            "test_accuracy": float(np.mean(predict == lt)), "predict": predict,
            "seconds": seconds}


def run_mlp(setting, seed):
    d = data()
    (X, _, lab), (Xt, _, lt) = d["train"], d["test"]
    mlp = MLPClassifier(hidden_layer_sizes=tuple(DEPTHS[setting["depth"]]),
                        activation="logistic" if setting["activation"] == "sigmoid" else "relu",
                        solver="adam", learning_rate_init=setting["learning_rate"],
                        batch_size=BATCH_SIZE, alpha=2 * setting["lambda"] * BATCH_SIZE,
                        max_iter=EPOCHS, n_iter_no_change=EPOCHS + 1, tol=0.0, shuffle=True,
                        random_state=seed)
    start = time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(X, lab)
    seconds = time.process_time() - start
    predict = mlp.predict(Xt)
    return {"train_accuracy": float(mlp.score(X, lab)),
            "test_accuracy": float(np.mean(predict == lt)), "predict": predict,
            "seconds": seconds}


def run_logreg(C, final=False):
    d = data()
    (X, _, lab), (Xv, _, lv), (Xt, _, lt) = d["train"], d["val"], d["test"]
    n = N_TRAIN if final else N_SEARCH
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = LogisticRegression(C=C, max_iter=100).fit(X[:n], lab[:n])
    out = {"C": C, "val_accuracy": float(model.score(Xv, lv))}
    if final:
        out.update(predict=model.predict(Xt), train_accuracy=float(model.score(X, lab)),
                   test_accuracy=float(model.score(Xt, lt)), n_iter=int(model.n_iter_[0]))
    return out


def task(kind, **kw):
    return {"search": search, "ffnn": run_ffnn, "mlp": run_mlp, "logreg": run_logreg}[kind](**kw)


def summary(values):
    v = np.asarray(values, float)
    return {"values": v, "mean": float(v.mean()), "std": float(v.std(ddof=1))}


def main():
    start = time.perf_counter()
    grid = [dict(activation=a, depth=k, lr=lr, lam=lam) for a in ACTIVATIONS for k in DEPTHS
            for lr in LEARNING_RATES for lam in LAMBDAS]
    jobs = [dict(kind="search", **g) for g in grid]
    jobs += [dict(kind="logreg", C=C) for C in LOGREG_C]
    out = run_parallel(task, jobs)
    val, scan = out[:len(grid)], out[len(grid):]
    b = grid[int(np.argmax(val))]
    setting = {"activation": b["activation"], "depth": b["depth"], "learning_rate": b["lr"],
               "lambda": b["lam"]}
    best_C = scan[int(np.argmax([r["val_accuracy"] for r in scan]))]["C"]
    search_seconds = time.perf_counter() - start

    jobs = [dict(kind="ffnn", setting=setting, seed=k) for k in range(SEEDS)]
    jobs += [dict(kind="mlp", setting=setting, seed=k) for k in range(SEEDS)]
    jobs += [dict(kind="logreg", C=best_C, final=True)]
    out = run_parallel(task, jobs)
    nets, mlps, logreg = out[:SEEDS], out[SEEDS:2 * SEEDS], out[-1]
    lt = data()["test"][2]
    f_acc = np.array([r["test_accuracy"] for r in nets])
    m_acc = np.array([r["test_accuracy"] for r in mlps])
    log_right = logreg["predict"] == lt
    save_json("fashion", {
        "source": str(DEBIAN_DIR) if DEBIAN_DIR.is_dir() else "fetch_openml('Fashion-MNIST')",
        "n_train": N_TRAIN, "n_val": N_VAL, "n_test": 10_000, "n_search": N_SEARCH,
        "classes": CLASSES, "batch_size": BATCH_SIZE, "epochs": EPOCHS,
        "search_epochs": SEARCH_EPOCHS, "seeds": SEEDS, "dtype": "float32",
        "grid": {"activations": ACTIVATIONS, "depths": {str(k): v for k, v in DEPTHS.items()},
                 "learning_rates": LEARNING_RATES, "lambdas": LAMBDAS, "settings": grid,
                 "val_accuracy": val},
        "chosen": {**setting, "hidden": DEPTHS[setting["depth"]]},
        "logreg_scan": scan, "logreg_C": best_C,
        "ffnn": {"test_accuracy": summary(f_acc),
                 "train_accuracy": summary([r["train_accuracy"] for r in nets]),
                 "seconds": summary([r["seconds"] for r in nets])},
        "mlp": {"test_accuracy": summary(m_acc),
                "train_accuracy": summary([r["train_accuracy"] for r in mlps]),
                "seconds": summary([r["seconds"] for r in mlps])},
        "logreg": {k: v for k, v in logreg.items() if k != "predict"},
        "paired": {
            "ffnn_minus_mlp": summary(f_acc - m_acc),
            "ffnn_vs_mlp": [mcnemar(a["predict"] == lt, c["predict"] == lt)
                            for a, c in zip(nets, mlps)],
            "ffnn_vs_logreg": [mcnemar(r["predict"] == lt, log_right) for r in nets],
            "ffnn_minus_logreg": summary(f_acc - log_right.mean()),
        },
        "confusion_matrix": confusion_matrix(lt, nets[0]["predict"], labels=range(10)),
        "search_seconds": search_seconds, "seconds": time.perf_counter() - start,
    })
    print(f"fashion: chosen {setting} (validation {max(val):.4f}); logreg C = {best_C}")
    print(f"fashion: ffnn {f_acc.mean():.4f} ± {f_acc.std(ddof=1):.4f}, MLP {m_acc.mean():.4f} "
          f"± {m_acc.std(ddof=1):.4f}, logreg {logreg['test_accuracy']:.4f}")
    print(f"fashion: search {search_seconds:.0f} s, total {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    import fashion  # so that the workers import the module and keep its data loaded

    fashion.main()
