"""Losses: values against hand computations, gradients against finite differences, stability."""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.activations import softmax
from companion.gradcheck import numerical_gradient
from companion.losses import (cross_entropy, cross_entropy_grad, one_hot, quadratic, quadratic_grad,
                              softmax_cross_entropy)


def test_quadratic_by_hand():
    a = np.array([[0.5, 0.5], [1.0, 0.0]])
    y = np.array([[1.0, 0.0], [1.0, 0.0]])
    # example 1: ½(0.25 + 0.25) = 0.25; example 2: 0 → mean 0.125
    assert quadratic(a, y) == pytest.approx(0.125)


def test_cross_entropy_by_hand():
    a = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    y = one_hot([0, 2], 3)
    assert cross_entropy(a, y) == pytest.approx(-(np.log(0.7) + np.log(0.8)) / 2)
    # binary form on one sigmoid output
    a1, y1 = np.array([[0.9], [0.2]]), np.array([[1.0], [0.0]])
    assert cross_entropy(a1, y1, binary=True) == pytest.approx(-(np.log(0.9) + np.log(0.8)) / 2)


@pytest.mark.parametrize("loss, grad, kw", [
    (quadratic, quadratic_grad, {}),
    (cross_entropy, cross_entropy_grad, {}),
    (cross_entropy, cross_entropy_grad, {"binary": True}),
])
def test_gradients_match_finite_differences(loss, grad, kw):
    rng = np.random.default_rng(0)
    a = rng.uniform(0.05, 0.95, size=(4, 3))
    y = one_hot(rng.integers(0, 3, 4), 3) if not kw else rng.uniform(0, 1, size=(4, 3))
    np.testing.assert_allclose(grad(a, y, **kw), numerical_gradient(lambda: loss(a, y, **kw), a), rtol=1e-6, atol=1e-10)


def test_softmax_cross_entropy_matches_composition_and_its_gradient_is_p_minus_y():
    rng = np.random.default_rng(1)
    z = rng.standard_normal((5, 4))
    y = one_hot(rng.integers(0, 4, 5), 4)
    C, dz = softmax_cross_entropy(z, y)
    assert C == pytest.approx(cross_entropy(softmax(z), y))
    np.testing.assert_allclose(dz, (softmax(z) - y) / 5)
    np.testing.assert_allclose(dz, numerical_gradient(lambda: softmax_cross_entropy(z, y)[0], z), atol=1e-9)


def test_softmax_cross_entropy_is_stable_at_700():
    z = np.array([[700.0, -700.0], [-700.0, 700.0]])
    y = one_hot([0, 0], 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        C, dz = softmax_cross_entropy(z, y)
    # example 1 is right with certainty (cost 0); example 2 costs exactly 1400
    assert C == pytest.approx(700.0)
    np.testing.assert_allclose(dz, [[0.0, 0.0], [-0.5, 0.5]], atol=1e-12)


def test_cross_entropy_of_a_certain_mistake_is_finite():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isfinite(cross_entropy(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]])))
        assert np.isfinite(cross_entropy(np.array([[1.0]]), np.array([[0.0]]), binary=True))


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 6), st.integers(2, 5), st.integers(0, 2**32 - 1))
def test_cross_entropy_is_at_least_zero_and_minimal_at_the_target(n, k, seed):
    rng = np.random.default_rng(seed)
    y = one_hot(rng.integers(0, k, n), k)
    a = softmax(rng.standard_normal((n, k)))
    assert cross_entropy(a, y) >= 0
    assert cross_entropy(np.clip(y, 1e-12, 1), y) <= cross_entropy(a, y) + 1e-9


def test_one_hot():
    np.testing.assert_array_equal(one_hot([2, 0], 3), [[0, 0, 1], [1, 0, 0]])
    assert one_hot(np.array([1.0, 0.0]), 2).dtype == np.float64


def test_float32_stays_float32():
    z = np.zeros((2, 3), dtype=np.float32)
    y = one_hot([0, 1], 3)
    assert softmax_cross_entropy(z, y)[1].dtype == np.float32
    assert quadratic_grad(z, y).dtype == np.float32


