"""Tests of the MLP: gradients against finite differences, ensembles against lone networks,
hand-built forward passes, and bad input."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from dying_relu import MLP, leaky_relu
from dying_relu.init import initialize_layer

if TYPE_CHECKING:
    from conftest import NumericGradient

ACTIVATIONS = [
    ("relu", 0.01),
    ("leaky_relu", 0.01),
    ("leaky_relu", 0.2),
    ("sigmoid", 0.01),
    ("tanh", 0.01),
]


def _numeric_grads(
    net: MLP, X: np.ndarray, y: np.ndarray, loss: str, numeric_gradient: NumericGradient
) -> list[np.ndarray]:
    # The loss reads each parameter through the network while it is moved in place.
    return [numeric_gradient(lambda _: net.loss_and_grads(X, y, loss)[0], p) for p in net.params]


def _relative_error(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a - b)) / max(float(np.linalg.norm(a) + np.linalg.norm(b)), 1e-300)


def _data(
    loss: str, lead: tuple[int, ...], seed: int = 0, rows: int = 5
) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(*lead, rows, 3))
    if loss == "mse":
        return X, rng.normal(size=(*lead, rows, 2))
    return X, rng.integers(0, 2, size=(*lead, rows))


@pytest.mark.parametrize(("activation", "slope"), ACTIVATIONS)
@pytest.mark.parametrize("loss", ["mse", "cross_entropy"])
@pytest.mark.parametrize(
    ("seed", "lead"),
    [(4, ()), ([4, 9], ()), ([4, 9], (2,))],
    ids=["single", "ensemble-shared-X", "ensemble-own-X"],
)
def test_gradients_match_centred_finite_differences(
    activation: str,
    slope: float,
    loss: str,
    seed: Any,
    lead: tuple[int, ...],
    numeric_gradient: NumericGradient,
) -> None:
    # Random biases keep pre-activations away from the ReLU kink at 0, where a finite
    # difference would straddle two slopes.
    net = MLP([3, 4, 3, 2], activation, negative_slope=slope, bias="random", seed=seed)
    X, y = _data(loss, lead)
    _, grads = net.loss_and_grads(X, y, loss)
    numeric = _numeric_grads(net, X, y, loss, numeric_gradient)
    for analytic, expected in zip(grads, numeric, strict=True):
        assert analytic.shape == expected.shape
        assert _relative_error(analytic, expected) < 1e-6


@pytest.mark.parametrize(
    ("sizes", "loss"),
    [([3, 2], "cross_entropy"), ([3, 1, 2], "cross_entropy"), ([3, 4, 1], "mse")],
    ids=["no-hidden", "narrow", "one-out"],
)
def test_gradients_of_networks_with_layers_of_no_or_one_unit(
    sizes: list[int], loss: str, numeric_gradient: NumericGradient
) -> None:
    # A layer of one unit is backpropagated by an outer product instead of a matrix product.
    net = MLP(sizes, seed=1, bias="random")
    X, y = _data(loss, ())
    y = y[:, :1] if loss == "mse" else y
    _, grads = net.loss_and_grads(X, y, loss)
    numeric = _numeric_grads(net, X, y, loss, numeric_gradient)
    for analytic, expected in zip(grads, numeric, strict=True):
        assert _relative_error(analytic, expected) < 1e-6


def test_forward_of_a_hand_built_network() -> None:
    net = MLP([2, 2, 1], seed=0)
    net.params[:] = [
        np.array([[1.0, -1.0], [2.0, 0.5]]),
        np.array([0.0, 1.0]),
        np.array([[1.0], [10.0]]),
        np.array([0.25]),
    ]
    X = np.array([[1.0, 1.0], [-1.0, 0.0]])
    output, (z,) = net.forward(X, record=True)
    # Row 0: z = (3, 0.5), h = (3, 0.5), out = 3 + 5 + 0.25.  Row 1: z = (-1, 2), h = (0, 2).
    np.testing.assert_array_equal(z, [[3.0, 0.5], [-1.0, 2.0]])
    np.testing.assert_array_equal(output, [[8.25], [20.25]])
    np.testing.assert_array_equal(net.predict(X), output)


def test_leaky_relu_passes_the_negative_part_scaled() -> None:
    net = MLP([1, 1, 1], "leaky_relu", negative_slope=0.25, seed=0)
    net.params[:] = [np.array([[1.0]]), np.zeros(1), np.array([[1.0]]), np.zeros(1)]
    np.testing.assert_array_equal(net.forward([[-4.0], [2.0]]), [[-1.0], [2.0]])


def test_relu_gradient_is_zero_through_a_unit_at_zero() -> None:
    # relu'(0) = 0: a unit with pre-activation exactly 0 passes no gradient to its weights.
    net = MLP([1, 1, 1], seed=0)
    net.params[:] = [np.array([[0.0]]), np.zeros(1), np.array([[1.0]]), np.zeros(1)]
    _, grads = net.loss_and_grads([[1.0]], [[1.0]])
    assert grads[0][0, 0] == 0.0
    assert grads[1][0] == 0.0


def test_classify_returns_the_argmax() -> None:
    net = MLP([2, 3], seed=0)
    net.params[:] = [np.eye(2, 3), np.array([0.0, 0.0, 0.5])]
    np.testing.assert_array_equal(net.classify([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]), [0, 1, 2])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("activation", "slope"), ACTIVATIONS)
def test_ensemble_members_are_bit_identical_to_lone_networks(
    activation: str, slope: float, dtype: type
) -> None:
    seeds = [11, 3, 11, 8]
    kwargs: dict[str, Any] = {"negative_slope": slope, "bias": "random", "dtype": dtype}
    ensemble = MLP([5, 7, 6, 3], activation, seed=seeds, **kwargs)
    rng = np.random.default_rng(0)
    own_X, shared_X = rng.normal(size=(4, 9, 5)), rng.normal(size=(9, 5))
    own_y = rng.integers(0, 3, size=(4, 9))
    loss, grads = ensemble.loss_and_grads(own_X, own_y, "cross_entropy")
    shared_out = ensemble.forward(shared_X)
    mse_loss, mse_grads = ensemble.loss_and_grads(shared_X, shared_out[0] + 1.0, "mse")
    for e, seed in enumerate(seeds):
        alone = MLP([5, 7, 6, 3], activation, seed=seed, **kwargs)
        for stacked, single in zip(ensemble.params, alone.params, strict=True):
            np.testing.assert_array_equal(stacked[e], single)
        alone_loss, alone_grads = alone.loss_and_grads(own_X[e], own_y[e], "cross_entropy")
        assert np.asarray(loss)[e] == alone_loss
        for stacked, single in zip(grads, alone_grads, strict=True):
            np.testing.assert_array_equal(stacked[e], single)
        np.testing.assert_array_equal(shared_out[e], alone.forward(shared_X))
        alone_mse, alone_mse_grads = alone.loss_and_grads(shared_X, shared_out[0] + 1.0, "mse")
        assert np.asarray(mse_loss)[e] == alone_mse
        for stacked, single in zip(mse_grads, alone_mse_grads, strict=True):
            np.testing.assert_array_equal(stacked[e], single)


def test_ensemble_attributes_member_and_copy() -> None:
    ensemble = MLP([2, 3, 1], seed=[5, 6, 7])
    assert ensemble.ensemble_size == 3
    assert ensemble.seeds == (5, 6, 7)
    assert ensemble.params[0].shape == (3, 2, 3)
    assert ensemble.params[1].shape == (3, 3)
    second = ensemble.member(1)
    assert second.ensemble_size is None
    assert second.seeds == (6,)
    np.testing.assert_array_equal(second.params[0], MLP([2, 3, 1], seed=6).params[0])
    second.params[0] += 1.0
    assert not np.array_equal(second.params[0], ensemble.params[0][1])
    twin = ensemble.copy()
    twin.params[2] *= 2
    assert not np.array_equal(twin.params[2], ensemble.params[2])
    with pytest.raises(ValueError, match="index"):
        ensemble.member(3)
    with pytest.raises(ValueError, match="ensemble"):
        second.member(0)


def test_default_initialisation_follows_the_activation() -> None:
    assert MLP([2, 3, 1], "relu").init == "he"
    assert MLP([2, 3, 1], "tanh").init == "xavier"
    assert MLP([2, 3, 1], "sigmoid").init == "xavier"
    net = MLP([4, 6, 1], "leaky_relu", negative_slope=0.3, seed=2)
    rng = np.random.default_rng(2)
    W1, _ = initialize_layer(rng, 4, 6, init="he", negative_slope=0.3)
    np.testing.assert_array_equal(net.params[0], W1)


def test_bias_constant_reaches_every_layer() -> None:
    net = MLP([2, 3, 3, 1], bias=-3.0, seed=0)
    for b in net.params[1::2]:
        np.testing.assert_array_equal(b, -3.0)


def test_params_are_writable_in_place_and_used() -> None:
    net = MLP([1, 1], seed=0)
    net.params[0][...] = 2.0
    net.params[1][...] = 1.0
    np.testing.assert_array_equal(net.forward([[3.0]]), [[7.0]])


def test_float32_network_computes_in_float32() -> None:
    net = MLP([3, 4, 2], seed=0, dtype=np.float32)
    X = np.ones((2, 3))
    assert net.forward(X).dtype == np.float32
    loss, grads = net.loss_and_grads(X, [0, 1], "cross_entropy")
    assert loss.dtype == np.float32
    assert all(g.dtype == np.float32 for g in grads)


def test_mse_accepts_a_flat_target_for_one_output_and_inputs_stay_unchanged() -> None:
    net = MLP([2, 3, 1], seed=0)
    X = np.array([[1.0, 2.0], [3.0, 4.0]])
    y = np.array([1.0, -1.0])
    flat_loss, _ = net.loss_and_grads(X, y)
    column_loss, _ = net.loss_and_grads(X, y[:, np.newaxis])
    assert flat_loss == column_loss
    np.testing.assert_array_equal(X, [[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(y, [1.0, -1.0])


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"layer_sizes": [3]}, ValueError, "layer_sizes"),
        ({"layer_sizes": [3, 0, 1]}, ValueError, "layer_sizes"),
        ({"layer_sizes": [3, 2.5, 1]}, TypeError, "layer_sizes"),
        ({"layer_sizes": 3}, TypeError, "layer_sizes"),
        ({"activation": "gelu"}, ValueError, "activation"),
        ({"init": "orthogonal"}, ValueError, "init"),
        ({"bias": "ones"}, ValueError, "bias"),
        ({"init": "rai", "bias": 0.5}, ValueError, "bias"),
        ({"negative_slope": 1.5}, ValueError, "negative_slope"),
        ({"negative_slope": "small"}, TypeError, "negative_slope"),
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": []}, ValueError, "seed"),
        ({"seed": "0"}, TypeError, "seed"),
        ({"seed": [1, 2.0]}, TypeError, "seed"),
        ({"dtype": np.int32}, TypeError, "dtype"),
    ],
)
def test_bad_construction_raises_naming_the_argument(
    kwargs: dict[str, Any], error: type[Exception], name: str
) -> None:
    args: dict[str, Any] = {"layer_sizes": [3, 4, 1]}
    args.update(kwargs)
    with pytest.raises(error, match=name):
        MLP(**args)


@pytest.mark.parametrize(
    ("X", "y", "loss", "error", "name"),
    [
        (np.ones((4, 2)), np.zeros(4, dtype=int), "cross_entropy", ValueError, "X"),
        (np.ones(3), np.zeros(1, dtype=int), "cross_entropy", ValueError, "X"),
        (np.full((4, 3), np.nan), np.zeros(4, dtype=int), "cross_entropy", ValueError, "X"),
        (np.ones((4, 3)), np.zeros(5, dtype=int), "cross_entropy", ValueError, "y"),
        (np.ones((4, 3)), np.full(4, 2), "cross_entropy", ValueError, "y"),
        (np.ones((4, 3)), np.zeros(4), "cross_entropy", TypeError, "y"),
        (np.ones((4, 3)), np.zeros((4, 3)), "mse", ValueError, "y"),
        (np.ones((4, 3)), np.full((4, 2), np.inf), "mse", ValueError, "y"),
        (np.ones((4, 3)), np.zeros((4, 2)), "hinge", ValueError, "loss"),
        ([["a", "b", "c"]], np.zeros((1, 2)), "mse", TypeError, "X"),
    ],
)
def test_bad_loss_and_grads_input_raises_naming_the_argument(
    X: Any, y: Any, loss: str, error: type[Exception], name: str
) -> None:
    net = MLP([3, 4, 2], seed=0)
    with pytest.raises(error, match=name):
        net.loss_and_grads(X, y, loss)


def test_ensemble_rejects_inputs_for_the_wrong_number_of_members() -> None:
    ensemble = MLP([3, 4, 2], seed=[0, 1])
    with pytest.raises(ValueError, match="X"):
        ensemble.forward(np.ones((3, 5, 3)))
    with pytest.raises(ValueError, match="y"):
        ensemble.loss_and_grads(np.ones((5, 3)), np.zeros((3, 5), dtype=int), "cross_entropy")
    with pytest.raises(ValueError, match="X"):
        MLP([3, 2], seed=0).forward(np.ones((2, 5, 3)))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("slope", [0.0, 0.01, 0.1, 1 / 3, 0.5, 0.7, 1.0])
def test_hidden_layers_match_the_activation_functions_exactly(dtype: type, slope: float) -> None:
    # An identity output layer hands the hidden activations to the output unchanged: a product
    # with 1 and sums with exact zeros round nothing.  The engine computes the activation as z
    # times a 0/1-or-slope mask; it must reproduce the reference function bit for bit,
    # negative side included.
    net = MLP([4, 16, 16], "leaky_relu", negative_slope=slope, seed=3, dtype=dtype)
    net.params[2:] = [np.eye(16), np.zeros(16)]
    X: np.ndarray = np.random.default_rng(0).normal(size=(50, 4)).astype(dtype)
    output, (z,) = net.forward(X, record=True)
    assert (z < 0).any()
    np.testing.assert_array_equal(output, leaky_relu(z, negative_slope=slope))


def test_assigned_parameters_are_copied_into_the_network() -> None:
    net = MLP([2, 3, 1], seed=0)
    first = net.params[0]
    new_weight = np.full((2, 3), 0.5)
    net.params[0] = new_weight
    assert net.params[0] is first
    np.testing.assert_array_equal(net.params[0], new_weight)
    new_weight[...] = 9.0  # the network holds a copy
    out = net.forward([[1.0, 1.0]])
    np.testing.assert_array_equal(out, np.maximum([[1.0, 1.0]] @ net.params[0], 0) @ net.params[2])
    net.params = [np.ones((2, 3)), np.zeros(3), np.ones((3, 1)), np.zeros(1)]
    np.testing.assert_array_equal(net.forward([[1.0, 1.0]]), [[6.0]])
    net.set_params([np.ones((2, 3)), np.full(3, -1.0), np.ones((3, 1)), np.zeros(1)])
    np.testing.assert_array_equal(net.forward([[1.0, 1.0]]), [[3.0]])


def test_assigned_parameters_may_alias_the_network_itself() -> None:
    net = MLP([2, 2, 2], seed=0, bias="random")
    W1, b1, W2, b2 = (p.copy() for p in net.params)
    net.params[:] = [W2, b2, net.params[0], net.params[1]]
    for p, expected in zip(net.params, [W2, b2, W1, b1], strict=True):
        np.testing.assert_array_equal(p, expected)


def test_bad_parameter_assignment_raises_and_changes_nothing() -> None:
    net = MLP([2, 3, 1], seed=0)
    before = [p.copy() for p in net.params]
    with pytest.raises(ValueError, match=r"params\[2\]"):
        net.params[:] = [np.zeros((2, 3)), np.zeros(3), np.ones((2, 2)), np.zeros(1)]
    with pytest.raises(TypeError, match=r"params\[1\]"):
        net.params[1] = ["a", "b", "c"]
    with pytest.raises(ValueError, match="params"):
        net.params[:2] = [np.zeros((2, 3))]
    with pytest.raises(TypeError, match="params"):
        net.params.append(np.zeros(1))
    with pytest.raises(ValueError, match="params"):
        net.set_params([np.zeros((2, 3))])
    assert len(net.params) == 4
    for p, b in zip(net.params, before, strict=True):
        np.testing.assert_array_equal(p, b)


def test_gradients_of_one_call_survive_the_next() -> None:
    net = MLP([2, 4, 1], seed=0)
    X = np.array([[1.0, -1.0], [0.5, 2.0]])
    _, first = net.loss_and_grads(X, [1.0, 0.0])
    kept = [g.copy() for g in first]
    net.loss_and_grads(X, [5.0, -5.0])
    for g, k in zip(first, kept, strict=True):
        np.testing.assert_array_equal(g, k)


def test_ensemble_parameters_are_views_into_one_buffer() -> None:
    ensemble = MLP([2, 3, 1], seed=[0, 1])
    ensemble.params[1][1, :] = 7.0
    np.testing.assert_array_equal(ensemble.member(1).params[1], [7.0, 7.0, 7.0])
    assert not np.array_equal(ensemble.member(0).params[1], [7.0, 7.0, 7.0])


@pytest.mark.parametrize(
    ("activation", "phi"),
    [
        ("relu", lambda z: np.maximum(z, 0.0)),
        ("leaky_relu", lambda z: np.where(z > 0, z, 0.1 * z)),
        ("sigmoid", lambda z: 1.0 / (1.0 + np.exp(-z))),
        ("tanh", np.tanh),
    ],
)
def test_hidden_activations_apply_the_activation_to_the_recorded_pre_activations(
    activation: str, phi: Any
) -> None:
    net = MLP([3, 5, 4, 2], activation, negative_slope=0.1, seed=[0, 1])
    X = np.random.default_rng(0).normal(size=(6, 3))
    _, pre = net.forward(X, record=True)
    hidden = net.hidden_activations(X)
    assert [h.shape for h in hidden] == [(2, 6, 5), (2, 6, 4)]
    for h, z in zip(hidden, pre, strict=True):
        np.testing.assert_allclose(h, phi(z), rtol=1e-12, atol=1e-15)
    # The second layer's pre-activations are the first layer's activations times its weights.
    np.testing.assert_allclose(hidden[0] @ net.params[2] + net.params[3][:, None, :], pre[1])
