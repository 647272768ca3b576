import re
from collections.abc import Iterator

import matplotlib as mpl
import numpy as np
import pytest

mpl.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.container import ErrorbarContainer
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from dying_relu import experiments, plotting
from dying_relu.continual import PermutedDigits, permuted_digits


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def assert_house_style(fig: Figure) -> None:
    assert isinstance(fig, Figure)
    # Opaque white, so the figure reads on a dark page as on a light one.
    assert to_hex(fig.get_facecolor(), keep_alpha=True) == "#ffffffff"
    width, height = fig.get_size_inches()
    # As wide as the text column, so that it is shown at its own size on a desktop.
    assert width == plotting.WIDE
    assert height <= 5.5
    # Every text is at least the body text's size there (12 pt = 16 px).
    texts = [t for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()]
    assert texts
    assert min(float(t.get_fontsize()) for t in texts) >= 12.0
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
    (below,) = fig.legends
    assert [t.get_text() for t in below.get_texts()] == list(shock.labels)
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


# --- The four looks of a figure on the site ---------------------------------------------------

HEX = re.compile(r"#[0-9a-fA-F]{6}\b")


def luminance(colour: str) -> float:
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255.0
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return float(linear @ [0.2126, 0.7152, 0.0722])


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def neutral(colour: str) -> bool:
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return max(rgb) - min(rgb) <= 5


@pytest.fixture(scope="module")
def site_figures(shock: experiments.BiasShock) -> dict[str, plotting.SiteFigure]:
    lu = experiments.lu_collapse(steps=5, seeds=(0, 1, 2, 3))
    sweep = experiments.learning_rate_sweep("sgd", (0.1, 50.0), seeds=(0, 1), epochs=1, width=8)
    leaky = experiments.leaky_vs_relu((0.0, 0.2), lrs=(0.1,), seeds=(0, 1), epochs=1, hidden=(8,))
    grid = experiments.born_dead_grid(widths=(2, 4), depths=(1, 5), trials=50)
    return {
        "activation_curves": plotting.SiteFigure(plotting.activation_curves),
        "born_dead_grid": plotting.SiteFigure(plotting.born_dead_grid, grid),
        "bias_shock": plotting.SiteFigure(plotting.bias_shock, shock),
        "recovery_thresholds": plotting.SiteFigure(plotting.recovery_thresholds, shock),
        "activity_map": plotting.SiteFigure(plotting.activity_map, shock),
        "learning_rate_sweep": plotting.SiteFigure(plotting.learning_rate_sweep, sweep),
        "leaky_vs_relu": plotting.SiteFigure(plotting.leaky_vs_relu, leaky),
        "lu_collapse": plotting.SiteFigure(plotting.lu_collapse, lu),
    }


def test_every_site_figure_has_four_looks_in_svg(
    site_figures: dict[str, plotting.SiteFigure],
) -> None:
    for name, site in site_figures.items():
        looks = site.svg()
        assert list(looks) == list(plotting.LOOKS), name
        for look, svg in looks.items():
            assert svg.lstrip().startswith("<?xml"), (name, look)
            found = re.search(r'<svg[^>]* width="([0-9.]+)pt"', svg)
            assert found is not None, (name, look)
            width = float(found.group(1))
            expected = plotting.NARROW if look.endswith("narrow") else plotting.WIDE
            assert width == pytest.approx(72.0 * expected), (name, look)


def test_the_narrow_look_stacks_the_panels() -> None:
    site = plotting.SiteFigure(plotting.activation_curves)
    token = plotting._NARROW.set(True)
    try:
        narrow = plotting.activation_curves()
    finally:
        plotting._NARROW.reset(token)
    narrow.canvas.draw()
    site.figure.canvas.draw()
    left = [ax.get_position().x0 for ax in narrow.axes]
    top = [ax.get_position().y0 for ax in narrow.axes]
    assert left[0] == pytest.approx(left[1])
    assert top[0] > top[1]
    wide = [ax.get_position().y0 for ax in site.figure.axes]
    assert wide[0] == pytest.approx(wide[1])
    # Captions name the panels by letter, wherever they stand.
    assert [ax.get_title(loc="left").split()[0] for ax in narrow.axes] == ["(a)", "(b)"]


def test_a_figure_writes_the_same_svg_every_time() -> None:
    first = plotting.SiteFigure(plotting.activation_curves).svg()
    second = plotting.SiteFigure(plotting.activation_curves).svg()
    assert first == second


