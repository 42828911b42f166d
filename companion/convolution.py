"""Convolution as weight sharing: ``Conv2D``, ``MaxPool2D``, ``Flatten`` and ``Unflatten``.

Images travel through these layers in the NCHW layout of PyTorch: a batch ``X`` has shape
``(n, c, h, w)`` — ``n`` examples, ``c`` channels, ``h`` rows and ``w`` columns. The layers
follow the protocol of ``companion.layers`` (``forward(X, training)``, ``backward(dout)``,
``.params``/``.grads``) so they slot into ``companion.layers.Sequential``:

>>> from companion.layers import Sequential, Dense, ReLU, SoftmaxCrossEntropyLoss
>>> net = Sequential([Unflatten((1, 8, 8)), Conv2D(1, 4, 3, seed=0), MaxPool2D(2), Flatten(),
...                   ReLU(), Dense(36, 10, init="xavier", seed=1)], SoftmaxCrossEntropyLoss())

``Unflatten`` turns rows of pixels (what ``companion.training.fit`` shuffles and batches) into
images; ``Flatten`` turns feature maps back into rows for ``Dense``. The element-wise layers
of ``companion.layers`` accept any batch (n, …), so a ReLU may also come straight after
``Conv2D``; after ``Flatten`` (as here) it is the same network, because ReLU is non-decreasing:
``relu(maxpool(x)) = maxpool(relu(x))``.

Forward and backward are vectorized (im2col / col2im): the receptive fields are gathered into
one matrix ``cols`` of shape (c·kh·kw, n·oh·ow) with one strided slice per kernel offset, so the
layer is a single matrix product ``W_mat @ cols``; the backward pass uses two more products and
scatters the gradient back with one slice-add per kernel offset. There is never a Python loop
over output positions.
"""
from __future__ import annotations

import numpy as np

from companion._layer import Layer
from companion._validation import as_float_array, check_2d, check_choice, check_dtype, check_int, make_rng
from companion.initializers import init_array

__all__ = ["conv2d_output_size", "conv2d", "Conv2D", "MaxPool2D", "Flatten", "Unflatten"]


