"""Tests of companion.layers: every backward rule against finite differences, dropout and batch
normalization against their defining properties, and published reference values from CS231n and
the Deep Learning Specialization (copied into tests/data/reference_layers.json)."""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference_vectors import cs231n_rel_error, decode, load

from companion.gradcheck import numerical_gradient, relative_error
from companion.layers import (
    Activation,
    BatchNorm,
    Dense,
    Dropout,
    LeakyReLU,
    QuadraticLoss,
    ReLU,
    Sigmoid,
    SigmoidCrossEntropyLoss,
    Softmax,
    SoftmaxCrossEntropyLoss,
    Sequential,
    Tanh,
)
from companion.network import MLP

REFERENCE = load("reference_layers.json")
GRAD_TOL = 1e-7


def ref(name):
    """Return (inputs, expected, tolerance) of a reference entry with arrays decoded."""
    entry = REFERENCE[name]
    return decode(entry["inputs"]), decode(entry["expected"]), entry["tolerance"]


# --------------------------------------------------------------------------------------------
# Finite-difference checks of every backward rule
# --------------------------------------------------------------------------------------------
def check_layer_gradients(layer, X, training=True, forward_kwargs=None, seed=0):
    """Compare backward with central differences of the scalar L = Σ forward(X) ⊙ R.

    R is a fixed random upstream gradient, so ∂L/∂out = R and backward(R) must return ∂L/∂X
    and store ∂L/∂θ for every parameter θ.
    """
    kwargs = forward_kwargs or {}
    R = np.random.default_rng(seed).normal(size=layer.forward(X, training, **kwargs).shape)

    def scalar_of_X(x):
        return float(np.sum(layer.forward(x, training, **kwargs) * R))

    def scalar_of_params(_):
        return float(np.sum(layer.forward(X, training, **kwargs) * R))

    layer.forward(X, training, **kwargs)
    dX = layer.backward(R)
    numeric_dX = numerical_gradient(scalar_of_X, X.copy())
    assert relative_error(dX, numeric_dX) < GRAD_TOL
    grads = {k: v.copy() for k, v in layer.grads.items()}
    assert sorted(grads) == sorted(layer.params)
    for key, param in layer.params.items():
        numeric = numerical_gradient(scalar_of_params, param)
        assert relative_error(grads[key], numeric) < GRAD_TOL, key


@pytest.fixture
def X():
    return np.random.default_rng(1).normal(size=(6, 4))


def test_dense_gradients(X):
    layer = Dense(4, 3, seed=0)
    layer.params["b"][...] = np.random.default_rng(2).normal(size=3)
    check_layer_gradients(layer, X)


@pytest.mark.parametrize(
    "layer",
    [Sigmoid(), Tanh(), ReLU(), LeakyReLU(0.1), Activation("sigmoid"), Activation("linear"), Softmax()],
    ids=repr,
)
def test_activation_layer_gradients(layer, X):
    check_layer_gradients(layer, X)


def test_softmax_layer_backward_is_the_jacobian_product(X):
    # Oracle: the explicit Jacobian diag(a) − a aᵀ of each row, multiplied by that row's dout.
    layer = Softmax()
    A = layer.forward(X)
    dout = np.random.default_rng(3).normal(size=A.shape)
    dX = layer.backward(dout)
    for a, d, dx in zip(A, dout, dX):
        jacobian = np.diag(a) - np.outer(a, a)
        np.testing.assert_allclose(dx, jacobian @ d, rtol=1e-12, atol=1e-15)


def test_batchnorm_gradients_training_mode(X):
    layer = BatchNorm(4)
    rng = np.random.default_rng(4)
    layer.params["gamma"][...] = rng.normal(size=4)
    layer.params["beta"][...] = rng.normal(size=4)
    check_layer_gradients(layer, X * 3.0 + 1.0, training=True)


def test_batchnorm_gradients_evaluation_mode(X):
    layer = BatchNorm(4)
    rng = np.random.default_rng(5)
    layer.params["gamma"][...] = rng.normal(size=4)
    layer.params["beta"][...] = rng.normal(size=4)
    layer.running_mean[...] = rng.normal(size=4)
    layer.running_var[...] = rng.uniform(0.5, 2.0, size=4)
    check_layer_gradients(layer, X, training=False)


def test_dropout_gradients_with_a_fixed_mask(X):
    mask = np.random.default_rng(6).random(X.shape) >= 0.4
    check_layer_gradients(Dropout(p_drop=0.4), X, forward_kwargs={"mask": mask})


@pytest.mark.parametrize(
    "loss, make_input",
    [
        (QuadraticLoss(), lambda rng, n, k: rng.uniform(0.05, 0.95, size=(n, k))),
        (SoftmaxCrossEntropyLoss(), lambda rng, n, k: rng.normal(scale=2.0, size=(n, k))),
        (SigmoidCrossEntropyLoss(), lambda rng, n, k: rng.normal(scale=2.0, size=(n, k))),
    ],
    ids=["quadratic", "softmax_cross_entropy", "sigmoid_cross_entropy"],
)
def test_loss_layer_gradients(loss, make_input):
    rng = np.random.default_rng(7)
    inp = make_input(rng, 5, 3)
    if isinstance(loss, SoftmaxCrossEntropyLoss):
        Y = np.eye(3)[rng.integers(0, 3, size=5)]
    else:
        Y = rng.uniform(0, 1, size=(5, 3))
    loss.forward(inp, Y)
    analytic = loss.backward()
    numeric = numerical_gradient(lambda z: loss.forward(z, Y), inp.copy())
    assert relative_error(analytic, numeric) < GRAD_TOL


