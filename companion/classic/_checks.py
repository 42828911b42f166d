"""Argument checks shared by the classic networks (counts, fitted state, binary data)."""
from __future__ import annotations

import numpy as np

from companion._validation import as_float_array, check_2d, check_finite, check_int, fresh_rng, seed_source

__all__ = ["check_count", "check_fitted", "check_data", "check_binary", "seed_source", "fresh_rng"]


def check_count(name: str, value, minimum: int = 1) -> int:
    """``companion._validation.check_int``: TypeError for a non-integer, ValueError below ``minimum``."""
    return check_int(name, value, minimum)


def check_fitted(model, attribute: str, method: str = "predict") -> None:
    """Raise ``ValueError`` when ``model`` has not been fitted (``attribute`` is still ``None``)."""
    if getattr(model, attribute, None) is None:
        name = type(model).__name__
        raise ValueError(f"this {name} is not fitted yet: call {name}.fit(...) before {method}()")


def check_data(name: str, X, cols: int | None = None) -> np.ndarray:
    """Return ``X`` as a finite float (n, d) array (float64 unless float32), never a view to modify."""
    return check_finite(name, check_2d(name, as_float_array(name, X), cols))


def check_binary(name: str, X, cols: int | None = None) -> np.ndarray:
    """Return ``X`` as a 0/1 int8 (n, d) array; any other value is a ``ValueError`` saying where."""
    arr = check_data(name, X, cols)
    bad = (arr != 0) & (arr != 1)
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"{name} must hold only 0 and 1 (binary patterns); found {arr[idx]} at index {idx}")
    return arr.astype(np.int8)

