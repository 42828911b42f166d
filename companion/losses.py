r"""Cost functions and their gradients.

Every cost is a **mean over the batch**, :math:`C = \frac1n \sum_x C_x`, and that :math:`1/n`
appears in one place only: inside these functions (and so inside their gradients).
Outputs ``a`` and targets ``y`` have shape (n, k), one example per row; for classification
``y`` is one-hot (see :func:`one_hot`).

=====================  ==============================================================  ===============================
cost                   :math:`C_x`                                                     :math:`\partial C/\partial a`
=====================  ==============================================================  ===============================
quadratic              :math:`\tfrac12\lVert y-a\rVert^2`                               :math:`(a-y)/n`
cross_entropy          :math:`-\sum_j y_j \ln a_j` (softmax outputs)                    :math:`-y/(n\,a)`
cross_entropy binary   :math:`-\sum_j [y_j\ln a_j + (1-y_j)\ln(1-a_j)]` (sigmoid)      :math:`(a-y)/(n\,a(1-a))`
=====================  ==============================================================  ===============================

:func:`softmax_cross_entropy` fuses softmax with the cross-entropy and returns the gradient
with respect to the logits, :math:`\partial C/\partial z = (\mathrm{softmax}(z) - y)/n`.

Example
-------
>>> from companion.losses import quadratic, softmax_cross_entropy
>>> float(quadratic(np.array([[0.5, 1.0]]), np.array([[1.0, 1.0]])))     # ½‖y − a‖² = ½ · 0.25
0.125
>>> C, dz = softmax_cross_entropy(np.zeros((2, 2)), np.array([[1.0, 0.0], [0.0, 1.0]]))
>>> round(float(C), 12), dz.tolist()                  # ln 2 for a uniform softmax; (softmax − y)/n
(0.69314718056, [[-0.25, 0.25], [0.25, -0.25]])
"""
from __future__ import annotations

import numpy as np

from ._validation import as_float_array, check_2d, check_finite, check_int, check_same_shape

__all__ = [
    "quadratic",
    "quadratic_grad",
    "cross_entropy",
    "cross_entropy_grad",
    "softmax_cross_entropy",
    "one_hot",
]


def _pair(a, y) -> tuple[np.ndarray, np.ndarray]:
    """Validate outputs ``a`` and targets ``y``: finite (n, k) arrays of one shape; ``y`` takes ``a``'s dtype."""
    a = check_finite("a", check_2d("a", as_float_array("a", a)))
    y = check_finite("y", check_2d("y", as_float_array("y", y, dtype=a.dtype)))
    check_same_shape("a", a, "y", y)
    return a, y


def _check_probabilities(a: np.ndarray, binary: bool) -> None:
    lo, hi = a.min(), a.max()
    if lo < 0 or hi > 1:
        kind = "sigmoid" if binary else "softmax"
        raise ValueError(
            f"a must hold probabilities in [0, 1] ({kind} outputs) for the cross-entropy; got values "
            f"in [{lo:.4g}, {hi:.4g}] — did you pass the logits z? use softmax_cross_entropy(z, y) for those"
        )


def _clipped(a: np.ndarray, binary: bool) -> np.ndarray:
    # ln 0 = -inf; clipping at the smallest positive float keeps the cost finite (≈ 708 per term).
    tiny = np.finfo(a.dtype).tiny
    return np.clip(a, tiny, 1 - np.finfo(a.dtype).epsneg) if binary else np.maximum(a, tiny)


# Unchecked kernels: the network calls them on outputs it has produced itself.
def _quadratic(a: np.ndarray, y: np.ndarray) -> float:
    d = a - y
    return float(np.sum(d * d) / (2 * a.shape[0]))


def _cross_entropy(a: np.ndarray, y: np.ndarray, binary: bool) -> float:
    p = _clipped(a, binary)
    terms = y * np.log(p)
    if binary:
        terms = terms + (1 - y) * np.log1p(-p)
    return float(-np.sum(terms) / a.shape[0])


def quadratic(a, y) -> float:
    r"""Quadratic cost :math:`C = \frac{1}{2n}\sum_x \lVert y(x) - a(x)\rVert^2`.

    Parameters
    ----------
    a, y : array_like, shape (n, k)
        Network outputs and targets, one example per row.

    Returns
    -------
    float
    """
    return _quadratic(*_pair(a, y))


