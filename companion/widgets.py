"""Interactive explorers for the chapters: move a slider, watch the figure change.

Each builder returns an :class:`Explorer`, an ``ipywidgets.VBox`` holding its controls above an
``ipywidgets.Output`` that shows a matplotlib figure, redrawn whenever a control changes:

- :func:`learning_rate_explorer` — gradient descent on a 2-D bowl: too small, good, oscillating
  and divergent learning rates (chapter 4);
- :func:`optimizer_race` — every optimizer of :mod:`companion.optimizers` on one surface (chapter 7);
- :func:`activation_explorer` — an activation and its derivative: saturation, dying ReLU (chapter 3);
- :func:`regularization_explorer` — L2 strength λ against fit, training and validation error
  (chapter 10);
- :func:`width_explorer` — a one-hidden-layer network approximating a 1-D function as the hidden
  layer widens (chapter 9).

Besides being a widget, an explorer exposes what it drew, so it works (and is tested) without a
browser::

    w = learning_rate_explorer()
    w.controls["lr"].value = 0.12      # what moving the slider does
    w.state["regime"], w.state["final_loss"]
    w.figure                            # the matplotlib Figure, e.g. to show a static copy

In a notebook, show the explorer by making it the last value of a cell (tag that cell
``nbval-ignore-output``), and show a static copy next to it — ``w.snapshot()`` (a PNG) or
``w.figure`` — so that the chapter still reads without a running kernel.
"""
from __future__ import annotations

import io
from collections.abc import Callable
from contextlib import contextmanager

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from companion import plotting
from companion._validation import check_choice, check_positive, make_rng

__all__ = [
    "Explorer",
    "learning_rate_explorer",
    "optimizer_race",
    "activation_explorer",
    "regularization_explorer",
    "width_explorer",
    "art_vigilance_explorer",
    "FILTERS",
    "filter_explorer",
]


MARGINS = {"left": 0.08, "right": 0.98, "bottom": 0.14, "top": 0.9, "wspace": 0.28}
"""Default figure margins of an explorer (fractions of the figure)."""


class Explorer(widgets.VBox):
    """Controls above a figure that is redrawn whenever a control's value changes.

    Parameters
    ----------
    controls : dict name → widget
        Value widgets (sliders, dropdowns); their current values are passed to ``draw`` by name.
    draw : callable ``draw(figure, values) -> state``
        Draws on the (cleared) ``figure`` from the dict ``values`` and returns a dict of the
        numbers it drew (final loss, errors, …).
    rows : list of lists of control names, optional
        How to arrange the controls (one ``HBox`` per row); all in one row by default.
    hooks : dict name → callable(explorer), optional
        Run when that control changes, before the redraw (e.g. to reset other sliders); the
        figure is redrawn once afterwards, however many controls the hook changes.
    figsize : (width, height) in inches.
    margins : dict, optional
        Overrides of ``MARGINS`` (keyword arguments of ``Figure.subplots_adjust``).

    Attributes
    ----------
    controls : dict name → widget
    figure : matplotlib.figure.Figure
    state : dict — what the last redraw returned
    output : ipywidgets.Output — where the figure is shown in a notebook
    """

    def __init__(self, controls: dict, draw: Callable[[Figure, dict], dict], rows=None, hooks=None,
                 figsize=(9.0, 3.6), margins=None) -> None:
        super().__init__()
        self.controls = dict(controls)
        # Fixed margins rather than a layout engine: constrained layout would triple the redraw time.
        # Made through pyplot (so that Jupyter's inline backend knows how to show a Figure) and
        # closed at once (so that pyplot does not show it a second time at the end of the cell).
        self.figure = plt.figure(figsize=figsize, dpi=80)
        plt.close(self.figure)
        self._margins = {**MARGINS, **(margins or {})}
        self.output = widgets.Output()
        self.state: dict = {}
        self._draw, self._hooks, self._held = draw, dict(hooks or {}), 0
        rows = rows if rows is not None else [list(self.controls)]
        self.children = [*(widgets.HBox([self.controls[k] for k in row]) for row in rows), self.output]
        for name, control in self.controls.items():
            control.observe(lambda change, name=name: self._changed(name), names="value")
        self.redraw()

    @property
    def values(self) -> dict:
        """The controls' current values, by name."""
        return {name: control.value for name, control in self.controls.items()}

    @contextmanager
    def hold(self):
        """Change several controls with a single redraw at the end: ``with w.hold(): …``."""
        self._held += 1
        try:
            yield self
        finally:
            self._held -= 1
        if self._held == 0:
            self.redraw()

    def _changed(self, name: str) -> None:
        if self._held:
            return
        if name in self._hooks:
            with self.hold():
                self._hooks[name](self)
        else:
            self.redraw()

    def redraw(self) -> None:
        """Clear the figure, draw it from the current values, update ``state`` and the display."""
        self.figure.clear()
        self.state = self._draw(self.figure, self.values)
        self.figure.subplots_adjust(**self._margins)
        self._show()

    def snapshot(self):
        """The figure as it is now, as a PNG image: a static copy to show next to the widget."""
        from IPython.display import Image

        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png")
        return Image(buffer.getvalue())

    def _show(self) -> None:
        from IPython import get_ipython
        from IPython.display import clear_output, display

        if get_ipython() is None:  # a script or a test: figure and state are up to date, nothing to show
            return
        with self.output:
            clear_output(wait=True)
            display(self.snapshot())


