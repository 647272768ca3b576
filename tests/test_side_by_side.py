"""The remedies side by side: what each run measures, the pairing by seed, bad arguments."""

from __future__ import annotations

import numpy as np
import pytest

from dying_relu.side_by_side import (
    REMEDIES,
    SETTINGS,
    SideBySide,
    remedies_side_by_side,
    which_help,
)

SEEDS = (0, 1, 2)


@pytest.fixture(scope="module")
def shock() -> SideBySide:
    return remedies_side_by_side("bias_shock", ("none", "leaky_relu", "redo"), seeds=SEEDS)


@pytest.fixture(scope="module")
def narrow() -> SideBySide:
    return remedies_side_by_side("deep_narrow", ("none", "rai", "redo"), seeds=range(12))


def test_every_run_is_counted_and_classified(shock: SideBySide) -> None:
    assert shock.setting == "bias_shock"
    assert shock.remedies == ("none", "leaky_relu", "redo")
    assert (shock.epochs, shock.shock_epoch) == (15, 5)
    assert shock.labels == [REMEDIES[r] for r in shock.remedies]
    assert shock.n_hidden == 128
    assert shock.score_name == "test accuracy"
    for counts in (shock.died, shock.revived, shock.dead_end, shock.recycled):
        assert counts.shape == (3, 3)
        assert (counts >= 0).all()
    # Units that came back are among those that died; units dead at the end died at the end.
    assert (shock.revived <= shock.died).all()
    assert (shock.dead_end <= shock.died).all()
    assert np.array_equal(shock.died - shock.revived, shock.dead_end)
    assert set(shock.outcome.ravel()) <= {"trained", "collapsed", "diverged"}
    assert ((shock.score >= 0) & (shock.score <= 1)).all()


def test_the_shock_kills_units_and_only_redo_brings_back_the_first_layers(
    shock: SideBySide,
) -> None:
    # A shift of 8 on half of each layer's 64 units kills most of those 64 shocked units.
    assert (shock.died >= 32).all()
    relu, redo = shock.remedy_index("none"), shock.remedy_index("redo")
    assert (shock.recycled[relu] == 0).all()
    assert (shock.recycled[redo] > 0).all()
    # ReDo recycles the dead units at every epoch: none is dead at the end.
    assert (shock.dead_end[redo] == 0).all()
    assert (shock.dead_end[relu] > 0).all()


def test_a_remedy_alone_computes_what_it_computes_beside_the_others(shock: SideBySide) -> None:
    alone = remedies_side_by_side("bias_shock", ("none", "redo"), seeds=SEEDS)
    for name in ("died", "revived", "dead_end", "recycled", "score"):
        ours, theirs = getattr(alone, name), getattr(shock, name)
        assert np.array_equal(ours[1], theirs[shock.remedy_index("redo")]), name
        assert np.array_equal(ours[0], theirs[0]), name


def test_the_deep_narrow_network_reports_variance_explained(narrow: SideBySide) -> None:
    assert narrow.score_name == "variance explained"
    assert narrow.optimizer == "Adam"
    assert narrow.n_hidden == 20
    assert (narrow.score <= 1.0).all()
    # Plain ReLU collapses in most of Lu et al.'s runs; a collapsed run explains (nearly)
    # nothing, a trained one more than 1 %.
    relu = narrow.outcome[0]
    assert (relu == "collapsed").sum() > (relu == "trained").sum()
    assert (narrow.score[narrow.outcome == "trained"] > 0.01).all()
    # RAI and ReDo leave fewer units dead than He's initialisation does.
    assert narrow.dead_end[1].sum() < narrow.dead_end[0].sum()
    assert narrow.dead_end[2].sum() < narrow.dead_end[0].sum()


def test_each_setting_trains_as_it_says() -> None:
    high = remedies_side_by_side("high_lr", ("none", "lower_lr", "adam"), seeds=(0,))
    assert high.optimizer == "SGD"
    assert high.lr == 1.4
    assert high.lower_lr == pytest.approx(0.1)
    assert high.epochs == 5
    assert high.shock_epoch == 0
    assert high.steps == 5 * (1347 // 64)  # the digits' 1347 training images, batches of 64
    assert set(SETTINGS) == {"bias_shock", "high_lr", "deep_narrow"}


@pytest.mark.parametrize(
    ("setting", "remedies", "error", "match"),
    [
        ("shock", ("none",), ValueError, "setting"),
        ("high_lr", ("redo",), ValueError, "start with 'none'"),
        ("high_lr", ("none", "redo", "redo"), ValueError, "once"),
        ("high_lr", ("none", "dropout"), ValueError, "remedies"),
        ("high_lr", "none", TypeError, "remedies"),
        ("deep_narrow", ("none", "adam"), ValueError, "adam"),
    ],
)
def test_bad_arguments_name_themselves(
    setting: str, remedies: object, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        remedies_side_by_side(setting, remedies, seeds=(0,))


def test_the_classification_settings_run_on_mnist1d() -> None:
    high = remedies_side_by_side("high_lr", ("none", "leaky_relu"), seeds=(0,), data="mnist1d")
    assert high.data == "mnist1d"
    assert high.steps == 5 * (4000 // 64)  # MNIST-1D's 4000 training signals
    assert np.allclose(np.round(high.score * 1000), high.score * 1000)  # 1000 test signals
    narrow = remedies_side_by_side("deep_narrow", ("none",), seeds=(0,))
    assert narrow.data == "abs"
    with pytest.raises(ValueError, match="data"):
        remedies_side_by_side("high_lr", ("none",), seeds=(0,), data="mnist")
    with pytest.raises(ValueError, match="data"):
        remedies_side_by_side("deep_narrow", ("none",), seeds=(0,), data="mnist1d")


def test_which_help_names_the_remedies_that_hold_in_the_order_given() -> None:
    verdicts = {
        ("continual_backprop", "dead"): "holds",
        ("leaky_relu", "dead"): "does not hold",
        ("adam", "dead"): "fragile",
        ("redo", "dead"): "holds",
        ("rai", "dead"): "holds",
        ("adam", "score"): "holds",
        ("redo", "trained"): "inconclusive",
    }
    assert which_help(verdicts, "dead") == "Continual backprop, ReDo and RAI initialisation"
    assert which_help(verdicts, "score") == "Adam"
    assert which_help(verdicts, "trained") == "none of them"
    assert which_help({}, "dead") == "none of them"
    with pytest.raises(ValueError, match="measure"):
        which_help(verdicts, "accuracy")
