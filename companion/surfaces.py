"""Two-dimensional test surfaces for watching gradient descent and its variants move.

Each builder returns a ``Surface``: a cost f(x, y) with its gradient, known minima and a
suggested plotting window. A ``Surface`` unpacks as the pair ``f, grad = quadratic_bowl()``.
Both functions take points ``p`` of shape ``(2,)`` — or any ``(..., 2)`` stack of points,
e.g. a grid for a contour plot — and return f of shape ``p.shape[:-1]`` and a gradient of the
shape of ``p``. ``descend`` runs any optimizer of ``companion.optimizers`` from a start point
and returns the path it takes.

    surface = ill_conditioned()
    path = descend(surface.grad, surface.start, Momentum(lr=0.04), steps=100)   # (101, 2)

Example
-------
>>> from companion.surfaces import quadratic_bowl
>>> bowl = quadratic_bowl(1.0, 4.0)
>>> float(bowl.f(np.array([1.0, 1.0]))), bowl.grad(np.array([1.0, 1.0]))      # ½(x² + 4y²), (x, 4y)
(2.5, array([1., 4.]))
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from companion._validation import as_float_array, check_int, check_positive
from companion.optimizers import Optimizer

__all__ = [
    "Surface",
    "quadratic_bowl",
    "ill_conditioned",
    "rosenbrock",
    "gaussian_wells",
    "saddle",
    "descend",
]


@dataclass(frozen=True, eq=False)
class Surface:
    """A 2-D cost surface: ``f``, ``grad``, its minima and a window to draw it in.

    Attributes
    ----------
    name : str
        Short description with the parameters, e.g. ``"quadratic bowl (a=1, b=20)"``.
    f : callable
        ``f(p)``, p of shape (..., 2) → values of shape (...).
    grad : callable
        ``grad(p)``, p of shape (..., 2) → ∇f of shape (..., 2).
    minima : ndarray, shape (m, 2)
        The local minima, the global one first.
    xlim, ylim : tuple of float
        A window showing the interesting part of the surface.
    start : ndarray, shape (2,)
        A starting point that makes the surface's difficulty visible.
    """

    name: str
    f: Callable[[np.ndarray], np.ndarray]
    grad: Callable[[np.ndarray], np.ndarray]
    minima: np.ndarray
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    start: np.ndarray

    @property
    def minimum(self) -> np.ndarray:
        """The global minimum, shape (2,)."""
        return self.minima[0]

    def __iter__(self):
        """Unpack as ``f, grad = surface``."""
        return iter((self.f, self.grad))


def _points(p) -> np.ndarray:
    """Check ``p`` holds 2-D points on its last axis; keep float32 as float32."""
    p = as_float_array("p", p)
    if p.ndim == 0 or p.shape[-1] != 2:
        raise ValueError(
            f"p must have shape (2,) or (..., 2), the last axis holding (x, y); got shape {p.shape}"
        )
    return p


def _finite_number(name: str, value) -> float:
    """A finite real number of any sign."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number; got {type(value).__name__}")
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number; got {value}")
    return float(value)


def quadratic_bowl(a: float = 1.0, b: float = 1.0) -> Surface:
    """The quadratic bowl f(x, y) = ½ (a x² + b y²), ∇f = (a x, b y), minimum at (0, 0).

    The curvatures are a and b (the Hessian is diag(a, b)). Gradient descent with step η
    multiplies x by (1 − η a) and y by (1 − η b) at every step, so it converges exactly when
    η < 2 / max(a, b) and diverges when η > 2 / max(a, b). The ratio max(a, b)/min(a, b) is the
    condition number: the larger it is, the slower plain descent becomes.

    Parameters
    ----------
    a, b : float
        Curvatures along x and y, > 0.
    """
    a = check_positive("a", a)
    b = check_positive("b", b)

    def f(p):
        p = _points(p)
        return 0.5 * (a * p[..., 0] ** 2 + b * p[..., 1] ** 2)

    def grad(p):
        p = _points(p)
        return np.stack([a * p[..., 0], b * p[..., 1]], axis=-1)

    return Surface(f"quadratic bowl (a={a:g}, b={b:g})", f, grad, np.zeros((1, 2)),
                   (-2.0, 2.0), (-2.0, 2.0), np.array([-1.8, 1.5]))


