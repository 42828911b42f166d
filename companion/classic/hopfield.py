"""Hopfield network: a content-addressable memory with deterministic dynamics.

Hopfield (1982), *Neural networks and physical systems with emergent collective computational
abilities*, PNAS 79, 2554–2558.

``N`` units with states ``s_i ∈ {−1, +1}``, symmetric weights ``W`` (N, N) with zero diagonal.

* **Hebbian storage** of ``p`` patterns ``ξ^μ`` (rows of ``P``, shape (p, N), entries ±1)::

      W = (1/N) Σ_μ ξ^μ ξ^μᵀ  with the diagonal set to 0

* **Energy** of a state (the general Boltzmann machine's energy with ±1 units and no biases)::

      E(s) = −½ sᵀ W s

* **Dynamics** (deterministic, asynchronous): units are updated one at a time, in the order
  0, 1, …, N−1, sweep after sweep; unit i computes its field ``h_i = Σ_j W_ij s_j`` and sets
  ``s_i ← +1`` if ``h_i > 0``, ``−1`` if ``h_i < 0``, and keeps its state if ``h_i = 0``. A flip
  changes the energy by ``ΔE = −Δs_i h_i < 0`` (W symmetric, zero diagonal), so E never rises and
  the state reaches a fixed point — a sweep in which no unit changes — after finitely many flips.

* **Capacity.** For random patterns and large N, the stored patterns stay (nearly) fixed points
  up to about ``p ≈ 0.138 N`` (Amit, Gutfreund & Sompolinsky, 1985); beyond it recall collapses.

Example
-------
>>> P = np.array([[1, -1, 1, -1, 1, -1], [1, 1, 1, -1, -1, -1]])
>>> net = Hopfield(6).fit(P)
>>> probe = P[:1].copy(); probe[0, 0] = -1               # one bit flipped
>>> net.predict(probe).astype(int)                        # the stored pattern comes back
array([[ 1, -1,  1, -1,  1, -1]])
"""
from __future__ import annotations

import numpy as np

from companion.classic._checks import check_count, check_data, check_fitted

__all__ = ["Hopfield", "hebbian_weights", "hopfield_energy"]


def _check_spins(name: str, S, n_units: int) -> np.ndarray:
    S = check_data(name, S, n_units).astype(np.float64)
    bad = ~np.isin(S, (-1.0, 1.0))
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"{name} must hold states ±1; found {S[where]} at index {where}")
    return S


def hebbian_weights(P) -> np.ndarray:
    """``W = (1/N) Σ_μ ξ^μ ξ^μᵀ`` with zero diagonal, from patterns ``P`` (p, N) of ±1; (N, N)."""
    P = np.asarray(P, dtype=np.float64)
    if P.ndim != 2:
        raise ValueError(f"P must be 2-D (p patterns, N units); got shape {P.shape}")
    P = _check_spins("P", P, P.shape[1])
    W = P.T @ P / P.shape[1]
    np.fill_diagonal(W, 0.0)
    return W


def hopfield_energy(W: np.ndarray, S) -> np.ndarray:
    """``E(s) = −½ sᵀ W s`` for each row of ``S`` (n, N); returns (n,)."""
    S = np.atleast_2d(np.asarray(S, dtype=np.float64))
    return -0.5 * np.einsum("ni,ij,nj->n", S, W, S)


class Hopfield:
    """A Hopfield network of ``n_units`` ±1 units (see the module docstring for every formula).

    ``fit(P)`` stores the rows of ``P`` by the Hebbian rule (no randomness: refitting gives the same
    weights); ``history_`` holds, after storing each pattern in turn, the mean energy of the patterns
    stored so far (one record per pattern). ``predict(S)`` runs the asynchronous dynamics from each
    row of ``S`` to a fixed point (at most ``max_sweeps`` sweeps) and returns the recalled states;
    ``transform`` is the same map. ``run(s)`` returns one trajectory's energies after every update.
    """

    def __init__(self, n_units: int, max_sweeps: int = 100) -> None:
        self.n_units = check_count("n_units", n_units)
        self.max_sweeps = check_count("max_sweeps", max_sweeps)
        self.W_: np.ndarray | None = None
        self.history_: list[float] = []

    def fit(self, P) -> "Hopfield":
        P = _check_spins("P", P, self.n_units)
        self.W_ = hebbian_weights(P)
        self.history_ = [float(hopfield_energy(hebbian_weights(P[:m + 1]), P[:m + 1]).mean())
                         for m in range(len(P))]
        return self

    def energy(self, S) -> np.ndarray:
        """``E(s) = −½ sᵀ W s`` of each row of ``S``; (n,)."""
        check_fitted(self, "W_", "energy")
        return hopfield_energy(self.W_, _check_spins("S", S, self.n_units))

    def run(self, s) -> tuple[np.ndarray, np.ndarray]:
        """Asynchronous dynamics from one state ``s`` (N,): (fixed point, energy after every update)."""
        check_fitted(self, "W_", "run")
        s = _check_spins("s", np.reshape(s, (1, -1)), self.n_units)[0].copy()
        energies = [float(hopfield_energy(self.W_, s)[0])]
        for _ in range(self.max_sweeps):
            changed = False
            for i in range(self.n_units):
                h = self.W_[i] @ s
                new = s[i] if h == 0 else (1.0 if h > 0 else -1.0)
                changed |= new != s[i]
                s[i] = new
                energies.append(float(hopfield_energy(self.W_, s)[0]))
            if not changed:
                break
        return s, np.array(energies)

    def predict(self, S) -> np.ndarray:
        """The fixed point reached from each row of ``S`` (n, N) of ±1; returns (n, N) float64 ±1."""
        check_fitted(self, "W_", "predict")
        S = _check_spins("S", S, self.n_units).copy()
        for row in S:                                   # each row updated in place, unit by unit
            for _ in range(self.max_sweeps):
                changed = False
                for i in range(self.n_units):
                    h = self.W_[i] @ row
                    if h != 0 and (h > 0) != (row[i] > 0):
                        row[i] = -row[i]
                        changed = True
                if not changed:
                    break
        return S

    transform = predict
