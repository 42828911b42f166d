"""Tests of companion.layers.Sequential: the model protocol, finite-difference gradients through
whole stacks, input validation, a published DLS reference, and exact agreement with MLP.backprop."""

import numpy as np
import pytest
from reference_vectors import decode, load

from companion.gradcheck import check_gradients, numerical_gradient, relative_error
from companion.layers import (
    Activation,
    BatchNorm,
    Dense,
    Dropout,
    QuadraticLoss,
    ReLU,
    Sequential,
    Sigmoid,
    SigmoidCrossEntropyLoss,
    Softmax,
    SoftmaxCrossEntropyLoss,
    Tanh,
)
from companion.network import MLP

REFERENCE = load("reference_layers.json")


def data(n=6, d=3, k=4, seed=0, one_hot=True):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    Y = np.eye(k)[rng.integers(0, k, size=n)] if one_hot else rng.uniform(size=(n, k))
    return X, Y


def assert_gradient_close(analytic, numeric):
    """Relative error below 1e-7, or both essentially zero (e.g. a bias just before BatchNorm)."""
    if np.linalg.norm(numeric) < 1e-8:
        assert np.linalg.norm(analytic) < 1e-12
    else:
        assert relative_error(analytic, numeric) < 1e-7


def small_net():
    return Sequential([Dense(3, 5, seed=1), Tanh(), Dense(5, 4, seed=2)], SoftmaxCrossEntropyLoss())


# --------------------------------------------------------------------------------------------
# The model protocol
# --------------------------------------------------------------------------------------------
def test_parameters_are_the_live_arrays_weights_first_as_in_mlp():
    net = Sequential([Dense(3, 5, seed=1), BatchNorm(5), ReLU(), Dense(5, 2, seed=2)], QuadraticLoss())
    names = net.parameter_names()
    assert names == ["W1", "W3", "b1", "gamma2", "beta2", "b3"]
    params = net.parameters()
    dense1, bn, dense3 = net.layers[0], net.layers[1], net.layers[3]
    expected = [dense1.params["W"], dense3.params["W"], dense1.params["b"], bn.params["gamma"],
                bn.params["beta"], dense3.params["b"]]
    assert all(p is q for p, q in zip(params, expected)) and len(params) == 6
    assert all(W is p for W, p in zip(net.weight_arrays(), params[:2]))
    X, Y = data(k=2, one_hot=False)
    _, grads = net.loss_and_gradients(X, Y)
    assert [g.shape for g in grads] == [p.shape for p in params]


def test_updating_parameters_in_place_changes_the_model():
    net = small_net()
    X, Y = data()
    before = net.cost(X, Y)
    C, grads = net.loss_and_gradients(X, Y)
    assert C == pytest.approx(before)
    for p, g in zip(net.parameters(), grads):
        p -= 0.5 * g                                      # one gradient-descent step
    assert net.cost(X, Y) < before


def test_forward_applies_the_fused_losses_output_function():
    X, _ = data()
    net = small_net()
    probabilities = net.forward(X)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    logits = X
    for layer in net.layers:
        logits = layer.forward(logits)
    np.testing.assert_array_equal(net.predict(X), np.argmax(logits, axis=1))
    binary = Sequential([Dense(3, 1, seed=0)], SigmoidCrossEntropyLoss())
    z = binary.layers[0].forward(X)[:, 0]
    np.testing.assert_array_equal(binary.predict(X), (z > 0).astype(int))
    np.testing.assert_allclose(binary.forward(X)[:, 0], 1 / (1 + np.exp(-z)), rtol=1e-14)


