r"""Gradient checking: compare an analytic gradient with central finite differences.

For a scalar function :math:`f` of an array :math:`x`, each partial derivative is estimated by

.. math:: \frac{\partial f}{\partial x_i} \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h},

whose error is :math:`O(h^2)`. In float64, :math:`h = 10^{-5}` balances that truncation error
against rounding error, so a correct gradient typically agrees to a relative error below
:math:`10^{-7}`; a wrong one disagrees by far more.

Example
-------
>>> from companion.gradcheck import numerical_gradient, relative_error
>>> x = np.array([1.0, -2.0, 3.0])
>>> g = numerical_gradient(lambda v: float(np.sum(v ** 3)), x)     # ∇ Σ x³ = 3x²
>>> bool(relative_error(g, 3 * x ** 2) < 1e-9), relative_error(g, 3 * x ** 2 + 1) > 1e-2
(True, True)
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._validation import as_float_array, check_positive

__all__ = ["numerical_gradient", "relative_error", "check_gradients"]


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    r"""Central-difference estimate of :math:`\nabla f(x)`, one entry at a time.

    ``x`` is perturbed **in place** (so ``f`` may close over it, e.g. a network's weight matrix)
    and every entry is restored exactly afterwards.

    Parameters
    ----------
    f : callable
        Takes no argument or ``x`` and returns a scalar; it is called ``2 · x.size`` times.
    x : ndarray of float, any shape
        The point; float64 recommended (float32 differences are too coarse for ``h = 1e-5``).
    h : float
        Step size.

    Returns
    -------
    ndarray, same shape and dtype as ``x``.
    """
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise TypeError("x must be a float ndarray that numerical_gradient can perturb in place; "
                        f"got {type(x).__name__}{' of dtype ' + str(x.dtype) if isinstance(x, np.ndarray) else ''}")
    check_positive("h", h)
    call = _caller(f, x)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = call()
        x[i] = old - h
        f_minus = call()
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def _caller(f: Callable, x: np.ndarray) -> Callable[[], float]:
    """Accept both ``f()`` (closing over x) and ``f(x)``."""
    import inspect

    try:
        takes_arg = len(inspect.signature(f).parameters) > 0
    except (TypeError, ValueError):
        takes_arg = True
    return (lambda: float(f(x))) if takes_arg else (lambda: float(f()))


def relative_error(a, b) -> float:
    r"""Relative error :math:`\lVert a - b\rVert / (\lVert a\rVert + \lVert b\rVert)` (Euclidean norms).

    Symmetric in ``a`` and ``b``, 0 when they are equal (including both zero), and at most 1.
    """
    a = as_float_array("a", a)
    b = as_float_array("b", b)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape; got {a.shape} and {b.shape}")
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def _stateful_layers(model) -> list:
    """Layers whose training pass draws randomness or updates statistics (Dropout, BatchNorm)."""
    return [layer for layer in getattr(model, "layers", []) if callable(getattr(layer, "get_state", None))]


def check_gradients(model, X, Y, h: float = 1e-5, training: bool | None = None) -> dict[str, float]:
    """Compare a model's backpropagated gradients with finite differences, parameter by parameter.

    Works for any model with ``parameters()``, ``loss_and_gradients(X, Y)`` and ``cost(X, Y)``
    (:class:`companion.network.MLP`, ``Sequential``, ``classic.Elman``). Use float64 and a small batch.

    ``loss_and_gradients`` differentiates the TRAINING-mode cost. For a ``Sequential`` holding
    ``Dropout`` or ``BatchNorm`` the finite differences must therefore use the training-mode cost
    too, with the same dropout masks in every evaluation: ``training=True`` (the default for such
    a model) snapshots each such layer (``get_state``: the mask generator, the running
    statistics), rewinds it before the backprop pass and before each of the ``2·P`` cost
    evaluations — a fixed mask stream — and rewinds it once more at the end, so the check leaves
    the model exactly as it found it.

    Parameters
    ----------
    training : bool, optional
        None: True when the model has a layer with ``get_state`` (Dropout, BatchNorm), else
        False (plain ``cost(X, Y)``).

    Returns
    -------
    dict
        ``name -> relative_error(backprop, finite differences)`` for every parameter array, named
        by ``model.parameter_names()`` when the model has it (``"W1"``, ``"b1"``, …).
    """
    params = model.parameters()
    names = model.parameter_names() if hasattr(model, "parameter_names") else [f"p{i}" for i in range(len(params))]
    stateful = _stateful_layers(model)
    training = bool(stateful) if training is None else bool(training)
    saved = [layer.get_state() for layer in stateful]

    def rewind() -> None:
        for layer, state in zip(stateful, saved):
            layer.set_state(state)

    def cost() -> float:
        rewind()
        return model.cost(X, Y, training=True) if training else model.cost(X, Y)

    rewind()
    _, grads = model.loss_and_gradients(X, Y)
    grads = [np.array(g, copy=True) for g in grads]
    try:
        return {name: relative_error(g, numerical_gradient(cost, p, h)) for name, p, g in zip(names, params, grads)}
    finally:
        rewind()
