"""Learning-rate schedules, early stopping and the progress bar of ffnn.train, against
values worked out by hand."""

import math

import numpy as np
import pytest

import ffnn
from ffnn import EarlyStopping, InverseScaling, NeuralNetwork, StepDecay, train


class RecordingGD(ffnn.GradientDescent):
    """Gradient descent that records the learning rate of every step."""

    def __init__(self, learning_rate):
        super().__init__(learning_rate)
        self.rates = []

    def _update(self, param, grad, state):
        self.rates.append(self.learning_rate)
        super()._update(param, grad, state)


def _line(eta=0.05):
    """f(x) = w x + b from w = b = 0, trained on x = 1, y = 1 with the mean squared error:
    both gradients are 2(p - 1), so p = w + b follows p_t = 1 - (1 - 4η)^t."""
    net = NeuralNetwork(1, [1], ["identity"], cost_fun="mse")
    net.parameters[...] = 0.0
    return net, np.ones((1, 1)), np.ones((1, 1))


def _rates(schedule, epochs, batch_size=None, n=4):
    net = NeuralNetwork(2, [3, 1], ["tanh", "identity"], cost_fun="mse", seed=0)
    X = np.random.default_rng(0).normal(size=(n, 2))
    optimizer = RecordingGD(0.1)
    train(net, X, X[:, :1], optimizer, epochs=epochs, batch_size=batch_size, seed=0,
          schedule=schedule)
    assert optimizer.learning_rate == 0.1  # restored
    return optimizer.rates


def test_constant_is_the_default():
    assert _rates(None, 3) == _rates("constant", 3) == _rates(ffnn.Constant(), 3) == [0.1] * 3


def test_inverse_scaling_per_epoch():
    expected = [0.1, 0.1 / math.sqrt(2), 0.1 / math.sqrt(3), 0.1 / 2]
    assert _rates("invscaling", 4) == pytest.approx(expected, rel=1e-15)
    # two batches per epoch: the rate changes between epochs only
    twice = _rates(InverseScaling(power=1.0), 3, batch_size=2)
    assert twice == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.1 / 3, 0.1 / 3], rel=1e-15)


def test_step_decay():
    assert _rates(StepDecay(every=2, factor=0.5), 5) == pytest.approx(
        [0.1, 0.1, 0.05, 0.05, 0.025], rel=1e-15)
    assert _rates("step", 12)[9:] == pytest.approx([0.1, 0.05, 0.05], rel=1e-15)  # every=10


def test_the_rate_is_restored_after_divergence():
    net = NeuralNetwork(1, [1], ["identity"], cost_fun="mse", seed=0)
    optimizer = ffnn.GradientDescent(10.0)
    with pytest.raises(ffnn.DivergenceError):
        train(net, np.ones((2, 1)) * 100, np.ones((2, 1)), optimizer, epochs=50,
              schedule=StepDecay(every=1, factor=0.9))
    assert optimizer.learning_rate == 10.0


def test_bad_schedules():
    with pytest.raises(ValueError, match="schedule: expected one of.*got 'cosine'"):
        _rates("cosine", 1)
    with pytest.raises(TypeError, match=r"use StepDecay\(\) not StepDecay"):
        _rates(StepDecay, 1)
    with pytest.raises(ValueError, match="every: expected a positive integer"):
        StepDecay(every=0)
    net, X, Y = _line()

    class NoRate:
        def step(self, layers, layer_grads):
            return layers

    with pytest.raises(ValueError, match="schedule: .* needs an optimiser with a learning_rate"):
        train(net, X, Y, NoRate(), epochs=1, schedule="invscaling")


# p_t = 1 - 0.8^t for η = 0.05; validation target 0.6 on x = 1: the validation cost
# (p_t - 0.6)^2 is 0.16, 0.0576, 0.012544, 0.00009216, 0.00523, 0.01898, ...: lowest at epoch 4.
P = [1 - 0.8**t for t in range(1, 9)]
VAL = ([[1.0]], [[0.6]])


def test_early_stopping_stops_patience_epochs_after_the_best():
    net, X, Y = _line()
    history = train(net, X, Y, ffnn.GradientDescent(0.05), epochs=50, X_val=VAL[0], Y_val=VAL[1],
                    early_stopping=EarlyStopping(patience=2))
    assert history["val_cost"] == pytest.approx([(p - 0.6) ** 2 for p in P[:6]], rel=1e-12)
    assert history["best_epoch"] == 4 and history["stopped_epoch"] == 6
    assert len(history["cost"]) == 6
    np.testing.assert_allclose(net.parameters, [P[3] / 2, P[3] / 2], rtol=1e-12)  # epoch 4's


def test_early_stopping_that_never_fires_says_so():
    net, X, Y = _line()
    history = train(net, X, Y, ffnn.GradientDescent(0.05), epochs=8, X_val=VAL[0], Y_val=VAL[1],
                    early_stopping=EarlyStopping(patience=10))
    assert len(history["cost"]) == 8
    assert history["best_epoch"] == 4 and history["stopped_epoch"] is None
    np.testing.assert_allclose(net.parameters, [P[3] / 2, P[3] / 2], rtol=1e-12)


def test_early_stopping_tolerance_and_no_restore():
    """With tol = 0.05 epoch 3 (0.0576 → 0.0125) is no improvement: patience 1 stops there."""
    net, X, Y = _line()
    history = train(net, X, Y, ffnn.GradientDescent(0.05), epochs=8, X_val=VAL[0], Y_val=VAL[1],
                    early_stopping=EarlyStopping(patience=1, tol=0.05, restore_best=False))
    assert history["best_epoch"] == 2 and history["stopped_epoch"] == 3
    np.testing.assert_allclose(net.parameters, [P[2] / 2, P[2] / 2], rtol=1e-12)  # epoch 3's


def test_early_stopping_needs_validation_data():
    net, X, Y = _line()
    with pytest.raises(ValueError, match="early_stopping: needs validation data.*X_val"):
        train(net, X, Y, ffnn.GradientDescent(0.05), epochs=3, early_stopping=EarlyStopping())
    with pytest.raises(TypeError, match="early_stopping: expected None or ffnn.EarlyStopping"):
        train(net, X, Y, ffnn.GradientDescent(0.05), epochs=3, X_val=X, Y_val=Y,
              early_stopping=EarlyStopping)
    with pytest.raises(ValueError, match="patience: expected a positive integer"):
        EarlyStopping(patience=0)


def test_progress_bar_only_when_asked_or_on_a_terminal(capsys):
    net, X, Y = _line()
    train(net, X, Y, ffnn.GradientDescent(0.05), epochs=3)  # stderr is not a terminal here
    assert capsys.readouterr().err == ""
    train(net, X, Y, ffnn.GradientDescent(0.05), epochs=3, progress=True)
    assert "training" in capsys.readouterr().err
