"""Radial basis function (RBF) network: Gaussian hidden units around k-means centres, linear output.

Broomhead & Lowe (1988), *Multivariable functional interpolation and adaptive networks*,
Complex Systems 2, 321–355; Moody & Darken (1989), *Fast learning in networks of
locally-tuned processing units*, Neural Computation 1, 281–294 (centres by clustering, then a
linear output layer).

The network has one hidden layer of ``k`` radial units and a linear output layer::

    φ_j(x) = exp(−‖x − c_j‖² / (2σ²))          hidden unit j, centre c_j, width σ
    ŷ(x)   = Σ_j w_j φ_j(x) + w_0               linear output (one row of W per output)

Training is two cheap steps instead of gradient descent: the centres come from k-means on the
inputs, then the output weights solve a linear least-squares problem.

Example
-------
>>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
>>> net = RBFNetwork(4, seed=0).fit(X, np.array([0.0, 1.0, 1.0, 0.0]))
>>> np.allclose(net.predict(X), [0, 1, 1, 0])          # XOR, exactly interpolated
True
>>> net.history_[-1] == 0.0                           # four centres on four points: no distortion left
True
"""
from __future__ import annotations

import numpy as np

from companion._validation import check_positive, check_rows_match, make_rng
from companion.classic._checks import check_count, check_data, check_fitted, fresh_rng, seed_source

__all__ = ["kmeans", "rbf_activations", "mean_center_distance", "RBFNetwork"]


def _squared_distances(X: np.ndarray, C: np.ndarray) -> np.ndarray:
    """‖x_i − c_j‖² for every row pair, (n, k), clipped at 0 against rounding."""
    d2 = (X ** 2).sum(1)[:, None] - 2.0 * X @ C.T + (C ** 2).sum(1)[None, :]
    return np.maximum(d2, 0.0)


