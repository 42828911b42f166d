"""Practice questions for chapter 11, *Other classic networks* (solutions/11_classic_networks_practice.ipynb).

Each answer is one defining computation of a network of :mod:`companion.classic`, compared with
that module on visible and hidden cases built from fixed seeds:

* q1 the RBF hidden-layer activation matrix ``Φ[i, j] = exp(−‖x_i − c_j‖²/(2σ²))``;
* q2 the ART1 vigilance test ``|x ∧ w_j| / |x| ≥ ρ`` and q3 one ART1 presentation with fast learning;
* q4 one SOM update ``w_i ← w_i + η h_i (x − w_i)``;
* q5 cascade-correlation's ``S = Σ_o |Σ_p (V_p − V̄)(E_{p,o} − Ē_o)|``;
* q6 the BPTT gradients of an Elman network;
* q7 the RBM free energy and q8 one CD-1 gradient with a given seed (draws in a fixed order).
"""
from __future__ import annotations

import numpy as np

from course_check.spec import Case, Question
from grader.secret import case_rng

__all__ = ["QUESTIONS"]


# ---------------------------------------------------------------- q1 rbf_activations
def _rbf_ref(X, centers, width):
    from companion.classic import rbf_activations

    return rbf_activations(X, centers, width)


def _rbf_cases() -> list[Case]:
    rng = case_rng(1101)
    cases = [Case((np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]), 1.0))]
    for n, k, d, width, hidden in ((5, 3, 2, 0.5, False), (20, 6, 4, 2.0, True), (1, 1, 1, 0.1, True),
                                   (30, 8, 3, 0.05, True)):
        cases.append(Case((rng.normal(size=(n, d)), rng.normal(size=(k, d)), width), hidden=hidden))
    return cases


# ---------------------------------------------------------------- q2 art1_vigilance, q3 art1_update
def _art_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    hand = np.array([[1, 0, 0, 0], [0, 0, 1, 1]])
    cases = [Case((np.array([1, 1, 0, 0]), hand, 0.5)),          # resonance with category 0
             Case((np.array([1, 1, 0, 0]), hand, 0.6)),          # every category reset
             Case((np.array([1, 0, 1, 1]), hand, 0.6))]          # best choice reset, next one passes
    for k, d, rho in ((4, 8, 0.5), (6, 12, 0.7), (3, 10, 0.3), (8, 16, 0.9), (1, 5, 0.2)):
        P = (rng.random((k, d)) < 0.5).astype(int)
        x = (rng.random(d) < 0.5).astype(int)
        x[rng.integers(d)] = 1                                    # never all zero
        cases.append(Case((x, P, rho), hidden=True))
    # a tie: categories 1 and 2 have equal choice values and both pass; the lowest index wins
    cases.append(Case((np.array([1, 1, 0, 0]), np.array([[0, 0, 1, 1], [1, 0, 1, 0], [0, 1, 0, 1]]), 0.4),
                      hidden=True))
    return cases


def _vigilance_cases() -> list[Case]:
    return _art_cases(1102)


def _vigilance_ref(x, prototypes, vigilance):
    from companion.classic import art1_match

    return art1_match(np.asarray(x, dtype=int), np.asarray(prototypes, dtype=int)) >= vigilance


def _update_ref(x, prototypes, vigilance, alpha=1e-3):
    from companion.classic import art1_present

    return art1_present(np.asarray(x, dtype=int), np.asarray(prototypes, dtype=int), vigilance, alpha)[1]


def _update_cases() -> list[Case]:
    return [Case(c.args + (1e-3,), hidden=c.hidden) for c in _art_cases(1103)]


# ---------------------------------------------------------------- q4 som_update
def _som_ref(weights, x, lr, sigma):
    from companion.classic import som_step

    return som_step(weights, x, lr, sigma)


def _som_cases() -> list[Case]:
    rng = case_rng(1104)
    cases = []
    for rows, cols, dim, lr, sigma, hidden in ((2, 3, 2, 0.5, 1.0, False), (4, 4, 3, 0.1, 2.0, False),
                                               (5, 7, 4, 0.9, 0.5, True), (1, 6, 1, 0.3, 1.5, True),
                                               (3, 3, 64, 0.05, 0.8, True)):
        cases.append(Case((rng.random((rows, cols, dim)), rng.random(dim), lr, sigma), hidden=hidden))
    return cases


