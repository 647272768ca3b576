"""Tests of the layer initialisers: shapes, variances, the RAI recipe and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from dying_relu.init import check_recipe, initialize_layer


def test_shapes_dtypes_and_batch_axes() -> None:
    W, b = initialize_layer(np.random.default_rng(0), 5, 3, batch=(4, 2), dtype=np.float32)
    assert W.shape == (4, 2, 5, 3)
    assert b.shape == (4, 2, 3)
    assert W.dtype == b.dtype == np.float32


def test_same_generator_state_gives_same_draw_and_int_seed_is_a_generator() -> None:
    first = initialize_layer(np.random.default_rng(7), 4, 6, bias="random")
    second = initialize_layer(7, 4, 6, bias="random")
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)


def test_float32_is_the_float64_draw_rounded() -> None:
    W64, _ = initialize_layer(3, 10, 10)
    W32, _ = initialize_layer(3, 10, 10, dtype=np.float32)
    np.testing.assert_array_equal(W32, W64.astype(np.float32))


@pytest.mark.parametrize(
    ("init", "slope", "fan_in", "fan_out", "variance"),
    [
        ("he", 0.0, 200, 300, 2.0 / 200),
        ("he", 0.2, 200, 300, 2.0 / (1.04 * 200)),
        ("he", 1.0, 50, 10, 1.0 / 50),
        ("xavier", 0.0, 200, 300, 2.0 / 500),
    ],
)
def test_weight_variance_matches_the_recipe(
    init: str, slope: float, fan_in: int, fan_out: int, variance: float
) -> None:
    W, b = initialize_layer(1, fan_in, fan_out, init=init, negative_slope=slope, batch=(20,))
    # 20 * fan_in * fan_out >= 10^4 normal draws: the sample variance is within ~2 % (5 sigma).
    assert W.var() == pytest.approx(variance, rel=0.05)
    assert abs(W.mean()) < 5 * np.sqrt(variance / W.size)
    np.testing.assert_array_equal(b, 0.0)


def test_constant_and_random_biases() -> None:
    _, b = initialize_layer(0, 16, 5, bias=-3.0, batch=(2,))
    np.testing.assert_array_equal(b, np.full((2, 5), -3.0))
    _, b = initialize_layer(0, 16, 20_000, bias="random")
    assert b.min() >= -0.25
    assert b.max() <= 0.25
    # Uniform on [-1/4, 1/4]: variance 1/48.
    assert b.var() == pytest.approx(1 / 48, rel=0.05)


def test_rai_has_one_large_positive_entry_per_unit_among_weights_and_bias() -> None:
    fan_in = 400
    W, b = initialize_layer(5, fan_in, 2000, init="rai")
    joint = np.concatenate([W, b[np.newaxis, :]], axis=0)  # (fan_in + 1, units)
    sigma = 0.6007 / np.sqrt(fan_in)  # 0.03
    large = joint > 10 * sigma
    # A normal entry never reaches 10 sigma; the Beta(2, 1) entry does with probability
    # 1 - 0.3^2 = 0.91, and it is never negative or above 1.
    assert large.sum(axis=0).max() == 1
    assert large.any(axis=0).mean() == pytest.approx(0.91, abs=0.03)
    assert (joint < -10 * sigma).sum() == 0
    assert joint.max() <= 1.0
    small = joint[~large]
    assert small.std() == pytest.approx(sigma, rel=0.05)


def test_rai_draws_the_bias_jointly() -> None:
    # With one input, weight and bias are each the Beta(2, 1) entry half of the time, so each
    # has mean (1/2)(2/3) = 1/3; a recipe that never picks the bias would give b mean 0.
    W, b = initialize_layer(2, 1, 50_000, init="rai")
    assert W.mean() == pytest.approx(1 / 3, abs=0.01)
    assert b.mean() == pytest.approx(1 / 3, abs=0.01)


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"fan_in": 0}, ValueError, "fan_in"),
        ({"fan_out": -2}, ValueError, "fan_out"),
        ({"fan_in": 2.5}, TypeError, "fan_in"),
        ({"fan_in": True}, TypeError, "fan_in"),
        ({"init": "kaiming"}, ValueError, "init"),
        ({"init": None}, TypeError, "init"),
        ({"bias": "ones"}, ValueError, "bias"),
        ({"bias": float("nan")}, ValueError, "bias"),
        ({"bias": [1.0]}, TypeError, "bias"),
        ({"init": "rai", "bias": -3.0}, ValueError, "bias"),
        ({"negative_slope": -0.1}, ValueError, "negative_slope"),
        ({"batch": 3}, TypeError, "batch"),
        ({"batch": (0,)}, ValueError, "batch"),
        ({"dtype": np.int64}, TypeError, "dtype"),
        ({"dtype": "no-such-type"}, TypeError, "dtype"),
        ({"rng": -1}, ValueError, "rng"),
        ({"rng": "seed"}, TypeError, "rng"),
    ],
)
def test_bad_arguments_raise_naming_the_argument(
    kwargs: dict[str, object], error: type[Exception], name: str
) -> None:
    args: dict[str, object] = {"rng": 0, "fan_in": 3, "fan_out": 2}
    args.update(kwargs)
    rng, fan_in, fan_out = args.pop("rng"), args.pop("fan_in"), args.pop("fan_out")
    with pytest.raises(error, match=name):
        initialize_layer(rng, fan_in, fan_out, **args)  # type: ignore[arg-type]


def test_bad_arguments_fail_before_the_generator_moves() -> None:
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="bias"):
        initialize_layer(rng, 3, 2, init="rai", bias=1.0)
    np.testing.assert_array_equal(rng.random(3), np.random.default_rng(0).random(3))


def test_check_recipe_returns_the_recipes_initialize_layer_uses() -> None:
    assert check_recipe("rai", "zeros") == ("rai", "zeros")
    init, bias = check_recipe("xavier", -3)
    assert (init, bias) == ("xavier", -3.0)
    assert type(bias) is float


@pytest.mark.parametrize(
    ("init", "bias", "error", "name"),
    [
        ("kaiming", "zeros", ValueError, "init"),
        ("he", "ones", ValueError, "bias"),
        ("he", True, TypeError, "bias"),
        ("rai", "random", ValueError, "bias"),
    ],
)
def test_check_recipe_names_the_bad_argument(
    init: str, bias: str | float, error: type[Exception], name: str
) -> None:
    with pytest.raises(error, match=name):
        check_recipe(init, bias)
