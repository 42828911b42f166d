"""Tests of companion.widgets, headless: build each explorer, move a control, check what it drew.

The numbers an explorer reports are checked against closed forms (gradient descent on a
quadratic, ordinary least squares, the derivatives of the activations) and against invariants
(ridge regression's training error grows with λ; a wider least-squares layer never fits worse).
"""
import matplotlib

matplotlib.use("Agg")

import ipywidgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from companion import widgets  # noqa: E402
from companion.optimizers import OPTIMIZERS  # noqa: E402
from companion.widgets import (  # noqa: E402
    Explorer,
    activation_explorer,
    learning_rate_explorer,
    optimizer_race,
    regularization_explorer,
    width_explorer,
)

BUILDERS = [learning_rate_explorer, optimizer_race, activation_explorer, regularization_explorer, width_explorer]


pytestmark = pytest.mark.usefixtures("strict_figures")


# --------------------------------------------------------------------------- every explorer


@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__)
def test_explorer_builds_headless_with_controls_figure_and_state(build, capsys):
    w = build()
    assert isinstance(w, ipywidgets.VBox) and isinstance(w, Explorer)
    assert w.controls and all(isinstance(c, ipywidgets.ValueWidget) for c in w.controls.values())
    assert isinstance(w.figure, Figure) and w.figure.axes
    assert w.state
    assert w.output in w.children
    for ax in w.figure.axes:
        assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    assert capsys.readouterr().out == ""  # nothing printed outside a notebook


def test_snapshot_is_a_png_of_the_figure_and_pyplot_keeps_no_figure_open():
    plt.close("all")
    w = activation_explorer()
    assert plt.get_fignums() == []  # nothing for pyplot to show twice in a notebook
    image = w.snapshot()
    assert image.format == "png" and image.data[:8] == b"\x89PNG\r\n\x1a\n"


def test_hold_redraws_once_after_several_changes():
    w = learning_rate_explorer(surface="round bowl")
    calls = []
    draw = w._draw
    w._draw = lambda fig, values: calls.append(values) or draw(fig, values)
    with w.hold():
        w.controls["lr"].value = 1.0
        w.controls["steps"].value = 3
    assert len(calls) == 1 and calls[0]["lr"] == 1.0 and calls[0]["steps"] == 3


# --------------------------------------------------------------------------- learning rate


@pytest.mark.parametrize("lr", [0.01, 0.3, 1.2, 1.9])
def test_learning_rate_final_point_matches_closed_form(lr):
    # On f = ½‖x‖² gradient descent multiplies x by (1 − η) each step: x_k = (1 − η)^k x_0.
    w = learning_rate_explorer(surface="round bowl", steps=10)
    w.controls["lr"].value = lr
    x0 = np.array([-1.8, 1.5])
    expected = (1 - w.state["lr"]) ** 10 * x0
    np.testing.assert_allclose(w.state["final_point"], expected, rtol=1e-9, atol=1e-300)
    np.testing.assert_allclose(w.state["final_loss"], 0.5 * expected @ expected, rtol=1e-9, atol=1e-300)
    np.testing.assert_allclose(w.state["initial_loss"], 0.5 * x0 @ x0)


def test_learning_rate_regimes_on_the_round_bowl():
    w = learning_rate_explorer(surface="round bowl", steps=30)
    seen = {}
    for lr in (0.02, 0.8, 1.5, 2.5):  # η·λ_max: ≪ 1, < 1, between 1 and 2, > 2
        w.controls["lr"].value = lr
        seen[lr] = dict(w.state)
    assert [seen[lr]["regime"] for lr in (0.02, 0.8, 1.5, 2.5)] == ["too small", "good", "oscillating", "diverged"]
    assert seen[2.5]["diverged"] and not seen[1.5]["diverged"]
    assert seen[0.02]["final_loss"] > seen[0.8]["final_loss"]
    assert not np.allclose(seen[0.02]["final_point"], seen[0.8]["final_point"])


