"""Networks as stacks of layers: each layer knows its forward rule and its backward rule.

``companion.network.MLP`` writes backpropagation as the four equations BP1–BP4. This module
splits the same computation into small objects so that new kinds of layer (dropout, batch
normalization, …) slot in without touching the rest. Every layer follows one protocol:

``forward(X, training=True) → out``
    computes the layer's output for a batch ``X`` of shape ``(n, d_in)`` (examples are rows; the
    element-wise layers accept any batch ``(n, …)``, e.g. images) and remembers what its
    backward rule needs;
``backward(dout) → dX``
    receives ``dout = ∂C/∂out`` (same shape as ``out``), stores ``∂C/∂θ`` for each parameter θ
    in ``.grads`` and returns ``dX = ∂C/∂X`` (same shape as ``X``) for the layer below;
``.params`` / ``.grads``
    dicts of arrays with the same keys (empty for layers without parameters). ``.params`` holds
    the live arrays: changing them in place changes the layer.

Chaining ``backward`` from the loss down to the input is exactly the chain rule, and for
``Dense`` + activation layers it reproduces BP1–BP4 line for line: ``Sequential.from_mlp(mlp)`` builds
such a stack, and ``tests/test_sequential.py`` checks that its gradients equal ``MLP.backprop``'s exactly.

Loss layers (``QuadraticLoss``, ``SoftmaxCrossEntropyLoss``, ``SigmoidCrossEntropyLoss``) end a
stack: ``forward(input, Y) → C`` (the batch mean) and ``backward() → ∂C/∂input``.
``Sequential(layers, loss)`` strings everything together and offers the model protocol used by
``companion.training.fit`` and the optimizers.
"""
from __future__ import annotations

import copy
from collections.abc import Sequence
from functools import partial

import numpy as np

from companion._layer import Layer
from companion._validation import (
    DefaultSeed,
    as_float_array,
    check_2d,
    check_batch,
    check_dtype,
    check_finite,
    check_in_range,
    check_int,
    check_positive,
    check_same_shape,
    check_targets,
    make_rng,
)
from companion.activations import ACTIVATIONS, _softmax, get_activation
from companion.initializers import init_weights
from companion.losses import quadratic, quadratic_grad, softmax_cross_entropy

__all__ = [
    "Layer",
    "Dense",
    "Activation",
    "Sigmoid",
    "Tanh",
    "ReLU",
    "LeakyReLU",
    "Softmax",
    "Dropout",
    "BatchNorm",
    "LossLayer",
    "QuadraticLoss",
    "SoftmaxCrossEntropyLoss",
    "SigmoidCrossEntropyLoss",
    "Sequential",
]

_sigmoid = ACTIVATIONS["sigmoid"].fn  # the stable kernel, without re-validating checked arrays