def _log_slider(description: str, value: float, low: float, high: float, readout_format=".3g"):
    """A slider over [low, high] on a log scale (base 10), updating when released."""
    return widgets.FloatLogSlider(value=value, base=10, min=np.log10(low), max=np.log10(high),
                                  step=0.02, description=description, readout_format=readout_format,
                                  continuous_update=False, style={"description_width": "initial"})


def _set_log_range(slider, low: float, high: float, value: float) -> None:
    """Move a log slider to a new range [low, high] and value, in an order its checks accept."""
    lo, hi = np.log10(low), np.log10(high)
    if lo > slider.max:
        slider.max = hi
        slider.min = lo
    else:
        slider.min = lo
        slider.max = hi
    slider.value = float(np.clip(value, low, high))


# ----------------------------------------------------------------------------- learning rate


def _lr_surfaces() -> dict:
    from companion.surfaces import ill_conditioned, quadratic_bowl

    return {"round bowl": quadratic_bowl(), "ill-conditioned valley": ill_conditioned()}


def _max_curvature(surface) -> float:
    """Largest eigenvalue of the Hessian at the minimum, by central differences of ``grad``."""
    h, m = 1e-4, surface.minimum
    columns = [(surface.grad(m + h * e) - surface.grad(m - h * e)) / (2 * h) for e in np.eye(2)]
    hessian = np.column_stack(columns)
    return float(np.max(np.linalg.eigvalsh((hessian + hessian.T) / 2)))


def _classify_path(surface, path: np.ndarray) -> dict:
    """Numbers describing a gradient-descent path, and its regime.

    Regimes, checked in this order: ``"diverged"`` (the path left the ball ``descend`` allows,
    which it marks with NaN rows, or the loss ended above where it started); ``"oscillating"`` (some coordinate of x − x* changes sign
    on at least half of the steps); ``"too small"`` (the loss fell by less than a factor 100);
    otherwise ``"good"``.
    """
    finite = path[np.all(np.isfinite(path), axis=1)]
    losses = surface.f(finite)
    diverged = len(finite) < len(path) or bool(losses[-1] > losses[0])
    offsets = finite - surface.minimum
    flips = np.sign(offsets[1:]) * np.sign(offsets[:-1]) < 0
    oscillating = bool(len(flips) and np.any(flips.mean(axis=0) >= 0.5))
    if diverged:
        regime = "diverged"
    elif oscillating:
        regime = "oscillating"
    elif losses[-1] > losses[0] / 100:
        regime = "too small"
    else:
        regime = "good"
    return {"initial_loss": float(losses[0]), "final_loss": float(losses[-1]),
            "final_point": finite[-1].copy(), "steps_taken": len(finite) - 1,
            "diverged": diverged, "oscillating": oscillating, "regime": regime}


# A diverging run is stopped once its loss exceeds this multiple of the starting loss: later
# steps would only push the loss axis to overflow and make the steps slider look broken.
DIVERGENCE_FACTOR = 1e3
# The loss axis shows at most this range below the starting loss: float64 keeps about 16 digits,
# so a loss 1e-16 times its start is already "zero" for the eye.
LOSS_FLOOR = 1e-16


def _stop_at_divergence(surface, path: np.ndarray) -> tuple[np.ndarray, int | None]:
    """The path up to and including the first step whose loss exceeds ``DIVERGENCE_FACTOR`` times the
    starting loss (or leaves the finite range), and that step's index; ``None`` if it never does."""
    finite = np.all(np.isfinite(path), axis=1)
    losses = np.full(len(path), np.inf)
    losses[finite] = surface.f(path[finite])
    blown = np.flatnonzero(~(losses <= DIVERGENCE_FACTOR * losses[0]))
    if len(blown) == 0:
        return path, None
    stop = int(blown[0]) if finite[blown[0]] else int(blown[0]) - 1
    return path[:stop + 1], int(blown[0])


def _draw_losses(ax, losses: np.ndarray, stopped_at: int | None) -> None:
    """Loss per step on a log axis clipped to [start·LOSS_FLOOR, the largest loss], with a note
    where a diverging run was stopped."""
    floor = losses[0] * LOSS_FLOOR
    ax.semilogy(np.maximum(losses, floor), marker=".")
    ax.set_ylim(floor / 2, 2 * losses.max())
    ax.set(xlabel="step", ylabel="f(x)")
    if stopped_at is not None:
        ax.text(0.03, 0.95, f"diverged: stopped at step {stopped_at}\n(loss > {DIVERGENCE_FACTOR:.0e} × its start)",
                transform=ax.transAxes, va="top", color="C3", fontsize=9)


