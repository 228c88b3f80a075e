"""The digits comparison over repeated splits: splits, C on validation, paired differences.

Fast: the experiment runs on 2 splits with a tiny network; ``make train`` runs it in full.
"""

import functools
import json
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.metrics import log_loss

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "code" / "experiments"))

import _common  # noqa: E402


def test_digits_splits_repeat_stratified_partitions_and_split_0_is_the_default():
    labels = load_digits().target
    X_all = load_digits().data / 16.0
    default, tests = _common.digits_splits(), []
    for k in range(3):
        s = _common.digits_splits(k)
        sizes = {name: len(s[name][0]) for name in s}
        assert sizes == {"train": 1077, "val": 360, "test": 360, "train_full": 1437}
        # train + val is train_full, and train_full + test is every image once
        assert np.array_equal(np.vstack([s["train"][0], s["val"][0]]).sum(0),
                              s["train_full"][0].sum(0))
        assert np.allclose(np.vstack([s["train_full"][0], s["test"][0]]).sum(0), X_all.sum(0))
        # stratified: each digit's share of the test part is its share of the data, ± 1 image
        counts = np.bincount(s["test"][2], minlength=10)
        assert np.all(np.abs(counts - 0.2 * np.bincount(labels)) <= 1)
        tests.append({tuple(row) for row in s["test"][0]})
    assert all(np.array_equal(a[0], b[0]) for a, b in zip(default.values(),
                                                         _common.digits_splits(0).values()))
    assert tests[0] != tests[1] and tests[1] != tests[2]


@pytest.mark.parametrize("split", [-1, 1.5, "0", True])
def test_digits_splits_refuses_a_bad_split(split):
    with pytest.raises(ValueError, match="split"):
        _common.digits_splits(split)


def test_logreg_by_validation_takes_the_smallest_validation_log_loss():
    s = _common.digits_splits(0)
    grid = (0.01, 1.0, 100.0)
    best, scan = _common.logreg_by_validation(s, grid)
    Xv, _, lv = s["val"]
    losses = [log_loss(lv, r["model"].predict_proba(Xv), labels=range(10)) for r in scan]
    assert [r["C"] for r in scan] == list(grid)
    assert np.allclose([r["val_cross_entropy"] for r in scan], losses)
    assert best == int(np.argmin(losses))
    assert [r["val_accuracy"] for r in scan] == [r["model"].score(Xv, lv) for r in scan]


def test_paired_difference_by_hand():
    r = _common.paired_difference([0.9, 0.8, 0.7], [0.8, 0.8, 0.9])
    assert np.allclose(r["values"], [0.1, 0.0, -0.2])
    assert r["mean"] == pytest.approx(-0.1 / 3)
    # sample std of 0.1, 0, -0.2: mean -1/30, squares sum 0.05 - 3 (1/30)^2 = 0.04667, / 2
    assert r["std"] == pytest.approx(np.sqrt((0.05 - 3 / 900) / 2))
    assert (r["n_positive"], r["n_negative"], r["n"]) == (1, 1, 3)


def test_paired_difference_against_one_reference_score():
    # three seeds against one fit scored once (0.8): differences 0.1, 0, -0.1
    r = _common.paired_difference([0.9, 0.8, 0.7], 0.8)
    assert np.allclose(r["values"], [0.1, 0.0, -0.1])
    assert r["mean"] == pytest.approx(0.0, abs=1e-15)
    assert r["std"] == pytest.approx(0.1)  # sqrt((0.01 + 0 + 0.01) / 2)
    assert (r["n_positive"], r["n_negative"], r["n"]) == (1, 1, 3)


@pytest.mark.parametrize("first,second", [([0.9], [0.8]), ([0.9, 0.8], [0.8, 0.8, 0.7]),
                                          ([[0.9, 0.8]], [[0.8, 0.8]]), ([0.9], 0.8),
                                          ([0.9, 0.8], [0.8])])
def test_paired_difference_refuses_fewer_than_two_or_unequal_splits(first, second):
    with pytest.raises(ValueError, match="first, second"):
        _common.paired_difference(first, second)


