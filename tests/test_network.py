"""MLP: backprop against finite differences for every configuration, shapes, seeds, dtypes, errors."""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.gradcheck import check_gradients, numerical_gradient
from companion.losses import one_hot
from companion.network import HIDDEN, MLP

PAIRS = [("sigmoid", "quadratic"), ("sigmoid", "cross_entropy"), ("softmax", "quadratic"),
         ("softmax", "cross_entropy"), ("linear", "quadratic")]


def targets(output, n, k, rng):
    if output == "linear":
        return rng.standard_normal((n, k))
    if output == "sigmoid":
        return rng.integers(0, 2, (n, k)).astype(float)
    return one_hot(rng.integers(0, k, n), k)


@settings(max_examples=40, deadline=None)
@given(hidden=st.sampled_from(HIDDEN), pair=st.sampled_from(PAIRS),
       sizes=st.lists(st.integers(1, 4), min_size=2, max_size=4), n=st.integers(1, 5),
       seed=st.integers(0, 2**16))
def test_backprop_matches_finite_differences(hidden, pair, sizes, n, seed):
    output, loss = pair
    if output == "softmax" and sizes[-1] == 1:
        sizes = [*sizes[:-1], 2]
    rng = np.random.default_rng(seed)
    net = MLP(sizes, hidden=hidden, output=output, loss=loss, seed=seed)
    net.biases = [rng.standard_normal(b.shape) * 0.5 for b in net.biases]
    X = rng.standard_normal((n, sizes[0]))
    Y = targets(output, n, sizes[-1], rng)
    gw, gb = net.backprop(X, Y)
    for W, g in zip(net.weights + net.biases, gw + gb):
        numeric = numerical_gradient(lambda: net.cost(X, Y), W)
        # ReLU kinks make an occasional finite difference straddle 0: compare with a loose atol
        np.testing.assert_allclose(g, numeric, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("output, loss", PAIRS)
def test_check_gradients_reports_small_errors_for_every_combination(hidden, output, loss):
    rng = np.random.default_rng(3)
    net = MLP([3, 5, 4, 3], hidden=hidden, output=output, loss=loss, seed=1)
    errors = check_gradients(net, rng.standard_normal((6, 3)), targets(output, 6, 3, rng))
    assert sorted(errors) == ["W1", "W2", "W3", "b1", "b2", "b3"]
    assert max(errors.values()) < 1e-6


def test_the_batch_gradient_is_the_mean_of_per_example_gradients():
    rng = np.random.default_rng(0)
    net = MLP([4, 6, 3], output="softmax", loss="cross_entropy", seed=0)
    X, Y = rng.standard_normal((5, 4)), one_hot(rng.integers(0, 3, 5), 3)
    gw, _ = net.backprop(X, Y)
    per_example = [net.backprop(X[i:i + 1], Y[i:i + 1])[0][0] for i in range(5)]
    np.testing.assert_allclose(gw[0], np.mean(per_example, axis=0), atol=1e-14)


def test_forward_by_hand_for_a_tiny_network():
    net = MLP([2, 1], output="sigmoid")
    net.weights[0][...] = [[2.0, -1.0]]
    net.biases[0][...] = [0.5]
    x = np.array([[1.0, 3.0]])
    # z = 2·1 − 1·3 + 0.5 = −0.5
    np.testing.assert_allclose(net.forward(x), [[1 / (1 + np.exp(0.5))]])


def test_shapes_and_parameter_count():
    net = MLP([784, 16, 16, 10])
    assert [W.shape for W in net.weights] == [(16, 784), (16, 16), (10, 16)]
    assert [b.shape for b in net.biases] == [(16,), (16,), (10,)]
    assert sum(p.size for p in net.parameters()) == 784 * 16 + 16 * 16 + 16 * 10 + 16 + 16 + 10 == 13002


def test_same_seed_same_network_and_different_seed_differs():
    a, b, c = MLP([5, 4, 2], seed=7), MLP([5, 4, 2], seed=7), MLP([5, 4, 2], seed=8)
    for Wa, Wb in zip(a.weights, b.weights):
        np.testing.assert_array_equal(Wa, Wb)
    assert not np.array_equal(a.weights[0], c.weights[0])


@pytest.mark.parametrize("init, variance", [("normal", 1 / 400), ("standard", 1.0),
                                            ("xavier", 2 / 500), ("he", 2 / 400)])
def test_initialization_variances(init, variance):
    W = MLP([400, 100], init=init, seed=0).weights[0]
    # 40,000 draws: the sample variance is within ~3% of the true one
    assert W.var() == pytest.approx(variance, rel=0.05)


@pytest.mark.parametrize("output, loss", PAIRS)
def test_float32_stays_float32_end_to_end(output, loss):
    rng = np.random.default_rng(0)
    net = MLP([4, 5, 3], output=output, loss=loss, dtype=np.float32)
    X = rng.standard_normal((6, 4)).astype(np.float32)
    Y = targets(output, 6, 3, rng)  # float64 targets must not upcast the computation
    assert all(p.dtype == np.float32 for p in net.parameters())
    assert net.forward(X).dtype == np.float32
    _, grads = net.loss_and_gradients(X, Y)
    assert all(g.dtype == np.float32 for g in grads)


def test_extreme_inputs_give_no_warnings():
    net = MLP([2, 3, 2], hidden="sigmoid", output="softmax", loss="cross_entropy", seed=0)
    net.weights = [W * 1000 for W in net.weights]
    X = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cost, grads = net.loss_and_gradients(X, one_hot([0, 1], 2))
    assert np.isfinite(cost) and all(np.all(np.isfinite(g)) for g in grads)


def test_inputs_are_not_modified():
    rng = np.random.default_rng(0)
    net = MLP([3, 4, 2], output="softmax", loss="cross_entropy")
    X, Y = rng.standard_normal((5, 3)), one_hot(rng.integers(0, 2, 5), 2)
    X0, Y0, W0 = X.copy(), Y.copy(), [W.copy() for W in net.weights]
    net.backprop(X, Y), net.cost(X, Y), net.forward(X)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(Y, Y0)
    for W, Wb in zip(net.weights, W0):
        np.testing.assert_array_equal(W, Wb)


def test_predict():
    net = MLP([2, 3], output="softmax")
    net.weights[0][...] = [[1, 0], [0, 1], [-1, -1]]
    np.testing.assert_array_equal(net.predict(np.array([[5.0, 0.0], [0.0, 5.0], [-3.0, -3.0]])), [0, 1, 2])


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match=r"unknown hidden activation 'swish'; expected one of"):
        MLP([2, 2], hidden="swish")
    with pytest.raises(ValueError, match=r"unknown output activation 'tanh'"):
        MLP([2, 2], output="tanh")
    with pytest.raises(ValueError, match=r"unknown loss 'hinge'"):
        MLP([2, 2], loss="hinge")
    # the advice is the whole message, down to its last word: a learner acts on it
    with pytest.raises(ValueError, match=r"^loss='cross_entropy' needs probabilities: use output='sigmoid' or "
                                         r"'softmax', or loss='quadratic' with output='linear'$"):
        MLP([2, 2], output="linear", loss="cross_entropy")
    with pytest.raises(ValueError, match=r"sizes must be a list of at least two layer widths"):
        MLP([3])
    with pytest.raises(ValueError, match=r"^sizes must be a list of at least two layer widths.*got 784$"):
        MLP(784)            # a single width, not a list: the same clear error, not "int is not iterable"
    with pytest.raises(ValueError, match=r"sizes\[1\] must be a positive int"):
        MLP([3, 0])
    with pytest.raises(TypeError, match=r"sizes\[1\] must be a positive int \(a layer width\); got float 2.0"):
        MLP([3, 2.0])       # a width that is not an int is a TypeError, as for Dense(3, 2.0)
    with pytest.raises(TypeError, match="dtype must be numpy.float32 or numpy.float64; got int64"):
        MLP([2, 2], dtype=np.int64)
    with pytest.raises(ValueError, match="unknown init 'zeros'"):
        MLP([2, 2], init="zeros")


