"""Figures for the site, one function per experiment, in one house style.

This is the only module that imports matplotlib.  Each function takes the result of an
experiment of :mod:`dying_relu.experiments`, of the same name unless its summary names
another, and returns a :class:`matplotlib.figure.Figure`; none calls ``plt.show()``, so a
notebook cell displays the figure it returns and a script can save it.  Their docstrings say
what each panel shows.

House style, and why:

* Colours come from the Okabe-Ito palette (Okabe and Ito 2008, "Color Universal Design"),
  which stays distinguishable under the common colour-vision deficiencies, and each series
  also differs by line style or marker, so that the figure survives greyscale printing.  Its
  yellow is left out: it is too pale on white.  An activation keeps its colour in every figure.
* Text is as large as the site's body text where the figure is shown.  A figure is drawn at
  the width of the text column, :data:`WIDE` inches (672 px at 96 px to the inch), with
  12-point text (16 px), so that on a desktop it is shown at its own size; on a phone it is
  drawn again :data:`NARROW` inches wide, with its panels stacked.
* :class:`SiteFigure` gives the four looks the site shows, wide and narrow, light and dark,
  as SVG: the dark look is the light one with every neutral colour turned over onto the dark
  page and every other colour lightened until it stands out from it (:func:`dark_colour`).
  SVG because the figures are line art: a few tens of kilobytes each, sharp at any zoom,
  where a PNG sharp on a high-density screen weighs several times more.
"""

from __future__ import annotations

import base64
import io
import re
import textwrap
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
import matplotlib.image
import matplotlib.pyplot as plt
import numpy as np
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from numpy.typing import NDArray

from dying_relu import activations
from dying_relu._validation import index_of
from dying_relu.stats import Interval, mean_interval, proportion_interval

if TYPE_CHECKING:
    # Only for annotations: at run time nothing but the pages and the tests imports experiments.
    from dying_relu.continual import PermutedDigits
    from dying_relu.detector import LayerReport
    from dying_relu.experiments import (
        BiasShock,
        BornDeadGrid,
        LeakyVsRelu,
        LearningRateSweep,
        LuCollapse,
        TrainingGradients,
        VanishingGradients,
        WeightScaleGradients,
    )

__all__ = [
    "LOOKS",
    "NARROW",
    "OKABE_ITO",
    "WIDE",
    "SiteFigure",
    "activation_curves",
    "activity_map",
    "bias_shock",
    "born_dead_grid",
    "dark_colour",
    "dormancy_sweep",
    "layer_health",
    "leaky_vs_relu",
    "learning_rate_sweep",
    "lu_collapse",
    "permuted_digits",
    "recovery_thresholds",
    "training_gradients",
    "vanishing_gradients",
    "weight_scale_gradients",
]

#: The Okabe-Ito palette, by name.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}

# Order in which series take colours when they are not activations; yellow is too pale on white.
_CYCLE = ["blue", "vermillion", "bluish green", "reddish purple", "orange", "sky blue", "black"]

_ACTIVATION_STYLE = {
    "relu": {"color": OKABE_ITO["blue"], "linestyle": "-", "marker": "o"},
    "leaky_relu": {"color": OKABE_ITO["vermillion"], "linestyle": "--", "marker": "s"},
    "sigmoid": {"color": OKABE_ITO["bluish green"], "linestyle": "-.", "marker": "^"},
    "tanh": {"color": OKABE_ITO["reddish purple"], "linestyle": ":", "marker": "D"},
}

#: Every text size of the house style: all of them the body text's size.
_FONT_SIZES = (
    "font.size",
    "axes.titlesize",
    "axes.labelsize",
    "xtick.labelsize",
    "ytick.labelsize",
    "legend.fontsize",
    "legend.title_fontsize",
    "figure.titlesize",
    "figure.labelsize",
)

_RC: dict[str, Any] = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.transparent": False,
    "figure.dpi": 96,
    **dict.fromkeys(_FONT_SIZES, 12.0),
    "legend.frameon": False,
    # Fixed, so that the same figure writes the same SVG on every build.
    "svg.hashsalt": "dying-relu",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#d9d9d9",
    "grid.linewidth": 0.6,
    "lines.linewidth": 1.6,
    "lines.markersize": 4,
    "axes.prop_cycle": cycler(color=[OKABE_ITO[name] for name in _CYCLE]),
}

#: Width of a figure in inches: the site's text column on a desktop (672 px).
WIDE = 7.0
#: Width of a figure drawn for a phone, in inches (336 px).
NARROW = 3.5
#: Text size of the narrow look in points; 11 points are about 15 px.
_NARROW_FONT = 11.0
_SINGLE = (WIDE, 3.6)
_DOUBLE = (WIDE, 3.8)
#: Height of one stacked panel in the narrow look, in inches.
_NARROW_PANEL = 2.9

# Whether the figure being drawn is the narrow look; set by SiteFigure while it draws one.
_NARROW: ContextVar[bool] = ContextVar("narrow", default=False)


def _narrow() -> bool:
    return _NARROW.get()


@contextmanager
def _house_style() -> Iterator[None]:
    rc = dict(_RC)
    if _narrow():
        rc.update(dict.fromkeys(_FONT_SIZES, _NARROW_FONT))
    with mpl.style.context(rc):
        yield


def _figure(
    nrows: int, ncols: int, figsize: tuple[float, float], **subplot_kw: Any
) -> tuple[Figure, NDArray[Any]]:
    """A figure of ``nrows`` by ``ncols`` axes (always a 2-D array), owned by the caller."""
    fig, axes = plt.subplots(
        nrows, ncols, figsize=figsize, layout="constrained", squeeze=False, **subplot_kw
    )
    # Detach the figure from pyplot: the caller owns it. A notebook then shows it exactly once,
    # as the value of the cell, instead of also showing it (or not) depending on whether some
    # pyplot call happened to mark it for the inline backend; and scripts do not accumulate
    # open figures.
    plt.close(fig)
    # Set on the figure itself, because the notebook saves it after the style context is gone.
    fig.patch.set_facecolor("white")
    fig.patch.set_alpha(1.0)
    return fig, axes


def _subplots(ncols: int, figsize: tuple[float, float]) -> tuple[Figure, list[Axes]]:
    """``ncols`` panels side by side, or stacked in the narrow look."""
    if _narrow():
        height = max(figsize[1], _NARROW_PANEL) if ncols == 1 else _NARROW_PANEL * ncols + 0.2
        fig, axes = _figure(ncols, 1, (NARROW, height))
        panels = list(axes[:, 0])
    else:
        fig, axes = _figure(1, ncols, figsize)
        panels = list(axes[0])
    _letter_panels(panels)
    return fig, panels


def _letter_panels(panels: list[Axes]) -> None:
    """Name the panels (a), (b), ...: captions refer to them so, side by side or stacked."""
    if len(panels) > 1:
        for letter, ax in zip("abcdefghij", panels, strict=False):
            ax.set_title(f"({letter})", loc="left")


