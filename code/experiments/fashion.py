"""Project 2, part f at full size: Fashion-MNIST (70 000 images of 28 × 28, ten classes).

Data (``_fashion_data``): the standard split, 60 000 training and 10 000 test
images, pixels scaled to [0, 1]; the last N_VAL training images are the
validation part.

1. Choice on validation, in two rounds: every (activation, depth, η, λ) of
   the grid below, trained by Adam for SEARCH_EPOCHS epochs on the first
   N_SEARCH training images and scored on the validation part; then the
   CONFIRM best of them trained at the full budget (EPOCHS epochs on the
   N_TRAIN training images, seed 0), whose best validation accuracy wins.
2. The chosen network, trained for EPOCHS epochs on the N_TRAIN training
   images (validation part left out) from SEEDS seeds (seed 0: the run of
   round two), against scikit-learn's MLPClassifier with the same
   architecture, optimiser, batch size and epochs, but its own η and λ (its
   ``alpha`` = 2 λ × batch size): every pair of LEARNING_RATES × LAMBDAS
   trained as in the short search (SEARCH_EPOCHS epochs on N_SEARCH images,
   seed 0), the best validation accuracy wins, without a second round; from
   the same number of seeds, multinomial
   LogisticRegression (lbfgs, C chosen on the validation part; its
   iterations recorded against LOGREG_MAX_ITER) and, when ``torch`` can be
   imported, PyTorch started from ffnn's initial weights of each seed and fed
   ffnn's batches in ffnn's order.
3. Paired comparisons on the test images: ffnn − MLP (and − PyTorch) seed by
   seed, and the exact McNemar test of each ffnn seed against the other
   networks' same seed and against logistic regression; the confusion
   matrix of ffnn's seed 0.
Everything in float32 (all three networks).  Writes results/fashion.json.
"""

import time
import warnings

import numpy as np
from _common import classifier, mcnemar_family, paired_difference, run_parallel, save_json
from _fashion_data import CLASSES, DTYPE, N_TRAIN, N_VAL, data, source
from _fit import over_seeds
from _torch import train_torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix
from sklearn.neural_network import MLPClassifier

import ffnn

N_SEARCH = 10_000
BATCH_SIZE = 64
SEARCH_EPOCHS, EPOCHS = 3, 10
SEEDS = 3
ACTIVATIONS = ["relu", "sigmoid"]
DEPTHS = {1: [128], 2: [128, 64]}
LEARNING_RATES = [1e-3, 3e-3, 1e-2]
LAMBDAS = [0.0, 1e-5, 1e-4]
CONFIRM = 3  # settings of the short search retrained at the full budget
LOGREG_C = [0.01, 0.1, 1.0]
LOGREG_MAX_ITER = 1000


def initial_net(setting, seed):
    """ffnn's network of ``setting`` (He's weights for ReLU, LeCun's otherwise), untrained."""
    init = "he" if setting["activation"] == "relu" else "xavier"
    return classifier(784, DEPTHS[setting["depth"]], 10, setting["activation"], init, seed,
                      l2=setting["lambda"], dtype=DTYPE)


def search(setting):
    """Validation accuracy of one setting after a short training on N_SEARCH images."""
    d = data()
    (X, Y, _), (Xv, Yv, _) = d["train"], d["val"]
    net = initial_net(setting, 0)
    ffnn.train(net, X[:N_SEARCH], Y[:N_SEARCH], ffnn.Adam(setting["learning_rate"]),
               epochs=SEARCH_EPOCHS, batch_size=BATCH_SIZE, seed=0, progress=False)
    return ffnn.accuracy(net.predict(Xv), Yv)


def scores(predict_train, predict_val, predict_test, seconds):
    """Accuracies on the three parts from the predicted labels, test labels kept."""
    d = data()
    return {"train_accuracy": float(np.mean(predict_train == d["train"][2])),
            "val_accuracy": float(np.mean(predict_val == d["val"][2])),
            "test_accuracy": float(np.mean(predict_test == d["test"][2])),
            "predict": predict_test, "seconds": seconds}


