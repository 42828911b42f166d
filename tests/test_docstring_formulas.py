"""Docstrings cannot drift from the code: every formula a public function states is exercised.

Two mechanisms, and a meta-test that every public function of the math modules uses one:
- doctest examples in docstrings (run here), e.g. ``sigmoid``;
- ``FORMULAS`` below: for each function, the formula its docstring states, evaluated here
  independently with plain NumPy at a few points, against the function's result. For a class
  (a layer, a classic network) the entry checks every formula its docstrings state: forward and
  backward rules, costs, update rules and the documented order of its random draws.

A new public function in one of ``MODULES`` fails ``test_every_public_function_states_a_checked_formula``
until it gets a doctest example or an entry in ``FORMULAS`` (or is listed in ``NO_FORMULA`` with why);
a new module of ``companion`` fails ``test_every_module_is_checked_or_says_why_not`` until it joins
``MODULES`` (or ``NOT_MATH`` with why).
"""
from __future__ import annotations

import doctest
import importlib
import itertools
import math
import pkgutil
import statistics

import numpy as np
import pytest

from companion import activations as act
from companion import (
    approximation,
    convolution,
    gradcheck,
    initializers,
    layers,
    losses,
    metrics,
    model_selection,
    network,
    pretraining,
    regularization,
    schedules,
    search,
    surfaces,
)
from companion.classic import art, cascade, elman, hopfield, rbf, rbm, som
from companion.optimizers import SGD, AdaGrad, Adam, AdamW, Momentum, Nesterov, RMSProp, make_optimizer

MODULES = ["activations", "losses", "network", "optimizers", "initializers", "metrics", "gradcheck",
           "regularization", "schedules", "search", "model_selection", "approximation", "convolution",
           "pretraining", "surfaces", "layers", "classic.rbf", "classic.art", "classic.som",
           "classic.cascade", "classic.elman", "classic.rbm", "classic.hopfield", "random_features"]

NOT_MATH = {  # the other public modules of companion, and why their functions need no formula check here
    "classic": "the package only re-exports the classic.* modules listed in MODULES",
    "datasets": "data generators and loaders; tested in test_datasets.py",
    "plotting": "plotting helpers",
    "widgets": "interactive explorers around the functions checked here; tested in test_widgets.py",
    "training": "the mini-batch loop and its history (no formula beyond the optimizers'); tested in test_training.py",
    "grade": "an alias of the grader's command line (grader.cli)",
    "grading": "an alias keeping make_checker importable from notebooks handed out earlier (course_check)",
}

