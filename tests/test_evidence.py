"""Every rule of dying_relu.evidence, fed synthetic results that reach each of its verdicts.

The results are built by hand, field by field, so that each test says exactly what evidence
it presents; a real experiment would tie the verdict to whatever the training happens to give.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

from dying_relu import evidence, experiments, runner
from dying_relu.continual import PermutedDigits
from dying_relu.side_by_side import SideBySide

SEEDS = 10
RNG = np.random.default_rng(12345)


def jitter(centre: float, spread: float = 0.02) -> NDArray[np.float64]:
    """``SEEDS`` values scattered around ``centre``, clipped to [0, 1]."""
    return np.clip(centre + spread * RNG.standard_normal(SEEDS), 0.0, 1.0)


# --- The framework ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        ({"a": "shown", "b": "shown"}, "holds"),
        ({"a": "shown", "b": "refuted"}, "holds under a condition"),
        ({"a": "shown", "b": "undecided"}, "holds under a condition"),
        ({"a": "refuted", "b": "undecided"}, "does not hold"),
        ({"a": "refuted", "b": "refuted"}, "does not hold"),
        ({"a": "undecided", "b": "undecided"}, "inconclusive"),
    ],
)
def test_combine_reaches_every_verdict(states: dict[str, str], expected: str) -> None:
    verdict = evidence.combine(states, shown="shown", refuted="refuted")
    assert verdict.verdict == expected
    assert str(verdict) == expected
    for name in states:
        assert name in verdict.reason


def test_combine_names_the_settings_after_what_it_says_of_them() -> None:
    states = {"sigmoid": "shown", "tanh": "refuted", "elu": "undecided"}
    verdict = evidence.combine(states, shown="less vanishing", refuted="no less", at="than")
    assert verdict.reason == "less vanishing than sigmoid; no less than tanh; undecided than elu"
    verdict = evidence.combine({"in the deep net": "shown"}, shown="a boost", refuted="-", at="")
    assert verdict.reason == "a boost in the deep net"
    verdict = evidence.combine({"lr 1": "shown", "lr 2": "shown"}, shown="s", refuted="r")
    assert verdict.reason == "s at lr 1, lr 2"


def test_combine_rejects_unknown_states_and_empty_input() -> None:
    with pytest.raises(ValueError, match="states"):
        evidence.combine({"a": "maybe"}, shown="s", refuted="r")
    with pytest.raises(ValueError, match="states"):
        evidence.combine({}, shown="s", refuted="r")


def test_a_verdict_must_be_one_of_the_verdicts() -> None:
    with pytest.raises(ValueError, match="verdict"):
        evidence.Verdict("probably", "")


def test_check_passes_supported_sentences_and_quotes_contradicted_ones() -> None:
    evidence.check("the loss falls", True)
    evidence.check("the loss falls", np.bool_(True))
    with pytest.raises(evidence.ContradictedError, match="'the loss falls'"):
        evidence.check("the loss falls", np.bool_(False))
    with pytest.raises(TypeError, match="supported"):
        evidence.check("the loss falls", 1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="sentence"):
        evidence.check("  ", True)


def test_describe_outcomes() -> None:
    assert evidence.describe_outcomes(["trained"] * 3) == "all 3 runs trained"
    assert evidence.describe_outcomes(["collapsed", "collapsed"]) == "both runs collapsed"
    assert (
        evidence.describe_outcomes(["diverged", "trained", "trained"])
        == "2 of 3 runs trained and 1 diverged"
    )
    assert (
        evidence.describe_outcomes(["collapsed", "trained", "diverged", "trained"])
        == "2 of 4 runs trained, 1 collapsed and 1 diverged"
    )
    with pytest.raises(ValueError, match="outcome"):
        evidence.describe_outcomes(["won"])


def test_in_words() -> None:
    assert evidence.in_words(["ReDo"]) == "ReDo"
    assert evidence.in_words(("a", "b")) == "a and b"
    assert evidence.in_words(["0.1", "1.4", "2.8"]) == "0.1, 1.4 and 2.8"
    assert evidence.in_words(["2", "4", "8", "16"], "or") == "2, 4, 8 or 16"
    assert evidence.in_words(x for x in ["a", "b", "c"]) == "a, b and c"


@pytest.mark.parametrize(
    ("items", "error"),
    [([], ValueError), ("abc", TypeError), (["a", 1], TypeError)],
)
def test_in_words_rejects_what_is_not_a_list_of_strings(items: object, error: type) -> None:
    with pytest.raises(error, match="items"):
        evidence.in_words(items)  # type: ignore[arg-type]


def test_exactly() -> None:
    assert evidence.exactly([0.0, -0.0], 0.0, what="x").verdict == "holds"
    refuted = evidence.exactly([0.0, 1e-300], 0.0, what="x")
    assert refuted.verdict == "does not hold"
    assert "1 of 2" in refuted.reason
    assert evidence.exactly([np.nan], 0.0, what="x").verdict == "does not hold"


# --- Vanishing gradients -------------------------------------------------------------------


def gradients(ratios: dict[str, float], depth: int = 10) -> experiments.VanishingGradients:
    """Gradient norms whose first layer is ``ratio`` times the output layer, per activation."""
    names = tuple(ratios)
    grad_norm = np.ones((len(names), 1, depth + 1))
    for a, name in enumerate(names):
        grad_norm[a, 0] = np.geomspace(ratios[name], 1.0, depth + 1)
    return experiments.VanishingGradients(names, np.array([depth]), grad_norm, 8, 0.01, seeds=(0,))


@pytest.mark.parametrize(
    ("sigmoid", "tanh", "expected"),
    [
        (1e-12, 1e-6, "holds"),
        (1e-12, 1.0, "holds under a condition"),
        (0.5, 1.0, "does not hold"),
    ],
)
def test_less_vanishing(sigmoid: float, tanh: float, expected: str) -> None:
    result = gradients({"sigmoid": sigmoid, "tanh": tanh, "relu": 0.8})
    assert evidence.less_vanishing(result).verdict == expected


def test_less_vanishing_moves_with_relu() -> None:
    fine = evidence.less_vanishing(gradients({"sigmoid": 1e-12, "relu": 1.0}))
    vanishing = evidence.less_vanishing(gradients({"sigmoid": 1e-12, "relu": 1e-12}))
    assert (fine.verdict, vanishing.verdict) == ("holds", "does not hold")


def scales(bias_ratios: list[float]) -> experiments.WeightScaleGradients:
    ratio = np.array(bias_ratios)[np.newaxis, :, np.newaxis]
    factors = np.geomspace(0.5, 2.0, len(bias_ratios))
    return experiments.WeightScaleGradients(
        ("relu",), factors, ratio, ratio, np.full((1, len(bias_ratios)), 0.5), 10, 8, 16,
        seeds=(0,),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("derivative", "bias_ratios", "expected"),
    [
        ([1.0, 1.0], [0.5, 1.0, 2.0], "holds"),
        ([1.0, 1.0], [1e-6, 1.0, 1e6], "holds under a condition"),
        ([1.0, 0.99], [0.5, 1.0, 2.0], "does not hold"),
    ],
)
def test_positive_direction(
    derivative: list[float], bias_ratios: list[float], expected: str
) -> None:
    verdict = evidence.positive_direction(derivative, gradients({"relu": 0.9}), scales(bias_ratios))
    assert verdict.verdict == expected


def test_positive_direction_fails_where_no_scale_keeps_the_signal() -> None:
    # relu' is exactly 1, but the weights shrink or grow the signal at every scale.
    verdict = evidence.positive_direction(
        [1.0, 1.0], gradients({"relu": 1e-6}), scales([1e-6, 1e6, 1e6])
    )
    assert verdict.verdict == "does not hold"
    assert "shrink or grow" in verdict.reason


# --- Learning-rate sweeps --------------------------------------------------------------------


def sweep(
    *,
    optimizer: str = "SGD",
    bias_share: float = 0.5,
    deaths: int = 20,
    outcome: list[str] | None = None,
    dead: float = 0.1,
    accuracy: float = 0.95,
    seeds: int = SEEDS,
) -> experiments.LearningRateSweep:
    """One learning rate, ReLU only: ``deaths`` deaths per run, ``bias_share`` due to the bias."""
    runs = np.array(outcome if outcome is not None else ["trained"] * seeds)
    n = runs.size
    by_bias = np.clip(np.rint(deaths * (bias_share + 0.05 * RNG.standard_normal(n))), 0, deaths)
    causes = np.stack([np.zeros(n), by_bias, deaths - by_bias], axis=-1).astype(np.int64)
    return experiments.LearningRateSweep(
        optimizer=optimizer,
        lrs=np.array([1.0]),
        negative_slopes=np.array([0.0]),
        seeds=tuple(range(n)),
        dead_per_layer=np.full((1, 1, n, 2), dead),
        accuracy=np.full((1, 1, n), accuracy),
        outcome=runs.reshape(1, 1, n),
        deaths=causes.reshape(1, 1, n, 3),
        dead_bias=np.full((1, 1, n), -0.3),
        epochs=1,
        data="digits",
    )


@pytest.mark.parametrize(
    ("shares", "expected"),
    [
        ((0.9, 0.9), "holds"),
        ((0.9, 0.1), "holds under a condition"),
        ((0.1, 0.1), "does not hold"),
    ],
)
def test_bias_usually_kills(shares: tuple[float, float], expected: str) -> None:
    sweeps = [
        sweep(optimizer="SGD", bias_share=shares[0]),
        sweep(optimizer="Adam", bias_share=shares[1]),
    ]
    assert evidence.bias_usually_kills(sweeps).verdict == expected


def test_bias_usually_kills_is_inconclusive_without_deaths_or_near_one_half() -> None:
    assert evidence.bias_usually_kills([sweep(deaths=0)]).verdict == "inconclusive"
    noisy = sweep(bias_share=0.5, deaths=4)
    assert evidence.bias_usually_kills([noisy]).verdict == "inconclusive"


def test_bias_usually_kills_ignores_diverged_runs() -> None:
    # Only one run counts once the diverged ones are left out: no interval, no decision.
    runs = ["diverged"] * (SEEDS - 1) + ["trained"]
    assert (
        evidence.bias_usually_kills([sweep(bias_share=0.9, outcome=runs)]).verdict == "inconclusive"
    )


@pytest.mark.parametrize(
    ("collapsed", "expected"),
    [
        ((30, 30), "holds"),
        ((30, 0), "holds under a condition"),
        ((0, 0), "does not hold"),
    ],
)
def test_stuck_frequently(collapsed: tuple[int, int], expected: str) -> None:
    sweeps = [
        sweep(optimizer=name, outcome=["collapsed"] * k + ["trained"] * (60 - k), seeds=60)
        for name, k in zip(("SGD", "Adam"), collapsed, strict=True)
    ]
    assert evidence.stuck_frequently(sweeps).verdict == expected


def test_stuck_frequently_is_inconclusive_on_few_runs() -> None:
    assert evidence.stuck_frequently([sweep(outcome=["trained"] * 5)]).verdict == "inconclusive"


def test_cs231n_figure() -> None:
    best = sweep(dead=0.05, accuracy=0.97)
    working = sweep(dead=0.45, accuracy=0.95)
    poor = sweep(dead=0.45, accuracy=0.3)
    collapsed = sweep(dead=0.6, outcome=["collapsed"] * SEEDS)
    assert evidence.cs231n_figure([best, working]).verdict == "holds"
    assert evidence.cs231n_figure([best, poor]).verdict == "holds under a condition"
    assert evidence.cs231n_figure([best, collapsed]).verdict == "holds under a condition"
    assert evidence.cs231n_figure([best]).verdict == "does not hold"


# --- The bias shock ------------------------------------------------------------------------------


def shock(
    relu: list[NDArray[np.float64]], leaky: list[NDArray[np.float64]]
) -> experiments.BiasShock:
    """A shock with shifts 0, 4 and 8 in which the given shares of killed units recover.

    ``relu[k]`` and ``leaky[k]`` are per-seed shares for the shift ``k + 1``; every shocked run
    kills 20 units per layer, and the same share recovers at both thresholds.
    """
    n, killed_per_layer = SEEDS, 20
    killed = np.zeros((2, 3, n, 2), dtype=np.int64)
    killed[:, 1:] = killed_per_layer
    revived = np.zeros((2, 3, n, 2, 2), dtype=np.int64)
    for row, shares in enumerate((relu, leaky)):
        for k, share in enumerate(shares, start=1):
            count = np.rint(share * killed_per_layer).astype(np.int64)
            revived[row, k] = count[:, np.newaxis, np.newaxis]
    maps = np.ones((2, 4, 3), dtype=bool)
    return experiments.BiasShock(
        negative_slopes=np.array([0.0, 0.2]),
        shifts=np.array([0.0, 4.0, 8.0]),
        seeds=tuple(range(n)),
        shocked_share=0.5,
        thresholds=np.array([0.0, 0.01]),
        n_shocked=32,
        killed=killed,
        dead_end=killed - revived[..., 0],
        revived=revived,
        accuracy=np.full((2, 3, n), 0.96),
        outcome=np.full((2, 3, n), "trained"),
        map_shift=8.0,
        map_before=maps,
        map_after=maps,
        map_end=maps,
        map_shocked=np.ones(4, dtype=bool),
        epochs_before=1,
        epochs_after=1,
        optimizer="SGD",
        lr=0.1,
        width=2,
        data="digits",
    )


LOW, HIGH, HALF = jitter(0.05), jitter(0.9), jitter(0.5, 0.4)


@pytest.mark.parametrize(
    ("relu", "expected"),
    [
        ([LOW, LOW], "holds"),
        ([HIGH, LOW], "holds under a condition"),
        ([HIGH, HIGH], "does not hold"),
        ([HALF, HALF], "inconclusive"),
    ],
)
def test_unlikely_to_recover(relu: list[NDArray[np.float64]], expected: str) -> None:
    assert evidence.unlikely_to_recover(shock(relu, [LOW, LOW])).verdict == expected


def test_unlikely_to_recover_reads_only_relu() -> None:
    assert evidence.unlikely_to_recover(shock([LOW, LOW], [HIGH, HIGH])).verdict == "holds"


@pytest.mark.parametrize(
    ("leaky", "expected"),
    [
        ([HIGH, HIGH], "holds"),
        ([HIGH, LOW], "holds under a condition"),
        ([LOW, LOW], "does not hold"),
    ],
)
def test_leaky_recovers(leaky: list[NDArray[np.float64]], expected: str) -> None:
    assert evidence.leaky_recovers(shock([LOW, LOW], leaky)).verdict == expected


def test_leaky_recovers_is_inconclusive_when_the_difference_is_noise() -> None:
    relu = [np.zeros(SEEDS), np.zeros(SEEDS)]
    rare = np.array([0.3, 0.0, 0.0, 0.0, 0.1, 0.0, 0.0, 0.0, 0.0, 0.0])
    noise = [rare, rare[::-1]]
    assert evidence.leaky_recovers(shock(relu, noise)).verdict == "inconclusive"


# --- Leaky ReLU against ReLU ---------------------------------------------------------------------


def study(
    relu: NDArray[np.float64],
    leaky: NDArray[np.float64],
    *,
    relu_diverged: int = 0,
    leaky_diverged: int = 0,
    width: int = 8,
) -> experiments.LeakyVsRelu:
    """One learning rate, 20 seeds; the first seeds of each activation diverge."""
    n = relu.size
    outcome = np.full((2, 1, n), "trained", dtype="<U9")
    outcome[0, 0, :relu_diverged] = "diverged"
    outcome[1, 0, :leaky_diverged] = "diverged"
    accuracy = np.stack([relu, leaky])[:, np.newaxis, :]
    accuracy = np.where(outcome == "diverged", np.nan, accuracy)
    return experiments.LeakyVsRelu(
        negative_slopes=np.array([0.0, 0.2]),
        lrs=np.array([0.1]),
        seeds=tuple(range(n)),
        hidden=(width,),
        optimizer="SGD",
        epochs=1,
        accuracy=accuracy,
        outcome=outcome,
        dead_init=np.zeros((2, 1, n)),
        dead_end=np.zeros((2, 1, n)),
        data="digits",
    )


def accuracies(centre: float, spread: float = 0.002) -> NDArray[np.float64]:
    return centre + spread * np.random.default_rng(int(centre * 1000)).standard_normal(20)


BASE = accuracies(0.95)
SAME = BASE + 0.0005 * np.random.default_rng(7).standard_normal(20)
LOWER = BASE - 0.05 + 0.002 * np.random.default_rng(9).standard_normal(20)
HIGHER = BASE + 0.05 + 0.002 * np.random.default_rng(10).standard_normal(20)
SCATTERED = BASE + 0.05 * np.random.default_rng(8).standard_normal(20)


@pytest.mark.parametrize(
    ("studies", "expected"),
    [
        ([study(BASE, LOWER), study(BASE, LOWER, width=16)], "holds"),
        (
            [study(BASE, SAME, leaky_diverged=15), study(BASE, SAME, width=16)],
            "holds under a condition",
        ),
        ([study(BASE, SAME), study(BASE, HIGHER, width=16)], "does not hold"),
        ([study(BASE, SCATTERED)], "inconclusive"),
    ],
)
def test_leaky_worse(studies: list[experiments.LeakyVsRelu], expected: str) -> None:
    assert evidence.leaky_worse(studies).verdict == expected


def test_leaky_worse_tells_divergence_from_accuracy() -> None:
    diverging = evidence.leaky_worse([study(BASE, SAME, leaky_diverged=15)])
    assert diverging.verdict == "holds"
    assert "diverges more" in diverging.reason
    assert "lower accuracy" not in diverging.reason
    # More ReLU runs diverging is evidence for Leaky ReLU, not against it.
    assert evidence.leaky_worse([study(BASE, SAME, relu_diverged=15)]).verdict == "does not hold"


@pytest.mark.parametrize(
    ("studies", "expected"),
    [
        ([study(BASE, SAME), study(BASE, LOWER, width=16)], "holds"),
        ([study(BASE, SAME), study(BASE, HIGHER, width=16)], "holds under a condition"),
        ([study(BASE, HIGHER), study(BASE, HIGHER, width=16)], "does not hold"),
        ([study(BASE, SCATTERED)], "inconclusive"),
    ],
)
def test_little_boost(studies: list[experiments.LeakyVsRelu], expected: str) -> None:
    assert evidence.little_boost(studies).verdict == expected


def test_little_boost_reads_only_runs_that_trained() -> None:
    # A Leaky ReLU that diverges on most seeds but is far better on the rest is a boost.
    verdict = evidence.little_boost([study(BASE, HIGHER, leaky_diverged=10)])
    assert verdict.verdict == "does not hold"


# --- Lu et al. ---------------------------------------------------------------------------------


def lu(collapsed: int, runs: int) -> experiments.LuCollapse:
    outcome = np.array([["collapsed"] * collapsed + ["trained"] * (runs - collapsed)])
    return experiments.LuCollapse(
        inits=("he",), seeds=tuple(range(runs)), born_dead=outcome == "collapsed",
        layer_dead=outcome == "collapsed", as_constant=np.zeros((1, runs), dtype=bool),
        outcome=outcome, final_loss=np.zeros((1, runs)), constant_loss=0.1,
        constant_margin=0.99, width=2, depth=10, n_points=8, steps=1, lr=1e-3,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("collapsed", "runs", "expected"),
    [(198, 200, "holds"), (100, 200, "does not hold"), (9, 10, "inconclusive")],
)
def test_lu_reproduced(collapsed: int, runs: int, expected: str) -> None:
    assert evidence.lu_reproduced(lu(collapsed, runs)).verdict == expected


def test_studies_must_be_told_apart() -> None:
    with pytest.raises(ValueError, match="studies"):
        evidence.leaky_worse([study(BASE, SAME), study(BASE, SAME)])


def test_rules_need_a_relu_row() -> None:
    no_relu: Any = sweep()
    no_relu = experiments.LearningRateSweep(
        **{**no_relu.__dict__, "negative_slopes": np.array([0.2])}
    )
    with pytest.raises(ValueError, match="negative_slopes"):
        evidence.stuck_frequently([no_relu])


# --- Replication ---------------------------------------------------------------------------------


def replicates(*results: Any) -> runner.Replicates[Any]:
    """Hand-built results as the three replicates, seeds and nudge named as replicate() would."""
    page, other, nudged = results
    seeds = page.seeds
    return runner.Replicates(
        page,
        dataclasses.replace(other, seeds=runner.other_seeds(seeds)),
        dataclasses.replace(nudged, seeds=seeds, perturbed=True),
    )


def test_a_verdict_that_replicates_stands_with_its_three_outcomes() -> None:
    verdict = evidence.replicated(evidence.lu_reproduced, replicates(*[lu(198, 200)] * 3))
    assert verdict.verdict == "holds"
    assert verdict.outcomes == "holds · holds · holds"
    assert [v.verdict for v in verdict.replicates] == ["holds"] * 3
    assert verdict.reason == evidence.lu_reproduced(lu(198, 200)).reason


def test_a_verdict_that_does_not_replicate_is_fragile_and_says_why() -> None:
    verdict = evidence.replicated(
        evidence.lu_reproduced, replicates(lu(198, 200), lu(185, 200), lu(198, 200))
    )
    assert verdict.verdict == "fragile"
    assert verdict.outcomes == "holds · inconclusive · holds"
    assert "seeds 200 to 399" in verdict.reason
    assert "inconclusive" in verdict.reason


def test_holding_under_different_conditions_is_fragile() -> None:
    # ReLU vanishes less than sigmoid on one replicate and less than tanh on another: the
    # same verdict, "holds under a condition", under different conditions.
    by_sigmoid = gradients({"sigmoid": 1e-12, "tanh": 1.0, "relu": 0.8})
    by_tanh = gradients({"sigmoid": 0.5, "tanh": 1e-12, "relu": 0.8})
    same = evidence.replicated(
        evidence.less_vanishing, replicates(by_sigmoid, by_sigmoid, by_sigmoid)
    )
    assert (same.verdict, same.shown) == ("holds under a condition", ("sigmoid",))
    moved = evidence.replicated(
        evidence.less_vanishing, replicates(by_sigmoid, by_tanh, by_sigmoid)
    )
    assert [v.verdict for v in moved.replicates] == ["holds under a condition"] * 3
    assert moved.verdict == "fragile"


def test_replicated_needs_replicates_and_only_replicated_verdicts_have_outcomes() -> None:
    with pytest.raises(TypeError, match="Replicates"):
        evidence.replicated(evidence.lu_reproduced, lu(198, 200))
    with pytest.raises(ValueError, match="replicate"):
        _ = evidence.lu_reproduced(lu(198, 200)).outcomes


def test_checks_on_replicates_pass_when_every_replicate_supports_them() -> None:
    reps = replicates(*[lu(198, 200)] * 3)
    seen = []

    @evidence.on_replicates(reps)
    def _(result: experiments.LuCollapse) -> None:
        seen.append(result.perturbed)
        evidence.check("most runs collapsed", bool(np.mean(result.outcome == "collapsed") > 0.5))

    assert seen == [False, False, True]


def test_a_sentence_contradicted_on_one_replicate_fails_with_the_replicate_and_numbers() -> None:
    reps = replicates(lu(198, 200), lu(150, 200), lu(198, 200))
    with pytest.raises(evidence.ContradictedError) as failure:

        @evidence.on_replicates(reps)
        def _(result: experiments.LuCollapse) -> None:
            share = float(np.mean(result.outcome == "collapsed"))
            evidence.check("over 90 % collapsed", share > 0.9, share=share)
            evidence.check("some collapsed", share > 0.0, share=share)

    message = str(failure.value)
    assert "'over 90 % collapsed'" in message
    assert "other seeds (seeds 200 to 399): share = 0.75" in message
    assert "seeds 0 to 199)" not in message  # the page's seeds supported it
    assert "'some collapsed'" not in message
    assert "numerical set-up: numpy" in message
    assert "What you can do" in message


def test_a_check_outside_replicates_fails_at_once_with_its_numbers() -> None:
    with pytest.raises(evidence.ContradictedError, match=r"the results: loss = \[1, 2\]"):
        evidence.check("the loss falls", False, loss=[1, 2])


def test_numerics_names_numpy_and_the_blas_kernel() -> None:
    text = evidence.numerics()
    assert text.startswith(f"numpy {np.__version__}")
    assert "kernel" in text


# --- Continual learning -------------------------------------------------------------------------


def continual(
    accuracy: dict[str, tuple[float, float]], dead: tuple[float, float] = (0.0, 0.0)
) -> PermutedDigits:
    """A Permuted Digits result of 10 tasks: per method, the accuracy of the first five tasks and
    of the last five (each scattered over the seeds); backprop's dead share likewise."""
    methods = tuple(accuracy)
    tasks, taus = 10, np.array([0.0, 0.1])
    acc = np.stack([
        np.stack([jitter(first)] * 5 + [jitter(last)] * 5) for first, last in accuracy.values()
    ])  # fmt: skip
    dead_share = np.zeros_like(acc)
    dead_share[0] = np.stack([jitter(dead[0], 0.005)] * 5 + [jitter(dead[1], 0.005)] * 5)
    return PermutedDigits(
        seeds=tuple(range(SEEDS)),
        methods=methods,
        taus=taus,
        accuracy=acc,
        dead=dead_share,
        dormant=np.repeat(dead_share[..., np.newaxis], 2, axis=-1),
        recycled=np.zeros((len(methods), SEEDS), dtype=np.int64),
        outcome=np.full((len(methods), SEEDS), "trained"),
        n_tasks=tasks,
        epochs_per_task=1,
        width=8,
        batch_size=16,
        lr=0.3,
        l2=1e-3,
        shrink=0.9999,
        noise=1e-3,
        replacement_rate=1e-3,
        redo_tau=0.1,
        data="digits",
        negative_slope=0.01,
    )