# --------------------------------------------------------------------------------------------
# Fully connected layer
# --------------------------------------------------------------------------------------------
class Dense(Layer):
    """Fully connected (affine) layer ``Z = X @ W.T + b``.

    Parameters
    ----------
    n_in, n_out : int
        Input width ``n_{l−1}`` and output width ``n_l``.
    init : str
        Weight initialization passed to ``companion.initializers.init_weights``
        ("normal" by default, Nielsen's variance 1/n_in as in ``MLP``; "standard", "xavier", "he").
        Biases start at zero.
    seed, rng : int or numpy.random.Generator, optional
        Source of randomness for the weights (never NumPy's global state). The default
        ``seed=0``, as in ``MLP``, makes ``Dense(3, 2)`` the same layer every time; give each
        layer of a stack its own seed (or one shared ``rng``) so their weights differ.
    dtype : numpy dtype
        float64 (default, for gradient checks) or float32.

    Attributes
    ----------
    params : {"W": (n_out, n_in), "b": (n_out,)}
        ``W[j, k]`` is ``w^l_jk``, the weight from input ``k`` to output ``j``, as in the text.
    grads : same keys and shapes, filled by ``backward``.

    Notes
    -----
    With ``dout = Δ`` (n, n_out) holding ``∂C/∂Z`` one row per example, ``backward`` computes
    BP4 ``∂C/∂W = Δᵀ X`` (n_out, n_in), BP3 ``∂C/∂b = Σ_rows Δ`` (n_out,) and the first half of
    BP2, ``∂C/∂X = Δ W`` (n, n_in); the activation layer below supplies the ``⊙ σ'(Z)``.
    """

    def __init__(self, n_in: int, n_out: int, init: str = "normal", seed: int | None = 0,
                 rng: np.random.Generator | None = None, dtype=np.float64) -> None:
        super().__init__()
        self.n_in, self.n_out = check_int("n_in", n_in), check_int("n_out", n_out)
        dtype = check_dtype(dtype)
        generator = make_rng(seed, rng)
        self.params["W"] = init_weights(init, self.n_out, self.n_in, generator, dtype)
        self.params["b"] = np.zeros(self.n_out, dtype=dtype)
        self.grads["W"] = np.zeros_like(self.params["W"])
        self.grads["b"] = np.zeros_like(self.params["b"])
        self._X: np.ndarray | None = None

    def _forward(self, X: np.ndarray, training: bool) -> np.ndarray:
        if X.ndim != 2:
            raise ValueError(f"X must be 2-D (n, {self.n_in}) for {self!r}; got shape {X.shape} "
                             "(images? put Flatten() before Dense)")
        if X.shape[1] != self.n_in:
            raise ValueError(
                f"X must have {self.n_in} columns, the input width of {self!r}; got shape {X.shape}"
            )
        self._X = X
        return X @ self.params["W"].T + self.params["b"]

    def _backward(self, dout: np.ndarray) -> np.ndarray:
        self.grads["W"] = dout.T @ self._X                      # BP4
        self.grads["b"] = dout.sum(axis=0)                      # BP3
        return dout @ self.params["W"]                          # BP2 (before ⊙ σ'(Z))

    def output_width(self, n_in: int) -> int:
        return self.n_out

    def __repr__(self) -> str:
        return f"Dense({self.n_in}, {self.n_out})"


# --------------------------------------------------------------------------------------------
# Activation layers
# --------------------------------------------------------------------------------------------
class Activation(Layer):
    """Element-wise activation ``A = σ(Z)`` with backward ``∂C/∂Z = ∂C/∂A ⊙ σ'(Z)`` (BP1/BP2).

    Parameters
    ----------
    name : str
        One of the names of ``companion.activations.get_activation``:
        "sigmoid", "tanh", "relu", "leaky_relu", "linear".

    Shapes: ``Z`` and ``A`` are any batch (n, …) — rows, images, sequences; no parameters.
    """

    def __init__(self, name: str) -> None:
        super().__init__()
        self.f, self.f_prime = get_activation(name)   # Elementwise(fn, prime), unpacked
        self.name = name
        self._Z: np.ndarray | None = None

    def _forward(self, X: np.ndarray, training: bool) -> np.ndarray:
        self._Z = X
        return self.f(X)

    def _backward(self, dout: np.ndarray) -> np.ndarray:
        return dout * self.f_prime(self._Z)

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"


class Sigmoid(Activation):
    """``σ(z) = 1/(1 + e^{−z})``, ``σ'(z) = σ(z)(1 − σ(z))``."""

    def __init__(self) -> None:
        super().__init__("sigmoid")

    def __repr__(self) -> str:
        return "Sigmoid()"


class Tanh(Activation):
    """``tanh(z)``, derivative ``1 − tanh²(z)``."""

    def __init__(self) -> None:
        super().__init__("tanh")

    def __repr__(self) -> str:
        return "Tanh()"


class ReLU(Activation):
    """``max(0, z)``, derivative ``1[z > 0]`` (0 at z = 0)."""

    def __init__(self) -> None:
        super().__init__("relu")

    def __repr__(self) -> str:
        return "ReLU()"


class LeakyReLU(Activation):
    """``z`` for z > 0 and ``α z`` otherwise; derivative 1 or ``α``.

    Parameters
    ----------
    alpha : float in [0, 1)
        Slope for negative inputs (0 gives the plain ReLU).
    """

    def __init__(self, alpha: float = 0.01) -> None:
        super().__init__("leaky_relu")
        self.alpha = check_in_range("alpha", alpha, 0.0, 1.0)
        leaky = ACTIVATIONS["leaky_relu"]
        self.f, self.f_prime = partial(leaky.fn, alpha=self.alpha), partial(leaky.prime, alpha=self.alpha)

    def __repr__(self) -> str:
        return f"LeakyReLU(alpha={self.alpha})"


