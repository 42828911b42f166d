r"""Weight initializations.

A weight matrix :math:`W^l` has shape (n_out, n_in) = :math:`(n_l, n_{l-1})`. Each scheme draws
:math:`w_{jk}` independently from a normal distribution with mean 0 and this variance:

==========  ===============================  ======================================================
name        variance                         why
==========  ===============================  ======================================================
standard    :math:`1`                        the naive choice; large :math:`z` saturates sigmoids
normal      :math:`1/n_{in}`                  Nielsen's default: :math:`z` has variance ≈ 1 at the start
xavier      :math:`2/(n_{in}+n_{out})`         Glorot & Bengio: keeps forward and backward variances balanced
he          :math:`2/n_{in}`                  He et al.: compensates ReLU zeroing half its inputs
==========  ===============================  ======================================================

Example
-------
>>> from companion.initializers import init_weights
>>> W = init_weights("he", 400, 500, np.random.default_rng(0))
>>> W.shape, round(float(W.var() * 500 / 2), 1)       # variance 2/n_in
((400, 500), 1.0)
"""
from __future__ import annotations

import numpy as np

from ._validation import check_choice

__all__ = ["INITIALIZERS", "init_weights", "init_array", "init_normal", "init_uniform"]

INITIALIZERS = {
    "standard": lambda n_in, n_out: 1.0,
    "normal": lambda n_in, n_out: 1.0 / n_in,
    "xavier": lambda n_in, n_out: 2.0 / (n_in + n_out),
    "he": lambda n_in, n_out: 2.0 / n_in,
}
"""Variance of each scheme as a function of ``(n_in, n_out)``."""


def init_weights(name: str, n_out: int, n_in: int, rng: np.random.Generator, dtype=np.float64) -> np.ndarray:
    """Draw a weight matrix of shape (n_out, n_in) from N(0, variance of scheme ``name``).

    Parameters
    ----------
    name : {"standard", "normal", "xavier", "he"}
    n_out, n_in : int
        Sizes of this layer and of the previous one.
    rng : numpy.random.Generator
    dtype : float32 or float64

    Returns
    -------
    ndarray, shape (n_out, n_in), dtype ``dtype``
    """
    return init_array(name, (n_out, n_in), n_in, n_out, rng, dtype)


def init_array(name: str, shape: tuple[int, ...], fan_in: int, fan_out: int, rng: np.random.Generator,
               dtype=np.float64) -> np.ndarray:
    """Draw an array of any ``shape`` from N(0, variance of scheme ``name`` at ``(fan_in, fan_out)``).

    A convolution's filters ``(out, in, kh, kw)`` use ``fan_in = in·kh·kw`` and
    ``fan_out = out·kh·kw``; a dense matrix ``(n_out, n_in)`` uses ``fan_in = n_in``,
    ``fan_out = n_out`` (:func:`init_weights`).
    """
    check_choice("init", name, INITIALIZERS)
    return init_normal(shape, np.sqrt(INITIALIZERS[name](fan_in, fan_out)), rng, dtype)


def init_normal(shape: tuple[int, ...], std: float, rng: np.random.Generator, dtype=np.float64) -> np.ndarray:
    """Draw an array of ``shape`` from N(0, std²) (e.g. ``std = 0.01`` for an RBM, Hinton's guide)."""
    return (rng.standard_normal(shape) * std).astype(dtype)


def init_uniform(shape: tuple[int, ...], bound: float, rng: np.random.Generator, dtype=np.float64) -> np.ndarray:
    """Draw an array of ``shape`` uniformly from ``[−bound, bound)`` (e.g. ``1/√h`` for a recurrent
    network, as PyTorch's ``nn.RNN``; ``1`` for cascade-correlation's candidates)."""
    return rng.uniform(-bound, bound, shape).astype(dtype, copy=False)
