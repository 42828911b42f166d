"""Tests of companion.plotting: labelled axes, figures that show exactly the data given, clear errors."""
import matplotlib

matplotlib.use("Agg")

from types import SimpleNamespace  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.collections import QuadMesh  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from companion import plotting  # noqa: E402
from companion.plotting import (  # noqa: E402
    plot_confusion_matrix,
    plot_contours,
    plot_decision_boundary,
    plot_digits,
    plot_function,
    plot_learning_curves,
    plot_path,
    use_course_style,
)


pytestmark = pytest.mark.usefixtures("strict_figures")


def bowl(p):
    return p[..., 0] ** 2 + 10.0 * p[..., 1] ** 2


def blobs(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(40, 2))
    return X, (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)


def history(**kw):
    base = dict(loss=[1.0, 0.6, 0.4, 0.3], val_loss=[1.1, 0.7, 0.5, 0.6],
                accuracy=[0.5, 0.7, 0.8, 0.9], val_accuracy=[0.5, 0.6, 0.75, 0.7], best_epoch=None)
    base.update(kw)
    return SimpleNamespace(**base)


def assert_labelled(ax):
    assert isinstance(ax, Axes)
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()


# --------------------------------------------------------------------------- every helper labels its axes


@pytest.mark.parametrize(
    "draw",
    [
        lambda ax: plot_function(np.sin, ax=ax),
        lambda ax: plot_decision_boundary(lambda P: (P[:, 0] > 0).astype(int), *blobs(), ax=ax, resolution=30),
        lambda ax: plot_learning_curves(history(), ax=ax),
        lambda ax: plot_contours(bowl, (-2, 2), (-1, 1), ax=ax, resolution=30),
        lambda ax: plot_path(np.array([[1.0, 1.0], [0.5, 0.2], [0.0, 0.0]]), ax=ax),
        lambda ax: plot_confusion_matrix(np.eye(3), ax=ax),
    ],
    ids=["function", "decision_boundary", "learning_curves", "contours", "path", "confusion_matrix"],
)
@pytest.mark.parametrize("given", [False, True], ids=["new_figure", "given_axes"])
def test_returns_labelled_axes(draw, given):
    ax = plt.subplots()[1] if given else None
    out = draw(ax)
    assert_labelled(out)
    if given:
        assert out is ax


def test_use_course_style_sets_modest_dpi_and_grid():
    with matplotlib.rc_context():
        use_course_style()
        assert matplotlib.rcParams["figure.dpi"] <= 100
        assert matplotlib.rcParams["savefig.dpi"] <= 100
        assert matplotlib.rcParams["axes.grid"] is True


def test_no_helper_calls_show(monkeypatch):
    def fail():
        raise AssertionError("plt.show() called by library code")

    monkeypatch.setattr(plt, "show", fail)
    plot_function(np.tanh)
    plot_digits(np.zeros((3, 64)))
    plot_confusion_matrix([[1, 2], [3, 4]])


# --------------------------------------------------------------------------- plot_function


def test_plot_function_draws_f_at_the_sample_points():
    ax = plot_function(np.tanh, xlim=(-3, 2), n=50, label="tanh")
    x, y = ax.lines[0].get_data()
    assert len(x) == 50 and x[0] == -3 and x[-1] == 2
    np.testing.assert_allclose(y, np.tanh(x))
    assert ax.get_legend().get_texts()[0].get_text() == "tanh"


def test_plot_function_rejects_bad_limits_and_unvectorized_f():
    with pytest.raises(ValueError, match=r"xlim must be finite with low < high; got \(2.0, 1.0\)"):
        plot_function(np.sin, xlim=(2, 1))
    with pytest.raises(ValueError, match=r"xlim must be a pair \(low, high\); got shape \(3,\)"):
        plot_function(np.sin, xlim=(0, 1, 2))
    with pytest.raises(ValueError, match=r"f must be vectorized: f\(x\) for x of shape \(400,\) returned shape \(\)"):
        plot_function(lambda x: 1.0)
    with pytest.raises(ValueError, match="n must be an int ≥ 2; got 1"):
        plot_function(np.sin, n=1)
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes or None; got str"):
        plot_function(np.sin, ax="left")


# --------------------------------------------------------------------------- decision boundary


def region_samples(ax, count=60, seed=1):
    """Centres of random cells of the coloured mesh, and the label the mesh shows there."""
    mesh = next(c for c in ax.collections if isinstance(c, QuadMesh))
    corners = np.asarray(mesh.get_coordinates())  # (rows+1, cols+1, 2)
    shown = np.ma.getdata(mesh.get_array()).reshape(corners.shape[0] - 1, corners.shape[1] - 1)
    rng = np.random.default_rng(seed)
    i = rng.integers(0, shown.shape[0], count)
    j = rng.integers(0, shown.shape[1], count)
    centres = (corners[i, j] + corners[i + 1, j + 1]) / 2
    return centres, shown[i, j]


