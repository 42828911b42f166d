r"""Activation functions and their derivatives.

Each function acts elementwise on an array ``z`` of any shape (``softmax`` acts on the last
axis) and returns an array of the same shape and floating dtype: float32 in, float32 out.
All of them are stable for any finite input: ``|z| = 1000`` gives no overflow warning and no NaN.

=============  =====================================================  =====================================
name           :math:`f(z)`                                           :math:`f'(z)`
=============  =====================================================  =====================================
sigmoid        :math:`\sigma(z) = 1/(1+e^{-z})`                        :math:`\sigma(z)(1-\sigma(z))`
tanh           :math:`\tanh z`                                        :math:`1-\tanh^2 z`
relu           :math:`\max(0, z)`                                     :math:`1` if :math:`z>0` else :math:`0`
leaky_relu     :math:`z` if :math:`z>0` else :math:`\alpha z`          :math:`1` if :math:`z>0` else :math:`\alpha`
linear         :math:`z`                                              :math:`1`
softmax        :math:`e^{z_i}/\sum_j e^{z_j}` (last axis)             Jacobian :math:`s_i(\delta_{ij}-s_j)`
=============  =====================================================  =====================================

At :math:`z = 0` ReLU is not differentiable; we use the subgradient 0 there (``relu_prime(0) == 0``),
as most libraries do, and leaky ReLU's derivative at 0 is ``alpha``.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from ._validation import as_float_array, check_choice, check_finite, check_in_range

__all__ = [
    "sigmoid",
    "sigmoid_prime",
    "tanh",
    "tanh_prime",
    "relu",
    "relu_prime",
    "leaky_relu",
    "leaky_relu_prime",
    "linear",
    "linear_prime",
    "softmax",
    "softmax_jacobian",
    "Elementwise",
    "ACTIVATIONS",
    "PRIME_FROM_OUTPUT",
    "get_activation",
]


def _checked(z, name: str = "z") -> np.ndarray:
    return check_finite(name, as_float_array(name, z))


# The underscored kernels skip validation; the network calls them on arrays it has already checked.
# e^{-z} overflows when z < −ln(largest float), about −88.7 in float32 and −709.8 in float64;
# above these bounds (kept one unit inside) the direct formula is safe.
_EXP_NEG_SAFE_ABOVE = {np.dtype(t): 1.0 - float(np.log(np.finfo(t).max)) for t in (np.float32, np.float64)}


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # An e^{-|z|} below the smallest float is 0 to within the result's own precision, so underflow
    # is ignored even where a caller turned floating-point warnings into errors.
    with np.errstate(under="ignore"):
        if z.size == 0 or z.min() > _EXP_NEG_SAFE_ABOVE[z.dtype]:
            return 1 / (1 + np.exp(-z))        # no e^{-z} can overflow: the direct formula
        # Otherwise use e = e^{-|z|} ∈ (0, 1]: σ(z) = 1/(1 + e) for z ≥ 0 and e^{z}/(1 + e^{z}) = e/(1 + e)
        # for z < 0 — never an overflow, and σ(−1000) is exactly 0 without a warning.
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1, e) / (1 + e)


def _sigmoid_prime(z: np.ndarray) -> np.ndarray:
    s = _sigmoid(z)
    return s * (1 - s)


def _tanh_prime(z: np.ndarray) -> np.ndarray:
    t = np.tanh(z)
    return 1 - t * t


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0)


def _relu_prime(z: np.ndarray) -> np.ndarray:
    return (z > 0).astype(z.dtype)


def _leaky_relu(z: np.ndarray, alpha: float = 0.01) -> np.ndarray:
    return np.where(z > 0, z, alpha * z)


def _leaky_relu_prime(z: np.ndarray, alpha: float = 0.01) -> np.ndarray:
    return np.where(z > 0, 1, alpha).astype(z.dtype)


def _linear(z: np.ndarray) -> np.ndarray:
    return z


def _linear_prime(z: np.ndarray) -> np.ndarray:
    return np.ones_like(z)


def _softmax(z: np.ndarray) -> np.ndarray:
    # Subtracting the row maximum leaves softmax unchanged and keeps every exponent ≤ 0.
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def sigmoid(z) -> np.ndarray:
    r"""Logistic sigmoid :math:`\sigma(z) = 1/(1+e^{-z})`, elementwise.

    When some :math:`z` is so negative that :math:`e^{-z}` would overflow (below about −709 in
    float64, −88 in float32), it is computed as :math:`1/(1+e^{-|z|})` for :math:`z \ge 0` and
    :math:`e^{-|z|}/(1+e^{-|z|})` otherwise, whose exponent is never positive; for all other
    inputs directly as :math:`1/(1+e^{-z})`, which is faster and gives the same values. Nothing
    overflows: ``sigmoid(-1000)`` is exactly 0 and ``sigmoid(1000)`` exactly 1, without a warning.

    Examples
    --------
    >>> float(sigmoid(0.0)), float(sigmoid(np.log(3.0)))   # 1/(1+1), 1/(1+1/3)
    (0.5, 0.75)
    >>> float(sigmoid(-np.log(3.0)))                      # 1/(1+3)
    0.25
    >>> sigmoid(np.array([-1000.0, -np.log(3.0), 1000.0]))  # e^{-|z|} form: e^{-1000}/(1+e^{-1000}) = 0
    array([0.  , 0.25, 1.  ])

    Parameters
    ----------
    z : array_like, any shape
        Weighted inputs.

    Returns
    -------
    ndarray, same shape and float dtype as ``z``, values in [0, 1].
    """
    return _sigmoid(_checked(z))


def sigmoid_prime(z) -> np.ndarray:
    r""":math:`\sigma'(z) = \sigma(z)\,(1-\sigma(z))`, elementwise; same shape as ``z``. Maximum 1/4 at 0."""
    return _sigmoid_prime(_checked(z))


def tanh(z) -> np.ndarray:
    r"""Hyperbolic tangent :math:`\tanh z = (e^z - e^{-z})/(e^z + e^{-z}) = 2\sigma(2z) - 1`; same shape as ``z``."""
    return np.tanh(_checked(z))


def tanh_prime(z) -> np.ndarray:
    r""":math:`\tanh'(z) = 1 - \tanh^2 z`, elementwise; same shape as ``z``. Maximum 1 at 0."""
    return _tanh_prime(_checked(z))


def relu(z) -> np.ndarray:
    r"""Rectified linear unit :math:`\max(0, z)`, elementwise; same shape as ``z``."""
    return _relu(_checked(z))


def relu_prime(z) -> np.ndarray:
    r"""ReLU's derivative: 1 where :math:`z > 0`, else 0 — including at :math:`z = 0` (a subgradient)."""
    return _relu_prime(_checked(z))


