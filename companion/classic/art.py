"""ART1: adaptive resonance theory for binary patterns, with fast learning.

Carpenter & Grossberg (1987), *A massively parallel architecture for a self-organizing neural
pattern recognition machine*, Computer Vision, Graphics, and Image Processing 37, 54–115.
This is the usual algorithmic form of ART1 in the fast-learning limit.

A category ``j`` is a binary prototype ``w_j``; ``|·|`` counts ones and ``∧`` is AND. For an
input ``I`` (binary, at least one 1):

1. **choice** (recognition layer competes): ``T_j = |I ∧ w_j| / (α + |w_j|)``, α > 0 small;
2. **search**: take categories in decreasing order of ``T_j`` (ties: lowest index first);
3. **vigilance test** (comparison layer): accept ``j`` if ``|I ∧ w_j| / |I| ≥ ρ``; otherwise
   **reset** ``j`` (inhibit it for this input) and try the next one;
4. **resonance and learning**: the accepted prototype becomes ``w_j ← I ∧ w_j``;
5. **new category**: if every category was reset, a new one is created with ``w = I``.

Prototypes only ever lose ones, so each prototype is a subset of every input it has accepted.

**All-zero inputs (documented rule).** For ``I = 0`` the match ratio ``|I ∧ w|/|I|`` is 0/0.
Such an input is left uncategorized: its label is −1 and no prototype changes (learning it
would wipe out the prototype it joined).

Example
-------
>>> art = ART1(0.5).fit([[1, 1, 0, 0], [1, 0, 0, 0], [0, 0, 1, 1]])
>>> art.labels_.tolist(), art.prototypes_.tolist()
([0, 0, 1], [[1, 0, 0, 0], [0, 0, 1, 1]])
>>> art.predict([[0, 0, 0, 1]]).tolist(), art.history_
([1], [3, 0])
"""
from __future__ import annotations

import numpy as np

from companion._validation import check_in_range, check_positive
from companion.classic._checks import check_binary, check_count, check_fitted

__all__ = ["art1_choice", "art1_match", "art1_present", "ART1"]


def art1_choice(x: np.ndarray, prototypes: np.ndarray, alpha: float) -> np.ndarray:
    """Choice function ``T_j = |x ∧ w_j| / (α + |w_j|)`` for every prototype: (k,) from x (d,), W (k, d)."""
    overlap = (prototypes & x).sum(1)
    return overlap / (alpha + prototypes.sum(1))


def art1_match(x: np.ndarray, prototypes: np.ndarray) -> np.ndarray:
    """Match ratio ``|x ∧ w_j| / |x|`` of every prototype (k,), the quantity the vigilance test uses."""
    return (prototypes & x).sum(1) / x.sum()


def art1_present(x: np.ndarray, prototypes: np.ndarray, vigilance: float, alpha: float,
                 learn: bool = True) -> tuple[int, np.ndarray]:
    """Present one binary input; return ``(category, prototypes_after)``.

    The search over categories in decreasing choice order is evaluated at once: the winner is
    the category of largest ``T_j`` among those passing ``|x ∧ w_j|/|x| ≥ ρ`` (lowest index on
    ties), which is exactly the category a one-by-one search with resets stops at.

    Parameters
    ----------
    x : (d,) int array of 0/1, not all zero
    prototypes : (k, d) int array of 0/1 (k may be 0); not modified
    vigilance : ρ in [0, 1]
    alpha : α > 0
    learn : update the winner by AND / create a new category (True), or only classify (False)

    Returns
    -------
    category : int, −1 when ``learn`` is False and no category passes
    prototypes : (k, d) or (k + 1, d) new array
    """
    if len(prototypes):
        overlap = (prototypes & x).sum(1)                      # |x ∧ w_j|, shared by both tests
        T = overlap / (alpha + prototypes.sum(1))              # choice
        passes = overlap >= vigilance * x.sum()                # vigilance test, ⇔ match ratio ≥ ρ
        if passes.any():
            j = int(np.argmax(np.where(passes, T, -np.inf)))
            if not learn:
                return j, prototypes
            out = prototypes.copy()
            out[j] = out[j] & x
            return j, out
    if not learn:
        return -1, prototypes
    return len(prototypes), np.vstack([prototypes, x[None, :]])