def ill_conditioned(a: float = 1.0, b: float = 20.0) -> Surface:
    """A long narrow valley: ``quadratic_bowl(a, b)`` with condition number b/a = 20 by default.

    Plain gradient descent must keep η < 2/b for the steep y direction, and then crawls along
    the shallow x direction (its factor 1 − η a is close to 1); momentum and the adaptive
    methods fix this. Minimum at (0, 0).
    """
    bowl = quadratic_bowl(a, b)
    return Surface(f"ill-conditioned bowl (a={float(a):g}, b={float(b):g})", bowl.f, bowl.grad,
                   bowl.minima, (-2.0, 2.0), (-1.0, 1.0), np.array([-1.8, 0.8]))


def rosenbrock(a: float = 1.0, b: float = 100.0) -> Surface:
    """Rosenbrock's banana valley f(x, y) = (a − x)² + b (y − x²)².

        ∇f = ( −2 (a − x) − 4 b x (y − x²),  2 b (y − x²) )

    The only minimum is (a, a²), where f = 0; it lies at the bottom of a curved, flat-floored
    valley that is easy to reach and slow to follow.

    Parameters
    ----------
    a : float
        Position of the minimum, any finite number.
    b : float
        Steepness of the valley walls, > 0.
    """
    a_val = _finite_number("a", a)
    b = check_positive("b", b)

    def f(p):
        p = _points(p)
        x, y = p[..., 0], p[..., 1]
        return (a_val - x) ** 2 + b * (y - x * x) ** 2

    def grad(p):
        p = _points(p)
        x, y = p[..., 0], p[..., 1]
        return np.stack([-2.0 * (a_val - x) - 4.0 * b * x * (y - x * x), 2.0 * b * (y - x * x)], axis=-1)

    return Surface(f"Rosenbrock (a={a_val:g}, b={b:g})", f, grad, np.array([[a_val, a_val**2]]),
                   (-2.0, 2.0), (-1.0, 3.0), np.array([-1.5, 2.0]))


def saddle(a: float = 1.0, b: float = 1.0) -> Surface:
    """A saddle point between two valleys: f(x, y) = ½ a x² + b (¼ y⁴ − ½ y²).

        ∇f = (a x, b (y³ − y)),   Hessian at the origin = diag(a, −b)

    The origin is a saddle point (∇f = 0, curving up along x and down along y); the two minima
    are (0, ±1), where f = −b/4. Started near the ridge y = 0, gradient descent first slides
    down x into the saddle and then leaves it only as fast as the tiny y grows, by a factor
    (1 + η b) per step: the closer the start to y = 0, the longer it lingers. Methods that
    rescale each coordinate (AdaGrad, RMSprop, Adam) amplify the tiny y-gradient and escape
    sooner.

    Parameters
    ----------
    a : float
        Upward curvature along x at the saddle, > 0.
    b : float
        Downward curvature along y at the saddle, > 0 (also the depth scale of the minima).
    """
    a = check_positive("a", a)
    b = check_positive("b", b)

    def f(p):
        p = _points(p)
        y2 = p[..., 1] ** 2
        return 0.5 * a * p[..., 0] ** 2 + b * (0.25 * y2 * y2 - 0.5 * y2)

    def grad(p):
        p = _points(p)
        y = p[..., 1]
        return np.stack([a * p[..., 0], b * (y * y * y - y)], axis=-1)

    return Surface(f"saddle (a={a:g}, b={b:g})", f, grad, np.array([[0.0, 1.0], [0.0, -1.0]]),
                   (-2.0, 2.0), (-1.5, 1.5), np.array([-1.8, 0.01]))


_DEFAULT_WELLS = {
    "centers": ((1.2, 1.0), (-1.4, -0.6), (0.6, -1.6)),
    "depths": (2.0, 1.2, 0.8),
    "widths": (0.7, 0.6, 0.45),
}