def test_learning_rate_explorer_stops_a_diverging_run_and_says_so():
    w = learning_rate_explorer(surface="round bowl", steps=200)
    w.controls["lr"].value = 2.5                       # |1 − η| = 1.5: the loss grows 2.25× per step
    stop = w.state["stopped_at"]
    # the loss first exceeds 1000× its start at the smallest k with 2.25^k > 1000
    assert stop == int(np.floor(np.log(1e3) / np.log(2.25))) + 1
    assert w.state["diverged"] and w.state["steps_taken"] == stop
    w.controls["steps"].value = 150
    assert w.state["stopped_at"] == stop               # more steps change nothing once stopped…
    texts = [t.get_text() for ax in w.figure.axes for t in ax.texts]
    assert any(f"stopped at step {stop}" in t for t in texts)   # …and the figure says why


def test_learning_rate_explorer_loss_axis_stays_readable():
    w = learning_rate_explorer(surface="round bowl", steps=158)
    w.controls["lr"].value = 1.0                       # lands on the minimum: the loss would be 0
    low, high = w.figure.axes[-1].get_ylim()
    assert w.state["stopped_at"] is None
    assert low >= w.state["initial_loss"] * 1e-17 and high <= 2 * w.state["initial_loss"] * 1.0001


def test_learning_rate_divergence_threshold_is_two_over_the_largest_curvature():
    w = learning_rate_explorer(surface="ill-conditioned valley")  # curvatures 1 and 20
    assert w.state["lr_critical"] == pytest.approx(0.1)
    w.controls["lr"].value = 0.098
    assert not w.state["diverged"] and w.state["oscillating"]
    w.controls["lr"].value = 0.102
    assert w.state["diverged"] and w.state["regime"] == "diverged"


def test_learning_rate_slider_range_follows_the_surface():
    w = learning_rate_explorer(surface="ill-conditioned valley")
    assert 10 ** w.controls["lr"].max == pytest.approx(3 / 20)
    w.controls["surface"].value = "round bowl"
    assert 10 ** w.controls["lr"].max == pytest.approx(3.0)
    assert w.state["lr_critical"] == pytest.approx(2.0)
    assert w.state["lr"] == pytest.approx(0.8)


def test_learning_rate_plots_the_path_it_reports():
    w = learning_rate_explorer(surface="round bowl", steps=5)
    path_line = w.figure.axes[0].lines[0]
    np.testing.assert_allclose([path_line.get_xdata()[-1], path_line.get_ydata()[-1]], w.state["final_point"])
    assert len(w.figure.axes[1].lines[0].get_xdata()) == 6  # loss at x_0 … x_5


def test_learning_rate_errors():
    with pytest.raises(ValueError, match=r"unknown surface 'bowl'; expected one of \['ill-conditioned valley', 'round bowl'\]"):
        learning_rate_explorer(surface="bowl")
    with pytest.raises(ValueError, match="lr must be a finite number > 0; got -1"):
        learning_rate_explorer(lr=-1)


# --------------------------------------------------------------------------- optimizer race


def test_race_reports_every_optimizer():
    w = optimizer_race()
    for key in ("final_loss", "distance", "diverged", "lr"):
        assert set(w.state[key]) == set(OPTIMIZERS)
    assert {f"lr_{name}" for name in OPTIMIZERS} <= set(w.controls)
    assert not any(w.state["diverged"].values())


def test_race_sgd_matches_closed_form_and_diverges_alone():
    w = optimizer_race(surface="ill-conditioned valley", steps=40)
    # f = ½(x² + 20 y²): SGD multiplies x by (1 − η) and y by (1 − 20η) per step.
    w.controls["lr_sgd"].value = 0.05
    x, y = (1 - 0.05) ** 40 * -1.8, (1 - 20 * 0.05) ** 40 * 0.8
    assert w.state["final_loss"]["sgd"] == pytest.approx(0.5 * (x**2 + 20 * y**2), rel=1e-9)
    before = dict(w.state["final_loss"])
    w.controls["lr_sgd"].value = 0.2  # |1 − 20η| = 3 > 1
    assert w.state["diverged"]["sgd"] and w.state["final_loss"]["sgd"] == float("inf")
    assert {k: v for k, v in w.state["final_loss"].items() if k != "sgd"} == \
        {k: v for k, v in before.items() if k != "sgd"}


