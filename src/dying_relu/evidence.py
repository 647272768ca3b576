"""The rules that turn experiments into verdicts on claims, and the checks on the pages' prose.

A claim of the source note is judged by one function here: it takes an experiment's result
(see :mod:`dying_relu.experiments`) and returns a :class:`Verdict`, one of ``VERDICTS``
with a one-line reason built from the numbers.  Each docstring states its rule in words; the
pages call the rules and never hold a rule themselves.

Most claims are general ("Leaky ReLU doesn't perform as well as ReLU") and the experiments
test them in several *settings* (a network, an optimiser, a learning rate, a slope).  A rule
first decides each setting: the claim is *shown* there, *refuted* there, or *undecided*
(the data cannot tell), and then combines them the same way for every claim
(:func:`combine`):

* ``"holds"``: shown in every setting;
* ``"holds under a condition"``: shown in some settings but not in all (the reason names
  where);
* ``"does not hold"``: shown in none and refuted in at least one;
* ``"inconclusive"``: undecided everywhere.

Every verdict that rests on a computation is reached three times, on the replicates of
:func:`dying_relu.runner.replicate` (the page's seeds, as many other seeds, and the page's
seeds with their initial weights nudged at the level of rounding), by :func:`replicated`.  It
stands where the three agree; otherwise it is ``"fragile"``, and the reason shows the three
outcomes.

Comparisons over seeds are paired (the same seed under two settings) and use
:mod:`dying_relu.stats`; several comparisons behind one verdict are corrected together with
Holm's procedure, so that the chance of any false finding in the family stays at ``alpha``.

:func:`check` guards a sentence of prose, a caption or an alt text that states a result: the
page's hidden cell calls it with the sentence, the condition that supports it and the numbers
the condition reads, and the build fails with the sentence and the numbers quoted when the
results stop supporting it.  Inside a function run by :func:`on_replicates`, every check is
made on each of the three replicates, and a sentence must hold on all of them.
"""

from __future__ import annotations

import contextvars
import platform
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from dying_relu._text import in_words
from dying_relu._validation import choice, index_of, positive_int
from dying_relu.continual import METHODS as METHOD_NAMES
from dying_relu.continual import PermutedDigits
from dying_relu.data import DATA_SETS
from dying_relu.experiments import (
    OUTCOMES,
    BiasShock,
    LeakyVsRelu,
    LearningRateSweep,
    LuCollapse,
    VanishingGradients,
    WeightScaleGradients,
)
from dying_relu.runner import Replicates
from dying_relu.side_by_side import REMEDIES as REMEDY_NAMES
from dying_relu.side_by_side import SETTINGS as SETTING_NAMES
from dying_relu.side_by_side import SideBySide
from dying_relu.stats import (
    Interval,
    holm,
    mean_interval,
    paired_proportion_test,
    proportion_interval,
)

__all__ = [
    "DATA_NAMES",
    "REMEDY_MEASURES",
    "RULE_VERDICTS",
    "SETTING_STATES",
    "VERDICTS",
    "ContradictedError",
    "Verdict",
    "bias_usually_kills",
    "check",
    "combine",
    "cs231n_figure",
    "dead_pile_up",
    "describe_outcomes",
    "exactly",
    "in_words",
    "leaky_recovers",
    "leaky_worse",
    "less_vanishing",
    "little_boost",
    "loses_plasticity",
    "lu_reproduced",
    "numerics",
    "on_replicates",
    "positive_direction",
    "remedies_help",
    "remedy_helps",
    "remedy_verdicts",
    "replicated",
    "stuck_frequently",
    "unlikely_to_recover",
]

#: How a reason names the data set of a result: the classification sets of
#: ``dying_relu.data.DATA_SETS``, and the regression of the deep, narrow network.
DATA_NAMES = {**DATA_SETS, "abs": "|x| on 128 points"}

#: What a rule returns: a verdict on the evidence of one replicate.
RULE_VERDICTS = ("holds", "holds under a condition", "does not hold", "inconclusive")
#: Every verdict: a rule's, or "fragile" where the replicates of :func:`replicated` disagree.
VERDICTS = (*RULE_VERDICTS, "fragile")
#: How a rule can decide one setting.
SETTING_STATES = ("shown", "refuted", "undecided")


