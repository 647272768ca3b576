from collections.abc import Iterator

import matplotlib as mpl
import numpy as np
import pytest

mpl.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.patches import Rectangle

from dying_relu import experiments, plotting


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def assert_house_style(fig: Figure) -> None:
    assert isinstance(fig, Figure)
    # Opaque white, so the figure reads on a dark page as on a light one.
    assert to_hex(fig.get_facecolor(), keep_alpha=True) == "#ffffffff"
    width, height = fig.get_size_inches()
    assert width <= 8.0
    assert height <= 4.0
    for ax in fig.axes:
        # Panels that share their axes may be labelled once, for the whole figure.
        assert ax.get_xlabel() or fig.get_supxlabel()
        assert ax.get_ylabel() or fig.get_supylabel()


def legend(ax: Axes) -> Legend:
    found = ax.get_legend()
    assert found is not None
    return found


def line_colours(fig: Figure) -> set[str]:
    return {to_hex(line.get_color()) for ax in fig.axes for line in ax.get_lines()}


def test_figures_draw_only_in_the_palette_and_tell_activations_apart_without_colour() -> None:
    fig = plotting.activation_curves()
    assert line_colours(fig) <= {c.lower() for c in plotting.OKABE_ITO.values()}
    styles = {line.get_linestyle() for line in fig.axes[0].get_lines()}
    assert len(styles) == len(fig.axes[0].get_lines())


def test_activation_curves() -> None:
    fig = plotting.activation_curves()
    assert_house_style(fig)
    ax_d = fig.axes[1]
    assert [len(ax.get_lines()) for ax in fig.axes] == [4, 4]
    labels = [line.get_label() for line in ax_d.get_lines()]
    assert labels == ["relu", "leaky_relu (slope 0.1)", "sigmoid", "tanh"]
    # The plotted derivative of sigmoid peaks at 1/4, and ReLU's derivative line has a gap
    # at the jump rather than a vertical segment.
    sigmoid_d = ax_d.get_lines()[2].get_ydata()
    assert np.max(sigmoid_d) == pytest.approx(0.25, abs=1e-4)
    relu_d = np.asarray(ax_d.get_lines()[0].get_ydata(), dtype=float)
    assert np.isnan(relu_d).sum() == 1
    assert set(np.unique(relu_d[~np.isnan(relu_d)])) == {0.0, 1.0}
    assert line_colours(fig) <= {c.lower() for c in plotting.OKABE_ITO.values()}


def test_activation_curves_rejects_a_range_without_zero() -> None:
    with pytest.raises(ValueError, match="x_range"):
        plotting.activation_curves(x_range=(1.0, 3.0))


def test_born_dead_grid() -> None:
    result = experiments.born_dead_grid(widths=(2, 3, 4), depths=(1, 3, 10), trials=50)
    fig = plotting.born_dead_grid(result)
    assert_house_style(fig)
    ax_one, ax_many = fig.axes
    # He and RAI error bars for each of the three widths on both axes.
    assert len(ax_one.containers) == len(ax_many.containers) == 3 * 2
    exact_line = np.asarray(ax_one.get_lines()[0].get_ydata(), dtype=float)
    np.testing.assert_allclose(exact_line, result.exact[0])
    legend_texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend_texts[:3] == ["width 2", "width 3", "width 4"]
    assert line_colours(fig) <= {c.lower() for c in plotting.OKABE_ITO.values()}


def test_vanishing_gradients() -> None:
    result = experiments.vanishing_gradients(
        depths=(2, 6), activations=("sigmoid", "tanh", "relu"), seeds=(0,), n_rows=32
    )
    fig = plotting.vanishing_gradients(result)
    assert_house_style(fig)
    ax_layers, ax_depth = fig.axes
    assert [len(ax.get_lines()) for ax in fig.axes] == [3, 3]
    assert ax_layers.get_yscale() == ax_depth.get_yscale() == "log"
    # The left panel follows the deepest network through all its weight layers.
    np.testing.assert_array_equal(ax_layers.get_lines()[0].get_xdata(), np.arange(1, 8))
    relu_by_depth = np.asarray(ax_depth.get_lines()[2].get_ydata(), dtype=float)
    np.testing.assert_allclose(relu_by_depth, result.first_layer[2])
    assert [t.get_text() for t in legend(ax_depth).get_texts()] == ["sigmoid", "tanh", "relu"]


@pytest.fixture(scope="module")
def shock() -> experiments.BiasShock:
    return experiments.bias_shock(
        (0.0, 0.01, 0.2), (4.0, 8.0), epochs_before=1, epochs_after=1, width=8, seeds=(0, 1)
    )


def test_bias_shock(shock: experiments.BiasShock) -> None:
    fig = plotting.bias_shock(shock)
    assert_house_style(fig)
    ax_dead, ax_back, ax_acc = fig.axes
    # One line per activation, at the shocked shifts, with the mean share killed.
    assert len(ax_dead.get_lines()) == 3
    relu_line = np.asarray(ax_dead.get_lines()[0].get_ydata(), dtype=float)
    np.testing.assert_allclose(relu_line, 100 * np.nanmean(shock.dead_after[0, 1:], axis=(1, 2)))
    assert len(ax_back.containers) == len(ax_acc.containers) == 3
    assert [t.get_text() for t in legend(ax_dead).get_texts()] == list(shock.labels)
    styles = {(to_hex(line.get_color()), line.get_linestyle()) for line in ax_dead.get_lines()}
    assert len({c for c, _ in styles}) == len({s for _, s in styles}) == 3


