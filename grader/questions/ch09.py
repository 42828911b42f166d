"""Practice questions for chapter 9, *Representation power* (solutions/09_representation_power_practice.ipynb).

Oracles: ``companion.approximation`` (step, bump, staircase, tent map) computed in the grading
process; for the derived numbers, properties that do not rely on the formula — the N of q4 must
satisfy the error bound while N − 1 does not, and the neuron count of q6 is confirmed by exact
least squares with ReLU neurons at every breakpoint.
"""
from __future__ import annotations

import math

import numpy as np

from course_check.judge import show
from course_check.spec import Case, Question
from grader.secret import case_rng

__all__ = ["QUESTIONS"]


# ---------------------------------------------------------------- q1 step
def _step_ref(x, s, w, h):
    from companion.approximation import step

    return step(x, s, w, h)


def _step_cases() -> list[Case]:
    rng = case_rng(901)
    return [
        Case((np.linspace(0, 1, 11), 0.5, 10.0, 1.0)),                     # (x, s, w, h), as companion's step
        Case((rng.uniform(size=20), 0.25, 100.0, -2.0)),
        Case((rng.uniform(-1, 2, size=(4, 5)), 0.7, 40.0, 0.3), hidden=True),
        Case((np.linspace(0, 1, 101), 0.33, 1e4, 1.5), hidden=True),       # very steep: must not give NaN
    ]


# ---------------------------------------------------------------- q2 bump
def _bump_ref(x, s1, s2, h, w):
    from companion.approximation import bump

    return bump(x, s1, s2, h, w)


def _bump_cases() -> list[Case]:
    rng = case_rng(902)
    return [
        Case((np.linspace(0, 1, 21), 0.2, 0.6, 1.0, 50.0)),
        Case((rng.uniform(size=30), 0.5, 0.9, -0.7, 200.0)),
        Case((rng.uniform(size=(3, 7)), 0.1, 0.15, 3.0, 1000.0), hidden=True),
        Case((np.linspace(0, 1, 201), 0.0, 1.0, 2.0, 1e4), hidden=True),
    ]


# ---------------------------------------------------------------- q3 staircase
def _staircase_ref(x, values, w):
    from companion.approximation import staircase

    return staircase(x, values, w)


def _staircase_cases() -> list[Case]:
    rng = case_rng(903)
    cases = [Case((np.linspace(0, 1, 9), np.array([0.0, 1.0, 0.5, -1.0]), 40.0)),
             Case((np.linspace(0, 1, 50), np.sin(2 * np.pi * (np.arange(10) + 0.5) / 10), 200.0))]
    for N, w in ((1, 10.0), (25, 500.0), (64, 1280.0)):
        cases.append(Case((rng.uniform(size=80), rng.normal(size=N), w), hidden=True))
    return cases


# ---------------------------------------------------------------- q4 N for an error ε
def _bound(L, kappa, N):
    return (L / N) * (1 + 2 * math.exp(-kappa / 2) / (1 - math.exp(-kappa)))


def _bumps_needed_ref(L, eps, kappa):
    from companion.approximation import bumps_needed

    return bumps_needed(L, eps, kappa)


def _bumps_needed_cases() -> list[Case]:
    return [Case((1.0, 0.1, 20.0)), Case((2 * math.pi, 0.01, 10.0)),
            Case((3.0, 0.07, 4.0), hidden=True), Case((50.0, 1e-3, 2.0), hidden=True),
            Case((0.5, 0.9, 30.0), hidden=True),
            # a whole-number L(1 + …)/ε (the steepness term vanishes in float64 at κ = 1000): N = 4 exactly,
            # so a "floor + 1" rounding is one too many
            Case((1.0, 0.25, 1000.0), hidden=True)]


def _bumps_needed_judge(output, case: Case):
    L, eps, kappa = case.args
    value = np.asarray(output, dtype=np.float64).reshape(-1)
    if value.size != 1 or value[0] != round(value[0]) or value[0] < 1:
        return False, f"expected one whole number N ≥ 1, got {show(output)}"
    N = int(value[0])
    if _bound(L, kappa, N) > eps:
        return False, f"N = {N} is too small: the bound (L/N)(1 + steepness) is {_bound(L, kappa, N):.4g} > ε"
    if N > 1 and _bound(L, kappa, N - 1) <= eps:
        return False, f"N = {N} is not the smallest: N − 1 already meets the bound"
    return True, "the smallest N that meets the bound"


# ---------------------------------------------------------------- q5 deep sawtooth
def _sawtooth_ref(x, k):
    from companion.approximation import tent_power

    return tent_power(x, k)


def _sawtooth_cases() -> list[Case]:
    rng = case_rng(905)
    return [Case((np.linspace(0, 1, 9), 1)), Case((np.linspace(0, 1, 17), 3)),
            Case((rng.uniform(size=100), 5), hidden=True), Case((rng.uniform(size=(4, 4)), 8), hidden=True)]