# --------------------------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------------------------
def _pair(name: str, value, minimum: int = 1) -> tuple[int, int]:
    """Return ``value`` (an int or a pair of ints) as a pair ``(rows, cols)``."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair (rows, cols); got {value!r}")
        return check_int(name, value[0], minimum), check_int(name, value[1], minimum)
    v = check_int(name, value, minimum)
    return v, v


def _check_images(name: str, X, channels: int | None = None) -> np.ndarray:
    """Return ``X`` as a float array of shape (n, c, h, w), checking the rank and channel count."""
    X = as_float_array(name, X)
    if X.ndim != 4:
        hint = " (a single image? use X[None] or X.reshape(1, c, h, w))" if X.ndim == 3 else ""
        raise ValueError(f"{name} must be 4-D with shape (n, channels, height, width); got shape {X.shape}{hint}")
    if X.shape[0] == 0:
        raise ValueError(f"{name} is an empty batch (shape {X.shape}); pass at least one image")
    if channels is not None and X.shape[1] != channels:
        raise ValueError(f"{name} must have {channels} channels (axis 1 of (n, c, h, w)); got shape {X.shape}")
    return X


# --------------------------------------------------------------------------------------------
# The pure functions
# --------------------------------------------------------------------------------------------
def conv2d_output_size(size: int, kernel: int, stride: int = 1, padding: int = 0) -> int:
    """Output length of a convolution along one axis: ``⌊(size + 2·padding − kernel)/stride⌋ + 1``.

    Raises ``ValueError`` when the kernel is larger than the padded input.
    """
    size, kernel = check_int("size", size), check_int("kernel", kernel)
    stride, padding = check_int("stride", stride), check_int("padding", padding, 0)
    if kernel > size + 2 * padding:
        raise ValueError(
            f"kernel ({kernel}) is larger than the padded input (size {size} + 2·padding {padding} "
            f"= {size + 2 * padding}); use a smaller kernel or more padding"
        )
    return (size + 2 * padding - kernel) // stride + 1


def _im2col(Xp: np.ndarray, kh: int, kw: int, sh: int, sw: int) -> np.ndarray:
    """Every receptive field of the padded batch ``Xp`` (n, c, H, W) as columns: (c·kh·kw, n·oh·ow).

    Row ``(ch·kh + u)·kw + v`` holds ``Xp[i, ch, p·sh + u, q·sw + v]`` at column ``(i·oh + p)·ow + q``.
    """
    n, c, H, W = Xp.shape
    oh, ow = (H - kh) // sh + 1, (W - kw) // sw + 1
    cols = np.empty((c, kh, kw, n, oh, ow), dtype=Xp.dtype)
    for u in range(kh):                        # one strided slice per kernel offset
        for v in range(kw):
            cols[:, u, v] = Xp[:, :, u:u + sh * oh:sh, v:v + sw * ow:sw].transpose(1, 0, 2, 3)
    return cols.reshape(c * kh * kw, n * oh * ow)


def _pad(X: np.ndarray, ph: int, pw: int) -> np.ndarray:
    """Zero-pad the two spatial axes of ``X`` (n, c, h, w) by ``ph`` rows and ``pw`` columns each side."""
    if ph == 0 and pw == 0:
        return X
    return np.pad(X, ((0, 0), (0, 0), (ph, ph), (pw, pw)))


def conv2d(X, W, b=None, stride=1, padding=0) -> np.ndarray:
    """Cross-correlation of a batch of images with a bank of filters (what deep learning calls convolution).

    ``out[i, o, p, q] = b[o] + Σ_c Σ_u Σ_v W[o, c, u, v] · Xp[i, c, p·s + u, q·s + v]``,
    where ``Xp`` is ``X`` zero-padded by ``padding`` and ``s`` is the stride — the same numbers
    as ``torch.nn.functional.conv2d(X, W, b, stride, padding)``.

    Parameters
    ----------
    X : array (n, c, h, w)
    W : array (out, c, kh, kw)
    b : array (out,) or None
    stride, padding : int or pair of ints

    Returns
    -------
    out : array (n, out, oh, ow) with ``oh = conv2d_output_size(h, kh, stride, padding)``.
    """
    W = as_float_array("W", W)
    if W.ndim != 4:
        raise ValueError(f"W must be 4-D with shape (out, in, kh, kw); got shape {W.shape}")
    X = _check_images("X", X, channels=W.shape[1])
    out, _, _ = _correlate(X, W, _pair("stride", stride), _pair("padding", padding, 0))
    if b is not None:
        out = out + as_float_array("b", b).reshape(1, -1, 1, 1)
    return np.ascontiguousarray(out)


def _correlate(X: np.ndarray, W: np.ndarray, stride: tuple[int, int], padding: tuple[int, int]):
    """The one forward convolution (no bias): ``(out (n, o, oh, ow), cols, padded shape)``.

    ``conv2d`` and ``Conv2D`` both call it; ``Conv2D`` keeps ``cols`` for its backward pass.
    """
    (sh, sw), (ph, pw) = stride, padding
    oh = conv2d_output_size(X.shape[2], W.shape[2], sh, ph)
    ow = conv2d_output_size(X.shape[3], W.shape[3], sw, pw)
    Xp = _pad(X, ph, pw)
    cols = _im2col(Xp, W.shape[2], W.shape[3], sh, sw)                  # (c·kh·kw, n·oh·ow)
    out = (W.reshape(W.shape[0], -1) @ cols).reshape(W.shape[0], X.shape[0], oh, ow).transpose(1, 0, 2, 3)
    return out, cols, Xp.shape


# --------------------------------------------------------------------------------------------
# Layers
# --------------------------------------------------------------------------------------------
class _ImageLayer(Layer):
    """Base of the layers that take (n, c, h, w) images: the 4-D check replaces the 2-D one."""

    def forward(self, X, training: bool = True) -> np.ndarray:
        """Return the layer's output for the batch of images ``X`` (n, c, h, w)."""
        X = _check_images("X", X, getattr(self, "in_channels", None))
        out = self._forward(X, bool(training))
        self._in_shape, self._out_shape = X.shape, out.shape
        return out

    def output_width(self, n_in: int) -> None:
        """Unknown: the output width depends on the image size, not only on the input width."""
        return None


