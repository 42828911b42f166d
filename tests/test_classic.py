"""Tests for companion.classic: each network against hand-derived values, invariants and oracles.

Oracles used: hand-traced runs (ART1), brute-force loops written independently of the vectorized
code (RBF, SOM, Elman), central finite differences (cascade-correlation's S, Elman's BPTT, the
RBM's exact gradient), exhaustive enumeration (RBM free energy, partition function, CD-k's
expected gradient through the exact Gibbs transition matrix).
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion import datasets
from companion.gradcheck import numerical_gradient, relative_error

# ================================================================ RBF network
from companion.classic import Hopfield, RBFNetwork, kmeans, mean_center_distance, rbf_activations


def test_rbf_solves_xor_exactly_with_four_centres():
    X, y = datasets.xor()
    net = RBFNetwork(4, seed=0).fit(X, y.astype(float))
    assert sorted(map(tuple, net.centers_)) == sorted(map(tuple, X))     # one centre per corner
    np.testing.assert_allclose(net.predict(X), y, atol=1e-9)
    assert net.predict(X).shape == (4,)


def test_rbf_regression_error_falls_with_the_number_of_centres():
    x, t = datasets.regression_1d(n=200, noise=0.0, seed=0)
    errors = [np.mean((RBFNetwork(k, seed=0).fit(x, t).predict(x) - t) ** 2) for k in (1, 2, 4, 8, 16)]
    assert all(b < a for a, b in zip(errors, errors[1:])), errors


def test_rbf_activations_match_a_loop_and_equal_one_at_the_centres():
    rng = np.random.default_rng(1)
    X, C = rng.normal(size=(7, 3)), rng.normal(size=(4, 3))
    loop = np.array([[np.exp(-np.sum((x - c) ** 2) / (2 * 0.7 ** 2)) for c in C] for x in X])
    np.testing.assert_allclose(rbf_activations(X, C, 0.7), loop, rtol=1e-12)
    np.testing.assert_allclose(np.diag(rbf_activations(C, C, 0.7)), 1.0)


@settings(max_examples=25)
@given(st.integers(1, 30), st.integers(1, 4), st.floats(0.05, 10.0), st.integers(0, 10_000))
def test_rbf_activations_lie_in_zero_one(n, d, width, seed):
    rng = np.random.default_rng(seed)
    Phi = rbf_activations(rng.normal(size=(n, d)), rng.normal(size=(3, d)), width)
    assert Phi.shape == (n, 3) and np.all((Phi >= 0) & (Phi <= 1))


def test_rbf_default_width_is_the_mean_nearest_centre_distance():
    X, y = datasets.moons(60, seed=0)
    net = RBFNetwork(5, seed=3).fit(X, np.eye(2)[y])
    C = net.centers_
    nearest = [min(np.linalg.norm(C[i] - C[j]) for j in range(5) if j != i) for i in range(5)]
    assert net.width_ == pytest.approx(np.mean(nearest)) == pytest.approx(mean_center_distance(C))
    assert net.predict(X).shape == (60, 2)
    assert RBFNetwork(5, width=0.3, seed=3).fit(X, y).width_ == 0.3


def test_kmeans_reaches_a_fixed_point_of_lloyds_algorithm():
    X, _ = datasets.moons(80, seed=2)
    C, labels = kmeans(X, 4, seed=5)
    nearest = np.argmin([[np.sum((x - c) ** 2) for c in C] for x in X], axis=1)
    np.testing.assert_array_equal(labels, nearest)
    for j in range(4):
        np.testing.assert_allclose(C[j], X[labels == j].mean(0))
    np.testing.assert_array_equal(kmeans(X, 4, seed=5)[0], C)           # seeded


def test_rbf_errors_are_clear_and_inputs_untouched():
    X, y = datasets.xor()
    with pytest.raises(ValueError, match="not fitted"):
        RBFNetwork(2).predict(X)
    with pytest.raises(ValueError, match="width"):
        RBFNetwork(2, width=-1.0)
    with pytest.raises(TypeError, match="n_centers"):
        RBFNetwork(2.5)
    with pytest.raises(ValueError, match="k must be"):
        RBFNetwork(5).fit(X, y)
    with pytest.raises(ValueError, match="same number of examples"):
        RBFNetwork(2).fit(X, y[:3])
    before = X.copy()
    net = RBFNetwork(2, seed=0).fit(X, y)
    np.testing.assert_array_equal(X, before)
    with pytest.raises(ValueError, match="2 columns"):
        net.predict(np.ones((3, 5)))


def test_kmeans_plus_plus_never_picks_a_point_twice_and_copes_with_duplicates():
    X4 = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    for seed in range(12):
        # D² is 0 at a chosen point, so k = n distinct points are all chosen, and Lloyd stops there
        C, labels = kmeans(X4, 4, seed=seed)
        assert sorted(map(tuple, C)) == sorted(map(tuple, X4)), seed
        np.testing.assert_array_equal(C[labels], X4)
        # once every point sits on a centre (D² = 0 everywhere) the next centre is a duplicate;
        # a centre left without points (ties go to the lower index) keeps its place
        C, labels = kmeans([[0.0], [0.0], [1.0]], 3, seed=seed)
        assert np.isfinite(C).all() and set(C[:, 0]) == {0.0, 1.0} and set(labels) <= {0, 1, 2}
        np.testing.assert_array_equal(C[labels, 0], [0.0, 0.0, 1.0])


def test_lloyd_stops_once_the_labels_repeat_and_seeds_default_to_zero():
    X, y = datasets.xor()
    # four centres on four points: distortion 0 at the first assignment, the same labels at the second
    assert RBFNetwork(4).fit(X, y.astype(float)).history_ == [0.0, 0.0]
    M, _ = datasets.moons(80, seed=2)
    np.testing.assert_array_equal(kmeans(M, 4)[0], kmeans(M, 4, seed=0)[0])
    assert not np.allclose(kmeans(M, 4, seed=1)[0], kmeans(M, 4, seed=0)[0])
    np.testing.assert_array_equal(RBFNetwork(4).fit(M, M[:, 0]).centers_, RBFNetwork(4, seed=0).fit(M, M[:, 0]).centers_)
    assert not np.allclose(RBFNetwork(4, seed=1).fit(M, M[:, 0]).centers_, RBFNetwork(4).fit(M, M[:, 0]).centers_)
    assert RBFNetwork(4).history_ == []                                  # nothing recorded before fit


def test_mean_center_distance_and_hidden_layer_by_hand():
    # pairwise distances 5 (0–1), 3 (0–2), 4 (1–2): nearest 3, 4, 3
    assert mean_center_distance([[0.0, 0.0], [3.0, 4.0], [3.0, 0.0]]) == pytest.approx(10 / 3)
    assert mean_center_distance([[0.0, 0.0], [3.0, 4.0]]) == pytest.approx(5.0)
    assert mean_center_distance([[2.0, 7.0]]) == 1.0                    # no pair: the documented 1.0
    X, y = datasets.xor()
    net = RBFNetwork(1).fit(X, y.astype(float))
    assert net.width_ == 1.0
    np.testing.assert_allclose(net.centers_, [[0.5, 0.5]])               # one centre: the mean
    np.testing.assert_allclose(net.hidden(X), np.full((4, 1), np.exp(-0.5 / 2)))   # ‖x − c‖² = 1/2, σ = 1
    np.testing.assert_allclose(net.predict(X), np.full(4, 0.5), atol=1e-12)        # constant Φ: the mean


def test_rbf_errors_name_the_argument_and_the_method():
    X, y = datasets.xor()
    for call, pattern in (
            (lambda: kmeans(np.ones((3, 2, 1)), 2), r"^X must"),
            (lambda: kmeans(X, 0), r"^k must be a positive int"),
            (lambda: kmeans(X, 5), r"^k must be ≤ the number of examples \(4\); got 5$"),
            (lambda: kmeans(X, 2, n_iter=0), r"^n_iter must"),
            (lambda: rbf_activations(np.ones((2, 2, 1)), X, 1.0), r"^X must"),
            (lambda: rbf_activations(X, np.ones((2, 3)), 1.0), r"^centers must have 2 columns"),
            (lambda: rbf_activations(X, X, 0.0), r"^width must"),
            (lambda: mean_center_distance(np.ones(3)), r"^centers must"),
            (lambda: RBFNetwork(0), r"^n_centers must"),
            (lambda: RBFNetwork(2, width=0.0), r"^width must"),
            (lambda: RBFNetwork(2).fit(X, np.ones((4, 2, 1))), r"^Y must"),
            (lambda: RBFNetwork(2).fit(X, y[:3]), r"^X and Y must hold the same number of examples"),
            (lambda: RBFNetwork(2).hidden(X), r"before hidden\(\)"),
            (lambda: RBFNetwork(2).forward(X), r"before forward\(\)"),
            (lambda: RBFNetwork(2).fit(X, y).hidden(np.ones((3, 5))), r"^X must have 2 columns"),
            (lambda: RBFNetwork(2).fit(X, y).forward(np.ones((3, 5))), r"^X must have 2 columns")):
        with pytest.raises((ValueError, TypeError), match=pattern):
            call()


# ================================================================ ART1
from companion.classic import ART1, art1_present  # noqa: E402

HAND = np.array([[1, 1, 0, 0], [1, 0, 0, 0], [0, 0, 1, 1]])


def test_art1_hand_traced_run_at_vigilance_one_half():
    # pass 1: x1 founds w0 = 1100; x2 matches 1/1 → w0 = 1100 ∧ 1000 = 1000; x3 matches 0 → w1 = 0011.
    # pass 2: x1 matches w0 with 1/2 ≥ 0.5 (no change); nothing changes, so fit stops.
    art = ART1(0.5).fit(HAND)
    np.testing.assert_array_equal(art.prototypes_, [[1, 0, 0, 0], [0, 0, 1, 1]])
    np.testing.assert_array_equal(art.labels_, [0, 0, 1])
    assert art.n_epochs_ == 2


def test_art1_hand_traced_run_at_vigilance_point_six():
    # pass 2: x1 matches w0 = 1000 with only 1/2 < 0.6 and w1 with 0 → reset both, new w2 = 1100.
    # pass 3: T2 = 2/(2+α) > T0 = 1/(1+α), so x1 resonates with w2; x2 picks w0 (T0 > T2).
    art = ART1(0.6).fit(HAND)
    np.testing.assert_array_equal(art.prototypes_, [[1, 0, 0, 0], [0, 0, 1, 1], [1, 1, 0, 0]])
    np.testing.assert_array_equal(art.labels_, [2, 0, 1])


def _random_patterns(seed, n=40, d=12, p=0.35):
    return (np.random.default_rng(seed).random((n, d)) < p).astype(int)


def test_art1_higher_vigilance_can_give_fewer_categories_a_hand_traced_counterexample():
    # "Higher vigilance never gives fewer categories" is NOT a theorem: the order of presentation
    # matters. At ρ = 0.5, x2 = 10001 joins x1's category (match 1/2) and erodes it to 00001, so x1
    # later needs a third category. At ρ = 0.55, x2 founds its own category, which x3 then joins.
    X = np.array([[0, 0, 1, 1, 1], [1, 0, 0, 0, 1], [1, 1, 0, 0, 1]])
    low, high = ART1(0.5).fit(X), ART1(0.55).fit(X)
    np.testing.assert_array_equal(low.prototypes_, [[0, 0, 0, 0, 1], [1, 1, 0, 0, 1], [0, 0, 1, 1, 1]])
    np.testing.assert_array_equal(high.prototypes_, [[0, 0, 1, 1, 1], [1, 0, 0, 0, 1]])


@settings(max_examples=15)
@given(st.integers(0, 10_000), st.floats(0.2, 0.5))
def test_art1_category_count_is_bounded_and_grows_with_vigilance_overall(seed, p):
    # What does hold: ρ = 0 gives one category, ρ = 1 one per distinct pattern (the most possible),
    # and across the range the count rises (positive rank correlation), even if not step by step.
    X = _random_patterns(seed, p=p)
    X = X[X.any(1)]
    rhos = np.linspace(0.0, 1.0, 11)
    counts = np.array([len(ART1(rho).fit(X).prototypes_) for rho in rhos])
    assert counts[0] == 1 and counts[-1] == len({tuple(x) for x in X}) == counts.max()
    assert np.corrcoef(np.argsort(np.argsort(counts)), np.arange(11))[0, 1] > 0.8


@pytest.mark.parametrize("rho", [0.3, 0.6, 0.9])
def test_art1_is_stable_and_prototypes_are_subsets_of_their_members(rho):
    X = _random_patterns(7)
    art = ART1(rho).fit(X)
    k, protos = len(art.prototypes_), art.prototypes_.copy()
    for i, j in enumerate(art.labels_):
        assert np.all(art.prototypes_[j] <= X[i]), (i, j)            # prototype ⊆ member
        assert (X[i] & art.prototypes_[j]).sum() >= rho * X[i].sum()  # each member passes vigilance
    art.partial_fit(X)                                                 # present the set again
    assert len(art.prototypes_) == k
    np.testing.assert_array_equal(art.prototypes_, protos)
    np.testing.assert_array_equal(art.predict(X), art.labels_)


def test_art1_search_equals_a_one_by_one_search_with_resets():
    rng = np.random.default_rng(3)
    P = (rng.random((6, 10)) < 0.5).astype(np.int8)
    for x in (rng.random((30, 10)) < 0.5).astype(np.int8):
        if not x.any():
            continue
        T = (P & x).sum(1) / (1e-3 + P.sum(1))
        expected = len(P)
        for j in sorted(range(len(P)), key=lambda j: (-T[j], j)):    # decreasing choice, then reset
            if (P[j] & x).sum() / x.sum() >= 0.7:
                expected = j
                break
        got, _ = art1_present(x, P, 0.7, 1e-3)
        assert got == expected


def test_art1_all_zero_input_is_left_uncategorized():
    X = np.vstack([HAND, np.zeros(4, dtype=int)])
    art = ART1(0.5).fit(X)
    assert art.labels_[-1] == -1
    np.testing.assert_array_equal(art.prototypes_, ART1(0.5).fit(HAND).prototypes_)


def test_art1_errors_are_clear_and_inputs_untouched():
    with pytest.raises(ValueError, match="only 0 and 1"):
        ART1(0.5).fit([[0, 0.5, 1]])
    with pytest.raises(ValueError, match="vigilance"):
        ART1(1.5)
    with pytest.raises(ValueError, match="not fitted"):
        ART1(0.5).predict(HAND)
    X = HAND.copy()
    ART1(0.9).fit(X)
    np.testing.assert_array_equal(X, HAND)


def test_art1_choice_and_match_by_hand():
    from companion.classic.art import art1_choice, art1_match

    x = np.array([1, 1, 0, 0], dtype=np.int8)
    W = np.array([[1, 0, 0, 0], [1, 1, 1, 0], [0, 0, 1, 1]], dtype=np.int8)
    # |x ∧ w| = 1, 2, 0; |w| = 1, 3, 2; |x| = 2; α = 0.5
    np.testing.assert_allclose(art1_choice(x, W, 0.5), [1 / 1.5, 2 / 3.5, 0.0])
    np.testing.assert_allclose(art1_match(x, W), [0.5, 1.0, 0.0])


def test_art1_predict_never_learns_and_says_minus_one_when_nothing_passes():
    art = ART1(0.5).fit(HAND)                                  # prototypes 1000, 0011
    protos = art.prototypes_.copy()
    # 0100 shares no 1 with either prototype (match 0 < 0.5 for both) → −1; 1010 passes both with
    # match 1/2 and picks w0 (T = 1/(1+α) > 1/(2+α)); 0111 passes only w1 (2/3)
    np.testing.assert_array_equal(art.predict([[0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 1, 1]]), [-1, 0, 1])
    np.testing.assert_array_equal(art.prototypes_, protos)    # no new category, no erosion
    np.testing.assert_array_equal(art.transform([[0, 1, 0, 0], [1, 1, 0, 0], [0, 0, 0, 1]]),
                                  [[0, 0], [1, 0], [0, 1]])  # exact one-hot rows, zeros for −1
    assert art1_present(np.array([1, 0]), np.zeros((0, 2), dtype=np.int8), 0.5, 1e-3, learn=False)[0] == -1


def test_art1_partial_fit_from_scratch_is_a_first_pass():
    art = ART1(0.5)
    assert art.n_epochs_ == 0 and art.history_ == [] and art.max_epochs == 100   # documented defaults
    art.partial_fit(HAND)                                      # the hand-traced first pass
    np.testing.assert_array_equal(art.prototypes_, [[1, 0, 0, 0], [0, 0, 1, 1]])
    np.testing.assert_array_equal(art.labels_, [0, 0, 1])
    assert art.n_epochs_ == 1 and art.history_ == [3]
    art.partial_fit(HAND)
    assert art.n_epochs_ == 2 and art.history_ == [3, 0]


def test_art1_first_pass_does_not_count_all_zero_rows_as_changes():
    art = ART1(0.5).fit(np.vstack([np.zeros(4, dtype=int), HAND]))
    assert art.history_ == [3, 0]                              # 3 categorized rows, then a quiet pass


def test_art1_keeps_going_while_a_pass_only_erodes_a_prototype():
    # ρ = 0.6. pass 1: 011 founds w0; 010 matches 1/1 → w0 = 010; 111 matches 1/3 → w1 = 111.
    # pass 2: 011 fails w0 (1/2) and joins w1 (2/2) → w1 = 011 (same count, new content);
    #         010 → w0; 111 picks w1 (T = 2/(2+α) > 1/(1+α)), match 2/3 → stays 011. labels 1, 0, 1.
    # pass 3: nothing changes, so fit stops after three passes.
    art = ART1(0.6).fit([[0, 1, 1], [0, 1, 0], [1, 1, 1]])
    np.testing.assert_array_equal(art.prototypes_, [[0, 1, 0], [0, 1, 1]])
    np.testing.assert_array_equal(art.labels_, [1, 0, 1])
    assert art.n_epochs_ == 3 and art.history_ == [3, 1, 0]


def test_art1_errors_name_the_argument():
    for make, name in ((lambda: ART1(1.5), "vigilance"), (lambda: ART1(0.5, alpha=0.0), "alpha"),
                       (lambda: ART1(0.5, max_epochs=0), "max_epochs")):
        with pytest.raises(ValueError, match=rf"^{name} must"):
            make()
    for call in (lambda: ART1(0.5).fit([[0, 2]]), lambda: ART1(0.5).partial_fit([[0, 2]]),
                 lambda: ART1(0.5).fit(HAND).predict([[0, 2, 0, 0]])):
        with pytest.raises(ValueError, match=r"^X must hold only 0 and 1"):
            call()


# ================================================================ SOM
from companion.classic import SOM, som_step  # noqa: E402


@pytest.fixture(scope="module")
def uniform_som():
    U = np.random.default_rng(0).random((400, 2))
    return SOM(8, 8, 2, seed=0).fit(U, epochs=8), U


def test_som_orders_itself_on_uniform_data(uniform_som):
    som, U = uniform_som
    untrained = SOM(8, 8, 2, seed=0)
    untrained.fit(U[:1], epochs=1)                   # a nearly untrained map, same initial spread
    assert som.qe_history_[-1] < som.qe_history_[0]
    assert som.quantization_error(U) < untrained.quantization_error(U)
    assert som.topographic_error(U) < 0.05


def test_som_bmu_and_errors_match_brute_force(uniform_som):
    som, U = uniform_som
    X = U[:25]
    W = som.weights
    best = [min(np.ndindex(8, 8), key=lambda rc: np.sum((x - W[rc]) ** 2)) for x in X]
    np.testing.assert_array_equal(som.bmu(X), best)
    qe = np.mean([np.linalg.norm(x - W[rc]) for x, rc in zip(X, best)])
    assert som.quantization_error(X) == pytest.approx(qe)
    U_loop = np.zeros((8, 8))
    for r, c in np.ndindex(8, 8):
        nb = [(r + a, c + b) for a, b in ((1, 0), (-1, 0), (0, 1), (0, -1)) if 0 <= r + a < 8 and 0 <= c + b < 8]
        U_loop[r, c] = np.mean([np.linalg.norm(W[r, c] - W[q]) for q in nb])
    np.testing.assert_allclose(som.u_matrix(), U_loop)


def test_som_topographic_error_of_an_ordered_and_a_scrambled_map():
    grid = np.stack(np.meshgrid(np.arange(4.0), np.arange(5.0), indexing="ij"), -1)   # (4, 5, 2)
    X = grid.reshape(-1, 2)[:-1] + np.array([0.3, 0.1])    # each input nearest a unit, then its neighbour
    som = SOM(4, 5, 2, seed=0)
    som.fit(X, epochs=1)
    som.weights = grid.copy()
    assert som.topographic_error(X) == 0.0
    som.weights = grid.reshape(-1, 2)[np.random.default_rng(0).permutation(20)].reshape(4, 5, 2)
    assert som.topographic_error(X) > 0.3


def test_som_step_matches_a_loop_over_units():
    rng = np.random.default_rng(4)
    W, x = rng.random((3, 4, 2)), rng.random(2)
    c = min(np.ndindex(3, 4), key=lambda rc: np.sum((x - W[rc]) ** 2))
    expected = W.copy()
    for rc in np.ndindex(3, 4):
        h = np.exp(-((rc[0] - c[0]) ** 2 + (rc[1] - c[1]) ** 2) / (2 * 1.5 ** 2))
        expected[rc] = W[rc] + 0.3 * h * (x - W[rc])
    before = W.copy()
    np.testing.assert_allclose(som_step(W, x, 0.3, 1.5), expected)
    np.testing.assert_array_equal(W, before)


def test_som_is_reproducible_and_validates():
    U = np.random.default_rng(1).random((60, 3))
    a, b = SOM(4, 4, 3, seed=2).fit(U, 2), SOM(4, 4, 3, seed=2).fit(U, 2)
    np.testing.assert_array_equal(a.weights, b.weights)
    assert not np.allclose(a.weights, SOM(4, 4, 3, seed=3).fit(U, 2).weights)
    with pytest.raises(ValueError, match="3 columns"):
        a.bmu(np.ones((2, 2)))
    with pytest.raises(ValueError, match="3 columns"):
        SOM(4, 4, 3).fit(np.ones((5, 4)))
    with pytest.raises(ValueError, match="not fitted"):
        SOM(4, 4, 3).bmu(U)
    with pytest.raises(ValueError, match="lr"):
        SOM(4, 4, 3, lr=0.0)


def _som_by_the_docstring(rows, cols, X, epochs, seed, lr, lr_end, sigma, sigma_end):
    """The documented draws and update, one unit at a time, independently of the vectorized fit."""
    rng = np.random.default_rng(seed)
    rng.random((rows, cols, X.shape[1]))                                 # the pre-fit weights' draw
    lo, hi = X.min(0), X.max(0)
    W = lo + (hi - lo) * rng.random((rows, cols, X.shape[1]))
    T, t, qes = epochs * len(X), 0, []
    for _ in range(epochs):
        for i in rng.permutation(len(X)):
            eta, sig = lr * (lr_end / lr) ** (t / T), sigma * (sigma_end / sigma) ** (t / T)
            c = min(np.ndindex(rows, cols), key=lambda rc: np.sum((X[i] - W[rc]) ** 2))
            new = W.copy()
            for rc in np.ndindex(rows, cols):
                h = np.exp(-((rc[0] - c[0]) ** 2 + (rc[1] - c[1]) ** 2) / (2 * sig ** 2))
                new[rc] = W[rc] + eta * h * (X[i] - W[rc])
            W, t = new, t + 1
        qes.append(np.mean([min(np.linalg.norm(x - W[rc]) for rc in np.ndindex(rows, cols)) for x in X]))
    return W, qes


def test_som_fit_follows_the_documented_draws_schedules_and_update():
    X = np.random.default_rng(6).normal(size=(9, 3)) * [1.0, 2.0, 0.5]
    calls = []
    som = SOM(2, 3, 3, seed=4, lr=0.4, lr_end=0.05, sigma=1.2, sigma_end=0.3).fit(
        X, epochs=2, callback=lambda e, m: calls.append((e, len(m.history_))))
    W, qes = _som_by_the_docstring(2, 3, X, 2, 4, 0.4, 0.05, 1.2, 0.3)
    np.testing.assert_allclose(som.weights, W, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(som.history_, qes, rtol=1e-10)
    assert calls == [(0, 1), (1, 2)]
    # the defaults: η 0.5 → 0.01, σ max(rows, cols)/2 → 0.5, ten epochs
    W, qes = _som_by_the_docstring(2, 3, X, 10, 0, 0.5, 0.01, 1.5, 0.5)
    default = SOM(2, 3, 3).fit(X)
    np.testing.assert_allclose(default.weights, W, rtol=1e-10, atol=1e-12)
    assert len(default.history_) == 10
    np.testing.assert_allclose(SOM(3, 2, 3, rng=np.random.default_rng(4)).fit(X, 1).weights,
                               _som_by_the_docstring(3, 2, X, 1, 4, 0.5, 0.01, 1.5, 0.5)[0], rtol=1e-10)


def test_som_before_fit_and_its_small_helpers_by_hand():
    from companion.classic.som import decay, grid_positions, neighbourhood

    np.testing.assert_array_equal(SOM(2, 3, 2, seed=4).weights, np.random.default_rng(4).random((2, 3, 2)))
    np.testing.assert_array_equal(grid_positions(2, 3), [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]])
    # ‖r − (0, 1)‖² = 1, 0, 1, 2, 1, 2 and 2σ² = 2
    np.testing.assert_allclose(neighbourhood(grid_positions(2, 3), np.array([0.0, 1.0]), 1.0),
                               np.exp(-np.array([1, 0, 1, 2, 1, 2]) / 2))
    np.testing.assert_allclose(decay(2.0, 0.5, np.array([0, 5, 10]), 10), [2.0, 1.0, 0.5])   # geometric
    assert SOM(4, 6, 2).sigma == 3.0 and SOM(2, 2, 2, sigma=0.7).sigma == 0.7
    assert SOM(2, 2, 2).history_ == [] and SOM(2, 2, 2).qe_history_ == []


def test_progress_bars_only_when_asked_and_cleared_afterwards(capsys):
    from companion.classic import RBM, CascadeCorrelation, Elman

    X = np.random.default_rng(0).random((5, 2))
    B = (X > 0.5).astype(float)
    S, T = np.ones((2, 3, 1)), np.zeros((2, 3, 1))
    fits = {"SOM": lambda **kw: SOM(2, 2, 2).fit(X, 2, **kw),
            "Elman": lambda **kw: Elman(1, 2, 1).fit(S, T, epochs=2, **kw),
            "RBM": lambda **kw: RBM(2, 2).fit(B, epochs=2, **kw),
            "units": lambda **kw: CascadeCorrelation(2, 1, max_hidden=1, output_steps=2, candidate_steps=2).fit(
                X, B[:, :1], **kw)}
    for label, fit in fits.items():
        fit()
        assert capsys.readouterr().err == "", label                      # quiet by default
        fit(progress=True)
        err = capsys.readouterr().err
        assert err.startswith(f"\r{label}: ") and err.endswith("\r") and "\n" not in err, label  # labelled, wiped


def test_som_measures_on_a_map_placed_by_hand():
    som = SOM(1, 3, 1, seed=0).fit([[0.0], [1.0]], epochs=1)
    som.weights = np.array([[[0.0], [1.0], [3.0]]])                       # units at 0, 1, 3 on a line
    X = np.array([[0.0], [0.9], [2.5], [3.0]])
    np.testing.assert_array_equal(som.bmu(X), [[0, 0], [0, 1], [0, 2], [0, 2]])
    np.testing.assert_array_equal(som.transform(X), som.bmu(X))
    assert som.quantization_error(X) == pytest.approx((0 + 0.1 + 0.5 + 0) / 4)
    assert som.quantization_error(X[[0, 3]]) == 0.0                       # on the units exactly
    # (best, second-best) unit: x = 0 → (0, 1), 0.9 → (1, 0), 2.5 → (2, 1), 3.0 → (2, 1): all adjacent
    assert som.topographic_error(X) == 0.0
    som.weights = np.array([[[0.0], [3.0], [1.0]]])                       # 0 and 1 now two columns apart
    assert som.topographic_error(X) == pytest.approx(2 / 4)              # x = 0 and 0.9: units 0 and 2
    # U-matrix: neighbours' mean distance, 1 × 3 map: |0−3| = 3, |3−1| = 2
    np.testing.assert_allclose(som.u_matrix(), [[3.0, 2.5, 2.0]])
    with pytest.raises(ValueError, match="^topographic_error needs at least 2 units; the map has 1$"):
        SOM(1, 1, 1).fit([[0.0], [1.0]], 1).topographic_error([[0.5]])
    two = SOM(1, 2, 1).fit([[0.0], [1.0]], 1)                             # two units are always neighbours
    assert two.topographic_error([[0.0], [0.4], [1.0]]) == 0.0


def test_som_errors_name_the_argument():
    for make, name in ((lambda: SOM(0, 2, 2), "rows"), (lambda: SOM(2, 0, 2), "cols"), (lambda: SOM(2, 2, 0), "dim"),
                       (lambda: SOM(2, 2, 2, lr=0.0), "lr"), (lambda: SOM(2, 2, 2, lr_end=0.0), "lr_end"),
                       (lambda: SOM(2, 2, 2, sigma=0.0), "sigma"), (lambda: SOM(2, 2, 2, sigma_end=0.0), "sigma_end"),
                       (lambda: SOM(2, 2, 2).fit(np.ones((3, 2)), epochs=0), "epochs"),
                       (lambda: SOM(2, 2, 2).fit(np.ones((3, 3))), "X")):
        with pytest.raises(ValueError, match=rf"^{name} must"):
            make()
    fitted = SOM(2, 2, 2).fit(np.ones((3, 2)), 1)
    for method in ("bmu", "transform", "quantization_error", "topographic_error"):
        with pytest.raises(ValueError, match=r"^X must have 2 columns"):
            getattr(fitted, method)(np.ones((3, 3)))
    for method in ("bmu", "transform", "quantization_error", "topographic_error"):
        with pytest.raises(ValueError, match=r"not fitted yet: call SOM\.fit\(\.\.\.\) before " + method.replace("transform", "bmu")):
            getattr(SOM(2, 2, 2), method)(np.ones((1, 2)))
    with pytest.raises(ValueError, match=r"before u_matrix\(\)"):
        SOM(2, 2, 2).u_matrix()


# ================================================================ cascade-correlation
from companion.classic import CascadeCorrelation, candidate_scores_and_gradients, correlation_score  # noqa: E402


def test_correlation_score_matches_its_definition():
    rng = np.random.default_rng(5)
    V, E = rng.normal(size=12), rng.normal(size=(12, 3))
    S = sum(abs(sum((V[p] - V.mean()) * (E[p, o] - E[:, o].mean()) for p in range(12))) for o in range(3))
    assert correlation_score(V, E) == pytest.approx(S)
    both = correlation_score(np.column_stack([V, 2 * V]), E)
    np.testing.assert_allclose(both, [S, 2 * S])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradient_of_s_agrees_with_finite_differences(seed):
    rng = np.random.default_rng(seed)
    F = np.column_stack([rng.normal(size=(15, 3)), np.ones(15)])
    Wc, E = rng.normal(size=(4, 4)), rng.normal(size=(15, 2))
    S, grad = candidate_scores_and_gradients(F, Wc, E)
    np.testing.assert_allclose(S, correlation_score(np.tanh(F @ Wc.T), E))
    numeric = numerical_gradient(lambda: candidate_scores_and_gradients(F, Wc, E)[0].sum(), Wc, 1e-6)
    assert relative_error(grad, numeric) < 1e-7


def test_cascade_correlation_solves_xor():
    X, y = datasets.xor()
    net = CascadeCorrelation(2, 1, seed=0).fit(X, y[:, None])
    np.testing.assert_array_equal(net.predict(X), y)                        # labels
    np.testing.assert_array_equal(net.forward(X)[:, 0] > 0.5, y == 1)       # raw sigmoid outputs
    assert net.n_hidden_ >= 1                       # no net without a hidden unit solves XOR
    assert net.W_out_.shape == (1, 2 + 1 + net.n_hidden_)


def test_cascade_correlation_fits_the_spirals_and_never_changes_installed_units():
    X, y = datasets.spirals(60, k=2, noise=0.1, seed=0)
    snapshots = []
    net = CascadeCorrelation(2, 2, max_hidden=8, seed=1).fit(
        X, np.eye(2)[y], callback=lambda h, m: snapshots.append([w.copy() for w in m.hidden_weights_]))
    assert np.mean(net.predict(X) == y) >= 0.95
    np.testing.assert_array_equal(net.predict(X), net.forward(X).argmax(1))
    assert len(snapshots) == net.n_hidden_ + 1 and net.n_hidden_ <= 8
    for earlier in snapshots:
        for h, w in enumerate(earlier):
            np.testing.assert_array_equal(net.hidden_weights_[h], w)   # frozen after installation
            assert w.shape == (2 + 1 + h,)                             # fed by inputs, bias, earlier units


def test_cascade_correlation_validates():
    with pytest.raises(ValueError, match="not fitted"):
        CascadeCorrelation(2, 1).predict(np.ones((1, 2)))
    with pytest.raises(ValueError, match="1 columns"):
        CascadeCorrelation(2, 1).fit(np.ones((3, 2)), np.ones((3, 2)))
    with pytest.raises(ValueError, match="n_candidates"):
        CascadeCorrelation(2, 1, n_candidates=0)


# ================================================================ Elman network
from companion.classic import Elman  # noqa: E402
from companion.classic.elman import PARAM_NAMES  # noqa: E402


def _elman_loop(net, X):
    """Outputs computed one sequence and one step at a time, independently of the batched code."""
    p, f = net.params, {"tanh": np.tanh, "sigmoid": lambda z: 1 / (1 + np.exp(-z))}[net.hidden]
    out = np.zeros(X.shape[:2] + (net.n_out,))
    for i, seq in enumerate(X):
        h = np.zeros(net.n_hidden)                                       # h_0 = 0
        for t, x in enumerate(seq):
            h = f(p["W_xh"] @ x + p["W_hh"] @ h + p["b_h"])
            out[i, t] = p["W_hy"] @ h + p["b_y"]
    return out


@pytest.mark.parametrize("hidden", ["tanh", "sigmoid"])
def test_elman_forward_matches_a_step_by_step_loop(hidden):
    rng = np.random.default_rng(8)
    net = Elman(3, 4, 2, hidden=hidden, seed=1)
    net.params["b_h"][:] = rng.normal(size=4)
    X = rng.normal(size=(5, 6, 3))
    np.testing.assert_allclose(net.forward(X), _elman_loop(net, X), rtol=1e-12)
    assert {k: v.shape for k, v in net.params.items()} == {
        "W_xh": (4, 3), "W_hh": (4, 4), "b_h": (4,), "W_hy": (2, 4), "b_y": (2,)}


@pytest.mark.parametrize("hidden", ["tanh", "sigmoid"])
def test_elman_bptt_agrees_with_finite_differences_for_every_parameter(hidden):
    rng = np.random.default_rng(9)
    net = Elman(2, 3, 2, hidden=hidden, seed=4)
    for p in net.params.values():
        p += 0.3 * rng.normal(size=p.shape)
    X, Y = rng.normal(size=(4, 5, 2)), rng.normal(size=(4, 5, 2))
    grads = net.backprop(X, Y)
    assert isinstance(grads, list) and net.parameter_names() == list(PARAM_NAMES)
    for name, g, p in zip(PARAM_NAMES, grads, net.parameters()):
        assert p is net.params[name]
        numeric = numerical_gradient(lambda: net.loss(X, Y), net.params[name])
        assert relative_error(g, numeric) < 1e-7, name


def test_elman_cost_is_the_documented_sum_over_steps_batch_mean():
    rng = np.random.default_rng(10)
    net = Elman(1, 2, 1, seed=0)
    X, Y = rng.normal(size=(3, 4, 1)), rng.normal(size=(3, 4, 1))
    out = _elman_loop(net, X)
    assert net.loss(X, Y) == pytest.approx(sum(0.5 * np.sum((out[i] - Y[i]) ** 2) for i in range(3)) / 3)


def test_elman_learns_temporal_xor():
    X, Y = datasets.temporal_xor(60, 12, seed=0)
    net = Elman(1, 8, 1, seed=0).fit(X, Y, epochs=150, lr=0.05)
    Xt, Yt = datasets.temporal_xor(200, 30, seed=1)               # new, longer sequences
    assert np.mean((net.forward(Xt) > 0.5) == Yt) == 1.0
    assert net.history_[-1] < 0.05 * net.history_[0]


def test_elman_validates_and_leaves_inputs_alone():
    net = Elman(2, 3, 1)
    with pytest.raises(ValueError, match=r"\(n, T, 2\)"):
        net.forward(np.ones((4, 2)))
    with pytest.raises(ValueError, match="Y must have shape"):
        net.backprop(np.ones((2, 3, 2)), np.ones((2, 4, 1)))
    with pytest.raises(ValueError, match="unknown hidden"):
        Elman(2, 3, 1, hidden="softmax")
    X = np.ones((2, 3, 2))
    net.backprop(X, np.zeros((2, 3, 1)))
    np.testing.assert_array_equal(X, 1.0)


# ================================================================ data sets added for chapter 11

def test_temporal_xor_targets_need_one_step_of_memory():
    X, Y = datasets.temporal_xor(5, 7, seed=3)
    assert X.shape == Y.shape == (5, 7, 1)
    for x, y in zip(X[..., 0].astype(int), Y[..., 0].astype(int)):
        assert y[0] == x[0] and all(y[t] == x[t] ^ x[t - 1] for t in range(1, 7))


def test_bars_and_stripes_lists_every_image_once():
    V = datasets.bars_and_stripes(3)
    assert V.shape == (14, 9) and len({tuple(v) for v in V}) == 14
    for v in V.reshape(-1, 3, 3):
        rows_constant = all(len(set(r)) == 1 for r in v)
        cols_constant = all(len(set(c)) == 1 for c in v.T)
        assert rows_constant or cols_constant
    assert datasets.bars_and_stripes(2).shape == (6, 4)


def test_two_spirals_are_mirror_images():
    X, y = datasets.two_spirals(30, turns=2.0)
    assert X.shape == (60, 2) and list(np.bincount(y)) == [30, 30]
    np.testing.assert_allclose(X[y == 1], -X[y == 0])


# ================================================================ restricted Boltzmann machine
from companion.classic import RBM, all_binary  # noqa: E402


def _tiny_rbm(n_v=4, n_h=3, scale=1.0, seed=0):
    rng = np.random.default_rng(seed)
    rbm = RBM(n_v, n_h, seed=seed)
    rbm.params["W"] = scale * rng.normal(size=(n_h, n_v))
    rbm.params["b"] = 0.5 * rng.normal(size=n_v)
    rbm.params["c"] = 0.5 * rng.normal(size=n_h)
    return rbm


def _sig(z):
    return 1 / (1 + np.exp(-z))


def test_free_energy_matches_its_sum_over_hidden_states():
    rbm = _tiny_rbm()
    Vs, Hs = all_binary(4), all_binary(3)
    for v in Vs:
        energies = rbm.energy(np.repeat(v[None], len(Hs), 0), Hs)
        assert rbm.free_energy(v[None])[0] == pytest.approx(-np.log(np.sum(np.exp(-energies))))
    assert np.isfinite(_tiny_rbm(scale=500.0).free_energy(Vs)).all()          # stable softplus


def test_exact_likelihood_is_normalized_and_its_gradient_agrees_with_finite_differences():
    rbm = _tiny_rbm()
    Vs, Hs = all_binary(4), all_binary(3)
    joint = [-rbm.energy(np.repeat(v[None], 8, 0), Hs) for v in Vs]
    assert rbm.log_partition() == pytest.approx(np.log(np.sum(np.exp(joint))))
    assert np.exp(-rbm.free_energy(Vs) - rbm.log_partition()).sum() == pytest.approx(1.0)
    data = Vs[[1, 5, 5, 12, 15]]
    grads = rbm.exact_gradients(data)
    for name in ("W", "b", "c"):
        numeric = numerical_gradient(lambda: -rbm.exact_log_likelihood(data), rbm.params[name])
        assert relative_error(grads[name], numeric) < 1e-7, name


def _expected_cd_gradient(rbm, data, k):
    """E[CD-k] exactly: the distribution of v_k from the Gibbs transition matrix over all states."""
    Vs, Hs = all_binary(rbm.n_visible), all_binary(rbm.n_hidden)
    ph, pv = rbm.hidden_probs(Vs), rbm.visible_probs(Hs)
    P_h = np.prod(np.where(Hs[None] == 1, ph[:, None], 1 - ph[:, None]), -1)   # p(h | v)  (2^V, 2^H)
    P_v = np.prod(np.where(Vs[None] == 1, pv[:, None], 1 - pv[:, None]), -1)   # p(v' | h) (2^H, 2^V)
    codes = (data @ (2 ** np.arange(rbm.n_visible - 1, -1, -1))).astype(int)
    dist = np.linalg.matrix_power(P_h @ P_v, k)[codes].mean(0)                 # law of v_k
    pos_h = rbm.hidden_probs(data)
    return {"W": (ph * dist[:, None]).T @ Vs - pos_h.T @ data / len(data),
            "b": dist @ Vs - data.mean(0), "c": dist @ ph - pos_h.mean(0)}


def test_cd_k_approaches_the_exact_gradient_as_k_grows():
    rbm = _tiny_rbm(scale=1.5)
    data = all_binary(4)[[3, 6, 9, 12]]
    exact = rbm.exact_gradients(data)
    gaps = [max(np.abs(_expected_cd_gradient(rbm, data, k)[n] - exact[n]).max() for n in exact)
            for k in (1, 2, 5, 20, 300)]
    assert all(b < a for a, b in zip(gaps, gaps[1:])), gaps
    assert gaps[-1] < 1e-8


def test_sampled_cd_gradients_average_to_their_exact_expectation():
    rbm = _tiny_rbm(scale=1.5)
    data = all_binary(4)[[3, 6, 9, 12]]
    many = np.repeat(data, 5000, axis=0)
    for k in (1, 3):
        sampled = rbm.cd_gradients(many, k=k, rng=np.random.default_rng(k))
        expected = _expected_cd_gradient(rbm, data, k)
        for name in ("W", "b", "c"):
            np.testing.assert_allclose(sampled[name], expected[name], atol=0.02)


def test_cd1_follows_the_documented_order_of_draws():
    rbm = _tiny_rbm(n_v=5, n_h=3, seed=2)
    V = (np.random.default_rng(0).random((6, 5)) < 0.5).astype(float)
    rng = np.random.default_rng(42)
    W, b, c = rbm.params["W"], rbm.params["b"], rbm.params["c"]
    ph0 = _sig(V @ W.T + c)
    h0 = (rng.random(ph0.shape) < ph0).astype(float)
    pv1 = _sig(h0 @ W + b)
    v1 = (rng.random(pv1.shape) < pv1).astype(float)
    ph1 = _sig(v1 @ W.T + c)
    got = rbm.cd_gradients(V, k=1, rng=np.random.default_rng(42))
    np.testing.assert_allclose(got["W"], -(ph0.T @ V - ph1.T @ v1) / 6)
    np.testing.assert_allclose(got["b"], -(V - v1).mean(0))
    np.testing.assert_allclose(got["c"], -(ph0 - ph1).mean(0))


def test_training_on_bars_and_stripes_raises_the_exact_likelihood():
    V = datasets.bars_and_stripes(3)
    rbm = RBM(9, 6, seed=0)
    curve = [rbm.exact_log_likelihood(V)]
    rbm.fit(V, epochs=300, lr=1.0, k=1, batch_size=14,
            callback=lambda e, m: curve.append(m.exact_log_likelihood(V)) if e % 50 == 49 else None)
    assert curve[-1] > curve[0] + 1.0, curve
    assert curve[-1] <= np.log(1 / 14) + 1e-12          # no model beats the empirical distribution


def test_rbm_validates_and_samples_binary_states():
    rbm = RBM(4, 2, seed=0)
    with pytest.raises(ValueError, match="only 0 and 1"):
        rbm.cd_gradients([[0, 1, 0.5, 1]])
    with pytest.raises(ValueError, match="4 columns"):
        rbm.free_energy(np.ones((2, 3)))
    with pytest.raises(ValueError, match="n_visible must be"):
        RBM(21, 2).log_partition()
    S = rbm.sample(7, steps=3)
    assert S.shape == (7, 4) and set(np.unique(S)) <= {0.0, 1.0}
    V = np.ones((3, 4))
    rbm.cd_gradients(V)
    np.testing.assert_array_equal(V, 1.0)


# ================================================================ the chapter's widget

def test_art_vigilance_explorer_redraws_with_more_categories_at_higher_vigilance(strict_figures):
    from companion.widgets import art_vigilance_explorer

    w = art_vigilance_explorer(vigilance=0.35)
    low = w.state["n_categories"]
    w.controls["vigilance"].value = 0.85
    assert w.state["vigilance"] == 0.85 and w.state["n_categories"] > low
    mosaic = w.figure.axes[1].images[0].get_array()                   # prototypes tiled, NaN between them
    assert np.sum(~np.isnan(mosaic)) == 64 * w.state["n_categories"]


@settings(max_examples=20)
@given(st.integers(1, 5), st.integers(1, 4), st.floats(0.1, 20.0), st.integers(0, 10_000))
def test_rbm_free_energy_equals_the_hidden_sum_for_any_small_shape(n_v, n_h, scale, seed):
    rbm = _tiny_rbm(n_v, n_h, scale=scale, seed=seed)
    Vs, Hs = all_binary(n_v), all_binary(n_h)
    for v in Vs:
        neg_e = -rbm.energy(np.repeat(v[None], len(Hs), 0), Hs)
        top = neg_e.max()
        assert rbm.free_energy(v[None])[0] == pytest.approx(-(top + np.log(np.exp(neg_e - top).sum())), rel=1e-10, abs=1e-9)
    p = np.exp(-rbm.free_energy(Vs) - rbm.log_partition())
    assert p.sum() == pytest.approx(1.0)


@settings(max_examples=15)
@given(st.integers(1, 4), st.integers(1, 6), st.integers(1, 3), st.integers(1, 3), st.integers(0, 10_000))
def test_elman_gradients_have_the_parameter_shapes_and_vanish_at_a_perfect_fit(n, T, n_in, n_out, seed):
    rng = np.random.default_rng(seed)
    net = Elman(n_in, 3, n_out, seed=seed)
    X = rng.normal(size=(n, T, n_in))
    grads = net.backprop(X, net.forward(X))                  # targets equal to the outputs: C = 0
    for name, g in zip(net.parameter_names(), grads):
        assert g.shape == net.params[name].shape and np.allclose(g, 0.0)


# ================================================================ every class: inputs untouched, seeds honoured

def _fits():
    X, y = datasets.xor()
    Y = y[:, None].astype(float)
    B = (np.random.default_rng(0).random((12, 6)) < 0.5).astype(float)
    S, T = datasets.temporal_xor(4, 5, seed=0)
    return [
        ("rbf", lambda s: RBFNetwork(3, seed=s).fit(X, Y), (X, Y), lambda m: m.centers_),
        ("art", lambda s: ART1(0.5).fit(B), (B,), lambda m: m.prototypes_),
        ("som", lambda s: SOM(3, 3, 2, seed=s).fit(X, 2), (X,), lambda m: m.weights),
        ("cascade", lambda s: CascadeCorrelation(2, 1, max_hidden=2, seed=s).fit(X, Y), (X, Y), lambda m: m.W_out_),
        ("elman", lambda s: Elman(1, 3, 1, seed=s).fit(S, T, epochs=3), (S, T), lambda m: m.params["W_hh"]),
        ("rbm", lambda s: RBM(6, 3, seed=s).fit(B, epochs=2), (B,), lambda m: m.params["W"]),
        ("hopfield", lambda s: Hopfield(6).fit(2 * B - 1), (B,), lambda m: m.W_),
    ]


@pytest.mark.parametrize("index", range(7), ids=[f[0] for f in _fits()])
def test_fit_leaves_inputs_untouched_and_is_reproducible(index):
    name, fit, inputs, learned = _fits()[index]
    before = [a.copy() for a in inputs]
    first, again = learned(fit(0)), learned(fit(0))
    for a, b in zip(inputs, before):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(first, again)
    assert first.dtype in (np.float64, np.int8)


# ================================================================ bugs the suite once missed
def test_candidate_training_climbs_the_correlation_it_maximizes():
    import copy

    from companion.classic import candidate_scores_and_gradients, correlation_score

    rng = np.random.default_rng(0)
    F = np.column_stack([rng.normal(size=(40, 2)), np.ones(40)])
    E = rng.normal(size=(40, 2))
    net = CascadeCorrelation(2, 2, n_candidates=4, candidate_steps=40, seed=3)
    start = copy.deepcopy(net._rng).uniform(-1.0, 1.0, (4, 3))     # the pool the method starts from
    S_start = candidate_scores_and_gradients(F, start, E)[0]
    w = net._best_candidate(F, E)
    assert correlation_score(np.tanh(F @ w), E) > 1.2 * S_start.max()


def test_rbm_reshuffles_the_rows_every_epoch():
    V = all_binary(4)                                                 # 16 distinct rows
    batches = []
    rbm = RBM(4, 2, seed=0)
    original = rbm.cd_gradients

    def spy(Vb, k=1, rng=None):
        batches.append(tuple(int(v @ [8, 4, 2, 1]) for v in Vb))
        return original(Vb, k, rng)

    rbm.cd_gradients = spy
    rbm.fit(V, epochs=3, batch_size=5)
    epochs = [batches[i:i + 4] for i in (0, 4, 8)]                  # 16 rows: batches of 5, 5, 5, 1
    for e in epochs:
        assert sorted(sum(e, ())) == list(range(16))                 # every row once per epoch
    assert epochs[0] != epochs[1] != epochs[2]                       # a new order every epoch


# ================================================================ one estimator shape for every class
def _estimators():
    X, y = datasets.xor()
    Y = y[:, None].astype(float)
    B = (np.random.default_rng(0).random((12, 6)) < 0.5).astype(int)
    S, T = datasets.temporal_xor(4, 5, seed=0)
    from companion.pretraining import Autoencoder
    Xa = np.random.default_rng(1).random((20, 6))
    # name, make(seed), fit(model), learned(model), records expected in history_, kind
    return [
        ("rbf", lambda s: RBFNetwork(3, seed=s), lambda m: m.fit(X, Y), lambda m: m.W_, None, "regressor"),
        ("cascade", lambda s: CascadeCorrelation(2, 1, max_hidden=2, seed=s), lambda m: m.fit(X, Y),
         lambda m: m.W_out_, None, "classifier"),
        ("elman", lambda s: Elman(1, 3, 1, seed=s), lambda m: m.fit(S, T, epochs=4), lambda m: m.params["W_hh"], 4,
         "regressor"),
        ("art", lambda s: ART1(0.5), lambda m: m.fit(B), lambda m: m.prototypes_, None, "unsupervised"),
        ("som", lambda s: SOM(3, 3, 2, seed=s), lambda m: m.fit(X, 3), lambda m: m.weights, 3, "unsupervised"),
        ("rbm", lambda s: RBM(6, 3, seed=s), lambda m: m.fit(B, epochs=2), lambda m: m.params["W"], 2, "unsupervised"),
        ("autoencoder", lambda s: Autoencoder(6, 3, seed=s), lambda m: m.fit(Xa, epochs=3),
         lambda m: m.encoder.params["W"], 3, "unsupervised"),
        ("hopfield", lambda s: Hopfield(6), lambda m: m.fit(2.0 * B - 1), lambda m: m.W_, len(B), "unsupervised"),
    ], (X, y, S, B, Xa)


@pytest.mark.parametrize("index", range(8), ids=[e[0] for e in _estimators()[0]])
def test_every_estimator_has_the_documented_shape(index):
    (name, make, fit, learned, n_records, kind), (X, y, S, B, Xa) = _estimators()[0][index], _estimators()[1]
    model = make(0)
    assert fit(model) is model                                      # fit returns self
    first, history = learned(model).copy(), list(model.history_)
    assert isinstance(model.history_, list) and len(history) >= 1
    assert all(isinstance(r, (int, float)) for r in history)
    if n_records is not None:
        assert len(history) == n_records                            # one record per epoch
    fit(model)                                                      # a refit restarts from the seed
    np.testing.assert_array_equal(learned(model), first)
    assert model.history_ == history
    if name not in ("art", "hopfield"):                            # no randomness in their fit
        fit(other := make(1))
        assert not np.array_equal(learned(other), first)            # the seed matters
    data = {"rbf": X, "cascade": X, "elman": S, "art": B, "som": X, "rbm": B, "autoencoder": Xa,
            "hopfield": 2.0 * B - 1}[name]
    if kind == "classifier":
        np.testing.assert_array_equal(model.predict(data), (model.forward(data)[:, 0] > 0.5).astype(int))
        assert model.predict(data).dtype == np.int64
    elif kind == "regressor":
        np.testing.assert_array_equal(model.predict(data), model.forward(data))
    else:
        assert model.transform(data).shape[0] == len(data)
        assert hasattr(model, "predict") == (name in ("art", "hopfield"))  # predict only where it means something
    if name == "art":
        np.testing.assert_array_equal(model.transform(B).argmax(1), model.predict(B))


def test_history_records_what_each_model_tracks():
    X, y = datasets.xor()
    rbf = RBFNetwork(2, seed=0).fit(X, y.astype(float))
    C, labels = kmeans(X, 2, seed=0)
    np.testing.assert_array_equal(rbf.centers_, C)
    d2 = ((X[:, None, :] - C[None]) ** 2).sum(-1).min(1)
    assert rbf.history_[-1] == pytest.approx(d2.mean())               # k-means distortion at the end
    assert all(a >= b - 1e-12 for a, b in zip(rbf.history_, rbf.history_[1:]))   # Lloyd never climbs
    U = np.random.default_rng(0).random((60, 2))
    som = SOM(3, 3, 2, seed=0).fit(U, 2)
    assert som.history_[-1] == pytest.approx(som.quantization_error(U)) and som.qe_history_ is som.history_
    art = ART1(0.5).fit(HAND)
    assert art.history_[0] == int(np.sum(HAND.any(1))) and art.history_[-1] == 0


def test_rbf_keeps_float32_data_in_float32_and_the_others_compute_in_float64():
    X, y = datasets.xor()
    X32, y32 = X.astype(np.float32), y.astype(np.float32)
    assert RBFNetwork(4, seed=0).fit(X32, y32).predict(X32).dtype == np.float32
    assert RBFNetwork(4, seed=0).fit(X, y.astype(float)).predict(X).dtype == np.float64
    assert CascadeCorrelation(2, 1, max_hidden=1, seed=0).fit(X32, y32[:, None]).forward(X32).dtype == np.float64
    assert SOM(2, 2, 2, seed=0).fit(X32, 1).weights.dtype == np.float64


@pytest.mark.parametrize("make", [lambda: RBM(4, 2.0), lambda: SOM(2, 2.0, 2), lambda: Elman(1, 2.0, 1),
                                  lambda: RBFNetwork(2.0), lambda: CascadeCorrelation(2, 1, max_hidden=1.0),
                                  lambda: ART1(0.5, max_epochs=2.0)])
def test_a_non_integer_count_is_a_type_error_everywhere(make):
    with pytest.raises(TypeError, match="must be a positive int|must be an int ≥ 0"):
        make()


def test_one_integer_check_across_the_package():
    from companion.model_selection import kfold_indices
    from companion.search import gradient_descent
    from companion.training import minibatches as batches

    for call in (lambda: gradient_descent(lambda x: x, np.zeros((1, 1)), lr=0.1, steps=2.0),
                 lambda: kfold_indices(10, 2.0), lambda: list(batches(10, 2.0)), lambda: RBM(4, 2.0)):
        with pytest.raises(TypeError, match=r"must be (a positive int|an int ≥ \d); got float 2.0"):
            call()
    for call in (lambda: gradient_descent(lambda x: x, np.zeros((1, 1)), lr=0.1, steps=-1),
                 lambda: kfold_indices(10, 1), lambda: list(batches(10, 0)), lambda: RBM(4, 0)):
        with pytest.raises(ValueError, match=r"must be (a positive int|an int ≥ \d)"):
            call()


def test_gradcheck_works_on_an_elman_network():
    from companion.gradcheck import check_gradients

    rng = np.random.default_rng(12)
    net = Elman(2, 3, 2, seed=1)
    errors = check_gradients(net, rng.normal(size=(3, 4, 2)), rng.normal(size=(3, 4, 2)))
    assert list(errors) == list(PARAM_NAMES) and max(errors.values()) < 1e-7
    assert net.weight_arrays() == [net.params["W_xh"], net.params["W_hh"], net.params["W_hy"]]


# ================================================================ Hopfield network
def test_hopfield_energy_never_rises_and_stored_patterns_are_fixed_points():
    from companion.classic import Hopfield

    rng = np.random.default_rng(0)
    P = rng.choice([-1.0, 1.0], size=(5, 100))                     # p/N = 0.05, far below capacity
    net = Hopfield(100).fit(P)
    np.testing.assert_array_equal(net.predict(P), P)               # every stored pattern is a fixed point
    noisy = P.copy()
    flips = rng.random(P.shape) < 0.1
    noisy[flips] *= -1
    np.testing.assert_array_equal(net.predict(noisy), P)            # 10% of the bits flipped: recalled
    for s in noisy:
        fixed, trace = net.run(s)
        assert np.all(np.diff(trace) <= 1e-12)                       # ΔE = −Δs_i h_i ≤ 0 at every update
        np.testing.assert_array_equal(fixed, net.predict(s[None])[0])
    # the energy is the Boltzmann machine's −½ sᵀJs with J = W (no biases), by explicit double sum
    s = noisy[0]
    assert net.energy(s[None])[0] == pytest.approx(-0.5 * sum(net.W_[i, j] * s[i] * s[j]
                                                           for i in range(100) for j in range(100)))


def test_hopfield_capacity_collapses_past_about_014_n():
    from companion.classic import Hopfield

    N = 200

    def fraction_stable_bits(p, seed):
        P = np.random.default_rng(seed).choice([-1.0, 1.0], size=(p, N))
        W = Hopfield(N).fit(P).W_
        return np.mean(np.sign(P @ W) == P)                          # bits already aligned with their field

    # one-step stability falls steadily with the load; the error rate at α = p/N is about Φ(−1/√α)
    assert fraction_stable_bits(10, 0) > 0.999                       # α = 0.05: Φ(−4.5) ≈ 3e-6
    assert 0.98 < fraction_stable_bits(28, 1) < 0.999                # α = 0.14: Φ(−2.67) ≈ 0.004
    assert fraction_stable_bits(100, 2) < 0.95                       # α = 0.5: Φ(−1.41) ≈ 0.08


def test_hopfield_validates():
    from companion.classic import Hopfield

    with pytest.raises(ValueError, match="must hold states ±1"):
        Hopfield(3).fit(np.array([[1, 0, 1]]))
    with pytest.raises(TypeError):
        Hopfield(3.0)
    with pytest.raises(ValueError, match="not been fitted|before"):
        Hopfield(3).predict(np.ones((1, 3)))
    P = np.array([[1.0, -1.0, 1.0]])
    before = P.copy()
    Hopfield(3).fit(P).predict(P)
    np.testing.assert_array_equal(P, before)                          # inputs never modified


def test_hopfield_weights_energies_and_dynamics_by_hand():
    from companion.classic import Hopfield, hebbian_weights, hopfield_energy

    # one pattern ξ = (1, −1, 1): W = ξξᵀ/3 off the diagonal; E(ξ) = −½ Σ_{i≠j} (1/3) = −1
    np.testing.assert_allclose(hebbian_weights([[1, -1, 1]]), np.array([[0, -1, 1], [-1, 0, -1], [1, -1, 0]]) / 3)
    assert hopfield_energy(hebbian_weights([[1, -1, 1]]), [1, -1, 1]) == pytest.approx([-1.0])
    # two patterns: the (0, 1) and (0, 2) products cancel, W_12 = (−1 − 1)/3; E = −W_12 s_1 s_2
    P = np.array([[1.0, -1.0, 1.0], [1.0, 1.0, -1.0]])
    net = Hopfield(3).fit(P)
    np.testing.assert_allclose(net.W_, [[0, 0, 0], [0, 0, -2 / 3], [0, -2 / 3, 0]], atol=1e-15)
    assert net.history_ == pytest.approx([-1.0, -2 / 3])                 # mean energy after each pattern
    np.testing.assert_allclose(net.energy([[1, 1, 1], [1, -1, 1]]), [2 / 3, -2 / 3])
    # unit 0 feels no field (h = 0) and keeps its state; unit 1 aligns against unit 2
    np.testing.assert_array_equal(net.predict([[1, 1, 1], [-1, 1, 1], [-1, 1, -1]]),
                                  [[1, -1, 1], [-1, -1, 1], [-1, 1, -1]])
    np.testing.assert_array_equal(net.transform([[1, 1, 1]]), [[1, -1, 1]])
    # run from (1, 1, 1): E = 2/3; unit 0 stays; unit 1 flips (E = −2/3); unit 2 stays; a quiet sweep
    fixed, energies = net.run([1, 1, 1])
    np.testing.assert_array_equal(fixed, [1, -1, 1])
    np.testing.assert_allclose(energies, [2 / 3, 2 / 3, -2 / 3, -2 / 3, -2 / 3, -2 / 3, -2 / 3])
    fixed, energies = net.run(np.array([-1.0, -1.0, 1.0]))                   # already a fixed point
    np.testing.assert_array_equal(fixed, [-1, -1, 1])
    np.testing.assert_allclose(energies, [-2 / 3] * 4)                  # start, then one quiet sweep


def test_hopfield_keeps_sweeping_until_a_sweep_changes_nothing():
    from companion.classic import Hopfield

    # ξ¹ stored twice and ξ² once: 3W = [[0, −1, 1], [−1, 0, −3], [1, −3, 0]]. From (−1, 1, 1):
    # sweep 1: h_0 = 0 (stays), h_1 = −2/3 (flips), h_2 = 2/3 → (−1, −1, 1);
    # sweep 2: h_0 = 2/3 (flips) → (1, −1, 1); sweep 3 changes nothing.
    P = [[-1, 1, -1], [1, 1, -1], [-1, 1, -1]]
    net = Hopfield(3).fit(P)
    np.testing.assert_allclose(3 * net.W_, [[0, -1, 1], [-1, 0, -3], [1, -3, 0]])
    np.testing.assert_array_equal(net.predict([[-1, 1, 1]]), [[1, -1, 1]])
    np.testing.assert_array_equal(Hopfield(3, max_sweeps=1).fit(P).predict([[-1, 1, 1]]), [[-1, -1, 1]])
    fixed, energies = net.run([-1, 1, 1])                                # E = −(W_01 s_0 s_1 + W_02 s_0 s_2 + W_12 s_1 s_2)
    np.testing.assert_array_equal(fixed, [1, -1, 1])
    np.testing.assert_allclose(energies, [1, 1, -1 / 3, -1 / 3, -5 / 3, -5 / 3, -5 / 3, -5 / 3, -5 / 3, -5 / 3])
    fixed, energies = Hopfield(3, max_sweeps=1).fit(P).run([-1, 1, 1])
    np.testing.assert_array_equal(fixed, [-1, -1, 1])
    np.testing.assert_allclose(energies, [1, 1, -1 / 3, -1 / 3])


def test_hopfield_errors_name_the_argument():
    from companion.classic import Hopfield, hebbian_weights

    net = Hopfield(3).fit([[1, -1, 1]])
    for call, pattern in ((lambda: Hopfield(0), r"^n_units must"), (lambda: Hopfield(3, max_sweeps=0), r"^max_sweeps must"),
                          (lambda: hebbian_weights([1, -1, 1]), r"^P must be 2-D \(p patterns, N units\); got shape \(3,\)$"),
                          (lambda: hebbian_weights([[1, 0, 1]]), r"^P must hold states ±1; found 0.0 at index \(0, 1\)$"),
                          (lambda: Hopfield(3).fit([[1, 0.5, 1]]), r"^P must hold states ±1"),
                          (lambda: net.energy([[1, 0, 1]]), r"^S must hold states ±1"),
                          (lambda: net.predict([[1, 0, 1]]), r"^S must hold states ±1"),
                          (lambda: net.run([1, 0, 1]), r"^s must hold states ±1"),
                          (lambda: Hopfield(3).energy([[1, 1, 1]]), r"before energy\(\)"),
                          (lambda: Hopfield(3).run([1, 1, 1]), r"before run\(\)"),
                          (lambda: Hopfield(3).predict([[1, 1, 1]]), r"before predict\(\)")):
        with pytest.raises(ValueError, match=pattern):
            call()
    assert Hopfield(3).history_ == [] and Hopfield(3).max_sweeps == 100


def _adam_by_hand(params, grads, state, lr, b1=0.9, b2=0.999, eps=1e-8):
    """Kingma & Ba's Adam, written out here: t ← t+1, moments, bias correction, step."""
    state["t"] = state.get("t", 0) + 1
    t = state["t"]
    for i, (p, g) in enumerate(zip(params, grads)):
        m, v = state.get(("m", i), 0.0), state.get(("v", i), 0.0)
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g ** 2
        state[("m", i)], state[("v", i)] = m, v
        p -= lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)