@pytest.mark.parametrize(
    "layers, loss, one_hot",
    [
        ([Dense(3, 5, seed=1), Sigmoid(), Dense(5, 4, seed=2), Sigmoid()], QuadraticLoss(), False),
        ([Dense(3, 5, seed=1), ReLU(), Dense(5, 4, seed=2)], SoftmaxCrossEntropyLoss(), True),
        ([Dense(3, 5, seed=1), Tanh(), Dense(5, 4, seed=2)], SigmoidCrossEntropyLoss(), False),
        ([Dense(3, 5, seed=1), Activation("leaky_relu"), Dense(5, 4, seed=2), Softmax()], QuadraticLoss(), True),
        ([Dense(3, 5, seed=1), BatchNorm(5), Tanh(), Dense(5, 4, seed=2), BatchNorm(4)], QuadraticLoss(), False),
    ],
    ids=["sigmoid-quadratic", "relu-softmax-ce", "tanh-sigmoid-ce", "softmax-quadratic", "batchnorm"],
)
def test_loss_and_gradients_match_finite_differences(layers, loss, one_hot):
    net = Sequential(layers, loss)
    rng = np.random.default_rng(3)
    for layer in net.layers:
        if isinstance(layer, BatchNorm):
            layer.params["gamma"][...] = rng.normal(size=layer.n)
            layer.params["beta"][...] = rng.normal(size=layer.n)
    X, Y = data(one_hot=one_hot)
    _, grads = net.loss_and_gradients(X, Y)
    for p, g in zip(net.parameters(), grads):
        assert_gradient_close(g, numerical_gradient(lambda: net.cost(X, Y, training=True), p))


def test_gradients_with_dropout_match_finite_differences_for_a_fixed_mask_stream():
    # Re-seeding the dropout generator before every cost makes each evaluation draw the same masks.
    drop = Dropout(p_drop=0.3)
    net = Sequential([Dense(3, 6, seed=1), Tanh(), drop, Dense(6, 4, seed=2)], SoftmaxCrossEntropyLoss())
    X, Y = data()

    def cost():
        drop.rng = np.random.default_rng(11)
        return net.cost(X, Y, training=True)

    drop.rng = np.random.default_rng(11)
    _, grads = net.loss_and_gradients(X, Y)
    assert not drop.mask.all()                        # something was dropped
    for p, g in zip(net.parameters(), grads):
        assert_gradient_close(g, numerical_gradient(cost, p))


def test_check_gradients_accepts_a_sequential():
    net = small_net()
    X, Y = data()
    errors = check_gradients(net, X, Y)
    assert sorted(errors) == sorted(net.parameter_names())
    assert max(errors.values()) < 1e-7


def test_cost_is_in_evaluation_mode_by_default():
    drop = Dropout(p_drop=0.5, seed=0)
    net = Sequential([Dense(3, 4, seed=1), drop, Dense(4, 4, seed=2)], SoftmaxCrossEntropyLoss())
    X, Y = data()
    assert net.cost(X, Y) == net.cost(X, Y)           # no masks drawn
    assert drop.mask is None
    without = Sequential([net.layers[0], net.layers[2]], SoftmaxCrossEntropyLoss())
    assert net.cost(X, Y) == without.cost(X, Y)


def test_a_bias_just_before_batchnorm_gets_no_gradient():
    # BatchNorm subtracts the batch mean, so adding a constant to its input changes nothing.
    net = Sequential([Dense(3, 5, seed=1), BatchNorm(5), Tanh(), Dense(5, 2, seed=2)], QuadraticLoss())
    X, Y = data(k=2, one_hot=False)
    _, grads = net.loss_and_gradients(X, Y)
    np.testing.assert_allclose(grads[net.parameter_names().index("b1")], 0.0, atol=1e-15)


def test_float32_end_to_end():
    net = Sequential([Dense(3, 5, seed=1, dtype=np.float32), BatchNorm(5, dtype=np.float32), ReLU(),
                      Dense(5, 4, seed=2, dtype=np.float32)], SoftmaxCrossEntropyLoss())
    X, Y = data()
    X, Y = X.astype(np.float32), Y.astype(np.float32)
    assert net.forward(X).dtype == np.float32
    _, grads = net.loss_and_gradients(X, Y)
    assert all(g.dtype == np.float32 for g in grads)


def test_inputs_are_not_modified():
    X, Y = data()
    X0, Y0 = X.copy(), Y.copy()
    small_net().loss_and_gradients(X, Y)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(Y, Y0)


