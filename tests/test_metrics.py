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


# --- Student's t and mean_ci -------------------------------------------------------------------
import math  # noqa: E402

from companion.metrics import mean_ci, student_t_cdf, student_t_quantile  # noqa: E402

# Two-sided critical values t_{1-α/2, ν} as printed in standard tables (e.g. NIST/SEMATECH
# e-Handbook of Statistical Methods, table 1.4.2.7.3), to the 3 decimals they give.
T_TABLE = {
    0.975: {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 9: 2.262, 10: 2.228, 19: 2.093, 29: 2.045, 100: 1.984},
    0.95: {1: 6.314, 2: 2.920, 4: 2.132, 9: 1.833, 29: 1.699},
    0.995: {1: 63.657, 2: 9.925, 4: 4.604, 9: 3.250, 29: 2.756},
}


@pytest.mark.parametrize("p,df,expected", [(p, df, v) for p, row in T_TABLE.items() for df, v in row.items()])
def test_student_t_quantile_matches_tables(p, df, expected):
    assert round(student_t_quantile(p, df), 3) == expected


@pytest.mark.parametrize("p", [0.6, 0.9, 0.975, 0.999])
def test_student_t_quantile_closed_forms_for_one_and_two_degrees_of_freedom(p):
    # ν = 1 is the Cauchy distribution: t = tan(π(p − ½)); ν = 2: t = (2p − 1) / √(2p(1 − p)).
    assert student_t_quantile(p, 1) == pytest.approx(math.tan(math.pi * (p - 0.5)), rel=1e-10)
    assert student_t_quantile(p, 2) == pytest.approx((2 * p - 1) / math.sqrt(2 * p * (1 - p)), rel=1e-10)
    assert student_t_quantile(1 - p, 3) == pytest.approx(-student_t_quantile(p, 3), rel=1e-12)


def test_student_t_tends_to_the_normal_and_cdf_inverts_quantile():
    assert student_t_quantile(0.975, 100000) == pytest.approx(1.959964, abs=1e-4)
    for df in (1, 3, 8, 40):
        for t in (-3.0, -0.4, 0.0, 1.2, 5.0):
            assert student_t_quantile(student_t_cdf(t, df), df) == pytest.approx(t, abs=1e-9)
    # ν = 1 cdf in closed form: ½ + arctan(t)/π
    assert student_t_cdf(2.5, 1) == pytest.approx(0.5 + math.atan(2.5) / math.pi, rel=1e-12)


def test_mean_ci_by_hand():
    x = [0.80, 0.84, 0.82]
    m, h = mean_ci(x)
    s = math.sqrt(((0.80 - 0.82) ** 2 + (0.84 - 0.82) ** 2) / 2)
    assert m == pytest.approx(0.82)
    assert h == pytest.approx(4.302653 * s / math.sqrt(3), rel=1e-6)
    # the example: +0.096 ± 0.037 (one standard error) over 3 seeds has p ≈ 0.12, two-sided
    p_two_sided = 2 * (1 - student_t_cdf(0.096 / 0.037, 2))
    assert 0.11 < p_two_sided < 0.13
    _, h99 = mean_ci(x, level=0.99)
    assert h99 == pytest.approx(9.924843 * s / math.sqrt(3), rel=1e-6)


def test_mean_ci_coverage_by_simulation():
    # 95% intervals from 3 normal draws contain the true mean about 95% of the time (binomial sd ≈ 0.005)
    rng = np.random.default_rng(0)
    hits = sum(abs(m) <= h for m, h in (mean_ci(rng.normal(size=3)) for _ in range(2000)))
    assert 0.935 < hits / 2000 < 0.965


def test_mean_ci_validates():
    with pytest.raises(ValueError, match="at least 2 values"):
        mean_ci([1.0])
    with pytest.raises(ValueError, match="must be finite"):
        mean_ci([1.0, np.nan])
    with pytest.raises(ValueError, match=r"level must be in \(0.0, 1.0\)"):
        mean_ci([1.0, 2.0], level=1.0)
    with pytest.raises(TypeError):
        mean_ci(["a", "b"])
    with pytest.raises(TypeError):
        student_t_quantile(0.9, 2.0)
