import dataclasses
import math

import numpy as np
import pytest

from dying_relu.born_dead import (
    BornDeadEstimate,
    born_dead_probability,
    born_dead_probability_exact,
)

POINT = np.array([[0.3, -1.2, 2.0]])


def many_points(n: int = 24, dim: int = 2, seed: int = 7) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-1.0, 1.0, size=(n, dim))


# --- the closed form -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("width", "depth", "expected"),
    [
        (1, 1, 0.5),  # one unit, one sign: a fair coin
        (1, 2, 0.75),  # alive only if both coins land positive
        (3, 1, 1 / 8),
        (2, 2, 1 - (3 / 4) ** 2),
    ],
)
def test_exact_small_cases_by_hand(width: int, depth: int, expected: float) -> None:
    assert born_dead_probability_exact(width, depth) == pytest.approx(expected, abs=1e-15)


def test_exact_keeps_accuracy_for_tiny_probabilities() -> None:
    # For a 60-wide net the probability is about depth * 2**-60; 1 - (1 - p)**d would round to 0.
    assert born_dead_probability_exact(60, 3) == pytest.approx(3 * 2.0**-60, rel=1e-12)


def test_exact_tends_to_one_with_depth_and_zero_with_width() -> None:
    depths = np.arange(1, 400)
    by_depth = born_dead_probability_exact(4, depths)
    assert np.all(np.diff(by_depth) > 0)
    assert by_depth[-1] > 0.999
    by_width = born_dead_probability_exact(np.arange(1, 30), 10)
    assert np.all(np.diff(by_width) < 0)
    assert by_width[-1] < 1e-6


def test_exact_broadcasts_and_returns_float_for_scalars() -> None:
    grid = born_dead_probability_exact(np.array([[1], [2], [3]]), np.array([1, 5]))
    assert grid.shape == (3, 2)
    assert grid.dtype == np.float64
    assert isinstance(born_dead_probability_exact(2, 2), float)


@pytest.mark.parametrize(
    ("width", "depth", "error", "name"),
    [
        (0, 1, ValueError, "width"),
        (2, -1, ValueError, "depth"),
        ([1, 0], 1, ValueError, "width"),
        (2.0, 1, TypeError, "width"),
        (2, True, TypeError, "depth"),
        ("2", 1, TypeError, "width"),
    ],
)
def test_exact_rejects_bad_arguments(width: object, depth: object, error: type, name: str) -> None:
    with pytest.raises(error, match=name):
        born_dead_probability_exact(width, depth)  # type: ignore[arg-type]


# --- Monte Carlo against the closed form -----------------------------------------------


@pytest.mark.parametrize(
    ("width", "depth", "init"),
    [(1, 1, "he"), (2, 3, "he"), (3, 10, "he"), (4, 6, "xavier"), (2, 8, "xavier")],
)
def test_monte_carlo_agrees_with_exact(width: int, depth: int, init: str) -> None:
    est = born_dead_probability(width, depth, POINT, trials=20_000, init=init, seed=3)
    low, high = est.interval(0.999)
    assert low < born_dead_probability_exact(width, depth) < high


def test_positive_multiples_of_one_point_behave_as_one_point_across_chunks() -> None:
    # With zero biases a ReLU net is positively homogeneous, so the points t * x (t > 0) share
    # their activity pattern with x and the closed form still holds; 2000 points also force
    # the trials to be split into several chunks.
    scales = np.linspace(0.1, 5.0, 2000)[:, np.newaxis]
    est = born_dead_probability(2, 3, scales * POINT, trials=5000, seed=4)
    low, high = est.interval(0.999)
    assert low < born_dead_probability_exact(2, 3) < high


def test_zero_point_is_always_born_dead_with_zero_bias() -> None:
    est = born_dead_probability(5, 2, [[0.0, 0.0]], trials=200)
    assert est.born_dead == 200
    assert est.estimate == 1.0


def test_a_point_and_its_negative_cannot_kill_the_first_layer() -> None:
    # With zero bias z(-x) = -z(x): every unit is active on one of the two points.
    est = born_dead_probability(1, 1, np.vstack([POINT, -POINT]), trials=2000)
    assert est.born_dead == 0
    assert est.ci95[0] == 0.0
    assert 0.0 < est.ci95[1] < 0.01


# --- Lu et al.'s direction -------------------------------------------------------------


def test_probability_grows_towards_one_with_depth_on_many_points() -> None:
    points = many_points()
    shallow = born_dead_probability(3, 5, points, trials=3000, seed=1)
    deep = born_dead_probability(3, 60, points, trials=3000, seed=1)
    assert shallow.ci95[1] < deep.ci95[0]
    assert deep.ci95[0] > 0.95