# --------------------------------------------------------------------------------------------
# Validation (every message asserted)
# --------------------------------------------------------------------------------------------
def test_mismatched_widths_are_reported_at_construction():
    with pytest.raises(ValueError, match=r"layer 2 \(Dense\(4, 2\)\) expects 4 input columns but receives 5 "
                                         r"from layer 1 \(ReLU\(\)\)"):
        Sequential([Dense(3, 5), ReLU(), Dense(4, 2)], QuadraticLoss())
    with pytest.raises(ValueError, match=r"layer 1 \(BatchNorm\(4, .*\)\) expects 4 input columns but receives 5 "
                                         r"from layer 0 \(Dense\(3, 5\)\)"):
        Sequential([Dense(3, 5), BatchNorm(4)], QuadraticLoss())


def test_wrong_input_width_names_the_first_layer():
    with pytest.raises(ValueError, match=r"X must have 3 columns, the input width of layer 0 \(Dense\(3, 5\)\); "
                                         r"got shape \(6, 4\)"):
        small_net().forward(np.ones((6, 4)))
    with pytest.raises(ValueError, match=r"X must have 3 columns, the input width of layer 1 \(Dense\(3, 2\)\)"):
        Sequential([ReLU(), Dense(3, 2)], QuadraticLoss()).forward(np.ones((1, 4)))


def test_target_errors():
    X, _ = data()
    with pytest.raises(ValueError, match=r"Y must have shape \(6, 4\), one row per example of X and one column per "
                                         r"network output; got shape \(6, 3\)$"):
        small_net().loss_and_gradients(X, np.ones((6, 3)))
    with pytest.raises(ValueError, match=r"got shape \(6,\) \(integer labels\? convert them with "
                                         r"companion.losses.one_hot\(labels, k\)\)"):
        small_net().cost(X, np.zeros(6, dtype=int))
    with pytest.raises(ValueError, match=r"Y must be finite; found nan at index \(0, 0\)"):
        small_net().cost(X, np.full((6, 4), np.nan))


def test_non_finite_input_is_refused():
    X, Y = data()
    X[2, 1] = np.inf
    with pytest.raises(ValueError, match=r"X must be finite; found inf at index \(2, 1\)"):
        small_net().loss_and_gradients(X, Y)


def test_constructor_type_errors():
    with pytest.raises(TypeError, match="layers\\[1\\] must be a Layer \\(e.g. Dense, ReLU\\); got ufunc"):
        Sequential([Dense(2, 2), np.tanh], QuadraticLoss())
    with pytest.raises(TypeError, match="loss must be a loss layer .*; got str"):
        Sequential([Dense(2, 2)], "quadratic")
    with pytest.raises(ValueError, match="layers must hold at least one layer; got an empty list"):
        Sequential([], QuadraticLoss())


def test_double_output_function_is_refused():
    with pytest.raises(ValueError, match="the last layer is Softmax but SoftmaxCrossEntropyLoss applies softmax itself"):
        Sequential([Dense(2, 3), Softmax()], SoftmaxCrossEntropyLoss())
    with pytest.raises(ValueError, match="the last layer is Sigmoid but SigmoidCrossEntropyLoss applies the sigmoid itself"):
        Sequential([Dense(2, 3), Sigmoid()], SigmoidCrossEntropyLoss())


