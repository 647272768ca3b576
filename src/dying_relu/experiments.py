"""The experiments of the site, one function each, returning plain results.

Every function here reads as the method section of a small paper: the data, the network, the
seeds, what is measured.  It returns a frozen dataclass of numpy arrays and never plots,
prints or judges: :mod:`dying_relu.plotting` turns a result into a figure, and
:mod:`dying_relu.evidence` turns it into a verdict on a claim.

Every experiment has one shape (:mod:`dying_relu.runner`): its settings are its arguments;
it runs on the seeds of the keyword ``seeds`` (each experiment has its own default), with its
initial weights nudged at the level of rounding if ``perturbed=True``; and its result, a
frozen dataclass, records both.  So :func:`dying_relu.runner.replicate` can run any of them
again on other seeds and nudged, and :mod:`dying_relu.evidence` judges every claim on all
three replicates.

Every training run is classified by :func:`classify_runs` as *trained*, *collapsed* or
*diverged*, and the results keep the three apart: an average over the runs that trained says
so.  Seeds are never looped over: each function trains one *ensemble* per configuration, whose
members are the seeds (and, for a grid, the grid's values), in one batched computation.
Members that share a seed start from the same weights (scaled by their activation's gain) and
see the same minibatches, so that runs of one seed differ only in what the experiment varies.

Unless a function says otherwise, the data are the digits split of
:func:`dying_relu.load_digits_split` with its defaults, the loss is cross-entropy, the
networks are initialised with He's scale and zero biases, and training runs in float32.
Every finding is one of these networks on this data with the optimiser named; the pages say
so.  Leaky ReLU is named by its negative slope, with slope 0 standing for ReLU itself (the
two coincide exactly in value and derivative; see :mod:`dying_relu.activations`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dying_relu import activations as act
from dying_relu._validation import (
    choice,
    finite_real,
    index_of,
    learning_rate,
    positive_int,
    positive_real,
    scalar_learning_rate,
)
from dying_relu._validation import negative_slope as check_slope
from dying_relu.born_dead import born_dead_probability, born_dead_probability_exact
from dying_relu.data import DigitsSplit, load_digits_split, load_split, make_regression_1d
from dying_relu.diagnostics import dead_units, gradient_norms, unit_activity
from dying_relu.network import ACTIVATION_NAMES, MLP
from dying_relu.optim import SGD, Adam
from dying_relu.runner import Members, Result, experiment, stack
from dying_relu.stats import above_chance, proportion_interval
from dying_relu.training import History, train

__all__ = [
    "CHANCE_LEVEL",
    "DEFAULT_LRS",
    "OPTIMIZERS",
    "OUTCOMES",
    "BiasShock",
    "BornDeadGrid",
    "LeakyVsRelu",
    "LearningRateSweep",
    "LuCollapse",
    "TrainingGradients",
    "VanishingGradients",
    "WeightScaleGradients",
    "activation_label",
    "bias_shock",
    "born_dead_grid",
    "classify_runs",
    "leaky_vs_relu",
    "learning_rate_sweep",
    "lu_collapse",
    "training_gradients",
    "vanishing_gradients",
    "weight_scale_gradients",
]

#: What :func:`classify_runs` can call a run.
OUTCOMES = ("trained", "collapsed", "diverged")

#: Significance level of the test that a run's test accuracy is above chance.
CHANCE_LEVEL = 0.01

#: The optimisers the experiments can train with, by name.
OPTIMIZERS = {"sgd": SGD, "adam": Adam}
#: The learning rates of :func:`learning_rate_sweep`, per optimiser: from ordinary to far too
#: high on the digits.
DEFAULT_LRS: dict[str, tuple[float, ...]] = {
    "sgd": (0.01, 0.1, 0.3, 0.6, 1.0, 1.4, 2.0, 2.8),
    "adam": (1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3),
}


def activation_label(negative_slope: float) -> str:
    """Name of the hidden activation with this negative slope, as figures and tables show it.

    Examples
    --------
    >>> activation_label(0.0), activation_label(0.01)
    ('ReLU', 'Leaky ReLU (0.01)')
    """
    return "ReLU" if negative_slope == 0.0 else f"Leaky ReLU ({negative_slope:g})"


class _Slopes:
    """What results that compare activations by their negative slope share."""

    negative_slopes: NDArray[np.float64]

    @property
    def labels(self) -> tuple[str, ...]:
        """The name of each activation compared, for legends (see :func:`activation_label`)."""
        return tuple(activation_label(float(slope)) for slope in self.negative_slopes)

    def slope_index(self, negative_slope: float) -> int:
        """Position of ``negative_slope`` in ``negative_slopes`` (0 for ReLU)."""
        return index_of(self.negative_slopes, negative_slope, "negative_slope")


class _Rates(_Slopes):
    """What results of several learning rates share."""

    lrs: NDArray[np.float64]

    def lr_index(self, lr: float) -> int:
        """Position of ``lr`` in ``lrs``."""
        return index_of(self.lrs, lr, "lr")


def classify_runs(
    diverged: ArrayLike,
    layer_dead: ArrayLike,
    test_correct: ArrayLike | None = None,
    n_test: int | None = None,
    chance: float | None = None,
    *,
    constant: ArrayLike | None = None,
) -> NDArray[np.str_]:
    """Call each run *trained*, *collapsed* or *diverged*.

    The rule.  A run whose training loss became NaN or infinite *diverged*.  Otherwise it
    *collapsed* if some hidden layer is dead on every training input at the end (the network
    is then one constant function, and no gradient reaches the layers before the dead one);
    or, for a regression, if it is flagged ``constant`` (it fits its targets no better than a
    constant does, see :func:`lu_collapse`); or, for a classifier, if its test accuracy is not
    above chance: the one-sided binomial test of ``test_correct`` right answers out of
    ``n_test`` against ``chance`` (the share of the commonest test class, which a constant
    guess scores) gives a p-value of at least ``CHANCE_LEVEL``.  Every other run *trained*.

    Parameters
    ----------
    diverged, layer_dead : array_like of bool
        Per run, of one shape.
    test_correct : array_like of int, optional
        Per run, the number of test inputs classified correctly; leave out for regression.
    n_test : int, optional
        The number of test inputs, with ``test_correct``.
    chance : float, optional
        The accuracy of a constant guess, with ``test_correct``.
    constant : array_like of bool, optional
        Per run, whether what the network computes is no better than a constant.

    Returns
    -------
    numpy.ndarray of str
        One of ``OUTCOMES`` per run.

    Examples
    --------
    >>> classify_runs([False, False, False, True], [False, True, False, False],
    ...               [430, 430, 45, 0], n_test=450, chance=0.1)
    array(['trained', 'collapsed', 'collapsed', 'diverged'], dtype='<U9')
    """
    failed = np.asarray(diverged, dtype=bool)
    dead = np.broadcast_to(np.asarray(layer_dead, dtype=bool), failed.shape)
    if constant is not None:
        dead = dead | np.broadcast_to(np.asarray(constant, dtype=bool), failed.shape)
    at_chance = np.zeros(failed.shape, dtype=bool)
    if test_correct is not None:
        if n_test is None or chance is None:
            raise ValueError("test_correct needs n_test and chance")
        trials = positive_int(n_test, "n_test")
        correct = np.broadcast_to(np.asarray(test_correct), failed.shape)
        for index in zip(*np.nonzero(~failed), strict=True):
            p = above_chance(int(correct[index]), trials, chance)
            at_chance[index] = p >= CHANCE_LEVEL
    return np.where(
        failed, OUTCOMES[2], np.where(dead | at_chance, OUTCOMES[1], OUTCOMES[0])
    ).astype("<U9")


# --- 1. Vanishing gradients ---------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class VanishingGradients(Result):
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
    negative_slope : float
        Slope of the Leaky ReLU networks.
    """

    activations: tuple[str, ...]
    depths: NDArray[np.int64]
    grad_norm: NDArray[np.float64]
    width: int
    negative_slope: float

    @property
    def first_layer(self) -> NDArray[np.float64]:
        """Gradient norm of the first weight matrix, shape ``(n_activations, n_depths)``."""
        return self.grad_norm[:, :, 0]

    def ratio(self, activation: str) -> float:
        """First-layer over output-layer gradient norm in the deepest network."""
        a = self.activations.index(activation)
        depth = int(self.depths[-1])
        return float(self.grad_norm[a, -1, 0] / self.grad_norm[a, -1, depth])