def learning_rate_explorer(surface: str = "ill-conditioned valley", lr: float = 0.08,
                           steps: int = 30) -> Explorer:
    """Plain gradient descent ``x ← x − η ∇f(x)`` on a 2-D quadratic bowl, with an η slider.

    On a quadratic with Hessian eigenvalues λ_i the error along each eigenvector is multiplied
    by ``1 − η λ_i`` per step, so descent is slow for η ≪ 1/λ_max, oscillates for
    1/λ_max < η < 2/λ_max and diverges for η > 2/λ_max. The slider spans 0.005/λ_max … 3/λ_max
    (a starting ``lr`` outside that range is clipped to it); λ_max is measured from the
    surface's gradient by central differences.

    A diverging run is stopped at the first step whose loss exceeds ``DIVERGENCE_FACTOR`` times its
    start, with a note on the loss panel, and the loss axis is clipped to ``LOSS_FLOOR`` times the
    starting loss, so both panels stay readable whatever η and the number of steps.

    Controls: ``"lr"`` (η), ``"surface"`` (``"round bowl"`` or ``"ill-conditioned valley"``),
    ``"steps"``. ``state`` holds ``lr``, ``lr_critical`` (= 2/λ_max), ``stopped_at`` (the step at
    which a diverging run was stopped, else ``None``), ``initial_loss``,
    ``final_loss``, ``final_point``, ``steps_taken``, ``diverged``, ``oscillating`` and
    ``regime`` (``"too small"``, ``"good"``, ``"oscillating"`` or ``"diverged"``).
    """
    surfaces = _lr_surfaces()
    check_choice("surface", surface, surfaces)
    lr = check_positive("lr", lr)
    lam = _max_curvature(surfaces[surface])
    controls = {
        "lr": _log_slider("learning rate η", float(np.clip(lr, 0.005 / lam, 3 / lam)), 0.005 / lam, 3 / lam),
        "surface": widgets.Dropdown(options=sorted(surfaces), value=surface, description="surface"),
        "steps": widgets.IntSlider(value=steps, min=1, max=200, description="steps", continuous_update=False),
    }

    def new_surface(w: Explorer) -> None:
        lam_new = _max_curvature(surfaces[w.controls["surface"].value])
        _set_log_range(w.controls["lr"], 0.005 / lam_new, 3 / lam_new, 0.8 / lam_new)

    def draw(fig: Figure, v: dict) -> dict:
        from companion.optimizers import SGD
        from companion.surfaces import descend

        s = surfaces[v["surface"]]
        path, stopped_at = _stop_at_divergence(s, descend(s.grad, s.start, SGD(lr=v["lr"]), steps=v["steps"]))
        state = {"lr": v["lr"], "lr_critical": 2 / _max_curvature(s), "stopped_at": stopped_at,
                 **_classify_path(s, path)}
        left, right = fig.subplots(1, 2)
        plotting.plot_contours(s.f, s.xlim, s.ylim, ax=left, levels=20, resolution=120)
        plotting.plot_path(path, ax=left, label=f"η = {v['lr']:.3g}")
        left.set_title(f"{s.name}: {state['regime']}")
        _draw_losses(right, s.f(path), stopped_at)
        right.set_title(f"loss (η·λ_max = {v['lr'] * 2 / state['lr_critical']:.2f})")
        return state

    return Explorer(controls, draw, hooks={"surface": new_surface})


# ----------------------------------------------------------------------------- optimizer race

# Starting learning rates and step counts per surface: values near the best of a grid
# 1e-4 … 3 for each method, backed off a little where the best one makes a jumpy path.
RACE_DEFAULTS = {
    "ill-conditioned valley": {"sgd": 0.06, "momentum": 0.02, "nesterov": 0.03,
                               "adagrad": 0.5, "rmsprop": 0.02, "adam": 0.1},
    "Rosenbrock valley": {"sgd": 0.001, "momentum": 0.001, "nesterov": 0.0007,
                          "adagrad": 0.5, "rmsprop": 0.01, "adam": 0.1},
    "wells": {"sgd": 0.2, "momentum": 0.1, "nesterov": 0.1,
              "adagrad": 0.5, "rmsprop": 0.05, "adam": 0.1},
}
RACE_STEPS = {"ill-conditioned valley": 100, "Rosenbrock valley": 500, "wells": 100}


def _race_surfaces() -> dict:
    from companion.surfaces import gaussian_wells, ill_conditioned, rosenbrock

    return {"ill-conditioned valley": ill_conditioned(), "Rosenbrock valley": rosenbrock(),
            "wells": gaussian_wells()}


