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
