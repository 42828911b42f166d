"""Tests for companion.optimizers.

Oracles: updates re-derived by hand as scalar arithmetic, PyTorch's momentum/Nesterov forms and
the textbook look-ahead Nesterov written out here, invariants (first-step sizes, scale
invariance), and published reference vectors from CS231n and the Deep Learning Specialization
(tests/data/reference_optimizers.json) converted to our parameterization explicitly.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference_vectors import cs231n_rel_error, decode, load

from companion.optimizers import (
    OPTIMIZERS,
    SGD,
    AdaGrad,
    Adam,
    Momentum,
    Nesterov,
    Optimizer,
    RMSProp,
    make_optimizer,
)

GRADS = (1.0, 2.0, -1.0)  # the gradient sequence of the hand-derived tests, θ0 = 1
EPS = 1e-8


def run(opt: Optimizer, grads=GRADS, theta0=1.0) -> list[float]:
    """θ after each step, for a single scalar parameter (shape (1,)) fed ``grads``."""
    p = np.array([theta0])
    out = []
    for g in grads:
        opt.step([p], [np.array([g])])
        out.append(float(p[0]))
    return out


def ref(name: str) -> dict:
    """A reference entry with every {"__array__": …} decoded to an ndarray."""
    return decode(load("reference_optimizers.json")[name])


# ---------------------------------------------------------------- hand-derived steps


def test_sgd_by_hand():
    # θ ← θ − ηg with η = 0.1: 1 − 0.1 = 0.9; 0.9 − 0.2 = 0.7; 0.7 + 0.1 = 0.8
    assert run(SGD(lr=0.1)) == pytest.approx([0.9, 0.7, 0.8], abs=1e-15)


def test_momentum_by_hand():
    # v ← 0.9v − 0.1g, θ ← θ + v
    # v1 = −0.1,                 θ1 = 0.9
    # v2 = −0.09 − 0.2 = −0.29,  θ2 = 0.61
    # v3 = −0.261 + 0.1 = −0.161, θ3 = 0.449
    opt = Momentum(lr=0.1, momentum=0.9)
    assert run(opt) == pytest.approx([0.9, 0.61, 0.449], abs=1e-15)
    assert opt.state[0]["v"][0] == pytest.approx(-0.161, abs=1e-15)


def test_nesterov_by_hand():
    # v ← 0.9v − 0.1g, θ ← θ + 0.9v − 0.1g (new v)
    # v1 = −0.1,   θ1 = 1 − 0.09 − 0.1 = 0.81
    # v2 = −0.29,  θ2 = 0.81 − 0.261 − 0.2 = 0.349
    # v3 = −0.161, θ3 = 0.349 − 0.1449 + 0.1 = 0.3041
    opt = Nesterov(lr=0.1, momentum=0.9)
    assert run(opt) == pytest.approx([0.81, 0.349, 0.3041], abs=1e-15)
    assert opt.state[0]["v"][0] == pytest.approx(-0.161, abs=1e-15)


def test_adagrad_by_hand():
    # G ← G + g², θ ← θ − 0.1 g/(√G + ε):  G = 1, 5, 6
    t1 = 1 - 0.1 * 1 / (1 + EPS)
    t2 = t1 - 0.1 * 2 / (math.sqrt(5) + EPS)
    t3 = t2 - 0.1 * -1 / (math.sqrt(6) + EPS)
    opt = AdaGrad(lr=0.1, eps=EPS)
    assert run(opt) == pytest.approx([t1, t2, t3], abs=1e-15)
    assert (t1, t2, t3) == pytest.approx((0.9, 0.810557, 0.851382), abs=1e-6)
    assert opt.state[0]["G"][0] == 6.0


def test_rmsprop_by_hand():
    # s ← 0.9s + 0.1g², θ ← θ − 0.01 g/(√s + ε):  s = 0.1, 0.09 + 0.4 = 0.49, 0.441 + 0.1 = 0.541
    t1 = 1 - 0.01 * 1 / (math.sqrt(0.1) + EPS)
    t2 = t1 - 0.01 * 2 / (0.7 + EPS)
    t3 = t2 - 0.01 * -1 / (math.sqrt(0.541) + EPS)
    opt = RMSProp(lr=0.01, rho=0.9, eps=EPS)
    assert run(opt) == pytest.approx([t1, t2, t3], abs=1e-14)
    assert opt.state[0]["s"][0] == pytest.approx(0.541, abs=1e-15)


def test_adam_by_hand():
    # t=1: m = 0.1,   v = 0.001;                m̂ = 0.1/0.1 = 1, v̂ = 0.001/0.001 = 1
    # t=2: m = 0.09 + 0.2 = 0.29, v = 0.000999 + 0.004 = 0.004999;  m̂ = 0.29/0.19, v̂ = 0.004999/0.001999
    # t=3: m = 0.261 − 0.1 = 0.161, v = 0.004994001 + 0.001 = 0.005994001;
    #      m̂ = 0.161/0.271, v̂ = 0.005994001/0.002997001   (1 − 0.9³ = 0.271, 1 − 0.999³ = 0.002997001)
    t1 = 1 - 0.1 * 1 / (1 + EPS)
    t2 = t1 - 0.1 * (0.29 / 0.19) / (math.sqrt(0.004999 / 0.001999) + EPS)
    t3 = t2 - 0.1 * (0.161 / 0.271) / (math.sqrt(0.005994001 / 0.002997001) + EPS)
    opt = Adam(lr=0.1, beta1=0.9, beta2=0.999, eps=EPS)
    assert run(opt) == pytest.approx([t1, t2, t3], abs=1e-12)
    st_ = opt.state[0]
    assert st_["t"] == 3
    assert st_["m"][0] == pytest.approx(0.161, abs=1e-15)
    assert st_["v"][0] == pytest.approx(0.005994001, abs=1e-15)


# ---------------------------------------------------------------- oracles for momentum forms


def pytorch_momentum(lr, mu, grads, theta0, nesterov=False):
    """PyTorch's SGD with momentum (dampening 0), written out: b ← μb + g; θ ← θ − η·(b or g + μb)."""
    theta, b = theta0.copy(), np.zeros_like(theta0)
    for g in grads:
        b = mu * b + g
        theta = theta - lr * (g + mu * b if nesterov else b)
    return theta, b


