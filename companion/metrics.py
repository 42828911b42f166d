"""How good are a classifier's predictions? Accuracy, the confusion matrix, and how sure a mean over seeds is.

Both functions accept class information in any of the forms the course uses and turn it
into integer labels first:

- ``(n,)`` integer labels, e.g. ``y`` from ``companion.datasets``;
- ``(n, k)`` rows with ``k ≥ 2`` — one-hot targets or a network's outputs (probabilities or
  scores): the label is the column of the largest entry, ``argmax`` over the row;
- ``(n, 1)`` a single column — a binary target or a sigmoid output: the label is 1 when the
  entry is ≥ 0.5, else 0.

Example
-------
>>> from companion.metrics import accuracy, confusion_matrix
>>> scores = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7]])
>>> accuracy([0, 1, 1, 1], scores)                    # the third row's arg-max is 0
0.75
>>> confusion_matrix([0, 1, 1, 1], scores)            # rows: true class, columns: predicted
array([[1, 0],
       [1, 2]])
"""
from __future__ import annotations

import math

import numpy as np

from ._validation import as_float_array, check_finite, check_in_range, check_int

__all__ = ["as_labels", "accuracy", "confusion_matrix", "student_t_cdf", "student_t_quantile", "mean_ci"]


def as_labels(name: str, y) -> np.ndarray:
    """Integer class labels ``(n,)`` from labels, one-hot/probability rows or a single column.

    Raises ``ValueError`` naming ``name`` for empty or >2-D input and for 1-D values that
    are not whole numbers (a 1-D float array of probabilities is ambiguous: pass it as a
    column, ``p.reshape(-1, 1)``).
    """
    y = np.asarray(y)
    if y.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers (labels or scores); got dtype {y.dtype}")
    if y.ndim not in (1, 2) or y.shape[0] == 0:
        raise ValueError(f"{name} must be labels (n,) or rows (n, k) with n ≥ 1; got shape {y.shape}")
    if y.ndim == 2:
        if y.shape[1] == 1:
            return (y[:, 0] >= 0.5).astype(np.int64)
        return np.argmax(y, axis=1)
    if y.dtype.kind == "f":
        if not np.all(np.isfinite(y)) or np.any(y != np.round(y)):
            raise ValueError(f"{name} is 1-D, so it must hold integer class labels; got non-integer "
                             f"values such as {y[y != np.round(y)][:1]} (pass probabilities as a "
                             f"column (n, 1) or as rows (n, k))")
    return y.astype(np.int64)


def _pair(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    """Both arguments as labels, checked to hold the same number of examples."""
    t, p = as_labels("y_true", y_true), as_labels("y_pred", y_pred)
    if t.shape[0] != p.shape[0]:
        raise ValueError(f"y_true and y_pred must hold the same number of examples; "
                         f"got {t.shape[0]} and {p.shape[0]}")
    return t, p


def accuracy(y_true, y_pred) -> float:
    """Fraction of examples whose predicted class equals the true class.

    ``accuracy = (1/n) Σ_i [label(y_true_i) = label(y_pred_i)]``

    Parameters
    ----------
    y_true : (n,) labels, (n, k) one-hot rows or (n, 1) binary column
    y_pred : (n,) labels, (n, k) outputs/probabilities or (n, 1) sigmoid outputs

    Returns
    -------
    float in [0, 1]
    """
    t, p = _pair(y_true, y_pred)
    return float(np.mean(t == p))


def confusion_matrix(y_true, y_pred, k: int | None = None) -> np.ndarray:
    """Count how often each true class was predicted as each class.

    ``M[i, j]`` = number of examples of true class ``i`` predicted as class ``j``; rows are
    true classes, columns predicted classes, so the diagonal holds the correct predictions,
    ``M.sum()`` = n and ``trace(M) / n`` is the accuracy.

    Parameters
    ----------
    y_true, y_pred : labels (n,), rows (n, k) or a column (n, 1) — as for ``accuracy``
    k : int, optional
        Number of classes; default ``1 + the largest label`` in either argument.

    Returns
    -------
    M : (k, k) int64
    """
    t, p = _pair(y_true, y_pred)
    if min(t.min(), p.min()) < 0:
        raise ValueError(f"class labels must be ≥ 0; got {min(t.min(), p.min())}")
    largest = int(max(t.max(), p.max()))
    k = largest + 1 if k is None else check_int("k", k, what="the number of classes")
    if largest >= k:
        raise ValueError(f"k={k} classes means labels 0..{k - 1}; got label {largest}")
    counts = np.bincount(t * k + p, minlength=k * k)
    return counts.reshape(k, k).astype(np.int64)


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the regularized incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 500):
        for num in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                    -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1.0 + num * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + num / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < 1e-15:
            break
    return h


