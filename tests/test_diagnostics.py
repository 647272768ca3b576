"""Tests of the diagnostics on hand-built networks whose dead units are known by construction."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from dying_relu import MLP, dead_fraction, dead_units, diagnostics
from dying_relu.diagnostics import activation_stats, gradient_norms


def _two_layer_net() -> MLP:
    """Inputs x in R^2; layer 1 has 3 units, layer 2 has 2 units.

    Layer 1, on inputs with x0 > 0 and x1 > 0:
      unit 0: z = x0            -> alive (positive on every row)
      unit 1: z = -x0 - x1      -> dead (negative on every row)
      unit 2: z = x0 - x1       -> alive on some rows, inactive on others
    Layer 2 reads h1 >= 0:
      unit 0: z = -h0 - h2 - 1  -> dead (always <= -1)
      unit 1: z = h0            -> alive
    """
    net = MLP([2, 3, 2, 1], seed=0)
    net.params[0][...] = [[1.0, -1.0, 1.0], [0.0, -1.0, -1.0]]
    net.params[1][...] = 0.0
    net.params[2][...] = [[-1.0, 1.0], [0.0, 0.0], [-1.0, 0.0]]
    net.params[3][...] = [-1.0, 0.0]
    return net


X_POSITIVE = np.array([[1.0, 2.0], [3.0, 1.0], [0.5, 0.5]])


def test_dead_units_of_a_hand_built_network() -> None:
    masks = dead_units(_two_layer_net(), X_POSITIVE)
    np.testing.assert_array_equal(masks[0], [False, True, False])
    np.testing.assert_array_equal(masks[1], [True, False])


def test_dead_is_relative_to_the_data() -> None:
    # On a row with x0 + x1 < 0, layer-1 unit 1 fires, so it is not dead on that data.
    X = np.vstack([X_POSITIVE, [[-1.0, -1.0]]])
    masks = dead_units(_two_layer_net(), X)
    assert not masks[0][1]


def test_pre_activation_exactly_zero_on_every_row_counts_as_dead() -> None:
    net = MLP([1, 2, 1], seed=0)
    net.params[0][...] = [[0.0, 1.0]]
    net.params[1][...] = 0.0
    np.testing.assert_array_equal(dead_units(net, [[1.0], [2.0]])[0], [True, False])


def test_dead_fraction_per_layer_and_overall() -> None:
    per_layer, overall = dead_fraction(_two_layer_net(), X_POSITIVE)
    np.testing.assert_allclose(per_layer, [1 / 3, 1 / 2])
    # Two dead units among five hidden units.
    assert overall == pytest.approx(2 / 5)


def test_ensemble_masks_carry_the_member_axis() -> None:
    alive_everywhere = MLP([2, 3, 1], seed=0)
    alive_everywhere.params[0][...] = [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]
    alive_everywhere.params[1][...] = 0.0
    ensemble = MLP([2, 3, 1], seed=[0, 1])
    ensemble.params[0][0] = alive_everywhere.params[0]
    ensemble.params[0][1] = [[-1.0, 1.0, -1.0], [-1.0, 1.0, 0.0]]
    ensemble.params[1][...] = 0.0
    (mask,) = dead_units(ensemble, X_POSITIVE)
    np.testing.assert_array_equal(mask, [[False, False, False], [True, False, True]])
    per_layer, overall = dead_fraction(ensemble, X_POSITIVE)
    np.testing.assert_allclose(per_layer, [[0.0], [2 / 3]])
    np.testing.assert_allclose(overall, [0.0, 2 / 3])


@pytest.mark.parametrize("seed", [0, [0, 1, 2]])
@pytest.mark.parametrize("sizes", [[3, 5, 1], [3, 6, 1, 4, 2], [3, 8, 8, 8, 2]])
def test_dead_units_agree_with_the_recorded_pre_activations(
    seed: int | list[int], sizes: list[int]
) -> None:
    net = MLP(sizes, seed=seed)
    for bias in net.params[1::2]:
        bias -= 1.5  # so that some units are dead and some are not
    X = np.random.default_rng(1).normal(size=(30, sizes[0]))
    _, pre_activations = net.forward(X, record=True)
    masks = dead_units(net, X)
    assert len(masks) == len(pre_activations)
    for mask, z in zip(masks, pre_activations, strict=True):
        np.testing.assert_array_equal(mask, (z <= 0.0).all(axis=-2))
    assert any(mask.any() for mask in masks)
    assert not all(mask.all() for mask in masks)


def test_inactive_on_inputs_is_not_dead() -> None:
    # Unit 0 fires on the first row only, unit 1 on the second only: each is inactive on half
    # the inputs, yet neither is dead on the data.
    net = MLP([2, 2, 1], seed=0)
    net.params[0][...] = np.eye(2)
    net.params[1][...] = 0.0
    X = np.array([[2.0, -1.0], [-1.0, 4.0]])
    stats = activation_stats(net, X)
    np.testing.assert_allclose(stats.active_fraction, [0.5])
    # Activations: [[2, 0], [0, 4]]: mean 1.5, population std sqrt(11/4).
    np.testing.assert_allclose(stats.mean, [1.5])
    np.testing.assert_allclose(stats.std, [np.sqrt(11 / 4)])
    assert dead_fraction(net, X).overall == 0.0


def test_gradient_norms_of_a_linear_model_by_hand() -> None:
    # For out = X W + b and mean squared error over n rows and one output,
    # dL/dW = (2 / n) X^T (X W + b - y).
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(6, 3)), rng.normal(size=(6, 1))
    net = MLP([3, 1], seed=0, bias="random")
    W, b = net.params
    expected = np.linalg.norm(2 / 6 * X.T @ (X @ W + b - y))
    np.testing.assert_allclose(gradient_norms(net, X, y), [expected], rtol=1e-12)


def test_gradient_norm_of_a_dead_layer_is_zero() -> None:
    net = MLP([2, 4, 1], seed=0, bias=-100.0)
    norms = gradient_norms(net, np.ones((3, 2)), np.ones((3, 1)))
    assert norms[0] == 0.0
    assert norms.shape == (2,)
    ensemble_norms = gradient_norms(MLP([2, 4, 3, 1], seed=[1, 2]), np.ones((3, 2)), np.ones(3))
    assert ensemble_norms.shape == (2, 3)


def test_bad_input_raises_naming_the_argument() -> None:
    with pytest.raises(TypeError, match="net"):
        dead_units("network", X_POSITIVE)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="net"):
        dead_fraction(MLP([2, 1]), X_POSITIVE)
    with pytest.raises(ValueError, match="X"):
        dead_units(_two_layer_net(), np.ones((2, 5)))
    with pytest.raises(ValueError, match="loss"):
        gradient_norms(_two_layer_net(), X_POSITIVE, np.ones(3), loss="l1")


def _direct_scores(net: MLP, X: np.ndarray) -> list[np.ndarray]:
    """Sokar et al.'s score computed on all rows at once, from the pre-activations."""
    _, pre = net.forward(X, record=True)
    scores = []
    for z in pre:
        h = np.maximum(z, 0.0) if net.activation == "relu" else np.where(z > 0, z, 0.2 * z)
        mean_abs = np.abs(h).mean(axis=-2)
        scores.append(mean_abs / mean_abs.mean(axis=-1, keepdims=True))
    return scores