class Softmax(Layer):
    """Softmax over each row: ``a_j = e^{z_j} / Σ_k e^{z_k}`` (stable for any finite input).

    Unlike the element-wise activations, each output depends on the whole row, so backward
    multiplies by the full Jacobian ``J = diag(a) − a aᵀ`` (symmetric) of every row:

    ``∂C/∂z = J · ∂C/∂a = a ⊙ (∂C/∂a − (a · ∂C/∂a))``,

    where ``a · ∂C/∂a`` is the per-row dot product. Shapes: (n, …, k) in and out (over the last axis).
    Followed by a cross-entropy loss, prefer no Softmax layer and ``SoftmaxCrossEntropyLoss``,
    whose fused gradient ``(a − y)/n`` is cheaper and more accurate.
    """

    def __init__(self) -> None:
        super().__init__()
        self._A: np.ndarray | None = None

    def _forward(self, X: np.ndarray, training: bool) -> np.ndarray:
        self._A = _softmax(X)
        return self._A

    def _backward(self, dout: np.ndarray) -> np.ndarray:
        A = self._A
        return A * (dout - np.sum(dout * A, axis=-1, keepdims=True))


# --------------------------------------------------------------------------------------------
# Dropout
# --------------------------------------------------------------------------------------------
class Dropout(Layer):
    """Inverted dropout: drop each unit with probability ``p_drop`` while training.

    Training: draw a keep-mask ``M`` with ``P(M_ij = 1) = 1 − p_drop`` and return
    ``X ⊙ M / (1 − p_drop)``, so every unit keeps its expected value ``E[out] = X``.
    Evaluation (``training=False``): the identity, nothing to rescale at test time.
    Backward: ``∂C/∂X = ∂C/∂out ⊙ M / (1 − p_drop)`` (the identity after an evaluation pass).

    Parameters
    ----------
    p_drop : float in [0, 1)
        Probability to DROP a unit (PyTorch's ``p``; the Deep Learning Specialization's
        ``keep_prob`` is ``1 − p_drop``).
    seed, rng : int or numpy.random.Generator, optional
        Source of the masks (never NumPy's global state). Left at its default (0), a
        ``Sequential`` holding the layer replaces it by a seed of its own for this position, so two
        default ``Dropout()`` layers of one network never draw the same masks; an explicit seed or
        rng is kept as given.

    Attributes
    ----------
    mask : bool array (n, …) or None
        The keep-mask of the last training pass (True = kept); None after an evaluation pass.
        ``forward(X, training=True, mask=M)`` uses a given mask instead of drawing one — for
        reproducing another course's numbers or a worked example by hand.
    """

    def __init__(self, p_drop: float = 0.5, seed: int = DefaultSeed(0),
                 rng: np.random.Generator | None = None) -> None:
        super().__init__()
        self.p_drop = check_in_range("p_drop", p_drop, 0.0, 1.0)
        self.rng = make_rng(seed, rng)
        self.seeded_by_default = rng is None and isinstance(seed, DefaultSeed)
        self.mask: np.ndarray | None = None
        self._given_mask = None

    def forward(self, X, training: bool = True, mask=None) -> np.ndarray:
        """Apply dropout (training) or the identity (evaluation); ``mask`` optionally given."""
        self._given_mask = mask
        return super().forward(X, training)

    def _forward(self, X: np.ndarray, training: bool) -> np.ndarray:
        if not training:
            self.mask = None
            return X
        if self._given_mask is None:
            self.mask = self.rng.random(X.shape) >= self.p_drop
        else:
            self.mask = _check_mask(self._given_mask, X.shape)
        return X * (self.mask / (1.0 - self.p_drop)).astype(X.dtype, copy=False)

    def _backward(self, dout: np.ndarray) -> np.ndarray:
        if self.mask is None:
            return dout
        if self.mask.shape != dout.shape:
            raise ValueError(
                f"Dropout.mask must have the shape of dout {dout.shape}; got shape {self.mask.shape}"
            )
        return dout * (self.mask / (1.0 - self.p_drop)).astype(dout.dtype, copy=False)

    def get_state(self) -> dict:
        """Snapshot of the mask generator: ``set_state`` of it makes the next masks repeat.

        A gradient check in training mode (``companion.gradcheck.check_gradients``) rewinds the
        generator before every cost evaluation, so all evaluations see the same mask stream.
        """
        return {"rng": copy.deepcopy(self.rng.bit_generator.state)}

    def set_state(self, state: dict) -> None:
        """Rewind the mask generator to a snapshot taken by ``get_state``."""
        self.rng.bit_generator.state = copy.deepcopy(state["rng"])

    def __repr__(self) -> str:
        return f"Dropout(p_drop={self.p_drop})"