def test_loss_layer_values_against_closed_forms():
    # Hand-computed: one example, two outputs.
    a, y = np.array([[0.2, 0.9]]), np.array([[0.0, 1.0]])
    assert QuadraticLoss().forward(a, y) == pytest.approx(0.5 * (0.2**2 + 0.1**2))
    z = np.array([[0.0, np.log(3.0)]])                      # softmax = (1/4, 3/4)
    assert SoftmaxCrossEntropyLoss().forward(z, y) == pytest.approx(-np.log(0.75))
    z = np.array([[0.0, np.log(4.0)]])                      # sigmoid = (1/2, 4/5)
    expected = -(np.log(0.5) + np.log(0.8))
    assert SigmoidCrossEntropyLoss().forward(z, y) == pytest.approx(expected)


def test_loss_layers_are_batch_means():
    rng = np.random.default_rng(8)
    z, y = rng.normal(size=(4, 3)), np.eye(3)[[0, 1, 2, 1]]
    for loss in (QuadraticLoss(), SoftmaxCrossEntropyLoss(), SigmoidCrossEntropyLoss()):
        per_example = [loss.forward(z[i : i + 1], y[i : i + 1]) for i in range(4)]
        assert loss.forward(z, y) == pytest.approx(np.mean(per_example))


def test_fused_losses_are_stable_at_large_logits():
    z = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]])
    y = np.array([[1.0, 0.0], [1.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        c_soft = SoftmaxCrossEntropyLoss()
        assert c_soft.forward(z, y) == pytest.approx(1000.0)       # (0 + 2000)/2
        assert np.isfinite(c_soft.backward()).all()
        c_sig = SigmoidCrossEntropyLoss()
        assert c_sig.forward(z, y) == pytest.approx(1000.0)        # (0 + 0 + 1000 + 1000)/2
        np.testing.assert_allclose(c_sig.backward(), [[0.0, 0.0], [-0.5, 0.5]], atol=1e-12)
        for layer in (Sigmoid(), Tanh(), Softmax()):
            out = layer.forward(z)
            assert np.isfinite(layer.backward(np.ones_like(out))).all()


# --------------------------------------------------------------------------------------------
# Dense
# --------------------------------------------------------------------------------------------
def test_dense_shapes_and_live_params():
    layer = Dense(3, 2, seed=0)
    assert layer.params["W"].shape == (2, 3) and layer.params["b"].shape == (2,)
    X = np.arange(6.0).reshape(2, 3)
    layer.params["W"][...] = [[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]]     # in-place update changes the layer
    layer.params["b"][...] = [10.0, 20.0]
    np.testing.assert_array_equal(layer.forward(X), [[10.0, 23.0], [13.0, 29.0]])


def test_dense_is_reproducible_and_float32_stays_float32():
    np.testing.assert_array_equal(Dense(4, 3, seed=5).params["W"], Dense(4, 3, seed=5).params["W"])
    layer = Dense(4, 3, seed=0, dtype=np.float32)
    X = np.ones((2, 4), dtype=np.float32)
    out = layer.forward(X)
    assert out.dtype == np.float32
    assert layer.backward(np.ones_like(out)).dtype == np.float32
    assert layer.grads["W"].dtype == np.float32


def test_layers_do_not_modify_their_inputs(X):
    for layer in (Dense(4, 3, seed=0), Sigmoid(), Softmax(), Dropout(0.5, seed=0), BatchNorm(4)):
        X_before = X.copy()
        out = layer.forward(X)
        dout = np.ones_like(out)
        layer.backward(dout)
        np.testing.assert_array_equal(X, X_before)
        np.testing.assert_array_equal(dout, np.ones_like(out))


# --------------------------------------------------------------------------------------------
# Dropout
# --------------------------------------------------------------------------------------------
def test_dropout_is_the_identity_at_evaluation(X):
    layer = Dropout(p_drop=0.5, seed=0)
    np.testing.assert_array_equal(layer.forward(X, training=False), X)
    assert layer.mask is None
    dout = np.random.default_rng(0).normal(size=X.shape)
    np.testing.assert_array_equal(layer.backward(dout), dout)


def test_dropout_preserves_the_mean_at_training():
    # Each entry of out is 0 or 1/(1−p) (input 1), so mean(out) = K/(N(1−p)) with K ~ Binomial(N, 1−p):
    # E = 1 and std = sqrt(p(1−p)/N)/(1−p). Allow 4 standard deviations (fixed seed: deterministic).
    p, shape = 0.3, (200, 50)
    layer = Dropout(p_drop=p, seed=123)
    out = layer.forward(np.ones(shape))
    N = out.size
    std = np.sqrt(p * (1 - p) / N) / (1 - p)
    assert abs(out.mean() - 1.0) < 4 * std
    assert set(np.unique(out)) <= {0.0, 1.0 / (1 - p)}
    assert abs(layer.mask.mean() - (1 - p)) < 4 * np.sqrt(p * (1 - p) / N)
    np.testing.assert_array_equal(out != 0, layer.mask)


def test_dropout_backward_uses_the_same_mask(X):
    layer = Dropout(p_drop=0.25, seed=0)
    out = layer.forward(X)
    dX = layer.backward(np.ones_like(X))
    np.testing.assert_allclose(dX, layer.mask / 0.75)
    np.testing.assert_allclose(out, X * layer.mask / 0.75)


def test_dropout_seed_reproducible_and_rng_accepted(X):
    a = Dropout(0.5, seed=3).forward(X)
    b = Dropout(0.5, rng=np.random.default_rng(3)).forward(X)
    np.testing.assert_array_equal(a, b)
    assert np.array_equal(Dropout(0.0, seed=0).forward(X), X)


def test_dropout_float32_stays_float32():
    X = np.ones((3, 4), dtype=np.float32)
    layer = Dropout(0.5, seed=0)
    assert layer.forward(X).dtype == np.float32
    assert layer.backward(X).dtype == np.float32


# --------------------------------------------------------------------------------------------
# Batch normalization
# --------------------------------------------------------------------------------------------
def test_batchnorm_training_normalizes_with_the_biased_variance():
    X = np.array([[1.0, 2.0], [3.0, 6.0]])          # means (2, 4), biased variances (1, 4)
    out = BatchNorm(2, eps=1e-5).forward(X)
    np.testing.assert_allclose(out, [[-1 / np.sqrt(1 + 1e-5), -2 / np.sqrt(4 + 1e-5)],
                                     [1 / np.sqrt(1 + 1e-5), 2 / np.sqrt(4 + 1e-5)]])


def test_batchnorm_running_statistics_by_hand_for_two_batches():
    layer = BatchNorm(2, momentum=0.9, eps=1e-5)
    layer.params["gamma"][...] = [2.0, 0.5]
    layer.params["beta"][...] = [1.0, -1.0]
    layer.forward(np.array([[1.0, 2.0], [3.0, 6.0]]))                   # mean (2, 4), var (1, 4)
    np.testing.assert_allclose(layer.running_mean, [0.2, 0.4])         # 0.9·0 + 0.1·mean
    np.testing.assert_allclose(layer.running_var, [1.0, 1.3])          # 0.9·1 + 0.1·var
    layer.forward(np.array([[0.0, 0.0], [2.0, 4.0], [4.0, 8.0]]))       # mean (2, 4), var (8/3, 32/3)
    np.testing.assert_allclose(layer.running_mean, [0.38, 0.76])
    np.testing.assert_allclose(layer.running_var, [0.9 + 0.8 / 3, 1.17 + 3.2 / 3])
    # Evaluation uses the running statistics and leaves them unchanged.
    out = layer.forward(np.array([[1.0, 1.0]]), training=False)
    expected = [2.0 * (1 - 0.38) / np.sqrt(0.9 + 0.8 / 3 + 1e-5) + 1.0,
                0.5 * (1 - 0.76) / np.sqrt(1.17 + 3.2 / 3 + 1e-5) - 1.0]
    np.testing.assert_allclose(out, [expected])
    np.testing.assert_allclose(layer.running_mean, [0.38, 0.76])


def test_batchnorm_evaluation_treats_each_example_alone(X):
    layer = BatchNorm(4)
    layer.forward(X * 2 + 3)
    whole = layer.forward(X, training=False)
    one_by_one = np.vstack([layer.forward(X[i : i + 1], training=False) for i in range(len(X))])
    np.testing.assert_allclose(whole, one_by_one, rtol=1e-14)


def test_batchnorm_float32_stays_float32():
    layer = BatchNorm(3, dtype=np.float32)
    X = np.random.default_rng(0).normal(size=(5, 3)).astype(np.float32)
    out = layer.forward(X)
    assert out.dtype == np.float32 and layer.running_var.dtype == np.float32
    assert layer.backward(np.ones_like(out)).dtype == np.float32


# --------------------------------------------------------------------------------------------
# Errors (every message asserted)
# --------------------------------------------------------------------------------------------
def test_backward_before_forward_is_refused():
    with pytest.raises(RuntimeError, match=r"Dense.backward was called before forward: run forward\(X\) first"):
        Dense(2, 2, seed=0).backward(np.ones((1, 2)))
    with pytest.raises(RuntimeError, match=r"QuadraticLoss.backward was called before forward: compute the cost"):
        QuadraticLoss().backward()


def test_shape_errors_name_what_was_expected():
    layer = Dense(3, 2, seed=0)
    with pytest.raises(ValueError, match=r"X must have 3 columns, the input width of Dense\(3, 2\); got shape \(4, 5\)"):
        layer.forward(np.ones((4, 5)))
    with pytest.raises(ValueError, match=r"X must be a batch with shape \(n, …\), at least 2-D; got shape \(3,\)"):
        layer.forward(np.ones(3))
    with pytest.raises(ValueError, match=r"X must be 2-D \(n, 3\) for Dense\(3, 2\); got shape \(4, 1, 3\)"):
        layer.forward(np.ones((4, 1, 3)))
    layer.forward(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"dout must have the shape of Dense's last output \(4, 2\); got shape \(4, 3\)"):
        layer.backward(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"X must have 2 columns, the width of BatchNorm\(2"):
        BatchNorm(2).forward(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"input and Y must have the same shape; got input \(2, 3\) and Y \(2, 2\)"):
        QuadraticLoss().forward(np.ones((2, 3)), np.ones((2, 2)))


def _bn_one():
    BatchNorm(3).forward(np.ones((1, 3)))


def _dropout_backward_with_a_foreign_mask():
    layer = Dropout(0.5)
    layer.forward(np.ones((2, 3)))
    layer.mask = np.ones((3, 3), dtype=bool)
    layer.backward(np.ones((2, 3)))


@pytest.mark.parametrize("call, error, message", [
    (lambda: Dense(3, 2).forward(np.ones((4, 1, 3))), ValueError,
     "X must be 2-D (n, 3) for Dense(3, 2); got shape (4, 1, 3) (images? put Flatten() before Dense)"),
    (lambda: Dense(3, 2).forward(np.ones((4, 5))), ValueError,
     "X must have 3 columns, the input width of Dense(3, 2); got shape (4, 5)"),
    (_dropout_backward_with_a_foreign_mask, ValueError,
     "Dropout.mask must have the shape of dout (2, 3); got shape (3, 3)"),
    (lambda: Dropout(0.5).forward(np.ones((2, 3)), mask=np.ones((3, 2), dtype=bool)), ValueError,
     "mask must have the shape of X (2, 3); got shape (3, 2)"),
    (lambda: Dropout(0.5).forward(np.ones((1, 2)), mask=np.array([[0.5, 1.0]])), ValueError,
     "mask must hold only True/False (or 1/0): True keeps a unit, False drops it"),
    (lambda: BatchNorm(2).forward(np.ones((4, 3))), ValueError,
     "X must have 2 columns, the width of BatchNorm(2, momentum=0.9, eps=1e-05); got shape (4, 3)"),
    (_bn_one, ValueError,
     "BatchNorm in training mode needs a batch of at least 2 examples to estimate a variance; "
     "got shape (1, 3) (use training=False to normalize single examples)"),
    (lambda: BatchNorm(0), ValueError, "n must be a positive int; got 0"),
    (lambda: Sequential([Dense(2, 2)], QuadraticLoss()).forward([[1.0, np.inf]]), ValueError,
     "X must be finite; found inf at index (0, 1) (check the data for missing values, or lower the learning rate "
     "if training diverged)"),
    (lambda: Sequential([Dense(2, 2)], QuadraticLoss()).forward([["a", "b"]]), TypeError,
     "X must hold real numbers (float32 or float64); got dtype <U1"),
    (lambda: Sequential([Dense(2, 2)], QuadraticLoss()).forward([1.0, 2.0]), ValueError,
     "X must be a batch with shape (n, …), at least 2-D; got shape (2,) (one example per row: use "
     "x.reshape(1, -1) for a single example)"),
    (lambda: Sequential([Dense(2, 2)], QuadraticLoss(), seed="a"), TypeError, "seed must be an int; got str"),
    (lambda: QuadraticLoss().forward(np.ones(3), np.ones(3)), ValueError,
     "input must be 2-D with shape (n, d); got shape (3,) (one example per row: use x.reshape(1, -1) for a single example)"),
    (lambda: QuadraticLoss().forward([["a"]], [[1.0]]), TypeError,
     "input must hold real numbers (float32 or float64); got dtype <U1"),
    (lambda: QuadraticLoss().forward([[1.0]], [["a"]]), TypeError,
     "Y must hold real numbers (float32 or float64); got dtype <U1"),
    (lambda: QuadraticLoss().forward([[1.0]], [[np.inf]]), ValueError,
     "Y must be finite; found inf at index (0, 0) (check the data for missing values, or lower the learning rate "
     "if training diverged)"),
    (lambda: QuadraticLoss().forward([[np.nan]], [[1.0]]), ValueError,
     "input must be finite; found nan at index (0, 0) (check the data for missing values, or lower the learning "
     "rate if training diverged)"),
    (lambda: SoftmaxCrossEntropyLoss().backward(), RuntimeError,
     "SoftmaxCrossEntropyLoss.backward was called before forward: compute the cost with forward(input, Y) first"),
    (lambda: Sequential([Dense(2, 2), np.tanh], QuadraticLoss()), TypeError,
     "layers[1] must be a Layer (e.g. Dense, ReLU); got ufunc"),
    (lambda: Sequential([], QuadraticLoss()), ValueError,
     "layers must hold at least one layer; got an empty list"),
    (lambda: Sequential([Dense(2, 2)], "mse"), TypeError,
     "loss must be a loss layer (QuadraticLoss, SoftmaxCrossEntropyLoss, SigmoidCrossEntropyLoss); got str"),
    (lambda: Sequential([ReLU(), Dense(3, 2)], QuadraticLoss()).forward(np.ones((4, 5))), ValueError,
     "X must have 3 columns, the input width of layer 1 (Dense(3, 2)); got shape (4, 5)"),
    (lambda: Sequential([Dense(3, 5), Dense(4, 2)], QuadraticLoss()), ValueError,
     "layer 1 (Dense(4, 2)) expects 4 input columns but receives 5 from layer 0 (Dense(3, 5))"),
    (lambda: Sequential([Dense(3, 2), Softmax()], SoftmaxCrossEntropyLoss()), ValueError,
     "the last layer is Softmax but SoftmaxCrossEntropyLoss applies softmax itself: "
     "remove the Softmax layer (the loss works from the logits)"),
    (lambda: Sequential([Dense(3, 1), Sigmoid()], SigmoidCrossEntropyLoss()), ValueError,
     "the last layer is Sigmoid but SigmoidCrossEntropyLoss applies the sigmoid itself: "
     "remove the Sigmoid layer (the loss works from the logits)"),
])
def test_every_layers_message_is_whole(call, error, message):
    # the whole text, nothing added or cut (the tests above match only its informative part)
    with pytest.raises(error) as caught:
        call()
    assert str(caught.value) == message


def test_dense_grads_exist_with_the_shapes_of_params_before_backward():
    # the documented contract: grads has the keys and shapes of params (zeros until backward)
    layer = Dense(3, 2, seed=0)
    for key in ("W", "b"):
        assert layer.grads[key].shape == layer.params[key].shape
        assert not layer.grads[key].any()


def test_hyper_parameter_errors():
    with pytest.raises(ValueError, match=r"p_drop must be in \[0.0, 1.0\); got 1"):
        Dropout(p_drop=1)
    with pytest.raises(ValueError, match=r"p_drop must be in \[0.0, 1.0\); got -0.1"):
        Dropout(p_drop=-0.1)
    with pytest.raises(TypeError, match="p_drop must be a number; got str"):
        Dropout(p_drop="0.5")
    with pytest.raises(ValueError, match=r"momentum must be in \[0.0, 1.0\); got 1.5"):
        BatchNorm(3, momentum=1.5)
    with pytest.raises(ValueError, match=r"eps must be a finite number > 0; got 0"):
        BatchNorm(3, eps=0)
    with pytest.raises(ValueError, match=r"alpha must be in \[0.0, 1.0\); got -1"):
        LeakyReLU(alpha=-1)
    with pytest.raises(ValueError, match="n_out must be a positive int; got 0"):
        Dense(3, 0)
    with pytest.raises(TypeError, match="n_in must be a positive int; got float"):
        Dense(3.0, 2)
    with pytest.raises(TypeError, match="dtype must be numpy.float32 or numpy.float64; got int64"):
        Dense(3, 2, dtype=np.int64)
    with pytest.raises(TypeError, match="dtype must be numpy.float32 or numpy.float64; got float16"):
        BatchNorm(3, dtype=np.float16)
    with pytest.raises(TypeError, match="seed must be an int; got str"):
        Dropout(0.5, seed="1")


def test_unknown_activation_name():
    with pytest.raises(ValueError, match=r"unknown activation 'relu6'; expected one of \['leaky_relu', 'linear', 'relu', 'sigmoid', 'tanh'\]"):
        Activation("relu6")


def test_batchnorm_needs_two_examples_to_train():
    with pytest.raises(ValueError, match=r"BatchNorm in training mode needs a batch of at least 2 examples .* got shape \(1, 3\)"):
        BatchNorm(3).forward(np.ones((1, 3)))
    assert BatchNorm(3).forward(np.ones((1, 3)), training=False).shape == (1, 3)


def test_dropout_mask_errors():
    layer = Dropout(0.5)
    with pytest.raises(ValueError, match=r"mask must have the shape of X \(2, 3\); got shape \(3, 2\)"):
        layer.forward(np.ones((2, 3)), mask=np.ones((3, 2), dtype=bool))
    with pytest.raises(ValueError, match="mask must hold only True/False"):
        layer.forward(np.ones((1, 2)), mask=np.array([[0.5, 1.0]]))
    layer.forward(np.ones((2, 3)))
    layer.mask = np.ones((3, 3), dtype=bool)
    with pytest.raises(ValueError, match=r"Dropout.mask must have the shape of dout \(2, 3\); got shape \(3, 3\)"):
        layer.backward(np.ones((2, 3)))


def test_non_finite_and_non_numeric_inputs():
    with pytest.raises(ValueError, match=r"input must be finite; found nan at index \(0, 1\)"):
        QuadraticLoss().forward(np.array([[0.0, np.nan]]), np.zeros((1, 2)))
    with pytest.raises(TypeError, match="X must hold real numbers"):
        ReLU().forward(np.array([["a", "b"]]))


# --------------------------------------------------------------------------------------------
# Published reference values
# --------------------------------------------------------------------------------------------
def test_cs231n_affine_forward_through_dense():
    inputs, expected, tol = ref("cs231n.affine_forward")
    x = inputs["x"].reshape(inputs["x"].shape[0], -1)               # (2, 120)
    layer = Dense(120, 3, seed=0)
    layer.params["W"][...] = inputs["w"].T                         # CS231n w is (fan_in, fan_out)
    layer.params["b"][...] = inputs["b"]
    assert cs231n_rel_error(layer.forward(x), expected["out"]) < tol["bound"]


def test_cs231n_relu_forward():
    inputs, expected, tol = ref("cs231n.relu_forward")
    assert cs231n_rel_error(ReLU().forward(inputs["x"]), expected["out"]) < tol["bound"]


def test_cs231n_batchnorm_forward_training_statistics():
    inputs, expected, tol = ref("cs231n.batchnorm_forward(train) stats [observed]")
    a = inputs["a"]
    atol = tol["suggested_atol"]
    np.testing.assert_allclose(a.mean(axis=0), expected["before_means"], atol=atol)
    np.testing.assert_allclose(a.std(axis=0), expected["before_stds"], atol=atol)
    for k in ("1", "2"):
        layer = BatchNorm(3, eps=inputs["eps"])
        layer.params["gamma"][...] = inputs["gamma" + k]
        layer.params["beta"][...] = inputs["beta" + k]
        out = layer.forward(a, training=True)
        np.testing.assert_allclose(out.mean(axis=0), expected[f"after{k}_means"], atol=atol)
        np.testing.assert_allclose(out.std(axis=0), expected[f"after{k}_stds"], atol=atol)
    np.testing.assert_allclose(BatchNorm(3).forward(a).mean(axis=0), 0.0, atol=1e-12)


# The Deep Learning Specialization stores examples as COLUMNS, W as (n_l, n_{l−1}) like ours, b as
# (n_l, 1), and calls the keep probability keep_prob. Adapter: transpose every activation, ravel b,
# p_drop = 1 − keep_prob, and give their masks D1, D2 (transposed) to Dropout.forward(mask=…).
# DLS's dA/dZ omit the 1/m that our upstream gradient carries from the batch-mean cost, so our
# ∂C/∂A equals their dA/m.
def _dls_dense(W, b):
    layer = Dense(W.shape[1], W.shape[0], seed=0)
    layer.params["W"][...] = W
    layer.params["b"][...] = b.ravel()
    return layer


def test_dls_forward_propagation_with_dropout():
    inputs, expected, tol = ref("dls.c2w1.forward_propagation_with_dropout")
    P, p_drop, atol = inputs["parameters"], 1 - inputs["keep_prob"], tol["atol"]
    h = ReLU().forward(_dls_dense(P["W1"], P["b1"]).forward(inputs["X"].T))
    A1 = Dropout(p_drop).forward(h, mask=expected["D1"].T)
    np.testing.assert_allclose(A1, expected["A1"].T, atol=atol)
    h = ReLU().forward(_dls_dense(P["W2"], P["b2"]).forward(A1))
    A2 = Dropout(p_drop).forward(h, mask=expected["D2"].T)
    np.testing.assert_allclose(A2, expected["A2"].T, atol=atol)
    Z3 = _dls_dense(P["W3"], P["b3"]).forward(A2)
    np.testing.assert_allclose(Z3, expected["Z3"].T, atol=atol)
    np.testing.assert_allclose(SigmoidCrossEntropyLoss().output(Z3), expected["A3"].T, atol=atol)


def test_dls_backward_propagation_with_dropout():
    # Their cache is not one consistent forward pass (it was recorded with another keep_prob), so
    # each layer is run forward on exactly the input the cache holds, then backward in turn.
    inputs, expected, tol = ref("dls.c2w1.backward_propagation_with_dropout")
    Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3 = inputs["cache"]
    X, Y, p_drop, atol = inputs["X"].T, inputs["Y"].T, 1 - inputs["keep_prob"], tol["atol"]
    m = X.shape[0]
    loss = SigmoidCrossEntropyLoss()
    loss.forward(Z3.T, Y)
    dZ3 = loss.backward()
    np.testing.assert_allclose(m * dZ3, expected["dZ3"].T, atol=atol)
    upstream = dZ3
    stages = [(W3, b3, A2, D2, Z2, "3", "2"), (W2, b2, A1, D1, Z1, "2", "1")]
    for W, b, A_prev, D_prev, Z_prev, l, k in stages:
        dense = _dls_dense(W, b)
        dense.forward(A_prev.T)
        dA_raw = dense.backward(upstream)
        np.testing.assert_allclose(dense.grads["W"], expected["dW" + l], atol=atol)
        np.testing.assert_allclose(dense.grads["b"], expected["db" + l].ravel(), atol=atol)
        dropout = Dropout(p_drop)
        dropout.forward(np.maximum(Z_prev, 0).T, mask=D_prev.T)
        dA = dropout.backward(dA_raw)
        np.testing.assert_allclose(m * dA, expected["dA" + k].T, atol=atol)
        relu = ReLU()
        relu.forward(Z_prev.T)
        upstream = relu.backward(dA)
        np.testing.assert_allclose(m * upstream, expected["dZ" + k].T, atol=atol)
    dense = _dls_dense(W1, b1)
    dense.forward(X)
    dense.backward(upstream)
    np.testing.assert_allclose(dense.grads["W"], expected["dW1"], atol=atol)
    np.testing.assert_allclose(dense.grads["b"], expected["db1"].ravel(), atol=atol)


# --------------------------------------------------------------------------------------------
# Properties over shapes and values (hypothesis)
# --------------------------------------------------------------------------------------------
shapes = st.tuples(st.integers(2, 6), st.integers(1, 5))


@settings(max_examples=30, deadline=None)
@given(shape=shapes, seed=st.integers(0, 2**32 - 1), scale=st.floats(0.1, 100.0))
def test_batchnorm_training_output_has_mean_beta_and_std_gamma(shape, seed, scale):
    rng = np.random.default_rng(seed)
    X = rng.normal(scale=scale, size=shape) + rng.normal(scale=scale, size=shape[1])
    layer = BatchNorm(shape[1], eps=1e-12)
    layer.params["gamma"][...] = rng.uniform(0.5, 2.0, size=shape[1])
    layer.params["beta"][...] = rng.normal(size=shape[1])
    out = layer.forward(X)
    np.testing.assert_allclose(out.mean(axis=0), layer.params["beta"], atol=1e-9)
    np.testing.assert_allclose(out.std(axis=0), layer.params["gamma"], rtol=1e-6)
    # dX is orthogonal to a constant shift and to a scaling of each column (BN ignores both).
    dX = layer.backward(rng.normal(size=shape))
    np.testing.assert_allclose(dX.sum(axis=0), 0.0, atol=1e-9 * (1 + np.abs(dX).max()))
    np.testing.assert_allclose(np.sum(dX * (X - X.mean(axis=0)), axis=0), 0.0, atol=1e-7 * scale * (1 + np.abs(dX).max()))


@settings(max_examples=30, deadline=None)
@given(shape=shapes, seed=st.integers(0, 2**32 - 1))
def test_softmax_backward_rows_sum_to_zero(shape, seed):
    # Softmax is unchanged by adding a constant to a row, so ∂C/∂z is orthogonal to (1, …, 1).
    rng = np.random.default_rng(seed)
    layer = Softmax()
    layer.forward(rng.normal(scale=5.0, size=shape))
    dX = layer.backward(rng.normal(size=shape))
    np.testing.assert_allclose(dX.sum(axis=1), 0.0, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(shape=shapes, seed=st.integers(0, 2**32 - 1), p=st.floats(0.0, 0.95))
def test_dropout_output_is_zero_or_scaled_input(shape, seed, p):
    X = np.random.default_rng(seed).normal(size=shape)
    layer = Dropout(p_drop=p, seed=seed)
    out = layer.forward(X)
    np.testing.assert_allclose(out, np.where(layer.mask, X / (1 - p), 0.0))


def test_dense_default_is_reproducible_and_matches_mlp_convention():
    # One convention with MLP: init="normal" (variance 1/n_in) and seed=0 unless told otherwise.
    a, b = Dense(3, 2), Dense(3, 2)
    np.testing.assert_array_equal(a.params["W"], b.params["W"])
    np.testing.assert_array_equal(a.params["W"], Dense(3, 2, init="normal", seed=0).params["W"])
    expected = np.random.default_rng(0).standard_normal((2, 3)) * np.sqrt(1 / 3)
    np.testing.assert_allclose(a.params["W"], expected, rtol=1e-15)
    np.testing.assert_array_equal(a.params["W"], MLP([3, 2]).weights[0])


@pytest.mark.parametrize("make", [lambda w: Dense(3, w), lambda w: BatchNorm(w), lambda w: MLP([3, w])])
def test_a_bad_width_raises_the_same_errors_everywhere(make):
    with pytest.raises(TypeError, match=r"must be a positive int.*; got float 2.0"):
        make(2.0)
    with pytest.raises(ValueError, match=r"must be a positive int.*; got 0"):
        make(0)


# ---------------------------------------------------------------- any-rank batches, seeds of Dropout
@pytest.mark.parametrize("layer", [ReLU(), Sigmoid(), Tanh(), LeakyReLU(0.1), Softmax(), Dropout(0.3, seed=1)])
def test_elementwise_layers_accept_a_batch_of_any_rank(layer):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(2, 3, 4, 5))
    out = layer.forward(X, training=True)
    assert out.shape == X.shape
    rows = X.reshape(-1, 5)                                          # the same numbers row by row
    if isinstance(layer, Dropout):
        np.testing.assert_allclose(out, X * layer.mask / 0.7, rtol=1e-15)
    else:
        np.testing.assert_allclose(out.reshape(-1, 5), layer.forward(rows).reshape(-1, 5), rtol=1e-15)
        layer.forward(X)
    if not isinstance(layer, Dropout):                                # backward against finite differences
        dout = rng.normal(size=X.shape)
        num = numerical_gradient(lambda x: float(np.sum(layer.forward(x) * dout)), X.copy())
        layer.forward(X)
        np.testing.assert_allclose(layer.backward(dout), num, rtol=1e-5, atol=1e-8)


def test_default_dropout_is_seeded_with_0_and_sequential_gives_each_its_own_masks():
    X = np.ones((50, 8))
    np.testing.assert_array_equal(Dropout().forward(X), Dropout(seed=0).forward(X))    # default seed 0
    a, b = Dropout(), Dropout()
    net = Sequential([Dense(8, 8, seed=1), a, Dense(8, 8, seed=2), b, Dense(8, 2, seed=3)], SoftmaxCrossEntropyLoss())
    assert not np.array_equal(a.forward(X), b.forward(X))                                # own seeds
    again = Dropout()
    Sequential([Dense(8, 8, seed=1), again, Dense(8, 2, seed=3)], SoftmaxCrossEntropyLoss())
    np.testing.assert_array_equal(again.forward(X), Dropout(seed=0, rng=np.random.default_rng([0, 1])).forward(X))
    chosen = Dropout(seed=0)                                                            # chosen: kept
    Sequential([Dense(8, 8, seed=1), chosen, Dense(8, 2, seed=3)], SoftmaxCrossEntropyLoss())
    np.testing.assert_array_equal(chosen.forward(X), Dropout(seed=0).forward(X))
    assert net is not None


def test_documented_defaults_and_reprs():
    # LeakyReLU's slope 0.01: σ(−2) = −0.02, σ'(−2) = 0.01
    leaky = LeakyReLU()
    np.testing.assert_allclose(leaky.forward(np.array([[-2.0, 3.0]])), [[-0.02, 3.0]])
    np.testing.assert_allclose(leaky.backward(np.ones((1, 2))), [[0.01, 1.0]])
    # Dropout's p_drop 0.5: a kept unit is doubled, and about half are kept; no mask before a training pass
    assert Dropout().mask is None
    # a mask of 1/0 numbers works as the boolean one
    by_numbers = Dropout().forward(np.ones((1, 3)), mask=np.array([[1.0, 0.0, 1.0]]))
    np.testing.assert_array_equal(by_numbers, Dropout().forward(np.ones((1, 3)), mask=np.array([[True, False, True]])))
    np.testing.assert_array_equal(by_numbers, [[2.0, 0.0, 2.0]])
    out = Dropout().forward(np.ones((200, 50)))
    assert set(np.unique(out)) <= {0.0, 2.0} and abs(np.mean(out == 2.0) - 0.5) < 0.02
    # BatchNorm: running statistics start at 0 and 1; momentum 0.9 keeps 90 % of the old value;
    # eps 1e-5 under the square root (column [0, 4]: mean 2, biased variance 4)
    bn = BatchNorm(1)
    assert bn.running_mean.tolist() == [0.0] and bn.running_var.tolist() == [1.0]
    assert not bn.grads["gamma"].any() and not bn.grads["beta"].any()
    assert bn.grads["gamma"].shape == bn.grads["beta"].shape == (1,)
    y = bn.forward(np.array([[0.0], [4.0]]))
    np.testing.assert_allclose(y.ravel(), [-2 / np.sqrt(4 + 1e-5), 2 / np.sqrt(4 + 1e-5)], rtol=1e-12)
    np.testing.assert_allclose(bn.running_mean, [0.9 * 0 + 0.1 * 2], rtol=1e-12)
    np.testing.assert_allclose(bn.running_var, [0.9 * 1 + 0.1 * 4], rtol=1e-12)
    assert [repr(layer) for layer in (Sigmoid(), Tanh(), ReLU(), LeakyReLU(), Softmax(), Dropout(),
                                      BatchNorm(3), Dense(3, 2), Activation("linear"), QuadraticLoss(),
                                      SoftmaxCrossEntropyLoss(), SigmoidCrossEntropyLoss())] == [
        "Sigmoid()", "Tanh()", "ReLU()", "LeakyReLU(alpha=0.01)", "Softmax()", "Dropout(p_drop=0.5)",
        "BatchNorm(3, momentum=0.9, eps=1e-05)", "Dense(3, 2)", "Activation('linear')", "QuadraticLoss()",
        "SoftmaxCrossEntropyLoss()", "SigmoidCrossEntropyLoss()"]


def test_sequential_evaluates_by_default():
    # forward, cost and predict default to evaluation mode: dropout is the identity and batch norm
    # uses (and leaves alone) its running statistics, so the output is the plain affine map
    dense = Dense(3, 2, seed=0)
    bn = BatchNorm(2)
    net = Sequential([dense, Dropout(0.5), bn], QuadraticLoss())
    X = np.random.default_rng(1).normal(size=(6, 3))
    expected = (X @ dense.params["W"].T + dense.params["b"]) / np.sqrt(1 + 1e-5)
    np.testing.assert_allclose(net.forward(X), expected, rtol=1e-12)
    np.testing.assert_allclose(net.cost(X, np.zeros((6, 2))), 0.5 * np.mean(np.sum(expected**2, axis=1)), rtol=1e-12)
    np.testing.assert_array_equal(net.predict(X), np.argmax(expected, axis=1))
    assert bn.running_mean.tolist() == [0.0, 0.0] and bn.running_var.tolist() == [1.0, 1.0]


def test_predict_with_one_output_needs_more_than_one_half():
    # "output > 0.5": a sigmoid output of exactly 0.5 (logit 0, e.g. zero weights) is class 0
    dense = Dense(2, 1, seed=0)
    dense.params["W"][...] = 0.0
    net = Sequential([dense], SigmoidCrossEntropyLoss())
    np.testing.assert_array_equal(net.forward(np.ones((3, 2))), 0.5)
    np.testing.assert_array_equal(net.predict(np.ones((3, 2))), [0, 0, 0])
    dense.params["b"][...] = 1e-9
    np.testing.assert_array_equal(net.predict(np.ones((3, 2))), [1, 1, 1])


def test_a_dense_layer_after_an_image_stage_does_not_fix_the_input_width():
    # the input width is fixed by the first sized layer; after Unflatten (images) widths are only
    # known when data flow, so the later Dense(8, 3) must not become the network's input width
    from companion.convolution import Flatten, Unflatten

    net = Sequential([Dense(4, 8, seed=0), Unflatten((2, 2, 2)), Flatten(), Dense(8, 3, seed=1)], QuadraticLoss())
    assert net.forward(np.ones((5, 4))).shape == (5, 3)