def optimizer_race(surface: str = "ill-conditioned valley", steps: int | None = None) -> Explorer:
    """Every optimizer of ``companion.optimizers`` started from the same point of one surface.

    Controls: ``"surface"``, ``"steps"`` and one learning-rate slider per optimizer,
    ``"lr_sgd"``, ``"lr_momentum"``, ``"lr_nesterov"``, ``"lr_adagrad"``, ``"lr_rmsprop"``,
    ``"lr_adam"``; choosing a surface resets the sliders to ``RACE_DEFAULTS`` and the steps to
    ``RACE_STEPS`` (``steps=None`` starts there too). ``state`` holds, per
    optimizer name, ``final_loss``, ``distance`` (from the global minimum), ``diverged`` and
    ``lr``.
    """
    from companion.optimizers import OPTIMIZERS

    surfaces = _race_surfaces()
    check_choice("surface", surface, surfaces)
    names = list(OPTIMIZERS)
    controls = {
        "surface": widgets.Dropdown(options=list(surfaces), value=surface, description="surface"),
        "steps": widgets.IntSlider(value=steps or RACE_STEPS[surface], min=10, max=1000, step=10, description="steps",
                                   continuous_update=False),
    }
    for name in names:
        controls[f"lr_{name}"] = _log_slider(f"η {OPTIMIZERS[name].__name__}",
                                             RACE_DEFAULTS[surface][name], 1e-4, 3.0)

    def new_surface(w: Explorer) -> None:
        chosen = w.controls["surface"].value
        w.controls["steps"].value = RACE_STEPS[chosen]
        for name in names:
            w.controls[f"lr_{name}"].value = RACE_DEFAULTS[chosen][name]

    def draw(fig: Figure, v: dict) -> dict:
        from companion.surfaces import descend

        s = surfaces[v["surface"]]
        ax = fig.subplots()
        plotting.plot_contours(s.f, s.xlim, s.ylim, ax=ax, levels=25, log=True, resolution=120)
        state: dict = {"final_loss": {}, "distance": {}, "diverged": {}, "lr": {}}
        for name in names:
            lr = v[f"lr_{name}"]
            path = descend(s.grad, s.start, OPTIMIZERS[name](lr=lr), steps=v["steps"])
            _race_record(state, name, s, path, lr)
            plotting.plot_path(path, ax=ax, label=_race_label(name, state))
        ax.plot(*s.minimum, marker="P", color="k", markersize=10, linestyle="none")
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0))
        ax.set_title(f"{s.name}, {v['steps']} steps")
        return state

    rows = [["surface", "steps"], [f"lr_{n}" for n in names[:3]], [f"lr_{n}" for n in names[3:]]]
    return Explorer(controls, draw, rows=rows, hooks={"surface": new_surface}, figsize=(8.5, 4.5),
                    margins={"left": 0.08, "right": 0.58, "bottom": 0.11, "top": 0.93})


def _race_record(state: dict, name: str, surface, path: np.ndarray, lr: float) -> None:
    """Store one optimizer's result: final loss, distance to the minimum, divergence."""
    finite = path[np.all(np.isfinite(path), axis=1)]
    diverged = len(finite) < len(path)
    state["final_loss"][name] = float("inf") if diverged else float(surface.f(finite[-1]))
    state["distance"][name] = float("inf") if diverged else float(np.linalg.norm(finite[-1] - surface.minimum))
    state["diverged"][name] = diverged
    state["lr"][name] = lr


def _race_label(name: str, state: dict) -> str:
    from companion.optimizers import OPTIMIZERS

    loss = "diverged" if state["diverged"][name] else f"f = {state['final_loss'][name]:.2g}"
    return f"{OPTIMIZERS[name].__name__} (η={state['lr'][name]:.2g}): {loss}"


# ----------------------------------------------------------------------------- activations


def activation_explorer(name: str = "sigmoid", zmax: float = 6.0, alpha: float = 0.1) -> Explorer:
    """An activation f(z) and its derivative f′(z), side by side.

    Controls: ``"activation"`` (a name of ``companion.activations.ACTIVATIONS``), ``"alpha"``
    (leaky ReLU's slope for z ≤ 0; enabled only for ``"leaky_relu"``) and ``"zmax"`` (plot
    z ∈ [−zmax, zmax]). ``state`` holds ``activation``, ``alpha``, ``f_at_0``, ``slope_at_0``,
    ``max_slope``, ``min_slope`` and ``vanishing_fraction`` — the fraction of the plotted range
    where f′(z) < 0.01, where a neuron learns (almost) nothing (BP2 multiplies by f′).
    """
    from companion.activations import ACTIVATIONS

    check_choice("activation", name, ACTIVATIONS)
    controls = {
        "activation": widgets.Dropdown(options=sorted(ACTIVATIONS), value=name, description="activation"),
        "alpha": widgets.FloatSlider(value=alpha, min=0.0, max=0.5, step=0.01, description="leaky α",
                                     disabled=name != "leaky_relu", continuous_update=False),
        "zmax": widgets.FloatSlider(value=zmax, min=1.0, max=20.0, step=0.5, description="z range ±",
                                    continuous_update=False),
    }

    def new_activation(w: Explorer) -> None:
        w.controls["alpha"].disabled = w.controls["activation"].value != "leaky_relu"

    def draw(fig: Figure, v: dict) -> dict:
        f, f_prime = ACTIVATIONS[v["activation"]]
        if v["activation"] == "leaky_relu":
            f, f_prime = (lambda z, g=f: g(z, v["alpha"])), (lambda z, g=f_prime: g(z, v["alpha"]))
        z = np.linspace(-v["zmax"], v["zmax"], 401)  # odd count: z = 0 is a grid point
        values, slopes = f(z), f_prime(z)
        left, right = fig.subplots(1, 2)
        for ax, y, label in ((left, values, "f(z)"), (right, slopes, "f′(z)")):
            ax.plot(z, y)
            ax.axhline(0, color="0.5", linewidth=0.8)
            ax.set(xlabel="z", ylabel=label, title=f"{v['activation']}: {label}")
        right.fill_between(z, 0, 1, where=slopes < 0.01, transform=right.get_xaxis_transform(),
                           color="tab:red", alpha=0.12, label="f′ < 0.01")
        right.legend(loc="best")
        return {"activation": v["activation"], "alpha": v["alpha"], "f_at_0": float(values[200]),
                "slope_at_0": float(slopes[200]), "max_slope": float(slopes.max()),
                "min_slope": float(slopes.min()), "vanishing_fraction": float(np.mean(slopes < 0.01))}

    return Explorer(controls, draw, hooks={"activation": new_activation})


