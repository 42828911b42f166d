"""Tests for companion.approximation.

Oracles: the identity 1 − σ(u) = σ(−u) (distance of a neuron from a step), the ideal box of a
bump, the telescoping sum of N separate bumps, the error bound ω_f(1/N)(1 + steepness) checked
on random Lipschitz functions (hypothesis), minimality of bumps_needed, and the tent map
composed by hand against the deep ReLU network.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.approximation import (
    bump,
    bumps_needed,
    relu_network_forward,
    sawtooth_network,
    staircase,
    steepness_factor,
    step,
    tent_power,
)

X = np.linspace(0, 1, 1001)


def test_step_distance_from_the_unit_step():
    for w in (5.0, 50.0, 1e5):
        gap = np.abs(step(X, 0.3, w) - (X > 0.3))
        e = np.exp(-w * np.abs(X - 0.3))
        expected = e / (1.0 + e)                                      # σ(−w|x − s|)
        np.testing.assert_allclose(gap, expected, rtol=1e-9, atol=1e-15)
    assert step(np.array([0.3]), 0.3, 7.0, h=2.0)[0] == 1.0            # half height at s


def test_step_is_stable_and_keeps_shape():
    with np.errstate(all="raise"):
        out = step(np.zeros((2, 3)), 0.5, 1e300)
    assert out.shape == (2, 3) and np.all(out == 0.0)


def test_bump_is_close_to_its_box():
    w, h = 200.0, -1.3
    box = h * ((X > 0.2) & (X < 0.7))
    bound = abs(h) * (np.exp(-w * np.abs(X - 0.2)) + np.exp(-w * np.abs(X - 0.7)))
    assert np.all(np.abs(bump(X, 0.2, 0.7, h, w) - box) <= bound + 1e-15)


def test_staircase_equals_its_bumps_and_telescopes():
    rng = np.random.default_rng(0)
    values = rng.normal(size=7)
    edges = np.arange(8) / 7
    edges[0], edges[-1] = -50.0, 51.0
    as_bumps = sum(bump(X, edges[i], edges[i + 1], values[i], 60.0) for i in range(7))
    np.testing.assert_allclose(staircase(X, values, 60.0), as_bumps, atol=1e-12)
    np.testing.assert_allclose(staircase(X, [2.5], 10.0), 2.5)       # N = 1: a constant


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 60), st.floats(0.5, 20.0), st.lists(st.floats(-1, 1), min_size=4, max_size=4),
       st.floats(2.0, 40.0))
def test_error_bound_holds_for_lipschitz_functions(N, L, phases, kappa):
    # f(x) = Σ a_j sin(b_j x + φ_j) scaled so its Lipschitz constant is at most L
    b = np.array([1.0, 3.0, 7.0, 13.0])
    f = lambda t: (L / b.sum()) * np.sum(np.sin(np.multiply.outer(t, b) + np.array(phases)), axis=-1)
    c = (np.arange(N) + 0.5) / N
    err = np.max(np.abs(staircase(X, f(c), kappa * N) - f(X)))
    assert err <= (L / N) * (1 + steepness_factor(kappa)) + 1e-12


@pytest.mark.parametrize("L, eps, kappa", [(1.0, 0.1, 20.0), (2 * math.pi, 0.01, 10.0), (3.0, 0.07, 4.0)])
def test_bumps_needed_is_the_smallest_guaranteed_n(L, eps, kappa):
    N = bumps_needed(L, eps, kappa)
    bound = lambda n: (L / n) * (1 + steepness_factor(kappa))
    assert bound(N) <= eps and (N == 1 or bound(N - 1) > eps)


def test_steepness_factor_closed_form_and_errors():
    assert steepness_factor(2.0) == pytest.approx(2 * math.exp(-1) / (1 - math.exp(-2)))
    with pytest.raises(ValueError, match="kappa must be a finite number > 0"):
        steepness_factor(0.0)
    with pytest.raises(ValueError, match="eps must be a finite number > 0"):
        bumps_needed(1.0, 0.0, 10.0)


@pytest.mark.parametrize("k", [1, 2, 3, 6, 10])
def test_deep_sawtooth_is_exact_with_6k_plus_1_parameters(k):
    layers = sawtooth_network(k)
    assert sum(W.size + b.size for W, b in layers) == 6 * k + 1
    by_hand = X.copy()
    for _ in range(k):
        by_hand = np.where(by_hand <= 0.5, 2 * by_hand, 2 - 2 * by_hand)
    np.testing.assert_allclose(relu_network_forward(layers, X)[:, 0], by_hand, atol=1e-9)
    np.testing.assert_allclose(tent_power(X, k), by_hand, atol=1e-12)


def test_sawtooth_network_rejects_bad_k():
    with pytest.raises(ValueError, match="k must be a positive int"):
        sawtooth_network(0)
    with pytest.raises(TypeError, match="k must be a positive int"):
        sawtooth_network(2.0)


def test_towers_sit_on_their_cells():
    from companion.approximation import towers

    g = (np.arange(80) + 0.5) / 80
    T = towers(g, g, 4, w=400.0)
    assert T.shape == (4, 4, 80, 80)
    cell = (g > 0.27) & (g < 0.48)                              # inside cell 1 of 4, away from edges
    other = (g > 0.77) & (g < 0.98)                             # inside cell 3
    assert T[1, 2][np.ix_((g > 0.52) & (g < 0.73), cell)].min() > 0.99    # rows are y (cell 2), columns x (cell 1)
    assert T[1, 2][np.ix_(other, cell)].max() < 0.01            # the arm of the cross is cut away
    assert T[1, 2][np.ix_(other, other)].max() < 0.01
