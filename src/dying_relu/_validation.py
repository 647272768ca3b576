"""Argument checks shared by the package, so that every public function fails the same way."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "as_float_array",
    "check_out",
    "choice",
    "finite_real",
    "floating_dtype",
    "index_of",
    "learning_rate",
    "negative_slope",
    "non_negative_real",
    "positive_int",
    "positive_real",
    "scalar_learning_rate",
    "seed",
    "seed_list",
]


def as_float_array(x: Any, name: str) -> NDArray[np.floating[Any]]:
    """Return ``x`` as an array of a floating dtype, without copying floating input.

    Floating dtypes are kept; integer and boolean input becomes float64.  Complex, string,
    object and other dtypes raise :class:`TypeError` naming ``name``.
    """
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as exc:
        # Ragged nested sequences fail inside numpy with a message that names no argument.
        raise TypeError(f"{name} must be an array-like of real numbers: {exc}") from None
    kind = arr.dtype.kind
    if kind == "f":
        return arr
    if kind in "iub":
        return arr.astype(np.float64)
    raise TypeError(
        f"{name} must contain real numbers, got an array of dtype {arr.dtype} "
        f"({'complex' if kind == 'c' else 'not numeric'})"
    )


def check_out(out: Any, shape: tuple[int, ...], name: str = "out") -> NDArray[np.floating[Any]]:
    """Check that ``out`` can receive a result of ``shape``; return it unchanged."""
    if not isinstance(out, np.ndarray):
        raise TypeError(f"{name} must be a numpy.ndarray, got {type(out).__name__}")
    if out.dtype.kind != "f":
        raise TypeError(f"{name} must have a floating dtype, got {out.dtype}")
    if out.shape != shape:
        raise ValueError(f"{name} must have shape {shape}, got {out.shape}")
    return out


def finite_real(value: Any, name: str) -> float:
    """Return a finite real number as a Python float (so it never promotes a float32 array).

    Bools, complex numbers, strings, arrays and other non-numbers raise :class:`TypeError`;
    NaN and infinities raise :class:`ValueError`.  Both messages name ``name``.
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {number}")
    return number


def non_negative_real(value: Any, name: str) -> float:
    """:func:`finite_real`, and at least 0."""
    number = finite_real(value, name)
    if number < 0.0:
        raise ValueError(f"{name} must be a finite number >= 0, got {number}")
    return number


def negative_slope(value: Any, name: str = "negative_slope") -> float:
    """Return the negative slope of a Leaky ReLU: a finite real number in [0, 1].

    The one rule for the slope, wherever it enters the package (the activation functions,
    the initialisation, :class:`~dying_relu.MLP`, the experiments).  0 is ReLU and 1 the
    identity; a slope above 1 or below 0 makes a different function (one that amplifies the
    negative side, or is not monotonic), which none of the package's formulas, such as the
    gain sqrt(2 / (1 + a^2)), is meant for.  Bools, complex numbers and other
    non-numbers raise :class:`TypeError`, anything else outside [0, 1] (NaN included)
    :class:`ValueError`, both naming ``name``.
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number in [0, 1], got {type(value).__name__}")
    slope = float(value)
    if not 0.0 <= slope <= 1.0:
        raise ValueError(f"{name} must be a real number in [0, 1], got {slope}")
    return slope


def positive_real(value: Any, name: str) -> float:
    """:func:`finite_real`, and greater than 0."""
    number = finite_real(value, name)
    if number <= 0.0:
        raise ValueError(f"{name} must be positive and finite, got {number}")
    return number


def positive_int(value: Any, name: str) -> int:
    """Return ``value`` as an ``int`` if it is an integer >= 1 (bools excluded), else raise."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive integer, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value}")
    return int(value)


def choice(value: Any, name: str, allowed: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of the strings ``allowed``, else raise naming ``name``."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {allowed}, got {type(value).__name__}")
    if value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")
    return value


def floating_dtype(dtype: Any, name: str) -> np.dtype[Any]:
    """Return ``dtype`` as a numpy floating dtype, else raise naming ``name``."""
    try:
        resolved: np.dtype[Any] = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{name} must be a numpy floating dtype, got {dtype!r}") from None
    if resolved.kind != "f":
        raise TypeError(f"{name} must be a floating dtype, got {resolved}")
    return resolved


def learning_rate(value: Any, name: str = "lr") -> float | NDArray[np.float64]:
    """Return a positive finite number as a float, or a 1-D array of them (one per member)."""
    if isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be a positive number or a 1-D array of them, got bool")
    try:
        rates = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be a positive number or a 1-D array of them, got {type(value).__name__}"
        ) from None
    if rates.ndim > 1 or rates.size == 0:
        raise ValueError(
            f"{name} must be a number or a non-empty 1-D array, got shape {rates.shape}"
        )
    if not (np.isfinite(rates).all() and (rates > 0).all()):
        raise ValueError(f"{name} must be positive and finite, got {value}")
    return float(rates) if rates.ndim == 0 else rates


def scalar_learning_rate(value: Any, name: str = "lr") -> float:
    """:func:`learning_rate`, where one number for every member is required."""
    rate = learning_rate(value, name)
    if not isinstance(rate, float):
        raise TypeError(f"{name} must be a positive number, got an array of shape {rate.shape}")
    return rate


def seed(value: Any, name: str = "seed") -> int:
    """Return a random seed, an integer >= 0 (bools excluded), as an ``int``, else raise."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a non-negative integer, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value}")
    return int(value)


def seed_list(values: Any, name: str = "seeds") -> list[int]:
    """Return a non-empty sequence of seeds (see :func:`seed`) as a list, else raise."""
    if isinstance(values, str) or not isinstance(values, Sequence | np.ndarray):
        raise TypeError(
            f"{name} must be a sequence of non-negative integers, got {type(values).__name__}"
        )
    seeds = [seed(value, name) for value in values]
    if not seeds:
        raise ValueError(f"{name} must hold at least one seed, got an empty sequence")
    return seeds


def index_of(grid: Any, value: Any, name: str) -> int:
    """Return the position of ``value`` in the 1-D array ``grid``, else raise naming ``name``."""
    matches = np.flatnonzero(np.asarray(grid) == value)
    if matches.size == 0:
        raise ValueError(f"{name} must be one of {np.asarray(grid).tolist()}, got {value!r}")
    return int(matches[0])
