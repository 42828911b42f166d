"""Gradient checking against closed forms."""
import numpy as np
import pytest

from companion.gradcheck import numerical_gradient, relative_error


def test_numerical_gradient_of_a_quadratic_form_is_exact():
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    x = np.array([0.5, -1.5])
    # ∇(½ xᵀAx) = Ax; central differences are exact for quadratics up to rounding
    np.testing.assert_allclose(numerical_gradient(lambda v: 0.5 * v @ A @ v, x), A @ x, atol=1e-9)


def test_numerical_gradient_restores_x_and_accepts_closures():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    x0 = x.copy()
    g = numerical_gradient(lambda: np.sum(np.sin(x)), x)
    np.testing.assert_allclose(g, np.cos(x0), atol=1e-9)
    np.testing.assert_array_equal(x, x0)


def test_truncation_error_shrinks_like_h_squared():
    x = np.array([1.0])
    errors = [abs(numerical_gradient(lambda v: np.exp(v[0]), x, h)[0] - np.e) for h in (1e-2, 1e-3)]
    assert errors[0] / errors[1] == pytest.approx(100, rel=0.05)  # e''' h²/6 per step


def test_relative_error_properties():
    a, b = np.array([1.0, 2.0]), np.array([1.0, 2.2])
    assert relative_error(a, a) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(a, b) == pytest.approx(0.2 / (np.sqrt(5) + np.sqrt(5.84)))
    assert relative_error(a, b) == relative_error(b, a)
    assert relative_error(a, -a) == 1.0


def test_bad_inputs():
    with pytest.raises(TypeError, match="x must be a float ndarray"):
        numerical_gradient(lambda v: 0.0, [1.0, 2.0])
    with pytest.raises(TypeError, match="of dtype int64"):
        numerical_gradient(lambda v: 0.0, np.array([1, 2]))
    with pytest.raises(ValueError, match="h must be a finite number > 0; got 0"):
        numerical_gradient(lambda v: 0.0, np.zeros(2), h=0)
    with pytest.raises(ValueError, match=r"a and b must have the same shape; got \(2,\) and \(3,\)"):
        relative_error(np.zeros(2), np.zeros(3))
