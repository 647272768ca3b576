from collections.abc import Iterator

import matplotlib as mpl
import numpy as np
import pytest

mpl.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

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
        assert ax.get_xlabel()
        assert ax.get_ylabel()


def line_colours(fig: Figure) -> set[str]:
    return {to_hex(line.get_color()) for ax in fig.axes for line in ax.get_lines()}


def test_palette_is_okabe_ito() -> None:
    assert plotting.OKABE_ITO["vermillion"] == "#D55E00"
    assert len(set(plotting.OKABE_ITO.values())) == 8


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
    assert [t.get_text() for t in ax_depth.get_legend().get_texts()] == ["sigmoid", "tanh", "relu"]


def test_bias_shock() -> None:
    result = experiments.bias_shock(
        (0.0, 0.01, 0.2), epochs_before=1, epochs_after=2, width=8, seeds=(0, 1)
    )
    fig = plotting.bias_shock(result)
    assert_house_style(fig)
    ax_dead, ax_loss = fig.axes
    # One mean line per activation and the shock marker, on both axes.
    assert len(ax_dead.get_lines()) == len(ax_loss.get_lines()) == 3 + 1
    dead_mean = np.asarray(ax_dead.get_lines()[0].get_ydata(), dtype=float)
    np.testing.assert_allclose(dead_mean, 100 * result.dead_fraction[0].mean(axis=-1))
    assert [t.get_text() for t in ax_dead.get_legend().get_texts()] == list(result.labels)
    # The three activations are told apart by colour and by line style.
    styles = {(to_hex(line.get_color()), line.get_linestyle()) for line in ax_dead.get_lines()[:3]}
    assert len({c for c, _ in styles}) == len({s for _, s in styles}) == 3


def test_learning_rate_sweep() -> None:
    result = experiments.learning_rate_sweep((0.1, 1.0, 50.0), seeds=(0, 1), epochs=1, width=8)
    fig = plotting.learning_rate_sweep(result)
    assert_house_style(fig)
    ax_dead, ax_acc = fig.axes
    assert ax_dead.get_xscale() == ax_acc.get_xscale() == "log"
    # Runs and mean per activation, plus one row of divergence crosses each, plus the 40 % line.
    assert len(ax_dead.get_lines()) == 2 * 3 + 1
    assert len(ax_acc.get_lines()) == 2 * 2
    reference = ax_dead.get_lines()[-1]
    assert list(reference.get_ydata()) == [40.0, 40.0]
    crosses = [ax_dead.get_lines()[2], ax_dead.get_lines()[5]]
    assert sum(len(line.get_xdata()) for line in crosses) == int(
        (result.diverged.sum(axis=-1) > 0).sum()
    )


def test_leaky_vs_relu() -> None:
    result = experiments.leaky_vs_relu(
        (0.0, 0.01, 0.2), lrs=(0.1, 1.0), seeds=(0, 1, 2), epochs=1, width=8
    )
    fig = plotting.leaky_vs_relu(result)
    assert_house_style(fig)
    ax_acc, ax_diff = fig.axes
    assert len(ax_acc.containers) == 3
    assert len(ax_diff.containers) == 2
    assert [t.get_text() for t in ax_acc.get_xticklabels()] == ["0.1", "1"]
    # Each comparison shows its computed verdict, abbreviated when long.
    shown = sorted(t.get_text() for t in ax_diff.texts)
    expected = sorted(
        "n.d." if v == "no detectable difference" else str(v) for v in result.verdict.ravel()
    )
    assert shown == expected
