"""Practice questions for chapter 4, *Gradient descent* (solutions/04_gradient_descent_practice.ipynb).

Some questions receive a gradient *function* as an argument. It is an instance of
:class:`QuadraticGradient`, a small picklable callable, so that it can be handed to the
sandbox that runs the learner's code.
"""
from __future__ import annotations


import numpy as np

from course_check.fixtures import QuadraticGradient
from course_check.spec import Case, Question
from grader.secret import case_rng

__all__ = ["QUESTIONS", "QuadraticGradient"]


def _bowl(rng, d, scale=1.0):
    M = rng.normal(size=(d, d))
    A = scale * (M @ M.T / d + np.eye(d))
    return QuadraticGradient(A, rng.normal(size=d))


# ---------------------------------------------------------------- q1 gd_step
def _gd_step_ref(theta, grad, eta):
    return np.asarray(theta, dtype=np.float64) - eta * np.asarray(grad, dtype=np.float64)


def _gd_step_cases() -> list[Case]:
    rng = case_rng(401)
    return [
        Case((np.array([1.0, 2.0]), np.array([0.5, -1.0]), 0.1)),
        Case((rng.normal(size=5), rng.normal(size=5), 0.01)),
        Case((rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), 0.5), hidden=True),
        Case((rng.normal(size=7), np.zeros(7), 1.0), hidden=True),
    ]


# ---------------------------------------------------------------- q2 gradient_descent
def _gradient_descent_ref(grad_fn, theta0, eta, steps):
    path = [np.asarray(theta0, dtype=np.float64)]
    for _ in range(steps):
        path.append(path[-1] - eta * grad_fn(path[-1]))
    return np.array(path)


def _gradient_descent_cases() -> list[Case]:
    rng = case_rng(402)
    # the bowl C = x^2 + 10 y^2 (an elongated valley): gradient (2x, 20y)
    valley = QuadraticGradient(np.diag([2.0, 20.0]), np.zeros(2))
    return [
        Case((valley, np.array([3.0, 1.0]), 0.05, 10)),
        Case((_bowl(rng, 3), rng.normal(size=3), 0.1, 25)),
        Case((valley, np.array([-2.0, 0.5]), 0.09, 40), hidden=True),   # close to divergence
        Case((valley, np.array([1.0, 1.0]), 0.11, 15), hidden=True),   # diverges: still compared
        Case((_bowl(rng, 5), rng.normal(size=5), 0.05, 60), hidden=True),
        Case((_bowl(rng, 2), rng.normal(size=2), 0.2, 0), hidden=True),  # zero steps: just theta0
    ]


# ---------------------------------------------------------------- q3 predicted_change
def _predicted_change_ref(grad, delta_v):
    return np.float64(np.sum(np.asarray(grad, dtype=np.float64) * np.asarray(delta_v, dtype=np.float64)))


def _predicted_change_cases() -> list[Case]:
    rng = case_rng(403)
    g = rng.normal(size=4)
    return [
        Case((np.array([2.0, -1.0]), np.array([0.01, 0.02]))),
        Case((g, -0.1 * g)),  # the gradient-descent step: always a decrease
        Case((rng.normal(size=10), 1e-3 * rng.normal(size=10)), hidden=True),
        Case((rng.normal(size=(3, 3)), 1e-2 * rng.normal(size=(3, 3))), hidden=True),
    ]


# ---------------------------------------------------------------- q4 minibatch_indices
def _minibatch_indices_cases() -> list[Case]:
    return [
        Case((10, 3, 0)),
        Case((64, 16, 1)),
        Case((100, 32, 7), hidden=True),
        Case((7, 10, 2), hidden=True),    # one batch holding everything
        Case((257, 1, 3), hidden=True),   # pure SGD: one example per batch
        Case((1797, 64, 0), hidden=True),
    ]


