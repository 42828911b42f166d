"""Practice questions for chapter 5, *Backpropagation* (solutions/05_backpropagation_practice.ipynb).

The batched equations follow docs/architecture.md §3, for the batch-mean quadratic cost
``C = (1/n) Σ_x ½‖y − a^L‖²`` and sigmoid activations in every layer (Δ has one row per example):

* BP1 ``Δ^L = ∇_A C ⊙ σ'(Z^L)`` with ``∇_A C = (A^L − Y)/n``
* BP2 ``Δ^l = (Δ^{l+1} W^{l+1}) ⊙ σ'(Z^l)``
* BP3 ``∂C/∂b^l = Σ_rows Δ^l``
* BP4 ``∂C/∂W^l = (Δ^l)ᵀ A^{l−1}``

The full ``backprop`` answer is judged twice: against :class:`companion.network.MLP` and
against central finite differences of the cost computed here.
"""
from __future__ import annotations


import numpy as np

from course_check.judge import format_pair
from course_check.fixtures import SmoothFunction
from course_check.spec import Case, Question
from grader.secret import case_rng

__all__ = ["QUESTIONS", "SmoothFunction"]


def _sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _sigmoid_prime(z):
    s = _sigmoid(z)
    return s * (1.0 - s)


def _random_net(rng, sizes):
    weights = [rng.normal(size=(m, n)) for n, m in zip(sizes[:-1], sizes[1:])]
    biases = [rng.normal(size=m) for m in sizes[1:]]
    return weights, biases


def _quadratic_cost(X, Y, weights, biases) -> float:
    A = X
    for W, b in zip(weights, biases):
        A = _sigmoid(A @ W.T + b)
    return float(0.5 * np.sum((A - Y) ** 2) / X.shape[0])


# ---------------------------------------------------------------- q1 bp1_output_error
def _bp1_ref(A, Y, Z):
    from companion.activations import sigmoid_prime
    from companion.losses import quadratic_grad

    return quadratic_grad(np.asarray(A), np.asarray(Y)) * sigmoid_prime(np.asarray(Z))


def _bp1_cases() -> list[Case]:
    rng = case_rng(501)
    cases = []
    for n, k, hidden in ((1, 2, False), (4, 3, False), (10, 10, True), (3, 1, True)):
        Z = 2 * rng.normal(size=(n, k))
        Y = rng.uniform(size=(n, k))
        cases.append(Case((_sigmoid(Z), Y, Z), hidden=hidden))
    return cases


# ---------------------------------------------------------------- q2 bp2
def _bp2_ref(delta_next, W_next, Z):
    from companion.activations import sigmoid_prime

    return (np.asarray(delta_next) @ np.asarray(W_next)) * sigmoid_prime(np.asarray(Z))


def _bp2_cases() -> list[Case]:
    rng = case_rng(502)
    cases = []
    for n, n_next, n_l, hidden in ((1, 2, 2, False), (5, 3, 4, False), (8, 10, 6, True), (3, 1, 5, True)):
        cases.append(Case((rng.normal(size=(n, n_next)), rng.normal(size=(n_next, n_l)),
                           rng.normal(size=(n, n_l))), hidden=hidden))
    return cases


# ---------------------------------------------------------------- q3 layer_gradients
def _layer_gradients_ref(delta, A_prev):
    delta, A_prev = np.asarray(delta), np.asarray(A_prev)
    return delta.T @ A_prev, delta.sum(axis=0)  # BP4, BP3


def _layer_gradients_cases() -> list[Case]:
    rng = case_rng(503)
    cases = []
    for n, n_l, n_prev, hidden in ((1, 2, 3, False), (6, 3, 4, False), (20, 5, 7, True), (2, 1, 1, True)):
        cases.append(Case((rng.normal(size=(n, n_l)), rng.uniform(size=(n, n_prev))), hidden=hidden))
    return cases


# ---------------------------------------------------------------- q4 backprop
def _backprop_cases() -> list[Case]:
    rng = case_rng(504)
    cases = []
    for sizes, n, hidden in (([2, 2, 2], 1, False), ([3, 4, 2], 5, False),
                             ([4, 5, 3, 2], 6, True), ([2, 3, 3, 3, 1], 4, True), ([5, 3], 7, True)):
        weights, biases = _random_net(rng, sizes)
        X = rng.normal(size=(n, sizes[0]))
        Y = rng.uniform(size=(n, sizes[-1]))
        cases.append(Case((X, Y, weights, biases), hidden=hidden))
    return cases


