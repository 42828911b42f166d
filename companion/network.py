r"""A fully connected feed-forward network (multi-layer perceptron) and its backpropagation.

Notation (Nielsen's): layer :math:`l = 1 … L` has weights :math:`W^l` of shape :math:`(n_l, n_{l-1})`,
so :math:`w^l_{jk}` — from neuron :math:`k` of layer :math:`l-1` to neuron :math:`j` of layer
:math:`l` — is ``weights[l-1][j, k]``, and biases :math:`b^l` of shape :math:`(n_l,)`.
With one example per row of :math:`A^{l-1}` (shape (n, n_{l-1})), a layer computes

.. math:: Z^l = A^{l-1} (W^l)^\mathsf{T} + b^l, \qquad A^l = \sigma(Z^l),

the batched form of :math:`a^l = \sigma(W^l a^{l-1} + b^l)`: the transpose appears because the
examples are rows rather than columns. Python lists are 0-based, so layer :math:`l` is index ``l-1``.

``MLP`` is Nielsen's network as chapters 1–6 derive it: the whole forward pass and BP1–BP4 in
one class, read top to bottom. ``companion.layers.Sequential`` computes the same numbers split
into layer objects (Dense, activations, dropout, batch normalization, …), the modular design that
chapters 7–12 build on; ``Sequential.from_mlp(mlp)`` converts one into the other. This module
imports only activations, losses, initializers and the argument checks, so chapters 1–6 stand
alone (docs/architecture.md §2).

Reading order of this file: the costs with their output error (BP1), then ``MLP`` — forward
pass, backpropagation, the model protocol used by ``fit`` — and the argument checks last.

Example
-------
>>> net = MLP([2, 3, 1], seed=0)
>>> [W.shape for W in net.weights], [b.shape for b in net.biases]
([(3, 2), (1, 3)], [(3,), (1,)])
>>> for W in net.weights:
...     W[...] = 0.0
>>> net.forward(np.ones((1, 2)))                      # σ(0) = 0.5
array([[0.5]])
>>> grad_w, grad_b = net.backprop(np.ones((1, 2)), np.zeros((1, 1)))
>>> grad_b[-1]                                        # BP1: (a − y) σ'(z) = 0.5 · 0.25
array([0.125])
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np

from . import activations as act
from ._validation import (
    as_float_array,
    check_2d,
    check_choice,
    check_dtype,
    check_finite,
    check_int,
    check_targets,
    make_rng,
)
from .initializers import INITIALIZERS, init_weights
from .losses import _cross_entropy, _quadratic

__all__ = [
    "MLP",
    "Cost",
    "COSTS",
    "OUTPUT_ACTIVATIONS",
    "HIDDEN",
    "OUTPUTS",
    "LOSSES",
    "delta_cancelled",
    "delta_quadratic_sigmoid",
    "delta_quadratic_softmax",
]


# ------------------------------------------------------------------ costs and their BP1
@dataclass(frozen=True)
class Cost:
    r"""A batch-mean cost on a given output activation, with its output error (BP1).

    Attributes
    ----------
    fn : callable ``fn(A, Y) -> float``
        :math:`C = \frac1n \sum_x C_x` for outputs ``A`` and targets ``Y``, both (n, n_L).
    delta : callable ``delta(Z, A, Y) -> ndarray``
        BP1, :math:`\Delta^L = \partial C/\partial Z^L = \nabla_A C \odot \sigma'(Z^L)`, shape
        (n, n_L), from the output layer's weighted inputs ``Z`` and activations ``A = σ(Z)``.

    (How the equivalent ``Sequential`` ends for each pair is written in ``companion.layers``,
    ``Sequential.from_mlp``: this module knows nothing of layers.)
    """

    fn: Callable[[np.ndarray, np.ndarray], float]
    delta: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def delta_cancelled(Z: np.ndarray, A: np.ndarray, Y: np.ndarray) -> np.ndarray:
    r"""BP1 when σ′ cancels: :math:`\Delta^L = (A^L - Y)/n`.

    Cross-entropy on sigmoid or softmax outputs (chapter 3) and the quadratic cost on linear
    outputs (σ′ = 1) all reduce to this.
    """
    return (A - Y) / A.shape[0]


def delta_quadratic_sigmoid(Z: np.ndarray, A: np.ndarray, Y: np.ndarray) -> np.ndarray:
    r"""BP1 for the quadratic cost on sigmoid outputs: :math:`\Delta^L = (A^L - Y)/n \odot \sigma'(Z^L)`."""
    return (A - Y) / A.shape[0] * act.ACTIVATIONS["sigmoid"].prime(Z)


def delta_quadratic_softmax(Z: np.ndarray, A: np.ndarray, Y: np.ndarray) -> np.ndarray:
    r"""BP1 for the quadratic cost on softmax outputs: the Jacobian :math:`s_i(\delta_{ij} - s_j)` replaces σ′ ⊙.

    Softmax mixes its outputs, so each row of :math:`\nabla_A C = (A - Y)/n` is multiplied by the
    softmax Jacobian: :math:`a \odot (g - a \cdot g)` for a row :math:`g`.
    """
    grad_A = (A - Y) / A.shape[0]
    return A * (grad_A - np.sum(grad_A * A, axis=1, keepdims=True))


# (output activation, loss) -> Cost. A new loss or output activation is one more row here.
COSTS: dict[tuple[str, str], Cost] = {
    ("sigmoid", "quadratic"): Cost(_quadratic, delta_quadratic_sigmoid),
    ("softmax", "quadratic"): Cost(_quadratic, delta_quadratic_softmax),
    ("linear", "quadratic"): Cost(_quadratic, delta_cancelled),
    ("sigmoid", "cross_entropy"): Cost(partial(_cross_entropy, binary=True), delta_cancelled),
    ("softmax", "cross_entropy"): Cost(partial(_cross_entropy, binary=False), delta_cancelled),
}
"""``(output, loss) -> Cost``: the pairs ``MLP`` accepts, each with its cost and BP1."""

OUTPUT_ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sigmoid": act.ACTIVATIONS["sigmoid"].fn,
    "softmax": act._softmax,
    "linear": act.ACTIVATIONS["linear"].fn,
}
"""Output activation by name: ``name -> f`` with ``A^L = f(Z^L)`` (softmax acts on each row)."""

HIDDEN = ("sigmoid", "tanh", "relu", "leaky_relu")
OUTPUTS = tuple(dict.fromkeys(output for output, _ in COSTS))   # ("sigmoid", "softmax", "linear")
LOSSES = tuple(dict.fromkeys(loss for _, loss in COSTS))        # ("quadratic", "cross_entropy")


# ------------------------------------------------------------------ the network
class MLP:
    """A multi-layer perceptron trained by backpropagation (BP1–BP4), vectorized over the batch.

    This is Nielsen's network as the chapters derive it; ``companion.layers.Sequential`` is the
    same computation split into layer objects (the design chapters 7–12 use), and
    ``Sequential.from_mlp(mlp)`` builds that equivalent. Both follow one convention: ``parameters()``
    lists the weight matrices, then the other parameters, with the names of :meth:`parameter_names`.

    Parameters
    ----------
    sizes : list of int
        Layer widths from input to output, e.g. ``[784, 16, 16, 10]``.
    hidden : {"sigmoid", "tanh", "relu", "leaky_relu"}
        Activation of every hidden layer.
    output : {"sigmoid", "softmax", "linear"}
        Activation of the output layer.
    loss : {"quadratic", "cross_entropy"}
        Cost, a mean over the batch. With ``output="sigmoid"`` the cross-entropy is the binary
        (Nielsen) form; with ``"softmax"`` the categorical form :math:`-\\sum_j y_j \\ln a_j`.
    seed : int, default 0
        Seed of the weight initialization (results are identical for equal seeds).
    dtype : numpy.float64 or numpy.float32
        Floating type of parameters and of every computation.
    init : {"normal", "standard", "xavier", "he"}
        Weight initialization (see :mod:`companion.initializers`); biases start at 0.

    Attributes
    ----------
    weights : list of ndarray, ``weights[l-1]`` has shape (n_l, n_{l-1})
    biases : list of ndarray, ``biases[l-1]`` has shape (n_l,)
    """

    def __init__(self, sizes, hidden="sigmoid", output="sigmoid", loss="quadratic", seed=0,
                 dtype=np.float64, init="normal"):
        self.sizes = _check_sizes(sizes)
        self.hidden, self.output, self.loss = _check_choices(hidden, output, loss)
        self.dtype = check_dtype(dtype)
        check_choice("init", init, INITIALIZERS)
        rng = make_rng(seed)
        pairs = list(zip(self.sizes[:-1], self.sizes[1:]))
        self.weights = [init_weights(init, n_out, n_in, rng, self.dtype) for n_in, n_out in pairs]
        self.biases = [np.zeros(n_out, dtype=self.dtype) for _, n_out in pairs]

    def __repr__(self) -> str:
        return (f"MLP({self.sizes}, hidden={self.hidden!r}, output={self.output!r}, "
                f"loss={self.loss!r}, dtype={self.dtype.name})")

    # ---------------------------------------------------------------- forward
    def _feedforward(self, X: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        sigma, output = act.ACTIVATIONS[self.hidden].fn, OUTPUT_ACTIVATIONS[self.output]
        zs, activations = [], [X]
        for l, (W, b) in enumerate(zip(self.weights, self.biases), start=1):
            Z = activations[-1] @ W.T + b                      # Z^l = A^{l-1} (W^l)^T + b^l
            zs.append(Z)
            activations.append(output(Z) if l == len(self.weights) else sigma(Z))
        return zs, activations

    def forward_pass(self, X) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Run the network and keep every intermediate.

        Returns
        -------
        zs : list of ndarray, ``zs[l-1]`` = :math:`Z^l`, shape (n, n_l), for l = 1 … L
        activations : list of ndarray, ``activations[l]`` = :math:`A^l`, shape (n, n_l), for
            l = 0 … L (``activations[0]`` is ``X``)
        """
        return self._feedforward(self._inputs(X))

    def forward(self, X) -> np.ndarray:
        """Output activations :math:`A^L`, shape (n, sizes[-1]), for inputs ``X`` of shape (n, sizes[0])."""
        return self.forward_pass(X)[1][-1]

    def predict(self, X) -> np.ndarray:
        """Predicted class labels, shape (n,): the arg-max output, or ``A^L > 0.5`` for a single output."""
        A = self.forward(X)
        return (A[:, 0] > 0.5).astype(np.int64) if A.shape[1] == 1 else A.argmax(axis=1)

    def cost(self, X, Y) -> float:
        """The batch-mean cost :math:`C = \\frac1n\\sum_x C_x` of this network on ``(X, Y)``."""
        X = self._inputs(X)
        return COSTS[self.output, self.loss].fn(self._feedforward(X)[1][-1], self._targets(Y, X))

    # --------------------------------------------------------------- backward
    def backprop(self, X, Y) -> tuple[list[np.ndarray], list[np.ndarray]]:
        r"""Gradient of the batch-mean cost by backpropagation, one row of Δ per example.

        .. math::
            \text{BP1}\quad \Delta^L &= \nabla_A C \odot \sigma'(Z^L) \\
            \text{BP2}\quad \Delta^l &= (\Delta^{l+1} W^{l+1}) \odot \sigma'(Z^l) \\
            \text{BP3}\quad \partial C/\partial b^l &= \textstyle\sum_\text{rows} \Delta^l \\
            \text{BP4}\quad \partial C/\partial W^l &= (\Delta^l)^\mathsf{T} A^{l-1}

        BP1 is the cost's ``delta`` (see ``COSTS``): for softmax + cross-entropy, sigmoid +
        cross-entropy and linear + quadratic it simplifies to :math:`\Delta^L = (A^L - Y)/n`;
        with softmax + quadratic, σ'(z) ⊙ becomes a product with the softmax Jacobian. The
        :math:`1/n` of the mean enters once, in :math:`\Delta^L`. BP2 reads :math:`\sigma'(Z^l)`
        off the stored :math:`A^l = \sigma(Z^l)` (e.g. :math:`a(1-a)` for the sigmoid).

        Parameters
        ----------
        X : array_like, shape (n, sizes[0])
        Y : array_like, shape (n, sizes[-1])

        Returns
        -------
        grad_weights : list of ndarray shaped like ``weights``
        grad_biases : list of ndarray shaped like ``biases``
        """
        X = self._inputs(X)
        return self._backprop(*self._feedforward(X), self._targets(Y, X))

    def _backprop(self, zs: list, activations: list, Y: np.ndarray) -> tuple[list, list]:
        # σ'(Z^l) is read off the stored A^l = σ(Z^l) (a(1 − a) for the sigmoid): the same numbers, cheaper.
        sigma_prime = act.PRIME_FROM_OUTPUT[self.hidden]
        cost = COSTS[self.output, self.loss]
        L = len(self.weights)
        grad_w, grad_b = [None] * L, [None] * L
        delta = cost.delta(zs[-1], activations[-1], Y)                          # BP1
        for l in range(L, 0, -1):  # l is the layer number, 1-based as in the text
            grad_b[l - 1] = delta.sum(axis=0)                                   # BP3
            grad_w[l - 1] = delta.T @ activations[l - 1]                        # BP4
            if l > 1:
                delta = (delta @ self.weights[l - 1]) * sigma_prime(activations[l - 1])  # BP2
        return grad_w, grad_b

    # --------------------------------------------- protocol used by fit and optimizers
    def parameters(self) -> list[np.ndarray]:
        """The live parameter arrays ``[W^1 … W^L, b^1 … b^L]``: the weights, then the other parameters.

        Optimizers update them in place. ``Sequential.parameters()`` uses the same order.
        """
        return [*self.weights, *self.biases]

    def parameter_names(self) -> list[str]:
        """Names aligned with :meth:`parameters`: ``["W1", …, "WL", "b1", …, "bL"]`` (the text's :math:`W^l, b^l`)."""
        L = len(self.weights)
        return [f"W{l}" for l in range(1, L + 1)] + [f"b{l}" for l in range(1, L + 1)]

    def weight_arrays(self) -> list[np.ndarray]:
        """The weight matrices only (the parameters L1/L2 regularization penalizes)."""
        return list(self.weights)

    def loss_and_gradients(self, X, Y) -> tuple[float, list[np.ndarray]]:
        """The batch-mean cost and its gradients aligned with :meth:`parameters`, from one forward pass."""
        X = self._inputs(X)
        Y = self._targets(Y, X)
        zs, activations = self._feedforward(X)
        grad_w, grad_b = self._backprop(zs, activations, Y)
        return COSTS[self.output, self.loss].fn(activations[-1], Y), [*grad_w, *grad_b]

    def to_sequential(self):
        """Deprecated alias of ``companion.layers.Sequential.from_mlp(self)`` (kept for old notebooks)."""
        import warnings

        from .layers import Sequential  # imported here only: chapters 1–6 never need layers

        warnings.warn("MLP.to_sequential() is deprecated; use companion.layers.Sequential.from_mlp(mlp)",
                      DeprecationWarning, stacklevel=2)
        return Sequential.from_mlp(self)

    # ----------------------------------------------------------------- checks
    def _inputs(self, X) -> np.ndarray:
        X = as_float_array("X", X, dtype=self.dtype)
        if X.ndim == 1 and X.shape[0] == self.sizes[0]:
            raise ValueError(f"X must be 2-D with shape (n, {self.sizes[0]}); got shape {X.shape} "
                             "(a single example: use X.reshape(1, -1))")
        self._check_parameters()
        return check_finite("X", check_2d("X", X, cols=self.sizes[0]))

    def _targets(self, Y, X: np.ndarray) -> np.ndarray:
        return check_targets(Y, (X.shape[0], self.sizes[-1]), self.dtype)

    def _check_parameters(self) -> None:
        for l, (W, b) in enumerate(zip(self.weights, self.biases), start=1):
            want = (self.sizes[l], self.sizes[l - 1])
            if W.shape != want or b.shape != (self.sizes[l],):
                raise ValueError(f"weights[{l - 1}] must have shape {want} and biases[{l - 1}] shape "
                                 f"({self.sizes[l]},); got {W.shape} and {b.shape}")


def _check_sizes(sizes) -> list[int]:
    """``sizes`` as a list of at least two positive ints (layer widths)."""
    sizes = list(sizes) if isinstance(sizes, Sequence) and not isinstance(sizes, str) else sizes
    if not isinstance(sizes, list) or len(sizes) < 2:
        raise ValueError(f"sizes must be a list of at least two layer widths, e.g. [784, 30, 10]; got {sizes!r}")
    return [check_int(f"sizes[{i}]", s, what="a layer width") for i, s in enumerate(sizes)]


def _check_choices(hidden, output, loss) -> tuple[str, str, str]:
    """Known activation and loss names, forming a pair of ``COSTS``."""
    check_choice("hidden activation", hidden, HIDDEN)
    check_choice("output activation", output, OUTPUTS)
    check_choice("loss", loss, LOSSES)
    if (output, loss) not in COSTS:
        raise ValueError(f"loss={loss!r} needs probabilities: use output='sigmoid' or 'softmax', "
                         f"or loss='quadratic' with output={output!r}")
    return hidden, output, loss