def test_rai_lowers_the_probability() -> None:
    points = many_points()
    he = born_dead_probability(3, 20, points, trials=3000, init="he", seed=2)
    rai = born_dead_probability(3, 20, points, trials=3000, init="rai", seed=2)
    assert rai.ci95[1] < he.ci95[0]


# --- the result object -----------------------------------------------------------------


def test_estimate_fields_are_consistent() -> None:
    est = born_dead_probability(2, 4, many_points(), trials=1000, seed=5)
    assert isinstance(est, BornDeadEstimate)
    assert est.trials == 1000
    assert est.estimate == est.born_dead / 1000
    assert est.stderr == pytest.approx(math.sqrt(est.estimate * (1 - est.estimate) / 1000))
    assert est.ci95 == est.interval(0.95)
    assert est.ci95[0] < est.estimate < est.ci95[1]
    narrow, wide = est.interval(0.5), est.interval(0.999)
    assert wide[0] < narrow[0] < narrow[1] < wide[1]
    with pytest.raises(dataclasses.FrozenInstanceError):
        est.estimate = 0.0  # type: ignore[misc]


def test_wilson_interval_at_zero_successes_matches_its_closed_form() -> None:
    # With no successes the Wilson upper end is z^2 / (n + z^2); Wald would give [0, 0].
    est = BornDeadEstimate(0.0, 0.0, (0.0, 0.0), trials=100, born_dead=0)
    z = 1.959963984540054
    assert est.interval(0.95) == pytest.approx((0.0, z * z / (100 + z * z)))


@pytest.mark.parametrize("confidence", [0.0, 1.0, 1.5, float("nan")])
def test_interval_rejects_bad_confidence(confidence: float) -> None:
    est = BornDeadEstimate(0.5, 0.05, (0.4, 0.6), trials=100, born_dead=50)
    with pytest.raises(ValueError, match="confidence"):
        est.interval(confidence)


def test_same_seed_same_result_other_seed_other_sample() -> None:
    points = many_points()
    first = born_dead_probability(3, 8, points, trials=500, seed=11)
    again = born_dead_probability(3, 8, points, trials=500, seed=11)
    other = born_dead_probability(3, 8, points, trials=500, seed=12)
    assert first == again
    assert first.born_dead != other.born_dead


def test_inputs_are_not_modified() -> None:
    points = many_points()
    before = points.copy()
    born_dead_probability(3, 4, points, trials=50, bias="random")
    np.testing.assert_array_equal(points, before)


# --- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"width": 0}, ValueError, "width"),
        ({"width": 2.5}, TypeError, "width"),
        ({"depth": 0}, ValueError, "depth"),
        ({"depth": True}, TypeError, "depth"),
        ({"trials": 0}, ValueError, "trials"),
        ({"trials": 10.0}, TypeError, "trials"),
        ({"inputs": [1.0, 2.0]}, ValueError, "inputs"),
        ({"inputs": np.zeros((2, 2, 2))}, ValueError, "inputs"),
        ({"inputs": np.zeros((0, 2))}, ValueError, "inputs"),
        ({"inputs": [[1.0, np.nan]]}, ValueError, "inputs"),
        ({"inputs": [[np.inf, 1.0]]}, ValueError, "inputs"),
        ({"inputs": [["a", "b"]]}, TypeError, "inputs"),
        ({"init": "orthogonal"}, ValueError, "init"),
        ({"bias": "ones"}, ValueError, "bias"),
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": 1.5}, TypeError, "seed"),
    ],
)
def test_bad_input_names_the_argument(kwargs: dict[str, object], error: type, name: str) -> None:
    args: dict[str, object] = {"width": 2, "depth": 2, "inputs": POINT, "trials": 10}
    args.update(kwargs)
    with pytest.raises(error, match=name):
        born_dead_probability(**args)  # type: ignore[arg-type]


def test_a_nudged_estimate_draws_the_same_networks_moved_in_their_last_digit() -> None:
    points = np.random.default_rng(3).uniform(-1, 1, size=(16, 2))
    plain = born_dead_probability(3, 6, points, trials=4000, seed=5)
    nudged = born_dead_probability(3, 6, points, trials=4000, seed=5, perturbed=True)
    again = born_dead_probability(3, 6, points, trials=4000, seed=5, perturbed=True)
    assert nudged == again
    # Only a pre-activation within rounding of 0 can change sides: practically none.
    assert abs(nudged.born_dead - plain.born_dead) <= 2
    with pytest.raises(TypeError, match="perturbed"):
        born_dead_probability(3, 6, points, trials=10, perturbed=1)  # type: ignore[arg-type]
