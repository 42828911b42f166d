"""Gradient-based optimizers that update a list of parameter arrays in place.

Every optimizer follows one small protocol::

    opt = Momentum(lr=0.1, momentum=0.9)
    for X, Y in batches:
        loss, grads = model.loss_and_gradients(X, Y)
        opt.step(model.parameters(), grads)      # each array changes in place

``params`` and ``grads`` are lists aligned by position: ``grads[i]`` is ∂C/∂``params[i]`` and
has the same shape. Each optimizer keeps its buffers (velocity, squared-gradient sums, moments)
*per parameter*, keyed by the position in the list, in ``opt.state[i]`` — a dict whose keys are
the symbols of the update formula (``"v"``, ``"G"``, ``"s"``, ``"m"``, ``"t"``). The buffers
have the parameter's shape and dtype, so float32 training stays float32. ``reset()`` forgets
all buffers (call it before reusing an optimizer on a different model).

Notation used in the docstrings: θ a parameter array, g = ∂C/∂θ its gradient, η the learning
rate ``lr``; every operation on arrays is elementwise.

Example
-------
>>> from companion.optimizers import SGD, Momentum
>>> w = np.array([1.0])
>>> SGD(lr=0.1).step([w], [np.array([2.0])])          # θ ← θ − ηg, in place
>>> w
array([0.8])
>>> w, opt = np.array([1.0]), Momentum(lr=0.1, momentum=0.5)
>>> for _ in range(2):
...     opt.step([w], [np.array([1.0])])              # v ← μv − ηg = −0.1, then −0.15
>>> w.round(12)
array([0.75])
"""
from __future__ import annotations

import inspect

import numpy as np

from companion._validation import check_choice, check_in_range, check_positive

__all__ = [
    "Optimizer",
    "SGD",
    "Momentum",
    "Nesterov",
    "AdaGrad",
    "RMSProp",
    "Adam",
    "AdamW",
    "OPTIMIZERS",
    "make_optimizer",
]


