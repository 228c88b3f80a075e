"""The gradient references: central differences against a hand derivative, and the two
error measures of @eq-rel-error on gradients whose errors are counted by hand."""

import numpy as np
import pytest

import ffnn


def test_central_differences_match_a_hand_derivative():
    # C(W, b) = sum(W**2) + 3 b[0]: dC/dW = 2W, dC/db = (3, 0)
    W, b = np.array([[1.0, -2.0], [0.5, 4.0]]), np.array([0.3, -0.7])
    numerical = ffnn.numerical_gradient(lambda layers: np.sum(layers[0][0] ** 2)
                                        + 3 * layers[0][1][0], [(W, b)])
    np.testing.assert_allclose(numerical[0][0], 2 * W, atol=1e-8)
    np.testing.assert_allclose(numerical[0][1], [3.0, 0.0], atol=1e-8)


def test_a_wrong_small_layer_is_hidden_by_the_whole_and_found_array_by_array():
    big = (np.full((3, 3), 1000.0), np.full(3, 1000.0))
    small = (np.full((2, 3), 1e-3), np.full(2, 1e-3))
    exact = [big, small]
    wrong = [big, (2 * small[0], small[1])]    # dW of the small layer doubled
    # whole structure: |2e-3 - 1e-3| / 1000 = 1e-6; that array alone: 1e-3 / 2e-3 = 1/2
    assert ffnn.rel_error(wrong, exact) == pytest.approx(1e-6)
    assert ffnn.worst_array_error(wrong, exact) == pytest.approx(0.5)
    assert ffnn.worst_array_error(exact, exact) == 0.0


def test_gradients_of_different_layers_are_refused_with_both_counts():
    one = [(np.zeros((2, 2)), np.zeros(2))]
    with pytest.raises(ValueError, match="2 arrays against 4"):
        ffnn.worst_array_error(one, one * 2)
