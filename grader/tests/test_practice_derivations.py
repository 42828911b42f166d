"""The derivation questions of practice 1–6: their references are checked against independent
oracles (experiments, finite differences), and typical wrong derivations are rejected.

The references are closed forms written in the question specs; here each one meets something it
was not derived from: the perceptron's actual mistakes, the forward pass of a linear network, central
differences of a cost, gradient descent run just below and above the bound, explicit gradients of
a network with interchangeable hidden units.
"""
from __future__ import annotations

import numpy as np
import pytest

from course_check.judge import judge_case
from grader.questions import ch01, ch02, ch03, ch04, ch05, ch06


def _question(module, qid):
    return next(q for q in module.QUESTIONS if q.id == qid)


def _verdict(question, output, case):
    """None when the output passes the grader's comparison (reference and judge), else the message."""
    expected = question.reference(*case.args) if question.reference is not None else None
    return judge_case(output, expected, case, question)


# ---------------------------------------------------------------- practice 1
def test_xor_counterexample_judge_rejects_inputs_the_perceptron_gets_right():
    q = _question(ch01, "q5")
    case = q.cases()[0]                                   # OR weights: wrong only at (1, 1)
    assert q.judge(np.array([1.0, 1.0]), case)[0]
    ok, message = q.judge(np.array([0.0, 1.0]), case)
    assert not ok and "not a counterexample" in message
    ok, message = q.judge(np.array([0.5, 0.5]), case)
    assert not ok and "is not one of the four inputs" in message


def _perceptron_mistakes(X, y, eta):
    """Mistakes the perceptron makes from w = 0, b = 0 until an epoch without one."""
    return _perceptron_mistakes_from(X, y, np.zeros(X.shape[1]), 0.0, eta)


def test_mistake_bound_is_never_exceeded_by_the_perceptron():
    q = _question(ch01, "q6")
    for case in q.cases():
        X, y, w, b = case.args
        bound = q.reference(*case.args)
        for eta in (1.0, 0.3):
            assert _perceptron_mistakes(X, y, eta) <= bound


def test_mistake_bound_without_the_bias_folded_in_is_rejected():
    q = _question(ch01, "q6")
    case = q.cases()[0]                                   # AND, w = (1, 1), b = -1.5
    X, y, w, b = case.args
    s = 2 * y - 1
    u = w / np.linalg.norm(w)
    gamma = np.min(s * (X @ u + b / np.linalg.norm(w)))
    wrong = (np.max(np.linalg.norm(X, axis=1)) / gamma) ** 2
    assert _verdict(q, wrong, case) is not None


def _perceptron_mistakes_from(X, y, w0, b0, eta):
    w, b, mistakes = np.array(w0, dtype=float), float(b0), 0
    for _ in range(10_000):
        before = mistakes
        for x, t in zip(X, y):
            error = t - int(w @ x + b > 0)
            mistakes += abs(error)
            w, b = w + eta * error * x, b + eta * error
        if mistakes == before:
            return mistakes
    raise AssertionError("the perceptron did not converge")


def test_mistake_bound_from_a_start_is_never_exceeded_and_reduces_to_q6_from_zero():
    q, q6 = _question(ch01, "q7"), _question(ch01, "q6")
    for case in q.cases():
        X, y, w, b, w0, b0, eta = case.args
        assert _perceptron_mistakes_from(X, y, w0, b0, eta) <= q.reference(*case.args) + 1e-9
        assert np.isclose(q.reference(X, y, w, b, np.zeros_like(w0), 0.0, eta), q6.reference(X, y, w, b))


def _start_bound_parts(X, y, w, b, w0, b0):
    X_aug = np.column_stack([X, np.ones(len(X))])
    u = np.append(w, b) / np.linalg.norm(np.append(w, b))
    v0 = np.append(w0, b0)
    return u @ v0, v0 @ v0, np.min((2 * y - 1) * (X_aug @ u)), np.max(np.linalg.norm(X_aug, axis=1))


def test_mistake_bound_from_a_start_rejects_q6s_bound_a_forgotten_rate_and_the_smaller_root():
    q = _question(ch01, "q7")
    for case in q.cases()[:2]:
        X, y, w, b, w0, b0, eta = case.args
        a, c, gamma, R = _start_bound_parts(X, y, w, b, w0, b0)
        ignores_start = (R / gamma) ** 2
        def root(a, c, sign):
            p = R**2 - 2 * a * gamma
            return (p + sign * np.sqrt(p**2 - 4 * gamma**2 * (a**2 - c))) / (2 * gamma**2)
        forgets_eta = root(a, c, +1)                      # as if eta were 1
        smaller_root = root(a / eta, c / eta**2, -1)
        for wrong in (ignores_start, smaller_root) + ((forgets_eta,) if eta != 1 else ()):
            assert _verdict(q, wrong, case) is not None
        assert _verdict(q, root(a / eta, c / eta**2, +1), case) is None


