"""Regularization: L2 and L1 weight penalties, the error/size trade-off, and early stopping.

Penalties act on the weight matrices only (``model.weight_arrays()``); biases are usually left
unpenalized because they do not make a network more sensitive to its inputs.

How ``lam`` relates to other books. The companion's costs are batch means, C₀ = (1/n) Σ_x C_x.
Nielsen regularizes with C = C₀ + λ/(2n) · Σ w², where n is the training-set size; that is
``C₀ + l2_penalty(weights, lam)`` with ``lam = λ / n``. The Deep Learning Specialization's
λ/(2m) · Σ‖W‖² is the same with m = n.

Weight decay. With the L2 term the gradient of a weight becomes g + lam·W, so one SGD step is

    W ← W − η (g + lam W) = (1 − η lam) W − η g,

each step first shrinks ("decays") the weights by the factor 1 − η·lam, then follows the
gradient of the unregularized cost.

Example
-------
>>> from companion.regularization import l2_gradient, l2_penalty
>>> W = np.array([[1.0, -2.0]])
>>> float(l2_penalty([W], 0.1)), l2_gradient(W, 0.1)   # (λ/2)·Σw² and λW
(0.25, array([[ 0.1, -0.2]]))
"""
from __future__ import annotations

import numpy as np

from companion._validation import as_float_array, check_in_range, check_int, check_positive

__all__ = [
    "l2_penalty",
    "l2_gradient",
    "l1_penalty",
    "l1_gradient",
    "tradeoff_error",
    "tradeoff_gradient",
    "soft_threshold",
    "EarlyStopping",
]


def _weight_list(weights) -> list[np.ndarray]:
    """Check ``weights`` is a list/tuple of numeric arrays; return them as float arrays."""
    if not isinstance(weights, (list, tuple)):
        hint = " (wrap a single matrix as [W])" if isinstance(weights, np.ndarray) else ""
        raise TypeError(f"weights must be a list of weight arrays; got {type(weights).__name__}{hint}")
    return [as_float_array(f"weights[{i}]", W) for i, W in enumerate(weights)]


def l2_penalty(weights: list[np.ndarray], lam: float) -> float:
    """L2 penalty (squared Frobenius norms) added to the cost.

        R(W¹ … W^L) = (lam / 2) · Σ_l ‖W^l‖²_F = (lam / 2) · Σ_l Σ_jk (w^l_jk)²

    Parameters
    ----------
    weights : list of arrays
        The weight matrices W^l (any shapes), e.g. ``model.weight_arrays()``.
    lam : float
        Strength ≥ 0; ``lam = λ/n`` for Nielsen's λ/(2n)·Σw² (see the module docstring).

    Returns
    -------
    float
    """
    lam = check_positive("lam", lam, allow_zero=True)
    return 0.5 * lam * sum(float(np.sum(W * W)) for W in _weight_list(weights))


def l2_gradient(W: np.ndarray, lam: float) -> np.ndarray:
    """Gradient of ``l2_penalty`` with respect to one weight matrix: ∂R/∂W = lam · W.

    ``W`` has any shape; the result has the same shape and dtype (float32 stays float32).
    """
    lam = check_positive("lam", lam, allow_zero=True)
    W = as_float_array("W", W)
    return W.dtype.type(lam) * W


def l1_penalty(weights: list[np.ndarray], lam: float) -> float:
    """L1 penalty (sum of absolute values) added to the cost.

        R(W¹ … W^L) = lam · Σ_l Σ_jk |w^l_jk|

    It drives many weights to exactly zero (sparse networks); Nielsen writes it λ/n · Σ|w|,
    i.e. ``lam = λ / n``.

    Parameters
    ----------
    weights : list of arrays
        The weight matrices W^l.
    lam : float
        Strength ≥ 0.
    """
    lam = check_positive("lam", lam, allow_zero=True)
    return lam * sum(float(np.sum(np.abs(W))) for W in _weight_list(weights))