NO_FORMULA = {  # public callables whose docstring states no formula, and why
    "activations.Elementwise": "a named pair (fn, prime); each member is checked under its own name",
    "activations.get_activation": "looks a name up in ACTIVATIONS",
    "network.MLP": "a class; BP1–BP4 are checked against finite differences in test_network.py",
    "network.Cost": "a named pair (fn, delta); the delta functions are checked here",
    "optimizers.Optimizer": "the base class; each subclass's update formula is checked here",
    "optimizers.make_optimizer": "builds an optimizer by name",
    "metrics.as_labels": "converts label formats; no formula",
    "regularization.EarlyStopping": "a stateful rule (patience), tested in test_regularization.py",
    "search.AnnealingResult": "a record; its fields are checked under search.simulated_annealing",
    "search.RestartsResult": "a record; its fields are checked under search.random_restarts",
    "search.SuccessRate": "a record; its fields are checked under search.success_rate",
    "surfaces.Surface": "a record (f, grad, minima, window); each builder's formulas are checked here",
    "pretraining.greedy_pretrain": "a training procedure, no closed form; test_pretraining.py checks each layer "
                                   "is trained on the codes below",
    "layers.Layer": "the base class; each subclass's forward and backward rules are checked here",
    "layers.LossLayer": "the base class; each loss layer's cost and gradient are checked here",
    "layers.Conv2D": "companion.convolution.Conv2D re-exported; checked as convolution.Conv2D",
    "layers.MaxPool2D": "companion.convolution.MaxPool2D re-exported; checked as convolution.MaxPool2D",
    "layers.Flatten": "companion.convolution.Flatten re-exported; checked as convolution.Flatten",
    "layers.Unflatten": "companion.convolution.Unflatten re-exported; checked as convolution.Unflatten",
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
def _readout_by_hand():
    from companion.random_features import ReadoutModel

    r = np.random.default_rng(7)
    V, c, W, b, X = r.normal(size=(5, 3)), r.normal(size=5), r.normal(size=(4, 5)), r.normal(size=4), r.normal(size=(6, 3))
    model = ReadoutModel(V, c, W, b)
    scores = np.array([[sum(W[i, j] / (1 + math.exp(-(X[n] @ V[j] + c[j]))) for j in range(5)) + b[i]
                        for i in range(4)] for n in range(6)])
    return (model.scores(X), model.predict(X)), (scores, [int(np.argmax(row)) for row in scores])


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
    "optimizers.AdamW": lambda: (  # Adam's step, then − ηλθ_old
        two_steps(AdamW(0.1, 0.9, 0.999, 1e-8, weight_decay=0.5), [1.0], [2.0], [-1.0]),
        [_adamw_two_steps(1.0, 2.0, -1.0, wd=0.5)]),
    # initializers: the sample variance of each scheme
    "initializers.init_weights": lambda: (
        [np.var(initializers.init_weights(name, 200, 300, np.random.default_rng(0))) for name in
         ("standard", "normal", "xavier", "he")],
        [1.0, 1 / 300, 2 / 500, 2 / 300]),
    "initializers.init_array": lambda: (  # a conv bank (out, in, kh, kw): fan_in = in·kh·kw, fan_out = out·kh·kw
        [np.var(initializers.init_array(name, (20, 30, 4, 4), 480, 320, np.random.default_rng(0)))
         for name in ("he", "xavier")], [2 / 480, 2 / 800]),
    "initializers.init_normal": lambda: (
        np.var(initializers.init_normal((300, 300), 0.01, np.random.default_rng(0))), 1e-4),
    "initializers.init_uniform": lambda: (  # U[−b, b): variance b²/3, never beyond b
        (lambda x: [np.var(x), float(np.abs(x).max() <= 0.5)])(
            initializers.init_uniform((300, 300), 0.5, np.random.default_rng(0))), [0.25 / 3, 1.0]),
    # metrics
    "metrics.accuracy": lambda: (metrics.accuracy([0, 1, 2, 2], [0, 2, 2, 2]), 3 / 4),
    # t-cdf: ν = 1 is Cauchy, ½ + arctan(t)/π; quantile: ν = 2 closed form (2p−1)/√(2p(1−p))
    "metrics.student_t_cdf": lambda: (metrics.student_t_cdf(1.5, 1), 0.5 + math.atan(1.5) / math.pi),
    "metrics.student_t_quantile": lambda: (metrics.student_t_quantile(0.975, 2), 0.95 / math.sqrt(2 * 0.975 * 0.025)),
    "metrics.mean_ci": lambda: (  # x̄ ± t_{0.975,2} s/√3 with t_{0.975,2} in closed form
        list(metrics.mean_ci([1.0, 2.0, 4.0])),
        [7 / 3, 0.95 / math.sqrt(2 * 0.975 * 0.025) * statistics.stdev([1.0, 2.0, 4.0]) / math.sqrt(3)]),
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
    # lr0·min(1, (t + 1)/steps) before the end of the warm-up, then lr0, or after(t − steps)
    "schedules.linear_warmup": lambda: (
        [schedules.linear_warmup(0.8, 4)(t) for t in (0, 1, 3, 9)]
        + [schedules.linear_warmup(0.8, 4, after=schedules.step_decay(0.8, 0.5, 3))(t) for t in (2, 4, 7)],
        [0.2, 0.4, 0.8, 0.8, 0.6, 0.8, 0.4]),
    # search: min(1, e^{−ΔE/T}) with its T = 0 limit; the three schedules at k = 0 … 4
    "search.metropolis_acceptance": lambda: (
        (search.metropolis_acceptance(np.r_[-1.0, 0.0, 0.5, 2.0], 0.5),
         search.metropolis_acceptance(np.r_[-1.0, 0.0, 0.5], 0.0)),
        ([min(1.0, math.exp(-d / 0.5)) for d in (-1.0, 0.0, 0.5, 2.0)], [1.0, 1.0, 0.0])),
    "search.temperatures": lambda: (
        tuple(search.temperatures(2.0, 0.7, 5, name) for name in ("geometric", "linear", "logarithmic")),
        ([2.0 * 0.7 ** k for k in range(5)], [2.0 * max(0.0, 1 - 0.3 * k) for k in range(5)],
         [2.0 / (1 + math.log(1 + 0.3 * k)) for k in range(5)])),
    "search.annealing_step": lambda: _annealing_steps(range(12)),
    "search.simulated_annealing": lambda: _simulated_annealing_vs_loop(),
    "search.anneal_chains": lambda: (
        search.anneal_chains(_wavy, X0_CHAINS, T0=1.0, cooling=0.95, steps=40, step_size=0.4, seed=2),
        _anneal_by_hand(_wavy, X0_CHAINS, 1.0, 0.95, 40, 0.4, 2)),
    # x ← x − η ∇f(x) on f = ½(x² + 4y²): after k steps x·0.9^k and y·0.6^k for η = 0.1
    "search.gradient_descent": lambda: (
        search.gradient_descent(lambda P: P * [1.0, 4.0], X0_CHAINS, lr=0.1, steps=7), X0_CHAINS * np.r_[0.9, 0.6] ** 7),
    "search.random_restarts": lambda: _random_restarts_vs_closed_form(),
    "search.basin_labels": lambda: (
        search.basin_labels([[[0.0, 0.0], [1.0, 1.0005]], [[5.0, 5.0], [0.9, 1.0]]], [[0.0, 0.0], [1.0, 1.0]], tol=1e-3),
        [[0, 1], [-1, -1]]),
    "search.success_rate": lambda: _success_rates(),
    # model_selection
    "model_selection.kfold_indices": lambda: _kfold_by_hand(),
    "model_selection.cross_validate": lambda: _cross_validate_by_hand(),
    # approximation: the neuron sums of each docstring, σ(z) = 1/(1 + e^{−z}) by hand
    "approximation.step": lambda: (approximation.step(X_LINE, 0.4, 9.0, 1.5), 1.5 * _sig(9.0 * (X_LINE - 0.4))),
    "approximation.bump": lambda: (approximation.bump(X_LINE, 0.2, 0.7, 1.5, 4.0),
                                   1.5 * (_sig(4.0 * (X_LINE - 0.2)) - _sig(4.0 * (X_LINE - 0.7)))),
    "approximation.staircase": lambda: (
        approximation.staircase(X_LINE, CELLS, 6.0),  # N = 4 cells, steps at i/4
        CELLS[0] + sum((CELLS[i] - CELLS[i - 1]) * _sig(6.0 * (X_LINE - i / 4)) for i in (1, 2, 3))),
    "approximation.towers": lambda: (approximation.towers(X_LINE[:3], X_LINE[3:5], 2, 5.0, 40.0),
                                     _towers_by_hand(X_LINE[:3], X_LINE[3:5], 2, 5.0, 40.0)),
    "approximation.steepness_factor": lambda: (
        [approximation.steepness_factor(k) for k in (0.5, 3.0, 20.0)],
        [2 * math.exp(-k / 2) / (1 - math.exp(-k)) for k in (0.5, 3.0, 20.0)]),
    "approximation.bumps_needed": lambda: (
        [approximation.bumps_needed(2.0, 0.1, 8.0), approximation.bumps_needed(0.01, 1.0, 8.0)],
        [math.ceil(2.0 * (1 + 2 * math.exp(-4.0) / (1 - math.exp(-8.0))) / 0.1), 1]),
    "approximation.tent_power": lambda: (approximation.tent_power(X_UNIT, 3), _tent(_tent(_tent(X_UNIT)))),
    "approximation.sawtooth_network": lambda: _sawtooth_by_hand(3),
    "approximation.relu_network_forward": lambda: _relu_forward_by_hand(),
    # convolution: the index sums of the docstrings, by explicit loops
    "convolution.conv2d_output_size": lambda: (
        [convolution.conv2d_output_size(*a) for a in ((7, 3, 2, 1), (5, 5, 1, 0), (8, 3, 3, 0), (6, 2, 2, 0))],
        [math.floor((s + 2 * p - k) / st) + 1 for s, k, st, p in ((7, 3, 2, 1), (5, 5, 1, 0), (8, 3, 3, 0), (6, 2, 2, 0))]),
    "convolution.conv2d": lambda: (
        (convolution.conv2d(IMAGES, FILTERS, FILTER_B, stride=2, padding=1),
         convolution.conv2d(IMAGES, FILTERS, None, stride=(2, 1), padding=(1, 0))),
        (_conv_loops(IMAGES, FILTERS, FILTER_B, (2, 2), (1, 1)),
         _conv_loops(IMAGES, FILTERS, 0 * FILTER_B, (2, 1), (1, 0)))),
    "convolution.Conv2D": lambda: _conv_layer_vs_loops(),
    "convolution.MaxPool2D": lambda: _maxpool_vs_loops(),
    "convolution.Flatten": lambda: _flatten_vs_loops(),
    "convolution.Unflatten": lambda: _unflatten_vs_loops(),
    # pretraining: H = f(X W₁ᵀ + b₁), X̂ = σ(H W₂ᵀ + b₂) or H W₂ᵀ + b₂, and C, by hand
    "pretraining.Autoencoder": lambda: _autoencoder_by_hand(),
    "pretraining.stack_encoders": lambda: _stacked_by_hand(),
    "pretraining.mlp_classifier": lambda: _mlp_classifier_by_hand(),
    # surfaces: f and ∇f of each docstring on a (3, 4, 2) stack of points, and the stated minima
    "surfaces.quadratic_bowl": lambda: _surface_vs_formula(
        surfaces.quadratic_bowl(2.0, 5.0), lambda x, y: 0.5 * (2 * x * x + 5 * y * y), lambda x, y: (2 * x, 5 * y),
        [[0.0, 0.0]]),
    "surfaces.ill_conditioned": lambda: _surface_vs_formula(
        surfaces.ill_conditioned(), lambda x, y: 0.5 * (x * x + 20 * y * y), lambda x, y: (x, 20 * y), [[0.0, 0.0]]),
    "surfaces.rosenbrock": lambda: _surface_vs_formula(
        surfaces.rosenbrock(1.5, 50.0), lambda x, y: (1.5 - x) ** 2 + 50 * (y - x * x) ** 2,
        lambda x, y: (-2 * (1.5 - x) - 200 * x * (y - x * x), 100 * (y - x * x)), [[1.5, 2.25]]),
    "surfaces.saddle": lambda: _surface_vs_formula(
        surfaces.saddle(2.0, 3.0), lambda x, y: x * x + 3 * (y ** 4 / 4 - y * y / 2),
        lambda x, y: (2 * x, 3 * (y ** 3 - y)), [[0.0, 1.0], [0.0, -1.0]]),
    "surfaces.gaussian_wells": lambda: _wells_vs_formula(),
    "surfaces.descend": lambda: _descend_vs_closed_form(),
    # layers: each forward rule, and the backward rule its docstring states, by hand
    "layers.Dense": lambda: _dense_by_hand(),
    "layers.Activation": lambda: _activation_layer(layers.Activation("tanh"), np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    "layers.Sigmoid": lambda: _activation_layer(layers.Sigmoid(), _sig, lambda z: _sig(z) * (1 - _sig(z))),
    "layers.Tanh": lambda: _activation_layer(layers.Tanh(), np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    "layers.ReLU": lambda: _activation_layer(layers.ReLU(), lambda z: np.maximum(z, 0), lambda z: (z > 0) * 1.0),
    "layers.LeakyReLU": lambda: _activation_layer(layers.LeakyReLU(0.2), lambda z: np.where(z > 0, z, 0.2 * z),
                                                  lambda z: np.where(z > 0, 1.0, 0.2)),
    "layers.Softmax": lambda: _softmax_layer_by_hand(),
    "layers.Dropout": lambda: _dropout_by_hand(),
    "layers.BatchNorm": lambda: _batchnorm_by_hand(),
    "layers.QuadraticLoss": lambda: _loss_layer(layers.QuadraticLoss(), A_SIG, Y_HOT, lambda a: a,
                                                np.mean(0.5 * np.sum((Y_HOT - A_SIG) ** 2, axis=1)), (A_SIG - Y_HOT) / N),
    "layers.SoftmaxCrossEntropyLoss": lambda: _loss_layer(
        layers.SoftmaxCrossEntropyLoss(), Z, Y_HOT, lambda z: A_SOFT,
        np.mean(-np.sum(Y_HOT * np.log(A_SOFT), axis=1)), (A_SOFT - Y_HOT) / N),
    "layers.SigmoidCrossEntropyLoss": lambda: _loss_layer(
        layers.SigmoidCrossEntropyLoss(), Z, Y_SOFT, lambda z: A_SIG,
        np.mean(-np.sum(Y_SOFT * np.log(A_SIG) + (1 - Y_SOFT) * np.log(1 - A_SIG), axis=1)), (A_SIG - Y_SOFT) / N),
    # classic.rbf: Φ[i, j] = exp(−‖x_i − c_j‖²/(2σ²)), k-means as a fixed point of Lloyd's two steps
    "classic.rbf.kmeans": lambda: _kmeans_fixed_point(),
    "classic.rbf.rbf_activations": lambda: (
        rbf.rbf_activations(BLOBS[:6], BLOBS[6:9], 0.7),
        [[math.exp(-np.sum((x - c) ** 2) / (2 * 0.7 ** 2)) for c in BLOBS[6:9]] for x in BLOBS[:6]]),
    "classic.rbf.mean_center_distance": lambda: (
        [rbf.mean_center_distance(BLOBS[:5]), rbf.mean_center_distance(BLOBS[:1])],
        [np.mean([min(math.dist(a, b) for j, b in enumerate(BLOBS[:5]) if j != i) for i, a in enumerate(BLOBS[:5])]), 1.0]),
    "classic.rbf.RBFNetwork": lambda: _rbf_network_by_hand(),
    # random_features: scores = σ(X Vᵀ + c) Wᵀ + b, labels = the argmax of each row
    "random_features.ReadoutModel": lambda: _readout_by_hand(),
    # classic.art: |·| counts ones, ∧ is AND (min of 0/1 entries)
    "classic.art.art1_choice": lambda: (
        art.art1_choice(ART_X, ART_W, 0.5),
        [np.minimum(ART_X, w).sum() / (0.5 + w.sum()) for w in ART_W]),
    "classic.art.art1_match": lambda: (art.art1_match(ART_X, ART_W),
                                       [np.minimum(ART_X, w).sum() / ART_X.sum() for w in ART_W]),
    "classic.art.art1_present": lambda: _art1_present_vs_search(),
    "classic.art.ART1": lambda: _art1_fit_vs_search(),
    # classic.som: grid, Gaussian neighbourhood, the Kohonen update and the schedules
    "classic.som.grid_positions": lambda: (som.grid_positions(2, 3), [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]),
    "classic.som.neighbourhood": lambda: (
        som.neighbourhood(som.grid_positions(3, 4), np.r_[1.0, 2.0], 1.5),
        [math.exp(-((r - 1) ** 2 + (c - 2) ** 2) / (2 * 1.5 ** 2)) for r in range(3) for c in range(4)]),
    "classic.som.som_step": lambda: _som_step_by_hand(),
    "classic.som.decay": lambda: (
        tuple(som.decay(0.5, 0.01, t, 10) for t in (0, 5, 10)) + (som.decay(2.0, 0.5, np.arange(4), 4),),
        (0.5, 0.5 * math.sqrt(0.01 / 0.5), 0.01, [2.0 * 0.25 ** (t / 4) for t in range(4)])),
    "classic.som.SOM": lambda: _som_by_hand(),
    # classic.cascade: S and ∂S/∂w as the module states them, by loops
    "classic.cascade.correlation_score": lambda: _correlation_scores_by_hand(),
    "classic.cascade.candidate_scores_and_gradients": lambda: _candidate_gradients_by_hand(),
    "classic.cascade.CascadeCorrelation": lambda: _cascade_by_hand(),
    # classic.elman and classic.rbm: every method's formula
    "classic.elman.Elman": lambda: _elman_by_hand(),
    # Hopfield: W = (1/N) Σ ξξᵀ with zero diagonal, by explicit loops; E = −½ Σ_ij W_ij s_i s_j
    "classic.hopfield.hebbian_weights": lambda: (hopfield.hebbian_weights(HOP_P), _hebb_by_loops(HOP_P)),
    "classic.hopfield.hopfield_energy": lambda: (
        hopfield.hopfield_energy(_hebb_by_loops(HOP_P), HOP_P),
        [-0.5 * sum(_hebb_by_loops(HOP_P)[i, j] * s[i] * s[j] for i in range(6) for j in range(6)) for s in HOP_P]),
    "classic.hopfield.Hopfield": lambda: _hopfield_by_hand(),
    "classic.rbm.all_binary": lambda: (rbm.all_binary(3), list(itertools.product([0, 1], repeat=3))),
    "classic.rbm.RBM": lambda: _rbm_checks(),
}


HOP_P = np.array([[1, -1, 1, -1, 1, -1], [1, 1, 1, -1, -1, -1], [-1, -1, 1, 1, 1, -1]], dtype=float)


def _hebb_by_loops(P):
    N = P.shape[1]
    return np.array([[0.0 if i == j else sum(p[i] * p[j] for p in P) / N for j in range(N)] for i in range(N)])


def _hopfield_by_hand():
    """Fit: W and the history (mean energy after each pattern); predict: asynchronous sweeps in
    order 0..N−1, s_i ← sign(h_i) (kept when h_i = 0), until a sweep changes nothing; the energy
    trace of run never rises."""
    net = hopfield.Hopfield(6).fit(HOP_P)
    W = _hebb_by_loops(HOP_P)
    hist = [float(np.mean([-0.5 * s @ _hebb_by_loops(HOP_P[:m + 1]) @ s for s in HOP_P[:m + 1]])) for m in range(3)]
    probe = np.array([[-1, -1, 1, -1, 1, -1], [1, 1, -1, 1, -1, 1]], dtype=float)
    expected = []
    for s in probe.copy():
        while True:
            old = s.copy()
            for i in range(6):
                h = sum(W[i, j] * s[j] for j in range(6))
                s[i] = s[i] if h == 0 else (1.0 if h > 0 else -1.0)
            if np.array_equal(old, s):
                break
        expected.append(s)
    fixed, trace = net.run(probe[0])
    return ((net.W_, net.history_, net.predict(probe), fixed, float(np.all(np.diff(trace) <= 1e-12))),
            (W, hist, np.array(expected), expected[0], 1.0))


def _adamw_two_steps(theta, g1, g2, lr=0.1, b1=0.9, b2=0.999, eps=1e-8, wd=0.0):
    m = v = 0.0
    for t, g in ((1, g1), (2, g2)):
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
        theta = theta - lr * ((m / (1 - b1 ** t)) / (math.sqrt(v / (1 - b2 ** t)) + eps) + wd * theta)
    return theta


def _adam_two_steps(theta, g1, g2, lr=0.1, b1=0.9, b2=0.999, eps=1e-8):
    m = v = 0.0
    for t, g in ((1, g1), (2, g2)):
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
        theta -= lr * (m / (1 - b1 ** t)) / (math.sqrt(v / (1 - b2 ** t)) + eps)
    return theta


def _relative_error(a, b):  # gradcheck's docstring: ‖a − b‖ / (‖a‖ + ‖b‖), Euclidean norms
    return math.sqrt(np.sum((a - b) ** 2)) / (math.sqrt(np.sum(a * a)) + math.sqrt(np.sum(b * b)))


# ---------------------------------------------------------------- search, model_selection
X0_CHAINS = np.array([[1.5, -1.0], [-1.0, 0.5], [0.2, 2.0]])


def _sig(z):
    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))