def test_elman_fit_is_adam_on_bptt_from_the_seeds_weights():
    rng = np.random.default_rng(13)
    X, Y = rng.normal(size=(3, 4, 2)), rng.normal(size=(3, 4, 1))
    calls = []
    net = Elman(2, 3, 1, seed=5).fit(X, Y, epochs=3, lr=0.02, callback=lambda e, m: calls.append((e, len(m.history_))))
    ref, state, costs = Elman(2, 3, 1, seed=5), {}, []
    for _ in range(3):
        costs.append(ref.loss(X, Y))                                     # cost before each step
        _adam_by_hand(ref.parameters(), ref.backprop(X, Y), state, 0.02)
    for name in PARAM_NAMES:
        np.testing.assert_allclose(net.params[name], ref.params[name], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(net.history_, costs, rtol=1e-12)
    assert calls == [(0, 1), (1, 2), (2, 3)]
    # the defaults: 100 epochs of Adam(0.01), tanh units, seed 0
    default, ref, state = Elman(2, 3, 1).fit(X, Y), Elman(2, 3, 1, seed=0, hidden="tanh"), {}
    for _ in range(100):
        _adam_by_hand(ref.parameters(), ref.backprop(X, Y), state, 0.01)
    assert len(default.history_) == 100
    for name in PARAM_NAMES:
        np.testing.assert_allclose(default.params[name], ref.params[name], rtol=1e-9, atol=1e-12)
    # a given optimizer is used instead (plain SGD: θ ← θ − η g, one step)
    from companion.optimizers import SGD

    sgd, start = Elman(2, 3, 1, seed=5), Elman(2, 3, 1, seed=5)
    sgd.fit(X, Y, epochs=1, optimizer=SGD(lr=0.1))
    for name, g in zip(PARAM_NAMES, start.backprop(X, Y)):
        np.testing.assert_allclose(sgd.params[name], start.params[name] - 0.1 * g, rtol=1e-12, atol=1e-15)


def test_elman_initial_weights_fill_the_documented_interval_and_relu_units_work():
    net = Elman(30, 100, 20, seed=3)
    a = 1 / np.sqrt(100)
    for name in ("W_xh", "W_hh", "W_hy"):
        W = net.params[name]
        assert np.all((W >= -a) & (W < a)) and W.max() > 0.95 * a and W.min() < -0.95 * a, name
    assert not net.params["b_h"].any() and not net.params["b_y"].any() and net.history_ == []
    assert not np.array_equal(Elman(1, 3, 1).params["W_hh"], Elman(1, 3, 1, seed=1).params["W_hh"])
    np.testing.assert_array_equal(Elman(1, 3, 1).params["W_hh"], Elman(1, 3, 1, seed=0).params["W_hh"])
    np.testing.assert_array_equal(Elman(1, 3, 1, rng=np.random.default_rng(7)).params["W_hh"],
                                  Elman(1, 3, 1, seed=7).params["W_hh"])
    rng = np.random.default_rng(2)
    relu_net = Elman(2, 3, 2, hidden="relu", seed=2)
    for p in relu_net.params.values():
        p += 0.5 * rng.normal(size=p.shape)
    X, Y = rng.normal(size=(3, 4, 2)), rng.normal(size=(3, 4, 2))
    h = np.zeros(3)
    for t, x in enumerate(X[0]):                                         # one sequence by hand: max(0, z)
        h = np.maximum(0.0, relu_net.params["W_xh"] @ x + relu_net.params["W_hh"] @ h + relu_net.params["b_h"])
        np.testing.assert_allclose(relu_net.hidden_states(X)[0, t], h, rtol=1e-12)
    np.testing.assert_allclose(relu_net.predict(X), relu_net.forward(X))
    assert relu_net.cost(X, Y) == relu_net.loss(X, Y)
    for name, g in zip(PARAM_NAMES, relu_net.backprop(X, Y)):
        numeric = numerical_gradient(lambda: relu_net.loss(X, Y), relu_net.params[name])
        assert relative_error(g, numeric) < 1e-6, name


def test_elman_errors_name_the_argument():
    net = Elman(2, 3, 1)
    for call, pattern in ((lambda: Elman(0, 3, 1), r"^n_in must"), (lambda: Elman(2, 0, 1), r"^n_hidden must"),
                          (lambda: Elman(2, 3, 0), r"^n_out must"),
                          (lambda: Elman(2, 3, 1, hidden="softmax"), r"^unknown hidden 'softmax'"),
                          (lambda: net.forward(np.ones((0, 3, 2))), r"^X must have shape \(n, T, 2\) with n, T ≥ 1; got shape \(0, 3, 2\)$"),
                          (lambda: net.forward(np.ones((2, 0, 2))), r"^X must have shape \(n, T, 2\)"),
                          (lambda: net.forward(np.ones((2, 3, 3))), r"^X must have shape \(n, T, 2\)"),
                          (lambda: net.loss(np.ones((2, 3, 2)), np.ones((2, 3, 2))), r"^Y must have shape \(n, T, 1\)"),
                          (lambda: net.loss(np.ones((2, 3, 2)), np.ones((2, 4, 1))), r"^Y must have the shape of the outputs \(2, 3, 1\); got \(2, 4, 1\)$"),
                          (lambda: net.backprop(np.ones((2, 3, 2)), np.ones((2, 4, 1))), r"^Y must have shape \(2, 3, 1\); got \(2, 4, 1\)$"),
                          (lambda: net.fit(np.ones((2, 3, 2)), np.ones((2, 3, 1)), epochs=0), r"^epochs must"),
                          (lambda: net.fit(np.ones((2, 3, 2)), np.ones((2, 3, 1)), lr=0.0), r"^lr must"),
                          (lambda: net.fit(np.ones((2, 3, 2)), np.ones((2, 3, 3))), r"^Y must have shape \(n, T, 1\)"),
                          (lambda: net.fit(np.ones((2, 3, 3)), np.ones((2, 3, 1))), r"^X must have shape \(n, T, 2\)"),
                          (lambda: net.backprop(np.ones((2, 3, 3)), np.ones((2, 3, 1))), r"^X must have shape \(n, T, 2\)"),
                          (lambda: net.backprop(np.ones((2, 3, 2)), np.ones((2, 3, 2))), r"^Y must have shape \(n, T, 1\)"),
                          (lambda: net.hidden_states(np.ones((2, 3))), r"^X must have shape \(n, T, 2\)")):
        with pytest.raises(ValueError, match=pattern):
            call()


def _cascade_by_the_docstring(X, Y, max_hidden, n_candidates, threshold, output_steps, candidate_steps, lr, seed):
    """Fahlman's loop written out from the module's docstring, with its own Adam and gradient of S."""
    rng, n = np.random.default_rng(seed), len(X)
    F = np.column_stack([X, np.ones(n)])
    W = rng.standard_normal((Y.shape[1], F.shape[1])) * 0.1              # output weights ~ N(0, 0.1²)
    hidden, history = [], []
    while True:
        state = {}
        for _ in range(output_steps):                                    # descend C = (1/n) Σ ½‖a − y‖²
            A = _sig(F @ W.T)
            _adam_by_hand([W], [((A - Y) * A * (1 - A)).T @ F / n], state, lr)
        A = _sig(F @ W.T)
        history.append(0.5 * np.sum((A - Y) ** 2) / n)
        if np.abs(A - Y).max() < threshold or len(hidden) == max_hidden:
            return hidden, W, history
        Ec = (A - Y) - (A - Y).mean(0)
        Wc, state = rng.uniform(-1.0, 1.0, (n_candidates, F.shape[1])), {}   # candidates ~ U[−1, 1)
        for _ in range(candidate_steps):                                 # ascend S
            V = np.tanh(F @ Wc.T)
            signs = np.sign((V - V.mean(0)).T @ Ec)                      # s_o per candidate
            grad = np.stack([((Ec @ signs[c]) * (1 - V[:, c] ** 2)) @ F for c in range(n_candidates)])
            _adam_by_hand([Wc], [-grad], state, lr)
        V = np.tanh(F @ Wc.T)
        S = np.abs((V - V.mean(0)).T @ Ec).sum(1)
        w = Wc[np.argmax(S)].copy()
        hidden.append(w)
        F = np.column_stack([F, np.tanh(F @ w)])
        W = np.column_stack([W, np.zeros(len(W))])


def test_cascade_correlation_fit_follows_the_documented_algorithm():
    X, y = datasets.xor()
    Y = y[:, None].astype(float)
    calls = []
    net = CascadeCorrelation(2, 1, max_hidden=2, n_candidates=3, score_threshold=0.01, output_steps=6,
                             candidate_steps=5, lr=0.1, seed=4).fit(X, Y, callback=lambda h, m: calls.append(
                                 (h, m.n_hidden_, len(m.history_))))
    hidden, W, history = _cascade_by_the_docstring(X, Y, 2, 3, 0.01, 6, 5, 0.1, 4)
    assert net.n_hidden_ == len(hidden) == 2 and calls == [(0, 0, 1), (1, 1, 2), (2, 2, 3)]
    for got, want in zip(net.hidden_weights_, hidden):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(net.W_out_, W, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(net.history_, history, rtol=1e-10)
    F = np.column_stack([X, np.ones(4)])
    for w in hidden:
        F = np.column_stack([F, np.tanh(F @ w)])
    np.testing.assert_allclose(net.features(X), F, rtol=1e-12)
    np.testing.assert_allclose(net.forward(X), _sig(F @ W.T), rtol=1e-10)
    # the defaults: 20 units at most, 8 candidates, threshold 0.4, 150 / 80 Adam steps at 0.05, seed 0
    default = CascadeCorrelation(2, 1).fit(X, Y)
    hidden, W, history = _cascade_by_the_docstring(X, Y, 20, 8, 0.4, 150, 80, 0.05, 0)
    assert default.n_hidden_ == len(hidden)
    np.testing.assert_allclose(default.W_out_, W, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(default.history_, history, rtol=1e-8)
    np.testing.assert_allclose(CascadeCorrelation(2, 1, rng=np.random.default_rng(4)).fit(X, Y).W_out_,
                               CascadeCorrelation(2, 1, seed=4).fit(X, Y).W_out_)


def test_cascade_correlation_stops_as_soon_as_every_output_is_close_enough():
    X, y = datasets.xor()
    Y = y[:, None].astype(float)
    # a loose threshold: the outputs after the first phase are all within 0.6 of the targets, no unit
    net = CascadeCorrelation(2, 1, score_threshold=0.6, seed=0).fit(X, Y)
    assert net.n_hidden_ == 0 and len(net.history_) == 1 and net.W_out_.shape == (1, 3)
    assert np.abs(net.forward(X) - Y).max() < 0.6
    none = CascadeCorrelation(2, 1, max_hidden=0, score_threshold=1e-3).fit(X, Y)    # max_hidden = 0 allowed
    assert none.n_hidden_ == 0 and len(none.history_) == 1
    fresh = CascadeCorrelation(2, 1)
    assert fresh.n_hidden_ == 0 and fresh.history_ == [] and fresh.hidden_weights_ == []
    assert (fresh.max_hidden, fresh.n_candidates, fresh.score_threshold) == (20, 8, 0.4)      # documented defaults


def test_cascade_correlation_predict_by_hand_and_correlation_score_types():
    net = CascadeCorrelation(2, 3, max_hidden=0, output_steps=1).fit(np.zeros((3, 2)), np.zeros((3, 3)))
    net.W_out_ = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.2]])   # bias 0.2 for output 2
    X = np.array([[2.0, 1.0], [-1.0, 3.0], [-1.0, -2.0]])
    np.testing.assert_array_equal(net.predict(X), [0, 1, 2])             # arg-max of σ(x_0), σ(x_1), σ(0.2)
    assert net.predict(X).dtype == np.int64
    one = CascadeCorrelation(2, 1, max_hidden=0, output_steps=1).fit(np.zeros((3, 2)), np.zeros((3, 1)))
    one.W_out_ = np.array([[1.0, 0.0, 0.0]])
    np.testing.assert_array_equal(one.predict([[0.5, 9.0], [-0.5, 9.0], [0.0, 9.0]]), [1, 0, 0])   # σ > 1/2 only
    # V = (1, 2, 3), E = (1, 0, 2): centred (−1, 0, 1)·(0, −1, 1) = 1
    score = correlation_score([1.0, 2.0, 3.0], [[1.0], [0.0], [2.0]])
    assert type(score) is float and score == pytest.approx(1.0)
    np.testing.assert_allclose(correlation_score([[1.0, 3.0], [2.0, 2.0], [3.0, 1.0]], [[1.0], [0.0], [2.0]]), [1.0, 1.0])


