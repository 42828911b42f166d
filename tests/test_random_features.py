"""Tests for companion.random_features.

Oracles: the ridge readout against ``numpy.linalg.lstsq`` on the augmented system
``[H₁; √λ I] w ≈ [T; 0]`` (a different algorithm for the same minimizer), the hidden layer
recomputed with ``σ(z) = (1 + tanh(z/2))/2`` from the documented random draws, exact interpolation
of the training targets once the width reaches the number of examples, and the spread of the
hidden weights against ``scale/√d``.
"""
from __future__ import annotations

import doctest
import pickle
import warnings

import numpy as np
import pytest

import companion.random_features as rf
from companion.random_features import RandomFeatureTrainer, ReadoutModel


def _data(n=60, d=5, k=3, seed=0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % k                      # every class present
    X = rng.normal(size=(n, d)) + y[:, None]  # classes shifted apart
    return X, y


def _sigmoid_tanh(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def test_docstring_example():
    assert doctest.testmod(rf).failed == 0


def test_shapes_and_dtypes():
    X, y = _data(n=40, d=7, k=4)
    model = RandomFeatureTrainer(seed=3, n_classes=4)(X, y, 12)
    assert isinstance(model, ReadoutModel)
    assert model.V.shape == (12, 7) and model.c.shape == (12,)
    assert model.W.shape == (4, 12) and model.b.shape == (4,)
    assert model.scores(X[:9]).shape == (9, 4)
    labels = model.predict(X[:9])
    assert labels.shape == (9,) and labels.dtype.kind == "i"
    assert set(labels) <= set(range(4))


def test_same_seed_same_model_other_seed_other_model():
    X, y = _data()
    a, b = RandomFeatureTrainer(seed=5, n_classes=3)(X, y, 20), RandomFeatureTrainer(seed=5, n_classes=3)(X, y, 20)
    for name in "VcWb":
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    other = RandomFeatureTrainer(seed=6, n_classes=3)(X, y, 20)
    assert not np.array_equal(a.V, other.V)


def test_a_width_does_not_depend_on_the_widths_trained_before():
    X, y = _data()
    trainer = RandomFeatureTrainer(seed=1, n_classes=3)
    first = trainer(X, y, 15)
    for width in (3, 40, 7):
        trainer(X, y, width)
    np.testing.assert_array_equal(trainer(X, y, 15).W, first.W)


def test_hidden_layer_is_the_documented_draw_and_scores_follow_the_equation():
    X, y = _data(d=6)
    trainer = RandomFeatureTrainer(seed=2, scale=1.5, n_classes=3)
    model = trainer(X, y, 9)
    rng = np.random.default_rng([2, 9])
    V = rng.normal(0.0, 1.5 / np.sqrt(6), size=(9, 6))
    c = rng.normal(size=9)
    np.testing.assert_array_equal(model.V, V)
    np.testing.assert_array_equal(model.c, c)
    expected = _sigmoid_tanh(X @ V.T + c) @ model.W.T + model.b
    np.testing.assert_allclose(model.scores(X), expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(model.predict(X), np.argmax(expected, axis=1))


@pytest.mark.parametrize("lam", [0.0, 1e-8, 0.3, 10.0])
def test_readout_is_the_ridge_least_squares_solution(lam):
    X, y = _data(n=80, d=4)
    model = RandomFeatureTrainer(seed=4, lam=lam, n_classes=3)(X, y, 10)
    H1 = np.column_stack([_sigmoid_tanh(X @ model.V.T + model.c), np.ones(len(X))])
    T = np.eye(3)[y]
    A = np.vstack([H1, np.sqrt(lam) * np.eye(11)])         # min ‖H₁w − T‖² + λ‖w‖² as plain least squares
    B = np.vstack([T, np.zeros((11, 3))])
    coef = np.linalg.lstsq(A, B, rcond=None)[0]
    np.testing.assert_allclose(model.W, coef[:-1].T, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(model.b, coef[-1], rtol=1e-7, atol=1e-9)


def test_width_at_the_number_of_examples_fits_the_training_set_exactly():
    X, y = _data(n=30, d=5)
    model = RandomFeatureTrainer(seed=0, lam=1e-10, n_classes=3)(X, y, 40)
    np.testing.assert_allclose(model.scores(X), np.eye(3)[y], atol=1e-4)
    np.testing.assert_array_equal(model.predict(X), y)


def test_hidden_weights_have_standard_deviation_scale_over_root_d():
    X, y = _data(n=30, d=16)
    model = RandomFeatureTrainer(seed=0, scale=3.0, n_classes=3)(X, y, 2000)
    # 32,000 draws: the sample standard deviation is within ~1 % of 3/√16 = 0.75 (5 % is ~10 sigma)
    assert abs(model.V.std() - 0.75) < 0.05 * 0.75
    assert abs(model.c.std() - 1.0) < 0.1


def test_inputs_are_not_modified_and_float32_or_int_inputs_work():
    X, y = _data()
    X_copy, y_copy = X.copy(), y.copy()
    trainer = RandomFeatureTrainer(seed=0, n_classes=3)
    model = trainer(X, y, 8)
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(y, y_copy)
    np.testing.assert_allclose(trainer(X.astype(np.float32), y, 8).W,
                               RandomFeatureTrainer(seed=0, n_classes=3)(X.astype(np.float32).astype(np.float64), y, 8).W)
    assert model.predict(np.rint(X).astype(int)).shape == (len(X),)


def test_pickles_as_the_grader_sends_it_to_the_sandbox():
    X, y = _data()
    trainer = RandomFeatureTrainer(seed=7, n_classes=3)
    again = pickle.loads(pickle.dumps(trainer))
    np.testing.assert_array_equal(again(X, y, 10).predict(X), trainer(X, y, 10).predict(X))


def test_old_import_location_still_works():
    from grader.questions.ch06 import RandomFeatureTrainer as Old, ReadoutModel as OldModel

    assert Old is RandomFeatureTrainer and OldModel is ReadoutModel
    assert repr(Old(seed=1)) == "RandomFeatureTrainer(seed=1)"


@pytest.mark.parametrize("kwargs, error, words", [
    ({"seed": -1}, ValueError, "seed"),
    ({"seed": 1.5}, TypeError, "seed"),
    ({"scale": 0.0}, ValueError, "scale"),
    ({"lam": -1e-3}, ValueError, "lam"),
    ({"n_classes": 1}, ValueError, "n_classes"),
])
def test_bad_settings_are_refused_by_name(kwargs, error, words):
    with pytest.raises(error, match=words):
        RandomFeatureTrainer(**kwargs)


@pytest.mark.parametrize("X, y, width, error, words", [
    (np.ones(5), np.zeros(5, dtype=int), 3, ValueError, "X must be 2-D"),
    (np.ones((5, 2)), np.zeros(4, dtype=int), 3, ValueError, "one label per row of X"),
    (np.ones((5, 2)), np.zeros(5), 3, TypeError, "integer class labels"),
    (np.ones((5, 2)), np.full(5, 3), 3, ValueError, r"labels in 0\.\.2"),
    (np.ones((5, 2)), np.zeros(5, dtype=int), 0, ValueError, "width"),
    (np.ones((5, 2)), np.zeros(5, dtype=int), 2.0, TypeError, "width"),
    (np.full((5, 2), np.nan), np.zeros(5, dtype=int), 3, ValueError, "X must be finite"),
    (np.array([["a", "b"]]), np.zeros(1, dtype=int), 3, TypeError, "X must hold real numbers"),
])
def test_bad_training_inputs_get_a_clear_error(X, y, width, error, words):
    with pytest.raises(error, match=words):
        RandomFeatureTrainer(n_classes=3)(X, y, width)


def test_without_a_ridge_a_width_beyond_the_examples_is_refused():
    X, y = _data(n=10)
    with pytest.raises(ValueError, match="lam > 0"):
        RandomFeatureTrainer(lam=0.0, n_classes=3)(X, y, 10)
    assert RandomFeatureTrainer(lam=0.0, n_classes=3)(X, y, 9).W.shape == (3, 9)


def test_extreme_inputs_give_finite_models_without_warnings():
    X, y = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = RandomFeatureTrainer(n_classes=3)(X * 1e6, y, 8)
        assert np.all(np.isfinite(model.W)) and model.predict(X * 1e6).shape == (len(X),)


def test_predict_refuses_inputs_with_the_wrong_number_of_features():
    X, y = _data(d=5)
    model = RandomFeatureTrainer(n_classes=3)(X, y, 4)
    with pytest.raises(ValueError, match=r"X must have 5 columns"):
        model.predict(X[:, :4])
