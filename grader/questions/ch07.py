"""Practice questions for chapter 7, *Optimizers* (solutions/07_optimizers_practice.ipynb).

Notation as in :mod:`companion.optimizers`: θ a parameter array, g its gradient, η the
learning rate; every operation on arrays is elementwise.

* q1 one momentum step, v ← μv − ηg, θ ← θ + v;
* q2 one Adam step with bias correction (t counts steps from 1);
* q3 AdaGrad over a sequence of gradients, returning θ and the accumulator G = Σ g²;
* q4 the best constant learning rate of gradient descent on ½θᵀHθ, 2/(λ_min + λ_max);
* q5 a derivation: the closed-form position after k momentum steps on a constant slope, judged
  with k up to 10¹², far beyond what a loop could run within the time limit;
* q6 a derivation: the 2×2 iteration matrix of momentum along one eigen-direction of a quadratic,
  acting on (e_t, e_{t−1}); grader/tests check it against the momentum recurrence itself;
* q7 a derivation: the spectral radius at the best (η, μ) on a quadratic with eigenvalues in
  [λ_min, λ_max], (√κ − 1)/(√κ + 1); grader/tests check it against a brute-force search over (η, μ).
"""
from __future__ import annotations

import numpy as np

from course_check.spec import Case, Question
from grader.secret import case_rng

__all__ = ["QUESTIONS", "momentum_position_closed_form", "momentum_iteration_matrix", "momentum_best_rate"]


# ---------------------------------------------------------------- q1 momentum_step
def _momentum_step_ref(theta, v, grad, lr, mu):
    v_new = mu * np.asarray(v, dtype=np.float64) - lr * np.asarray(grad, dtype=np.float64)
    return np.asarray(theta, dtype=np.float64) + v_new, v_new


def _momentum_step_cases() -> list[Case]:
    rng = case_rng(701)
    return [
        Case((np.array([1.0, -2.0]), np.zeros(2), np.array([0.5, 1.0]), 0.1, 0.9)),
        Case((rng.normal(size=4), rng.normal(size=4), rng.normal(size=4), 0.01, 0.5)),
        Case((rng.normal(size=(3, 2)), rng.normal(size=(3, 2)), rng.normal(size=(3, 2)), 0.3, 0.99), hidden=True),
        Case((rng.normal(size=5), rng.normal(size=5), np.zeros(5), 0.1, 0.9), hidden=True),   # coasting
        Case((rng.normal(size=3), rng.normal(size=3), rng.normal(size=3), 0.05, 0.0), hidden=True),  # plain SGD
    ]


# ---------------------------------------------------------------- q2 adam_step
def _adam_step_ref(theta, m, v, grad, t, lr, beta1, beta2, eps):
    g = np.asarray(grad, dtype=np.float64)
    m_new = beta1 * np.asarray(m, dtype=np.float64) + (1 - beta1) * g
    v_new = beta2 * np.asarray(v, dtype=np.float64) + (1 - beta2) * g * g
    m_hat, v_hat = m_new / (1 - beta1**t), v_new / (1 - beta2**t)
    return np.asarray(theta, dtype=np.float64) - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


def _adam_step_cases() -> list[Case]:
    rng = case_rng(702)
    cases = [Case((np.array([1.0, -2.0]), np.zeros(2), np.zeros(2), np.array([0.5, -4.0]), 1,
                   0.1, 0.9, 0.999, 1e-8))]                       # the first step: moves by ≈ η each
    m, v = 0.1 * rng.normal(size=4), 0.01 * rng.uniform(size=4)
    cases.append(Case((rng.normal(size=4), m, v, rng.normal(size=4), 3, 0.01, 0.9, 0.999, 1e-8)))
    for shape, t, b1, b2, eps in (((2, 3), 10, 0.8, 0.99, 1e-6), ((6,), 1000, 0.9, 0.999, 1e-8),
                                  ((5,), 2, 0.0, 0.5, 1e-3)):
        cases.append(Case((rng.normal(size=shape), 0.1 * rng.normal(size=shape), 0.01 * rng.uniform(size=shape),
                           rng.normal(size=shape), t, 0.003, b1, b2, eps), hidden=True))
    # tiny gradients: here ε inside the square root would give a very different step
    cases.append(Case((np.ones(3), np.zeros(3), np.zeros(3), np.array([1e-6, -1e-7, 3e-5]), 1,
                       0.1, 0.9, 0.999, 1e-8), hidden=True))
    return cases


