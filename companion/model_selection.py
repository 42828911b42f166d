"""Model selection: k-fold cross-validation indices and per-fold scores.

A hyper-parameter (a penalty strength, a width, …) must be chosen WITHOUT looking at the test
set. k-fold cross-validation splits the n training examples into k disjoint *folds* of (almost)
equal size; for fold i the model is trained on the other k − 1 folds and scored on fold i::

    folds  V_1, …, V_k  with  V_i ∩ V_j = ∅  (i ≠ j),  V_1 ∪ … ∪ V_k = {0, …, n − 1}
    score_i = score(model trained on {0..n−1} \\ V_i,  evaluated on V_i)
    CV score = (1/k) Σ_i score_i,   spread = std_i(score_i)

Every example is scored exactly once, by a model that never saw it. Fold sizes are
``⌈n/k⌉`` for the first ``n mod k`` folds and ``⌊n/k⌋`` for the others, whatever the seed: the
seed changes only which examples land in which fold (the shuffle).

Stratified folds keep the class proportions: the examples of each class are shuffled, the
classes are laid one after the other, and that list is dealt to the folds like cards
(position i goes to fold i mod k). Each class is then spread over the folds with counts that
differ by at most one, and fold sizes still differ by at most one.

Example
-------
>>> from companion.model_selection import kfold_indices
>>> folds = kfold_indices(10, 3, seed=0)
>>> [len(val) for _, val in folds]                    # sizes differ by at most one
[4, 3, 3]
>>> sorted(np.concatenate([val for _, val in folds]).tolist()) == list(range(10))
True
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from companion._validation import check_int, make_rng
from companion.metrics import accuracy, as_labels

__all__ = ["kfold_indices", "cross_validate"]


def _check_int(name: str, value, minimum: int) -> int:
    """Return ``value`` as an int ≥ ``minimum``; TypeError for non-integers, ValueError below it."""
    return check_int(name, value, minimum)


def _check_k(k, n: int) -> int:
    """Number of folds: an int with 2 ≤ k ≤ n."""
    k = _check_int("k", k, 2)
    if k > n:
        raise ValueError(f"k must be at most n = {n} (each fold needs at least one example); got k = {k}")
    return k


def _fold_of_each(order: np.ndarray, k: int, dealt: bool) -> np.ndarray:
    """Fold number (n,) of each example, given the shuffled ``order`` of the indices."""
    n = order.size
    if dealt:
        position_fold = np.arange(n) % k
    else:
        sizes = n // k + (np.arange(k) < n % k)
        position_fold = np.repeat(np.arange(k), sizes)
    fold = np.empty(n, dtype=np.int64)
    fold[order] = position_fold
    return fold


def _stratified_order(labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The indices grouped by class (classes in sorted order), shuffled inside each class."""
    return np.concatenate([rng.permutation(np.flatnonzero(labels == c)) for c in np.unique(labels)])


def kfold_indices(n: int, k: int, seed: int | None = 0, *, stratify=None, shuffle: bool = True
                  ) -> list[tuple[np.ndarray, np.ndarray]]:
    """Split ``0..n−1`` into ``k`` folds; return ``[(train_idx, val_idx), …]``, one pair per fold.

    Parameters
    ----------
    n : int ≥ 2
        Number of examples.
    k : int, 2 ≤ k ≤ n
        Number of folds.
    seed : int, optional
        Seeds the shuffle only: fold sizes do not depend on it. Ignored when ``shuffle=False``.
    stratify : array (n,) of integer labels or (n, c) one-hot rows, optional
        Keep each class's share in every fold (module docstring).
    shuffle : bool
        False keeps the original order: fold i is a contiguous block (or, stratified, the
        examples sorted by class label, each class in its original order, dealt round-robin:
        position j of that list goes to fold j mod k).

    Returns
    -------
    list of k tuples ``(train_idx, val_idx)``
        int64 arrays in increasing order; ``val_idx`` has ``⌈n/k⌉`` or ``⌊n/k⌋`` entries,
        ``train_idx`` the other ``n − len(val_idx)``. The val folds partition ``0..n−1``.
    """
    n = _check_int("n", n, 2)
    k = _check_k(k, n)
    rng = make_rng(seed)
    if stratify is None:
        order = rng.permutation(n) if shuffle else np.arange(n)
    else:
        labels = as_labels("stratify", stratify)
        if labels.shape[0] != n:
            raise ValueError(f"stratify must have one label per example, n = {n}; got shape {np.shape(stratify)}")
        order = _stratified_order(labels, rng) if shuffle else np.argsort(labels, kind="stable")
    fold = _fold_of_each(order, k, dealt=stratify is not None)
    return [(np.flatnonzero(fold != i), np.flatnonzero(fold == i)) for i in range(k)]


