"""Permuted Digits: the tasks, what is measured at the end of each, and what each method does."""

from __future__ import annotations

import numpy as np
import pytest

from dying_relu import load_digits_split
from dying_relu.continual import METHODS, PermutedDigits, permuted_digits, task_permutation

SMALL = {"n_tasks": 3, "width": 8, "seeds": (0, 1)}


@pytest.fixture(scope="module")
def small() -> PermutedDigits:
    return permuted_digits(**SMALL)


def test_each_task_is_a_fixed_order_of_the_pixels_of_its_own() -> None:
    orders = [task_permutation(t) for t in range(5)]
    for order in orders:
        assert sorted(order.tolist()) == list(range(64))
    assert len({tuple(order) for order in orders}) == 5
    assert np.array_equal(task_permutation(2), orders[2])
    with pytest.raises(ValueError, match="task"):
        task_permutation(-1)


def test_every_method_is_measured_after_every_task(small: PermutedDigits) -> None:
    methods, tasks, seeds = len(METHODS), 3, 2
    assert small.methods == tuple(METHODS)
    assert small.labels == list(METHODS.values())
    assert small.accuracy.shape == (methods, tasks, seeds)
    assert small.dead.shape == (methods, tasks, seeds)
    assert small.dormant.shape == (methods, tasks, seeds, small.taus.size)
    assert small.outcome.shape == (methods, seeds)
    assert set(small.outcome.ravel()) <= {"trained", "collapsed", "diverged"}
    assert ((small.accuracy >= 0) & (small.accuracy <= 1)).all()
    # The dormant share can only grow with tau, and the units restarted are counted only
    # for the methods that restart units.
    assert (np.diff(small.dormant, axis=-1) >= 0).all()
    restarts = {m: int(small.recycled[i].sum()) for i, m in enumerate(small.methods)}
    assert restarts["backprop"] == restarts["l2"] == restarts["shrink_perturb"] == 0
    assert restarts["leaky_relu"] == 0


def test_for_relu_a_unit_dormant_at_tau_zero_is_a_dead_unit(small: PermutedDigits) -> None:
    zero = small.tau_index(0.0)
    relu = [i for i, m in enumerate(small.methods) if m != "leaky_relu"]
    assert np.array_equal(small.dead[relu], small.dormant[relu][..., zero])


def test_a_seed_gives_the_same_runs_and_a_method_alone_the_same_numbers(
    small: PermutedDigits,
) -> None:
    alone = permuted_digits(("redo",), **SMALL)
    redo = small.method_index("redo")
    assert np.array_equal(alone.accuracy[0], small.accuracy[redo])
    assert np.array_equal(alone.dormant[0], small.dormant[redo])


def test_the_networks_learn_the_first_task() -> None:
    result = permuted_digits(("backprop",), n_tasks=1, seeds=(0, 1))
    assert (result.accuracy[0, 0] > 0.8).all()
    assert (result.outcome == "trained").all()


def test_redo_restarts_units_at_task_boundaries_only() -> None:
    one = permuted_digits(("redo",), n_tasks=1, width=8, seeds=(0,), redo_tau=1.0)
    two = permuted_digits(("redo",), n_tasks=2, width=8, seeds=(0,), redo_tau=1.0)
    assert int(one.recycled.sum()) == 0
    # At tau = 1 at least one unit of each layer is at or below its layer's mean score.
    assert int(two.recycled.sum()) >= 2


def test_a_run_that_diverges_is_classified_and_measured_no_further() -> None:
    result = permuted_digits(("backprop",), n_tasks=2, width=8, seeds=(0,), lr=1e6)
    assert result.outcome[0, 0] == "diverged"
    assert np.isnan(result.accuracy[0, -1, 0])
    assert np.isnan(result.dormant[0, -1, 0]).all()


@pytest.mark.parametrize(
    ("settings", "error", "name"),
    [
        ({"methods": "redo"}, TypeError, "methods"),
        ({"methods": ("redo", "redo")}, ValueError, "methods"),
        ({"methods": ("adam",)}, ValueError, "methods"),
        ({"n_tasks": 0}, ValueError, "n_tasks"),
        ({"lr": -1.0}, ValueError, "lr"),
        ({"taus": (0.1,)}, ValueError, "taus"),
        ({"l2": -1.0}, ValueError, "l2"),
        ({"shrink": 1.5}, ValueError, "shrink"),
        ({"batch_size": 5000}, ValueError, "batch_size"),
    ],
)
def test_bad_settings_are_named(
    settings: dict[str, object], error: type[Exception], name: str
) -> None:
    with pytest.raises(error, match=name):
        permuted_digits(**{**SMALL, **settings})


def test_the_data_are_the_digits_split_or_mnist1d() -> None:
    assert load_digits_split().X_train.shape[1] == task_permutation(0).size
    result = permuted_digits(("backprop",), data="mnist1d", n_tasks=1, width=8, seeds=(0,))
    assert result.accuracy.shape == (1, 1, 1)
    with pytest.raises(ValueError, match="data"):
        permuted_digits(("backprop",), data="mnist", n_tasks=1, seeds=(0,))
