"""Tests for companion.model_selection.

Oracles: the partition property (every index in exactly one validation fold, train = the
complement) over random n, k and seeds; fold sizes fixed by n and k alone; stratified class
counts within one of n_c / k; a hand-computed unshuffled split; cross_validate against an
explicit loop over the folds with a closed-form model (class means).
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.model_selection import cross_validate, kfold_indices


@st.composite
def n_and_k(draw):
    n = draw(st.integers(2, 200))
    return n, draw(st.integers(2, n))


@settings(max_examples=80, deadline=None)
@given(n_and_k(), st.integers(0, 2**31 - 1))
def test_every_index_in_exactly_one_validation_fold(nk, seed):
    n, k = nk
    folds = kfold_indices(n, k, seed)
    assert len(folds) == k
    all_val = np.concatenate([va for _, va in folds])
    np.testing.assert_array_equal(np.sort(all_val), np.arange(n))       # a partition of 0..n−1
    for tr, va in folds:
        np.testing.assert_array_equal(np.union1d(tr, va), np.arange(n))  # train = complement
        assert np.intersect1d(tr, va).size == 0
        assert tr.dtype == np.int64 and va.dtype == np.int64
        assert np.all(np.diff(va) > 0) and np.all(np.diff(tr) > 0)


@settings(max_examples=60, deadline=None)
@given(n_and_k(), st.integers(0, 10**6), st.integers(0, 10**6))
def test_seed_changes_only_the_shuffle(nk, s1, s2):
    n, k = nk
    sizes = [[va.size for _, va in kfold_indices(n, k, s)] for s in (s1, s2)]
    assert sizes[0] == sizes[1]
    expected = [n // k + (i < n % k) for i in range(k)]
    assert sizes[0] == expected
    unshuffled = [kfold_indices(n, k, s, shuffle=False) for s in (s1, s2)]
    for (a_tr, a_va), (b_tr, b_va) in zip(*unshuffled):
        np.testing.assert_array_equal(a_va, b_va)


def test_same_seed_same_folds_other_seed_other_folds():
    a, b, c = (kfold_indices(50, 5, s) for s in (3, 3, 4))
    for (_, va), (_, vb) in zip(a, b):
        np.testing.assert_array_equal(va, vb)
    assert any(not np.array_equal(va, vc) for (_, va), (_, vc) in zip(a, c))


def test_unshuffled_folds_by_hand():
    folds = kfold_indices(7, 3, shuffle=False)
    np.testing.assert_array_equal(folds[0][1], [0, 1, 2])
    np.testing.assert_array_equal(folds[1][1], [3, 4])
    np.testing.assert_array_equal(folds[2][1], [5, 6])
    np.testing.assert_array_equal(folds[1][0], [0, 1, 2, 5, 6])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=6, max_size=120), st.integers(2, 6), st.integers(0, 1000),
       st.booleans())
def test_stratified_folds_keep_class_shares(labels, k, seed, one_hot):
    y = np.array(labels)
    k = min(k, y.size)
    strat = np.eye(4)[y] if one_hot else y
    folds = kfold_indices(y.size, k, seed, stratify=strat)
    np.testing.assert_array_equal(np.sort(np.concatenate([va for _, va in folds])), np.arange(y.size))
    sizes = [va.size for _, va in folds]
    assert max(sizes) - min(sizes) <= 1
    for c in np.unique(y):
        counts = [np.sum(y[va] == c) for _, va in folds]
        n_c = np.sum(y == c)
        assert max(counts) - min(counts) <= 1 and sum(counts) == n_c


def test_stratified_beats_plain_on_a_rare_class():
    y = np.array([1] * 5 + [0] * 95)
    strat = kfold_indices(100, 5, 0, stratify=y)
    assert [int(np.sum(y[va])) for _, va in strat] == [1, 1, 1, 1, 1]


@pytest.mark.parametrize("k, exc, words", [
    (1, ValueError, "k must be an int ≥ 2; got 1"),
    (0, ValueError, "≥ 2"),
    (11, ValueError, "k must be at most n = 10"),
    (2.0, TypeError, "k must be an int ≥ 2; got float"),
    ("3", TypeError, "k must be an int ≥ 2; got str"),
    (True, TypeError, "k must be an int ≥ 2; got bool"),
])
def test_bad_k_is_named(k, exc, words):
    with pytest.raises(exc, match=words):
        kfold_indices(10, k)


def test_bad_n_and_stratify_are_named():
    with pytest.raises(ValueError, match="n must be an int ≥ 2; got 1"):
        kfold_indices(1, 2)
    with pytest.raises(TypeError, match="n must be an int"):
        kfold_indices(10.5, 2)
    with pytest.raises(ValueError, match="stratify must have one label per example, n = 10"):
        kfold_indices(10, 2, stratify=np.zeros(9, dtype=int))
    with pytest.raises(TypeError, match="seed must be an int"):
        kfold_indices(10, 2, seed=1.5)


class ClassMeans:
    """Nearest class mean: a model with a closed-form fit, to test the loop."""

    def fit(self, X, Y):
        y = Y.argmax(axis=1)
        self.means = np.stack([X[y == c].mean(axis=0) for c in range(Y.shape[1])])
        return self

    def predict(self, X):
        return np.argmin(((X[:, None, :] - self.means[None]) ** 2).sum(axis=2), axis=1)


def _blobs(seed=0, n=60):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 3
    X = rng.normal(size=(n, 2)) * 0.8 + np.array([[0, 0], [3, 0], [0, 3]])[y]
    return X, np.eye(3)[y], y


def test_cross_validate_equals_explicit_loop_and_leaves_inputs_alone():
    X, Y, y = _blobs()
    X0, Y0 = X.copy(), Y.copy()
    scores = cross_validate(ClassMeans, X, Y, k=4, seed=2)
    expected = []
    for tr, va in kfold_indices(60, 4, 2):
        m = ClassMeans().fit(X[tr], Y[tr])
        expected.append(np.mean(m.predict(X[va]) == y[va]))
    np.testing.assert_allclose(scores, expected)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(Y, Y0)


def test_cross_validate_custom_train_and_score_and_stratify():
    X, Y, y = _blobs(1)
    seen = []

    def train(model, Xt, Yt):
        seen.append(len(Xt))
        model.fit(Xt, Yt)

    scores = cross_validate(ClassMeans, X, Y, k=3, train=train,
                            score=lambda m, Xv, Yv: float(len(Xv)), stratify=True)
    assert seen == [40, 40, 40]
    np.testing.assert_array_equal(scores, [20.0, 20.0, 20.0])


def test_cross_validate_errors_are_named():
    X, Y, _ = _blobs()
    with pytest.raises(ValueError, match="Y must have one row per example of X"):
        cross_validate(ClassMeans, X, Y[:10])
    with pytest.raises(ValueError, match="X must be 2-D"):
        cross_validate(ClassMeans, X[:, 0], Y)
    with pytest.raises(TypeError, match="make_model must be a callable"):
        cross_validate(ClassMeans(), X, Y)
    with pytest.raises(TypeError, match=r"\.fit\(X, Y\) method"):
        cross_validate(object, X, Y)
    with pytest.raises(ValueError, match="k must be at most n = 60"):
        cross_validate(ClassMeans, X, Y, k=61)


def test_defaults_are_seed_0_five_folds_and_no_stratification():
    X, Y, y = _blobs()
    assert [va.tolist() for _, va in kfold_indices(10, 2)] == [va.tolist() for _, va in kfold_indices(10, 2, 0)]
    first = lambda m, Xv, Yv: float(Xv[0, 0])                 # a score that tells the folds apart
    np.testing.assert_array_equal(cross_validate(ClassMeans, X, Y, score=first),
                                  cross_validate(ClassMeans, X, Y, k=5, seed=0, stratify=False, score=first))
    assert not np.array_equal(cross_validate(ClassMeans, X, Y, score=first),
                              cross_validate(ClassMeans, X, Y, seed=1, score=first))
    assert len(cross_validate(ClassMeans, X, Y)) == 5
    rare = np.array([1] * 5 + [0] * 95)
    plain = [int(rare[va].sum()) for _, va in kfold_indices(100, 5, 0)]
    assert plain != [1] * 5                                   # the default does not stratify


def test_unshuffled_stratified_folds_deal_each_class_in_order():
    labels = np.array([1, 0, 1, 0, 0, 1])
    folds = kfold_indices(6, 3, stratify=labels, shuffle=False)
    assert [sorted(labels[va].tolist()) for _, va in folds] == [[0, 1], [0, 1], [0, 1]]


def test_cross_validate_takes_integer_labels_and_scores_with_them():
    X, Y, y = _blobs()
    scores = cross_validate(ClassMeans, X, y, k=3, train=lambda m, Xt, yt: m.fit(Xt, np.eye(3)[yt]))
    np.testing.assert_allclose(scores, cross_validate(ClassMeans, X, Y, k=3))


def test_cross_validate_messages_are_exact():
    X, Y, _ = _blobs()
    with pytest.raises(ValueError, match=r"^Y must have one row per example of X \(60\); got shape \(10, 3\)$"):
        cross_validate(ClassMeans, X, Y[:10])
    with pytest.raises(ValueError, match=r"^X must be 2-D \(n, d\) with examples as rows; got shape \(60,\)$"):
        cross_validate(ClassMeans, X[:, 0], Y)
    with pytest.raises(TypeError, match=r"^make_model must be a callable returning a fresh model; got ClassMeans$"):
        cross_validate(ClassMeans(), X, Y)
    with pytest.raises(ValueError, match=r"^k must be at most n = 60 \(each fold needs at least one example\); "
                                         r"got k = 61$"):
        cross_validate(ClassMeans, X, Y, k=61)
    with pytest.raises(ValueError, match=r"^stratify must have one label per example, n = 10; got shape \(9,\)$"):
        kfold_indices(10, 2, stratify=np.zeros(9, dtype=int))
    with pytest.raises(ValueError, match=r"^stratify must be labels"):
        kfold_indices(10, 2, stratify=np.zeros((10, 1, 1)))
    with pytest.raises(ValueError, match=r"^Y "):                 # fractional 1-D targets are not labels
        cross_validate(ClassMeans, X, np.linspace(0.1, 0.9, 60), train=lambda m, Xt, Yt: None)