def _check_mask(mask, shape: tuple[int, ...]) -> np.ndarray:
    """Return ``mask`` as a boolean keep-mask of ``shape`` or raise a clear error."""
    mask = np.asarray(mask)
    if mask.shape != shape:
        raise ValueError(f"mask must have the shape of X {shape}; got shape {mask.shape}")
    if mask.dtype != bool and not np.isin(mask, (0, 1)).all():
        raise ValueError("mask must hold only True/False (or 1/0): True keeps a unit, False drops it")
    return mask.astype(bool)


# --------------------------------------------------------------------------------------------
# Batch normalization
# --------------------------------------------------------------------------------------------
class BatchNorm(Layer):
    """Batch normalization of each column (feature) of a batch, then a learned scale and shift.

    Training (``training=True``), for a batch ``X`` (n, d), per column::

        μ = mean(X, axis=0)                         (d,)
        σ² = mean((X − μ)², axis=0)                  (d,)   the BIASED batch variance (÷ n)
        x̂ = (X − μ) / sqrt(σ² + eps)                 (n, d)
        Y = γ ⊙ x̂ + β                                (n, d)

    and the running statistics are updated as exponential averages::

        running_mean ← momentum · running_mean + (1 − momentum) · μ
        running_var  ← momentum · running_var  + (1 − momentum) · σ²

    Evaluation (``training=False``) uses the stored statistics instead of the batch's:
    ``Y = γ ⊙ (X − running_mean) / sqrt(running_var + eps) + β``.

    Backward in training mode (``σ`` short for ``sqrt(σ² + eps)``, means over the batch)::

        ∂C/∂γ = Σ_rows dY ⊙ x̂,     ∂C/∂β = Σ_rows dY,
        dX = (γ / σ) ⊙ (dY − mean(dY) − x̂ ⊙ mean(dY ⊙ x̂))

    — the last line collects the three paths from X to C (directly, through μ and through σ²).
    After an evaluation pass the layer is a fixed affine map and ``dX = dY ⊙ γ / sqrt(running_var + eps)``.

    Parameters
    ----------
    n : int
        Number of features (columns).
    momentum : float in [0, 1)
        Weight of the OLD running value (0.9 keeps 90 % of it).
    eps : float > 0
        Added to the variance before the square root.
    dtype : numpy dtype
        dtype of γ, β and the running statistics.

    Comparison with PyTorch's ``torch.nn.BatchNorm1d(n, momentum=0.1, eps=1e-5)``:
    PyTorch's ``momentum`` weights the NEW batch statistic, so its 0.1 equals our 0.9; and
    PyTorch stores the UNBIASED variance (÷ (n − 1)) in ``running_var`` while normalizing the
    training batch with the biased one. Here both use the biased variance, so after the same
    batches our ``running_var`` is smaller than PyTorch's by the factor (n − 1)/n of each batch's
    contribution, and evaluation-mode outputs differ slightly; training-mode outputs agree.
    Both start from ``running_mean = 0`` and ``running_var = 1``.
    """

    def __init__(self, n: int, momentum: float = 0.9, eps: float = 1e-5, dtype=np.float64) -> None:
        super().__init__()
        self.n = check_int("n", n)
        self.momentum = check_in_range("momentum", momentum, 0.0, 1.0)
        self.eps = check_positive("eps", eps)
        dtype = check_dtype(dtype)
        self.params["gamma"] = np.ones(self.n, dtype=dtype)
        self.params["beta"] = np.zeros(self.n, dtype=dtype)
        self.grads["gamma"] = np.zeros(self.n, dtype=dtype)
        self.grads["beta"] = np.zeros(self.n, dtype=dtype)
        self.running_mean = np.zeros(self.n, dtype=dtype)
        self.running_var = np.ones(self.n, dtype=dtype)
        self._cache: tuple | None = None

    def _forward(self, X: np.ndarray, training: bool) -> np.ndarray:
        if X.ndim != 2 or X.shape[1] != self.n:
            raise ValueError(f"X must have {self.n} columns, the width of {self!r}; got shape {X.shape}")
        if training and X.shape[0] < 2:
            raise ValueError(
                f"BatchNorm in training mode needs a batch of at least 2 examples to estimate a "
                f"variance; got shape {X.shape} (use training=False to normalize single examples)"
            )
        if training:
            mean, var = X.mean(axis=0), X.var(axis=0)
            m = self.momentum
            self.running_mean[...] = m * self.running_mean + (1 - m) * mean
            self.running_var[...] = m * self.running_var + (1 - m) * var
        else:
            mean, var = self.running_mean, self.running_var
        std = np.sqrt(var + self.eps)
        x_hat = (X - mean) / std
        self._cache = (x_hat, std, training)
        return self.params["gamma"] * x_hat + self.params["beta"]

    def _backward(self, dout: np.ndarray) -> np.ndarray:
        x_hat, std, training = self._cache
        gamma = self.params["gamma"]
        self.grads["gamma"] = np.sum(dout * x_hat, axis=0)
        self.grads["beta"] = dout.sum(axis=0)
        if not training:
            return dout * (gamma / std)
        centered = dout - dout.mean(axis=0) - x_hat * np.mean(dout * x_hat, axis=0)
        return (gamma / std) * centered

    def get_state(self) -> dict:
        """Copies of ``running_mean`` and ``running_var`` (every training pass updates them)."""
        return {"running_mean": self.running_mean.copy(), "running_var": self.running_var.copy()}

    def set_state(self, state: dict) -> None:
        """Put back running statistics saved by ``get_state`` (in place, same arrays)."""
        self.running_mean[...] = state["running_mean"]
        self.running_var[...] = state["running_var"]

    def __repr__(self) -> str:
        return f"BatchNorm({self.n}, momentum={self.momentum}, eps={self.eps})"