def _legend_below(fig: Figure, ax: Axes, **kwargs: Any) -> None:
    """The legend of ``ax`` below all panels, where no line or marker can run under it."""
    handles, labels = ax.get_legend_handles_labels()
    columns = 1 if _narrow() else min(len(labels), 4)
    fig.legend(handles, labels, loc="outside lower center", ncols=columns, **kwargs)


def _title(ax: Axes, text: str) -> None:
    """Title a panel after its letter, wrapped to the panel's width."""
    full = f"{ax.get_title(loc='left')} {text}".strip()
    figure = ax.get_figure(root=True)
    assert figure is not None  # every panel here belongs to a figure
    inches = ax.get_position().width * figure.get_figwidth()
    size = float(mpl.rcParams["axes.titlesize"])
    ax.set_title(textwrap.fill(full, max(16, int(inches * 72.0 / (0.58 * size)))), loc="left")


def _depth_ticks(ax: Axes, values: NDArray[Any]) -> None:
    """Label the given values of a logarithmic x axis, leaving out those too close to read."""
    spread = np.log(values.max() / values.min()) if values.size > 1 else 1.0
    gap = (0.16 if _narrow() else 0.07) * spread
    kept: list[float] = []
    for value in np.sort(values):
        if not kept or np.log(value / kept[-1]) >= gap:
            kept.append(float(value))
    ax.set_xticks(values, [f"{v:g}" if v in kept else "" for v in values])
    ax.minorticks_off()


# Leaky ReLU variants after the first take these, in order, so that slopes stay apart.
_EXTRA_LEAKY_STYLES: list[dict[str, Any]] = [
    {"color": OKABE_ITO["orange"], "linestyle": "-.", "marker": "v"},
    {"color": OKABE_ITO["sky blue"], "linestyle": ":", "marker": "P"},
    {"color": OKABE_ITO["black"], "linestyle": (0, (5, 1, 1, 1)), "marker": "X"},
]


def _activation_style(name: str) -> dict[str, Any]:
    return dict(_ACTIVATION_STYLE[name.split(" ")[0]])


def _slope_styles(slopes: np.ndarray) -> list[dict[str, Any]]:
    """One style per negative slope: ReLU's for 0, Leaky ReLU's for the first slope above 0."""
    styles, leaky_seen = [], 0
    for slope in slopes:
        if slope == 0.0:
            styles.append(_activation_style("relu"))
            continue
        if leaky_seen == 0:
            styles.append(_activation_style("leaky_relu"))
        else:
            styles.append(dict(_EXTRA_LEAKY_STYLES[(leaky_seen - 1) % len(_EXTRA_LEAKY_STYLES)]))
        leaky_seen += 1
    return styles


def _with_gap_at_zero(
    x: np.ndarray, function: Callable[[np.ndarray], Any]
) -> tuple[np.ndarray, np.ndarray]:
    # The ReLU-family derivatives jump at 0; a NaN breaks the line there instead of drawing a
    # vertical segment that no function value lies on.
    negative, positive = x[x < 0], x[x > 0]
    xs = np.concatenate([negative, [0.0], positive])
    ys = np.concatenate([function(negative), [np.nan], function(positive)])
    return xs, ys


def activation_curves(
    x_range: tuple[float, float] = (-4.0, 4.0), negative_slope: float = 0.1
) -> Figure:
    """Plot ReLU, Leaky ReLU, sigmoid and tanh (a) and their derivatives (b).

    Parameters
    ----------
    x_range : tuple of float
        Interval of pre-activations shown; it must contain 0.
    negative_slope : float
        Slope of the Leaky ReLU shown; the default 0.1 is larger than the usual 0.01 so that
        the slope is visible at this scale, and the legend says so.

    Examples
    --------
    >>> fig = activation_curves()
    >>> [len(ax.get_lines()) for ax in fig.axes]
    [4, 4]
    >>> plt.close(fig)
    """
    low, high = float(x_range[0]), float(x_range[1])
    if not low < 0.0 < high:
        raise ValueError(f"x_range must contain 0 strictly inside, got {x_range!r}")
    x = np.linspace(low, high, 801)
    leaky = f"leaky_relu (slope {negative_slope:g})"
    curves: list[tuple[str, Callable[..., Any], Callable[..., Any], bool]] = [
        ("relu", activations.relu, activations.relu_derivative, True),
        (
            leaky,
            partial(activations.leaky_relu, negative_slope=negative_slope),
            partial(activations.leaky_relu_derivative, negative_slope=negative_slope),
            True,
        ),
        ("sigmoid", activations.sigmoid, activations.sigmoid_derivative, False),
        ("tanh", activations.tanh, activations.tanh_derivative, False),
    ]
    with _house_style():
        fig, (ax_f, ax_d) = _subplots(2, _DOUBLE)
        for name, function, derivative, jumps in curves:
            style = _activation_style(name)
            style.pop("marker")
            ax_f.plot(x, function(x), label=name, **style)
            xs, ys = _with_gap_at_zero(x, derivative) if jumps else (x, derivative(x))
            ax_d.plot(xs, ys, label=name, **style)
        ax_f.set(xlabel="pre-activation z", ylabel="activation f(z)")
        ax_d.set(xlabel="pre-activation z", ylabel="derivative f'(z)", ylim=(-0.05, 1.1))
        _title(ax_f, "Activations")
        _title(ax_d, "Derivatives")
        ax_f.set_ylim(-1.1, min(high, 4.0) + 0.1)
        ax_d.legend(loc="center left")
    return fig


