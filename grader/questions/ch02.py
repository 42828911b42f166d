"""Practice questions for chapter 2, *Networks and forward propagation*
(solutions/02_forward_propagation_practice.ipynb).

Conventions (docs/architecture.md §3): examples are rows, ``W^l`` has shape ``(n_l, n_{l-1})``, ``b^l`` has
shape ``(n_l,)`` and a layer computes ``Z = A_prev @ W.T + b`` then ``A = f(Z)``.
"""
from __future__ import annotations

import numpy as np

from course_check.spec import Case, Question
from grader.secret import case_rng

__all__ = ["QUESTIONS"]

_XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
_XOR_Y = np.array([0.0, 1.0, 1.0, 0.0])


def _sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _random_layers(rng, sizes):
    weights = [rng.normal(size=(m, n)) / np.sqrt(n) for n, m in zip(sizes[:-1], sizes[1:])]
    biases = [rng.normal(size=m) for m in sizes[1:]]
    return weights, biases


# ---------------------------------------------------------------- q1 layer_forward
def _layer_forward_ref(A_prev, W, b, activation="sigmoid"):
    from companion.activations import relu, sigmoid, tanh

    f = {"sigmoid": sigmoid, "tanh": tanh, "relu": relu, "linear": lambda z: z}[activation]
    return f(np.asarray(A_prev) @ np.asarray(W).T + np.asarray(b))


def _layer_forward_cases() -> list[Case]:
    rng = case_rng(201)
    cases = [
        Case((np.array([[1.0, 2.0]]), np.array([[0.5, -0.5], [1.0, 1.0], [0.0, 2.0]]),
              np.array([0.0, -3.0, 1.0]), "sigmoid")),
        Case((rng.normal(size=(4, 3)), rng.normal(size=(2, 3)), rng.normal(size=2), "relu")),
        Case((rng.normal(size=(5, 3)), rng.normal(size=(4, 3)), rng.normal(size=4), "linear")),
    ]
    for act in ("sigmoid", "tanh", "relu", "linear"):
        cases.append(Case((rng.normal(size=(7, 6)), rng.normal(size=(3, 6)), rng.normal(size=3), act),
                          hidden=True))
    return cases


# ---------------------------------------------------------------- q2 forward
def _forward_ref(X, weights, biases):
    from companion.network import MLP

    sizes = [np.asarray(weights[0]).shape[1]] + [np.asarray(W).shape[0] for W in weights]
    net = MLP(sizes, hidden="sigmoid", output="sigmoid")
    net.weights = [np.array(W, dtype=np.float64) for W in weights]
    net.biases = [np.array(b, dtype=np.float64) for b in biases]
    return net.forward(np.asarray(X, dtype=np.float64))


def _forward_cases() -> list[Case]:
    rng = case_rng(202)
    cases = []
    for sizes, n, hidden in (([2, 3, 1], 4, False), ([4, 5, 3], 6, False),
                             ([3, 4, 4, 2], 5, True), ([6, 8, 5, 4, 3], 9, True), ([5, 2], 3, True)):
        weights, biases = _random_layers(rng, sizes)
        cases.append(Case((rng.normal(size=(n, sizes[0])), weights, biases), hidden=hidden))
    return cases


# ---------------------------------------------------------------- q3 count_parameters
def _count_parameters_ref(sizes):
    return int(sum(m * n + m for n, m in zip(sizes[:-1], sizes[1:])))


def _count_parameters_cases() -> list[Case]:
    return [
        Case(([784, 16, 16, 10],)),
        Case(([2, 3, 1],)),
        Case(([2, 2, 2],), hidden=True),
        Case(([64, 30, 10],), hidden=True),
        Case(([10, 1],), hidden=True),
        Case(([3, 100, 100, 100, 2],), hidden=True),
    ]


# ---------------------------------------------------------------- q4 xor_network
def _xor_network_cases() -> list[Case]:
    return [Case(())]


