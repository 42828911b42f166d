"""Tests of companion.convolution: finite differences for every input and parameter, a 3×3 example
computed by hand, translation equivariance, the output-size formula as a property over strides and
paddings, a naive loop as an independent oracle, clear errors, and (only when PyTorch happens to be
installed) agreement with torch.nn.functional.conv2d / max_pool2d."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.convolution import Conv2D, Flatten, MaxPool2D, Unflatten, conv2d, conv2d_output_size
from companion.gradcheck import numerical_gradient, relative_error
from companion.layers import Dense, ReLU, Sequential, SoftmaxCrossEntropyLoss

GRAD_TOL = 1e-7


def naive_conv2d(X, W, b, stride, padding):
    """Independent oracle: the defining sum, one output number at a time."""
    n, c, h, w = X.shape
    o, _, kh, kw = W.shape
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    oh = (h + 2 * padding - kh) // stride + 1
    ow = (w + 2 * padding - kw) // stride + 1
    out = np.zeros((n, o, oh, ow))
    for i in range(n):
        for f in range(o):
            for p in range(oh):
                for q in range(ow):
                    patch = Xp[i, :, p * stride:p * stride + kh, q * stride:q * stride + kw]
                    out[i, f, p, q] = np.sum(patch * W[f]) + b[f]
    return out


def check_layer_gradients(layer, X, seed=0):
    """backward(R) against central differences of L = Σ forward(X) ⊙ R, for X and every parameter."""
    R = np.random.default_rng(seed).normal(size=layer.forward(X).shape)

    def of_X(x):
        return float(np.sum(layer.forward(x) * R))

    def of_params(_):
        return float(np.sum(layer.forward(X) * R))

    layer.forward(X)
    dX = layer.backward(R)
    assert dX.shape == X.shape
    assert relative_error(dX, numerical_gradient(of_X, X.copy())) < GRAD_TOL
    grads = {k: v.copy() for k, v in layer.grads.items()}
    assert sorted(grads) == sorted(layer.params)
    for key, param in layer.params.items():
        assert grads[key].shape == param.shape
        assert relative_error(grads[key], numerical_gradient(of_params, param)) < GRAD_TOL, key


# --------------------------------------------------------------------------------------------
# Gradients
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("stride,padding,kernel", [(1, 0, 3), (1, 1, 3), (2, 0, 3), (2, 1, 2), (3, 2, (2, 3))])
def test_conv2d_gradients_for_input_weights_and_bias(stride, padding, kernel):
    rng = np.random.default_rng(3)
    layer = Conv2D(2, 3, kernel, stride=stride, padding=padding, seed=4)
    layer.params["b"][...] = rng.normal(size=3)
    check_layer_gradients(layer, rng.normal(size=(2, 2, 6, 7)))


def test_maxpool_gradients():
    # distinct values, so no window has a tie where the max is not differentiable
    X = np.random.default_rng(5).permutation(2 * 3 * 5 * 6).reshape(2, 3, 5, 6) / 7.0
    check_layer_gradients(MaxPool2D(2), X)


def test_flatten_and_unflatten_gradients():
    X = np.random.default_rng(6).normal(size=(3, 2, 3, 4))
    check_layer_gradients(Flatten(), X)
    check_layer_gradients(Unflatten((2, 3, 4)), X.reshape(3, -1))


def test_a_small_cnn_gradient_through_sequential():
    rng = np.random.default_rng(7)
    net = Sequential([Unflatten((1, 6, 6)), Conv2D(1, 2, 3, padding=1, seed=0), MaxPool2D(2), Flatten(),
                      ReLU(), Dense(18, 3, init="xavier", seed=1)], SoftmaxCrossEntropyLoss())
    X, Y = rng.normal(size=(4, 36)), np.eye(3)[rng.integers(0, 3, size=4)]
    _, grads = net.loss_and_gradients(X, Y)
    for param, grad in zip(net.parameters(), grads):
        numeric = numerical_gradient(lambda: net.cost(X, Y, training=True), param)
        assert relative_error(grad, numeric) < 1e-6


# --------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------
def test_hand_computed_3x3_example():
    # X = [[1,2,3],[4,5,6],[7,8,9]], K = [[1,0],[0,-1]] (a diagonal difference), b = 0.5:
    # out[p,q] = X[p,q] − X[p+1,q+1] + 0.5 = 1−5, 2−6, 4−8, 5−9 (+0.5) = −3.5 everywhere
    X = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    W = np.array([[[[1.0, 0.0], [0.0, -1.0]]]])
    assert np.array_equal(conv2d(X, W, [0.5]), np.full((1, 1, 2, 2), -3.5))
    # a 3×3 kernel of ones with padding 1 sums each 3×3 neighbourhood (zeros outside):
    # corner 1+2+4+5 = 12, edge 1+2+3+4+5+6 = 21, centre 45, …
    ones = np.ones((1, 1, 3, 3))
    expected = np.array([[12, 21, 16], [27, 45, 33], [24, 39, 28]], dtype=float)
    assert np.array_equal(conv2d(X, ones, padding=1)[0, 0], expected)
    # stride 2 with padding 1 keeps the four corners of that table
    assert np.array_equal(conv2d(X, ones, stride=2, padding=1)[0, 0], expected[::2, ::2])


def test_hand_computed_backward_3x3():
    # ∂C/∂W[u,v] = Σ_pq G[p,q] X[p+u,q+v]; with G all ones it is the sum of a 2×2 block of X:
    # W[0,0]: 1+2+4+5 = 12, W[0,1]: 2+3+5+6 = 16, W[1,0]: 4+5+7+8 = 24, W[1,1]: 5+6+8+9 = 28
    layer = Conv2D(1, 1, 2, seed=0)
    layer.forward(np.arange(1.0, 10.0).reshape(1, 1, 3, 3))
    dX = layer.backward(np.ones((1, 1, 2, 2)))
    assert np.array_equal(layer.grads["W"][0, 0], [[12.0, 16.0], [24.0, 28.0]])
    assert np.array_equal(layer.grads["b"], [4.0])
    # each input pixel receives the kernel entries of the windows that cover it
    w = layer.params["W"][0, 0]
    centre = w.sum()
    assert np.isclose(dX[0, 0, 1, 1], centre) and np.isclose(dX[0, 0, 0, 0], w[0, 0])


@pytest.mark.parametrize("stride,padding", [(1, 0), (1, 2), (2, 1), (3, 0)])
def test_conv2d_matches_the_naive_loop(stride, padding):
    rng = np.random.default_rng(8)
    X, W, b = rng.normal(size=(2, 3, 7, 6)), rng.normal(size=(4, 3, 3, 2)), rng.normal(size=4)
    expected = naive_conv2d(X, W, b, stride, padding)
    assert np.allclose(conv2d(X, W, b, stride, padding), expected, rtol=1e-12, atol=1e-12)
    layer = Conv2D(3, 4, (3, 2), stride=stride, padding=padding, seed=0)
    layer.params["W"][...], layer.params["b"][...] = W, b
    assert np.allclose(layer.forward(X), expected, rtol=1e-12, atol=1e-12)


def test_maxpool_by_hand_and_first_max_on_ties():
    X = np.array([[1.0, 3.0, 2.0, 2.0, 9.0],
                  [0.0, -1.0, 2.0, 1.0, 9.0],
                  [5.0, 5.0, 0.0, 0.0, 9.0]]).reshape(1, 1, 3, 5)
    pool = MaxPool2D(2)
    out = pool.forward(X)
    assert np.array_equal(out, [[[[3.0, 2.0]]]])          # last row and column dropped (floor)
    dX = pool.backward(np.array([[[[10.0, 20.0]]]]))
    expected = np.zeros((3, 5))
    expected[0, 1] = 10.0      # the 3
    expected[0, 2] = 20.0      # first of the tied 2s (row-major), like PyTorch
    assert np.array_equal(dX[0, 0], expected)


def test_convolution_is_translation_equivariant():
    rng = np.random.default_rng(9)
    X = np.zeros((1, 2, 16, 16))
    X[:, :, 3:8, 4:9] = rng.normal(size=(1, 2, 5, 5))     # a pattern away from the borders
    layer = Conv2D(2, 3, 3, padding=1, seed=1)
    layer.params["b"][...] = rng.normal(size=3)
    shifted = np.roll(X, (4, 5), axis=(2, 3))
    out, out_shifted = layer.forward(X), layer.forward(shifted)
    # away from the borders, shifting the input shifts the feature map by the same amount
    assert np.allclose(out_shifted[:, :, 5:15, 6:15], np.roll(out, (4, 5), axis=(2, 3))[:, :, 5:15, 6:15])
    # the feature map really moved (the check above is not comparing two constant maps)
    assert not np.allclose(out_shifted, out)


def test_maxpool_commutes_with_relu():
    X = np.random.default_rng(10).normal(size=(3, 2, 6, 6))
    pool = MaxPool2D(2)
    assert np.array_equal(np.maximum(pool.forward(X), 0), pool.forward(np.maximum(X, 0)))


@settings(max_examples=60)
@given(h=st.integers(1, 12), w=st.integers(1, 12), kh=st.integers(1, 5), kw=st.integers(1, 5),
       stride=st.integers(1, 4), padding=st.integers(0, 3))
def test_output_shape_formula(h, w, kh, kw, stride, padding):
    layer = Conv2D(1, 2, (kh, kw), stride=stride, padding=padding, seed=0)
    X = np.ones((1, 1, h, w))
    if kh > h + 2 * padding or kw > w + 2 * padding:
        with pytest.raises(ValueError, match="larger than the padded input"):
            layer.forward(X)
        return
    out = layer.forward(X)
    # count the valid window positions directly: start r with r + kh ≤ h + 2p, r a multiple of the stride
    rows = len(range(0, h + 2 * padding - kh + 1, stride))
    cols = len(range(0, w + 2 * padding - kw + 1, stride))
    assert out.shape == (1, 2, rows, cols)
    assert out.shape[2] == (h + 2 * padding - kh) // stride + 1 == conv2d_output_size(h, kh, stride, padding)


# --------------------------------------------------------------------------------------------
# Conventions
# --------------------------------------------------------------------------------------------
def test_shapes_params_seed_and_float32():
    a, b = Conv2D(3, 5, (2, 4), seed=0), Conv2D(3, 5, (2, 4), seed=0)
    assert a.params["W"].shape == (5, 3, 2, 4) and a.params["b"].shape == (5,)
    assert np.array_equal(a.params["W"], b.params["W"])
    # docs/architecture.md §4 order: Conv2D(in_channels, out_channels, kernel_size, stride, padding, seed)
    assert np.array_equal(Conv2D(3, 5, (2, 4), 1, 0, 0).params["W"], a.params["W"])
    # He initialization: variance 2/fan_in, fan_in = 3·2·4
    big = Conv2D(64, 64, 3, seed=1)
    assert abs(big.params["W"].var() * 64 * 9 / 2 - 1) < 0.05
    layer = Conv2D(1, 2, 3, seed=0, dtype=np.float32)
    X = np.ones((2, 1, 5, 5), dtype=np.float32)
    out = layer.forward(X)
    assert out.dtype == np.float32 and layer.backward(np.ones_like(out)).dtype == np.float32
    assert layer.grads["W"].dtype == np.float32


def test_inputs_are_not_modified_and_params_are_live():
    X = np.random.default_rng(11).normal(size=(2, 1, 5, 5))
    keep = X.copy()
    layer = Conv2D(1, 1, 3, seed=0)
    out = layer.forward(X)
    layer.backward(np.ones_like(out))
    MaxPool2D(2).forward(X)
    assert np.array_equal(X, keep)
    layer.params["W"][...] = 0.0
    assert np.array_equal(layer.forward(X), np.zeros_like(out))


def test_sequential_accepts_a_cnn_and_checks_the_first_width():
    net = Sequential([Unflatten((1, 8, 8)), Conv2D(1, 4, 3, seed=0), MaxPool2D(2), Flatten(), ReLU(),
                      Dense(36, 10, init="xavier", seed=1)], SoftmaxCrossEntropyLoss())
    assert net.forward(np.zeros((5, 64))).shape == (5, 10)
    with pytest.raises(ValueError, match="64 columns"):
        net.forward(np.zeros((5, 63)))
    bad = Sequential([Unflatten((1, 8, 8)), Conv2D(1, 4, 3, seed=0), Flatten(),
                      Dense(36, 10, init="xavier", seed=1)], SoftmaxCrossEntropyLoss())
    with pytest.raises(ValueError, match="36 columns"):
        bad.forward(np.zeros((5, 64)))


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------
def test_clear_errors():
    layer = Conv2D(2, 3, 3, seed=0)
    with pytest.raises(ValueError, match="4-D.*single image"):
        layer.forward(np.zeros((2, 5, 5)))
    with pytest.raises(ValueError, match="4-D"):
        layer.forward(np.zeros((2, 50)))
    with pytest.raises(ValueError, match="2 channels"):
        layer.forward(np.zeros((1, 3, 5, 5)))
    with pytest.raises(ValueError, match="kernel \\(3\\) is larger than the padded input"):
        layer.forward(np.zeros((1, 2, 2, 5)))
    with pytest.raises(ValueError, match="smaller than the pooling window"):
        MaxPool2D(3).forward(np.zeros((1, 1, 2, 5)))
    with pytest.raises(ValueError, match="kernel_size"):
        Conv2D(1, 1, 0)
    with pytest.raises(TypeError, match="out_channels"):
        Conv2D(1, 2.5, 3)
    with pytest.raises(ValueError, match="padding"):
        Conv2D(1, 1, 3, padding=-1)
    with pytest.raises(ValueError, match="unknown init"):
        Conv2D(1, 1, 3, init="zeros")
    with pytest.raises(ValueError, match="W must be 4-D"):
        conv2d(np.zeros((1, 1, 3, 3)), np.zeros((3, 3)))
    with pytest.raises(RuntimeError, match="before forward"):
        Conv2D(1, 1, 3).backward(np.zeros((1, 1, 1, 1)))
    with pytest.raises(ValueError, match="shape"):
        Unflatten((1, 8))


# --------------------------------------------------------------------------------------------
# PyTorch as an extra oracle, only when it is installed (never required)
# --------------------------------------------------------------------------------------------
def test_same_numbers_as_pytorch_when_installed():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(12)
    X, G = rng.normal(size=(2, 3, 9, 8)), None
    layer = Conv2D(3, 4, (3, 2), stride=2, padding=1, seed=0)
    layer.params["b"][...] = rng.normal(size=4)
    out = layer.forward(X)
    G = rng.normal(size=out.shape)
    dX = layer.backward(G)
    tX = torch.tensor(X, requires_grad=True)
    tW = torch.tensor(layer.params["W"], requires_grad=True)
    tb = torch.tensor(layer.params["b"], requires_grad=True)
    tout = torch.nn.functional.conv2d(tX, tW, tb, stride=2, padding=1)
    tout.backward(torch.tensor(G))
    assert np.allclose(out, tout.detach().numpy(), atol=1e-12)
    for mine, theirs in ((dX, tX.grad), (layer.grads["W"], tW.grad), (layer.grads["b"], tb.grad)):
        assert np.allclose(mine, theirs.numpy(), atol=1e-10)
    pool, pX = MaxPool2D(2), torch.tensor(X, requires_grad=True)
    pout = torch.nn.functional.max_pool2d(pX, 2)
    assert np.array_equal(pool.forward(X), pout.detach().numpy())
    pout.backward(torch.ones_like(pout))
    assert np.array_equal(pool.backward(np.ones(pout.shape)), pX.grad.numpy())


def test_a_cnn_trains_on_images_with_a_relu_straight_after_the_convolution():
    from companion.optimizers import Adam
    from companion.training import fit

    rng = np.random.default_rng(0)
    X = rng.random((24, 1, 6, 6))
    Y = np.eye(2)[(X[:, 0, :3].mean((1, 2)) > X[:, 0, 3:].mean((1, 2))).astype(int)]

    def make():
        return Sequential([Conv2D(1, 3, 3, seed=1), ReLU(), MaxPool2D(2), Flatten(), Dense(12, 2, seed=2)],
                          SoftmaxCrossEntropyLoss())

    net = make()
    h = fit(net, X, Y, Adam(lr=0.05), epochs=15, batch_size=8, progress=False)      # no Unflatten needed
    assert h.loss[-1] < h.loss[0] and len(h.accuracy) == 15
    assert fit(make(), X, Y, Adam(lr=0.05), epochs=15, batch_size=8, progress=False) == h
    assert net.predict(X).shape == (24,)


def test_the_same_seed_gives_the_same_history_with_default_dropout_layers():
    from companion.layers import Dropout
    from companion.optimizers import SGD
    from companion.training import fit

    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(40, 3)), np.eye(2)[rng.integers(0, 2, 40)]

    def make():
        return Sequential([Dense(3, 8, seed=1), ReLU(), Dropout(), Dense(8, 8, seed=2), ReLU(), Dropout(),
                           Dense(8, 2, seed=3)], SoftmaxCrossEntropyLoss())

    a = fit(make(), X, Y, SGD(0.1), epochs=3, batch_size=10, progress=False)
    b = fit(make(), X, Y, SGD(0.1), epochs=3, batch_size=10, progress=False)
    assert a == b


# --------------------------------------------------------------------------------------------
# Pairs, padding on one axis only, repr and the remaining checks
# --------------------------------------------------------------------------------------------
def naive_conv2d_pairs(X, W, b, stride, padding):
    """The defining sum with a different stride and padding per axis, one output number at a time."""
    (sh, sw), (ph, pw) = stride, padding
    Xp = np.pad(X, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    o, _, kh, kw = W.shape
    oh, ow = (Xp.shape[2] - kh) // sh + 1, (Xp.shape[3] - kw) // sw + 1
    out = np.zeros((X.shape[0], o, oh, ow))
    for i, f, p, q in np.ndindex(X.shape[0], o, oh, ow):
        out[i, f, p, q] = np.sum(Xp[i, :, p * sh:p * sh + kh, q * sw:q * sw + kw] * W[f]) + b[f]
    return out


@pytest.mark.parametrize("stride,padding", [((1, 2), (1, 0)), ((2, 1), (0, 2)), ([3, 1], [2, 1]), ((1, 1), (0, 1))])
def test_a_different_stride_and_padding_per_axis(stride, padding):
    rng = np.random.default_rng(13)
    X, W, b = rng.normal(size=(2, 2, 6, 7)), rng.normal(size=(3, 2, 3, 2)), rng.normal(size=3)
    expected = naive_conv2d_pairs(X, W, b, tuple(stride), tuple(padding))
    np.testing.assert_allclose(conv2d(X, W, b, stride, padding), expected, rtol=1e-12, atol=1e-12)
    layer = Conv2D(2, 3, (3, 2), stride=stride, padding=padding, seed=0)
    layer.params["W"][...], layer.params["b"][...] = W, b
    np.testing.assert_allclose(layer.forward(X), expected, rtol=1e-12, atol=1e-12)
    assert layer.stride == tuple(stride) and layer.padding == tuple(padding)
    check_layer_gradients(layer, X)


def test_conv2d_without_bias_and_the_output_size_by_hand():
    X = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    np.testing.assert_array_equal(conv2d(X, np.ones((1, 1, 2, 2))), [[[[12.0, 16.0], [24.0, 28.0]]]])
    assert conv2d_output_size(7, 3) == 5 and conv2d_output_size(7, 3, 2) == 3 and conv2d_output_size(7, 3, 2, 1) == 4
    assert conv2d_output_size(1, 3, 1, 1) == 1                            # a kernel exactly the padded size fits
    assert conv2d_output_size(3, 3) == 1


def test_layers_describe_themselves_and_defer_widths():
    assert repr(Conv2D(2, 3, (3, 2), stride=2, padding=(1, 0))) == \
        "Conv2D(2, 3, kernel_size=(3, 2), stride=(2, 2), padding=(1, 0))"
    assert repr(MaxPool2D()) == "MaxPool2D(2)" and MaxPool2D().size == 2
    assert repr(Unflatten([1, 8, 8])) == "Unflatten((1, 8, 8))" and Unflatten((2, 3, 4)).n_in == 24
    for layer in (Conv2D(1, 1, 3), MaxPool2D(2), Flatten(), Unflatten((1, 2, 2))):
        assert layer.output_width(16) is None


def test_xavier_initialization_and_seeds():
    big = Conv2D(32, 64, 3, init="xavier", seed=2)
    assert abs(big.params["W"].var() * (32 * 9 + 64 * 9) / 2 - 1) < 0.05
    assert abs(big.params["W"].mean()) < 0.01 and not big.params["b"].any()
    np.testing.assert_array_equal(Conv2D(1, 2, 3).params["W"], Conv2D(1, 2, 3, seed=0).params["W"])
    np.testing.assert_array_equal(Conv2D(1, 2, 3, rng=np.random.default_rng(5)).params["W"],
                                  Conv2D(1, 2, 3, seed=5).params["W"])
    assert not np.array_equal(Conv2D(1, 2, 3, seed=1).params["W"], Conv2D(1, 2, 3, seed=0).params["W"])
    layer = Conv2D(1, 2, 3)
    assert layer.params["W"].dtype == layer.params["b"].dtype == np.float64
    assert Conv2D(1, 2, 3, dtype=np.float32).params["b"].dtype == np.float32


def test_errors_name_the_argument():
    for call, error, pattern in (
            (lambda: Conv2D(1, 1, (2, 2, 2)), ValueError, r"^kernel_size must be an int or a pair \(rows, cols\); got \(2, 2, 2\)$"),
            (lambda: Conv2D(1, 1, (2, 0)), ValueError, r"^kernel_size must be a positive int"),
            (lambda: Conv2D(1, 1, (0, 2)), ValueError, r"^kernel_size must be a positive int"),
            (lambda: Conv2D(1, 1, 3, stride=0), ValueError, r"^stride must"),
            (lambda: Conv2D(1, 1, 3, stride=(1, 0)), ValueError, r"^stride must"),
            (lambda: Conv2D(1, 1, 3, padding=(0, -1)), ValueError, r"^padding must be an int ≥ 0"),
            (lambda: Conv2D(0, 1, 3), ValueError, r"^in_channels must"),
            (lambda: Conv2D(1, 0, 3), ValueError, r"^out_channels must"),
            (lambda: Conv2D(1, 1, 3, dtype=np.int32), TypeError, r"^dtype must be numpy.float32 or numpy.float64"),
            (lambda: Conv2D(1, 1, 3).forward(np.zeros((0, 1, 5, 5))), ValueError,
             r"^X is an empty batch \(shape \(0, 1, 5, 5\)\); pass at least one image$"),
            (lambda: Conv2D(1, 1, 3).forward(np.zeros((2, 25))), ValueError,
             r"^X must be 4-D with shape \(n, channels, height, width\); got shape \(2, 25\)$"),
            (lambda: Conv2D(2, 1, 3).forward(np.zeros((1, 3, 5, 5))), ValueError,
             r"^X must have 2 channels \(axis 1 of \(n, c, h, w\)\); got shape \(1, 3, 5, 5\)$"),
            (lambda: conv2d(np.zeros((1, 1, 5, 5)), np.zeros((1, 2, 3, 3))), ValueError, r"^X must have 2 channels"),
            (lambda: conv2d(np.zeros((1, 1, 5, 5)), np.zeros((1, 1, 3, 3)), stride=0), ValueError, r"^stride must"),
            (lambda: conv2d(np.zeros((1, 1, 5, 5)), np.zeros((1, 1, 3, 3)), padding=-1), ValueError, r"^padding must"),
            (lambda: conv2d_output_size(0, 1), ValueError, r"^size must"),
            (lambda: conv2d_output_size(3, 0), ValueError, r"^kernel must"),
            (lambda: conv2d_output_size(3, 1, 0), ValueError, r"^stride must"),
            (lambda: conv2d_output_size(3, 1, 1, -1), ValueError, r"^padding must be an int ≥ 0"),
            (lambda: conv2d_output_size(2, 5, 1, 1), ValueError,
             r"^kernel \(5\) is larger than the padded input \(size 2 \+ 2·padding 1 = 4\); use a smaller kernel or more padding$"),
            (lambda: MaxPool2D(0), ValueError, r"^size must"),
            (lambda: MaxPool2D(3).forward(np.zeros((1, 1, 5, 2))), ValueError,
             r"^X's images \(5×2\) are smaller than the pooling window 3×3; got shape \(1, 1, 5, 2\)$"),
            (lambda: Flatten().forward(np.zeros(4)), ValueError, r"^X must be a non-empty batch with at least 2 axes"),
            (lambda: Flatten().forward(np.zeros((0, 4))), ValueError, r"^X must be a non-empty batch"),
            (lambda: Unflatten("abc"), ValueError, r"^shape must be a tuple \(channels, height, width\); got 'abc'$"),
            (lambda: Unflatten((1, 0, 2)), ValueError, r"^shape must be a positive int"),
            (lambda: Unflatten((1, 2, 2)).forward(np.zeros((3, 5))), ValueError, r"^X must have 4 columns")):
        with pytest.raises(error, match=pattern):
            call()
    for call, pattern in ((lambda: conv2d(np.zeros((1, 1, 3, 3)), [[[["a"]]]]), r"^W must hold real numbers"),
                          (lambda: conv2d(np.zeros((1, 1, 3, 3)), np.zeros((1, 1, 2, 2)), b=["a"]), r"^b must hold real numbers"),
                          (lambda: Flatten().forward([["a", "b"]]), r"^X must hold real numbers")):
        with pytest.raises(TypeError, match=pattern):
            call()
    with pytest.raises(ValueError, match=r"^W must be 4-D with shape \(out, in, kh, kw\); got shape \(3, 3\)$"):
        conv2d(np.zeros((1, 1, 3, 3)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match=r"^X must be 4-D with shape \(n, channels, height, width\); got shape \(2, 5, 5\)"
                                         r" \(a single image\? use X\[None\] or X\.reshape\(1, c, h, w\)\)$"):
        Conv2D(1, 1, 3).forward(np.zeros((2, 5, 5)))
    fresh = Conv2D(2, 3, (3, 2))                                           # gradients start at zero, shaped like params
    assert all(np.array_equal(fresh.grads[k], np.zeros_like(fresh.params[k])) for k in ("W", "b"))
    assert Flatten().forward(np.zeros((3, 4))).shape == (3, 4)            # 2 axes are enough
    assert Flatten().forward(np.zeros((1, 2, 2))).shape == (1, 4)         # a batch of one
    np.testing.assert_array_equal(Unflatten([1, 2, 2]).forward(np.arange(8.0).reshape(2, 4)),
                                  np.arange(8.0).reshape(2, 1, 2, 2))
    assert MaxPool2D(2).forward(np.zeros((1, 1, 2, 2))).shape == (1, 1, 1, 1)   # a window that just fits