def _wells_parts(p, centers, depths, widths):
    """Per-well offsets p − c_i (..., w, 2) and weights d_i exp(−‖p − c_i‖²/(2 s_i²)) / s_i²."""
    diff = p[..., None, :] - centers.astype(p.dtype)                    # (..., w, 2)
    r2 = np.sum(diff * diff, axis=-1)                                    # (..., w)
    bumps = depths.astype(p.dtype) * np.exp(-r2 / (2.0 * widths.astype(p.dtype) ** 2))
    return diff, bumps


def gaussian_wells(centers=None, depths=None, widths=None, bowl: float = 0.05) -> Surface:
    """A non-convex surface with several local minima: Gaussian wells in a shallow bowl.

        f(p) = ½ q ‖p‖² − Σ_i d_i exp(−‖p − c_i‖² / (2 s_i²))
        ∇f(p) = q p + Σ_i d_i exp(−‖p − c_i‖² / (2 s_i²)) (p − c_i) / s_i²

    Each well of depth d_i and width s_i centred at c_i makes a local minimum near c_i
    (pulled slightly off-centre by the bowl and the other wells); the bowl q‖p‖²/2 keeps
    far-away starts from wandering off. By default three wells of different depths: where
    descent ends depends on where it starts. ``minima`` are located (‖∇f‖ < 1e-10) by
    safeguarded Newton steps from each centre, duplicates dropped (a shallow well on the flank
    of a deep one may have no minimum of its own), and sorted by f, so ``minimum`` is the
    global one.

    Parameters
    ----------
    centers : array, shape (w, 2), optional
        Well centres c_i.
    depths : array, shape (w,), optional
        Depths d_i > 0.
    widths : array, shape (w,), optional
        Widths s_i > 0.
    bowl : float
        Curvature q > 0 of the enclosing bowl.
    """
    c, d, s = _check_wells(centers, depths, widths)
    q = check_positive("bowl", bowl)

    def f(p):
        p = _points(p)
        _, bumps = _wells_parts(p, c, d, s)
        return 0.5 * q * np.sum(p * p, axis=-1) - np.sum(bumps, axis=-1)

    def grad(p):
        p = _points(p)
        diff, bumps = _wells_parts(p, c, d, s)
        return q * p + np.sum((bumps / s.astype(p.dtype) ** 2)[..., None] * diff, axis=-2)

    minima = _wells_minima(f, grad, c, d, s, q)
    return Surface(f"{len(d)} Gaussian wells (bowl={q:g})", f, grad, minima,
                   (-3.0, 3.0), (-3.0, 3.0), np.array([-2.5, 2.5]))


def _check_wells(centers, depths, widths):
    """Centres (w, 2), depths (w,) and widths (w,) as float64 arrays; defaults where None."""
    c = np.array(_DEFAULT_WELLS["centers"] if centers is None else as_float_array("centers", centers), float)
    d = np.array(_DEFAULT_WELLS["depths"] if depths is None else as_float_array("depths", depths), float)
    s = np.array(_DEFAULT_WELLS["widths"] if widths is None else as_float_array("widths", widths), float)
    if c.ndim != 2 or c.shape[1] != 2 or c.shape[0] == 0:
        raise ValueError(f"centers must have shape (w, 2), one well per row; got shape {c.shape}")
    for name, arr in (("depths", d), ("widths", s)):
        if arr.shape != (c.shape[0],):
            raise ValueError(f"{name} must have shape ({c.shape[0]},), one value per well; got shape {arr.shape}")
        if not (np.all(np.isfinite(arr)) and np.all(arr > 0)):
            raise ValueError(f"{name} must all be finite and > 0; got {arr.tolist()}")
    if not np.all(np.isfinite(c)):
        raise ValueError(f"centers must be finite; got {c.tolist()}")
    return c, d, s


def _wells_hessian(p, c, d, s, q) -> np.ndarray:
    """Hessian (2, 2) of the wells surface at one point p (2,)."""
    diff = p - c                                                         # (w, 2)
    bumps = d * np.exp(-np.sum(diff * diff, axis=1) / (2 * s**2)) / s**2  # (w,)
    outer = diff[:, :, None] * diff[:, None, :] / (s**2)[:, None, None]  # (w, 2, 2)
    return q * np.eye(2) + np.sum(bumps[:, None, None] * (np.eye(2) - outer), axis=0)