def _xor_network_judge(output, case: Case):
    try:
        weights, biases = output
        weights = [np.asarray(W, dtype=np.float64) for W in weights]
        biases = [np.asarray(b, dtype=np.float64).reshape(-1) for b in biases]
    except (TypeError, ValueError):
        return False, "expected a pair (weights, biases) of two lists of arrays"
    if len(weights) != 2 or len(biases) != 2:
        return False, f"expected 2 layers (2-2-1), got {len(weights)} weight matrices and {len(biases)} bias vectors"
    shapes = [W.shape for W in weights] + [b.shape for b in biases]
    if shapes != [(2, 2), (1, 2), (2,), (1,)]:
        return False, ("expected shapes W1 (2, 2), W2 (1, 2), b1 (2,), b2 (1,); "
                       f"got W1 {shapes[0]}, W2 {shapes[1]}, b1 {shapes[2]}, b2 {shapes[3]}")
    if not all(np.all(np.isfinite(p)) for p in weights + biases):
        return False, "weights and biases must be finite numbers"
    A = _XOR_X
    for W, b in zip(weights, biases):
        A = _sigmoid(A @ W.T + b)
    out = A.reshape(-1)
    worst = float(np.max(np.abs(out - _XOR_Y)))
    if worst >= 0.1:
        return False, (f"outputs {np.round(out, 3).tolist()} for inputs (0,0), (0,1), (1,0), (1,1); "
                       f"each must be within 0.1 of XOR = [0, 1, 1, 0] (worst miss {worst:.3f})")
    return True, f"XOR reproduced, worst miss {worst:.3g}"


#: version of this question set (docs/question-changes.md); raise it when a change can change a score
VERSION = "2"

QUESTIONS: list[Question] = [
    Question(
        id="q1",
        title="One layer, a whole batch",
        function="layer_forward",
        points=2,
        cases=_layer_forward_cases,
        reference=_layer_forward_ref,
        hint="examples are rows and W has shape (n_out, n_in): check which way W must be "
             "turned for the product; add the bias to every row, then apply the named "
             "activation elementwise",
        partial_credit=True,
    ),
    Question(
        id="q2",
        title="Forward propagation through every layer",
        function="forward",
        points=2,
        cases=_forward_cases,
        reference=_forward_ref,
        forbidden=("companion.network.MLP",),
        hint="a forward pass repeats the layer computation: the output of one layer is the "
             "input of the next, in order",
        partial_credit=True,
    ),
    Question(
        id="q3",
        title="Counting weights and biases",
        function="count_parameters",
        points=2,
        cases=_count_parameters_cases,
        reference=_count_parameters_ref,
        output="scalar",
        hint="each layer is fully connected to the one before: count its weights from the two "
             "layer sizes, then add one bias per neuron of the layer; return an int",
        partial_credit=True,
    ),
    Question(
        id="q4",
        title="Weights that solve XOR",
        function="xor_network",
        points=3,
        cases=_xor_network_cases,
        judge=_xor_network_judge,
        output="tuple",
        hint="write XOR as a combination of two simpler gates that one neuron each can "
             "compute, and let the output neuron combine them; large weights make a sigmoid "
             "behave like a step",
    ),
]


# ---------------------------------------------------------------- q5 collapse_linear
def _collapse_linear_ref(weights, biases):
    """Compose A -> A W^T + b layer by layer: W_eff = W_L ... W_1, b_eff = W_L(...(W_2 b_1 + b_2)...) + b_L."""
    W_eff = np.eye(np.asarray(weights[0]).shape[1])
    b_eff = np.zeros(np.asarray(weights[0]).shape[1])
    for W, b in zip(weights, biases):
        W, b = np.asarray(W, dtype=np.float64), np.asarray(b, dtype=np.float64)
        W_eff, b_eff = W @ W_eff, W @ b_eff + b
    return W_eff, b_eff


def _collapse_linear_cases() -> list[Case]:
    rng = case_rng(205)
    cases = []
    for sizes, hidden in (([2, 2, 1], False), ([3, 4, 2], False), ([2, 3], True),
                          ([4, 5, 6, 3], True), ([3, 1, 3, 2, 2], True)):
        weights = [rng.normal(size=(m, n)) for n, m in zip(sizes[:-1], sizes[1:])]
        biases = [rng.normal(size=m) for m in sizes[1:]]
        cases.append(Case((weights, biases), hidden=hidden))
    return cases


QUESTIONS += [
    Question(
        id="q5",
        title="Without activations, a deep network is one layer",
        function="collapse_linear",
        points=4,
        cases=_collapse_linear_cases,
        reference=_collapse_linear_ref,
        output="tuple",
        rtol=1e-9,
        atol=1e-12,
        hint="substitute one linear layer into the next and collect the terms that multiply the input "
             "and those that do not; repeat layer by layer (check the shapes: one (n_L, n_0) matrix, "
             "one (n_L,) vector)",
        partial_credit=True,
    ),
]