# --------------------------------------------------------------------------------------------
# Published reference: DLS backward propagation with L2 regularization
# --------------------------------------------------------------------------------------------
def test_dls_backward_propagation_with_regularization():
    # DLS: examples are columns, b is (n_l, 1), cost J = mean cross-entropy + λ/(2m)·Σ‖W‖², so
    # dW = dZ A_prevᵀ/m + (λ/m) W. Ours: the loss gradient from Sequential plus l2_gradient(W, lam)
    # = lam·W of the penalty (lam/2)·Σ‖W‖², hence lam = λ/m.
    try:
        from companion.regularization import l2_gradient
    except ImportError:  # pragma: no cover - the module is optional for this test
        def l2_gradient(W, lam):
            return lam * W
    entry = REFERENCE["dls.c2w1.backward_propagation_with_regularization"]
    inputs, expected = decode(entry["inputs"]), decode(entry["expected"])
    Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3 = inputs["cache"]
    X, Y, atol = inputs["X"].T, inputs["Y"].T, entry["tolerance"]["atol"]
    lam = inputs["lambd"] / X.shape[0]
    layers = []
    for W, b in ((W1, b1), (W2, b2), (W3, b3)):
        dense = Dense(W.shape[1], W.shape[0], seed=0)
        dense.params["W"][...], dense.params["b"][...] = W, b.ravel()
        layers += [dense, ReLU()]
    net = Sequential(layers[:-1], SigmoidCrossEntropyLoss())
    np.testing.assert_allclose(net.forward(X), A3.T, atol=atol)      # the cache is one forward pass
    _, grads = net.loss_and_gradients(X, Y)
    names = net.parameter_names()
    for l, W in zip("123", (W1, W2, W3)):
        dW = grads[names.index("W" + l)] + l2_gradient(W, lam)
        np.testing.assert_allclose(dW, expected["dW" + l], atol=atol)
        np.testing.assert_allclose(grads[names.index("b" + l)], expected["db" + l].ravel(), atol=atol)


# --------------------------------------------------------------------------------------------
# The same network written two ways: Sequential of layers and MLP with BP1–BP4
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "hidden, output, loss",
    [("sigmoid", "sigmoid", "quadratic"), ("tanh", "sigmoid", "cross_entropy"),
     ("relu", "softmax", "cross_entropy"), ("sigmoid", "softmax", "quadratic"),
     ("leaky_relu", "linear", "quadratic")],
)
def test_sequential_gives_exactly_the_gradients_of_mlp_backprop(hidden, output, loss):
    mlp = MLP([3, 5, 4, 3], hidden=hidden, output=output, loss=loss, seed=7)
    rng = np.random.default_rng(8)
    for b in mlp.biases:
        b[...] = rng.normal(size=b.shape)
    net = Sequential.from_mlp(mlp)
    X = rng.normal(size=(7, 3))
    Y = np.eye(3)[rng.integers(0, 3, size=7)] if output == "softmax" else rng.uniform(size=(7, 3))
    grad_w, grad_b = mlp.backprop(X, Y)
    C, grads = net.loss_and_gradients(X, Y)
    assert net.parameter_names() == mlp.parameter_names()
    assert len(grads) == len(grad_w) + len(grad_b)
    for g_seq, g_mlp in zip(grads, [*grad_w, *grad_b]):          # the same order as MLP.parameters()
        np.testing.assert_array_equal(g_seq, g_mlp)
    np.testing.assert_allclose(net.forward(X), mlp.forward(X), rtol=1e-14)
    assert C == pytest.approx(mlp.cost(X, Y), rel=1e-12)
    np.testing.assert_array_equal(net.predict(X), mlp.predict(X))


def test_to_sequential_copies_the_parameters():
    mlp = MLP([2, 3, 1], seed=5, dtype=np.float32)
    net = Sequential.from_mlp(mlp)
    for p_seq, p_mlp in zip(net.parameters(), mlp.parameters()):
        np.testing.assert_array_equal(p_seq, p_mlp)
        assert p_seq.dtype == np.float32 and not np.shares_memory(p_seq, p_mlp)
    net.parameters()[0][...] = 0.0
    assert np.all(mlp.weights[0] != 0.0)              # training the copy leaves the MLP alone
    assert repr(net) == "Sequential([Dense(2, 3), Activation('sigmoid'), Dense(3, 1), Sigmoid()], QuadraticLoss())"


