r"""A fully connected feed-forward network (multi-layer perceptron) and its backpropagation.

Notation (Nielsen's): layer :math:`l = 1 … L` has weights :math:`W^l` of shape :math:`(n_l, n_{l-1})`,
so :math:`w^l_{jk}` — from neuron :math:`k` of layer :math:`l-1` to neuron :math:`j` of layer
:math:`l` — is ``weights[l-1][j, k]``, and biases :math:`b^l` of shape :math:`(n_l,)`.
With one example per row of :math:`A^{l-1}` (shape (n, n_{l-1})), a layer computes

.. math:: Z^l = A^{l-1} (W^l)^\mathsf{T} + b^l, \qquad A^l = \sigma(Z^l),

the batched form of :math:`a^l = \sigma(W^l a^{l-1} + b^l)`: the transpose appears because the
examples are rows rather than columns. Python lists are 0-based, so layer :math:`l` is index ``l-1``.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import activations as act
from ._validation import as_float_array, check_2d, check_choice, check_finite, make_rng
from .initializers import INITIALIZERS, init_weights
from .losses import _cross_entropy, _quadratic

__all__ = ["MLP", "HIDDEN", "OUTPUTS", "LOSSES"]

HIDDEN = ("sigmoid", "tanh", "relu", "leaky_relu")
OUTPUTS = ("sigmoid", "softmax", "linear")
LOSSES = ("quadratic", "cross_entropy")

# Output/loss pairs whose BP1 simplifies to Δ^L = (A^L − Y)/n (σ'(z) cancels against ∇_a C).
_SIMPLE_DELTA = {("softmax", "cross_entropy"), ("sigmoid", "cross_entropy"), ("linear", "quadratic")}


def _check_sizes(sizes) -> list[int]:
    sizes = list(sizes) if isinstance(sizes, Sequence) else sizes
    if not isinstance(sizes, list) or len(sizes) < 2:
        raise ValueError(f"sizes must be a list of at least two layer widths, e.g. [784, 30, 10]; got {sizes!r}")
    for i, s in enumerate(sizes):
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 1:
            raise ValueError(f"sizes[{i}] must be a positive int (a layer width); got {s!r}")
    return [int(s) for s in sizes]


class MLP:
    """A multi-layer perceptron trained by backpropagation (BP1–BP4), vectorized over the batch.

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
    seed : int or None
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
        self.hidden = check_choice("hidden activation", hidden, HIDDEN)
        self.output = check_choice("output activation", output, OUTPUTS)
        self.loss = check_choice("loss", loss, LOSSES)
        if output == "linear" and loss == "cross_entropy":
            raise ValueError("loss='cross_entropy' needs probabilities: use output='sigmoid' or 'softmax', "
                             "or loss='quadratic' with output='linear'")
        if np.dtype(dtype) not in (np.dtype(np.float32), np.dtype(np.float64)):
            raise TypeError(f"dtype must be numpy.float32 or numpy.float64; got {np.dtype(dtype)}")
        self.dtype = np.dtype(dtype)
        check_choice("init", init, INITIALIZERS)
        rng = make_rng(seed)
        pairs = list(zip(self.sizes[:-1], self.sizes[1:]))
        self.weights = [init_weights(init, n_out, n_in, rng, self.dtype) for n_in, n_out in pairs]
        self.biases = [np.zeros(n_out, dtype=self.dtype) for _, n_out in pairs]

    def __repr__(self) -> str:
        return (f"MLP({self.sizes}, hidden={self.hidden!r}, output={self.output!r}, "
                f"loss={self.loss!r}, dtype={self.dtype.name})")

    # ----------------------------------------------------------------- inputs
    def _check_parameters(self) -> None:
        for l, (W, b) in enumerate(zip(self.weights, self.biases), start=1):
            want = (self.sizes[l], self.sizes[l - 1])
            if W.shape != want or b.shape != (self.sizes[l],):
                raise ValueError(f"weights[{l - 1}] must have shape {want} and biases[{l - 1}] shape "
                                 f"({self.sizes[l]},); got {W.shape} and {b.shape}")

    def _inputs(self, X) -> np.ndarray:
        X = as_float_array("X", X, dtype=self.dtype)
        if X.ndim == 1 and X.shape[0] == self.sizes[0]:
            raise ValueError(f"X must be 2-D with shape (n, {self.sizes[0]}); got shape {X.shape} "
                             "(a single example: use X.reshape(1, -1))")
        self._check_parameters()
        return check_finite("X", check_2d("X", X, cols=self.sizes[0]))

    def _targets(self, Y, n: int) -> np.ndarray:
        Y = as_float_array("Y", Y, dtype=self.dtype)
        want = (n, self.sizes[-1])
        if Y.shape != want:
            hint = " (integer labels? convert them with companion.losses.one_hot(labels, k))" if Y.ndim == 1 else ""
            raise ValueError(f"Y must have shape {want} to match X and the output layer; got {Y.shape}{hint}")
        return check_finite("Y", Y)

    # ---------------------------------------------------------------- forward
    def _out(self, Z: np.ndarray) -> np.ndarray:
        if self.output == "softmax":
            return act._softmax(Z)
        return act.ACTIVATIONS[self.output][0](Z)

    def _forward_pass(self, X: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        f = act.ACTIVATIONS[self.hidden][0]
        zs, activations = [], [X]
        for l, (W, b) in enumerate(zip(self.weights, self.biases), start=1):
            Z = activations[-1] @ W.T + b                      # Z^l = A^{l-1} (W^l)^T + b^l
            zs.append(Z)
            activations.append(self._out(Z) if l == len(self.weights) else f(Z))
        return zs, activations

    def forward_pass(self, X) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Run the network and keep every intermediate.

        Returns
        -------
        zs : list of ndarray, ``zs[l-1]`` = :math:`Z^l`, shape (n, n_l), for l = 1 … L
        activations : list of ndarray, ``activations[l]`` = :math:`A^l`, shape (n, n_l), for
            l = 0 … L (``activations[0]`` is ``X``)
        """
        return self._forward_pass(self._inputs(X))

    def forward(self, X) -> np.ndarray:
        """Output activations :math:`A^L`, shape (n, sizes[-1]), for inputs ``X`` of shape (n, sizes[0])."""
        return self.forward_pass(X)[1][-1]

    def predict(self, X) -> np.ndarray:
        """Predicted class labels, shape (n,): the arg-max output, or ``A^L > 0.5`` for a single output."""
        A = self.forward(X)
        return (A[:, 0] > 0.5).astype(np.int64) if A.shape[1] == 1 else A.argmax(axis=1)

    def _cost(self, A: np.ndarray, Y: np.ndarray) -> float:
        if self.loss == "quadratic":
            return _quadratic(A, Y)
        return _cross_entropy(A, Y, binary=self.output == "sigmoid")

    def cost(self, X, Y) -> float:
        """The batch-mean cost :math:`C = \\frac1n\\sum_x C_x` of this network on ``(X, Y)``."""
        X = self._inputs(X)
        return self._cost(self._forward_pass(X)[1][-1], self._targets(Y, X.shape[0]))

    # --------------------------------------------------------------- backward
    def _output_error(self, A: np.ndarray, Y: np.ndarray, Z: np.ndarray) -> np.ndarray:
        """BP1, :math:`\\Delta^L = \\nabla_A C \\odot \\sigma'(Z^L)`, shape (n, n_L), for the batch-mean cost."""
        n = A.shape[0]
        if (self.output, self.loss) in _SIMPLE_DELTA:
            return (A - Y) / n
        # What is left is the quadratic cost on sigmoid or softmax outputs: ∇_A C = (A − Y)/n.
        grad_A = (A - Y) / n
        if self.output == "softmax":
            # Softmax mixes its outputs: multiply by its Jacobian s_i(δ_ij − s_j) instead of σ'(z) ⊙.
            return A * (grad_A - np.sum(grad_A * A, axis=1, keepdims=True))
        return grad_A * act.ACTIVATIONS[self.output][1](Z)

    def _backprop(self, zs: list, activations: list, Y: np.ndarray) -> tuple[list, list]:
        # σ'(Z^l) is read off A^l = σ(Z^l) (e.g. a(1 − a) for the sigmoid): the same numbers, cheaper.
        sigma_prime = act.PRIME_FROM_OUTPUT[self.hidden]
        L = len(self.weights)
        grad_w, grad_b = [None] * L, [None] * L
        delta = self._output_error(activations[-1], Y, zs[-1])                  # BP1
        for l in range(L, 0, -1):  # l is the layer number, 1-based as in the text
            grad_b[l - 1] = delta.sum(axis=0)                                   # BP3
            grad_w[l - 1] = delta.T @ activations[l - 1]                        # BP4
            if l > 1:
                delta = (delta @ self.weights[l - 1]) * sigma_prime(activations[l - 1])  # BP2
        return grad_w, grad_b

    def backprop(self, X, Y) -> tuple[list[np.ndarray], list[np.ndarray]]:
        r"""Gradient of the batch-mean cost by backpropagation, one row of Δ per example.

        .. math::
            \text{BP1}\quad \Delta^L &= \nabla_A C \odot \sigma'(Z^L) \\
            \text{BP2}\quad \Delta^l &= (\Delta^{l+1} W^{l+1}) \odot \sigma'(Z^l) \\
            \text{BP3}\quad \partial C/\partial b^l &= \textstyle\sum_\text{rows} \Delta^l \\
            \text{BP4}\quad \partial C/\partial W^l &= (\Delta^l)^\mathsf{T} A^{l-1}

        For softmax + cross-entropy, sigmoid + cross-entropy and linear + quadratic, BP1 simplifies
        to :math:`\Delta^L = (A^L - Y)/n`; with softmax + quadratic, σ'(z) ⊙ becomes a product with
        the softmax Jacobian. The :math:`1/n` of the mean enters once, in :math:`\Delta^L`.

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
        Y = self._targets(Y, X.shape[0])
        return self._backprop(*self._forward_pass(X), Y)

    # --------------------------------------------- protocol used by fit and optimizers
    def parameters(self) -> list[np.ndarray]:
        """The live parameter arrays ``[W^1 … W^L, b^1 … b^L]``; optimizers update them in place."""
        return [*self.weights, *self.biases]

    def parameter_names(self) -> list[str]:
        """Names aligned with :meth:`parameters`: ``["W1", …, "WL", "b1", …, "bL"]``."""
        L = len(self.weights)
        return [f"W{l}" for l in range(1, L + 1)] + [f"b{l}" for l in range(1, L + 1)]

    def weight_arrays(self) -> list[np.ndarray]:
        """The weight matrices only (the parameters L1/L2 regularization penalizes)."""
        return list(self.weights)

    def loss_and_gradients(self, X, Y) -> tuple[float, list[np.ndarray]]:
        """The batch-mean cost and its gradients aligned with :meth:`parameters`, from one forward pass."""
        X = self._inputs(X)
        Y = self._targets(Y, X.shape[0])
        zs, activations = self._forward_pass(X)
        grad_w, grad_b = self._backprop(zs, activations, Y)
        return self._cost(activations[-1], Y), [*grad_w, *grad_b]
