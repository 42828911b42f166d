"""Kohonen's self-organizing map (SOM) on a rectangular grid.

Kohonen (1982), *Self-organized formation of topologically correct feature maps*, Biological
Cybernetics 43, 59–69.

Unit ``i`` sits at grid position ``r_i = (row, col)`` and holds a weight vector ``w_i`` in input
space. For each input ``x`` (presented one at a time, in a fresh random order every epoch):

* best-matching unit (BMU): ``c = argmin_i ‖x − w_i‖``;
* neighbourhood: ``h_i = exp(−‖r_i − r_c‖² / (2σ(t)²))`` (Gaussian on the grid);
* update: ``w_i ← w_i + η(t) h_i (x − w_i)`` for every unit.

Schedules over the ``T = epochs·n`` steps, ``t = 0 … T−1`` (exponential interpolation)::

    η(t) = η_0 (η_T / η_0)^(t/T)        σ(t) = σ_0 (σ_T / σ_0)^(t/T)

Quality measures: the **quantization error** is the mean distance ``‖x − w_c‖`` of the inputs to
their BMU; the **topographic error** is the fraction of inputs whose best and second-best units
are not grid neighbours (Manhattan distance 1 on the grid; Kiviluoto, 1996).

Example
-------
>>> X = np.random.default_rng(0).random((50, 2))
>>> som = SOM(3, 3, 2, seed=0).fit(X, epochs=3)
>>> len(som.history_), som.transform(X[:2]).shape     # one quantization error per epoch; grid positions
(3, (2, 2))
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
from tqdm.auto import tqdm

from companion._validation import check_positive
from companion.classic._checks import check_count, check_data, check_fitted, fresh_rng, seed_source

__all__ = ["grid_positions", "neighbourhood", "som_step", "decay", "SOM"]


def grid_positions(rows: int, cols: int) -> np.ndarray:
    """Grid coordinates of the units in row-major order: (rows·cols, 2) float, ``[row, col]``."""
    r, c = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
    return np.column_stack([r.ravel(), c.ravel()]).astype(np.float64)


def neighbourhood(positions: np.ndarray, winner: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian neighbourhood ``h_i = exp(−‖r_i − r_c‖² / (2σ²))``: (units,) from (units, 2) and (2,)."""
    d2 = ((positions - winner) ** 2).sum(-1)
    return np.exp(-d2 / (2.0 * sigma ** 2))


def som_step(weights, x, lr: float, sigma: float) -> np.ndarray:
    """One Kohonen update for one input; returns new weights (the input array is not modified).

    ``c = argmin_i ‖x − w_i‖`` (lowest index on ties, units in row-major order),
    ``h_i = exp(−‖r_i − r_c‖² / (2σ²))`` with ``r_i`` the grid position ``[row, col]`` of unit i,
    and ``w_i ← w_i + η h_i (x − w_i)`` for every unit.

    Parameters
    ----------
    weights : (rows, cols, dim) array
    x : (dim,) array
    lr : η > 0;  sigma : σ > 0 (in grid units)

    Returns
    -------
    (rows, cols, dim) array
    """
    W = np.asarray(weights, dtype=np.float64)
    rows, cols, dim = W.shape
    flat = W.reshape(-1, dim)
    c = int(((flat - x) ** 2).sum(1).argmin())
    pos = grid_positions(rows, cols)
    h = neighbourhood(pos, pos[c], sigma)
    return (flat + lr * h[:, None] * (x - flat)).reshape(rows, cols, dim)


def decay(start: float, end: float, t: np.ndarray | float, total: int) -> np.ndarray:
    """Exponential interpolation ``start · (end/start)^(t/total)``: ``start`` at t = 0, → ``end``."""
    return start * (end / start) ** (np.asarray(t, dtype=np.float64) / total)


