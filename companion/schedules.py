"""Learning-rate schedules: functions of the epoch (or step) number that return a learning rate.

Three shapes: ``step_decay`` (piecewise constant), ``inverse_time_decay`` (∝ 1/t) and
``cosine_decay`` (half a cosine from ``lr0`` down to ``lr_min`` over a fixed budget).

Each builder returns a plain callable ``schedule(t) -> lr``; a training loop sets
``optimizer.lr = schedule(epoch)`` at the start of every epoch (epochs counted from 0, so
``schedule(0)`` is the initial rate ``lr0``).

Example
-------
>>> from companion.schedules import step_decay
>>> lr = step_decay(0.1, drop=0.5, every=10)
>>> [lr(0), lr(9), lr(10), lr(25)]
[0.1, 0.1, 0.05, 0.025]
"""
from __future__ import annotations

import math
from collections.abc import Callable

from companion._validation import check_in_range, check_int, check_positive

__all__ = ["step_decay", "inverse_time_decay", "cosine_decay"]


def _check_epoch(t) -> int | float:
    """The argument of a schedule: a finite number ≥ 0 (an epoch or step count)."""
    check_positive("epoch", t, allow_zero=True)
    return t


def _check_interval(name: str, value) -> int:
    """A number of epochs between decays: an int ≥ 1."""
    return check_int(name, value, what="epochs per decay")


def step_decay(lr0: float, drop: float = 0.5, every: int = 10) -> Callable[[int], float]:
    """Step decay: multiply the learning rate by ``drop`` every ``every`` epochs.

        lr(t) = lr0 · drop^⌊t / every⌋

    Parameters
    ----------
    lr0 : float
        Initial learning rate > 0 (returned for epochs 0 … every − 1).
    drop : float
        Factor in (0, 1] applied at each decay (0.5 halves the rate).
    every : int
        Number of epochs between two decays, ≥ 1.

    Returns
    -------
    callable
        ``schedule(epoch) -> float`` for ``epoch ≥ 0``.
    """
    lr0 = check_positive("lr0", lr0)
    drop = check_in_range("drop", drop, 0.0, 1.0, low_open=True, high_open=False)
    every = _check_interval("every", every)

    def schedule(epoch: int) -> float:
        return lr0 * drop ** math.floor(_check_epoch(epoch) / every)

    return schedule


def inverse_time_decay(lr0: float, k: float, interval: int = 1) -> Callable[[int], float]:
    """Inverse-time decay: the learning rate falls like 1/t.

        lr(t) = lr0 / (1 + k · ⌊t / interval⌋)

    With the default ``interval=1`` and an integer ``t`` this is ``lr0 / (1 + k·t)``, the
    Deep Learning Specialization's ``update_lr(lr0, epoch, decay_rate)``; with ``interval > 1``
    the rate is held constant for ``interval`` epochs between decays, its
    ``schedule_lr_decay(lr0, epoch, decay_rate, time_interval)`` (the rate of a fixed schedule
    evaluated only every ``interval`` epochs). For a non-integer ``t`` and ``interval=1`` the
    formula is applied without flooring.

    Parameters
    ----------
    lr0 : float
        Initial learning rate > 0.
    k : float
        Decay rate ≥ 0 (0 keeps the rate constant).
    interval : int
        Epochs per decay step, ≥ 1.

    Returns
    -------
    callable
        ``schedule(t) -> float`` for ``t ≥ 0``.
    """
    lr0 = check_positive("lr0", lr0)
    k = check_positive("k", k, allow_zero=True)
    interval = _check_interval("interval", interval)

    def schedule(t: float) -> float:
        t = _check_epoch(t)
        steps = t if interval == 1 else math.floor(t / interval)
        return lr0 / (1.0 + k * steps)

    return schedule


def cosine_decay(lr0: float, total: int, lr_min: float = 0.0) -> Callable[[int], float]:
    """Cosine decay: half a cosine wave from ``lr0`` down to ``lr_min`` over ``total`` epochs.

        lr(t) = lr_min + ½ (lr0 − lr_min) (1 + cos(π · min(t, total) / total))

    The rate starts flat (lr′(0) = 0), falls fastest at t = total/2, where it is the midpoint
    (lr0 + lr_min)/2, and flattens again at t = total, after which it stays at ``lr_min``.

    Parameters
    ----------
    lr0 : float
        Initial learning rate > 0.
    total : int
        Number of epochs (or steps) of the decay, ≥ 1.
    lr_min : float
        Final learning rate, 0 < lr_min ≤ lr0 or 0 (then the returned rate is clipped to a tiny
        positive floor ``lr0 · 1e-12`` at and after ``total``, since an optimizer needs lr > 0).

    Returns
    -------
    callable
        ``schedule(t) -> float`` for ``t ≥ 0``.
    """
    lr0 = check_positive("lr0", lr0)
    total = _check_interval("total", total)
    lr_min = check_positive("lr_min", lr_min, allow_zero=True)
    if lr_min > lr0:
        raise ValueError(f"lr_min must be ≤ lr0 = {lr0:g} (the rate decays); got {lr_min:g}")

    def schedule(t: float) -> float:
        fraction = min(_check_epoch(t), total) / total
        value = lr_min + 0.5 * (lr0 - lr_min) * (1.0 + math.cos(math.pi * fraction))
        return max(value, lr0 * 1e-12)

    return schedule