def run_ffnn(setting, seed):
    d = data()
    X, Y, _ = d["train"]
    net = initial_net(setting, seed)
    start = time.process_time()
    ffnn.train(net, X, Y, ffnn.Adam(setting["learning_rate"]), epochs=EPOCHS,
               batch_size=BATCH_SIZE, seed=seed, progress=False)
    seconds = time.process_time() - start
    return scores(*(np.argmax(net.predict(d[k][0]), axis=1) for k in ("train", "val", "test")),
                  seconds)


def run_torch(setting, seed):
    import torch

    d = data()
    X, _, lab = d["train"]
    start = time.process_time()
    model = train_torch(initial_net(setting, seed), setting["activation"], X, lab,
                        setting["learning_rate"], epochs=EPOCHS, batch_size=BATCH_SIZE, seed=seed)
    seconds = time.process_time() - start
    with torch.no_grad():
        return scores(*(model(torch.from_numpy(d[k][0])).argmax(1).numpy()
                        for k in ("train", "val", "test")), seconds)


def fitted_mlp(setting, seed, n=N_TRAIN, epochs=EPOCHS):
    """MLPClassifier of ``setting`` trained on the first ``n`` training images; CPU seconds."""
    X, _, lab = data()["train"]
    mlp = MLPClassifier(hidden_layer_sizes=tuple(DEPTHS[setting["depth"]]),
                        activation="logistic" if setting["activation"] == "sigmoid" else "relu",
                        solver="adam", learning_rate_init=setting["learning_rate"],
                        batch_size=BATCH_SIZE, alpha=2 * setting["lambda"] * BATCH_SIZE,
                        max_iter=epochs, n_iter_no_change=epochs + 1, tol=0.0, shuffle=True,
                        random_state=seed)
    start = time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(X[:n], lab[:n])
    return mlp, time.process_time() - start


def search_mlp(setting):
    """MLPClassifier's validation accuracy after the short training of ``search``."""
    mlp, _ = fitted_mlp(setting, 0, n=N_SEARCH, epochs=SEARCH_EPOCHS)
    Xv, _, lv = data()["val"]
    return float(mlp.score(Xv, lv))


def run_mlp(setting, seed):
    mlp, seconds = fitted_mlp(setting, seed)
    return scores(*(mlp.predict(data()[k][0]) for k in ("train", "val", "test")), seconds)


def run_logreg(C, final=False):
    """Logistic regression (lbfgs) on N_SEARCH (scan) or N_TRAIN (final) images."""
    d = data()
    (X, _, lab), (Xv, _, lv), (Xt, _, lt) = d["train"], d["val"], d["test"]
    n = N_TRAIN if final else N_SEARCH
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        model = LogisticRegression(C=C, max_iter=LOGREG_MAX_ITER).fit(X[:n], lab[:n])
    converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    out = {"C": C, "val_accuracy": float(model.score(Xv, lv)), "n_iter": int(model.n_iter_[0]),
           "converged": converged}
    if final:
        out.update(predict=model.predict(Xt), train_accuracy=float(model.score(X, lab)),
                   test_accuracy=float(model.score(Xt, lt)))
    return out


def task(kind, **kw):
    return {"search": search, "ffnn": run_ffnn, "mlp": run_mlp, "torch": run_torch,
            "logreg": run_logreg, "search_mlp": search_mlp}[kind](**kw)


def spread(values):
    """The values over seeds with their mean, std (ddof 1) and count."""
    return {"values": np.asarray(values, float), **over_seeds(values)}


def torch_version():
    try:
        import torch
    except ImportError:
        return None
    return torch.__version__