def test_decision_regions_match_predict_for_labels():
    X, y = blobs()

    def predict(P):
        return (P[:, 0] ** 2 + P[:, 1] ** 2 > 1).astype(int) + (P[:, 0] > 1).astype(int)

    ax = plot_decision_boundary(predict, X, y, resolution=40)
    centres, shown = region_samples(ax)
    np.testing.assert_array_equal(shown, predict(centres))


def test_decision_regions_threshold_probabilities_and_argmax_scores():
    X, y = blobs()

    def prob(P):
        return 1 / (1 + np.exp(-(P[:, 0] - P[:, 1])))

    ax = plot_decision_boundary(prob, X, y, resolution=40)
    centres, shown = region_samples(ax)
    np.testing.assert_array_equal(shown, (centres[:, 0] - centres[:, 1] > 0).astype(int))

    def scores(P):
        return np.column_stack([P[:, 0], P[:, 1], -P[:, 0]])

    ax = plot_decision_boundary(scores, X, y, resolution=40)
    centres, shown = region_samples(ax)
    np.testing.assert_array_equal(shown, np.argmax(scores(centres), axis=1))


def test_decision_boundary_scatters_every_example_with_a_legend_per_class():
    X, y = blobs()
    Y = np.eye(2)[y]  # one-hot targets are accepted too
    ax = plot_decision_boundary(lambda P: np.zeros(len(P), dtype=int), X, Y, resolution=20)
    offsets = np.vstack([c.get_offsets() for c in ax.collections if c.get_offsets().shape[0] > 1])
    assert sorted(map(tuple, offsets)) == sorted(map(tuple, X))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1"]


def test_decision_boundary_grid_covers_data_plus_padding():
    X, y = blobs()
    ax = plot_decision_boundary(lambda P: (P[:, 0] > 0).astype(int), X, y, resolution=20, padding=1.0)
    centres = next(c for c in ax.collections if isinstance(c, QuadMesh)).get_coordinates()
    mid = (centres[:-1, :-1] + centres[1:, 1:]) / 2
    np.testing.assert_allclose(mid[..., 0].min(), X[:, 0].min() - 1.0)
    np.testing.assert_allclose(mid[..., 1].max(), X[:, 1].max() + 1.0)


def test_decision_boundary_errors():
    X, y = blobs()
    good = lambda P: np.zeros(len(P), dtype=int)  # noqa: E731
    with pytest.raises(ValueError, match=r"X must have 2 columns, shape \(n, 2\); got shape \(40, 3\)"):
        plot_decision_boundary(good, np.hstack([X, X[:, :1]]), y)
    with pytest.raises(ValueError, match=r"y must hold one value per example \(40\); got 39"):
        plot_decision_boundary(good, X, y[:-1])
    with pytest.raises(ValueError, match=r"predict\(points\) must hold one value per example \(400\); got 1"):
        plot_decision_boundary(lambda P: np.zeros(1), X, y, resolution=20)
    with pytest.raises(ValueError, match="X must be finite"):
        plot_decision_boundary(good, np.where(X > 2, np.nan, X), y)


# --------------------------------------------------------------------------- learning curves


def test_learning_curves_plot_each_epoch_and_mark_best_validation():
    ax = plot_learning_curves(history())
    train, val = ax.lines[0], ax.lines[1]
    np.testing.assert_array_equal(train.get_xdata(), [1, 2, 3, 4])
    np.testing.assert_array_equal(train.get_ydata(), [1.0, 0.6, 0.4, 0.3])
    np.testing.assert_array_equal(val.get_ydata(), [1.1, 0.7, 0.5, 0.6])
    assert ax.lines[2].get_xdata()[0] == 3  # lowest validation loss at epoch 3
    ax = plot_learning_curves(history(), metric="accuracy")
    assert ax.get_ylabel() == "accuracy"
    assert ax.lines[2].get_xdata()[0] == 3  # highest validation accuracy at epoch 3


def test_learning_curves_prefer_recorded_best_epoch_and_accept_dicts():
    ax = plot_learning_curves(history(best_epoch=1))
    assert ax.lines[2].get_xdata()[0] == 2  # best_epoch is 0-based, the axis counts from 1
    ax = plot_learning_curves({"loss": [3.0, 2.0]})
    assert len(ax.lines) == 1 and ax.get_legend().get_texts()[0].get_text() == "training"