def _default_score(model, X_val: np.ndarray, Y_val: np.ndarray) -> float:
    """Accuracy of ``model.predict(X_val)`` against the labels in ``Y_val``."""
    return accuracy(as_labels("Y", Y_val), model.predict(X_val))


def _default_train(model, X_train: np.ndarray, Y_train: np.ndarray) -> None:
    if not callable(getattr(model, "fit", None)):
        raise TypeError(f"train is None, so make_model() must return a model with a .fit(X, Y) "
                        f"method; got {type(model).__name__} (pass train=lambda model, X, Y: ...)")
    model.fit(X_train, Y_train)


def cross_validate(make_model: Callable[[], object], X, Y, k: int = 5, *,
                   train: Callable[[object, np.ndarray, np.ndarray], object] | None = None,
                   score: Callable[[object, np.ndarray, np.ndarray], float] | None = None,
                   seed: int | None = 0, stratify: bool = False) -> np.ndarray:
    """k-fold cross-validation: train a fresh model on k − 1 folds, score it on the held-out fold.

    For each fold ``i`` of ``kfold_indices(n, k, seed)``:
    ``model = make_model()``; ``train(model, X[train_i], Y[train_i])``;
    ``scores[i] = score(model, X[val_i], Y[val_i])``. Inputs are never modified.

    Parameters
    ----------
    make_model : callable () → model
        Builds a FRESH, untrained model (a new one per fold, so no fold sees another's data).
    X : array (n, d);  Y : array (n,) or (n, c)
        Examples as rows; targets with one row per example.
    k : int, 2 ≤ k ≤ n
    train : callable (model, X_train, Y_train), optional
        Trains the model in place, e.g. ``lambda m, X, Y: fit(m, X, Y, Adam(0.01), progress=False)``.
        Default: ``model.fit(X_train, Y_train)``.
    score : callable (model, X_val, Y_val) → float, optional
        Default: accuracy of ``model.predict(X_val)`` against the labels in ``Y_val``.
    seed : int, optional
        Seeds the shuffle of ``kfold_indices``.
    stratify : bool
        Stratify the folds by the class labels in ``Y``.

    Returns
    -------
    ndarray (k,) of float — the score of each fold (report the mean and the spread).
    """
    X, Y = np.asarray(X), np.asarray(Y)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n, d) with examples as rows; got shape {X.shape}")
    if Y.ndim not in (1, 2) or Y.shape[0] != X.shape[0]:
        raise ValueError(f"Y must have one row per example of X ({X.shape[0]}); got shape {Y.shape}")
    if not callable(make_model):
        raise TypeError(f"make_model must be a callable returning a fresh model; got {type(make_model).__name__}")
    folds = kfold_indices(X.shape[0], k, seed, stratify=Y if stratify else None)
    train, score = train or _default_train, score or _default_score
    scores = np.empty(len(folds))
    for i, (tr, va) in enumerate(folds):
        model = make_model()
        train(model, X[tr], Y[tr])
        scores[i] = float(score(model, X[va], Y[va]))
    return scores