# ---------------------------------------------------------------- check_gradients in training mode
def _regularized_net(p_drop=0.4):
    drop = Dropout(p_drop=p_drop, seed=5)
    bn = BatchNorm(6)
    net = Sequential([Dense(3, 6, seed=1, init="xavier"), bn, Tanh(), drop, Dense(6, 4, seed=2, init="xavier")],
                     SoftmaxCrossEntropyLoss())
    rng = np.random.default_rng(7)
    bn.params["gamma"][...] = rng.normal(size=6)
    bn.params["beta"][...] = rng.normal(size=6)
    return net, drop, bn


def test_check_gradients_handles_dropout_and_batchnorm_in_training_mode():
    net, drop, bn = _regularized_net()
    X, Y = data()
    errors = check_gradients(net, X, Y)
    # The bias just before BatchNorm has a zero gradient: both sides are ~0, compare absolutely.
    bias = net.layers[0].params["b"]
    by_array = {id(p): name for name, p in zip(errors, net.parameters())}
    _, grads = net.loss_and_gradients(X, Y)
    assert np.abs(net.layers[0].grads["b"]).max() < 1e-12
    for name, err in errors.items():
        if name != by_array[id(bias)]:
            assert err < 1e-7, (name, err)


def test_check_gradients_leaves_masks_and_running_statistics_as_they_were():
    net, drop, bn = _regularized_net()
    X, Y = data()
    state = drop.get_state()
    mean, var = bn.running_mean.copy(), bn.running_var.copy()
    check_gradients(net, X, Y)
    np.testing.assert_array_equal(bn.running_mean, mean)
    np.testing.assert_array_equal(bn.running_var, var)
    twin = Dropout(p_drop=0.4, seed=5)
    np.testing.assert_array_equal(drop.forward(X), twin.forward(X))   # the stream was rewound
    assert drop.get_state() != state


def test_without_a_fixed_mask_stream_the_check_fails():
    # The old behaviour (evaluation-mode cost against training-mode gradients) is far off.
    net, _, _ = _regularized_net(p_drop=0.5)
    X, Y = data()
    errors = check_gradients(net, X, Y, training=False)
    assert max(errors.values()) > 1e-3


def test_dropout_and_batchnorm_state_round_trip():
    drop = Dropout(0.5, seed=0)
    X = np.ones((4, 5))
    s = drop.get_state()
    a = drop.forward(X)
    drop.set_state(s)
    np.testing.assert_array_equal(drop.forward(X), a)
    bn = BatchNorm(5)
    s = bn.get_state()
    bn.forward(np.arange(20.0).reshape(4, 5))
    assert not np.allclose(bn.running_mean, 0.0)
    bn.set_state(s)
    np.testing.assert_array_equal(bn.running_mean, np.zeros(5))
    np.testing.assert_array_equal(bn.running_var, np.ones(5))


def test_to_sequential_is_a_deprecated_alias_of_from_mlp():
    mlp = MLP([2, 3, 2], output="softmax", loss="cross_entropy", seed=1)
    with pytest.warns(DeprecationWarning, match=r"^MLP\.to_sequential\(\) is deprecated; use "
                                                r"companion\.layers\.Sequential\.from_mlp\(mlp\)$") as caught:
        old = mlp.to_sequential()
    assert repr(old) == repr(Sequential.from_mlp(mlp))
    # the warning points at the line that called to_sequential() (here, this file): Python and Jupyter
    # show a DeprecationWarning by default only when it is attributed to the learner's own code
    assert [w.filename for w in caught] == [__file__]


def test_chapters_1_to_6_stand_alone_and_layers_and_convolution_form_no_circle():
    import subprocess
    import sys

    code = ("import sys, companion.network, companion.convolution; "
            "print(sorted(m for m in sys.modules if m.startswith('companion')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded = set(eval(out))
    assert "companion.layers" not in loaded                   # neither network nor convolution needs it
    assert loaded <= {"companion", "companion.network", "companion.convolution", "companion._layer",
                      "companion._validation", "companion.activations", "companion.losses",
                      "companion.initializers"}, loaded
    import companion.convolution as conv
    import companion.layers as layers
    assert layers.Conv2D is conv.Conv2D and not hasattr(layers, "__getattr__")