def born_dead_grid(result: BornDeadGrid) -> Figure:
    """Plot the probability of being born dead against depth, one line per width.

    Left: one input point, the closed form (lines) with the He Monte Carlo estimates and
    their 95 % intervals beside it (filled markers) and RAI (open markers, dashed).  Right:
    many input points, He and RAI, where no closed form applies.

    Examples
    --------
    >>> from dying_relu.experiments import born_dead_grid as run
    >>> fig = born_dead_grid(run(widths=(2, 4), depths=(1, 5), trials=100))
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['depth (hidden layers)', 'depth (hidden layers)']
    >>> plt.close(fig)
    """
    settings = {label: s for s, label in enumerate(result.settings)}
    with _house_style():
        fig, (ax_one, ax_many) = _subplots(2, _DOUBLE)
        depths = result.depths
        handles: list[Any] = []
        for i, width in enumerate(result.widths):
            color = OKABE_ITO[_CYCLE[i % len(_CYCLE)]]
            ax_one.plot(depths, result.exact[i], color=color)
            handles.append(Line2D([], [], color=color, linewidth=6, label=f"width {width}"))
            for ax, where in ((ax_one, "one point"), (ax_many, "many points")):
                for init in ("he", "rai"):
                    s = settings[f"{init}, {where}"]
                    est = result.estimate[s, i]
                    err = np.stack([est - result.ci_low[s, i], result.ci_high[s, i] - est])
                    he = init == "he"
                    # On one point the exact line already joins the He estimates.
                    linestyle = "--" if not he else "none" if where == "one point" else "-"
                    ax.errorbar(
                        depths,
                        est,
                        yerr=err,
                        color=color,
                        marker="o" if he else "s",
                        markerfacecolor=color if he else "white",
                        linestyle=linestyle,
                        linewidth=1.0,
                        capsize=2,
                    )
        grey = OKABE_ITO["black"]
        handles += [
            Line2D([], [], color=grey, label="exact (one point)"),
            Line2D([], [], color=grey, marker="o", linestyle="none", label="He, Monte Carlo"),
            Line2D(
                [],
                [],
                color=grey,
                marker="s",
                markerfacecolor="white",
                linestyle="--",
                label="RAI, Monte Carlo",
            ),
        ]
        for ax in (ax_one, ax_many):
            ax.set(
                xscale="log",
                xlabel="depth (hidden layers)",
                ylabel="probability born dead",
                ylim=(-0.03, 1.03),
            )
            _depth_ticks(ax, depths)
        _title(ax_one, "one input point")
        _title(ax_many, f"{result.n_points} input points")
        if _narrow():
            fig.legend(handles=handles, loc="outside lower center", ncols=2)
        else:
            fig.legend(handles=handles, loc="outside right center")
    return fig


def vanishing_gradients(result: VanishingGradients) -> Figure:
    """Plot gradient norms at initialisation: along the deepest network, and against depth.

    Left: the gradient norm of every weight matrix of the deepest network, from the first
    layer to the output layer.  Right: the gradient norm of the first layer against depth.
    Both on a logarithmic scale, one line per activation.

    Examples
    --------
    >>> from dying_relu.experiments import vanishing_gradients as run
    >>> fig = vanishing_gradients(run(depths=(2, 8), activations=("sigmoid", "relu"), seeds=(0,)))
    >>> [len(ax.get_lines()) for ax in fig.axes]
    [2, 2]
    >>> plt.close(fig)
    """
    deepest = int(result.depths.argmax())
    depth = int(result.depths[deepest])
    layers = np.arange(1, depth + 2)
    with _house_style():
        fig, (ax_layers, ax_depth) = _subplots(2, _DOUBLE)
        for a, name in enumerate(result.activations):
            style = _activation_style(name)
            if name == "leaky_relu":
                name = f"leaky_relu (slope {result.negative_slope:g})"
            ax_layers.plot(
                layers,
                result.grad_norm[a, deepest, : depth + 1],
                label=name,
                **{**style, "marker": None},
            )
            ax_depth.plot(result.depths, result.first_layer[a], label=name, **style)
        ax_layers.set(
            yscale="log",
            xlabel=f"weight layer (1 first, {depth + 1} output)",
            ylabel="gradient norm ||dL/dW||",
        )
        _title(ax_layers, f"along a network of {depth} hidden layers")
        ax_depth.set(yscale="log", xlabel="depth (hidden layers)", ylabel="gradient norm ||dL/dW||")
        _title(ax_depth, "first layer, against depth")
        ax_depth.legend(loc="lower left")
    return fig


def weight_scale_gradients(result: WeightScaleGradients) -> Figure:
    """Plot saturation and the error signal reaching the first layer against the weight scale.

    Left: mean derivative of the activation over all hidden units and inputs.  Right: the
    first layer's bias gradient over the output layer's (median over seeds, log scale), with
    a band from the lowest to the highest seed.

    Examples
    --------
    >>> from dying_relu.experiments import weight_scale_gradients as run
    >>> fig = weight_scale_gradients(run((0.5, 2.0), ("tanh", "relu"), depth=4, seeds=(0,)))
    >>> [len(ax.get_lines()) for ax in fig.axes]
    [2, 3]
    >>> plt.close(fig)
    """
    with _house_style():
        fig, (ax_sat, ax_ratio) = _subplots(2, _DOUBLE)
        for a, name in enumerate(result.activations):
            style = _activation_style(name)
            ax_sat.plot(result.scales, result.mean_derivative[a], label=name, **style)
            _median_with_range(ax_ratio, result.scales, result.bias_ratio[a], name, style)
        ax_ratio.axhline(1.0, color=OKABE_ITO["black"], linewidth=1.0, linestyle=":")
        scale_label = "weight scale (1: Glorot's or He's)"
        ax_sat.set(xscale="log", xlabel=scale_label, ylabel="mean derivative f'(z)",
                   ylim=(0.0, 1.05))  # fmt: skip
        _title(ax_sat, "how saturated the hidden units are")
        ax_ratio.set(xscale="log", yscale="log", xlabel=scale_label,
                     ylabel="first / output layer")  # fmt: skip
        _title(ax_ratio, f"bias gradient after {result.depth} hidden layers")
        for ax in (ax_sat, ax_ratio):
            _depth_ticks(ax, result.scales)
        _legend_below(fig, ax_sat)
    return fig


def training_gradients(result: TrainingGradients) -> Figure:
    """Plot the first-layer over output-layer gradient norm while deep networks train.

    One line per activation, the median over seeds, with a band from the lowest to the
    highest seed, on a logarithmic scale.

    Examples
    --------
    >>> from dying_relu.experiments import training_gradients as run
    >>> fig = training_gradients(run(("tanh",), depth=3, epochs=1, seeds=(0,)))
    >>> fig.axes[0].get_yscale()
    'log'
    >>> plt.close(fig)
    """
    with _house_style():
        fig, (ax,) = _subplots(1, _SINGLE)
        for a, name in enumerate(result.activations):
            style = {**_activation_style(name), "marker": None}
            _median_with_range(ax, result.step, result.ratio[a], name, style)
        ax.axhline(1.0, color=OKABE_ITO["black"], linewidth=1.0, linestyle=":")
        ax.set(
            yscale="log",
            xlabel=f"training step (SGD, learning rate {result.lr:g})",
            ylabel="first / output layer",
        )
        _title(ax, f"gradient norm, {result.depth} hidden layers of {result.width} units, "
                   "on the digits")  # fmt: skip
        ax.legend(loc="lower right")
    return fig


