"""Practice questions for chapter 10, *Overfitting and regularization* (solutions/10_regularization_practice.ipynb).

Conventions of the chapter: the L2 penalty is ``(lam/2)·Σ w²`` (gradient ``lam·W``); dropout's
parameter ``p_drop`` is the probability to DROP a unit and the keep-mask is True where a unit is
kept (inverted dropout, scaled by ``1/(1 − p_drop)`` while training); batch normalization uses the
biased batch variance. Oracles: the companion's reference implementations, central finite
differences of the batch-norm output (hidden cases), the partition properties of k-fold indices,
and a step-by-step simulation of SGD for the closed-form question.
"""
from __future__ import annotations

import numpy as np

from course_check.spec import Case, Question
from grader.secret import case_rng

__all__ = ["QUESTIONS"]


# ---------------------------------------------------------------- q1 L2-regularized gradient
def _l2_ref(grad_W, W, lam):
    from companion.regularization import l2_gradient

    return np.asarray(grad_W, dtype=np.float64) + l2_gradient(np.asarray(W, dtype=np.float64), lam)


def _l2_cases() -> list[Case]:
    rng = case_rng(1001)
    cases = []
    for shape, lam, hidden in (((2, 3), 0.1, False), ((4,), 0.0, False), ((5, 5), 2.5, True), ((1, 7), 1e-4, True)):
        cases.append(Case((rng.normal(size=shape), rng.normal(size=shape), lam), hidden=hidden))
    return cases


# ---------------------------------------------------------------- q2 soft threshold
def _soft_ref(v, t):
    v = np.asarray(v, dtype=np.float64)
    return np.sign(v) * np.maximum(np.abs(v) - t, 0.0)


def _soft_cases() -> list[Case]:
    rng = case_rng(1002)
    return [
        Case((np.array([-2.0, -0.5, 0.0, 0.3, 1.0]), 0.5)),
        Case((rng.normal(size=(3, 4)), 0.2)),
        Case((rng.normal(size=50) * 3, 1.7), hidden=True),
        Case((np.array([0.5, -0.5, 0.4999, -0.5001]), 0.5), hidden=True),   # at and around the kink
        Case((rng.normal(size=(2, 2, 3)), 0.0), hidden=True),
    ]


# ---------------------------------------------------------------- q3 dropout forward and backward
def _dropout_ref(X, mask, p_drop, dout):
    from companion.layers import Dropout

    layer = Dropout(p_drop=p_drop, seed=0)
    out = layer.forward(X, training=True, mask=mask)
    return out, layer.backward(dout)


def _dropout_cases() -> list[Case]:
    rng = case_rng(1003)
    cases = []
    for (n, d), p, hidden in (((3, 4), 0.5, False), ((5, 2), 0.2, False), ((10, 8), 0.7, True), ((1, 6), 0.0, True)):
        cases.append(Case((rng.normal(size=(n, d)), rng.random((n, d)) >= p, p, rng.normal(size=(n, d))),
                          hidden=hidden))
    return cases


# ---------------------------------------------------------------- q4 batch-norm backward
def _bn_forward(X, gamma, beta, eps):
    mu, var = X.mean(axis=0), X.var(axis=0)
    return gamma * (X - mu) / np.sqrt(var + eps) + beta


def _bn_ref(dY, X, gamma, eps):
    from companion.layers import BatchNorm

    X = np.asarray(X, dtype=np.float64)
    layer = BatchNorm(X.shape[1], eps=eps)
    layer.params["gamma"][...] = gamma
    layer.forward(X, training=True)
    dX = layer.backward(np.asarray(dY, dtype=np.float64))
    return dX, layer.grads["gamma"].copy(), layer.grads["beta"].copy()


def _bn_finite_differences(dY, X, gamma, eps, h=1e-6):
    """Central differences of Σ dY ⊙ BN(X) with respect to X, γ and β (β enters only additively)."""
    beta = np.zeros_like(gamma)
    grads = []
    for which in (0, 1):
        arrays = [np.array(X, dtype=np.float64), np.array(gamma, dtype=np.float64)]
        g = np.zeros_like(arrays[which])
        for idx in np.ndindex(g.shape):
            old = arrays[which][idx]
            arrays[which][idx] = old + h
            up = np.sum(dY * _bn_forward(arrays[0], arrays[1], beta, eps))
            arrays[which][idx] = old - h
            down = np.sum(dY * _bn_forward(arrays[0], arrays[1], beta, eps))
            arrays[which][idx] = old
            g[idx] = (up - down) / (2 * h)
        grads.append(g)
    return grads[0], grads[1], dY.sum(axis=0)