def quadratic_grad(a, y) -> np.ndarray:
    r"""Gradient of :func:`quadratic` with respect to the outputs: :math:`\nabla_a C = (a - y)/n`, shape (n, k)."""
    a, y = _pair(a, y)
    return (a - y) / a.shape[0]


def cross_entropy(a, y, binary: bool = False) -> float:
    r"""Cross-entropy cost, the batch mean.

    ``binary=False`` (softmax outputs, one-hot targets): :math:`C_x = -\sum_j y_j \ln a_j`, which
    for a one-hot target is :math:`-\ln a_k` for the true class :math:`k` — the cross-entropy
    :math:`H(p, q) = -\mathbb{E}_p[\ln q]` between the target :math:`p = y` and the prediction :math:`q = a`.

    ``binary=True`` (sigmoid outputs, Nielsen's form):
    :math:`C_x = -\sum_j [y_j \ln a_j + (1 - y_j)\ln(1 - a_j)]`.

    Parameters
    ----------
    a : array_like, shape (n, k)
        Probabilities in [0, 1]; values are clipped away from 0 and 1 so the cost stays finite.
    y : array_like, shape (n, k)
        Targets.
    binary : bool
        Which of the two forms above.

    Returns
    -------
    float
    """
    a, y = _pair(a, y)
    _check_probabilities(a, binary)
    return _cross_entropy(a, y, binary)


def cross_entropy_grad(a, y, binary: bool = False) -> np.ndarray:
    r"""Gradient of :func:`cross_entropy` with respect to the outputs, shape (n, k).

    Categorical: :math:`\partial C/\partial a_j = -y_j / (n\,a_j)`.
    Binary: :math:`\partial C/\partial a_j = (a_j - y_j) / (n\,a_j(1 - a_j))`.
    """
    a, y = _pair(a, y)
    _check_probabilities(a, binary)
    p = _clipped(a, binary)
    if binary:
        return (p - y) / (p * (1 - p)) / a.shape[0]
    return -y / p / a.shape[0]


def softmax_cross_entropy(z, y) -> tuple[float, np.ndarray]:
    r"""Softmax followed by the cross-entropy, fused: the cost and its gradient with respect to ``z``.

    With :math:`\ln s_j = z_j - m - \ln\sum_i e^{z_i - m}` (:math:`m` the row maximum, so no
    exponent is positive), :math:`C = -\frac1n\sum_x \sum_j y_j \ln s_j` and

    .. math:: \frac{\partial C}{\partial z} = \frac{1}{n}\,(\mathrm{softmax}(z) - y),

    valid when each row of ``y`` sums to 1 (one-hot targets). Stable for logits of any finite size.

    Parameters
    ----------
    z : array_like, shape (n, k)
        Logits (the weighted inputs of the output layer).
    y : array_like, shape (n, k)
        One-hot (or probability) targets, rows summing to 1.

    Returns
    -------
    C : float
    dz : ndarray, shape (n, k), dtype of ``z``
    """
    z, y = _pair(z, y)
    shifted = z - z.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    total = e.sum(axis=1, keepdims=True)
    log_s = shifted - np.log(total)
    n = z.shape[0]
    C = float(-np.sum(y * log_s) / n)
    return C, (e / total - y) / n


def one_hot(labels, k: int) -> np.ndarray:
    """Turn integer class labels into one-hot rows.

    Parameters
    ----------
    labels : array_like of int, shape (n,)
        Class indices in ``0 … k−1``.
    k : int
        Number of classes.

    Returns
    -------
    ndarray, shape (n, k), float64: row ``i`` is 1 in column ``labels[i]`` and 0 elsewhere.
    """
    k = check_int("k", k, what="the number of classes")
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"labels must be 1-D with shape (n,); got shape {labels.shape}")
    if labels.size and labels.dtype.kind == "f" and np.all(labels == np.round(labels)):
        labels = labels.astype(np.int64)
    if labels.size and labels.dtype.kind not in "iu":
        raise TypeError(f"labels must be integers; got dtype {labels.dtype}")
    if labels.size and (labels.min() < 0 or labels.max() >= k):
        raise ValueError(
            f"labels must lie in 0 … {k - 1} for k={k}; got values from {labels.min()} to {labels.max()}"
        )
    Y = np.zeros((labels.shape[0], k))
    Y[np.arange(labels.shape[0]), labels] = 1.0
    return Y