def test_cascade_correlation_errors_name_the_argument():
    X = np.zeros((3, 2))
    for call, pattern in ((lambda: CascadeCorrelation(0, 1), r"^n_in must"), (lambda: CascadeCorrelation(2, 0), r"^n_out must"),
                          (lambda: CascadeCorrelation(2, 1, max_hidden=-1), r"^max_hidden must be an int ≥ 0"),
                          (lambda: CascadeCorrelation(2, 1, n_candidates=0), r"^n_candidates must"),
                          (lambda: CascadeCorrelation(2, 1, score_threshold=0.0), r"^score_threshold must"),
                          (lambda: CascadeCorrelation(2, 1, output_steps=0), r"^output_steps must"),
                          (lambda: CascadeCorrelation(2, 1, candidate_steps=0), r"^candidate_steps must"),
                          (lambda: CascadeCorrelation(2, 1, lr=0.0), r"^lr must"),
                          (lambda: CascadeCorrelation(2, 1).fit(np.zeros((3, 3)), np.zeros((3, 1))), r"^X must have 2 columns"),
                          (lambda: CascadeCorrelation(2, 1).fit(X, np.zeros((3, 2))), r"^Y must have 1 columns"),
                          (lambda: CascadeCorrelation(2, 1).fit(X, np.zeros((4, 1))), r"^X and Y must hold the same number"),
                          (lambda: CascadeCorrelation(2, 1).forward(X), r"before forward\(\)"),
                          (lambda: CascadeCorrelation(2, 1).predict(X), r"before predict\(\)"),
                          (lambda: CascadeCorrelation(2, 1, max_hidden=0).fit(X, np.zeros((3, 1))).features(np.zeros((3, 3))),
                           r"^X must have 2 columns")):
        with pytest.raises(ValueError, match=pattern):
            call()


