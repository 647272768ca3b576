r"""The few statistical procedures the experiments are judged with, named after what they do.

Every interval and every test comes from ``scipy.stats``; this module only gives them the
shape the site needs (a NaN-free sample, a result with the sample size beside it) and handles
the degenerate samples that SciPy answers with NaN and a warning:

:func:`mean_interval`
    Student's t interval for a mean, and the t test against a reference value.  Applied to
    paired differences (the same seed run twice, once per setting) it is the paired t test.
:func:`proportion_interval`
    The Wilson score interval for a proportion (Wilson 1927), which stays inside [0, 1] and
    does not collapse to a point at 0 or at ``trials`` successes.
:func:`paired_proportion_test`
    The exact McNemar test for paired yes/no outcomes: a binomial test on the pairs that
    disagree.
:func:`proportion_test`
    Fisher's exact test that two independent samples of yes/no outcomes share one rate.
:func:`above_chance`
    The one-sided binomial test that an accuracy exceeds the rate of guessing.
:func:`holm`
    Holm's (1979) step-down adjustment of p-values, which keeps the probability of any false
    rejection in a family of tests at the chosen level.

Each procedure assumes that the observations are independent: in the experiments of the site
an observation is a run with its own seed, never a unit or an input of a run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import as_float_array, choice

__all__ = [
    "Interval",
    "above_chance",
    "holm",
    "mean_interval",
    "paired_proportion_test",
    "proportion_interval",
    "proportion_test",
]


@cache
def _scipy() -> Any:
    """``scipy.stats``, imported on first use: importing it takes most of a second, which
    every page and every test that imports the package would otherwise pay."""
    from scipy import stats

    return stats


@dataclass(frozen=True)
class Interval:
    """An estimate with its confidence interval, the sample size, and a p-value.

    Attributes
    ----------
    estimate : float
        The sample mean or proportion; NaN for an empty sample.
    low, high : float
        The ends of the interval; NaN when the sample is too small to give one.
    n : int
        The number of observations behind the estimate.
    confidence : float
        The coverage of the interval, e.g. 0.95.
    pvalue : float
        For :func:`mean_interval`, the two-sided p-value of the t test of the mean against
        its reference value; for :func:`proportion_interval`, that of the binomial test of the
        proportion against 1/2.  NaN when the sample is too small.
    """

    estimate: float
    low: float
    high: float
    n: int
    confidence: float
    pvalue: float

    def excludes(self, value: float) -> bool:
        """Whether the interval lies entirely on one side of ``value`` (False if undefined).

        Examples
        --------
        >>> Interval(0.3, 0.1, 0.5, n=8, confidence=0.95, pvalue=0.01).excludes(0.0)
        True
        """
        return bool(self.low > value or self.high < value)


def _confidence(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating):
        raise TypeError(f"confidence must be a number in (0, 1), got {type(value).__name__}")
    level = float(value)
    if not 0.0 < level < 1.0:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {value!r}")
    return level


def _sample(values: ArrayLike, name: str) -> NDArray[np.float64]:
    """``values`` as a flat float64 array with NaN removed; infinities are an error."""
    sample = as_float_array(values, name).astype(np.float64).ravel()
    sample = sample[~np.isnan(sample)]
    if np.isinf(sample).any():
        raise ValueError(f"{name} must not contain infinities")
    return sample


def mean_interval(
    samples: ArrayLike,
    confidence: float = 0.95,
    *,
    reference: float = 0.0,
    alternative: str = "two-sided",
) -> Interval:
    """Mean of ``samples`` with its Student t interval, and the t test against ``reference``.

    NaN entries are left out (a run that produced no measurement), and ``n`` counts the
    rest.  With fewer than two observations there is no interval: ``low``, ``high`` and
    ``pvalue`` are NaN.  When every observation is the same value the spread is zero, the
    interval is that value, and the p-value is 0 or 1 depending on whether it differs from
    ``reference`` (SciPy would return NaN with a warning).

    Parameters
    ----------
    samples : array_like
        The observations, one per independent run; any shape, flattened.
    confidence : float
        Coverage of the interval, in (0, 1).
    reference : float
        The value the mean is tested against, 0 for paired differences.
    alternative : {"two-sided", "greater", "less"}
        The alternative of the test, as in ``scipy.stats.ttest_1samp``: the p-value of
        ``"greater"`` is small when the mean is above ``reference``.  The interval is
        two-sided whatever the alternative.

    Returns
    -------
    Interval

    Examples
    --------
    Paired differences of five seeds:

    >>> result = mean_interval([0.02, 0.01, 0.03, 0.02, 0.02])
    >>> round(result.estimate, 3), result.n, result.excludes(0.0)
    (0.02, 5, True)
    >>> mean_interval([0.5, np.nan]).low
    nan
    """
    level = _confidence(confidence)
    side: Any = choice(alternative, "alternative", ("two-sided", "greater", "less"))
    sample = _sample(samples, "samples")
    n = int(sample.size)
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, 0, level, math.nan)
    mean = float(sample.mean())
    if n == 1:
        return Interval(mean, math.nan, math.nan, 1, level, math.nan)
    # Values equal up to rounding have no spread to speak of; SciPy would warn of "catastrophic
    # cancellation" and return an interval of rounding noise.
    if np.ptp(sample) <= 16 * np.finfo(np.float64).eps * max(1.0, float(np.abs(sample).max())):
        value = mean
        supported = {
            "two-sided": value != reference,
            "greater": value > reference,
            "less": value < reference,
        }[side]
        return Interval(value, value, value, n, level, 0.0 if supported else 1.0)
    low, high = _scipy().ttest_1samp(sample, popmean=reference).confidence_interval(level)
    pvalue = _scipy().ttest_1samp(sample, popmean=reference, alternative=side).pvalue
    return Interval(mean, float(low), float(high), n, level, float(pvalue))


def proportion_interval(successes: int, trials: int, confidence: float = 0.95) -> Interval:
    """The proportion ``successes / trials`` with its Wilson score interval.

    Parameters
    ----------
    successes, trials : int
        Counts, ``0 <= successes <= trials``; with ``trials == 0`` everything is NaN.
    confidence : float
        Coverage of the interval, in (0, 1).

    Returns
    -------
    Interval

    Examples
    --------
    >>> result = proportion_interval(0, 20)
    >>> result.estimate, result.low, round(result.high, 3)
    (0.0, 0.0, 0.161)
    """
    level = _confidence(confidence)
    k, n = _count(successes, "successes"), _count(trials, "trials")
    if k > n:
        raise ValueError(f"successes must be at most trials ({n}), got {k}")
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, 0, level, math.nan)
    test = _scipy().binomtest(k, n)
    interval = test.proportion_ci(confidence_level=level, method="wilson")
    # At 0 or n successes the end on that side is exactly 0 or 1; rounding would leave 1e-17.
    low = 0.0 if k == 0 else float(interval.low)
    high = 1.0 if k == n else float(interval.high)
    return Interval(k / n, low, high, n, level, float(test.pvalue))


def paired_proportion_test(first: ArrayLike, second: ArrayLike) -> float:
    """Two-sided p-value of the exact McNemar test that two paired yes/no rates are equal.

    ``first[i]`` and ``second[i]`` are the outcomes of pair ``i`` (the same seed under two
    settings).  Pairs that agree carry no information about the difference; among the pairs
    that disagree, each direction is equally likely if the rates are equal, so the count of
    one direction is binomial with probability 1/2.  With no disagreeing pair the p-value is 1.

    Examples
    --------
    Nine of ten pairs disagree, all in the same direction:

    >>> round(paired_proportion_test([1] * 9 + [0], [0] * 10), 4)
    0.0039
    """
    a = np.asarray(first, dtype=bool).ravel()
    b = np.asarray(second, dtype=bool).ravel()
    if a.shape != b.shape:
        raise ValueError(f"first and second must pair up, got {a.size} and {b.size} outcomes")
    only_first = int((a & ~b).sum())
    only_second = int((b & ~a).sum())
    if only_first + only_second == 0:
        return 1.0
    return float(_scipy().binomtest(only_first, only_first + only_second).pvalue)


def proportion_test(
    first_successes: int, first_trials: int, second_successes: int, second_trials: int
) -> float:
    """Two-sided p-value of Fisher's exact test that two independent samples share one rate.

    Examples
    --------
    Three of three against none of three:

    >>> round(proportion_test(3, 3, 0, 3), 4)
    0.1
    """
    table = []
    for k, n, name in (
        (first_successes, first_trials, "first"),
        (second_successes, second_trials, "second"),
    ):
        k, n = _count(k, f"{name}_successes"), _count(n, f"{name}_trials")
        if k > n:
            raise ValueError(f"{name}_successes must be at most {name}_trials, got {k} of {n}")
        table.append([k, n - k])
    return float(_scipy().fisher_exact(table).pvalue)


def above_chance(correct: int, trials: int, chance: float) -> float:
    """One-sided p-value of the binomial test that an accuracy exceeds ``chance``.

    Examples
    --------
    A classifier right on 48 of 450 test images, where guessing gets 1 in 10:

    >>> above_chance(48, 450, 0.1) > 0.05
    True
    """
    k, n = _count(correct, "correct"), _count(trials, "trials")
    if n < 1 or k > n:
        raise ValueError(f"need 0 <= correct <= trials and trials >= 1, got {k} of {n}")
    if not 0.0 < float(chance) < 1.0:
        raise ValueError(f"chance must lie strictly between 0 and 1, got {chance!r}")
    return float(_scipy().binomtest(k, n, float(chance), alternative="greater").pvalue)


def holm(pvalues: ArrayLike) -> NDArray[np.float64]:
    """Holm's step-down adjusted p-values, in the order given.

    Sort the ``m`` p-values in increasing order, :math:`p_{(1)} \\le \\dots \\le p_{(m)}`; the
    adjusted value of :math:`p_{(i)}` is :math:`\\max_{j \\le i} \\min(1, (m - j + 1)\\,
    p_{(j)})`.  Rejecting the hypotheses whose adjusted p-value is below :math:`\\alpha`
    keeps the probability of rejecting any true hypothesis of the family at most
    :math:`\\alpha`, whatever the dependence between the tests (Holm 1979).  A NaN p-value (a
    test that could not be run) counts as 1.

    Examples
    --------
    >>> holm([0.01, 0.04, 0.03, 0.005])
    array([0.03, 0.06, 0.06, 0.02])
    """
    p = as_float_array(pvalues, "pvalues").astype(np.float64).ravel()
    p = np.where(np.isnan(p), 1.0, p)
    if ((p < 0.0) | (p > 1.0)).any():
        raise ValueError(f"pvalues must lie in [0, 1], got {p.tolist()}")
    m = p.size
    order = np.argsort(p, kind="stable")
    scaled = np.minimum(1.0, (m - np.arange(m)) * p[order])
    adjusted = np.empty(m)
    adjusted[order] = np.maximum.accumulate(scaled)
    return adjusted


def _count(value: Any, name: str) -> int:
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an integer count, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must be a count >= 0, got {value}")
    return int(value)