# ----------------------------------------------------------------------------- regularization


def _true_curve(x: np.ndarray) -> np.ndarray:
    """The function behind the regression data: sin(2πx) on [0, 1]."""
    return np.sin(2 * np.pi * x)


def _ridge_fit(features: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
    """Coefficients w minimizing ½·mean((Φw − y)²) + (λ/2)·‖w[1:]‖² (the constant term is free).

    Solved stably as the least-squares problem ``[Φ/√n; √λ·D] w ≈ [y/√n; 0]`` with D
    selecting the penalized coefficients — the same minimizer as the normal equations
    ``(ΦᵀΦ/n + λD) w = Φᵀy/n``.
    """
    n, p = features.shape
    penalty = np.sqrt(lam) * np.eye(p)[1:]
    A = np.vstack([features / np.sqrt(n), penalty])
    b = np.concatenate([y / np.sqrt(n), np.zeros(p - 1)])
    return np.linalg.lstsq(A, b, rcond=None)[0]


def _poly_features(x: np.ndarray, degree: int) -> np.ndarray:
    """Legendre polynomials P_0 … P_degree of 2x − 1 (x ∈ [0, 1]), shape (n, degree + 1)."""
    return np.polynomial.legendre.legvander(2 * x - 1, degree)


def regularization_explorer(lam: float = 1e-3, degree: int = 12, n: int = 30, noise: float = 0.25,
                            seed: int = 0) -> Explorer:
    """A degree-``degree`` polynomial fitted with L2 regularization to noisy samples of sin(2πx).

    The fit minimizes ``½·mean((ŷ − y)²) + (λ/2)·‖w‖²`` over the polynomial's coefficients w in
    the Legendre basis P_k(2x − 1) (better conditioned than powers of x; the constant term is
    not penalized, like a network's biases), which is the cost
    ``companion.regularization.l2_penalty`` adds in training. ``n`` points from
    ``companion.datasets.regression_1d`` are split alternately into training and validation
    halves. Left: data, truth and fit; right: training and validation error against λ.

    Controls: ``"lam"`` (λ, log scale 1e-8 … 10) and ``"degree"``. ``state`` holds ``lam``,
    ``degree``, ``train_mse``, ``val_mse``, ``weight_norm`` (‖w‖ of the penalized
    coefficients) and ``best_lam`` (the λ of the grid with the lowest validation error).
    ``explorer.data`` holds the arrays ``x_train, y_train, x_val, y_val`` (each (m,)).
    """
    from companion.datasets import regression_1d

    lam = check_positive("lam", lam)
    x, y = regression_1d(n=n, noise=noise, seed=seed, f=_true_curve)
    data = {"x_train": x[::2, 0], "y_train": y[::2, 0], "x_val": x[1::2, 0], "y_val": y[1::2, 0]}
    grid, curves = np.logspace(-8, 1, 46), {}
    controls = {
        "lam": _log_slider("L2 strength λ", float(np.clip(lam, 1e-8, 10.0)), 1e-8, 10.0, ".1e"),
        "degree": widgets.IntSlider(value=degree, min=1, max=14, description="degree", continuous_update=False),
    }

    def errors(w: np.ndarray, deg: int) -> tuple[float, float]:
        fit = [_poly_features(data[f"x_{s}"], deg) @ w for s in ("train", "val")]
        return (float(np.mean((fit[0] - data["y_train"]) ** 2)), float(np.mean((fit[1] - data["y_val"]) ** 2)))

    def draw(fig: Figure, v: dict) -> dict:
        deg, phi = v["degree"], _poly_features(data["x_train"], v["degree"])
        w = _ridge_fit(phi, data["y_train"], v["lam"])
        train_mse, val_mse = errors(w, deg)
        if deg not in curves:  # training/validation error against λ, once per degree
            curves[deg] = np.array([errors(_ridge_fit(phi, data["y_train"], g), deg) for g in grid])
        curve = curves[deg]
        left, right = fig.subplots(1, 2)
        _draw_fit(left, data, w, deg)
        right.loglog(grid, curve[:, 0], label="training")
        right.loglog(grid, curve[:, 1], label="validation")
        right.axvline(v["lam"], color="k", linestyle="--", linewidth=1, label=f"λ = {v['lam']:.1e}")
        right.set(xlabel="λ", ylabel="mean squared error", title="error against L2 strength")
        right.legend(loc="best")
        return {"lam": v["lam"], "degree": deg, "train_mse": train_mse, "val_mse": val_mse,
                "weight_norm": float(np.linalg.norm(w[1:])), "best_lam": float(grid[np.argmin(curve[:, 1])])}

    explorer = Explorer(controls, draw)
    explorer.data = data
    return explorer


def _draw_fit(ax, data: dict, w: np.ndarray, degree: int) -> None:
    """Training/validation points, the true curve and the fitted polynomial on [0, 1]."""
    xs = np.linspace(0, 1, 300)
    ax.plot(xs, _true_curve(xs), color="0.5", linestyle="--", linewidth=1, label="sin(2πx)")
    ax.plot(xs, _poly_features(xs, degree) @ w, color="tab:red", label=f"degree-{degree} fit")
    ax.scatter(data["x_train"], data["y_train"], s=18, color="tab:blue", label="training")
    ax.scatter(data["x_val"], data["y_val"], s=18, facecolors="none", edgecolors="tab:orange", label="validation")
    ax.set_ylim(-2.0, 2.0)
    ax.set(xlabel="x", ylabel="y", title="fit to the training points")
    ax.legend(loc="lower left", fontsize=7)


# ----------------------------------------------------------------------------- width


WIDTH_TARGETS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sine": lambda x: np.sin(2 * np.pi * x),
    "bump": lambda x: np.exp(-(((x - 0.5) / 0.1) ** 2)),
    "step": lambda x: (x >= 1 / np.sqrt(5)).astype(float),  # a jump at an irrational point
    "zigzag": lambda x: np.abs((4 * x) % 2 - 1),
}
"""Target functions on [0, 1] for :func:`width_explorer`."""