class Optimizer:
    """Base class: validates ``step`` arguments and keeps per-parameter state.

    Subclasses implement ``_init_state(param) -> dict`` (the buffers a new parameter starts
    with) and ``_update(param, grad, state, lr)`` (one in-place update of ``param``, written
    like its formula: with NumPy ≥ 2 a Python-float hyper-parameter does not upcast a float32
    array, so float32 parameters stay float32 without casts).

    Parameters
    ----------
    lr : float
        Learning rate η > 0. Settable between steps (``opt.lr = 0.01``), e.g. by a schedule.

    Attributes
    ----------
    state : dict[int, dict]
        ``state[i]`` holds the buffers of ``params[i]``; empty until the first ``step``.
    """

    def __init__(self, lr: float) -> None:
        self.lr = lr
        self.state: dict[int, dict] = {}

    @property
    def lr(self) -> float:
        """Learning rate η (a finite number > 0)."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = check_positive("lr", value)

    def _hyper(self) -> dict:
        """Hyper-parameters shown by ``repr`` (subclasses add theirs)."""
        return {"lr": self.lr}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._hyper().items())
        return f"{type(self).__name__}({args})"

    def reset(self) -> None:
        """Forget every per-parameter buffer (velocities, moments, step counts)."""
        self.state = {}

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """Update every array of ``params`` in place from the aligned ``grads``.

        Parameters
        ----------
        params : list of float ndarrays
            The live parameter arrays (any shapes); modified in place.
        grads : list of arrays
            ``grads[i]`` has the shape of ``params[i]``; not modified. Must be finite.
        """
        _check_lists(params, grads)
        checked = [_check_pair(i, p, g, self.lr) for i, (p, g) in enumerate(zip(params, grads))]
        states = [self._state_for(i, p) for i, p in enumerate(params)]  # all checked before any update
        for p, g, state in zip(params, checked, states):
            self._update(p, g, state, self.lr)

    def _state_for(self, i: int, p: np.ndarray) -> dict:
        """Return the buffers of parameter ``i``, creating them on first use."""
        if i not in self.state:
            self.state[i] = self._init_state(p)
        for key, buf in self.state[i].items():
            if isinstance(buf, np.ndarray) and buf.shape != p.shape:
                raise ValueError(
                    f"params[{i}] has shape {p.shape} but the optimizer's state {key!r} for that "
                    f"position has shape {buf.shape} from earlier steps; parameters must keep "
                    "their shapes and order — call reset() before using the optimizer on another model"
                )
        return self.state[i]

    def _init_state(self, p: np.ndarray) -> dict:
        return {}

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict, lr) -> None:
        raise NotImplementedError


def _check_lists(params, grads) -> None:
    """Both must be lists/tuples of the same length (a bare array is a common slip)."""
    for name, seq in (("params", params), ("grads", grads)):
        if not isinstance(seq, (list, tuple)):
            hint = " (wrap a single array as [x])" if isinstance(seq, np.ndarray) else ""
            raise TypeError(f"{name} must be a list of arrays; got {type(seq).__name__}{hint}")
    if len(params) != len(grads):
        raise ValueError(
            f"params and grads must have the same length (one gradient per parameter); "
            f"got {len(params)} params and {len(grads)} grads"
        )


def _check_pair(i: int, p, g, lr: float) -> np.ndarray:
    """Check one parameter/gradient pair; return the gradient as an array of ``p``'s dtype."""
    if not isinstance(p, np.ndarray) or p.dtype.kind != "f":
        got = f"ndarray of dtype {p.dtype}" if isinstance(p, np.ndarray) else type(p).__name__
        raise TypeError(
            f"params[{i}] must be a float ndarray (it is updated in place); got {got}"
        )
    g_arr = np.asarray(g)
    if g_arr.dtype.kind not in "biuf":
        raise TypeError(f"grads[{i}] must hold real numbers; got dtype {g_arr.dtype}")
    if g_arr.shape != p.shape:
        raise ValueError(
            f"grads[{i}] must have the shape of params[{i}] {p.shape}; got {g_arr.shape}"
        )
    if not np.isfinite(g_arr).all():
        raise ValueError(
            f"grads[{i}] (the gradient of parameter {i}) contains NaN or inf: training has "
            f"diverged; lower the learning rate (lr={lr:g}) or check the loss"
        )
    return g_arr.astype(p.dtype, copy=False)


class SGD(Optimizer):
    r"""Plain (stochastic) gradient descent.

    Update, for each parameter θ with gradient g:

        θ ← θ − η g

    Parameters
    ----------
    lr : float
        Learning rate η > 0.
    """

    def _update(self, p, g, state, lr) -> None:
        p -= lr * g


class Momentum(Optimizer):
    r"""Gradient descent with (heavy-ball) momentum.

    Update, with velocity v (starts at 0, shape of θ):

        v ← μ v − η g
        θ ← θ + v

    ``v`` stores the step itself (η inside), as in CS231n. PyTorch writes the same method as
    b ← μ b + g, θ ← θ − η b; with a constant η the two give identical θ, with v = −η b.

    Parameters
    ----------
    lr : float
        Learning rate η > 0.
    momentum : float
        Momentum coefficient μ in [0, 1); μ = 0 is plain SGD.
    """

    def __init__(self, lr: float, momentum: float = 0.9) -> None:
        super().__init__(lr)
        self.momentum = check_in_range("momentum", momentum, 0.0, 1.0)

    def _hyper(self) -> dict:
        return {"lr": self.lr, "momentum": self.momentum}

    def _init_state(self, p) -> dict:
        return {"v": np.zeros_like(p)}

    def _update(self, p, g, state, lr) -> None:
        v = state["v"]
        v *= self.momentum
        v -= lr * g
        p += v