def test_best_on_validation_takes_the_highest_accuracy_then_the_smaller_cross_entropy():
    import digits

    scan = [{"val_accuracy": 0.97, "val_cross_entropy": 0.08},
            {"val_accuracy": 0.98, "val_cross_entropy": 0.09},
            {"val_accuracy": 0.98, "val_cross_entropy": 0.07},
            {"val_accuracy": 0.98, "val_cross_entropy": 0.07}]
    assert digits.best_on_validation(scan) == 2  # 0.98 ties; 0.07 < 0.09; the earlier of equals
    assert digits.best_on_validation(scan[:2]) == 1
    with pytest.raises(ValueError, match="scan"):
        digits.best_on_validation([])


def test_digits_network_is_the_stated_architecture():
    net = _common.DIGITS_NETWORK.network(seed=3)
    assert [W.shape for W, _ in net.layers] == [(64, 128), (128, 64), (64, 10)]
    again = _common.DIGITS_NETWORK.network(seed=3, l2=0.0)
    assert all(np.array_equal(W, V) for (W, _), (V, _) in zip(net.layers, again.layers))
    assert (net.l2, again.l2) == (1e-4, 0.0)


def test_digits_runs_on_two_splits_and_its_pairs_agree_with_mcnemar_counts(monkeypatch, tmp_path):
    import digits

    monkeypatch.setattr(_common, "RESULTS", tmp_path)
    monkeypatch.setattr(digits, "SPLITS", 2)
    monkeypatch.setattr(digits, "NET", _common.DigitsNetwork(hidden=(8,), epochs=3))
    monkeypatch.setattr(digits, "logreg_by_validation",
                        functools.partial(_common.logreg_by_validation, grid=(0.1, 10.0)))
    monkeypatch.setattr(digits, "run_parallel", lambda f, jobs: [f(**kw) for kw in jobs])
    digits.main()
    r = json.loads((tmp_path / "digits.json").read_text())
    n_test, pr = r["n_test"], r["paired"]
    for model, key, tests in (("logreg", "ffnn_minus_logreg", "ffnn_vs_logreg"),
                              ("mlp", "ffnn_minus_mlp", "ffnn_vs_mlp"),
                              ("no_penalty", "ffnn_minus_no_penalty", "ffnn_vs_no_penalty")):
        diff = np.subtract(r["ffnn"]["test_accuracy"]["values"], r[model]["test_accuracy"]["values"])
        assert np.allclose(pr[key]["values"], diff)
        # the accuracies differ by the images only one of the two gets right, over n_test
        by_count = [(m["only_first"] - m["only_second"]) / n_test for m in pr[tests]]
        assert np.allclose(by_count, diff)
    assert len(r["ffnn"]["costs"]) == 2 and len(r["ffnn"]["costs"][0]) == 3
    assert all(c in (0.1, 10.0) for c in r["logreg"]["C"])
    # ffnn's and MLPClassifier's own η per split, from the same grid: the best validation
    # accuracy of each one's stored scan, ties by the smaller validation cross-entropy
    assert r["ffnn"]["learning_rates"] == r["mlp"]["learning_rates"] == list(digits.LEARNING_RATES)
    for m in (r["ffnn"], r["mlp"]):
        assert len(m["learning_rate"]) == len(m["val_accuracy"]) == 2
        for lr, accs, ces in zip(m["learning_rate"], m["val_accuracy"], m["val_cross_entropy"]):
            assert len(accs) == len(ces) == len(digits.LEARNING_RATES)
            best = [i for i, a in enumerate(accs) if a == max(accs)]
            assert lr == m["learning_rates"][min(best, key=lambda i: ces[i])]
    # the pairs count the splits where ffnn is ahead, by numpy
    diff = np.subtract(r["ffnn"]["test_accuracy"]["values"], r["mlp"]["test_accuracy"]["values"])
    assert pr["ffnn_minus_mlp"]["n_positive"] == int(np.sum(diff > 0))
