"""Iris (weeks 41-42): untrained accuracy, optimisers, how well a network can do.

1. The week-41 exercise 6d network, 4 → 8 sigmoid → 3 softmax with W, b ~ N(0, 1),
   evaluated untrained on the 150 raw flowers, for N_UNTRAINED random
   initialisations: the distribution of its accuracy.
2. Plain gradient descent (full batch), SGD with momentum and Adam on a
   stratified 70/30 split (features standardised with the training part's
   mean and standard deviation): cost per epoch, validation accuracy.
3. Week 41 exercise 7f: the best training accuracy on all 150 flowers, and
   the accuracy on flowers held out from training.

Writes results/iris.json.
"""

import time

import numpy as np
from _common import classifier, run_parallel, save_json
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

import ffnn

SEED = 41
N_UNTRAINED = 10_000
HIDDEN = [8]
ACTIVATION = "sigmoid"
TEST_SIZE = 0.3
SPLIT_STATE = 42

# Optimiser comparison on the training part (105 flowers).
OPT_EPOCHS = 300
OPTIMIZERS = {
    "GD": dict(make=lambda: ffnn.GradientDescent(0.5), batch_size=None, label="plain GD (full batch)"),
    "Momentum": dict(make=lambda: ffnn.Momentum(0.02, momentum=0.9), batch_size=16,
                     label="SGD + momentum"),
    "Adam": dict(make=lambda: ffnn.Adam(0.01), batch_size=16, label="Adam"),
}
OPT_HPARAMS = {"GD": {"learning_rate": 0.5, "batch_size": "full (105)"},
               "Momentum": {"learning_rate": 0.02, "momentum": 0.9, "batch_size": 16},
               "Adam": {"learning_rate": 0.01, "beta1": 0.9, "beta2": 0.999, "batch_size": 16}}

# All 150 flowers: full-batch Adam until every flower is right.
FULL_EPOCHS = 2000
FULL_LR = 0.05

# The held-out accuracy of one 45-flower test set moves in steps of 1/45: repeat
# the split (random_state = 0, 1, ...) to see how much it depends on the split.
N_SPLITS = 20


def untrained_accuracies(X, Y, n, seed):
    """Accuracy of n untrained N(0, 1) networks on (X, Y)."""
    rng = np.random.default_rng(seed)
    acc = np.empty(n)
    for k in range(n):
        net = classifier(4, HIDDEN, 3, ACTIVATION, "normal", rng)
        acc[k] = ffnn.accuracy(net.predict(X), Y)
    return acc


def standardise(train, *others):
    mean, std = train.mean(axis=0), train.std(axis=0)
    return [(a - mean) / std for a in (train, *others)]


def run_optimizer(name, Xtr, Ytr, Xte, Yte):
    spec = OPTIMIZERS[name]
    net = classifier(4, HIDDEN, 3, ACTIVATION, "xavier", SEED)
    h = ffnn.train(net, Xtr, Ytr, spec["make"](), epochs=OPT_EPOCHS, batch_size=spec["batch_size"],
                   seed=SEED, X_val=Xte, Y_val=Yte, progress=False)
    return {
        "label": spec["label"],
        **OPT_HPARAMS[name],
        "epochs": OPT_EPOCHS,
        "cost": h["cost"],
        "val_cost": h["val_cost"],
        "val_accuracy": h["val_accuracy"],
        "final_accuracy": h["val_accuracy"][-1],
        "final_train_accuracy": ffnn.accuracy(net.predict(Xtr), Ytr),
    }


def split_and_scale(X, Y, labels, random_state):
    idx_tr, idx_te = train_test_split(np.arange(len(X)), test_size=TEST_SIZE, stratify=labels,
                                      random_state=random_state)
    Xtr, Xte = standardise(X[idx_tr], X[idx_te])
    return Xtr, Xte, Y[idx_tr], Y[idx_te], idx_tr, idx_te


def held_out_run(X, Y, labels, random_state):
    """Test accuracy of the Adam network and of logistic regression on one split."""
    Xtr, Xte, Ytr, Yte, idx_tr, idx_te = split_and_scale(X, Y, labels, random_state)
    net = classifier(4, HIDDEN, 3, ACTIVATION, "xavier", SEED)
    ffnn.train(net, Xtr, Ytr, OPTIMIZERS["Adam"]["make"](), epochs=OPT_EPOCHS,
               batch_size=OPTIMIZERS["Adam"]["batch_size"], seed=SEED, progress=False)
    logreg = LogisticRegression(max_iter=1000).fit(Xtr, labels[idx_tr])
    return ffnn.accuracy(net.predict(Xte), Yte), float(logreg.score(Xte, labels[idx_te]))


def full_data_run(X, Y):
    """Train on all flowers (standardised); accuracy on them after every epoch."""
    (Xs,) = standardise(X)
    net = classifier(4, HIDDEN, 3, ACTIVATION, "xavier", SEED)
    return ffnn.train(net, Xs, Y, ffnn.Adam(FULL_LR), epochs=FULL_EPOCHS, seed=SEED,
                      X_val=Xs, Y_val=Y, progress=False)


def run(kind, **kw):
    """One job of the single joblib pool: keeps both cores busy with one start-up."""
    return {"optimizer": run_optimizer, "split": held_out_run, "full": full_data_run}[kind](**kw)