def test_bad_inputs_raise_clear_errors():
    net = MLP([3, 4, 2])
    # each message starts with the name of the argument at fault, X (the patterns are anchored with ^)
    with pytest.raises(ValueError, match=r"^X must have 3 columns, shape \(n, 3\); got shape \(5, 4\)"):
        net.forward(np.zeros((5, 4)))
    with pytest.raises(ValueError, match=r" \(a single example: use X\.reshape\(1, -1\)\)$"):
        net.forward(np.zeros(3))
    with pytest.raises(ValueError, match=r"^X must be 2-D with shape \(n, 3\); got shape \(3,\)"):
        net.forward(np.zeros(3))            # the width it needs is that of the input layer, sizes[0] = 3
    with pytest.raises(ValueError, match="^X is an empty batch"):
        net.forward(np.zeros((0, 3)))
    with pytest.raises(ValueError, match=r"^X must be finite; found nan at index \(0, 1\)"):
        net.forward(np.array([[0.0, np.nan, 0.0]]))
    with pytest.raises(TypeError, match="^X must hold real numbers"):
        net.forward(np.array([["a", "b", "c"]]))
    with pytest.raises(ValueError, match=r"Y must have shape \(2, 2\), one row per example of X and one column per network output; got shape \(2,\) .*one_hot"):
        net.backprop(np.zeros((2, 3)), np.array([0, 1]))
    with pytest.raises(ValueError, match="Y must be finite"):
        net.backprop(np.zeros((1, 3)), np.array([[np.inf, 0.0]]))
    net.weights[0] = np.zeros((4, 5))
    with pytest.raises(ValueError, match=r"weights\[0\] must have shape \(4, 3\) and biases\[0\] shape \(4,\); got \(4, 5\)"):
        net.forward(np.zeros((1, 3)))


