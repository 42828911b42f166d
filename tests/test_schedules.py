"""Tests for companion.schedules: hand-computed values, monotonicity, DLS reference values."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.optimizers import SGD
from companion.schedules import cosine_decay, inverse_time_decay, linear_warmup, step_decay

DATA = Path(__file__).parent / "data" / "reference_optimizers.json"


def test_step_decay_by_hand():
    s = step_decay(0.1, drop=0.5, every=10)
    # epochs 0–9: 0.1; 10–19: 0.05; 20–29: 0.025
    assert [s(e) for e in (0, 9, 10, 19, 20, 29)] == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025, 0.025])
    assert step_decay(1.0, drop=1.0, every=3)(100) == 1.0  # drop = 1 keeps the rate constant
    default = step_decay(1.0)                              # drop 0.5 every 10 epochs by default
    assert [default(9), default(10), default(20)] == [1.0, 0.5, 0.25]


def test_inverse_time_decay_by_hand():
    s = inverse_time_decay(1.0, k=0.5)
    # 1/(1 + 0.5 t): t = 0, 2, 6 → 1, 1/2, 1/4; t = 1 → 2/3
    assert [s(t) for t in (0, 1, 2, 6)] == pytest.approx([1.0, 2 / 3, 0.5, 0.25])
    assert inverse_time_decay(0.3, k=0.0)(1000) == 0.3
    stairs = inverse_time_decay(1.0, k=1.0, interval=5)
    # ⌊t/5⌋ = 0 for t < 5, 1 for 5 ≤ t < 10 → 1, then 1/2
    assert [stairs(t) for t in (0, 4, 5, 9, 10)] == pytest.approx([1.0, 1.0, 0.5, 0.5, 1 / 3])
    pairs = inverse_time_decay(1.0, k=1.0, interval=2)     # ⌊t/2⌋: 0, 0, 1, 1
    assert [pairs(t) for t in (0, 1, 2, 3)] == pytest.approx([1.0, 1.0, 0.5, 0.5])
    assert s(0.5) == pytest.approx(1 / 1.25)               # interval 1, non-integer t: no flooring


@settings(max_examples=50, deadline=None)
@given(st.floats(1e-4, 10.0), st.floats(1e-3, 5.0), st.integers(1, 20), st.floats(0.05, 1.0))
def test_schedules_start_at_lr0_and_never_increase(lr0, k, interval, drop):
    for s in (inverse_time_decay(lr0, k, interval), step_decay(lr0, drop, interval)):
        values = np.array([s(t) for t in range(60)])
        assert values[0] == lr0
        assert np.all(np.diff(values) <= 0)
        assert np.all(values > 0)


def test_cosine_decay_by_hand():
    s = cosine_decay(1.0, total=4, lr_min=0.2)
    # ½(1 + cos(π t/4)) at t = 0, 1, 2, 3, 4 is 1, (2 + √2)/4, ½, (2 − √2)/4, 0
    shape = np.array([1.0, (2 + np.sqrt(2)) / 4, 0.5, (2 - np.sqrt(2)) / 4, 0.0])
    assert [s(t) for t in range(5)] == pytest.approx(0.2 + 0.8 * shape)
    assert s(10) == pytest.approx(0.2)                      # stays at lr_min after total
    assert cosine_decay(0.5, total=3, lr_min=0.5)(2) == 0.5  # lr_min = lr0: constant
    assert 0 < cosine_decay(0.1, total=5)(5) <= 0.1 * 1e-12  # lr_min = 0 is floored, never 0


@settings(max_examples=50, deadline=None)
@given(st.floats(1e-4, 10.0), st.integers(1, 50), st.floats(0.0, 1.0))
def test_cosine_decay_symmetry_and_monotone(lr0, total, frac):
    lr_min = frac * lr0
    s = cosine_decay(lr0, total, lr_min)
    values = np.array([s(t) for t in range(total + 3)])
    assert values[0] == pytest.approx(lr0)
    assert np.all(np.diff(values) <= 1e-15 * lr0)
    # half a cosine is point-symmetric about its midpoint: lr(t) + lr(total − t) = lr0 + lr_min
    # (up to the floor lr0·1e-12 that keeps the rate positive)
    for t in range(total + 1):
        assert s(t) + s(total - t) == pytest.approx(lr0 + lr_min, rel=1e-12, abs=2e-12 * lr0)


def test_dls_update_lr_and_schedule_lr_decay():
    r = json.loads(DATA.read_text())["vectors"]["dls.c2w2.update_lr / schedule_lr_decay"]
    tol = r["tolerance"]
    # update_lr(lr0, epoch, decay) = lr0/(1 + decay·epoch)
    for (lr0, epoch, decay), want in zip(r["inputs"]["update_lr"], r["expected"]["update_lr"]):
        assert np.isclose(inverse_time_decay(lr0, decay)(epoch), want, rtol=tol["rtol"], atol=tol["atol"])
    # schedule_lr_decay(lr0, epoch, decay, interval) = lr0/(1 + decay·⌊epoch/interval⌋)
    for (lr0, epoch, decay, interval), want in zip(r["inputs"]["schedule_lr_decay"], r["expected"]["schedule_lr_decay"]):
        got = inverse_time_decay(lr0, decay, interval=interval)(epoch)
        assert np.isclose(got, want, rtol=tol["rtol"], atol=tol["atol"])


def test_schedule_drives_an_optimizer():
    opt, s = SGD(1.0), step_decay(1.0, drop=0.1, every=1)
    p = np.zeros(1)
    for epoch in range(3):
        opt.lr = s(epoch)
        opt.step([p], [np.ones(1)])
    np.testing.assert_allclose(p, [-(1.0 + 0.1 + 0.01)])


@pytest.mark.parametrize("make, exc, msg", [
    (lambda: step_decay(0.0), ValueError, r"lr0 must be a finite number > 0; got 0.0"),
    (lambda: step_decay(-1), ValueError, r"lr0 must be a finite number > 0; got -1"),
    (lambda: step_decay(0.1, drop=0.0), ValueError, r"drop must be in \(0.0, 1.0\]; got 0.0"),
    (lambda: step_decay(0.1, drop=1.5), ValueError, r"drop must be in \(0.0, 1.0\]; got 1.5"),
    (lambda: step_decay(-0.1), ValueError, r"lr0 must be a finite number > 0; got -0.1"),
    (lambda: cosine_decay(0.0, total=3), ValueError, r"lr0 must be a finite number > 0; got 0.0"),
    (lambda: step_decay(0.1, every=0), ValueError, r"every must be a positive int \(epochs per decay\); got 0"),
    (lambda: step_decay(0.1, every=2.5), TypeError, r"every must be a positive int \(epochs per decay\); got float 2.5"),
    (lambda: inverse_time_decay("1", 0.1), TypeError, r"lr0 must be a number; got str"),
    (lambda: inverse_time_decay(0.1, -0.5), ValueError, r"k must be a finite number ≥ 0; got -0.5"),
    (lambda: inverse_time_decay(0.1, 0.5, interval=True), TypeError,
     r"interval must be a positive int \(epochs per decay\); got bool True"),
    (lambda: cosine_decay(0.1, total=0), ValueError, r"total must be a positive int \(epochs per decay\); got 0"),
    (lambda: cosine_decay(0.1, total=10, lr_min=0.2), ValueError, r"lr_min must be ≤ lr0 = 0.1 \(the rate decays\); got 0.2"),
    (lambda: cosine_decay(0.1, total=10, lr_min=-0.1), ValueError, r"lr_min must be a finite number ≥ 0; got -0.1"),
    (lambda: cosine_decay(0.1, total=10)(-2), ValueError, r"epoch must be a finite number ≥ 0; got -2"),
    (lambda: step_decay(0.1)(-1), ValueError, r"epoch must be a finite number ≥ 0; got -1"),
    (lambda: inverse_time_decay(0.1, 0.5)(None), TypeError, r"epoch must be a number; got NoneType"),
])
def test_errors(make, exc, msg):
    with pytest.raises(exc, match="^" + msg + "$"):           # the whole message, nothing added
        make()


def test_linear_warmup_by_hand():
    s = linear_warmup(1.0, steps=4)
    # (t + 1)/4 for t = 0 … 3, then 1 for ever
    assert [s(t) for t in range(7)] == pytest.approx([0.25, 0.5, 0.75, 1.0, 1.0, 1.0, 1.0])
    assert linear_warmup(0.3, steps=1)(0) == 0.3                # one step of warm-up: none at all
    then = linear_warmup(1.0, steps=2, after=cosine_decay(1.0, total=4))
    # 0.5, 1, then the cosine from its start: 1, (2 + √2)/4, ½, …
    assert [then(t) for t in range(5)] == pytest.approx([0.5, 1.0, 1.0, (2 + np.sqrt(2)) / 4, 0.5])
    with pytest.raises(TypeError):
        linear_warmup(1.0, steps=2.0)
    with pytest.raises(ValueError):
        linear_warmup(1.0, steps=0)
    with pytest.raises(TypeError):
        linear_warmup(1.0, steps=2, after=0.5)


@settings(max_examples=50, deadline=None)
@given(st.floats(1e-4, 10.0), st.integers(1, 40))
def test_linear_warmup_rises_to_lr0_and_stays(lr0, steps):
    s = linear_warmup(lr0, steps)
    values = np.array([s(t) for t in range(steps + 10)])
    assert np.all(values > 0) and np.all(values <= lr0 * (1 + 1e-15))
    assert np.all(np.diff(values) >= 0)
    assert np.allclose(np.diff(values[:steps]), lr0 / steps)     # a straight line of slope lr0/steps …
    assert np.all(values[steps - 1:] == pytest.approx(lr0))     # … that reaches lr0 at step steps − 1