def test_inputs_not_modified():
    a, y = np.array([[0.2, 0.8]]), np.array([[0.0, 1.0]])
    a0, y0 = a.copy(), y.copy()
    quadratic(a, y), cross_entropy_grad(a, y), softmax_cross_entropy(a, y)
    np.testing.assert_array_equal(a, a0)
    np.testing.assert_array_equal(y, y0)


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(ValueError, match=r"a and y must have the same shape; got a \(2, 3\) and y \(2, 2\)"):
        quadratic(np.zeros((2, 3)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"a must be 2-D with shape \(n, d\); got shape \(3,\)"):
        quadratic(np.zeros(3), np.zeros(3))
    with pytest.raises(ValueError, match="a is an empty batch"):
        quadratic(np.zeros((0, 2)), np.zeros((0, 2)))
    with pytest.raises(ValueError, match="y must be finite"):
        quadratic(np.zeros((1, 2)), np.array([[np.inf, 0.0]]))
    with pytest.raises(ValueError, match="did you pass the logits z"):
        cross_entropy(np.array([[2.0, -1.0]]), np.array([[1.0, 0.0]]))
    with pytest.raises(ValueError, match=r"labels must lie in 0 … 2 for k=3; got values from 0 to 3"):
        one_hot([0, 3], 3)
    with pytest.raises(TypeError, match="labels must be integers"):
        one_hot([0.5, 1.0], 3)
    with pytest.raises(ValueError, match="k must be a positive int"):
        one_hot([0], 0)


def test_whole_error_messages_name_the_argument_and_the_output_kind():
    with pytest.raises(ValueError, match=r"^a must be 2-D with shape \(n, d\); got shape \(3,\)"):
        quadratic(np.zeros(3), np.zeros((1, 3)))
    with pytest.raises(TypeError, match=r"^a must hold real numbers"):
        quadratic(np.array([["x"]]), np.zeros((1, 1)))
    with pytest.raises(ValueError, match=r"^a must be finite"):
        quadratic(np.array([[np.nan]]), np.zeros((1, 1)))
    with pytest.raises(ValueError, match=r"^y must be 2-D with shape \(n, d\); got shape \(1,\)"):
        quadratic(np.zeros((1, 1)), np.zeros(1))
    with pytest.raises(TypeError, match=r"^y must hold real numbers"):
        quadratic(np.zeros((1, 1)), np.array([["x"]]))
    for a, binary_kind in ((np.array([[1.5, 0.5]]), "sigmoid"), (np.array([[-0.5, 0.5]]), "sigmoid")):
        with pytest.raises(ValueError, match=(
                rf"^a must hold probabilities in \[0, 1\] \({binary_kind} outputs\) for the cross-entropy; "
                rf"got values in \[{a.min():.4g}, {a.max():.4g}\] — did you pass the logits z\? "
                r"use softmax_cross_entropy\(z, y\) for those$")):
            cross_entropy(a, np.array([[1.0, 0.0]]), binary=True)
    with pytest.raises(ValueError, match=r"\(softmax outputs\)"):
        cross_entropy(np.array([[1.2, -0.2]]), np.array([[1.0, 0.0]]))
    assert np.isfinite(cross_entropy(np.array([[1.0, 0.0]]), np.array([[1.0, 0.0]])))   # 0 and 1 are allowed


def test_one_hot_error_messages_are_exact():
    with pytest.raises(ValueError, match=r"^k must be a positive int \(the number of classes\); got 0$"):
        one_hot([0], 0)
    with pytest.raises(ValueError, match=r"^labels must be 1-D with shape \(n,\); got shape \(1, 2\)$"):
        one_hot([[0, 1]], 2)
    with pytest.raises(TypeError, match=r"^labels must be integers; got dtype float64$"):
        one_hot([0.5, 1.0], 3)
    with pytest.raises(ValueError, match=r"^labels must lie in 0 … 2 for k=3; got values from 0 to 3$"):
        one_hot([0, 3], 3)
    np.testing.assert_array_equal(one_hot(np.array([1, 0], dtype=np.uint8), 2), [[0.0, 1.0], [1.0, 0.0]])