def test_default_seed_repr_and_predict_on_one_output():
    import dataclasses

    from companion.network import COSTS

    net = MLP([2, 3, 1])
    np.testing.assert_array_equal(net.weights[0], MLP([2, 3, 1], seed=0).weights[0])       # seed 0 by default
    assert not np.array_equal(net.weights[0], MLP([2, 3, 1], seed=1).weights[0])
    assert repr(net) == "MLP([2, 3, 1], hidden='sigmoid', output='sigmoid', loss='quadratic', dtype=float64)"
    for W in net.weights:
        W[...] = 0.0
    net.biases[-1][...] = [0.0]                                    # output exactly σ(0) = 0.5: label 0
    assert net.predict(np.zeros((1, 2))).tolist() == [0]
    net.biases[-1][...] = [0.1]                                    # σ(0.1) > 0.5: label 1
    assert net.predict(np.zeros((2, 2))).tolist() == [1, 1]
    two = MLP([2, 2], output="softmax", loss="cross_entropy", seed=0)
    two.biases[0][...] = [0.0, 1.0]
    two.weights[0][...] = 0.0
    assert two.predict(np.zeros((1, 2))).tolist() == [1]             # arg-max of two outputs
    with pytest.raises(dataclasses.FrozenInstanceError):
        COSTS["sigmoid", "quadratic"].fn = None                     # the cost table cannot be changed by accident


def test_sizes_may_be_any_sequence_of_widths():
    net = MLP((2, 3, 1), seed=0)                       # a tuple works as the list [2, 3, 1] does
    assert net.sizes == [2, 3, 1]
    assert [W.shape for W in net.weights] == [(3, 2), (1, 3)]
    for W, W_list in zip(net.weights, MLP([2, 3, 1], seed=0).weights):
        np.testing.assert_array_equal(W, W_list)
