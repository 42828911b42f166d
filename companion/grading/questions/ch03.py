"""Practice questions for chapter 3, *Activations and losses*
(solutions/03_activations_and_losses.ipynb).

Several hidden cases use inputs with |z| = 1000: a textbook formula that overflows there
produces NaN or a warning, which the grader reports as a hint about numerical stability.
"""
from __future__ import annotations

import numpy as np

from companion.grading.spec import Case, Question

__all__ = ["QUESTIONS"]


def _probabilities(rng, n, k):
    """Rows of random positive numbers that sum to 1 (bounded away from 0)."""
    p = rng.uniform(0.05, 1.0, size=(n, k))
    return p / p.sum(axis=1, keepdims=True)


def _one_hot(rng, n, k):
    return np.eye(k)[rng.integers(0, k, size=n)]


# ---------------------------------------------------------------- q1 sigmoid_prime
def _sigmoid_prime_ref(z):
    from companion.activations import sigmoid_prime

    return sigmoid_prime(np.asarray(z, dtype=np.float64))


def _sigmoid_prime_cases() -> list[Case]:
    rng = np.random.default_rng(301)
    return [
        Case((np.array([0.0, 1.0, -1.0, 2.0]),)),
        Case((rng.normal(size=(3, 4)),)),
        Case((np.linspace(-8, 8, 33),), hidden=True),
        Case((np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0]),), hidden=True),
        Case((5 * rng.normal(size=(6, 5)),), hidden=True),
    ]


# ---------------------------------------------------------------- q2 softmax
def _softmax_ref(z):
    from companion.activations import softmax

    return softmax(np.asarray(z, dtype=np.float64))


def _softmax_cases() -> list[Case]:
    rng = np.random.default_rng(302)
    return [
        Case((np.array([1.0, 2.0, 3.0]),)),
        Case((rng.normal(size=(4, 5)),)),
        Case((np.array([[1000.0, 999.0, 998.0], [-1000.0, -1000.0, -999.0]]),), hidden=True),
        Case((np.array([0.0, 1000.0, -1000.0]),), hidden=True),
        Case((10 * rng.normal(size=(8, 10)),), hidden=True),
    ]


# ---------------------------------------------------------------- q3 softmax_jacobian
def _softmax_jacobian_ref(s):
    # d s_i / d z_j = s_i (delta_ij - s_j), derived by hand
    s = np.asarray(s, dtype=np.float64)
    return np.diag(s) - np.outer(s, s)


def _softmax_jacobian_cases() -> list[Case]:
    rng = np.random.default_rng(303)
    return [
        Case((np.array([0.2, 0.3, 0.5]),)),
        Case((np.array([0.25, 0.25, 0.25, 0.25]),)),
        Case((_probabilities(rng, 1, 6)[0],), hidden=True),
        Case((np.array([1.0, 0.0]),), hidden=True),
        Case((_probabilities(rng, 1, 10)[0],), hidden=True),
    ]


# ---------------------------------------------------------------- q4 cross_entropy
def _cross_entropy_ref(a, y):
    from companion.losses import cross_entropy

    return np.float64(cross_entropy(np.asarray(a, dtype=np.float64), np.asarray(y, dtype=np.float64)))


def _cross_entropy_cases() -> list[Case]:
    rng = np.random.default_rng(304)
    return [
        Case((np.array([[0.7, 0.2, 0.1]]), np.array([[1.0, 0.0, 0.0]]))),
        Case((_probabilities(rng, 4, 3), _one_hot(rng, 4, 3))),
        Case((_probabilities(rng, 10, 5), _one_hot(rng, 10, 5)), hidden=True),
        # soft targets (label smoothing) follow the same formula
        Case((_probabilities(rng, 3, 4), _probabilities(rng, 3, 4)), hidden=True),
        Case((np.array([[0.999, 0.001], [0.5, 0.5]]), np.array([[0.0, 1.0], [1.0, 0.0]])), hidden=True),
    ]


# ---------------------------------------------------------------- q5 softmax_ce_grad
def _softmax_ce_grad_ref(z, y):
    from companion.losses import softmax_cross_entropy

    return softmax_cross_entropy(np.asarray(z, dtype=np.float64), np.asarray(y, dtype=np.float64))[1]


def _softmax_ce_grad_cases() -> list[Case]:
    rng = np.random.default_rng(305)
    return [
        Case((np.array([[2.0, 1.0, 0.1]]), np.array([[1.0, 0.0, 0.0]]))),
        Case((rng.normal(size=(4, 3)), _one_hot(rng, 4, 3))),
        Case((rng.normal(size=(16, 10)), _one_hot(rng, 16, 10)), hidden=True),
        Case((np.array([[1000.0, 0.0, -1000.0], [0.0, 0.0, 0.0]]), np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])),
             hidden=True),
    ]


QUESTIONS: list[Question] = [
    Question(
        id="q1",
        title="Derivative of the sigmoid",
        function="sigmoid_prime",
        points=2,
        cases=_sigmoid_prime_cases,
        reference=_sigmoid_prime_ref,
        forbidden=("companion.activations.sigmoid_prime",),
        atol=1e-12,
        hint="write sigma' in terms of sigma itself; compute sigma so that np.exp never "
             "receives a large positive number (a numerically stable sigmoid branches on the "
             "sign of z and only uses exp(-|z|))",
        partial_credit=True,
    ),
    Question(
        id="q2",
        title="A numerically stable softmax",
        function="softmax",
        points=3,
        cases=_softmax_cases,
        reference=_softmax_ref,
        forbidden=("companion.activations.softmax",),
        hint="softmax does not change if the same number is subtracted from every entry of a "
             "row: choose that number so that no exponent is positive",
        partial_credit=True,
    ),
    Question(
        id="q3",
        title="Jacobian of the softmax",
        function="softmax_jacobian",
        points=2,
        cases=_softmax_jacobian_cases,
        reference=_softmax_jacobian_ref,
        atol=1e-12,
        hint="differentiate s_i with respect to z_j, treating i = j and i != j separately, "
             "then write both cases as one matrix expression",
        partial_credit=True,
    ),
    Question(
        id="q4",
        title="Cross-entropy of a batch",
        function="cross_entropy",
        points=2,
        cases=_cross_entropy_cases,
        reference=_cross_entropy_ref,
        output="scalar",
        forbidden=("companion.losses.cross_entropy",),
        hint="the cost is a mean over examples (rows), not over every entry of the array",
        partial_credit=True,
    ),
    Question(
        id="q5",
        title="Gradient of softmax + cross-entropy",
        function="softmax_ce_grad",
        points=3,
        cases=_softmax_ce_grad_cases,
        reference=_softmax_ce_grad_ref,
        atol=1e-12,
        forbidden=("companion.losses.softmax_cross_entropy", "companion.activations.softmax",
                   "companion.losses.cross_entropy_grad"),
        hint="derive dC/dz for one example first (the result is short), then decide where the "
             "1/n of the batch mean goes; reuse your stable softmax",
        partial_credit=True,
    ),
]