def test_race_surface_change_resets_defaults_with_one_redraw():
    w = optimizer_race()
    calls = []
    draw = w._draw
    w._draw = lambda fig, values: calls.append(values) or draw(fig, values)
    w.controls["surface"].value = "Rosenbrock valley"
    assert len(calls) == 1
    assert w.controls["steps"].value == widgets.RACE_STEPS["Rosenbrock valley"]
    assert w.state["lr"] == pytest.approx(widgets.RACE_DEFAULTS["Rosenbrock valley"])
    # with its default settings, momentum gets far closer to Rosenbrock's minimum than plain SGD
    assert w.state["distance"]["momentum"] < w.state["distance"]["sgd"] / 5


def test_race_errors():
    with pytest.raises(ValueError, match=r"unknown surface 'saddle'; expected one of"):
        optimizer_race(surface="saddle")


# --------------------------------------------------------------------------- activations


def test_activation_numbers_match_hand_derivations():
    w = activation_explorer("sigmoid")
    assert w.state["f_at_0"] == 0.5 and w.state["slope_at_0"] == pytest.approx(0.25)
    assert w.state["max_slope"] == pytest.approx(0.25)  # σ' = σ(1 − σ) ≤ 1/4
    w.controls["activation"].value = "tanh"
    assert w.state["slope_at_0"] == pytest.approx(1.0) and w.state["f_at_0"] == 0.0
    w.controls["activation"].value = "relu"
    assert w.state["min_slope"] == 0.0 and w.state["slope_at_0"] == 0.0
    assert w.state["vanishing_fraction"] == pytest.approx(201 / 401)  # z ≤ 0 on 401 points


def test_saturation_grows_with_the_plotted_range():
    w = activation_explorer("sigmoid", zmax=4.0)
    narrow = w.state["vanishing_fraction"]
    w.controls["zmax"].value = 16.0
    assert w.state["vanishing_fraction"] > narrow
    # σ'(z) < 0.01 exactly when |z| > ln((1 + √0.96)/(1 − √0.96)) ≈ 4.59 (solve s(1 − s) = 0.01)
    edge = np.log((1 + np.sqrt(0.96)) / (1 - np.sqrt(0.96)))
    assert w.state["vanishing_fraction"] == pytest.approx(1 - edge / 16, abs=2 / 400)


def test_leaky_alpha_slider_sets_the_negative_slope():
    w = activation_explorer("relu")
    assert w.controls["alpha"].disabled
    w.controls["activation"].value = "leaky_relu"
    assert not w.controls["alpha"].disabled
    w.controls["alpha"].value = 0.2
    assert w.state["min_slope"] == pytest.approx(0.2) and w.state["alpha"] == pytest.approx(0.2)
    z, f = w.figure.axes[0].lines[0].get_data()
    np.testing.assert_allclose(f[z < 0], 0.2 * z[z < 0])


def test_activation_errors():
    with pytest.raises(ValueError, match=r"unknown activation 'swish'; expected one of \['leaky_relu', 'linear', 'relu', 'sigmoid', 'tanh'\]"):
        activation_explorer("swish")


# --------------------------------------------------------------------------- regularization


def test_ridge_training_error_rises_and_weights_shrink_with_lambda():
    w = regularization_explorer(degree=10)
    train, norms = [], []
    for lam in (1e-7, 1e-4, 1e-2, 1e-1, 1.0, 10.0):
        w.controls["lam"].value = lam
        train.append(w.state["train_mse"])
        norms.append(w.state["weight_norm"])
    assert np.all(np.diff(train) >= -1e-12)
    assert np.all(np.diff(norms) <= 1e-12)
    assert train[-1] > 5 * train[0]


