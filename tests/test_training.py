"""The training loop: it learns, reproduces itself, validates, and stops
clearly on divergence."""

import numpy as np
import pytest

import ffnn
from ffnn import NeuralNetwork, train


@pytest.fixture
def iris():
    X, Y, _ = ffnn.load_iris()
    return (X - X.mean(axis=0)) / X.std(axis=0), Y


def _net(seed=0, **kw):
    return NeuralNetwork(4, [8, 3], ["sigmoid", "softmax"], None, "cross_entropy", None, seed=seed, **kw)


def test_training_learns_iris(iris):
    X, Y = iris
    net = _net()
    history = train(net, X, Y, ffnn.Adam(0.05), epochs=100, batch_size=16, seed=1)
    assert len(history["cost"]) == 100
    assert history["cost"][-1] < 0.25 * history["cost"][0]
    assert ffnn.accuracy(net.predict(X), Y) > 0.95


def test_epoch_cost_is_the_mean_of_the_batch_costs(iris):
    X, Y = iris
    net = _net()
    full = train(net, X, Y, ffnn.GradientDescent(0.1), epochs=1, batch_size=None, seed=0)
    assert np.isclose(full["cost"][0], _net().cost(X, Y))


def test_same_seed_same_history_bit_for_bit(iris):
    X, Y = iris
    runs = [train(_net(seed=3), X, Y, ffnn.Momentum(0.05), epochs=5, batch_size=10, seed=9,
                  X_val=X[:30], Y_val=Y[:30]) for _ in range(2)]
    assert runs[0] == runs[1]
    other = train(_net(seed=3), X, Y, ffnn.Momentum(0.05), epochs=5, batch_size=10, seed=10)
    assert other["cost"] != runs[0]["cost"]


def test_validation_history(iris):
    X, Y = iris
    history = train(_net(), X[:100], Y[:100], ffnn.Adam(0.01), epochs=3, batch_size=20, seed=0,
                    X_val=X[100:], Y_val=Y[100:])
    assert set(history) == {"cost", "val_cost", "val_accuracy"}
    assert all(len(v) == 3 for v in history.values())
    assert all(0 <= a <= 1 for a in history["val_accuracy"])


def test_the_history_is_a_record_with_every_field_and_reads_as_the_dict_of_those_that_apply(iris):
    X, Y = iris
    plain = train(_net(), X, Y, ffnn.Adam(0.01), epochs=2, seed=0)
    assert isinstance(plain, ffnn.History) and len(plain.cost) == 2
    assert (plain.val_cost, plain.val_accuracy, plain.best_epoch, plain.stopped_epoch) == (None,) * 4
    assert not plain.early_stopping
    assert list(plain) == ["cost"] and "val_cost" not in plain and plain.get("best_epoch") is None
    with pytest.raises(KeyError):
        plain["val_accuracy"]
    # a regression network with validation data: a validation cost, no accuracy
    reg = NeuralNetwork(4, [5, 3], ["tanh", "identity"], seed=0)
    validated = train(reg, X, Y, ffnn.Adam(0.01), epochs=2, seed=0, X_val=X[:9], Y_val=Y[:9])
    assert list(validated) == ["cost", "val_cost"] and validated.val_accuracy is None
    assert validated["val_cost"] is validated.val_cost and len(validated.val_cost) == 2
    # early stopping: its two entries, also when training ran all its epochs
    stopped = train(_net(), X, Y, ffnn.Adam(0.01), epochs=2, seed=0, X_val=X[:9], Y_val=Y[:9],
                    early_stopping=ffnn.EarlyStopping(patience=5))
    assert list(stopped) == ["cost", "val_cost", "val_accuracy", "best_epoch", "stopped_epoch"]
    assert stopped.early_stopping and stopped["best_epoch"] == stopped.best_epoch
    assert stopped["stopped_epoch"] is None
    assert dict(stopped) == {k: getattr(stopped, k) for k in stopped.keys()}
    # train_many gives each network the same record as train
    nets = [_net(seed=s) for s in range(2)]
    many = ffnn.train_many(nets, X, Y, [ffnn.Adam(0.01) for _ in nets], epochs=2, seeds=[0, 1],
                           X_val=X[:9], Y_val=Y[:9])
    assert all(isinstance(h, ffnn.History) and list(h) == ["cost", "val_cost", "val_accuracy"]
               for h in many)


