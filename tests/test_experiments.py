from typing import Any

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
    first = experiments.born_dead_grid(widths=(2,), depths=(4,), trials=300, seeds=(3,))
    again = experiments.born_dead_grid(widths=(2,), depths=(4,), trials=300, seeds=(3,))
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
        experiments.born_dead_grid(**kwargs)


# --- run classes ---------------------------------------------------------------------------


def test_classify_runs_follows_its_rule() -> None:
    outcome = experiments.classify_runs(
        diverged=[True, False, False, False, False],
        layer_dead=[True, True, False, False, False],
        test_correct=[450, 450, 44, 70, 400],
        n_test=450,
        chance=0.1,
    )
    # Divergence first; a dead layer or an accuracy indistinguishable from chance collapses a
    # run even when the other criterion looks fine; 70 of 450 is clearly above 10 %.
    assert outcome.tolist() == ["diverged", "collapsed", "collapsed", "trained", "trained"]


def test_classify_runs_without_a_test_set_judges_dead_layers_only() -> None:
    outcome = experiments.classify_runs([False, False], [True, False])
    assert outcome.tolist() == ["collapsed", "trained"]
    with pytest.raises(ValueError, match="n_test"):
        experiments.classify_runs([False], [False], test_correct=[3])


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


# --- weight scale and training -----------------------------------------------------------


def test_weight_scale_gradients_saturate_tanh_and_scale_the_signal() -> None:
    ws = experiments.weight_scale_gradients(
        (0.5, 1.0, 4.0), ("tanh", "relu"), depth=8, seeds=(0, 1)
    )
    assert ws.weight_ratio.shape == ws.bias_ratio.shape == (2, 3, 2)
    tanh, relu = ws.mean_derivative
    assert np.all(np.diff(tanh) < 0)
    np.testing.assert_allclose(relu, 0.5, atol=0.05)
    # With zero biases, the error signal through eight ReLU layers scales with the weights.
    assert np.all(np.diff(np.log(ws.bias_ratio[1]), axis=0) > 0)


def test_training_gradients_records_every_epoch() -> None:
    tg = experiments.training_gradients(("sigmoid", "relu"), depth=3, epochs=3, seeds=(0, 1))
    assert tg.ratio.shape == (2, 4, 2)
    assert tg.step.tolist() == [0, 21, 42, 63]
    assert np.all(np.isfinite(tg.ratio))
    assert np.all(tg.ratio > 0)


# --- bias shock ----------------------------------------------------------------------------


#: A small shock: two activations, two shift sizes, three seeds.
SHOCK: dict[str, Any] = {
    "negative_slopes": (0.0, 0.2),
    "shifts": (4.0, 16.0),
    "map_shift": 16.0,
    "epochs_before": 3,
    "epochs_after": 4,
    "width": 16,
    "seeds": (0, 1, 2),
}


@pytest.fixture(scope="module")
def shock() -> experiments.BiasShock:
    return experiments.bias_shock(**SHOCK)


def test_bias_shock_counts(shock: experiments.BiasShock) -> None:
    assert shock.shifts.tolist() == [0.0, 4.0, 16.0]
    assert shock.killed.shape == shock.dead_end.shape == (2, 3, 3, 2)
    assert shock.revived.shape == (2, 3, 3, 2, shock.thresholds.size)
    assert shock.n_shocked == 8
    assert np.all(shock.killed <= shock.n_shocked)
    # A unit active at a higher threshold is active at every lower one.
    assert np.all(np.diff(shock.revived, axis=-1) <= 0)
    assert np.all(shock.revived[..., 0] <= shock.killed)


def test_a_bigger_shock_kills_more(shock: experiments.BiasShock) -> None:
    killed = shock.killed.sum(axis=-1)
    assert np.all(killed[:, 2] >= killed[:, 1])
    assert np.all(killed[:, 2] > killed[:, 0])


def test_a_dead_relu_unit_of_the_first_layer_never_comes_back(
    shock: experiments.BiasShock,
) -> None:
    relu = 0
    assert shock.killed[relu, 1:, :, 0].sum() > 0
    assert shock.revived[relu, :, :, 0].sum() == 0
    first = shock.recovered(0.0, layers="first")[relu, 1:]
    assert np.all(np.isnan(first) | (first == 0.0))


