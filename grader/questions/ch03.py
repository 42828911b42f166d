"""Practice questions for chapter 3, *Activations and losses*
(solutions/03_activations_and_losses_practice.ipynb).

Several hidden cases use inputs with |z| = 1000: a textbook formula that overflows there
produces NaN or a warning, which the grader reports as a hint about numerical stability.
"""
from __future__ import annotations

import numpy as np

from course_check.spec import Case, Question
from grader.secret import case_rng

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
    rng = case_rng(301)
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
    rng = case_rng(302)
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
    rng = case_rng(303)
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
    rng = case_rng(304)
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
    rng = case_rng(305)
    return [
        Case((np.array([[2.0, 1.0, 0.1]]), np.array([[1.0, 0.0, 0.0]]))),
        Case((rng.normal(size=(4, 3)), _one_hot(rng, 4, 3))),
        Case((rng.normal(size=(16, 10)), _one_hot(rng, 16, 10)), hidden=True),
        Case((np.array([[1000.0, 0.0, -1000.0], [0.0, 0.0, 0.0]]), np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])),
             hidden=True),
    ]


#: version of this question set (docs/question-changes.md); raise it when a change can change a score
VERSION = "2"

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
        hint="write sigma' in terms of sigma itself, then check it at z = 0, where it is 1/4",
        hints=(("nonfinite", "compute sigma so that np.exp never receives a large positive number (a "
                "numerically stable sigmoid treats positive and negative z differently)"),),
        partial_credit=True,
    ),
    Question(
        id="q2",
        title="A numerically stable softmax",
        function="softmax",
        points=2,
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


def _stable_sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


# ---------------------------------------------------------------- q6 tanh_prime
def _tanh_prime_ref(z):
    """1/cosh^2(z) = 4 e^{-2|z|} / (1 + e^{-2|z|})^2, written without any large exponent."""
    e = np.exp(-2.0 * np.abs(np.asarray(z, dtype=np.float64)))
    return 4.0 * e / (1.0 + e) ** 2


def _tanh_prime_cases() -> list[Case]:
    rng = case_rng(306)
    return [
        Case((np.array([0.0, 0.5, -0.5, 1.0]),)),
        Case((rng.normal(size=(3, 4)),)),
        Case((np.linspace(-6, 6, 25),), hidden=True),
        Case((np.array([-1000.0, -20.0, 0.0, 20.0, 1000.0]),), hidden=True),
        Case((3 * rng.normal(size=(5, 6)),), hidden=True),
    ]


# ---------------------------------------------------------------- q7 sigmoid_ce_delta
def _sigmoid_ce_delta_ref(z, y):
    z = np.asarray(z, dtype=np.float64)
    return (_stable_sigmoid(z) - np.asarray(y, dtype=np.float64)) / z.shape[0]


def _sigmoid_ce_cost(z, y) -> float:
    """Nielsen's cross-entropy of sigmoid outputs through softplus: -ln a = softplus(-z), -ln(1-a) = softplus(z)."""
    return float(np.sum(y * np.logaddexp(0.0, -z) + (1.0 - y) * np.logaddexp(0.0, z)) / z.shape[0])


def _sigmoid_ce_delta_cases() -> list[Case]:
    rng = case_rng(307)
    return [
        Case((np.array([[0.0, 2.0, -1.0]]), np.array([[1.0, 0.0, 1.0]]))),
        Case((rng.normal(size=(4, 3)), rng.integers(0, 2, size=(4, 3)).astype(np.float64))),
        Case((3 * rng.normal(size=(6, 5)), rng.uniform(size=(6, 5))), hidden=True),
        # saturated outputs: a = 0 or 1 exactly in floating point, where dC/da is 0/0
        Case((np.array([[1000.0, -1000.0, 40.0], [-40.0, 0.0, 800.0]]),
              np.array([[0.0, 1.0, 1.0], [0.0, 1.0, 0.0]])), hidden=True),
    ]


def _sigmoid_ce_delta_judge(output, case: Case):
    z, y = case.args
    if np.max(np.abs(z)) > 50:
        return True, "matches the closed form"
    got = np.asarray(output, dtype=np.float64)
    h = 1e-6
    for idx in np.ndindex(z.shape):
        up, down = z.copy(), z.copy()
        up[idx] += h
        down[idx] -= h
        fd = (_sigmoid_ce_cost(up, y) - _sigmoid_ce_cost(down, y)) / (2 * h)
        if abs(fd - got[idx]) > 1e-7 + 1e-5 * abs(fd):
            return False, f"at index {idx} the finite difference of the cost is {fd:.6g}, you gave {got[idx]:.6g}"
    return True, "matches the closed form and central finite differences of the cost"


QUESTIONS += [
    Question(
        id="q6",
        title="The derivative of tanh, derived",
        function="tanh_prime",
        points=3,
        cases=_tanh_prime_cases,
        reference=_tanh_prime_ref,
        atol=1e-12,
        forbidden=("companion.activations.tanh_prime",),
        hint="differentiate the definition with the quotient rule and simplify until only tanh(z) "
             "itself appears",
        hints=(("nonfinite", "make sure |z| = 1000 gives no overflow warning: once the derivative is written "
                "with tanh(z) alone, np.tanh never overflows"),),
        partial_credit=True,
    ),
    Question(
        id="q7",
        title="Sigmoid + cross-entropy: sigma' cancels",
        function="sigmoid_ce_delta",
        points=3,
        cases=_sigmoid_ce_delta_cases,
        reference=_sigmoid_ce_delta_ref,
        judge=_sigmoid_ce_delta_judge,
        atol=1e-12,
        forbidden=("companion.losses.cross_entropy_grad",),
        hint="multiply dC/da by da/dz on paper first and simplify before writing code: a saturated "
             "neuron must not make you divide by zero; remember the cost is a batch mean",
        partial_credit=True,
    ),
]


# ---------------------------------------------------------------- q8 poisson_cost
def _poisson_cost_ref(a, y):
    """The cost whose derivative through a = e^z is a - y, zero at a = y: mean over rows of sum_j a - y + y ln(y/a)."""
    a = np.asarray(a, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    safe_y = np.where(y > 0, y, 1.0)
    log_term = np.where(y > 0, y * np.log(safe_y / a), 0.0)          # y ln(y/a), with 0 ln 0 = 0
    return np.float64(np.sum(a - y + log_term) / a.shape[0])


def _poisson_cost_cases() -> list[Case]:
    rng = case_rng(308)
    return [
        Case((np.array([[1.0, 2.0, 0.5]]), np.array([[1.0, 2.0, 0.5]]))),        # a = y: cost 0
        Case((np.array([[2.0, 0.5], [3.0, 1.0]]), np.array([[1.0, 0.0], [4.0, 2.0]]))),
        Case((np.exp(rng.normal(size=(5, 3))), rng.poisson(2.0, size=(5, 3)).astype(np.float64)), hidden=True),
        Case((np.exp(2 * rng.normal(size=(8, 4))), rng.poisson(0.7, size=(8, 4)).astype(np.float64)), hidden=True),
        Case((np.array([[1e-3, 50.0, 7.0]]), np.array([[0.0, 0.0, 30.0]])), hidden=True),
    ]


QUESTIONS += [
    Question(
        id="q8",
        title="The cost that cancels the exponential output's derivative, derived",
        function="poisson_cost",
        points=5,
        cases=_poisson_cost_cases,
        reference=_poisson_cost_ref,
        output="scalar",
        rtol=1e-9,
        atol=1e-12,
        hint="write the derivative you want with respect to z, divide by da/dz to get dc/da, and "
             "integrate in a; the constant of integration may depend on y and is fixed by the cost "
             "being 0 where a = y; decide what a target of 0 contributes",
        partial_credit=True,
    ),
]
