"""Practice questions for chapter 8, *Local minima* (solutions/08_local_minima_practice.ipynb).

Cost functions handed to the learner's code are instances of small picklable classes defined
here (:class:`Wells`, :class:`WellsGradient`), so that they can be passed to the sandbox.
Questions q5 and q6 ask for derived quantities (the number of restarts needed for a target
success probability, the geometric cooling factor that reaches a final temperature): they are
judged by the defining property, not by comparison with chapter code.
"""
from __future__ import annotations

import math

import numpy as np

from course_check.fixtures import Wells, WellsGradient
from course_check.judge import show
from course_check.spec import Case, Question
from grader.secret import case_rng

__all__ = ["QUESTIONS", "Wells", "WellsGradient"]


def _wells(rng, n_wells, d=2) -> Wells:
    centers = rng.uniform(-2.0, 2.0, size=(n_wells, d))
    return Wells(centers, rng.uniform(0.8, 2.0, n_wells), rng.uniform(0.45, 0.8, n_wells))


def _minima(wells: Wells, lr=0.1, steps=400) -> np.ndarray:
    """Distinct minima reached by long descents from the centres (trusted, parent side)."""
    ends = wells.centers.copy()
    for _ in range(steps):
        ends = ends - lr * wells.gradient(ends)
    found = []
    for e in ends:
        if np.linalg.norm(wells.gradient(e)) < 1e-8 and all(np.linalg.norm(e - m) > 1e-4 for m in found):
            found.append(e)
    return np.array(found)


# ---------------------------------------------------------------- q1 metropolis_acceptance
def _metropolis_ref(delta, T):
    from companion.search import metropolis_acceptance

    return np.asarray(metropolis_acceptance(np.asarray(delta, dtype=np.float64), T), dtype=np.float64)


def _metropolis_cases() -> list[Case]:
    rng = case_rng(801)
    return [
        Case((np.array([-1.0, 0.0, 0.5, 2.0]), 1.0)),
        Case((rng.normal(size=10), 0.3)),
        Case((rng.normal(size=(3, 4)) * 5, 2.5), hidden=True),
        Case((np.array([-1000.0, -50.0, 1e-12, 30.0, 1000.0]), 0.1), hidden=True),   # must not overflow
        Case((np.array([0.2, 0.2, 0.2]), 1e6), hidden=True),                        # hot: accept ~ all
    ]


# ---------------------------------------------------------------- q2 annealing_step
def _annealing_step_ref(f, x, fx, T, step_size, rng):
    from companion.search import annealing_step

    x_new, f_new, accepted = annealing_step(f, np.asarray(x, dtype=np.float64), fx, T, step_size, rng)
    return x_new, np.float64(f_new), np.bool_(accepted)


def _annealing_step_cases() -> list[Case]:
    rng = case_rng(802)
    cases = []
    for k, (T, step, hidden) in enumerate(((0.5, 0.3, False), (0.05, 0.5, False), (2.0, 0.2, True),
                                           (1e-3, 0.4, True), (0.3, 1.0, True), (10.0, 0.1, True))):
        wells = _wells(rng, 3)
        x = rng.uniform(-2, 2, size=2)
        cases.append(Case((wells, x, wells(x), T, step, np.random.default_rng(8020 + k)), hidden=hidden))
    return cases


def _annealing_step_judge(output, case: Case):
    try:
        x_new, f_new, accepted = output
    except (TypeError, ValueError):
        return False, "expected a tuple (x_new, f_new, accepted)"
    if not isinstance(accepted, (bool, np.bool_)):
        return False, f"accepted must be True or False, got {type(accepted).__name__}"
    f, x, fx = case.args[0], case.args[1], case.args[2]
    if not np.isclose(float(f_new), f(np.asarray(x_new, dtype=np.float64)), rtol=1e-10, atol=1e-12):
        return False, "f_new must be f(x_new), the cost of the point you return"
    if not accepted and not (np.allclose(x_new, x) and float(f_new) == fx):
        return False, "a rejected move must return the old point x and its cost fx unchanged"
    return True, "consistent"


# ---------------------------------------------------------------- q3 basin_counts
def _basin_counts_ref(grad_fn, starts, lr, steps, minima, tol):
    from companion.search import basin_labels, gradient_descent

    ends = gradient_descent(grad_fn, np.asarray(starts, dtype=np.float64), lr=lr, steps=steps)
    labels = basin_labels(ends, minima, tol=tol).ravel()
    return np.bincount(labels[labels >= 0], minlength=len(minima)).astype(np.int64)


def _grid(lo, hi, n):
    axis = np.linspace(lo, hi, n)
    return np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2)


def _basin_counts_cases() -> list[Case]:
    rng = case_rng(803)
    cases = []
    for n_wells, n_grid, hidden in ((3, 8, False), (2, 10, False), (4, 12, True), (5, 15, True), (1, 6, True)):
        wells = _wells(rng, n_wells)
        minima = _minima(wells)
        cases.append(Case((WellsGradient(wells), _grid(-3, 3, n_grid), 0.1, 200, minima, 1e-3), hidden=hidden))
    return cases


# ---------------------------------------------------------------- q4 restarts_success
def _restarts_success_ref(p, k):
    return 1.0 - (1.0 - np.asarray(p, dtype=np.float64)) ** np.asarray(k, dtype=np.float64)


