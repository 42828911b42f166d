"""Constructive universal approximation: steps, bumps, staircases, and the deep sawtooth.

A sigmoid neuron with input weight ``w`` and bias ``−w·s`` is a smoothed step at ``s``; two of
them make a bump; the N bumps of heights ``f(c_i)`` on the cells ``[i/N, (i+1)/N)`` (centres
``c_i = (i + ½)/N``) merge into one hidden layer of ``N − 1`` neurons::

    f_N(x) = f(c_0) + Σ_{i=1}^{N−1} (f(c_i) − f(c_{i−1})) · σ(w (x − i/N))

with the error bound (chapter 9)::

    max |f − f_N| ≤ ω_f(1/N) · (1 + 2 e^{−w/(2N)} / (1 − e^{−w/N}))

where ω_f is the modulus of continuity of f. The tent map ``T(x) = 2 min(x, 1 − x)`` is
``2 relu(x) − 4 relu(x − ½)``; composing it k times gives a sawtooth with 2^k linear pieces that a
deep ReLU network with k hidden layers of 2 neurons computes exactly.

Example
-------
>>> from companion.approximation import bump, sawtooth_network
>>> bump(np.array([0.25, 0.5, 0.75]), 0.4, 0.6, 2.0, 1000.0).round(6)   # height 2 on [0.4, 0.6]
array([0., 2., 0.])
>>> len(sawtooth_network(3))                          # 3 hidden layers of 2 ReLUs, then the output
4
"""
from __future__ import annotations

import math

import numpy as np

from companion._validation import as_float_array, check_int, check_positive
from companion.activations import relu, sigmoid

__all__ = ["step", "bump", "staircase", "towers", "steepness_factor", "bumps_needed", "tent_power",
           "sawtooth_network", "relu_network_forward"]


def step(x, s: float, w: float, h: float = 1.0) -> np.ndarray:
    """A hidden neuron as a step of height ``h`` at ``s``: ``h · σ(w (x − s))``.

    ``|σ(w(x − s)) − H(x − s)| = σ(−w|x − s|) ≤ e^{−w|x − s|}`` (H the unit step). ``x`` any
    shape; the result has the same shape. Stable for any finite ``w`` (no overflow).
    """
    x = as_float_array("x", x)
    return h * sigmoid(w * (x - s))


def bump(x, s1: float, s2: float, h: float, w: float) -> np.ndarray:
    """Two neurons with output weights ``+h`` and ``−h``: ``h · [σ(w(x − s1)) − σ(w(x − s2))]``.

    ≈ ``h`` on ``(s1, s2)`` and ≈ 0 outside; ``x`` any shape, result the same shape.
    """
    return step(x, s1, w, h) - step(x, s2, w, h)


def staircase(x, values, w: float) -> np.ndarray:
    """The staircase network ``f_N(x)`` from the cell heights ``values`` (N,) = ``f(c_i)``.

    ``f_N(x) = values[0] + Σ_{i=1}^{N−1} (values[i] − values[i−1]) σ(w (x − i/N))``: a hidden layer
    of ``N − 1`` sigmoid neurons (weights ``w``, biases ``−w i/N``), output weights the jumps and
    output bias ``values[0]``. ``x`` is (m,); returns (m,).
    """
    x = as_float_array("x", x).reshape(-1)
    values = as_float_array("values", values).reshape(-1)
    N = values.size
    if N < 1:
        raise ValueError("values must hold at least one cell height; got an empty array")
    hidden = sigmoid(w * (x[:, None] - np.arange(1, N) / N))      # (m, N − 1)
    return values[0] + hidden @ np.diff(values)


def towers(x, y, N: int, w: float, W: float = 40.0) -> np.ndarray:
    """The N² towers of an N×N grid of cells on [0, 1]², on the grid of points ``x`` × ``y``.

    Tower (i, j) is a second-layer neuron thresholding a cross of two bumps,
    ``σ(W (bump_i(x) + bump_j(y) − 1.5))`` with ``bump_i`` of height 1 on ``[i/N, (i+1)/N)`` and
    steepness ``w``: ≈ 1 on cell (i, j), ≈ 0 elsewhere. ``x`` (mx,), ``y`` (my,); returns
    (N, N, my, mx) with ``[i, j, a, b]`` the tower (i, j) at the point ``(x[b], y[a])``.
    """
    x, y = as_float_array("x", x).reshape(-1), as_float_array("y", y).reshape(-1)
    edges = np.arange(int(N) + 1) / int(N)
    bx = np.stack([bump(x, edges[i], edges[i + 1], 1.0, w) for i in range(int(N))])     # (N, mx)
    by = np.stack([bump(y, edges[j], edges[j + 1], 1.0, w) for j in range(int(N))])     # (N, my)
    return sigmoid(W * (bx[:, None, None, :] + by[None, :, :, None] - 1.5))


def steepness_factor(kappa: float) -> float:
    """``2 e^{−κ/2} / (1 − e^{−κ})``: the steepness term of the bound per unit ω_f(1/N), for w = κN."""
    kappa = check_positive("kappa", kappa)
    return 2.0 * math.exp(-kappa / 2) / -math.expm1(-kappa)


def bumps_needed(L: float, eps: float, kappa: float) -> int:
    """Smallest N whose staircase (w = κN) is guaranteed within ``eps`` of any L-Lipschitz f.

    With ω_f(δ) ≤ Lδ the bound is ``(L/N)(1 + steepness_factor(κ)) ≤ eps``, so
    ``N = ⌈L (1 + steepness_factor(κ)) / eps⌉`` (at least 1).
    """
    L, eps = check_positive("L", L), check_positive("eps", eps)
    return max(1, math.ceil(L * (1.0 + steepness_factor(kappa)) / eps))


def tent_power(x, k: int) -> np.ndarray:
    """``T^k(x)``: the tent map ``T(x) = 2 min(x, 1 − x)`` composed ``k`` times (x in [0, 1])."""
    x = as_float_array("x", x)
    for _ in range(int(k)):
        x = 2.0 * np.minimum(x, 1.0 - x)
    return x


def sawtooth_network(k: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Weights ``[(W, b), …]`` of a deep ReLU network computing ``T^k`` exactly on [0, 1].

    k hidden layers of 2 ReLU neurons — ``relu(a)`` and ``relu(a − ½)`` of the previous output
    ``a = 2 h_1 − 4 h_2`` (absorbed into the next layer's weights) — and a linear output:
    ``W`` has shape (n_out, n_in) as in the course. ``6k + 1`` parameters in all.
    """
    k = check_int("k", k, what="number of compositions")
    W_in, b_in = np.array([[1.0], [1.0]]), np.array([0.0, -0.5])
    mix = np.array([[2.0, -4.0]])                                   # T = 2 relu(a) − 4 relu(a − ½)
    return [(W_in, b_in)] + [(W_in @ mix, b_in.copy()) for _ in range(int(k) - 1)] + [(mix, np.zeros(1))]


def relu_network_forward(layers: list[tuple[np.ndarray, np.ndarray]], X) -> np.ndarray:
    """Forward pass ``A ← relu(A Wᵀ + b)`` through all but the last layer, which is linear.

    ``X`` (n, d) or (n,) (then d = 1); returns (n, n_out).
    """
    A = as_float_array("X", X)
    A = A[:, None] if A.ndim == 1 else A
    for W, b in layers[:-1]:
        A = relu(A @ W.T + b)
    W, b = layers[-1]
    return A @ W.T + b
