"""Figures for the site, one function per experiment, in one house style.

This is the only module that imports matplotlib.  Each function takes the result of the
experiment of the same name in :mod:`dying_relu.experiments` and returns a
:class:`matplotlib.figure.Figure`; none calls ``plt.show()``, so a notebook cell displays the
figure it returns and a script can save it.

House style, and why:

* Colours come from the Okabe-Ito palette (Okabe and Ito 2008, "Color Universal Design"),
  which stays distinguishable under the common colour-vision deficiencies, and each series
  also differs by line style or marker, so that the figure survives greyscale printing.  Its
  yellow is left out: it is too pale on white.  An activation keeps its colour in every figure.
* The figure face is opaque white.  A transparent figure would put black text and axes on a
  dark page in dark mode, where they vanish; a white card reads the same on a light and on a
  dark page, with no second set of figures to keep in step.
* Figures are small (at most 8 x 3.4 inches at 100 dpi), so a page with several stays within
  the site's size budget.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from dying_relu import activations

if TYPE_CHECKING:
    # Only for annotations: at run time nothing but the pages and the tests imports experiments.
    from dying_relu.experiments import (
        BiasShock,
        BornDeadGrid,
        LeakyVsRelu,
        LearningRateSweep,
        VanishingGradients,
    )

__all__ = [
    "OKABE_ITO",
    "activation_curves",
    "bias_shock",
    "born_dead_grid",
    "leaky_vs_relu",
    "learning_rate_sweep",
    "vanishing_gradients",
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

_RC: dict[str, Any] = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.transparent": False,
    "figure.dpi": 100,
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#d9d9d9",
    "grid.linewidth": 0.6,
    "lines.linewidth": 1.6,
    "lines.markersize": 4,
    "axes.prop_cycle": cycler(color=[OKABE_ITO[name] for name in _CYCLE]),
}

_SINGLE = (6.4, 3.4)
_DOUBLE = (8.0, 3.4)


@contextmanager
def _house_style() -> Iterator[None]:
    with mpl.style.context(_RC):
        yield


def _subplots(ncols: int, figsize: tuple[float, float]) -> tuple[Figure, list[Axes]]:
    fig, axes = plt.subplots(1, ncols, figsize=figsize, layout="constrained", squeeze=False)
    # Detach the figure from pyplot: the caller owns it. A notebook then shows it exactly once,
    # as the value of the cell, instead of also showing it (or not) depending on whether some
    # pyplot call happened to mark it for the inline backend; and scripts do not accumulate
    # open figures.
    plt.close(fig)
    # Set on the figure itself, because the notebook saves it after the style context is gone.
    fig.patch.set_facecolor("white")
    fig.patch.set_alpha(1.0)
    return fig, list(axes[0])


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
    """Plot ReLU, Leaky ReLU, sigmoid and tanh (left) and their derivatives (right).

    Parameters
    ----------
    x_range : tuple of float
        Interval of pre-activations shown; it must contain 0.
    negative_slope : float
        Slope of the Leaky ReLU shown; the default 0.1 is larger than the usual 0.01 so that
        the slope is visible at this scale, and the legend says so.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes with four lines each.

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
        ax_f.set(xlabel="pre-activation z", ylabel="activation f(z)", title="Activations")
        ax_d.set(
            xlabel="pre-activation z",
            ylabel="derivative f'(z)",
            title="Derivatives",
            ylim=(-0.05, 1.1),
        )
        ax_f.set_ylim(-1.1, min(high, 4.0) + 0.1)
        ax_d.legend(loc="center left")
    return fig


def born_dead_grid(result: BornDeadGrid) -> Figure:
    """Plot the probability of being born dead against depth, one line per width.

    Left: one input point, the closed form (lines) with the He Monte Carlo estimates and
    their 95 % intervals beside it (filled markers) and RAI (open markers, dashed).  Right:
    many input points, He and RAI, where no closed form applies.

    Parameters
    ----------
    result : BornDeadGrid
        The result of :func:`dying_relu.experiments.born_dead_grid`.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes.

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
            ax.set_xticks(depths, [str(d) for d in depths])
            ax.minorticks_off()
        ax_one.set_title("One input point")
        ax_many.set_title(f"{result.n_points} input points")
        fig.legend(handles=handles, loc="outside right center")
    return fig


def vanishing_gradients(result: VanishingGradients) -> Figure:
    """Plot gradient norms at initialisation: along the deepest network, and against depth.

    Left: the gradient norm of every weight matrix of the deepest network, from the first
    layer to the output layer.  Right: the gradient norm of the first layer against depth.
    Both on a logarithmic scale, one line per activation.

    Parameters
    ----------
    result : VanishingGradients
        The result of :func:`dying_relu.experiments.vanishing_gradients`.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes with one line per activation each.

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
            xlabel=f"weight layer (1 = first, {depth + 1} = output)",
            ylabel="gradient norm ||dL/dW|| (log scale)",
            title=f"Along a network of {depth} hidden layers",
        )
        ax_depth.set(
            yscale="log",
            xlabel="depth (hidden layers)",
            ylabel="first-layer gradient norm (log scale)",
            title="First layer against depth",
        )
        ax_depth.legend(loc="lower left")
    return fig


