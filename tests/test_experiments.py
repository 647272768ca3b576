import numpy as np
import pytest

from dying_relu import experiments

# --- born dead -------------------------------------------------------------------------


def test_born_dead_grid_shapes_probabilities_and_agreement_with_exact() -> None:
    grid = experiments.born_dead_grid(widths=(2, 4), depths=(1, 3, 12), trials=3000)
    assert grid.estimate.shape == grid.ci_low.shape == grid.ci_high.shape == (4, 2, 3)
    assert grid.exact.shape == (2, 3)
    assert np.all((grid.ci_low <= grid.estimate) & (grid.estimate <= grid.ci_high))
    assert np.all((grid.ci_low >= 0) & (grid.ci_high <= 1))
    he_one = grid.settings.index("he, one point")
    # A 95 % interval misses now and then; widen it by half to keep the test decisive.
    half = (grid.ci_high[he_one] - grid.ci_low[he_one]) / 2
    assert np.all(np.abs(grid.estimate[he_one] - grid.exact) < 1.5 * half + 1e-12)


def test_born_dead_grid_shows_depth_and_rai_effects() -> None:
    grid = experiments.born_dead_grid(widths=(3,), depths=(2, 30), trials=2000)
    he_many = grid.settings.index("he, many points")
    rai_many = grid.settings.index("rai, many points")
    # Deeper is deadlier, and RAI is less deadly, beyond the intervals.
    assert grid.ci_high[he_many, 0, 0] < grid.ci_low[he_many, 0, 1]
    assert grid.ci_high[rai_many, 0, 1] < grid.ci_low[he_many, 0, 1]


def test_born_dead_grid_is_deterministic() -> None:
    first = experiments.born_dead_grid(widths=(2,), depths=(4,), trials=300, seed=3)
    again = experiments.born_dead_grid(widths=(2,), depths=(4,), trials=300, seed=3)
    np.testing.assert_array_equal(first.estimate, again.estimate)


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"widths": (0, 2)}, ValueError, "width"),
        ({"depths": (1.5,)}, TypeError, "depth"),
        ({"trials": 0}, ValueError, "trials"),
        ({"n_points": -1}, ValueError, "n_points"),
        ({"input_dim": 2.0}, TypeError, "input_dim"),
    ],
)
def test_born_dead_grid_rejects_bad_input(
    kwargs: dict[str, object], error: type, name: str
) -> None:
    with pytest.raises(error, match=name):
        experiments.born_dead_grid(**kwargs)  # type: ignore[arg-type]