def bias_shock(result: BiasShock, threshold: float = 0.01) -> Figure:
    """Plot the dose-response of the bias shock, one line per activation.

    Left: share of the shocked units dead right after the shock.  Middle: of those, the share
    active on at least ``threshold`` of the training inputs at the end.  Right: test accuracy
    minus the unshocked baseline of the same seed.  Means over the seeds whose runs did not
    diverge, with t intervals in the middle and on the right; the shift is on the x axis.

    Parameters
    ----------
    threshold : float
        The activity threshold of panel (b), one of ``result.thresholds``.

    Examples
    --------
    >>> from dying_relu.experiments import bias_shock as run
    >>> fig = bias_shock(run((0.0, 0.2), (8.0,), epochs_before=1, epochs_after=1, width=8,
    ...                      seeds=(0, 1)))
    >>> [ax.get_xlabel() for ax in fig.axes][0]
    'bias shift'
    >>> plt.close(fig)
    """
    styles = _slope_styles(result.negative_slopes)
    shocked = result.shifts > 0.0
    shifts = result.shifts[shocked]
    recovered = result.recovered(threshold)
    killed = result.dead_after.mean(axis=-1)
    gap = result.accuracy[:, shocked] - result.accuracy[:, :1]
    with _house_style():
        fig, (ax_dead, ax_back, ax_acc) = _subplots(3, _DOUBLE)
        offsets = _offsets(len(result.labels), 0.04)
        for a, label in enumerate(result.labels):
            style = styles[a]
            x = shifts * offsets[a]
            ax_dead.plot(x, 100.0 * np.nanmean(killed[a, shocked], axis=-1), label=label, **style)
            _mean_with_interval(ax_back, x, 100.0 * recovered[a, shocked], style)
            _mean_with_interval(ax_acc, x, 100.0 * gap[a], style)
        ax_acc.axhline(0.0, color=OKABE_ITO["black"], linewidth=1.0)
        for ax in (ax_dead, ax_back, ax_acc):
            ax.set_xscale("log")
            _depth_ticks(ax, shifts)
            ax.set_xlabel("bias shift")
        ax_dead.set(ylabel="shocked units (%)", ylim=(-3, 103))
        _title(ax_dead, "dead right after the shock")
        ax_back.set(ylabel="of the dead units (%)")
        ax_back.set_ylim(bottom=-2)
        _title(ax_back, f"active on >= {threshold:.0%} of inputs at the end")
        ax_acc.set(ylabel="points")
        _title(ax_acc, "test accuracy minus unshocked")
        _legend_below(fig, ax_dead)
    return fig


def recovery_thresholds(result: BiasShock, shift: float | None = None) -> Figure:
    """Plot how many killed units count as recovered, against the activity threshold.

    One panel per hidden layer, at one shock size; one line per activation, the mean over
    seeds.  The first threshold, 0, counts a unit active on a single input.

    Parameters
    ----------
    shift : float, optional
        The shock size, one of ``result.shifts``; by default that of the activity maps.

    Examples
    --------
    >>> from dying_relu.experiments import bias_shock as run
    >>> fig = recovery_thresholds(run((0.0,), (8.0,), epochs_before=1, epochs_after=1,
    ...                                width=8, seeds=(0,)))
    >>> [ax.get_title(loc="left").split(":")[0] for ax in fig.axes]
    ['(a) first hidden layer', '(b) second hidden layer']
    >>> plt.close(fig)
    """
    styles = _slope_styles(result.negative_slopes)
    shift = result.map_shift if shift is None else shift
    k = result.shift_index(shift)
    positions = np.arange(result.thresholds.size)
    ticks = ["1 input", *(f"{q:.1%}".replace(".0%", "%") for q in result.thresholds[1:])]
    if result.thresholds[0] != 0.0:
        ticks[0] = f"{result.thresholds[0]:.1%}"
    with _house_style():
        fig, axes = _subplots(2, _DOUBLE)
        for ax, layers in zip(axes, ("first", "second"), strict=True):
            for a, label in enumerate(result.labels):
                shares = np.stack(
                    [result.recovered(q, layers=layers)[a, k] for q in result.thresholds]
                )
                # The first activation (ReLU) on top: where all lie at 0, it must stay seen.
                ax.plot(positions, 100.0 * _nanmean(shares.T), label=label,
                        zorder=3 + len(result.labels) - a, **styles[a])  # fmt: skip
            ax.set_xticks(positions, ticks, rotation=35, ha="right", rotation_mode="anchor")
            ax.set(xlabel="active on at least", ylabel="killed units (%)")
            _title(ax, f"{layers} hidden layer: active at the end")
            ax.set_ylim(bottom=-2)
        axes[0].legend(loc="upper right")
        fig.suptitle(f"biases of the shocked units shifted by {shift:g}")
    return fig


# Columns of an activity map panel: about its width in pixels at the house dpi.
_MAP_COLUMNS = 240