def _bn_cases() -> list[Case]:
    rng = case_rng(1004)
    cases = []
    for (n, d), eps, hidden in (((4, 3), 1e-5, False), ((6, 2), 1e-3, False), ((10, 5), 1e-5, True), ((2, 4), 1e-5, True),
                                ((7, 3), 0.1, True)):
        X = rng.normal(size=(n, d)) * rng.uniform(0.5, 3, size=d) + rng.normal(size=d)
        cases.append(Case((rng.normal(size=(n, d)), X, rng.normal(size=d), eps), hidden=hidden))
    return cases


def _bn_judge(output, case: Case):
    """Hidden cases: also compare with central finite differences of Σ dY ⊙ BN(X)."""
    if not case.hidden:
        return True, ""
    dY, X, gamma, eps = case.args
    expected = _bn_finite_differences(dY, X, gamma, eps)
    for name, got, want in zip(("dX", "dgamma", "dbeta"), output, expected):
        got = np.asarray(got, dtype=np.float64)
        if got.shape != want.shape or not np.allclose(got, want, rtol=1e-5, atol=1e-6):
            return False, f"{name} disagrees with central finite differences of sum(dY * BN(X))"
    return True, "matches the reference and finite differences"


# ---------------------------------------------------------------- q5 k-fold indices
def _kfold_cases() -> list[Case]:
    # (10, 3, ·) twice with different seeds: the question says the seed shuffles, so the folds must differ;
    # n % k = 0, n % k ≠ 0 (the last fold is the short or long one), k = n, and the smallest split.
    return [Case((10, 3, 0)), Case((12, 4, 1)), Case((10, 3, 5)), Case((7, 7, 2), hidden=True),
            Case((101, 5, 3), hidden=True), Case((2, 2, 4), hidden=True), Case((12, 4, 8), hidden=True),
            Case((12, 4, 1), hidden=True)]


def _kfold_together(outputs, cases):
    """The seed shuffles: same (n, k) with another seed gives other folds; the same seed, the same folds."""
    seen: dict = {}
    for output, case in zip(outputs, cases):
        n, k, seed = case.args
        folds = tuple(tuple(sorted(int(i) for i in np.asarray(va).ravel())) for _, va in output)
        seen.setdefault((n, k), {}).setdefault(seed, []).append(folds)
    for (n, k), by_seed in seen.items():
        for seed, runs in by_seed.items():
            if any(r != runs[0] for r in runs):
                return False, (f"kfold_indices({n}, {k}, {seed}) gave different folds on two calls: make the "
                               "generator from seed inside the function (np.random.default_rng(seed))")
        if len(by_seed) > 1 and len({runs[0] for runs in by_seed.values()}) == 1:
            return False, (f"kfold_indices({n}, {k}, seed) gives the same folds for the seeds "
                           f"{sorted(by_seed)}: shuffle the indices with np.random.default_rng(seed)")
    return True, "the seed decides the shuffle"


def _kfold_judge(output, case: Case):
    n, k, _ = case.args
    try:
        folds = [(np.asarray(tr), np.asarray(va)) for tr, va in output]
    except (TypeError, ValueError):
        return False, "expected a list of k pairs (train_idx, val_idx)"
    if len(folds) != k:
        return False, f"expected k = {k} pairs (train_idx, val_idx), got {len(folds)}"
    all_val = np.concatenate([va.ravel() for _, va in folds]) if folds else np.array([])
    if all_val.size != n or not np.array_equal(np.sort(all_val), np.arange(n)):
        return False, f"every index 0..{n - 1} must appear in exactly one validation fold"
    sizes = sorted(va.size for _, va in folds)
    if sizes[-1] - sizes[0] > 1:
        return False, f"fold sizes must differ by at most one (n // k or n // k + 1); got sizes {sizes}"
    for i, (tr, va) in enumerate(folds):
        if tr.size + va.size != n or not np.array_equal(np.union1d(tr, va), np.arange(n)):
            return False, f"fold {i}: train_idx must hold exactly the indices not in val_idx"
    return True, "a partition into k folds of (almost) equal size"


# ---------------------------------------------------------------- q6 derivation: SGD with L2, closed form
def _sgd_l2_simulated(w0, g, eta, lam, t):
    """Independent oracle: t plain SGD steps on the cost g·w + (lam/2)·w², one at a time.

    For astronomically many steps (|1 − ηλ| < 1) the iterates have converged to the minimizer
    −g/λ of the cost, which is then the answer (no loop could run that long, a closed form can).
    """
    w = np.array(w0, dtype=np.float64)
    if t > 10**6:
        assert abs(1 - eta * lam) < 1
        return -np.asarray(g, dtype=np.float64) / lam + 0.0 * w
    for _ in range(int(t)):
        w = w - eta * (g + lam * w)
    return w