def _rbm_fit_by_the_docstring(V, n_hidden, epochs, lr, k, batch_size, seed):
    """RBM.fit written out from the docstrings: W ~ N(0, 0.01²) then, each epoch, a permutation
    cut into batches, and per batch k Gibbs steps (u < p for h, then for v) and a plain SGD step."""
    rng = np.random.default_rng(seed)
    W, b, c = rng.standard_normal((n_hidden, V.shape[1])) * 0.01, np.zeros(V.shape[1]), np.zeros(n_hidden)
    history = []
    for _ in range(epochs):
        order = rng.permutation(len(V))
        for start in range(0, len(V), batch_size):
            v0 = V[order[start:start + batch_size]]
            v = v0
            for _ in range(k):
                ph = _sig(v @ W.T + c)
                h = (rng.random(ph.shape) < ph).astype(float)
                pv = _sig(h @ W + b)
                v = (rng.random(pv.shape) < pv).astype(float)
            ph0, phk, m = _sig(v0 @ W.T + c), _sig(v @ W.T + c), len(v0)
            gW, gb, gc = (phk.T @ v - ph0.T @ v0) / m, (v - v0).mean(0), (phk - ph0).mean(0)
            W, b, c = W - lr * gW, b - lr * gb, c - lr * gc
        recon = _sig(_sig(V @ W.T + c) @ W + b)
        history.append(np.mean(np.sum((V - recon) ** 2, 1)))
    return W, b, c, history