@experiment(VanishingGradients, seeds=range(10))
def vanishing_gradients(
    members: Members,
    depths: Sequence[int] = (2, 5, 10, 20, 30, 50),
    activations: Sequence[str] = ("sigmoid", "tanh", "relu", "leaky_relu"),
    *,
    width: int = 32,
    n_rows: int = 256,
    negative_slope: float = 0.01,
) -> dict[str, Any]:
    """How the gradient reaching each layer shrinks with depth, at initialisation.

    Method.  Take the first ``n_rows`` training images of the digits.  For every activation
    and depth, initialise one network per seed, 64 inputs, ``depth`` hidden layers of
    ``width`` units and 10 linear outputs, with the initialisation matched to the activation
    (Glorot normal for sigmoid and tanh, He normal for ReLU and Leaky ReLU, the latter with
    its slope's gain), zero biases.  Compute the gradient of the mean cross-entropy on those
    rows with respect to every weight matrix, without any training, and average its norm over
    the seeds.  The networks are float64: sigmoid's gradients at depth 50 are near 1e-32,
    which float32 would flush to zero.

    Examples
    --------
    >>> vg = vanishing_gradients(depths=(2, 20), activations=("sigmoid", "relu"), seeds=(0, 1))
    >>> vg.grad_norm.shape
    (2, 2, 21)
    >>> bool(vg.first_layer[0, 1] < 1e-6 * vg.first_layer[1, 1])
    True
    """
    depth_grid = _positive_ints(depths, "depths")
    names = _activation_names(activations)
    width = positive_int(width, "width")
    n_rows = positive_int(n_rows, "n_rows")
    slope = _slopes([negative_slope])[0]
    digits = load_digits_split()
    X, y = digits.X_train[:n_rows], digits.y_train[:n_rows]

    grad_norm = np.full((len(names), depth_grid.size, int(depth_grid.max()) + 1), np.nan)
    for a, name in enumerate(names):
        for d, depth in enumerate(depth_grid):
            sizes = [X.shape[1], *[width] * int(depth), 10]
            net = members.network(sizes, name, negative_slope=slope, dtype=np.float64)
            per_seed = gradient_norms(net, X, y, "cross_entropy")
            grad_norm[a, d, : depth + 1] = per_seed.mean(axis=0)
    return {
        "activations": names,
        "depths": depth_grid,
        "grad_norm": grad_norm,
        "width": width,
        "negative_slope": slope,
    }


@dataclass(frozen=True, eq=False)
class WeightScaleGradients(Result):
    """Gradients at initialisation against the scale of the weights (see
    :func:`weight_scale_gradients`).

    Attributes
    ----------
    activations : tuple of str
        Hidden activations, in the order of the first axis.
    scales : numpy.ndarray, shape (n_scales,)
        Factors applied to the matched initialisation's weights; 1 is Glorot's or He's scale.
    weight_ratio, bias_ratio : numpy.ndarray, shape (n_activations, n_scales, n_seeds)
        Norm of the loss gradient with respect to the first layer's weights (biases) over that
        with respect to the output layer's weights (biases).  The bias gradient of a layer is
        its backpropagated error summed over the inputs, so ``bias_ratio`` shows how much of
        the error signal survives the way back.
    mean_derivative : numpy.ndarray, shape (n_activations, n_scales)
        Mean of the activation's derivative over every hidden unit, input and seed: 1/4 at
        most for sigmoid, 1 for an unsaturated tanh, the active share for ReLU.
    depth, width, n_rows : int
        Hidden layers, units per hidden layer, and images the gradient is taken on.
    """

    activations: tuple[str, ...]
    scales: NDArray[np.float64]
    weight_ratio: NDArray[np.float64]
    bias_ratio: NDArray[np.float64]
    mean_derivative: NDArray[np.float64]
    depth: int
    width: int
    n_rows: int


@experiment(WeightScaleGradients, seeds=range(5))
def weight_scale_gradients(
    members: Members,
    scales: Sequence[float] = (0.25, 0.5, 1.0, 1.5, 2.0, 4.0),
    activations: Sequence[str] = ("sigmoid", "tanh", "relu"),
    *,
    depth: int = 20,
    width: int = 32,
    n_rows: int = 256,
) -> dict[str, Any]:
    """When do gradients vanish?  The weight scale against the gradient at the first layer.

    Method.  As in :func:`vanishing_gradients`, at one depth: networks 64, ``depth`` hidden
    layers of ``width`` units, 10 outputs, with the matched initialisation, whose weights are
    then multiplied by each factor of ``scales`` (biases stay zero).  On the first ``n_rows``
    training images of the digits, compute the cross-entropy gradient and compare the first
    layer's with the output layer's, for the weights and for the biases; and measure how
    saturated the units are, as the mean of the activation's derivative at the
    pre-activations.  A larger scale pushes tanh and sigmoid units into their flat tails; the
    experiment shows what that does to the gradient.  float64, as in
    :func:`vanishing_gradients`.

    Examples
    --------
    >>> ws = weight_scale_gradients((0.5, 2.0), ("tanh",), depth=6, seeds=(0, 1))
    >>> ws.weight_ratio.shape, bool(ws.mean_derivative[0, 1] < ws.mean_derivative[0, 0])
    ((1, 2, 2), True)
    """
    factors = _positive_reals(scales, "scales")
    names = _activation_names(activations)
    depth = positive_int(depth, "depth")
    width = positive_int(width, "width")
    n_rows = positive_int(n_rows, "n_rows")
    digits = load_digits_split()
    X, y = digits.X_train[:n_rows], digits.y_train[:n_rows]
    derivative = {
        "sigmoid": act.sigmoid_derivative,
        "tanh": act.tanh_derivative,
        "relu": act.relu_derivative,
        "leaky_relu": act.leaky_relu_derivative,
    }

    shape = (len(names), factors.size, members.size)
    weight_ratio, bias_ratio = np.empty(shape), np.empty(shape)
    mean_derivative = np.empty(shape[:2])
    for a, name in enumerate(names):
        for s, factor in enumerate(factors):
            net = members.network([X.shape[1], *[width] * depth, 10], name, dtype=np.float64)
            for weights in net.params[0::2]:
                weights *= factor
            _, grads = net.loss_and_grads(X, y, "cross_entropy")
            norms = [np.linalg.norm(g.reshape(members.size, -1), axis=-1) for g in grads]
            weight_ratio[a, s] = norms[0] / norms[-2]
            bias_ratio[a, s] = norms[1] / norms[-1]
            _, pre = net.forward(X, record=True)
            mean_derivative[a, s] = np.mean([np.mean(derivative[name](z)) for z in pre])
    return {
        "activations": names,
        "scales": factors,
        "weight_ratio": weight_ratio,
        "bias_ratio": bias_ratio,
        "mean_derivative": mean_derivative,
        "depth": depth,
        "width": width,
        "n_rows": n_rows,
    }


