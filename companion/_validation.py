"""Argument checks shared by the whole package.

Every public function validates its inputs with these helpers so that a learner who passes
the wrong thing gets one clear message: which argument, what was expected, what came.
They never modify their input.
"""
from __future__ import annotations

import copy

from collections.abc import Iterable

import numpy as np

__all__ = [
    "as_float_array",
    "check_2d",
    "check_batch",
    "check_finite",
    "check_same_shape",
    "check_rows_match",
    "check_choice",
    "check_positive",
    "check_in_range",
    "check_int",
    "check_dtype",
    "check_targets",
    "make_rng",
    "DefaultSeed",
    "seed_source",
    "fresh_rng",
]

FLOAT_DTYPES = (np.float32, np.float64)


def as_float_array(name: str, x, dtype=None) -> np.ndarray:
    """Return ``x`` as a floating-point ndarray (float64 unless it already is float32/float64).

    Raises ``TypeError`` naming ``name`` when ``x`` is not numeric (strings, objects, complex).
    A float32 input stays float32 so that float32 work is never silently upcast.
    """
    if isinstance(x, np.ndarray):
        arr = x
    else:
        try:
            arr = np.asarray(x)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name} must be an array of numbers; got {type(x).__name__}") from exc
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must hold real numbers (float32 or float64); got dtype {arr.dtype}"
        )
    if dtype is not None:
        return arr.astype(dtype, copy=False)
    if arr.dtype.type in FLOAT_DTYPES:
        return arr
    return arr.astype(np.float64)


def check_2d(name: str, x: np.ndarray, cols: int | None = None) -> np.ndarray:
    """Check ``x`` is a non-empty (n, d) matrix, one example per row, with ``cols`` columns if given."""
    if x.ndim != 2:
        hint = " (one example per row: use x.reshape(1, -1) for a single example)" if x.ndim == 1 else ""
        raise ValueError(f"{name} must be 2-D with shape (n, d); got shape {x.shape}{hint}")
    if x.shape[0] == 0:
        raise ValueError(f"{name} is an empty batch (shape {x.shape}); pass at least one example")
    if cols is not None and x.shape[1] != cols:
        raise ValueError(f"{name} must have {cols} columns, shape (n, {cols}); got shape {x.shape}")
    return x


def check_batch(name: str, x: np.ndarray) -> np.ndarray:
    """Check ``x`` is a non-empty batch of any rank ≥ 2, shape (n, …): rows (n, d), images
    (n, c, h, w), sequences (n, T, d). Element-wise layers and ``fit`` accept all of them."""
    if x.ndim < 2:
        hint = " (one example per row: use x.reshape(1, -1) for a single example)" if x.ndim == 1 else ""
        raise ValueError(f"{name} must be a batch with shape (n, …), at least 2-D; got shape {x.shape}{hint}")
    if x.shape[0] == 0:
        raise ValueError(f"{name} is an empty batch (shape {x.shape}); pass at least one example")
    return x


def check_finite(name: str, x: np.ndarray) -> np.ndarray:
    """Raise ``ValueError`` when ``x`` holds NaN or ±inf, saying where the first one is."""
    finite = np.isfinite(x)
    if not finite.all():
        bad = tuple(int(i) for i in np.argwhere(~finite)[0])
        raise ValueError(
            f"{name} must be finite; found {x[bad]} at index {bad} "
            "(check the data for missing values, or lower the learning rate if training diverged)"
        )
    return x


def check_same_shape(name_a: str, a: np.ndarray, name_b: str, b: np.ndarray) -> None:
    """Raise ``ValueError`` when two arrays that must align have different shapes."""
    if a.shape != b.shape:
        raise ValueError(
            f"{name_a} and {name_b} must have the same shape; got {name_a} {a.shape} and {name_b} {b.shape}"
        )


def check_rows_match(name_a: str, a: np.ndarray, name_b: str, b: np.ndarray) -> None:
    """Raise ``ValueError`` when two batches hold a different number of examples (rows)."""
    if a.shape[0] != b.shape[0]:
        raise ValueError(
            f"{name_a} and {name_b} must hold the same number of examples (rows); "
            f"got {a.shape[0]} and {b.shape[0]}"
        )