def test_rbm_fit_follows_the_documented_draws_and_sgd_steps():
    V = (np.random.default_rng(3).random((11, 5)) < 0.5).astype(float)
    calls = []
    rbm = RBM(5, 3, seed=6).fit(V, epochs=3, lr=0.5, k=2, batch_size=4, callback=lambda e, m: calls.append((e, len(m.history_))))
    W, b, c, history = _rbm_fit_by_the_docstring(V, 3, 3, 0.5, 2, 4, 6)
    for name, want in (("W", W), ("b", b), ("c", c)):
        np.testing.assert_allclose(rbm.params[name], want, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(rbm.history_, history, rtol=1e-10)
    assert calls == [(0, 1), (1, 2), (2, 3)]
    # the defaults: 10 epochs, lr 0.1, CD-1, batches of 32, seed 0
    V = (np.random.default_rng(4).random((40, 4)) < 0.5).astype(float)
    W, b, c, history = _rbm_fit_by_the_docstring(V, 2, 10, 0.1, 1, 32, 0)
    default = RBM(4, 2).fit(V)
    np.testing.assert_allclose(default.params["W"], W, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(default.history_, history, rtol=1e-10)
    same = RBM(4, 2, rng=np.random.default_rng(0)).fit(V)
    np.testing.assert_array_equal(same.params["W"], default.params["W"])
    from companion.optimizers import SGD                                 # a given optimizer replaces SGD(lr)

    W, b, c, history = _rbm_fit_by_the_docstring(V, 2, 2, 0.7, 1, 32, 0)
    np.testing.assert_allclose(RBM(4, 2).fit(V, epochs=2, optimizer=SGD(lr=0.7)).params["W"], W, rtol=1e-10, atol=1e-14)


def test_rbm_formulas_by_hand():
    np.testing.assert_array_equal(all_binary(2), [[0, 0], [0, 1], [1, 0], [1, 1]])
    rbm = RBM(2, 1)
    rbm.params = {"W": np.array([[2.0, 3.0]]), "b": np.array([0.5, -1.0]), "c": np.array([0.25])}
    # E(v, h) = −v·b − h·c − hWv:  v = (1, 0), h = 1 → −0.5 − 0.25 − 2;  v = (0, 1), h = 0 → 1
    np.testing.assert_allclose(rbm.energy([[1, 0], [0, 1]], [[1], [0]]), [-2.75, 1.0])
    # F(v) = −v·b − log(1 + e^{Wv + c})
    np.testing.assert_allclose(rbm.free_energy([[1, 0], [0, 0]]), [-0.5 - np.log1p(np.exp(2.25)), -np.log1p(np.exp(0.25))])
    np.testing.assert_allclose(rbm.hidden_probs([[1, 1]]), [[_sig(5.25)]])
    np.testing.assert_allclose(rbm.transform([[1, 1]]), rbm.hidden_probs([[1, 1]]))
    np.testing.assert_allclose(rbm.visible_probs([[1], [0]]), [[_sig(2.5), _sig(2.0)], [_sig(0.5), _sig(-1.0)]])
    # no weights: p(v) = Π σ(b_i)^{v_i} (1 − σ(b_i))^{1 − v_i}, a closed form for Z and log p
    free = RBM(3, 2)
    free.params = {"W": np.zeros((2, 3)), "b": np.array([1.0, -2.0, 0.0]), "c": np.array([0.3, -0.7])}
    log_z = np.sum(np.log1p(np.exp(free.params["b"]))) + np.sum(np.log1p(np.exp(free.params["c"])))
    assert free.log_partition() == pytest.approx(log_z)
    free.params["b"] = np.array([800.0, -2.0, 0.0])                       # e^800 overflows: log Z must not
    assert free.log_partition() == pytest.approx(np.logaddexp(0, free.params["b"]).sum() + np.log1p(np.exp([0.3, -0.7])).sum())
    free.params["b"] = np.array([1.0, -2.0, 0.0])
    V = np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 0.0]])
    p_on = _sig(free.params["b"])
    logp = np.log(np.where(V == 1, p_on, 1 - p_on)).sum(1)
    assert free.exact_log_likelihood(V) == pytest.approx(logp.mean())
    g = free.exact_gradients(V)                                          # ⟨v⟩_model − ⟨v⟩_data
    np.testing.assert_allclose(g["b"], p_on - V.mean(0), atol=1e-12)
    np.testing.assert_allclose(g["c"], np.zeros(2), atol=1e-12)          # p(h|v) does not depend on v


