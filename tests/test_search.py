"""Tests for companion.search.

Oracles: the Metropolis rule's limits (T → 0 is greedy descent, T → ∞ accepts everything) and
its closed form exp(−ΔE/T); a greedy chain compared with an independent greedy loop written
here; the one-chain vectorized annealer compared with the scalar one; gradient descent on a
quadratic bowl against its closed-form iterates (1 − ηa)^k x0; the Wilson interval against
hand-computed values; the restarts formula 1 − (1 − p)^k against simulation.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.search import (
    SCHEDULES,
    anneal_chains,
    annealing_step,
    basin_labels,
    gradient_descent,
    metropolis_acceptance,
    random_restarts,
    simulated_annealing,
    success_rate,
    temperatures,
)
from companion.surfaces import gaussian_wells, quadratic_bowl

WELLS = gaussian_wells()


def double_well(x):
    """A 1-D tilted double well evaluated at x of shape (1,)."""
    x = float(np.asarray(x).reshape(-1)[0])
    return (x * x - 1.0) ** 2 + 0.3 * x


finite = st.floats(-1e6, 1e6, allow_nan=False)


# ---------------------------------------------------------------- Metropolis rule
@given(delta=finite, T=st.floats(1e-3, 1e3))
def test_metropolis_matches_its_closed_form(delta, T):
    expected = 1.0 if delta <= 0 else math.exp(-delta / T)
    assert metropolis_acceptance(delta, T) == pytest.approx(expected, rel=1e-12, abs=1e-300)


# |ΔE| of at least 1e-6: at T = 1e-300 an uphill step of 1e-310 would still have exp(−ΔE/T) ≈ 1
away_from_zero = st.one_of(st.just(0.0), st.floats(1e-6, 1e6), st.floats(-1e6, -1e-6))


@given(delta=away_from_zero)
def test_metropolis_at_zero_temperature_is_greedy(delta):
    assert metropolis_acceptance(delta, 0.0) == (1.0 if delta <= 0 else 0.0)
    assert metropolis_acceptance(delta, 1e-300) == (1.0 if delta <= 0 else 0.0)


def test_geometric_cooling_is_the_default():
    np.testing.assert_allclose(temperatures(2.0, 0.5, 4), [2.0, 1.0, 0.5, 0.25], rtol=1e-15)
    res = simulated_annealing(double_well, [0.5], T0=2.0, cooling=0.5, steps=4, step_size=0.1)
    np.testing.assert_allclose(res.temperatures, [2.0, 1.0, 0.5, 0.25], rtol=1e-15)


def test_zero_steps_return_the_start():
    # steps ≥ 0: no proposal at all, one evaluation of f
    assert temperatures(1.0, 0.9, 0).shape == (0,)
    res = simulated_annealing(double_well, [0.5], T0=1.0, cooling=0.9, steps=0, step_size=0.1)
    assert res.x.tolist() == [0.5] and res.cost == double_well([0.5]) and res.n_evals == 1
    assert res.trace.tolist() == [double_well([0.5])] and res.accepted.shape == (0,)
    np.testing.assert_array_equal(gradient_descent(WELLS.grad, [[0.3, 0.2]], lr=0.1, steps=0), [[0.3, 0.2]])


def test_metropolis_at_zero_temperature_rejects_small_uphill_moves():
    # the limit T → 0 of exp(−ΔE/T) is 0 for every ΔE > 0, however small (also below 1)
    p = metropolis_acceptance(np.array([1e-3, 0.5, 1.0, 2.0, 0.0, -0.5]), 0.0)
    assert p.tolist() == [0.0, 0.0, 0.0, 0.0, 1.0, 1.0]


@given(delta=st.floats(-1e6, 1e6))
def test_metropolis_at_huge_temperature_accepts_everything(delta):
    assert metropolis_acceptance(delta, 1e300) == 1.0


def test_metropolis_is_vectorized_and_silent_at_extremes():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = metropolis_acceptance(np.array([-np.inf, -1.0, 0.0, 1.0, 1e308, np.inf]), np.array([1e-320]))
    assert p.tolist() == [1.0, 1.0, 1.0, 0.0, 0.0, 0.0]


# ---------------------------------------------------------------- schedules
@pytest.mark.parametrize("schedule", SCHEDULES)
def test_schedules_start_at_T0_decrease_and_share_their_initial_slope(schedule):
    T = temperatures(2.0, 0.99, 200, schedule)
    assert T.shape == (200,) and T[0] == 2.0
    assert np.all(np.diff(T) <= 0) and np.all(T >= 0)
    # dT/dk at k = 0 is -(1 - alpha) T0 for all three (first differences, to O((1-alpha)^2))
    assert (T[1] - T[0]) == pytest.approx(-0.01 * 2.0, rel=0.02)


def test_schedules_closed_forms():
    k = np.arange(5)
    assert np.allclose(temperatures(1.0, 0.5, 5, "geometric"), 0.5**k)
    assert np.allclose(temperatures(1.0, 0.5, 5, "linear"), [1.0, 0.5, 0.0, 0.0, 0.0])
    assert np.allclose(temperatures(1.0, 0.5, 5, "logarithmic"), 1 / (1 + np.log(1 + 0.5 * k)))


# ---------------------------------------------------------------- annealing
@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), x0=st.floats(-2.0, 2.0))
def test_cold_annealing_is_greedy_descent(seed, x0):
    """T → 0: accept exactly the proposals that do not raise the cost (checked by replaying them)."""
    result = simulated_annealing(double_well, [x0], T0=1e-300, cooling=0.5, steps=60, step_size=0.2, seed=seed)
    rng = np.random.default_rng(seed)
    x, fx = np.array([x0]), double_well([x0])
    for k in range(60):
        proposal = x + 0.2 * rng.normal(size=1)
        rng.random()
        f_new = double_well(proposal)
        assert result.accepted[k] == (f_new <= fx)
        if f_new <= fx:
            x, fx = proposal, f_new
    assert np.all(np.diff(result.trace) <= 0)
    assert result.cost == fx == result.trace[-1] and np.array_equal(result.x, x)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_hot_annealing_accepts_every_move(seed):
    result = simulated_annealing(double_well, [0.5], T0=1e300, cooling=0.999, steps=50, step_size=0.5, seed=seed)
    assert result.accepted.all()
    rng = np.random.default_rng(seed)
    moves = []
    for _ in range(50):           # each step draws one normal per coordinate, then one uniform
        moves.append(0.5 * rng.normal(size=1)[0])
        rng.random()
    assert np.allclose(np.diff(result.path[:, 0]), moves)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), T0=st.floats(0.01, 10.0), cooling=st.floats(0.5, 0.999))
def test_a_fixed_seed_reproduces_the_result(seed, T0, cooling):
    kwargs = dict(T0=T0, cooling=cooling, steps=40, step_size=0.3)
    a = simulated_annealing(WELLS.f, [0.0, 0.0], seed=seed, **kwargs)
    b = simulated_annealing(WELLS.f, [0.0, 0.0], rng=np.random.default_rng(seed), **kwargs)
    assert np.array_equal(a.path, b.path) and a.cost == b.cost and np.array_equal(a.x, b.x)
    # the best point is the lowest of the trace and its cost is f there
    assert a.cost == a.trace.min() == pytest.approx(float(WELLS.f(a.x)))
    assert a.n_evals == 41 and a.path.shape == (41, 2) and a.accepted.shape == (40,)


def test_annealing_step_uses_the_rng_as_documented():
    rng = np.random.default_rng(7)
    x = np.array([0.3, -0.2])
    fx = float(WELLS.f(x))
    x_new, f_new, accepted = annealing_step(WELLS.f, x, fx, 0.5, 0.1, rng)
    ref = np.random.default_rng(7)
    proposal = x + 0.1 * ref.normal(size=2)
    u = ref.random()
    p = min(1.0, math.exp(-(float(WELLS.f(proposal)) - fx) / 0.5))
    assert accepted == (u < p)
    assert np.allclose(x_new, proposal if accepted else x) and x.tolist() == [0.3, -0.2]


@pytest.mark.parametrize("schedule", SCHEDULES)
def test_one_vectorized_chain_equals_the_scalar_annealer(schedule):
    kwargs = dict(T0=0.8, cooling=0.98, steps=150, step_size=0.4, schedule=schedule, seed=3)
    single = simulated_annealing(WELLS.f, [-2.0, 2.0], **kwargs)
    best_x, best_f, trace = anneal_chains(WELLS.f, [[-2.0, 2.0]], **kwargs)
    assert np.allclose(trace[:, 0], single.trace)
    assert np.allclose(best_x[0], single.x) and best_f[0] == pytest.approx(single.cost)


def test_slow_annealing_finds_the_global_well_more_often_than_a_quench():
    X0 = np.tile(WELLS.minima[-1], (400, 1))   # every chain starts in the shallowest minimum
    def found(cooling):
        best_x, _, _ = anneal_chains(WELLS.f, X0, T0=1.0, cooling=cooling, steps=400, step_size=0.3, seed=1)
        return np.mean(np.linalg.norm(best_x - WELLS.minimum, axis=1) < 0.3)
    assert found(0.995) > found(0.5) + 0.3


# ---------------------------------------------------------------- descent, restarts, basins
def test_gradient_descent_follows_the_closed_form_on_a_bowl():
    bowl = quadratic_bowl(2.0, 0.5)
    X0 = np.array([[1.0, -2.0], [0.3, 0.7]])
    out = gradient_descent(bowl.grad, X0, lr=0.1, steps=7)
    assert np.allclose(out, X0 * np.array([0.8, 0.95]) ** 7)
    assert X0.tolist() == [[1.0, -2.0], [0.3, 0.7]]


def test_basin_labels():
    minima = np.array([[0.0, 0.0], [1.0, 1.0]])
    pts = np.array([[[0.0, 1e-4], [1.0, 1.0]], [[0.5, 0.5], [0.99, 1.0]]])
    assert basin_labels(pts, minima, tol=0.02).tolist() == [[0, 1], [-1, 1]]


def test_restarts_keep_the_best_end_and_match_the_restarts_formula():
    box = dict(low=[-3.0, -3.0], high=[3.0, 3.0], steps=300, lr=0.05)
    one = random_restarts(WELLS.f, WELLS.grad, n_starts=4000, seed=0, **box)
    hit = basin_labels(one.ends, WELLS.minima, tol=1e-2) == 0
    p = hit.mean()
    assert 0.1 < p < 0.9
    assert one.cost == one.costs.min() == one.trace[-1] and np.all(np.diff(one.trace) <= 0)
    assert one.n_evals == 4000 * 301
    # k = 3 restarts, measured over disjoint groups of the same 4000 independent starts
    groups = hit[:3999].reshape(-1, 3).any(axis=1)
    expected = 1 - (1 - p) ** 3
    assert abs(groups.mean() - expected) < 4 * math.sqrt(expected * (1 - expected) / groups.size)


def test_success_rate_matches_hand_values():
    r = success_rate(np.array([True] * 30 + [False] * 70))
    assert r.p == 0.3 and r.se == pytest.approx(math.sqrt(0.3 * 0.7 / 100)) and r.n == 100
    assert (r.low, r.high) == pytest.approx((0.2189, 0.3958), abs=1e-4)   # Wilson interval
    zero = success_rate(np.zeros(50, dtype=bool))
    assert zero.p == 0 and zero.low == 0 and zero.high == pytest.approx(0.0714, abs=1e-4)
    assert str(r) == "0.300 ± 0.046 (95% CI 0.219–0.396, n = 100)"
    for n in (1, 10, 11, 14, 50):                  # all successes: the interval ends at 1 exactly, never 1 − ε
        assert success_rate(np.ones(n, dtype=bool)).high == 1.0
        assert success_rate(np.zeros(n, dtype=bool)).low == 0.0
    one = success_rate(np.array([True]))                                 # a single trial is a measurement too
    assert (one.p, one.se, one.low, one.high, one.n) == (1.0, 0.0, pytest.approx(1 / (1 + 1.959963984540054**2)), 1.0, 1)


def test_basin_labels_of_a_stack_and_at_exactly_tol():
    minima = np.array([[0.0, 0.0], [1.0, 1.0]])
    points = np.array([[[0.0, 0.0], [1.0, 1.0], [5.0, 5.0]]])          # shape (1, 3, 2)
    assert basin_labels(points, minima).tolist() == [[0, 1, -1]]
    assert basin_labels([[0.5, 0.0], [0.0, 0.5000001]], minima, tol=0.5).tolist() == [0, -1]   # "farther than tol"


# ---------------------------------------------------------------- errors
GOOD = dict(T0=1.0, cooling=0.9, steps=10, step_size=0.1)


@pytest.mark.parametrize("x0, message", [
    ([np.nan, 0.0], "x0 must be finite"),
    ([np.inf], "x0 must be finite"),
    ([[0.0, 0.0]], r"x0 must have shape \(d,\)"),
])
def test_bad_start_is_named(x0, message):
    with pytest.raises(ValueError, match=message):
        simulated_annealing(WELLS.f, x0, **GOOD)


@pytest.mark.parametrize("name, value, error", [
    ("T0", 0.0, ValueError), ("T0", -1.0, ValueError), ("T0", np.inf, ValueError), ("T0", "hot", TypeError),
    ("cooling", 0.0, ValueError), ("cooling", 1.0, ValueError), ("cooling", 1.5, ValueError),
    ("cooling", -0.2, ValueError), ("step_size", 0.0, ValueError), ("steps", -1, ValueError),
    ("steps", 2.5, TypeError),
])
def test_bad_hyper_parameters_are_named(name, value, error):
    with pytest.raises(error, match=name):
        simulated_annealing(WELLS.f, [0.0, 0.0], **{**GOOD, name: value})


def test_nan_cost_and_bad_cost_functions_are_named():
    with pytest.raises(ValueError, match="f returned NaN"):
        simulated_annealing(lambda x: np.nan, [0.0], **GOOD)
    nan_right = lambda x: np.nan if x[0] > 0.2 else float(x[0] ** 2)   # noqa: E731
    with pytest.raises(ValueError, match="f returned NaN"):
        simulated_annealing(nan_right, [0.0], T0=10.0, cooling=0.9, steps=200, step_size=0.5, seed=0)
    with pytest.raises(ValueError, match="f returned NaN"):
        anneal_chains(lambda X: np.full(len(X), np.nan), [[0.0]], **GOOD)
    with pytest.raises(TypeError, match="f must be a callable"):
        simulated_annealing(3.0, [0.0], **GOOD)
    with pytest.raises(TypeError, match="f must return one real number"):
        simulated_annealing(lambda x: np.ones(3), [0.0], **GOOD)
    with pytest.raises(ValueError, match="schedule"):
        simulated_annealing(WELLS.f, [0.0, 0.0], schedule="fast", **GOOD)
    with pytest.raises(TypeError, match="rng"):
        simulated_annealing(WELLS.f, [0.0, 0.0], rng=0, **GOOD)


def test_other_errors_are_named():
    with pytest.raises(ValueError, match="low and high"):
        random_restarts(WELLS.f, WELLS.grad, [1.0, 1.0], [0.0, 2.0], n_starts=3, steps=1, lr=0.1)
    with pytest.raises(ValueError, match="n_starts"):
        random_restarts(WELLS.f, WELLS.grad, [0.0, 0.0], [1.0, 1.0], n_starts=0, steps=1, lr=0.1)
    with pytest.raises(ValueError, match="lr"):
        gradient_descent(WELLS.grad, [0.0, 0.0], lr=-1.0, steps=3)
    with pytest.raises(ValueError, match="delta must not be NaN"):
        metropolis_acceptance(np.nan, 1.0)
    with pytest.raises(ValueError, match="T must be finite"):
        metropolis_acceptance(1.0, -1.0)
    with pytest.raises(ValueError, match="successes"):
        success_rate(np.array([1, 0]))


@pytest.mark.parametrize("call, error, message", [
    (lambda: metropolis_acceptance(np.nan, 1.0), ValueError,
     'delta must not be NaN (did the cost function return NaN?)'),
    (lambda: metropolis_acceptance(1.0, -1.0), ValueError,
     'T must be finite and ≥ 0; got -1.0'),
    (lambda: metropolis_acceptance("a", 1.0), TypeError,
     'delta must hold real numbers (float32 or float64); got dtype <U1'),
    (lambda: metropolis_acceptance(1.0, "a"), TypeError,
     'T must hold real numbers (float32 or float64); got dtype <U1'),
    (lambda: simulated_annealing(WELLS.f, [0.0, 0.0], **{**GOOD, "T0": 0.0}), ValueError,
     'T0 must be a finite number > 0; got 0.0'),
    (lambda: simulated_annealing(WELLS.f, [0.0, 0.0], **{**GOOD, "cooling": 1.0}), ValueError,
     'cooling must be in (0.0, 1.0); got 1.0'),
    (lambda: simulated_annealing(WELLS.f, [0.0, 0.0], **{**GOOD, "steps": -1}), ValueError,
     'steps must be an int ≥ 0; got -1'),
    (lambda: simulated_annealing(WELLS.f, [0.0, 0.0], **{**GOOD, "step_size": 0.0}), ValueError,
     'step_size must be a finite number > 0; got 0.0'),
    (lambda: simulated_annealing(WELLS.f, [0.0, 0.0], schedule="fast", **GOOD), ValueError,
     "unknown schedule 'fast'; expected one of ['geometric', 'linear', 'logarithmic']"),
    (lambda: simulated_annealing(WELLS.f, [[0.0, 0.0]], **GOOD), ValueError,
     'x0 must have shape (d,), one point; got shape (1, 2)'),
    (lambda: anneal_chains(WELLS.f, [0.0, 0.0], **GOOD), ValueError,
     'X0 must have shape (r, d), one point per row; got shape (2,)'),
    (lambda: simulated_annealing(WELLS.f, np.zeros(0), **GOOD), ValueError,
     'x0 must hold at least one coordinate; got shape (0,)'),
    (lambda: simulated_annealing(WELLS.f, [np.nan, 1.0], **GOOD), ValueError,
     'x0 must be finite; got [nan, 1.0]'),
    (lambda: anneal_chains(WELLS.f, np.full((11, 1), np.inf), **GOOD), ValueError,
     'X0 must be finite; got non-finite entries'),
    (lambda: simulated_annealing(3.0, [0.0], **GOOD), TypeError,
     'f must be a callable cost function x -> number; got float'),
    (lambda: simulated_annealing(lambda x: np.ones(3), [0.0], **GOOD), TypeError,
     'f must return one real number; got float64 of shape (3,)'),
    (lambda: simulated_annealing(lambda x: "a", [0.0], **GOOD), TypeError,
     'f must return one real number; got <U1 of shape ()'),
    (lambda: simulated_annealing(lambda x: np.nan, [0.1234567], **GOOD), ValueError,
     'f returned NaN at x = [0.123457]; the cost must be a number everywhere'),
    (lambda: anneal_chains(lambda X: np.ones(3), [[0.0]], **GOOD), TypeError,
     'f must return one real number per row, shape (1,); got float64 of shape (3,)'),
    (lambda: anneal_chains(lambda X: np.array([1.0, np.nan]), [[0.0], [0.1234567]], **GOOD), ValueError,
     'f returned NaN at row 1, x = [0.123457]; the cost must be a number everywhere'),
    (lambda: gradient_descent(WELLS.grad, [0.0, 0.0], lr=0.1, steps=-1), ValueError, 'steps must be an int ≥ 0; got -1'),
    (lambda: gradient_descent(3, [0.0], lr=0.1, steps=1), TypeError,
     'grad must be a callable x -> gradient; got int'),
    (lambda: gradient_descent(lambda X: np.ones(3), [0.0], lr=0.1, steps=1), ValueError,
     'grad must return the shape of its input (1,); got shape (3,)'),
    (lambda: gradient_descent(WELLS.grad, [0.0, 0.0], lr=-1.0, steps=3), ValueError,
     'lr must be a finite number > 0; got -1.0'),
    (lambda: random_restarts(WELLS.f, WELLS.grad, [1.0, 1.0], [0.0, 2.0], n_starts=3, steps=1, lr=0.1), ValueError,
     'low and high must have the same shape (d,) with low < high; got [1.0, 1.0] and [0.0, 2.0]'),
    (lambda: random_restarts(WELLS.f, WELLS.grad, [0.0], [1.0, 2.0], n_starts=3, steps=1, lr=0.1), ValueError,
     'low and high must have the same shape (d,) with low < high; got [0.0] and [1.0, 2.0]'),
    (lambda: random_restarts(WELLS.f, WELLS.grad, [0.0, 0.0], [1.0, 1.0], n_starts=0, steps=1, lr=0.1), ValueError,
     'n_starts must be a positive int; got 0'),
    (lambda: basin_labels(np.zeros((3, 2)), np.zeros((2, 3))), ValueError,
     'points (..., d) and minima (m, d) must share d; got shapes (3, 2) and (2, 3)'),
    (lambda: basin_labels(np.zeros((3, 2)), np.zeros(2)), ValueError,
     'points (..., d) and minima (m, d) must share d; got shapes (3, 2) and (2,)'),
    (lambda: basin_labels(np.zeros((3, 2)), np.zeros((2, 2)), tol=0), ValueError,
     'tol must be a finite number > 0; got 0'),
    (lambda: success_rate(np.array([1, 0])), ValueError,
     'successes must be a non-empty boolean array; got dtype int64, size 2'),
    (lambda: success_rate(np.array([], dtype=bool)), ValueError,
     'successes must be a non-empty boolean array; got dtype bool, size 0'),
    (lambda: basin_labels("a", np.zeros((2, 2))), TypeError,
     'points must hold real numbers (float32 or float64); got dtype <U1'),
    (lambda: basin_labels(np.zeros((3, 2)), "a"), TypeError,
     'minima must hold real numbers (float32 or float64); got dtype <U1'),
    (lambda: anneal_chains(WELLS.f, [[0.0, 0.0]], **{**GOOD, "step_size": -1.0}), ValueError,
     'step_size must be a finite number > 0; got -1.0'),
    (lambda: anneal_chains(3, [[0.0, 0.0]], **GOOD), TypeError,
     'f must be a callable cost function x -> number; got int'),
    (lambda: random_restarts(3, WELLS.grad, [0.0], [1.0], n_starts=1, steps=1, lr=0.1), TypeError,
     'f must be a callable cost function x -> number; got int'),
    (lambda: random_restarts(WELLS.f, WELLS.grad, [0.0, 0.0], [1.0, 1.0], n_starts=1, steps=1, lr=0.0),
     ValueError, 'lr must be a finite number > 0; got 0.0'),
    (lambda: gradient_descent(WELLS.grad, [np.nan], lr=0.1, steps=1), ValueError, 'X0 must be finite; got [nan]'),
    (lambda: random_restarts(WELLS.f, WELLS.grad, [np.nan], [1.0], n_starts=1, steps=1, lr=0.1), ValueError,
     'low must be finite; got [nan]'),
    (lambda: random_restarts(WELLS.f, WELLS.grad, [0.0], [[1.0]], n_starts=1, steps=1, lr=0.1), ValueError,
     'high must have shape (d,), one point; got shape (1, 1)'),
    (lambda: random_restarts(WELLS.f, WELLS.grad, [0.0, 0.0], [0.0, 1.0], n_starts=1, steps=1, lr=0.1), ValueError,
     'low and high must have the same shape (d,) with low < high; got [0.0, 0.0] and [0.0, 1.0]'),
    (lambda: simulated_annealing(WELLS.f, np.full(10, np.nan), **GOOD), ValueError,     # up to 10 shown
     'x0 must be finite; got [nan, nan, nan, nan, nan, nan, nan, nan, nan, nan]'),
])
def test_every_search_message_is_whole(call, error, message):
    # the whole text, nothing added or cut (the tests above match only the name of what is wrong)
    with pytest.raises(error) as caught:
        call()
    assert str(caught.value) == message


def test_documented_defaults():
    # seed 0 everywhere, and basin_labels' tol 1e-3 (a distance of 9e-4 counts, 1.1e-3 does not)
    kwargs = dict(T0=1.0, cooling=0.9, steps=30, step_size=0.3)
    default, seeded = simulated_annealing(double_well, [0.5], **kwargs), simulated_annealing(
        double_well, [0.5], seed=0, **kwargs)
    assert default.trace.tolist() == seeded.trace.tolist()
    assert default.trace.tolist() != simulated_annealing(double_well, [0.5], seed=1, **kwargs).trace.tolist()
    chains = anneal_chains(WELLS.f, [[0.5, 0.5]], **kwargs)
    np.testing.assert_array_equal(chains[2], anneal_chains(WELLS.f, [[0.5, 0.5]], seed=0, **kwargs)[2])
    assert not np.array_equal(chains[2], anneal_chains(WELLS.f, [[0.5, 0.5]], seed=1, **kwargs)[2])
    box = dict(low=[-3.0, -3.0], high=[3.0, 3.0], n_starts=5, steps=2, lr=0.05)
    starts = random_restarts(WELLS.f, WELLS.grad, **box).starts
    np.testing.assert_array_equal(starts, np.random.default_rng(0).uniform(-3.0, 3.0, size=(5, 2)))
    assert basin_labels([[9e-4, 0.0], [1.1e-3, 0.0]], [[0.0, 0.0]]).tolist() == [0, -1]


def test_results_are_read_only():
    # a result is a record of a run: its fields cannot be reassigned, and it hashes by identity
    # (its arrays have no value hash)
    import dataclasses

    res = simulated_annealing(double_well, [0.5], T0=1.0, cooling=0.9, steps=3, step_size=0.1)
    rr = random_restarts(WELLS.f, WELLS.grad, [-1.0, -1.0], [1.0, 1.0], n_starts=2, steps=1, lr=0.1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        success_rate(np.array([True, False])).p = 1.0
    for result in (res, rr):
        with pytest.raises(dataclasses.FrozenInstanceError):
            result.cost = 0.0
        assert hash(result) == hash(result) and result == result and result != dataclasses.replace(result)


def test_one_restart_is_plain_gradient_descent():
    rr = random_restarts(WELLS.f, WELLS.grad, [-1.0, -1.0], [1.0, 1.0], n_starts=1, steps=5, lr=0.1, seed=2)
    np.testing.assert_array_equal(rr.ends, gradient_descent(WELLS.grad, rr.starts, lr=0.1, steps=5))
    assert rr.x.tolist() == rr.ends[0].tolist() and rr.n_evals == 6 and rr.trace.tolist() == [rr.cost]