def test_cost_and_val_cost_are_both_the_penalised_cost(iris):
    """val_cost is network.cost of the validation data after the epoch; on full batches
    the training cost is network.cost before the epoch's one step."""
    X, Y = iris
    net = _net(l2=0.05)
    before = net.cost(X, Y)
    history = train(net, X, Y, ffnn.GradientDescent(0.1), epochs=1, seed=0, X_val=X[:40], Y_val=Y[:40])
    assert history["cost"][0] == pytest.approx(before, rel=1e-12)
    assert history["val_cost"][0] == pytest.approx(net.cost(X[:40], Y[:40]), rel=1e-12)
    assert net.cost(X, Y) > ffnn.cross_entropy(net.predict(X), Y) + 0.01  # the penalty is in


def test_an_optimiser_with_only_a_step_method_trains_too(iris):
    """Any object with step(layers, layer_grads), the exercises' interface."""
    X, Y = iris

    class PlainStep:
        learning_rate = 0.5

        def step(self, layers, layer_grads):
            return [(W - 0.5 * dW, b - 0.5 * db) for (W, b), (dW, db) in zip(layers, layer_grads)]

    net, reference = _net(), _net()
    train(net, X, Y, PlainStep(), epochs=3, seed=0)
    train(reference, X, Y, ffnn.GradientDescent(0.5), epochs=3, seed=0)
    np.testing.assert_allclose(net.parameters, reference.parameters, rtol=1e-12)


def test_regression_history_has_no_accuracy():
    x, y = ffnn.runge_data(50, seed=0)
    net = NeuralNetwork(1, [10, 1], ["tanh", "identity"], None, "mse", None, seed=0)
    history = train(net, x, y, ffnn.Adam(0.01), epochs=2, batch_size=10, seed=0, X_val=x, Y_val=y)
    assert set(history) == {"cost", "val_cost"}


def test_divergence_raises_a_clear_error(iris):
    X, Y = iris
    net = NeuralNetwork(4, [16, 3], ["relu", "identity"], None, "mse", None, seed=0)
    with pytest.raises(ffnn.DivergenceError, match=r"diverged at epoch \d+.*smaller learning rate"):
        train(net, X, Y * 100, ffnn.GradientDescent(5.0), epochs=200, batch_size=None, seed=0)


def test_bad_training_arguments(iris):
    X, Y = iris
    with pytest.raises(ValueError, match="epochs"):
        train(_net(), X, Y, ffnn.Adam(), epochs=0)
    with pytest.raises(ValueError, match="batch_size"):
        train(_net(), X, Y, ffnn.Adam(), epochs=1, batch_size=0)
    with pytest.raises(ValueError, match=r"Y: expected shape \(150, 3\)"):
        train(_net(), X, Y[:, :2], ffnn.Adam(), epochs=1)


def test_training_does_not_modify_its_data(iris):
    X, Y = iris
    X0, Y0 = X.copy(), Y.copy()
    train(_net(), X, Y, ffnn.Adam(0.01), epochs=2, batch_size=32, seed=0)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(Y, Y0)


