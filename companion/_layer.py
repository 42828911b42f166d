"""The layer protocol shared by ``companion.layers`` and ``companion.convolution``.

It lives in its own module so that both import it and neither imports the other's internals:
``companion.layers`` re-exports the image layers of ``companion.convolution`` with a plain import,
and ``companion.convolution`` needs only this base class (docs/architecture.md §2).
"""
from __future__ import annotations

import numpy as np

from companion._validation import as_float_array, check_batch

__all__ = ["Layer"]


class Layer:
    """Base class of all layers: empty ``.params``/``.grads`` and the shared bookkeeping.

    A subclass implements ``_forward(X, training)`` and ``_backward(dout)``; the public
    ``forward``/``backward`` check shapes and the call order around them. ``forward`` accepts a
    batch of any rank ≥ 2, shape (n, …): element-wise layers (activations, dropout) work on rows,
    images or sequences alike; layers that need a given rank (``Dense``, ``BatchNorm``: (n, d);
    image layers: (n, c, h, w)) check it themselves.
    """

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self._in_shape: tuple[int, ...] | None = None
        self._out_shape: tuple[int, ...] | None = None

    def forward(self, X, training: bool = True) -> np.ndarray:
        """Return the layer's output for the batch ``X`` (n, …) and remember what backward needs."""
        X = check_batch("X", as_float_array("X", X))
        out = self._forward(X, bool(training))
        self._in_shape, self._out_shape = X.shape, out.shape
        return out

    def backward(self, dout) -> np.ndarray:
        """Given ``dout = ∂C/∂out`` (shape of the last output) fill ``.grads`` and return ``∂C/∂X``."""
        if self._out_shape is None:
            raise RuntimeError(
                f"{type(self).__name__}.backward was called before forward: run forward(X) first "
                "so the layer remembers the values its derivative needs"
            )
        dout = as_float_array("dout", dout)
        if dout.shape != self._out_shape:
            raise ValueError(
                f"dout must have the shape of {type(self).__name__}'s last output {self._out_shape}; "
                f"got shape {dout.shape}"
            )
        return self._backward(dout)

    def output_width(self, n_in: int) -> int:
        """Number of output columns for ``n_in`` input columns (shape-preserving by default)."""
        return n_in

    def _forward(self, X: np.ndarray, training: bool) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def _backward(self, dout: np.ndarray) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