# ---------------------------------------------------------------- practice 2
def test_collapsed_layer_reproduces_the_linear_network_on_fresh_inputs():
    q = _question(ch02, "q5")
    rng = np.random.default_rng(0)
    for case in q.cases():
        weights, biases = case.args
        X = rng.normal(size=(7, weights[0].shape[1]))
        A = X
        for W, b in zip(weights, biases):
            A = A @ W.T + b
        W_eff, b_eff = q.reference(weights, biases)
        assert np.allclose(X @ W_eff.T + b_eff, A, rtol=1e-10, atol=1e-12)


# ---------------------------------------------------------------- practice 3
def test_tanh_prime_reference_matches_central_differences_and_one_minus_tanh_squared():
    q = _question(ch03, "q6")
    z = np.linspace(-5, 5, 41)
    fd = (np.tanh(z + 1e-6) - np.tanh(z - 1e-6)) / 2e-6
    assert np.allclose(q.reference(z), fd, atol=1e-8)
    for case in q.cases():
        assert _verdict(q, 1 - np.tanh(case.args[0]) ** 2, case) is None


def test_sigmoid_ce_delta_rejects_the_quadratic_error_and_the_raw_chain_rule():
    q = _question(ch03, "q7")
    z, y = q.cases()[1].args
    a = 1 / (1 + np.exp(-z))
    quadratic = (a - y) * a * (1 - a) / len(z)
    assert _verdict(q, quadratic, q.cases()[1]) is not None
    saturated = q.cases()[3]
    z, y = saturated.args
    with np.errstate(all="ignore"):
        a = 1 / (1 + np.exp(-z))
        raw = (a - y) / (a * (1 - a)) * a * (1 - a) / len(z)      # 0/0 where a is 0 or 1
    assert _verdict(q, raw, saturated) is not None


def test_poisson_cost_has_gradient_a_minus_y_and_is_the_poisson_nll_up_to_a_constant():
    from math import lgamma
    q = _question(ch03, "q8")
    for case in q.cases():
        a, y = case.args
        z = np.log(a)
        h = 1e-6
        for idx in np.ndindex(z.shape):
            up, down = z.copy(), z.copy()
            up[idx] += h
            down[idx] -= h
            fd = (q.reference(np.exp(up), y) - q.reference(np.exp(down), y)) / (2 * h)
            assert abs(fd - (a[idx] - y[idx]) / len(a)) < 1e-6 * (1 + abs(fd))
        log_fact = np.vectorize(lgamma)(y + 1)
        gaps = [np.sum(s * a - y * np.log(s * a) + log_fact) / len(a) - q.reference(s * a, y) for s in (0.5, 1, 3)]
        assert np.ptp(gaps) < 1e-8
        assert q.reference(y + (y == 0), y + (y == 0)) == 0 or np.isclose(q.reference(y + (y == 0), y + (y == 0)), 0)


def test_poisson_cost_rejects_the_missing_constant_the_quadratic_cost_and_nan_at_zero_counts():
    q = _question(ch03, "q8")
    case = q.cases()[1]                                   # has a zero count
    a, y = case.args
    with np.errstate(all="ignore"):
        wrongs = [np.sum(a - y * np.log(a)) / len(a),                     # constant of integration forgotten
                  np.sum(0.5 * (a - y) ** 2) / len(a),                     # the quadratic cost
                  np.sum(a - y + y * np.log(y / a)) / len(a)]              # 0 ln 0 left as nan
    for wrong in wrongs:
        assert _verdict(q, wrong, case) is not None


# ---------------------------------------------------------------- practice 4
def test_largest_stable_eta_separates_convergence_from_divergence():
    q = _question(ch04, "q7")
    rng = np.random.default_rng(1)
    for case in q.cases():
        H = case.args[0]
        eta_max = q.reference(H)
        theta0 = rng.normal(size=len(H))
        for factor, converges in ((0.98, True), (1.02, False)):
            theta = theta0.copy()
            for _ in range(3000):
                theta = theta - factor * eta_max * (H @ theta)
            assert (np.linalg.norm(theta) < np.linalg.norm(theta0)) == converges


def test_gd_rate_is_the_measured_contraction_along_the_worst_direction():
    q = _question(ch04, "q6")
    for case in q.cases():
        H, eta = case.args
        lam, Q = np.linalg.eigh(H)
        worst = np.argmax(np.abs(1 - eta * lam))
        e = Q[:, worst]
        assert np.isclose(np.linalg.norm(e - eta * H @ e), q.reference(H, eta), rtol=1e-9)