def test_learning_curves_errors():
    with pytest.raises(ValueError, match=r"unknown metric 'f1'; expected one of \['accuracy', 'loss'\]"):
        plot_learning_curves(history(), metric="f1")
    with pytest.raises(ValueError, match="history has no 'loss' values to plot; train for at least one epoch"):
        plot_learning_curves(history(loss=[], val_loss=[]))


# --------------------------------------------------------------------------- contours and paths


def test_contours_levels_span_the_function_values():
    ax = plot_contours(bowl, (-2, 2), (-1, 1), levels=10, resolution=50)
    cs = ax.collections[0]
    assert len(cs.levels) == 10
    assert 0 < cs.levels.min() and cs.levels.max() < 4 + 10  # strictly between min 0 and max 14
    assert ax.get_xlim() == (-2, 2) and ax.get_ylim() == (-1, 1)


def test_log_contours_crowd_towards_the_minimum():
    ax = plot_contours(bowl, (-2, 2), (-1, 1), levels=10, log=True, resolution=50)
    gaps = np.diff(ax.collections[0].levels)
    assert np.all(gaps[1:] > gaps[:-1])  # geometric spacing widens away from the floor


def test_contour_errors():
    with pytest.raises(ValueError, match=r"f must map points of shape \(\.\.\., 2\) to values of shape"):
        plot_contours(lambda p: p.sum(), (-1, 1), (-1, 1), resolution=10)
    with pytest.raises(ValueError, match="ylim must be finite with low < high"):
        plot_contours(bowl, (-1, 1), (1, 1))
    with pytest.raises(ValueError, match="f is constant over xlim × ylim; there are no contours to draw"):
        plot_contours(lambda p: np.zeros(p.shape[:-1]), (-1, 1), (-1, 1), resolution=10)
    with pytest.raises(ValueError, match="f\\(points\\) must be finite"):
        plot_contours(lambda p: np.where(p[..., 0] > 0.5, np.inf, p[..., 1]), (0, 1), (0, 1), resolution=10)


def test_path_draws_every_point_with_start_and_end_markers():
    path = np.array([[1.0, 2.0], [0.5, 1.0], [0.1, 0.3]])
    ax = plot_path(path, label="SGD")
    line, start, end = ax.lines
    np.testing.assert_array_equal(np.column_stack(line.get_data()), path)
    assert (start.get_xdata()[0], start.get_ydata()[0]) == (1.0, 2.0)
    assert (end.get_xdata()[0], end.get_ydata()[0]) == (0.1, 0.3)
    assert start.get_color() == end.get_color() == line.get_color()
    assert ax.get_legend().get_texts()[0].get_text() == "SGD"


def test_path_on_contours_keeps_limits_and_drops_non_finite_rows():
    ax = plot_contours(bowl, (-2, 2), (-1, 1), resolution=20)
    path = np.array([[1.0, 0.5], [-3.0, 9.0], [np.inf, np.nan], [1.0, 1.0]])
    plot_path(path, ax=ax)
    assert ax.get_xlim() == (-2, 2) and ax.get_ylim() == (-1, 1)
    np.testing.assert_array_equal(np.column_stack(ax.lines[0].get_data()), path[:2])
    assert ax.get_title() == "contours of f"  # an existing title is kept


def test_path_errors():
    with pytest.raises(ValueError, match=r"path must have 2 columns, shape \(n, 2\); got shape \(4, 3\)"):
        plot_path(np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"path must be 2-D with shape \(n, d\); got shape \(2,\)"):
        plot_path(np.zeros(2))


# --------------------------------------------------------------------------- confusion matrix


def test_confusion_matrix_annotations_equal_counts():
    cm = np.array([[5, 1, 0], [2, 7, 1], [0, 0, 9]])
    ax = plot_confusion_matrix(cm, class_names=["a", "b", "c"])
    cells = {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text() for t in ax.texts}
    assert cells == {(i, j): str(cm[i, j]) for i in range(3) for j in range(3)}
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    np.testing.assert_array_equal(ax.images[0].get_array(), cm)


def test_normalized_confusion_matrix_rows_sum_to_one():
    cm = np.array([[3, 1], [0, 0]])  # a class with no examples stays at zero without a warning
    ax = plot_confusion_matrix(cm, normalize=True)
    np.testing.assert_allclose(ax.images[0].get_array(), [[0.75, 0.25], [0.0, 0.0]])
    assert sorted(t.get_text() for t in ax.texts) == ["0.00", "0.00", "0.25", "0.75"]
    assert cm.tolist() == [[3, 1], [0, 0]]  # input untouched


