"""Learning-rate schedules: functions of the epoch (or step) number that return a learning rate.

Three shapes: ``step_decay`` (piecewise constant), ``inverse_time_decay`` (∝ 1/t) and
``cosine_decay`` (half a cosine from ``lr0`` down to ``lr_min`` over a fixed budget); and
``linear_warmup``, which grows the rate linearly over the first steps, then holds it (or hands
over to one of the decays).

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

__all__ = ["step_decay", "inverse_time_decay", "cosine_decay", "linear_warmup"]


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


def linear_warmup(lr0: float, steps: int, after: Callable[[float], float] | None = None) -> Callable[[int], float]:
    """Linear warm-up: the rate grows linearly to ``lr0`` over the first ``steps`` steps.

        lr(t) = lr0 · min(1, (t + 1) / steps)   for t < steps,
        lr(t) = lr0                             for t ≥ steps   (or after(t − steps) if ``after`` is given)

    Step 0 already uses lr0/steps (never 0, since an optimizer needs lr > 0) and step
    ``steps − 1`` uses the full ``lr0``. Warm-up is usually counted in optimizer *steps* (mini-batch
    updates), not epochs: it tames the first updates, when the parameters are far from any
    minimum and an adaptive method's running averages (Adam's v) rest on very few gradients.
    ``steps=1`` is no warm-up at all.

    Parameters
    ----------
    lr0 : float
        Learning rate > 0 reached at the end of the warm-up.
    steps : int
        Length of the warm-up, ≥ 1.
    after : callable, optional
        Schedule used once the warm-up is over, evaluated at ``t − steps`` (so ``after(0)`` is the
        first rate after warm-up; it should start at ``lr0``, e.g. ``cosine_decay(lr0, total)``).

    Returns
    -------
    callable
        ``schedule(t) -> float`` for ``t ≥ 0``.

    Example
    -------
    >>> lr = linear_warmup(0.4, steps=4)
    >>> [lr(0), lr(1), lr(3), lr(10)]
    [0.1, 0.2, 0.4, 0.4]
    """
    lr0 = check_positive("lr0", lr0)
    steps = check_int("steps", steps, what="warm-up steps")
    if after is not None and not callable(after):
        raise TypeError(f"after must be a schedule (a callable t -> lr) or None; got {type(after).__name__}")

    def schedule(t: float) -> float:
        t = _check_epoch(t)
        if t < steps:
            return lr0 * min(1.0, (t + 1) / steps)
        return lr0 if after is None else after(t - steps)

    return schedule