def _wavy(x):  # a bumpy cost of one point (d,) or of a stack (r, d)
    x = np.asarray(x, dtype=float)
    return np.sum(x * x, axis=-1) + np.sin(3 * x[..., 0]) * np.cos(2 * x[..., 1])


def _accept(u, f_new, f_old, T):  # u < min(1, exp(−ΔE/T)), the T = 0 limit being "downhill only"
    delta = f_new - f_old
    return u < (1.0 if delta <= 0 else (math.exp(-delta / T) if T > 0 else 0.0))


def _annealing_steps(seeds):
    """annealing_step's documented draws: x' = x + s·rng.normal(size=x.shape), then u = rng.random()."""
    x, T, s = np.array([1.0, -0.5]), 0.3, 0.4
    got, expected = [], []
    for seed in seeds:
        x_next, f_next, accepted = search.annealing_step(_wavy, x, _wavy(x), T, s, np.random.default_rng(seed))
        got.append([*x_next, f_next, accepted])
        g = np.random.default_rng(seed)
        proposal = x + s * g.normal(size=2)
        take = _accept(g.random(), _wavy(proposal), _wavy(x), T)
        expected.append([*(proposal if take else x), _wavy(proposal if take else x), take])
    assert 0 < sum(e[-1] for e in expected) < len(expected), "pick seeds that both accept and reject"
    return np.array(got, dtype=float), np.array(expected, dtype=float)