def activity_map(result: BiasShock, negative_slopes: tuple[float, ...] = (0.0, 0.2)) -> Figure:
    """Plot which hidden units are active on which training inputs, around the shock.

    One row of panels per activation, three panels a row: before the shock, right after it,
    and at the end of training, for the first seed at the shift of the maps.  In each panel a
    row is a hidden unit (first layer above the line, second layer below) and a column a
    group of neighbouring training inputs, sorted by digit; the darker a pixel, the more of
    its inputs the unit is active on, and a pixel is white only if the unit is active on none.
    A dead unit is an empty row, and a black tab in the strip at the right marks it, so that
    the mark does not depend on telling colours apart.

    Parameters
    ----------
    negative_slopes : tuple of float
        The activations to show, by slope; each must be in ``result.negative_slopes``.

    Examples
    --------
    >>> from dying_relu.experiments import bias_shock as run
    >>> fig = activity_map(run((0.0, 0.2), (8.0,), epochs_before=1, epochs_after=1, width=8,
    ...                        seeds=(0,)))
    >>> len(fig.axes)
    6
    >>> plt.close(fig)
    """
    rows = [index_of(result.negative_slopes, s, "negative_slopes") for s in negative_slopes]
    width = result.width
    stages = (
        ("before the shock", result.map_before),
        ("right after", result.map_after),
        ("end of training", result.map_end),
    )
    inputs = result.map_before.shape[-1]
    # Neighbouring inputs are pooled into about as many columns as a panel has pixels, so
    # that every active input shows; a pixel's grey is the share of its inputs the unit is
    # active on, and only a unit active on none of them leaves its row white.
    edges = np.linspace(0, inputs, min(inputs, _MAP_COLUMNS) + 1).astype(np.intp)
    tab = max(1, (edges.size - 1) // 25)
    with _house_style():
        if _narrow():
            # Stacked: one panel a row, the activations one after the other.
            fig, grid = _figure(3 * len(rows), 1, (NARROW, 0.6 + 2.0 * 3 * len(rows)),
                                sharex=True, sharey=True)  # fmt: skip
            axes = grid[:, 0].reshape(len(rows), 3)
        else:
            fig, axes = _figure(len(rows), 3, (WIDE, 0.8 + 2.1 * len(rows)), sharex=True,
                                sharey=True)  # fmt: skip
        for r, row in enumerate(rows):
            for c, (title, maps) in enumerate(stages):
                ax = axes[r][c]
                active = maps[row]
                dead = ~active.any(axis=1)
                share = np.add.reduceat(active, edges[:-1], axis=1) / np.diff(edges)
                # 0 white (inactive), three greys by thirds of the share active (a few levels
                # keep the picture small), 2 black (the tab of a dead unit).
                picture = np.concatenate(
                    [np.where(share > 0, 0.4 + 0.25 * np.ceil(3 * share - 1), 0.0),
                     np.zeros((active.shape[0], tab // 2)),
                     np.repeat(2.0 * dead[:, np.newaxis], tab, axis=1)],
                    axis=1,
                )  # fmt: skip
                ax.imshow(picture, aspect="auto", cmap="Greys", vmin=0.0, vmax=2.0,
                          interpolation="nearest")  # fmt: skip
                ax.axhline(width - 0.5, color=OKABE_ITO["vermillion"], linewidth=1.0)
                ax.set_xticks([])
                ax.set_yticks([width / 2, 1.5 * width], ["layer 1", "layer 2"])
                ax.grid(False)
                ax.set_title(f"{title}\n{result.labels[row]}: {int(dead.sum())} dead")
        # The panels share their axes, so one label each says what rows and columns are.
        fig.supxlabel("training inputs, sorted by digit")
        fig.supylabel("hidden units")
    return fig


def learning_rate_sweep(result: LearningRateSweep) -> Figure:
    """Plot the dead share and the test accuracy of every run against the learning rate.

    Filled markers are runs that trained, open markers runs that collapsed; the line is the
    mean over the runs that trained.  Crosses in a band at the top of panel (a) mark the
    learning rates at which runs diverged, with their number above each.  A dashed line
    marks CS231n's "as much as 40 %".

    Examples
    --------
    >>> from dying_relu.experiments import learning_rate_sweep as run
    >>> fig = learning_rate_sweep(run("sgd", (0.1, 1.0), seeds=(0,), epochs=1, width=8))
    >>> [ax.get_xscale() for ax in fig.axes]
    ['log', 'log']
    >>> plt.close(fig)
    """
    styles = _slope_styles(result.negative_slopes)
    n_act = len(result.labels)
    nudges = _offsets(n_act, 0.06)
    with _house_style():
        fig, (ax_dead, ax_acc) = _subplots(2, _DOUBLE)
        for a, label in enumerate(result.labels):
            style = styles[a]
            lrs = result.lrs * nudges[a]
            outcome = result.outcome[a]
            for ax, values in (
                (ax_dead, result.dead_fraction[a]),
                (ax_acc, result.accuracy[a]),
            ):
                _runs_by_outcome(ax, lrs, 100.0 * values, outcome, style)
                trained = np.where(outcome == "trained", 100.0 * values, np.nan)
                ax.plot(lrs, _nanmean(trained.T), label=label, **{**style, "marker": None})
            _divergence_counts(ax_dead, lrs, (outcome == "diverged").sum(axis=-1), a, style)
        ax_dead.axhline(40.0, color=OKABE_ITO["black"], linestyle="--", linewidth=1.0)
        ax_dead.annotate(
            'CS231n: "as much as 40 %"', xy=(0.02, 41.0), xycoords=("axes fraction", "data"),
            va="bottom",
        )  # fmt: skip
        xlabel = f"learning rate ({result.optimizer})"
        ax_dead.set(xscale="log", xlabel=xlabel, ylabel="hidden units (%)",
                    ylim=(-3, 106.0 + 12.0 * n_act))  # fmt: skip
        ax_dead.set_yticks(np.arange(0, 101, 20))
        runs = result.outcome.shape[-1]
        _title(
            ax_dead,
            f"dead after training; at the top, \N{MULTIPLICATION SIGN} n: n of {runs} runs diverged",
        )
        ax_acc.set(xscale="log", xlabel=xlabel, ylabel="test accuracy (%)", ylim=(0, 100))
        _title(ax_acc, "test accuracy")
        _legend_below(fig, ax_acc, title="lines: mean of the runs that trained")
    return fig


def leaky_vs_relu(result: LeakyVsRelu) -> Figure:
    """Plot how often each activation diverged, and the accuracy of the runs that trained.

    Left: share of runs that diverged, with its 95 % Wilson interval.  Right: test accuracy of
    the runs that trained, single runs faint, the mean with its 95 % t interval; the number of
    runs behind each mean is written under it.  One group per learning rate.

    Examples
    --------
    >>> from dying_relu.experiments import leaky_vs_relu as run
    >>> fig = leaky_vs_relu(run((0.0, 0.2), lrs=(0.1,), seeds=(0, 1), epochs=1, hidden=(8,)))
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['learning rate (SGD)', 'learning rate (SGD)']
    >>> plt.close(fig)
    """
    styles = _slope_styles(result.negative_slopes)
    n_act, n_lr = len(result.labels), result.lrs.size
    positions = np.arange(n_lr, dtype=float)
    offsets = 0.5 * (np.arange(n_act) - (n_act - 1) / 2.0) / n_act
    with _house_style():
        fig, (ax_div, ax_acc) = _subplots(2, _DOUBLE)
        for a, label in enumerate(result.labels):
            style = styles[a]
            x = positions + offsets[a]
            failed = (result.outcome[a] == "diverged").sum(axis=-1)
            rates = [proportion_interval(int(k), result.outcome.shape[-1]) for k in failed]
            _errorbars(ax_div, x, rates, style, label)
            trained = np.where(result.outcome[a] == "trained", 100.0 * result.accuracy[a], np.nan)
            runs = np.broadcast_to(x[:, np.newaxis], trained.shape)
            ax_acc.plot(
                runs.ravel(), trained.ravel(), linestyle="none", marker=style["marker"],
                color=style["color"], alpha=0.3, markersize=3,
            )  # fmt: skip
            means = [mean_interval(row) for row in trained]
            _errorbars(ax_acc, x, means, style, label, scale=1.0)
            for xi, interval in zip(x, means, strict=True):
                ax_acc.annotate(
                    f"n={interval.n}", (xi, 0.02), xycoords=("data", "axes fraction"),
                    ha="center", va="bottom", rotation=90, color=style["color"],
                )  # fmt: skip
        ticks = [f"{lr:g}" for lr in result.lrs]
        for ax in (ax_div, ax_acc):
            ax.set_xticks(positions, ticks)
            ax.set_xlim(-0.6, n_lr - 0.4)
            ax.set_xlabel(f"learning rate ({result.optimizer})")
            ax.grid(axis="x", visible=False)
        # Room under the runs for the counts, written upwards.
        accuracy = 100.0 * result.accuracy[result.outcome == "trained"]
        if accuracy.size:
            low, high = float(accuracy.min()), float(accuracy.max())
            span = max(high - low, 1.0)
            limits = (low - 0.45 * span, high + 0.05 * span)
            ax_acc.set_ylim(*limits)
            # Accuracies only: no tick below 0 % or above 100 %.
            ax_acc.set_yticks([t for t in ax_acc.get_yticks() if 0.0 <= t <= 100.0])
            ax_acc.set_ylim(*limits)
        ax_div.set(ylabel="runs (%)", ylim=(-3, 103))
        _title(ax_div, "runs that diverged")
        ax_acc.set(ylabel="test accuracy (%)")
        _title(ax_acc, "accuracy of the runs that trained")
        ax_div.legend(loc="upper left")
    return fig


def lu_collapse(result: LuCollapse, published: float = 0.9) -> Figure:
    """Plot the share of deep, narrow networks born dead and collapsed, per initialisation.

    Bars with 95 % Wilson intervals: born dead at initialisation, and collapsed at the end of
    training; a dashed line marks the published figure.

    Parameters
    ----------
    published : float
        The share Lu et al. report, drawn for comparison.

    Examples
    --------
    >>> from dying_relu.experiments import lu_collapse as run
    >>> fig = lu_collapse(run(steps=5, seeds=(0, 1)))
    >>> len(fig.axes[0].containers)
    4
    >>> plt.close(fig)
    """
    n = len(result.seeds)
    stages = (
        ("born dead", result.born_dead),
        ("collapsed after training", result.outcome == "collapsed"),
    )
    positions = np.arange(len(result.inits), dtype=float)
    with _house_style():
        fig, (ax,) = _subplots(1, _SINGLE)
        for s, (label, flags) in enumerate(stages):
            color = OKABE_ITO[_CYCLE[s]]
            x = positions + (s - 0.5) * 0.38
            intervals = [proportion_interval(int(row.sum()), n) for row in flags]
            share = np.array([100.0 * i.estimate for i in intervals])
            ax.bar(x, share, width=0.36, color=color, label=label,
                   hatch="//" if s else None, edgecolor="white")  # fmt: skip
            _errorbars(ax, x, intervals, {"color": OKABE_ITO["black"], "marker": None}, None)
        ax.axhline(100.0 * published, color=OKABE_ITO["black"], linestyle="--", linewidth=1.0)
        # Beyond the right end of the line, where no bar or interval can run into it.
        ax.annotate(
            f"Lu et al.:\nover {published:.0%}", xy=(1.0, 100.0 * published),
            xycoords=("axes fraction", "data"), xytext=(4, 0), textcoords="offset points",
            ha="left", va="center", annotation_clip=False,
        )  # fmt: skip
        ax.set_xticks(positions, [name.upper() if name == "rai" else "He" for name in result.inits])
        ax.grid(axis="x", visible=False)
        ax.set(xlabel=f"initialisation ({n} runs each)", ylabel="runs (%)", ylim=(0, 105))
        _title(ax, f"width {result.width}, depth {result.depth}, fitting |x| with Adam")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22 if _narrow() else -0.16),
                  ncols=1 if _narrow() else 2)  # fmt: skip
    return fig


def layer_health(reports: Mapping[str, LayerReport], tau: float = 0.1) -> Figure:
    """Plot the share of dead and of ``tau``-dormant units in each layer, by the layer's name.

    Horizontal bars, one pair per layer in the order given, labelled with the names the
    reader's model gives its layers (:meth:`dying_relu.detector.Detector.report`), and with
    the counts at the end of each bar.

    Parameters
    ----------
    reports : dict[str, LayerReport]
        What the detector reports, by layer name (any mapping will do).
    tau : float
        The dormancy threshold.

    Examples
    --------
    >>> import numpy as np
    >>> from dying_relu.detector import Detector
    >>> detector = Detector()
    >>> detector.update({"fc1": np.array([[0.0, 1.0], [0.0, 2.0]]), "fc2": np.ones((2, 3))})
    >>> fig = layer_health(detector.report())
    >>> [label.get_text() for label in fig.axes[0].get_yticklabels()]
    ['fc1', 'fc2']
    >>> plt.close(fig)
    """
    names = list(reports)
    if not names:
        raise ValueError("reports must hold at least one layer")
    kinds = (
        ("dead (never above 0)", [reports[n].dead for n in names]),
        (f"dormant (score <= {tau:g})", [reports[n].dormant(tau) for n in names]),
    )
    rows = np.arange(len(names), dtype=float)
    height = (_SINGLE[0], max(2.0, 1.3 + 0.5 * len(names)))
    with _house_style():
        fig, (ax,) = _subplots(1, height)
        for k, (label, masks) in enumerate(kinds):
            share = np.array([100.0 * mask.mean() for mask in masks])
            y = rows + (k - 0.5) * 0.38
            ax.barh(y, share, height=0.36, color=OKABE_ITO[_CYCLE[k]], label=label,
                    hatch="//" if k else None, edgecolor="white")  # fmt: skip
            for row, (value, mask) in enumerate(zip(share, masks, strict=True)):
                ax.annotate(f"{int(mask.sum())} of {mask.size}", xy=(value, y[row]),
                            xytext=(3, 0), textcoords="offset points", va="center")  # fmt: skip
        ax.set_yticks(rows, names)
        ax.invert_yaxis()
        ax.grid(axis="y", visible=False)
        ax.set(xlim=(0, 115), xlabel="units of the layer (%)", ylabel="layer")
        # Above the bars, where no bar or count can run into it.
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=1 if _narrow() else 2,
                  borderaxespad=0.2)  # fmt: skip
    return fig


