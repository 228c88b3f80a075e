"""accuracy against hand counts for every pair of shapes it accepts, and a clear
refusal, naming both shapes, of every pair it cannot answer."""

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler

import ffnn

# Five samples, three classes: the largest entries are classes 0, 2, 1, 1, 0.
P3 = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.2, 0.5, 0.3], [0.3, 0.4, 0.3], [0.5, 0.4, 0.1]])
LABELS3 = np.array([0, 2, 2, 1, 1])  # hand count: samples 0, 1, 3 right -> 3/5
# Six samples, one probability of class 1: predicted classes 1, 0, 1, 0, 1, 1 (0.5 counts as 1).
P1 = np.array([0.9, 0.2, 0.6, 0.4, 0.5, 0.99])
LABELS1 = np.array([1, 0, 0, 0, 1, 0])  # hand count: samples 0, 1, 3, 4 right -> 4/6


@pytest.mark.parametrize("target", [LABELS3, np.eye(3)[LABELS3], LABELS3.astype(float)],
                         ids=["labels", "one-hot", "float labels"])
def test_k_columns_against_labels_or_one_hot(target):
    assert ffnn.accuracy(P3, target) == 3 / 5
    assert ffnn.accuracy(np.eye(3)[[0, 2, 1, 1, 0]], target) == 3 / 5  # one-hot predictions


@pytest.mark.parametrize("predict", [P1, P1.reshape(-1, 1)], ids=["(n,)", "(n, 1)"])
@pytest.mark.parametrize("target", [LABELS1, LABELS1.reshape(-1, 1), LABELS1.astype(bool)],
                         ids=["(n,)", "(n, 1)", "bool"])
def test_one_column_against_0_1_labels(predict, target):
    assert ffnn.accuracy(predict, target) == 4 / 6


def test_breast_cancer_one_sigmoid_column_against_both_label_shapes():
    """Project 2's case, which gave 1.0 and 0.371 before: the hand count for both label shapes."""
    data = load_breast_cancer()
    X, y = StandardScaler().fit_transform(data.data), data.target
    net = ffnn.NeuralNetwork(30, [1], ["sigmoid"], cost_fun="binary_cross_entropy", seed=0)
    ffnn.train(net, X, y.reshape(-1, 1), ffnn.Adam(0.01), epochs=5, batch_size=32, seed=0)
    p = net.predict(X)
    hand = sum(int((p[i, 0] >= 0.5) == (y[i] == 1)) for i in range(len(y))) / len(y)
    assert 0.9 < hand < 1.0
    assert ffnn.accuracy(p, y) == hand
    assert ffnn.accuracy(p, y.reshape(-1, 1)) == hand
    assert ffnn.accuracy(p.ravel(), y) == hand


def _refused(predict, target, *why):
    with pytest.raises(ValueError) as info:
        ffnn.accuracy(predict, target)
    message = str(info.value)
    assert f"predict of shape {np.shape(predict)}" in message
    assert f"target of shape {np.shape(target)}" in message
    for piece in why:
        assert piece in message, message


def test_pairs_it_cannot_answer_are_refused_naming_both_shapes():
    _refused(P3, LABELS3[:4], "same number of samples")
    _refused(P3, np.eye(4)[[0, 1, 2, 3, 0]], "the prediction's 3 columns")
    _refused(P3, LABELS3.reshape(-1, 1), "the prediction's 3 columns")
    _refused(P3, np.array([0, 1, 3, 1, 0]), "integer labels 0..2", "from 0 to 3")
    _refused(P3, np.array([0, 1, 1.5, 1, 0]), "integer labels 0..2")
    _refused(P3, np.full((5, 3), 1 / 3), "one-hot rows")
    _refused(P1, np.eye(2)[LABELS1], "needs 0/1 labels")
    _refused(P1, np.array([1, 0, 2, 0, 1, 0]), "0 or 1 for one output column")
    _refused(P1 * 4 - 2, LABELS1, "probability of class 1, in [0, 1]", "sigmoid")
    _refused(np.where(P1 > 0.8, np.nan, P1), LABELS1, "predict: expected finite values")
    _refused(P1, np.array([1, 0, np.nan, 0, 1, 0]), "target: expected finite values")
    _refused(np.zeros((0, 3)), np.zeros(0), "expected at least one sample")
    _refused(P3[None], LABELS3, "same number of samples")
    _refused(P1, np.array(list("abcdef")), "target: expected real numbers")