def bias_shock(result: BiasShock) -> Figure:
    """Plot the dead fraction and the training loss through the bias shock.

    Each activation's line is the mean over seeds; the band spans the lowest to the highest
    seed.  A dotted vertical line marks the shock.

    Parameters
    ----------
    result : BiasShock
        The result of :func:`dying_relu.experiments.bias_shock`.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes with one line per activation, plus the shock marker, each.

    Examples
    --------
    >>> from dying_relu.experiments import bias_shock as run
    >>> fig = bias_shock(run((0.0, 0.2), epochs_before=1, epochs_after=1, width=8, seeds=(0,)))
    >>> [ax.get_ylabel() for ax in fig.axes]
    ['dead hidden units (% of all)', 'training loss (cross-entropy, log scale)']
    >>> plt.close(fig)
    """
    styles = _slope_styles(result.negative_slopes)
    with _house_style():
        fig, (ax_dead, ax_loss) = _subplots(2, _DOUBLE)
        for a, label in enumerate(result.labels):
            style = {**styles[a], "marker": None}
            for ax, values, scale in (
                (ax_dead, result.dead_fraction[a], 100.0),
                (ax_loss, result.loss[a], 1.0),
            ):
                ax.plot(result.step, scale * values.mean(axis=-1), label=label, **style)
                ax.fill_between(
                    result.step,
                    scale * values.min(axis=-1),
                    scale * values.max(axis=-1),
                    color=style["color"],
                    alpha=0.15,
                    linewidth=0,
                )
        for ax in (ax_dead, ax_loss):
            ax.axvline(result.shock_step, color=OKABE_ITO["black"], linestyle=":", linewidth=1.0)
            ax.set_xlabel("training step (minibatch updates)")
        ax_dead.annotate(
            f"shock: biases - {result.shift:g}",
            xy=(result.shock_step, 0.97),
            xycoords=("data", "axes fraction"),
            xytext=(4, 0),
            textcoords="offset points",
            va="top",
        )
        ax_dead.set(ylabel="dead hidden units (% of all)", ylim=(-2, 102))
        ax_loss.set(ylabel="training loss (cross-entropy, log scale)", yscale="log")
        ax_dead.legend(loc="upper right", bbox_to_anchor=(1.0, 0.9))
    return fig