class Nesterov(Momentum):
    r"""Nesterov accelerated gradient, in the "look-ahead" form (as in CS231n and PyTorch).

    Update, with velocity v (starts at 0) and g the gradient at the *stored* parameters:

        v ← μ v − η g
        θ ← θ + μ v − η g          (v here is the new velocity)

    Relation to the textbook form. Nesterov's method evaluates the gradient at a look-ahead
    point: v ← μ v − η ∇C(φ + μ v), φ ← φ + v. Store θ = φ + μ v instead of φ; then the
    gradient is taken at the stored θ, and substituting gives exactly the two lines above
    (equivalently θ ← θ − μ v_old + (1 + μ) v_new). Both forms visit the same points shifted by
    μ v; at convergence (v → 0) they coincide. PyTorch's ``nesterov=True``,
    b ← μ b + g, θ ← θ − η (g + μ b), is the same update with v = −η b.

    Parameters
    ----------
    lr : float
        Learning rate η > 0.
    momentum : float
        Momentum coefficient μ in [0, 1).
    """

    def _update(self, p, g, state, lr) -> None:
        v = state["v"]
        v *= self.momentum
        v -= lr * g
        p += self.momentum * v - lr * g


class AdaGrad(Optimizer):
    r"""AdaGrad: per-coordinate learning rates shrinking with the accumulated squared gradient.

    Update, with G the running sum of squared gradients (starts at 0):

        G ← G + g²
        θ ← θ − η g / (√G + ε)

    Parameters
    ----------
    lr : float
        Learning rate η > 0.
    eps : float
        ε > 0 added to √G (outside the square root) to avoid dividing by zero.
    """

    def __init__(self, lr: float, eps: float = 1e-8) -> None:
        super().__init__(lr)
        self.eps = check_positive("eps", eps)

    def _hyper(self) -> dict:
        return {"lr": self.lr, "eps": self.eps}

    def _init_state(self, p) -> dict:
        return {"G": np.zeros_like(p)}

    def _update(self, p, g, state, lr) -> None:
        G = state["G"]
        G += g * g
        p -= lr * g / (np.sqrt(G) + self.eps)


class RMSProp(Optimizer):
    r"""RMSprop: AdaGrad with an exponentially decaying average of squared gradients.

    Update, with s the running mean square (starts at 0):

        s ← ρ s + (1 − ρ) g²
        θ ← θ − η g / (√s + ε)

    ε sits outside the square root (as in CS231n; PyTorch does the same).

    Parameters
    ----------
    lr : float
        Learning rate η > 0.
    rho : float
        Decay rate ρ in [0, 1) of the average (CS231n calls it ``decay_rate``).
    eps : float
        ε > 0.
    """

    def __init__(self, lr: float, rho: float = 0.9, eps: float = 1e-8) -> None:
        super().__init__(lr)
        self.rho = check_in_range("rho", rho, 0.0, 1.0)
        self.eps = check_positive("eps", eps)

    def _hyper(self) -> dict:
        return {"lr": self.lr, "rho": self.rho, "eps": self.eps}

    def _init_state(self, p) -> dict:
        return {"s": np.zeros_like(p)}

    def _update(self, p, g, state, lr) -> None:
        s = state["s"]
        s *= self.rho
        s += (1 - self.rho) * g * g
        p -= lr * g / (np.sqrt(s) + self.eps)