@pytest.mark.parametrize("activation", ["relu", "leaky_relu"])
@pytest.mark.parametrize("batch_size", [1, 7, 50, 1024])
def test_dormancy_scores_match_a_direct_computation_in_any_batch_size(
    activation: str, batch_size: int
) -> None:
    net = MLP([3, 9, 6, 2], activation, negative_slope=0.2, seed=[0, 1])
    net.params[1][:, :3] -= 2.0  # some quiet units, some dead
    X = np.random.default_rng(0).normal(size=(50, 3))
    got = diagnostics.dormancy_scores(net, X, batch_size=batch_size)
    for scores, expected in zip(got, _direct_scores(net, X), strict=True):
        assert scores.shape == (2, expected.shape[-1])
        np.testing.assert_allclose(scores, expected, rtol=1e-12)
        np.testing.assert_allclose(scores.mean(axis=-1), 1.0)


def test_dormant_units_at_tau_zero_are_the_dead_units_of_a_relu_network() -> None:
    net = MLP([3, 9, 6, 2], seed=[0, 1])
    net.params[1][0, :4] = -20.0
    X = np.random.default_rng(1).normal(size=(40, 3))
    dormant = diagnostics.dormant_units(net, X, 0.0)
    dead = dead_units(net, X)
    assert dead[0][0, :4].all()
    for a, b in zip(dormant, dead, strict=True):
        assert np.array_equal(a, b)
    wider = diagnostics.dormant_units(net, X, 0.5)
    assert all((w >= d).all() for w, d in zip(wider, dormant, strict=True))


def test_a_leaky_unit_on_its_negative_side_is_dead_but_need_not_be_dormant() -> None:
    net = MLP([1, 2, 1], "leaky_relu", negative_slope=0.5, seed=0)
    net.params[:2] = [np.array([[1.0, -1.0]]), np.zeros(2)]
    X = np.array([[1.0], [2.0]])
    assert dead_units(net, X)[0].tolist() == [False, True]
    # |h| is 1.5 for the first unit and 0.75 for the second: scores 4/3 and 2/3.
    np.testing.assert_allclose(diagnostics.dormancy_scores(net, X)[0], [4 / 3, 2 / 3])
    assert diagnostics.dormant_units(net, X, 0.5)[0].tolist() == [False, False]


@pytest.mark.parametrize(
    ("call", "error", "name"),
    [
        (lambda net: diagnostics.dormant_units(net, np.ones((2, 3)), -0.1), ValueError, "tau"),
        (
            lambda net: diagnostics.dormancy_scores(net, np.ones((2, 3)), batch_size=0),
            ValueError,
            "batch_size",
        ),
        (lambda net: diagnostics.dormancy_scores(net, np.ones((2, 4))), ValueError, "X"),
        (lambda net: diagnostics.dormancy_scores(net, np.full((2, 3), np.nan)), ValueError, "X"),
    ],
)
def test_dormancy_refuses_bad_arguments_by_name(
    call: Any, error: type[Exception], name: str
) -> None:
    with pytest.raises(error, match=name):
        call(MLP([3, 4, 1], seed=0))
