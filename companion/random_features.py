"""Random-feature networks: a fixed random hidden layer, an output layer fitted by least squares.

A network with one hidden layer of ``width`` sigmoid units whose incoming weights are drawn at
random and never trained; only the output layer is fitted, in closed form, to one-hot targets::

    V ~ N(0, scale²/d)  (width, d),   c ~ N(0, 1)  (width,)        fixed, drawn from the seed
    H  = σ(X Vᵀ + c)                   (n, width)                   hidden activations
    H₁ = [H | 1]                       (n, width + 1)               a column of ones for the bias
    [Wᵀ; bᵀ] = (H₁ᵀH₁ + λ I)⁻¹ H₁ᵀ T   (width + 1, k)               ridge least squares
    predicted label = argmax_j (H Wᵀ + b)_j

with ``T`` the (n, k) one-hot targets and a tiny ridge ``λ`` (``lam``, on the bias too) that only
keeps the solve well posed. Training takes one linear solve instead of many epochs of gradient
descent, which makes it fast enough to train one network per candidate width: practice 6 uses it
to choose the hidden-layer width on a validation set. As the width approaches the number of
training examples, ``H₁`` gets as many columns as rows, the readout can fit every training target
exactly (noise included) and the validation accuracy falls: overfitting, in milliseconds.

The random draws for a width come from ``numpy.random.default_rng([seed, width])``, so a model
depends only on the seed, the width and the data, whatever other widths were tried before.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from companion._validation import as_float_array, check_2d, check_finite, check_int, check_positive
from companion.activations import sigmoid

__all__ = ["ReadoutModel", "RandomFeatureTrainer"]


@dataclass(frozen=True, eq=False)
class ReadoutModel:
    """A trained random-feature network: ``predict(X)`` → labels ``argmax(σ(X Vᵀ + c) Wᵀ + b)``.

    Attributes
    ----------
    V : (width, d) array
        Hidden-layer weights (random, fixed).
    c : (width,) array
        Hidden-layer biases (random, fixed).
    W : (k, width) array
        Output weights, fitted by least squares.
    b : (k,) array
        Output biases, fitted by least squares.
    """

    V: np.ndarray
    c: np.ndarray
    W: np.ndarray
    b: np.ndarray

    def scores(self, X) -> np.ndarray:
        """Output-layer values ``σ(X Vᵀ + c) Wᵀ + b``, shape (n, k), for inputs ``X`` (n, d)."""
        X = check_finite("X", check_2d("X", as_float_array("X", X, dtype=np.float64), cols=self.V.shape[1]))
        return sigmoid(X @ self.V.T + self.c) @ self.W.T + self.b

    def predict(self, X) -> np.ndarray:
        """Predicted class labels, int64 of shape (n,): the column of the largest score of each row."""
        return np.argmax(self.scores(X), axis=1)


def _check_labels(y, n: int, k: int) -> np.ndarray:
    """Integer labels ``y`` (n,) with values in ``0..k−1``, else a ValueError/TypeError naming ``y``."""
    y = np.asarray(y)
    if y.dtype.kind not in "iu":
        raise TypeError(f"y must hold integer class labels; got dtype {y.dtype}")
    if y.shape != (n,):
        raise ValueError(f"y must have shape ({n},), one label per row of X; got shape {y.shape}")
    if y.min() < 0 or y.max() >= k:
        raise ValueError(f"y must hold labels in 0..{k - 1} (n_classes = {k}); "
                         f"got labels from {y.min()} to {y.max()}")
    return y


@dataclass(frozen=True, eq=False, repr=False)
class RandomFeatureTrainer:
    """A small, fast training routine: ``trainer(X, y, width)`` → :class:`ReadoutModel`.

    The hidden layer of ``width`` sigmoid units has fixed random weights ``V ~ N(0, scale²/d)``
    and biases ``c ~ N(0, 1)``, drawn from ``default_rng([seed, width])``; only the output layer
    is trained, by ridge least squares on one-hot targets (the module docstring has the
    equations). As the width approaches the number of training examples the readout can fit
    the training set exactly, and its validation accuracy falls.

    Parameters
    ----------
    seed : int ≥ 0
        Seeds the random hidden layer (together with the width).
    scale : float > 0
        Standard deviation of the hidden weights times √d.
    lam : float ≥ 0
        Ridge strength λ of the least-squares readout.
    n_classes : int ≥ 2
        Number of classes k: labels run over ``0..k−1`` (10 for the digits).

    Examples
    --------
    >>> from companion.datasets import load_digits
    >>> X, y = load_digits()
    >>> model = RandomFeatureTrainer(seed=0)(X[:300], y[:300], width=50)
    >>> model.V.shape, model.W.shape, model.predict(X[300:305]).shape
    ((50, 64), (10, 50), (5,))
    """

    seed: int = 0
    scale: float = 3.0
    lam: float = 1e-8
    n_classes: int = 10

    def __post_init__(self) -> None:
        check_int("seed", self.seed, minimum=0)
        check_positive("scale", self.scale)
        check_positive("lam", self.lam, allow_zero=True)
        check_int("n_classes", self.n_classes, minimum=2, what="the number of classes")

    def __call__(self, X, y, width: int) -> ReadoutModel:
        """Fit the readout on ``X`` (n, d) and integer labels ``y`` (n,) for ``width`` hidden units."""
        X = check_finite("X", check_2d("X", as_float_array("X", X, dtype=np.float64)))
        y = _check_labels(y, X.shape[0], self.n_classes)
        width = check_int("width", width, what="the number of hidden units")
        if self.lam == 0 and width + 1 > X.shape[0]:
            raise ValueError(f"width must be below the number of examples ({X.shape[0]}) when lam = 0 "
                             f"(H₁ᵀH₁ is then singular); got width = {width}: use a ridge lam > 0")
        rng = np.random.default_rng([self.seed, width])
        V = rng.normal(0.0, self.scale / np.sqrt(X.shape[1]), size=(width, X.shape[1]))
        c = rng.normal(size=width)
        H1 = np.column_stack([sigmoid(X @ V.T + c), np.ones(len(X))])
        T = np.eye(self.n_classes)[y]
        coef = np.linalg.solve(H1.T @ H1 + self.lam * np.eye(H1.shape[1]), H1.T @ T)
        return ReadoutModel(V, c, coef[:-1].T.copy(), coef[-1].copy())

    def __repr__(self) -> str:
        defaults = {"scale": 3.0, "lam": 1e-8, "n_classes": 10}
        extra = "".join(f", {name}={getattr(self, name)!r}" for name, value in defaults.items()
                        if getattr(self, name) != value)
        return f"RandomFeatureTrainer(seed={self.seed}{extra})"
