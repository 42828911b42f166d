"""How good are a classifier's predictions? Accuracy and the confusion matrix.

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

import numpy as np

from ._validation import check_int

__all__ = ["as_labels", "accuracy", "confusion_matrix"]


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