def learning_rate_sweep(result: LearningRateSweep) -> Figure:
    """Plot the dead fraction and the test accuracy after training against the learning rate.

    Small markers are single runs, lines the mean over the runs that did not diverge; crosses
    at the top of the left axes count the runs that diverged.  A dashed line marks CS231n's
    "as much as 40 %".

    Parameters
    ----------
    result : LearningRateSweep
        The result of :func:`dying_relu.experiments.learning_rate_sweep`.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes.

    Examples
    --------
    >>> from dying_relu.experiments import learning_rate_sweep as run
    >>> fig = learning_rate_sweep(run((0.1, 1.0), seeds=(0,), epochs=1, width=8))
    >>> [ax.get_xscale() for ax in fig.axes]
    ['log', 'log']
    >>> plt.close(fig)
    """
    styles = _slope_styles(result.negative_slopes)
    n_act = len(result.labels)
    # Nudge each activation sideways on the log axis so that the single runs do not overlap.
    nudges = 1.0 + 0.06 * (np.arange(n_act) - (n_act - 1) / 2.0)
    with _house_style():
        fig, (ax_dead, ax_acc) = _subplots(2, _DOUBLE)
        for a, label in enumerate(result.labels):
            style = styles[a]
            lrs = result.lrs * nudges[a]
            for ax, values in (
                (ax_dead, result.dead_fraction[a]),
                (ax_acc, result.test_accuracy[a]),
            ):
                runs = np.broadcast_to(lrs[:, np.newaxis], values.shape)
                ax.plot(
                    runs.ravel(),
                    100.0 * values.ravel(),
                    linestyle="none",
                    marker=style["marker"],
                    color=style["color"],
                    alpha=0.35,
                    markersize=3,
                )
                finite = np.isfinite(values)
                counts = finite.sum(axis=-1)
                mean = np.full(values.shape[0], np.nan)
                mean[counts > 0] = (
                    np.where(finite, values, 0.0).sum(axis=-1)[counts > 0] / counts[counts > 0]
                )
                ax.plot(lrs, 100.0 * mean, label=label, **style)
            diverged = result.diverged[a].sum(axis=-1)
            hit = diverged > 0
            # One row of crosses per activation above the data, with the count beside each.
            row = 106.0 + 6.0 * a
            ax_dead.plot(
                lrs[hit],
                np.full(hit.sum(), row),
                linestyle="none",
                marker="x",
                color=style["color"],
                markersize=5,
            )
            for x, count in zip(lrs[hit], diverged[hit], strict=True):
                ax_dead.annotate(
                    str(count),
                    (x, row),
                    xytext=(5, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=7,
                    color=style["color"],
                )
        ax_dead.axhline(40.0, color=OKABE_ITO["black"], linestyle="--", linewidth=1.0)
        ax_dead.annotate(
            'CS231n: "as much as 40 %"',
            xy=(0.02, 41.0),
            xycoords=("axes fraction", "data"),
            va="bottom",
        )
        ax_dead.set(
            xscale="log",
            xlabel="learning rate (SGD, log scale)",
            ylabel="dead hidden units after training (%)",
            ylim=(-3, 106.0 + 6.0 * n_act),
            title="crosses: runs that diverged, with their count",
        )
        ax_acc.set(
            xscale="log",
            xlabel="learning rate (SGD, log scale)",
            ylabel="test accuracy (%)",
            ylim=(0, 100),
        )
        ax_acc.legend(loc="lower left")
    return fig


_SHORT_VERDICT = {"no detectable difference": "n.d."}


def leaky_vs_relu(result: LeakyVsRelu) -> Figure:
    """Plot test accuracy per activation and learning rate, and the paired differences.

    Left: mean test accuracy with its t interval, single runs as faint markers.  Right: the
    mean paired difference of each Leaky ReLU from ReLU, in percentage points, with its t
    interval and its verdict; an interval that crosses 0 means no detectable difference.

    Parameters
    ----------
    result : LeakyVsRelu
        The result of :func:`dying_relu.experiments.leaky_vs_relu`.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes.

    Examples
    --------
    >>> from dying_relu.experiments import leaky_vs_relu as run
    >>> fig = leaky_vs_relu(run((0.0, 0.2), lrs=(0.1,), seeds=(0, 1), epochs=1, width=8))
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['learning rate (SGD)', 'learning rate (SGD)']
    >>> plt.close(fig)
    """
    styles = _slope_styles(result.negative_slopes)
    n_act, n_lr = len(result.labels), result.lrs.size
    positions = np.arange(n_lr, dtype=float)
    offsets = 0.5 * (np.arange(n_act) - (n_act - 1) / 2.0) / n_act
    percent = round(100 * result.confidence)
    with _house_style():
        fig, (ax_acc, ax_diff) = _subplots(2, _DOUBLE)
        for a, label in enumerate(result.labels):
            style = styles[a]
            x = positions + offsets[a]
            runs = np.broadcast_to(x[:, np.newaxis], result.accuracy[a].shape)
            ax_acc.plot(
                runs.ravel(),
                100.0 * result.accuracy[a].ravel(),
                linestyle="none",
                marker=style["marker"],
                color=style["color"],
                alpha=0.3,
                markersize=3,
            )
            mean = result.mean[a]
            ax_acc.errorbar(
                x,
                100.0 * mean,
                yerr=100.0 * np.stack([mean - result.ci_low[a], result.ci_high[a] - mean]),
                color=style["color"],
                marker=style["marker"],
                linestyle="none",
                capsize=3,
                label=label,
            )
            if a == 0:
                continue
            diff = result.difference[a - 1]
            ax_diff.errorbar(
                x,
                100.0 * diff,
                yerr=100.0
                * np.stack(
                    [diff - result.difference_low[a - 1], result.difference_high[a - 1] - diff]
                ),
                color=style["color"],
                marker=style["marker"],
                linestyle="none",
                capsize=3,
                label=f"{label} - ReLU",
            )
            for xi, verdict in zip(x, result.verdict[a - 1], strict=True):
                ax_diff.annotate(
                    _SHORT_VERDICT.get(str(verdict), str(verdict)),
                    (xi, 0.98),
                    xycoords=("data", "axes fraction"),
                    ha="center",
                    va="top",
                    fontsize=7,
                    color=style["color"],
                )
        ax_diff.axhline(0.0, color=OKABE_ITO["black"], linewidth=1.0)
        ax_diff.set_title("verdicts on top (n.d.: no detectable difference)")
        low, high = ax_diff.get_ylim()
        # Headroom for the verdicts above the highest interval.
        ax_diff.set_ylim(low, high + 0.15 * (high - low))
        ticks = [f"{lr:g}" for lr in result.lrs]
        for ax in (ax_acc, ax_diff):
            ax.set_xticks(positions, ticks)
            ax.set_xlim(-0.6, n_lr - 0.4)
            ax.set_xlabel("learning rate (SGD)")
            ax.grid(axis="x", visible=False)
        ax_acc.set(ylabel=f"test accuracy (%), mean and {percent} % t interval")
        ax_diff.set(ylabel="paired difference from ReLU (percentage points)")
        ax_acc.legend(loc="lower left")
        ax_diff.legend(loc="lower left")
    return fig