@dataclass(frozen=True, eq=False)
class TrainingGradients(Result):
    """Gradients of deep networks while they train (see :func:`training_gradients`).

    Attributes
    ----------
    activations : tuple of str
        Hidden activations, in the order of the first axis.
    step : numpy.ndarray of int, shape (R,)
        Steps of the record points, once per epoch.
    ratio : numpy.ndarray, shape (n_activations, R, n_seeds)
        First-layer over output-layer weight-gradient norm on the training set; NaN after a
        run diverged.
    accuracy : numpy.ndarray, shape (n_activations, n_seeds)
        Test accuracy at the end; NaN for runs that diverged.
    outcome : numpy.ndarray of str, shape (n_activations, n_seeds)
        :func:`classify_runs` of every run.
    depth, width, epochs : int
    lr : float
        The SGD learning rate.
    """

    activations: tuple[str, ...]
    step: NDArray[np.int64]
    ratio: NDArray[np.float64]
    accuracy: NDArray[np.float64]
    outcome: NDArray[np.str_]
    depth: int
    width: int
    epochs: int
    lr: float


@experiment(TrainingGradients, seeds=range(5))
def training_gradients(
    members: Members,
    activations: Sequence[str] = ("sigmoid", "tanh", "relu"),
    *,
    depth: int = 20,
    width: int = 32,
    lr: float = 0.1,
    epochs: int = 8,
    batch_size: int = 64,
) -> dict[str, Any]:
    """Do the gradients of a deep network vanish while it trains?

    Method.  Train networks 64, ``depth`` hidden layers of ``width`` units, 10 outputs, with
    the matched initialisation, on the digits with plain SGD (learning rate ``lr``,
    minibatches of ``batch_size``) for ``epochs`` epochs, one per seed.  Once per epoch,
    measure the norm of the full-training-set gradient of each layer's weights and keep the
    first layer's over the output layer's; at the end, measure the test accuracy and classify
    the run.

    Examples
    --------
    >>> tg = training_gradients(("tanh",), depth=4, epochs=2, seeds=(0,))
    >>> tg.ratio.shape, str(tg.outcome[0, 0]) in OUTCOMES
    ((1, 3, 1), True)
    """
    names = _activation_names(activations)
    depth = positive_int(depth, "depth")
    width = positive_int(width, "width")
    lr = scalar_learning_rate(lr)
    epochs = positive_int(epochs, "epochs")
    batch_size = positive_int(batch_size, "batch_size")
    digits = load_digits_split()
    steps_per_epoch = digits.X_train.shape[0] // batch_size

    def one(name: str) -> dict[str, Any]:
        net = members.network([64, *[width] * depth, 10], name)
        history = _fit_digits(
            net, digits, SGD(lr), epochs=epochs, batch_size=batch_size,
            record_every=steps_per_epoch,
        )  # fmt: skip
        return {
            "step": history.step,
            "ratio": history.grad_norm[:, :, 0] / history.grad_norm[:, :, -1],
            **_final(history, digits),
        }

    fields = stack([one(name) for name in names])
    return {
        **fields,
        "step": fields["step"][0],
        "activations": names,
        "depth": depth,
        "width": width,
        "epochs": epochs,
        "lr": lr,
    }


# --- 2. A negative-bias shock, as a dose-response -------------------------------------------