_METHOD_STYLE: dict[str, dict[str, Any]] = {
    "backprop": {"color": OKABE_ITO["blue"], "linestyle": "-", "marker": "o"},
    "l2": {"color": OKABE_ITO["orange"], "linestyle": "-.", "marker": "v"},
    "shrink_perturb": {"color": OKABE_ITO["sky blue"], "linestyle": ":", "marker": "P"},
    "continual_backprop": {"color": OKABE_ITO["bluish green"], "linestyle": "-", "marker": "^"},
    "redo": {"color": OKABE_ITO["reddish purple"], "linestyle": (0, (5, 1, 1, 1)), "marker": "D"},
    "leaky_relu": {"color": OKABE_ITO["vermillion"], "linestyle": "--", "marker": "s"},
}


def permuted_digits(result: PermutedDigits) -> Figure:
    """Plot the test accuracy on each new task and the dead share, task by task, per method.

    (a) the mean test accuracy over the runs, each task measured at the end of its own training;
    (b) the mean share of hidden units dead on the task's training images.  Markers every few
    tasks tell the methods apart in greyscale.

    Examples
    --------
    >>> from dying_relu.continual import permuted_digits as run
    >>> fig = permuted_digits(run(("backprop", "redo"), n_tasks=2, width=8, seeds=(0,)))
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['task', 'task']
    >>> plt.close(fig)
    """
    tasks = np.arange(1, result.accuracy.shape[1] + 1)
    every = max(1, tasks.size // 8)
    with _house_style():
        fig, (ax_acc, ax_dead) = _subplots(2, _DOUBLE)
        for m, (method, label) in enumerate(zip(result.methods, result.labels, strict=True)):
            style = {**_METHOD_STYLE[method], "markevery": every}
            ax_acc.plot(tasks, 100.0 * _nanmean(result.accuracy[m].T), label=label, **style)
            ax_dead.plot(tasks, 100.0 * _nanmean(result.dead[m].T), label=label, **style)
        ax_acc.set(xlabel="task", ylabel="test accuracy (%)")
        _title(ax_acc, "accuracy on each new task")
        ax_dead.set(xlabel="task", ylabel="hidden units (%)", ylim=(0, None))
        _title(ax_dead, "dead at the end of each task")
        runs = result.accuracy.shape[-1]
        _legend_below(fig, ax_acc, title=f"lines: mean of {runs} runs per method")
    return fig


def dormancy_sweep(result: PermutedDigits) -> Figure:
    """Plot the share of dead and of tau-dormant units at the end of the last task, per method.

    The first column is the dead share (pre-activation at most 0 on every training image); the
    others the share of units whose dormancy score is at most each tau.  Means over the runs
    with their 95 % t intervals.

    Examples
    --------
    >>> from dying_relu.continual import permuted_digits as run
    >>> fig = dormancy_sweep(run(("backprop", "leaky_relu"), n_tasks=1, width=8, seeds=(0, 1)))
    >>> [t.get_text() for t in fig.axes[0].get_xticklabels()][:2]
    ['dead', '0']
    >>> plt.close(fig)
    """
    columns = ["dead", *(f"{tau:g}" for tau in result.taus)]
    x = np.arange(len(columns), dtype=float)
    nudges = np.linspace(-0.25, 0.25, len(result.methods)) if len(result.methods) > 1 else [0.0]
    with _house_style():
        fig, (ax,) = _subplots(1, _SINGLE)
        for m, (method, label) in enumerate(zip(result.methods, result.labels, strict=True)):
            style = _METHOD_STYLE[method]
            values = [result.dead[m, -1]] + [result.dormant[m, -1, :, q]
                                             for q in range(result.taus.size)]  # fmt: skip
            _errorbars(ax, x + nudges[m], [mean_interval(v) for v in values], style, label)
        ax.set_xticks(x, columns)
        ax.set(xlabel="dead, then dormant at tau", ylabel="hidden units (%)", ylim=(0, None))
        _title(ax, "at the end of the last task")
        _legend_below(fig, ax)
    return fig


# --- The four looks of a figure on the site ---------------------------------------------------

#: The page's background and text colours in the site's dark mode (the theme's own).
DARK_PAGE = "#14181e"
DARK_INK = "#ced6dd"
#: Contrast (WCAG 2) that every colour of the dark look reaches against the dark page: the
#: minimum for graphics (WCAG 2.1, 1.4.11).
DARK_CONTRAST = 3.0
#: The looks, in the order :meth:`SiteFigure.svg` draws them.
LOOKS = ("light wide", "dark wide", "light narrow", "dark narrow")

_HEX = re.compile(r"#([0-9a-fA-F]{6})\b")
_RASTER = re.compile(r'data:image/png;base64,([A-Za-z0-9+/=\s]+)"')


def _rgb(colour: str) -> NDArray[np.float64]:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float64) / 255.0