def test_largest_stable_eta_from_the_smallest_eigenvalue_is_rejected():
    q = _question(ch04, "q7")
    case = q.cases()[0]
    assert _verdict(q, 2 / np.min(np.linalg.eigvalsh(case.args[0])), case) is not None


# ---------------------------------------------------------------- practice 5
def test_softmax_quadratic_reference_passes_the_finite_difference_judge():
    q = _question(ch05, "q6")
    for case in q.cases():
        ok, message = q.judge(q.reference(*case.args), case)
        assert ok, message


def test_softmax_quadratic_judge_rejects_p_minus_y_and_the_diagonal_only_bp1():
    q = _question(ch05, "q6")
    case = q.cases()[1]
    Z, Y = case.args
    A = ch05._softmax_rows(Z)
    for wrong in ((A - Y) / len(Z), (A - Y) / len(Z) * A * (1 - A)):
        assert _verdict(q, wrong, case) is not None
        assert not q.judge(wrong, case)[0]


# ---------------------------------------------------------------- practice 6
def _hidden_gradients(X, Y, W1, b1, W2, b2):
    """Gradients of the batch-mean cross-entropy of a sigmoid-softmax network (explicit backprop)."""
    A1 = 1 / (1 + np.exp(-(X @ W1.T + b1)))
    Z2 = A1 @ W2.T + b2
    P = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    D2 = (P - Y) / len(X)
    D1 = (D2 @ W2) * A1 * (1 - A1)
    return np.column_stack([D1.T @ X, D1.sum(axis=0)]), D2.T @ A1


def test_interchangeable_units_get_equal_gradients_and_the_others_do_not():
    q = _question(ch06, "q6")
    rng = np.random.default_rng(2)
    for case in q.cases():
        W1, b1, W2 = case.args
        S = q.reference(W1, b1, W2)
        X = rng.normal(size=(20, W1.shape[1]))
        Y = np.eye(W2.shape[0])[rng.integers(0, W2.shape[0], size=20)]
        g_in, g_out = _hidden_gradients(X, Y, W1, b1, W2, rng.normal(size=W2.shape[0]))
        for j, k in zip(*np.nonzero(S)):
            assert np.allclose(g_in[j], g_in[k], atol=1e-14) and np.allclose(g_out[:, j], g_out[:, k], atol=1e-14)
    W1, b1, W2 = q.cases()[1].args                         # units 1 and 2: same in, different out
    assert not q.reference(W1, b1, W2)[1, 2]
    X = rng.normal(size=(20, 3))
    g_in, _ = _hidden_gradients(X, np.eye(2)[rng.integers(0, 2, size=20)], W1, b1, W2, np.zeros(2))
    assert not np.allclose(g_in[1], g_in[2])


def test_choose_width_rejects_a_width_chosen_by_training_accuracy():
    q = _question(ch06, "q5")
    case = q.cases()[0]
    trainer, X_train, y_train, X_val, y_val, widths = case.args
    train_acc = [np.mean(trainer(X_train, y_train, w).predict(X_train) == y_train) for w in widths]
    best_val, val_acc = q.reference(*case.args)
    # training accuracy reaches 1 at width 60 already and stays there: it cannot tell the widths apart,
    # and taking the widest of its best (the network with most capacity) overfits
    by_training = widths[len(widths) - 1 - int(np.argmax(train_acc[::-1]))]
    assert max(train_acc) == 1.0
    assert by_training != best_val
    assert _verdict(q, (by_training, val_acc), case) is not None
    assert _verdict(q, (best_val, val_acc), case) is None


def test_preconditioned_bound_separates_convergence_from_divergence():
    q = _question(ch04, "q8")
    rng = np.random.default_rng(2)
    for case in q.cases():
        H, P = case.args
        eta_max = q.reference(H, P)
        theta0 = rng.normal(size=len(H))
        for factor, converges in ((0.98, True), (1.02, False)):
            theta = theta0.copy()
            for _ in range(4000):
                theta = theta - factor * eta_max * (P @ (H @ theta))
            assert (np.linalg.norm(theta) < 1e-3 * np.linalg.norm(theta0)) == converges


def test_preconditioned_bound_rejects_q7s_bound_a_product_bound_and_eigvalsh_of_pH():
    q = _question(ch04, "q8")
    for case in q.cases()[:2]:
        H, P = case.args
        lam_H, lam_P = np.linalg.eigvalsh(H), np.linalg.eigvalsh(P)
        wrongs = [2 / lam_H.max(),                                   # the preconditioner ignored
                  2 / (lam_H.max() * lam_P.max())]                   # safe, but not the largest stable rate
        if not np.allclose(P @ H, (P @ H).T):
            wrongs.append(2 / np.linalg.eigvalsh(P @ H).max())        # eigvalsh reads half of a non-symmetric matrix
        for wrong in wrongs:
            assert _verdict(q, wrong, case) is not None
        assert _verdict(q, 2 / np.linalg.eigvals(P @ H).real.max(), case) is None


