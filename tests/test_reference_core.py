"""The companion agrees with values that CS231n, the Deep Learning Specialization and micrograd publish.

Each test converts the source's layout to ours explicitly:
- CS231n keeps examples as rows like us but stores W as (fan_in, fan_out): ours is its transpose.
- DLS keeps examples as COLUMNS, W as (n_l, n_{l-1}) like us, b as (n_l, 1): we transpose the data,
  ravel b, and move DLS's 1/m from dW into Δ (our Δ = dZ_DLSᵀ / m, since our cost is the batch mean).
Tolerances are the sources' own (tests/data/reference_core.json keeps their words).
"""

import numpy as np
import pytest
from reference_vectors import decode, load

from companion.activations import relu
from companion.gradcheck import numerical_gradient, relative_error
from companion.layers import Dense, ReLU, Sigmoid
from companion.losses import cross_entropy, one_hot
from companion.network import MLP
from companion.regularization import l2_penalty

DATA = load("reference_core.json")


def vec(name):
    """(inputs, expected) of an entry, arrays decoded."""
    v = DATA[name]
    return decode(v["inputs"]), decode(v["expected"])


def mlp_with(params, sizes, **kw):
    """An MLP holding given DLS/CS231n parameters (W already (n_l, n_{l-1}); b raveled)."""
    net = MLP(sizes, **kw)
    L = len(sizes) - 1
    net.weights = [np.array(params[f"W{l}"], dtype=float) for l in range(1, L + 1)]
    net.biases = [np.ravel(params[f"b{l}"]).astype(float) for l in range(1, L + 1)]
    return net


@pytest.mark.parametrize("name, l2_factor", [
    ("cs231n.fc_net.TwoLayerNet", 0.5),          # loss + 0.5·reg·ΣW²
    ("cs231n.neural_net.TwoLayerNet(toy)", 1.0),  # loss + reg·ΣW² (older convention)
])
def test_cs231n_two_layer_net_scores_and_loss(name, l2_factor):
    inp, exp = vec(name)
    p = inp["params"]
    D, H = p["W1"].shape
    C = p["W2"].shape[1]
    net = mlp_with({"W1": p["W1"].T, "b1": p["b1"], "W2": p["W2"].T, "b2": p["b2"]}, [D, H, C],
                   hidden="relu", output="softmax", loss="cross_entropy")
    zs, _ = net.forward_pass(inp["X"])
    assert np.abs(zs[-1] - exp["scores"]).sum() < 1e-6
    Y = one_hot(inp["y"], C)
    regs = inp["reg_values"] if "reg_values" in inp else [inp["reg"]]
    keys = ["loss_reg0", "loss_reg1"] if "reg_values" in inp else ["loss"]
    for reg, key in zip(regs, keys):
        # our l2_penalty(W, lam) = (lam/2)ΣW², so CS231n's c·reg·ΣW² is lam = 2·c·reg
        loss = net.cost(inp["X"], Y) + l2_penalty(net.weights, 2 * l2_factor * reg)
        assert abs(loss - exp[key]) < 1e-10


def test_dls_L_model_forward():
    inp, exp = vec("dls.c1w4.L_model_forward")
    p = inp["parameters"]
    sizes = [p["W1"].shape[1]] + [p[f"W{l}"].shape[0] for l in (1, 2, 3)]
    net = mlp_with(p, sizes, hidden="relu", output="sigmoid")
    zs, activations = net.forward_pass(inp["X"].T)
    np.testing.assert_allclose(activations[-1].T, exp["AL"], atol=1.5e-6)
    for l in (1, 2, 3):
        np.testing.assert_allclose(zs[l - 1].T, exp[f"Z{l}"], atol=1.5e-6)


