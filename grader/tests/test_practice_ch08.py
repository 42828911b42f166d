"""The chapter 8 question specifications: picklable cost functions and judges that reject wrong answers."""
from __future__ import annotations

import math
import pickle

import numpy as np

from companion.gradcheck import numerical_gradient
from grader.questions import ch08


def _question(qid):
    return next(q for q in ch08.QUESTIONS if q.id == qid)


def test_wells_gradient_matches_central_differences_and_pickles():
    wells = ch08._wells(np.random.default_rng(0), 4)
    for p in np.random.default_rng(1).uniform(-3, 3, size=(5, 2)):
        fd = numerical_gradient(lambda q: wells(q), p.copy())
        assert np.allclose(ch08.WellsGradient(wells)(p), fd, atol=1e-8)
    copy = pickle.loads(pickle.dumps(ch08.WellsGradient(wells)))
    assert np.allclose(copy(np.zeros((3, 2))), wells.gradient(np.zeros((3, 2))))


def test_basin_minima_are_critical_points_with_positive_curvature():
    for case in _question("q3").cases():
        grad, minima = case.args[0], case.args[4]
        for m in minima:
            assert np.linalg.norm(grad(m)) < 1e-8
            H = np.array([numerical_gradient(lambda q: grad(q)[i], m.copy()) for i in range(2)])
            assert np.all(np.linalg.eigvalsh(0.5 * (H + H.T)) > 0)


def test_restarts_needed_judge_wants_the_smallest_whole_number():
    q = _question("q5")
    case = q.cases()[0]                                   # p = 0.3, target = 0.9
    k = math.ceil(math.log(0.1) / math.log(0.7))          # 7, derived by hand: 0.7**6 = 0.118 > 0.1 > 0.7**7
    assert k == 7 and q.judge(7, case)[0] and q.judge(np.int64(7), case)[0]
    ok, message = q.judge(6, case)
    assert not ok and "< target" in message
    ok, message = q.judge(8, case)
    assert not ok and "not the smallest" in message
    ok, message = q.judge(6.46, case)
    assert not ok and "whole number" in message
    assert not q.judge(0, case)[0]


def test_annealing_step_judge_checks_consistency():
    q = _question("q2")
    case = q.cases()[0]
    f, x, fx = case.args[:3]
    y = x + 0.1
    assert q.judge((y, f(y), True), case)[0]
    ok, message = q.judge((y, f(y) + 1.0, True), case)
    assert not ok and "f_new must be f(x_new)" in message
    ok, message = q.judge((y, f(y), False), case)
    assert not ok and "rejected move" in message
    ok, message = q.judge((x, fx, 1), case)
    assert not ok and "True or False" in message


def test_metropolis_reference_is_the_closed_form():
    q = _question("q1")
    for case in q.cases():
        delta, T = case.args
        with np.errstate(over="ignore"):
            expected = np.minimum(1.0, np.exp(-delta / T))
        assert np.allclose(q.reference(delta, T), expected, rtol=1e-12)