@dataclass(frozen=True, eq=False)
class BiasShock(Result, _Slopes):
    """Units killed on purpose by a negative-bias shock, and who comes back (see
    :func:`bias_shock`).

    Axes: ``S`` activations (negative slopes), ``K`` shifts (the first, 0, is the unshocked
    baseline), ``N`` seeds, ``L = 2`` hidden layers, ``T`` activity thresholds.

    Attributes
    ----------
    negative_slopes : numpy.ndarray, shape (S,)
        Slope of each activation compared, 0 for ReLU; the property ``labels`` names them.
    shifts : numpy.ndarray, shape (K,)
        The constants subtracted from the shocked units' biases; ``shifts[0] == 0``.
    shocked_share : float
        The share of each hidden layer's units that the shock hits.
    thresholds : numpy.ndarray, shape (T,)
        Activity thresholds: a unit counts as active at threshold ``q`` if it is active on at
        least a share ``q`` of the training inputs, and, for ``q = 0``, on at least one.
    n_shocked : int
        Units the shock hits in each hidden layer.
    killed : numpy.ndarray of int, shape (S, K, N, L)
        Shocked units of each layer dead on the training set right after the shock.
    dead_end : numpy.ndarray of int, shape (S, K, N, L)
        Shocked units of each layer dead at the end of training.
    revived : numpy.ndarray of int, shape (S, K, N, L, T)
        Of the units in ``killed``, those active at the end, at each threshold.
    accuracy : numpy.ndarray, shape (S, K, N)
        Test accuracy at the end; NaN for runs that diverged.
    outcome : numpy.ndarray of str, shape (S, K, N)
        :func:`classify_runs` of every run.
    map_shift : float
        The shift of the activity maps.
    map_before, map_after, map_end : numpy.ndarray of bool, shape (S, U, n_train)
        For the first seed and ``map_shift``: whether each hidden unit (layer 1, then layer 2)
        is active on each training input before the shock, right after it, and at the end.
        The inputs are sorted by their label.
    map_shocked : numpy.ndarray of bool, shape (U,)
        Which of those units the shock hit.
    epochs_before, epochs_after : int
    optimizer : str
        ``"SGD"`` or ``"Adam"``, before and after the shock (a new one after it).
    lr : float
        The learning rate.
    width : int
        Units per hidden layer.
    data : str
        The data set, a key of ``dying_relu.data.DATA_SETS``.
    """

    negative_slopes: NDArray[np.float64]
    shifts: NDArray[np.float64]
    shocked_share: float
    thresholds: NDArray[np.float64]
    n_shocked: int
    killed: NDArray[np.int64]
    dead_end: NDArray[np.int64]
    revived: NDArray[np.int64]
    accuracy: NDArray[np.float64]
    outcome: NDArray[np.str_]
    map_shift: float
    map_before: NDArray[np.bool_]
    map_after: NDArray[np.bool_]
    map_end: NDArray[np.bool_]
    map_shocked: NDArray[np.bool_]
    epochs_before: int
    epochs_after: int
    optimizer: str
    lr: float
    width: int
    data: str

    @property
    def diverged(self) -> NDArray[np.bool_]:
        """Runs whose loss became NaN or infinite after the shock (their counts are 0), shape
        ``(S, K, N)``."""
        return np.asarray(self.outcome == "diverged")

    @property
    def dead_after(self) -> NDArray[np.float64]:
        """Share of the shocked units dead right after the shock, shape ``(S, K, N, L)``."""
        share: NDArray[np.float64] = self.killed / self.n_shocked
        return np.where(self.diverged[..., np.newaxis], np.nan, share)

    def recovered(self, threshold: float, *, layers: str = "both") -> NDArray[np.float64]:
        """Of the shocked units killed, the share active at the end at ``threshold``.

        Parameters
        ----------
        threshold : float
            One of ``thresholds``.
        layers : {"both", "first", "second"}
            Pool both hidden layers' units, or take one layer's.

        Returns
        -------
        numpy.ndarray, shape (S, K, N)
            NaN where the shock killed no unit, and for runs that diverged.
        """
        t = self.threshold_index(threshold)
        chosen = {"both": slice(None), "first": slice(0, 1), "second": slice(1, 2)}
        which = chosen[choice(layers, "layers", tuple(chosen))]
        killed = self.killed[..., which].sum(axis=-1)
        revived = self.revived[..., which, t].sum(axis=-1)
        share: NDArray[np.float64] = revived / np.where(killed > 0, killed, 1)
        return np.where((killed == 0) | self.diverged, np.nan, share)

    def threshold_index(self, threshold: float) -> int:
        """Position of ``threshold`` in ``thresholds``."""
        return index_of(self.thresholds, threshold, "threshold")

    def shift_index(self, shift: float) -> int:
        """Position of ``shift`` in ``shifts``."""
        return index_of(self.shifts, shift, "shift")


@experiment(BiasShock, seeds=range(10))
def bias_shock(
    members: Members,
    negative_slopes: Sequence[float] = (0.0, 0.01, 0.2),
    shifts: Sequence[float] = (2.0, 4.0, 8.0, 16.0),
    *,
    shocked_share: float = 0.5,
    thresholds: Sequence[float] = (0.0, 0.005, 0.01, 0.02, 0.05, 0.1),
    map_shift: float | None = 8.0,
    epochs_before: int = 10,
    epochs_after: int = 20,
    width: int = 64,
    optimizer: str = "sgd",
    lr: float = 0.1,
    batch_size: int = 64,
    data: str = "digits",
) -> dict[str, Any]:
    """Kill units on purpose with a negative bias, then watch who comes back.

    Method.  Train networks d-``width``-``width``-10 on ``data`` (the digits, d = 64, or
    MNIST-1D, d = 40; see ``dying_relu.data.DATA_SETS``) with ``optimizer``
    (plain SGD by default, or Adam; learning rate ``lr``, minibatches of ``batch_size``) for
    ``epochs_before`` epochs, one per seed and activation.  Then, in a copy for every size in
    ``shifts`` (and an unshocked copy, the baseline), subtract that size from the biases of a
    random ``shocked_share`` of the units of each hidden layer, the same units for every
    activation and size of a seed, and train every copy on for ``epochs_after`` epochs with
    the same minibatches and the optimiser's state from before the shock (Adam's moment
    estimates; plain SGD has none), as if the shock had struck during training.  The units left
    alone keep the network able to learn, so the experiment isolates the shocked units: how
    many the shock kills (dead on every training input), how many of those are active again
    at the end, counted at several activity thresholds, because a unit active on one image out
    of 1347 is alive by the definition but does no work, and the final test accuracy against
    the baseline of the same seed.  A ReLU unit of the first hidden layer that is dead gets
    exactly zero gradient and sees the fixed data, so with plain SGD it cannot come back (Adam
    keeps moving it for a while on the momentum of its earlier gradients); one of the second
    layer can, through changes of the first; a Leaky ReLU unit keeps a gradient scaled by its
    slope.  The activity maps (``map_*``) are drawn for the first seed at ``map_shift``; pass
    None to skip them.

    Examples
    --------
    >>> shock = bias_shock((0.0, 0.2), (8.0,), epochs_before=1, epochs_after=1, width=8,
    ...                    seeds=(0,))
    >>> shock.revived.shape, shock.shifts.tolist()
    ((2, 2, 1, 2, 6), [0.0, 8.0])
    """
    slopes = _slopes(negative_slopes)
    shift_grid = np.concatenate([[0.0], _positive_reals(shifts, "shifts")])
    share = positive_real(shocked_share, "shocked_share")
    if share > 1.0:
        raise ValueError(f"shocked_share must lie in (0, 1], got {share}")
    levels = _reals(thresholds, "thresholds")
    if ((levels < 0.0) | (levels > 1.0)).any():
        raise ValueError(f"thresholds must lie in [0, 1], got {levels.tolist()}")
    map_k = (
        None if map_shift is None
        else index_of(shift_grid, finite_real(map_shift, "map_shift"), "map_shift")
    )  # fmt: skip
    epochs_before = positive_int(epochs_before, "epochs_before")
    epochs_after = positive_int(epochs_after, "epochs_after")
    width = positive_int(width, "width")
    name = choice(optimizer, "optimizer", tuple(OPTIMIZERS))
    lr = scalar_learning_rate(lr)
    batch_size = positive_int(batch_size, "batch_size")
    digits = load_split(data)
    X = digits.X_train
    n_seeds, n_shifts, n_layers = members.size, shift_grid.size, 2
    shocked = _choose_units(members.seeds, n_layers, width, share)  # (N, L, W)
    # Member k * N + i of the grid is seed i under shift k.
    shift_of_member = np.repeat(shift_grid, n_seeds)[:, np.newaxis, np.newaxis]
    shock = shift_of_member * np.tile(shocked, (n_shifts, 1, 1))  # (K * N, L, W)
    order = np.argsort(digits.y_train, kind="stable")
    sizes = [X.shape[1], width, width, 10]
    update = OPTIMIZERS[name]
    # Only the first seed's maps are drawn; an empty map stands in when none is asked for.
    no_map = np.zeros((n_layers * width, 0), dtype=bool)

    def activity_map(net: MLP, member: int) -> NDArray[np.bool_]:
        return no_map if map_k is None else _activity_map(net, X, member, order)

    def one(slope: float) -> dict[str, Any]:
        grid = members.network(sizes, "leaky_relu", negative_slope=slope, repeat=n_shifts)
        optimizer = update(lr)
        if name == "sgd":
            # Without state to carry over, training one network per seed and copying it is
            # the same computation as training every copy, at a fraction of the cost.
            net = members.network(sizes, "leaky_relu", negative_slope=slope)
            _fit_digits(net, digits, update(lr), epochs=epochs_before, batch_size=batch_size)
            for target, source in zip(grid.params, net.params, strict=True):
                target[...] = np.tile(source, (n_shifts,) + (1,) * (source.ndim - 1))
        else:
            _fit_digits(grid, digits, optimizer, epochs=epochs_before, batch_size=batch_size)
            net = grid
        for layer in range(n_layers):
            grid.params[2 * layer + 1] -= shock[:, layer, :].astype(grid.dtype)
        map_member = 0 if map_k is None else map_k * n_seeds
        maps = {"map_before": activity_map(net, 0), "map_after": activity_map(grid, map_member)}
        activity_after = np.stack(unit_activity(grid, X), axis=1)  # (K * N, L, W)
        history = _fit_digits(grid, digits, optimizer, epochs=epochs_after, batch_size=batch_size)
        activity_end = np.stack(unit_activity(grid, X), axis=1)
        failed = np.asarray(history.diverged)
        stacked_shocked = np.tile(shocked, (n_shifts, 1, 1)) & ~failed[:, np.newaxis, np.newaxis]
        killed = (activity_after == 0.0) & stacked_shocked
        revived = np.stack(
            [killed & ((activity_end > 0.0) if q == 0.0 else (activity_end >= q)) for q in levels],
            axis=-1,
        )
        return {
            "killed": killed.sum(axis=-1),
            "dead_end": ((activity_end == 0.0) & stacked_shocked).sum(axis=-1),
            "revived": revived.sum(axis=-2),
            **_final(history, digits),
            **maps,
            "map_end": activity_map(grid, map_member),
        }

    rows = [one(float(slope)) for slope in slopes]
    maps = stack([{key: row.pop(key) for key in ("map_before", "map_after", "map_end")}
                  for row in rows])  # fmt: skip
    return {
        **stack(rows, (n_shifts, n_seeds)),
        **maps,
        "negative_slopes": slopes,
        "shifts": shift_grid,
        "shocked_share": share,
        "thresholds": levels,
        "n_shocked": int(shocked[0, 0].sum()),
        "map_shift": float("nan") if map_k is None else float(shift_grid[map_k]),
        "map_shocked": shocked[0].reshape(-1),
        "epochs_before": epochs_before,
        "epochs_after": epochs_after,
        "optimizer": OPTIMIZERS[name].__name__,
        "lr": lr,
        "width": width,
        "data": data,
    }


