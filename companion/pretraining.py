"""Greedy layer-wise pre-training with autoencoders, then fine-tuning by backpropagation.

The recipe that revived deep networks in 2006–2007 (Hinton et al. with RBMs; Bengio et al. with
autoencoders): train the first hidden layer, without labels, to reconstruct the input; freeze it
and train the second hidden layer to reconstruct the first layer's codes; and so on. Then stack
the encoders, put an output layer on top and train the whole network on the labels
(fine-tuning), starting from these weights instead of random ones.

* :class:`Autoencoder` — one hidden layer ``H = f(X W₁ᵀ + b₁)`` and a reconstruction
  ``X̂ = g(H W₂ᵀ + b₂)``, trained by ``companion.training.fit`` on the pairs ``(X, X)``; it has
  the estimator shape of the classic networks (``fit`` returns self and restarts from the seed,
  ``history_``, ``transform``; see ``companion.classic``);
* :func:`greedy_pretrain` — a stack of autoencoders, each trained on the codes of the one below;
* :func:`stack_encoders` — copies of the trained encoders plus a fresh output layer, as a
  ``Sequential`` classifier ready for fine-tuning;
* :func:`mlp_classifier` — the same architecture with random weights, for a fair comparison.

Example
-------
>>> X = np.random.default_rng(0).random((20, 6))
>>> ae = Autoencoder(6, 3, seed=0)
>>> ae.fit(X, epochs=4) is ae, len(ae.history_), ae.transform(X).shape
(True, 4, (20, 3))
"""
from __future__ import annotations

import copy
from collections.abc import Sequence

import numpy as np

from companion._validation import (
    as_float_array,
    check_2d,
    check_choice,
    check_finite,
    fresh_rng,
    make_rng,
    seed_source,
)
from companion.initializers import init_weights
from companion.layers import (
    Activation,
    Dense,
    QuadraticLoss,
    Sequential,
    SigmoidCrossEntropyLoss,
    SoftmaxCrossEntropyLoss,
)
from companion.optimizers import Adam
from companion.training import History, fit

__all__ = ["Autoencoder", "greedy_pretrain", "stack_encoders", "mlp_classifier"]

_LOSSES = ("cross_entropy", "quadratic")


class Autoencoder:
    """A one-hidden-layer autoencoder: encode to ``n_hidden`` units, decode back to ``n_in``.

    ``H = f(X W₁ᵀ + b₁)`` (n, n_hidden) with ``f`` = ``activation``, then

    * ``loss="cross_entropy"`` (inputs in [0, 1], e.g. pixels): ``X̂ = σ(H W₂ᵀ + b₂)`` and
      ``C = (1/n) Σ_x Σ_i −[x_i ln x̂_i + (1 − x_i) ln(1 − x̂_i)]``;
    * ``loss="quadratic"`` (any real inputs): ``X̂ = H W₂ᵀ + b₂`` and ``C = (1/n) Σ_x ½‖x̂ − x‖²``.

    Parameters
    ----------
    n_in, n_hidden : int
    activation : str
        Hidden activation ("sigmoid", "tanh", "relu", "leaky_relu", "linear").
    loss : {"cross_entropy", "quadratic"}
    init : str
        Weight initialization of both ``Dense`` layers (see ``companion.initializers``).
    seed, rng : int (default 0) or numpy.random.Generator
        Source of the initial weights; every ``fit`` draws them again from it (a restart).

    Attributes
    ----------
    encoder : Dense (n_in → n_hidden), ``params["W"]`` of shape (n_hidden, n_in)
    decoder : Dense (n_hidden → n_in)
    network : Sequential — encoder, activation, decoder and the loss; what ``fit`` trains.
    history_ : list of float (after ``fit``), the reconstruction cost ``C`` on ``X`` after each
        epoch; ``fit_history_`` is the whole ``companion.training.History``.

    Unsupervised: ``transform`` (= ``encode``) gives the codes; there is no ``predict``.
    """

    def __init__(self, n_in: int, n_hidden: int, activation: str = "sigmoid", loss: str = "cross_entropy",
                 init: str = "xavier", seed: int = 0, rng: np.random.Generator | None = None) -> None:
        check_choice("loss", loss, _LOSSES)
        self._seed_source = seed_source(seed, rng)
        generator = fresh_rng(self._seed_source)
        self.activation, self.loss, self.init = activation, loss, init
        self.encoder = Dense(n_in, n_hidden, init=init, rng=generator)
        self.decoder = Dense(n_hidden, n_in, init=init, rng=generator)
        self.history_: list[float] = []
        self.fit_history_: History | None = None
        layers = [self.encoder, Activation(activation), self.decoder]
        if loss == "cross_entropy":
            self.network = Sequential(layers, SigmoidCrossEntropyLoss())
        else:
            self.network = Sequential(layers, QuadraticLoss())

    def fit(self, X, epochs: int = 20, lr: float = 1e-2, batch_size: int = 32, seed: int = 0) -> "Autoencoder":
        """Restart from the initial weights of the seed, then train on the pairs ``(X, X)`` with
        Adam(lr) over shuffled mini-batches (``seed`` seeds the shuffling). Returns ``self``."""
        X = self._check(X)
        self._initialize()
        self.fit_history_ = fit(self.network, X, X, Adam(lr=lr), epochs=epochs, batch_size=batch_size,
                                seed=seed, progress=False)
        self.history_ = list(self.fit_history_.loss)
        return self

    def _initialize(self) -> None:
        """Draw both weight matrices again, in place, as the constructor did; biases back to 0."""
        generator = fresh_rng(self._seed_source)
        for dense in (self.encoder, self.decoder):
            W = dense.params["W"]
            W[...] = init_weights(self.init, dense.n_out, dense.n_in, generator, W.dtype)
            dense.params["b"][...] = 0.0

    def transform(self, X) -> np.ndarray:
        """The representation an autoencoder learns: the hidden codes (same as :meth:`encode`)."""
        return self.encode(X)

    def encode(self, X) -> np.ndarray:
        """The hidden codes ``H = f(X W₁ᵀ + b₁)``, shape (n, n_hidden)."""
        X = self._check(X)
        return self.network.layers[1].forward(self.encoder.forward(X, training=False), training=False)

    def reconstruct(self, X) -> np.ndarray:
        """The reconstruction ``X̂``, shape (n, n_in)."""
        return self.network.forward(self._check(X))

    def reconstruction_error(self, X) -> float:
        """The batch-mean cost ``C`` of reconstructing ``X`` (the loss being minimized)."""
        X = self._check(X)
        return self.network.cost(X, X)

    def _check(self, X) -> np.ndarray:
        X = check_finite("X", check_2d("X", as_float_array("X", X), cols=self.encoder.n_in))
        if self.loss == "cross_entropy" and (X.min() < 0 or X.max() > 1):
            raise ValueError(
                f"X must lie in [0, 1] for loss='cross_entropy' (got values in [{X.min():.3g}, {X.max():.3g}]); "
                "rescale the data or use loss='quadratic'"
            )
        return X

    def __repr__(self) -> str:
        return f"Autoencoder({self.encoder.n_in}, {self.encoder.n_out}, activation={self.activation!r}, loss={self.loss!r})"


