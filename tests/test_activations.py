"""Behaviour of the activation functions: values, derivatives, dtypes, IEEE edge cases, errors."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import dying_relu as dr
from dying_relu.activations import active_mask, dead_mask
from dying_relu.init import initialize_layer

FORWARD: dict[str, Callable[..., Any]] = {
    "relu": dr.relu,
    "leaky_relu": dr.leaky_relu,
    "sigmoid": dr.sigmoid,
    "tanh": dr.tanh,
}
DERIVATIVE: dict[str, Callable[..., Any]] = {
    "relu": dr.relu_derivative,
    "leaky_relu": dr.leaky_relu_derivative,
    "sigmoid": dr.sigmoid_derivative,
    "tanh": dr.tanh_derivative,
}
ALL = [*FORWARD.values(), *DERIVATIVE.values()]
FLOAT_DTYPES = [np.float16, np.float32, np.float64, np.longdouble]


def reference(name: str, x: float) -> float:
    """The textbook formulas, evaluated one value at a time in Python floats."""
    if name == "relu":
        return max(x, 0.0)
    if name == "leaky_relu":
        return x if x > 0 else 0.01 * x
    if name == "sigmoid":
        return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))
    return math.tanh(x)


finite_floats = st.floats(-50, 50, allow_nan=False, allow_infinity=False)
arrays = hnp.arrays(
    dtype=st.sampled_from([np.float32, np.float64]),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=5),
    elements=st.floats(-1e3, 1e3, allow_nan=False, width=32),
)


@pytest.mark.parametrize("name", FORWARD)
@given(x=finite_floats)
def test_forward_matches_textbook_formula(name: str, x: float) -> None:
    assert float(FORWARD[name](x)) == pytest.approx(reference(name, x), rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("name", FORWARD)
@given(x=finite_floats.filter(lambda v: abs(v) > 1e-3))
def test_derivative_matches_centred_difference(name: str, x: float) -> None:
    h = 1e-6
    numeric = (reference(name, x + h) - reference(name, x - h)) / (2 * h)
    assert float(DERIVATIVE[name](x)) == pytest.approx(numeric, rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("function", ALL)
@given(x=arrays)
def test_dtype_and_shape_are_preserved(function: Callable[..., Any], x: np.ndarray) -> None:
    result = np.asarray(function(x))
    assert result.dtype == x.dtype
    assert result.shape == x.shape


@pytest.mark.parametrize("function", ALL)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_each_floating_dtype_is_kept(function: Callable[..., Any], dtype: type) -> None:
    x: np.ndarray = np.array([-2.0, -0.5, 0.0, 0.5, 2.0], dtype=dtype)
    assert function(x).dtype == np.dtype(dtype)


@pytest.mark.parametrize("function", ALL)
@pytest.mark.parametrize("values", [[-2, 0, 3], [True, False]])
def test_integer_and_bool_input_give_float64(
    function: Callable[..., Any], values: list[Any]
) -> None:
    assert function(np.array(values)).dtype == np.float64


@pytest.mark.parametrize("function", ALL)
def test_scalar_in_gives_numpy_scalar_out(function: Callable[..., Any]) -> None:
    for value, dtype in [(-1.5, np.float64), (2, np.float64), (np.float32(0.5), np.float32)]:
        result = function(value)
        assert not isinstance(result, np.ndarray)
        assert isinstance(result, np.floating)
        assert result.dtype == np.dtype(dtype)


@pytest.mark.parametrize("function", ALL)
def test_input_is_never_modified(function: Callable[..., Any]) -> None:
    x = np.linspace(-3, 3, 13)
    before = x.copy()
    function(x)
    np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize("function", ALL)
def test_out_receives_the_result_and_is_returned(function: Callable[..., Any]) -> None:
    x = np.linspace(-3, 3, 13, dtype=np.float32)
    out = np.empty_like(x)
    returned = function(x, out=out)
    assert returned is out
    np.testing.assert_array_equal(out, function(x))


@pytest.mark.parametrize("function", ALL)
def test_out_may_be_the_input_itself(function: Callable[..., Any]) -> None:
    x = np.linspace(-3, 3, 13)
    expected = function(x.copy())
    function(x, out=x)
    np.testing.assert_array_equal(x, expected)


@pytest.mark.parametrize("function", ALL)
def test_zero_dimensional_out(function: Callable[..., Any]) -> None:
    out = np.empty(())
    assert function(-0.25, out=out) is out
    assert out[()] == function(-0.25)


@given(x=arrays)
def test_relu_and_derivatives_are_monotone(x: np.ndarray) -> None:
    flat = np.sort(x.ravel())
    for function in (dr.relu, dr.leaky_relu, dr.sigmoid, dr.tanh, dr.relu_derivative):
        values = np.asarray(function(flat))
        assert np.all(np.diff(values) >= 0)


@given(x=arrays)
def test_leaky_relu_with_slope_zero_is_relu(x: np.ndarray) -> None:
    np.testing.assert_array_equal(dr.leaky_relu(x, negative_slope=0.0), dr.relu(x))
    np.testing.assert_array_equal(
        dr.leaky_relu_derivative(x, negative_slope=0.0), dr.relu_derivative(x)
    )


@given(x=st.floats(-700, 700), slope=st.floats(0, 1))
def test_leaky_relu_piecewise_definition(x: float, slope: float) -> None:
    expected_value = x if x > 0 else slope * x
    expected_derivative = 1.0 if x > 0 else slope
    assert float(dr.leaky_relu(x, negative_slope=slope)) == pytest.approx(expected_value)
    assert float(dr.leaky_relu_derivative(x, negative_slope=slope)) == expected_derivative


@given(x=st.floats(-100, 100))
def test_sigmoid_symmetry(x: float) -> None:
    assert float(dr.sigmoid(-x)) == pytest.approx(1.0 - float(dr.sigmoid(x)), abs=1e-15)


@settings(max_examples=200)
@given(x=arrays)
def test_derivative_bounds(x: np.ndarray) -> None:
    sigmoid_d = dr.sigmoid_derivative(x)
    tanh_d = dr.tanh_derivative(x)
    assert np.all((sigmoid_d >= 0) & (sigmoid_d <= 0.25))
    assert np.all((tanh_d >= 0) & (tanh_d <= 1))
    assert set(np.unique(dr.relu_derivative(x))) <= {0.0, 1.0}


def test_derivative_bounds_are_reached_at_zero() -> None:
    assert dr.sigmoid_derivative(0.0) == 0.25
    assert dr.tanh_derivative(0.0) == 1.0


def test_bounds_hold_near_zero_where_rounding_is_tight() -> None:
    x = np.concatenate([np.logspace(-20, -1, 2000), -np.logspace(-20, -1, 2000)])
    assert dr.sigmoid_derivative(x).max() <= 0.25
    assert dr.tanh_derivative(x).max() <= 1.0


def test_derivative_at_zero_conventions() -> None:
    assert dr.relu_derivative(0.0) == 0.0
    assert dr.relu_derivative(-0.0) == 0.0
    assert dr.leaky_relu_derivative(0.0, negative_slope=0.2) == 0.2
    assert dr.leaky_relu_derivative(0.0) == 0.01


def test_signed_zero_and_subnormals() -> None:
    tiny = np.nextafter(0.0, 1.0)  # the smallest positive subnormal
    x = np.array([-0.0, 0.0, tiny, -tiny])
    np.testing.assert_array_equal(dr.relu(x), [0.0, 0.0, tiny, 0.0])
    np.testing.assert_array_equal(dr.relu_derivative(x), [0.0, 0.0, 1.0, 0.0])
    np.testing.assert_array_equal(dr.leaky_relu_derivative(x, 0.5), [0.5, 0.5, 1.0, 0.5])
    assert dr.leaky_relu(-tiny, negative_slope=0.5) <= 0
    assert dr.sigmoid(tiny) == 0.5
    assert dr.tanh(tiny) == tiny


@pytest.mark.parametrize(
    ("function", "at_minus_inf", "at_plus_inf"),
    [
        (dr.relu, 0.0, np.inf),
        (dr.relu_derivative, 0.0, 1.0),
        (dr.leaky_relu, -np.inf, np.inf),
        (dr.leaky_relu_derivative, 0.01, 1.0),
        (dr.sigmoid, 0.0, 1.0),
        (dr.sigmoid_derivative, 0.0, 0.0),
        (dr.tanh, -1.0, 1.0),
        (dr.tanh_derivative, 0.0, 0.0),
    ],
)
def test_infinities_follow_the_limits(
    function: Callable[..., Any], at_minus_inf: float, at_plus_inf: float
) -> None:
    np.testing.assert_array_equal(
        function(np.array([-np.inf, np.inf])), [at_minus_inf, at_plus_inf]
    )


def test_leaky_relu_slope_zero_at_infinity_is_not_nan() -> None:
    np.testing.assert_array_equal(dr.leaky_relu(np.array([-np.inf, np.inf]), 0.0), [0.0, np.inf])


@pytest.mark.parametrize("function", ALL)
def test_nan_propagates(function: Callable[..., Any]) -> None:
    assert np.isnan(function(np.nan))
    assert np.isnan(function(np.array([np.nan], dtype=np.float16))).all()


@pytest.mark.parametrize("slope", [0.0, 0.5, 1.0])
def test_nan_propagates_for_every_slope(slope: float) -> None:
    assert np.isnan(dr.leaky_relu(np.nan, slope))
    assert np.isnan(dr.leaky_relu_derivative(np.nan, slope))


def _slope_users() -> dict[str, Callable[[Any], object]]:
    """Every public way a negative slope enters the package."""
    return {
        "leaky_relu": lambda slope: dr.leaky_relu(np.array([-1.0, 2.0]), slope),
        "leaky_relu_derivative": lambda slope: dr.leaky_relu_derivative(np.ones(2), slope),
        "MLP": lambda slope: dr.MLP([2, 3, 1], "leaky_relu", negative_slope=slope, seed=0),
        "initialize_layer": lambda slope: initialize_layer(0, 2, 3, negative_slope=slope),
    }


@pytest.mark.parametrize("slope", [0, 0.0, 0.01, 0.5, 1, 1.0, np.float32(0.2)])
def test_every_entry_point_accepts_the_same_slopes(slope: object) -> None:
    for use in _slope_users().values():
        use(slope)


@pytest.mark.parametrize(
    ("slope", "error"),
    [
        (-0.01, ValueError),
        (1.5, ValueError),
        (np.nan, ValueError),
        (np.inf, ValueError),
        (True, TypeError),
        (0.1 + 0j, TypeError),
        ("0.1", TypeError),
        (np.array([0.1]), TypeError),
    ],
)
def test_every_entry_point_rejects_the_same_slopes_with_one_message(
    slope: object, error: type[Exception]
) -> None:
    messages = set()
    for use in _slope_users().values():
        with pytest.raises(
            error, match=r"negative_slope must be a real number in \[0, 1\]"
        ) as info:
            use(slope)
        messages.add(str(info.value))
    assert len(messages) == 1


@pytest.mark.parametrize("function", [dr.sigmoid, dr.sigmoid_derivative, dr.tanh_derivative])
def test_no_overflow_warning_at_extremes(function: Callable[..., Any]) -> None:
    # pytest turns warnings into errors, so an overflow in exp would fail here.
    result = function(np.array([-1000.0, 1000.0], dtype=np.float32))
    assert np.all(np.isfinite(result))


def test_sigmoid_keeps_relative_precision_in_the_left_tail() -> None:
    assert dr.sigmoid(-700.0) == pytest.approx(math.exp(-700.0), rel=1e-12)
    assert dr.tanh_derivative(20.0) == pytest.approx(1 / math.cosh(20.0) ** 2, rel=1e-12)


def test_float16_values() -> None:
    x = np.array([-1.0, 0.5], dtype=np.float16)
    np.testing.assert_allclose(dr.sigmoid(x), [0.2689, 0.6225], rtol=1e-3)
    np.testing.assert_array_equal(dr.leaky_relu(x, 0.5), np.array([-0.5, 0.5], dtype=np.float16))


@pytest.mark.parametrize("function", ALL)
@pytest.mark.parametrize(
    "bad", [["a", "b"], np.array([1 + 2j]), np.array([object()], dtype=object), "1.0"]
)
def test_non_real_input_raises_type_error_naming_x(function: Callable[..., Any], bad: Any) -> None:
    with pytest.raises(TypeError, match=r"^x must"):
        function(bad)


def test_ragged_input_raises_type_error_naming_x() -> None:
    with pytest.raises(TypeError, match=r"^x must"):
        dr.relu([[1.0], [1.0, 2.0]])


@pytest.mark.parametrize("function", [dr.leaky_relu, dr.leaky_relu_derivative])
@pytest.mark.parametrize(
    ("slope", "error"),
    [
        (float("nan"), ValueError),
        (float("inf"), ValueError),
        (-float("inf"), ValueError),
        (1j, TypeError),
        (True, TypeError),
        (np.bool_(False), TypeError),
        ("0.1", TypeError),
        (None, TypeError),
        (np.array([0.1]), TypeError),
    ],
)
def test_bad_negative_slope(function: Callable[..., Any], slope: Any, error: type) -> None:
    with pytest.raises(error, match="negative_slope"):
        function(np.ones(3), negative_slope=slope)


def test_slope_of_numpy_type_does_not_promote_float32() -> None:
    x = np.ones(3, dtype=np.float32)
    assert dr.leaky_relu(x, negative_slope=np.float64(0.1)).dtype == np.float32


@pytest.mark.parametrize("function", ALL)
def test_bad_out(function: Callable[..., Any]) -> None:
    x = np.ones(4)
    with pytest.raises(ValueError, match="out must have shape"):
        function(x, out=np.empty(5))
    with pytest.raises(TypeError, match=r"out must be a numpy\.ndarray"):
        function(x, out=[0.0] * 4)
    with pytest.raises(TypeError, match="out must have a floating dtype"):
        function(x, out=np.empty(4, dtype=np.int64))


@given(x=arrays)
def test_the_active_mask_is_where_relu_passes_its_input(x: np.ndarray) -> None:
    mask = active_mask(x)
    assert mask.dtype == np.bool_
    np.testing.assert_array_equal(mask, dr.relu_derivative(x) == 1.0)
    np.testing.assert_array_equal(np.where(mask, x, 0.0), dr.relu(x))
    slopes = np.empty_like(x)
    assert active_mask(x, out=slopes) is slopes
    np.testing.assert_array_equal(slopes, dr.relu_derivative(x))


def test_nan_is_not_active() -> None:
    assert not active_mask(np.nan)


def test_a_dead_unit_is_active_on_no_row() -> None:
    z = np.array([[-1.0, 0.0, 2.0], [0.0, -3.0, -1.0], [-2.0, 0.0, 1e-300]])
    np.testing.assert_array_equal(dead_mask(z, axis=0), [True, True, False])
    out = np.empty(3, dtype=bool)
    assert dead_mask(z, axis=1, out=out) is out
    np.testing.assert_array_equal(out, [False, True, False])
    # Over every axis at once: is any unit active on any row?
    assert not dead_mask(z, axis=(0, 1))
    assert dead_mask(-np.abs(z), axis=(0, 1))