def leaky_relu(z, alpha: float = 0.01) -> np.ndarray:
    r"""Leaky ReLU: :math:`z` for :math:`z > 0`, :math:`\alpha z` otherwise; ``alpha`` in [0, 1)."""
    check_in_range("alpha", alpha, 0.0, 1.0)
    return _leaky_relu(_checked(z), alpha)


def leaky_relu_prime(z, alpha: float = 0.01) -> np.ndarray:
    r"""Leaky ReLU's derivative: 1 for :math:`z > 0`, :math:`\alpha` otherwise (also at 0)."""
    check_in_range("alpha", alpha, 0.0, 1.0)
    return _leaky_relu_prime(_checked(z), alpha)


def linear(z) -> np.ndarray:
    r"""Identity :math:`f(z) = z` (the output of a regression network); returns a float array."""
    return _checked(z).copy()


def linear_prime(z) -> np.ndarray:
    r"""Derivative of the identity: an array of ones shaped like ``z``."""
    return _linear_prime(_checked(z))


def softmax(z) -> np.ndarray:
    r"""Softmax over the last axis: :math:`s_i = e^{z_i - m} / \sum_j e^{z_j - m}`, :math:`m = \max_j z_j`.

    Subtracting :math:`m` changes nothing mathematically (it cancels between numerator and
    denominator) but keeps every exponent ≤ 0, so any finite input is safe.

    Parameters
    ----------
    z : array_like, shape (..., k)
        Scores (logits); for a batch, shape (n, k) with one example per row.

    Returns
    -------
    ndarray, shape (..., k): each row is positive and sums to 1.
    """
    z = _checked(z)
    if z.ndim == 0:
        raise ValueError("z must have at least one axis (the classes); got a scalar")
    return _softmax(z)


def softmax_jacobian(z) -> np.ndarray:
    r"""Jacobian of softmax for one vector: :math:`J_{ij} = \partial s_i/\partial z_j = s_i(\delta_{ij} - s_j)`.

    Parameters
    ----------
    z : array_like, shape (k,)

    Returns
    -------
    ndarray, shape (k, k), equal to ``diag(s) - s sᵀ``.
    """
    z = _checked(z)
    if z.ndim != 1:
        raise ValueError(f"z must be one vector of shape (k,); got shape {z.shape}")
    s = _softmax(z)
    return np.diag(s) - np.outer(s, s)


# σ'(z) written in terms of a = σ(z): backpropagation already holds a, so BP2 need not
# re-evaluate the activation. Each equals the matching f_prime(z) (tested).
PRIME_FROM_OUTPUT: dict[str, Callable] = {
    "sigmoid": lambda a: a * (1 - a),
    "tanh": lambda a: 1 - a * a,
    "relu": lambda a: (a > 0).astype(a.dtype),
    "leaky_relu": lambda a: np.where(a > 0, 1, 0.01).astype(a.dtype),
    "linear": np.ones_like,
}
"""``name -> g`` with ``g(f(z)) == f_prime(z)`` (leaky ReLU with the default ``alpha=0.01``)."""

class Elementwise(NamedTuple):
    """An elementwise activation and its derivative, by name: ``fn(z)`` = f(z), ``prime(z)`` = f'(z).

    A named tuple, so ``f, f_prime = ACTIVATIONS["tanh"]`` unpacks it too.
    """

    fn: Callable[[np.ndarray], np.ndarray]
    prime: Callable[[np.ndarray], np.ndarray]


ACTIVATIONS: dict[str, Elementwise] = {
    "sigmoid": Elementwise(_sigmoid, _sigmoid_prime),
    "tanh": Elementwise(np.tanh, _tanh_prime),
    "relu": Elementwise(_relu, _relu_prime),
    "leaky_relu": Elementwise(_leaky_relu, _leaky_relu_prime),
    "linear": Elementwise(_linear, _linear_prime),
}
"""Elementwise activations by name: ``name -> Elementwise(fn, prime)`` (fast kernels, no input checks)."""


def get_activation(name: str) -> Elementwise:
    """Return ``Elementwise(fn, prime)`` for an activation name in ``ACTIVATIONS``; a clear error otherwise."""
    check_choice("activation", name, ACTIVATIONS)
    return ACTIVATIONS[name]