class Adam(Optimizer):
    r"""Adam: momentum on the gradient and RMSprop scaling, both bias-corrected.

    Update, with moments m, v (start at 0) and step count t (starts at 0, incremented
    *before* use, so the first step uses t = 1):

        t ← t + 1
        m ← β₁ m + (1 − β₁) g
        v ← β₂ v + (1 − β₂) g²
        m̂ = m / (1 − β₁ᵗ),   v̂ = v / (1 − β₂ᵗ)
        θ ← θ − η m̂ / (√v̂ + ε)

    ``state[i]`` stores the uncorrected m and v and the count t of that parameter. On the
    first step m̂ = g and v̂ = g², so every coordinate moves by about η in the direction −sign(g).

    Parameters
    ----------
    lr : float
        Learning rate η > 0.
    beta1, beta2 : float
        Decay rates β₁, β₂ in [0, 1) of the first and second moment.
    eps : float
        ε > 0 added to √v̂ (outside the square root).
    """

    def __init__(
        self, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
    ) -> None:
        super().__init__(lr)
        self.beta1 = check_in_range("beta1", beta1, 0.0, 1.0)
        self.beta2 = check_in_range("beta2", beta2, 0.0, 1.0)
        self.eps = check_positive("eps", eps)

    def _hyper(self) -> dict:
        return {"lr": self.lr, "beta1": self.beta1, "beta2": self.beta2, "eps": self.eps}

    def _init_state(self, p) -> dict:
        return {"m": np.zeros_like(p), "v": np.zeros_like(p), "t": 0}

    def _update(self, p, g, state, lr) -> None:
        b1, b2 = self.beta1, self.beta2
        state["t"] += 1
        t = state["t"]
        m, v = state["m"], state["v"]
        m *= b1
        m += (1 - b1) * g
        v *= b2
        v += (1 - b2) * g * g
        m_hat = m / (1 - b1**t)
        v_hat = v / (1 - b2**t)
        p -= lr * m_hat / (np.sqrt(v_hat) + self.eps)


class AdamW(Adam):
    r"""AdamW: Adam with *decoupled* weight decay (Loshchilov & Hutter, 2019).

    Adam's moments see only the gradient g of the data cost; the decay acts on θ directly:

        t ← t + 1
        m ← β₁ m + (1 − β₁) g
        v ← β₂ v + (1 − β₂) g²
        m̂ = m / (1 − β₁ᵗ),   v̂ = v / (1 − β₂ᵗ)
        θ ← θ − η (m̂ / (√v̂ + ε) + λ θ)

    (θ on the right is the value before the step.) With λ = 0 this is ``Adam``. The difference
    from *coupled* L2 — adding λθ to g before Adam — is that the decay is not divided by
    √v̂: every weight shrinks by the same factor (1 − ηλ) per step, whereas coupled L2 shrinks
    weights with small gradients much harder (chapter 10). Decay is applied to every array
    passed to ``step``; pass only the weights if biases should not decay.

    Parameters
    ----------
    lr : float
        Learning rate η > 0.
    beta1, beta2 : float
        Decay rates β₁, β₂ in [0, 1) of the first and second moment.
    eps : float
        ε > 0 added to √v̂.
    weight_decay : float
        λ ≥ 0, the decay per unit learning rate.
    """

    def __init__(
        self, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
        weight_decay: float = 1e-2,
    ) -> None:
        super().__init__(lr, beta1, beta2, eps)
        self.weight_decay = check_positive("weight_decay", weight_decay, allow_zero=True)

    def _hyper(self) -> dict:
        return {**super()._hyper(), "weight_decay": self.weight_decay}

    def _update(self, p, g, state, lr) -> None:
        decay = lr * self.weight_decay * p          # from θ before the Adam step
        super()._update(p, g, state, lr)
        p -= decay


OPTIMIZERS: dict[str, type[Optimizer]] = {
    "sgd": SGD,
    "momentum": Momentum,
    "nesterov": Nesterov,
    "adagrad": AdaGrad,
    "rmsprop": RMSProp,
    "adam": Adam,
}   # the six optimizers of chapter 7 (the race and the widget use exactly these); AdamW is chapter 10's


def make_optimizer(name: str, **kwargs) -> Optimizer:
    """Build an optimizer from its name (a key of ``OPTIMIZERS``) and hyper-parameters.

    Example: ``make_optimizer("momentum", lr=0.1, momentum=0.5)``. Unknown names and keyword
    arguments the chosen optimizer does not take raise ``ValueError``/``TypeError`` listing
    what is accepted.
    """
    check_choice("optimizer", name, OPTIMIZERS)
    cls = OPTIMIZERS[name]
    accepted = [k for k in inspect.signature(cls.__init__).parameters if k != "self"]
    unknown = sorted(set(kwargs) - set(accepted))
    if unknown:
        raise TypeError(
            f"{cls.__name__} does not take {unknown}; its hyper-parameters are {accepted}"
        )
    return cls(**kwargs)
