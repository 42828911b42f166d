"""Tests for companion.regularization.

Oracles: hand-computed penalties, central finite differences for every gradient, the closed-form
weight-decay step, Nielsen's λ/(2n) form, and the Deep Learning Specialization's published cost
and gradients with L2 (tests/data/reference_optimizers.json).
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from reference_vectors import decode, load

from companion.optimizers import SGD
from companion.regularization import (
    EarlyStopping,
    l1_gradient,
    l1_penalty,
    l2_gradient,
    l2_penalty,
    tradeoff_error,
    tradeoff_gradient,
)

W1 = np.array([[1.0, 2.0], [3.0, -4.0]])  # Σw² = 30, Σ|w| = 10
W2 = np.array([[-1.0]])                    # Σw² = 1,  Σ|w| = 1


def central_difference(f, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """∂f/∂x by (f(x + h e_i) − f(x − h e_i)) / 2h, coordinate by coordinate (float64)."""
    x = x.astype(np.float64).copy()
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        up = f(x)
        x[i] = old - h
        down = f(x)
        x[i] = old
        grad[i] = (up - down) / (2 * h)
    return grad


def ref(name: str) -> dict:
    return decode(load("reference_optimizers.json")[name])


# ---------------------------------------------------------------- penalties


def test_penalties_by_hand():
    assert l2_penalty([W1, W2], 0.1) == pytest.approx(0.05 * 31)  # (0.1/2)(30 + 1)
    assert l1_penalty([W1, W2], 0.1) == pytest.approx(0.1 * 11)   # 0.1 (10 + 1)
    assert l2_penalty([W1], 0.0) == 0.0 and l1_penalty((W1,), 0.0) == 0.0
    assert l2_penalty([], 1.0) == 0.0
    np.testing.assert_array_equal(l2_gradient(W1, 0.5), [[0.5, 1.0], [1.5, -2.0]])
    np.testing.assert_array_equal(l1_gradient(np.array([-2.0, 0.0, 3.0]), 0.5), [-0.5, 0.0, 0.5])


@settings(max_examples=30, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=2, max_side=4),
                  elements=st.floats(-3, 3)),
       st.floats(0.0, 2.0))
def test_l2_gradient_matches_finite_differences(W, lam):
    numeric = central_difference(lambda w: l2_penalty([w, W2], lam), W)
    np.testing.assert_allclose(l2_gradient(W, lam), numeric, rtol=1e-6, atol=1e-7)


@settings(max_examples=30, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=2, max_side=4),
                  elements=st.floats(-3, 3).filter(lambda x: abs(x) > 1e-3)),
       st.floats(0.0, 2.0))
def test_l1_gradient_matches_finite_differences_away_from_zero(W, lam):
    numeric = central_difference(lambda w: l1_penalty([w], lam), W)
    np.testing.assert_allclose(l1_gradient(W, lam), numeric, rtol=1e-6, atol=1e-7)


def test_gradients_keep_float32_and_inputs_unchanged():
    W = np.array([[1.0, -2.0]], dtype=np.float32)
    before = W.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for g in (l2_gradient(W, 0.1), l1_gradient(W, 0.1), tradeoff_gradient(np.ones((1, 2)), W, 0.5)):
            assert g.dtype == np.float32
        l2_penalty([W * 1000], 1.0)
    np.testing.assert_array_equal(W, before)


def test_l2_sgd_step_is_weight_decay():
    # W − η(g + λW) = (1 − ηλ)W − ηg: shrink first, then follow the data gradient
    eta, lam = 0.1, 0.3
    g = np.array([[0.5, -1.0], [2.0, 0.0]])
    W = W1.copy()
    SGD(eta).step([W], [g + l2_gradient(W, lam)])
    np.testing.assert_allclose(W, (1 - eta * lam) * W1 - eta * g, rtol=1e-15)


def test_lam_is_nielsens_lambda_over_n():
    # Nielsen: C = C0 + λ/(2n) Σw², with n the training-set size
    lam_nielsen, n, C0 = 5.0, 1000, 0.25
    nielsen = C0 + lam_nielsen / (2 * n) * (30.0 + 1.0)
    assert C0 + l2_penalty([W1, W2], lam_nielsen / n) == pytest.approx(nielsen, rel=1e-15)


def test_dls_compute_cost_with_regularization():
    # DLS: J = cross-entropy (mean over m columns) + λ/(2m) Σ‖W‖²  → our l2_penalty with lam = λ/m
    r = ref("dls.c2w1.compute_cost_with_regularization")
    i = r["inputs"]
    A3, Y, lambd = i["A3"], i["Y"], i["lambd"]
    m = Y.shape[1]
    cross_entropy = -np.sum(Y * np.log(A3) + (1 - Y) * np.log(1 - A3)) / m
    weights = [i["parameters"][k] for k in ("W1", "W2", "W3")]  # biases are not penalized
    cost = cross_entropy + l2_penalty(weights, lambd / m)
    assert abs(cost - r["expected"]["cost"]) < r["tolerance"]["atol"]


def test_dls_backward_propagation_with_regularization():
    # DLS (columns are examples): dW_l = dZ_l A_{l−1}ᵀ/m + (λ/m) W_l → data term + l2_gradient(W_l, λ/m)
    r = ref("dls.c2w1.backward_propagation_with_regularization")
    i = r["inputs"]
    X, Y, lambd = i["X"], i["Y"], i["lambd"]
    Z1, A1, Wa, b1, Z2, A2, Wb, b2, Z3, A3, Wc, b3 = i["cache"]
    m = X.shape[1]
    dZ3 = A3 - Y
    dZ2 = (Wc.T @ dZ3) * (A2 > 0)
    dZ1 = (Wb.T @ dZ2) * (A1 > 0)
    atol = r["tolerance"]["atol"]
    for dZ, A_prev, W, key in ((dZ3, A2, Wc, "dW3"), (dZ2, A1, Wb, "dW2"), (dZ1, X, Wa, "dW1")):
        dW = dZ @ A_prev.T / m + l2_gradient(W, lambd / m)
        np.testing.assert_allclose(dW, r["expected"][key], rtol=0, atol=atol)


# ---------------------------------------------------------------- trade-off form


def test_tradeoff_error_by_hand_and_as_l2():
    # 0.25·0.8 + 0.75·(30 + 1) = 0.2 + 23.25
    assert tradeoff_error(0.8, [W1, W2], 0.25) == pytest.approx(23.45)
    assert tradeoff_error(0.8, [W1, W2], 1.0) == pytest.approx(0.8)  # lam = 1: error only
    # E/lam = mean error + l2_penalty(weights, 2(1 − lam)/lam): the same minimizer
    lam = 0.4
    assert tradeoff_error(0.8, [W1, W2], lam) / lam == pytest.approx(0.8 + l2_penalty([W1, W2], 2 * (1 - lam) / lam))


def test_tradeoff_gradient_matches_finite_differences():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))

    def mean_error(W):  # a mean squared error of a linear map, E_k = ½‖W x_k − y_k‖²
        return 0.5 * np.mean(np.sum((X @ W.T - y) ** 2, axis=1))

    W, lam = rng.normal(size=(2, 3)), 0.3
    error_grad = central_difference(mean_error, W)
    total = central_difference(lambda w: tradeoff_error(mean_error(w), [w], lam), W)
    np.testing.assert_allclose(tradeoff_gradient(error_grad, W, lam), total, rtol=1e-6, atol=1e-7)


# ---------------------------------------------------------------- early stopping


def test_early_stopping_stops_after_patience_and_restores_best():
    stopper = EarlyStopping(patience=3)
    w = np.zeros(2)
    params = [w]
    losses = [1.0, 0.8, 0.85, 0.9, 0.95, 0.7]
    decisions = []
    for epoch, loss in enumerate(losses[:5]):
        w[:] = epoch  # the parameters "after epoch"
        decisions.append(stopper.update(loss, params))
    assert decisions == [False, False, False, False, True]
    assert stopper.best_epoch == 1 and stopper.best_loss == 0.8
    assert stopper.epochs_seen == 5 and stopper.wait == 3 and stopper.stopped
    stopper.restore(params)
    assert params[0] is w  # in place
    np.testing.assert_array_equal(w, [1.0, 1.0])


def test_best_copy_is_independent_of_later_changes():
    stopper = EarlyStopping(patience=2)
    w = np.ones(3)
    stopper.update(0.5, [w])
    w *= 7.0
    stopper.restore([w])
    np.testing.assert_array_equal(w, np.ones(3))


def test_min_delta_and_improvement_resets_wait():
    stopper = EarlyStopping(patience=2, min_delta=0.05, restore_best=False)
    assert stopper.update(1.0) is False
    assert stopper.update(0.97) is False   # 0.97 is not below 1.0 − 0.05
    assert stopper.best_loss == 1.0 and stopper.wait == 1
    assert stopper.update(0.9) is False    # improvement: wait back to 0
    assert stopper.best_epoch == 2 and stopper.wait == 0
    assert stopper.update(0.9) is False
    assert stopper.update(0.86) is True    # two epochs without a 0.05 improvement
    stopper.reset()
    assert stopper.best_loss == float("inf") and stopper.best_epoch is None and not stopper.stopped


@pytest.mark.parametrize("make, exc, msg", [
    (lambda: EarlyStopping(patience=0), ValueError,
     r"patience must be a positive int \(epochs without improvement\); got 0"),
    (lambda: EarlyStopping(patience=2.5), TypeError,
     r"patience must be a positive int \(epochs without improvement\); got float 2.5"),
    (lambda: EarlyStopping(patience=True), TypeError,
     r"patience must be a positive int \(epochs without improvement\); got bool True"),
    (lambda: EarlyStopping(min_delta=-0.1), ValueError, r"min_delta must be a finite number ≥ 0; got -0.1"),
    (lambda: EarlyStopping(restore_best="yes"), TypeError, r"restore_best must be True or False; got str"),
])
def test_early_stopping_argument_errors(make, exc, msg):
    with pytest.raises(exc, match=msg):
        make()


def test_early_stopping_usage_errors():
    stopper = EarlyStopping()
    with pytest.raises(ValueError, match=r"no best parameters to restore: update\(\) has not been called yet"):
        stopper.restore([np.ones(2)])
    with pytest.raises(ValueError, match=r"val_loss must be finite; got nan \(training diverged: lower the learning rate\)"):
        stopper.update(float("nan"), [np.ones(2)])
    with pytest.raises(TypeError, match=r"val_loss must be a number; got str"):
        stopper.update("0.5", [np.ones(2)])
    with pytest.raises(ValueError, match=r"params is required when restore_best=True \(pass model.parameters\(\)\)"):
        stopper.update(0.5)
    with pytest.raises(TypeError, match=r"params must be a list of arrays; got ndarray"):
        stopper.update(0.5, np.ones(2))
    with pytest.raises(TypeError, match=r"params\[1\] must be an ndarray; got list"):
        stopper.update(0.5, [np.ones(2), [1.0]])
    assert stopper.epochs_seen == 0 and stopper.best_epoch is None  # rejected calls change nothing
    stopper.update(0.5, [np.ones(2), np.ones(3)])
    with pytest.raises(ValueError, match=r"params must hold the 2 arrays seen by update\(\); got 1"):
        stopper.restore([np.ones(2)])
    with pytest.raises(ValueError, match=r"params\[1\] must have shape \(3,\) as in update\(\); got \(4,\)"):
        stopper.restore([np.ones(2), np.ones(4)])
    no_copies = EarlyStopping(restore_best=False)
    no_copies.update(0.5)
    with pytest.raises(ValueError, match=r"no best parameters to restore: restore_best=False keeps no copies"):
        no_copies.restore([np.ones(2)])


# ---------------------------------------------------------------- argument errors


@pytest.mark.parametrize("call, exc, msg", [
    (lambda: l2_penalty(W1, 0.1), TypeError,
     r"weights must be a list of weight arrays; got ndarray \(wrap a single matrix as \[W\]\)"),
    (lambda: l1_penalty({"W": W1}, 0.1), TypeError, r"weights must be a list of weight arrays; got dict"),
    (lambda: l2_penalty([W1, "w"], 0.1), TypeError,
     r"weights\[1\] must hold real numbers \(float32 or float64\); got dtype <U1"),
    (lambda: l2_penalty([W1], -0.1), ValueError, r"lam must be a finite number ≥ 0; got -0.1"),
    (lambda: l1_penalty([W1], float("nan")), ValueError, r"lam must be a finite number ≥ 0; got nan"),
    (lambda: l2_gradient(W1, -1), ValueError, r"lam must be a finite number ≥ 0; got -1"),
    (lambda: l1_gradient(W1, "0.1"), TypeError, r"lam must be a number; got str"),
    (lambda: l1_gradient(np.array(["a"]), 0.1), TypeError,
     r"W must hold real numbers \(float32 or float64\); got dtype <U1"),
    (lambda: tradeoff_error(0.5, [W1], 0.0), ValueError, r"lam must be in \(0.0, 1.0\]; got 0.0"),
    (lambda: tradeoff_error(0.5, [W1], 1.2), ValueError, r"lam must be in \(0.0, 1.0\]; got 1.2"),
    (lambda: tradeoff_error(-0.5, [W1], 0.5), ValueError, r"mean_error must be a finite number ≥ 0; got -0.5"),
    (lambda: tradeoff_gradient(np.ones(3), W1, 0.5), ValueError,
     r"error_grad and W must have the same shape; got error_grad \(3,\) and W \(2, 2\)"),
])
def test_argument_errors(call, exc, msg):
    with pytest.raises(exc, match=msg):
        call()


# ---------------------------------------------------------------- soft-thresholding
from companion.regularization import soft_threshold  # noqa: E402


@settings(max_examples=40, deadline=None)
@given(st.floats(-5, 5), st.floats(0, 3))
def test_soft_threshold_is_the_brute_force_minimizer(v, t):
    grid = np.linspace(-8, 8, 160_001)                          # spacing 1e-4
    brute = grid[np.argmin(0.5 * (grid - v) ** 2 + t * np.abs(grid))]
    assert abs(float(soft_threshold(np.array([v]), t)[0]) - brute) <= 1e-4


def test_soft_threshold_exact_zeros_dtype_and_errors():
    v = np.array([-2.0, -0.5, 0.0, 0.5, 0.7], dtype=np.float32)
    out = soft_threshold(v, 0.5)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [-1.5, 0.0, 0.0, 0.0, 0.2], rtol=1e-6)
    assert np.all(out[1:4] == 0.0)                               # exactly zero, not merely small
    assert v[0] == -2.0                                          # input untouched
    with pytest.raises(ValueError, match="t must be a finite number ≥ 0"):
        soft_threshold(v, -0.1)


def test_early_stopping_defaults_repr_and_a_plateau():
    stopper = EarlyStopping()
    assert stopper.stopped is False and stopper.wait == 0 and stopper.best_epoch is None
    assert repr(stopper) == "EarlyStopping(patience=5, min_delta=0.0, restore_best=True)"
    w = [np.zeros(1)]
    assert [EarlyStopping(restore_best=False).update(1.0) for _ in range(1)] == [False]
    plateau = EarlyStopping(patience=5, restore_best=False)
    # an equal loss is no improvement: the fifth repeat of the best loss stops training
    assert [plateau.update(1.0) for _ in range(6)] == [False] * 5 + [True]
    assert plateau.best_epoch == 0
    assert EarlyStopping(patience=1).update(2.0, w) is False


def test_regularization_messages_are_exact():
    checks = [
        (lambda: l2_penalty(W1, 0.1), TypeError,
         r"^weights must be a list of weight arrays; got ndarray \(wrap a single matrix as \[W\]\)$"),
        (lambda: l2_penalty("W", 0.1), TypeError, r"^weights must be a list of weight arrays; got str$"),
        (lambda: l2_gradient("W", 0.1), TypeError, r"^W must hold real numbers"),
        (lambda: l1_gradient("W", 0.1), TypeError, r"^W must hold real numbers"),
        (lambda: tradeoff_gradient("g", W1, 0.5), TypeError, r"^error_grad must hold real numbers"),
        (lambda: tradeoff_gradient(W1, "W", 0.5), TypeError, r"^W must hold real numbers"),
        (lambda: tradeoff_gradient(np.zeros((1, 2)), W1, 0.5), ValueError,
         r"^error_grad and W must have the same shape; got error_grad \(1, 2\) and W \(2, 2\)$"),
        (lambda: soft_threshold("v", 0.1), TypeError, r"^v must hold real numbers"),
        (lambda: EarlyStopping(restore_best=1), TypeError, r"^restore_best must be True or False; got int$"),
        (lambda: EarlyStopping().update("1", [W1]), TypeError, r"^val_loss must be a number; got str$"),
        (lambda: EarlyStopping().update(float("nan"), [W1]), ValueError,
         r"^val_loss must be finite; got nan \(training diverged: lower the learning rate\)$"),
        (lambda: EarlyStopping().update(1.0), ValueError,
         r"^params is required when restore_best=True \(pass model.parameters\(\)\)$"),
        (lambda: EarlyStopping().restore([W1]), ValueError,
         r"^no best parameters to restore: update\(\) has not been called yet$"),
        (lambda: EarlyStopping().update(1.0, W1), TypeError, r"^params must be a list of arrays; got ndarray$"),
        (lambda: EarlyStopping().update(1.0, [1.0]), TypeError, r"^params\[0\] must be an ndarray; got float$"),
    ]
    for make, exc, msg in checks:
        with pytest.raises(exc, match=msg):
            make()
    stopper = EarlyStopping()
    stopper.update(1.0, [W1.copy(), W2.copy()])
    with pytest.raises(ValueError, match=r"^params must hold the 2 arrays seen by update\(\); got 1$"):
        stopper.restore([W1.copy()])
    with pytest.raises(ValueError, match=r"^params\[1\] must have shape \(1, 1\) as in update\(\); got \(2,\)$"):
        stopper.restore([W1.copy(), np.zeros(2)])