MAX_WIDTH = 100


def _random_sigmoid_features(x: np.ndarray, width: int, seed: int) -> np.ndarray:
    """Hidden activations σ(w_j (x − c_j)), j < width, shape (len(x), width).

    Centres c_j ~ U(0, 1) and slopes |w_j| ~ U(5, 40) with random signs. Feature j does not
    depend on ``width``, so a wider layer contains every neuron of a narrower one.
    """
    from companion.activations import sigmoid

    rng = make_rng(seed)
    centres = rng.uniform(0.0, 1.0, MAX_WIDTH)
    slopes = rng.uniform(5.0, 40.0, MAX_WIDTH) * rng.choice([-1.0, 1.0], MAX_WIDTH)
    return sigmoid(slopes[:width] * (x[:, None] - centres[:width]))


def _least_squares_network(x: np.ndarray, target: np.ndarray, width: int, seed: int) -> np.ndarray:
    """Output of a 1-width-1 network: random hidden layer, output weights and bias by least squares."""
    hidden = np.column_stack([_random_sigmoid_features(x, width, seed), np.ones_like(x)])
    weights = np.linalg.lstsq(hidden, target, rcond=None)[0]
    return hidden @ weights


def _least_squares_errors(x: np.ndarray, target: np.ndarray, seed: int) -> np.ndarray:
    """RMS error of the least-squares network for every width 1 … MAX_WIDTH, from one QR.

    With A = [1, h_1, …, h_MAX] = QR, the best fit using the first k + 1 columns is the
    projection onto q_0 … q_k, so its squared residual is ‖y‖² − Σ_{i≤k} (q_iᵀy)².
    """
    A = np.column_stack([np.ones_like(x), _random_sigmoid_features(x, MAX_WIDTH, seed)])
    Q, _ = np.linalg.qr(A)
    explained = np.cumsum((Q.T @ target) ** 2)[1:]
    return np.sqrt(np.maximum(target @ target - explained, 0.0) / len(x))


def _staircase_network(x: np.ndarray, f: Callable, width: int) -> np.ndarray:
    """Output of a constructed 1-width-1 network: each hidden neuron is one step of a staircase.

    [0, 1] is cut into width + 1 cells with centres c_k; hidden neuron k is a steep sigmoid
    σ(s (x − t_k)) at the boundary t_k = k/(width + 1), and its output weight is the jump
    f(c_k) − f(c_{k−1}); the output bias is f(c_0). Steepness s = 50 (width + 1).
    """
    from companion.activations import sigmoid

    cells = width + 1
    centres = (np.arange(cells) + 0.5) / cells
    heights = f(centres)
    boundaries = np.arange(1, cells) / cells
    hidden = sigmoid(50.0 * cells * (x[:, None] - boundaries))
    return heights[0] + hidden @ np.diff(heights)


