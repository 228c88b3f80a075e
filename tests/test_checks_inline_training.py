"""Week 42's training written as a loop at the top level of a cell is graded by its effects.

The loop must call the student's own backpropagation and leave a network
that classifies iris well above chance; exercise 7b also asks for momentum
and mini-batches in the loop.  The handout names no training function, so
no name is ever asked for.
"""

import test_checks_week42 as w42

INLINE = """
from sklearn import datasets

iris = datasets.load_iris()
X = (iris.data - iris.data.mean(axis=0)) / iris.data.std(axis=0)
Y = np.eye(3)[iris.target]

def softmax(z):
    e = np.exp(z - np.max(z, axis=1, keepdims=True))
    return e / np.sum(e, axis=1, keepdims=True)

def ce_der(predict, target):
    return (predict - target) / predict.shape[0]

np.random.seed(3)
layers = [(np.random.randn(4, 8), np.random.randn(8)), (np.random.randn(8, 3), np.random.randn(3))]
velocities = [(0 * W, 0 * b) for W, b in layers]
lr, beta = 0.1, 0.9
for epoch in range(100):
    order = np.random.permutation(150)
    for start in range(0, 150, 16):
        rows = order[start:start + 16]
        grads = backpropagation_batch(X[rows], layers, [sigmoid, softmax], Y[rows],
                                      [sigmoid_der, lambda z: 1], ce_der)
        velocities = [(beta * vW - lr * dW, beta * vb - lr * db)
                      for (vW, vb), (dW, db) in zip(velocities, grads)]
        layers = [(W + vW, b + vb) for (W, b), (vW, vb) in zip(layers, velocities)]
"""
CELLS = w42.BASE + [("w42-6", w42.BATCH_6.replace("NAME", "backpropagation_batch"))]


def test_an_inline_loop_with_momentum_and_mini_batches_passes_7a_and_7b():
    for exercise in ("w42-7a", "w42-7b"):
        status, reason = w42.check(exercise, *CELLS, ("w42-7a", INLINE))
        assert status == "pass", (exercise, reason)
        assert reason.startswith("graded from its effects: the training loop of cell") and \
            "calls your `backpropagation_batch`" in reason


def test_an_inline_loop_that_does_not_learn_fails():
    still = INLINE.replace("lr, beta = 0.1, 0.9", "lr, beta = 0.0, 0.9")
    status, reason = w42.check("w42-7a", *CELLS, ("w42-7a", still))
    assert status == "fail" and "it does not learn" in reason, reason


def test_an_inline_loop_without_momentum_passes_7a_and_fails_7b():
    plain = INLINE.replace("beta * vW - lr * dW", "- lr * dW").replace("beta * vb - lr * db", "- lr * db")
    assert w42.check("w42-7a", *CELLS, ("w42-7a", plain))[0] == "pass"
    status, reason = w42.check("w42-7b", *CELLS, ("w42-7a", plain))
    assert status == "fail" and "has no momentum" in reason, reason


def test_no_training_at_all_asks_for_no_name():
    status, reason = w42.check("w42-7b", *CELLS)
    assert status == "missing" and "train_network_momentum" not in reason, reason
