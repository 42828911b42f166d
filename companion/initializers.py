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
"""
from __future__ import annotations

import numpy as np

from ._validation import check_choice

__all__ = ["INITIALIZERS", "init_weights"]

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
    check_choice("init", name, INITIALIZERS)
    std = np.sqrt(INITIALIZERS[name](n_in, n_out))
    return (rng.standard_normal((n_out, n_in)) * std).astype(dtype)
