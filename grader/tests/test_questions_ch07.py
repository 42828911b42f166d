"""The reference answers of practice 7 agree with independent computations.

Oracles: ``companion.optimizers`` run step by step (for the one-step and accumulator questions
and the closed-form momentum position), and a brute-force scan of max_i |1 − ηλ_i| over η for
the best learning rate.
"""
from __future__ import annotations

import numpy as np
import pytest

from grader.questions import ch07
from companion.optimizers import Adam, AdaGrad, Momentum


def _question(qid):
    return next(q for q in ch07.QUESTIONS if q.id == qid)


@pytest.mark.parametrize("mu, k", [(0.9, 1), (0.9, 37), (0.5, 10), (0.0, 5), (0.99, 300)])
def test_closed_form_momentum_position_matches_stepping_the_optimizer(mu, k):
    theta0, g = np.array([0.3, -1.0]), np.array([1.0, 2.0])
    p, opt = theta0.copy(), Momentum(lr=0.1, momentum=mu)
    for _ in range(k):
        opt.step([p], [g])
    np.testing.assert_allclose(ch07.momentum_position_closed_form(theta0, g, 0.1, mu, k), p, rtol=1e-10)


def test_closed_form_needs_no_loop_and_approaches_the_effective_step():
    # average step over a huge k tends to η|g|/(1 − μ)
    far = ch07.momentum_position_closed_form(np.zeros(1), np.ones(1), 0.1, 0.9, 10**12)
    assert far[0] / 1e12 == pytest.approx(-1.0, rel=1e-9)


def test_momentum_and_adam_references_match_the_package():
    rng = np.random.default_rng(0)
    theta, v, g = rng.normal(size=4), rng.normal(size=4), rng.normal(size=4)
    opt = Momentum(lr=0.05, momentum=0.8)
    p = theta.copy()
    opt.state[0] = {"v": v.copy()}
    opt.step([p], [g])
    ref_theta, ref_v = _question("q1").reference(theta, v, g, 0.05, 0.8)
    np.testing.assert_allclose(ref_theta, p, rtol=1e-14)
    np.testing.assert_allclose(ref_v, opt.state[0]["v"], rtol=1e-14)

    adam, p = Adam(lr=0.01, beta1=0.8, beta2=0.99, eps=1e-6), theta.copy()
    m, vv = 0.1 * rng.normal(size=4), 0.01 * rng.uniform(size=4)
    adam.state[0] = {"m": m.copy(), "v": vv.copy(), "t": 6}
    adam.step([p], [g])                                    # this is step t = 7
    out = _question("q2").reference(theta, m, vv, g, 7, 0.01, 0.8, 0.99, 1e-6)
    for got, want in zip(out, (p, adam.state[0]["m"], adam.state[0]["v"])):
        np.testing.assert_allclose(got, want, rtol=1e-13)


def test_adagrad_reference_matches_the_package():
    rng = np.random.default_rng(1)
    theta0, grads = rng.normal(size=3), rng.normal(size=(12, 3))
    opt, p = AdaGrad(lr=0.2, eps=1e-8), theta0.copy()
    for g in grads:
        opt.step([p], [g])
    theta, G = _question("q3").reference(theta0, grads, 0.2, 1e-8)
    np.testing.assert_allclose(theta, p, rtol=1e-13)
    np.testing.assert_allclose(G, opt.state[0]["G"], rtol=1e-13)


def test_best_learning_rate_minimizes_the_worst_contraction_factor():
    for case in _question("q4").cases():
        H = case.args[0]
        lams = np.linalg.eigvalsh(H)
        etas = np.linspace(1e-4, 2 / lams[-1], 200_001)
        worst = np.max(np.abs(1 - etas[:, None] * lams[None, :]), axis=1)
        best = float(_question("q4").reference(H))
        assert best == pytest.approx(etas[np.argmin(worst)], rel=1e-4)