def test_tiny_lambda_gives_the_ordinary_least_squares_polynomial():
    w = regularization_explorer(lam=1e-8, degree=3)
    d = w.data
    coef = np.polyfit(d["x_train"], d["y_train"], 3)  # independent: monomial basis
    xs, fit = w.figure.axes[0].lines[1].get_data()
    np.testing.assert_allclose(fit, np.polyval(coef, xs), atol=1e-4)
    ols_mse = np.mean((np.polyval(coef, d["x_train"]) - d["y_train"]) ** 2)
    assert w.state["train_mse"] == pytest.approx(ols_mse, rel=1e-4)
    assert w.state["val_mse"] == pytest.approx(np.mean((np.polyval(coef, d["x_val"]) - d["y_val"]) ** 2), rel=1e-3)


def test_huge_lambda_flattens_the_fit_towards_the_mean():
    w = regularization_explorer(lam=10.0, degree=8)
    _, flat = w.figure.axes[0].lines[1].get_data()
    w.controls["lam"].value = 1e-6
    _, wiggly = w.figure.axes[0].lines[1].get_data()
    mean = w.data["y_train"].mean()
    assert np.max(np.abs(flat - mean)) < np.max(np.abs(wiggly - mean)) / 3


def test_best_lambda_minimizes_the_plotted_validation_curve():
    w = regularization_explorer()
    grid, val = w.figure.axes[1].lines[1].get_data()
    assert w.state["best_lam"] == grid[np.argmin(val)]


def test_regularization_errors():
    with pytest.raises(ValueError, match="lam must be a finite number > 0; got 0"):
        regularization_explorer(lam=0)


# --------------------------------------------------------------------------- width


def test_least_squares_error_never_grows_with_width():
    w = width_explorer(method="least squares")
    errors = []
    for width in (1, 2, 4, 8, 16, 32, 64, 100):
        w.controls["width"].value = width
        errors.append(w.state["rms_error"])
        assert w.state["n_parameters"] == 3 * width + 1
    assert np.all(np.diff(errors) <= 1e-7)
    assert errors[-1] < errors[0] / 100


def test_state_error_is_the_error_of_the_plotted_curve():
    w = width_explorer(width=7, target="bump")
    target_line, net_line = w.figure.axes[0].lines[:2]
    err = net_line.get_ydata() - target_line.get_ydata()
    assert w.state["rms_error"] == pytest.approx(np.sqrt(np.mean(err**2)))
    assert w.state["max_error"] == pytest.approx(np.max(np.abs(err)))
    widths, curve = w.figure.axes[1].lines[0].get_data()
    assert curve[widths == 7][0] == pytest.approx(w.state["rms_error"], rel=1e-6)


@pytest.mark.parametrize("width", [10, 40, 100])
def test_staircase_error_within_lipschitz_bound(width):
    # sin(2πx) has slope ≤ 2π; a staircase with cells of width h = 1/(width + 1) that takes
    # f's value at each cell centre is off by at most 2π·h/2 away from the steps, ≤ 2π·h overall.
    w = width_explorer(width=width, target="sine", method="steps")
    assert w.state["max_error"] <= 2 * np.pi / (width + 1)
    assert w.state["rms_error"] <= np.pi / (width + 1)


def test_width_errors():
    with pytest.raises(ValueError, match=r"unknown target 'cosine'; expected one of \['bump', 'sine', 'step', 'zigzag'\]"):
        width_explorer(target="cosine")
    with pytest.raises(ValueError, match=r"unknown method 'adam'; expected one of \['least squares', 'steps'\]"):
        width_explorer(method="adam")


def test_module_exports_exist():
    assert all(hasattr(widgets, name) for name in widgets.__all__)
