"""dying_relu.runner: the shape of an experiment, and its three replicates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from dying_relu import MLP, experiments, runner
from dying_relu.init import nudge, nudge_generator


@dataclass(frozen=True, eq=False)
class Draws(runner.Result):
    """A toy result: the first weight of each member's first layer."""

    first_weight: np.ndarray
    label: str


@runner.experiment(Draws, seeds=range(3))
def draws(members: runner.Members, label: str = "x") -> dict[str, Any]:
    """Draw one small network per seed and keep its first weight."""
    net = members.network([2, 3, 1], "relu", dtype=np.float64)
    return {"first_weight": net.params[0][:, 0, 0].copy(), "label": label}


def test_an_experiment_records_its_seeds_and_settings() -> None:
    result = draws(label="y")
    assert isinstance(result, Draws)
    assert (result.seeds, result.perturbed, result.label) == ((0, 1, 2), False, "y")
    assert result.n_seeds == 3
    assert draws(seeds=[5]).seeds == (5,)
    assert draws.result_type is Draws
    assert draws.default_seeds == (0, 1, 2)


def test_an_experiment_checks_its_seeds_and_perturbed() -> None:
    with pytest.raises(TypeError, match="perturbed"):
        draws(perturbed="yes")
    with pytest.raises(ValueError, match="seeds"):
        draws(seeds=[])
    with pytest.raises(ValueError, match="seeds"):
        draws(seeds=[-1])


def test_the_signature_shows_the_settings_and_the_seeds() -> None:
    import inspect

    names = list(inspect.signature(experiments.leaky_vs_relu).parameters)
    assert names[0] == "negative_slopes"
    assert names[-2:] == ["seeds", "perturbed"]
    assert "members" not in names


def test_members_make_one_network_per_seed_repeated_in_blocks() -> None:
    members = runner.Members((4, 7))
    net = members.network([2, 3, 1], "leaky_relu", negative_slope=0.0, repeat=3)
    assert net.seeds == (4, 7, 4, 7, 4, 7)
    assert net.activation == "relu"
    assert net.dtype == np.float32
    lone = MLP([2, 3, 1], "relu", seed=7, dtype=np.float32)
    np.testing.assert_array_equal(net.params[0][3], lone.params[0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_nudge_moves_every_weight_by_one_unit_in_the_last_place(dtype: type) -> None:
    plain = runner.Members((0, 1)).network([5, 4, 3], "relu", dtype=dtype)
    nudged = runner.Members((0, 1), perturbed=True).network([5, 4, 3], "relu", dtype=dtype)
    for layer in range(2):
        before, after = plain.params[2 * layer], nudged.params[2 * layer]
        steps = np.abs(after - before) / np.spacing(np.abs(before))
        # One step up or down; where a weight is a power of two, the step below is half.
        assert np.all((steps >= 0.5) & (steps <= 1.0))
        up = after > before
        assert 0 < up.mean() < 1
        # The biases are not weights, and stay as drawn.
        np.testing.assert_array_equal(plain.params[2 * layer + 1], nudged.params[2 * layer + 1])


def test_the_nudge_of_a_seed_is_the_same_in_every_block_and_every_call() -> None:
    nudged = runner.Members((3,), perturbed=True).network([4, 2], "relu", repeat=2)
    np.testing.assert_array_equal(nudged.params[0][0], nudged.params[0][1])
    again = runner.Members((3,), perturbed=True).network([4, 2], "relu")
    np.testing.assert_array_equal(nudged.params[0][0], again.params[0][0])


def test_nudge_rejects_what_it_cannot_move() -> None:
    with pytest.raises(TypeError, match="values"):
        nudge(np.arange(3), nudge_generator(0))
    with pytest.raises(TypeError, match="rng"):
        nudge(np.zeros(3), 0)  # type: ignore[arg-type]


def test_other_seeds_are_disjoint_and_as_many() -> None:
    assert runner.other_seeds(range(10)) == tuple(range(10, 20))
    assert runner.other_seeds((3, 9, 4)) == (10, 16, 11)
    assert not set(runner.other_seeds((0, 100))) & {0, 100}


def test_replicate_runs_the_page_seeds_other_seeds_and_the_nudge() -> None:
    reps = runner.replicate(draws, label="z", seeds=(0, 1))
    page, other, nudged = reps
    assert (page.seeds, other.seeds, nudged.seeds) == ((0, 1), (2, 3), (0, 1))
    assert (page.perturbed, other.perturbed, nudged.perturbed) == (False, False, True)
    assert {r.label for r in reps} == {"z"}
    assert len(reps) == 3
    assert reps[1] is other
    assert reps.labels == ("seeds 0 to 1", "seeds 2 to 3", "seeds 0 to 1, nudged")
    assert np.all(page.first_weight != nudged.first_weight)
    np.testing.assert_allclose(page.first_weight, nudged.first_weight, rtol=1e-15)
    assert runner.replicate(draws).page.seeds == (0, 1, 2)


def test_replicate_takes_experiments_only_and_chooses_the_nudge_itself() -> None:
    with pytest.raises(TypeError, match="experiment"):
        runner.replicate(print)  # type: ignore[arg-type, type-var]
    with pytest.raises(TypeError, match="perturbed"):
        runner.replicate(draws, perturbed=True)


def test_stack_collects_the_fields_of_configurations() -> None:
    rows = [{"a": np.arange(6), "b": np.zeros((6, 2))}, {"a": np.arange(6), "b": np.ones((6, 2))}]
    fields = runner.stack(rows, (2, 3))
    assert fields["a"].shape == (2, 2, 3)
    assert fields["b"].shape == (2, 2, 3, 2)
    np.testing.assert_array_equal(fields["b"][1], 1.0)
    assert runner.stack(rows)["a"].shape == (2, 6)
    with pytest.raises(ValueError, match="rows"):
        runner.stack([])


def test_describe_names_runs_of_seeds_and_lone_seeds() -> None:
    assert runner.Members((5,)).describe() == "seed 5"
    assert runner.Members((1, 4)).describe() == "seeds 1, 4"
    assert runner.Members((2, 3, 4), perturbed=True).describe() == "seeds 2 to 4, nudged"
