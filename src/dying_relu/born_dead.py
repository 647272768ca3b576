"""The probability that a ReLU network is born dead: constant on its inputs at initialisation.

A network is *born dead* on a set of points when some hidden layer is inactive (every
pre-activation ``<= 0``) on every point: that layer outputs zeros everywhere, so everything after
it, and the network's output, is the same on all the points, and no gradient reaches the layers
before it.  Lu et al. (2020) prove that with symmetric initialisation this happens with
probability tending to 1 as depth grows at fixed width, and propose randomized asymmetric
initialisation (RAI) to lower it.

:func:`born_dead_probability` estimates the probability by Monte Carlo for any initialiser, bias
and set of points; :func:`born_dead_probability_exact` gives the closed form for the case where
it is known exactly (zero biases, symmetric weights, one nonzero point).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dying_relu._validation import as_float_array, positive_int
from dying_relu._validation import seed as checked_seed
from dying_relu.activations import dead_mask, relu
from dying_relu.init import check_recipe, initialize_layer, nudge, nudge_generator
from dying_relu.stats import proportion_interval

__all__ = ["BornDeadEstimate", "born_dead_probability", "born_dead_probability_exact"]

# Bounds the pre-activation and weight arrays of one chunk of trials to about 16 MB of float64.
_CHUNK_ELEMENTS = 2_000_000


@dataclass(frozen=True)
class BornDeadEstimate:
    """A Monte Carlo estimate of the probability of being born dead.

    Attributes
    ----------
    estimate : float
        The fraction of trials in which the network was born dead.
    stderr : float
        The binomial standard error ``sqrt(p (1 - p) / trials)`` of ``estimate``.
    ci95 : tuple of float
        The 95 % Wilson score interval for the probability (from ``scipy.stats``, through
        :func:`dying_relu.stats.proportion_interval`).  Unlike the Wald interval
        ``estimate +- 1.96 stderr`` it stays inside [0, 1] and does not collapse to a point
        when no trial (or every trial) is born dead, which is exactly where these
        probabilities live for wide or very deep networks.
    trials : int
        The number of independently initialised networks.
    born_dead : int
        How many of them were born dead.
    """

    estimate: float
    stderr: float
    ci95: tuple[float, float]
    trials: int
    born_dead: int

    def interval(self, confidence: float = 0.95) -> tuple[float, float]:
        """Return the Wilson score interval for the probability at ``confidence``.

        Examples
        --------
        >>> est = BornDeadEstimate(0.5, 0.05, (0.4, 0.6), trials=100, born_dead=50)
        >>> [round(v, 4) for v in est.interval(0.95)]
        [0.4038, 0.5962]
        """
        interval = proportion_interval(self.born_dead, self.trials, confidence)
        return (interval.low, interval.high)


def born_dead_probability(
    width: int,
    depth: int,
    inputs: ArrayLike,
    *,
    trials: int,
    init: str = "he",
    bias: str | float = "zeros",
    seed: int = 0,
    perturbed: bool = False,
) -> BornDeadEstimate:
    """Estimate by Monte Carlo the probability that a fresh ReLU network is born dead on ``inputs``.

    Each trial initialises a network with ``depth`` hidden ReLU layers of ``width`` units
    (``init`` and ``bias`` as in :func:`dying_relu.init.initialize_layer`) and checks whether
    some hidden layer is inactive on every row of ``inputs``: every pre-activation ``<= 0``, so
    the layer outputs zeros on all the points.  The output layer plays no part in this.

    The trials run as one batched computation per layer (a chunk of trials at a time, so memory
    stays bounded), and a trial stops drawing weights as soon as one of its layers is dead,
    because nothing after a dead layer can bring it back.

    Parameters
    ----------
    width : int
        Units in each hidden layer, at least 1.
    depth : int
        Number of hidden layers, at least 1.
    inputs : array_like, shape (n_points, input_dim)
        The points on which the network is tested; finite real numbers.
    trials : int
        Number of independently initialised networks, at least 1.
    init : {"he", "xavier", "rai"}
        Weight initialiser.
    bias : {"zeros", "random"} or float
        Bias initialisation.
    seed : int
        Seed of the random generator; the result is a deterministic function of the arguments.
    perturbed : bool
        Nudge every weight drawn by one unit in the last place (:func:`dying_relu.init.nudge`),
        with signs from a generator of their own, so that the draws are otherwise the same: the
        replicate at the level of rounding of :mod:`dying_relu.runner`.

    Returns
    -------
    BornDeadEstimate
        The estimate, its standard error, a 95 % Wilson interval, and the counts.

    Raises
    ------
    TypeError
        If ``width``, ``depth``, ``trials`` or ``seed`` is not an integer, or ``inputs`` is not
        real.
    ValueError
        If ``width``, ``depth`` or ``trials`` is below 1, ``seed`` is negative, ``inputs`` is
        not 2-D, empty or not finite, or ``init`` or ``bias`` is unknown.

    Examples
    --------
    One nonzero point, zero biases and He weights: the closed form applies.

    >>> est = born_dead_probability(2, 3, [[1.0, -0.5]], trials=20_000, seed=1)
    >>> exact = born_dead_probability_exact(2, 3)
    >>> round(exact, 4), est.ci95[0] < exact < est.ci95[1]
    (0.5781, True)
    """
    width = positive_int(width, "width")
    depth = positive_int(depth, "depth")
    trials = positive_int(trials, "trials")
    points = _check_inputs(inputs)
    rng = np.random.default_rng(checked_seed(seed))
    check_recipe(init, bias)
    if not isinstance(perturbed, bool):
        raise TypeError(f"perturbed must be a bool, got {type(perturbed).__name__}")
    # The nudges' signs come from a stream of their own, apart from the draws of the weights.
    jitter = nudge_generator(seed) if perturbed else None

    n_points, input_dim = points.shape
    per_trial = n_points * width + max(input_dim, width) * width
    chunk = max(1, _CHUNK_ELEMENTS // per_trial)
    born_dead = 0
    for start in range(0, trials, chunk):
        born_dead += _count_born_dead(
            rng, points, width, depth, min(chunk, trials - start), init, bias, jitter
        )
    return _estimate(born_dead, trials)


def _count_born_dead(
    rng: np.random.Generator,
    points: NDArray[np.float64],
    width: int,
    depth: int,
    trials: int,
    init: str,
    bias: str | float,
    jitter: np.random.Generator | None,
) -> int:
    """Count the trials, out of ``trials`` run together, with a layer dead on every point."""
    hidden: NDArray[np.float64] = np.broadcast_to(points, (trials, *points.shape))
    fan_in = points.shape[1]
    for _ in range(depth):
        weights, biases = initialize_layer(
            rng, fan_in, width, init=init, bias=bias, batch=(hidden.shape[0],), dtype=np.float64
        )
        if jitter is not None:
            nudge(weights, jitter)
        pre = np.matmul(hidden, weights)
        pre += biases[:, np.newaxis, :]
        hidden = pre[~dead_mask(pre, axis=(1, 2))]
        relu(hidden, out=hidden)
        fan_in = width
        if hidden.shape[0] == 0:
            break
    return trials - int(hidden.shape[0])


def _estimate(born_dead: int, trials: int) -> BornDeadEstimate:
    p = born_dead / trials
    interval = proportion_interval(born_dead, trials, 0.95)
    return BornDeadEstimate(
        estimate=p,
        stderr=math.sqrt(p * (1.0 - p) / trials),
        ci95=(interval.low, interval.high),
        trials=trials,
        born_dead=born_dead,
    )


def _check_inputs(inputs: ArrayLike) -> NDArray[np.float64]:
    points = as_float_array(inputs, "inputs").astype(np.float64, copy=False)
    if points.ndim != 2:
        raise ValueError(f"inputs must be 2-D, of shape (n_points, input_dim), got {points.ndim}-D")
    if points.size == 0:
        raise ValueError(
            f"inputs must hold at least one point of one feature, got shape {points.shape}"
        )
    if not np.isfinite(points).all():
        raise ValueError("inputs must be finite: found NaN or infinity")
    return points


def born_dead_probability_exact(width: ArrayLike, depth: ArrayLike) -> Any:
    r"""Exact probability of being born dead, for zero biases, symmetric weights and one point.

    .. math::

        P(\text{born dead}) = 1 - \left(1 - 2^{-\text{width}}\right)^{\text{depth}}

    It holds for any input point :math:`x \ne 0` and any weight distribution that is symmetric
    about 0 and continuous (He and Xavier normal, at any variance), with all biases zero.

    Derivation.  Let :math:`h_0 = x` and :math:`h_l = \max(h_{l-1} W_l, 0)`, where the entries
    of :math:`W_l` are independent, symmetric and continuous, and independent of
    :math:`W_1, \dots, W_{l-1}`.  Call layer :math:`l` *dead* when every entry of
    :math:`z_l = h_{l-1} W_l` is :math:`\le 0`.

    1. Fix the earlier weights, so :math:`h_{l-1} = h` is fixed.  If :math:`h \ne 0`, unit
       :math:`j` has :math:`z_{l,j} = \sum_i h_i W_{l,ij}`: a combination, with at least one
       nonzero coefficient, of independent continuous variables, hence continuous
       (:math:`P(z_{l,j} = 0) = 0`) and symmetric (it changes sign with :math:`W_l`, whose law
       does not).  So :math:`P(z_{l,j} \le 0 \mid h) = 1/2`.
    2. Different units use different columns of :math:`W_l`, which are independent, so given
       :math:`h` the events :math:`z_{l,j} \le 0` are independent and the layer is dead with
       probability :math:`2^{-\text{width}}`, *whatever* :math:`h \ne 0` is.
    3. :math:`h_{l-1} \ne 0` exactly when layers :math:`1, \dots, l-1` are all alive (a live
       layer has a positive unit).  Because the conditional probability in step 2 is the same
       for every :math:`h \ne 0`, :math:`P(\text{layers } 1..l \text{ alive}) =
       (1 - 2^{-\text{width}}) \, P(\text{layers } 1..l-1 \text{ alive})`: the layers die
       independently of one another even though their inputs are dependent.
    4. By induction, all ``depth`` layers are alive with probability
       :math:`(1 - 2^{-\text{width}})^{\text{depth}}`; the complement is the formula.

    It tends to 1 as depth grows at any fixed width (Lu et al. 2020) and to 0 as width grows at
    fixed depth.  It does not apply to RAI (asymmetric), to nonzero biases, or to several
    points, where the layers must be inactive on all points at once; use
    :func:`born_dead_probability` there.  If :math:`x = 0` the first layer is dead with
    certainty.

    Parameters
    ----------
    width, depth : array_like of int
        Positive integers; broadcast against each other.

    Returns
    -------
    float or numpy.ndarray
        A Python float for scalar arguments, else a float64 array of the broadcast shape.

    Raises
    ------
    TypeError
        If ``width`` or ``depth`` is not integer.
    ValueError
        If any ``width`` or ``depth`` is below 1.

    Examples
    --------
    >>> born_dead_probability_exact(1, 1)
    0.5
    >>> born_dead_probability_exact(2, [1, 2, 10]).round(4)
    array([0.25  , 0.4375, 0.9437])
    """
    w = _positive_int_array(width, "width")
    d = _positive_int_array(depth, "depth")
    # expm1/log1p keep the many-digit accuracy of small probabilities for wide layers.
    alive_log = d * np.log1p(-np.exp2(-w.astype(np.float64)))
    probability = -np.expm1(alive_log)
    if probability.ndim == 0:
        return float(probability)
    return probability


def _positive_int_array(value: ArrayLike, name: str) -> NDArray[np.int64]:
    arr = np.asarray(value)
    if arr.dtype.kind not in "iu":
        raise TypeError(
            f"{name} must be a positive integer or an array of them, got dtype {arr.dtype}"
        )
    if (arr < 1).any():
        raise ValueError(f"{name} must be positive integers, got {arr.min()}")
    return arr.astype(np.int64)
