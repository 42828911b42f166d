"""Restricted Boltzmann machine (RBM) with binary units, trained by contrastive divergence.

Smolensky (1986), *Information processing in dynamical systems: foundations of harmony theory*;
Hinton (2002), *Training products of experts by minimizing contrastive divergence*, Neural
Computation 14, 1771–1800; Hinton (2010), *A practical guide to training RBMs*, UTML TR 2010-003.

Visible units ``v ∈ {0,1}^V``, hidden units ``h ∈ {0,1}^H``, parameters ``W`` (H, V), ``b`` (V,),
``c`` (H,). Rows of ``V`` are visible configurations.

* energy ``E(v, h) = −v·b − h·c − h W v``;  ``p(v, h) = exp(−E(v, h)) / Z``
* free energy ``F(v) = −log Σ_h exp(−E(v, h)) = −v·b − Σ_j log(1 + exp(W_j·v + c_j))``, so
  ``p(v) = exp(−F(v)) / Z`` with ``Z = Σ_v exp(−F(v))``
* conditionals (no links within a layer): ``p(h_j=1|v) = σ(W_j·v + c_j)``,
  ``p(v_i=1|h) = σ(hᵀW_{:,i} + b_i)``
* gradient of the negative mean log-likelihood ``L = −(1/n) Σ_v log p(v)``::

      ∂L/∂W = −(⟨p(h|v) vᵀ⟩_data − ⟨p(h|v) vᵀ⟩_model)
      ∂L/∂b = −(⟨v⟩_data − ⟨v⟩_model)          ∂L/∂c = −(⟨p(h|v)⟩_data − ⟨p(h|v)⟩_model)

  so a descent step of any ``companion.optimizers`` optimizer *raises* the likelihood.

**CD-k** replaces the model average by one Gibbs chain of ``k`` steps started at each data row.
The draws are made in this order, with ``u ~ U[0, 1)`` from the generator (``rng.random``)::

    for step in 1..k:  h = (u < σ(v Wᵀ + c)) ;  v = (u < σ(h W + b))
    negative statistics use v_k and p(h|v_k) (probabilities, not samples)

For a tiny RBM, ``exact_log_likelihood`` and ``exact_gradients`` enumerate all ``2^V`` visible
configurations (``V ≤ 20``).

Example
-------
>>> V = np.array([[1, 0, 1, 0], [0, 1, 0, 1]] * 5)
>>> rbm = RBM(4, 2, seed=0).fit(V, epochs=3, batch_size=4)
>>> len(rbm.history_), rbm.transform(V).shape          # one reconstruction error per epoch; p(h|v)
(3, (10, 2))
>>> sorted(rbm.cd_gradients(V, k=1))                    # the CD-1 estimate, shaped like params
['W', 'b', 'c']
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
from tqdm.auto import tqdm

from companion._validation import check_positive, make_rng
from companion.activations import sigmoid
from companion.classic._checks import check_binary, check_count, check_data, fresh_rng, seed_source
from companion.initializers import init_normal
from companion.optimizers import SGD
from companion.training import minibatches

__all__ = ["RBM", "all_binary", "MAX_ENUMERATED_VISIBLE"]

MAX_ENUMERATED_VISIBLE = 20


def all_binary(d: int) -> np.ndarray:
    """All ``2^d`` binary vectors as rows, in counting order: (2^d, d) float64."""
    codes = np.arange(2 ** d)[:, None]
    return ((codes >> np.arange(d - 1, -1, -1)) & 1).astype(np.float64)


def _logsumexp(a: np.ndarray) -> float:
    m = a.max()
    return float(m + np.log(np.exp(a - m).sum()))


class RBM:
    """A binary restricted Boltzmann machine.

    Parameters
    ----------
    n_visible, n_hidden : int ≥ 1
    seed, rng : randomness of the initial weights (``W ~ N(0, 0.01²)``, ``b = c = 0``), of the
        shuffling and of every later Gibbs draw made without an explicit ``rng`` (seed 0 by
        default). ``fit`` restarts: it draws the initial weights again from the generator in its
        state at construction, then trains from there, so the same seed gives the same model.

    Attributes
    ----------
    params : dict "W" (h, v), "b" (v,), "c" (h,)
    history_ : list of the reconstruction error after each epoch of ``fit``: the mean over the
        rows of ``‖v − σ(p(h|v) W + b)‖²`` with ``p(h|v) = σ(v Wᵀ + c)`` (probabilities, no draws)

    Unsupervised: ``transform`` gives the hidden probabilities ``p(h = 1 | v)`` (n, h), the
    features an RBM learns; there is no ``predict``.
    """

    def __init__(self, n_visible: int, n_hidden: int, seed: int = 0,
                 rng: np.random.Generator | None = None) -> None:
        self.n_visible = check_count("n_visible", n_visible)
        self.n_hidden = check_count("n_hidden", n_hidden)
        self._seed_source = seed_source(seed, rng)
        self._initialize()
        self.history_: list[float] = []

    def _initialize(self) -> None:
        """Fresh parameters from the construction-time generator, which then drives later draws."""
        self._rng = fresh_rng(self._seed_source)
        self.params = {"W": init_normal((self.n_hidden, self.n_visible), 0.01, self._rng),
                       "b": np.zeros(self.n_visible), "c": np.zeros(self.n_hidden)}

    def _V(self, V) -> np.ndarray:
        return check_data("V", V, self.n_visible).astype(np.float64)

    def energy(self, V, H) -> np.ndarray:
        """``E(v, h) = −v·b − h·c − h W v`` per row: (n,) from V (n, v) and H (n, h)."""
        V, H = self._V(V), check_data("H", H, self.n_hidden)
        p = self.params
        return -V @ p["b"] - H @ p["c"] - np.einsum("nh,hv,nv->n", H, p["W"], V)

    def free_energy(self, V) -> np.ndarray:
        """``F(v) = −v·b − Σ_j log(1 + exp(W_j·v + c_j))`` per row: (n,) (stable softplus)."""
        V, p = self._V(V), self.params
        return -V @ p["b"] - np.logaddexp(0.0, V @ p["W"].T + p["c"]).sum(1)

    def hidden_probs(self, V) -> np.ndarray:
        """``p(h_j = 1 | v) = σ(v Wᵀ + c)``: (n, h)."""
        return sigmoid(self._V(V) @ self.params["W"].T + self.params["c"])

    def transform(self, V) -> np.ndarray:
        """The learned representation of ``V`` (n, v): the hidden probabilities ``σ(v Wᵀ + c)`` (n, h)."""
        return self.hidden_probs(V)

    def visible_probs(self, H) -> np.ndarray:
        """``p(v_i = 1 | h) = σ(h W + b)``: (n, v)."""
        H = check_data("H", H, self.n_hidden)
        return sigmoid(H @ self.params["W"] + self.params["b"])

    def gibbs(self, V, k: int = 1, rng: np.random.Generator | None = None) -> np.ndarray:
        """``k`` alternating Gibbs steps v → h → v from each row of ``V``; returns binary V_k (n, v)."""
        rng = self._rng if rng is None else make_rng(rng=rng)
        V = self._V(V)
        for _ in range(check_count("k", k)):
            ph = self.hidden_probs(V)
            H = (rng.random(ph.shape) < ph).astype(np.float64)
            pv = self.visible_probs(H)
            V = (rng.random(pv.shape) < pv).astype(np.float64)
        return V

    @staticmethod
    def _stats(V: np.ndarray, PH: np.ndarray, weights: np.ndarray) -> dict[str, np.ndarray]:
        """Weighted averages ⟨p(h|v) vᵀ⟩, ⟨v⟩, ⟨p(h|v)⟩ with row weights summing to 1."""
        return {"W": (PH * weights[:, None]).T @ V, "b": weights @ V, "c": weights @ PH}

    def cd_gradients(self, V, k: int = 1, rng: np.random.Generator | None = None) -> dict[str, np.ndarray]:
        """The CD-k estimate of the gradient of ``−mean log p(v)`` over the rows of ``V`` (0/1).

        Not the exact gradient (that is :meth:`exact_gradients`): the model statistics come from
        a ``k``-step Gibbs chain started at the data, so the estimate is random and biased; its
        bias shrinks as ``k`` grows and vanishes only as ``k → ∞``. A dict "W", "b", "c" shaped
        like ``params``.
        """
        V = check_binary("V", V, self.n_visible).astype(np.float64)
        Vk = self.gibbs(V, k, rng)
        w = np.full(len(V), 1.0 / len(V))
        pos = self._stats(V, self.hidden_probs(V), w)
        neg = self._stats(Vk, self.hidden_probs(Vk), w)
        return {name: neg[name] - pos[name] for name in ("W", "b", "c")}

    def _states(self) -> np.ndarray:
        """All 2^v visible configurations, refusing sizes too large to enumerate."""
        if self.n_visible > MAX_ENUMERATED_VISIBLE:
            raise ValueError(f"exact computations enumerate 2^n_visible states; n_visible must be "
                             f"≤ {MAX_ENUMERATED_VISIBLE}, got {self.n_visible}")
        return all_binary(self.n_visible)

    def _enumerate(self) -> tuple[np.ndarray, np.ndarray]:
        """All visible configurations and their exact probabilities p(v) (2^v,)."""
        S = self._states()
        negF = -self.free_energy(S)
        return S, np.exp(negF - _logsumexp(negF))

    def log_partition(self) -> float:
        """``log Z = log Σ_v exp(−F(v))`` by enumeration (n_visible ≤ 20)."""
        return _logsumexp(-self.free_energy(self._states()))

    def exact_log_likelihood(self, V) -> float:
        """Mean ``log p(v) = −F(v) − log Z`` over the rows of ``V``, exactly."""
        return float(np.mean(-self.free_energy(V)) - self.log_partition())

    def exact_gradients(self, V) -> dict[str, np.ndarray]:
        """Exact gradient of ``−mean log p(v)``: data statistics minus model statistics by enumeration."""
        V = check_binary("V", V, self.n_visible).astype(np.float64)
        S, p = self._enumerate()
        pos = self._stats(V, self.hidden_probs(V), np.full(len(V), 1.0 / len(V)))
        neg = self._stats(S, self.hidden_probs(S), p)
        return {name: neg[name] - pos[name] for name in ("W", "b", "c")}

    def sample(self, n: int, steps: int = 1000, rng: np.random.Generator | None = None) -> np.ndarray:
        """``n`` independent Gibbs chains from uniform random visible states, ``steps`` steps each: (n, v)."""
        rng = self._rng if rng is None else make_rng(rng=rng)
        V0 = (rng.random((check_count("n", n), self.n_visible)) < 0.5).astype(np.float64)
        return self.gibbs(V0, check_count("steps", steps), rng)

    def fit(self, V, epochs: int = 10, lr: float = 0.1, k: int = 1, batch_size: int = 32,
            optimizer=None, callback: Callable | None = None, progress: bool = False) -> "RBM":
        """Mini-batch CD-k training (SGD(lr) unless ``optimizer`` is given); ``callback(epoch, rbm)``.

        Restarts from fresh parameters drawn from the seed, then for each epoch visits the rows
        in a new random order (``companion.training.minibatches``) and steps on each batch's
        CD-k estimate. Returns ``self``; ``history_`` holds one reconstruction error per epoch.
        """
        V = check_binary("V", V, self.n_visible).astype(np.float64)
        epochs, batch_size = check_count("epochs", epochs), check_count("batch_size", batch_size)
        opt = SGD(lr=check_positive("lr", lr)) if optimizer is None else optimizer
        self._initialize()
        self.history_ = []
        names = ["W", "b", "c"]
        for epoch in tqdm(range(epochs), desc="RBM", leave=False, disable=not progress):
            for idx in minibatches(len(V), batch_size, self._rng):
                g = self.cd_gradients(V[idx], k)
                opt.step([self.params[m] for m in names], [g[m] for m in names])
            recon = self.visible_probs(self.hidden_probs(V))
            self.history_.append(float(((V - recon) ** 2).sum(1).mean()))
            if callback is not None:
                callback(epoch, self)
        return self