def _minibatch_indices_judge(output, case: Case):
    n, batch_size = case.args[0], case.args[1]
    try:
        batches = [np.asarray(b).reshape(-1) for b in output]
    except TypeError:
        return False, "expected a list of 1-D integer arrays"
    if not batches:
        return False, "got no batches at all"
    if any(b.dtype.kind not in "iu" for b in batches):
        return False, "each batch must be an array of integer indices"
    sizes = [len(b) for b in batches]
    full, rest = divmod(n, batch_size)
    expected = [batch_size] * full + ([rest] if rest else [])
    if sizes != expected:
        return False, f"batch sizes {sizes[:6]}{'...' if len(sizes) > 6 else ''} differ from {expected[:6]}{'...' if len(expected) > 6 else ''}"
    everything = np.concatenate(batches)
    if not np.array_equal(np.sort(everything), np.arange(n)):
        return False, f"the batches together must hold each index 0..{n - 1} exactly once"
    if n >= 10 and np.array_equal(everything, np.arange(n)):
        return False, "the indices are in order 0, 1, 2, ...: shuffle them (with the given seed)"
    return True, f"{len(batches)} batch(es) with the right sizes, covering range({n}) once each"


# ---------------------------------------------------------------- q5 minibatch_gradient
def _minibatch_gradient_ref(theta, X, y, idx):
    Xb, yb = np.asarray(X)[idx], np.asarray(y)[idx]
    return Xb.T @ (Xb @ theta - yb) / len(idx)


def _minibatch_gradient_cases() -> list[Case]:
    rng = case_rng(405)
    cases = []
    for n, d, m, hidden in ((6, 2, 3, False), (20, 3, 5, False), (50, 4, 16, True),
                            (30, 1, 30, True), (100, 6, 1, True)):
        X, y, theta = rng.normal(size=(n, d)), rng.normal(size=n), rng.normal(size=d)
        idx = rng.permutation(n)[:m]
        cases.append(Case((theta, X, y, idx), hidden=hidden))
    return cases


#: version of this question set (docs/question-changes.md); raise it when a change can change a score
VERSION = "2"

QUESTIONS: list[Question] = [
    Question(
        id="q1",
        title="One gradient-descent step",
        function="gd_step",
        points=1,
        cases=_gd_step_cases,
        reference=_gd_step_ref,
        hint="one step moves against the gradient, scaled by the learning rate; return a new "
             "array and leave theta as it was",
        partial_credit=True,
    ),
    Question(
        id="q2",
        title="Gradient descent on a quadratic bowl",
        function="gradient_descent",
        points=2,
        cases=_gradient_descent_cases,
        reference=_gradient_descent_ref,
        rtol=1e-9,
        atol=1e-10,
        hint="return every point visited, the starting point included: the result has one more"
             " row than the number of steps",
        partial_credit=True,
    ),
    Question(
        id="q3",
        title="The linear estimate of the change in cost",
        function="predicted_change",
        points=1,
        cases=_predicted_change_cases,
        reference=_predicted_change_ref,
        output="scalar",
        atol=1e-12,
        hint="the first-order change is a dot product between the gradient and the step, over "
             "all parameters, whatever their shape",
        partial_credit=True,
    ),
    Question(
        id="q4",
        title="Shuffled mini-batches without replacement",
        function="minibatch_indices",
        points=2,
        cases=_minibatch_indices_cases,
        judge=_minibatch_indices_judge,
        output="tuple",
        hint="shuffle the indices once with a generator seeded by seed, then cut them into "
             "consecutive pieces; the last batch may be shorter",
        partial_credit=True,
    ),
    Question(
        id="q5",
        title="Gradient of the mean squared error on a mini-batch",
        function="minibatch_gradient",
        points=3,
        cases=_minibatch_gradient_cases,
        reference=_minibatch_gradient_ref,
        atol=1e-12,
        hint="use only the rows listed in idx, and differentiate the mean over those m rows "
             "(not over all n)",
        partial_credit=True,
    ),
]


# ---------------------------------------------------------------- q6 gd_rate, q7 largest_stable_eta
# On C(theta) = 1/2 (theta - theta*)^T H (theta - theta*) a step is theta - theta* <- (I - eta H)(theta - theta*):
# along the eigenvector of eigenvalue lambda_i the error is multiplied by (1 - eta lambda_i) at every step.
def _spd(rng, d, spread):
    """A symmetric positive definite matrix with eigenvalues from 1 to ``spread`` in a random basis."""
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    lam = np.geomspace(1.0, spread, d) * rng.uniform(0.5, 2.0)
    return (Q * lam) @ Q.T


def _gd_rate_ref(H, eta):
    lam = np.linalg.eigvalsh(np.asarray(H, dtype=np.float64))
    return np.float64(np.max(np.abs(1.0 - eta * lam)))