# ---------------------------------------------------------------- q3 adagrad
def _adagrad_ref(theta0, grads, lr, eps):
    theta = np.array(theta0, dtype=np.float64)
    G = np.zeros_like(theta)
    for g in np.asarray(grads, dtype=np.float64):
        G = G + g * g
        theta = theta - lr * g / (np.sqrt(G) + eps)
    return theta, G


def _adagrad_cases() -> list[Case]:
    rng = case_rng(703)
    sparse = rng.normal(size=(20, 4)) * (rng.uniform(size=(20, 4)) < [0.9, 0.5, 0.1, 0.0])
    return [
        Case((np.array([1.0, 1.0]), np.array([[1.0, 2.0], [1.0, 0.0], [1.0, -2.0]]), 0.5, 1e-8)),
        Case((rng.normal(size=3), rng.normal(size=(10, 3)), 0.1, 1e-8)),
        Case((rng.normal(size=4), sparse, 0.2, 1e-8), hidden=True),       # a coordinate that never moves
        Case((rng.normal(size=6), 100 * rng.normal(size=(50, 6)), 1.0, 1e-6), hidden=True),
        Case((rng.normal(size=2), rng.normal(size=(1, 2)), 0.01, 1e-8), hidden=True),
    ]


# ---------------------------------------------------------------- q4 best_learning_rate
def _best_lr_ref(H):
    eigenvalues = np.linalg.eigvalsh(np.asarray(H, dtype=np.float64))
    return np.float64(2.0 / (eigenvalues[0] + eigenvalues[-1]))


def _spd(rng, d, condition):
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    eigenvalues = np.geomspace(1.0, condition, d) * rng.uniform(0.5, 2.0)
    H = Q @ np.diag(eigenvalues) @ Q.T
    return (H + H.T) / 2


def _best_lr_cases() -> list[Case]:
    rng = case_rng(704)
    return [
        Case((np.diag([1.0, 20.0]),)),                      # the chapter's valley: 2/21
        Case((np.array([[3.0, 1.0], [1.0, 3.0]]),)),        # eigenvalues 2 and 4: 1/3
        Case((_spd(rng, 3, 10.0),), hidden=True),
        Case((_spd(rng, 6, 1000.0),), hidden=True),
        Case((5.0 * np.eye(4),), hidden=True),              # perfectly conditioned: 1/λ, one step
    ]


# ---------------------------------------------------------------- q5 momentum_position
def momentum_position_closed_form(theta0, g, lr, mu, k):
    """θ_k after k momentum steps from θ_0 with v_0 = 0 on a constant gradient g.

    v_j = −η g (1 − μ^j)/(1 − μ), so θ_k = θ_0 + Σ_{j=1..k} v_j
        = θ_0 − η g [k/(1 − μ) − μ (1 − μ^k)/(1 − μ)²].
    """
    k = int(k)
    factor = k / (1 - mu) - mu * (1 - mu**k) / (1 - mu) ** 2
    return np.asarray(theta0, dtype=np.float64) - lr * factor * np.asarray(g, dtype=np.float64)


def _momentum_position_cases() -> list[Case]:
    rng = case_rng(705)
    return [
        Case((np.array([0.0, 1.0]), np.array([1.0, -2.0]), 0.1, 0.9, 1)),     # one step: θ0 − ηg
        Case((np.array([0.0, 1.0]), np.array([1.0, -2.0]), 0.1, 0.9, 10)),
        Case((rng.normal(size=3), rng.normal(size=3), 0.01, 0.99, 250), hidden=True),
        Case((rng.normal(size=2), rng.normal(size=2), 0.05, 0.5, 0), hidden=True),       # no step
        Case((rng.normal(size=4), 1e-9 * rng.normal(size=4), 0.1, 0.9, 10**12), hidden=True),   # no loop can run this
        Case((rng.normal(size=3), rng.normal(size=3), 0.2, 0.0, 7), hidden=True),         # μ = 0: plain SGD
    ]


# ---------------------------------------------------------------- q6 momentum_iteration
def momentum_iteration_matrix(lam, lr, mu):
    """T with (e_{t+1}, e_t) = T (e_t, e_{t−1}) for momentum on ½λe²: v_{t+1} = μ v_t − ηλ e_t and
    v_t = e_t − e_{t−1} give e_{t+1} = (1 + μ − ηλ) e_t − μ e_{t−1}."""
    return np.array([[1.0 + mu - lr * lam, -mu], [1.0, 0.0]])