# --------------------------------------------------------------------------------------------
# Loss layers
# --------------------------------------------------------------------------------------------
class LossLayer:
    """Base class of the layers that end a stack: ``forward(input, Y) → C``, ``backward() → ∂C/∂input``.

    ``C`` is the batch mean ``(1/n) Σ_x C_x``; the ``1/n`` is inside the returned gradient.
    ``output(input)`` maps the last layer's values to the network's outputs (identity, softmax
    or sigmoid), which is what ``Sequential.forward`` returns.
    """

    def __init__(self) -> None:
        self._grad: np.ndarray | None = None

    def forward(self, inp, Y) -> float:
        """Return the batch-mean cost of ``inp`` (n, k) against targets ``Y`` (n, k)."""
        inp = check_finite("input", check_2d("input", as_float_array("input", inp)))
        Y = as_float_array("Y", Y, dtype=inp.dtype)
        check_same_shape("input", inp, "Y", Y)
        check_finite("Y", Y)
        cost, self._grad = self._cost_and_grad(inp, Y)
        return float(cost)

    def backward(self) -> np.ndarray:
        """Return ``∂C/∂input`` (n, k) for the last ``forward`` call."""
        if self._grad is None:
            raise RuntimeError(
                f"{type(self).__name__}.backward was called before forward: "
                "compute the cost with forward(input, Y) first"
            )
        return self._grad

    def output(self, inp: np.ndarray) -> np.ndarray:
        """The network's output for the last layer's values ``inp`` (identity by default)."""
        return inp

    def _cost_and_grad(self, inp: np.ndarray, Y: np.ndarray):  # pragma: no cover
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class QuadraticLoss(LossLayer):
    """Quadratic cost of activations ``A``: ``C = (1/n) Σ_x ½‖y − a‖²``, ``∂C/∂A = (A − Y)/n``."""

    def _cost_and_grad(self, A: np.ndarray, Y: np.ndarray):
        return quadratic(A, Y), quadratic_grad(A, Y)