def _hex(rgb: NDArray[np.float64]) -> str:
    return "#" + "".join(f"{round(255.0 * c):02x}" for c in np.clip(rgb, 0.0, 1.0))


def _luminance(rgb: NDArray[np.float64]) -> float:
    """Relative luminance of an sRGB colour (WCAG 2)."""
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return float(linear @ np.array([0.2126, 0.7152, 0.0722]))


def _contrast(a: NDArray[np.float64], b: NDArray[np.float64]) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def dark_colour(colour: str) -> str:
    """The colour that stands for ``colour`` (``#rrggbb``) in the dark look of a figure.

    A neutral colour (white, grey, black) is turned over: white becomes the dark page
    (:data:`DARK_PAGE`), black the dark page's text (:data:`DARK_INK`), and a grey lies
    between them as far from the text as it lay from black.  Any other colour keeps its hue
    and is lightened, in steps towards white, until it reaches :data:`DARK_CONTRAST` against
    the dark page; a colour that already does is kept as it is.

    Examples
    --------
    >>> dark_colour("#ffffff"), dark_colour("#000000")
    ('#14181e', '#ced6dd')
    >>> dark_colour("#E69F00")  # Okabe-Ito orange already stands out on the dark page
    '#e69f00'
    """
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", str(colour)):
        raise ValueError(f"colour must be a colour as #rrggbb, got {colour!r}")
    rgb = _rgb(colour)
    page, ink = _rgb(DARK_PAGE), _rgb(DARK_INK)
    if np.ptp(rgb) < 0.02:
        return _hex(ink + float(rgb.mean()) * (page - ink))
    for step in np.linspace(0.0, 1.0, 41):
        lighter = rgb + step * (1.0 - rgb)
        if _contrast(lighter, page) >= DARK_CONTRAST:
            return _hex(lighter)
    return _hex(ink)  # pragma: no cover - white itself passes long before


def _dark_raster(match: re.Match[str]) -> str:
    """A PNG embedded in an SVG, with every pixel's colour as :func:`dark_colour` gives it."""
    picture = mpl.image.imread(io.BytesIO(base64.b64decode(match.group(1))), format="png")
    rgb = picture[..., :3].astype(np.float64)
    page, ink = _rgb(DARK_PAGE), _rgb(DARK_INK)
    if np.ptp(rgb, axis=-1).max() >= 0.02:
        raise ValueError("only grey pictures are drawn in the dark look")
    grey = rgb.mean(axis=-1, keepdims=True)
    dark = ink + grey * (page - ink)
    if picture.shape[-1] == 4:
        dark = np.concatenate([dark, picture[..., 3:]], axis=-1)
    out = io.BytesIO()
    mpl.image.imsave(out, dark.astype(np.float32), format="png")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii") + '"'


def _dark_svg(svg: str) -> str:
    dark = _RASTER.sub(_dark_raster, _HEX.sub(lambda m: dark_colour(m.group(0)), svg))
    # matplotlib leaves black fills unsaid (black is SVG's default), text among them: the
    # dark look says its own default, which everything inherits.
    return dark.replace("<svg ", f'<svg fill="{DARK_INK}" ', 1)