def _kmeans_plus_plus(X: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """k-means++ seeding (Arthur & Vassilvitskii, 2007): each new centre drawn ∝ D(x)²."""
    centers = [X[rng.integers(len(X))]]
    for _ in range(1, k):
        d2 = _squared_distances(X, np.array(centers)).min(1)
        total = d2.sum()
        p = d2 / total if total > 0 else np.full(len(X), 1.0 / len(X))
        centers.append(X[rng.choice(len(X), p=p)])
    return np.array(centers)


def kmeans(X, k: int, n_iter: int = 100, seed: int | None = 0,
           rng: np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Lloyd's k-means with k-means++ seeding.

    Alternates ``label_i = argmin_j ‖x_i − c_j‖²`` and ``c_j = mean{x_i : label_i = j}`` until
    the labels stop changing (or ``n_iter`` rounds). A centre left without points keeps its place.

    Parameters
    ----------
    X : (n, d) array
    k : int, 1 ≤ k ≤ n
    n_iter : int ≥ 1
    seed, rng : randomness of the seeding (``rng`` wins when both are given)

    Returns
    -------
    centers : (k, d) float array
    labels : (n,) int64 in ``0..k−1``
    """
    C, labels, _ = _kmeans(check_data("X", X), k, n_iter, make_rng(seed, rng))
    return C, labels


def _kmeans(X: np.ndarray, k, n_iter, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """Lloyd's iterations; also returns the distortion ``(1/n) Σ_i min_j ‖x_i − c_j‖²`` of every
    assignment step (it never increases: each step of Lloyd's algorithm lowers or keeps it)."""
    k = check_count("k", k)
    if k > len(X):
        raise ValueError(f"k must be ≤ the number of examples ({len(X)}); got {k}")
    C = _kmeans_plus_plus(X, k, rng)
    labels, distortions = np.full(len(X), -1), []
    for _ in range(check_count("n_iter", n_iter)):
        d2 = _squared_distances(X, C)
        new = d2.argmin(1)
        distortions.append(float(d2[np.arange(len(X)), new].mean()))
        if np.array_equal(new, labels):
            break
        labels = new
        for j in range(k):
            if np.any(labels == j):
                C[j] = X[labels == j].mean(0)
    return C, labels.astype(np.int64), distortions


def rbf_activations(X, centers, width: float) -> np.ndarray:
    """Hidden-layer activation matrix ``Φ[i, j] = exp(−‖x_i − c_j‖² / (2σ²))``.

    Parameters
    ----------
    X : (n, d) array
    centers : (k, d) array
    width : float σ > 0

    Returns
    -------
    Phi : (n, k) array in (0, 1]; 1 exactly at a centre.
    """
    X = check_data("X", X)
    C = check_data("centers", centers, X.shape[1])
    sigma = check_positive("width", width)
    return np.exp(-_squared_distances(X, C) / (2.0 * sigma ** 2))


def mean_center_distance(centers) -> float:
    """Mean distance from each centre to its nearest other centre (the default width σ).

    ``σ = (1/k) Σ_j min_{i ≠ j} ‖c_j − c_i‖`` for ``centers`` (k, d).

    Neighbouring bumps then overlap by about one width, whatever the number of centres; the
    mean over *all* pairs would grow with the spread of the data and make many-centre networks
    ill-conditioned. With a single centre there is no pair; 1.0 is returned.
    """
    C = check_data("centers", centers)
    if len(C) < 2:
        return 1.0
    d = np.sqrt(_squared_distances(C, C))
    np.fill_diagonal(d, np.inf)
    return float(d.min(1).mean())


class RBFNetwork:
    """RBF network: k-means centres, Gaussian units of one width, least-squares output weights.

    Parameters
    ----------
    n_centers : int ≥ 1
        Number k of hidden (radial) units.
    width : float > 0 or None
        Width σ of every Gaussian; ``None`` uses the mean distance from each fitted centre to
        its nearest neighbour among the centres (:func:`mean_center_distance`).
    seed, rng : randomness of the k-means seeding (seed 0 by default); every ``fit`` restarts
        from it, so fitting twice gives the same network.

    Attributes (after ``fit``)
    --------------------------
    centers_ : (k, d)    width_ : float
    W_ : (k + 1, m)      output weights, last row the bias: ``Ŷ = [Φ, 1] W_``
    history_ : list of float, the k-means distortion ``(1/n) Σ_i min_j ‖x_i − c_j‖²`` of each
        Lloyd iteration (what the centre placement minimizes; non-increasing)

    A regressor: ``predict`` (= ``forward``) returns the fitted targets ``[Φ(X), 1] W_``, in the
    dtype of ``X`` (float32 in, float32 out).
    """

    def __init__(self, n_centers: int, width: float | None = None, seed: int = 0,
                 rng: np.random.Generator | None = None) -> None:
        self.n_centers = check_count("n_centers", n_centers)
        self.width = None if width is None else check_positive("width", width)
        self._rng = seed_source(seed, rng)
        self.centers_ = self.width_ = self.W_ = None
        self.history_: list[float] = []
        self._one_d = False

    def _design(self, X: np.ndarray) -> np.ndarray:
        Phi = rbf_activations(X, self.centers_, self.width_)
        return np.column_stack([Phi, np.ones(len(X), dtype=Phi.dtype)])

    def fit(self, X, Y) -> "RBFNetwork":
        """Place centres by k-means on ``X`` (n, d), then solve ``min_W ‖[Φ, 1] W − Y‖²``.

        ``Y`` is (n, m) or (n,); ``predict`` returns the same number of dimensions.
        """
        X = check_data("X", X)
        self._one_d = np.ndim(Y) == 1
        Y = check_data("Y", np.reshape(Y, (-1, 1)) if self._one_d else Y)
        check_rows_match("X", X, "Y", Y)
        self.centers_, _, self.history_ = _kmeans(X, self.n_centers, 100, fresh_rng(self._rng))
        self.width_ = self.width if self.width is not None else mean_center_distance(self.centers_)
        self.W_ = np.linalg.lstsq(self._design(X), Y, rcond=None)[0]
        return self

    def hidden(self, X) -> np.ndarray:
        """Hidden activations Φ (n, k) of the fitted network."""
        check_fitted(self, "W_", "hidden")
        return rbf_activations(check_data("X", X, self.centers_.shape[1]), self.centers_, self.width_)

    def predict(self, X) -> np.ndarray:
        """Predicted targets ``[Φ(X), 1] W_``: (n, m), or (n,) when fitted on a 1-D ``Y``."""
        return self.forward(X)

    def forward(self, X) -> np.ndarray:
        """Network output ``[Φ(X), 1] W_`` (the raw outputs; for a regressor, the prediction)."""
        check_fitted(self, "W_", "forward")
        X = check_data("X", X, self.centers_.shape[1])
        out = self._design(X) @ self.W_
        return out[:, 0] if self._one_d else out
