"""Activations and their derivatives against autograd, plus stability."""

import warnings

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import elementwise_grad, jacobian

import ffnn
from ffnn import ACTIVATIONS, DERIVATIVES

ELEMENTWISE = [name for name, der in DERIVATIVES.items() if der is not None]


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_autograd(name, rng):
    z = rng.normal(scale=3.0, size=(7, 5))
    z = z[np.abs(z) > 1e-3].reshape(-1)  # stay off ReLU's kink
    expected = elementwise_grad(ACTIVATIONS[name])(z)
    np.testing.assert_allclose(DERIVATIVES[name](z), expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_central_differences(name, rng):
    z = rng.normal(scale=2.0, size=50)
    z = z[np.abs(z) > 1e-3]
    h = 1e-6
    f = ACTIVATIONS[name]
    numeric = (f(z + h) - f(z - h)) / (2 * h)
    np.testing.assert_allclose(DERIVATIVES[name](z), numeric, rtol=1e-6, atol=1e-8)


def test_hand_computed_values():
    z = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_allclose(ffnn.relu(z), [0.0, 0.0, 3.0])
    np.testing.assert_allclose(ffnn.leaky_relu(z), [-0.02, 0.0, 3.0])
    np.testing.assert_allclose(ffnn.sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-15)
    np.testing.assert_allclose(ffnn.sigmoid_der(np.array([0.0])), [0.25])
    np.testing.assert_allclose(ffnn.tanh_der(np.array([0.0])), [1.0])
    np.testing.assert_allclose(ffnn.softmax(np.array([0.0, np.log(3.0)])), [0.25, 0.75])


def test_sigmoid_and_softmax_are_stable_at_large_magnitudes():
    z = np.array([[-1000.0, 0.0, 1000.0], [1000.0, 999.0, -1000.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = ffnn.sigmoid(z)
        p = ffnn.softmax(z)
    assert np.all(np.isfinite(s)) and np.all(np.isfinite(p))
    np.testing.assert_allclose(s[0], [0.0, 0.5, 1.0])
    np.testing.assert_allclose(p[0], [0.0, 0.0, 1.0])
    np.testing.assert_allclose(p[1], [1 / (1 + np.exp(-1)), 1 / (1 + np.e), 0.0])


def test_softmax_normalises_each_row_of_a_batch(rng):
    z = rng.normal(scale=5.0, size=(6, 4))
    p = ffnn.softmax(z)
    np.testing.assert_allclose(p.sum(axis=1), np.ones(6), rtol=1e-14)
    # each row is the softmax of that row alone
    for row, prow in zip(z, p):
        np.testing.assert_allclose(ffnn.softmax(row), prow, rtol=1e-14)


def test_seeds_softmax_subtracts_the_maximum_over_the_wrong_axis():
    """The week-41 handout subtracts each column's maximum (over the samples),
    a different constant for each class: the rows are no longer softmaxes of
    their own logits, and a sample far below another underflows to 0/0."""

    def handout_softmax(z):
        e_z = np.exp(z - np.max(z, axis=0))
        return e_z / np.sum(e_z, axis=1)[:, np.newaxis]

    z = np.array([[1000.0, 0.0], [0.0, 1.0]])
    np.testing.assert_allclose(handout_softmax(z), [[1 / (1 + np.exp(-1)), 1 / (1 + np.e)], [0.0, 1.0]])
    np.testing.assert_allclose(ffnn.softmax(z), [[1.0, 0.0], [1 / (1 + np.e), 1 / (1 + np.exp(-1))]])
    with np.errstate(all="ignore"):
        assert np.all(np.isnan(handout_softmax(np.array([[1000.0, 1000.0], [0.0, 0.0]]))[1]))
    np.testing.assert_allclose(ffnn.softmax(np.array([[1000.0, 1000.0], [0.0, 0.0]])), 0.5)


def test_softmax_vjp_equals_the_jacobian_product(rng):
    z = rng.normal(size=5)
    g = rng.normal(size=5)
    J = jacobian(ffnn.softmax)(z)
    np.testing.assert_allclose(ffnn.softmax_vjp(ffnn.softmax(z), g), g @ J, rtol=1e-12)
    np.testing.assert_allclose(J, np.diag(ffnn.softmax(z)) - np.outer(ffnn.softmax(z), ffnn.softmax(z)), atol=1e-15)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_float32_in_float32_out(name, rng):
    z = rng.normal(size=(3, 4)).astype(np.float32)
    assert ACTIVATIONS[name](z).dtype == np.float32
    if DERIVATIVES[name] is not None:
        assert DERIVATIVES[name](z).dtype == np.float32


def test_autograd_traces_the_stable_forms():
    z = anp.array([-3.0, 0.5, 2.0])
    np.testing.assert_allclose(
        elementwise_grad(ffnn.sigmoid)(z), ffnn.sigmoid(z) * (1 - ffnn.sigmoid(z)), rtol=1e-14
    )


def test_sigmoid_keeps_its_relative_precision_far_out():
    """Against scipy's expit: 1 + tanh(z/2) would cancel for z << 0."""
    from scipy.special import expit

    z = np.concatenate([np.linspace(-700, 700, 1401), [-37.5, -30.0, -20.0]])
    np.testing.assert_allclose(ffnn.sigmoid(z), expit(z), rtol=1e-13, atol=0)
    np.testing.assert_allclose(ffnn.sigmoid_der(z), expit(z) * expit(-z), rtol=1e-13, atol=0)


@pytest.mark.parametrize("name", list(ffnn.activations.ACTIVATION_RECORDS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("stacked", [False, True], ids=["one", "stack"])
def test_in_place_kernels_compute_f_and_f_prime(name, dtype, stacked, rng):
    """Each record's kernels against its f and f', far into saturation too; also on the
    three-axis arrays of networks in lockstep, where softmax and sigmoid take other routes
    (there σ' may be below the smallest normal float instead of 0 where it underflows)."""
    record = ffnn.activations.ACTIVATION_RECORDS[name]
    edge = 0.98 * np.log(np.finfo(dtype).max)  # e^{±z} just short of overflow
    z = np.concatenate([rng.normal(scale=3.0, size=(6, 4)), [[-800.0, -40.0, 40.0, 800.0]],
                        [[-edge, -edge / 2, edge / 2, edge]]]).astype(dtype)
    if stacked:
        z = np.stack([z, z[::-1], -z])
    out, tmp = np.empty_like(z), np.empty_like(z)
    record.forward(z, out, tmp)
    np.testing.assert_allclose(out, record.f(z), rtol=4 * np.finfo(dtype).eps, atol=0)
    assert out.dtype == dtype
    if record.backward is None:
        return
    delta = rng.normal(size=z.shape).astype(dtype)
    expected = delta * record.der(z)
    record.backward(delta, z, out, tmp, np.empty(z.shape, bool))  # tmp as the forward left it
    atol = np.finfo(dtype).tiny * 4 if stacked else 0
    np.testing.assert_allclose(delta, expected, rtol=4 * np.finfo(dtype).eps, atol=atol)
    assert delta.dtype == dtype


def test_registries_are_views_of_the_records():
    for name, record in ffnn.activations.ACTIVATION_RECORDS.items():
        assert ACTIVATIONS[name] is record.f and DERIVATIVES[name] is record.der