# ---------------------------------------------------------------- q5 cc_score
def _cc_ref(V, E):
    from companion.classic import correlation_score

    return correlation_score(V, E)


def _cc_cases() -> list[Case]:
    rng = case_rng(1105)
    cases = [Case((np.array([1.0, -1.0, 0.5, 0.0]), np.array([[0.2], [-0.4], [0.1], [0.0]])))]
    for n, m, hidden in ((10, 2, False), (50, 3, True), (7, 1, True), (30, 5, True)):
        cases.append(Case((np.tanh(rng.normal(size=n)), rng.normal(size=(n, m))), hidden=hidden))
    return cases


# ---------------------------------------------------------------- q6 elman_gradients
def _elman_ref(X, Y, W_xh, W_hh, b_h, W_hy, b_y):
    from companion.classic import Elman

    net = Elman(W_xh.shape[1], W_xh.shape[0], W_hy.shape[0], hidden="tanh")
    net.params = {"W_xh": np.array(W_xh, dtype=float), "W_hh": np.array(W_hh, dtype=float),
                  "b_h": np.array(b_h, dtype=float), "W_hy": np.array(W_hy, dtype=float),
                  "b_y": np.array(b_y, dtype=float)}
    return tuple(net.backprop(X, Y))          # a list in the order W_xh, W_hh, b_h, W_hy, b_y


def _elman_cases() -> list[Case]:
    rng = case_rng(1106)
    cases = []
    for n, T, i, h, o, hidden in ((1, 2, 1, 2, 1, False), (3, 4, 2, 3, 2, False),
                                  (5, 7, 3, 4, 2, True), (2, 10, 1, 6, 1, True), (4, 1, 2, 2, 3, True)):
        params = (0.7 * rng.normal(size=(h, i)), 0.7 * rng.normal(size=(h, h)), 0.3 * rng.normal(size=h),
                  0.7 * rng.normal(size=(o, h)), 0.3 * rng.normal(size=o))
        cases.append(Case((rng.normal(size=(n, T, i)), rng.normal(size=(n, T, o))) + params, hidden=hidden))
    return cases


# ---------------------------------------------------------------- q7 rbm_free_energy, q8 rbm_cd1
def _rbm(W, b, c):
    from companion.classic import RBM

    rbm = RBM(len(b), len(c))
    rbm.params = {"W": np.array(W, dtype=float), "b": np.array(b, dtype=float), "c": np.array(c, dtype=float)}
    return rbm


def _free_energy_cases() -> list[Case]:
    # The question says F must stay finite for large weights: one hidden case has W·v + c far beyond
    # 710, where e^z overflows float64, so log(1 + e^z) written as is gives inf.
    rng = np.random.default_rng(11070)
    V = (rng.random((6, 12)) < 0.5).astype(float)
    V[0] = 1.0
    large = Case((V, 400.0 * np.abs(rng.normal(size=(5, 12))) + 100.0, rng.normal(size=12), rng.normal(size=5)),
                 hidden=True)
    return _rbm_cases(1107, with_seed=False) + [large]


def _cd1_cases() -> list[Case]:
    return _rbm_cases(1108, with_seed=True)


def _free_energy_ref(V, W, b, c):
    return _rbm(W, b, c).free_energy(V)


def _cd1_ref(V, W, b, c, seed):
    g = _rbm(W, b, c).cd_gradients(V, k=1, rng=np.random.default_rng(seed))
    return g["W"], g["b"], g["c"]


def _rbm_cases(seed: int, with_seed: bool) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for n, v, h, scale, hidden in ((2, 3, 2, 1.0, False), (5, 6, 4, 0.5, False), (10, 9, 6, 2.0, True),
                                   (1, 4, 1, 1.0, True), (8, 64, 16, 30.0, True)):
        V = (rng.random((n, v)) < 0.5).astype(float)
        args = (V, scale * rng.normal(size=(h, v)), rng.normal(size=v), rng.normal(size=h))
        cases.append(Case(args + ((int(rng.integers(1000)),) if with_seed else ()), hidden=hidden))
    return cases