# --- 3. A learning rate set too high ----------------------------------------------------------


@dataclass(frozen=True, eq=False)
class LearningRateSweep(Result, _Rates):
    """Dead units after training against the learning rate (see :func:`learning_rate_sweep`).

    Axes: ``S`` activations, ``R`` learning rates, ``N`` seeds, ``L = 2`` hidden layers.

    Attributes
    ----------
    optimizer : str
        ``"SGD"`` or ``"Adam"``.
    lrs : numpy.ndarray, shape (R,)
        Learning rates.
    negative_slopes : numpy.ndarray, shape (S,)
        Slope of each activation, 0 for ReLU; the property ``labels`` names them.
    dead_per_layer : numpy.ndarray, shape (S, R, N, L)
        Share of each hidden layer's units dead on the training set after training; NaN for
        runs that diverged.
    accuracy : numpy.ndarray, shape (S, R, N)
        Test accuracy after training; NaN for runs that diverged.
    outcome : numpy.ndarray of str, shape (S, R, N)
        :func:`classify_runs` of every run.
    deaths : numpy.ndarray of int, shape (S, R, N, 3)
        The units dead after training, by cause: dead already at initialisation; killed with
        a negative bias that was needed, that is, the unit's weighted input
        :math:`h_{l-1} W_{:,j}` is positive on some training input and only the bias keeps its
        pre-activation at or below 0 there; killed by the weights alone, the weighted input
        being at most 0 on every input.  Zero for runs that diverged.
    dead_bias : numpy.ndarray, shape (S, R, N)
        Median bias of the units killed during training; NaN where none was.
    epochs : int
    data : str
        The data set, a key of ``dying_relu.data.DATA_SETS``.
    """

    optimizer: str
    lrs: NDArray[np.float64]
    negative_slopes: NDArray[np.float64]
    dead_per_layer: NDArray[np.float64]
    accuracy: NDArray[np.float64]
    outcome: NDArray[np.str_]
    deaths: NDArray[np.int64]
    dead_bias: NDArray[np.float64]
    epochs: int
    data: str

    #: Names of the last axis of ``deaths``.
    CAUSES = ("at initialisation", "bias", "weights")

    @property
    def dead_fraction(self) -> NDArray[np.float64]:
        """Share of all hidden units dead after training, shape ``(S, R, N)``."""
        overall: NDArray[np.float64] = self.dead_per_layer.mean(axis=-1)
        return overall


@experiment(LearningRateSweep, seeds=range(10))
def learning_rate_sweep(
    members: Members,
    optimizer: str = "sgd",
    lrs: Sequence[float] | None = None,
    *,
    negative_slopes: Sequence[float] = (0.0, 0.01),
    epochs: int = 10,
    width: int = 64,
    batch_size: int = 64,
    data: str = "digits",
) -> dict[str, Any]:
    """Test CS231n's "as much as 40 %" of a network dead after a too-high learning rate.

    Method.  For each activation, train one ensemble of networks d-``width``-``width``-10 on
    ``data`` (the digits, d = 64, or MNIST-1D, d = 40) with ``optimizer`` (plain SGD, or Adam with PyTorch's defaults but for the
    learning rate), minibatches of ``batch_size``, for ``epochs`` epochs: one member per
    (learning rate, seed) pair.  By default the learning rates span 0.01 to 2.8 for SGD and
    1e-4 to 0.3 for Adam, from ordinary to far too high.  After training, measure each hidden
    layer's share of units dead on the training set, the test accuracy, the class of the run,
    and, for every unit dead at the end, its cause: dead since initialisation, killed with a
    negative bias that was needed to keep it inactive, or killed by its weights alone.

    Examples
    --------
    >>> sweep = learning_rate_sweep("adam", (1e-3, 0.3), seeds=(0, 1), epochs=1, width=16)
    >>> sweep.dead_per_layer.shape, sweep.deaths.shape
    ((2, 2, 2, 2), (2, 2, 2, 3))
    """
    name = choice(optimizer, "optimizer", tuple(OPTIMIZERS))
    rates = np.atleast_1d(learning_rate(DEFAULT_LRS[name] if lrs is None else lrs, "lrs"))
    slopes = _slopes(negative_slopes)
    epochs = positive_int(epochs, "epochs")
    width = positive_int(width, "width")
    batch_size = positive_int(batch_size, "batch_size")
    digits = load_split(data)
    X = digits.X_train

    def one(slope: float) -> dict[str, Any]:
        net = members.network(
            [X.shape[1], width, width, 10], "leaky_relu", negative_slope=slope,
            repeat=rates.size,
        )  # fmt: skip
        born = dead_units(net, X)
        history = _fit_grid(net, digits, name, rates, members.size, epochs, batch_size)
        failed = np.asarray(history.diverged)
        deaths, dead_bias = _death_causes(net, X, born, failed)
        return {
            "dead_per_layer": np.where(failed[:, np.newaxis], np.nan, history.dead_fraction[-1]),
            **_final(history, digits),
            "deaths": deaths,
            "dead_bias": dead_bias,
        }

    return {
        **stack([one(float(slope)) for slope in slopes], (rates.size, members.size)),
        "optimizer": OPTIMIZERS[name].__name__,
        "lrs": rates,
        "negative_slopes": slopes,
        "epochs": epochs,
        "data": data,
    }


