"""Practice questions for chapter 1, *Neurons* (solutions/01_neurons_practice.ipynb).

Each question names the function a learner writes, the inputs it is called with (built from
fixed seeds, so every run sees the same numbers) and how its output is judged: against a
trusted reference, or by a property (a trained perceptron must separate its data).
"""
from __future__ import annotations

import numpy as np

from course_check.spec import Case, Question
from grader.secret import case_rng

__all__ = ["QUESTIONS"]

# The four inputs of a two-input logic gate, one example per row.
_GATE_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def _step(z: np.ndarray) -> np.ndarray:
    """Heaviside step used throughout the chapter: 1 where z > 0, else 0 (so step(0) = 0)."""
    return (np.asarray(z) > 0).astype(np.int64)


def _sigmoid(z):
    """Logistic function written branch-free and overflow-free (used by the references)."""
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


# ---------------------------------------------------------------- q1 perceptron_output
def _perceptron_output_ref(X, w, b):
    return _step(np.asarray(X) @ np.asarray(w) + b)


def _perceptron_output_cases() -> list[Case]:
    rng = case_rng(101)
    return [
        # AND gate: w = (1, 1), b = -1.5
        Case((_GATE_X, np.array([1.0, 1.0]), -1.5)),
        # a tie: x = (0, 0) gives z = 0 exactly, which must map to 0
        Case((_GATE_X, np.array([1.0, 1.0]), 0.0)),
        Case((rng.normal(size=(20, 3)), rng.normal(size=3), 0.3), hidden=True),
        Case((rng.normal(size=(50, 5)), rng.normal(size=5), -0.7), hidden=True),
    ]