def test_the_dark_look_stands_out_on_the_dark_page(
    site_figures: dict[str, plotting.SiteFigure],
) -> None:
    for name, site in site_figures.items():
        looks = site.svg()
        dark = set(HEX.findall(looks["dark wide"]))
        light = set(HEX.findall(looks["light wide"]))
        # The light look's white is the dark page, its black the dark page's text.
        assert "#ffffff" in {c.lower() for c in light}, name
        assert plotting.DARK_PAGE in dark, name
        assert "#ffffff" not in dark, name
        # Text and axes inherit the dark ink: matplotlib leaves black unsaid.
        assert f'fill="{plotting.DARK_INK}"' in looks["dark wide"]
        for colour in light:
            if not neutral(colour):
                assert contrast(plotting.dark_colour(colour), plotting.DARK_PAGE) >= (
                    plotting.DARK_CONTRAST
                ), (name, colour)
                assert plotting.dark_colour(colour) in dark, (name, colour)
                assert colour not in dark or colour == plotting.dark_colour(colour)
        # The activity map's picture is redrawn for the dark page, not left white.
        if name == "activity_map":
            assert looks["dark wide"].count("data:image/png") == 6
            assert looks["dark wide"] != looks["light wide"]


def test_dark_colour_turns_neutrals_over_and_lightens_the_rest() -> None:
    assert plotting.dark_colour("#ffffff") == plotting.DARK_PAGE
    assert plotting.dark_colour("#000000") == plotting.DARK_INK
    grey = plotting.dark_colour("#808080")
    assert luminance(plotting.DARK_PAGE) < luminance(grey) < luminance(plotting.DARK_INK)
    blue = "#003366"
    assert contrast(blue, plotting.DARK_PAGE) < plotting.DARK_CONTRAST
    lighter = plotting.dark_colour(blue)
    assert contrast(lighter, plotting.DARK_PAGE) >= plotting.DARK_CONTRAST
    assert luminance(lighter) > luminance(blue)
    orange = plotting.OKABE_ITO["orange"]
    assert plotting.dark_colour(orange) == orange.lower()
    for bad in ("white", "#fff", "#gggggg", 0x000000):
        with pytest.raises(ValueError, match="colour"):
            plotting.dark_colour(bad)  # type: ignore[arg-type]


def test_a_site_figure_shows_itself_as_html_with_svg_beside_it() -> None:
    bundle = plotting.SiteFigure(plotting.activation_curves)._repr_mimebundle_()
    assert set(bundle) == {"image/svg+xml", "text/html", "text/plain"}
    assert bundle["text/html"].count("data:image/svg+xml;base64,") == 4
    assert 'media="(prefers-color-scheme: dark)"' in bundle["text/html"]
    assert "activation_curves" in bundle["text/plain"]


def test_site_figure_rejects_what_is_not_a_plotting_function() -> None:
    with pytest.raises(TypeError, match="draw"):
        plotting.SiteFigure("activation_curves")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="draw"):
        plotting.SiteFigure(lambda: 1)  # type: ignore[arg-type, return-value]


@pytest.fixture(scope="module")
def permuted() -> PermutedDigits:
    return permuted_digits(("backprop", "redo", "leaky_relu"), n_tasks=3, width=8, seeds=(0, 1))


def test_permuted_digits(permuted: PermutedDigits) -> None:
    fig = plotting.permuted_digits(permuted)
    assert_house_style(fig)
    ax_acc, ax_dead = fig.axes
    assert [line.get_label() for line in ax_acc.get_lines()] == ["Backprop", "ReDo", "Leaky ReLU"]
    # One point per task, the mean over the runs, in percent.
    line = ax_acc.get_lines()[1]
    assert np.asarray(line.get_xdata()).tolist() == [1, 2, 3]
    np.testing.assert_allclose(
        np.asarray(line.get_ydata()), 100 * permuted.accuracy[1].mean(axis=-1)
    )
    np.testing.assert_allclose(
        np.asarray(ax_dead.get_lines()[0].get_ydata()), 100 * permuted.dead[0].mean(axis=-1)
    )
    assert len({line.get_marker() for line in ax_acc.get_lines()}) == 3


def test_dormancy_sweep(permuted: PermutedDigits) -> None:
    fig = plotting.dormancy_sweep(permuted)
    assert_house_style(fig)
    (ax,) = fig.axes
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["dead", *(f"{tau:g}" for tau in permuted.taus)]
    # One errorbar series per method, its markers at the means of the last task.
    series = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    assert len(series) == 3
    means = np.asarray(series[2].lines[0].get_ydata())
    expected = [permuted.dead[2, -1].mean(), *permuted.dormant[2, -1].mean(axis=0)]
    np.testing.assert_allclose(means, 100 * np.array(expected))