def _anneal_by_hand(f, X0, T0, alpha, steps, s, seed, full=False):
    """r chains, one proposal each per step: T_k = T0 α^k, X + s·rng.normal(size=(r, d)), u = rng.random(r).

    Returns the best point and cost of each chain and the costs after each step; with ``full``
    also the points after each step (steps + 1, r, d) and whether each proposal was taken (steps, r).
    """
    g, X = np.random.default_rng(seed), np.array(X0, dtype=float)
    F = np.array([f(x) for x in X])
    best_x, best_f, trace, path, taken = X.copy(), F.copy(), [F.copy()], [X.copy()], []
    for k in range(steps):
        P = X + s * g.normal(size=X.shape)
        u = g.random(len(X))
        taken.append([_accept(u[r], f(P[r]), F[r], T0 * alpha ** k) for r in range(len(X))])
        for r in range(len(X)):
            if taken[-1][r]:
                X[r], F[r] = P[r], f(P[r])
            if F[r] < best_f[r]:
                best_x[r], best_f[r] = X[r], F[r]
        trace.append(F.copy())
        path.append(X.copy())
    if full:
        return best_x, best_f, np.array(trace), np.array(path), np.array(taken)
    return best_x, best_f, np.array(trace)


def _simulated_annealing_vs_loop():
    r = search.simulated_annealing(_wavy, X0_CHAINS[0], T0=1.0, cooling=0.95, steps=60, step_size=0.4, seed=5)
    best_x, best_f, trace, path, taken = _anneal_by_hand(_wavy, X0_CHAINS[:1], 1.0, 0.95, 60, 0.4, 5, full=True)
    return ((r.x, r.cost, r.trace, r.path, r.accepted, r.n_evals, r.temperatures),
            (best_x[0], best_f[0], trace[:, 0], path[:, 0], taken[:, 0], 61, 0.95 ** np.arange(60)))


def _random_restarts_vs_closed_form():
    """f = ½‖x‖², ∇f = x: descent multiplies each start by (1 − η)^steps."""
    r = search.random_restarts(lambda P: 0.5 * np.sum(P * P, axis=1), lambda P: P, [-2.0, -1.0], [2.0, 3.0],
                               n_starts=5, steps=4, lr=0.25, seed=7)
    starts = np.random.default_rng(7).uniform([-2.0, -1.0], [2.0, 3.0], size=(5, 2))
    ends = starts * 0.75 ** 4
    costs = [0.5 * (a * a + b * b) for a, b in ends]
    best = costs.index(min(costs))
    return ((r.starts, r.ends, r.costs, r.x, r.cost, r.trace, r.n_evals),
            (starts, ends, costs, ends[best], costs[best], [min(costs[:i + 1]) for i in range(5)], 5 * (4 + 1)))


def _success_rates():
    """p̂ = s/n, se = √(p̂(1 − p̂)/n) and Wilson's interval with z the 97.5 % normal quantile."""
    z = statistics.NormalDist().inv_cdf(0.975)
    got, expected = [], []
    for s, n in ((7, 20), (0, 12), (12, 12)):
        r = search.success_rate(np.arange(n) < s)
        p = s / n
        centre, half = p + z * z / (2 * n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        got.append([r.p, r.se, r.low, r.high, r.n])
        expected.append([p, math.sqrt(p * (1 - p) / n), (centre - half) / (1 + z * z / n),
                         (centre + half) / (1 + z * z / n), n])
    return np.array(got), np.array(expected)


def _kfold_by_hand():
    """n = 11, k = 4: sizes ⌈11/4⌉ = 3 for the first 11 mod 4 = 3 folds, then ⌊11/4⌋ = 2."""
    blocks = [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10]]
    plain = model_selection.kfold_indices(11, 4, shuffle=False)
    # stratified, no shuffle: sorted by label (stable) = 1 3 4 7 9 | 0 2 5 8 | 6 10, dealt to folds 0 1 2 0 1 2 …
    labels = [1, 0, 1, 0, 0, 1, 2, 0, 1, 0, 2]
    dealt = model_selection.kfold_indices(11, 3, stratify=labels, shuffle=False)
    shuffled = [model_selection.kfold_indices(11, 4, seed=s) for s in range(3)]
    got = (*(va for _, va in plain), *(tr for tr, _ in plain), *(va for _, va in dealt),
           [[len(va) for _, va in folds] for folds in shuffled],
           [sorted(np.concatenate([va for _, va in folds])) for folds in shuffled])
    expected = (*blocks, *([i for i in range(11) if i not in b] for b in blocks), [1, 2, 6, 7], [3, 5, 9, 10], [0, 4, 8],
                [[3, 3, 3, 2]] * 3, [list(range(11))] * 3)
    return got, expected


class _MeanModel:
    def fit(self, X, Y):
        self.mean = Y.mean()


def _cross_validate_by_hand():
    """score_i = score(model trained on the other folds, on fold i), for the folds of kfold_indices(n, k, seed)."""
    X, Y = np.arange(10.0)[:, None], np.arange(10.0) ** 2

    def mse(model, X_val, Y_val):
        return float(np.mean((Y_val - model.mean) ** 2))
    got = model_selection.cross_validate(_MeanModel, X, Y, 3, score=mse, seed=4)
    return got, [np.mean((Y[va] - Y[tr].mean()) ** 2) for tr, va in model_selection.kfold_indices(10, 3, seed=4)]


# ---------------------------------------------------------------- approximation
X_LINE = np.linspace(-0.5, 1.5, 9)
CELLS = [0.2, -0.5, 1.0, 0.3]
X_UNIT = np.r_[np.linspace(0, 1, 9), rng.random(5)]


def _tent(x):
    return np.where(x <= 0.5, 2 * x, 2 - 2 * x)


def _towers_by_hand(x, y, N, w, W):
    def bump(t, i):
        return _sig(w * (t - i / N)) - _sig(w * (t - (i + 1) / N))
    out = np.empty((N, N, len(y), len(x)))
    for i, j, a, b in itertools.product(range(N), range(N), range(len(y)), range(len(x))):
        out[i, j, a, b] = _sig(W * (bump(x[b], i) + bump(y[a], j) - 1.5))
    return out


def _sawtooth_by_hand(k):
    net = approximation.sawtooth_network(k)
    A = X_UNIT[:, None]
    for W, b in net[:-1]:
        A = np.maximum(0, A @ W.T + b)
    out = A @ net[-1][0].T + net[-1][1]
    x = X_UNIT
    for _ in range(k):
        x = _tent(x)
    return (out[:, 0], sum(W.size + b.size for W, b in net)), (x, 6 * k + 1)


def _relu_forward_by_hand():
    g = np.random.default_rng(3)
    net = [(g.normal(size=(4, 3)), g.normal(size=4)), (g.normal(size=(2, 4)), g.normal(size=2))]
    net1 = [(g.normal(size=(3, 1)), g.normal(size=3)), (g.normal(size=(1, 3)), g.normal(size=1))]
    X = g.normal(size=(5, 3))
    return ((approximation.relu_network_forward(net, X), approximation.relu_network_forward(net1, X[:, 0])),
            (np.maximum(0, X @ net[0][0].T + net[0][1]) @ net[1][0].T + net[1][1],
             np.maximum(0, X[:, :1] @ net1[0][0].T + net1[0][1]) @ net1[1][0].T + net1[1][1]))


# ---------------------------------------------------------------- convolution
IMAGES = rng.normal(size=(2, 2, 5, 6))
FILTERS = rng.normal(size=(3, 2, 3, 2))
FILTER_B = rng.normal(size=3)