def test_rbm_sampling_follows_the_documented_draws_and_its_own_generator():
    rbm = _tiny_rbm(n_v=3, n_h=2, seed=1)
    W, b, c = rbm.params["W"], rbm.params["b"], rbm.params["c"]

    def chain(rng, V, k):
        for _ in range(k):
            h = (rng.random((len(V), 2)) < _sig(V @ W.T + c)).astype(float)
            V = (rng.random((len(V), 3)) < _sig(h @ W + b)).astype(float)
        return V

    rng = np.random.default_rng(9)
    V0 = (rng.random((4, 3)) < 0.5).astype(float)
    np.testing.assert_array_equal(rbm.sample(4, steps=3, rng=np.random.default_rng(9)), chain(rng, V0, 3))
    # strong weights make one step depend on where the chain starts: uniform starts, not all ones
    strong = RBM(3, 3)
    strong.params = {"W": 12.0 * np.eye(3), "b": np.full(3, -6.0), "c": np.full(3, -6.0)}   # v_i → h_i → v_i
    rng = np.random.default_rng(2)
    starts = (rng.random((400, 3)) < 0.5).astype(float)
    out = strong.sample(400, steps=1, rng=np.random.default_rng(2))
    np.testing.assert_array_equal(out, strong.gibbs(starts, 1, rng=rng))
    assert abs(out.mean() - 0.5) < 0.1                                   # v_1 ≈ v_0, and v_0 is uniform
    start = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    np.testing.assert_array_equal(rbm.gibbs(start, k=2, rng=np.random.default_rng(5)),
                                  chain(np.random.default_rng(5), start, 2))
    np.testing.assert_array_equal(rbm.gibbs(start, rng=np.random.default_rng(5)), chain(np.random.default_rng(5), start, 1))
    # without an rng: the model's own generator, in the state the seed gave it after the initial weights
    own = np.random.default_rng(1)
    own.standard_normal((2, 3))
    fresh = _tiny_rbm(n_v=3, n_h=2, seed=1)
    np.testing.assert_array_equal(fresh.gibbs(start, k=2), chain(own, start, 2))
    np.testing.assert_array_equal(fresh.sample(2, steps=1),
                                  chain(own, (own.random((2, 3)) < 0.5).astype(float), 1))
    fresh.cd_gradients(start)                                            # CD-1 on the own generator: one step
    chain(own, start, 1)
    np.testing.assert_array_equal(fresh.gibbs(start, k=1), chain(own, start, 1))
    rng = np.random.default_rng(3)                                       # 1000 steps by default
    V0 = (rng.random((2, 3)) < 0.5).astype(float)
    np.testing.assert_array_equal(rbm.sample(2, rng=np.random.default_rng(3)), chain(rng, V0, 1000))