_MAX_ITER = 500  # iterations per start when locating the minima of a wells surface


def _wells_minima(f, grad, c, d, s, q) -> np.ndarray:
    """Local minima of the wells surface, distinct and sorted by f.

    From every centre: a Newton step where the Hessian is positive definite and the step lowers
    f, otherwise a gradient step of size 1/L with L = q + Σ d_i/s_i² (a bound on the curvature,
    so that step never increases f). Stops when ‖∇f‖ < 1e-10.
    """
    step = 1.0 / (q + np.sum(d / s**2))
    found = []
    for p in c.copy():
        for _ in range(_MAX_ITER):
            g = grad(p)
            if np.linalg.norm(g) < 1e-10:
                break
            p = _newton_or_gradient_step(f, p, g, _wells_hessian(p, c, d, s, q), step)
        positive = np.all(np.linalg.eigvalsh(_wells_hessian(p, c, d, s, q)) > 0)
        if np.linalg.norm(grad(p)) < 1e-10 and positive and all(np.linalg.norm(p - m) > 1e-6 for m in found):
            found.append(p)
    if not found:
        raise ValueError(f"could not locate the minima of the wells within {_MAX_ITER} iterations; "
                         "use wells of more similar widths or a stronger bowl")
    return np.array(sorted(found, key=lambda m: float(f(m))))


def _newton_or_gradient_step(f, p, g, H, step) -> np.ndarray:
    """One safeguarded step: Newton's when H is positive definite and it lowers f, else gradient."""
    if np.all(np.linalg.eigvalsh(H) > 0):
        newton = p - np.linalg.solve(H, g)
        if f(newton) <= f(p):
            return newton
    return p - step * g


def descend(grad, x0, optimizer: Optimizer, steps: int, max_norm: float = 1e6) -> np.ndarray:
    """Run ``optimizer`` on a 2-D surface from ``x0`` and return the visited points.

    At each step the gradient is evaluated at the current point p and ``optimizer.step([p],
    [grad(p)])`` moves p. The optimizer's state is reset first, so one optimizer object can draw
    several paths. ``x0`` is copied, never modified.

    Parameters
    ----------
    grad : callable or Surface
        ``grad(p)`` for p of shape (2,) returning shape (2,); a ``Surface`` uses its ``grad``.
    x0 : array, shape (2,)
        Starting point (float32 stays float32).
    optimizer : Optimizer
        Any optimizer from ``companion.optimizers``.
    steps : int
        Number of updates, ≥ 0.
    max_norm : float
        A point farther than this from the origin counts as diverged.

    Returns
    -------
    path : ndarray, shape (steps + 1, 2)
        ``path[0]`` is ``x0``, ``path[k]`` the point after k updates. If the descent diverges
        (a point leaves the ball of radius ``max_norm``), the rows after it are NaN, so a plot
        shows the path up to where it blew up and ``np.isnan(path).any()`` tells it diverged.
    """
    grad_fn = grad.grad if isinstance(grad, Surface) else grad
    if not callable(grad_fn):
        raise TypeError(f"grad must be a callable p -> gradient or a Surface; got {type(grad).__name__}")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be an Optimizer from companion.optimizers; got {type(optimizer).__name__}")
    steps = check_int("steps", steps, minimum=0)
    max_norm = check_positive("max_norm", max_norm)
    p = np.array(as_float_array("x0", x0), copy=True)
    if p.shape != (2,):
        raise ValueError(f"x0 must have shape (2,), a point (x, y); got shape {p.shape}")
    path = np.full((steps + 1, 2), np.nan, dtype=p.dtype)
    path[0] = p
    optimizer.reset()
    for k in range(1, steps + 1):
        g = np.asarray(grad_fn(p))
        if g.shape != (2,):
            raise ValueError(f"grad(p) must return shape (2,) for p of shape (2,); got shape {g.shape}")
        optimizer.step([p], [g])
        if not (np.all(np.isfinite(p)) and np.linalg.norm(p) <= max_norm):
            break
        path[k] = p
    return path
