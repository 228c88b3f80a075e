"""The Fashion-MNIST and breast-cancer experiments' helpers, on tiny data.

PyTorch's training (``_torch.train_torch``) against ffnn's, from the same
weights (skipped without ``torch``); the breast-cancer folds by hand counts,
and a tiny run of ``breast_cancer.main`` against its own stored choices.
"""

import json
import sys
from pathlib import Path

import numpy as np
import pytest

import ffnn

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "code" / "experiments"))

import _common  # noqa: E402
import breast_cancer as bc  # noqa: E402
from _torch import train_torch  # noqa: E402


@pytest.mark.parametrize("activation, l2", [("relu", 0.0), ("sigmoid", 1e-2)])
def test_train_torch_takes_ffnns_adam_steps(activation, l2):
    pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    X = rng.standard_normal((40, 6))
    labels = rng.integers(0, 3, 40)
    init = "he" if activation == "relu" else "xavier"
    net = _common.classifier(6, [5, 4], 3, activation, init, seed=1, l2=l2)
    start = [(W.copy(), b.copy()) for W, b in net.layers]
    # batches of 16, 16 and 8 rows in ffnn's order: the same 21 Adam steps
    model = train_torch(net, activation, X, labels, 0.01, epochs=7, batch_size=16,
                                seed=5)
    ffnn.train(net, X, ffnn.one_hot(labels, 3), ffnn.Adam(0.01), epochs=7, batch_size=16,
               seed=5, progress=False)
    linear = [m for m in model if hasattr(m, "weight")]
    for (W0, _), (W, b), lin in zip(start, net.layers, linear):
        assert np.max(np.abs(W - W0)) > 1e-3  # both moved
        np.testing.assert_allclose(lin.weight.detach().numpy().T, W, rtol=0, atol=1e-10)
        np.testing.assert_allclose(lin.bias.detach().numpy(), b, rtol=0, atol=1e-10)


def test_breast_cancer_folds_test_each_sample_once_stratified():
    X, y, splits = bc.folds()
    assert X.shape == (569, 30) and y.sum() == 212  # 212 malignant (y = 1)
    tested = np.concatenate([test for _, test in splits])
    assert np.array_equal(np.sort(tested), np.arange(569))
    for train, test in splits:
        assert np.intersect1d(train, test).size == 0 and len(train) + len(test) == 569
        assert abs(y[test].sum() - 212 / bc.FOLDS) <= 1  # stratified: 42 or 43 each
        fit, val = bc.parts(train, y, validation=True)
        assert np.array_equal(np.sort(np.concatenate([fit, val])), np.sort(train))
        assert abs(y[val].mean() - y[train].mean()) < 0.01


def test_breast_cancer_runs_and_stores_its_choices(monkeypatch, tmp_path):
    monkeypatch.setattr(_common, "RESULTS", tmp_path)
    monkeypatch.setattr(bc, "EPOCHS", 3)
    monkeypatch.setattr(bc, "LAMBDAS", [0.0, 1.0])
    monkeypatch.setattr(bc, "LEARNING_RATES", [1e-3, 1e-1])
    monkeypatch.setattr(bc, "C_GRID", [1e-3, 1.0])
    monkeypatch.setattr(bc, "run_parallel", lambda f, jobs: [f(**kw) for kw in jobs])
    bc.main()
    r = json.loads((tmp_path / "breast_cancer.json").read_text())
    chosen = [r["grid"]["C"][int(np.argmin(s))] for s in r["scans"]["logreg"]]
    assert r["chosen"]["C"] == chosen
    X, y, splits = bc.folds()
    for k in ("ffnn", "mlp", "logreg"):
        acc = r[k]["test_accuracy"]["values"]
        # the out-of-fold accuracy is the folds' accuracies weighted by their sizes
        assert r[k]["out_of_fold_accuracy"] == pytest.approx(
            np.dot(acc, [len(t) for _, t in splits]) / 569)
    diff = np.subtract(r["ffnn"]["test_accuracy"]["values"], r["mlp"]["test_accuracy"]["values"])
    assert r["paired"]["ffnn_minus_mlp"]["mean"] == pytest.approx(diff.mean())
    assert (r["paired"]["ffnn_minus_mlp"]["n_positive"],
            r["paired"]["ffnn_minus_mlp"]["n_negative"]) == (np.sum(diff > 0), np.sum(diff < 0))
    # ffnn's and MLPClassifier's own (η, λ) per fold, from the same pairs: the smallest
    # validation cross-entropy of each one's stored scan
    pairs = [(lr, lam) for lr in (1e-3, 1e-1) for lam in (0.0, 1.0)]
    assert r["grid"]["pairs"] == [list(p) for p in pairs]
    for key, prefix in (("ffnn", ""), ("mlp", "mlp_")):
        assert all(len(s) == len(pairs) for s in r["scans"][key])
        chosen = [pairs[int(np.argmin(s))] for s in r["scans"][key]]
        assert list(zip(r["chosen"][prefix + "learning_rate"],
                        r["chosen"][prefix + "lambda"])) == chosen


def test_fashion_runs_on_tiny_data_and_mlp_takes_its_own_best_setting(monkeypatch, tmp_path):
    import fashion

    rng = np.random.default_rng(0)

    def part(n):
        labels = rng.integers(0, 10, n)
        X = (rng.random((n, 784)) * 0.2 + labels[:, None] / 10).astype(np.float32)
        return X, ffnn.one_hot(labels, 10).astype(np.float32), labels

    tiny = {"train": part(120), "val": part(40), "test": part(40)}
    monkeypatch.setattr(_common, "RESULTS", tmp_path)
    monkeypatch.setattr(fashion, "data", lambda: tiny)
    monkeypatch.setattr(fashion, "run_parallel", lambda f, jobs: [f(**kw) for kw in jobs])
    for name, value in (("N_SEARCH", 80), ("SEARCH_EPOCHS", 1), ("EPOCHS", 2), ("SEEDS", 2),
                        ("ACTIVATIONS", ["relu"]), ("DEPTHS", {1: [4]}),
                        ("LEARNING_RATES", [1e-3, 1e-1]), ("LAMBDAS", [0.0, 1e-4]),
                        ("CONFIRM", 1), ("LOGREG_C", [1.0])):
        monkeypatch.setattr(fashion, name, value)
    fashion.main()
    r = json.loads((tmp_path / "fashion.json").read_text())
    search = r["mlp_search"]
    assert len(search["settings"]) == 4  # every (η, λ) at ffnn's architecture
    assert search["chosen"] == search["settings"][int(np.argmax(search["val_accuracy"]))]
    # ffnn against the one logistic-regression fit: differences and counts by numpy
    diff = np.subtract(r["ffnn"]["test_accuracy"]["values"], r["logreg"]["test_accuracy"])
    p = r["paired"]["ffnn_minus_logreg"]
    assert np.allclose(p["values"], diff)
    assert (p["n_positive"], p["n_negative"], p["n"]) == (np.sum(diff > 0), np.sum(diff < 0), 2)