# ---------------------------------------------------------------- q6 shallow units needed
def _units_ref(k):
    return 2 ** k


def _units_cases() -> list[Case]:
    return [Case((1,)), Case((2,)), Case((3,), hidden=True), Case((5,), hidden=True), Case((7,), hidden=True)]


def _exact_with(m: int, k: int) -> bool:
    """Can m ReLU neurons of one hidden layer (plus output bias) represent T^k exactly on [0, 1]?

    Only breakpoints at the 2^k − 1 kinks can help; a neuron relu(±(x − t)) with t outside (0, 1)
    is linear there. Least squares over all such neurons (kinks, and one linear neuron) decides.
    """
    from companion.approximation import tent_power

    xs = np.linspace(0, 1, 8 * 2 ** k + 1)
    kinks = np.arange(1, 2 ** k) / 2 ** k
    if m < kinks.size:
        return False
    cols = [np.ones_like(xs)] + [np.maximum(xs - t, 0) for t in kinks]
    if m > kinks.size:
        cols.append(xs)                       # one more neuron can only add a linear term on [0, 1]
    F = np.column_stack(cols)
    coef, *_ = np.linalg.lstsq(F, tent_power(xs, k), rcond=None)
    return bool(np.max(np.abs(F @ coef - tent_power(xs, k))) < 1e-9)


def _units_judge(output, case: Case):
    (k,) = case.args
    value = np.asarray(output, dtype=np.float64).reshape(-1)
    if value.size != 1 or value[0] != round(value[0]):
        return False, f"expected one whole number, got {show(output)}"
    m = int(value[0])
    if not _exact_with(m, k):
        return False, f"{m} neurons cannot represent T^{k} exactly on [0, 1]"
    if m > 1 and _exact_with(m - 1, k):
        return False, f"{m - 1} neurons already suffice"
    return True, "the minimal number of neurons"


#: version of this question set (docs/question-changes.md); raise it when a change can change a score
VERSION = "3"

QUESTIONS: list[Question] = [
    Question(
        id="q1",
        title="A neuron as a step",
        function="step",
        points=1,
        cases=_step_cases,
        reference=_step_ref,
        atol=1e-12,
        forbidden=("companion.approximation.step", "companion.approximation.bump"),
        hint=('a steep sigmoid is almost a step: decide which parameter sets where it switches, '
              'which how sharp it is and which how high it goes; compute the sigmoid stably '
              '(companion.activations.sigmoid is allowed)'),
    ),
    Question(
        id="q2",
        title="Two steps make a bump",
        function="bump",
        points=2,
        cases=_bump_cases,
        reference=_bump_ref,
        atol=1e-12,
        forbidden=("companion.approximation.bump",),
        hint=('a bump is an up-step followed by a down-step of the same height: build it from two '
              "of Q1's steps"),
    ),
    Question(
        id="q3",
        title="The staircase network",
        function="staircase",
        points=3,
        cases=_staircase_cases,
        reference=_staircase_ref,
        atol=1e-10,
        forbidden=("companion.approximation.staircase",),
        hint=("build the staircase from left to right out of Q1's steps: where between two grid "
              'points must each step sit, how high must it be for the function to move from one '
              'value to the next, and what is the level at the far left?'),
    ),
    Question(
        id="q4",
        title="How many bumps for an error ε? (derived number)",
        function="bumps_needed",
        points=3,
        cases=_bumps_needed_cases,
        reference=_bumps_needed_ref,
        judge=_bumps_needed_judge,
        output="scalar",
        atol=0.0,
        rtol=0.0,
        forbidden=("companion.approximation.bumps_needed", "companion.approximation.steepness_factor"),
        hint=("start from the chapter's bound on the error for an L-Lipschitz function, with the "
              'steepness tied to N as the question states; the bound shrinks as N grows, so solve '
              'for the first N that brings it down to eps and round up carefully'),
    ),
    Question(
        id="q5",
        title="The sawtooth of a deep ReLU network",
        function="deep_sawtooth",
        points=2,
        cases=_sawtooth_cases,
        reference=_sawtooth_ref,
        atol=1e-9,
        forbidden=("companion.approximation.tent_power", "companion.approximation.sawtooth_network",
                   "companion.approximation.relu_network_forward"),
        hint=('one layer of two ReLU neurons computes the tent map once (chapter 9 builds it); '
              'apply that layer k times, starting from x'),
    ),
    Question(
        id="q6",
        title="Neurons a shallow network needs for T^k (derived number)",
        function="shallow_units_needed",
        points=2,
        cases=_units_cases,
        reference=_units_ref,
        judge=_units_judge,
        output="scalar",
        atol=0.0,
        hint=('count the kinks of T^k inside (0, 1): each needs its own hidden neuron; then '
              'compare the slope T^k has on its first piece with what the kink neurons alone can '
              'produce there'),
    ),
]
