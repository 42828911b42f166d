"""Docstrings cannot drift from the code: every formula a public function states is exercised.

Two mechanisms, and a meta-test that every public function of the math modules uses one:
- doctest examples in docstrings (run here), e.g. ``sigmoid``;
- ``FORMULAS`` below: for each function, the formula its docstring states, evaluated here
  independently with plain NumPy at a few points, against the function's result.

A new public function in one of ``MODULES`` fails ``test_every_public_function_states_a_checked_formula``
until it gets a doctest example or an entry in ``FORMULAS`` (or is listed in ``NO_FORMULA`` with why).
"""
from __future__ import annotations

import doctest
import importlib
import math

import numpy as np
import pytest

from companion import activations as act
from companion import gradcheck, initializers, losses, metrics, network, regularization, schedules
from companion.optimizers import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSProp, make_optimizer

MODULES = ["activations", "losses", "network", "optimizers", "initializers", "metrics", "gradcheck",
           "regularization", "schedules"]

NO_FORMULA = {  # public callables whose docstring states no formula, and why
    "activations.Elementwise": "a named pair (fn, prime); each member is checked under its own name",
    "activations.get_activation": "looks a name up in ACTIVATIONS",
    "network.MLP": "a class; BP1–BP4 are checked against finite differences in test_network.py",
    "network.Cost": "a named triple (fn, delta, layers); the delta functions are checked here",
    "optimizers.Optimizer": "the base class; each subclass's update formula is checked here",
    "optimizers.make_optimizer": "builds an optimizer by name",
    "metrics.as_labels": "converts label formats; no formula",
    "regularization.EarlyStopping": "a stateful rule (patience), tested in test_regularization.py",
}

rng = np.random.default_rng(2024)
Z = rng.normal(scale=3.0, size=(4, 3))
A_SOFT = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
A_SIG = 1 / (1 + np.exp(-Z))
Y_HOT = np.eye(3)[[0, 2, 1, 2]]
N = Z.shape[0]


def one_step(opt, theta, g):
    p = np.array(theta, dtype=float)
    opt.step([p], [np.array(g, dtype=float)])
    return p


def two_steps(opt, theta, g1, g2):
    p = np.array(theta, dtype=float)
    opt.step([p], [np.array(g1, dtype=float)])
    opt.step([p], [np.array(g2, dtype=float)])
    return p


def _sigmoid_prime_z(z):
    s = 1 / (1 + np.exp(-z))
    return s * (1 - s)