class SOM:
    """A self-organizing map of ``rows × cols`` units in a ``dim``-dimensional input space.

    Parameters
    ----------
    rows, cols : int ≥ 1;  dim : int ≥ 1
    seed, rng : randomness of the initial weights and of the presentation order
    lr, lr_end : η_0 > 0 and η_T > 0 of the learning-rate schedule
    sigma, sigma_end : σ_0 and σ_T of the radius schedule (grid units); σ_0 defaults to
        ``max(rows, cols)/2``

    Attributes
    ----------
    weights : (rows, cols, dim) float64; initialized uniformly inside the bounding box of the
        first data passed to ``fit`` (before ``fit``: uniform in [0, 1)).
    history_ : list of the quantization error after each epoch (``qe_history_`` is the same list)

    Draws from a generator in the state ``seed``/``rng`` gave it at construction, in this order:
    ``rng.random((rows, cols, dim))`` for the weights before any fit; ``fit`` starts again from
    that state, makes the same first draw, then ``u = rng.random((rows, cols, dim))`` for the
    initial weights ``lo + (hi − lo) u`` (``lo``, ``hi`` the column minima and maxima of ``X``), then
    ``rng.permutation(n)`` for the presentation order of each epoch. So every ``fit`` restarts:
    the same seed and data give the same map.

    Unsupervised: ``transform`` maps each input to the grid position of its best-matching unit
    (n, 2), as ``bmu``; there is no ``predict``.
    """

    def __init__(self, rows: int, cols: int, dim: int, seed: int = 0,
                 rng: np.random.Generator | None = None, lr: float = 0.5, lr_end: float = 0.01,
                 sigma: float | None = None, sigma_end: float = 0.5) -> None:
        self.rows, self.cols = check_count("rows", rows), check_count("cols", cols)
        self.dim = check_count("dim", dim)
        self.lr, self.lr_end = check_positive("lr", lr), check_positive("lr_end", lr_end)
        self.sigma = check_positive("sigma", max(rows, cols) / 2 if sigma is None else sigma)
        self.sigma_end = check_positive("sigma_end", sigma_end)
        self._seed_source = seed_source(seed, rng)
        self.weights = fresh_rng(self._seed_source).random((self.rows, self.cols, self.dim))
        self._pos = grid_positions(self.rows, self.cols)
        self._grid_d2 = ((self._pos[:, None, :] - self._pos[None, :, :]) ** 2).sum(-1)
        self.history_: list[float] = []
        self._fitted = None

    @property
    def qe_history_(self) -> list[float]:
        """The quantization error after each epoch: the same list as ``history_`` (older name)."""
        return self.history_

    def _flat(self) -> np.ndarray:
        return self.weights.reshape(-1, self.dim)

    def _distances(self, X: np.ndarray) -> np.ndarray:
        """Squared distances (n, units) of every input to every unit (batch-vectorized)."""
        W = self._flat()
        return np.maximum((X ** 2).sum(1)[:, None] - 2.0 * X @ W.T + (W ** 2).sum(1), 0.0)

    def fit(self, X, epochs: int = 10, callback: Callable | None = None, progress: bool = False) -> "SOM":
        """Train on ``X`` (n, dim) for ``epochs`` passes; ``callback(epoch, som)`` after each pass.

        Step ``t = 0 … T − 1`` (``T = epochs·n``) presents one row ``x`` and applies the module's
        update to every unit: ``c = argmin_i ‖x − w_i‖``, ``w_i ← w_i + η(t) h_i (x − w_i)`` with
        ``h_i = exp(−‖r_i − r_c‖² / (2σ(t)²))``, ``η(t) = decay(lr, lr_end, t, T)`` and
        ``σ(t) = decay(sigma, sigma_end, t, T)``.
        """
        X = check_data("X", X, self.dim).astype(np.float64)
        epochs = check_count("epochs", epochs)
        lo, hi = X.min(0), X.max(0)
        rng = fresh_rng(self._seed_source)
        rng.random((self.rows, self.cols, self.dim))                          # the pre-fit weights' draw
        self.weights = lo + (hi - lo) * rng.random((self.rows, self.cols, self.dim))
        total, W = epochs * len(X), self._flat()
        lrs = decay(self.lr, self.lr_end, np.arange(total), total)
        inv2s2 = -0.5 / decay(self.sigma, self.sigma_end, np.arange(total), total) ** 2
        self.history_ = []
        for epoch in tqdm(range(epochs), desc="SOM", leave=False, disable=not progress):
            for s, i in enumerate(rng.permutation(len(X)), start=epoch * len(X)):
                diff = X[i] - W                                            # (units, dim)
                c = np.einsum("ud,ud->u", diff, diff).argmin()             # BMU
                W += (lrs[s] * np.exp(self._grid_d2[c] * inv2s2[s]))[:, None] * diff
            self._fitted = True
            self.history_.append(self.quantization_error(X))
            if callback is not None:
                callback(epoch, self)
        return self

    def transform(self, X) -> np.ndarray:
        """The map's representation of ``X``: its best-matching units' grid positions (n, 2), as ``bmu``."""
        return self.bmu(X)

    def bmu(self, X) -> np.ndarray:
        """Grid position ``[row, col]`` of each input's best-matching unit: (n, 2) int64."""
        check_fitted(self, "_fitted", "bmu")
        X = check_data("X", X, self.dim)
        c = self._distances(X).argmin(1)
        return np.column_stack([c // self.cols, c % self.cols]).astype(np.int64)

    def quantization_error(self, X) -> float:
        """Mean distance ``(1/n) Σ ‖x − w_c(x)‖`` from each input to its BMU's weights."""
        check_fitted(self, "_fitted", "quantization_error")
        X = check_data("X", X, self.dim)
        return float(np.sqrt(self._distances(X).min(1)).mean())

    def topographic_error(self, X) -> float:
        """Fraction of inputs whose two best-matching units are not grid neighbours."""
        check_fitted(self, "_fitted", "topographic_error")
        X = check_data("X", X, self.dim)
        if self.rows * self.cols < 2:
            raise ValueError("topographic_error needs at least 2 units; the map has 1")
        two = np.argsort(self._distances(X), axis=1)[:, :2]
        grid = np.abs(self._pos[two[:, 0]] - self._pos[two[:, 1]]).sum(1)
        return float(np.mean(grid != 1))

    def u_matrix(self) -> np.ndarray:
        """U-matrix (rows, cols): mean distance ``‖w_i − w_j‖`` from each unit to its grid neighbours j.

        Neighbours are the units one row or one column away: up to 4, fewer on the border of the map.
        """
        check_fitted(self, "_fitted", "u_matrix")
        W, U = self.weights, np.zeros((self.rows, self.cols))
        count = np.zeros((self.rows, self.cols))
        for axis in (0, 1):
            d = np.sqrt(((np.diff(W, axis=axis)) ** 2).sum(-1))
            pad_lo = [(1, 0) if a == axis else (0, 0) for a in (0, 1)]
            pad_hi = [(0, 1) if a == axis else (0, 0) for a in (0, 1)]
            U += np.pad(d, pad_lo) + np.pad(d, pad_hi)
            count += np.pad(np.ones_like(d), pad_lo) + np.pad(np.ones_like(d), pad_hi)
        return U / np.maximum(count, 1)
