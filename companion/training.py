"""The training loop: shuffled mini-batches, an optimizer step per batch, a history per epoch.

``fit`` works with any *model* that follows the course's model protocol (``MLP``,
``Sequential`` and ``companion.classic.Elman`` do)::

    model.parameters()             -> list of the live parameter arrays
    model.loss_and_gradients(X, Y) -> (C, grads), grads aligned with parameters()
    model.weight_arrays()          -> the weight matrices (what L1/L2 penalize)
    model.forward(X)               -> outputs (n, k), or (n, …) for images or sequences
    model.cost(X, Y)               -> C, the batch-mean cost

and any *optimizer* with a settable ``.lr`` and ``.step(params, grads)`` that updates the
arrays in place (``companion.optimizers``).

One epoch is one pass over the training set in a random order: the indices ``0..n−1`` are
shuffled and cut into mini-batches (sampling *without* replacement), and for each batch

    g ← ∇C_batch + l2·W + l1·sign(W)   (penalty terms on weight matrices only)
    optimizer.step(params, g)

Example
-------
>>> from companion.training import minibatches
>>> batches = list(minibatches(10, 4, rng=0))
>>> [len(b) for b in batches]                         # the last batch keeps the 10 mod 4 left over
[4, 4, 2]
>>> sorted(np.concatenate(batches).tolist()) == list(range(10))
True
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from tqdm.auto import tqdm

from companion._validation import (
    as_float_array,
    check_batch,
    check_finite,
    check_int,
    check_positive,
    check_rows_match,
    make_rng,
)
from companion.metrics import accuracy as _accuracy
from companion.regularization import l1_gradient, l2_gradient

__all__ = ["minibatches", "History", "fit"]

_MODEL_METHODS = ("parameters", "loss_and_gradients", "weight_arrays", "forward", "cost")


def minibatches(n: int, batch_size: int, rng: np.random.Generator | int = 0) -> Iterator[np.ndarray]:
    """Yield the indices of one epoch's mini-batches: a random permutation of ``0..n−1`` cut
    into consecutive chunks of ``batch_size``.

    Every index appears in exactly one batch (sampling without replacement); all batches
    hold ``batch_size`` indices except the last, which keeps the ``n mod batch_size``
    left over (it is not dropped).

    Parameters
    ----------
    n : int ≥ 1
        Number of training examples.
    batch_size : int ≥ 1
        Examples per batch (``batch_size ≥ n`` gives one full batch: full-batch gradient descent).
    rng : np.random.Generator or int seed, default 0
        Source of the shuffle; pass the same generator every epoch for a new order each epoch
        (``fit`` and ``RBM.fit`` do: this is the package's one mini-batcher).

    Yields
    ------
    idx : (m,) int64 with ``m = batch_size`` (``m ≤ batch_size`` for the last batch)
    """
    n = check_int("n", n)
    batch_size = check_int("batch_size", batch_size)
    rng = rng if isinstance(rng, np.random.Generator) else make_rng(seed=rng)
    order = rng.permutation(n)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]


@dataclass
class History:
    """What happened during ``fit``, one entry per epoch (index 0 = the first epoch).

    Attributes
    ----------
    loss, accuracy : list of float
        Cost ``C`` (the data term, without the L1/L2 penalty) and accuracy on the training set
        after each epoch (see ``fit``'s ``monitor_training``).
    val_loss, val_accuracy : list of float
        The same on the validation set (empty without validation data).
    lr : list of float
        Learning rate used during each epoch.
    epochs_run : int
        Epochs completed.
    best_epoch : int or None
        Epoch with the lowest validation loss (with early stopping and ``restore_best``:
        the epoch whose weights the model holds after ``fit``); None without validation.
    stopped_early : bool
        True when early stopping or a callback ended training before ``epochs``.
    """

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    epochs_run: int = 0
    best_epoch: int | None = None
    stopped_early: bool = False


def _check_model(model, optimizer) -> None:
    """Raise ``TypeError`` unless model and optimizer offer what ``fit`` calls."""
    missing = [m for m in _MODEL_METHODS if not callable(getattr(model, m, None))]
    if missing:
        raise TypeError(f"model must follow the model protocol ({', '.join(_MODEL_METHODS)}); "
                        f"{type(model).__name__} lacks {', '.join(missing)}")
    if not callable(getattr(optimizer, "step", None)) or not hasattr(optimizer, "lr"):
        raise TypeError(f"optimizer must have .step(params, grads) and .lr, like "
                        f"companion.optimizers.SGD; got {type(optimizer).__name__}")


def _check_all_finite(name: str, X: np.ndarray) -> np.ndarray:
    """``check_finite`` without a boolean copy of a large ``X``: NaN and ±inf make the float64
    sum non-finite, and only then is the exact check (which names the first bad entry) run."""
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.sum(X, dtype=np.float64)
    if not np.isfinite(total):
        check_finite(name, X)
    return X


def _check_example_shape(name: str, X: np.ndarray, example: tuple | None) -> np.ndarray:
    """Check that each example of ``X`` has the shape ``example`` (that of the training data)."""
    if example is not None and X.shape[1:] != example:
        if len(example) == 1 and X.ndim == 2:
            raise ValueError(f"{name} must have {example[0]} columns, shape (n, {example[0]}); got shape {X.shape}")
        raise ValueError(f"{name} must have shape (n, {', '.join(map(str, example))}) like the training "
                         f"data; got shape {X.shape}")
    return X


def _check_inputs(name: str, X, dtype, example: tuple | None = None) -> np.ndarray:
    """``X`` as a finite, non-empty batch (n, …) of ``dtype`` — rows (n, d), images, sequences."""
    X = check_batch(name, as_float_array(name, X, dtype))
    return _check_all_finite(name, _check_example_shape(name, X, example))


def _check_targets(name: str, Y, dtype, example: tuple | None = None) -> np.ndarray:
    """``Y`` as a finite float batch (n, k) or (n, …) of ``dtype``; 1-D labels get a hint to use one_hot."""
    Y = as_float_array(name, Y, dtype)
    if Y.ndim < 2:
        raise ValueError(f"{name} must be 2-D targets (n, k), e.g. one_hot(labels, k) or "
                         f"y.reshape(-1, 1); got shape {Y.shape}")
    return _check_all_finite(name, _check_example_shape(name, check_batch(name, Y), example))


def _check_data(X, Y, validation, dtype):
    """Validate training and validation data; return them as arrays of the model's dtype."""
    X, Y = _check_inputs("X", X, dtype), _check_targets("Y", Y, dtype)
    check_rows_match("X", X, "Y", Y)
    if validation is None:
        return X, Y, None
    if not isinstance(validation, (tuple, list)) or len(validation) != 2:
        raise TypeError(f"validation must be a tuple (X_val, Y_val); got {type(validation).__name__}")
    Xv = _check_inputs("X_val", validation[0], dtype, example=X.shape[1:])
    Yv = _check_targets("Y_val", validation[1], dtype, example=Y.shape[1:])
    check_rows_match("X_val", Xv, "Y_val", Yv)
    return X, Y, (Xv, Yv)


def _penalized(params, grads, weight_ids, l2: float, l1: float) -> list:
    """Add the L2 and L1 penalty gradients to the gradients of the weight matrices."""
    if not (l2 or l1):
        return grads
    out = []
    for p, g in zip(params, grads):
        if id(p) in weight_ids:
            if l2:
                g = g + l2_gradient(p, l2)
            if l1:
                g = g + l1_gradient(p, l1)
        out.append(g)
    return out


def _train_epoch(model, optimizer, X, Y, batch_size, rng, l2, l1, epoch) -> float:
    """One pass of mini-batch updates; return the size-weighted mean of the batch costs."""
    params = model.parameters()
    weight_ids = {id(w) for w in model.weight_arrays()}
    total = 0.0
    for idx in minibatches(X.shape[0], batch_size, rng):
        cost, grads = model.loss_and_gradients(X[idx], Y[idx])
        if not math.isfinite(cost):
            raise FloatingPointError(
                f"training diverged in epoch {epoch}: the mini-batch cost is {cost}; lower the "
                f"learning rate (now optimizer.lr = {optimizer.lr}) or check the data")
        optimizer.step(params, _penalized(params, grads, weight_ids, l2, l1))
        total += float(cost) * len(idx)
    return total / X.shape[0]


def _evaluate(model, X, Y) -> tuple[float, float]:
    """(cost, accuracy) of the model on a data set; accuracy by argmax, or ≥ 0.5 for one column
    (NaN for targets that are not rows (n, k), e.g. sequences)."""
    accuracy = _accuracy(Y, model.forward(X)) if Y.ndim == 2 else math.nan
    return float(model.cost(X, Y)), accuracy


def _record(history, model, X, Y, val, running_loss, monitor, lr) -> None:
    """Append one epoch's numbers to the history."""
    loss, acc = _evaluate(model, X, Y) if monitor else (running_loss, math.nan)
    history.loss.append(loss)
    history.accuracy.append(acc)
    history.lr.append(float(lr))
    if val is not None:
        val_loss, val_acc = _evaluate(model, *val)
        history.val_loss.append(val_loss)
        history.val_accuracy.append(val_acc)
    history.epochs_run += 1


def _postfix(history: History) -> dict:
    """The numbers shown next to the progress bar."""
    shown = {"loss": f"{history.loss[-1]:.4f}"}
    if history.val_accuracy:
        shown["val_acc"] = f"{history.val_accuracy[-1]:.4f}"
    return shown


def _check_options(epochs, batch_size, l2, l1, early_stopping, validation, callbacks, schedule):
    """Validate the scalar options of ``fit``; return (epochs, batch_size, l2, l1, callbacks)."""
    epochs, batch_size = check_int("epochs", epochs), check_int("batch_size", batch_size)
    l2, l1 = check_positive("l2", l2, allow_zero=True), check_positive("l1", l1, allow_zero=True)
    if early_stopping is not None and validation is None:
        raise ValueError("early_stopping needs validation data: pass validation=(X_val, Y_val)")
    callbacks = (callbacks,) if callable(callbacks) else tuple(callbacks)
    for cb in callbacks:
        if not callable(cb):
            raise TypeError(f"callbacks must be callables f(epoch, history, model); got {cb!r}")
    if schedule is not None and not callable(schedule):
        raise TypeError(f"schedule must be a function epoch -> learning rate; got {schedule!r}")
    return epochs, batch_size, l2, l1, callbacks


def _should_stop(epoch, history, model, early_stopping, callbacks) -> bool:
    """Ask early stopping (on the latest validation loss) and every callback whether to stop."""
    stop = False
    if early_stopping is not None:
        stop = bool(early_stopping.update(history.val_loss[-1], model.parameters()))
    for cb in callbacks:
        stop = bool(cb(epoch, history, model)) or stop
    return stop


def _finish(history, model, early_stopping) -> History:
    """Set ``best_epoch`` and, with early stopping and restore_best, put back the best weights."""
    if history.val_loss:
        history.best_epoch = int(np.argmin(history.val_loss))
    if early_stopping is not None and getattr(early_stopping, "restore_best", True):
        early_stopping.restore(model.parameters())
        history.best_epoch = int(early_stopping.best_epoch)
    return history


def fit(model, X, Y, optimizer, epochs: int = 10, batch_size: int = 32, seed: int | None = 0,
        validation: tuple[np.ndarray, np.ndarray] | None = None, l2: float = 0.0, l1: float = 0.0,
        early_stopping=None, callbacks: Sequence[Callable] | Callable = (), progress: bool = True,
        schedule: Callable[[int], float] | None = None, monitor_training: bool = True) -> History:
    """Train ``model`` by mini-batch gradient descent with ``optimizer``; return a ``History``.

    Each epoch: set ``optimizer.lr = schedule(epoch)`` (if a schedule is given); visit the
    training set in a fresh random order in mini-batches of ``batch_size`` (see
    ``minibatches``); for each batch compute ``(C, ∇C)`` with ``model.loss_and_gradients``,
    add the penalty gradients ``l2·W`` and ``l1·sign(W)`` to the weight matrices
    (``model.weight_arrays()``; biases are not penalized), and call
    ``optimizer.step(model.parameters(), grads)``. Then record the epoch's numbers, and stop
    if ``early_stopping`` or a callback says so.

    Parameters
    ----------
    model : MLP, Sequential or any object with the model protocol (module docstring)
    X : (n, d) inputs;  Y : (n, k) targets (one-hot for classification)
        Converted once to the dtype of the model's parameters (float32 models stay float32).
        Any batch (n, …) is accepted — images (n, c, h, w), sequences (n, T, d) — when the model
        takes it; the accuracy is then recorded as NaN unless ``Y`` is (n, k).
    optimizer : object with ``.step(params, grads)`` and ``.lr``, e.g. ``Adam(lr=1e-3)``
    epochs : int ≥ 1;  batch_size : int ≥ 1 (the last batch of an epoch may be smaller)
    seed : int
        Seeds the shuffling; the same seed, a freshly built model and optimizer give the same
        history exactly.
    validation : tuple (X_val (m, d), Y_val (m, k)), optional
        Evaluated after every epoch (``val_loss``, ``val_accuracy``); needed for early stopping.
    l2, l1 : float ≥ 0
        Penalty strengths: the cost minimized is ``C + (l2/2)·Σ‖W‖² + l1·Σ|W|``.
    early_stopping : companion.regularization.EarlyStopping, optional
        Reset at the start, then fed the validation loss after each epoch (its ``update``);
        when it says stop, training ends. With ``restore_best`` the model gets the weights of
        the best epoch back when training ends (stopped early or not).
    callbacks : callables ``f(epoch, history, model)``
        Called after each epoch (after early stopping's check); returning True stops training.
    progress : bool
        Show a progress bar over epochs (``tqdm.auto``: a widget in Jupyter, text on stderr)
        with the training loss and validation accuracy; False shows nothing. A bar differs from
        run to run: in a notebook checked by nbval, tag the cell ``nbval-ignore-output``.
    schedule : callable ``epoch -> lr``, optional, e.g. ``companion.schedules.step_decay(0.1)``.
    monitor_training : bool
        True (default): ``history.loss``/``accuracy`` are measured on the whole training set
        after each epoch. False: ``loss`` is the mean of the epoch's mini-batch costs and
        ``accuracy`` is NaN — no extra pass over the data (for timing).

    Returns
    -------
    History
        Per-epoch lists (index 0 = first epoch), ``epochs_run``, ``best_epoch``, ``stopped_early``.

    Raises
    ------
    FloatingPointError
        When a mini-batch cost becomes NaN or infinite (training diverged).
    """
    _check_model(model, optimizer)
    epochs, batch_size, l2, l1, callbacks = _check_options(
        epochs, batch_size, l2, l1, early_stopping, validation, callbacks, schedule)
    params = model.parameters()
    if not params:
        raise ValueError(f"model has no parameters to train: {type(model).__name__}.parameters() is empty")
    X, Y, val = _check_data(X, Y, validation, params[0].dtype)
    rng, history = make_rng(seed), History()
    if early_stopping is not None and callable(getattr(early_stopping, "reset", None)):
        early_stopping.reset()      # a stopper reused from an earlier run starts afresh
    with tqdm(range(epochs), desc="fit", unit="epoch", leave=False, disable=not progress) as bar:
        for epoch in bar:
            if schedule is not None:
                optimizer.lr = check_positive("schedule(epoch)", schedule(epoch))
            running = _train_epoch(model, optimizer, X, Y, batch_size, rng, l2, l1, epoch)
            _record(history, model, X, Y, val, running, monitor_training, optimizer.lr)
            bar.set_postfix(_postfix(history), refresh=False)
            if _should_stop(epoch, history, model, early_stopping, callbacks):
                history.stopped_early = epoch + 1 < epochs
                break
    return _finish(history, model, early_stopping)
