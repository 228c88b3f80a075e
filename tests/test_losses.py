"""Costs and derivatives against autograd and hand-computed values."""

import numpy as np
from autograd import grad

import ffnn


def test_mse_is_the_mean_over_all_elements_and_its_gradient_exact(rng):
    p, t = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    assert np.isclose(ffnn.mse(p, t), np.sum((p - t) ** 2) / 12)
    np.testing.assert_allclose(ffnn.mse_der(p, t), grad(ffnn.mse)(p, t), rtol=1e-14)


def test_week42_mse_der_check(rng):
    """Week 42, 3b: mse_der equals autograd's derivative of mse (one vector)."""
    p, t = rng.random(3), rng.random(3)
    np.testing.assert_allclose(ffnn.mse_der(p, t), grad(ffnn.mse, 0)(p, t), rtol=1e-14)


def test_cross_entropy_hand_values():
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    y = np.array([[1.0, 0, 0], [0, 0, 1.0]])
    assert np.isclose(ffnn.cross_entropy(p, y), -(np.log(0.7) + np.log(0.8)) / 2)
    assert np.isclose(ffnn.cross_entropy(p[0], y[0]), -np.log(0.7))


def test_cross_entropy_never_nan_for_zero_probabilities():
    p = np.array([[1.0, 0.0], [0.0, 1.0]])
    y = np.array([[0.0, 1.0], [0.0, 1.0]])
    c = ffnn.cross_entropy(p, y)
    assert np.isfinite(c) and c > 300


def test_cross_entropy_der_is_the_softmax_simplification(rng):
    """d/dz of cross_entropy(softmax(z), y) equals (softmax(z) - y) / n."""
    z = rng.normal(size=(5, 4))
    y = ffnn.one_hot(rng.integers(0, 4, size=5), 4)
    full = grad(lambda z: ffnn.cross_entropy(ffnn.softmax(z), y))(z)
    np.testing.assert_allclose(ffnn.cross_entropy_der(ffnn.softmax(z), y), full, rtol=1e-12, atol=1e-16)
    z1, y1 = z[0], y[0]
    full1 = grad(lambda z: ffnn.cross_entropy(ffnn.softmax(z), y1))(z1)
    np.testing.assert_allclose(ffnn.cross_entropy_der(ffnn.softmax(z1), y1), full1, rtol=1e-12, atol=1e-16)