# ---------------------------------------------------------------- q2 perceptron_update
def _perceptron_update_ref(w, b, x, y, eta):
    w = np.asarray(w, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    error = y - int(w @ x + b > 0)
    return w + eta * error * x, np.float64(b + eta * error)


def _perceptron_update_cases() -> list[Case]:
    rng = case_rng(102)
    return [
        # predicted 0, target 1: weights move towards x
        Case((np.array([0.0, 0.0]), 0.0, np.array([1.0, 1.0]), 1, 1.0)),
        # predicted 1, target 0: weights move away from x
        Case((np.array([0.5, 0.5]), 0.2, np.array([1.0, 0.0]), 0, 0.1)),
        # already right: nothing changes
        Case((np.array([1.0, -1.0]), 0.0, np.array([1.0, 0.0]), 1, 0.5)),
        Case((rng.normal(size=4), 0.1, rng.normal(size=4), 1, 0.3), hidden=True),
        Case((np.array([2.0, 1.0, -1.0]), 0.5, np.array([1.0, 1.0, 1.0]), 0, 0.25), hidden=True),
        Case((rng.normal(size=6), -0.4, rng.normal(size=6), 0, 0.05), hidden=True),
    ]


# ---------------------------------------------------------------- q3 train_perceptron
def _separable_data(seed: int, n: int, d: int):
    """Random points at least 0.2 away from a random hyperplane, labelled by its side."""
    rng = np.random.default_rng(seed)
    w_true = rng.normal(size=d)
    w_true /= np.linalg.norm(w_true)
    X = rng.uniform(-1, 1, size=(4 * n, d))
    z = X @ w_true + 0.1
    keep = np.abs(z) > 0.2
    X, z = X[keep][:n], z[keep][:n]
    return X, (z > 0).astype(np.int64)


def _train_perceptron_cases() -> list[Case]:
    Xs, ys = _separable_data(103, 40, 2)
    Xh, yh = _separable_data(104, 60, 3)
    return [
        Case((_GATE_X, np.array([0, 0, 0, 1]), 1.0, 20)),  # AND
        Case((_GATE_X, np.array([0, 1, 1, 1]), 1.0, 20)),  # OR
        Case((Xs, ys, 0.5, 200)),
        Case((_GATE_X, np.array([1, 1, 1, 0]), 0.5, 50), hidden=True),  # NAND
        Case((Xh, yh, 0.1, 300), hidden=True),
    ]


def _train_perceptron_judge(output, case: Case):
    X, y = case.args[0], case.args[1]
    try:
        w, b = output
        w = np.asarray(w, dtype=np.float64).reshape(-1)
        b = float(np.asarray(b, dtype=np.float64).reshape(()))
    except (TypeError, ValueError):
        return False, "expected a pair (w, b): w an array of shape (d,), b a number"
    if w.shape != (X.shape[1],):
        return False, f"w should have shape ({X.shape[1]},), got {w.shape}"
    wrong = int(np.sum(_step(X @ w + b) != y))
    if wrong:
        return False, f"(w, b) misclassifies {wrong} of {len(y)} training examples"
    return True, "all training examples classified correctly"


# ---------------------------------------------------------------- q4 sigmoid_neuron_delta
def _sigmoid_neuron_delta_ref(w, b, x, dw, db):
    s = _sigmoid(np.asarray(w) @ np.asarray(x) + b)
    return np.float64(s * (1.0 - s) * (np.asarray(dw) @ np.asarray(x) + db))


def _sigmoid_neuron_delta_cases() -> list[Case]:
    rng = case_rng(105)
    cases = [
        Case((np.array([0.5, -1.0]), 0.0, np.array([1.0, 0.5]), np.array([0.01, 0.0]), 0.0)),
        Case((np.array([1.0, 2.0, -1.0]), 0.5, np.array([0.2, 0.1, 0.4]),
              np.array([0.001, -0.002, 0.003]), -0.001)),
    ]
    for _ in range(3):
        d = 5
        cases.append(Case((rng.normal(size=d), float(rng.normal()), rng.normal(size=d),
                           1e-3 * rng.normal(size=d), float(1e-3 * rng.normal())), hidden=True))
    # a saturated neuron: sigma'(z) is tiny, and so is the change
    cases.append(Case((np.array([30.0, 30.0]), 5.0, np.array([1.0, 1.0]),
                       np.array([0.1, 0.1]), 0.1), hidden=True))
    return cases


#: version of this question set (docs/question-changes.md); raise it when a change can change a score
VERSION = "2"

QUESTIONS: list[Question] = [
    Question(
        id="q1",
        title="Perceptron output for a batch",
        function="perceptron_output",
        points=2,
        cases=_perceptron_output_cases,
        reference=_perceptron_output_ref,
        hint="compute z for all rows at once with one matrix product, then turn 'z > 0' into "
             "0s and 1s of an integer dtype (not booleans); decide what the output is where z "
             "is exactly 0",
        dtype="int",
        partial_credit=True,
    ),
    Question(
        id="q2",
        title="Perceptron learning rule (one example)",
        function="perceptron_update",
        points=2,
        cases=_perceptron_update_cases,
        reference=_perceptron_update_ref,
        output="tuple",
        hint=('predict with the current weights and bias first; the change is proportional to the '
              "prediction's error, the learning rate and the input; return new arrays rather than "
              'changing w'),
        partial_credit=True,
    ),
    Question(
        id="q3",
        title="Train a perceptron until it separates the data",
        function="train_perceptron",
        points=3,
        cases=_train_perceptron_cases,
        judge=_train_perceptron_judge,
        output="tuple",
        hint="start from zero weights and bias and go through the examples in order, applying "
             "your update rule to each; count an epoch's mistakes to know when you may stop "
             "early",
        partial_credit=True,
    ),
    Question(
        id="q4",
        title="First-order change of a sigmoid neuron's output",
        function="sigmoid_neuron_delta",
        points=3,
        cases=_sigmoid_neuron_delta_cases,
        reference=_sigmoid_neuron_delta_ref,
        output="scalar",
        rtol=1e-6,
        atol=1e-12,
        hint=('use the first-order (linear) approximation of a change in a function of several '
              'variables, then the chain rule for a sigmoid of a weighted input: which factor do '
              "the weights' and the bias's terms share?"),
        partial_credit=True,
    ),
]


# ---------------------------------------------------------------- q5 xor_counterexample
_XOR_TARGET = np.array([0, 1, 1, 0])


def _xor_counterexample_cases() -> list[Case]:
    rng = case_rng(106)
    cases = [
        Case((1.0, 1.0, -0.5)),     # OR: wrong only at (1, 1)
        Case((1.0, 1.0, -1.5)),     # AND: wrong at (0, 1) and (1, 0)
        Case((-1.0, -1.0, 1.5)),    # NAND: wrong at (0, 0)
        Case((1.0, 1.0, 0.0), hidden=True),    # z = 0 at (0, 0) is predicted 0, so (1, 1) fails
        Case((0.0, 0.0, 0.0), hidden=True),
        Case((2.0, -1.0, -0.5), hidden=True),  # wrong only at (0, 1)
        Case((-1.0, 2.0, -0.5), hidden=True),  # wrong only at (1, 0)
    ]
    for _ in range(5):
        w1, w2, b = rng.normal(size=3)
        cases.append(Case((float(w1), float(w2), float(b)), hidden=True))
    return cases


def _xor_counterexample_judge(output, case: Case):
    w1, w2, b = case.args
    try:
        x = np.asarray(output, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        return False, "expected one input x = (x1, x2) as an array of shape (2,)"
    if x.shape != (2,):
        return False, f"expected one input of shape (2,), got shape {x.shape}"
    row = np.flatnonzero(np.all(_GATE_X == x, axis=1))
    if row.size == 0:
        return False, f"{x.tolist()} is not one of the four inputs (0,0), (0,1), (1,0), (1,1)"
    i = int(row[0])
    predicted = int(w1 * x[0] + w2 * x[1] + b > 0)
    if predicted == _XOR_TARGET[i]:
        return False, (f"the perceptron outputs {predicted} at {x.tolist()}, which is XOR's value "
                       "there: this input is not a counterexample")
    return True, f"at {x.tolist()} the perceptron outputs {predicted}, XOR wants {_XOR_TARGET[i]}"


# ---------------------------------------------------------------- q6 mistake_bound
def _mistake_bound_ref(X, y, w, b):
    """Novikoff's bound (R/gamma)^2 on the augmented inputs (x, 1) and the unit vector (w, b)/|(w, b)|."""
    X_aug = np.column_stack([np.asarray(X, dtype=np.float64), np.ones(len(X))])
    u = np.append(np.asarray(w, dtype=np.float64), float(b))
    u = u / np.linalg.norm(u)
    signs = 2.0 * np.asarray(y) - 1.0
    gamma = np.min(signs * (X_aug @ u))
    R = np.max(np.linalg.norm(X_aug, axis=1))
    return np.float64((R / gamma) ** 2)


def _separable_with_margin(rng, n, d):
    """n points in [-1, 1]^d kept at distance > 0.3 from a random hyperplane w·x + b = 0: (X, z, w, b)."""
    w = rng.normal(size=d)
    b = float(rng.normal(scale=0.2))
    X = rng.uniform(-1, 1, size=(4 * n, d))
    z = X @ w + b
    keep = np.abs(z) > 0.3 * np.linalg.norm(w)
    return X[keep][:n], z[keep][:n], w, b


def _mistake_bound_cases() -> list[Case]:
    cases = [
        Case((_GATE_X, np.array([0, 0, 0, 1]), np.array([1.0, 1.0]), -1.5)),   # AND
        Case((_GATE_X, np.array([0, 1, 1, 1]), np.array([2.0, 2.0]), -1.0)),   # OR, scaled (w, b)
    ]
    for seed, n, d, hidden in ((107, 30, 2, False), (108, 50, 3, True), (109, 80, 5, True)):
        rng = np.random.default_rng(seed)
        X, z, w, b = _separable_with_margin(rng, n, d)
        cases.append(Case((X, (z > 0).astype(np.int64), w, b), hidden=hidden))
    cases.append(Case((_GATE_X, np.array([1, 1, 1, 0]), np.array([-1.0, -1.0]), 1.5), hidden=True))  # NAND
    return cases


QUESTIONS += [
    Question(
        id="q5",
        title="Why XOR defeats a perceptron: a counterexample for any weights",
        function="xor_counterexample",
        points=3,
        cases=_xor_counterexample_cases,
        judge=_xor_counterexample_judge,
        hint="write down what each of the four XOR rows demands of w1, w2 and b; the chapter's proof "
             "shows they cannot all hold, so for any weights at least one fails: find it and return "
             "that input",
        partial_credit=True,
    ),
    Question(
        id="q6",
        title="The perceptron mistake bound, derived",
        function="mistake_bound",
        points=4,
        cases=_mistake_bound_cases,
        reference=_mistake_bound_ref,
        output="scalar",
        rtol=1e-9,
        atol=1e-12,
        hint="the bound is stated for a separator through the origin: fold the bias into the weights "
             "and the inputs first; the margin uses a unit-length separator and signed labels (±1)",
        partial_credit=True,
    ),
]


# ---------------------------------------------------------------- q7 mistake_bound_from_start
def _mistake_bound_from_start_ref(X, y, w, b, w0, b0, eta):
    """Largest M with (u·w̃0 + Mηγ)² ≤ |w̃0|² + Mη²R² (the two halves of Novikoff's proof from w̃0 ≠ 0)."""
    X_aug = np.column_stack([np.asarray(X, dtype=np.float64), np.ones(len(X))])
    u = np.append(np.asarray(w, dtype=np.float64), float(b))
    u = u / np.linalg.norm(u)
    v0 = np.append(np.asarray(w0, dtype=np.float64), float(b0))
    gamma = np.min((2.0 * np.asarray(y) - 1.0) * (X_aug @ u))
    R = np.max(np.linalg.norm(X_aug, axis=1))
    a, c = float(u @ v0) / eta, float(v0 @ v0) / eta**2
    # γ²M² − (R² − 2aγ)M + (a² − c) ≤ 0: M is at most the larger root
    p = R**2 - 2.0 * a * gamma
    return np.float64((p + np.sqrt(p**2 - 4.0 * gamma**2 * (a**2 - c))) / (2.0 * gamma**2))


def _mistake_bound_from_start_cases() -> list[Case]:
    cases = [
        # AND from a start that already points the right way, and from one that points the wrong way
        Case((_GATE_X, np.array([0, 0, 0, 1]), np.array([1.0, 1.0]), -1.5, np.array([0.5, 0.5]), -0.5, 1.0)),
        Case((_GATE_X, np.array([0, 0, 0, 1]), np.array([1.0, 1.0]), -1.5, np.array([-1.0, -1.0]), 1.0, 0.5)),
        Case((_GATE_X, np.array([0, 0, 0, 1]), np.array([1.0, 1.0]), -1.5, np.zeros(2), 0.0, 1.0)),  # zero start
    ]
    for seed, n, d, hidden in ((110, 30, 2, False), (111, 50, 3, True), (112, 80, 4, True)):
        rng = np.random.default_rng(seed)
        X, z, w, b = _separable_with_margin(rng, n, d)
        cases.append(Case((X, (z > 0).astype(np.int64), w, b, rng.normal(size=d), float(rng.normal()),
                           float(rng.choice([0.1, 1.0, 3.0]))), hidden=hidden))
    cases.append(Case((_GATE_X, np.array([1, 1, 1, 0]), np.array([-1.0, -1.0]), 1.5,
                       np.array([2.0, 2.0]), -1.0, 0.25), hidden=True))   # NAND from an OR-like start
    return cases


QUESTIONS += [
    Question(
        id="q7",
        title="The mistake bound from a nonzero start, derived",
        function="mistake_bound_from_start",
        points=5,
        cases=_mistake_bound_from_start_cases,
        reference=_mistake_bound_from_start_ref,
        output="scalar",
        rtol=1e-9,
        atol=1e-12,
        hint="redo Q6's two inequalities starting from the given weights instead of zero; the learning "
             "rate no longer cancels, and combining them gives a quadratic inequality in M whose larger "
             "root is the bound",
        partial_credit=True,
    ),
]
