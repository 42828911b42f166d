"""Elman network: a simple recurrent network whose context units hold the previous hidden state.

Elman (1990), *Finding structure in time*, Cognitive Science 14, 179–211.

For a sequence ``x_1 … x_T`` (rows of one example), with context ``h_0 = 0``::

    h_t = f(x_t W_xhᵀ + h_{t−1} W_hhᵀ + b_h)          (h_{t−1} is the context layer)
    ŷ_t = h_t W_hyᵀ + b_y                              (linear output)

Cost (docs/architecture.md §4): ``C = (1/n) Σ_x Σ_t ½‖ŷ_t − y_t‖²`` over a batch of n sequences.

**Backpropagation through time** (batched; ``Δ`` has one row per sequence)::

    G_t   = (ŷ_t − y_t)/n                                    ∂C/∂ŷ_t
    D_t   = (G_t W_hy + D_{t+1}^z W_hh) ⊙ f'(z_t)            ∂C/∂z_t, with D_{T+1}^z = 0
    ∂C/∂W_hy = Σ_t G_tᵀ h_t       ∂C/∂b_y = Σ_t Σ_rows G_t
    ∂C/∂W_xh = Σ_t D_tᵀ x_t       ∂C/∂W_hh = Σ_t D_tᵀ h_{t−1}      ∂C/∂b_h = Σ_t Σ_rows D_t

These are the names and shapes of a one-layer simple RNN elsewhere (e.g. PyTorch's ``nn.RNN``
holds ``weight_ih_l0`` = W_xh, ``weight_hh_l0`` = W_hh and two biases whose sum is b_h).

Gradients follow the model protocol of ``MLP`` and ``Sequential``: a list aligned with
``parameters()`` (the order of ``PARAM_NAMES``), so ``companion.gradcheck`` and
``companion.training.fit`` (on batches of sequences (n, T, d)) work on an Elman network too.

Example
-------
>>> net = Elman(1, 3, 1, seed=0)
>>> X = np.zeros((2, 4, 1))
>>> cost, grads = net.loss_and_gradients(X, np.ones((2, 4, 1)))
>>> [g.shape for g in grads] == [p.shape for p in net.parameters()]
True
>>> net.parameter_names()
['W_xh', 'W_hh', 'b_h', 'W_hy', 'b_y']
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
from tqdm.auto import tqdm

from companion._validation import as_float_array, check_choice, check_finite, check_positive
from companion.activations import relu, relu_prime, sigmoid, sigmoid_prime, tanh, tanh_prime
from companion.classic._checks import check_count, fresh_rng, seed_source
from companion.initializers import init_uniform
from companion.optimizers import Adam

__all__ = ["Elman", "PARAM_NAMES"]

PARAM_NAMES = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")
_ACTIVATIONS = {"tanh": (tanh, tanh_prime), "sigmoid": (sigmoid, sigmoid_prime), "relu": (relu, relu_prime)}


def _check_sequences(name: str, X, features: int) -> np.ndarray:
    """Check a batch of sequences (n, T, features), finite."""
    X = as_float_array(name, X)
    if X.ndim != 3 or X.shape[0] == 0 or X.shape[1] == 0 or X.shape[2] != features:
        raise ValueError(f"{name} must have shape (n, T, {features}) with n, T ≥ 1; got shape {X.shape}")
    return check_finite(name, X)


class Elman:
    """An Elman network trained by backpropagation through time.

    Parameters
    ----------
    n_in, n_hidden, n_out : int ≥ 1
    hidden : "tanh", "sigmoid" or "relu", the hidden activation f
    seed, rng : randomness of the initial weights, drawn uniformly from ``[−1/√h, 1/√h)``
        (biases 0); seed 0 by default. ``fit`` restarts from the same initial weights.

    Attributes
    ----------
    params : dict "W_xh" (h, in), "W_hh" (h, h), "b_h" (h,), "W_hy" (out, h), "b_y" (out,)
    history_ : list of the cost at the start of each training epoch (before its step)

    A regressor of sequences: ``predict`` (= ``forward``) returns the outputs (n, T, out).
    Model protocol: ``parameters()`` (the live arrays of ``params`` in ``PARAM_NAMES`` order),
    ``parameter_names()``, ``weight_arrays()``, ``loss_and_gradients(X, Y) → (C, list)``,
    ``cost(X, Y)``.
    """

    def __init__(self, n_in: int, n_hidden: int, n_out: int, hidden: str = "tanh",
                 seed: int = 0, rng: np.random.Generator | None = None) -> None:
        self.n_in, self.n_hidden = check_count("n_in", n_in), check_count("n_hidden", n_hidden)
        self.n_out = check_count("n_out", n_out)
        self.hidden = check_choice("hidden", hidden, _ACTIVATIONS)
        self._seed_source = seed_source(seed, rng)
        self._initialize()
        self.history_: list[float] = []

    def _initialize(self) -> None:
        """Fresh parameters, uniform in ``[−1/√h, 1/√h)``, from the construction-time generator."""
        rng, a, h = fresh_rng(self._seed_source), 1.0 / np.sqrt(self.n_hidden), self.n_hidden
        self.params = {
            "W_xh": init_uniform((h, self.n_in), a, rng),
            "W_hh": init_uniform((h, h), a, rng),
            "b_h": np.zeros(h),
            "W_hy": init_uniform((self.n_out, h), a, rng),
            "b_y": np.zeros(self.n_out),
        }

    # --------------------------------------------------------- model protocol
    def parameters(self) -> list[np.ndarray]:
        """The live arrays of ``params`` in ``PARAM_NAMES`` order (weights and biases interleaved)."""
        return [self.params[name] for name in PARAM_NAMES]

    def parameter_names(self) -> list[str]:
        """``["W_xh", "W_hh", "b_h", "W_hy", "b_y"]``, aligned with :meth:`parameters`."""
        return list(PARAM_NAMES)

    def weight_arrays(self) -> list[np.ndarray]:
        """The weight matrices ``W_xh``, ``W_hh``, ``W_hy`` (what L1/L2 penalties act on)."""
        return [self.params[name] for name in PARAM_NAMES if name.startswith("W")]

    def cost(self, X, Y) -> float:
        """The batch-mean cost ``C`` (same as :meth:`loss`)."""
        return self.loss(X, Y)

    def _run(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pre-activations Z and states H, both (n, T, h); H excludes h_0 = 0."""
        p, f = self.params, _ACTIVATIONS[self.hidden][0]
        n, T, _ = X.shape
        Z, H = np.empty((n, T, self.n_hidden)), np.empty((n, T, self.n_hidden))
        h = np.zeros((n, self.n_hidden))                                    # h_0 = 0
        for t in range(T):
            Z[:, t] = X[:, t] @ p["W_xh"].T + h @ p["W_hh"].T + p["b_h"]
            H[:, t] = h = f(Z[:, t])
        return Z, H

    def hidden_states(self, X) -> np.ndarray:
        """Hidden states ``h_1 … h_T`` for a batch of sequences: (n, T, n_hidden)."""
        return self._run(_check_sequences("X", X, self.n_in))[1]

    def forward(self, X) -> np.ndarray:
        """Outputs ``ŷ_t = h_t W_hyᵀ + b_y`` for ``X`` (n, T, n_in): (n, T, n_out)."""
        H = self.hidden_states(X)
        return H @ self.params["W_hy"].T + self.params["b_y"]

    def predict(self, X) -> np.ndarray:
        """Predicted target sequences (n, T, n_out): the outputs of :meth:`forward`."""
        return self.forward(X)

    def loss(self, X, Y) -> float:
        """``C = (1/n) Σ_x Σ_t ½‖ŷ_t − y_t‖²``."""
        Y = _check_sequences("Y", Y, self.n_out)
        out = self.forward(X)
        if out.shape != Y.shape:
            raise ValueError(f"Y must have the shape of the outputs {out.shape}; got {Y.shape}")
        return float(0.5 * ((out - Y) ** 2).sum() / len(Y))

    def backprop(self, X, Y) -> list[np.ndarray]:
        """Gradients of ``C`` by backpropagation through time (see module): a list aligned with
        :meth:`parameters`, ``[∂C/∂W_xh, ∂C/∂W_hh, ∂C/∂b_h, ∂C/∂W_hy, ∂C/∂b_y]``."""
        return self.loss_and_gradients(X, Y)[1]

    def loss_and_gradients(self, X, Y) -> tuple[float, list[np.ndarray]]:
        """``(C, gradients)`` from one forward and one backward pass through time; the gradients
        are a list aligned with :meth:`parameters`, as for ``MLP`` and ``Sequential``."""
        X = _check_sequences("X", X, self.n_in)
        Y = _check_sequences("Y", Y, self.n_out)
        if Y.shape[:2] != X.shape[:2]:
            raise ValueError(f"Y must have shape {X.shape[:2] + (self.n_out,)}; got {Y.shape}")
        p, fprime = self.params, _ACTIVATIONS[self.hidden][1]
        Z, H = self._run(X)
        R = H @ p["W_hy"].T + p["b_y"] - Y                                  # ŷ_t − y_t
        G = R / len(X)                                                       # ∂C/∂ŷ_t
        H_prev = np.concatenate([np.zeros_like(H[:, :1]), H[:, :-1]], axis=1)
        D, d_next = np.empty_like(Z), np.zeros_like(Z[:, 0])
        for t in range(X.shape[1] - 1, -1, -1):
            D[:, t] = d_next = (G[:, t] @ p["W_hy"] + d_next @ p["W_hh"]) * fprime(Z[:, t])
        grads = [
            np.einsum("nth,nti->hi", D, X),           # W_xh
            np.einsum("nth,ntk->hk", D, H_prev),      # W_hh
            D.sum((0, 1)),                            # b_h
            np.einsum("nto,nth->oh", G, H),           # W_hy
            G.sum((0, 1)),                            # b_y
        ]
        return float(0.5 * (R ** 2).sum() / len(X)), grads

    def fit(self, X, Y, epochs: int = 100, lr: float = 0.01, optimizer=None,
            callback: Callable | None = None, progress: bool = False) -> "Elman":
        """Full-batch training from fresh initial weights (drawn from the seed): ``epochs``
        optimizer steps (Adam(lr) unless ``optimizer`` is given). Returns ``self``; ``history_``
        holds the cost at the start of each epoch. (For mini-batches, early stopping and the
        rest, ``companion.training.fit(elman, X, Y, optimizer)`` works too.)"""
        X = _check_sequences("X", X, self.n_in)
        Y = _check_sequences("Y", Y, self.n_out)
        epochs, lr = check_count("epochs", epochs), check_positive("lr", lr)
        opt = Adam(lr=lr) if optimizer is None else optimizer
        self._initialize()
        self.history_ = []
        for epoch in tqdm(range(epochs), desc="Elman", leave=False, disable=not progress):
            cost, grads = self.loss_and_gradients(X, Y)
            self.history_.append(cost)
            opt.step(self.parameters(), grads)
            if callback is not None:
                callback(epoch, self)
        return self