def main():
    start = time.perf_counter()
    X, Y, labels = ffnn.load_iris()

    # 1. untrained networks on the raw features, as in the exercise
    acc = untrained_accuracies(X, Y, N_UNTRAINED, SEED)
    chance = float(np.max(np.bincount(labels)) / len(labels))

    # 2. optimisers on a stratified split, standardised with training statistics
    Xtr, Xte, Ytr, Yte, idx_tr, idx_te = split_and_scale(X, Y, labels, SPLIT_STATE)
    names = list(OPTIMIZERS)
    jobs = [dict(kind="full", X=X, Y=Y)]  # the longest job first
    jobs += [dict(kind="optimizer", name=n, Xtr=Xtr, Ytr=Ytr, Xte=Xte, Yte=Yte) for n in names]
    jobs += [dict(kind="split", X=X, Y=Y, labels=labels, random_state=k) for k in range(N_SPLITS)]
    out = run_parallel(run, jobs)
    h = out[0]
    optimizers = dict(zip(names, out[1 : 1 + len(names)]))
    net_acc, logreg_acc = np.array(out[1 + len(names) :]).T

    # 3a. held-out accuracy: the Adam network of the comparison (no choice made on the test part)
    held_out = {
        "test_accuracy": optimizers["Adam"]["final_accuracy"],
        "n_test": int(len(idx_te)),
        "n_train": int(len(idx_tr)),
        "n_test_correct": int(round(optimizers["Adam"]["final_accuracy"] * len(idx_te))),
        "train_accuracy": optimizers["Adam"]["final_train_accuracy"],
        "optimizer": "Adam",
        "epochs": OPT_EPOCHS,
        "test_size": TEST_SIZE,
        "random_state": SPLIT_STATE,
        "test_counts_per_class": np.bincount(labels[idx_te]).tolist(),
        "logreg_test_accuracy": float(LogisticRegression(max_iter=1000)
                                      .fit(Xtr, labels[idx_tr]).score(Xte, labels[idx_te])),
        "repeated_splits": {
            "n_splits": N_SPLITS,
            "random_states": list(range(N_SPLITS)),
            "test_accuracy": net_acc,
            "logreg_test_accuracy": logreg_acc,
            "mean": float(net_acc.mean()),
            "std": float(net_acc.std(ddof=1)),
            "logreg_mean": float(logreg_acc.mean()),
            "logreg_std": float(logreg_acc.std(ddof=1)),
            # paired on the same splits: network minus logistic regression
            "difference_mean": float(np.mean(net_acc - logreg_acc)),
            "difference_std": float(np.std(net_acc - logreg_acc, ddof=1)),
            "difference_sem": float(np.std(net_acc - logreg_acc, ddof=1) / np.sqrt(N_SPLITS)),
            "splits_network_better": int(np.sum(net_acc > logreg_acc)),
            "splits_logreg_better": int(np.sum(net_acc < logreg_acc)),
        },
    }

    # 3b. all 150 flowers: how far can training accuracy go?
    curve = np.array(h["val_accuracy"])
    n_correct = int(round(curve[-1] * len(X)))
    reached = np.flatnonzero(curve == 1.0)
    full_data = {
        "n_correct": n_correct,
        "n_samples": int(len(X)),
        "train_accuracy": float(curve[-1]),
        "best_accuracy": float(curve.max()),
        "architecture": "4 → 8 sigmoid → 3 softmax",
        "optimizer": f"Adam, η = {FULL_LR}, full batch",
        "epochs": FULL_EPOCHS,
        "first_epoch_all_correct": int(reached[0] + 1) if reached.size else None,
        "accuracy_curve": curve,
        "cost": h["cost"],
    }

    results = {
        "untrained_accuracy": {
            "n_networks": N_UNTRAINED,
            "architecture": "4 → 8 sigmoid → 3 softmax, W, b ~ N(0, 1), raw features",
            "mean": float(acc.mean()),
            "std": float(acc.std(ddof=1)),
            "min": float(acc.min()),
            "max": float(acc.max()),
            "median": float(np.median(acc)),
            "fraction_at_chance": float(np.mean(np.isclose(acc, chance))),
            "chance_level": chance,
            "values": acc,
        },
        "optimizers": optimizers,
        "chosen_by": ("learning rates, batch sizes and epochs set by hand to show each "
                      "optimiser converging, not tuned on the test flowers; the held-out "
                      "accuracy is that of the Adam run of this comparison"),
        "held_out": held_out,
        "full_data": full_data,
    }
    save_json("iris", results)
    u = results["untrained_accuracy"]
    print(f"iris: untrained accuracy {u['mean']:.3f} ± {u['std']:.3f} over {N_UNTRAINED} networks "
          f"(min {u['min']:.3f}, max {u['max']:.3f})")
    for name, r in optimizers.items():
        print(f"iris: {name:9s} final cost {r['cost'][-1]:.4f}, test accuracy {r['final_accuracy']:.3f}")
    print(f"iris: all 150 flowers: {n_correct}/150 after {FULL_EPOCHS} epochs "
          f"(first 150/150 at epoch {full_data['first_epoch_all_correct']})")
    print(f"iris: held out: test {held_out['test_accuracy']:.3f} on {held_out['n_test']}, "
          f"train {held_out['train_accuracy']:.3f}; logreg {held_out['logreg_test_accuracy']:.3f}; "
          f"over {N_SPLITS} splits {net_acc.mean():.3f} ± {net_acc.std(ddof=1):.3f} "
          f"(logreg {logreg_acc.mean():.3f})")
    print(f"iris: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
