"""Tests for companion.metrics: accuracy and confusion matrix against hand-counted cases and invariants."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.metrics import accuracy, as_labels, confusion_matrix


def test_accuracy_hand_counted():
    assert accuracy([0, 1, 2, 2], [0, 2, 2, 1]) == 0.5
    assert accuracy(np.array([3]), np.array([3])) == 1.0


def test_accuracy_with_one_hot_and_probabilities():
    Y = np.eye(3)[[0, 1, 2, 1]]
    P = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.2, 0.6], [0.0, 1.0, 0.0]])
    assert accuracy(Y, P) == 0.75
    assert accuracy([0, 1, 2, 1], P) == 0.75


def test_single_column_is_thresholded_at_one_half():
    y = np.array([[1.0], [0.0], [1.0], [0.0]])
    p = np.array([[0.5], [0.49], [0.2], [0.9]])
    assert accuracy(y, p) == 0.5
    assert as_labels("p", p).tolist() == [1, 0, 0, 1]


def test_float_labels_with_whole_values_are_accepted():
    assert accuracy(np.array([0.0, 2.0]), np.array([0, 2])) == 1.0


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 40), st.integers(1, 6), st.integers(0, 1000))
def test_confusion_matrix_invariants(n, k, seed):
    rng = np.random.default_rng(seed)
    t, p = rng.integers(0, k, n), rng.integers(0, k, n)
    M = confusion_matrix(t, p, k=k)
    assert M.shape == (k, k) and M.dtype == np.int64
    assert M.sum() == n
    np.testing.assert_array_equal(M.sum(axis=1), np.bincount(t, minlength=k))   # rows = true class
    np.testing.assert_array_equal(M.sum(axis=0), np.bincount(p, minlength=k))   # columns = predicted
    assert np.trace(M) / n == pytest.approx(accuracy(t, p))


def test_confusion_matrix_hand_counted_rows_are_true_classes():
    M = confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2])
    np.testing.assert_array_equal(M, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    assert confusion_matrix([0], [0], k=3).tolist() == [[1, 0, 0], [0, 0, 0], [0, 0, 0]]


def test_confusion_matrix_from_network_outputs():
    Y = np.eye(2)[[0, 1, 1]]
    P = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7]])
    np.testing.assert_array_equal(confusion_matrix(Y, P), [[1, 0], [1, 1]])


def test_inputs_are_not_modified():
    P = np.array([[0.2, 0.8], [0.6, 0.4]])
    before = P.copy()
    accuracy(P, P)
    confusion_matrix(P, P)
    np.testing.assert_array_equal(P, before)


@pytest.mark.parametrize("call, error, match", [
    (lambda: accuracy([0, 1], [0, 1, 1]), ValueError,
     r"y_true and y_pred must hold the same number of examples; got 2 and 3"),
    (lambda: accuracy([0, 1], np.array([0.3, 0.7])), ValueError,
     r"y_pred is 1-D, so it must hold integer class labels; got non-integer values such as \[0.3\]"),
    (lambda: accuracy(np.zeros((2, 2, 2)), [0, 1]), ValueError,
     r"y_true must be labels \(n,\) or rows \(n, k\) with n ≥ 1; got shape \(2, 2, 2\)"),
    (lambda: accuracy([], []), ValueError, r"y_true must be labels \(n,\) or rows \(n, k\) with n ≥ 1"),
    (lambda: accuracy(["a"], ["a"]), TypeError, r"y_true must hold numbers \(labels or scores\); got dtype <U1"),
    (lambda: confusion_matrix([0, -1], [0, 0]), ValueError, r"class labels must be ≥ 0; got -1"),
    (lambda: confusion_matrix([0, 3], [0, 0], k=3), ValueError, r"k=3 classes means labels 0..2; got label 3"),
    (lambda: confusion_matrix([0], [0], k=0), ValueError, r"k must be a positive int \(the number of classes\); got 0"),
])
def test_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