def test_recovery_thresholds(shock: experiments.BiasShock) -> None:
    fig = plotting.recovery_thresholds(shock, shift=4.0)
    assert_house_style(fig)
    first, _second = fig.axes
    assert [len(ax.get_lines()) for ax in fig.axes] == [3, 3]
    assert next(t.get_text() for t in first.get_xticklabels()) == "1 input"
    assert "4" in fig.get_suptitle()
    with pytest.raises(ValueError, match="shift"):
        plotting.recovery_thresholds(shock, shift=3.0)


def test_activity_map_marks_dead_units(shock: experiments.BiasShock) -> None:
    fig = plotting.activity_map(shock, (0.0, 0.2))
    assert_house_style(fig)
    assert len(fig.axes) == 6
    after = fig.axes[1]
    dead = int((~shock.map_after[0].any(axis=-1)).sum())
    assert after.get_title().endswith(f"{dead} dead")
    picture = np.asarray(after.get_images()[0].get_array())
    # The tab beside a dead unit's empty row holds the darkest value of the map.
    rows = np.flatnonzero(~shock.map_after[0].any(axis=-1))
    assert np.all(picture[rows, -1] == 2.0)
    with pytest.raises(ValueError, match="negative_slopes"):
        plotting.activity_map(shock, (0.05,))


def test_learning_rate_sweep() -> None:
    result = experiments.learning_rate_sweep(
        "sgd", (0.1, 1.0, 50.0), seeds=(0, 1), epochs=1, width=8
    )
    fig = plotting.learning_rate_sweep(result)
    assert_house_style(fig)
    ax_dead, ax_acc = fig.axes
    assert ax_dead.get_xscale() == ax_acc.get_xscale() == "log"
    reference = ax_dead.get_lines()[-1]
    assert np.asarray(reference.get_ydata()).tolist() == [40.0, 40.0]
    # One cross per learning rate at which some run of an activation diverged.
    crosses = [line for line in ax_dead.get_lines() if line.get_marker() == "x"]
    diverged = (result.outcome == "diverged").any(axis=-1)
    assert sum(np.asarray(line.get_xdata()).size for line in crosses) == int(diverged.sum())
    assert (
        "Adam"
        in plotting.learning_rate_sweep(
            experiments.learning_rate_sweep("adam", (1e-3,), seeds=(0,), epochs=1, width=8)
        )
        .axes[0]
        .get_xlabel()
    )


def test_leaky_vs_relu() -> None:
    result = experiments.leaky_vs_relu(
        (0.0, 0.01, 0.2), lrs=(0.1, 1.0), seeds=(0, 1, 2), epochs=1, hidden=(8,)
    )
    fig = plotting.leaky_vs_relu(result)
    assert_house_style(fig)
    ax_div, ax_acc = fig.axes
    assert len(ax_div.containers) == len(ax_acc.containers) == 3
    assert [t.get_text() for t in ax_acc.get_xticklabels()] == ["0.1", "1"]
    # Under each mean, the number of runs that trained.
    counts = sorted(t.get_text() for t in ax_acc.texts)
    trained = (result.outcome == "trained").sum(axis=-1).ravel()
    assert counts == sorted(f"n={n}" for n in trained)


def test_lu_collapse() -> None:
    result = experiments.lu_collapse(steps=5, seeds=(0, 1, 2, 3))
    fig = plotting.lu_collapse(result)
    assert_house_style(fig)
    ax = fig.axes[0]
    bars = [patch.get_height() for patch in ax.patches if isinstance(patch, Rectangle)]
    expected = [100 * result.born_dead[i].mean() for i in range(2)] + [
        100 * (result.outcome[i] == "collapsed").mean() for i in range(2)
    ]
    np.testing.assert_allclose(bars, expected)


def test_weight_scale_and_training_gradients() -> None:
    ws = experiments.weight_scale_gradients((0.5, 2.0), ("tanh", "relu"), depth=3, seeds=(0,))
    fig = plotting.weight_scale_gradients(ws)
    assert_house_style(fig)
    saturation = np.asarray(fig.axes[0].get_lines()[0].get_ydata(), dtype=float)
    np.testing.assert_allclose(saturation, ws.mean_derivative[0])
    tg = experiments.training_gradients(("relu",), depth=2, epochs=1, seeds=(0,))
    fig = plotting.training_gradients(tg)
    assert_house_style(fig)
    assert fig.axes[0].get_yscale() == "log"


def test_layer_health_shows_each_layer_by_name_with_its_counts() -> None:
    from dying_relu.detector import Detector

    detector = Detector()
    detector.update({
        "encoder.relu": np.array([[0.0, 1.0, 1e-4], [0.0, 2.0, 0.0]]),
        "head/relu#0": np.ones((2, 4)),
    })  # fmt: skip
    fig = plotting.layer_health(detector.report(), tau=0.1)
    assert_house_style(fig)
    (ax,) = fig.axes
    assert [label.get_text() for label in ax.get_yticklabels()] == ["encoder.relu", "head/relu#0"]
    widths = [patch.get_width() for patch in ax.patches if isinstance(patch, Rectangle)]
    # Dead: 1 of 3 and 0 of 4; dormant at 0.1: 2 of 3 and 0 of 4.
    np.testing.assert_allclose(widths, [100 / 3, 0.0, 200 / 3, 0.0])
    texts = [text.get_text() for text in ax.texts]
    assert texts == ["1 of 3", "0 of 4", "2 of 3", "0 of 4"]
    with pytest.raises(ValueError, match="reports"):
        plotting.layer_health({})