# name -> (what the function returns, the docstring's formula computed independently)
FORMULAS = {
    # activations: f(z) and f'(z) as in the module table
    "activations.sigmoid_prime": lambda: (act.sigmoid_prime(Z), _sigmoid_prime_z(Z)),
    "activations.tanh": lambda: (act.tanh(Z), (np.exp(Z) - np.exp(-Z)) / (np.exp(Z) + np.exp(-Z))),
    "activations.tanh_prime": lambda: (act.tanh_prime(Z), 1 - np.tanh(Z) ** 2),
    "activations.relu": lambda: (act.relu(Z), np.maximum(0, Z)),
    "activations.relu_prime": lambda: (act.relu_prime(np.r_[-1.0, 0.0, 2.0]), np.r_[0.0, 0.0, 1.0]),
    "activations.leaky_relu": lambda: (act.leaky_relu(Z, 0.1), np.where(Z > 0, Z, 0.1 * Z)),
    "activations.leaky_relu_prime": lambda: (act.leaky_relu_prime(np.r_[-1.0, 0.0, 2.0], 0.1), np.r_[0.1, 0.1, 1.0]),
    "activations.linear": lambda: (act.linear(Z), Z),
    "activations.linear_prime": lambda: (act.linear_prime(Z), np.ones_like(Z)),
    "activations.softmax": lambda: (act.softmax(Z), A_SOFT),
    "activations.softmax_jacobian": lambda: (
        act.softmax_jacobian(Z[0]),
        np.array([[A_SOFT[0, i] * ((i == j) - A_SOFT[0, j]) for j in range(3)] for i in range(3)])),
    # losses: batch means
    "losses.quadratic": lambda: (losses.quadratic(A_SIG, Y_HOT), np.mean(0.5 * np.sum((Y_HOT - A_SIG) ** 2, axis=1))),
    "losses.quadratic_grad": lambda: (losses.quadratic_grad(A_SIG, Y_HOT), (A_SIG - Y_HOT) / N),
    "losses.cross_entropy": lambda: (
        [losses.cross_entropy(A_SOFT, Y_HOT), losses.cross_entropy(A_SIG, Y_HOT, binary=True)],
        [np.mean(-np.sum(Y_HOT * np.log(A_SOFT), axis=1)),
         np.mean(-np.sum(Y_HOT * np.log(A_SIG) + (1 - Y_HOT) * np.log(1 - A_SIG), axis=1))]),
    "losses.cross_entropy_grad": lambda: (
        [losses.cross_entropy_grad(A_SOFT, Y_HOT), losses.cross_entropy_grad(A_SIG, Y_HOT, binary=True)],
        [-Y_HOT / (N * A_SOFT), (A_SIG - Y_HOT) / (N * A_SIG * (1 - A_SIG))]),
    "losses.softmax_cross_entropy": lambda: (
        losses.softmax_cross_entropy(Z, Y_HOT), (np.mean(-np.sum(Y_HOT * np.log(A_SOFT), axis=1)), (A_SOFT - Y_HOT) / N)),
    "losses.one_hot": lambda: (losses.one_hot([2, 0], 3), [[0, 0, 1], [1, 0, 0]]),
    # network: BP1 of each output/cost pair, Δ^L = ∇_A C ⊙ σ'(Z^L)
    "network.delta_cancelled": lambda: (network.delta_cancelled(Z, A_SOFT, Y_HOT), (A_SOFT - Y_HOT) / N),
    "network.delta_quadratic_sigmoid": lambda: (
        network.delta_quadratic_sigmoid(Z, A_SIG, Y_HOT), (A_SIG - Y_HOT) / N * _sigmoid_prime_z(Z)),
    "network.delta_quadratic_softmax": lambda: (
        network.delta_quadratic_softmax(Z, A_SOFT, Y_HOT),
        np.stack([act.softmax_jacobian(z) @ ((a - y) / N) for z, a, y in zip(Z, A_SOFT, Y_HOT)])),
    # optimizers: the update lines of each docstring, by hand for one parameter
    "optimizers.SGD": lambda: (one_step(SGD(0.1), [1.0, -2.0], [0.5, 1.0]), [1 - 0.05, -2 - 0.1]),
    "optimizers.Momentum": lambda: (  # v = -ηg1; v = μv - ηg2; θ += v each step
        two_steps(Momentum(0.1, 0.5), [1.0], [2.0], [4.0]), [1 - 0.2 + (0.5 * -0.2 - 0.4)]),
    "optimizers.Nesterov": lambda: (  # v ← μv − ηg; θ ← θ + μv − ηg (new v)
        one_step(Nesterov(0.1, 0.5), [1.0], [2.0]), [1 + 0.5 * -0.2 - 0.2]),
    "optimizers.AdaGrad": lambda: (one_step(AdaGrad(0.1, eps=1e-8), [1.0], [2.0]), [1 - 0.1 * 2 / (2 + 1e-8)]),
    "optimizers.RMSProp": lambda: (  # s = (1-ρ)g²
        one_step(RMSProp(0.1, rho=0.9, eps=1e-8), [1.0], [2.0]), [1 - 0.1 * 2 / (math.sqrt(0.1 * 4) + 1e-8)]),
    "optimizers.Adam": lambda: (  # t = 2: m̂ = m/(1−β₁²), v̂ = v/(1−β₂²)
        two_steps(Adam(0.1, 0.9, 0.999, 1e-8), [1.0], [2.0], [-1.0]), [_adam_two_steps(1.0, 2.0, -1.0)]),
    # initializers: the sample variance of each scheme
    "initializers.init_weights": lambda: (
        [np.var(initializers.init_weights(name, 200, 300, np.random.default_rng(0))) for name in
         ("standard", "normal", "xavier", "he")],
        [1.0, 1 / 300, 2 / 500, 2 / 300]),
    # metrics
    "metrics.accuracy": lambda: (metrics.accuracy([0, 1, 2, 2], [0, 2, 2, 2]), 3 / 4),
    "metrics.confusion_matrix": lambda: (metrics.confusion_matrix([0, 1, 1], [0, 0, 1], k=2), [[1, 0], [1, 1]]),
    # gradcheck
    "gradcheck.numerical_gradient": lambda: (  # (f(x+h) − f(x−h)) / 2h of f = Σx³ is 3x² + h²
        gradcheck.numerical_gradient(lambda x: float(np.sum(x ** 3)), np.array([1.0, -2.0]), h=1e-3),
        [3 * 1.0 + 1e-6, 3 * 4.0 + 1e-6]),
    "gradcheck.relative_error": lambda: (gradcheck.relative_error(np.r_[1.0, 2.0], np.r_[1.0, 2.5]),
                                         _relative_error(np.r_[1.0, 2.0], np.r_[1.0, 2.5])),
    "gradcheck.check_gradients": lambda: (
        max(gradcheck.check_gradients(network.MLP([3, 2, 2], seed=1), Z[:, :3], Y_HOT[:, :2]).values()) < 1e-7, True),
    # regularization
    "regularization.l2_penalty": lambda: (regularization.l2_penalty([Z, Z[:2]], 0.3),
                                          0.15 * (np.sum(Z ** 2) + np.sum(Z[:2] ** 2))),
    # sign(v) · max(|v| − t, 0), by hand at five points
    "regularization.soft_threshold": lambda: (regularization.soft_threshold(np.array([-2.0, -0.3, 0.0, 0.5, 1.5]), 0.5),
                                              np.array([-1.5, 0.0, 0.0, 0.0, 1.0])),
    "regularization.l2_gradient": lambda: (regularization.l2_gradient(Z, 0.3), 0.3 * Z),
    "regularization.l1_penalty": lambda: (regularization.l1_penalty([Z], 0.3), 0.3 * np.sum(np.abs(Z))),
    "regularization.l1_gradient": lambda: (regularization.l1_gradient(np.r_[-2.0, 0.0, 3.0], 0.3), [-0.3, 0.0, 0.3]),
    "regularization.tradeoff_error": lambda: (regularization.tradeoff_error(0.4, [Z], 0.25),
                                              0.25 * 0.4 + 0.75 * np.sum(Z ** 2)),
    "regularization.tradeoff_gradient": lambda: (regularization.tradeoff_gradient(A_SIG, Z, 0.25), 0.25 * A_SIG + 1.5 * Z),
    # schedules
    "schedules.step_decay": lambda: ([schedules.step_decay(0.8, 0.5, 3)(t) for t in (0, 2, 3, 7)], [0.8, 0.8, 0.4, 0.2]),
    # lr_min + ½(lr0 − lr_min)(1 + cos(π t/total)): at t = 0, total/2, total and after it
    "schedules.cosine_decay": lambda: ([schedules.cosine_decay(0.9, 8, 0.1)(t) for t in (0, 4, 8, 20)],
                                       [0.9, 0.5, 0.1, 0.1]),
    "schedules.inverse_time_decay": lambda: (
        [schedules.inverse_time_decay(1.0, 0.5)(t) for t in (0, 1, 4)] + [schedules.inverse_time_decay(1.0, 0.5, 2)(5)],
        [1.0, 1 / 1.5, 1 / 3, 1 / 2]),
}