@dataclass(frozen=True)
class Verdict:
    """A verdict on a claim and the reason for it.

    ``str(verdict)`` is the verdict alone, as the ledger shows it.

    Attributes
    ----------
    verdict : str
        One of ``VERDICTS``.
    reason : str
        One line, built from the numbers.
    shown : tuple of str
        The settings in which the claim was shown (see :func:`combine`): what a verdict "holds
        under a condition" holds under.
    replicates : tuple of Verdict
        For a verdict of :func:`replicated`, the verdict on each replicate, in the order of
        ``dying_relu.runner.REPLICATES``; empty otherwise.
    """

    verdict: str
    reason: str
    shown: tuple[str, ...] = ()
    replicates: tuple[Verdict, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, got {self.verdict!r}")

    def __str__(self) -> str:
        return self.verdict

    @property
    def outcomes(self) -> str:
        """The verdict on each replicate, joined by " · ", as the ledger shows them."""
        if not self.replicates:
            raise ValueError("only a verdict of replicated() has replicates")
        return " · ".join(v.verdict for v in self.replicates)


class ContradictedError(AssertionError):
    """A sentence of a page states something its results no longer support."""


def numerics() -> str:
    """The numerical set-up of this process in words: numpy, and the BLAS it calls.

    Which kernels OpenBLAS runs depends on the processor (and on ``OPENBLAS_CORETYPE``); their
    products can differ in the last bits, which training near the edge of stability can
    amplify.  threadpoolctl, where installed (scikit-learn requires it), names the kernel.
    """
    parts = [f"numpy {np.__version__}", f"{platform.machine() or 'unknown machine'}"]
    try:
        from threadpoolctl import threadpool_info
    except ImportError:  # pragma: no cover - without threadpoolctl only numpy is named
        return ", ".join([*parts, "BLAS unknown (install threadpoolctl to name it)"])
    for pool in threadpool_info():
        if pool.get("user_api") == "blas":
            parts.append(
                f"{pool.get('internal_api')} {pool.get('version')} "
                f"(kernel {pool.get('architecture')}, {pool.get('num_threads')} threads)"
            )
    return ", ".join(parts)


#: The checks of the replicate being checked, while :func:`on_replicates` runs; else None.
_RECORDED: contextvars.ContextVar[list[tuple[str, bool, dict[str, Any]]] | None] = (
    contextvars.ContextVar("recorded_checks", default=None)
)

_REMEDY = (
    "What you can do: the published site shows the results of a build that passed, and the "
    "sentence stays as it is there.  If you changed nothing, this build's numerics (above) "
    "moved a result that the sentence states; please report it with this message, so that the "
    "sentence can say less or the experiment can measure more.  If you changed an experiment "
    "or its settings, the sentence no longer describes it: change the words and the check "
    "together."
)


def _shown(value: Any) -> str:
    """A number or array of a check, as the failure message prints it."""
    if isinstance(value, np.ndarray | list | tuple):
        return np.array2string(np.asarray(value), precision=4, threshold=24, separator=", ")
    if isinstance(value, float | np.floating):
        return f"{float(value):.6g}"
    return str(value)


def _contradiction(sentence: str, where: list[tuple[str, dict[str, Any]]]) -> str:
    lines = [f"the results no longer support: {sentence!r}"]
    for label, numbers in where:
        shown = ", ".join(f"{name} = {_shown(value)}" for name, value in numbers.items())
        lines.append(f"  {label}: {shown or 'no numbers given'}")
    lines.append(f"  numerical set-up: {numerics()}")
    lines.append(f"  {_REMEDY}")
    return "\n".join(lines)


def check(sentence: str, supported: bool | np.bool_, **numbers: Any) -> None:
    """Fail, quoting ``sentence`` and ``numbers``, unless the results support it.

    Parameters
    ----------
    sentence : str
        The words of the page that state the result, verbatim, so that a reader of the
        failure finds them (the site's build also checks that every checked sentence still
        appears on its page).
    supported : bool
        Whether the results support it, computed from the results.
    **numbers
        The numbers ``supported`` was computed from, by name: a failure prints them, so that
        it says what contradicted the sentence.

    Raises
    ------
    ContradictedError
        When ``supported`` is false; within :func:`on_replicates`, once every replicate has
        been checked, if it is false on any.

    Examples
    --------
    >>> check("ReLU's derivative is 1 for positive inputs", 1.0 == 1.0)
    >>> check("tanh saturates at 0", False, derivative=1.0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dying_relu.evidence.ContradictedError: the results no longer support: 'tanh saturates at 0'
      the results: derivative = 1
    ...
    """
    if not isinstance(sentence, str):
        raise TypeError(f"sentence must be a str, got {type(sentence).__name__}")
    if not sentence.strip():
        raise ValueError("sentence must be the text that states the result, got an empty one")
    if not isinstance(supported, bool | np.bool_):
        raise TypeError(f"supported must be a bool, got {type(supported).__name__}")
    recorded = _RECORDED.get()
    if recorded is not None:
        recorded.append((sentence, bool(supported), numbers))
    elif not supported:
        raise ContradictedError(_contradiction(sentence, [("the results", numbers)]))


def _pick(value: Any, index: int) -> Any:
    """Replicate ``index`` of ``value``: of a Replicates, of each in a list of them, or itself."""
    if isinstance(value, Replicates):
        return value[index]
    if isinstance(value, list | tuple) and value and all(isinstance(v, Replicates) for v in value):
        return type(value)(v[index] for v in value)
    return value


def _labels(values: Sequence[Any]) -> list[str]:
    """The replicates' labels, from the Replicates among ``values`` (see :func:`_pick`)."""
    found = [v for value in values for v in (value if isinstance(value, list | tuple) else [value])
             if isinstance(v, Replicates)]  # fmt: skip
    if not found:
        raise TypeError("give at least one dying_relu.runner.Replicates to replicate over")
    names = ("the page's seeds", "other seeds", "the page's seeds, nudged")
    labels = []
    for i, name in enumerate(names):
        seeds = dict.fromkeys(reps.labels[i] for reps in found)
        labels.append(f"{name} ({'; '.join(seeds)})")
    return labels


def on_replicates(*replicates: Any) -> Callable[[Callable[..., None]], None]:
    """Run a function of checks on each replicate; fail if a sentence fails on any.

    Used as a decorator on a page's hidden cell::

        @evidence.on_replicates(shock)
        def _(shock):
            evidence.check("the dead share rises with the shift", ..., killed=...)

    The function is called at once, three times, with each replicate in turn in place of every
    :class:`~dying_relu.runner.Replicates` argument (and of every list of them); its
    :func:`check` calls are collected, and afterwards one :class:`ContradictedError` names
    every sentence that failed on some replicate, with the replicate and the numbers.  A
    sentence that holds on all three replicates holds whatever seeds or rounding the page
    happens to run with; one that does not is a statement about one run, not a finding.

    Examples
    --------
    >>> from dying_relu import experiments
    >>> from dying_relu.runner import replicate
    >>> vg = replicate(experiments.vanishing_gradients, depths=(3,), activations=("relu",),
    ...                seeds=(0, 1))
    >>> @on_replicates(vg)
    ... def _(vg):
    ...     check("finite gradients", bool(np.isfinite(vg.first_layer).all()))
    """
    labels = _labels(replicates)

    def run(checks: Callable[..., None]) -> None:
        failed: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        for index, label in enumerate(labels):
            recorded: list[tuple[str, bool, dict[str, Any]]] = []
            token = _RECORDED.set(recorded)
            try:
                checks(*(_pick(value, index) for value in replicates))
            finally:
                _RECORDED.reset(token)
            for sentence, supported, numbers in recorded:
                if not supported:
                    failed.setdefault(sentence, []).append((label, numbers))
        if failed:
            raise ContradictedError(
                "\n".join(_contradiction(sentence, where) for sentence, where in failed.items())
            )

    return run


def replicated(rule: Callable[..., Verdict], *args: Any, **options: Any) -> Verdict:
    """The verdict of ``rule`` on each replicate, and the one that stands.

    ``args`` are the rule's arguments, with a :class:`~dying_relu.runner.Replicates` (or a
    list of them) wherever the rule takes a result; the rule runs on each replicate in turn.
    The verdict stands, with the page's reason, where all three agree: the same verdict and,
    for "holds under a condition", the same settings where the claim was shown.  Otherwise
    the verdict is "fragile", and the reason gives each replicate's.

    Examples
    --------
    >>> from dying_relu import experiments
    >>> from dying_relu.runner import replicate
    >>> vg = replicate(experiments.vanishing_gradients, depths=(20,),
    ...                activations=("sigmoid", "relu"), seeds=(0,))
    >>> v = replicated(less_vanishing, vg)
    >>> str(v), v.outcomes
    ('holds', 'holds · holds · holds')
    """
    labels = _labels(args)
    outcomes = tuple(rule(*(_pick(value, i) for value in args), **options) for i in range(3))
    first = outcomes[0]
    data = _data_sets(args)
    if all(v.verdict == first.verdict and v.shown == first.shown for v in outcomes):
        return Verdict(first.verdict, first.reason + data, first.shown, outcomes)
    reason = "; ".join(
        f"{v.verdict} on {label} ({v.reason})" for v, label in zip(outcomes, labels, strict=True)
    )
    return Verdict(VERDICTS[-1], f"the replicates disagree: {reason}{data}", (), outcomes)


def _data_sets(args: Sequence[Any]) -> str:
    """The data sets of the results among ``args`` that record one, as the end of a reason:
    "; on the digits", "; on MNIST-1D", or nothing."""
    found: list[str] = []
    for value in args:
        for replicates in value if isinstance(value, list | tuple) else [value]:
            if isinstance(replicates, Replicates):
                name = getattr(replicates.page, "data", None)
                if name is not None and DATA_NAMES[name] not in found:
                    found.append(DATA_NAMES[name])
    return f"; on {' and '.join(found)}" if found else ""


def combine(states: dict[str, str], *, shown: str, refuted: str, at: str = "at") -> Verdict:
    """Combine per-setting decisions into one verdict (the rule is in the module docstring).

    Parameters
    ----------
    states : dict of str to str
        Setting name to one of ``SETTING_STATES``.
    shown, refuted : str
        What the reason says of the settings where the claim was shown or refuted.
    at : str
        The word between what is said and the settings' names ("at", "than"; may be empty).

    Examples
    --------
    >>> v = combine({"lr 0.1": "shown", "lr 1.4": "refuted"}, shown="no boost",
    ...             refuted="a boost")
    >>> str(v), v.reason
    ('holds under a condition', 'no boost at lr 0.1; a boost at lr 1.4')
    """
    if not states:
        raise ValueError("states must hold at least one setting")
    unknown = set(states.values()) - set(SETTING_STATES)
    if unknown:
        raise ValueError(f"states must be among {SETTING_STATES}, got {sorted(unknown)}")
    by_state = {
        state: [name for name, s in states.items() if s == state] for state in SETTING_STATES
    }
    between = f" {at} " if at else " "
    parts = [
        f"{said}{between}{', '.join(by_state[state])}"
        for state, said in (("shown", shown), ("refuted", refuted), ("undecided", "undecided"))
        if by_state[state]
    ]
    reason = "; ".join(parts)
    shown_in = tuple(by_state["shown"])
    if len(by_state["shown"]) == len(states):
        return Verdict(VERDICTS[0], reason, shown_in)
    if by_state["shown"]:
        return Verdict(VERDICTS[1], reason, shown_in)
    if by_state["refuted"]:
        return Verdict(VERDICTS[2], reason)
    return Verdict(VERDICTS[3], reason)


def describe_outcomes(outcome: ArrayLike) -> str:
    """How many runs trained, collapsed and diverged, in words.

    Examples
    --------
    >>> describe_outcomes(["trained", "trained"])
    'both runs trained'
    >>> describe_outcomes(["trained", "collapsed", "diverged", "trained"])
    '2 of 4 runs trained, 1 collapsed and 1 diverged'
    """
    runs = np.asarray(outcome).ravel()
    unknown = set(runs.tolist()) - set(OUTCOMES)
    if unknown:
        raise ValueError(f"outcome must hold only {OUTCOMES}, got {sorted(unknown)}")
    counts = {kind: int(np.count_nonzero(runs == kind)) for kind in OUTCOMES}
    total = runs.size
    if total == 0:
        raise ValueError("outcome must hold at least one run")
    for kind, count in counts.items():
        if count == total:
            everyone = "both runs" if total == 2 else f"all {total} runs"
            return f"{everyone} {kind}" if total > 1 else f"the run {kind}"
    parts = [f"{count} {kind}" for kind, count in counts.items() if count][1:]
    first = next(kind for kind in OUTCOMES if counts[kind])
    return in_words([f"{counts[first]} of {total} runs {first}", *parts])


# --- Exact checks ----------------------------------------------------------------------------


def exactly(values: ArrayLike, expected: float, *, what: str) -> Verdict:
    """Verdict "holds" if every value equals ``expected`` exactly, else "does not hold".

    For claims that the math settles, checked on the package's own functions, such as
    "the gradient of ReLU is 0 for negative inputs".

    Examples
    --------
    >>> str(exactly([0.0, 0.0], 0.0, what="relu'(z) for z < 0"))
    'holds'
    >>> exactly([0.0, 0.5], 0.0, what="relu'(z) for z < 0").reason
    "relu'(z) for z < 0: 1 of 2 values differ from 0"
    """
    arr = np.asarray(values, dtype=np.float64).ravel()
    if arr.size == 0:
        raise ValueError("values must not be empty")
    differ = int(np.count_nonzero(arr != expected))
    if differ == 0:
        return Verdict(VERDICTS[0], f"{what}: all {arr.size} values equal {expected:g}")
    return Verdict(VERDICTS[2], f"{what}: {differ} of {arr.size} values differ from {expected:g}")


# --- Vanishing gradients ------------------------------------------------------------------------


def less_vanishing(result: VanishingGradients, *, orders: float = 1.0) -> Verdict:
    """ReLU suffers less from vanishing gradients than each other activation of ``result``.

    The rule.  In the deepest network, the distance from "no shrinkage" is
    :math:`|\\log_{10} r|`, where :math:`r` is the first layer's gradient norm over the output
    layer's.  Against another activation the claim is *shown* when ReLU's distance is smaller
    by more than ``orders`` orders of magnitude, and *refuted* otherwise; a deterministic
    measurement, so never undecided.

    Examples
    --------
    >>> from dying_relu.experiments import vanishing_gradients
    >>> vg = vanishing_gradients(depths=(20,), activations=("sigmoid", "relu"), seeds=(0,))
    >>> str(less_vanishing(vg))
    'holds'
    """
    if "relu" not in result.activations:
        raise ValueError("result must include the relu networks")
    others = [name for name in result.activations if name not in ("relu", "leaky_relu")]
    if not others:
        raise ValueError("result must include an activation to compare ReLU with")
    own = abs(np.log10(result.ratio("relu")))
    states = {
        name: "shown" if own + orders < abs(np.log10(result.ratio(name))) else "refuted"
        for name in others
    }
    return combine(states, shown="less vanishing", refuted="no less", at="than")


def positive_direction(
    derivative_on_positives: ArrayLike,
    at_init: VanishingGradients,
    scales: WeightScaleGradients,
    *,
    band: float = 10.0,
) -> Verdict:
    """No vanishing gradient for ReLU in the positive direction.

    The rule.  If ReLU's derivative is not exactly 1 on every positive input given, the claim
    does not hold.  Otherwise each weight scale is a setting, with He's scale taken from
    ``at_init`` (deepest network, weights) and every scale from ``scales`` (first layer's
    bias gradient over the output layer's, which is the error signal that survived the way
    back, median over seeds): the claim is shown at a scale where the ratio lies within a
    factor ``band`` of 1, and refuted where it does not, because there the weights, not the
    activation, shrink or grow the gradient.

    Examples
    --------
    >>> from dying_relu.experiments import vanishing_gradients, weight_scale_gradients
    >>> vg = vanishing_gradients(depths=(10,), activations=("relu",), seeds=(0,))
    >>> ws = weight_scale_gradients((1.0,), ("relu",), depth=10, seeds=(0,))
    >>> str(positive_direction([1.0, 1.0], vg, ws))
    'holds'
    """
    derivative = np.asarray(derivative_on_positives, dtype=np.float64)
    if derivative.size == 0:
        raise ValueError("derivative_on_positives must not be empty")
    if not np.all(derivative == 1.0):
        return Verdict(VERDICTS[2], "relu'(z) differs from 1 for some z > 0")
    a = scales.activations.index("relu")
    ratios = {f"He's scale (depth {int(at_init.depths[-1])})": at_init.ratio("relu")}
    for s, factor in enumerate(scales.scales):
        ratios[f"{factor:g} x He's scale (depth {scales.depth})"] = float(
            np.median(scales.bias_ratio[a, s])
        )
    states = {
        name: "shown" if 1.0 / band <= ratio <= band else "refuted"
        for name, ratio in ratios.items()
    }
    return combine(
        states, shown=f"within a factor of {band:g}", refuted="the weights shrink or grow it"
    )


# --- Causes of death -------------------------------------------------------------------------


def bias_usually_kills(sweeps: Sequence[LearningRateSweep], *, confidence: float = 0.95) -> Verdict:
    """Judge "units usually die because of a (very large) negative bias", per optimiser.

    The rule.  Take the ReLU runs of each sweep that did not diverge and the units that died
    during training (not those dead since initialisation).  A death is *due to the bias* when
    the unit's weighted input is positive on some training input, so that without its negative
    bias the unit would be alive (:class:`dying_relu.experiments.LearningRateSweep`).  For each
    seed, pool its runs over the learning rates (runs of one seed share their start, so they are
    not independent) and take the share of deaths due to the bias; over the seeds, the t
    interval of the mean share decides: "usually" is shown if it lies above 1/2, refuted if it
    lies below, undecided otherwise or with fewer than two seeds with deaths.  Each sweep
    (optimiser) is a setting.
    """
    states, notes = {}, []
    for sweep in sweeps:
        relu = _relu_row(sweep)
        deaths = np.where(
            (sweep.outcome[relu] != "diverged")[..., np.newaxis], sweep.deaths[relu], 0
        ).sum(axis=0)  # over learning rates: (N, 3)
        during = deaths[:, 1] + deaths[:, 2]
        share = np.where(during > 0, deaths[:, 1] / np.where(during > 0, during, 1), np.nan)
        interval = mean_interval(share, confidence)
        states[sweep.optimizer] = _side_of(interval, 0.5)
        bias = (
            np.nanmedian(sweep.dead_bias[relu])
            if np.isfinite(sweep.dead_bias[relu]).any()
            else np.nan
        )
        notes.append(
            f"{sweep.optimizer}: {int(deaths[:, 1].sum())} of {int(during.sum())} deaths due to "
            f"the bias, median bias of the dead {bias:.2f}"
        )
    verdict = combine(states, shown="mostly the bias", refuted="mostly the weights")
    return Verdict(verdict.verdict, f"{verdict.reason} ({'; '.join(notes)})")


# --- Recovery ------------------------------------------------------------------------------


def unlikely_to_recover(
    shock: BiasShock, *, threshold: float = 0.01, confidence: float = 0.95
) -> Verdict:
    """Judge "a dead ReLU unit is unlikely to recover", at every shock size.

    The rule.  For the ReLU runs of the shock, per seed, the share of the units the shock
    killed that are active on at least ``threshold`` of the training inputs at the end (both
    hidden layers pooled).  At each shift the t interval of the mean share over seeds decides:
    "unlikely" is shown if it lies below 1/2, refuted if above, undecided otherwise.
    """
    relu = _relu_row(shock)
    recovered = shock.recovered(threshold)[relu]
    states = {
        f"shift {shift:g}": _side_of(mean_interval(recovered[k], confidence), 0.5, below=True)
        for k, shift in enumerate(shock.shifts)
        if shift > 0.0
    }
    return combine(states, shown="unlikely", refuted="likely")


def leaky_recovers(
    shock: BiasShock,
    *,
    threshold: float = 0.01,
    margin: float = 0.05,
    alpha: float = 0.05,
    confidence: float = 0.95,
) -> Verdict:
    """Judge "Leaky ReLU lets dead units recover", against ReLU on the same seeds and shocks.

    The rule.  For every Leaky ReLU slope and shock size, the paired difference over seeds of
    the share of killed units active on at least ``threshold`` of the training inputs at the
    end (slope minus ReLU).  The one-sided t tests that the difference exceeds 0 are corrected
    together (Holm): a setting is *shown* if its adjusted p-value is below ``alpha``; it is
    *refuted* if not and the interval of the difference lies below ``margin`` (no more than
    ``margin`` more units recover), *undecided* otherwise.
    """
    relu = _relu_row(shock)
    recovered = shock.recovered(threshold)
    cells, intervals, pvalues = [], [], []
    for i, slope in enumerate(shock.negative_slopes):
        if i == relu:
            continue
        for k, shift in enumerate(shock.shifts):
            if shift == 0.0:
                continue
            difference = recovered[i, k] - recovered[relu, k]
            cells.append(f"slope {slope:g} shift {shift:g}")
            # The interval is two-sided whatever the alternative; the p-value is one-sided.
            interval = mean_interval(difference, confidence, alternative="greater")
            intervals.append(interval)
            pvalues.append(interval.pvalue)
    return _paired_family(cells, intervals, pvalues, alpha, margin, "more recover", "no more")


# --- Stuck training and CS231n ------------------------------------------------------------------


def stuck_frequently(
    sweeps: Sequence[LearningRateSweep], *, share: float = 0.1, confidence: float = 0.95
) -> Verdict:
    """Judge "training frequently gets stuck because of dying ReLU", per optimiser and rate.

    The rule.  A ReLU run is stuck when it collapsed (a hidden layer dead on every training
    input, or test accuracy at chance).  In each setting, the Wilson interval of the share of
    stuck runs decides: "frequently" is shown if it lies above ``share``, refuted if below,
    undecided otherwise.
    """
    states = {}
    for sweep in sweeps:
        relu = _relu_row(sweep)
        for r, lr in enumerate(sweep.lrs):
            outcome = sweep.outcome[relu, r]
            stuck = int(np.count_nonzero(outcome == "collapsed"))
            interval = proportion_interval(stuck, outcome.size, confidence)
            states[f"{sweep.optimizer} {lr:g}"] = _side_of(interval, share)
    return combine(states, shown="often stuck", refuted="rarely stuck")


def cs231n_figure(
    sweeps: Sequence[LearningRateSweep], *, figure: float = 0.4, working: float = 0.9
) -> Verdict:
    """Judge "as much as 40 % of a network can be dead" after a too-high learning rate.

    The rule.  The claim describes networks that still work, so the ReLU runs are sorted in
    three: *working* runs trained and reach at least ``working`` times the best test accuracy
    of any ReLU run of the sweeps; *poor* runs trained, but below that; the rest collapsed (or
    diverged, and then have no dead share).  The claim holds if a working run ends with at
    least ``figure`` of its hidden units dead; it holds under a condition if only poor or
    collapsed runs reach the figure; it does not hold if no run reaches it.
    """
    trained_accuracy = [
        sweep.accuracy[r][sweep.outcome[r] == "trained"]
        for sweep in sweeps
        for r in [_relu_row(sweep)]
    ]
    best = max((float(a.max()) for a in trained_accuracy if a.size), default=np.inf)
    kinds: dict[str, list[tuple[float, float, str]]] = {"working": [], "poor": [], "collapsed": []}
    for sweep in sweeps:
        relu = _relu_row(sweep)
        for (r, n), dead in np.ndenumerate(sweep.dead_fraction[relu]):
            outcome, accuracy = sweep.outcome[relu, r, n], float(sweep.accuracy[relu, r, n])
            if outcome == "diverged" or dead < figure:
                continue
            kind = outcome if outcome == "collapsed" else (
                "working" if accuracy >= working * best else "poor"
            )  # fmt: skip
            kinds[kind].append((float(dead), accuracy, f"{sweep.optimizer} {sweep.lrs[r]:g}"))
    reach = f"at least {figure:.0%} dead"
    cut = (
        f"working meaning trained to at least {working:.0%} of the best run's "
        f"{best:.0%} test accuracy"
    )
    if kinds["working"]:
        dead, accuracy, where = max(kinds["working"], key=lambda run: run[1])
        return Verdict(
            VERDICTS[0],
            f"{len(kinds['working'])} working runs end with {reach}, one of them at "
            f"{accuracy:.0%} test accuracy with {dead:.0%} dead ({where}; {cut})",
        )
    if kinds["poor"] or kinds["collapsed"]:
        accuracies = [run[1] for run in kinds["poor"]]
        poor = (
            f"{len(kinds['poor'])} runs that trained to at most {max(accuracies):.0%} test accuracy"
            if accuracies
            else "no run that trained"
        )
        return Verdict(
            VERDICTS[1],
            f"only networks that no longer work end with {reach}: {poor} and "
            f"{len(kinds['collapsed'])} collapsed runs ({cut})",
        )
    return Verdict(VERDICTS[2], f"no run ends with {reach}")


# --- Lu et al. -----------------------------------------------------------------------------


def lu_reproduced(
    result: LuCollapse, *, published: float = 0.9, confidence: float = 0.95
) -> Verdict:
    """Lu et al.'s "over 90 %" of width-2, depth-10 networks collapsing, with He.

    The rule.  The share of He-initialised runs that collapsed, with its Wilson interval: the
    published figure is reproduced if the interval lies above ``published``, not reproduced if
    it lies below, undecided otherwise.
    """
    he = result.inits.index("he")
    outcome = result.outcome[he]
    interval = proportion_interval(
        int(np.count_nonzero(outcome == "collapsed")), outcome.size, confidence
    )
    state = _side_of(interval, published)
    verdict = combine({"He": state}, shown="over the figure", refuted="under the figure")
    return Verdict(
        verdict.verdict,
        f"{interval.estimate:.1%} of {interval.n} runs collapsed "
        f"({interval.confidence:.0%} interval {interval.low:.1%} to {interval.high:.1%})",
    )


# --- Leaky ReLU against ReLU --------------------------------------------------------------------


def leaky_worse(
    studies: Sequence[LeakyVsRelu],
    *,
    margin: float = 0.01,
    alpha: float = 0.05,
    confidence: float = 0.95,
) -> Verdict:
    """Judge "Leaky ReLU doesn't perform as well as ReLU", divergence and accuracy apart.

    The rule.  Each study, Leaky ReLU slope and learning rate is a setting, with two paired
    comparisons against ReLU on the same seeds: how often the run diverged (exact McNemar
    test) and the test accuracy of the seeds on which both runs trained (paired t test).  All
    the tests of all settings are corrected together (Holm).  Leaky ReLU is *worse* in a
    setting (the claim shown) if either comparison finds it worse at ``alpha``; the claim is
    refuted in a setting if neither does, its divergence count is not higher, and the interval
    of the accuracy difference lies above ``-margin``; undecided otherwise.
    """
    names, pvalues, diverges_more, lower, accuracy_low = [], [], [], [], []
    for name, study, i, r in _leaky_settings(studies):
        names.append(name)
        leaky_failed = study.outcome[i, r] == "diverged"
        relu_failed = study.outcome[0, r] == "diverged"
        accuracy = mean_interval(study.trained_difference(i, r), confidence)
        pvalues += [paired_proportion_test(leaky_failed, relu_failed), accuracy.pvalue]
        diverges_more.append(int(leaky_failed.sum()) > int(relu_failed.sum()))
        lower.append(accuracy.estimate < 0.0)
        accuracy_low.append(accuracy.low)
    adjusted = holm(pvalues).reshape(-1, 2)
    states, found = {}, []
    for name, (p_div, p_acc), more, less, low in zip(
        names, adjusted, diverges_more, lower, accuracy_low, strict=True
    ):
        worse = [
            kind
            for kind, hit in (
                ("diverges more", p_div < alpha and more),
                ("lower accuracy", p_acc < alpha and less),
            )
            if hit
        ]
        if worse:
            states[name] = "shown"
            found.append(f"{name}: {' and '.join(worse)}")
        elif not more and low > -margin:
            states[name] = "refuted"
        else:
            states[name] = "undecided"
    verdict = combine(states, shown="worse", refuted="as good")
    detail = f" ({'; '.join(found)})" if found else ""
    return Verdict(verdict.verdict, verdict.reason + detail)


def little_boost(
    studies: Sequence[LeakyVsRelu],
    *,
    margin: float = 0.01,
    alpha: float = 0.05,
    confidence: float = 0.95,
) -> Verdict:
    """Judge "there isn't much of an accuracy boost" from Leaky ReLU.

    The rule.  Each study, slope and learning rate is a setting, judged on the test accuracy
    of the seeds on which both runs trained (divergence is :func:`leaky_worse`'s business).
    The claim is *shown* in a setting if the interval of the paired difference (Leaky ReLU
    minus ReLU) lies below ``margin``, so that any boost is smaller than ``margin`` (an
    accuracy loss is no boost either, so it counts for the claim); it is *refuted* if the
    one-sided t test that the difference exceeds ``margin``, corrected with the other settings
    (Holm), is significant at ``alpha``; undecided otherwise.
    """
    names, intervals, pvalues = [], [], []
    for name, study, i, r in _leaky_settings(studies):
        gap = study.trained_difference(i, r)
        names.append(name)
        # The interval is two-sided whatever the alternative; the p-value is one-sided.
        interval = mean_interval(gap, confidence, reference=margin, alternative="greater")
        intervals.append(interval)
        pvalues.append(interval.pvalue)
    adjusted = holm(pvalues)
    states = {}
    for name, interval, p in zip(names, intervals, adjusted, strict=True):
        if interval.high < margin:
            states[name] = "shown"
        elif p < alpha:
            states[name] = "refuted"
        else:
            states[name] = "undecided"
    return combine(states, shown="no boost", refuted="a boost")


# --- Continual learning: plasticity and its remedies ------------------------------------------


def _trend(
    result: PermutedDigits,
    values: Any,
    method: str,
    tasks: int,
    *,
    rising: bool,
    margin: float,
    confidence: float,
    shown: str,
    refuted: str,
) -> Verdict:
    """Judge a change of ``values`` from the first ``tasks`` tasks to the last, per seed.

    Per seed, the mean of ``values`` over the last ``tasks`` tasks minus over the first; a run
    that diverged (NaN) counts no difference.  Taking the claimed direction (up if ``rising``,
    down otherwise) as positive, the claim is *shown* if the t interval of the mean change lies
    above 0, *refuted* if it lies below ``margin``, undecided otherwise.
    """
    count = positive_int(tasks, "tasks")
    n_tasks = result.accuracy.shape[1]
    if 2 * count > n_tasks:
        raise ValueError(f"tasks must be at most half the {n_tasks} tasks, got {count}")
    m = result.method_index(method)
    change = mean_interval(
        result.window(values, "last", count)[m] - result.window(values, "first", count)[m],
        confidence,
    )
    low, high = (change.low, change.high) if rising else (-change.high, -change.low)
    state = "shown" if low > 0.0 else "refuted" if high < margin else "undecided"
    name = f"{METHOD_NAMES[method]} over {n_tasks} tasks"
    verdict = combine({name: state}, shown=shown, refuted=refuted, at="for")
    detail = f" (last {count} tasks minus first {count}: {_points(change)})"
    return Verdict(verdict.verdict, verdict.reason + detail, verdict.shown)


def loses_plasticity(
    result: PermutedDigits,
    method: str = "backprop",
    *,
    tasks: int = 5,
    margin: float = 0.01,
    confidence: float = 0.95,
) -> Verdict:
    """Judge "trained on one task after another, the network loses the ability to learn".

    The rule.  Each task's test accuracy is measured at the end of its own training, so it says
    how well the network still learns a new task.  Per seed, the mean accuracy over the last
    ``tasks`` tasks minus the mean over the first ``tasks``; a run that diverged counts no
    difference.  The t interval of the mean difference decides: the claim is *shown* if it lies
    below 0 (accuracy on new tasks fell), *refuted* if it lies above ``-margin`` (any fall is
    smaller than ``margin``), undecided otherwise.
    """
    return _trend(result, result.accuracy, method, tasks, rising=False, margin=margin,
                  confidence=confidence, shown="accuracy on new tasks fell",
                  refuted="no fall")  # fmt: skip


def dead_pile_up(
    result: PermutedDigits,
    method: str = "backprop",
    *,
    tasks: int = 5,
    margin: float = 0.01,
    confidence: float = 0.95,
) -> Verdict:
    """Judge "over a sequence of tasks, dead units pile up".

    The rule.  Per seed, the mean share of hidden units dead at the end of the last ``tasks``
    tasks minus that of the first ``tasks``.  The claim is *shown* if the t interval of the mean
    lies above 0, *refuted* if it lies below ``margin`` (the dead share grew by less than
    ``margin``), undecided otherwise.
    """
    return _trend(result, result.dead, method, tasks, rising=True, margin=margin,
                  confidence=confidence, shown="the dead share grew",
                  refuted="no growth")  # fmt: skip


def remedies_help(
    result: PermutedDigits,
    *,
    tasks: int = 5,
    margin: float = 0.01,
    alpha: float = 0.05,
    confidence: float = 0.95,
) -> Verdict:
    """Judge "the remedies keep the network able to learn", each against plain backprop.

    The rule.  For every method other than ``backprop``, the paired difference over seeds (the
    same seed starts both from the same weights and sees the same minibatches) of the mean test
    accuracy over the last ``tasks`` tasks, method minus backprop; seeds on which either run
    diverged are left out.  The one-sided t tests that the difference exceeds 0 are corrected
    together (Holm): a method *helps* (shown) if its adjusted p-value is below ``alpha``; it is
    *refuted* if not and the interval of the difference lies below ``margin``; undecided
    otherwise.
    """
    base = result.method_index("backprop")
    late = result.window(result.accuracy, "last", positive_int(tasks, "tasks"))
    cells, intervals, pvalues = [], [], []
    for m, method in enumerate(result.methods):
        if m == base:
            continue
        cells.append(METHOD_NAMES[method])
        interval = mean_interval(late[m] - late[base], confidence, alternative="greater")
        intervals.append(interval)
        pvalues.append(interval.pvalue)
    if not cells:
        raise ValueError("result must compare at least one method with backprop")
    return _paired_family(cells, intervals, pvalues, alpha, margin, "helps", "no help", at="for")


#: What :func:`remedy_helps` can judge a remedy by.
REMEDY_MEASURES = ("dead", "trained", "score")


def remedy_helps(
    result: SideBySide,
    remedy: str,
    measure: str,
    *,
    margin: float = 0.01,
    alpha: float = 0.05,
    confidence: float = 0.95,
) -> Verdict:
    """Judge "in this setting, ``remedy`` does better than plain ReLU" by one ``measure``.

    The rule.  Every remedy of ``result`` is compared with plain ReLU (``"none"``) on the same
    seeds, and the family of comparisons is corrected together (Holm); the verdict is that of
    ``remedy``.

    * ``"dead"``, fewer dead units at the end: per seed on which neither run diverged, plain
      ReLU's share of hidden units dead at the end minus the remedy's; the one-sided t test
      that its mean exceeds 0.  *Shown* if the adjusted p-value is below ``alpha``, *refuted*
      if not and the t interval lies below ``margin``, undecided otherwise.
    * ``"score"``, a higher score (test accuracy, or variance explained) where both runs
      trained: the remedy's score minus plain ReLU's, judged the same way.
    * ``"trained"``, more runs that trained: the exact McNemar test of the paired outcomes
      (trained or not).  *Shown* if the remedy trained more runs and the adjusted p-value is
      below ``alpha``; *refuted* if it trained fewer and the adjusted p-value is below
      ``alpha``; undecided otherwise (where every run of both trained, the data cannot tell).
    """
    which = result.remedy_index(remedy)
    if which == 0:
        raise ValueError("remedy must be one of the remedies, not 'none', the reference")
    kind = choice(measure, "measure", REMEDY_MEASURES)
    base = 0
    ok = result.outcome != "diverged"
    trained = result.outcome == "trained"
    others = range(1, len(result.remedies))
    cell = f"{REMEDY_NAMES[remedy]} in the {SETTING_NAMES[result.setting].lower()}"
    if kind == "trained":
        pvalues = [paired_proportion_test(trained[r], trained[base]) for r in others]
        adjusted = holm(pvalues)[which - 1]
        gain = int(trained[which].sum()) - int(trained[base].sum())
        if gain > 0 and adjusted < alpha:
            state = "shown"
        elif gain < 0 and adjusted < alpha:
            state = "refuted"
        else:
            state = "undecided"
        verdict = combine(
            {cell: state}, shown="more runs trained", refuted="fewer runs trained", at="for"
        )
        detail = (
            f" ({int(trained[which].sum())} of {trained.shape[1]} against "
            f"{int(trained[base].sum())}, adjusted p = {adjusted:.2g})"
        )
        return Verdict(verdict.verdict, verdict.reason + detail, verdict.shown)
    if kind == "dead":
        share = result.dead_end / result.n_hidden
        both = ok & ok[base]
        differences = [np.where(both[r], share[base] - share[r], np.nan) for r in others]
        said, unit = ("fewer dead at the end", "no fewer")
    else:
        both = trained & trained[base]
        differences = [
            np.where(both[r], result.score[r] - result.score[base], np.nan) for r in others
        ]
        said, unit = (f"a higher {result.score_name}", "no higher")
    intervals = [mean_interval(d, confidence, alternative="greater") for d in differences]
    adjusted = holm([i.pvalue for i in intervals])
    interval, p = intervals[which - 1], adjusted[which - 1]
    if p < alpha:
        state = "shown"
    elif interval.high < margin:
        state = "refuted"
    else:
        state = "undecided"
    verdict = combine({cell: state}, shown=said, refuted=unit, at="for")
    return Verdict(verdict.verdict, f"{verdict.reason} ({_points(interval)})", verdict.shown)


def remedy_verdicts(replicates: Replicates[Any]) -> dict[tuple[str, str], str]:
    """The verdict of :func:`remedy_helps` on ``replicates`` (:func:`replicated`) for every
    remedy but ``"none"`` and every measure of ``REMEDY_MEASURES``.

    Keyed by ``(remedy, measure)``: what :func:`dying_relu.side_by_side.table` and
    :func:`dying_relu.side_by_side.which_help` take for one setting.
    """
    if not isinstance(getattr(replicates, "page", None), SideBySide):
        raise TypeError(
            "replicates must be the Replicates of remedies_side_by_side, "
            f"got {type(replicates).__name__}"
        )
    return {
        (remedy, measure): replicated(remedy_helps, replicates, remedy, measure).verdict
        for remedy in replicates.page.remedies[1:]
        for measure in REMEDY_MEASURES
    }


def _points(interval: Interval) -> str:
    """A mean difference of shares and its interval, in percentage points."""
    return (
        f"{100 * interval.estimate:+.1f} points, {interval.confidence:.0%} interval "
        f"{100 * interval.low:+.1f} to {100 * interval.high:+.1f}"
    )


# --- Helpers ---------------------------------------------------------------------------------


def _paired_family(
    cells: list[str],
    intervals: list[Interval],
    pvalues: list[float],
    alpha: float,
    margin: float,
    shown: str,
    refuted: str,
    at: str = "at",
) -> Verdict:
    adjusted = holm(pvalues)
    states = {}
    for cell, interval, p in zip(cells, intervals, adjusted, strict=True):
        if p < alpha:
            states[cell] = "shown"
        elif interval.high < margin:
            states[cell] = "refuted"
        else:
            states[cell] = "undecided"
    return combine(states, shown=shown, refuted=refuted, at=at)


def _leaky_settings(studies: Sequence[LeakyVsRelu]) -> Iterator[tuple[str, LeakyVsRelu, int, int]]:
    """Every (study, Leaky ReLU slope, learning rate) setting: its name, study, row and rate.

    The studies must differ in network or optimiser, so that every setting has its own name.
    """
    keys = [(study.hidden, study.optimizer) for study in studies]
    if len(set(keys)) != len(keys):
        raise ValueError("studies must differ in their hidden layers or their optimiser")
    for study in studies:
        network = "-".join(str(w) for w in study.hidden)
        for i, slope in enumerate(study.negative_slopes[1:], start=1):
            for r, lr in enumerate(study.lrs):
                yield f"{network} {study.optimizer} {lr:g} slope {slope:g}", study, i, r


def _side_of(interval: Interval, value: float, *, below: bool = False) -> str:
    """State "shown" if the interval lies above ``value`` (below, with ``below``), "refuted" if on
    the other side, "undecided" if it straddles it or is undefined."""
    # An undefined (NaN) bound compares false both ways, and so leaves the state undecided.
    above, under = interval.low > value, interval.high < value
    if below:
        above, under = under, above
    return "shown" if above else "refuted" if under else "undecided"


def _relu_row(result: Any) -> int:
    """The row of ReLU (negative slope 0) in a result of several activations."""
    return index_of(result.negative_slopes, 0.0, "the result's negative_slopes")