def width_explorer(width: int = 5, target: str = "sine", method: str = "least squares",
                   seed: int = 0) -> Explorer:
    """A network with one hidden layer of sigmoid neurons approximating a function on [0, 1].

    Two ways to choose the weights, both fast enough to redraw as the slider moves:
    ``"least squares"`` — random hidden weights and biases, output layer fitted by least squares
    (the error never grows with the width, since a wider layer contains the narrower one);
    ``"steps"`` — a constructed network whose neurons are steep sigmoids building a staircase,
    the constructive argument for universal approximation.

    Controls: ``"width"`` (1 … 100), ``"target"`` (a key of ``WIDTH_TARGETS``), ``"method"``.
    ``state`` holds ``width``, ``target``, ``method``, ``rms_error``, ``max_error`` (over 400
    points of [0, 1]) and ``n_parameters`` (3·width + 1).
    """
    check_choice("target", target, WIDTH_TARGETS)
    check_choice("method", method, ("least squares", "steps"))
    x = np.linspace(0.0, 1.0, 400)
    controls = {
        "width": widgets.IntSlider(value=width, min=1, max=MAX_WIDTH, description="hidden width",
                                   continuous_update=False, style={"description_width": "initial"}),
        "target": widgets.Dropdown(options=list(WIDTH_TARGETS), value=target, description="target"),
        "method": widgets.Dropdown(options=["least squares", "steps"], value=method, description="weights"),
    }
    curves: dict = {}

    def network(f, width_: int, method_: str) -> np.ndarray:
        if method_ == "steps":
            return _staircase_network(x, f, width_)
        return _least_squares_network(x, f(x), width_, seed)

    def draw(fig: Figure, v: dict) -> dict:
        f = WIDTH_TARGETS[v["target"]]
        out = network(f, v["width"], v["method"])
        key = (v["target"], v["method"])
        if key not in curves:  # error against width, computed once per target and method
            curves[key] = (_least_squares_errors(x, f(x), seed) if v["method"] == "least squares" else
                           np.array([np.sqrt(np.mean((network(f, k, "steps") - f(x)) ** 2))
                                     for k in range(1, MAX_WIDTH + 1)]))
        err = out - f(x)
        left, right = fig.subplots(1, 2)
        left.plot(x, f(x), color="0.4", linestyle="--", label=f"target: {v['target']}")
        left.plot(x, out, color="tab:red", label=f"network, {v['width']} hidden")
        left.set(xlabel="x", ylabel="y", title=f"one hidden layer ({v['method']})")
        left.legend(loc="best", fontsize=8)
        right.semilogy(np.arange(1, MAX_WIDTH + 1), curves[key])
        right.axvline(v["width"], color="k", linestyle="--", linewidth=1)
        right.set(xlabel="hidden width", ylabel="RMS error", title="error against width")
        return {"width": v["width"], "target": v["target"], "method": v["method"],
                "rms_error": float(np.sqrt(np.mean(err**2))), "max_error": float(np.max(np.abs(err))),
                "n_parameters": 3 * v["width"] + 1}

    return Explorer(controls, draw)


# ----------------------------------------------------------------------------- ART vigilance


def _binary_digits(n: int, seed: int) -> np.ndarray:
    """``n`` bundled 8×8 digits of classes 0, 1 and 7 (chosen at random), thresholded at 0.5: (n, 64) int."""
    from companion.datasets import load_digits

    X, y = load_digits()
    keep = np.flatnonzero(np.isin(y, (0, 1, 7)))
    rows = make_rng(seed).choice(keep, size=n, replace=False)
    return (X[rows] > 0.5).astype(int)