def _adam_two_steps(theta, g1, g2, lr=0.1, b1=0.9, b2=0.999, eps=1e-8):
    m = v = 0.0
    for t, g in ((1, g1), (2, g2)):
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
        theta -= lr * (m / (1 - b1 ** t)) / (math.sqrt(v / (1 - b2 ** t)) + eps)
    return theta


def _relative_error(a, b):  # gradcheck's docstring: ‖a − b‖ / (‖a‖ + ‖b‖), Euclidean norms
    return math.sqrt(np.sum((a - b) ** 2)) / (math.sqrt(np.sum(a * a)) + math.sqrt(np.sum(b * b)))


def public_callables():
    for m in MODULES:
        mod = importlib.import_module("companion." + m)
        for name in mod.__all__:
            if callable(getattr(mod, name)):
                yield f"{m}.{name}", getattr(mod, name)


def has_doctest(obj) -> bool:
    return any(t.examples for t in doctest.DocTestFinder(recurse=False).find(obj))


def test_every_public_function_states_a_checked_formula():
    unchecked = [name for name, obj in public_callables()
                 if name not in FORMULAS and name not in NO_FORMULA and not has_doctest(obj)]
    assert not unchecked, (f"public functions without a doctest example or a FORMULAS entry in "
                           f"{__file__}: {unchecked}")
    stale = sorted(set(FORMULAS) - {name for name, _ in public_callables()})
    assert not stale, f"FORMULAS names functions that are no longer public: {stale}"


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_docstring_formula(name):
    got, expected = FORMULAS[name]()
    if isinstance(got, tuple):
        for g, e in zip(got, expected):
            np.testing.assert_allclose(g, e, rtol=1e-12 if "init" not in name else 0.05, atol=1e-15)
    else:
        np.testing.assert_allclose(got, expected, rtol=1e-12 if "init" not in name else 0.05, atol=1e-15)


@pytest.mark.parametrize("m", MODULES + ["layers"])
def test_doctest_examples_in_docstrings(m):
    mod = importlib.import_module("companion." + m)
    result = doctest.testmod(mod, extraglobs={"np": np}, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} doctest example(s) failed in companion.{m}"