class SiteFigure:
    """A figure as the site shows it: wide and narrow, light and dark, with one alt text.

    ``SiteFigure(plotting.bias_shock, result)`` draws ``plotting.bias_shock(result)`` twice:
    :data:`WIDE` inches wide for a desktop and :data:`NARROW` inches wide, its panels
    stacked, for a phone; each in a light and a dark look (:func:`dark_colour`).  In a
    notebook it shows itself as HTML that picks the look by the reader's colour scheme and
    screen width, with the light wide look as SVG beside it for anything that cannot show
    HTML; the site's build turns the HTML into four images with the theme's light and dark
    classes (``docs/_ext/site_figures.py``).

    Parameters
    ----------
    draw : callable
        One of this module's plotting functions, or any function that returns a figure
        drawn with this module's helpers.
    *args, **kwargs
        What ``draw`` is called with.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
        The wide figure, for a script to save or to look into.

    Examples
    --------
    >>> site = SiteFigure(activation_curves)
    >>> [look for look in site.svg()]
    ['light wide', 'dark wide', 'light narrow', 'dark narrow']
    >>> sorted(site._repr_mimebundle_())
    ['image/svg+xml', 'text/html', 'text/plain']
    """

    def __init__(self, draw: Callable[..., Figure], /, *args: Any, **kwargs: Any) -> None:
        if not callable(draw):
            raise TypeError(f"draw must be a plotting function, got {type(draw).__name__}")
        self._draw = partial(draw, *args, **kwargs)
        self.figure = self._drawn(narrow=False)
        self._svg: dict[str, str] = {}

    def _drawn(self, *, narrow: bool) -> Figure:
        token = _NARROW.set(narrow)
        try:
            fig = self._draw()
        finally:
            _NARROW.reset(token)
        if not isinstance(fig, Figure):
            raise TypeError(f"draw must return a matplotlib Figure, got {type(fig).__name__}")
        return fig

    def svg(self) -> dict[str, str]:
        """The four looks as SVG text, by name (:data:`LOOKS`)."""
        if not self._svg:
            for size, fig in (("wide", self.figure), ("narrow", self._drawn(narrow=True))):
                out = io.StringIO()
                # With the hash salt of the house style and no date, the same figure gives
                # the same bytes on every build.
                with mpl.rc_context({"svg.hashsalt": _RC["svg.hashsalt"]}):
                    fig.savefig(out, format="svg", metadata={"Date": None})
                light = out.getvalue()
                self._svg[f"light {size}"] = light
                self._svg[f"dark {size}"] = _dark_svg(light)
        return {look: self._svg[look] for look in LOOKS}

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        # IPython passes the MIME types it wants; every front end takes one of these three.
        del include, exclude
        looks = {look: base64.b64encode(svg.encode()).decode("ascii")
                 for look, svg in self.svg().items()}  # fmt: skip
        source = "data:image/svg+xml;base64,"
        html = (
            '<picture class="dying-relu-figure">'
            f'<source media="(prefers-color-scheme: dark) and (max-width: 600px)"'
            f' srcset="{source}{looks["dark narrow"]}">'
            f'<source media="(max-width: 600px)" srcset="{source}{looks["light narrow"]}">'
            f'<source media="(prefers-color-scheme: dark)" srcset="{source}{looks["dark wide"]}">'
            f'<img src="{source}{looks["light wide"]}" alt="">'
            "</picture>"
        )
        return {
            "image/svg+xml": self._svg["light wide"],
            "text/html": html,
            "text/plain": f"<SiteFigure of {getattr(self._draw.func, '__name__', 'a figure')}>",
        }


# --- Shared drawing helpers -----------------------------------------------------------------


def _offsets(count: int, step: float) -> NDArray[np.float64]:
    """Factors that nudge ``count`` series apart on a logarithmic x axis."""
    centred = np.arange(count, dtype=np.float64) - (count - 1) / 2.0
    return 1.0 + step * centred


def _nanmean(values: NDArray[Any]) -> NDArray[np.float64]:
    """Mean over the first axis ignoring NaN, NaN where a column has no value (no warning)."""
    finite = np.isfinite(values)
    counts = finite.sum(axis=0)
    total = np.where(finite, values, 0.0).sum(axis=0)
    mean: NDArray[np.float64] = np.where(counts > 0, total / np.maximum(counts, 1), np.nan)
    return mean


def _median_with_range(
    ax: Axes, x: NDArray[Any], values: NDArray[Any], label: str, style: dict[str, Any]
) -> None:
    """A median line over the last axis of ``values`` with a band from lowest to highest."""
    ax.plot(x, np.nanmedian(values, axis=-1), label=label, **style)
    ax.fill_between(
        x, np.nanmin(values, axis=-1), np.nanmax(values, axis=-1), color=style["color"],
        alpha=0.15, linewidth=0,
    )  # fmt: skip


def _mean_with_interval(
    ax: Axes, x: NDArray[Any], values: NDArray[Any], style: dict[str, Any]
) -> None:
    """Mean and t interval over the last axis of ``values`` at each ``x``, joined by a line."""
    _errorbars(ax, x, [mean_interval(row) for row in values], style, None, scale=1.0, join=True)


def _errorbars(
    ax: Axes,
    x: NDArray[Any],
    intervals: list[Interval],
    style: dict[str, Any],
    label: str | None,
    *,
    scale: float = 100.0,
    join: bool = False,
) -> None:
    """Estimates with their intervals (NaN ends drawn as no bar)."""
    estimate = scale * np.array([i.estimate for i in intervals])
    low = scale * np.array([i.low for i in intervals])
    high = scale * np.array([i.high for i in intervals])
    error = np.nan_to_num(np.stack([estimate - low, high - estimate]), nan=0.0)
    ax.errorbar(
        x, estimate, yerr=error, color=style["color"], marker=style["marker"],
        linestyle=style.get("linestyle", "-") if join else "none", capsize=3, label=label,
    )  # fmt: skip


def _runs_by_outcome(
    ax: Axes,
    x: NDArray[Any],
    values: NDArray[Any],
    outcome: NDArray[np.str_],
    style: dict[str, Any],
) -> None:
    """Every run as a faint marker: filled if it trained, open if it collapsed."""
    runs = np.broadcast_to(x[:, np.newaxis], values.shape)
    for kind, face in (("trained", style["color"]), ("collapsed", "white")):
        chosen = outcome == kind
        ax.plot(
            runs[chosen], values[chosen], linestyle="none", marker=style["marker"],
            color=style["color"], markerfacecolor=face, alpha=0.5, markersize=3.5,
        )  # fmt: skip


def _divergence_counts(
    ax: Axes, x: NDArray[Any], counts: NDArray[Any], row: int, style: dict[str, Any]
) -> None:
    """A row of crosses above the data where runs diverged, with the count beside each."""
    hit = counts > 0
    height = 106.0 + 12.0 * row
    ax.plot(x[hit], np.full(hit.sum(), height), linestyle="none", marker="x",
            color=style["color"], markersize=6)  # fmt: skip
    # Each count above its cross, so that counts at neighbouring rates stay apart.
    for xi, count in zip(x[hit], counts[hit], strict=True):
        ax.annotate(
            str(count), (xi, height), xytext=(0, 4), textcoords="offset points", ha="center",
            va="bottom", color=style["color"],
        )  # fmt: skip
