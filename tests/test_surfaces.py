"""Tests for companion.surfaces.

Oracles: central finite differences (companion.gradcheck.numerical_gradient) for every gradient,
minima from closed forms (bowl, Rosenbrock) or from the stationarity and positive-curvature
conditions (wells), and the closed-form gradient-descent iterates on a quadratic bowl,
x_k = (1 − η a)^k x_0, y_k = (1 − η b)^k y_0, which converge iff η < 2/max(a, b).
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.gradcheck import numerical_gradient
from companion.optimizers import SGD, Adam, Momentum
from companion.surfaces import (
    Surface,
    descend,
    gaussian_wells,
    ill_conditioned,
    quadratic_bowl,
    rosenbrock,
    saddle,
)

SURFACES = {
    "bowl": quadratic_bowl(2.0, 0.5),
    "ill_conditioned": ill_conditioned(),
    "rosenbrock": rosenbrock(),
    "rosenbrock(a=-0.5, b=3)": rosenbrock(-0.5, 3.0),
    "wells": gaussian_wells(),
    "saddle(a=2, b=1.5)": saddle(2.0, 1.5),
}


def numeric_grad(surface: Surface, p: np.ndarray) -> np.ndarray:
    return numerical_gradient(lambda q: surface.f(q), p.astype(np.float64).copy(), h=1e-6)


@pytest.mark.parametrize("key", sorted(SURFACES))
@settings(max_examples=25, deadline=None)
@given(st.floats(-2.5, 2.5), st.floats(-2.5, 2.5))
def test_gradient_matches_finite_differences(key, x, y):
    s = SURFACES[key]
    p = np.array([x, y])
    np.testing.assert_allclose(s.grad(p), numeric_grad(s, p), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("key", sorted(SURFACES))
def test_vectorized_over_a_grid(key):
    s = SURFACES[key]
    xs, ys = np.meshgrid(np.linspace(*s.xlim, 7), np.linspace(*s.ylim, 5))
    grid = np.stack([xs, ys], axis=-1)                        # (5, 7, 2)
    values, grads = s.f(grid), s.grad(grid)
    assert values.shape == (5, 7) and grads.shape == (5, 7, 2)
    for i in np.ndindex(5, 7):
        assert values[i] == pytest.approx(float(s.f(grid[i])), rel=1e-14)
        np.testing.assert_allclose(grads[i], s.grad(grid[i]), rtol=1e-14, atol=1e-300)
    f, grad = s  # unpacks as a pair
    assert f is s.f and grad is s.grad


def test_bowl_closed_form_values_and_minimum():
    s = quadratic_bowl(a=2.0, b=6.0)
    assert float(s.f(np.array([1.0, -1.0]))) == pytest.approx(0.5 * (2.0 + 6.0))
    np.testing.assert_array_equal(s.grad(np.array([1.0, -1.0])), [2.0, -6.0])
    np.testing.assert_array_equal(s.minimum, [0.0, 0.0])
    assert float(s.f(s.minimum)) == 0.0
    assert "a=2" in s.name and "b=6" in s.name


@pytest.mark.parametrize("a, b", [(1.0, 100.0), (-0.5, 3.0), (2.0, 1.0)])
def test_rosenbrock_minimum_is_a_a_squared(a, b):
    s = rosenbrock(a, b)
    np.testing.assert_array_equal(s.minimum, [a, a * a])
    assert float(s.f(s.minimum)) == 0.0
    np.testing.assert_array_equal(s.grad(s.minimum), [0.0, 0.0])
    # f ≥ 0 everywhere and > 0 off the minimum (a sum of squares)
    rng = np.random.default_rng(0)
    assert np.all(s.f(rng.uniform(-3, 3, size=(200, 2))) > 0)


def hessian_fd(surface: Surface, p: np.ndarray, h: float = 1e-5) -> np.ndarray:
    columns = [(surface.grad(p + h * e) - surface.grad(p - h * e)) / (2 * h) for e in np.eye(2)]
    return np.column_stack(columns)


def test_wells_minima_are_local_minima_sorted_by_depth():
    s = gaussian_wells()
    assert s.minima.shape == (3, 2)
    for m in s.minima:
        assert np.linalg.norm(s.grad(m)) < 1e-10                     # stationary
        H = hessian_fd(s, m)
        assert np.all(np.linalg.eigvalsh((H + H.T) / 2) > 0)         # curving up: a minimum
        ring = m + 0.05 * np.stack([np.cos(t := np.linspace(0, 2 * np.pi, 16)), np.sin(t)], axis=1)
        assert np.all(s.f(ring) > s.f(m))
    values = s.f(s.minima)
    assert np.all(np.diff(values) > 0)                                # global minimum first
    # each minimum sits near its well's centre; the deepest well (depth 2 at (1.2, 1.0)) is the global one
    np.testing.assert_allclose(s.minimum, [1.2, 1.0], atol=0.05)


@pytest.mark.parametrize("a, b", [(1.0, 1.0), (2.0, 0.5)])
def test_saddle_point_and_minima(a, b):
    s = saddle(a, b)
    origin = np.zeros(2)
    np.testing.assert_array_equal(s.grad(origin), [0.0, 0.0])
    H = hessian_fd(s, origin)
    np.testing.assert_allclose(np.linalg.eigvalsh((H + H.T) / 2), [-b, a], rtol=1e-8)   # a saddle
    for m in s.minima:
        np.testing.assert_allclose(s.grad(m), [0.0, 0.0], atol=1e-15)
        assert float(s.f(m)) == pytest.approx(-b / 4)
        Hm = hessian_fd(s, m)
        np.testing.assert_allclose(np.linalg.eigvalsh((Hm + Hm.T) / 2), sorted([a, 2 * b]), rtol=1e-8)
    rng = np.random.default_rng(1)
    assert np.all(s.f(rng.uniform(-3, 3, size=(300, 2))) >= -b / 4)       # nothing lower than the minima


def test_descent_lingers_near_the_saddle_as_predicted():
    # Along y near 0, y_k ≈ (1 + ηb)^k y_0: the number of steps to reach |y| = 0.5 grows like ln(1/y0).
    s = saddle(1.0, 1.0)
    eta = 0.1
    for y0 in (1e-2, 1e-4):
        path = descend(s, [-1.0, y0], SGD(eta), steps=400)
        k = int(np.argmax(np.abs(path[:, 1]) > 0.5))
        predicted = np.log(0.5 / y0) / np.log(1 + eta)
        assert predicted <= k <= predicted + 10     # the cubic term −y³ only slows the last few steps
    assert np.allclose(path[-1], [0.0, 1.0], atol=1e-6)


def test_wells_far_apart_have_minima_at_their_centres():
    # Narrow wells far apart with a tiny bowl: each minimum is at its centre to within the bowl's pull.
    s = gaussian_wells(centers=[[-2.0, 0.0], [2.0, 0.0]], depths=[1.0, 3.0], widths=[0.3, 0.3], bowl=1e-6)
    np.testing.assert_allclose(s.minima, [[2.0, 0.0], [-2.0, 0.0]], atol=1e-4)


def test_single_well_in_the_bowl_has_a_closed_form_minimum():
    # One well at c with f = ½q‖p‖² − d·e^{−‖p−c‖²/2s²}: ∇f = 0 on the line through 0 and c.
    s = gaussian_wells(centers=[[1.0, 0.0]], depths=[1.0], widths=[1.0], bowl=0.5)
    x = s.minimum[0]
    assert s.minimum[1] == 0.0
    # stationarity along x: q x + d e^{−(x−1)²/2}(x − 1) = 0
    assert 0.5 * x + np.exp(-((x - 1) ** 2) / 2) * (x - 1) == pytest.approx(0.0, abs=1e-12)


def test_no_warnings_far_from_the_origin():
    far = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for s in SURFACES.values():
            assert np.all(np.isfinite(s.f(far))) and np.all(np.isfinite(s.grad(far)))


# ---------------------------------------------------------------- descend


@pytest.mark.parametrize("fraction", [0.3, 0.9, 0.99])
def test_gd_on_the_bowl_follows_the_closed_form(fraction):
    a, b = 1.0, 20.0
    eta = fraction * 2 / b
    x0 = np.array([1.5, -0.8])
    path = descend(quadratic_bowl(a, b).grad, x0, SGD(eta), steps=40)
    k = np.arange(41)
    closed = np.stack([(1 - eta * a) ** k * x0[0], (1 - eta * b) ** k * x0[1]], axis=1)
    np.testing.assert_allclose(path, closed, rtol=1e-10, atol=1e-14)


def test_gd_converges_below_2_over_b_and_diverges_above():
    s = ill_conditioned(a=1.0, b=20.0)      # 2/b = 0.1
    x0 = np.array([1.0, 1.0])
    below = descend(s, x0, SGD(0.095), steps=400)
    above = descend(s, x0, SGD(0.105), steps=400)
    assert np.linalg.norm(below[-1]) < 1e-6                      # |1 − 0.095·20| = 0.9 < 1
    y = np.abs(above[:60, 1])                                     # |1 − 0.105·20| = 1.1 > 1
    np.testing.assert_allclose(y, 1.1 ** np.arange(60), rtol=1e-9)
    assert np.isnan(above[-1]).all()                              # left the ball of radius 1e6 …
    first_nan = int(np.argmax(np.isnan(above[:, 0])))
    assert 1.1 ** (first_nan - 1) <= 1e6 < 1.1 ** first_nan * 1.0001  # … at the step the closed form says


def test_tuned_momentum_beats_tuned_sgd_on_the_ill_conditioned_valley():
    # Best constant-step GD on a quadratic with curvatures a < b: η = 2/(a + b), error factor
    # (κ − 1)/(κ + 1) per step (κ = b/a). Best heavy ball (Polyak): η = 4/(√a + √b)²,
    # μ = ((√κ − 1)/(√κ + 1))², error factor √μ per step. For κ = 20: 0.905 against 0.634.
    a, b = 1.0, 20.0
    s = ill_conditioned(a, b)
    kappa = b / a
    sgd = descend(s, s.start, SGD(2 / (a + b)), steps=100)
    mu = ((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) ** 2
    mom = descend(s, s.start, Momentum(4 / (np.sqrt(a) + np.sqrt(b)) ** 2, momentum=mu), steps=100)
    rate_gd = (kappa - 1) / (kappa + 1)
    assert np.linalg.norm(sgd[-1]) == pytest.approx(rate_gd**100 * np.linalg.norm(s.start), rel=1e-9)
    assert np.linalg.norm(mom[-1]) < 1e-6 * np.linalg.norm(sgd[-1])


def test_wells_descent_ends_in_the_minimum_of_its_basin():
    s = gaussian_wells()
    for m in s.minima:
        path = descend(s, m + np.array([0.2, -0.15]), SGD(0.1), steps=300)
        np.testing.assert_allclose(path[-1], m, atol=1e-6)


def test_adam_reaches_the_rosenbrock_minimum():
    s = rosenbrock()
    path = descend(s, s.start, Adam(0.05), steps=2000)
    np.testing.assert_allclose(path[-1], s.minimum, atol=1e-3)


def test_descend_copies_x0_keeps_dtype_and_resets_the_optimizer():
    x0 = np.array([1.0, 2.0], dtype=np.float32)
    opt = Momentum(0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        first = descend(quadratic_bowl(), x0, opt, steps=5)
        second = descend(quadratic_bowl(), x0, opt, steps=5)
    np.testing.assert_array_equal(x0, np.array([1.0, 2.0], dtype=np.float32))
    assert first.dtype == np.float32 and first.shape == (6, 2)
    np.testing.assert_array_equal(first, second)     # state from the first run did not leak
    np.testing.assert_array_equal(first[0], x0)
    assert descend(quadratic_bowl().grad, [0.5, 0.5], SGD(0.1), steps=0).shape == (1, 2)


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("call, exc, msg", [
    (lambda: quadratic_bowl().f(np.ones(3)), ValueError,
     r"p must have shape \(2,\) or \(\.\.\., 2\), the last axis holding \(x, y\); got shape \(3,\)"),
    (lambda: rosenbrock().grad(np.ones((4, 3))), ValueError,
     r"p must have shape \(2,\) or \(\.\.\., 2\), the last axis holding \(x, y\); got shape \(4, 3\)"),
    (lambda: gaussian_wells().f(np.float64(1.0)), ValueError,
     r"p must have shape \(2,\) or \(\.\.\., 2\), the last axis holding \(x, y\); got shape \(\)"),
    (lambda: quadratic_bowl().f(np.array(["a", "b"])), TypeError,
     r"p must hold real numbers \(float32 or float64\); got dtype <U1"),
    (lambda: quadratic_bowl(a=0.0), ValueError, r"a must be a finite number > 0; got 0.0"),
    (lambda: ill_conditioned(b=-20), ValueError, r"b must be a finite number > 0; got -20"),
    (lambda: rosenbrock(a=float("inf")), ValueError, r"a must be a finite number; got inf"),
    (lambda: rosenbrock(a="1"), TypeError, r"a must be a number; got str"),
    (lambda: rosenbrock(b=0), ValueError, r"b must be a finite number > 0; got 0"),
    (lambda: gaussian_wells(centers=[1.0, 2.0]), ValueError,
     r"centers must have shape \(w, 2\), one well per row; got shape \(2,\)"),
    (lambda: gaussian_wells(centers=[[np.inf, 0.0]], depths=[1.0], widths=[1.0]), ValueError,
     r"centers must be finite; got \[\[inf, 0.0\]\]"),
    (lambda: gaussian_wells(depths=[1.0, 2.0]), ValueError,
     r"depths must have shape \(3,\), one value per well; got shape \(2,\)"),
    (lambda: gaussian_wells(widths=[0.5, -0.5, 0.5]), ValueError,
     r"widths must all be finite and > 0; got \[0.5, -0.5, 0.5\]"),
    (lambda: saddle(a=-1.0), ValueError, r"a must be a finite number > 0; got -1.0"),
    (lambda: saddle(b=0), ValueError, r"b must be a finite number > 0; got 0"),
    (lambda: gaussian_wells(bowl=0), ValueError, r"bowl must be a finite number > 0; got 0"),
])
def test_surface_errors(call, exc, msg):
    with pytest.raises(exc, match=msg):
        call()


@pytest.mark.parametrize("call, exc, msg", [
    (lambda: descend(quadratic_bowl(), [0.0, 1.0, 2.0], SGD(0.1), 5), ValueError,
     r"x0 must have shape \(2,\), a point \(x, y\); got shape \(3,\)"),
    (lambda: descend(quadratic_bowl(), [1.0, 1.0], "sgd", 5), TypeError,
     r"optimizer must be an Optimizer from companion.optimizers; got str"),
    (lambda: descend(3.0, [1.0, 1.0], SGD(0.1), 5), TypeError,
     r"grad must be a callable p -> gradient or a Surface; got float"),
    (lambda: descend(quadratic_bowl(), [1.0, 1.0], SGD(0.1), -1), ValueError, r"steps must be an int ≥ 0; got -1"),
    (lambda: descend(quadratic_bowl(), [1.0, 1.0], SGD(0.1), 2.5), TypeError, r"steps must be an int ≥ 0; got float 2.5"),
    (lambda: descend(quadratic_bowl(), [1.0, 1.0], SGD(0.1), 5, max_norm=0), ValueError,
     r"max_norm must be a finite number > 0; got 0"),
    (lambda: descend(lambda p: np.ones(3), [1.0, 1.0], SGD(0.1), 5), ValueError,
     r"grad\(p\) must return shape \(2,\) for p of shape \(2,\); got shape \(3,\)"),
])
def test_descend_errors(call, exc, msg):
    with pytest.raises(exc, match=msg):
        call()


def test_wells_report_when_the_search_for_minima_fails(monkeypatch):
    import companion.surfaces as surfaces

    monkeypatch.setattr(surfaces, "_MAX_ITER", 0)
    with pytest.raises(ValueError, match=r"could not locate the minima of the wells within 0 iterations; "
                                         r"use wells of more similar widths or a stronger bowl"):
        gaussian_wells()


def test_wells_a_swallowed_well_is_not_a_minimum():
    # A shallow well on the flank of a deep one (at √3 widths, where the deep well curves down
    # most) makes no minimum of its own: only one minimum remains, near the deep centre.
    s = gaussian_wells(centers=[[0.0, 0.0], [np.sqrt(3.0), 0.0]], depths=[10.0, 0.1], widths=[1.0, 1.0], bowl=0.01)
    assert s.minima.shape == (1, 2)
    np.testing.assert_allclose(s.minimum, [0.0, 0.0], atol=0.05)