def test_the_activity_maps_show_the_shock(shock: experiments.BiasShock) -> None:
    units = 2 * shock.width
    assert shock.map_before.shape == (2, units, 1347)
    dead_after = np.asarray(~shock.map_after.any(axis=-1))
    assert np.all(dead_after.sum(axis=-1) > (~shock.map_before.any(axis=-1)).sum(axis=-1))
    # In the first layer, which sees the data itself, the shock kills only units it hits; in
    # the second, a unit it spared can die too, because its inputs changed.
    spared = ~shock.map_shocked[: shock.width]
    alive_before = np.asarray(shock.map_before[:, : shock.width].any(axis=-1))
    assert not np.any(dead_after[:, : shock.width][:, spared] & alive_before[:, spared])


def test_bias_shock_is_deterministic(shock: experiments.BiasShock) -> None:
    again = experiments.bias_shock(**SHOCK)
    np.testing.assert_array_equal(again.revived, shock.revived)
    np.testing.assert_array_equal(again.accuracy, shock.accuracy)


def test_bias_shock_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="shocked_share"):
        experiments.bias_shock(shocked_share=1.5)
    with pytest.raises(ValueError, match="map_shift"):
        experiments.bias_shock(shifts=(4.0,), map_shift=8.0)
    with pytest.raises(ValueError, match="thresholds"):
        experiments.bias_shock(thresholds=(0.0, 2.0))


# --- learning rate sweep -------------------------------------------------------------------


def test_learning_rate_sweep_classifies_and_explains_every_death() -> None:
    sweep = experiments.learning_rate_sweep(
        "sgd", (0.1, 2.8, 50.0), seeds=(0, 1), epochs=2, width=32
    )
    assert sweep.dead_per_layer.shape == (2, 3, 2, 2)
    assert sweep.labels == ("ReLU", "Leaky ReLU (0.01)")
    diverged = sweep.outcome == "diverged"
    assert np.all(np.isnan(sweep.dead_fraction[diverged]))
    assert np.all(np.isfinite(sweep.dead_fraction[~diverged]))
    # Every unit dead at the end has exactly one cause.
    units = np.rint(sweep.dead_per_layer * 32).sum(axis=-1)
    np.testing.assert_array_equal(sweep.deaths.sum(axis=-1)[~diverged], units[~diverged])
    assert np.all(sweep.deaths[diverged] == 0)
    # A sensible learning rate trains; an absurd one does not.
    assert np.all(sweep.outcome[:, 0] == "trained")
    assert not np.any(sweep.outcome[:, 2] == "trained")


def test_learning_rate_sweep_with_adam_uses_its_own_rates() -> None:
    sweep = experiments.learning_rate_sweep("adam", seeds=(0,), epochs=1, width=8)
    assert sweep.optimizer == "Adam"
    assert sweep.lrs.tolist() == list(experiments.DEFAULT_LRS["adam"])
    with pytest.raises(ValueError, match="optimizer"):
        experiments.learning_rate_sweep("rmsprop")


# --- leaky vs relu -------------------------------------------------------------------------


def test_leaky_vs_relu_keeps_divergence_apart() -> None:
    study = experiments.leaky_vs_relu(
        (0.0, 0.2), lrs=(0.1, 50.0), seeds=tuple(range(3)), epochs=2, hidden=(32, 32)
    )
    assert study.accuracy.shape == study.outcome.shape == (2, 2, 3)
    diverged = study.outcome == "diverged"
    assert np.all(np.isnan(study.accuracy[diverged]))
    assert np.all(np.isfinite(study.accuracy[~diverged]))
    assert np.all(study.outcome[:, 0] == "trained")
    assert np.all(study.dead_init[:, 1] == study.dead_init[:, 0])