def test_week41_train_network_takes_gradient_descent_steps(iris):
    """One epoch is one step with the gradient of backpropagation_batch (an independent path:
    train_network differentiates with autograd); many epochs learn."""
    X, Y = iris
    layers = ffnn.create_layers_batch(4, [8, 3], rng=0)
    funcs = [ffnn.sigmoid, ffnn.softmax]
    one = ffnn.train_network(X, layers, funcs, Y, learning_rate=0.1, epochs=1)
    grads = ffnn.backpropagation_batch(X, layers, funcs, Y, [ffnn.sigmoid_der, None], ffnn.cross_entropy_der)
    for (W, b), (W0, b0), (dW, db) in zip(one, layers, grads):
        np.testing.assert_allclose(W, W0 - 0.1 * dW, rtol=1e-12)
        np.testing.assert_allclose(b, b0 - 0.1 * db, rtol=1e-12)
    trained = ffnn.train_network(X, layers, funcs, Y, learning_rate=0.1, epochs=300)
    assert ffnn.accuracy(ffnn.feed_forward_batch(X, trained, funcs), Y) > 0.9


def test_week42_train_network_momentum_learns_and_matches_train(iris):
    X, Y = iris
    layers = ffnn.create_layers_batch(4, [8, 3], rng=0)
    funcs, ders = [ffnn.sigmoid, ffnn.softmax], [ffnn.sigmoid_der, None]
    trained = ffnn.train_network_momentum(X, layers, funcs, ders, Y, learning_rate=0.01,
                                          epochs=100, batch_size=10, rng=1)
    assert ffnn.accuracy(ffnn.feed_forward_batch(X, trained, funcs), Y) > 0.9
    # full batches, no shuffling to differ: the same steps as ffnn.train with Momentum
    full = ffnn.train_network_momentum(X, layers, funcs, ders, Y, learning_rate=0.05, epochs=5,
                                       batch_size=len(X))
    net = NeuralNetwork(4, [8, 3], ["sigmoid", "softmax"], cost_fun="cross_entropy")
    net.layers = layers
    train(net, X, Y, ffnn.Momentum(0.05, 0.9), epochs=5)
    for (W, b), (Wn, bn) in zip(full, net.layers):
        np.testing.assert_allclose(W, Wn, rtol=1e-10)
        np.testing.assert_allclose(b, bn, rtol=1e-10)


@pytest.mark.parametrize("act,sklearn_name", [("sigmoid", "logistic"), ("relu", "relu"), ("tanh", "tanh")])
@pytest.mark.parametrize("alpha", [0.0, 0.3])
def test_training_follows_scikit_learns_sgd_with_momentum(act, sklearn_name, alpha, iris):
    """From the same weights, 20 full-batch epochs of momentum SGD give scikit-learn's weights
    and loss curve: an independent implementation of the gradient, the penalty (its
    α/2 ‖W‖² / n is our λ₂ ‖W‖² with λ₂ = α / 2n) and the update."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    X, Y = iris
    labels = np.argmax(Y, axis=1)
    net = NeuralNetwork(4, [8, 3], [act, "softmax"], cost_fun="cross_entropy",
                        initialization="xavier", seed=0, l2=alpha / (2 * len(X)))
    model = MLPClassifier(hidden_layer_sizes=[8], activation=sklearn_name, solver="sgd",
                          learning_rate_init=0.1, momentum=0.9, nesterovs_momentum=False,
                          alpha=alpha, batch_size=len(X), shuffle=False, max_iter=1,
                          warm_start=True, tol=0.0, n_iter_no_change=10**9, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, labels)  # only to create its arrays, then overwritten with ours
        for (W, b), coef, intercept in zip(net.layers, model.coefs_, model.intercepts_):
            coef[...], intercept[...] = W, b
        model.set_params(max_iter=20)
        model.fit(X, labels)
    history = train(net, X, Y, ffnn.Momentum(0.1, 0.9), epochs=20)
    for (W, b), coef, intercept in zip(net.layers, model.coefs_, model.intercepts_):
        assert ffnn.rel_error(W, coef) < 1e-13 and ffnn.rel_error(b, intercept) < 1e-13
    np.testing.assert_allclose(history["cost"], model.loss_curve_[1:], rtol=1e-13)
