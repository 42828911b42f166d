r"""Cascade-correlation: a network that grows its own hidden units, one frozen unit at a time.

Fahlman & Lebiere (1990), *The cascade-correlation learning architecture*, Advances in Neural
Information Processing Systems 2, 524–532.

The network starts with no hidden unit: sigmoid outputs fed directly by the inputs and a bias.
Features of example ``p`` are ``F_p = [x_p, 1, V_p^1, …, V_p^H]``: every hidden unit sees the
inputs, the bias and all earlier hidden units (the "cascade"), and every output sees them all.

1. **Train the outputs** (all output weights, hidden units fixed) to lower the batch-mean
   quadratic cost ``C = (1/n) Σ_p ½‖a_p − y_p‖²`` with ``a_p = σ(W_out F_p)``.
2. **Train a pool of candidate units**, ``V_p = tanh(w · F_p)``, each to *maximize* the
   magnitude of its covariance with the residual errors ``E_{p,o} = a_{p,o} − y_{p,o}``:

   .. math:: S = \sum_o \Bigl|\sum_p (V_p - \bar V)(E_{p,o} - \bar E_o)\Bigr|

3. **Install** the best candidate: its input weights are frozen for good; it becomes a new
   feature column. Go back to 1 until every output is within ``score_threshold`` of its
   target (Fahlman's stopping rule) or ``max_hidden`` units are installed.

**Gradient of S** (derived for the candidate update, checked by finite differences in the
tests). With ``C_o = Σ_p (V_p − V̄)(E_{p,o} − Ē_o)`` and ``s_o = sign(C_o)``,
``∂S/∂w_i = Σ_o s_o Σ_p (E_{p,o} − Ē_o) ∂(V_p − V̄)/∂w_i``. The term from ``V̄`` vanishes
because ``Σ_p (E_{p,o} − Ē_o) = 0``, and ``∂V_p/∂w_i = (1 − V_p²) F_{p,i}``, so

.. math:: \frac{\partial S}{\partial w_i} = \sum_p \Bigl[\sum_o s_o (E_{p,o} - \bar E_o)\Bigr](1 - V_p^2)\,F_{p,i}.

Every candidate of the pool is trained at once (a matrix of candidate weights).

Example
-------
>>> X, y = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), np.array([0, 1, 1, 0])
>>> net = CascadeCorrelation(2, 1, seed=0).fit(X, y[:, None])
>>> net.predict(X).tolist(), net.forward(X).shape      # labels, then the raw sigmoid outputs
([0, 1, 1, 0], (4, 1))
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
from tqdm.auto import tqdm

from companion._validation import check_positive, check_rows_match
from companion.activations import sigmoid
from companion.classic._checks import check_count, check_data, check_fitted, fresh_rng, seed_source
from companion.initializers import init_normal, init_uniform
from companion.optimizers import Adam

__all__ = ["correlation_score", "candidate_scores_and_gradients", "CascadeCorrelation"]


def correlation_score(V, E) -> np.ndarray:
    """Fahlman's ``S = Σ_o |Σ_p (V_p − V̄)(E_{p,o} − Ē_o)|`` for each candidate.

    Parameters
    ----------
    V : (n,) or (n, c) candidate outputs (one column per candidate)
    E : (n, m) residual errors of the m outputs

    Returns
    -------
    S : float for a 1-D ``V``, else (c,) array
    """
    V, E = np.asarray(V, dtype=np.float64), np.asarray(E, dtype=np.float64)
    Vc = (V - V.mean(0))
    cov = np.tensordot(Vc, E - E.mean(0), axes=(0, 0))      # (m,) or (c, m)
    S = np.abs(cov).sum(-1)
    return float(S) if V.ndim == 1 else S


def candidate_scores_and_gradients(F, Wc, E) -> tuple[np.ndarray, np.ndarray]:
    """``S`` and ``∂S/∂Wc`` for a pool of tanh candidates ``V = tanh(F Wcᵀ)``.

    Parameters
    ----------
    F : (n, f) features (inputs, bias, installed hidden units)
    Wc : (c, f) candidate input weights
    E : (n, m) residual errors

    Returns
    -------
    S : (c,)    grad : (c, f), ``grad[c, i] = Σ_p [Σ_o s_co (E_po − Ē_o)] (1 − V_pc²) F_pi``
    """
    V = np.tanh(F @ Wc.T)                                    # (n, c)
    Ec = E - E.mean(0)                                       # (n, m)
    cov = (V - V.mean(0)).T @ Ec                             # (c, m)
    back = (Ec @ np.sign(cov).T) * (1.0 - V ** 2)            # (n, c)
    return np.abs(cov).sum(1), back.T @ F


class CascadeCorrelation:
    """Cascade-correlation with sigmoid outputs and a pool of tanh candidate units.

    Parameters
    ----------
    n_in, n_out : int ≥ 1
    max_hidden : int ≥ 0, the most hidden units to install
    n_candidates : int ≥ 1, candidates trained in parallel per installed unit
    score_threshold : float > 0; training stops once every ``|a_{p,o} − y_{p,o}| <`` it
    output_steps, candidate_steps : full-batch Adam steps per output / candidate phase
    lr : Adam learning rate of both phases
    seed, rng : randomness of the initial output weights (``N(0, 0.1²)``) and of the candidates
        (uniform in [−1, 1)); seed 0 by default. Every ``fit`` restarts from it.

    Attributes (after ``fit``)
    --------------------------
    n_hidden_ : int, hidden units installed
    hidden_weights_ : list of frozen arrays; unit h has ``n_in + 1 + h`` weights
    W_out_ : (n_out, n_in + 1 + n_hidden_) output weights
    history_ : list of the cost C after each output phase (one record per installed unit, plus
        the first phase with no hidden unit)

    A classifier: ``predict`` returns labels (n,) — the arg-max output, or ``output > 0.5`` for a
    single output — and ``forward`` the raw sigmoid outputs (n, n_out).
    """

    def __init__(self, n_in: int, n_out: int, max_hidden: int = 20, n_candidates: int = 8,
                 score_threshold: float = 0.4, output_steps: int = 150, candidate_steps: int = 80,
                 lr: float = 0.05, seed: int = 0, rng: np.random.Generator | None = None) -> None:
        self.n_in, self.n_out = check_count("n_in", n_in), check_count("n_out", n_out)
        self.max_hidden = check_count("max_hidden", max_hidden, 0)
        self.n_candidates = check_count("n_candidates", n_candidates)
        self.score_threshold = check_positive("score_threshold", score_threshold)
        self.output_steps = check_count("output_steps", output_steps)
        self.candidate_steps = check_count("candidate_steps", candidate_steps)
        self.lr = check_positive("lr", lr)
        self._seed_source = seed_source(seed, rng)
        self._rng = fresh_rng(self._seed_source)
        self.hidden_weights_: list[np.ndarray] = []
        self.W_out_ = None
        self.history_: list[float] = []

    @property
    def n_hidden_(self) -> int:
        """Number of installed hidden units."""
        return len(self.hidden_weights_)

    def features(self, X) -> np.ndarray:
        """Feature matrix ``[X, 1, V^1, …, V^H]`` (n, n_in + 1 + H), each unit fed by the columns before it."""
        X = check_data("X", X, self.n_in).astype(np.float64)
        F = np.column_stack([X, np.ones(len(X))])
        for w in self.hidden_weights_:
            F = np.column_stack([F, np.tanh(F @ w)])
        return F

    def _train_outputs(self, F: np.ndarray, Y: np.ndarray) -> np.ndarray:
        """Adam on the output weights for the quadratic cost; returns the outputs A (n, m)."""
        opt = Adam(lr=self.lr)
        for _ in range(self.output_steps):
            A = sigmoid(F @ self.W_out_.T)
            delta = (A - Y) * A * (1 - A) / len(F)            # ∂C/∂(pre-activation)
            opt.step([self.W_out_], [delta.T @ F])
        A = sigmoid(F @ self.W_out_.T)
        self.history_.append(float(0.5 * ((A - Y) ** 2).sum() / len(F)))
        return A

    def _best_candidate(self, F: np.ndarray, E: np.ndarray) -> np.ndarray:
        """Gradient ascent on S for the whole pool; returns the weights (f,) of the best candidate."""
        Wc = init_uniform((self.n_candidates, F.shape[1]), 1.0, self._rng)
        opt = Adam(lr=self.lr)
        for _ in range(self.candidate_steps):
            _, grad = candidate_scores_and_gradients(F, Wc, E)
            opt.step([Wc], [-grad])                            # ascend S
        S, _ = candidate_scores_and_gradients(F, Wc, E)
        return Wc[int(np.argmax(S))].copy()

    def fit(self, X, Y, callback: Callable | None = None, progress: bool = False) -> "CascadeCorrelation":
        """Grow the network on ``X`` (n, n_in) and targets ``Y`` (n, n_out) in [0, 1].

        ``callback(n_hidden, model)`` runs after every output phase (first with 0 hidden units).
        """
        X = check_data("X", X, self.n_in).astype(np.float64)
        Y = check_data("Y", Y, self.n_out).astype(np.float64)
        check_rows_match("X", X, "Y", Y)
        self.hidden_weights_, self.history_ = [], []
        self._rng = fresh_rng(self._seed_source)             # every fit restarts from the seed
        F = self.features(X)
        self.W_out_ = init_normal((self.n_out, F.shape[1]), 0.1, self._rng)
        with tqdm(total=self.max_hidden, desc="units", leave=False, disable=not progress) as bar:
            while True:
                A = self._train_outputs(F, Y)
                if callback is not None:
                    callback(self.n_hidden_, self)
                if np.abs(A - Y).max() < self.score_threshold or self.n_hidden_ == self.max_hidden:
                    return self
                w = self._best_candidate(F, A - Y)
                self.hidden_weights_.append(w)
                F = np.column_stack([F, np.tanh(F @ w)])
                self.W_out_ = np.column_stack([self.W_out_, np.zeros(self.n_out)])
                bar.update()

    def forward(self, X) -> np.ndarray:
        """Output activations ``σ(F W_outᵀ)``: (n, n_out) in (0, 1)."""
        check_fitted(self, "W_out_", "forward")
        return sigmoid(self.features(X) @ self.W_out_.T)

    def predict(self, X) -> np.ndarray:
        """Predicted labels (n,) int64: the arg-max output, or ``output > 0.5`` for one output."""
        check_fitted(self, "W_out_")
        A = self.forward(X)
        return (A[:, 0] > 0.5).astype(np.int64) if A.shape[1] == 1 else A.argmax(axis=1)