class SoftmaxCrossEntropyLoss(LossLayer):
    """Softmax followed by cross-entropy, fused, from logits ``Z`` (n, k).

    ``C = −(1/n) Σ_x Σ_j y_j ln softmax(z)_j`` and ``∂C/∂Z = (softmax(Z) − Y)/n``. Computed from
    the logits with the max trick, so it never overflows and never takes ``ln 0``.
    The network's output (``Sequential.forward``) is ``softmax(Z)``.
    """

    def _cost_and_grad(self, Z: np.ndarray, Y: np.ndarray):
        return softmax_cross_entropy(Z, Y)

    def output(self, inp: np.ndarray) -> np.ndarray:
        return _softmax(inp)


class SigmoidCrossEntropyLoss(LossLayer):
    """Sigmoid followed by binary cross-entropy (Nielsen's form), fused, from logits ``Z`` (n, k).

    With ``a = σ(z)``, ``C_x = −Σ_j [y_j ln a_j + (1 − y_j) ln(1 − a_j)]``. Because
    ``ln σ(z) = −softplus(−z)`` and ``ln(1 − σ(z)) = −softplus(z)``, this equals
    ``Σ_j [softplus(z_j) − y_j z_j]`` with ``softplus(z) = ln(1 + e^z)`` computed stably
    (``np.logaddexp(0, z)``), so no ``ln 0`` and no overflow even at ``|z| = 1000``.
    Gradient: ``∂C/∂Z = (σ(Z) − Y)/n``. The network's output is ``σ(Z)``.
    """

    def _cost_and_grad(self, Z: np.ndarray, Y: np.ndarray):
        n = Z.shape[0]
        cost = np.sum(np.logaddexp(0, Z) - Y * Z) / n
        return cost, (_sigmoid(Z) - Y) / n

    def output(self, inp: np.ndarray) -> np.ndarray:
        return _sigmoid(inp)