def _momentum_iteration_cases() -> list[Case]:
    rng = case_rng(706)
    return [
        Case((1.0, 0.1, 0.9)),
        Case((20.0, 0.05, 0.5)),
        Case((float(rng.uniform(0.1, 10)), float(rng.uniform(0.01, 0.2)), float(rng.uniform(0, 0.99))), hidden=True),
        Case((3.0, 0.2, 0.0), hidden=True),                      # μ = 0: gradient descent, 1 − ηλ
        Case((float(rng.uniform(50, 100)), 1e-3, 0.99), hidden=True),
    ]


# ---------------------------------------------------------------- q7 momentum_best_rate
def momentum_best_rate(lam_min, lam_max):
    """min over (η, μ) of max over λ ∈ [λ_min, λ_max] of ρ(T(λ, η, μ)) = (√κ − 1)/(√κ + 1), κ = λ_max/λ_min."""
    root = np.sqrt(lam_max / lam_min)
    return np.float64((root - 1.0) / (root + 1.0))


def _momentum_rate_cases() -> list[Case]:
    rng = case_rng(707)
    return [
        Case((1.0, 20.0)),                                       # the chapter's valley
        Case((2.0, 8.0)),                                        # κ = 4: 1/3
        Case((float(rng.uniform(0.5, 2)), float(rng.uniform(100, 1000))), hidden=True),
        Case((3.0, 3.0), hidden=True),                           # κ = 1: one step, rate 0
        Case((1e-3, 1e3), hidden=True),
    ]


_LOOPS_HINT = ("k can be as large as 10^12, so a loop cannot finish: write the velocity after j steps "
               "as a geometric series, then sum the positions in closed form")

#: version of this question set (docs/question-changes.md); raise it when a change can change a score
VERSION = "2"

QUESTIONS: list[Question] = [
    Question(
        id="q1",
        title="One momentum step",
        function="momentum_step",
        points=1,
        cases=_momentum_step_cases,
        reference=_momentum_step_ref,
        output="tuple",
        atol=1e-12,
        forbidden=("companion.optimizers.Momentum",),
        hint="the velocity is updated before the position moves, and the position moves by the new "
             "velocity; return new arrays rather than changing the inputs",
    ),
    Question(
        id="q2",
        title="One Adam step with bias correction",
        function="adam_step",
        points=3,
        cases=_adam_step_cases,
        reference=_adam_step_ref,
        output="tuple",
        rtol=1e-9,
        atol=1e-12,
        forbidden=("companion.optimizers.Adam",),
        hint="update both moments before correcting them for their zero start (chapter 7 derives the "
             "factor); eps sits outside the square root; the state you return is the uncorrected one",
    ),
    Question(
        id="q3",
        title="AdaGrad and its accumulator",
        function="adagrad",
        points=2,
        cases=_adagrad_cases,
        reference=_adagrad_ref,
        output="tuple",
        rtol=1e-9,
        atol=1e-12,
        forbidden=("companion.optimizers.AdaGrad",),
        hint="the accumulator grows before it is used, one gradient row at a time; every coordinate "
             "gets its own effective rate",
    ),
    Question(
        id="q4",
        title="The best learning rate of a quadratic from its Hessian",
        function="best_learning_rate",
        points=2,
        cases=_best_lr_cases,
        reference=_best_lr_ref,
        output="scalar",
        rtol=1e-9,
        hint="look at the error along each eigenvector of the Hessian: which two eigenvalues decide the "
             "worst factor, and when is the worse of those two as small as it can be?",
    ),
    Question(
        id="q5",
        title="Derivation: where momentum is after k steps on a constant slope",
        function="momentum_position",
        points=3,
        cases=_momentum_position_cases,
        reference=momentum_position_closed_form,
        rtol=1e-9,
        atol=1e-12,
        timeout=10.0,
        hint=_LOOPS_HINT,
    ),
    Question(
        id="q6",
        title="Derivation: the iteration matrix of momentum on a quadratic",
        function="momentum_iteration",
        points=2,
        cases=_momentum_iteration_cases,
        reference=momentum_iteration_matrix,
        rtol=1e-12,
        atol=1e-12,
        hint="write the velocity as the difference of two consecutive errors, substitute it into the "
             "velocity update, and read off the coefficients of the two most recent errors; the second "
             "row only carries the current error down",
    ),
    Question(
        id="q7",
        title="Derivation: the best convergence rate of momentum",
        function="momentum_best_rate",
        points=3,
        cases=_momentum_rate_cases,
        reference=momentum_best_rate,
        output="scalar",
        rtol=1e-9,
        atol=1e-12,
        hint="find when the two eigenvalues of the iteration matrix are complex: their modulus then "
             "no longer depends on the curvature; choose the pair of hyper-parameters that puts both "
             "extreme curvatures exactly on that regime's edge",
    ),
]