@pytest.mark.parametrize("cls, nesterov", [(Momentum, False), (Nesterov, True)])
def test_momentum_matches_pytorch_form_for_constant_lr(cls, nesterov):
    rng = np.random.default_rng(0)
    theta0 = rng.normal(size=(3, 4))
    grads = rng.normal(size=(25, 3, 4))
    theta_pt, b = pytorch_momentum(0.05, 0.8, grads, theta0, nesterov)
    opt, p = cls(lr=0.05, momentum=0.8), theta0.copy()
    for g in grads:
        opt.step([p], [g])
    np.testing.assert_allclose(p, theta_pt, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(opt.state[0]["v"], -0.05 * b, rtol=1e-12, atol=1e-12)  # v = −η b


def test_nesterov_is_lookahead_nag_shifted_by_mu_v():
    # Textbook NAG: v ← μv − η∇f(φ + μv), φ ← φ + v.  Our stored θ must equal φ + μv at every step.
    A = np.array([[3.0, 1.0], [1.0, 0.5]])
    grad = lambda x: A @ x  # noqa: E731  f = ½ xᵀAx
    mu, lr = 0.9, 0.1
    phi, v = np.array([1.0, -2.0]), np.zeros(2)
    opt, theta = Nesterov(lr=lr, momentum=mu), phi.copy()
    for _ in range(30):
        v = mu * v - lr * grad(phi + mu * v)
        phi = phi + v
        opt.step([theta], [grad(theta)])
        np.testing.assert_allclose(theta, phi + mu * v, rtol=1e-12, atol=1e-12)


def test_momentum_zero_is_sgd():
    rng = np.random.default_rng(1)
    grads = rng.normal(size=(5, 4))
    a, b = np.ones(4), np.ones(4)
    m, s = Momentum(0.1, momentum=0.0), SGD(0.1)
    for g in grads:
        m.step([a], [g])
        s.step([b], [g])
    np.testing.assert_allclose(a, b, rtol=1e-15)


# ---------------------------------------------------------------- invariants


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-1e3, 1e3).filter(lambda x: abs(x) > 1e-3), min_size=1, max_size=5))
def test_first_step_sizes(gs):
    g = np.array(gs)
    steps = {}
    for name, opt in [("adam", Adam(lr=0.1)), ("adagrad", AdaGrad(lr=0.1)), ("rmsprop", RMSProp(lr=0.1, rho=0.9))]:
        p = np.zeros_like(g)
        opt.step([p], [g])
        steps[name] = p
    # Adam and AdaGrad: the first step moves each coordinate by η·|g|/(|g|+ε) < η against the gradient
    for name in ("adam", "adagrad"):
        assert np.all(np.abs(steps[name]) <= 0.1)
        np.testing.assert_allclose(steps[name], -0.1 * np.sign(g), rtol=1e-4)
    # RMSprop: s = (1 − ρ) g², so the step is η/√(1 − ρ) = 0.1/√0.1
    np.testing.assert_allclose(steps["rmsprop"], -0.1 / math.sqrt(0.1) * np.sign(g), rtol=1e-4)