@pytest.mark.parametrize(
    ("first", "last", "spread", "expected"),
    [
        (0.9, 0.7, 0.02, "holds"),
        (0.9, 0.9, 0.001, "does not hold"),
        (0.9, 0.95, 0.02, "does not hold"),
        (0.9, 0.89, 0.08, "inconclusive"),
    ],
)
def test_loses_plasticity(first: float, last: float, spread: float, expected: str) -> None:
    result = continual({"backprop": (first, last)})
    noisy = result.accuracy.copy()
    noisy[0, :5] = first + spread * RNG.standard_normal(SEEDS)
    noisy[0, 5:] = last + spread * RNG.standard_normal((5, SEEDS))
    result = dataclasses.replace(result, accuracy=noisy)
    assert evidence.loses_plasticity(result).verdict == expected


def test_loses_plasticity_judges_the_method_named_and_leaves_out_diverged_runs() -> None:
    result = continual({"backprop": (0.9, 0.9), "leaky_relu": (0.9, 0.6)})
    assert evidence.loses_plasticity(result, "leaky_relu").verdict == "holds"
    assert "Leaky ReLU over 10 tasks" in evidence.loses_plasticity(result, "leaky_relu").reason
    gone = result.accuracy.copy()
    gone[1, :, :9] = np.nan  # nine runs diverged: one difference is no interval
    broken = dataclasses.replace(result, accuracy=gone)
    assert evidence.loses_plasticity(broken, "leaky_relu").verdict == "inconclusive"
    with pytest.raises(ValueError, match="tasks"):
        evidence.loses_plasticity(result, tasks=6)
    with pytest.raises(ValueError, match="method"):
        evidence.loses_plasticity(result, "redo")


