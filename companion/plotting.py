"""Figures used throughout the course: functions, decision boundaries, learning curves,
loss surfaces with optimizer paths, confusion matrices and digit images.

Every function that draws on one set of axes takes ``ax=None`` and returns the
:class:`matplotlib.axes.Axes` it drew on, creating a new figure when ``ax`` is ``None``. That
way a chapter can combine several helpers on one figure::

    fig, (left, right) = plt.subplots(1, 2)
    plot_contours(f, (-2, 2), (-1, 3), ax=left)
    plot_path(path, ax=left, label="Adam")
    plot_learning_curves(history, ax=right)

Axes are always labelled and titled. No function calls ``plt.show()``: end a notebook cell with
``plt.show()`` yourself. Call :func:`use_course_style` once at the top of a notebook for modest,
PNG-friendly defaults.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure

from companion._validation import as_float_array, check_2d, check_choice, check_finite, check_int

__all__ = [
    "use_course_style",
    "plot_function",
    "plot_decision_boundary",
    "plot_learning_curves",
    "plot_contours",
    "plot_path",
    "plot_confusion_matrix",
    "plot_digits",
]

COURSE_STYLE = {
    "figure.dpi": 80,
    "savefig.dpi": 80,
    "figure.figsize": (6.0, 4.0),
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "lines.linewidth": 1.8,
    "image.cmap": "viridis",
    "savefig.format": "png",
}

# Class colours: colour-blind friendly and distinct in print (the first ten of "tab10").
CLASS_COLORS = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
]


def use_course_style() -> None:
    """Set the course's matplotlib defaults (``COURSE_STYLE``): 80 dpi, light grid, small fonts.

    The modest dpi keeps PNG outputs small so that saved notebooks stay light.
    """
    plt.rcParams.update(COURSE_STYLE)


# ----------------------------------------------------------------------------- helpers


def _get_ax(ax) -> Axes:
    """Return ``ax``, or the axes of a new figure when ``ax`` is None."""
    if ax is None:
        _, ax = plt.subplots()
        return ax
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None; got {type(ax).__name__}")
    return ax


def _check_limits(name: str, lim) -> tuple[float, float]:
    """Check ``lim`` is a pair ``(low, high)`` of finite numbers with low < high."""
    arr = as_float_array(name, lim)
    if arr.shape != (2,):
        raise ValueError(f"{name} must be a pair (low, high); got shape {arr.shape}")
    if not (np.all(np.isfinite(arr)) and arr[0] < arr[1]):
        raise ValueError(f"{name} must be finite with low < high; got ({arr[0]}, {arr[1]})")
    return float(arr[0]), float(arr[1])


def _check_count(name: str, value, minimum: int) -> int:
    """Check ``value`` is an int ≥ ``minimum`` (e.g. a grid resolution)."""
    return check_int(name, value, minimum)


def _as_labels(name: str, y, n: int | None = None) -> np.ndarray:
    """Turn class labels (n,), one-hot/probability rows (n, k) or a (n, 1) column into int labels (n,)."""
    arr = as_float_array(name, y)
    check_finite(name, arr)
    if arr.ndim == 2 and arr.shape[1] > 1:
        labels = np.argmax(arr, axis=1)
    elif arr.ndim == 2 and arr.shape[1] == 1 or (arr.ndim == 1 and np.any(arr != np.round(arr))):
        labels = (arr.reshape(-1) >= 0.5).astype(int)  # one probability per example: threshold
    elif arr.ndim == 1:
        labels = arr.astype(int)
    else:
        raise ValueError(f"{name} must be labels (n,) or one row per example (n, k); got shape {arr.shape}")
    if n is not None and labels.shape[0] != n:
        raise ValueError(f"{name} must hold one value per example ({n}); got {labels.shape[0]}")
    return labels


# ----------------------------------------------------------------------------- functions


def plot_function(
    f: Callable[[np.ndarray], np.ndarray],
    xlim: Sequence[float] = (-5.0, 5.0),
    ax: Axes | None = None,
    label: str | None = None,
    n: int = 400,
) -> Axes:
    """Plot ``y = f(x)`` for ``n`` evenly spaced ``x`` in ``xlim``.

    Parameters
    ----------
    f : callable mapping an array ``x`` of shape (n,) to ``f(x)`` of shape (n,) (vectorized).
    xlim : (low, high) interval of ``x``.
    label : legend entry and title; defaults to ``f.__name__``.
    n : number of sample points (≥ 2).
    """
    low, high = _check_limits("xlim", xlim)
    n = _check_count("n", n, 2)
    x = np.linspace(low, high, n)
    y = as_float_array("f(x)", f(x))
    if y.shape != x.shape:
        raise ValueError(f"f must be vectorized: f(x) for x of shape {x.shape} returned shape {y.shape}")
    ax = _get_ax(ax)
    name = label if label is not None else getattr(f, "__name__", "f")
    ax.plot(x, y, label=name)
    ax.set_xlabel("x")
    ax.set_ylabel("f(x)" if label is None else "value")
    ax.set_title(name)
    if label is not None:
        ax.legend()
    return ax


def plot_decision_boundary(
    predict: Callable[[np.ndarray], np.ndarray],
    X,
    y,
    ax: Axes | None = None,
    resolution: int = 200,
    padding: float = 0.5,
) -> Axes:
    """Colour the plane by the class ``predict`` assigns, and scatter the examples on top.

    Parameters
    ----------
    predict : callable mapping points of shape (m, 2) to labels (m,), to probabilities of
        class 1 (m,) or (m, 1) (thresholded at 0.5), or to class scores (m, k) (argmax).
    X : (n, 2) array of examples, one per row.
    y : (n,) integer labels, or (n, k) one-hot rows.
    resolution : number of grid points along each axis.
    padding : margin added around the data range.

    The coloured regions are a ``pcolormesh`` whose array holds the predicted label of each grid
    cell, so the figure shows exactly what ``predict`` returned.
    """
    X = check_2d("X", as_float_array("X", X), cols=2)
    check_finite("X", X)
    labels = _as_labels("y", y, n=X.shape[0])
    resolution = _check_count("resolution", resolution, 2)
    xx, yy = np.meshgrid(
        np.linspace(X[:, 0].min() - padding, X[:, 0].max() + padding, resolution),
        np.linspace(X[:, 1].min() - padding, X[:, 1].max() + padding, resolution),
    )
    grid = np.column_stack([xx.ravel(), yy.ravel()])
    region = _as_labels("predict(points)", predict(grid), n=grid.shape[0]).reshape(xx.shape)
    classes = np.union1d(np.unique(labels), np.unique(region))
    cmap, norm = _class_colormap(classes)
    ax = _get_ax(ax)
    ax.pcolormesh(xx, yy, region, cmap=cmap, norm=norm, alpha=0.3, shading="nearest")
    if np.unique(region).size > 1:  # a boundary exists only where the prediction changes
        ax.contour(xx, yy, region, levels=(classes[:-1] + classes[1:]) / 2, colors="k", linewidths=0.7)
    for c in np.unique(labels):
        pts = X[labels == c]
        ax.scatter(pts[:, 0], pts[:, 1], s=18, color=cmap(norm(c)), edgecolors="k", linewidths=0.4,
                   label=f"class {c}")
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title="decision regions")
    ax.legend(loc="best")
    return ax


def _class_colormap(classes: np.ndarray) -> tuple[ListedColormap, BoundaryNorm]:
    """A discrete colormap giving each integer class in ``classes`` (sorted) its own colour."""
    colors = [CLASS_COLORS[i % len(CLASS_COLORS)] for i in range(classes.size)]
    mids = (classes[:-1] + classes[1:]) / 2
    bounds = np.concatenate([[classes[0] - 0.5], mids, [classes[-1] + 0.5]])
    return ListedColormap(colors), BoundaryNorm(bounds, len(colors))


def _history_list(history, key: str) -> list[float]:
    """Read ``history.key`` (or ``history[key]`` for a dict); [] when absent."""
    value = history.get(key) if isinstance(history, Mapping) else getattr(history, key, None)
    return [] if value is None else list(value)


def plot_learning_curves(history, ax: Axes | None = None, metric: str = "loss") -> Axes:
    """Plot the training and validation ``metric`` per epoch, marking the best epoch.

    Parameters
    ----------
    history : a :class:`companion.training.History` or anything with list attributes (or dict
        keys) ``loss``, ``val_loss``, ``accuracy``, ``val_accuracy``; the best epoch is read
        from ``best_epoch`` (0-based) when present, otherwise from the best validation value.
    metric : ``"loss"`` or ``"accuracy"``.
    """
    check_choice("metric", metric, ("loss", "accuracy"))
    train, val = _history_list(history, metric), _history_list(history, "val_" + metric)
    if not train and not val:
        raise ValueError(f"history has no {metric!r} values to plot; train for at least one epoch")
    ax = _get_ax(ax)
    for values, name in ((train, "training"), (val, "validation")):
        if values:
            ax.plot(np.arange(1, len(values) + 1), values, marker="o", markersize=3, label=name)
    best = _best_epoch(history, val, metric)
    if best is not None:
        ax.axvline(best + 1, color="0.4", linestyle="--", linewidth=1, label=f"best epoch ({best + 1})")
    ax.set(xlabel="epoch", ylabel=metric, title=f"{metric} per epoch")
    ax.legend()
    return ax


def _best_epoch(history, val: list[float], metric: str) -> int | None:
    """0-based best epoch: ``history.best_epoch`` if set, else the best validation value, else None."""
    best = history.get("best_epoch") if isinstance(history, Mapping) else getattr(history, "best_epoch", None)
    if best is not None:
        return int(best)
    if not val:
        return None
    return int(np.argmin(val) if metric == "loss" else np.argmax(val))


def plot_contours(
    f: Callable[[np.ndarray], np.ndarray],
    xlim: Sequence[float],
    ylim: Sequence[float],
    ax: Axes | None = None,
    levels: int = 30,
    log: bool = False,
    resolution: int = 200,
) -> Axes:
    """Draw contour lines of a function of two variables, e.g. a loss surface.

    Parameters
    ----------
    f : callable mapping points of shape (..., 2) to values of shape (...) (vectorized over a grid).
    xlim, ylim : (low, high) ranges of the two coordinates.
    levels : number of contour lines.
    log : space the levels geometrically above the minimum, ``min + span·10^(-4 … 0)``, which
        shows the floor of narrow valleys (Rosenbrock) that even spacing hides.
    resolution : grid points along each axis.
    """
    (x0, x1), (y0, y1) = _check_limits("xlim", xlim), _check_limits("ylim", ylim)
    levels = _check_count("levels", levels, 2)
    resolution = _check_count("resolution", resolution, 2)
    xx, yy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    zz = as_float_array("f(points)", f(np.stack([xx, yy], axis=-1)))
    if zz.shape != xx.shape:
        raise ValueError(
            f"f must map points of shape (..., 2) to values of shape (...): "
            f"for a grid of shape {xx.shape + (2,)} it returned shape {zz.shape}"
        )
    check_finite("f(points)", zz)
    low, span = float(zz.min()), float(np.ptp(zz))
    if span == 0:
        raise ValueError("f is constant over xlim × ylim; there are no contours to draw")
    ticks = low + span * (np.geomspace(1e-4, 1.0, levels) if log else np.linspace(0, 1, levels + 2)[1:-1])
    ax = _get_ax(ax)
    ax.contour(xx, yy, zz, levels=np.unique(ticks), cmap="viridis", linewidths=0.8)
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title="contours of f" + (" (log-spaced levels)" if log else ""))
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    return ax


def plot_path(path, ax: Axes | None = None, label: str | None = None) -> Axes:
    """Draw an optimizer's path ``x_0, x_1, …`` with a circle at the start and a star at the end.

    Parameters
    ----------
    path : (m, 2) array, one point per step (as returned by ``companion.surfaces.descend``).
        Rows that are not finite (a diverged run) are dropped from the drawing.
    ax : axes to draw on; when they already show something (e.g. contours) their limits are kept,
        so a diverging path does not shrink the picture.
    label : legend entry.
    """
    path = check_2d("path", as_float_array("path", path), cols=2)
    finite = np.all(np.isfinite(path), axis=1)
    shown = path[: np.argmin(finite)] if not finite.all() else path
    ax = _get_ax(ax)
    keep = ax.has_data()
    limits = ax.get_xlim(), ax.get_ylim()
    (line,) = ax.plot(shown[:, 0], shown[:, 1], marker=".", markersize=4, linewidth=1.2, label=label)
    if len(shown):
        ax.plot(*shown[0], marker="o", color=line.get_color(), markersize=7, markeredgecolor="k")
        ax.plot(*shown[-1], marker="*", color=line.get_color(), markersize=12, markeredgecolor="k")
    if keep:
        ax.set_xlim(*limits[0])
        ax.set_ylim(*limits[1])
    if not ax.get_xlabel():
        ax.set_xlabel("$x_1$")
    if not ax.get_ylabel():
        ax.set_ylabel("$x_2$")
    if not ax.get_title():
        ax.set_title("optimizer path")
    if label is not None:
        ax.legend()
    return ax


def plot_confusion_matrix(
    cm,
    ax: Axes | None = None,
    class_names: Sequence[str] | None = None,
    normalize: bool = False,
) -> Axes:
    """Show a confusion matrix as a heat map with every cell annotated.

    Parameters
    ----------
    cm : (k, k) array of counts, ``cm[i, j]`` = number of examples of true class ``i``
        predicted as class ``j`` (rows: true, columns: predicted).
    class_names : k tick labels; defaults to ``0 … k-1``.
    normalize : divide each row by its total, so cell ``(i, j)`` is the fraction of class ``i``
        predicted as ``j`` (rows with no examples stay 0); annotations then show two decimals.
    """
    cm = as_float_array("cm", cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise ValueError(f"cm must be a square (k, k) matrix; got shape {cm.shape}")
    check_finite("cm", cm)
    if np.any(cm < 0):
        raise ValueError("cm must hold counts ≥ 0; found a negative entry")
    k = cm.shape[0]
    names = [str(i) for i in range(k)] if class_names is None else [str(c) for c in class_names]
    if len(names) != k:
        raise ValueError(f"class_names must have one name per class ({k}); got {len(names)}")
    totals = cm.sum(axis=1, keepdims=True)
    shown = np.divide(cm, totals, out=np.zeros_like(cm), where=totals > 0) if normalize else cm
    ax = _get_ax(ax)
    image = ax.imshow(shown, cmap="Blues", vmin=0)
    threshold = shown.max() / 2
    for i in range(k):
        for j in range(k):
            text = f"{shown[i, j]:.2f}" if normalize else f"{shown[i, j]:g}"
            ax.text(j, i, text, ha="center", va="center", fontsize=8,
                    color="white" if shown[i, j] > threshold else "black")
    ax.set_xticks(range(k), names)
    ax.set_yticks(range(k), names)
    ax.grid(False)
    ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    ax.set(xlabel="predicted class", ylabel="true class",
           title="confusion matrix" + (" (row-normalized)" if normalize else ""))
    return ax


def plot_digits(images, labels=None, predictions=None, ncols: int = 10, size: float = 0.9) -> Figure:
    """Show digit images in a grid, titled with their label and/or prediction.

    Parameters
    ----------
    images : (m, d) array with ``d`` a perfect square (64 for 8×8 digits, 784 for MNIST),
        or (m, s, s) images.
    labels : optional (m,) true labels.
    predictions : optional (m,) predicted labels; a title is red where it differs from ``labels``.
    ncols : images per row.
    size : width of one image in inches (0.9 fits a row of 15 in a notebook; use 1.5 or more for a few
        images that should be read closely).

    Returns the :class:`~matplotlib.figure.Figure` (it holds one Axes per image).
    """
    images = _square_images(as_float_array("images", images))
    m = images.shape[0]
    ncols = _check_count("ncols", ncols, 1)
    labels = None if labels is None else _as_labels("labels", labels, n=m)
    predictions = None if predictions is None else _as_labels("predictions", predictions, n=m)
    ncols = min(ncols, m)
    nrows = -(-m // ncols)
    if not (isinstance(size, (int, float)) and np.isfinite(size) and size > 0):
        raise ValueError(f"size must be a positive number of inches; got {size!r}")
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, 1.17 * size * nrows), squeeze=False)
    for i, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if i >= m:
            continue
        ax.imshow(images[i], cmap="gray_r", interpolation="nearest")
        title, color = _digit_title(i, labels, predictions)
        ax.set_title(title, fontsize=8, color=color)
    if labels is not None and predictions is not None:
        wrong = int(np.sum(labels != predictions))
        fig.suptitle(f"{m - wrong} of {m} predicted correctly (mistakes in red)", fontsize=9)
    fig.tight_layout()
    return fig


def _square_images(images: np.ndarray) -> np.ndarray:
    """Reshape (m, s·s) rows to (m, s, s) images; accept (m, s, s) as is."""
    if images.ndim == 3 and images.shape[1] == images.shape[2] and images.shape[0] > 0:
        return images
    if images.ndim != 2 or images.shape[0] == 0:
        raise ValueError(f"images must be (m, d) rows (e.g. d = 64 or 784) or (m, s, s); got shape {images.shape}")
    side = int(round(np.sqrt(images.shape[1])))
    if side * side != images.shape[1]:
        raise ValueError(
            f"images must have a square number of pixels per row (64 = 8×8, 784 = 28×28); got {images.shape[1]}"
        )
    return images.reshape(-1, side, side)


def _digit_title(i: int, labels, predictions) -> tuple[str, str]:
    """Title text and colour for image ``i``: red when the prediction disagrees with the label."""
    if labels is not None and predictions is not None:
        wrong = labels[i] != predictions[i]
        return f"{labels[i]}→{predictions[i]}" if wrong else f"{labels[i]}", "red" if wrong else "black"
    if predictions is not None:
        return f"pred {predictions[i]}", "black"
    return ("" if labels is None else f"{labels[i]}"), "black"
