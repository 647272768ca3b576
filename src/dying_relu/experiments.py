"""The experiments of the site, one function each, returning plain results.

Every function here reads as the method section of a small paper: the data, the network, the
seeds, what is measured.  It returns a frozen dataclass of numpy arrays and never plots or
prints; :mod:`dying_relu.plotting` turns each result into a figure.  The defaults are the sizes
the site uses, chosen so that all five experiments together run in well under a minute on two
cores.

Seeds are never looped over: every function trains one *ensemble* per configuration, whose
members are the seeds (and, for a learning-rate grid, the learning rates), in one batched
computation.  All digits experiments use the same split, :func:`dying_relu.load_digits_split`
with its defaults, and plain SGD with cross-entropy.

Leaky ReLU is named by its negative slope throughout, with slope 0 standing for ReLU itself
(the two coincide exactly in value and derivative; see :mod:`dying_relu.activations`).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from dying_relu._validation import positive_int
from dying_relu.born_dead import born_dead_probability, born_dead_probability_exact
from dying_relu.data import DigitsSplit, load_digits_split
from dying_relu.diagnostics import dead_units, gradient_norms
from dying_relu.network import ACTIVATION_NAMES, MLP
from dying_relu.optim import SGD
from dying_relu.training import train

__all__ = [
    "VERDICTS",
    "BiasShock",
    "BornDeadGrid",
    "LeakyVsRelu",
    "LearningRateSweep",
    "VanishingGradients",
    "activation_label",
    "bias_shock",
    "born_dead_grid",
    "leaky_vs_relu",
    "learning_rate_sweep",
    "vanishing_gradients",
]

# Training runs in float32, as deep-learning libraries do by default; it halves the time of
# the batched matmuls, and the measured effects are far larger than float32 rounding.
_DTYPE = np.float32

#: The possible verdicts of :func:`leaky_vs_relu`, in the order better, worse, neither.
VERDICTS = ("better", "worse", "no detectable difference")


def activation_label(negative_slope: float) -> str:
    """Name of the hidden activation with this negative slope, as figures and tables show it.

    Examples
    --------
    >>> activation_label(0.0), activation_label(0.01)
    ('ReLU', 'Leaky ReLU (0.01)')
    """
    return "ReLU" if negative_slope == 0.0 else f"Leaky ReLU ({negative_slope:g})"


# --- 1. Vanishing gradients -------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class VanishingGradients:
    """Per-layer gradient norms at initialisation (see :func:`vanishing_gradients`).

    Attributes
    ----------
    activations : tuple of str
        Hidden activations, in the order of the first axis.
    depths : numpy.ndarray of int, shape (n_depths,)
        Numbers of hidden layers.
    grad_norm : numpy.ndarray, shape (n_activations, n_depths, max(depths) + 1)
        Mean over seeds of the Euclidean norm of the loss gradient with respect to each weight
        matrix, from the first layer (index 0) to the output layer (index ``depth``); NaN
        beyond a network's own layers.
    width : int
        Units per hidden layer.
    n_seeds : int
        Networks averaged per cell.
    negative_slope : float
        Slope of the Leaky ReLU networks.
    """

    activations: tuple[str, ...]
    depths: NDArray[np.int64]
    grad_norm: NDArray[np.float64]
    width: int
    n_seeds: int
    negative_slope: float

    @property
    def first_layer(self) -> NDArray[np.float64]:
        """Gradient norm of the first weight matrix, shape ``(n_activations, n_depths)``."""
        return self.grad_norm[:, :, 0]


def vanishing_gradients(
    depths: Sequence[int] = (2, 5, 10, 20, 30, 50),
    activations: Sequence[str] = ("sigmoid", "tanh", "relu", "leaky_relu"),
    *,
    width: int = 32,
    n_rows: int = 256,
    negative_slope: float = 0.01,
    seeds: Sequence[int] = tuple(range(10)),
) -> VanishingGradients:
    """How the gradient reaching each layer shrinks with depth, at initialisation.

    Method.  Take the first ``n_rows`` training images of the digits.  For every activation
    and depth, initialise one network per seed, 64 inputs, ``depth`` hidden layers of
    ``width`` units and 10 linear outputs, with the initialisation matched to the activation
    (Glorot normal for sigmoid and tanh, He normal for ReLU and Leaky ReLU, the latter with
    its slope's gain), zero biases.  Compute the gradient of the mean cross-entropy on those
    rows with respect to every weight matrix, without any training, and average its norm over
    the seeds.

    Examples
    --------
    >>> vg = vanishing_gradients(depths=(2, 20), activations=("sigmoid", "relu"), seeds=(0, 1))
    >>> vg.grad_norm.shape
    (2, 2, 21)
    >>> bool(vg.first_layer[0, 1] < 1e-6 * vg.first_layer[1, 1])
    True
    """
    depth_grid = _positive_ints(depths, "depths")
    names = tuple(activations)
    for name in names:
        if name not in ACTIVATION_NAMES:
            raise ValueError(f"activations must be among {ACTIVATION_NAMES}, got {name!r}")
    width = positive_int(width, "width")
    n_rows = positive_int(n_rows, "n_rows")
    negative_slope = _slopes([negative_slope])[0]
    members = _seed_list(seeds)
    digits = load_digits_split()
    X, y = digits.X_train[:n_rows], digits.y_train[:n_rows]

    grad_norm = np.full((len(names), depth_grid.size, int(depth_grid.max()) + 1), np.nan)
    for a, name in enumerate(names):
        for d, depth in enumerate(depth_grid):
            sizes = [X.shape[1], *[width] * int(depth), 10]
            # float64, unlike the training experiments: sigmoid's gradients at depth 50 are
            # near 1e-32, which float32 would flush to zero.
            net = MLP(sizes, name, negative_slope=negative_slope, seed=members)
            per_seed = gradient_norms(net, X, y, "cross_entropy")
            grad_norm[a, d, : depth + 1] = per_seed.mean(axis=0)
    return VanishingGradients(names, depth_grid, grad_norm, width, len(members), negative_slope)


# --- 2. A negative-bias shock -----------------------------------------------------------


@dataclass(frozen=True, eq=False)
class BiasShock:
    """Training through a negative-bias shock (see :func:`bias_shock`).

    Attributes
    ----------
    negative_slopes : numpy.ndarray, shape (n_activations,)
        Slope of each activation compared, 0 for ReLU.
    labels : tuple of str
        Their names, for legends.
    step : numpy.ndarray of int, shape (R,)
        Steps of the record points.  ``shock_step`` appears twice: just before and just after
        the shock.
    shock_step : int
        Updates applied before the shock.
    shift : float
        The constant subtracted from every hidden bias.
    loss, dead_fraction : numpy.ndarray, shape (n_activations, R, n_seeds)
        Training-set loss and fraction of all hidden units dead on the training set.
    dead_before, dead_after, dead_end : numpy.ndarray, shape (n_activations, n_seeds)
        Dead fraction just before the shock, just after it, and at the end.
    recovered : numpy.ndarray, shape (n_activations, n_seeds)
        Of the units dead just after the shock, the fraction alive at the end (NaN if the shock
        killed none).
    test_accuracy : numpy.ndarray, shape (n_activations, n_seeds)
        Accuracy on the test images at the end.
    """

    negative_slopes: NDArray[np.float64]
    labels: tuple[str, ...]
    step: NDArray[np.int64]
    shock_step: int
    shift: float
    loss: NDArray[np.float64]
    dead_fraction: NDArray[np.float64]
    dead_before: NDArray[np.float64]
    dead_after: NDArray[np.float64]
    dead_end: NDArray[np.float64]
    recovered: NDArray[np.float64]
    test_accuracy: NDArray[np.float64]


def bias_shock(
    negative_slopes: Sequence[float] = (0.0, 0.01, 0.2),
    *,
    shift: float = 5.0,
    epochs_before: int = 10,
    epochs_after: int = 30,
    width: int = 64,
    lr: float = 0.1,
    batch_size: int = 64,
    seeds: Sequence[int] = tuple(range(8)),
) -> BiasShock:
    """Kill units on purpose with a large negative bias, then watch who comes back.

    Method.  Train networks 64-``width``-``width``-10 (He initialisation, zero biases) on the
    digits' training images with plain SGD (learning rate ``lr``, minibatches of
    ``batch_size``, cross-entropy) for ``epochs_before`` epochs, long enough to fit them well.
    Then subtract ``shift`` from every hidden bias at once, the shock, and train on for
    ``epochs_after`` epochs with plain SGD again.  The default shift, 5, kills about two fifths
    of the hidden units; a shift of 3 kills only about a tenth, because a unit is dead only if
    it is inactive on every one of the training images, and a trained unit's largest
    pre-activation over them is typically well above 3.  Record the training loss and the
    fraction of hidden units dead on the training set once per epoch, and follow the units
    that the shock left dead: a ReLU unit dead on every training image receives exactly zero
    gradient, so it can only come back if the layers below it change its input; a Leaky ReLU
    unit still receives its gradient scaled by the slope.  One ensemble of ``seeds`` per
    activation; every activation sees the same seeds and the same order of minibatches.

    Examples
    --------
    >>> shock = bias_shock((0.0, 0.2), epochs_before=2, epochs_after=2, width=16, seeds=(0,))
    >>> shock.loss.shape, shock.labels
    ((2, 6, 1), ('ReLU', 'Leaky ReLU (0.2)'))
    """
    slopes = _slopes(negative_slopes)
    shift = _finite(shift, "shift")
    epochs_before = positive_int(epochs_before, "epochs_before")
    epochs_after = positive_int(epochs_after, "epochs_after")
    width = positive_int(width, "width")
    lr = _positive_reals([lr], "lr")[0]
    batch_size = positive_int(batch_size, "batch_size")
    members = _seed_list(seeds)
    digits = load_digits_split()
    X, y = digits.X_train, digits.y_train

    runs = []
    for slope in slopes:
        net = _network([X.shape[1], width, width, 10], slope, members)
        before = train(
            net,
            X,
            y,
            loss="cross_entropy",
            optimizer=SGD(lr),
            epochs=epochs_before,
            batch_size=batch_size,
            seed=0,
        )
        for hidden_bias in net.params[1:-1:2]:
            hidden_bias -= shift
        dead_now = np.concatenate(dead_units(net, X), axis=-1)
        after = train(
            net,
            X,
            y,
            loss="cross_entropy",
            optimizer=SGD(lr),
            epochs=epochs_after,
            batch_size=batch_size,
            seed=1,
            X_eval=digits.X_test,
            y_eval=digits.y_test,
        )
        dead_later = np.concatenate(dead_units(net, X), axis=-1)
        killed = dead_now.sum(axis=-1)
        revived = (dead_now & ~dead_later).sum(axis=-1)
        recovered = np.where(killed > 0, revived / np.maximum(killed, 1), np.nan)
        runs.append((before, after, recovered))

    shock_step = int(runs[0][0].step[-1])
    return BiasShock(
        negative_slopes=slopes,
        labels=tuple(activation_label(s) for s in slopes),
        step=np.concatenate([runs[0][0].step, runs[0][1].step + shock_step]),
        shock_step=shock_step,
        shift=shift,
        loss=np.stack([np.concatenate([b.loss, a.loss]) for b, a, _ in runs]),
        dead_fraction=np.stack(
            [np.concatenate([b.dead_fraction_overall, a.dead_fraction_overall]) for b, a, _ in runs]
        ),
        dead_before=np.stack([b.dead_fraction_overall[-1] for b, _, _ in runs]),
        dead_after=np.stack([a.dead_fraction_overall[0] for _, a, _ in runs]),
        dead_end=np.stack([a.dead_fraction_overall[-1] for _, a, _ in runs]),
        recovered=np.stack([r for _, _, r in runs]),
        test_accuracy=np.stack([_required(a.eval_accuracy)[-1] for _, a, _ in runs]),
    )


# --- 3. A high learning rate ------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class LearningRateSweep:
    """Dead units after training against the learning rate (see :func:`learning_rate_sweep`).

    Attributes
    ----------
    lrs : numpy.ndarray, shape (n_lrs,)
        Learning rates.
    negative_slopes : numpy.ndarray, shape (n_activations,)
        Slope of each activation, 0 for ReLU.
    labels : tuple of str
        Their names, for legends.
    dead_fraction : numpy.ndarray, shape (n_activations, n_lrs, n_seeds)
        Fraction of all hidden units dead on the training set after training; NaN for runs
        that diverged.
    diverged : numpy.ndarray of bool, shape (n_activations, n_lrs, n_seeds)
        Whether the training loss became NaN or infinite.
    test_accuracy : numpy.ndarray, shape (n_activations, n_lrs, n_seeds)
        Accuracy on the test images after training; NaN for runs that diverged.
    """

    lrs: NDArray[np.float64]
    negative_slopes: NDArray[np.float64]
    labels: tuple[str, ...]
    dead_fraction: NDArray[np.float64]
    diverged: NDArray[np.bool_]
    test_accuracy: NDArray[np.float64]


def learning_rate_sweep(
    lrs: Sequence[float] = (0.01, 0.03, 0.1, 0.3, 0.6, 1.0, 1.4, 2.0, 2.8),
    seeds: Sequence[int] = tuple(range(10)),
    *,
    negative_slopes: Sequence[float] = (0.0, 0.01),
    epochs: int = 10,
    width: int = 64,
    batch_size: int = 64,
) -> LearningRateSweep:
    """Test CS231n's "as much as 40 %" of a network dead after a too-high learning rate.

    Method.  For each activation, train one ensemble of networks 64-``width``-``width``-10
    (He initialisation, zero biases) on the digits' training images with plain SGD,
    minibatches of ``batch_size`` and cross-entropy for ``epochs`` epochs: one member per
    (learning rate, seed) pair, each member with its own learning rate.  Members with the same
    seed start from the same weights and see the same minibatches, whatever their learning
    rate.  After training, measure the fraction of hidden units dead on the whole training
    set and the test accuracy.  A run whose loss becomes NaN or infinite is recorded as
    diverged, not counted as dead.

    Examples
    --------
    >>> sweep = learning_rate_sweep((0.1, 3.0), seeds=(0, 1), epochs=1, width=16)
    >>> sweep.dead_fraction.shape, sweep.diverged.dtype
    ((2, 2, 2), dtype('bool'))
    """
    rates = _positive_reals(lrs, "lrs")
    members = _seed_list(seeds)
    slopes = _slopes(negative_slopes)
    epochs = positive_int(epochs, "epochs")
    width = positive_int(width, "width")
    batch_size = positive_int(batch_size, "batch_size")
    digits = load_digits_split()

    runs = [
        _train_grid(
            digits, slope, rates, members, epochs=epochs, width=width, batch_size=batch_size
        )
        for slope in slopes
    ]
    return LearningRateSweep(
        lrs=rates,
        negative_slopes=slopes,
        labels=tuple(activation_label(s) for s in slopes),
        dead_fraction=np.stack([run.dead_fraction for run in runs]),
        diverged=np.stack([run.diverged for run in runs]),
        test_accuracy=np.stack([run.test_accuracy for run in runs]),
    )


# --- 4. Born dead -----------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
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
    (:func:`dying_relu.born_dead_probability`).  Four settings: symmetric He-normal
    weights or randomized asymmetric initialisation (RAI, which draws its own biases), each on
    one fixed nonzero point and on ``n_points`` points drawn uniformly from
    :math:`[-1, 1]^{\\text{input\\_dim}}`.  For He on one point the closed form
    :func:`dying_relu.born_dead_probability_exact` is the ground truth the estimate
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
    trials = positive_int(trials, "trials")
    n_points = positive_int(n_points, "n_points")
    input_dim = positive_int(input_dim, "input_dim")
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


# --- 5. Does Leaky ReLU help? -----------------------------------------------------------


@dataclass(frozen=True, eq=False)
class LeakyVsRelu:
    """Test accuracy of ReLU and Leaky ReLU over seeds (see :func:`leaky_vs_relu`).

    Attributes
    ----------
    negative_slopes : numpy.ndarray, shape (n_activations,)
        Slopes compared; the first is 0, ReLU, the reference.
    labels : tuple of str
        Their names, for legends.
    lrs : numpy.ndarray, shape (n_lrs,)
        Learning rates, an ordinary one and a high one by default.
    accuracy : numpy.ndarray, shape (n_activations, n_lrs, n_seeds)
        Test accuracy of every run, a diverged run scored at chance, 1/10.
    diverged : numpy.ndarray of bool, shape (n_activations, n_lrs, n_seeds)
        Whether the run's training loss became NaN or infinite.
    mean, ci_low, ci_high : numpy.ndarray, shape (n_activations, n_lrs)
        Mean test accuracy over the seeds, with its t interval.
    difference, difference_low, difference_high : numpy.ndarray, shape (n_activations - 1, n_lrs)
        Mean paired difference in test accuracy, Leaky ReLU minus ReLU on the same seed, for
        ``labels[1:]``, with its t interval.
    verdict : numpy.ndarray of str, shape (n_activations - 1, n_lrs)
        One of :data:`VERDICTS`, read off the interval of the difference: "better" if it lies
        above 0, "worse" if below, else "no detectable difference".
    confidence : float
        Coverage of the intervals.
    """

    negative_slopes: NDArray[np.float64]
    labels: tuple[str, ...]
    lrs: NDArray[np.float64]
    accuracy: NDArray[np.float64]
    diverged: NDArray[np.bool_]
    mean: NDArray[np.float64]
    ci_low: NDArray[np.float64]
    ci_high: NDArray[np.float64]
    difference: NDArray[np.float64]
    difference_low: NDArray[np.float64]
    difference_high: NDArray[np.float64]
    verdict: NDArray[np.str_]
    confidence: float


def leaky_vs_relu(
    negative_slopes: Sequence[float] = (0.0, 0.01, 0.2),
    lrs: Sequence[float] = (0.1, 1.4),
    seeds: Sequence[int] = tuple(range(12)),
    *,
    epochs: int = 20,
    width: int = 64,
    batch_size: int = 64,
    confidence: float = 0.95,
) -> LeakyVsRelu:
    r"""Does Leaky ReLU beat ReLU on the digits?  A paired comparison over seeds.

    Method.  For every activation and learning rate, train networks 64-``width``-``width``-10
    (He initialisation with the slope's gain, zero biases) on the digits' training images
    with plain SGD, minibatches of ``batch_size`` and cross-entropy for ``epochs`` epochs, one
    per seed, and measure the accuracy on the held-out test images.  Each seed fixes the
    initial weights (the same normal draws for every activation, scaled by its gain) and the
    order of the minibatches, so the runs of one seed differ only in the activation.  The
    high learning rate, 1.4 by default, is the lowest in :func:`learning_rate_sweep`'s grid at
    which ReLU networks lose a sizeable fraction of their units.  A run whose loss becomes NaN
    or infinite is scored at chance accuracy, 1/10: it failed, just as a run whose units all
    died (which lands at chance by itself), and leaving it out would flatter the activation
    that diverges more often.

    Analysis.  The comparison is paired: for each seed, the accuracy of Leaky ReLU minus that
    of ReLU.  Pairing removes the seed-to-seed variation that both runs share (a lucky
    initialisation or batch order helps both), so the interval of the mean difference is
    narrower than one built from two independent samples, for the same number of runs.  The
    interval is Student's t, :math:`\bar d \pm t_{n-1} s_d / \sqrt n`, with the quantile
    computed numerically from the t distribution (no table, no SciPy).  The verdict is read off
    that interval: "better" if it lies wholly above 0, "worse" if wholly below, else "no
    detectable difference".

    Examples
    --------
    >>> study = leaky_vs_relu((0.0, 0.2), lrs=(0.1,), seeds=(0, 1, 2), epochs=1, width=16)
    >>> study.accuracy.shape, study.verdict.shape
    ((2, 1, 3), (1, 1))
    >>> str(study.verdict[0, 0]) in VERDICTS
    True
    """
    slopes = _slopes(negative_slopes)
    if slopes.size < 2 or slopes[0] != 0.0:
        raise ValueError(
            "negative_slopes must start with 0.0 (ReLU, the reference) and hold at least one "
            f"Leaky ReLU slope, got {tuple(negative_slopes)}"
        )
    rates = _positive_reals(lrs, "lrs")
    members = _seed_list(seeds)
    if len(members) < 2:
        raise ValueError(f"seeds must hold at least two seeds for an interval, got {len(members)}")
    epochs = positive_int(epochs, "epochs")
    width = positive_int(width, "width")
    batch_size = positive_int(batch_size, "batch_size")
    level = _confidence(confidence)
    digits = load_digits_split()

    runs = [
        _train_grid(
            digits, slope, rates, members, epochs=epochs, width=width, batch_size=batch_size
        )
        for slope in slopes
    ]
    diverged = np.stack([run.diverged for run in runs])
    accuracy = np.where(diverged, 1.0 / 10, np.stack([run.test_accuracy for run in runs]))

    mean, ci_low, ci_high = _t_interval(accuracy, level)
    paired = accuracy[1:] - accuracy[:1]
    difference, difference_low, difference_high = _t_interval(paired, level)
    verdict = np.where(
        difference_low > 0.0, VERDICTS[0], np.where(difference_high < 0.0, VERDICTS[1], VERDICTS[2])
    )
    return LeakyVsRelu(
        negative_slopes=slopes,
        labels=tuple(activation_label(s) for s in slopes),
        lrs=rates,
        accuracy=accuracy,
        diverged=diverged,
        mean=mean,
        ci_low=ci_low,
        ci_high=ci_high,
        difference=difference,
        difference_low=difference_low,
        difference_high=difference_high,
        verdict=verdict,
        confidence=level,
    )


# --- Statistics -------------------------------------------------------------------------


def _t_interval(
    samples: NDArray[np.float64], confidence: float
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Mean and two-sided t interval along the last axis, which holds at least two samples."""
    n = samples.shape[-1]
    mean = samples.mean(axis=-1)
    half = _t_quantile(0.5 + confidence / 2.0, n - 1) * samples.std(axis=-1, ddof=1) / math.sqrt(n)
    return mean, mean - half, mean + half


def _t_quantile(probability: float, df: int) -> float:
    r"""Quantile of Student's t distribution with ``df`` degrees of freedom, for p >= 1/2.

    Substituting :math:`t = \sqrt{\nu} \tan\theta` turns the t density into
    :math:`c_\nu \cos^{\nu - 1}\theta` on :math:`[0, \pi/2)`, with
    :math:`c_\nu = \Gamma((\nu+1)/2) / (\sqrt\pi\,\Gamma(\nu/2))`: a smooth, bounded
    integrand even for heavy tails.  Its cumulative integral on a fine grid (trapezoid rule,
    error far below 1e-9) is inverted by interpolation.
    """
    theta = np.linspace(0.0, math.pi / 2.0, 200_001)
    log_c = math.lgamma((df + 1) / 2.0) - math.lgamma(df / 2.0) - 0.5 * math.log(math.pi)
    density = math.exp(log_c) * np.cos(theta) ** (df - 1)
    cumulative = np.concatenate(
        [[0.0], np.cumsum((density[1:] + density[:-1]) / 2.0 * np.diff(theta))]
    )
    angle = float(np.interp(probability - 0.5, cumulative, theta))
    return math.sqrt(df) * math.tan(angle)


# --- Shared helpers ---------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _GridRun:
    """End-of-training measurements of a (learning rate, seed) grid, shape (n_lrs, n_seeds)."""

    dead_fraction: NDArray[np.float64]
    diverged: NDArray[np.bool_]
    test_accuracy: NDArray[np.float64]


def _train_grid(
    digits: DigitsSplit,
    slope: float,
    rates: NDArray[np.float64],
    seeds: list[int],
    *,
    epochs: int,
    width: int,
    batch_size: int,
) -> _GridRun:
    """Train one ensemble member per (learning rate, seed) on the digits; measure at the end.

    Members sharing a seed share their initial weights and minibatch order.  Divergence is
    recorded, not raised, and the diverged members' measurements are NaN.
    """
    X = digits.X_train
    net = _network([X.shape[1], width, width, 10], slope, seeds * rates.size)
    total_steps = epochs * (X.shape[0] // batch_size)
    history = train(
        net,
        X,
        digits.y_train,
        loss="cross_entropy",
        optimizer=SGD(np.repeat(rates, len(seeds))),
        steps=total_steps,
        batch_size=batch_size,
        seed=0,
        X_eval=digits.X_test,
        y_eval=digits.y_test,
        on_divergence="record",
        # Only the end matters here; measuring every epoch would double the cost.
        record_every=total_steps,
    )
    grid = (rates.size, len(seeds))
    return _GridRun(
        dead_fraction=history.dead_fraction_overall[-1].reshape(grid),
        diverged=np.asarray(history.diverged).reshape(grid),
        test_accuracy=_required(history.eval_accuracy)[-1].reshape(grid),
    )


def _network(sizes: list[int], slope: float, seeds: list[int]) -> MLP:
    """An ensemble with ReLU for slope 0 and Leaky ReLU otherwise, He-initialised."""
    if slope == 0.0:
        return MLP(sizes, "relu", seed=seeds, dtype=_DTYPE)
    return MLP(sizes, "leaky_relu", negative_slope=slope, seed=seeds, dtype=_DTYPE)


def _required(values: NDArray[np.float64] | None) -> NDArray[np.float64]:
    if values is None:
        raise RuntimeError("training recorded no evaluation accuracy")
    return values


def _seed_list(seeds: Any) -> list[int]:
    if isinstance(seeds, str) or not isinstance(seeds, Sequence | np.ndarray):
        raise TypeError(
            f"seeds must be a sequence of non-negative integers, got {type(seeds).__name__}"
        )
    members = []
    for seed in seeds:
        if isinstance(seed, bool | np.bool_) or not isinstance(seed, numbers.Integral):
            raise TypeError(f"seeds must hold integers, got {type(seed).__name__}")
        if seed < 0:
            raise ValueError(f"seeds must be non-negative, got {seed}")
        members.append(int(seed))
    if not members:
        raise ValueError("seeds must hold at least one seed")
    return members


def _slopes(values: Any) -> NDArray[np.float64]:
    slopes = _reals(values, "negative_slopes")
    if ((slopes < 0.0) | (slopes > 1.0)).any():
        raise ValueError(f"negative_slopes must lie in [0, 1], got {slopes.tolist()}")
    return slopes


def _positive_reals(values: Any, name: str) -> NDArray[np.float64]:
    reals = _reals(values, name)
    if (reals <= 0.0).any():
        raise ValueError(f"{name} must be positive, got {reals.tolist()}")
    return reals


def _reals(values: Any, name: str) -> NDArray[np.float64]:
    arr = np.asarray(values)
    if arr.dtype.kind not in "iuf" or arr.ndim != 1:
        raise TypeError(f"{name} must be a sequence of real numbers, got {values!r}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite, got {arr.tolist()}")
    return arr.astype(np.float64)


def _positive_ints(values: Any, name: str) -> NDArray[np.int64]:
    arr = np.asarray(values)
    if arr.dtype.kind not in "iu" or arr.ndim != 1:
        raise TypeError(f"{name} must be a sequence of positive integers, got {values!r}")
    if arr.size == 0 or (arr < 1).any():
        raise ValueError(
            f"{name} must be a non-empty sequence of positive integers, got {values!r}"
        )
    return arr.astype(np.int64)


def _finite(value: Any, name: str) -> float:
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    if not math.isfinite(float(value)):
        raise ValueError(f"{name} must be finite, got {value}")
    return float(value)


def _confidence(value: Any) -> float:
    level = _finite(value, "confidence")
    if not 0.0 < level < 1.0:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {value}")
    return level