def _gd_rate_cases() -> list[Case]:
    rng = case_rng(406)
    return [
        Case((np.diag([2.0, 20.0]), 0.05)),     # the valley x^2 + 10 y^2
        Case((np.diag([2.0, 20.0]), 0.11)),     # too large: the steep direction diverges
        Case((_spd(rng, 3, 10.0), 0.1), hidden=True),
        Case((_spd(rng, 5, 100.0), 0.01), hidden=True),
        Case((np.array([[3.0, 1.0], [1.0, 3.0]]), 0.25), hidden=True),   # eigenvalues 2 and 4
    ]


def _largest_stable_eta_ref(H):
    return np.float64(2.0 / np.max(np.linalg.eigvalsh(np.asarray(H, dtype=np.float64))))


def _largest_stable_eta_cases() -> list[Case]:
    rng = case_rng(407)
    return [
        Case((np.diag([2.0, 20.0]),)),
        Case((np.array([[3.0, 1.0], [1.0, 3.0]]),)),
        Case((np.array([[4.0]]),), hidden=True),
        Case((_spd(rng, 4, 50.0),), hidden=True),
        Case((_spd(rng, 6, 1000.0),), hidden=True),
    ]


QUESTIONS += [
    Question(
        id="q6",
        title="How fast gradient descent contracts on a quadratic",
        function="gd_rate",
        points=3,
        cases=_gd_rate_cases,
        reference=_gd_rate_ref,
        output="scalar",
        rtol=1e-9,
        atol=1e-12,
        hint="write one step of gradient descent on the quadratic for the error theta - theta*, and "
             "look at it along each eigenvector of H: the slowest direction sets the rate",
        partial_credit=True,
    ),
    Question(
        id="q7",
        title="The largest stable learning rate, from the Hessian",
        function="largest_stable_eta",
        points=3,
        cases=_largest_stable_eta_cases,
        reference=_largest_stable_eta_ref,
        output="scalar",
        rtol=1e-9,
        atol=1e-12,
        hint="use the per-direction factor of the previous question: for which eta does every "
             "direction shrink, and which eigenvalue limits eta first?",
        partial_credit=True,
    ),
]


# ---------------------------------------------------------------- q8 largest_stable_eta_preconditioned
# theta <- theta - eta P grad C multiplies the error by I - eta P H; with P = L L^T and f = L^{-1} e the
# step is f <- (I - eta L^T H L) f, a symmetric matrix with the eigenvalues of P H.
def _largest_stable_eta_preconditioned_ref(H, P):
    L = np.linalg.cholesky(np.asarray(P, dtype=np.float64))
    M = L.T @ np.asarray(H, dtype=np.float64) @ L
    return np.float64(2.0 / np.max(np.linalg.eigvalsh((M + M.T) / 2)))


def _largest_stable_eta_preconditioned_cases() -> list[Case]:
    rng = case_rng(408)
    H_tilted = np.array([[4.0 / 3.0, 1.0], [1.0, 1.0]])          # a line fit on inputs uniform in [0, 2]
    H3 = _spd(rng, 3, 30.0)
    H5 = _spd(rng, 5, 200.0)
    return [
        Case((np.diag([2.0, 20.0]), np.diag([0.5, 0.05]))),          # P = H^{-1}: every direction alike
        Case((H_tilted, np.diag(1.0 / np.diag(H_tilted)))),          # the diagonal (Jacobi) preconditioner
        Case((H_tilted, np.eye(2)), hidden=True),                    # P = I: Q7's bound
        Case((H3, _spd(rng, 3, 5.0)), hidden=True),
        Case((H5, np.diag(1.0 / np.diag(H5))), hidden=True),
        Case((H5, _spd(rng, 5, 20.0)), hidden=True),
    ]


QUESTIONS += [
    Question(
        id="q8",
        title="The largest stable learning rate with a preconditioner, derived",
        function="largest_stable_eta_preconditioned",
        points=5,
        cases=_largest_stable_eta_preconditioned_cases,
        reference=_largest_stable_eta_preconditioned_ref,
        output="scalar",
        rtol=1e-9,
        atol=1e-12,
        hint="the matrix that multiplies the error is no longer symmetric: change variables with a "
             "square root of the preconditioner so that it becomes symmetric again, then reuse Q7; "
             "the eigenvalues do not change under that change of variables",
        partial_credit=True,
    ),
]
