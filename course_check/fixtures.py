"""Objects that practice questions hand to a learner's function: cost surfaces and their gradients.

They are inputs, not answers (a visible case shows them to ``check()``), so they live here, beside
the checker, and the answer key imports them. Frozen dataclasses: picklable for the sandbox and
rebuilt from stored data by :mod:`course_check.visible`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["QuadraticGradient", "SmoothFunction", "Wells", "WellsGradient"]


@dataclass(frozen=True, eq=False)
class QuadraticGradient:
    """Gradient of the quadratic bowl C(theta) = 1/2 theta^T A theta - c^T theta.

    Calling it with ``theta`` of shape ``(d,)`` returns ``A @ theta - c``, shape ``(d,)``.
    ``A`` is symmetric positive definite, so C has one minimum at ``theta* = solve(A, c)``.
    """

    A: np.ndarray
    c: np.ndarray

    def __call__(self, theta):
        return self.A @ np.asarray(theta, dtype=np.float64) - self.c

    def cost(self, theta):
        theta = np.asarray(theta, dtype=np.float64)
        return 0.5 * theta @ self.A @ theta - self.c @ theta

    def __repr__(self) -> str:
        return f"QuadraticGradient(A={np.round(self.A, 3).tolist()}, c={np.round(self.c, 3).tolist()})"


@dataclass(frozen=True, eq=False)
class SmoothFunction:
    """A smooth scalar function of an array, ``f(x) = Σ c·sin(x) + ½(Σ x)² + Σ x⁴/12``.

    Picklable, so it can be passed to the sandbox. ``gradient(x)`` is its exact gradient,
    ``c·cos(x) + Σ x + x³/3`` (derived by hand), used to confirm the reference.
    """

    c: float = 1.0

    def __call__(self, x):
        x = np.asarray(x, dtype=np.float64)
        return float(np.sum(self.c * np.sin(x)) + 0.5 * np.sum(x) ** 2 + np.sum(x ** 4) / 12)

    def gradient(self, x):
        x = np.asarray(x, dtype=np.float64)
        return self.c * np.cos(x) + np.sum(x) + x ** 3 / 3


@dataclass(frozen=True, eq=False)
class Wells:
    """f(p) = ½ q ‖p‖² − Σ_i d_i exp(−‖p − c_i‖²/(2 s_i²)) for points p of shape (..., d).

    Calling it returns f with shape p.shape[:-1] (a float for one point of shape (d,)).
    """

    centers: np.ndarray
    depths: np.ndarray
    widths: np.ndarray
    bowl: float = 0.05

    def _bumps(self, p):
        diff = p[..., None, :] - self.centers                   # (..., w, d)
        r2 = np.sum(diff * diff, axis=-1)
        return diff, self.depths * np.exp(-r2 / (2 * self.widths**2))

    def __call__(self, p):
        p = np.asarray(p, dtype=np.float64)
        _, bumps = self._bumps(p)
        value = 0.5 * self.bowl * np.sum(p * p, axis=-1) - np.sum(bumps, axis=-1)
        return float(value) if np.ndim(value) == 0 else value

    def gradient(self, p):
        p = np.asarray(p, dtype=np.float64)
        diff, bumps = self._bumps(p)
        return self.bowl * p + np.sum((bumps / self.widths**2)[..., None] * diff, axis=-2)

    def __repr__(self) -> str:
        return f"Wells({len(self.depths)} wells in {self.centers.shape[1]}-D)"


@dataclass(frozen=True, eq=False)
class WellsGradient:
    """The gradient of a :class:`Wells` cost: points (..., d) → gradients (..., d)."""

    wells: Wells

    def __call__(self, p):
        return self.wells.gradient(p)

    def __repr__(self) -> str:
        return f"WellsGradient({self.wells!r})"