def test_leaky_vs_relu_looks_up_settings_and_pairs_trained_runs() -> None:
    outcome = np.array(
        [[["trained", "trained", "diverged"]], [["trained", "collapsed", "trained"]]]
    )
    study = experiments.LeakyVsRelu(
        negative_slopes=np.array([0.0, 0.2]),
        lrs=np.array([0.3]),
        seeds=(0, 1, 2),
        hidden=(8,),
        optimizer="SGD",
        epochs=1,
        accuracy=np.array([[[0.9, 0.8, np.nan]], [[0.95, 0.1, 0.97]]]),
        outcome=outcome,
        dead_init=np.zeros((2, 1, 3)),
        dead_end=np.zeros((2, 1, 3)),
        data="digits",
    )
    assert (study.slope_index(0.2), study.lr_index(0.3)) == (1, 0)
    with pytest.raises(ValueError, match="negative_slope"):
        study.slope_index(0.01)
    with pytest.raises(ValueError, match="lr"):
        study.lr_index(1.4)
    np.testing.assert_allclose(study.trained_accuracy(1, 0), [0.95, np.nan, 0.97])
    # Only the first seed trained with both activations.
    np.testing.assert_allclose(study.trained_difference(1, 0), [0.05, np.nan, np.nan])


def test_leaky_vs_relu_needs_relu_first_and_two_seeds() -> None:
    with pytest.raises(ValueError, match="negative_slopes"):
        experiments.leaky_vs_relu((0.01, 0.2))
    with pytest.raises(ValueError, match="seeds"):
        experiments.leaky_vs_relu(seeds=(0,))
    with pytest.raises(ValueError, match="lrs"):
        experiments.leaky_vs_relu(lrs=(0.1, -1.0))
    with pytest.raises(ValueError, match="hidden"):
        experiments.leaky_vs_relu(hidden=(0,))


# --- Lu et al. -------------------------------------------------------------------------------


def test_lu_collapse_born_dead_networks_stay_collapsed() -> None:
    lu = experiments.lu_collapse(steps=50, seeds=tuple(range(40)))
    assert lu.outcome.shape == lu.born_dead.shape == (2, 40)
    collapsed = lu.outcome == "collapsed"
    # A network born dead has zero gradient below its dead layer, and the layer stays dead.
    assert np.all(collapsed[lu.born_dead])
    he, rai = lu.inits.index("he"), lu.inits.index("rai")
    # After 50 steps nearly every run still fits no better than a constant; a dead layer is
    # what tells the initialisations apart.
    assert lu.layer_dead[he].mean() > lu.layer_dead[rai].mean()
    # A dead layer makes the network a constant, which fits no better than the best constant;
    # a run called a constant without one ends within the margin of that constant's loss.
    assert np.all(lu.final_loss[lu.layer_dead] >= lu.constant_loss - 1e-12)
    assert np.all(lu.final_loss[lu.as_constant] >= lu.constant_margin * lu.constant_loss)
    assert np.array_equal(collapsed, lu.layer_dead | lu.as_constant)
    with pytest.raises(ValueError, match="inits"):
        experiments.lu_collapse(inits=("xavier",))


def test_the_headline_experiments_run_on_mnist1d_too() -> None:
    shock = experiments.bias_shock((0.0,), (8.0,), epochs_before=1, epochs_after=1, width=8,
                                   seeds=(0,), data="mnist1d")  # fmt: skip
    sweep = experiments.learning_rate_sweep("sgd", (0.1,), epochs=1, width=8, seeds=(0,),
                                            data="mnist1d")  # fmt: skip
    study = experiments.leaky_vs_relu((0.0, 0.2), (0.1,), hidden=(8,), epochs=1, seeds=(0, 1),
                                      data="mnist1d")  # fmt: skip
    assert shock.data == sweep.data == study.data == "mnist1d"
    # MNIST-1D's 1000 test signals: every accuracy is a multiple of 1/1000.
    for accuracy in (shock.accuracy, sweep.accuracy, study.accuracy):
        assert np.allclose(np.round(accuracy * 1000), accuracy * 1000)
    assert experiments.bias_shock((0.0,), (8.0,), epochs_before=1, epochs_after=1, width=8,
                                  seeds=(0,)).data == "digits"  # fmt: skip
    with pytest.raises(ValueError, match="data"):
        experiments.leaky_vs_relu((0.0, 0.2), (0.1,), seeds=(0, 1), data="mnist")