def l1_gradient(W: np.ndarray, lam: float) -> np.ndarray:
    """(Sub)gradient of ``l1_penalty`` for one weight matrix: lam · sign(W).

    |w| has no derivative at w = 0; we use sign(0) = 0 (the usual convention, so a weight that
    is exactly zero is not pushed by the penalty). Same shape and dtype as ``W``.
    """
    lam = check_positive("lam", lam, allow_zero=True)
    W = as_float_array("W", W)
    return W.dtype.type(lam) * np.sign(W)


def _check_tradeoff_lam(lam) -> float:
    return check_in_range("lam", lam, 0.0, 1.0, low_open=True, high_open=False)


def tradeoff_error(mean_error: float, weights: list[np.ndarray], lam: float) -> float:
    """The error/complexity trade-off objective.

        E = lam · (1/m) Σ_k E_k + (1 − lam) · Σ_i w_i²

    ``mean_error`` is the first mean (the training error over m examples); ``weights`` lists
    the arrays whose squared entries form Σ w² (connection weights, and thresholds too if you
    include them); ``lam`` in (0, 1] balances the two and is usually chosen by
    cross-validation. Dividing by lam shows the minimizer is the same as that of
    ``mean_error + l2_penalty(weights, 2 (1 − lam) / lam)``.

    Returns
    -------
    float
    """
    lam = _check_tradeoff_lam(lam)
    err = check_positive("mean_error", mean_error, allow_zero=True)
    return lam * err + (1.0 - lam) * sum(float(np.sum(W * W)) for W in _weight_list(weights))


def tradeoff_gradient(error_grad: np.ndarray, W: np.ndarray, lam: float) -> np.ndarray:
    """Gradient of ``tradeoff_error`` for one weight array.

        ∂E/∂W = lam · ∂(mean error)/∂W + 2 (1 − lam) · W

    Parameters
    ----------
    error_grad : array, shape of ``W``
        Gradient of the mean error with respect to ``W`` (e.g. from backprop).
    W : array
        The weight array.
    lam : float
        Trade-off weight in (0, 1].

    Returns
    -------
    ndarray, shape and dtype of ``W``
    """
    lam = _check_tradeoff_lam(lam)
    W = as_float_array("W", W)
    error_grad = as_float_array("error_grad", error_grad)
    if error_grad.shape != W.shape:
        raise ValueError(
            f"error_grad and W must have the same shape; got error_grad {error_grad.shape} and W {W.shape}"
        )
    t = W.dtype.type
    return t(lam) * error_grad.astype(W.dtype, copy=False) + t(2.0 * (1.0 - lam)) * W


def soft_threshold(v, t: float) -> np.ndarray:
    """Proximal step of the L1 penalty: ``S_t(v) = sign(v) · max(|v| − t, 0)``, element-wise.

    ``S_t(v) = argmin_w ½ (w − v)² + t |w|`` for each entry: entries with ``|v| ≤ t`` become
    exactly 0, the others move ``t`` towards 0. After a gradient step ``v = W − η g``, the step
    ``W ← soft_threshold(v, η·lam)`` minimizes the L1-penalized cost (ISTA), and unlike the
    subgradient step ``W − η (g + lam·sign(W))`` it lands weights on exactly 0.

    ``v`` any shape (not modified); ``t ≥ 0``. Returns an array of the shape and dtype of ``v``.
    """
    t = check_positive("t", t, allow_zero=True)
    v = as_float_array("v", v)
    return np.sign(v) * np.maximum(np.abs(v) - v.dtype.type(t), v.dtype.type(0))


