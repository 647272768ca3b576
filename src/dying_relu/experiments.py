"""The experiments of the site, one function each, returning plain results.

Every function here reads as the method section of a small paper: the data, the network, the
seeds, what is measured.  It returns a frozen dataclass of numpy arrays and never plots or
prints; :mod:`dying_relu.plotting` turns each result into a figure.  The defaults are the sizes
the site uses, chosen so that all five experiments run in well under a minute on two cores.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from dying_relu.born_dead import born_dead_probability, born_dead_probability_exact

__all__ = ["BornDeadGrid", "born_dead_grid"]


@dataclass(frozen=True)
class BornDeadGrid:
    """Probability of being born dead against width and depth (see :func:`born_dead_grid`).

    Attributes
    ----------
    widths, depths : numpy.ndarray of int
        The grid, shapes ``(n_widths,)`` and ``(n_depths,)``.
    settings : tuple of str
        One label per Monte Carlo setting, e.g. ``"he, one point"``.
    estimate, ci_low, ci_high : numpy.ndarray
        Monte Carlo estimate and 95 % Wilson interval, shape
        ``(n_settings, n_widths, n_depths)``.
    exact : numpy.ndarray
        The closed form, which applies to the settings with symmetric weights, zero biases and
        one point; shape ``(n_widths, n_depths)``.
    trials : int
        Networks drawn per cell and setting.
    n_points : int
        Size of the point set of the ``"many points"`` settings.
    """

    widths: NDArray[np.int64]
    depths: NDArray[np.int64]
    settings: tuple[str, ...]
    estimate: NDArray[np.float64]
    ci_low: NDArray[np.float64]
    ci_high: NDArray[np.float64]
    exact: NDArray[np.float64]
    trials: int
    n_points: int


def born_dead_grid(
    widths: tuple[int, ...] = (2, 3, 4, 6, 8),
    depths: tuple[int, ...] = (1, 2, 3, 5, 10, 20, 50),
    *,
    trials: int = 2000,
    n_points: int = 64,
    input_dim: int = 2,
    seed: int = 0,
) -> BornDeadGrid:
    """Reproduce the direction of Lu et al. (2020): born-dead probability by width and depth.

    Method.  For every width and depth, draw ``trials`` fresh ReLU networks with zero biases
    and count those with a hidden layer inactive on every input point
    (:func:`dying_relu.born_dead.born_dead_probability`).  Four settings: symmetric He-normal
    weights or randomized asymmetric initialisation (RAI, which draws its own biases), each on
    one fixed nonzero point and on ``n_points`` points drawn uniformly from
    :math:`[-1, 1]^{\\text{input\\_dim}}`.  For He on one point the closed form
    :func:`dying_relu.born_dead.born_dead_probability_exact` is the ground truth the estimate
    is set beside.  All settings of a cell use the same seed, so they differ only by their
    recipe.

    Examples
    --------
    >>> grid = born_dead_grid(widths=(2,), depths=(1, 10), trials=500)
    >>> grid.settings
    ('he, one point', 'he, many points', 'rai, one point', 'rai, many points')
    >>> grid.estimate.shape, grid.exact.round(3).tolist()
    ((4, 1, 2), [[0.25, 0.944]])
    """
    exact = born_dead_probability_exact(np.asarray(widths)[:, np.newaxis], depths)
    trials = _positive_int(trials, "trials")
    n_points = _positive_int(n_points, "n_points")
    input_dim = _positive_int(input_dim, "input_dim")
    width_grid = np.asarray(widths, dtype=np.int64)
    depth_grid = np.asarray(depths, dtype=np.int64)
    rng = np.random.default_rng(seed)
    one_point = np.ones((1, input_dim))
    many_points = rng.uniform(-1.0, 1.0, size=(n_points, input_dim))
    recipes = [
        ("he, one point", "he", one_point),
        ("he, many points", "he", many_points),
        ("rai, one point", "rai", one_point),
        ("rai, many points", "rai", many_points),
    ]
    shape = (len(recipes), width_grid.size, depth_grid.size)
    estimate, ci_low, ci_high = np.empty(shape), np.empty(shape), np.empty(shape)
    for s, (_, init, points) in enumerate(recipes):
        for i, width in enumerate(width_grid):
            for j, depth in enumerate(depth_grid):
                result = born_dead_probability(
                    int(width), int(depth), points, trials=trials, init=init, seed=seed
                )
                estimate[s, i, j] = result.estimate
                ci_low[s, i, j], ci_high[s, i, j] = result.ci95
    return BornDeadGrid(
        widths=width_grid,
        depths=depth_grid,
        settings=tuple(label for label, _, _ in recipes),
        estimate=estimate,
        ci_low=ci_low,
        ci_high=ci_high,
        exact=exact,
        trials=trials,
        n_points=n_points,
    )


def _positive_int(value: Any, name: str) -> int:
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive integer, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value}")
    return int(value)