def main():
    start = time.perf_counter()
    grid = [{"activation": a, "depth": k, "learning_rate": lr, "lambda": lam}
            for a in ACTIVATIONS for k in DEPTHS for lr in LEARNING_RATES for lam in LAMBDAS]
    jobs = [dict(kind="logreg", C=C) for C in LOGREG_C]  # the slowest first
    jobs += [dict(kind="search", setting=g) for g in grid]
    out = run_parallel(task, jobs)
    scan, val = out[:len(LOGREG_C)], out[len(LOGREG_C):]
    best_C = scan[int(np.argmax([r["val_accuracy"] for r in scan]))]["C"]
    top = [int(i) for i in np.argsort(val, kind="stable")[::-1][:CONFIRM]]
    candidates = [grid[i] for i in top]

    jobs = [dict(kind="logreg", C=best_C, final=True)]
    jobs += [dict(kind="ffnn", setting=c, seed=0) for c in candidates]
    out = run_parallel(task, jobs)
    logreg, rounds = out[0], out[1:]
    best = int(np.argmax([r["val_accuracy"] for r in rounds]))
    setting = candidates[best]
    search_seconds = time.perf_counter() - start

    mlp_grid = [{**setting, "learning_rate": lr, "lambda": lam}
                for lr in LEARNING_RATES for lam in LAMBDAS]
    mlp_val = run_parallel(task, [dict(kind="search_mlp", setting=g) for g in mlp_grid])
    mlp_setting = mlp_grid[int(np.argmax(mlp_val))]

    version = torch_version()
    kinds = ["mlp"] + (["torch"] if version else [])
    own = {"mlp": mlp_setting, "torch": setting}
    jobs = [dict(kind=kind, setting=own[kind], seed=k) for kind in kinds for k in range(SEEDS)]
    jobs += [dict(kind="ffnn", setting=setting, seed=k) for k in range(1, SEEDS)]
    out = iter(run_parallel(task, jobs))
    runs = {kind: [next(out) for _ in range(SEEDS)] for kind in kinds}
    runs = {"ffnn": [rounds[best]] + [next(out) for _ in range(1, SEEDS)], **runs}
    lt = data()["test"][2]
    right = {k: [r["predict"] == lt for r in v] for k, v in runs.items()}
    acc = {k: np.array([r["test_accuracy"] for r in v]) for k, v in runs.items()}
    log_right = logreg["predict"] == lt
    paired = {"ffnn_vs_logreg": mcnemar_family((r, log_right) for r in right["ffnn"]),
              "ffnn_minus_logreg": paired_difference(acc["ffnn"], log_right.mean())}
    for kind in kinds:
        paired[f"ffnn_minus_{kind}"] = paired_difference(acc["ffnn"], acc[kind])
        paired[f"ffnn_vs_{kind}"] = mcnemar_family(zip(right["ffnn"], right[kind]))
    save_json("fashion", {
        "source": source(),
        "n_train": N_TRAIN, "n_val": N_VAL, "n_test": 10_000, "n_search": N_SEARCH,
        "classes": CLASSES, "batch_size": BATCH_SIZE, "epochs": EPOCHS,
        "search_epochs": SEARCH_EPOCHS, "seeds": SEEDS, "dtype": "float32",
        "grid": {"activations": ACTIVATIONS, "depths": {str(k): v for k, v in DEPTHS.items()},
                 "learning_rates": LEARNING_RATES, "lambdas": LAMBDAS, "settings": grid,
                 "val_accuracy": val},
        "confirm": [{**c, "search_val_accuracy": val[i], "val_accuracy": r["val_accuracy"]}
                    for c, i, r in zip(candidates, top, rounds)],
        "chosen": {**setting, "hidden": DEPTHS[setting["depth"]]},
        "mlp_search": {"settings": mlp_grid, "val_accuracy": mlp_val, "chosen": mlp_setting},
        "logreg_scan": scan, "logreg_C": best_C, "logreg_max_iter": LOGREG_MAX_ITER,
        "torch_version": version,
        **{k: {"test_accuracy": spread(acc[k]),
               "train_accuracy": spread([r["train_accuracy"] for r in v]),
               "seconds": spread([r["seconds"] for r in v])} for k, v in runs.items()},
        "logreg": {k: v for k, v in logreg.items() if k != "predict"},
        "paired": paired,
        "confusion_matrix": confusion_matrix(lt, runs["ffnn"][0]["predict"], labels=range(10)),
        "search_seconds": search_seconds, "seconds": time.perf_counter() - start,
    })
    print(f"fashion: MLPClassifier's η, λ: {mlp_setting['learning_rate']}, "
          f"{mlp_setting['lambda']} (search validation {max(mlp_val):.4f})")
    print(f"fashion: chosen {setting} (validation {rounds[best]['val_accuracy']:.4f}); "
          f"logreg C = {best_C}, {logreg['n_iter']} iterations")
    print("fashion: " + ", ".join(f"{k} {a.mean():.4f} ± {a.std(ddof=1):.4f}"
                                  for k, a in acc.items())
          + f", logreg {logreg['test_accuracy']:.4f}")
    print(f"fashion: search {search_seconds:.0f} s, total {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    import fashion  # so that the workers import the module and keep its data loaded

    fashion.main()