def _betainc(a: float, b: float, x: float) -> float:
    """Regularized incomplete beta I_x(a, b) = ∫₀ˣ t^(a−1)(1−t)^(b−1) dt / B(a, b), 0 ≤ x ≤ 1."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                 + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _betacf(a, b, x) / a
    return 1.0 - math.exp(log_front) * _betacf(b, a, 1.0 - x) / b


def student_t_cdf(t: float, df: int) -> float:
    """P(T ≤ t) for Student's t with ``df`` degrees of freedom.

    ``F(t) = 1 − ½ I_{ν/(ν+t²)}(ν/2, ½)`` for t ≥ 0 and ``F(−t) = 1 − F(t)``, with ν = ``df`` and
    I the regularized incomplete beta function (evaluated by its continued fraction; no SciPy).
    """
    df = check_int("df", df, what="degrees of freedom")
    t = float(t)
    if not math.isfinite(t):
        raise ValueError(f"t must be finite; got {t}")
    tail = 0.5 * _betainc(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


def student_t_quantile(p: float, df: int) -> float:
    """The t with ``student_t_cdf(t, df) = p``, for 0 < p < 1 (bisection to machine precision).

    Two-sided 95% intervals use ``p = 0.975``: 12.706 for ν = 1, 4.303 for ν = 2, 2.262 for ν = 9,
    tending to the normal 1.960 as ν → ∞.

    >>> round(student_t_quantile(0.975, 2), 3)
    4.303
    """
    p = check_in_range("p", p, 0.0, 1.0, low_open=True, high_open=True)
    df = check_int("df", df, what="degrees of freedom")
    if p < 0.5:
        return -student_t_quantile(1.0 - p, df)
    lo, hi = 0.0, 1.0
    while student_t_cdf(hi, df) < p:
        lo, hi = hi, 2.0 * hi
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        lo, hi = (mid, hi) if student_t_cdf(mid, df) < p else (lo, mid)
    return 0.5 * (lo + hi)


def mean_ci(samples, level: float = 0.95) -> tuple[float, float]:
    """Mean of ``samples`` and the half-width of its Student-t confidence interval.

    For n ≥ 2 values x₁…xₙ (e.g. a test accuracy over n seeds), with sample mean x̄ and sample
    standard deviation s (divisor n − 1):

        half_width = t_{(1+level)/2, n−1} · s / √n

    so the interval is x̄ ± half_width. With 3 seeds t_{0.975, 2} = 4.303, not the "two standard
    errors" of the normal approximation. Two means whose intervals do not overlap differ
    clearly; overlapping intervals mean the data do not settle the question.

    Parameters
    ----------
    samples : (n,) array-like of finite numbers, n ≥ 2
    level : float in (0, 1), the coverage (0.95 by default)

    Returns
    -------
    (mean, half_width) : two floats

    >>> m, h = mean_ci([0.80, 0.84, 0.82])
    >>> round(m, 3), round(h, 3)
    (0.82, 0.05)
    """
    x = as_float_array("samples", samples, dtype=np.float64)
    if x.ndim != 1 or x.shape[0] < 2:
        raise ValueError(f"samples must be a 1-D array of at least 2 values; got shape {x.shape}")
    check_finite("samples", x)
    level = check_in_range("level", level, 0.0, 1.0, low_open=True, high_open=True)
    n = x.shape[0]
    t = student_t_quantile((1.0 + level) / 2.0, n - 1)
    return float(x.mean()), float(t * x.std(ddof=1) / math.sqrt(n))