# --------------------------------------------------------------------------------------------
# Sequential model
# --------------------------------------------------------------------------------------------
class Sequential:
    """A stack of layers ended by a loss layer, with the model protocol of ``MLP``.

    ``companion.network.MLP`` is Nielsen's network as chapters 1–6 derive it, BP1–BP4 in one
    class; ``Sequential`` is the same computation split into layers, the modular design that
    chapters 7–12 use (``Sequential.from_mlp(mlp)`` builds the equivalent stack, with exactly the
    same gradients). Both share one convention: ``parameters()`` lists the weight matrices first
    (``weight_arrays()``), then the other parameters layer by layer, and ``parameter_names()``
    names each by its key and layer number (``"W1"``, ``"b1"``, ``"gamma2"``; see there).

    Parameters
    ----------
    layers : sequence of Layer
        Applied in order to a batch ``X`` (n, d). Consecutive widths must agree (checked here).
    loss : LossLayer
        ``QuadraticLoss`` after the output activation, or a fused loss
        (``SoftmaxCrossEntropyLoss``/``SigmoidCrossEntropyLoss``) directly after the last
        ``Dense`` layer: it then also supplies the output activation in ``forward``.
    seed : int, default 0
        Gives each layer that draws while training and was left at its default seed
        (``Dropout()``) a seed of its own, derived from ``(seed, position)``: two default
        ``Dropout`` layers never draw the same masks. Layers given a seed or rng keep it.

    Model protocol (shared with ``companion.network.MLP``; used by ``fit`` and the optimizers):
    ``forward(X, training=False)``, ``parameters()``, ``loss_and_gradients(X, Y)``,
    ``weight_arrays()``, ``predict(X)``, ``cost(X, Y)``.

    Example
    -------
    >>> net = Sequential([Dense(2, 8, seed=0), Tanh(), Dense(8, 3, seed=1)], SoftmaxCrossEntropyLoss())
    """

    def __init__(self, layers: Sequence[Layer], loss: LossLayer, seed: int = 0) -> None:
        layers = list(layers)
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(f"layers[{i}] must be a Layer (e.g. Dense, ReLU); got {type(layer).__name__}")
        if not layers:
            raise ValueError("layers must hold at least one layer; got an empty list")
        if not isinstance(loss, LossLayer):
            raise TypeError(
                f"loss must be a loss layer (QuadraticLoss, SoftmaxCrossEntropyLoss, "
                f"SigmoidCrossEntropyLoss); got {type(loss).__name__}"
            )
        _check_no_double_output(layers, loss)
        self.layers, self.loss = layers, loss
        self.n_in, self._first_sized = _check_widths(layers)
        make_rng(seed)                                     # checks the seed
        for i, layer in enumerate(layers):
            if getattr(layer, "seeded_by_default", False):
                layer.rng = np.random.default_rng([int(seed), i])
                layer.seeded_by_default = False

    @classmethod
    def from_mlp(cls, mlp) -> "Sequential":
        """The same network as a ``companion.network.MLP``, with copies of its parameters.

        ``Dense`` layers with an ``Activation(hidden)`` between them, then the ending of the
        ``(output, loss)`` pair: the fused ``SoftmaxCrossEntropyLoss``/``SigmoidCrossEntropyLoss``
        for the cross-entropy, ``QuadraticLoss`` after a ``Sigmoid``/``Softmax`` layer otherwise.
        ``parameter_names()``, the gradients and ``predict`` equal the MLP's exactly; ``forward`` and
        ``cost`` agree to rounding (within 1e-14 and 1e-12 relative: the fused losses compute the
        cost from the logits, by another formula).
        """
        layers = []
        for l, (W, b) in enumerate(zip(mlp.weights, mlp.biases), start=1):
            dense = Dense(W.shape[1], W.shape[0], dtype=mlp.dtype)
            dense.params["W"][...], dense.params["b"][...] = W, b
            layers.append(dense)
            if l < len(mlp.weights):
                layers.append(Activation(mlp.hidden))
        tail, loss = _MLP_ENDINGS[mlp.output, mlp.loss]()
        return cls(layers + tail, loss)

    # --- forward and costs ------------------------------------------------------------------
    def _run(self, X, training: bool) -> np.ndarray:
        X = check_finite("X", check_batch("X", as_float_array("X", X)))
        if self.n_in is not None and X.ndim == 2 and X.shape[1] != self.n_in:
            raise ValueError(
                f"X must have {self.n_in} columns, the input width of layer {self._first_sized} "
                f"({self.layers[self._first_sized]!r}); "
                f"got shape {X.shape}"
            )
        for layer in self.layers:
            X = layer.forward(X, training=training)
        return X

    def forward(self, X, training: bool = False) -> np.ndarray:
        """Network output for ``X`` (n, d): the last layer's values through ``loss.output``."""
        return self.loss.output(self._run(X, training))

    def cost(self, X, Y, training: bool = False) -> float:
        """Batch-mean cost; by default in evaluation mode (dropout off, batch norm on running statistics).

        ``training=True`` gives the cost that ``loss_and_gradients`` differentiates (for a gradient
        check of a network with batch normalization; dropout draws new masks on every call).
        """
        out = self._run(X, training=training)
        return self.loss.forward(out, self._targets(Y, out))

    def _targets(self, Y, out: np.ndarray) -> np.ndarray:
        """Check ``Y`` has one row per example and one column per network output."""
        return check_targets(Y, out.shape, out.dtype)

    def predict(self, X) -> np.ndarray:
        """Integer labels (n,): argmax over the outputs, or ``output > 0.5`` for one output column."""
        out = self.forward(X)
        if out.shape[1] == 1:
            return (out[:, 0] > 0.5).astype(np.int64)
        return np.argmax(out, axis=1)

    # --- gradients ----------------------------------------------------------------------------
    def loss_and_gradients(self, X, Y) -> tuple[float, list[np.ndarray]]:
        """Cost of the batch in training mode and its gradient, aligned with ``parameters()``.

        One forward pass (``training=True``), the loss, then ``backward`` from the loss down to
        the first layer: the chain rule, one layer at a time.
        """
        out = self._run(X, training=True)
        C = self.loss.forward(out, self._targets(Y, out))
        dout = self.loss.backward()
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return C, [layer.grads[key] for layer, key, _ in self._slots()]

    # --- parameters ---------------------------------------------------------------------------
    def _slots(self) -> list[tuple[Layer, str, str]]:
        """``(layer, key, name)`` of every parameter, in the order of ``parameters()``."""
        slots, l = [], 0
        for layer in self.layers:
            l += bool(layer.params)            # l numbers the layers that hold parameters, from 1
            slots += [(layer, key, f"{key}{l}") for key in layer.params]
        weights = [s for s in slots if s[1] == "W" and isinstance(s[0], Dense)]
        return weights + [s for s in slots if s not in weights]

    def parameters(self) -> list[np.ndarray]:
        """The live parameter arrays: the Dense weights first (``weight_arrays()``), then the others
        layer by layer (biases, γ, β) — for an MLP-shaped stack ``[W^1 … W^L, b^1 … b^L]``, as ``MLP``."""
        return [layer.params[key] for layer, key, _ in self._slots()]

    def parameter_names(self) -> list[str]:
        """Names aligned with ``parameters()``: the key and the number ``l`` of its layer, counting
        only layers that hold parameters from 1, e.g. ``["W1", "W3", "b1", "gamma2", "beta2", "b3"]``
        for ``[Dense, BatchNorm, ReLU, Dense]`` — for Dense-only stacks exactly ``MLP``'s names."""
        return [name for _, _, name in self._slots()]

    def weight_arrays(self) -> list[np.ndarray]:
        """The ``W`` arrays of the Dense layers (what L1/L2 penalties act on; biases and γ, β are not)."""
        return [layer.params["W"] for layer in self.layers if isinstance(layer, Dense)]

    def __repr__(self) -> str:
        inner = ", ".join(repr(layer) for layer in self.layers)
        return f"Sequential([{inner}], {self.loss!r})"


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------
def _check_widths(layers: list[Layer]) -> tuple[int | None, int | None]:
    """Check that consecutive layers' widths agree; return (input width, index of the layer fixing it).

    Dense and BatchNorm fix the width they expect; other layers keep the width they receive.
    """
    n_in, first, width = None, None, None
    for i, layer in enumerate(layers):
        expected = getattr(layer, "n_in", getattr(layer, "n", None))
        if expected is not None and width is None:
            n_in, first = expected, i
        elif expected is not None and expected != width:
            raise ValueError(
                f"layer {i} ({layer!r}) expects {expected} input columns but receives {width} "
                f"from layer {i - 1} ({layers[i - 1]!r})"
            )
        if expected is not None or width is not None:
            width = layer.output_width(expected if width is None else width)
            if width is None:  # e.g. Unflatten/Conv2D: later widths depend on the image size
                break
    return n_in, first