class Conv2D(_ImageLayer):
    """2-D convolution layer (cross-correlation, as in PyTorch): one small filter shared by every position.

    ``Z[i, o] = b[o] + Σ_c W[o, c] ⋆ Xp[i, c]`` — see :func:`conv2d` for the index form.

    Parameters
    ----------
    in_channels, out_channels : int
        Channels ``c`` of the input and number of filters ``out``.
    kernel_size : int or (kh, kw)
    stride : int or pair, default 1
    padding : int or pair, default 0 (zeros added on each side)
    seed, rng : int (default 0) or numpy.random.Generator, optional
    init : {"he", "xavier"}
        He: ``W ~ N(0, 2/fan_in)``; Xavier/Glorot: ``N(0, 2/(fan_in + fan_out))`` with
        ``fan_in = in·kh·kw`` and ``fan_out = out·kh·kw``. Biases start at zero.
    dtype : float32 or float64

    Attributes
    ----------
    params : {"W": (out, in, kh, kw), "b": (out,)}
    grads : same keys and shapes, filled by ``backward``.

    Notes
    -----
    With ``G = ∂C/∂Z`` (n, out, oh, ow) and the receptive fields of the input:
    ``∂C/∂W[o, c, u, v] = Σ_{i,p,q} G[i, o, p, q] · Xp[i, c, p·s + u, q·s + v]`` (a correlation of
    the input with the gradient), ``∂C/∂b[o] = Σ_{i,p,q} G[i, o, p, q]``, and ``∂C/∂X`` is the
    gradient scattered back through the shared weights (a "full" convolution with the flipped
    kernel when the stride is 1), with the padding cut off.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 seed: int = 0, rng: np.random.Generator | None = None, init: str = "he",
                 dtype=np.float64) -> None:
        super().__init__()
        self.in_channels = check_int("in_channels", in_channels)
        self.out_channels = check_int("out_channels", out_channels)
        self.kernel_size = _pair("kernel_size", kernel_size)
        self.stride, self.padding = _pair("stride", stride), _pair("padding", padding, 0)
        dtype = check_dtype(dtype)
        kh, kw = self.kernel_size
        fan_in, fan_out = self.in_channels * kh * kw, self.out_channels * kh * kw
        check_choice("init", init, ("he", "xavier"))
        shape = (self.out_channels, self.in_channels, kh, kw)
        self.params["W"] = init_array(init, shape, fan_in, fan_out, make_rng(seed, rng), dtype)
        self.params["b"] = np.zeros(self.out_channels, dtype=dtype)
        self.grads["W"] = np.zeros_like(self.params["W"])
        self.grads["b"] = np.zeros_like(self.params["b"])
        self._cols: np.ndarray | None = None

    def _forward(self, X: np.ndarray, training: bool) -> np.ndarray:
        out, self._cols, self._padded_shape = _correlate(X, self.params["W"], self.stride, self.padding)
        return out + self.params["b"].reshape(1, -1, 1, 1)

    def _backward(self, dout: np.ndarray) -> np.ndarray:
        G = dout.transpose(1, 0, 2, 3).reshape(self.out_channels, -1)  # (out, n·oh·ow)
        W = self.params["W"]
        self.grads["W"] = (G @ self._cols.T).reshape(W.shape)          # Σ over examples and positions
        self.grads["b"] = dout.sum(axis=(0, 2, 3))
        dcols = W.reshape(self.out_channels, -1).T @ G                 # (c·kh·kw, n·oh·ow)
        return self._col2im(dcols, dout.shape)

    def _col2im(self, dcols: np.ndarray, out_shape: tuple) -> np.ndarray:
        """Add each receptive field's gradient back onto the input positions it came from."""
        (kh, kw), (sh, sw), (ph, pw) = self.kernel_size, self.stride, self.padding
        n, _, oh, ow = out_shape
        dXp = np.zeros(self._padded_shape, dtype=dcols.dtype)
        dcols = dcols.reshape(self.in_channels, kh, kw, n, oh, ow)
        for u in range(kh):                                            # one slice-add per kernel offset
            for v in range(kw):
                dXp[:, :, u:u + sh * oh:sh, v:v + sw * ow:sw] += dcols[:, u, v].transpose(1, 0, 2, 3)
        H, Wd = dXp.shape[2], dXp.shape[3]
        return dXp[:, :, ph:H - ph, pw:Wd - pw]

    def __repr__(self) -> str:
        return (f"Conv2D({self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, padding={self.padding})")