def _mlp_gradients(X, Y, weights, biases):
    from companion.network import MLP

    sizes = [weights[0].shape[1]] + [W.shape[0] for W in weights]
    net = MLP(sizes, hidden="sigmoid", output="sigmoid", loss="quadratic")
    net.weights = [np.array(W, dtype=np.float64) for W in weights]
    net.biases = [np.array(b, dtype=np.float64) for b in biases]
    return net.backprop(X, Y)


def _finite_differences(X, Y, weights, biases, h=1e-6):
    """Central differences of the cost with respect to every weight and bias."""
    params = [np.array(p, dtype=np.float64) for p in list(weights) + list(biases)]
    L = len(weights)
    grads = []
    for p in params:
        g = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + h
            up = _quadratic_cost(X, Y, params[:L], params[L:])
            p[idx] = old - h
            down = _quadratic_cost(X, Y, params[:L], params[L:])
            p[idx] = old
            g[idx] = (up - down) / (2 * h)
        grads.append(g)
    return grads[:L], grads[L:]


def _compare(got, want, what, rtol, atol):
    for l, (g, w) in enumerate(zip(got, want), start=1):
        err = np.abs(g - w)
        if not np.all(err <= atol + rtol * np.abs(w)):
            i = np.unravel_index(np.argmax(err), err.shape)
            want, have = format_pair(w[i], g[i])
            return f"{what} disagree in layer {l} at index {tuple(int(j) for j in i)}: got {have}, expected {want}"
    return ""


def _backprop_judge(output, case: Case):
    X, Y, weights, biases = case.args
    try:
        gw, gb = output
        gw = [np.asarray(g, dtype=np.float64) for g in gw]
        gb = [np.asarray(g, dtype=np.float64) for g in gb]
    except (TypeError, ValueError):
        return False, "expected a pair (grad_weights, grad_biases) of two lists of arrays"
    if len(gw) != len(weights) or len(gb) != len(biases):
        return False, f"expected {len(weights)} weight gradients and {len(biases)} bias gradients, got {len(gw)} and {len(gb)}"
    for l, (g, W) in enumerate(zip(gw, weights), start=1):
        if g.shape != W.shape:
            return False, f"grad_weights[{l - 1}] should have the shape of W{l}, {W.shape}; got {g.shape}"
    for l, (g, b) in enumerate(zip(gb, biases), start=1):
        if g.shape != b.shape:
            return False, f"grad_biases[{l - 1}] should have the shape of b{l}, {b.shape}; got {g.shape}"
    if not all(np.all(np.isfinite(g)) for g in gw + gb):
        return False, "the gradients contain NaN or infinity"
    ref_w, ref_b = _mlp_gradients(X, Y, weights, biases)
    msg = _compare(gw, ref_w, "weight gradients and the reference", 1e-6, 1e-10) or \
        _compare(gb, ref_b, "bias gradients and the reference", 1e-6, 1e-10)
    if msg:
        return False, msg
    fd_w, fd_b = _finite_differences(X, Y, weights, biases)
    msg = _compare(gw, fd_w, "weight gradients and finite differences", 1e-5, 1e-8) or \
        _compare(gb, fd_b, "bias gradients and finite differences", 1e-5, 1e-8)
    if msg:
        return False, msg
    return True, "matches the reference and central finite differences"


# ---------------------------------------------------------------- q5 numerical_gradient
def _numerical_gradient_ref(f, x, h=1e-5):
    from companion.gradcheck import numerical_gradient

    return numerical_gradient(f, np.array(x, dtype=np.float64), h)


def _numerical_gradient_cases() -> list[Case]:
    rng = case_rng(505)
    return [
        Case((SmoothFunction(1.0), np.array([0.5, -1.0, 2.0]), 1e-5)),
        Case((SmoothFunction(2.0), rng.normal(size=(2, 3)), 1e-4)),
        Case((SmoothFunction(-0.5), rng.normal(size=7), 1e-5), hidden=True),
        Case((SmoothFunction(3.0), rng.normal(size=(3, 2, 2)), 1e-3), hidden=True),
    ]


#: version of this question set (docs/question-changes.md); raise it when a change can change a score
VERSION = "2"