def test_rbm_enumeration_limit_and_errors_name_the_argument(monkeypatch):
    import companion.classic.rbm as rbm_module

    monkeypatch.setattr(rbm_module, "MAX_ENUMERATED_VISIBLE", 3)
    assert np.isfinite(RBM(3, 1).log_partition())                        # ≤ the limit: enumerated
    with pytest.raises(ValueError, match=r"^exact computations enumerate 2\^n_visible states; n_visible must be ≤ 3, got 4$"):
        RBM(4, 1).log_partition()
    rbm = RBM(3, 2)
    for call, pattern in ((lambda: RBM(0, 2), r"^n_visible must"), (lambda: RBM(3, 0), r"^n_hidden must"),
                          (lambda: rbm.energy(np.ones((2, 4)), np.ones((2, 2))), r"^V must have 3 columns"),
                          (lambda: rbm.energy(np.ones((2, 3)), np.ones((2, 3))), r"^H must have 2 columns"),
                          (lambda: rbm.visible_probs(np.ones((2, 3))), r"^H must have 2 columns"),
                          (lambda: rbm.gibbs(np.ones((2, 3)), k=0), r"^k must"),
                          (lambda: rbm.sample(0), r"^n must"), (lambda: rbm.sample(2, steps=0), r"^steps must"),
                          (lambda: rbm.cd_gradients([[0, 2, 1]]), r"^V must hold only 0 and 1"),
                          (lambda: rbm.exact_gradients([[0, 2, 1]]), r"^V must hold only 0 and 1"),
                          (lambda: rbm.fit([[0, 2, 1]]), r"^V must hold only 0 and 1"),
                          (lambda: rbm.fit([[0, 1, 1]], epochs=0), r"^epochs must"),
                          (lambda: rbm.fit([[0, 1, 1]], batch_size=0), r"^batch_size must"),
                          (lambda: rbm.fit([[0, 1, 1]], lr=0.0), r"^lr must")):
        with pytest.raises(ValueError, match=pattern):
            call()
    assert RBM(3, 2).history_ == []
