"""Practice questions for chapter 12, *Toward deep learning* (solutions/12_toward_deep_learning_practice.ipynb).

Convolutions are cross-correlations as in PyTorch, images are NCHW. The references are the
companion's tested layers (``companion.convolution``), which the learner's answers may not call.
"""
from __future__ import annotations

import numpy as np

from course_check.spec import Case, Question
from grader.secret import case_rng

__all__ = ["QUESTIONS", "receptive_field_ref"]


# ---------------------------------------------------------------- q7 receptive field of a stack
def receptive_field_ref(kernels, strides):
    """Side of the input window one unit of the last layer sees, for a stack of convolution or
    pooling layers with kernel sizes k_l and strides s_l (padding does not change the size):

        r = 1 + Σ_l (k_l − 1) · Π_{i<l} s_i

    (layer l's k_l neighbours are s_1·…·s_{l−1} input pixels apart). Checked in grader/tests against
    the set of inputs an impulse reaches, layer by layer."""
    r, jump = 1, 1
    for k, s in zip(kernels, strides):
        r += (int(k) - 1) * jump
        jump *= int(s)
    return np.int64(r)


def _receptive_field_cases() -> list[Case]:
    rng = case_rng(1207)
    return [
        Case(([3, 3], [1, 1])),                            # two 3×3 stride-1 convolutions: 5
        Case(([3, 2, 3], [1, 2, 1])),                      # conv, 2×2 pool, conv: 8
        Case(([5, 2, 5, 2], [1, 2, 1, 2]), hidden=True),   # LeNet-like: 16
        Case(([int(k) for k in rng.integers(1, 6, size=6)], [int(s) for s in rng.integers(1, 4, size=6)]), hidden=True),
        Case(([7], [2]), hidden=True),                     # one layer: its kernel
    ]

_CONV_NAMES = ("companion.convolution.conv2d", "companion.convolution.Conv2D", "companion.layers.Conv2D")


# ---------------------------------------------------------------- q1 conv2d_single
def _conv2d_single_ref(x, k):
    from companion.convolution import conv2d

    x, k = np.asarray(x, dtype=np.float64), np.asarray(k, dtype=np.float64)
    return conv2d(x[None, None], k[None, None])[0, 0]


def _conv2d_single_cases() -> list[Case]:
    rng = case_rng(1201)
    cases = [Case((np.arange(1.0, 10.0).reshape(3, 3), np.array([[1.0, 0.0], [0.0, -1.0]])))]
    for (h, w), (kh, kw), hidden in (((5, 6), (3, 3), False), ((8, 8), (3, 2), True),
                                     ((4, 7), (4, 1), True), ((6, 5), (1, 1), True)):
        cases.append(Case((rng.normal(size=(h, w)), rng.normal(size=(kh, kw))), hidden=hidden))
    return cases


# ---------------------------------------------------------------- q2 output_size
def _output_size_ref(n, k, stride, padding):
    from companion.convolution import conv2d_output_size

    return conv2d_output_size(n, k, stride, padding)


def _output_size_cases() -> list[Case]:
    visible = [(8, 3, 1, 0), (28, 5, 1, 2), (7, 3, 2, 0)]
    hidden = [(28, 3, 2, 1), (32, 5, 3, 1), (10, 4, 4, 0), (5, 5, 1, 0), (1, 3, 1, 1), (227, 11, 4, 0)]
    return [Case(a) for a in visible] + [Case(a, hidden=True) for a in hidden]


# ---------------------------------------------------------------- q3 conv_weight_grad
def _conv_weight_grad_ref(X, G, kh, kw):
    from companion.convolution import Conv2D

    X, G = np.asarray(X, dtype=np.float64), np.asarray(G, dtype=np.float64)
    layer = Conv2D(X.shape[1], G.shape[1], (kh, kw), seed=0)
    layer.forward(X)
    layer.backward(G)
    return layer.grads["W"]