def _check_no_double_output(layers: list[Layer], loss: LossLayer) -> None:
    """Refuse a Softmax/Sigmoid layer before a fused loss that applies the same function again."""
    last = layers[-1]
    if isinstance(loss, SoftmaxCrossEntropyLoss) and isinstance(last, Softmax):
        raise ValueError(
            "the last layer is Softmax but SoftmaxCrossEntropyLoss applies softmax itself: "
            "remove the Softmax layer (the loss works from the logits)"
        )
    if isinstance(loss, SigmoidCrossEntropyLoss) and isinstance(last, Sigmoid):
        raise ValueError(
            "the last layer is Sigmoid but SigmoidCrossEntropyLoss applies the sigmoid itself: "
            "remove the Sigmoid layer (the loss works from the logits)"
        )


_MLP_ENDINGS = {
    ("sigmoid", "quadratic"): lambda: ([Sigmoid()], QuadraticLoss()),
    ("softmax", "quadratic"): lambda: ([Softmax()], QuadraticLoss()),
    ("linear", "quadratic"): lambda: ([], QuadraticLoss()),
    ("sigmoid", "cross_entropy"): lambda: ([], SigmoidCrossEntropyLoss()),
    ("softmax", "cross_entropy"): lambda: ([], SoftmaxCrossEntropyLoss()),
}
"""``(output, loss)`` of an ``MLP`` → what ends the equivalent ``Sequential`` after its last ``Dense``."""


# --------------------------------------------------------------------------------------------
# Image layers (defined in companion.convolution, importable from here: docs/architecture.md §4)
# --------------------------------------------------------------------------------------------
from companion.convolution import Conv2D, Flatten, MaxPool2D, Unflatten  # noqa: E402  (needs Layer only)

__all__ += ["Conv2D", "MaxPool2D", "Flatten", "Unflatten"]
