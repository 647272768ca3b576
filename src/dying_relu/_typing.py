"""Array types that the signatures of the package share."""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

__all__ = ["FloatArray", "FloatArrayOrScalar"]

#: An array of any floating dtype.
FloatArray: TypeAlias = NDArray[np.floating[Any]]
#: An array, or a NumPy scalar where no axis is left (a scalar input, a reduction of every axis).
FloatArrayOrScalar: TypeAlias = FloatArray | np.floating[Any]
