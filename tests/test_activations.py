"""Activations: derivatives against finite differences, closed-form values, invariants, extremes."""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from companion import activations as act
from companion.gradcheck import numerical_gradient

PAIRS = {
    "sigmoid": (act.sigmoid, act.sigmoid_prime),
    "tanh": (act.tanh, act.tanh_prime),
    "relu": (act.relu, act.relu_prime),
    "leaky_relu": (act.leaky_relu, act.leaky_relu_prime),
    "linear": (act.linear, act.linear_prime),
}


def elementwise_fd(f, z, h=1e-6):
    """Derivative of an elementwise f: the finite difference of sum(f(z)) w.r.t. each z_i."""
    z = z.copy()
    return numerical_gradient(lambda: np.sum(f(z)), z, h)


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_derivative_matches_finite_differences(name):
    f, fp = PAIRS[name]
    # Stay away from the kink at 0, where ReLU has no derivative.
    z = np.array([-4.0, -1.3, -0.2, 0.3, 0.9, 2.5, 6.0])
    np.testing.assert_allclose(fp(z), elementwise_fd(f, z), rtol=1e-6, atol=1e-9)


def test_closed_form_values():
    assert act.sigmoid(np.array([0.0]))[0] == 0.5
    np.testing.assert_allclose(act.sigmoid(np.log([3.0])), [0.75])  # σ(ln 3) = 3/4
    np.testing.assert_allclose(act.sigmoid_prime(np.array([0.0])), [0.25])
    np.testing.assert_allclose(act.tanh_prime(np.array([0.0])), [1.0])
    # tanh z = 2σ(2z) − 1, an identity the code does not use
    z = np.linspace(-5, 5, 11)
    np.testing.assert_allclose(act.tanh(z), 2 * act.sigmoid(2 * z) - 1, atol=1e-15)


def test_relu_prime_at_zero_is_zero_and_leaky_is_alpha():
    assert act.relu_prime(np.array([0.0]))[0] == 0.0
    assert act.leaky_relu_prime(np.array([0.0]), alpha=0.2)[0] == 0.2
    np.testing.assert_array_equal(act.leaky_relu(np.array([-2.0, 3.0]), alpha=0.1), [-0.2, 3.0])


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_extreme_inputs_give_no_warning_and_no_nan(name):
    f, fp = PAIRS[name]
    z = np.array([-1000.0, -745.0, -50.0, 0.0, 50.0, 745.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for out in (f(z), fp(z)):
            assert np.all(np.isfinite(out))


def test_sigmoid_is_accurate_in_the_tail():
    # σ(−30) = e^{−30}/(1+e^{−30}): the stable form keeps full relative precision there.
    np.testing.assert_allclose(act.sigmoid(np.array([-30.0]))[0], np.exp(-30) / (1 + np.exp(-30)), rtol=1e-14)


@settings(max_examples=50, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=6),
                  elements=st.floats(-1e3, 1e3)))
def test_softmax_rows_are_distributions(z):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = act.softmax(z)
    assert s.shape == z.shape
    assert np.all(s >= 0)
    np.testing.assert_allclose(s.sum(axis=-1), 1.0, rtol=1e-12)


def test_softmax_is_shift_invariant_and_stable():
    z = np.array([[1.0, 2.0, 3.0], [1000.0, 1001.0, 1002.0], [-1000.0, -999.0, -998.0]])
    s = act.softmax(z)
    np.testing.assert_allclose(s[1], s[0])
    np.testing.assert_allclose(s[2], s[0])
    # closed form for (1, 2, 3): e^i / (e + e² + e³)
    e = np.exp([1.0, 2.0, 3.0])
    np.testing.assert_allclose(s[0], e / e.sum())


def test_softmax_jacobian_matches_finite_differences():
    z = np.array([0.3, -1.2, 2.0, 0.5])
    J = act.softmax_jacobian(z)
    for i in range(4):
        np.testing.assert_allclose(J[i], numerical_gradient(lambda: act.softmax(z)[i], z), atol=1e-9)
    np.testing.assert_allclose(J.sum(axis=0), 0.0, atol=1e-15)  # outputs always sum to 1


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_float32_stays_float32(name):
    f, fp = PAIRS[name]
    z = np.linspace(-3, 3, 7, dtype=np.float32)
    assert f(z).dtype == np.float32 and fp(z).dtype == np.float32
    assert act.softmax(z).dtype == np.float32