# ---------------------------------------------------------------- practice 7: momentum on a quadratic
def _momentum_errors(lam, lr, mu, e0=1.0, steps=8):
    """The error along one eigen-direction under companion's Momentum, g = λe: the oracle."""
    from companion.optimizers import Momentum

    theta, opt, errors = np.array([e0]), Momentum(lr=lr, momentum=mu), [e0]
    for _ in range(steps):
        opt.step([theta], [lam * theta])
        errors.append(float(theta[0]))
    return np.array(errors)


def test_momentum_iteration_matrix_reproduces_the_recurrence_and_rejects_wrong_forms():
    from grader.questions import ch07

    q = _question(ch07, "q6")
    for case in q.cases():
        lam, lr, mu = case.args
        T = q.reference(*case.args)
        e = _momentum_errors(lam, lr, mu)
        for t in range(1, len(e) - 1):
            np.testing.assert_allclose(T @ [e[t], e[t - 1]], [e[t + 1], e[t]], rtol=1e-10, atol=1e-12)
        wrong = {
            "sign of μ": np.array([[1 + mu - lr * lam, mu], [1, 0]]),
            "μ missing on the diagonal": np.array([[1 - lr * lam, -mu], [1, 0]]),
            "transposed": T.T,
        }
        for name, W in wrong.items():
            if mu == 0 and name != "transposed":
                continue                                              # μ = 0 makes these coincide
            assert _verdict(q, W, case) is not None, name
        assert _verdict(q, T, case) is None


def test_momentum_best_rate_matches_a_brute_force_search_and_rejects_the_gd_rate():
    from grader.questions import ch07

    q = _question(ch07, "q7")
    T = ch07.momentum_iteration_matrix
    for lam_min, lam_max in ((1.0, 20.0), (2.0, 8.0)):
        lams = np.linspace(lam_min, lam_max, 25)
        grid = min(max(np.max(np.abs(np.linalg.eigvals(T(l, lr, mu)))) for l in lams)
                   for lr in np.linspace(0.01, 2.0 / lam_max * 2, 50) for mu in np.linspace(0, 0.95, 40))
        rho = q.reference(lam_min, lam_max)
        assert rho <= grid + 1e-9 and grid - rho < 0.03              # the search never beats the formula
        # at the best pair the worst direction attains exactly rho
        mu_s, lr_s = rho ** 2, (1 + rho) ** 2 / lam_max
        assert max(np.max(np.abs(np.linalg.eigvals(T(l, lr_s, mu_s)))) for l in lams) == pytest.approx(rho, rel=1e-6)
    kappa = 20.0
    case = q.cases()[0]
    for wrong in ((kappa - 1) / (kappa + 1), ((kappa ** 0.5 - 1) / (kappa ** 0.5 + 1)) ** 2, 1 - 1 / kappa ** 0.5):
        assert _verdict(q, wrong, case) is not None


# ---------------------------------------------------------------- practice 12: receptive field
def _reach(kernels, strides):
    """Input positions one top unit depends on, found by walking the windows down layer by layer."""
    positions = {0}
    for k, s in reversed(list(zip(kernels, strides))):
        positions = {j * s + u for j in positions for u in range(k)}
    return max(positions) - min(positions) + 1


def test_receptive_field_matches_the_windows_walked_down_and_rejects_typical_mistakes():
    from grader.questions import ch12

    q = _question(ch12, "q7")
    rng = np.random.default_rng(0)
    stacks = [c.args for c in q.cases()] + [([int(k) for k in rng.integers(1, 6, 5)],
                                             [int(s) for s in rng.integers(1, 4, 5)]) for _ in range(30)]
    for kernels, strides in stacks:
        assert q.reference(kernels, strides) == _reach(kernels, strides)
    case = q.cases()[1]                                         # conv 3, pool 2 (stride 2), conv 3: 8
    kernels, strides = case.args
    ignoring_strides = 1 + sum(k - 1 for k in kernels)          # 6
    own_stride_too = 1 + sum((k - 1) * int(np.prod(strides[:i + 1])) for i, k in enumerate(kernels))   # 11
    product = int(np.prod(kernels))                             # 18
    for wrong in (ignoring_strides, own_stride_too, product):
        assert wrong != 8 and _verdict(q, np.int64(wrong), case) is not None
    assert _verdict(q, np.int64(8), case) is None