def test_dls_linear_backward_is_bp3_bp4_and_the_input_gradient():
    inp, exp = vec("dls.c1w4.linear_backward")
    W, b, A_prev, dZ = inp["W"], inp["b"], inp["A_prev"], inp["dZ"]
    m = A_prev.shape[1]
    layer = Dense(W.shape[1], W.shape[0])
    layer.params["W"][...] = W
    layer.params["b"][...] = b.ravel()
    layer.forward(A_prev.T)
    dX = layer.backward(dZ.T / m)                   # our Δ carries the 1/m
    np.testing.assert_allclose(layer.grads["W"], exp["dW"], atol=1.5e-6)
    np.testing.assert_allclose(layer.grads["b"], exp["db"].ravel(), atol=1.5e-6)
    np.testing.assert_allclose(m * dX.T, exp["dA_prev"], atol=1.5e-6)  # DLS's dA_prev has no 1/m


def test_dls_L_model_backward_through_layers():
    # The source's AL and Z are random (not from a forward pass), so the layers are fed them directly.
    inp, exp = vec("dls.c1w4.L_model_backward")
    AL, Y = inp["AL"], inp["Y"].astype(float)
    (lin1, Z1), (lin2, Z2) = [((decode(a), decode(w), decode(bb)), decode(z)) for (a, w, bb), z in inp["caches"]]
    m = AL.shape[1]
    dAL = -(Y / AL - (1 - Y) / (1 - AL))            # DLS's dA^L, per example (no 1/m)
    grads = {}
    dA = dAL.T / m
    for l, ((A_prev, W, b), Z, act) in zip((2, 1), ((lin2, Z2, Sigmoid()), (lin1, Z1, ReLU()))):
        act.forward(Z.T)
        delta = act.backward(dA)
        dense = Dense(W.shape[1], W.shape[0])
        dense.params["W"][...], dense.params["b"][...] = W, b.ravel()
        dense.forward(A_prev.T)
        dA = dense.backward(delta)
        grads[f"dW{l}"], grads[f"db{l}"], grads[f"dA{l - 1}"] = dense.grads["W"], dense.grads["b"], m * dA.T
    for key, value in exp.items():
        np.testing.assert_allclose(np.reshape(grads[key], value.shape), value, atol=1.5e-6, err_msg=key)


def test_dls_compute_cost_is_our_binary_cross_entropy():
    inp, exp = vec("dls.c1w4.compute_cost")
    assert cross_entropy(inp["AL"].T, inp["Y"].T, binary=True) == pytest.approx(float(exp["cost"]), abs=1.5e-6)
    inp, exp = vec("dls.c1w3.compute_cost")
    (A1, Y1), (A2, Y2) = [[decode(x) for x in case] for case in (inp["case1"], inp["case2"])]
    assert cross_entropy(A1.T, Y1.T.astype(float), binary=True) == pytest.approx(exp["cost1"], rel=1e-5)
    assert cross_entropy(A2.reshape(-1, 1), Y2.T, binary=True) == pytest.approx(exp["cost2"], rel=1e-5)


def test_dls_c1w3_forward_tanh():
    inp, exp = vec("dls.c1w3.forward_propagation(tanh)")
    p = inp["parameters"]
    net = mlp_with(p, [p["W1"].shape[1], p["W1"].shape[0], p["W2"].shape[0]], hidden="tanh", output="sigmoid")
    zs, activations = net.forward_pass(inp["X"].T)
    for key, value in (("Z1", zs[0]), ("A1", activations[1]), ("Z2", zs[1]), ("A2", activations[2])):
        np.testing.assert_allclose(value.T, exp[key], rtol=1e-5, atol=1e-8, err_msg=key)