def _conv_loops(X, W, b, stride, padding):
    """out[i, o, p, q] = b[o] + Σ_c Σ_u Σ_v W[o, c, u, v] · Xp[i, c, p·s + u, q·s + v]."""
    (sh, sw), (ph, pw) = stride, padding
    Xp = np.pad(X, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    kh, kw = W.shape[2:]
    oh, ow = (Xp.shape[2] - kh) // sh + 1, (Xp.shape[3] - kw) // sw + 1
    out = np.empty((X.shape[0], W.shape[0], oh, ow))
    for i, o, p, q in itertools.product(range(X.shape[0]), range(W.shape[0]), range(oh), range(ow)):
        out[i, o, p, q] = b[o] + sum(W[o, c, u, v] * Xp[i, c, p * sh + u, q * sw + v]
                                     for c in range(W.shape[1]) for u in range(kh) for v in range(kw))
    return out


def _conv_layer_vs_loops():
    """Conv2D's Notes: ∂C/∂W[o,c,u,v] = Σ G[i,o,p,q] Xp[i,c,p·s+u,q·s+v], ∂C/∂b[o] = Σ G[i,o,p,q],
    and ∂C/∂X the gradient scattered back through the shared weights, padding cut off."""
    layer = convolution.Conv2D(2, 3, (3, 2), stride=(2, 1), padding=(1, 0), seed=0)
    layer.params["b"][...] = FILTER_B
    out = layer.forward(IMAGES)
    G = np.random.default_rng(9).normal(size=out.shape)
    dX = layer.backward(G)
    W, (sh, sw), (ph, pw) = layer.params["W"], (2, 1), (1, 0)
    Xp = np.pad(IMAGES, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    dW, dXp = np.zeros_like(W), np.zeros_like(Xp)
    for i, o, p, q, c, u, v in itertools.product(*map(range, G.shape), *map(range, W.shape[1:])):
        dW[o, c, u, v] += G[i, o, p, q] * Xp[i, c, p * sh + u, q * sw + v]
        dXp[i, c, p * sh + u, q * sw + v] += G[i, o, p, q] * W[o, c, u, v]
    return ((out, layer.grads["W"], layer.grads["b"], dX),
            (_conv_loops(IMAGES, W, FILTER_B, (sh, sw), (ph, pw)), dW, G.sum(axis=(0, 2, 3)), dXp[:, :, ph:-ph, :]))


def _maxpool_vs_loops():
    """out = max over each size × size window (trailing rows/cols dropped); backward to the FIRST max."""
    X = np.random.default_rng(5).integers(0, 3, size=(2, 2, 5, 7)).astype(float)  # many ties
    layer = convolution.MaxPool2D(2)
    out = layer.forward(X)
    G = np.random.default_rng(6).normal(size=out.shape)
    dX = layer.backward(G)
    expected_out, expected_dX = np.empty((2, 2, 2, 3)), np.zeros_like(X)
    for i, c, p, q in itertools.product(range(2), range(2), range(2), range(3)):
        window = [(p * 2 + u, q * 2 + v) for u in range(2) for v in range(2)]  # row-major order
        values = [X[i, c, r, s] for r, s in window]
        expected_out[i, c, p, q] = max(values)
        expected_dX[(i, c) + window[values.index(max(values))]] = G[i, c, p, q]
    return (out, dX), (expected_out, expected_dX)


def _flatten_vs_loops():
    """Column (ch·h + r)·w + col of row i holds X[i, ch, r, col]; backward puts it back."""
    X = IMAGES[:, :, :3, :4]
    layer = convolution.Flatten()
    out = layer.forward(X)
    G = np.random.default_rng(7).normal(size=out.shape)
    expected_out, expected_dX = np.empty((2, 24)), np.empty_like(X)
    for i, ch, r, col in itertools.product(range(2), range(2), range(3), range(4)):
        expected_out[i, (ch * 3 + r) * 4 + col] = X[i, ch, r, col]
        expected_dX[i, ch, r, col] = G[i, (ch * 3 + r) * 4 + col]
    return (out, layer.backward(G)), (expected_out, expected_dX)


def _unflatten_vs_loops():
    """The inverse of Flatten: image[i, ch, r, col] = row i's column (ch·h + r)·w + col."""
    rows = IMAGES.reshape(2, -1)[:, :24] + 0.0
    layer = convolution.Unflatten((2, 3, 4))
    out = layer.forward(rows)
    G = np.random.default_rng(8).normal(size=out.shape)
    expected_out, expected_dX = np.empty((2, 2, 3, 4)), np.empty_like(rows)
    for i, ch, r, col in itertools.product(range(2), range(2), range(3), range(4)):
        expected_out[i, ch, r, col] = rows[i, (ch * 3 + r) * 4 + col]
        expected_dX[i, (ch * 3 + r) * 4 + col] = G[i, ch, r, col]
    return (out, layer.backward(G)), (expected_out, expected_dX)


# ---------------------------------------------------------------- pretraining
X_PIXELS = np.random.default_rng(11).random((5, 4))


def _with_random_biases(dense, seed):
    dense.params["b"][...] = np.random.default_rng(seed).normal(size=dense.params["b"].shape)
    return dense.params["W"], dense.params["b"]


def _autoencoder_by_hand():
    got, expected = [], []
    for loss, f in (("cross_entropy", np.tanh), ("quadratic", _sig)):
        ae = pretraining.Autoencoder(4, 3, activation="tanh" if f is np.tanh else "sigmoid", loss=loss, seed=0)
        (W1, b1), (W2, b2) = _with_random_biases(ae.encoder, 1), _with_random_biases(ae.decoder, 2)
        H = f(X_PIXELS @ W1.T + b1)
        if loss == "cross_entropy":
            Xh = _sig(H @ W2.T + b2)
            C = np.mean(np.sum(-(X_PIXELS * np.log(Xh) + (1 - X_PIXELS) * np.log(1 - Xh)), axis=1))
        else:
            Xh = H @ W2.T + b2
            C = np.mean(0.5 * np.sum((Xh - X_PIXELS) ** 2, axis=1))
        got += [ae.encode(X_PIXELS), ae.reconstruct(X_PIXELS), ae.reconstruction_error(X_PIXELS), W1.shape]
        expected += [H, Xh, C, (3, 4)]
    return tuple(got), tuple(expected)


def _softmax_rows(Z):
    e = np.exp(Z)
    return e / e.sum(axis=1, keepdims=True)


def _stacked_by_hand():
    """[Dense, f] × L (copies of the encoders), then a fresh Dense(n_L, n_out); outputs softmax."""
    aes = [pretraining.Autoencoder(4, 3, activation="tanh", seed=0),
           pretraining.Autoencoder(3, 2, activation="tanh", seed=1)]
    params = [_with_random_biases(ae.encoder, 3 + i) for i, ae in enumerate(aes)]
    net = pretraining.stack_encoders(aes, 3, seed=0)
    W_out, b_out = net.layers[-1].params["W"], net.layers[-1].params["b"]
    H = X_PIXELS
    for W, b in params:
        H = np.tanh(H @ W.T + b)
    got_out, before = net.forward(X_PIXELS), params[0][0].copy()
    net.layers[0].params["W"] += 1.0  # fine-tuning the copy leaves the autoencoder as it was
    return (got_out, W_out.shape, aes[0].encoder.params["W"]), (_softmax_rows(H @ W_out.T + b_out), (3, 2), before)


def _mlp_classifier_by_hand():
    """[Dense, f] × L, Dense, softmax — with the layers' own (random) weights."""
    net = pretraining.mlp_classifier(4, [3, 2], 3, activation="sigmoid", seed=0)
    dense = [layer for layer in net.layers if isinstance(layer, layers.Dense)]
    H = X_PIXELS
    for d in dense[:-1]:
        H = _sig(H @ d.params["W"].T + d.params["b"])
    Z_out = H @ dense[-1].params["W"].T + dense[-1].params["b"]
    return ((net.forward(X_PIXELS), [d.params["W"].shape for d in dense]),
            (_softmax_rows(Z_out), [(3, 4), (2, 3), (3, 2)]))


# ---------------------------------------------------------------- surfaces
POINTS = rng.normal(size=(3, 4, 2))


def _surface_vs_formula(surface, f, grad, minima):
    x, y = POINTS[..., 0], POINTS[..., 1]
    m = np.array(minima)
    return ((surface.f(POINTS), surface.grad(POINTS), surface.minima, surface.grad(m)),
            (f(x, y), np.stack(grad(x, y), axis=-1), m, np.zeros_like(m)))


def _wells_vs_formula():
    """f = ½q‖p‖² − Σ d_i e^{−‖p − c_i‖²/(2s_i²)}, ∇f = qp + Σ d_i e^{…}(p − c_i)/s_i²;
    minima: ‖∇f‖ < 1e-10, sorted by f."""
    c, d, s, q = np.array([[1.0, 0.0], [-1.0, 0.5]]), [1.5, 1.0], [0.5, 0.7], 0.1
    surface = surfaces.gaussian_wells(c, d, s, bowl=q)

    def f(p):
        return 0.5 * q * np.sum(p * p, axis=-1) - sum(
            d[i] * np.exp(-np.sum((p - c[i]) ** 2, axis=-1) / (2 * s[i] ** 2)) for i in range(2))

    def grad(p):
        return q * p + sum(d[i] * np.exp(-np.sum((p - c[i]) ** 2, axis=-1) / (2 * s[i] ** 2))[..., None]
                           * (p - c[i]) / s[i] ** 2 for i in range(2))
    m = surface.minima
    return ((surface.f(POINTS), surface.grad(POINTS), bool(np.all(np.linalg.norm(grad(m), axis=1) < 1e-10)),
             bool(np.all(np.diff(f(m)) > 0)), len(m)),
            (f(POINTS), grad(POINTS), True, True, 2))


def _descend_vs_closed_form():
    """SGD on ½(x² + 4y²): path[k] = x0 · (1 − η[1, 4])^k; rows from leaving the ball ‖p‖ ≤ max_norm on are NaN."""
    x0 = np.array([1.0, 1.0])
    path = surfaces.descend(lambda p: p * [1.0, 4.0], x0, SGD(0.1), steps=6)
    k = np.arange(7)[:, None]
    blown = surfaces.descend(lambda p: p * [1.0, 4.0], x0, SGD(0.6), steps=10, max_norm=10.0)
    expected_blown = x0 * np.r_[0.4, -1.4] ** np.arange(11)[:, None]
    first_out = int(np.argmax(np.linalg.norm(expected_blown, axis=1) > 10.0))
    expected_blown[first_out:] = np.nan
    return (path, blown), (x0 * np.r_[0.9, 0.6] ** k, expected_blown)


# ---------------------------------------------------------------- layers
X_ROWS = rng.normal(size=(5, 3))
D_OUT = rng.normal(size=(5, 3))


def _dense_by_hand():
    """Z = X Wᵀ + b; BP4 ∂C/∂W = Δᵀ X, BP3 ∂C/∂b = Σ_rows Δ, ∂C/∂X = Δ W."""
    layer = layers.Dense(3, 2, seed=0)
    W, b = _with_random_biases(layer, 1)
    out = layer.forward(X_ROWS)
    delta = D_OUT[:, :2]
    dX = layer.backward(delta)
    dW = np.array([[sum(delta[i, j] * X_ROWS[i, k] for i in range(5)) for k in range(3)] for j in range(2)])
    return ((out, layer.grads["W"], layer.grads["b"], dX),
            (X_ROWS @ W.T + b, dW, delta.sum(axis=0), delta @ W))


def _activation_layer(layer, f, f_prime):
    """A = σ(Z), ∂C/∂Z = ∂C/∂A ⊙ σ'(Z); Z includes an exact 0 (where ReLU's derivative is 0)."""
    Z0 = X_ROWS.copy()
    Z0[0, 0] = 0.0
    out = layer.forward(Z0)
    return (out, layer.backward(D_OUT)), (f(Z0), D_OUT * f_prime(Z0))


def _softmax_layer_by_hand():
    """a_j = e^{z_j}/Σ_k e^{z_k}; ∂C/∂z = J ∂C/∂a with J = diag(a) − a aᵀ, row by row."""
    layer = layers.Softmax()
    out = layer.forward(X_ROWS)
    A = _softmax_rows(X_ROWS)
    return (out, layer.backward(D_OUT)), (A, np.stack([(np.diag(a) - np.outer(a, a)) @ g for a, g in zip(A, D_OUT)]))


def _dropout_by_hand():
    """Training with keep-mask M: X ⊙ M/(1 − p_drop), backward dout ⊙ M/(1 − p_drop); evaluation: identity."""
    M = np.array([[1, 0, 1], [1, 1, 1], [0, 0, 1], [1, 0, 0], [1, 1, 0]], dtype=bool)
    layer = layers.Dropout(0.25, seed=0)
    out = layer.forward(X_ROWS, training=True, mask=M)
    dX = layer.backward(D_OUT)
    out_eval = layer.forward(X_ROWS, training=False)
    return (out, dX, out_eval, layer.backward(D_OUT)), (X_ROWS * M / 0.75, D_OUT * M / 0.75, X_ROWS, D_OUT)


def _batchnorm_by_hand():
    """BatchNorm's docstring, line by line: biased variance, running averages, the three-path backward."""
    layer = layers.BatchNorm(3, momentum=0.8, eps=1e-3)
    gamma, beta = np.r_[0.5, 2.0, -1.0], np.r_[0.1, 0.0, -0.3]
    layer.params["gamma"][...], layer.params["beta"][...] = gamma, beta
    out = layer.forward(X_ROWS, training=True)
    dX = layer.backward(D_OUT)
    grads = (layer.grads["gamma"].copy(), layer.grads["beta"].copy())
    running = (layer.running_mean.copy(), layer.running_var.copy())
    out_eval = layer.forward(X_ROWS[:2], training=False)
    dX_eval = layer.backward(D_OUT[:2])
    mu = X_ROWS.sum(axis=0) / 5
    var = ((X_ROWS - mu) ** 2).sum(axis=0) / 5
    std = np.sqrt(var + 1e-3)
    x_hat = (X_ROWS - mu) / std
    r_mean, r_var = 0.8 * 0 + 0.2 * mu, 0.8 * 1 + 0.2 * var
    expected_dX = gamma / std * (D_OUT - D_OUT.mean(axis=0) - x_hat * (D_OUT * x_hat).mean(axis=0))
    return ((out, dX, *grads, *running, out_eval, dX_eval),
            (gamma * x_hat + beta, expected_dX, (D_OUT * x_hat).sum(axis=0), D_OUT.sum(axis=0), r_mean, r_var,
             gamma * (X_ROWS[:2] - r_mean) / np.sqrt(r_var + 1e-3) + beta, D_OUT[:2] * gamma / np.sqrt(r_var + 1e-3)))


Y_SOFT = rng.random(size=Z.shape)  # targets in [0, 1], not only one-hot


def _loss_layer(loss, inp, Y, output, C, grad):
    """forward(input, Y) → C (batch mean), backward() → ∂C/∂input, output(input) → the network's output."""
    cost = loss.forward(inp, Y)
    return (cost, loss.backward(), loss.output(inp)), (C, grad, output(inp))


# ---------------------------------------------------------------- classic networks
BLOBS = np.concatenate([np.random.default_rng(12).normal(m, 0.3, size=(10, 2)) for m in ([0, 0], [3, 0], [0, 3])])


def _kmeans_fixed_point():
    """label_i = argmin_j ‖x_i − c_j‖² and c_j = mean{x_i : label_i = j} hold together at the end."""
    C, labels = rbf.kmeans(BLOBS, 3, seed=1)
    nearest = [min(range(3), key=lambda j: np.sum((x - C[j]) ** 2)) for x in BLOBS]
    return (labels, C), (nearest, [BLOBS[labels == j].mean(axis=0) for j in range(3)])


def _rbf_network_by_hand():
    """ŷ = Σ_j w_j φ_j(x) + w_0 with σ the mean nearest-centre distance, W the least-squares solution."""
    Y = np.sin(BLOBS[:, 0]) + BLOBS[:, 1]
    net = rbf.RBFNetwork(4, seed=0).fit(BLOBS, Y)
    C, W = net.centers_, net.W_
    sigma = np.mean([min(math.dist(a, b) for j, b in enumerate(C) if j != i) for i, a in enumerate(C)])
    Phi = np.array([[math.exp(-np.sum((x - c) ** 2) / (2 * sigma ** 2)) for c in C] for x in BLOBS])
    A = np.column_stack([Phi, np.ones(len(BLOBS))])
    normal_eq = np.linalg.norm(A.T @ (A @ W[:, 0] - Y)) < 1e-9 * np.linalg.norm(A.T @ Y)  # Aᵀ(AW − Y) = 0
    return (net.width_, net.predict(BLOBS), W.shape, True), (sigma, Phi @ W[:4, 0] + W[4, 0], (5, 1), normal_eq)


ART_X = np.array([1, 1, 0, 1, 0, 1], dtype=np.int8)
ART_W = np.array([[1, 0, 0, 1, 0, 0], [1, 1, 0, 1, 1, 1], [0, 0, 1, 0, 1, 0], [1, 1, 0, 0, 0, 1]], dtype=np.int8)


def _art1_search(x, P, rho, alpha, learn=True):
    """The module's steps 1–5: categories by decreasing T_j (lowest index on ties), reset until |x ∧ w|/|x| ≥ ρ."""
    T = [np.minimum(x, w).sum() / (alpha + w.sum()) for w in P]
    for j in sorted(range(len(P)), key=lambda j: (-T[j], j)):
        if np.minimum(x, P[j]).sum() / x.sum() >= rho:
            if not learn:
                return j, P
            new = P.copy()
            new[j] = np.minimum(x, P[j])
            return j, new
    return (-1, P) if not learn else (len(P), np.vstack([P, x]))


def _art1_present_vs_search():
    got, expected = [], []
    for rho, learn, P in itertools.product((0.0, 0.5, 0.75, 1.0), (True, False), (ART_W, ART_W[2:], ART_W[:0])):
        got.append(_category_and_prototypes(*art.art1_present(ART_X, P, rho, 1e-3, learn)))
        expected.append(_category_and_prototypes(*_art1_search(ART_X, P, rho, 1e-3, learn)))
    return tuple(got), tuple(expected)


def _category_and_prototypes(category, P, *more):  # one flat array: category, shape of P, P, then the rest
    return np.r_[category, np.shape(P), np.ravel(P), np.ravel(more)]


def _art1_fit_vs_search():
    """fit: passes in row order (all-zero rows labelled −1) until a pass changes no prototype."""
    X = np.random.default_rng(13).integers(0, 2, size=(12, 6)).astype(np.int8)
    X[4] = 0
    got, expected = [], []
    for rho in (0.3, 0.6, 0.9):
        model = art.ART1(rho).fit(X)
        P, epochs = np.zeros((0, 6), dtype=np.int8), 0
        while True:
            before, labels, epochs = P.copy(), [], epochs + 1
            for x in X:
                j, P = _art1_search(x, P, rho, 1e-3) if x.any() else (-1, P)
                labels.append(j)
            if before.shape == P.shape and np.array_equal(before, P):
                break
        got.append(_category_and_prototypes(model.n_epochs_, model.prototypes_, model.labels_))
        expected.append(_category_and_prototypes(epochs, P, labels))
    return tuple(got), tuple(expected)


def _som_step_by_hand():
    """c = argmin_i ‖x − w_i‖ (lowest index on ties), h_i = exp(−‖r_i − r_c‖²/(2σ²)),
    w_i ← w_i + η h_i (x − w_i)."""
    g = np.random.default_rng(4)
    W, x = g.random((3, 4, 2)), g.random(2)
    units = list(itertools.product(range(3), range(4)))
    c = min(units, key=lambda rc: (np.sum((x - W[rc]) ** 2), rc))
    expected = W.copy()
    for rc in units:
        h = math.exp(-((rc[0] - c[0]) ** 2 + (rc[1] - c[1]) ** 2) / (2 * 1.5 ** 2))
        expected[rc] = W[rc] + 0.3 * h * (x - W[rc])
    return som.som_step(W, x, 0.3, 1.5), expected


def _som_by_hand():
    """fit replayed from the documented draws and update; bmu, errors and U-matrix by brute force."""
    X = np.random.default_rng(14).random((15, 2))
    model = som.SOM(3, 4, 2, seed=5, lr=0.4, lr_end=0.02, sigma=1.5, sigma_end=0.4).fit(X, epochs=2)
    g = np.random.default_rng(5)
    g.random((3, 4, 2))                                                   # the weights before fit
    W = X.min(0) + (X.max(0) - X.min(0)) * g.random((3, 4, 2))
    T, t, units = 2 * 15, 0, list(itertools.product(range(3), range(4)))
    for _ in range(2):
        for i in g.permutation(15):
            lr, sigma = 0.4 * (0.02 / 0.4) ** (t / T), 1.5 * (0.4 / 1.5) ** (t / T)
            c = min(units, key=lambda rc: np.sum((X[i] - W[rc]) ** 2))
            W = W + np.array([[lr * math.exp(-((r - c[0]) ** 2 + (q - c[1]) ** 2) / (2 * sigma ** 2)) for q in range(4)]
                              for r in range(3)])[..., None] * (X[i] - W)
            t += 1
    ranked = [sorted(units, key=lambda rc: np.sum((x - W[rc]) ** 2)) for x in X]
    qe = np.mean([math.dist(x, W[r[0]]) for x, r in zip(X, ranked)])
    te = np.mean([abs(r[0][0] - r[1][0]) + abs(r[0][1] - r[1][1]) != 1 for r in ranked])
    U = [[np.mean([math.dist(W[r, q], W[r + a, q + b]) for a, b in ((-1, 0), (1, 0), (0, -1), (0, 1))
                   if 0 <= r + a < 3 and 0 <= q + b < 4]) for q in range(4)] for r in range(3)]
    return ((model.weights, model.bmu(X), model.quantization_error(X), model.topographic_error(X), model.u_matrix(),
             model.qe_history_[-1]),
            (W, [r[0] for r in ranked], qe, te, U, qe))


def _covariances(V, E):  # C_o = Σ_p (V_p − V̄)(E_{p,o} − Ē_o) for one candidate column V (n,)
    return [sum((V[p] - V.mean()) * (E[p, o] - E[:, o].mean()) for p in range(len(V))) for o in range(E.shape[1])]


CAND_F = np.column_stack([rng.normal(size=(6, 2)), np.ones(6)])
CAND_W = rng.normal(size=(4, 3))
CAND_E = rng.normal(size=(6, 2))


def _correlation_scores_by_hand():
    V = np.tanh(CAND_F @ CAND_W.T)
    return ((cascade.correlation_score(V[:, 0], CAND_E), cascade.correlation_score(V, CAND_E)),
            (sum(map(abs, _covariances(V[:, 0], CAND_E))), [sum(map(abs, _covariances(V[:, c], CAND_E))) for c in range(4)]))


def _candidate_gradients_by_hand():
    """grad[c, i] = Σ_p [Σ_o s_co (E_po − Ē_o)] (1 − V_pc²) F_pi, s_co = sign(C_o) of candidate c."""
    V, Ec = np.tanh(CAND_F @ CAND_W.T), CAND_E - CAND_E.mean(axis=0)
    grad = np.zeros_like(CAND_W)
    for c in range(4):
        s = np.sign(_covariances(V[:, c], CAND_E))
        for i, p in itertools.product(range(3), range(6)):
            grad[c, i] += sum(s[o] * Ec[p, o] for o in range(2)) * (1 - V[p, c] ** 2) * CAND_F[p, i]
    S, G = cascade.candidate_scores_and_gradients(CAND_F, CAND_W, CAND_E)
    return (S, G), ([sum(map(abs, _covariances(V[:, c], CAND_E))) for c in range(4)], grad)


def _cascade_by_hand():
    """F = [X, 1, V^1, …] with V^h = tanh(F_{<h} w_h); outputs σ(F W_outᵀ);
    predict gives labels (a > 0.5 for one output); history_ ends with C = (1/n) Σ ½‖a − y‖² of the final outputs;
    fit stops by Fahlman's rule or at max_hidden."""
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    Y = np.array([[0.0], [1.0], [1.0], [0.0]])
    net = cascade.CascadeCorrelation(2, 1, max_hidden=2, output_steps=30, candidate_steps=20, seed=0).fit(X, Y)
    F = np.column_stack([X, np.ones(4)])
    for w in net.hidden_weights_:
        F = np.column_stack([F, np.tanh(F @ w)])
    A = _sig(F @ net.W_out_.T)
    stopped = np.abs(A - Y).max() < net.score_threshold or net.n_hidden_ == 2
    return ((net.features(X), net.forward(X), net.predict(X), net.history_[-1], [w.size for w in net.hidden_weights_],
             True),
            (F, A, (A[:, 0] > 0.5).astype(int), np.mean(0.5 * np.sum((A - Y) ** 2, axis=1)),
             [3 + h for h in range(net.n_hidden_)], stopped))


def _elman_by_hand():
    """h_0 = 0, h_t = tanh(x_t W_xhᵀ + h_{t−1} W_hhᵀ + b_h), ŷ_t = h_t W_hyᵀ + b_y, C and BPTT as in the module."""
    g = np.random.default_rng(15)
    net = elman.Elman(2, 3, 2, seed=0)
    bound = [bool(np.all(np.abs(net.params[k]) <= 1 / math.sqrt(3))) for k in ("W_xh", "W_hh", "W_hy")]
    net.params["b_h"], net.params["b_y"] = g.normal(size=3), g.normal(size=2)
    p = net.params
    X, Y = g.normal(size=(2, 4, 2)), g.normal(size=(2, 4, 2))
    n, T = 2, 4
    H, Zs = [np.zeros((n, 3))], []
    for t in range(T):
        Zs.append(X[:, t] @ p["W_xh"].T + H[-1] @ p["W_hh"].T + p["b_h"])
        H.append(np.tanh(Zs[-1]))
    out = np.stack([h @ p["W_hy"].T + p["b_y"] for h in H[1:]], axis=1)
    C = sum(0.5 * np.sum((out[x, t] - Y[x, t]) ** 2) for x in range(n) for t in range(T)) / n
    G = [(out[:, t] - Y[:, t]) / n for t in range(T)]
    D, d_next = [None] * T, np.zeros((n, 3))
    for t in reversed(range(T)):
        D[t] = d_next = (G[t] @ p["W_hy"] + d_next @ p["W_hh"]) * (1 - np.tanh(Zs[t]) ** 2)
    expected_grads = (sum(D[t].T @ X[:, t] for t in range(T)), sum(D[t].T @ H[t] for t in range(T)),
                      sum(D[t].sum(axis=0) for t in range(T)), sum(G[t].T @ H[t + 1] for t in range(T)),
                      sum(G[t].sum(axis=0) for t in range(T)))
    grads = net.backprop(X, Y)
    got = (net.hidden_states(X), net.forward(X), net.loss(X, Y), *grads, bound)   # grads: a list in PARAM_NAMES order
    net.fit(X, Y, epochs=2, lr=0.1)  # restarts from the seed; history_: the cost at the start of each epoch
    C0 = elman.Elman(2, 3, 2, seed=0).loss(X, Y)
    return (*got, net.history_[0]), (np.stack(H[1:], axis=1), out, C, *expected_grads, [True] * 3, C0)


def _rbm_by_hand():
    """Energy, free energy as −log Σ_h e^{−E}, conditionals, Gibbs draws in the documented order, CD-k, exact L."""
    model = rbm.RBM(3, 2, seed=0)
    g = np.random.default_rng(16)
    model.params["W"][...] = g.normal(size=(2, 3))
    model.params["b"][...], model.params["c"][...] = g.normal(size=3), g.normal(size=2)
    W, b, c = (model.params[k] for k in ("W", "b", "c"))
    Vs = np.array(list(itertools.product([0, 1], repeat=3)), float)   # every visible state, counting order
    Hs = np.array(list(itertools.product([0, 1], repeat=2)), float)   # every hidden state

    def energy(v, h):
        return -v @ b - h @ c - h @ W @ v

    def free(v):
        return -math.log(sum(math.exp(-energy(v, h)) for h in Hs))

    log_Z = math.log(sum(math.exp(-energy(v, h)) for v in Vs for h in Hs))
    p_v = np.array([math.exp(-free(v) - log_Z) for v in Vs])
    data = Vs[[1, 5, 6, 6]]

    def stats(V, weights):  # ⟨p(h|v) vᵀ⟩, ⟨v⟩, ⟨p(h|v)⟩
        PH = _sig(V @ W.T + c)
        return [sum(w * np.outer(ph, v) for w, ph, v in zip(weights, PH, V)), weights @ V, weights @ PH]

    def gibbs(V, k, gen):
        for _ in range(k):
            H = (gen.random((len(V), 2)) < _sig(V @ W.T + c)) * 1.0
            V = (gen.random((len(V), 3)) < _sig(H @ W + b)) * 1.0
        return V
    Vk = gibbs(data, 2, np.random.default_rng(17))
    uniform = np.full(4, 0.25)
    cd = [neg - pos for neg, pos in zip(stats(Vk, uniform), stats(data, uniform))]
    exact = [neg - pos for neg, pos in zip(stats(Vs, p_v), stats(data, uniform))]
    g_sample = np.random.default_rng(18)
    samples = gibbs((g_sample.random((5, 3)) < 0.5) * 1.0, 3, g_sample)
    cd_got = model.cd_gradients(data, k=2, rng=np.random.default_rng(17))
    exact_got = model.exact_gradients(data)
    HH = Hs[[0, 3, 1, 2]]
    got = (model.energy(data, HH), model.free_energy(Vs), model.hidden_probs(Vs), model.visible_probs(Hs),
           model.gibbs(data, 2, rng=np.random.default_rng(17)), *(cd_got[k] for k in "Wbc"), model.log_partition(),
           model.exact_log_likelihood(data), *(exact_got[k] for k in "Wbc"),
           model.sample(5, steps=3, rng=np.random.default_rng(18)))
    expected = ([energy(v, h) for v, h in zip(data, HH)], [free(v) for v in Vs], _sig(Vs @ W.T + c), _sig(Hs @ W + b),
                Vk, *cd, log_Z, np.mean([-free(v) for v in data]) - log_Z, *exact, samples)
    return got, expected


def _rbm_reconstruction_error():
    """history_: after each epoch, the mean over rows of ‖v − σ(σ(v Wᵀ + c) W + b)‖²."""
    V = np.array(list(itertools.product([0, 1], repeat=3)), float)
    model = rbm.RBM(3, 2, seed=0).fit(V, epochs=2, lr=0.5, batch_size=4)
    W, b, c = (model.params[k] for k in ("W", "b", "c"))
    return model.history_[-1], np.mean(np.sum((V - _sig(_sig(V @ W.T + c) @ W + b)) ** 2, axis=1))


def _rbm_checks():
    (got, expected), (history, by_hand) = _rbm_by_hand(), _rbm_reconstruction_error()
    return got + (history,), expected + (by_hand,)


def public_callables():
    for m in MODULES:
        mod = importlib.import_module("companion." + m)
        for name in mod.__all__:
            if callable(getattr(mod, name)):
                yield f"{m}.{name}", getattr(mod, name)


def companion_modules():
    """Public module names under companion/ and companion/classic/, as MODULES spells them."""
    import companion
    import companion.classic
    for prefix, package in (("", companion), ("classic.", companion.classic)):
        for info in pkgutil.iter_modules(package.__path__):
            if not info.name.startswith("_"):
                yield prefix + info.name


def has_doctest(obj) -> bool:
    return any(t.examples for t in doctest.DocTestFinder(recurse=False).find(obj))


def test_every_public_function_states_a_checked_formula():
    unchecked = [name for name, obj in public_callables()
                 if name not in FORMULAS and name not in NO_FORMULA and not has_doctest(obj)]
    assert not unchecked, (f"public functions without a doctest example or a FORMULAS entry in "
                           f"{__file__}: {unchecked}")
    public = {name for name, _ in public_callables()}
    stale = sorted((set(FORMULAS) | set(NO_FORMULA)) - public)
    assert not stale, f"FORMULAS or NO_FORMULA name functions that are no longer public: {stale}"
    both = sorted(set(FORMULAS) & set(NO_FORMULA))
    assert not both, f"checked in FORMULAS yet excused in NO_FORMULA: {both}"


def test_every_module_is_checked_or_says_why_not():
    modules = set(companion_modules())
    unlisted = sorted(modules - set(MODULES) - set(NOT_MATH))
    assert not unlisted, f"add these modules to MODULES (or to NOT_MATH with the reason) in {__file__}: {unlisted}"
    stale = sorted((set(MODULES) | set(NOT_MATH)) - modules)
    assert not stale, f"MODULES or NOT_MATH name modules that no longer exist: {stale}"


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_docstring_formula(name):
    got, expected = FORMULAS[name]()
    if isinstance(got, tuple):
        assert len(got) == len(expected), f"{name}: {len(got)} results against {len(expected)} expected values"
        for g, e in zip(got, expected):
            np.testing.assert_allclose(g, e, rtol=1e-12 if "init" not in name else 0.05, atol=1e-15)
    else:
        np.testing.assert_allclose(got, expected, rtol=1e-12 if "init" not in name else 0.05, atol=1e-15)


@pytest.mark.parametrize("m", MODULES)
def test_doctest_examples_in_docstrings(m):
    mod = importlib.import_module("companion." + m)
    result = doctest.testmod(mod, extraglobs={"np": np}, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"companion.{m} has no doctest example: this test would check nothing"
    assert result.failed == 0, f"{result.failed} doctest example(s) failed in companion.{m}"