def _mosaic(images: np.ndarray, ncols: int, side: int = 8) -> np.ndarray:
    """Tile square images (k, side²) into one array, one blank (NaN) pixel between neighbours."""
    nrows = -(-len(images) // ncols)
    canvas = np.full((nrows * (side + 1) - 1, ncols * (side + 1) - 1), np.nan)
    for j, image in enumerate(images):
        r, c = divmod(j, ncols)
        canvas[r * (side + 1):r * (side + 1) + side, c * (side + 1):c * (side + 1) + side] = image.reshape(side, side)
    return canvas


def art_vigilance_explorer(vigilance: float = 0.5, n: int = 40, seed: int = 0) -> Explorer:
    """ART1 on binarized digits (0, 1 and 7): move the vigilance ρ, watch the categories split.

    Controls: ``"vigilance"`` (ρ in [0.05, 0.95], steps of 0.1). The figure shows the number of categories
    against ρ (the current ρ marked) and the current prototypes as 8×8 images. ``state`` holds
    ``vigilance``, ``n_categories`` and ``epochs`` (passes until stable).
    """
    from companion.classic import ART1

    check_positive("vigilance", vigilance)
    X = _binary_digits(n, seed)
    grid = np.round(np.arange(0.05, 0.951, 0.1), 2)
    counts = [len(ART1(float(r)).fit(X).prototypes_) for r in grid]
    controls = {"vigilance": widgets.FloatSlider(value=vigilance, min=0.05, max=0.95, step=0.1,
                                                 description="vigilance ρ", continuous_update=False)}

    def draw(fig: Figure, v: dict) -> dict:
        art = ART1(v["vigilance"]).fit(X)
        left = fig.add_axes((0.07, 0.15, 0.33, 0.72))
        left.step(grid, counts, where="mid")
        left.axvline(v["vigilance"], color="tab:red", linestyle="--")
        left.set(xlabel="vigilance ρ", ylabel="categories", title=f"ART1 on {n} binary digits")
        k = len(art.prototypes_)
        right = fig.add_axes((0.46, 0.08, 0.52, 0.78))
        right.imshow(_mosaic(art.prototypes_, ncols=int(np.ceil(np.sqrt(1.6 * k)))), cmap="gray_r", vmin=0, vmax=1)
        right.set(xticks=[], yticks=[], title=f"ρ = {v['vigilance']:.2f}: {k} prototypes")
        return {"vigilance": v["vigilance"], "n_categories": k, "epochs": art.n_epochs_}

    return Explorer(controls, draw)


# ----------------------------------------------------------------------------- convolution filters

#: Preset 3×3 kernels of :func:`filter_explorer` (rows top to bottom).
FILTERS: dict[str, np.ndarray] = {
    "vertical edge": np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]),
    "horizontal edge": np.array([[-1.0, -2.0, -1.0], [0.0, 0.0, 0.0], [1.0, 2.0, 1.0]]),
    "diagonal edge": np.array([[0.0, 1.0, 2.0], [-1.0, 0.0, 1.0], [-2.0, -1.0, 0.0]]),
    "blur": np.full((3, 3), 1.0 / 9.0),
    "sharpen": np.array([[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]]),
    "identity": np.array([[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]]),
}


def filter_explorer(kernel: str = "vertical edge", digit: int = 0, centre: float | None = None) -> Explorer:
    """A digit, a 3×3 kernel and the kernel's response map (cross-correlation with padding 1).

    Controls: ``"kernel"`` (a name of :data:`FILTERS`), ``"centre"`` (the kernel's centre weight,
    edited on top of the preset: the rest of the kernel stays) and ``"digit"`` (index into the
    bundled 8×8 digits). ``state`` holds ``kernel`` (3×3), ``response`` (8×8, computed by
    ``companion.convolution.conv2d``), ``max_response`` and ``where_max`` (row, column).
    """
    from companion.convolution import conv2d
    from companion.datasets import load_digits

    check_choice("kernel", kernel, FILTERS)
    images = load_digits()[0].reshape(-1, 8, 8)
    start = float(FILTERS[kernel][1, 1] if centre is None else centre)
    controls = {
        "kernel": widgets.Dropdown(options=list(FILTERS), value=kernel, description="kernel"),
        "centre": widgets.FloatSlider(value=start, min=-8.0, max=8.0, step=0.25, description="centre w",
                                      continuous_update=False),
        "digit": widgets.IntSlider(value=int(digit), min=0, max=49, description="digit", continuous_update=False),
    }

    def new_kernel(w: Explorer) -> None:
        w.controls["centre"].value = float(FILTERS[w.controls["kernel"].value][1, 1])

    def draw(fig: Figure, v: dict) -> dict:
        K = FILTERS[v["kernel"]].copy()
        K[1, 1] = v["centre"]
        image = images[v["digit"]]
        response = conv2d(image[None, None], K[None, None], padding=1)[0, 0]
        axes = fig.subplots(1, 3)
        for ax, data, title, cmap in ((axes[0], image, f"digit #{v['digit']}", "gray_r"),
                                      (axes[1], K, "kernel (3×3)", "coolwarm"),
                                      (axes[2], response, "response = kernel ⋆ digit", "coolwarm")):
            bound = max(float(np.abs(data).max()), 1e-12)
            im = ax.imshow(data, cmap=cmap, vmin=-bound if cmap == "coolwarm" else 0, vmax=bound)
            ax.set(title=title, xlabel="column", ylabel="row", xticks=range(data.shape[1]),
                   yticks=range(data.shape[0]))
            ax.grid(False)
            fig.colorbar(im, ax=ax, fraction=0.046)
        for (r, c), value in np.ndenumerate(K):
            axes[1].text(c, r, f"{value:g}", ha="center", va="center", fontsize=8)
        where = np.unravel_index(np.argmax(response), response.shape)
        return {"kernel": K, "response": response, "max_response": float(response.max()),
                "where_max": (int(where[0]), int(where[1]))}

    return Explorer(controls, draw, hooks={"kernel": new_kernel}, figsize=(10.0, 3.2),
                    margins={"wspace": 0.45, "left": 0.05})