def _conv_weight_grad_cases() -> list[Case]:
    rng = case_rng(1203)
    cases = []
    for n, c, o, h, w, kh, kw, hidden in ((1, 1, 1, 3, 3, 2, 2, False), (2, 2, 3, 5, 5, 3, 3, False),
                                          (3, 3, 2, 6, 7, 3, 2, True), (4, 1, 4, 8, 8, 3, 3, True),
                                          (1, 2, 1, 4, 4, 4, 4, True)):
        X = rng.normal(size=(n, c, h, w))
        G = rng.normal(size=(n, o, h - kh + 1, w - kw + 1))
        cases.append(Case((X, G, kh, kw), hidden=hidden))
    return cases


# ---------------------------------------------------------------- q4 maxpool_backward
def _maxpool_backward_ref(X, dout, size):
    from companion.convolution import MaxPool2D

    pool = MaxPool2D(size)
    pool.forward(np.asarray(X, dtype=np.float64))
    return pool.backward(np.asarray(dout, dtype=np.float64))


def _maxpool_backward_cases() -> list[Case]:
    rng = case_rng(1204)
    cases = []
    for n, c, h, w, size, hidden in ((1, 1, 4, 4, 2, False), (2, 3, 6, 6, 2, False), (2, 2, 6, 9, 3, True),
                                     (1, 1, 5, 5, 2, True), (3, 1, 4, 6, 2, True)):
        X = rng.permutation(n * c * h * w).reshape(n, c, h, w) / 10.0     # distinct values: no ties
        dout = rng.normal(size=(n, c, h // size, w // size))
        cases.append(Case((X, dout, size), hidden=hidden))
    return cases


# ---------------------------------------------------------------- q5 count_parameters
def _count_parameters_ref(layers):
    total = 0
    for spec in layers:
        if spec[0] == "conv":
            _, c_in, c_out, k = spec
            total += c_out * c_in * k * k + c_out
        elif spec[0] == "dense":
            _, n_in, n_out = spec
            total += n_in * n_out + n_out
    return total


def _count_parameters_cases() -> list[Case]:
    return [
        Case(([("conv", 1, 8, 3), ("pool", 2), ("flatten",), ("dense", 72, 10)],)),
        Case(([("dense", 64, 12), ("relu",), ("dense", 12, 10)],)),
        Case(([("conv", 1, 6, 5), ("pool", 2), ("conv", 6, 16, 5), ("pool", 2), ("flatten",),
               ("dense", 256, 120), ("dense", 120, 84), ("dense", 84, 10)],), hidden=True),
        Case(([("conv", 3, 64, 3), ("relu",), ("conv", 64, 64, 3)],), hidden=True),
        Case(([("flatten",), ("dense", 784, 10)],), hidden=True),
    ]


def _count_parameters_judge(output, case: Case):
    """Check the count against the formula and against the companion's own layers."""
    from companion.convolution import Conv2D
    from companion.layers import Dense

    expected = 0
    for spec in case.args[0]:
        if spec[0] == "conv":
            layer = Conv2D(spec[1], spec[2], spec[3], seed=0)
        elif spec[0] == "dense":
            layer = Dense(spec[1], spec[2], init="xavier", seed=0)
        else:
            continue
        expected += sum(p.size for p in layer.params.values())
    assert expected == _count_parameters_ref(case.args[0])
    try:
        got = float(np.asarray(output).reshape(()))
    except (TypeError, ValueError):
        return False, f"expected one number, got {type(output).__name__}"
    if got != expected:
        return False, f"got {got:g} parameters, expected {expected}"
    return True, f"{expected} parameters"


# ---------------------------------------------------------------- q6 derivation
def _derivation_ref():
    """∂C/∂X[1, 1] for Z = conv(X, W), W = [[1, 2], [3, 4]], C = Σ_pq (p + 1) Z[p, q], X 4×4."""
    from companion.convolution import Conv2D

    layer = Conv2D(1, 1, 2, seed=0)
    layer.params["W"][...] = np.array([[1.0, 2.0], [3.0, 4.0]])
    layer.forward(np.zeros((1, 1, 4, 4)))
    G = np.repeat(np.arange(1.0, 4.0)[:, None], 3, axis=1)           # ∂C/∂Z[p, q] = p + 1
    return float(layer.backward(G[None, None])[0, 0, 1, 1])


def _derivation_cases() -> list[Case]:
    return [Case(())]


#: version of this question set (docs/question-changes.md); raise it when a change can change a score
VERSION = "2"

QUESTIONS: list[Question] = [
    Question(
        id="q1",
        title="Convolution forward pass, one channel",
        function="conv2d_single",
        points=2,
        cases=_conv2d_single_cases,
        reference=_conv2d_single_ref,
        rtol=1e-10,
        atol=1e-12,
        forbidden=_CONV_NAMES,
        hint="check the output shape first; loop over the kernel offsets, not the output positions, adding a scaled "
             "slice of x shifted by the offset; no flipping of the kernel (cross-correlation, as in PyTorch)",
    ),
    Question(
        id="q2",
        title="The output-size formula",
        function="output_size",
        points=1,
        cases=_output_size_cases,
        reference=_output_size_ref,
        output="scalar",
        atol=0.0,
        forbidden=("companion.convolution.conv2d_output_size",),
        hint="count the positions where the kernel fits along the padded axis: how long is that axis, "
             "and how many strides fit after the first position? Return a Python int, not a float",
    ),
    Question(
        id="q3",
        title="Conv2D backward: the gradient of the weights",
        function="conv_weight_grad",
        points=3,
        cases=_conv_weight_grad_cases,
        reference=_conv_weight_grad_ref,
        rtol=1e-9,
        atol=1e-10,
        forbidden=_CONV_NAMES,
        hint="each weight is shared by every example and output position, so its gradient is a sum over them; "
             "loop only over the kh*kw offsets and line up a shifted slice of X with G; dW must be (o, c, kh, kw)",
    ),
    Question(
        id="q4",
        title="Max-pool backward",
        function="maxpool_backward",
        points=2,
        cases=_maxpool_backward_cases,
        reference=_maxpool_backward_ref,
        atol=1e-12,
        forbidden=("companion.convolution.MaxPool2D", "companion.layers.MaxPool2D"),
        hint="route each window's incoming gradient to where that window's maximum sits and put zero everywhere "
             "else, including the rows and columns beyond the last whole window; dX has the shape of X",
    ),
    Question(
        id="q5",
        title="Counting the parameters of an architecture",
        function="count_parameters",
        points=1,
        cases=_count_parameters_cases,
        judge=_count_parameters_judge,
        output="scalar",
        hint="handle each kind of layer on its own: what shapes do a conv layer's kernel bank and biases have "
             "(the chapter's conventions), and a dense layer's W and b? Layers without weights add nothing",
    ),
    Question(
        id="q6",
        title="Derivation: a gradient through shared weights",
        function="derivation_answer",
        points=2,
        cases=_derivation_cases,
        reference=_derivation_ref,
        output="scalar",
        atol=1e-9,
        forbidden=_CONV_NAMES,
        hint="find the four output positions whose 2x2 window covers X[1, 1] and which kernel entry touches "
             "it in each; G depends on the row p only; check your number with the finite-difference cell",
    ),
    Question(
        id="q7",
        title="Derivation: the receptive field of a stack of layers",
        function="receptive_field",
        points=2,
        cases=_receptive_field_cases,
        reference=receptive_field_ref,
        output="scalar",
        hint="go from the input upwards and keep two numbers: the window seen so far, and how many input "
             "pixels apart two neighbouring units of the current layer are; a layer widens the window by "
             "its extra kernel entries times that spacing, and its stride changes the spacing",
    ),
]