@pytest.mark.parametrize("name", ["adam", "rmsprop", "adagrad"])
def test_adaptive_methods_ignore_gradient_scale(name):
    # Multiplying every gradient by c > 0 leaves the path unchanged (up to ε): g/√(g²) is scale-free.
    rng = np.random.default_rng(2)
    grads = rng.normal(size=(10, 6))
    paths = []
    for c in (1.0, 1000.0):
        opt, p = make_optimizer(name, lr=0.01), np.zeros(6)
        for g in grads:
            opt.step([p], [c * g])
        paths.append(p)
    np.testing.assert_allclose(paths[0], paths[1], rtol=1e-5)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_state_is_per_parameter(name):
    # Stepping two arrays together equals stepping each with its own optimizer.
    rng = np.random.default_rng(3)
    g1, g2 = rng.normal(size=(4, 2, 3)), rng.normal(size=(4, 5))
    together = make_optimizer(name, lr=0.05)
    alone1, alone2 = make_optimizer(name, lr=0.05), make_optimizer(name, lr=0.05)
    a, b = np.ones((2, 3)), np.ones(5)
    a1, b2 = a.copy(), b.copy()
    for k in range(4):
        together.step([a, b], [g1[k], g2[k]])
        alone1.step([a1], [g1[k]])
        alone2.step([b2], [g2[k]])
    np.testing.assert_array_equal(a, a1)
    np.testing.assert_array_equal(b, b2)
    assert sorted(together.state) == [0, 1]


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_float32_stays_float32(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt = make_optimizer(name, lr=0.01)
        p32, p64 = np.ones((3, 2), np.float32), np.ones((3, 2))
        rng = np.random.default_rng(4)
        for _ in range(3):
            g = rng.normal(size=(3, 2))  # float64 gradients must not upcast a float32 parameter
            opt.step([p32], [g])
        ref64 = make_optimizer(name, lr=0.01)
        rng = np.random.default_rng(4)
        for _ in range(3):
            ref64.step([p64], [rng.normal(size=(3, 2))])
    assert p32.dtype == np.float32
    for buf in opt.state.get(0, {}).values():
        if isinstance(buf, np.ndarray):
            assert buf.dtype == np.float32
    np.testing.assert_allclose(p32, p64, rtol=1e-5)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_updates_in_place_and_leaves_grads_alone(name):
    opt = make_optimizer(name, lr=0.1)
    p = np.ones(3)
    g = np.array([1.0, -2.0, 3.0])
    g_before, p_id = g.copy(), id(p)
    params = [p]
    opt.step(params, [g])
    assert params[0] is p and id(p) == p_id
    assert not np.array_equal(p, np.ones(3))
    np.testing.assert_array_equal(g, g_before)


def test_reset_forgets_state_and_lr_is_settable():
    opt = Momentum(lr=0.1)
    p = np.ones(2)
    opt.step([p], [np.ones(2)])
    assert opt.state
    opt.reset()
    assert opt.state == {}
    opt.lr = 0.5
    assert opt.lr == 0.5
    q = np.zeros(2)
    opt.step([q], [np.ones(2)])
    np.testing.assert_allclose(q, [-0.5, -0.5])  # fresh v = −0.5·1


def test_make_optimizer_and_repr():
    assert isinstance(make_optimizer("adam"), Adam)
    opt = make_optimizer("rmsprop", lr=0.1, rho=0.5)
    assert isinstance(opt, RMSProp) and opt.rho == 0.5
    assert repr(opt) == "RMSProp(lr=0.1, rho=0.5, eps=1e-08)"
    assert set(OPTIMIZERS) == {"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"}


# ---------------------------------------------------------------- published reference vectors


def test_cs231n_sgd_momentum():
    r = ref("cs231n.sgd_momentum")
    i = r["inputs"]
    # CS231n's velocity is the step itself, v ← μv − η dw: the same variable as ours, no conversion.
    opt = Momentum(lr=i["learning_rate"], momentum=i["momentum"])
    opt.state[0] = {"v": i["velocity"].copy()}
    w = i["w"].copy()
    opt.step([w], [i["dw"]])
    bound = r["tolerance"]["bound"]
    assert cs231n_rel_error(w, r["expected"]["next_w"]) < bound
    assert cs231n_rel_error(opt.state[0]["v"], r["expected"]["velocity"]) < bound


def test_cs231n_rmsprop():
    r = ref("cs231n.rmsprop")
    i = r["inputs"]
    # CS231n's decay_rate is ρ; its cache is our s.
    opt = RMSProp(lr=i["learning_rate"], rho=i["decay_rate"], eps=i["epsilon"])
    opt.state[0] = {"s": i["cache"].copy()}
    w = i["w"].copy()
    opt.step([w], [i["dw"]])
    bound = r["tolerance"]["bound"]
    assert cs231n_rel_error(w, r["expected"]["next_w"]) < bound
    assert cs231n_rel_error(opt.state[0]["s"], r["expected"]["cache"]) < bound


def test_cs231n_adam():
    r = ref("cs231n.adam")
    i = r["inputs"]
    # Same convention: t stored is the count so far (5); it becomes 6 before use.
    opt = Adam(lr=i["learning_rate"], beta1=i["beta1"], beta2=i["beta2"], eps=i["epsilon"])
    opt.state[0] = {"m": i["m"].copy(), "v": i["v"].copy(), "t": i["t"]}
    w = i["w"].copy()
    opt.step([w], [i["dw"]])
    bound = r["tolerance"]["bound"]
    assert opt.state[0]["t"] == 6
    assert cs231n_rel_error(w, r["expected"]["next_w"]) < bound
    assert cs231n_rel_error(opt.state[0]["m"], r["expected"]["m"]) < bound
    assert cs231n_rel_error(opt.state[0]["v"], r["expected"]["v"]) < bound


DLS_ORDER = ("W1", "b1", "W2", "b2")


def dls_params(i) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """DLS dicts → our lists. W is (n_l, n_{l−1}) in both; DLS's b (n_l, 1) becomes (n_l,)."""
    params = [i["parameters"][k].ravel() if k[0] == "b" else i["parameters"][k].copy() for k in DLS_ORDER]
    grads = [i["grads"]["d" + k].ravel() if k[0] == "b" else i["grads"]["d" + k] for k in DLS_ORDER]
    return [np.array(p) for p in params], grads


def dls_expected(arr: np.ndarray, key: str) -> np.ndarray:
    return arr.ravel() if key[0] == "b" else arr


def test_dls_update_parameters_with_gd():
    r = ref("dls.c2w2.update_parameters_with_gd")
    params, grads = dls_params(r["inputs"])
    SGD(lr=r["inputs"]["learning_rate"]).step(params, grads)
    tol = r["tolerance"]
    for p, k in zip(params, DLS_ORDER):
        np.testing.assert_allclose(p, dls_expected(r["expected"][k], k), rtol=tol["rtol"], atol=tol["atol"])


def test_dls_update_parameters_with_momentum():
    # DLS: v ← βv + (1−β)g, θ ← θ − ηv.  Put u = −ηv: u ← βu − η(1−β)g, θ ← θ + u,
    # which is our Momentum with μ = β and learning rate η(1−β); its state is u = −η v_DLS.
    r = ref("dls.c2w2.update_parameters_with_momentum")
    i = r["inputs"]
    eta, beta = i["learning_rate"], i["beta"]
    params, grads = dls_params(i)
    opt = Momentum(lr=eta * (1 - beta), momentum=beta)
    opt.state = {n: {"v": -eta * dls_expected(i["v"]["d" + k], k)} for n, k in enumerate(DLS_ORDER)}
    opt.step(params, grads)
    atol = r["tolerance"]["atol"]  # assert_array_almost_equal(decimal=6)
    for n, k in enumerate(DLS_ORDER):
        np.testing.assert_allclose(params[n], dls_expected(r["expected"]["parameters"][k], k), rtol=0, atol=atol)
        v_dls = -opt.state[n]["v"] / eta
        np.testing.assert_allclose(v_dls, dls_expected(r["expected"]["v"]["d" + k], k), rtol=0, atol=atol)


def test_dls_update_parameters_with_adam():
    # DLS receives t already incremented (t = 2 here) and uses it as is; we increment before
    # use, so our stored count is t − 1. DLS's v, s are our m, v (uncorrected); ε is added to √ŝ.
    r = ref("dls.c2w2.update_parameters_with_adam")
    i = r["inputs"]
    params, grads = dls_params(i)
    opt = Adam(lr=i["learning_rate"], beta1=i["beta1"], beta2=i["beta2"], eps=i["epsilon"])
    opt.state = {
        n: {"m": dls_expected(i["v"]["d" + k], k).copy(), "v": dls_expected(i["s"]["d" + k], k).copy(),
            "t": i["t"] - 1}
        for n, k in enumerate(DLS_ORDER)
    }
    opt.step(params, grads)
    tol, exp = r["tolerance"], r["expected"]
    for n, k in enumerate(DLS_ORDER):
        assert opt.state[n]["t"] == i["t"]
        np.testing.assert_allclose(params[n], dls_expected(exp["parameters_full"][k], k),
                                   rtol=tol["rtol"], atol=tol["atol"])
        row0 = lambda a: a[0] if k[0] == "W" else a[:1]  # noqa: E731  DLS prints row 0 of each array
        np.testing.assert_allclose(row0(params[n]), exp["parameters_row0"][k], rtol=tol["rtol"], atol=tol["atol"])
        np.testing.assert_allclose(row0(opt.state[n]["m"]), exp["v_row0"]["d" + k], rtol=tol["rtol"], atol=tol["atol"])
        np.testing.assert_allclose(row0(opt.state[n]["v"]), exp["s_row0"]["d" + k], rtol=tol["rtol"], atol=tol["atol"])


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("lr, exc, msg", [
    (0.0, ValueError, r"lr must be a finite number > 0; got 0"),
    (-0.1, ValueError, r"lr must be a finite number > 0; got -0.1"),
    (float("inf"), ValueError, r"lr must be a finite number > 0; got inf"),
    ("0.1", TypeError, r"lr must be a number; got str"),
])
def test_bad_lr(lr, exc, msg):
    with pytest.raises(exc, match=msg):
        SGD(lr)
    opt = SGD(0.1)
    with pytest.raises(exc, match=msg):
        opt.lr = lr


@pytest.mark.parametrize("make, msg", [
    (lambda: Momentum(0.1, momentum=1.0), r"momentum must be in \[0.0, 1.0\); got 1.0"),
    (lambda: Momentum(0.1, momentum=-0.1), r"momentum must be in \[0.0, 1.0\); got -0.1"),
    (lambda: Nesterov(0.1, momentum=1.5), r"momentum must be in \[0.0, 1.0\); got 1.5"),
    (lambda: RMSProp(0.1, rho=1.0), r"rho must be in \[0.0, 1.0\); got 1.0"),
    (lambda: RMSProp(0.1, rho=-0.5), r"rho must be in \[0.0, 1.0\); got -0.5"),
    (lambda: Adam(beta1=1.0), r"beta1 must be in \[0.0, 1.0\); got 1.0"),
    (lambda: Adam(beta2=-0.001), r"beta2 must be in \[0.0, 1.0\); got -0.001"),
    (lambda: Adam(eps=0.0), r"eps must be a finite number > 0; got 0.0"),
    (lambda: AdaGrad(0.1, eps=-1e-8), r"eps must be a finite number > 0; got -1e-08"),
    (lambda: RMSProp(0.1, eps=0), r"eps must be a finite number > 0; got 0"),
])
def test_bad_hyper_parameters(make, msg):
    with pytest.raises(ValueError, match=msg):
        make()


def test_step_argument_errors():
    # every message starts with the argument at fault (the patterns are anchored with ^)
    opt = SGD(0.1)
    p = np.ones((2, 3))
    with pytest.raises(ValueError, match=r"^params and grads must have the same length \(one gradient per "
                                         r"parameter\); got 1 params and 2 grads"):
        opt.step([p], [p, p])
    with pytest.raises(ValueError, match=r"^grads\[0\] must have the shape of params\[0\] \(2, 3\); got \(3, 2\)"):
        opt.step([p], [np.ones((3, 2))])
    with pytest.raises(TypeError, match=r"^params must be a list of arrays; got ndarray \(wrap a single array as \[x\]\)"):
        opt.step(p, [p])
    with pytest.raises(TypeError, match=r"^grads must be a list of arrays; got ndarray \(wrap a single array as \[x\]\)"):
        opt.step([p], p)
    with pytest.raises(TypeError, match=r"^params\[0\] must be a float ndarray \(it is updated in place\); got list"):
        opt.step([[1.0, 2.0]], [np.ones(2)])
    with pytest.raises(TypeError, match=r"^params\[0\] must be a float ndarray \(it is updated in place\); "
                                        r"got ndarray of dtype int64"):
        opt.step([np.ones(2, dtype=np.int64)], [np.ones(2)])
    with pytest.raises(TypeError, match=r"^grads\[0\] must hold real numbers; got dtype <U1"):
        opt.step([np.ones(1)], [np.array(["a"])])
    # a dict of parameters (the Deep Learning Specialization's layout) is no single array: no "wrap as [x]" hint
    with pytest.raises(TypeError, match=r"^params must be a list of arrays; got dict$"):
        opt.step({"W1": p}, [p])


def test_non_finite_gradient_names_the_parameter_and_suggests_lower_lr():
    opt = Momentum(0.5)
    a, b = np.ones(2), np.ones(3)
    msg = (r"grads\[1\] \(the gradient of parameter 1\) contains NaN or inf: training has diverged; "
           r"lower the learning rate \(lr=0.5\) or check the loss")
    with pytest.raises(ValueError, match=msg):
        opt.step([a, b], [np.ones(2), np.array([1.0, np.nan, 0.0])])
    with pytest.raises(ValueError, match=msg):
        opt.step([a, b], [np.ones(2), np.array([1.0, np.inf, 0.0])])
    # nothing was updated: checks happen before any parameter moves
    np.testing.assert_array_equal(a, np.ones(2))
    assert opt.state == {}


def test_shape_change_between_steps_is_an_error():
    opt = Adam(0.1)
    opt.step([np.ones(2), np.ones((2, 3))], [np.ones(2), np.ones((2, 3))])
    with pytest.raises(ValueError, match=r"params\[1\] has shape \(3, 3\) but the optimizer's state 'm' for "
                                         r"that position has shape \(2, 3\) from earlier steps; parameters must "
                                         r"keep their shapes and order — call reset\(\) before using the optimizer "
                                         r"on another model"):
        opt.step([np.ones(2), np.ones((3, 3))], [np.ones(2), np.ones((3, 3))])


def test_make_optimizer_errors():
    with pytest.raises(ValueError, match=r"unknown optimizer 'adamw'; expected one of \['adagrad', 'adam', "
                                         r"'momentum', 'nesterov', 'rmsprop', 'sgd'\]"):
        make_optimizer("adamw")
    with pytest.raises(TypeError, match=r"^SGD does not take \['momentum'\]; its hyper-parameters are \['lr'\]"):
        make_optimizer("sgd", lr=0.1, momentum=0.9)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_float32_parameter_stays_float32_through_100_steps(name):
    # The updates use Python-float hyper-parameters without casts: NumPy ≥ 2 keeps float32 float32.
    opt = make_optimizer(name, lr=0.01)
    params = [np.ones((4, 3), np.float32), np.zeros(3, np.float32)]
    rng = np.random.default_rng(5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(100):
            opt.step(params, [rng.normal(size=p.shape).astype(np.float32) for p in params])
    assert [p.dtype for p in params] == [np.float32, np.float32]
    assert all(np.isfinite(p).all() for p in params)
    for state in opt.state.values():
        assert all(buf.dtype == np.float32 for buf in state.values() if isinstance(buf, np.ndarray))


def test_reprs_show_every_hyper_parameter_with_the_documented_defaults():
    from companion.optimizers import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSProp

    assert [repr(o) for o in (SGD(0.1), Momentum(0.1), Nesterov(0.1), AdaGrad(0.1), RMSProp(0.1), Adam())] == [
        "SGD(lr=0.1)", "Momentum(lr=0.1, momentum=0.9)", "Nesterov(lr=0.1, momentum=0.9)",
        "AdaGrad(lr=0.1, eps=1e-08)", "RMSProp(lr=0.1, rho=0.9, eps=1e-08)",
        "Adam(lr=0.001, beta1=0.9, beta2=0.999, eps=1e-08)"]


def test_adamw_is_adam_plus_decoupled_decay_by_hand():
    from companion.optimizers import AdamW
    # two steps θ0 = 1, g = 2 then −1, λ = 0.5, η = 0.1: θ ← θ − η(m̂/(√v̂+ε) + λθ_old)
    theta, m, v = 1.0, 0.0, 0.0
    for t, g in ((1, 2.0), (2, -1.0)):
        m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
        theta = theta - 0.1 * ((m / (1 - 0.9 ** t)) / (math.sqrt(v / (1 - 0.999 ** t)) + EPS) + 0.5 * theta)
    assert run(AdamW(0.1, weight_decay=0.5), grads=(2.0, -1.0))[-1] == pytest.approx(theta, rel=1e-12)
    # λ = 0 is Adam exactly
    assert run(AdamW(0.1, weight_decay=0.0)) == run(Adam(0.1))


def test_adamw_decay_is_not_rescaled_unlike_coupled_l2():
    from companion.optimizers import AdamW
    # With zero data gradient, AdamW shrinks every weight by (1 − ηλ) per step, whatever its size;
    # coupled L2 (g = λθ fed to Adam) moves every weight by about η, a huge relative change for small ones.
    w = np.array([1e-3, 1.0])
    dec = AdamW(0.01, weight_decay=0.1)
    p = w.copy()
    for _ in range(10):
        dec.step([p], [np.zeros(2)])
    np.testing.assert_allclose(p, w * (1 - 0.01 * 0.1) ** 10, rtol=1e-12)
    coupled, q = Adam(0.01), w.copy()
    for _ in range(10):
        coupled.step([q], [0.1 * q])
    assert q[0] < 0 < q[1]      # the small weight was driven through zero, the large one barely moved
    assert abs(q[1] - 1) < 0.11


def test_adamw_validates_weight_decay():
    from companion.optimizers import AdamW
    with pytest.raises(ValueError, match="weight_decay must be a finite number ≥ 0"):
        AdamW(0.1, weight_decay=-1.0)
    assert "weight_decay=0.2" in repr(AdamW(0.1, weight_decay=0.2))


def test_adamw_defaults_are_adams_with_a_decay_of_one_hundredth():
    from companion.optimizers import AdamW
    # Adam's defaults (Kingma & Ba: η = 1e-3, β₁ = 0.9, β₂ = 0.999, ε = 1e-8) and λ = 1e-2 (PyTorch's AdamW)
    assert repr(AdamW()) == "AdamW(lr=0.001, beta1=0.9, beta2=0.999, eps=1e-08, weight_decay=0.01)"
    # one step with a zero gradient only decays: θ ← θ(1 − ηλ) = 2·(1 − 1e-5)
    p = np.array([2.0])
    AdamW().step([p], [np.zeros(1)])
    assert p[0] == pytest.approx(2.0 * (1 - 1e-3 * 1e-2), rel=1e-15)