def test_inputs_are_not_modified():
    z = np.array([-1.0, 0.0, 2.0])
    before = z.copy()
    for f, fp in PAIRS.values():
        f(z), fp(z)
    act.softmax(z)
    np.testing.assert_array_equal(z, before)


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(ValueError, match=r"z must be finite; found nan at index \(1,\)"):
        act.sigmoid(np.array([0.0, np.nan]))
    with pytest.raises(TypeError, match="z must hold real numbers"):
        act.relu(np.array(["a", "b"]))
    with pytest.raises(ValueError, match=r"unknown activation 'swish'; expected one of \['leaky_relu', 'linear', 'relu', 'sigmoid', 'tanh'\]"):
        act.get_activation("swish")
    with pytest.raises(ValueError, match=r"alpha must be in \[0.0, 1.0\); got 1.5"):
        act.leaky_relu(np.zeros(2), alpha=1.5)
    with pytest.raises(ValueError, match=r"^z must be one vector of shape \(k,\); got shape \(2, 2\)$"):
        act.softmax_jacobian(np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"^z must have at least one axis \(the classes\); got a scalar$"):
        act.softmax(1.0)


@pytest.mark.parametrize("name", sorted(act.PRIME_FROM_OUTPUT))
def test_derivative_from_the_output_equals_the_derivative(name):
    # backprop reads σ'(z) off a = σ(z); it must be the same function of z
    f, fp = act.get_activation(name)
    z = np.linspace(-8, 8, 33)
    np.testing.assert_allclose(act.PRIME_FROM_OUTPUT[name](f(z)), fp(z), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_is_the_docstrings_two_forms(dtype):
    # Ordinary inputs: exactly 1/(1 + e^{-z}). A batch reaching the overflow range: the e^{-|z|}
    # form, for every entry, with no warning (warnings are errors here).
    z = np.linspace(-30, 30, 61).astype(dtype)
    np.testing.assert_array_equal(act.sigmoid(z), 1 / (1 + np.exp(-z)))
    extreme = np.concatenate([z, np.array([-1000.0, -100.0, 1000.0], dtype)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = act.sigmoid(extreme)
    e = np.exp(-np.abs(extreme))
    np.testing.assert_array_equal(s, np.where(extreme >= 0, 1 / (1 + e), e / (1 + e)))
    assert s.dtype == dtype and s[-3] == 0.0 and s[-1] == 1.0
    np.testing.assert_allclose(s[:61], 1 / (1 + np.exp(-z.astype(np.float64))), rtol=4 * np.finfo(dtype).eps)


def test_sigmoid_never_signals_even_when_floating_point_errors_raise():
    # e^{-|z|} underflows to 0 for |z| > 745: the exact answer to float64 precision, never an error
    with np.errstate(all="raise"):
        out = act.sigmoid(np.array([-1e300, -800.0, 0.0, 800.0, 1e300]))
    np.testing.assert_array_equal(out, [0.0, 0.0, 0.5, 1.0, 1.0])


def test_the_stable_path_of_the_sigmoid_is_right_on_both_sides_of_zero():
    z = np.array([-1000.0, -0.5, 0.0, 0.5, 3.0])            # -1000 sends the whole array down the stable path
    s = 1 / (1 + np.exp(-z[1:]))
    np.testing.assert_allclose(act.sigmoid(z), [0.0, *s], rtol=1e-15, atol=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")                      # a single very negative value: no overflow warning
        assert act.sigmoid(np.array([-1000.0]))[0] == 0.0
        assert act.sigmoid(np.array([-800.0], dtype=np.float32))[0] == 0.0


def test_the_leaky_relu_kernels_default_to_alpha_0_01():
    leaky = act.ACTIVATIONS["leaky_relu"]
    np.testing.assert_array_equal(leaky.fn(np.array([-2.0, 3.0])), [-0.02, 3.0])
    np.testing.assert_array_equal(leaky.prime(np.array([-2.0, 3.0])), [0.01, 1.0])