QUESTIONS: list[Question] = [
    Question(
        id="q1",
        title="BP1: the error of the output layer",
        function="bp1_output_error",
        points=2,
        cases=_bp1_cases,
        reference=_bp1_ref,
        atol=1e-12,
        forbidden=("companion.losses.quadratic_grad",),
        hint=('differentiate the batch-mean quadratic cost with respect to the output activations '
              '(mind where the 1/n lands), then apply BP1 from chapter 5'),
        partial_credit=True,
    ),
    Question(
        id="q2",
        title="BP2: passing the error back one layer",
        function="bp2",
        points=2,
        cases=_bp2_cases,
        reference=_bp2_ref,
        atol=1e-12,
        hint="with one example per row, the transposed-weight product of BP2 becomes a product"
             " on the right; check the shapes: the result is (n, n_l)",
        partial_credit=True,
    ),
    Question(
        id="q3",
        title="BP3 and BP4: gradients of one layer",
        function="layer_gradients",
        points=2,
        cases=_layer_gradients_cases,
        reference=_layer_gradients_ref,
        output="tuple",
        atol=1e-12,
        hint="BP3 and BP4 in batch form: each example contributes one term, so the examples "
             "are summed; check your shapes against W (n_l, n_prev) and b (n_l,); the 1/n is "
             "already inside delta",
        partial_credit=True,
    ),
    Question(
        id="q4",
        title="Central finite differences",
        function="numerical_gradient",
        points=2,
        cases=_numerical_gradient_cases,
        reference=_numerical_gradient_ref,
        rtol=1e-7,
        atol=1e-9,
        forbidden=("companion.gradcheck.numerical_gradient",),
        hint="nudge one entry at a time up and down by h, on a float64 copy of x, and use the "
             "symmetric difference quotient; put each entry back before moving on",
        dtype="float64",
        partial_credit=True,
    ),
    Question(
        id="q5",
        title="Backpropagation through a whole network",
        function="backprop",
        points=4,
        cases=_backprop_cases,
        judge=_backprop_judge,
        output="tuple",
        forbidden=("companion.network.MLP",),
        hint="a forward pass that keeps every weighted input and activation; BP1 at the "
             "output, then BP2 going backwards, recording BP3 and BP4 for each layer; return "
             "the gradients ordered from the first layer",
        dtype="float64",
        partial_credit=True,
    ),
]


# ---------------------------------------------------------------- q6 softmax_quadratic_delta
def _softmax_rows(Z):
    Z = np.asarray(Z, dtype=np.float64)
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def _softmax_quadratic_delta_ref(Z, Y):
    """BP1 in its general form, one example at a time: delta_x = J(a_x)^T (a_x - y_x) / n, J = diag(a) - a a^T."""
    A, Y = _softmax_rows(Z), np.asarray(Y, dtype=np.float64)
    n = A.shape[0]
    rows = [(np.diag(a) - np.outer(a, a)).T @ (a - y) / n for a, y in zip(A, Y)]
    return np.array(rows)


def _softmax_quadratic_cost(Z, Y) -> float:
    return float(0.5 * np.sum((_softmax_rows(Z) - Y) ** 2) / Z.shape[0])


def _softmax_quadratic_delta_cases() -> list[Case]:
    rng = case_rng(506)
    cases = [Case((np.array([[1.0, 2.0, 0.5]]), np.array([[0.0, 1.0, 0.0]])))]
    for n, k, hidden in ((4, 3, False), (6, 5, True), (3, 10, True)):
        Z = 2 * rng.normal(size=(n, k))
        cases.append(Case((Z, np.eye(k)[rng.integers(0, k, size=n)]), hidden=hidden))
    # large logits: a stable softmax is needed
    cases.append(Case((np.array([[500.0, 499.0, -500.0], [0.0, 0.0, 0.0]]),
                       np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])), hidden=True))
    return cases


def _softmax_quadratic_delta_judge(output, case: Case):
    Z, Y = case.args
    got = np.asarray(output, dtype=np.float64)
    h = 1e-6
    for idx in np.ndindex(Z.shape):
        up, down = Z.copy(), Z.copy()
        up[idx] += h
        down[idx] -= h
        fd = (_softmax_quadratic_cost(up, Y) - _softmax_quadratic_cost(down, Y)) / (2 * h)
        if abs(fd - got[idx]) > 1e-8 + 1e-5 * abs(fd):
            return False, f"at index {idx} the finite difference of the cost is {fd:.6g}, you gave {got[idx]:.6g}"
    return True, "matches J^T (a - y) / n and central finite differences of the cost"


QUESTIONS += [
    Question(
        id="q6",
        title="BP1 for softmax outputs with the quadratic cost",
        function="softmax_quadratic_delta",
        points=4,
        cases=_softmax_quadratic_delta_cases,
        reference=_softmax_quadratic_delta_ref,
        judge=_softmax_quadratic_delta_judge,
        atol=1e-12,
        hint="with softmax every output depends on every z, so BP1's elementwise product does not "
             "apply: use the general chain rule with chapter 3's Jacobian, one example (row) at a time, "
             "and keep the 1/n of the batch mean",
        partial_credit=True,
    ),
]