class EarlyStopping:
    """Stop training when the validation loss has not improved for ``patience`` epochs.

    Call ``update(val_loss, params)`` once per epoch. An epoch *improves* when
    ``val_loss < best_loss − min_delta``; the stopper then records the epoch, the loss and
    (when ``restore_best``) a copy of every parameter array. ``update`` returns True once
    ``patience`` epochs in a row have not improved; ``restore(params)`` then copies the best
    values back into the live arrays, in place.

    Parameters
    ----------
    patience : int
        Number of epochs without improvement tolerated before stopping, ≥ 1.
    min_delta : float
        Smallest decrease of the loss that counts as an improvement, ≥ 0.
    restore_best : bool
        Keep copies of the best parameters so that ``restore`` can bring them back.

    Attributes
    ----------
    best_loss : float
        Lowest validation loss seen (``inf`` before the first update).
    best_epoch : int or None
        0-based index of the ``update`` call that gave ``best_loss`` (the position in a
        per-epoch history list); None before the first update.
    epochs_seen : int
        Number of ``update`` calls so far.
    wait : int
        Epochs since the last improvement.
    stopped : bool
        Whether the last ``update`` asked to stop.
    """

    def __init__(self, patience: int = 5, min_delta: float = 0.0, restore_best: bool = True) -> None:
        patience = check_int("patience", patience, what="epochs without improvement")
        if not isinstance(restore_best, bool):
            raise TypeError(f"restore_best must be True or False; got {type(restore_best).__name__}")
        self.patience = int(patience)
        self.min_delta = check_positive("min_delta", min_delta, allow_zero=True)
        self.restore_best = restore_best
        self.reset()

    def __repr__(self) -> str:
        return (f"EarlyStopping(patience={self.patience}, min_delta={self.min_delta}, "
                f"restore_best={self.restore_best})")

    def reset(self) -> None:
        """Forget everything seen so far (to reuse the stopper for a new training run)."""
        self.best_loss = float("inf")
        self.best_epoch: int | None = None
        self.best_params: list[np.ndarray] | None = None
        self.epochs_seen = 0
        self.wait = 0
        self.stopped = False

    def update(self, val_loss: float, params: list[np.ndarray] | None = None) -> bool:
        """Record one epoch's validation loss; return True when training should stop.

        Parameters
        ----------
        val_loss : float
            The epoch's validation loss (finite).
        params : list of arrays, optional
            The live parameters; required when ``restore_best`` is True (copied, not kept).
        """
        if isinstance(val_loss, bool) or not isinstance(val_loss, (int, float, np.integer, np.floating)):
            raise TypeError(f"val_loss must be a number; got {type(val_loss).__name__}")
        if not np.isfinite(val_loss):
            raise ValueError(
                f"val_loss must be finite; got {val_loss} (training diverged: lower the learning rate)"
            )
        if self.restore_best and params is None:
            raise ValueError("params is required when restore_best=True (pass model.parameters())")
        if params is not None:
            params = _param_list(params)  # checked before any state changes
        if val_loss < self.best_loss - self.min_delta:
            self.best_loss, self.best_epoch, self.wait = float(val_loss), self.epochs_seen, 0
            if self.restore_best:
                self.best_params = [np.array(p, copy=True) for p in params]
        else:
            self.wait += 1
        self.epochs_seen += 1
        self.stopped = self.wait >= self.patience
        return self.stopped

    def restore(self, params: list[np.ndarray]) -> None:
        """Copy the best parameters recorded so far back into ``params``, in place."""
        if self.best_params is None:
            why = ("restore_best=False keeps no copies" if not self.restore_best
                   else "update() has not been called yet")
            raise ValueError(f"no best parameters to restore: {why}")
        params = _param_list(params)
        if len(params) != len(self.best_params):
            raise ValueError(
                f"params must hold the {len(self.best_params)} arrays seen by update(); got {len(params)}"
            )
        for i, (p, best) in enumerate(zip(params, self.best_params)):
            if p.shape != best.shape:
                raise ValueError(f"params[{i}] must have shape {best.shape} as in update(); got {p.shape}")
            p[...] = best


def _param_list(params) -> list[np.ndarray]:
    """``params`` must be a list/tuple of ndarrays (the live arrays, changed in place)."""
    if not isinstance(params, (list, tuple)):
        raise TypeError(f"params must be a list of arrays; got {type(params).__name__}")
    for i, p in enumerate(params):
        if not isinstance(p, np.ndarray):
            raise TypeError(f"params[{i}] must be an ndarray; got {type(p).__name__}")
    return list(params)
