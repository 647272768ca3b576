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
    from dying_relu.experiments import BornDeadGrid

__all__ = ["OKABE_ITO", "activation_curves", "born_dead_grid"]

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
    # Set on the figure itself, because the notebook saves it after the style context is gone.
    fig.patch.set_facecolor("white")
    fig.patch.set_alpha(1.0)
    return fig, list(axes[0])


def _activation_style(name: str) -> dict[str, Any]:
    return dict(_ACTIVATION_STYLE[name.split(" ")[0]])


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
