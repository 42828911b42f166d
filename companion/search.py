"""Searching a non-convex cost for its global minimum: simulated annealing and random restarts.

Gradient descent only sees the local slope, so it stops in the minimum whose *basin of
attraction* holds its starting point. This module holds two classic remedies and the tools to
measure how well they work:

* ``simulated_annealing`` — a random walk that always accepts a downhill move and accepts an
  uphill move of ΔE with the Metropolis probability exp(−ΔE/T); the temperature T is lowered
  by a cooling schedule (``temperatures``). ``anneal_chains`` runs many independent chains at
  once (vectorized over chains) for measuring success rates.
* ``random_restarts`` — gradient descent from several random starts, keeping the best end.
* ``gradient_descent`` (vectorized over a stack of starts), ``basin_labels`` (which minimum a
  point is nearest) and ``success_rate`` (a measured proportion with its sampling error).

Every cost evaluation is counted (``n_evals``), so methods can be compared at equal budgets.

    result = simulated_annealing(f, x0, T0=1.0, cooling=0.99, steps=500, step_size=0.3, seed=0)
    result.x, result.cost, result.trace      # best point (d,), its cost, costs (steps + 1,)

Example
-------
>>> from companion.search import metropolis_acceptance, simulated_annealing
>>> float(metropolis_acceptance(-1.0, 0.5)), round(float(metropolis_acceptance(1.0, 1.0)), 6)   # 1, e⁻¹
(1.0, 0.367879)
>>> res = simulated_annealing(lambda x: float(np.sum(x ** 2)), [2.0], T0=1.0, cooling=0.99, steps=300,
...                           step_size=0.3)
>>> bool(res.cost < 0.05), len(res.trace)
(True, 301)
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from companion._validation import as_float_array, check_choice, check_in_range, check_int, check_positive, make_rng

__all__ = [
    "SCHEDULES",
    "metropolis_acceptance",
    "temperatures",
    "annealing_step",
    "AnnealingResult",
    "simulated_annealing",
    "anneal_chains",
    "gradient_descent",
    "RestartsResult",
    "random_restarts",
    "basin_labels",
    "SuccessRate",
    "success_rate",
]

#: names of the cooling schedules understood by ``temperatures``
SCHEDULES = ("geometric", "linear", "logarithmic")


def metropolis_acceptance(delta, T):
    """Metropolis probability of accepting a move that changes the cost by ``delta``.

        P(accept) = min(1, exp(−ΔE / T))

    Downhill or level moves (ΔE ≤ 0) are always accepted; an uphill move is accepted with
    probability exp(−ΔE/T), which tends to 0 as T → 0 (greedy descent) and to 1 as T → ∞
    (a pure random walk). At T = 0 the limit is used: 1 if ΔE ≤ 0, else 0.

    Parameters
    ----------
    delta : float or array
        Cost changes ΔE = f(x_new) − f(x); NaN is rejected.
    T : float or array broadcastable with ``delta``
        Temperatures ≥ 0.

    Returns
    -------
    float or ndarray
        Probabilities in [0, 1], the broadcast shape of ``delta`` and ``T``.
    """
    delta = as_float_array("delta", delta)
    T = as_float_array("T", T)
    if np.any(np.isnan(delta)):
        raise ValueError("delta must not be NaN (did the cost function return NaN?)")
    if np.any(~np.isfinite(T)) or np.any(T < 0):
        raise ValueError(f"T must be finite and ≥ 0; got {T.tolist()}")
    uphill = np.maximum(delta, 0.0)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        ratio = np.where(T > 0, uphill / np.where(T > 0, T, 1.0), np.where(uphill > 0, np.inf, 0.0))
    p = np.exp(-ratio)
    return float(p) if p.ndim == 0 else p


def temperatures(T0: float, cooling: float, steps: int, schedule: str = "geometric") -> np.ndarray:
    """Temperatures T_k, k = 0 … steps − 1, of a cooling schedule.

        geometric    T_k = T0 · α^k
        linear       T_k = T0 · max(0, 1 − (1 − α) k)
        logarithmic  T_k = T0 / (1 + ln(1 + (1 − α) k))

    All three start at T0 and cool at the same initial rate, dT/dk ≈ −(1 − α) T0 at k = 0, so
    α (``cooling``) is comparable across schedules: α close to 1 is slow cooling. Geometric
    cooling is the usual choice; linear reaches T = 0 (pure descent) after 1/(1 − α) steps;
    logarithmic cooling is the slow schedule of the classic convergence proofs.

    Parameters
    ----------
    T0 : float
        Initial temperature > 0.
    cooling : float
        α in the open interval (0, 1).
    steps : int
        Number of temperatures, ≥ 0.
    schedule : str
        One of ``SCHEDULES``.

    Returns
    -------
    ndarray, shape (steps,)
    """
    T0 = check_positive("T0", T0)
    alpha = check_in_range("cooling", cooling, 0.0, 1.0, low_open=True, high_open=True)
    steps = _check_count("steps", steps, minimum=0)
    check_choice("schedule", schedule, SCHEDULES)
    k = np.arange(steps, dtype=np.float64)
    if schedule == "geometric":
        return T0 * alpha**k
    if schedule == "linear":
        return T0 * np.maximum(0.0, 1.0 - (1.0 - alpha) * k)
    return T0 / (1.0 + np.log1p((1.0 - alpha) * k))


def annealing_step(f: Callable, x, fx: float, T: float, step_size: float, rng: np.random.Generator):
    """One Metropolis step: propose, then accept or reject.

    The proposal is x' = x + step_size · ε with ε ~ N(0, I) drawn as ``rng.normal(size=x.shape)``;
    then u = ``rng.random()`` is drawn (always, so the stream is used the same way at every step)
    and the move is accepted iff u < min(1, exp(−(f(x') − f(x))/T)).

    Parameters
    ----------
    f : callable
        Cost, x of shape (d,) → a finite number.
    x : ndarray, shape (d,)
        Current point (not modified).
    fx : float
        f(x), passed in so that each step costs one evaluation.
    T : float
        Temperature ≥ 0.
    step_size : float
        Standard deviation of the proposal, > 0.
    rng : numpy.random.Generator

    Returns
    -------
    (x_next, f_next, accepted) : (ndarray (d,), float, bool)
        The new point and its cost if accepted, else ``x`` (a copy) and ``fx``.
    """
    x = np.asarray(x, dtype=np.float64)
    proposal = x + step_size * rng.normal(size=x.shape)
    f_new = _evaluate(f, proposal)
    accepted = bool(rng.random() < metropolis_acceptance(f_new - fx, T))
    return (proposal, f_new, True) if accepted else (x.copy(), float(fx), False)


@dataclass(frozen=True, eq=False)
class AnnealingResult:
    """What ``simulated_annealing`` found.

    Attributes
    ----------
    x : ndarray, shape (d,)
        The best point visited.
    cost : float
        f(x), the lowest cost seen.
    trace : ndarray, shape (steps + 1,)
        Cost of the current point after each step (trace[0] = f(x0)).
    path : ndarray, shape (steps + 1, d)
        The current point after each step.
    accepted : ndarray of bool, shape (steps,)
        Whether each proposal was accepted.
    temperatures : ndarray, shape (steps,)
        The temperature used at each step.
    n_evals : int
        Number of evaluations of f (steps + 1).
    """

    x: np.ndarray
    cost: float
    trace: np.ndarray
    path: np.ndarray
    accepted: np.ndarray
    temperatures: np.ndarray
    n_evals: int


def simulated_annealing(f: Callable, x0, *, T0: float, cooling: float, steps: int, step_size: float,
                        schedule: str = "geometric", seed: int = 0,
                        rng: np.random.Generator | None = None) -> AnnealingResult:
    """Minimize ``f`` by simulated annealing from ``x0``.

    At step k (temperature T_k from ``temperatures(T0, cooling, steps, schedule)``) a Gaussian
    move of standard deviation ``step_size`` is proposed and accepted with the Metropolis
    probability min(1, exp(−ΔE/T_k)) (see ``annealing_step`` for the exact use of ``rng``).
    The best point ever visited is returned, so a late uphill move never loses it.

    Parameters
    ----------
    f : callable
        Cost, x of shape (d,) → a finite real number.
    x0 : array, shape (d,)
        Finite starting point (not modified).
    T0, cooling, steps, schedule
        As in ``temperatures``; ``steps`` ≥ 0 proposals.
    step_size : float
        Proposal standard deviation > 0.
    seed, rng
        Source of randomness (``rng`` is used as is; otherwise ``default_rng(seed)``).

    Returns
    -------
    AnnealingResult
    """
    f = _check_cost(f)
    x = _check_start("x0", x0, ndim=1)
    temps = temperatures(T0, cooling, steps, schedule)
    step_size = check_positive("step_size", step_size)
    generator = make_rng(seed, rng)
    fx = _evaluate(f, x)
    path, trace, accepted = [x.copy()], [fx], np.zeros(len(temps), dtype=bool)
    for k, T in enumerate(temps):
        x, fx, accepted[k] = annealing_step(f, x, fx, T, step_size, generator)
        path.append(x)
        trace.append(fx)
    trace = np.array(trace)
    best = int(np.argmin(trace))
    return AnnealingResult(path[best].copy(), float(trace[best]), trace, np.array(path), accepted,
                           temps, len(temps) + 1)


def anneal_chains(f: Callable, X0, *, T0: float, cooling: float, steps: int, step_size: float,
                  schedule: str = "geometric", seed: int = 0,
                  rng: np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run r independent annealing chains at once (vectorized), for measuring success rates.

    The same algorithm as ``simulated_annealing``; each step draws ``rng.normal(size=(r, d))``
    then ``rng.random(r)``, so with r = 1 it reproduces ``simulated_annealing`` exactly.

    Parameters
    ----------
    f : callable
        Cost of a stack of points, shape (r, d) → (r,) (every companion ``Surface.f`` works).
    X0 : array, shape (r, d)
        One finite starting point per chain (not modified).
    T0, cooling, steps, step_size, schedule, seed, rng
        As in ``simulated_annealing``.

    Returns
    -------
    (best_x, best_cost, trace) : ndarray (r, d), ndarray (r,), ndarray (steps + 1, r)
        Best point and cost of each chain, and the current cost of every chain after each step.
        Each chain uses steps + 1 evaluations of f.
    """
    f = _check_cost(f)
    X = _check_start("X0", X0, ndim=2)
    temps = temperatures(T0, cooling, steps, schedule)
    step_size = check_positive("step_size", step_size)
    generator = make_rng(seed, rng)
    F = _evaluate_many(f, X)
    best_x, best_f, trace = X.copy(), F.copy(), [F.copy()]
    for T in temps:
        proposal = X + step_size * generator.normal(size=X.shape)
        F_new = _evaluate_many(f, proposal)
        take = generator.random(X.shape[0]) < metropolis_acceptance(F_new - F, T)
        X, F = np.where(take[:, None], proposal, X), np.where(take, F_new, F)
        better = F < best_f
        best_x[better], best_f[better] = X[better], F[better]
        trace.append(F.copy())
    return best_x, best_f, np.array(trace)


def gradient_descent(grad: Callable, X0, *, lr: float, steps: int) -> np.ndarray:
    """Plain gradient descent x ← x − η ∇f(x) from many starts at once.

    Parameters
    ----------
    grad : callable
        Gradient of a stack of points, shape (..., d) → (..., d) (every companion ``Surface.grad``).
    X0 : array, shape (..., d)
        Finite starting points (not modified).
    lr : float
        Learning rate η > 0.
    steps : int
        Number of steps ≥ 0; each costs one gradient evaluation per start.

    Returns
    -------
    ndarray, shape of X0
        The points after ``steps`` steps.
    """
    if not callable(grad):
        raise TypeError(f"grad must be a callable x -> gradient; got {type(grad).__name__}")
    X = np.array(_check_start("X0", X0, ndim=None), copy=True)
    lr = check_positive("lr", lr)
    for _ in range(_check_count("steps", steps, minimum=0)):
        g = np.asarray(grad(X), dtype=np.float64)
        if g.shape != X.shape:
            raise ValueError(f"grad must return the shape of its input {X.shape}; got shape {g.shape}")
        X = X - lr * g
    return X


@dataclass(frozen=True, eq=False)
class RestartsResult:
    """What ``random_restarts`` found.

    Attributes
    ----------
    x : ndarray, shape (d,)
        The best end point.
    cost : float
        f(x).
    starts, ends : ndarray, shape (k, d)
        The k random starts and where descent took each.
    costs : ndarray, shape (k,)
        f at each end point.
    trace : ndarray, shape (k,)
        Best cost after 1, 2, …, k restarts (non-increasing).
    n_evals : int
        Gradient evaluations plus cost evaluations: k · (steps + 1).
    """

    x: np.ndarray
    cost: float
    starts: np.ndarray
    ends: np.ndarray
    costs: np.ndarray
    trace: np.ndarray
    n_evals: int


def random_restarts(f: Callable, grad: Callable, low, high, *, n_starts: int, steps: int, lr: float,
                    seed: int = 0, rng: np.random.Generator | None = None) -> RestartsResult:
    """Gradient descent from ``n_starts`` uniform random starts in a box; keep the best end.

    Starts are drawn as ``rng.uniform(low, high, size=(n_starts, d))``, each is descended with
    ``gradient_descent(grad, starts, lr=lr, steps=steps)`` and the end of lowest f is returned.
    If one start reaches the global minimum's basin with probability p, k independent starts
    miss it with probability (1 − p)^k, so they succeed with probability 1 − (1 − p)^k.

    Parameters
    ----------
    f : callable
        Cost of a stack of points, (k, d) → (k,).
    grad : callable
        Its gradient, (k, d) → (k, d).
    low, high : array, shape (d,)
        Corners of the box of starts, low < high.
    n_starts : int
        Number of starts k ≥ 1.
    steps, lr
        As in ``gradient_descent``.
    seed, rng
        Source of randomness.

    Returns
    -------
    RestartsResult
    """
    f = _check_cost(f)
    low, high = _check_box(low, high)
    n_starts = _check_count("n_starts", n_starts, minimum=1)
    starts = make_rng(seed, rng).uniform(low, high, size=(n_starts, low.size))
    ends = gradient_descent(grad, starts, lr=lr, steps=steps)
    costs = _evaluate_many(f, ends)
    best = int(np.argmin(costs))
    return RestartsResult(ends[best].copy(), float(costs[best]), starts, ends, costs,
                          np.minimum.accumulate(costs), n_starts * (steps + 1))


def basin_labels(points, minima, tol: float = 1e-3) -> np.ndarray:
    """Index of the minimum each point sits on, or −1 if it is farther than ``tol`` from all.

    Parameters
    ----------
    points : array, shape (..., d)
        End points of descents.
    minima : array, shape (m, d)
        The known minima.
    tol : float
        Largest distance > 0 that counts as "at" a minimum.

    Returns
    -------
    ndarray of int, shape (...)
    """
    P = as_float_array("points", points)
    M = as_float_array("minima", minima)
    if M.ndim != 2 or P.shape[-1:] != M.shape[1:]:
        raise ValueError(f"points (..., d) and minima (m, d) must share d; got shapes {P.shape} and {M.shape}")
    tol = check_positive("tol", tol)
    dist = np.linalg.norm(P[..., None, :] - M, axis=-1)                 # (..., m)
    nearest = np.argmin(dist, axis=-1)
    return np.where(np.min(dist, axis=-1) <= tol, nearest, -1)


@dataclass(frozen=True)
class SuccessRate:
    """A measured proportion: p̂ = successes / n with its standard error and a 95% interval.

    ``se`` = √(p̂(1 − p̂)/n); ``low``/``high`` is the Wilson score interval, which stays
    sensible at p̂ = 0 or 1 (where the standard error is 0).
    """

    p: float
    se: float
    low: float
    high: float
    n: int

    def __str__(self) -> str:
        return f"{self.p:.3f} ± {self.se:.3f} (95% CI {self.low:.3f}–{self.high:.3f}, n = {self.n})"


def success_rate(successes) -> SuccessRate:
    """Proportion of True in ``successes`` (any shape, at least one entry) with its sampling error.

        p̂ = s/n,  se = √(p̂(1 − p̂)/n),
        Wilson 95%: (p̂ + z²/2n ± z √(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n)

    with z = 1.959964…, the 97.5 % quantile of the standard normal (often rounded to 1.96);
    ``s`` the number of True entries and ``n`` the number of entries.
    """
    s = np.asarray(successes)
    if s.dtype != bool or s.size == 0:
        raise ValueError(f"successes must be a non-empty boolean array; got dtype {s.dtype}, size {s.size}")
    n, z = s.size, 1.959963984540054
    p = float(np.mean(s))
    centre, half = p + z * z / (2 * n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    scale = 1 + z * z / n
    low = 0.0 if p == 0 else (centre - half) / scale        # exact ends where rounding would miss them
    high = 1.0 if p == 1 else (centre + half) / scale
    return SuccessRate(p, math.sqrt(p * (1 - p) / n), low, high, n)


# ---------------------------------------------------------------- helpers
def _check_count(name: str, value, minimum: int) -> int:
    """``check_int``: TypeError for a non-integer, ValueError below ``minimum``."""
    return check_int(name, value, minimum)


def _check_cost(f) -> Callable:
    if not callable(f):
        raise TypeError(f"f must be a callable cost function x -> number; got {type(f).__name__}")
    return f


def _check_start(name: str, x0, ndim: int | None) -> np.ndarray:
    x = np.array(as_float_array(name, x0), dtype=np.float64, copy=True)
    if ndim is not None and x.ndim != ndim:
        shape = "(d,), one point" if ndim == 1 else "(r, d), one point per row"
        raise ValueError(f"{name} must have shape {shape}; got shape {x.shape}")
    if x.size == 0:
        raise ValueError(f"{name} must hold at least one coordinate; got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} must be finite; got {x.tolist() if x.size <= 10 else 'non-finite entries'}")
    return x


def _check_box(low, high) -> tuple[np.ndarray, np.ndarray]:
    low = _check_start("low", low, ndim=1)
    high = _check_start("high", high, ndim=1)
    if low.shape != high.shape or not np.all(low < high):
        raise ValueError(f"low and high must have the same shape (d,) with low < high; got {low.tolist()} and {high.tolist()}")
    return low, high


def _evaluate(f: Callable, x: np.ndarray) -> float:
    """f(x) as a float; NaN or a non-scalar raises an error naming f."""
    value = np.asarray(f(x))
    if value.size != 1 or value.dtype.kind not in "biuf":
        raise TypeError(f"f must return one real number; got {value.dtype} of shape {value.shape}")
    value = float(value.reshape(()))
    if math.isnan(value):
        raise ValueError(f"f returned NaN at x = {np.round(x, 6).tolist()}; the cost must be a number everywhere")
    return value


def _evaluate_many(f: Callable, X: np.ndarray) -> np.ndarray:
    """f on a stack (r, d) → (r,); NaN or a wrong shape raises an error naming f."""
    values = np.asarray(f(X))
    if values.shape != X.shape[:1] or values.dtype.kind not in "biuf":
        raise TypeError(f"f must return one real number per row, shape {X.shape[:1]}; got {values.dtype} of shape {values.shape}")
    if np.any(np.isnan(values)):
        bad = int(np.argmax(np.isnan(values)))
        raise ValueError(f"f returned NaN at row {bad}, x = {np.round(X[bad], 6).tolist()}; the cost must be a number everywhere")
    return values.astype(np.float64)
