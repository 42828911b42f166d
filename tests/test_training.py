"""Tests for companion.training: mini-batches, determinism, convergence, penalties, early stopping, errors."""
import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.datasets import load_digits, moons, train_val_test_split
from companion.gradcheck import numerical_gradient
from companion.layers import Dense, Sequential, SoftmaxCrossEntropyLoss, Tanh
from companion.losses import one_hot
from companion.metrics import accuracy
from companion.network import MLP
from companion.optimizers import SGD, Adam, Momentum
from companion.regularization import EarlyStopping
from companion.training import History, fit, minibatches


def separable(n=40, seed=0):
    """Two clouds on either side of the line x0 + x1 = 0, with a margin; targets as a column."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (4 * n, 2))
    X = X[np.abs(X.sum(axis=1)) > 0.3][:n]
    Y = (X.sum(axis=1) > 0).astype(float).reshape(-1, 1)
    return X, Y


def small_classifier(seed=0):
    X, y = moons(60, noise=0.1, seed=seed)
    return X, one_hot(y, 2)


# ---------------------------------------------------------------- minibatches

@settings(max_examples=50, deadline=None)
@given(n=st.integers(1, 200), batch_size=st.integers(1, 64), seed=st.integers(0, 100))
def test_minibatches_cover_every_index_once_per_epoch(n, batch_size, seed):
    rng = np.random.default_rng(seed)
    for _ in range(2):                                   # two epochs from the same generator
        batches = list(minibatches(n, batch_size, rng))
        assert sorted(np.concatenate(batches).tolist()) == list(range(n))
        sizes = [len(b) for b in batches]
        assert sizes[:-1] == [batch_size] * (len(sizes) - 1)
        assert sizes[-1] == (n % batch_size or min(batch_size, n))     # last partial batch kept


def test_minibatches_are_shuffled_and_seeded():
    a = np.concatenate(list(minibatches(100, 10, np.random.default_rng(1))))
    b = np.concatenate(list(minibatches(100, 10, np.random.default_rng(1))))
    rng = np.random.default_rng(1)
    first, second = (np.concatenate(list(minibatches(100, 10, rng))) for _ in range(2))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, np.arange(100))
    assert not np.array_equal(first, second)             # a new order each epoch
    np.testing.assert_array_equal(np.concatenate(list(minibatches(100, 10, 1))), a)   # int seed


def test_minibatches_default_seed_is_0():
    # the documented default: two calls without rng give the order of seed 0, and not that of seed 1
    default = np.concatenate(list(minibatches(50, 7)))
    np.testing.assert_array_equal(default, np.concatenate(list(minibatches(50, 7, rng=0))))
    np.testing.assert_array_equal(default, np.random.default_rng(0).permutation(50))
    assert not np.array_equal(default, np.concatenate(list(minibatches(50, 7, rng=1))))


@pytest.mark.parametrize("args, error, match", [
    ((0, 5), ValueError, r"n must be a positive int; got 0"),
    ((10, 0), ValueError, r"batch_size must be a positive int; got 0"),
    ((10, 2.0), TypeError, r"batch_size must be a positive int; got float 2.0"),
])
def test_minibatches_errors(args, error, match):
    with pytest.raises(error, match=match):
        list(minibatches(*args, np.random.default_rng(0)))


# ---------------------------------------------------------------- fit: behaviour

def test_same_seed_gives_identical_history_and_weights():
    X, Y = small_classifier()
    runs = []
    for seed in (3, 3, 4):
        model = MLP([2, 5, 2], hidden="tanh", output="softmax", loss="cross_entropy", seed=0)
        history = fit(model, X, Y, Adam(lr=0.01), epochs=4, batch_size=7, seed=seed,
                      validation=(X[:10], Y[:10]), progress=False)
        runs.append((history, model.parameters()))
    (h1, p1), (h2, p2), (h3, _) = runs
    assert h1 == h2
    for a, b in zip(p1, p2):
        np.testing.assert_array_equal(a, b)
    assert h1.loss != h3.loss                           # another seed, another order of batches


def test_loss_decreases_on_a_convex_problem():
    """Logistic regression is convex with an L-smooth cost, L ≤ λ_max(X̃ᵀX̃/n)/4 (X̃ = [X, 1]);
    full-batch gradient descent with η = 1/L must lower the cost at every step."""
    X, Y = separable()
    Xt = np.column_stack([X, np.ones(len(X))])
    lipschitz = np.linalg.eigvalsh(Xt.T @ Xt / len(X)).max() / 4
    model = MLP([2, 1], output="sigmoid", loss="cross_entropy", seed=1)
    start = model.cost(X, Y)
    history = fit(model, X, Y, SGD(lr=1 / lipschitz), epochs=30, batch_size=len(X), progress=False)
    losses = [start] + history.loss
    assert all(b < a for a, b in zip(losses, losses[1:]))
    assert history.accuracy[-1] == 1.0 and history.epochs_run == 30
    assert history.val_loss == [] and history.best_epoch is None and not history.stopped_early


def test_history_fields_are_per_epoch_and_accuracy_matches_metrics():
    X, Y = small_classifier()
    model = MLP([2, 6, 2], hidden="tanh", output="softmax", loss="cross_entropy", seed=0)
    h = fit(model, X[:40], Y[:40], Adam(lr=0.02), epochs=5, batch_size=8,
            validation=(X[40:], Y[40:]), progress=False)
    assert isinstance(h, History) and h.epochs_run == 5
    assert len(h.loss) == len(h.accuracy) == len(h.val_loss) == len(h.val_accuracy) == len(h.lr) == 5
    assert h.val_loss[-1] == pytest.approx(model.cost(X[40:], Y[40:]))
    assert h.val_accuracy[-1] == accuracy(Y[40:], model.forward(X[40:]))
    assert h.best_epoch == int(np.argmin(h.val_loss))


def test_monitor_training_false_records_the_mean_batch_cost():
    X, Y = separable()
    model = MLP([2, 1], output="sigmoid", loss="cross_entropy", seed=1)
    start = model.cost(X, Y)
    h = fit(model, X, Y, SGD(lr=0.5), epochs=1, batch_size=len(X), progress=False,
            monitor_training=False)
    assert h.loss == [pytest.approx(start)] and np.isnan(h.accuracy[0])   # one batch: cost before the step


@pytest.mark.parametrize("l2, l1", [(0.3, 0.0), (0.0, 0.2), (0.1, 0.05)])
def test_penalties_follow_the_gradient_of_the_penalized_cost(l2, l1):
    """One full-batch SGD step equals θ − η ∇[C + (l2/2)Σ‖W‖² + l1 Σ|W|], the gradient by finite differences."""
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(6, 3)), one_hot(rng.integers(0, 2, 6), 2)
    model, probe = (MLP([3, 4, 2], output="softmax", loss="cross_entropy", seed=5) for _ in range(2))

    def penalized():
        W = probe.weight_arrays()
        return (probe.cost(X, Y) + l2 / 2 * sum(np.sum(w ** 2) for w in W)
                + l1 * sum(np.sum(np.abs(w)) for w in W))

    expected = [p - 0.1 * numerical_gradient(penalized, p) for p in probe.parameters()]
    fit(model, X, Y, SGD(lr=0.1), epochs=1, batch_size=6, l2=l2, l1=l1, progress=False)
    for got, want in zip(model.parameters(), expected):
        np.testing.assert_allclose(got, want, atol=1e-8)


def test_early_stopping_stops_and_restores_the_best_weights():
    X, Y = separable()
    snapshots = []
    model = MLP([2, 1], output="sigmoid", loss="cross_entropy", seed=0)
    # validation labels flipped: the better the fit, the worse the validation loss
    h = fit(model, X, Y, SGD(lr=1.0), epochs=100, batch_size=8, validation=(X, 1 - Y),
            early_stopping=EarlyStopping(patience=3), progress=False,
            callbacks=[lambda epoch, hist, m: snapshots.append([p.copy() for p in m.parameters()])])
    assert h.stopped_early and h.epochs_run == h.best_epoch + 3 + 1 < 100
    assert h.val_loss[h.best_epoch] == min(h.val_loss)
    for got, best in zip(model.parameters(), snapshots[h.best_epoch]):
        np.testing.assert_array_equal(got, best)
    assert not np.array_equal(model.parameters()[0], snapshots[-1][0])


def test_best_weights_restored_when_epochs_run_out():
    X, Y = separable()
    snapshots = []
    model = MLP([2, 1], output="sigmoid", loss="cross_entropy", seed=0)
    stopper = EarlyStopping(patience=50)
    h = fit(model, X, Y, SGD(lr=1.0), epochs=4, batch_size=8, validation=(X, 1 - Y),
            early_stopping=stopper, progress=False,
            callbacks=lambda epoch, hist, m: snapshots.append(m.parameters()[0].copy()))
    assert not h.stopped_early and h.epochs_run == 4
    np.testing.assert_array_equal(model.parameters()[0], snapshots[h.best_epoch])
    again = fit(MLP([2, 1], output="sigmoid", loss="cross_entropy", seed=0), X, Y, SGD(lr=1.0),
                epochs=4, batch_size=8, validation=(X, 1 - Y), early_stopping=stopper, progress=False)
    assert again == h                                    # the stopper is reset at the start of fit


def test_callback_receives_epoch_history_model_and_can_stop():
    X, Y = separable()
    model = MLP([2, 1], output="sigmoid", loss="cross_entropy", seed=0)
    seen = []

    def stop_after_three(epoch, history, m):
        seen.append((epoch, len(history.loss), m is model))
        return epoch == 2

    h = fit(model, X, Y, SGD(lr=0.5), epochs=10, callbacks=[stop_after_three], progress=False)
    assert seen == [(0, 1, True), (1, 2, True), (2, 3, True)]
    assert h.epochs_run == 3 and h.stopped_early


def test_schedule_sets_the_learning_rate_each_epoch():
    X, Y = separable()
    opt = SGD(lr=1.0)
    h = fit(MLP([2, 1], output="sigmoid", loss="cross_entropy"), X, Y, opt, epochs=4,
            schedule=lambda epoch: 0.8 / (1 + epoch), progress=False)
    assert h.lr == pytest.approx([0.8, 0.4, 0.8 / 3, 0.2]) and opt.lr == pytest.approx(0.2)


def test_float32_model_stays_float32_and_inputs_are_untouched():
    X, Y = small_classifier()
    X_before, Y_before = X.copy(), Y.copy()
    model = MLP([2, 4, 2], output="softmax", loss="cross_entropy", dtype=np.float32)
    h = fit(model, X, Y, Momentum(lr=0.1), epochs=2, validation=(X, Y), progress=False)
    assert all(p.dtype == np.float32 for p in model.parameters())
    assert np.isfinite(h.loss).all()
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(Y, Y_before)


def test_fit_trains_a_sequential_model_with_l2():
    X, Y = small_classifier()
    net = Sequential([Dense(2, 16, seed=0), Tanh(), Dense(16, 2, seed=1)], SoftmaxCrossEntropyLoss())
    h = fit(net, X, Y, Adam(lr=0.02), epochs=60, batch_size=16, l2=1e-4, progress=False)
    assert h.loss[-1] < h.loss[0] / 3
    assert h.accuracy[-1] >= 0.95


def test_progress_bar_goes_to_stderr_only_when_asked(capsys):
    X, Y = separable()
    fit(MLP([2, 1], output="sigmoid", loss="cross_entropy"), X, Y, SGD(lr=0.5), epochs=2, progress=False)
    assert capsys.readouterr() == ("", "")
    fit(MLP([2, 1], output="sigmoid", loss="cross_entropy"), X, Y, SGD(lr=0.5), epochs=2, progress=True)
    out, err = capsys.readouterr()
    assert out == "" and "fit" in err
    assert err.endswith("\r") and "\n" not in err           # the bar is cleared when fit ends, not left behind
    assert re.search(r"\rfit: +\d+%", err) and re.search(r"[\d?]epoch/s|s/epoch\]", err)   # "fit: 50%|… epoch/s"


def test_no_warnings_with_saturated_units():
    X, Y = separable()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit(MLP([2, 1], output="sigmoid", loss="cross_entropy"), 1000 * X, Y, SGD(lr=10.0),
            epochs=3, progress=False)


def test_bundled_digits_reach_97_percent_test_accuracy():
    """Acceptance: a 64-64-10 ReLU/softmax network trained with momentum on the bundled digits."""
    X, y = load_digits()
    Xtr, ytr, Xva, yva, Xte, yte = train_val_test_split(X, y, val=0.15, test=0.15, seed=0)
    model = MLP([64, 64, 10], hidden="relu", output="softmax", loss="cross_entropy", init="he", seed=0)
    h = fit(model, Xtr, one_hot(ytr, 10), Momentum(lr=0.1), epochs=20, batch_size=32, seed=0,
            validation=(Xva, one_hot(yva, 10)), progress=False)
    assert accuracy(yte, model.forward(Xte)) >= 0.97
    assert h.val_accuracy[-1] >= 0.95


# ---------------------------------------------------------------- fit: errors

class NaNModel:
    """The smallest object with the model protocol, whose cost is NaN (a diverged run)."""

    def __init__(self):
        self.w = np.zeros((1, 2))

    def parameters(self):
        return [self.w]

    def weight_arrays(self):
        return [self.w]

    def loss_and_gradients(self, X, Y):
        return float("nan"), [np.zeros_like(self.w)]

    def forward(self, X):
        return X[:, :1]

    def cost(self, X, Y):
        return float("nan")


class NoParameters(NaNModel):
    def parameters(self):
        return []


def _fit(**overrides):
    X, Y = separable()
    kwargs = dict(model=MLP([2, 1], output="sigmoid", loss="cross_entropy"), X=X, Y=Y,
                  optimizer=SGD(lr=0.1), epochs=2, progress=False)
    kwargs.update(overrides)
    return fit(**kwargs)


@pytest.mark.parametrize("overrides, error, match", [
    ({"model": object()}, TypeError, r"model must follow the model protocol \(parameters, "
     r"loss_and_gradients, weight_arrays, forward, cost\); object lacks parameters, loss_and_gradients"),
    ({"model": NoParameters()}, ValueError, r"model has no parameters to train: NoParameters.parameters\(\) is empty"),
    ({"optimizer": "sgd"}, TypeError, r"optimizer must have .step\(params, grads\) and .lr, like "
     r"companion.optimizers.SGD; got str"),
    ({"optimizer": type("StepOnly", (), {"step": lambda self, p, g: None})()}, TypeError,
     r"optimizer must have .step\(params, grads\) and .lr, like companion.optimizers.SGD; got StepOnly"),
    ({"optimizer": type("LrOnly", (), {"lr": 0.1})()}, TypeError,
     r"optimizer must have .step\(params, grads\) and .lr, like companion.optimizers.SGD; got LrOnly"),
    ({"epochs": 0}, ValueError, r"epochs must be a positive int; got 0"),
    ({"batch_size": 0}, ValueError, r"batch_size must be a positive int; got 0"),
    ({"batch_size": 1.5}, TypeError, r"batch_size must be a positive int; got float 1.5"),
    ({"l2": -1.0}, ValueError, r"l2 must be a finite number ≥ 0; got -1.0"),
    ({"l1": "x"}, TypeError, r"l1 must be a number; got str"),
    ({"early_stopping": EarlyStopping()}, ValueError,
     r"early_stopping needs validation data: pass validation=\(X_val, Y_val\)"),
    ({"callbacks": [print, 3]}, TypeError, r"callbacks must be callables f\(epoch, history, model\); got 3"),
    ({"schedule": 0.1}, TypeError, r"schedule must be a function epoch -> learning rate; got 0.1"),
    ({"schedule": lambda e: -1.0}, ValueError, r"schedule\(epoch\) must be a finite number > 0; got -1.0"),
    ({"Y": np.ones(40)}, ValueError, r"Y must be 2-D targets \(n, k\), e.g. one_hot\(labels, k\) or "
     r"y.reshape\(-1, 1\); got shape \(40,\)"),
    ({"X": np.ones(40)}, ValueError, r"X must be a batch with shape \(n, …\), at least 2-D; got shape \(40,\)"),
    ({"X": np.ones((0, 2))}, ValueError, r"X is an empty batch \(shape \(0, 2\)\)"),
    ({"X": np.ones((39, 2))}, ValueError,
     r"X and Y must hold the same number of examples \(rows\); got 39 and 40"),
    ({"X": np.full((40, 2), np.inf)}, ValueError, r"X must be finite; found inf at index \(0, 0\)"),
    ({"Y": np.full((40, 1), np.nan)}, ValueError, r"Y must be finite; found nan"),
    ({"X": [["a", "b"]] * 40}, TypeError, r"X must hold real numbers"),
    ({"validation": np.ones((3, 2))}, TypeError, r"validation must be a tuple \(X_val, Y_val\); got ndarray"),
    ({"validation": (np.ones((3, 2)), np.ones((3, 1)), np.ones(3))}, TypeError,
     r"validation must be a tuple \(X_val, Y_val\); got tuple"),
    ({"validation": (np.ones((3, 2)), np.ones((4, 1)))}, ValueError,
     r"X_val and Y_val must hold the same number of examples \(rows\); got 3 and 4"),
    ({"validation": (np.ones((3, 5)), np.ones((3, 1)))}, ValueError,
     r"X_val must have 2 columns, shape \(n, 2\); got shape \(3, 5\)"),
    ({"validation": (np.ones((3, 2)), np.ones((3, 2)))}, ValueError,
     r"Y_val must have 1 columns, shape \(n, 1\); got shape \(3, 2\)"),
    ({"validation": (np.ones((0, 2)), np.ones((0, 1)))}, ValueError, r"X_val is an empty batch"),
    ({"validation": (np.ones((3, 2)), np.ones(3))}, ValueError, r"Y_val must be 2-D targets"),
    ({"model": NaNModel()}, FloatingPointError,
     r"training diverged in epoch 0: the mini-batch cost is nan; lower the learning rate "
     r"\(now optimizer.lr = 0.1\) or check the data"),
])
def test_fit_errors(overrides, error, match):
    with pytest.raises(error, match="^" + match):          # from the message's first character
        _fit(**overrides)


def test_finite_check_of_large_data_is_exact():
    from companion.training import _check_all_finite

    huge = np.array([[1e308, 1e308]])            # finite, although their sum overflows
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _check_all_finite("X", huge) is huge
        with pytest.raises(ValueError, match=r"Y must be finite; found -inf at index \(0, 0\)"):
            _check_all_finite("Y", np.array([[-np.inf, np.inf]]))
    with pytest.raises(ValueError, match=r"X must be finite; found nan at index \(1, 0\)"):
        _check_all_finite("X", np.array([[1.0, 2.0], [np.nan, 3.0]]))


# ---------------------------------------------------------------- bugs the suite once missed
class _Frozen:
    """An optimizer that never moves the parameters (every batch sees the same model)."""
    lr = 0.1

    def step(self, params, grads):
        pass


def test_running_loss_weights_each_batch_by_its_real_length():
    X, Y = separable(n=10)
    model = MLP([2, 3, 1], output="sigmoid", loss="cross_entropy", seed=2)
    h = fit(model, X, Y, _Frozen(), epochs=1, batch_size=4, progress=False, monitor_training=False)
    # batches of 4, 4 and 2: the size-weighted mean of batch means is the mean over all 10 examples
    assert h.loss[0] == pytest.approx(model.cost(X, Y), rel=1e-12)
    assert np.isnan(h.accuracy[0])


@pytest.mark.parametrize("stop_at, epochs, expected", [(None, 3, False), (2, 3, False), (1, 3, True), (0, 3, True)])
def test_stopped_early_only_when_training_ended_before_the_last_epoch(stop_at, epochs, expected):
    X, Y = separable()
    h = fit(MLP([2, 1], output="sigmoid", loss="cross_entropy", seed=0), X, Y, SGD(lr=0.5), epochs=epochs,
            progress=False, callbacks=lambda epoch, hist, m: epoch == stop_at)
    assert h.stopped_early is expected
    assert h.epochs_run == (epochs if stop_at is None else stop_at + 1)


def test_fit_trains_a_model_on_sequences_and_checks_their_shape():
    from companion.classic import Elman
    from companion.datasets import temporal_xor

    X, Y = temporal_xor(16, 6, seed=0)
    net = Elman(1, 6, 1, seed=0)
    h = fit(net, X, Y, Adam(lr=0.05), epochs=30, batch_size=8, progress=False)
    assert h.loss[-1] < 0.5 * h.loss[0] and np.isnan(h.accuracy[0])
    assert h.loss[-1] == pytest.approx(net.cost(X, Y))
    with pytest.raises(ValueError, match=r"X_val must have shape \(n, 6, 1\) like the training data"):
        fit(net, X, Y, Adam(lr=0.05), epochs=1, validation=(X[:, :3], Y), progress=False)


@pytest.mark.parametrize("X_val, Y_val, message", [
    (np.ones((3, 5)), np.ones((3, 1)), "X_val must have 2 columns, shape (n, 2); got shape (3, 5)"),
    (np.ones((3, 2, 1)), np.ones((3, 1)),
     "X_val must have shape (n, 2) like the training data; got shape (3, 2, 1)"),
    (np.ones((3, 2)), np.ones((3, 1, 1)), "Y_val must have shape (n, 1) like the training data; got shape (3, 1, 1)"),
])
def test_validation_shape_messages_are_whole(X_val, Y_val, message):
    # rows (n, d) get the columns message; any other shape is named as a whole
    with pytest.raises(ValueError) as caught:
        _fit(validation=(X_val, Y_val))
    assert str(caught.value) == message


def test_image_validation_data_of_the_wrong_shape_is_named_as_a_whole():
    X, Y = np.ones((4, 1, 3, 3)), np.ones((4, 1))
    with pytest.raises(ValueError) as caught:
        _fit(model=NaNModel(), X=X, Y=Y, validation=(np.ones((2, 9)), np.ones((2, 1))))
    assert str(caught.value) == "X_val must have shape (n, 1, 3, 3) like the training data; got shape (2, 9)"


def test_progress_bar_shows_the_loss_and_the_validation_accuracy_to_four_decimals():
    from companion.training import _postfix

    assert _postfix(History(loss=[0.5, 0.123456])) == {"loss": "0.1235"}
    assert _postfix(History(loss=[0.25], val_accuracy=[0.9, 0.87654])) == {"loss": "0.2500", "val_acc": "0.8765"}


def test_without_restore_best_the_model_keeps_its_last_weights():
    X, Y = separable()
    snapshots = []
    model = MLP([2, 1], output="sigmoid", loss="cross_entropy", seed=0)
    h = fit(model, X, Y, SGD(lr=1.0), epochs=100, batch_size=8, validation=(X, 1 - Y),
            early_stopping=EarlyStopping(patience=3, restore_best=False), progress=False,
            callbacks=[lambda epoch, hist, m: snapshots.append([p.copy() for p in m.parameters()])])
    assert h.stopped_early and h.best_epoch == int(np.argmin(h.val_loss)) < h.epochs_run - 1
    for got, last in zip(model.parameters(), snapshots[-1]):
        np.testing.assert_array_equal(got, last)


def test_a_reused_early_stopper_starts_afresh():
    X, Y = separable()
    stopper = EarlyStopping(patience=3)
    runs = [fit(MLP([2, 1], output="sigmoid", loss="cross_entropy", seed=0), X, Y, SGD(lr=1.0), epochs=100,
                batch_size=8, validation=(X, 1 - Y), early_stopping=stopper, progress=False) for _ in range(2)]
    assert runs[0].val_loss == runs[1].val_loss and runs[0].best_epoch == runs[1].best_epoch


def test_fit_defaults_ten_epochs_batches_of_32_seed_0_and_a_progress_bar(capsys):
    class CountingSGD(SGD):
        steps = 0

        def step(self, params, grads):
            CountingSGD.steps += 1
            super().step(params, grads)

    X, Y = separable(n=33)
    assert X.shape[0] == 33
    default = fit(MLP([2, 1], output="sigmoid", loss="cross_entropy", seed=0), X, Y, CountingSGD(lr=0.1))
    assert default.epochs_run == 10 and CountingSGD.steps == 10 * 2          # ⌈33/32⌉ = 2 batches an epoch
    assert "fit" in capsys.readouterr().err
    kw = dict(epochs=3, batch_size=5, progress=False)
    seeded = fit(MLP([2, 1], output="sigmoid", loss="cross_entropy", seed=0), X, Y, SGD(lr=0.1), seed=0, **kw)
    other = fit(MLP([2, 1], output="sigmoid", loss="cross_entropy", seed=0), X, Y, SGD(lr=0.1), seed=1, **kw)
    unseeded = fit(MLP([2, 1], output="sigmoid", loss="cross_entropy", seed=0), X, Y, SGD(lr=0.1), **kw)
    assert unseeded.loss == seeded.loss != other.loss
