"""Tests of companion.pretraining: the autoencoder's cost and gradients against hand formulas and
finite differences, the linear autoencoder against PCA (its known optimum), the greedy order of
layer-wise training, and the hand-over of pre-trained weights to the fine-tuned classifier."""
import numpy as np
import pytest

from companion.datasets import load_digits
from companion.gradcheck import numerical_gradient, relative_error
from companion.optimizers import Adam
from companion.pretraining import Autoencoder, greedy_pretrain, mlp_classifier, stack_encoders
from companion.training import fit


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits()
    return X[:300], y[:300]


def test_cross_entropy_cost_by_hand():
    rng = np.random.default_rng(0)
    X = rng.uniform(size=(5, 6))
    ae = Autoencoder(6, 3, seed=1)
    W1, b1 = ae.encoder.params["W"], ae.encoder.params["b"]
    W2, b2 = ae.decoder.params["W"], ae.decoder.params["b"]
    H = _sigmoid(X @ W1.T + b1)
    Xhat = _sigmoid(H @ W2.T + b2)
    by_hand = -np.mean(np.sum(X * np.log(Xhat) + (1 - X) * np.log(1 - Xhat), axis=1))
    assert np.isclose(ae.reconstruction_error(X), by_hand, rtol=1e-12)
    assert np.allclose(ae.encode(X), H) and np.allclose(ae.reconstruct(X), Xhat)


@pytest.mark.parametrize("loss,activation", [("cross_entropy", "sigmoid"), ("quadratic", "tanh")])
def test_autoencoder_gradients_against_finite_differences(loss, activation):
    rng = np.random.default_rng(2)
    X = rng.uniform(size=(4, 5))
    ae = Autoencoder(5, 3, activation=activation, loss=loss, seed=3)
    _, grads = ae.network.loss_and_gradients(X, X)
    for param, grad in zip(ae.network.parameters(), grads):
        numeric = numerical_gradient(lambda: ae.reconstruction_error(X), param)
        assert relative_error(grad, numeric) < 1e-7


def test_linear_autoencoder_and_pca():
    # Eckart–Young: no rank-k linear reconstruction beats projecting the centred data on its
    # top-k principal directions, whose cost is half the sum of the discarded variances.
    rng = np.random.default_rng(4)
    X = rng.normal(size=(200, 2)) @ np.array([[3.0, 1, 0, 0, 1], [0, 2, 1, 1, 0]]) + 0.1 * rng.normal(size=(200, 5))
    X = X + 1.0
    mean = X.mean(axis=0)
    eigenvalues, vectors = np.linalg.eigh((X - mean).T @ (X - mean) / len(X))     # ascending
    pca_cost = 0.5 * eigenvalues[:3].sum()
    ae = Autoencoder(5, 2, activation="linear", loss="quadratic", seed=5)
    start = ae.reconstruction_error(X)
    # the PCA solution written as autoencoder weights reaches that cost exactly
    top = vectors[:, 3:].T                                                        # (2, 5)
    pca_ae = Autoencoder(5, 2, activation="linear", loss="quadratic", seed=5)
    pca_ae.encoder.params["W"][...], pca_ae.encoder.params["b"][...] = top, -top @ mean
    pca_ae.decoder.params["W"][...], pca_ae.decoder.params["b"][...] = top.T, mean
    assert np.isclose(pca_ae.reconstruction_error(X), pca_cost, rtol=1e-10)
    # training approaches it from above and never beats it
    ae.fit(X, epochs=60, lr=1e-2, batch_size=20, seed=0)
    cost = ae.reconstruction_error(X)
    assert pca_cost * (1 - 1e-9) <= cost < 0.02 * start


def test_training_beats_the_mean_image(digits):
    X, _ = digits
    baseline = Autoencoder(64, 16, seed=0)
    before = baseline.reconstruction_error(X)
    # the best constant reconstruction: every pixel predicted by its mean (cross-entropy of a Bernoulli)
    m = np.clip(X.mean(axis=0), 1e-12, 1 - 1e-12)
    mean_image_cost = -np.mean(np.sum(X * np.log(m) + (1 - X) * np.log(1 - m), axis=1))
    assert baseline.fit(X, epochs=15, lr=1e-2, seed=0) is baseline
    after = baseline.reconstruction_error(X)
    assert len(baseline.history_) == 15 and baseline.history_ == baseline.fit_history_.loss
    assert np.isclose(baseline.history_[-1], after)
    assert after < 0.9 * mean_image_cost < before


def test_greedy_pretraining_trains_each_layer_on_the_codes_below(digits):
    X, _ = digits
    stack = greedy_pretrain(X, [20, 10], epochs=5, seed=7)
    assert [ae.encoder.params["W"].shape for ae in stack] == [(20, 64), (10, 20)]
    codes = stack[0].encode(X)
    untrained = Autoencoder(20, 10, seed=0)
    assert stack[1].reconstruction_error(codes) < 0.9 * untrained.reconstruction_error(codes)
    again = greedy_pretrain(X, [20, 10], epochs=5, seed=7)
    for a, b in zip(stack, again):
        assert np.array_equal(a.encoder.params["W"], b.encoder.params["W"])


def test_stacked_classifier_starts_from_copies_of_the_encoders(digits):
    X, y = digits
    stack = greedy_pretrain(X, [20, 10], epochs=3, seed=8)
    net = stack_encoders(stack, 10, seed=0)
    assert np.array_equal(net.layers[0].params["W"], stack[0].encoder.params["W"])
    assert net.layers[0].params["W"] is not stack[0].encoder.params["W"]
    hidden = net.layers[3].forward(net.layers[2].forward(net.layers[1].forward(net.layers[0].forward(X))))
    assert np.allclose(hidden, stack[1].encode(stack[0].encode(X)))
    before = stack[0].encoder.params["W"].copy()
    fit(net, X, np.eye(10)[y], Adam(lr=1e-2), epochs=2, seed=0, progress=False)
    assert not np.array_equal(net.layers[0].params["W"], before)      # fine-tuning moved the first layer
    assert np.array_equal(stack[0].encoder.params["W"], before)       # and left the autoencoder alone
    random_net = mlp_classifier(64, [20, 10], 10, seed=0)
    assert [p.shape for p in random_net.parameters()] == [p.shape for p in net.parameters()]


def test_errors():
    with pytest.raises(ValueError, match="loss"):
        Autoencoder(4, 2, loss="hinge")
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        Autoencoder(2, 1, seed=0).fit(np.array([[0.5, 2.0]]))
    with pytest.raises(ValueError, match="4 columns"):
        Autoencoder(4, 2, seed=0).encode(np.zeros((3, 5)))
    with pytest.raises(ValueError, match="hidden_sizes"):
        greedy_pretrain(np.zeros((3, 4)), [])
    with pytest.raises(ValueError, match="autoencoders"):
        stack_encoders([], 3)
    with pytest.raises(TypeError, match="autoencoders\\[0\\]"):
        stack_encoders(["not an autoencoder"], 3)