def test_dls_c1w3_backward_tanh_through_layers():
    # The cache is random (|A1| may exceed 1), so tanh'(z) = 1 − tanh²(z) is written from the cached A1
    # in this adapter; the Dense layers do the rest (BP3, BP4 and Δ W of BP2).
    inp, exp = vec("dls.c1w3.backward_propagation(tanh)")
    p, cache, X, Y = inp["parameters"], inp["cache"], inp["X"], inp["Y"]
    m = X.shape[1]
    dense2 = Dense(p["W2"].shape[1], p["W2"].shape[0])
    dense2.params["W"][...], dense2.params["b"][...] = p["W2"], p["b2"].ravel()
    dense2.forward(cache["A1"].T)
    dA1 = dense2.backward((cache["A2"] - Y).T / m)   # BP1 for sigmoid + cross-entropy: (A − Y)/m
    dense1 = Dense(p["W1"].shape[1], p["W1"].shape[0])
    dense1.params["W"][...], dense1.params["b"][...] = p["W1"], p["b1"].ravel()
    dense1.forward(X.T)
    dense1.backward(dA1 * (1 - cache["A1"].T ** 2))
    got = {"dW1": dense1.grads["W"], "db1": dense1.grads["b"], "dW2": dense2.grads["W"], "db2": dense2.grads["b"]}
    for key, value in exp.items():
        np.testing.assert_allclose(np.reshape(got[key], value.shape), value, rtol=1e-5, atol=1e-8, err_msg=key)


def test_dls_gradient_check_1d():
    inp, exp = vec("dls.c2w1.gradient_check(1-D, J=theta*x)")
    x, theta = float(inp["x"]), np.array([float(inp["theta"])])
    approx = numerical_gradient(lambda: theta[0] * x, theta, h=inp["epsilon"])
    difference = relative_error(np.array([x]), approx)   # dJ/dθ = x
    assert difference < 2e-7                            # the source's pass threshold
    assert difference == pytest.approx(exp["difference"], abs=1e-9)


def test_dls_gradient_check_n_correct_and_buggy_backprop():
    inp, exp = vec("dls.c2w1.gradient_check_n(3-layer relu/relu/sigmoid)")
    p = inp["parameters"]
    sizes = [p["W1"].shape[1], p["W1"].shape[0], p["W2"].shape[0], p["W3"].shape[0]]
    net = mlp_with(p, sizes, hidden="relu", output="sigmoid", loss="cross_entropy")
    X, Y = inp["X"].T, inp["Y"].reshape(-1, 1).astype(float)
    gw, gb = net.backprop(X, Y)
    # DLS orders θ as W1, b1, W2, b2, W3, b3 and perturbs with ε = 1e-7
    order = [(gw[l], net.weights[l]) for l in range(3)], [(gb[l], net.biases[l]) for l in range(3)]
    pairs = [x for l in range(3) for x in (order[0][l], order[1][l])]
    numeric = np.concatenate([numerical_gradient(lambda: net.cost(X, Y), param, h=inp["epsilon"]).ravel()
                              for _, param in pairs])
    analytic = np.concatenate([g.ravel() for g, _ in pairs])
    assert relative_error(analytic, numeric) < 2e-7   # the source's pass threshold for a correct backprop
    # The source's deliberately buggy backprop doubles dW2 and uses 4/m for db1.
    buggy = [g.ravel() * (2 if i == 2 else 4 if i == 1 else 1) for i, (g, _) in enumerate(pairs)]
    assert np.isclose(relative_error(np.concatenate(buggy), numeric), exp["difference_buggy_backprop"],
                      rtol=1e-5, atol=1e-8)


def test_micrograd_readme_derivatives_by_finite_differences():
    inp, exp = vec("micrograd.readme")

    def g(v):
        a, b = v
        c = a + b
        d = a * b + b**3
        c = c + c + 1
        c = c + 1 + c + (-a)
        d = d + d * 2 + relu(np.array([b + a]))[0]
        d = d + 3 * d + relu(np.array([b - a]))[0]
        e = c - d
        f = e**2
        out = f / 2.0
        return out + 10.0 / f

    v = np.array([inp["a"], inp["b"]])
    assert g(v) == pytest.approx(exp["g"], abs=1e-4)
    np.testing.assert_allclose(numerical_gradient(g, v, h=1e-6), [exp["dg_da"], exp["dg_db"]], atol=1e-3)
