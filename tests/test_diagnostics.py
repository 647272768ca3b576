"""Tests of the diagnostics on hand-built networks whose dead units are known by construction."""

from __future__ import annotations

import numpy as np
import pytest

from dying_relu import MLP, dead_fraction, dead_units
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