#: version of this question set (docs/question-changes.md); raise it when a change can change a score
VERSION = "2"

QUESTIONS: list[Question] = [
    Question(
        id="q1", title="RBF hidden-layer activations", function="rbf_activations", points=2,
        cases=_rbf_cases, reference=_rbf_ref, rtol=1e-10, atol=1e-12,
        forbidden=("companion.classic.rbf_activations", "companion.classic.rbf.rbf_activations"),
        hint="the work is in the distances: get all n*k squared distances at once by broadcasting (add "
             "an axis so examples and centres line up, then reduce over features); Phi must be (n, k)",
    ),
    Question(
        id="q2", title="ART1 vigilance test", function="art1_vigilance", points=1,
        cases=_vigilance_cases, reference=_vigilance_ref,
        forbidden=("companion.classic.art1_match", "companion.classic.art.art1_match"),
        hint="treat all k prototypes at once: count the overlap with x row by row (mind the "
             "axis); the denominator is the same for every row; return one boolean per prototype",
    ),
    Question(
        id="q3", title="ART1: one presentation with fast learning", function="art1_update", points=2,
        cases=_update_cases, reference=_update_ref,
        forbidden=("companion.classic.art1_present", "companion.classic.art.art1_present",
                   "companion.classic.ART1", "companion.classic.art.ART1"),
        hint="reuse Q2 for the vigilance mask; a failing category must not be able to win, whatever its T_j; "
             "mind ties (lowest index) and work on an integer copy; with no winner the array gains a row",
    ),
    Question(
        id="q4", title="SOM: one neighbourhood-weighted update", function="som_update", points=2,
        cases=_som_cases, reference=_som_ref, rtol=1e-10, atol=1e-12,
        forbidden=("companion.classic.som_step", "companion.classic.som.som_step",
                   "companion.classic.SOM", "companion.classic.som.SOM"),
        hint="find the winner on the flattened map, but measure the neighbourhood on the grid: a unit's (row, "
             "column) follows from its row-major index; every unit moves by its own h_i; return a new array",
    ),
    Question(
        id="q5", title="Cascade-correlation score S", function="cc_score", points=1,
        cases=_cc_cases, reference=_cc_ref, output="scalar", rtol=1e-10, atol=1e-12,
        forbidden=("companion.classic.correlation_score", "companion.classic.cascade.correlation_score"),
        hint="the bars are means over the n examples, one per column of E; take the absolute "
             "value for each output separately, before summing over the outputs, not after",
    ),
    Question(
        id="q6", title="Elman network: backpropagation through time", function="elman_gradients", points=3,
        cases=_elman_cases, reference=_elman_ref, output="tuple", rtol=1e-8, atol=1e-10,
        forbidden=("companion.classic.Elman", "companion.classic.elman.Elman"),
        hint="keep every h_t of the forward pass (h_0 = 0), then walk back with the stated D_t recursion; each "
             "weight acts at every step, so its gradient sums over t and examples; the 1/n is already inside G_t",
    ),
    Question(
        id="q7", title="RBM free energy", function="rbm_free_energy", points=1,
        cases=_free_energy_cases, reference=_free_energy_ref, rtol=1e-10, atol=1e-10,
        forbidden=("companion.classic.RBM", "companion.classic.rbm.RBM"),
        hint="check the signs: both terms of the free energy enter with a minus, and each bias belongs "
             "to its own layer (b to the visible units, c to the hidden ones); one value per row of V",
        hints=(("nonfinite", "log(1 + e^z) overflows for large z if written as is; NumPy has a stable "
                "function for log(e^a + e^b) (what are a and b here?)"),
               ("shape", "one free energy per row of V: sum over the hidden units (and the visible "
                "units for the b·v term), not over the examples")),
    ),
    Question(
        id="q8", title="RBM: one CD-1 gradient", function="rbm_cd1", points=3,
        cases=_cd1_cases, reference=_cd1_ref, output="tuple",
        rtol=1e-10, atol=1e-12,
        forbidden=("companion.classic.RBM", "companion.classic.rbm.RBM"),
        hint="one generator from seed, draws in the stated order: the hidden sample, then the visible sample, "
             "and no third draw (p1 stays probabilities); samples as floats; mind the 1/n and the minus signs",
    ),
]