class MaxPool2D(_ImageLayer):
    """Max pooling over non-overlapping ``size × size`` windows (stride = size, as PyTorch's default).

    ``out[i, c, p, q] = max_{0≤u,v<size} X[i, c, p·size + u, q·size + v]``; trailing rows and
    columns that do not fill a window are dropped (``oh = ⌊h/size⌋``), like ``nn.MaxPool2d(size)``.
    Backward sends each window's gradient to the position of its maximum (the first one in
    row-major order on ties, as PyTorch does) and zero elsewhere. Shapes: (n, c, h, w) → (n, c, h//size, w//size).
    """

    def __init__(self, size: int = 2) -> None:
        super().__init__()
        self.size = check_int("size", size)
        self._argmax: np.ndarray | None = None

    def _blocks(self, X: np.ndarray) -> np.ndarray:
        """The windows of ``X`` as (n, c, oh, ow, size·size)."""
        k = self.size
        n, c, h, w = X.shape
        if h < k or w < k:
            raise ValueError(f"X's images ({h}×{w}) are smaller than the pooling window {k}×{k}; got shape {X.shape}")
        oh, ow = h // k, w // k
        blocks = X[:, :, :oh * k, :ow * k].reshape(n, c, oh, k, ow, k)
        return blocks.transpose(0, 1, 2, 4, 3, 5).reshape(n, c, oh, ow, k * k)

    def _forward(self, X: np.ndarray, training: bool) -> np.ndarray:
        blocks = self._blocks(X)
        self._argmax = blocks.argmax(axis=-1)
        return blocks.max(axis=-1)

    def _backward(self, dout: np.ndarray) -> np.ndarray:
        k = self.size
        n, c, h, w = self._in_shape
        oh, ow = dout.shape[2:]
        hit = np.arange(k * k) == self._argmax[..., None]                # (n, c, oh, ow, k·k)
        dblocks = (hit * dout[..., None]).reshape(n, c, oh, ow, k, k).transpose(0, 1, 2, 4, 3, 5)
        dX = np.zeros(self._in_shape, dtype=dout.dtype)
        dX[:, :, :oh * k, :ow * k] = dblocks.reshape(n, c, oh * k, ow * k)
        return dX

    def __repr__(self) -> str:
        return f"MaxPool2D({self.size})"


class Flatten(Layer):
    """Reshape each example to one row: (n, c, h, w) → (n, c·h·w), like ``nn.Flatten()``.

    Row-major (C) order, so column ``c·h·w``-index ``(ch·h + r)·w + col`` holds ``X[i, ch, r, col]``.
    Backward reshapes the gradient back to the input's shape.
    """

    def forward(self, X, training: bool = True) -> np.ndarray:
        """Return ``X`` (n, …) reshaped to (n, product of the other axes)."""
        X = as_float_array("X", X)
        if X.ndim < 2 or X.shape[0] == 0:
            raise ValueError(f"X must be a non-empty batch with at least 2 axes (n, …); got shape {X.shape}")
        out = X.reshape(X.shape[0], -1)
        self._in_shape, self._out_shape = X.shape, out.shape
        return out

    def _backward(self, dout: np.ndarray) -> np.ndarray:
        return dout.reshape(self._in_shape)

    def output_width(self, n_in: int) -> None:
        """Unknown before the images are seen."""
        return None


class Unflatten(Layer):
    """Reshape each row to an image: (n, c·h·w) → (n, c, h, w), like ``nn.Unflatten(1, (c, h, w))``.

    Puts a convolution at the start of a ``Sequential`` whose data are rows of pixels.

    Parameters
    ----------
    shape : tuple (c, h, w)
        The shape of one example.
    """

    def __init__(self, shape) -> None:
        super().__init__()
        if not isinstance(shape, (tuple, list)) or len(shape) != 3:
            raise ValueError(f"shape must be a tuple (channels, height, width); got {shape!r}")
        self.shape = tuple(check_int("shape", s) for s in shape)
        self.n_in = int(np.prod(self.shape))

    def _forward(self, X: np.ndarray, training: bool) -> np.ndarray:
        check_2d("X", X, cols=self.n_in)
        return X.reshape((X.shape[0],) + self.shape)

    def _backward(self, dout: np.ndarray) -> np.ndarray:
        return dout.reshape(self._in_shape)

    def output_width(self, n_in: int) -> None:
        """The output is 4-D: later widths are checked when data flow (``Dense`` says which it expects)."""
        return None

    def __repr__(self) -> str:
        return f"Unflatten({self.shape})"
