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


# --- statistics --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("probability", "df", "expected"),
    # Two-sided critical values of Student's t, as printed in standard tables (e.g. NIST/SEMATECH
    # e-Handbook of Statistical Methods, section 1.3.6.7.2).
    [
        (0.975, 1, 12.706),
        (0.975, 2, 4.303),
        (0.975, 9, 2.262),
        (0.975, 11, 2.201),
        (0.975, 30, 2.042),
        (0.995, 5, 4.032),
        (0.999, 1, 318.309),
    ],
)
def test_t_quantile_matches_tables(probability: float, df: int, expected: float) -> None:
    assert experiments._t_quantile(probability, df) == pytest.approx(expected, abs=1e-3)


def test_t_quantile_tends_to_the_normal_quantile() -> None:
    assert experiments._t_quantile(0.975, 100_000) == pytest.approx(1.95996, abs=1e-4)
    assert experiments._t_quantile(0.5, 7) == 0.0


def test_activation_label() -> None:
    assert experiments.activation_label(0.0) == "ReLU"
    assert experiments.activation_label(0.2) == "Leaky ReLU (0.2)"


# --- vanishing gradients -----------------------------------------------------------------


def test_vanishing_gradients_shapes_and_physics() -> None:
    vg = experiments.vanishing_gradients(
        depths=(2, 30), activations=("sigmoid", "tanh", "relu", "leaky_relu"), seeds=(0, 1, 2)
    )
    assert vg.grad_norm.shape == (4, 2, 31)
    # A depth-2 network has 3 weight matrices; the rest of its row is padding.
    assert np.isfinite(vg.grad_norm[:, 0, :3]).all()
    assert np.isnan(vg.grad_norm[:, 0, 3:]).all()
    assert np.isfinite(vg.grad_norm[:, 1]).all()
    sigmoid, tanh, relu, leaky = vg.first_layer[:, 1]
    # Each sigmoid layer multiplies the gradient by at most 1/4 times a weight of order 1.
    assert sigmoid < 1e-6 * relu
    assert 0.05 < relu / leaky < 20
    # ReLU with He initialisation keeps the first layer's gradient of the same order as the last.
    assert vg.grad_norm[2, 1, 0] > 0.01 * vg.grad_norm[2, 1, 30]
    assert tanh > 1e3 * sigmoid


def test_vanishing_gradients_rejects_unknown_activation() -> None:
    with pytest.raises(ValueError, match="activations"):
        experiments.vanishing_gradients(activations=("relu", "swish"))


# --- bias shock ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shock() -> experiments.BiasShock:
    return experiments.bias_shock(
        (0.0, 0.2), epochs_before=4, epochs_after=8, width=32, seeds=(0, 1, 2)
    )


def test_bias_shock_shapes(shock: experiments.BiasShock) -> None:
    records = 4 + 1 + 8 + 1
    assert shock.step.shape == (records,)
    assert shock.loss.shape == shock.dead_fraction.shape == (2, records, 3)
    assert shock.recovered.shape == shock.test_accuracy.shape == (2, 3)
    # The shock step is recorded twice, just before and just after.
    assert np.count_nonzero(shock.step == shock.shock_step) == 2
    assert np.all(np.diff(shock.step) >= 0)
    assert np.all((shock.dead_fraction >= 0) & (shock.dead_fraction <= 1))


def test_bias_shock_kills_units_and_leaky_recovers_more(shock: experiments.BiasShock) -> None:
    assert np.all(shock.dead_after > shock.dead_before)
    np.testing.assert_array_equal(shock.dead_after, shock.dead_fraction[:, 5])
    relu, leaky = np.nanmean(shock.recovered, axis=1)
    assert leaky > relu
    assert np.mean(shock.dead_end[1]) < np.mean(shock.dead_end[0])
    # The loss jumps at the shock.
    assert np.all(shock.loss[:, 5] > shock.loss[:, 4])


def test_bias_shock_is_deterministic(shock: experiments.BiasShock) -> None:
    again = experiments.bias_shock(
        (0.0, 0.2), epochs_before=4, epochs_after=8, width=32, seeds=(0, 1, 2)
    )
    np.testing.assert_array_equal(again.loss, shock.loss)
    np.testing.assert_array_equal(again.recovered, shock.recovered)


# --- learning rate sweep -------------------------------------------------------------------


def test_learning_rate_sweep_shapes_and_divergence_is_recorded() -> None:
    sweep = experiments.learning_rate_sweep((0.1, 2.0, 50.0), seeds=(0, 1), epochs=2, width=32)
    assert sweep.dead_fraction.shape == sweep.diverged.shape == (2, 3, 2)
    assert sweep.labels == ("ReLU", "Leaky ReLU (0.01)")
    finite = ~sweep.diverged
    assert np.all(np.isfinite(sweep.dead_fraction[finite]))
    assert np.all(np.isnan(sweep.dead_fraction[sweep.diverged]))
    assert np.all((sweep.dead_fraction[finite] >= 0) & (sweep.dead_fraction[finite] <= 1))
    # An absurd learning rate: every run either diverges or ends with dead units.
    extreme = sweep.dead_fraction[:, 2][finite[:, 2]]
    assert np.all(extreme > 0)
    # A sensible one trains: nothing diverges, and the test accuracy is far above chance.
    assert not sweep.diverged[:, 0].any()
    assert np.all(sweep.test_accuracy[:, 0] > 0.8)


# --- leaky vs relu -------------------------------------------------------------------------


def test_leaky_vs_relu_verdicts_agree_with_intervals() -> None:
    study = experiments.leaky_vs_relu(
        (0.0, 0.01, 0.2), lrs=(0.1, 1.4), seeds=tuple(range(4)), epochs=3, width=32
    )
    assert study.accuracy.shape == (3, 2, 4)
    assert study.verdict.shape == study.difference.shape == (2, 2)
    assert np.all((study.ci_low <= study.mean) & (study.mean <= study.ci_high))
    for verdict, low, high in zip(
        study.verdict.ravel(),
        study.difference_low.ravel(),
        study.difference_high.ravel(),
        strict=True,
    ):
        assert verdict in experiments.VERDICTS
        expected = "better" if low > 0 else "worse" if high < 0 else "no detectable difference"
        assert verdict == expected
    np.testing.assert_allclose(
        study.difference, (study.accuracy[1:] - study.accuracy[:1]).mean(axis=-1)
    )
    # Diverged runs are scored at chance.
    np.testing.assert_array_equal(study.accuracy[study.diverged], 0.1)


def test_leaky_vs_relu_needs_relu_first_and_two_seeds() -> None:
    with pytest.raises(ValueError, match="negative_slopes"):
        experiments.leaky_vs_relu((0.01, 0.2))
    with pytest.raises(ValueError, match="seeds"):
        experiments.leaky_vs_relu(seeds=(0,))
    with pytest.raises(ValueError, match="confidence"):
        experiments.leaky_vs_relu(confidence=1.0)
    with pytest.raises(ValueError, match="lrs"):
        experiments.leaky_vs_relu(lrs=(0.1, -1.0))