def check_choice(name: str, value, choices: Iterable[str]) -> str:
    """Raise ``ValueError`` when ``value`` is not one of ``choices`` (listed, sorted, in the message)."""
    choices = sorted(choices)
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"unknown {name} {value!r}; expected one of {choices}")
    return value


def check_positive(name: str, value, allow_zero: bool = False) -> float:
    """Raise ``ValueError``/``TypeError`` unless ``value`` is a finite real number > 0 (or ≥ 0)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number; got {type(value).__name__}")
    ok = np.isfinite(value) and (value >= 0 if allow_zero else value > 0)
    if not ok:
        bound = "≥ 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be a finite number {bound}; got {value}")
    return float(value)


def check_in_range(name: str, value, low: float, high: float, *, low_open=False, high_open=True) -> float:
    """Raise unless ``low ≤ value < high`` (bounds open or closed as asked), e.g. momentum in [0, 1)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number; got {type(value).__name__}")
    above = value > low if low_open else value >= low
    below = value < high if high_open else value <= high
    if not (np.isfinite(value) and above and below):
        lo, hi = ("(" if low_open else "["), (")" if high_open else "]")
        raise ValueError(f"{name} must be in {lo}{low}, {high}{hi}; got {value}")
    return float(value)


def check_int(name: str, value, minimum: int = 1, what: str = "") -> int:
    """Return ``value`` as an int after checking it is an integer ≥ ``minimum`` (a width, a count).

    A value that is not an integer (a float such as ``2.0``, a bool, a string) raises ``TypeError``;
    an integer below ``minimum`` raises ``ValueError``. ``what`` says what the number counts, e.g.
    ``"the number of classes"``, and is shown in brackets in the message.
    """
    expected = ("a positive int" if minimum == 1 else f"an int ≥ {minimum}") + (f" ({what})" if what else "")
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be {expected}; got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be {expected}; got {value}")
    return int(value)


def check_dtype(dtype) -> np.dtype:
    """Return ``dtype`` as a NumPy dtype if it is float32 or float64, else raise ``TypeError``."""
    try:
        dt = np.dtype(dtype)
    except TypeError as exc:
        raise TypeError(f"dtype must be numpy.float32 or numpy.float64; got {dtype!r}") from exc
    if dt not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise TypeError(f"dtype must be numpy.float32 or numpy.float64; got {dt}")
    return dt


def check_targets(Y, shape: tuple[int, int], dtype) -> np.ndarray:
    """Targets ``Y`` as a finite array of ``dtype`` with ``shape`` = (examples in X, network outputs).

    A 1-D ``Y`` is usually integer labels; the message then says how to one-hot encode them.
    """
    Y = as_float_array("Y", Y, dtype=dtype)
    if Y.shape != tuple(shape):
        hint = " (integer labels? convert them with companion.losses.one_hot(labels, k))" if Y.ndim == 1 else ""
        raise ValueError(
            f"Y must have shape {tuple(shape)}, one row per example of X and one column per network "
            f"output; got shape {Y.shape}{hint}"
        )
    return check_finite("Y", Y)


class DefaultSeed(int):
    """The default ``seed=0`` of a layer, told apart from a seed the caller chose.

    It is the int 0 in every computation (``make_rng(DefaultSeed(0))`` equals ``make_rng(0)``);
    ``companion.layers.Sequential`` replaces a default seed of a layer that draws while training
    (``Dropout``) by one of its own for that position, and leaves a chosen seed alone.
    """

    def __repr__(self) -> str:
        return int.__repr__(self)


def make_rng(seed=0, rng=None) -> np.random.Generator:
    """Return a NumPy Generator from ``rng`` (used as is) or ``seed`` (int); never the global state."""
    if rng is not None:
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be a numpy.random.Generator; got {type(rng).__name__}")
        return rng
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
        raise TypeError(f"seed must be an int; got {type(seed).__name__}")
    return np.random.default_rng(seed)


def seed_source(seed=0, rng=None) -> np.random.Generator:
    """The generator a model keeps at construction (``rng`` wins over ``seed``), never drawn from
    itself: every ``fit`` starts from a copy (:func:`fresh_rng`), so a refit restarts exactly.
    A given ``rng`` is copied, not advanced."""
    return copy.deepcopy(make_rng(seed, rng))


def fresh_rng(source: np.random.Generator) -> np.random.Generator:
    """A copy of the generator kept by :func:`seed_source`, in the state it had at construction."""
    return copy.deepcopy(source)