def _restarts_success_cases() -> list[Case]:
    rng = case_rng(804)
    return [
        Case((0.3, 1)),
        Case((np.array([0.1, 0.25, 0.5]), 4)),
        Case((rng.uniform(size=8), np.arange(1, 9)), hidden=True),
        Case((np.array([0.0, 1.0, 1e-6]), 1000), hidden=True),
        Case((0.05, np.array([1, 10, 100])), hidden=True),
    ]


# ---------------------------------------------------------------- q5 restarts_needed (derivation)
def _restarts_needed_cases() -> list[Case]:
    return [
        Case((0.3, 0.9)),
        Case((0.05, 0.99)),
        Case((0.43, 0.999), hidden=True),
        Case((0.9, 0.5), hidden=True),         # one start is already enough
        Case((1e-3, 0.95), hidden=True),
        Case((0.2, 0.8), hidden=True),
        # whole-number ratios log(1 - target) / log(1 - p) (exactly 2 and 3 in floating point): the
        # smallest k is the ratio itself, so floor(ratio) + 1 is one too many
        Case((0.5, 0.75), hidden=True),
        Case((0.5, 0.875), hidden=True),
    ]


def _restarts_needed_judge(output, case: Case):
    p, target = case.args
    value = np.asarray(output)
    if value.size != 1 or not np.isfinite(value.astype(float)).all() or float(value) != round(float(value)):
        return False, f"expected one whole number of restarts, got {show(output)}"
    k = int(round(float(value)))
    if k < 1:
        return False, f"at least one start is needed, got k = {k}"
    reach = lambda n: 1 - (1 - p) ** n   # noqa: E731
    if reach(k) < target:
        return False, f"k = {k} restarts succeed with probability {reach(k):.4f} < target {target}"
    if k > 1 and reach(k - 1) >= target:
        return False, f"k = {k} is not the smallest: k - 1 = {k - 1} already reaches {reach(k - 1):.4f} ≥ {target}"
    return True, f"k = {k} is the smallest number of restarts reaching {target}"


# ---------------------------------------------------------------- q6 cooling_factor (derivation)
def _cooling_factor_ref(T0, T_end, steps):
    return np.float64((T_end / T0) ** (1.0 / steps))


def _cooling_factor_cases() -> list[Case]:
    return [
        Case((1.0, 0.01, 100)),
        Case((5.0, 0.5, 20)),
        Case((2.0, 1e-4, 1000), hidden=True),
        Case((1.0, 0.999, 1), hidden=True),
        Case((100.0, 1e-6, 5000), hidden=True),
    ]


#: version of this question set (docs/question-changes.md); raise it when a change can change a score
VERSION = "2"

QUESTIONS: list[Question] = [
    Question(
        id="q1",
        title="The Metropolis acceptance probability",
        function="metropolis_acceptance",
        points=2,
        cases=_metropolis_cases,
        reference=_metropolis_ref,
        rtol=1e-10,
        atol=1e-300,
        forbidden=("companion.search.metropolis_acceptance",),
        hint="for a downhill move (delta <= 0) the answer is known without any exponential; "
             "keep the shape of delta",
        hints=(("nonfinite", "arrange things so that np.exp never receives a large positive argument "
                "(an uphill move has delta > 0, so exp(-delta / T) is at most 1)"),),
    ),
    Question(
        id="q2",
        title="One simulated-annealing step",
        function="annealing_step",
        points=3,
        cases=_annealing_step_cases,
        reference=_annealing_step_ref,
        judge=_annealing_step_judge,
        output="tuple",
        rtol=1e-10,
        atol=1e-12,
        forbidden=("companion.search.annealing_step", "companion.search.simulated_annealing",
                   "companion.search.anneal_chains"),
        hint="use the generator in the stated order: the normal move first, then one uniform u on every call "
             "(even downhill, or later draws go out of step); reuse Q1 for the test, and never modify x",
    ),
    Question(
        id="q3",
        title="Counting the basins reached from a grid of starts",
        function="basin_counts",
        points=3,
        cases=_basin_counts_cases,
        reference=_basin_counts_ref,
        rtol=0,
        atol=0,
        forbidden=("companion.search.gradient_descent", "companion.search.basin_labels",
                   "companion.search.random_restarts"),
        hint="move all n starts together with array operations (no loop over starts); then compare each end with "
             "every minimum at once, and remember that an end too far from its nearest minimum counts for none",
    ),
    Question(
        id="q4",
        title="Success probability of k random restarts",
        function="restarts_success",
        points=1,
        cases=_restarts_success_cases,
        reference=_restarts_success_ref,
        rtol=1e-12,
        atol=1e-15,
        hint="think of the opposite event, every one of the k starts failing: what is its probability "
             "when the starts are independent? p and k may be arrays, so use operations that broadcast",
    ),
    Question(
        id="q5",
        title="How many restarts are enough? (derivation)",
        function="restarts_needed",
        points=2,
        cases=_restarts_needed_cases,
        judge=_restarts_needed_judge,
        output="scalar",
        hint=("set Q4's success probability against the target and solve for k with logarithms; "
              'mind which way the inequality turns when you divide by a negative number; floating '
              'point can be off by one, so confirm k and k - 1 with Q4'),
    ),
    Question(
        id="q6",
        title="The geometric cooling factor (derivation)",
        function="cooling_factor",
        points=2,
        cases=_cooling_factor_cases,
        reference=_cooling_factor_ref,
        output="scalar",
        rtol=1e-10,
        atol=1e-14,
        hint="write the temperature after `steps` steps with the geometric schedule, set it equal to "
             "T_end and isolate alpha; no loop or search is needed, and alpha lies between 0 and 1",
    ),
]