class ART1:
    """ART1 clustering of binary patterns with fast learning.

    Parameters
    ----------
    vigilance : float ρ in [0, 1]
        Minimum fraction of an input's ones that a prototype must share. Higher ρ → finer
        categories.
    alpha : float > 0
        Choice parameter α of ``T_j``; small values favour the prototype with the largest overlap
        relative to its size.
    max_epochs : int ≥ 1
        Upper bound on passes over the data in ``fit`` (it stops earlier once a pass changes
        nothing; ART1 with fast learning stabilizes after a finite number of passes).

    Attributes (after ``fit``)
    --------------------------
    prototypes_ : (k, d) int8 of 0/1
    labels_ : (n,) int64, the category of each training row in the last pass (−1 for all-zero rows)
    n_epochs_ : passes made
    history_ : list of int, one record per pass: how many rows changed category in it (the first
        pass counts every categorized row); ``fit`` stops after a pass that changes no prototype

    Unsupervised: ``predict`` gives each row's category (n,) (−1 where none passes),
    ``transform`` the same as one-hot membership rows (n, k). Nothing is random: ``fit`` always
    restarts from no category and gives the same result.
    """

    def __init__(self, vigilance: float, alpha: float = 1e-3, max_epochs: int = 100) -> None:
        self.vigilance = check_in_range("vigilance", vigilance, 0.0, 1.0, high_open=False)
        self.alpha = check_positive("alpha", alpha)
        self.max_epochs = check_count("max_epochs", max_epochs)
        self.prototypes_ = self.labels_ = None
        self.n_epochs_ = 0
        self.history_: list[int] = []

    def _pass(self, X: np.ndarray, learn: bool) -> tuple[np.ndarray, bool]:
        """One presentation of every row in order; returns the labels and whether anything changed."""
        P, before = self.prototypes_, self.prototypes_.copy()
        labels = np.full(len(X), -1, dtype=np.int64)
        for i, x in enumerate(X):
            if x.any():
                labels[i], P = art1_present(x, P, self.vigilance, self.alpha, learn)
        self.prototypes_ = P
        return labels, P.shape != before.shape or not np.array_equal(P, before)

    def partial_fit(self, X) -> "ART1":
        """One more learning pass over ``X`` (n, d) of 0/1, continuing from the current prototypes."""
        X = check_binary("X", X, None if self.prototypes_ is None else self.prototypes_.shape[1])
        if self.prototypes_ is None:
            self.prototypes_ = np.zeros((0, X.shape[1]), dtype=np.int8)
        self._learning_pass(X)
        return self

    def _learning_pass(self, X: np.ndarray) -> bool:
        """One learning pass: update ``labels_``, ``n_epochs_`` and ``history_``; did a prototype change?"""
        before = self.labels_ if self.labels_ is not None and len(self.labels_) == len(X) else np.full(len(X), -1)
        self.labels_, changed = self._pass(X, learn=True)
        self.n_epochs_ += 1
        self.history_.append(int(np.sum(self.labels_ != before)))
        return changed

    def fit(self, X) -> "ART1":
        """Learn categories from scratch, passing over ``X`` until a pass changes nothing."""
        X = check_binary("X", X)
        self.prototypes_ = np.zeros((0, X.shape[1]), dtype=np.int8)
        self.labels_, self.n_epochs_, self.history_ = None, 0, []
        for _ in range(self.max_epochs):
            if not self._learning_pass(X):
                break
        return self

    def predict(self, X) -> np.ndarray:
        """Category of each row of ``X`` (n,) without learning; −1 where no category passes."""
        check_fitted(self, "prototypes_")
        labels, _ = self._pass(check_binary("X", X, self.prototypes_.shape[1]), learn=False)
        return labels

    def transform(self, X) -> np.ndarray:
        """One-hot category membership (n, k) int8 of each row (a row of zeros where none passes)."""
        labels = self.predict(X)
        out = np.zeros((len(labels), len(self.prototypes_)), dtype=np.int8)
        out[labels >= 0, labels[labels >= 0]] = 1
        return out
