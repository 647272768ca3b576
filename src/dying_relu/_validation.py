"""Argument checks shared by the package, so that every public function fails the same way."""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["as_float_array", "check_out", "check_slope", "positive_int"]


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


def check_slope(value: Any, name: str = "negative_slope") -> float:
    """Return a finite real slope as a Python float (so it never promotes a float32 array)."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    slope = float(value)
    if not math.isfinite(slope):
        raise ValueError(f"{name} must be finite, got {slope}")
    return slope


def positive_int(value: Any, name: str) -> int:
    """Return ``value`` as an ``int`` if it is an integer >= 1 (bools excluded), else raise."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive integer, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value}")
    return int(value)