def _death_causes(
    net: MLP, X: NDArray[Any], born: list[NDArray[np.bool_]], failed: NDArray[np.bool_]
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Per member: dead units by cause (see :class:`LearningRateSweep`), and their median bias."""
    members = len(net.seeds)
    counts = np.zeros((members, 3), dtype=np.int64)
    killed_biases: list[list[float]] = [[] for _ in range(members)]
    ok = ~failed
    _, pre = net.forward(X, record=True)
    inputs: NDArray[Any] = np.broadcast_to(X.astype(np.float64), (members, *X.shape))
    for layer, z in enumerate(pre):
        dead = act.dead_mask(z, axis=-2)
        weights, bias = net.params[2 * layer], net.params[2 * layer + 1]
        weighted = np.matmul(inputs, weights.astype(np.float64))
        dead_now = dead & ok[:, np.newaxis]
        from_start = dead_now & born[layer]
        later = dead_now & ~born[layer]
        needs_bias = later & (weighted.max(axis=1) > 0.0)
        counts[:, 0] += from_start.sum(axis=-1)
        counts[:, 1] += needs_bias.sum(axis=-1)
        counts[:, 2] += (later & ~needs_bias).sum(axis=-1)
        for e in np.flatnonzero(later.any(axis=-1)):
            killed_biases[e].extend(bias[e][later[e]].astype(np.float64).tolist())
        inputs = _activate(net, z)
    medians = np.array([np.median(b) if b else np.nan for b in killed_biases])
    return counts, medians


# --- 4. Born dead, and Lu et al.'s collapse -------------------------------------------------


@dataclass(frozen=True, eq=False)
class BornDeadGrid(Result):
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
        Networks drawn per cell and setting, from all the seeds together.
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

    def cell(self, setting: str, width: int, depth: int) -> float:
        """The Monte Carlo estimate of one setting at one width and depth of the grid."""
        s = self.settings.index(setting)
        i = index_of(self.widths, width, "width")
        j = index_of(self.depths, depth, "depth")
        return float(self.estimate[s, i, j])


@experiment(BornDeadGrid, seeds=(0,))
def born_dead_grid(
    members: Members,
    widths: tuple[int, ...] = (2, 3, 4, 6, 8),
    depths: tuple[int, ...] = (1, 2, 3, 5, 10, 20, 50),
    *,
    trials: int = 1000,
    n_points: int = 64,
    input_dim: int = 2,
) -> dict[str, Any]:
    """Reproduce the direction of Lu et al. (2020): born-dead probability by width and depth.

    Method.  For every width and depth, draw ``trials`` fresh ReLU networks with zero biases,
    shared out evenly among the seeds, and count those with a hidden layer inactive on every
    input point (:func:`dying_relu.born_dead_probability`).  Four settings: symmetric He-normal
    weights or randomized asymmetric initialisation (RAI, which draws its own biases), each on
    one fixed nonzero point and on ``n_points`` points drawn uniformly from
    :math:`[-1, 1]^{\\text{input\\_dim}}` (with the first seed).  For He on one point the
    closed form :func:`dying_relu.born_dead_probability_exact` is the ground truth the
    estimate is set beside.  All settings of a cell use the same seeds, so they differ only by
    their recipe.

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
    if trials < members.size:
        raise ValueError(f"trials must be at least the number of seeds, got {trials}")
    n_points = positive_int(n_points, "n_points")
    input_dim = positive_int(input_dim, "input_dim")
    width_grid = np.asarray(widths, dtype=np.int64)
    depth_grid = np.asarray(depths, dtype=np.int64)
    rng = np.random.default_rng(members.seeds[0])
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
    shares = np.diff(np.linspace(0, trials, members.size + 1).round().astype(int))
    for s, (_, init, points) in enumerate(recipes):
        for i, width in enumerate(width_grid):
            for j, depth in enumerate(depth_grid):
                dead = sum(
                    born_dead_probability(
                        int(width), int(depth), points, trials=int(share), init=init,
                        seed=seed, perturbed=members.perturbed,
                    ).born_dead
                    for seed, share in zip(members.seeds, shares, strict=True)
                )  # fmt: skip
                interval = proportion_interval(dead, trials)
                estimate[s, i, j] = interval.estimate
                ci_low[s, i, j], ci_high[s, i, j] = interval.low, interval.high
    return {
        "widths": width_grid,
        "depths": depth_grid,
        "settings": tuple(label for label, _, _ in recipes),
        "estimate": estimate,
        "ci_low": ci_low,
        "ci_high": ci_high,
        "exact": exact,
        "trials": trials,
        "n_points": n_points,
    }


@dataclass(frozen=True, eq=False)
class LuCollapse(Result):
    """Deep, narrow networks fitting :math:`|x|`, and how many collapse (see
    :func:`lu_collapse`).

    Attributes
    ----------
    inits : tuple of str
        Initialisations compared, in the order of the first axis.
    born_dead : numpy.ndarray of bool, shape (n_inits, n_seeds)
        Whether a hidden layer was dead on every training point at initialisation.
    layer_dead : numpy.ndarray of bool, shape (n_inits, n_seeds)
        Whether a hidden layer is dead on every training point at the end: the network is then
        exactly a constant function.
    as_constant : numpy.ndarray of bool, shape (n_inits, n_seeds)
        Whether the run ends with a training loss no lower than ``constant_margin`` times the
        best constant's: whatever its layers, it fits :math:`|x|` no better than a constant
        (nearly) does.
    outcome : numpy.ndarray of str, shape (n_inits, n_seeds)
        :func:`classify_runs` at the end: *collapsed* means ``layer_dead`` or ``as_constant``.
    final_loss : numpy.ndarray, shape (n_inits, n_seeds)
        Training mean squared error at the end; NaN for runs that diverged.
    constant_loss : float
        The mean squared error of the best constant, the targets' variance: the loss of a
        collapsed network that has fitted its output bias.
    constant_margin : float
        The share of ``constant_loss`` below which a run counts as fitting better than a
        constant.
    width, depth, n_points, steps : int
    lr : float
        The Adam learning rate.
    """

    inits: tuple[str, ...]
    born_dead: NDArray[np.bool_]
    layer_dead: NDArray[np.bool_]
    as_constant: NDArray[np.bool_]
    outcome: NDArray[np.str_]
    final_loss: NDArray[np.float64]
    constant_loss: float
    constant_margin: float
    width: int
    depth: int
    n_points: int
    steps: int
    lr: float


@experiment(LuCollapse, seeds=range(300))
def lu_collapse(
    members: Members,
    inits: Sequence[str] = ("he", "rai"),
    *,
    width: int = 2,
    depth: int = 10,
    n_points: int = 128,
    steps: int = 1000,
    lr: float = 1e-3,
    batch_size: int = 32,
    constant_margin: float = 0.99,
) -> dict[str, Any]:
    """Lu et al.'s training experiment: a width-2, depth-10 ReLU network fitting :math:`|x|`.

    Method.  Draw ``n_points`` points uniformly on [-1, 1] with targets :math:`|x|`
    (:func:`dying_relu.data.make_regression_1d`).  For every initialisation and seed, build a
    ReLU network 1, ``depth`` hidden layers of ``width`` units, 1 output (He normal with zero
    biases, or randomized asymmetric initialisation), note whether it is already born dead on
    the points, and train it with Adam (learning rate ``lr``, minibatches of ``batch_size``)
    on the mean squared error for ``steps`` steps.  At the end, Lu et al. call a network
    collapsed when it has converged to a constant; two measurements say so here.  A hidden
    layer dead on every point makes the network exactly a constant (``layer_dead``); a
    training loss no lower than ``constant_margin`` times that of the best constant, the
    targets' mean, says that what the network computes fits :math:`|x|` no better than a
    constant, dead layer or not (``as_constant``).  A run *collapsed* if either holds.
    float64.

    Examples
    --------
    >>> lu = lu_collapse(steps=20, seeds=(0, 1, 2))
    >>> lu.outcome.shape, lu.inits
    ((2, 3), ('he', 'rai'))
    """
    names = tuple(choice(name, "inits", ("he", "rai")) for name in inits)
    if not names:
        raise ValueError("inits must name at least one initialisation")
    width = positive_int(width, "width")
    depth = positive_int(depth, "depth")
    n_points = positive_int(n_points, "n_points")
    steps = positive_int(steps, "steps")
    lr = scalar_learning_rate(lr)
    batch_size = positive_int(batch_size, "batch_size")
    margin = positive_real(constant_margin, "constant_margin")
    X, y = make_regression_1d(n_points, "abs", seed=0)
    constant_loss = float(np.var(y))

    def one(init: str) -> dict[str, Any]:
        net = members.network([1, *[width] * depth, 1], "relu", init=init, dtype=np.float64)
        history = train(
            net, X, y, loss="mse", optimizer=Adam(lr), steps=steps, batch_size=batch_size,
            on_divergence="record", record_every=steps,
        )  # fmt: skip
        final_loss = history.loss[-1]
        # A diverged run's loss is NaN, which compares false: it is not called a constant.
        as_constant = final_loss >= margin * constant_loss
        layer_dead = _layer_dead(history)
        return {
            "born_dead": _layer_dead(history, record=0),
            "layer_dead": layer_dead,
            "as_constant": as_constant,
            "outcome": classify_runs(history.diverged, layer_dead, constant=as_constant),
            "final_loss": final_loss,
        }

    return {
        **stack([one(init) for init in names]),
        "inits": names,
        "constant_loss": constant_loss,
        "constant_margin": margin,
        "width": width,
        "depth": depth,
        "n_points": n_points,
        "steps": steps,
        "lr": lr,
    }


# --- 5. Does Leaky ReLU help? ------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class LeakyVsRelu(Result, _Rates):
    """Runs of ReLU and Leaky ReLU on the same seeds (see :func:`leaky_vs_relu`).

    Axes: ``S`` activations (the first is ReLU, the reference), ``R`` learning rates, ``N``
    seeds.

    Attributes
    ----------
    negative_slopes : numpy.ndarray, shape (S,)
        Slopes compared; the first is 0, ReLU.  The property ``labels`` names them.
    lrs : numpy.ndarray, shape (R,)
        Learning rates.
    hidden : tuple of int
        Widths of the hidden layers.
    optimizer : str
        ``"SGD"`` or ``"Adam"``.
    epochs : int
    accuracy : numpy.ndarray, shape (S, R, N)
        Test accuracy at the end; NaN for runs that diverged.
    outcome : numpy.ndarray of str, shape (S, R, N)
        :func:`classify_runs` of every run.
    dead_init, dead_end : numpy.ndarray, shape (S, R, N)
        Share of all hidden units dead on the training set at initialisation and at the end
        (NaN for runs that diverged): their difference is the units that died in training.
    data : str
        The data set, a key of ``dying_relu.data.DATA_SETS``.
    """

    negative_slopes: NDArray[np.float64]
    lrs: NDArray[np.float64]
    hidden: tuple[int, ...]
    optimizer: str
    epochs: int
    accuracy: NDArray[np.float64]
    outcome: NDArray[np.str_]
    dead_init: NDArray[np.float64]
    dead_end: NDArray[np.float64]
    data: str

    def trained_accuracy(self, row: int, lr: int) -> NDArray[np.float64]:
        """Test accuracy of activation ``row`` at learning rate ``lr`` (positions), per seed;
        NaN for the runs that did not train."""
        trained = self.outcome[row, lr] == "trained"
        accuracy: NDArray[np.float64] = np.where(trained, self.accuracy[row, lr], np.nan)
        return accuracy

    def trained_difference(self, row: int, lr: int) -> NDArray[np.float64]:
        """Paired accuracy differences of activation ``row`` from ReLU (row 0) at learning
        rate ``lr`` (positions), per seed; NaN unless both runs of the seed trained."""
        both = (self.outcome[row, lr] == "trained") & (self.outcome[0, lr] == "trained")
        difference: NDArray[np.float64] = np.where(
            both, self.accuracy[row, lr] - self.accuracy[0, lr], np.nan
        )
        return difference


@experiment(LeakyVsRelu, seeds=range(32))
def leaky_vs_relu(
    members: Members,
    negative_slopes: Sequence[float] = (0.0, 0.01, 0.2),
    lrs: Sequence[float] = (0.1, 1.4),
    *,
    hidden: Sequence[int] = (64, 64),
    optimizer: str = "sgd",
    epochs: int = 10,
    batch_size: int = 64,
    data: str = "digits",
) -> dict[str, Any]:
    """Does Leaky ReLU beat ReLU on the digits?  Paired runs over seeds.

    Method.  For every activation and learning rate, train networks with hidden layers of
    the widths ``hidden`` on ``data`` (the digits, or MNIST-1D) with ``optimizer`` (plain SGD or Adam), minibatches of
    ``batch_size``, for ``epochs`` epochs, one per seed; measure the share of hidden units dead
    on the training set at the start and at the end, the test accuracy, and the class of the
    run.  Each seed fixes the initial weights (the same normal draws for every activation,
    scaled by its gain) and the order of the minibatches, so the runs of one seed differ only
    in the activation, and a comparison over seeds is paired.  Divergence and the accuracy of
    the runs that trained are kept apart: they are different findings, and scoring a diverged
    run at some accuracy would mix them.

    Examples
    --------
    >>> study = leaky_vs_relu((0.0, 0.2), lrs=(0.1,), seeds=(0, 1, 2), epochs=1, hidden=(16,))
    >>> study.accuracy.shape, study.outcome.shape
    ((2, 1, 3), (2, 1, 3))
    """
    slopes = _slopes(negative_slopes)
    if slopes.size < 2 or slopes[0] != 0.0:
        raise ValueError(
            "negative_slopes must start with 0.0 (ReLU, the reference) and hold at least one "
            f"Leaky ReLU slope, got {tuple(negative_slopes)}"
        )
    rates = np.atleast_1d(learning_rate(lrs, "lrs"))
    if members.size < 2:
        raise ValueError(f"seeds must hold at least two seeds for a comparison, got {members.size}")
    widths = tuple(int(w) for w in _positive_ints(hidden, "hidden"))
    name = choice(optimizer, "optimizer", tuple(OPTIMIZERS))
    epochs = positive_int(epochs, "epochs")
    batch_size = positive_int(batch_size, "batch_size")
    digits = load_split(data)

    def one(slope: float) -> dict[str, Any]:
        net = members.network(
            [digits.X_train.shape[1], *widths, 10],
            "leaky_relu",
            negative_slope=slope,
            repeat=rates.size,
        )
        history = _fit_grid(net, digits, name, rates, members.size, epochs, batch_size)
        return {
            **_final(history, digits),
            "dead_init": history.dead_fraction_overall[0],
            "dead_end": history.dead_fraction_overall[-1],
        }

    return {
        **stack([one(float(slope)) for slope in slopes], (rates.size, members.size)),
        "negative_slopes": slopes,
        "lrs": rates,
        "hidden": widths,
        "optimizer": OPTIMIZERS[name].__name__,
        "epochs": epochs,
        "data": data,
    }


# --- Shared helpers ---------------------------------------------------------------------


def _fit_digits(
    net: MLP,
    digits: DigitsSplit,
    optimizer: SGD | Adam,
    *,
    epochs: int,
    batch_size: int,
    record_every: int | None = None,
) -> History:
    """Train on the digits' training images, recording divergence instead of raising.

    By default only the start and the end are recorded, which is all most experiments use;
    each record costs a pass over the whole training set.
    """
    steps = epochs * (digits.X_train.shape[0] // batch_size)
    return train(
        net,
        digits.X_train,
        digits.y_train,
        loss="cross_entropy",
        optimizer=optimizer,
        steps=steps,
        batch_size=batch_size,
        seed=0,
        X_eval=digits.X_test,
        y_eval=digits.y_test,
        on_divergence="record",
        record_every=steps if record_every is None else record_every,
    )


def _fit_grid(
    net: MLP,
    digits: DigitsSplit,
    optimizer: str,
    rates: NDArray[np.float64],
    n_seeds: int,
    epochs: int,
    batch_size: int,
) -> History:
    """Train an ensemble of ``rates.size * n_seeds`` members, rate-major, each member with its
    learning rate, with the optimiser named ``optimizer`` (see :data:`OPTIMIZERS`)."""
    update = OPTIMIZERS[optimizer](np.repeat(rates, n_seeds))
    return _fit_digits(net, digits, update, epochs=epochs, batch_size=batch_size)


def _outcomes(history: History, digits: DigitsSplit) -> NDArray[np.str_]:
    """:func:`classify_runs` of the runs of a digits history, from its last record."""
    n_test = digits.y_test.size
    chance = float(np.bincount(digits.y_test).max() / n_test)
    accuracy = np.nan_to_num(_required(history.eval_accuracy)[-1])
    correct = np.rint(accuracy * n_test).astype(np.int64)
    return classify_runs(history.diverged, _layer_dead(history), correct, n_test, chance)


def _final(history: History, digits: DigitsSplit) -> dict[str, NDArray[Any]]:
    """The final test ``accuracy`` of the runs of a digits history, and their ``outcome``."""
    return {"accuracy": _required(history.eval_accuracy)[-1], "outcome": _outcomes(history, digits)}


def _layer_dead(history: History, record: int = -1) -> NDArray[np.bool_]:
    """Per run: whether some hidden layer is dead on the training inputs at ``record``."""
    return np.asarray((history.dead_fraction[record] == 1.0).any(axis=-1))


def _activate(net: MLP, z: NDArray[Any]) -> NDArray[np.float64]:
    """The hidden activation of ``net`` applied to pre-activations ``z``, in float64."""
    values = z.astype(np.float64)
    # In place: these arrays hold every member's activations on every training input.
    if net.activation == "relu":
        return np.asarray(act.relu(values, out=values))
    if net.activation == "leaky_relu":
        return np.asarray(act.leaky_relu(values, net.negative_slope, out=values))
    if net.activation == "sigmoid":
        return np.asarray(act.sigmoid(values, out=values))
    return np.asarray(act.tanh(values, out=values))


def _activity_map(
    net: MLP, X: NDArray[Any], member: int, order: NDArray[np.intp]
) -> NDArray[np.bool_]:
    """Whether each hidden unit of ``member`` is active on each input, inputs in ``order``."""
    _, pre = net.forward(X, record=True)
    return np.concatenate([z[member].T[:, order] > 0.0 for z in pre])


def _choose_units(seeds: Sequence[int], layers: int, width: int, share: float) -> NDArray[np.bool_]:
    """For each seed, a random ``share`` of the units of each layer (at least one)."""
    count = max(1, round(share * width))
    chosen = np.zeros((len(seeds), layers, width), dtype=bool)
    for i, seed in enumerate(seeds):
        rng = np.random.default_rng([seed, 1])
        for layer in range(layers):
            chosen[i, layer, rng.choice(width, count, replace=False)] = True
    return chosen


def _required(values: NDArray[np.float64] | None) -> NDArray[np.float64]:
    if values is None:
        raise RuntimeError("training recorded no evaluation accuracy")
    return values


def _activation_names(names: Sequence[str]) -> tuple[str, ...]:
    if isinstance(names, str) or not isinstance(names, Sequence):
        raise TypeError(f"activations must be a sequence of names, got {type(names).__name__}")
    checked = tuple(choice(name, "activations", ACTIVATION_NAMES) for name in names)
    if not checked:
        raise ValueError("activations must name at least one activation")
    return checked


def _slopes(values: Any) -> NDArray[np.float64]:
    slopes = _reals(values, "negative_slopes")
    return np.array([check_slope(float(slope), "negative_slopes") for slope in slopes])


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