def greedy_pretrain(X, hidden_sizes: Sequence[int], activation: str = "sigmoid", epochs: int = 20,
                    lr: float = 1e-2, batch_size: int = 32, init: str = "xavier",
                    seed: int | None = 0) -> list[Autoencoder]:
    """Train a stack of autoencoders greedily, layer by layer, without labels.

    Layer ``l`` is an autoencoder ``n_{l−1} → n_l → n_{l−1}`` trained on ``H^{l−1}``, the codes of
    the layers below (``H⁰ = X``); once trained it is left unchanged. The first autoencoder uses
    ``loss="cross_entropy"`` (so ``X`` must lie in [0, 1]); the ones above reconstruct codes with
    the cross-entropy too when ``activation="sigmoid"`` (codes in (0, 1)) and with the quadratic
    loss otherwise.

    Parameters
    ----------
    X : (n, d) unlabelled inputs in [0, 1]
    hidden_sizes : widths ``n_1, …, n_L`` of the hidden layers
    activation, epochs, lr, batch_size, init : passed to every :class:`Autoencoder` and its ``fit``
    seed : int — every autoencoder's weights and shuffling derive from it

    Returns
    -------
    list of Autoencoder, bottom first.
    """
    H = check_finite("X", check_2d("X", as_float_array("X", X)))
    if not hidden_sizes:
        raise ValueError("hidden_sizes must name at least one hidden layer; got an empty sequence")
    seeds = np.random.SeedSequence(seed).generate_state(len(hidden_sizes))
    stack, n_in = [], H.shape[1]
    for l, (n_hidden, s) in enumerate(zip(hidden_sizes, seeds)):
        loss = "cross_entropy" if l == 0 or activation == "sigmoid" else "quadratic"
        ae = Autoencoder(n_in, n_hidden, activation=activation, loss=loss, init=init, seed=int(s))
        ae.fit(H, epochs=epochs, lr=lr, batch_size=batch_size, seed=int(s))
        stack.append(ae)
        H, n_in = ae.encode(H), n_hidden
    return stack


def stack_encoders(autoencoders: Sequence[Autoencoder], n_out: int, init: str = "xavier",
                   seed: int | None = 0) -> Sequential:
    """A classifier from pre-trained encoders: ``[Dense, f] × L`` (copies), then a fresh ``Dense(n_L, n_out)``.

    The encoders are copied, so fine-tuning the returned network leaves the autoencoders as they
    were. The loss is ``SoftmaxCrossEntropyLoss`` (outputs are class probabilities).
    """
    if not autoencoders:
        raise ValueError("autoencoders must hold at least one Autoencoder; got an empty sequence")
    layers = []
    for i, ae in enumerate(autoencoders):
        if not isinstance(ae, Autoencoder):
            raise TypeError(f"autoencoders[{i}] must be an Autoencoder; got {type(ae).__name__}")
        layers += [copy.deepcopy(ae.encoder), Activation(ae.activation)]
    top = autoencoders[-1].encoder.n_out
    layers.append(Dense(top, n_out, init=init, seed=seed))
    return Sequential(layers, SoftmaxCrossEntropyLoss())


def mlp_classifier(n_in: int, hidden_sizes: Sequence[int], n_out: int, activation: str = "sigmoid",
                   init: str = "xavier", seed: int | None = 0) -> Sequential:
    """The architecture of :func:`stack_encoders` with random weights: ``[Dense, f] × L, Dense``, softmax + CE."""
    rng = make_rng(seed)
    sizes = [n_in, *hidden_sizes]
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [Dense(a, b, init=init, rng=rng), Activation(activation)]
    layers.append(Dense(sizes[-1], n_out, init=init, rng=rng))
    return Sequential(layers, SoftmaxCrossEntropyLoss())
