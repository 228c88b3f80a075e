"""Digits (sklearn's 1797 8x8 images): ffnn against scikit-learn.

The same stratified split for all three models: 80 % for training (the
``train_full`` part of ``_common.digits_splits``), 20 % for testing.
* ffnn: 64 → 128 ReLU → 64 ReLU → 10 softmax, He initialisation, Adam
  (η = 1e-3), mini-batches of 32, L2 penalty λ = 1e-4, EPOCHS = 60 epochs (chosen on the
  validation part: 40 or 60 epochs, λ in {1e-5, 1e-4, 1e-3}, η in {1e-3, 3e-3} all gave
  0.975-0.99 validation accuracy, 60 epochs slightly the best);
* scikit-learn's MLPClassifier with the same architecture, optimiser, batch
  size, number of epochs and the same penalty (sklearn's ``alpha`` is
  2 λ × batch size, since it divides ½ alpha ‖W‖² by the batch size);
* multinomial LogisticRegression, C chosen on the validation part, then refitted
  on the same 1437 training images as the networks.
Classifiers scored on the same test images are compared by paired tests: the
exact McNemar test of each ffnn seed against logistic regression (the images
one gets right and the other wrong), and the paired differences ffnn − MLP
over seeds (seed k against seed k).  Each network is trained from N_SEEDS seeds: seed 0 is the reported model, the
others show the spread.  Writes results/digits.json.
"""

import time
import warnings

import numpy as np
from _common import classifier, digits_splits, mcnemar, run_parallel, save_json
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix
from sklearn.neural_network import MLPClassifier

import ffnn

HIDDEN = [128, 64]
LEARNING_RATE = 1e-3
BATCH_SIZE = 32
L2 = 1e-4
EPOCHS = 60
N_SEEDS = 5
LOGREG_C = [0.1, 1.0, 10.0, 100.0]
N_MISCLASSIFIED = 12


def run_ffnn(seed, Xtr, Ytr, Xte, Yte, l2=L2):
    net = classifier(64, HIDDEN, 10, "relu", "he", seed, l2=l2)
    h = ffnn.train(net, Xtr, Ytr, ffnn.Adam(LEARNING_RATE), epochs=EPOCHS, batch_size=BATCH_SIZE,
                   seed=seed, X_val=Xte, Y_val=Yte, progress=False)
    predict = np.argmax(net.predict(Xte), axis=1)
    return {"cost": h["cost"], "test_accuracy_curve": h["val_accuracy"],
            "train_accuracy": ffnn.accuracy(net.predict(Xtr), Ytr),
            "test_accuracy": h["val_accuracy"][-1], "predict": predict}