@pytest.mark.parametrize(
    ("dead", "expected"),
    [((0.0, 0.2), "holds"), ((0.1, 0.1), "does not hold"), ((0.1, 0.105), "inconclusive")],
)
def test_dead_pile_up(dead: tuple[float, float], expected: str) -> None:
    result = continual({"backprop": (0.9, 0.9)}, dead)
    if expected == "inconclusive":
        noisy = result.dead.copy()
        # Growth of 0.5 points on average, give or take 5 points from seed to seed.
        noisy[0, 5:] = noisy[0, :5] + 0.005 + 0.05 * np.array([1.0, -1.0] * (SEEDS // 2))
        result = dataclasses.replace(result, dead=noisy)
    assert evidence.dead_pile_up(result).verdict == expected


@pytest.mark.parametrize(
    ("redo", "l2", "expected"),
    [
        ((0.9, 0.9), (0.9, 0.9), "holds"),
        ((0.9, 0.9), (0.9, 0.5), "holds under a condition"),
        ((0.9, 0.55), (0.9, 0.5), "does not hold"),
    ],
)
def test_remedies_help(redo: tuple[float, float], l2: tuple[float, float], expected: str) -> None:
    result = continual({"backprop": (0.9, 0.6), "redo": redo, "l2": l2})
    verdict = evidence.remedies_help(result)
    assert verdict.verdict == expected
    assert ("ReDo" in verdict.shown) == (redo[1] > 0.8)


def test_remedies_help_is_inconclusive_when_the_difference_is_noise() -> None:
    result = continual({"backprop": (0.9, 0.6), "redo": (0.9, 0.6)})
    noisy = result.accuracy.copy()
    noisy[1, 5:] = noisy[0, 5:] + 0.1 * RNG.standard_normal((5, SEEDS))
    result = dataclasses.replace(result, accuracy=noisy)
    assert evidence.remedies_help(result).verdict == "inconclusive"
    with pytest.raises(ValueError, match="at least one method"):
        evidence.remedies_help(continual({"backprop": (0.9, 0.9)}))


# --- The remedies side by side ----------------------------------------------------------------


def side_by_side(
    dead_end: dict[str, float],
    trained: dict[str, int] | None = None,
    score: dict[str, float] | None = None,
) -> SideBySide:
    """A side-by-side result of ``SEEDS`` seeds and 100 hidden units: per remedy, the share dead
    at the end (scattered over the seeds), how many runs trained (the first ones; the rest
    collapsed), and the score of every run (scattered)."""
    remedies = tuple(dead_end)
    trained = trained or {}
    score = score or {}
    dead = np.stack([np.rint(100 * jitter(dead_end[r])) for r in remedies]).astype(np.int64)
    outcome = np.full((len(remedies), SEEDS), "collapsed")
    for i, r in enumerate(remedies):
        outcome[i, : trained.get(r, SEEDS)] = "trained"
    return SideBySide(
        seeds=tuple(range(SEEDS)),
        setting="high_lr",
        remedies=remedies,
        n_hidden=100,
        died=dead,
        revived=np.zeros_like(dead),
        dead_end=dead,
        recycled=np.zeros_like(dead),
        score=np.stack([jitter(score.get(r, 0.9), 0.01) for r in remedies]),
        outcome=outcome,
        score_name="test accuracy",
        optimizer="SGD",
        lr=1.4,
        lower_lr=0.1,
        steps=105,
        epochs=5,
        shock_epoch=0,
        data="digits",
    )


@pytest.mark.parametrize(
    ("relu", "remedy", "expected"),
    [(0.3, 0.05, "holds"), (0.3, 0.4, "does not hold")],
)
def test_remedy_helps_by_dead_units(relu: float, remedy: float, expected: str) -> None:
    result = side_by_side({"none": relu, "redo": remedy, "adam": relu})
    verdict = evidence.remedy_helps(result, "redo", "dead")
    assert verdict.verdict == expected
    assert "ReDo in the high learning rate" in verdict.reason
    # The same dead units on every seed: no fewer.
    same = result.dead_end.copy()
    same[1] = same[0]
    unchanged = dataclasses.replace(result, dead_end=same)
    assert evidence.remedy_helps(unchanged, "redo", "dead").verdict == "does not hold"


def test_remedy_helps_by_dead_units_is_inconclusive_on_noise_and_leaves_out_diverged_runs() -> None:
    result = side_by_side({"none": 0.3, "redo": 0.3})
    noisy = result.dead_end.copy()
    noisy[1] = noisy[0] - np.array([8, -4] * (SEEDS // 2))  # 2 fewer on average, give or take 6
    assert (
        evidence.remedy_helps(dataclasses.replace(result, dead_end=noisy), "redo", "dead").verdict
        == "inconclusive"
    )
    # Where the remedy's runs diverged, their zero counts are no evidence of fewer dead units.
    fewer = side_by_side({"none": 0.3, "redo": 0.0})
    outcome = fewer.outcome.copy()
    outcome[1, :9] = "diverged"
    gone = dataclasses.replace(fewer, outcome=outcome)
    assert evidence.remedy_helps(fewer, "redo", "dead").verdict == "holds"
    assert evidence.remedy_helps(gone, "redo", "dead").verdict == "inconclusive"


@pytest.mark.parametrize(
    ("relu", "remedy", "expected"),
    [(2, 10, "holds"), (10, 2, "does not hold"), (5, 6, "inconclusive"), (10, 10, "inconclusive")],
)
def test_remedy_helps_by_runs_trained(relu: int, remedy: int, expected: str) -> None:
    result = side_by_side({"none": 0.3, "rai": 0.3}, trained={"none": relu, "rai": remedy})
    verdict = evidence.remedy_helps(result, "rai", "trained")
    assert verdict.verdict == expected
    assert f"{remedy} of {SEEDS} against {relu}" in verdict.reason


@pytest.mark.parametrize(("remedy", "expected"), [(0.95, "holds"), (0.85, "does not hold")])
def test_remedy_helps_by_score_where_both_runs_trained(remedy: float, expected: str) -> None:
    result = side_by_side({"none": 0.3, "leaky_relu": 0.3}, score={"leaky_relu": remedy})
    assert evidence.remedy_helps(result, "leaky_relu", "score").verdict == expected
    # With one seed on which both trained there is no interval.
    few = side_by_side({"none": 0.3, "leaky_relu": 0.3}, trained={"none": 1},
                       score={"leaky_relu": remedy})  # fmt: skip
    assert evidence.remedy_helps(few, "leaky_relu", "score").verdict == "inconclusive"


def test_remedy_helps_corrects_the_family_and_checks_its_arguments() -> None:
    # Per seed, ReDo leaves 1.1 units fewer dead (one-sided p = 0.024): shown alone, but not
    # once Holm's correction counts six other remedies, whose runs equal plain ReLU's.
    def family(n_others: int) -> SideBySide:
        result = side_by_side({"none": 0.3, "redo": 0.3, **dict.fromkeys(OTHERS[:n_others], 0.3)})
        dead = result.dead_end.copy()
        dead[1:] = dead[0]
        dead[1] = dead[0] - np.array([3, -1, 2, 0, 3, -1, 2, 1, 2, 0])
        return dataclasses.replace(result, dead_end=dead)

    assert evidence.remedy_helps(family(0), "redo", "dead").verdict == "holds"
    assert evidence.remedy_helps(family(6), "redo", "dead").verdict == "inconclusive"
    result = side_by_side({"none": 0.3, "redo": 0.1})
    with pytest.raises(ValueError, match="measure"):
        evidence.remedy_helps(result, "redo", "accuracy")
    with pytest.raises(ValueError, match="not 'none'"):
        evidence.remedy_helps(result, "none", "dead")
    with pytest.raises(ValueError, match="remedy"):
        evidence.remedy_helps(result, "adam", "dead")


OTHERS = ("leaky_relu", "rai", "lower_lr", "adam", "continual_backprop", "shrink_perturb")


def test_a_replicated_verdict_names_the_data_set_of_its_results() -> None:
    digits = side_by_side({"none": 0.3, "redo": 0.05})
    mnist = dataclasses.replace(digits, data="mnist1d")
    on_digits = evidence.replicated(
        evidence.remedy_helps, replicates(*[digits] * 3), "redo", "dead"
    )
    on_mnist = evidence.replicated(evidence.remedy_helps, replicates(*[mnist] * 3), "redo", "dead")
    assert on_digits.reason.endswith("; on the digits")
    assert on_mnist.reason.endswith("; on MNIST-1D")
    assert on_mnist.reason.removesuffix("; on MNIST-1D") == on_digits.reason.removesuffix(
        "; on the digits"
    )
    # A result that records no data set (Lu et al.'s regression) adds nothing.
    verdict = evidence.replicated(evidence.lu_reproduced, replicates(*[lu(198, 200)] * 3))
    assert verdict.reason == evidence.lu_reproduced(lu(198, 200)).reason


def test_remedy_verdicts_gives_every_remedy_and_measure_its_replicated_verdict() -> None:
    fewer = side_by_side({"none": 0.3, "redo": 0.05, "leaky_relu": 0.4})
    disagree = side_by_side({"none": 0.3, "redo": 0.4, "leaky_relu": 0.4})
    verdicts = evidence.remedy_verdicts(replicates(fewer, fewer, disagree))
    assert set(verdicts) == {
        (remedy, measure)
        for remedy in ("redo", "leaky_relu")
        for measure in evidence.REMEDY_MEASURES
    }
    assert verdicts["redo", "dead"] == "fragile"
    assert verdicts["leaky_relu", "dead"] == "does not hold"
    with pytest.raises(TypeError, match="replicates"):
        evidence.remedy_verdicts(fewer)  # type: ignore[arg-type]
