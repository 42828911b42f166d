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
    with pytest.raises(TypeError, match="^x must be a float ndarray that numerical_gradient can perturb in place; "
                                        "got list$"):
        numerical_gradient(lambda v: 0.0, [1.0, 2.0])
    with pytest.raises(TypeError, match="^x must be a float ndarray .*; got ndarray of dtype int64$"):
        numerical_gradient(lambda v: 0.0, np.array([1, 2]))
    with pytest.raises(TypeError, match=r"^a must hold real numbers \(float32 or float64\); got dtype <U1$"):
        relative_error("x", np.zeros(1))
    with pytest.raises(TypeError, match=r"^b must hold real numbers"):
        relative_error(np.zeros(1), "x")
    with pytest.raises(ValueError, match="h must be a finite number > 0; got 0"):
        numerical_gradient(lambda v: 0.0, np.zeros(2), h=0)
    with pytest.raises(ValueError, match=r"^a and b must have the same shape; got \(2,\) and \(3,\)$"):
        relative_error(np.zeros(2), np.zeros(3))


def test_default_step_is_1e_minus_5():
    # at x = 0 the central difference of x³ is exactly h² (its truncation error): 1e-10 for the default h
    assert numerical_gradient(lambda v: float(np.sum(v ** 3)), np.zeros(1))[0] == pytest.approx(1e-10, rel=1e-6)
    from companion.gradcheck import check_gradients
    import inspect
    assert inspect.signature(check_gradients).parameters["h"].default == 1e-5


def test_a_function_without_a_signature_is_called_with_x():
    assert numerical_gradient(max, np.array([2.0]))[0] == pytest.approx(1.0)      # inspect cannot read max


def test_check_gradients_names_each_parameter_and_agrees_with_backprop():
    from companion.gradcheck import check_gradients
    from companion.network import MLP

    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(4, 3)), rng.uniform(size=(4, 2))
    mlp = MLP([3, 4, 2], seed=1)
    errors = check_gradients(mlp, X, Y)
    assert list(errors) == ["W1", "W2", "b1", "b2"] and max(errors.values()) < 1e-7

    class Bare:                                     # the model protocol without parameter_names
        def parameters(self):
            return mlp.parameters()

        def loss_and_gradients(self, X, Y):
            return mlp.loss_and_gradients(X, Y)

        def cost(self, X, Y):
            return mlp.cost(X, Y)

    assert list(check_gradients(Bare(), X, Y)) == ["p0", "p1", "p2", "p3"]
    wrong = MLP([3, 4, 2], seed=1)
    wrong.loss_and_gradients = lambda X, Y: (0.0, [2 * g for g in mlp.loss_and_gradients(X, Y)[1]])
    assert min(check_gradients(wrong, X, Y).values()) > 0.1        # a wrong gradient shows


def test_check_gradients_rewinds_dropout_and_leaves_the_model_as_it_found_it():
    from companion.gradcheck import check_gradients
    from companion.layers import Dense, Dropout, Sequential, SoftmaxCrossEntropyLoss, Tanh

    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(5, 3)), np.eye(2)[rng.integers(0, 2, 5)]
    drop = Dropout(0.5, seed=3)
    net = Sequential([Dense(3, 6, seed=1), Tanh(), drop, Dense(6, 2, seed=2)], SoftmaxCrossEntropyLoss())
    state = drop.get_state()
    errors = check_gradients(net, X, Y)                          # training mode: one fixed mask stream
    assert max(errors.values()) < 1e-7
    assert drop.get_state() == state
    assert max(check_gradients(net, X, Y, training=False).values()) > 1e-3   # evaluation cost: no masks