def _sgd_l2_cases() -> list[Case]:
    rng = case_rng(1006)
    return [
        Case((np.array([1.0, -2.0]), np.array([0.0, 0.0]), 0.1, 0.5, 10)),
        Case((np.array([1.0]), np.array([0.3]), 0.05, 0.2, 3)),
        Case((rng.normal(size=5), rng.normal(size=5), 0.01, 1.0, 500), hidden=True),
        Case((rng.normal(size=(2, 3)), rng.normal(size=(2, 3)), 0.2, 0.3, 40), hidden=True),
        Case((np.array([2.0]), np.array([-1.0]), 0.5, 1.5, 7), hidden=True),      # 1 − ηλ < 0: oscillates
        Case((rng.normal(size=3), rng.normal(size=3), 0.1, 0.5, 10**12), hidden=True),   # no loop survives this
    ]


def _sgd_l2_judge(output, case: Case):
    expected = _sgd_l2_simulated(*case.args)
    got = np.asarray(output, dtype=np.float64)
    if got.shape != expected.shape or not np.allclose(got, expected, rtol=1e-8, atol=1e-10):
        return False, "does not match t steps of w ← w − η(g + λw) carried out one by one"
    return True, "matches the step-by-step simulation"


def _sgd_l2_ref(w0, g, eta, lam, t):
    return _sgd_l2_simulated(w0, g, eta, lam, t)


#: version of this question set (docs/question-changes.md); raise it when a change can change a score
VERSION = "2"

QUESTIONS: list[Question] = [
    Question(
        id="q1",
        title="The L2-regularized gradient",
        function="l2_regularized_gradient",
        points=1,
        cases=_l2_cases,
        reference=_l2_ref,
        atol=1e-12,
        forbidden=("companion.regularization.l2_gradient",),
        hint=('differentiate the L2 penalty exactly as chapter 10 writes it (mind its factor) and '
              'add the result to the data gradient; return a new array'),
    ),
    Question(
        id="q2",
        title="Soft-thresholding",
        function="soft_threshold",
        points=2,
        cases=_soft_cases,
        reference=_soft_ref,
        atol=1e-12,
        forbidden=("companion.regularization.soft_threshold",),
        hint=('the soft threshold minimizes a squared distance to v plus t times an absolute value'
              " (chapter 10's L1 section): treat small and large |v| separately, keep the sign of "
              'v, and work elementwise'),
    ),
    Question(
        id="q3",
        title="Inverted dropout: forward and backward with a given mask",
        function="dropout_forward_backward",
        points=2,
        cases=_dropout_cases,
        reference=_dropout_ref,
        output="tuple",
        atol=1e-12,
        forbidden=("companion.layers.Dropout",),
        hint=('inverted dropout scales at training time so that evaluation needs nothing: which '
              "factor keeps each unit's expected value unchanged? The gradient flows back exactly "
              'where the activation flowed forward; mask is True where a unit is KEPT'),
    ),
    Question(
        id="q4",
        title="Batch normalization backward",
        function="batchnorm_backward",
        points=3,
        cases=_bn_cases,
        reference=_bn_ref,
        judge=_bn_judge,
        output="tuple",
        rtol=1e-6,
        atol=1e-9,
        forbidden=("companion.layers.BatchNorm",),
        hint=("recompute the forward pass's normalized values first (biased variance); then follow"
              " chapter 10's derivation: the batch mean and variance depend on every row, so dX "
              'has more terms than the direct one; sums and means run over rows'),
    ),
    Question(
        id="q5",
        title="k-fold cross-validation indices",
        function="kfold_indices",
        points=2,
        cases=_kfold_cases,
        judge=_kfold_judge,
        together=_kfold_together,
        output="tuple",
        forbidden=("companion.model_selection.kfold_indices", "companion.model_selection.cross_validate"),
        hint=('shuffle the indices 0..n-1 once with a generator made from seed, cut them into k '
              'nearly equal parts, and let each part be the validation set once while the rest '
              'trains'),
    ),
    Question(
        id="q6",
        title="Derivation: t SGD steps with L2 in closed form",
        function="sgd_l2_closed_form",
        points=3,
        cases=_sgd_l2_cases,
        reference=_sgd_l2_ref,
        judge=_sgd_l2_judge,
        timeout=10.0,
        rtol=1e-8,
        atol=1e-10,
        hint=('one step is an affine map of w: find its fixed point, then follow the distance to '
              'it step by step (it forms a geometric sequence); every case has lam > 0, so the fixed point exists'),
    ),
]