def run_mlp(seed, Xtr, ltr, Xte, lte):
    mlp = MLPClassifier(hidden_layer_sizes=tuple(HIDDEN), activation="relu", solver="adam",
                        learning_rate_init=LEARNING_RATE, batch_size=BATCH_SIZE,
                        alpha=2 * L2 * BATCH_SIZE, max_iter=EPOCHS, n_iter_no_change=EPOCHS + 1,
                        tol=0.0, shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(Xtr, ltr)
    return {"loss_curve": mlp.loss_curve_, "train_accuracy": float(mlp.score(Xtr, ltr)),
            "test_accuracy": float(mlp.score(Xte, lte)), "predict": mlp.predict(Xte)}



def run(kind, **kw):
    return run_ffnn(**kw) if kind.startswith("ffnn") else run_mlp(**kw)


def main():
    start = time.perf_counter()
    s = digits_splits()
    Xtr, Ytr, ltr = s["train_full"]
    Xte, Yte, lte = s["test"]

    jobs = [dict(kind="ffnn", seed=k, Xtr=Xtr, Ytr=Ytr, Xte=Xte, Yte=Yte) for k in range(N_SEEDS)]
    jobs += [dict(kind="mlp", seed=k, Xtr=Xtr, ltr=ltr, Xte=Xte, lte=lte) for k in range(N_SEEDS)]
    # the same network without its L2 penalty: is there regularisation without one?
    jobs += [dict(kind="ffnn0", seed=k, Xtr=Xtr, Ytr=Ytr, Xte=Xte, Yte=Yte, l2=0.0)
             for k in range(N_SEEDS)]
    out = run_parallel(run, jobs)
    nets, mlps, free = out[:N_SEEDS], out[N_SEEDS:2 * N_SEEDS], out[2 * N_SEEDS:]

    # logistic regression: C on the validation part, then refit on train_full
    Xa, _, la = s["train"]
    Xv, _, lv = s["val"]
    val_scores = []
    for C in LOGREG_C:
        val_scores.append(float(LogisticRegression(C=C, max_iter=5000).fit(Xa, la).score(Xv, lv)))
    best_C = LOGREG_C[int(np.argmax(val_scores))]
    logreg = LogisticRegression(C=best_C, max_iter=5000).fit(Xtr, ltr)

    net = nets[0]
    predict = net["predict"]
    wrong = np.flatnonzero(predict != lte)[:N_MISCLASSIFIED]
    ffnn_acc = np.array([r["test_accuracy"] for r in nets])
    mlp_acc = np.array([r["test_accuracy"] for r in mlps])
    logreg_right = logreg.predict(Xte) == lte
    paired = {
        "ffnn_vs_logreg": [mcnemar(r["predict"] == lte, logreg_right) for r in nets],
        "mlp_vs_logreg": [mcnemar(r["predict"] == lte, logreg_right) for r in mlps],
        "ffnn_vs_mlp": [mcnemar(a["predict"] == lte, b["predict"] == lte)
                        for a, b in zip(nets, mlps)],
        "ffnn_minus_mlp": {"values": ffnn_acc - mlp_acc, "mean": float(np.mean(ffnn_acc - mlp_acc)),
                           "std": float(np.std(ffnn_acc - mlp_acc, ddof=1))},
        "ffnn_minus_logreg": {"values": ffnn_acc - logreg_right.mean(),
                              "mean": float(np.mean(ffnn_acc - logreg_right.mean())),
                              "std": float(np.std(ffnn_acc, ddof=1))},
    }
    results = {
        "n_train": int(len(Xtr)),
        "n_test": int(len(Xte)),
        "architecture": "64 → 128 ReLU → 64 ReLU → 10 softmax",
        "settings": {"learning_rate": LEARNING_RATE, "batch_size": BATCH_SIZE, "l2": L2,
                     "epochs": EPOCHS, "initialization": "he", "optimizer": "Adam",
                     "sklearn_alpha": 2 * L2 * BATCH_SIZE,
                     "chosen_by": ("by hand on the validation part of digits_splits (40 or 60 "
                                   "epochs, λ in {1e-5, 1e-4, 1e-3}, η in {1e-3, 3e-3}: validation "
                                   "accuracy 0.975-0.99 for all); logistic regression's C: best "
                                   "validation accuracy of C_grid")},
        "ffnn": {
            "test_accuracy": net["test_accuracy"],
            "train_accuracy": net["train_accuracy"],
            "cost": net["cost"],
            "test_accuracy_curve": net["test_accuracy_curve"],
            "seed_costs": [r["cost"] for r in nets],
            "seed_test_accuracy_curves": [r["test_accuracy_curve"] for r in nets],
            "seed_test_accuracies": ffnn_acc,
            "mean_test_accuracy": float(ffnn_acc.mean()),
            "std_test_accuracy": float(ffnn_acc.std(ddof=1)),
        },
        "mlp": {
            "test_accuracy": mlps[0]["test_accuracy"],
            "train_accuracy": mlps[0]["train_accuracy"],
            "loss_curve": mlps[0]["loss_curve"],
            "seed_loss_curves": [r["loss_curve"] for r in mlps],
            "seed_test_accuracies": mlp_acc,
            "mean_test_accuracy": float(mlp_acc.mean()),
            "std_test_accuracy": float(mlp_acc.std(ddof=1)),
        },
        "logreg": {
            "test_accuracy": float(logreg.score(Xte, lte)),
            "train_accuracy": float(logreg.score(Xtr, ltr)),
            "C": best_C,
            "C_grid": LOGREG_C,
            "val_accuracy": val_scores,
        },
        "paired": paired,
        "no_penalty": {
            "test_accuracy": [r["test_accuracy"] for r in free],
            "train_accuracy": [r["train_accuracy"] for r in free],
            "best_test_accuracy_over_epochs": [max(r["test_accuracy_curve"]) for r in free],
        },
        "confusion_matrix": confusion_matrix(lte, predict, labels=range(10)),
        "n_misclassified": int(np.sum(predict != lte)),
        "misclassified": {
            "images": Xte[wrong].reshape(-1, 8, 8),
            "true": lte[wrong],
            "predicted": predict[wrong],
        },
    }
    save_json("digits", results)
    print(f"digits: ffnn   test accuracy {net['test_accuracy']:.4f} "
          f"(seeds: {ffnn_acc.mean():.4f} ± {ffnn_acc.std(ddof=1):.4f}), train {net['train_accuracy']:.4f}")
    print(f"digits: MLP    test accuracy {mlps[0]['test_accuracy']:.4f} "
          f"(seeds: {mlp_acc.mean():.4f} ± {mlp_acc.std(ddof=1):.4f})")
    print(f"digits: logreg test accuracy {results['logreg']['test_accuracy']:.4f} (C = {best_C})")
    print("digits: McNemar ffnn vs logreg", paired["ffnn_vs_logreg"])
    print("digits: McNemar ffnn vs MLP", paired["ffnn_vs_mlp"])
    print(f"digits: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