def test_confusion_matrix_errors():
    with pytest.raises(ValueError, match=r"cm must be a square \(k, k\) matrix; got shape \(2, 3\)"):
        plot_confusion_matrix(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="cm must hold counts ≥ 0; found a negative entry"):
        plot_confusion_matrix([[1, -1], [0, 1]])
    with pytest.raises(ValueError, match=r"class_names must have one name per class \(2\); got 3"):
        plot_confusion_matrix(np.eye(2), class_names=["a", "b", "c"])


# --------------------------------------------------------------------------- digits


def test_digits_grid_titles_and_mistakes_in_red():
    images = np.arange(5 * 64, dtype=float).reshape(5, 64)
    fig = plot_digits(images, labels=[0, 1, 2, 3, 4], predictions=[0, 1, 7, 3, 4], ncols=3)
    assert isinstance(fig, Figure)
    shown = [ax for ax in fig.axes if ax.images]
    assert len(fig.axes) == 6 and len(shown) == 5
    np.testing.assert_array_equal(shown[2].images[0].get_array(), images[2].reshape(8, 8))
    assert shown[2].get_title() == "2→7"
    assert matplotlib.colors.same_color(shown[2].title.get_color(), "red")
    assert matplotlib.colors.same_color(shown[0].title.get_color(), "black")
    assert "4 of 5" in fig.texts[0].get_text()


def test_digits_accept_mnist_rows_and_square_images():
    fig = plot_digits(np.zeros((2, 784)), labels=[3, 5])
    assert fig.axes[0].images[0].get_array().shape == (28, 28)
    assert fig.axes[1].get_title() == "5"
    fig = plot_digits(np.zeros((1, 8, 8)), predictions=[9])
    assert fig.axes[0].get_title() == "pred 9"


def test_digits_size_sets_inches_per_image():
    fig = plot_digits(np.zeros((4, 64)), ncols=4, size=1.5)
    width, height = fig.get_size_inches()
    assert width == pytest.approx(4 * 1.5) and height == pytest.approx(1.17 * 1.5)
    with pytest.raises(ValueError, match="size must be a positive number of inches; got -1"):
        plot_digits(np.zeros((1, 64)), size=-1)


def test_digits_errors():
    with pytest.raises(ValueError, match="images must have a square number of pixels per row .* got 50"):
        plot_digits(np.zeros((2, 50)))
    with pytest.raises(ValueError, match=r"images must be \(m, d\) rows .* got shape \(64,\)"):
        plot_digits(np.zeros(64))
    with pytest.raises(ValueError, match=r"labels must hold one value per example \(2\); got 3"):
        plot_digits(np.zeros((2, 64)), labels=[1, 2, 3])
    with pytest.raises(ValueError, match="ncols must be a positive int; got 0"):
        plot_digits(np.zeros((2, 64)), ncols=0)


def test_module_exports_are_public_and_exist():
    assert all(hasattr(plotting, name) and not name.startswith("_") for name in plotting.__all__)


# --------------------------------------------------------------------------- with the package's own objects


def test_learning_curves_from_a_training_history():
    from companion.training import History

    h = History(loss=[0.9, 0.5, 0.4], val_loss=[1.0, 0.6, 0.7], accuracy=[0.5, 0.8, 0.9],
                val_accuracy=[0.4, 0.7, 0.6], epochs_run=3, best_epoch=1)
    ax = plot_learning_curves(h)
    assert ax.lines[2].get_xdata()[0] == 2
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), h.val_loss)


def test_decision_regions_of_an_mlp_and_its_confusion_matrix():
    from companion.metrics import confusion_matrix
    from companion.network import MLP

    X, y = blobs()
    net = MLP([2, 3, 2], seed=0)
    ax = plot_decision_boundary(net.predict, X, y, resolution=25)
    centres, shown = region_samples(ax, count=30)
    np.testing.assert_array_equal(shown, net.predict(centres))
    cm = confusion_matrix(y, net.predict(X), k=2)
    ax = plot_confusion_matrix(cm)
    assert sorted(t.get_text() for t in ax.texts) == sorted(f"{v:g}" for v in cm.ravel())


def test_decision_boundary_with_one_predicted_class_draws_no_contour_and_warns_nothing():
    # warnings are errors here (strict_figures): matplotlib warns on a contour without levels
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    ax = plot_decision_boundary(lambda P: np.zeros(len(P), dtype=int), X, np.array([0, 1]))
    assert all(type(c).__name__ != "QuadContourSet" for c in ax.collections)
