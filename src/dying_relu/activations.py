r"""Activation functions and their derivatives, on array-likes.

Every function here follows the same rules:

* Floating input keeps its dtype (float16, float32, float64, longdouble); integer and boolean
  input is computed in float64.  Complex, string and object input raise :class:`TypeError`.
* The input is never modified.  The forward functions and the derivatives accept ``out=``, a
  floating array of the input's shape that receives the result (it may be the input itself,
  for an in-place update).
* A scalar (or 0-d array) in gives a NumPy scalar of the result dtype out, e.g.
  :class:`numpy.float64` for a Python ``float`` or ``int``.
* IEEE rules hold: NaN in gives NaN out, and :math:`\pm\infty` give the limits of the
  function, e.g. ``sigmoid(-inf) == 0.0`` and ``relu_derivative(inf) == 1.0``.

The derivative of ReLU at 0 is taken to be 0, and that of Leaky ReLU to be its negative slope,
so that Leaky ReLU with slope 0 is ReLU in value *and* derivative.  PyTorch and JAX use
:math:`\operatorname{relu}'(0) = 0` too; Bertoin et al. (2021) study why the choice can
matter in practice.
"""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._docstrings import parameters, shared_sections
from ._typing import FloatArray, FloatArrayOrScalar
from ._validation import as_float_array, check_out
from ._validation import negative_slope as check_slope

__all__ = [
    "active_mask",
    "dead_mask",
    "leaky_relu",
    "leaky_relu_derivative",
    "relu",
    "relu_derivative",
    "sigmoid",
    "sigmoid_derivative",
    "tanh",
    "tanh_derivative",
]

#: What the functions return: an array, or a NumPy scalar when the input was a scalar.
FloatResult: TypeAlias = FloatArrayOrScalar


_OUT = (
    "out : numpy.ndarray, optional",
    "Floating array of the shape of ``x`` to write the result into.",
)
_RESULT = "numpy.ndarray or numpy.floating"
#: The parameters and the return type that every activation and derivative shares.
_documented = shared_sections(
    value_of_x=parameters(("x : array_like", "Input values."), _OUT, returns=_RESULT),
    derivative_at_x=parameters(
        ("x : array_like", "Points at which to evaluate the derivative."), _OUT, returns=_RESULT
    ),
    out_and_returns=parameters(_OUT, returns=_RESULT, heading=False),
)


class _Call:
    """The validated input and output of one call, as arrays of at least one dimension.

    Ufuncs return NumPy scalars, not arrays, for 0-d input, and a scalar cannot serve as the
    ``out=`` of the next step, so 0-d input is viewed as shape ``(1,)`` and unwrapped at the end.
    """

    __slots__ = ("out", "requested_out", "scalar", "x")

    def __init__(self, x: ArrayLike, out: FloatArray | None) -> None:
        arr = as_float_array(x, "x")
        if out is not None:
            check_out(out, arr.shape)
        self.requested_out = out
        self.scalar = arr.ndim == 0
        self.x = arr.reshape(1) if self.scalar else arr
        self.out = out.reshape(1) if out is not None and self.scalar else out

    def finish(self, result: FloatArray) -> FloatResult:
        if self.requested_out is not None:
            return self.requested_out
        if self.scalar:
            scalar: np.floating[Any] = result[0]
            return scalar
        return result


def _step(x: FloatArray, low: float, out: FloatArray | None) -> FloatArray:
    """1 where ``x > 0``, ``low`` (in [0, 1]) where ``x <= 0``, NaN where ``x`` is NaN.

    ceil maps (0, inf] to [1, inf] and [-inf, 0] to [-inf, 0]; clipping to [low, 1] then
    gives the step.  Two streaming passes, several times faster than ``np.heaviside`` or
    ``np.where``, and exact.
    """
    result = np.ceil(x, out=out)
    return np.clip(result, low, 1, out=result)


def leaky_into(
    x: FloatArray, negative_slope: float, derivative: FloatArray | None, out: FloatArray | None
) -> FloatArray:
    """Leaky ReLU of ``x`` computed as ``x`` times its derivative; the derivative too.

    The one implementation of Leaky ReLU in the package, for :func:`leaky_relu` and for the
    network's forward pass, which keeps the derivative for its backward pass.  The derivative
    (:func:`_step`: 1 where ``x > 0``, ``negative_slope``, in [0, 1], elsewhere) goes into
    ``derivative`` (a new array if None), and ``x`` times it into ``out`` (a new array if
    None; it may be ``x`` itself).  For finite ``x`` this is ``max(x, negative_slope * x)``
    exactly, as the derivative is exactly 1 or the slope; with slope 0, an infinite ``x`` gives
    NaN (0 times infinity), so :func:`leaky_relu` computes slope 0 as :func:`relu`.
    """
    slopes = _step(x, negative_slope, derivative)
    product: FloatArray = np.multiply(x, slopes, out=out)
    return product


def _sech_squared(values: FloatArray) -> FloatArray:
    """Overwrite ``values`` with 1 / cosh(values)^2, the shape of both sigmoid' and tanh'.

    cosh >= 1, so the result is at most 1, and it keeps full relative precision in the tails,
    where 1 - tanh^2 would round to 0.
    """
    # cosh(x)^2 overflows to inf for |x| > ~355 (float64); 1 / inf = 0 is then the correctly
    # rounded result (the true value underflows), so the overflow flag carries no information.
    with np.errstate(over="ignore"):
        np.cosh(values, out=values)
        np.square(values, out=values)
    return np.reciprocal(values, out=values)


def active_mask(z: ArrayLike, *, out: NDArray[Any] | None = None) -> NDArray[Any]:
    """Where a rectifier is active: the mask ``z > 0``.

    ReLU passes its input on exactly there and outputs 0 elsewhere; :func:`relu_derivative`
    is this mask, :func:`leaky_relu_derivative` is built from it, and a unit of a network is
    active on an input row where its pre-activation ``z`` is in the mask.  NaN is not active.

    Parameters
    ----------
    z : array_like
        Pre-activations.
    out : numpy.ndarray, optional
        An array of the shape of ``z`` to receive the mask: booleans, or 1 and 0 in a
        floating array.

    Returns
    -------
    numpy.ndarray
        The mask, boolean unless ``out`` says otherwise.

    Examples
    --------
    >>> import numpy as np
    >>> active_mask(np.array([-1.0, 0.0, 2.0]))
    array([False, False,  True])
    """
    mask: NDArray[Any] = np.greater(z, 0.0, out=out)
    return mask


def dead_mask(
    z: ArrayLike, *, axis: int | tuple[int, ...] = -1, out: NDArray[np.bool_] | None = None
) -> NDArray[np.bool_]:
    """Which units are dead on a set of rows: active (:func:`active_mask`) on none of them.

    A unit's *activity* on the rows is the fraction of them on which it is active; a unit is
    dead exactly when that activity is 0: ReLU then outputs 0 on every row and passes no
    gradient back from any of them.

    Parameters
    ----------
    z : array_like
        Pre-activations, the rows along ``axis``.
    axis : int or tuple of int
        The axis (or axes) of the rows.
    out : numpy.ndarray of bool, optional
        An array of the shape of ``z`` without ``axis`` to receive the mask.

    Returns
    -------
    numpy.ndarray of bool
        The mask; 0-d when every axis is an axis of rows.

    Examples
    --------
    >>> import numpy as np
    >>> z = np.array([[-1.0, 3.0], [0.0, -2.0]])  # two rows of two units
    >>> dead_mask(z, axis=0)
    array([ True, False])
    """
    # A reduction over every axis gives a NumPy bool, which cannot receive a result.
    dead: NDArray[np.bool_] = np.asarray(np.logical_or.reduce(active_mask(z), axis=axis, out=out))
    return np.logical_not(dead, out=dead)


@_documented
def relu(x: ArrayLike, *, out: FloatArray | None = None) -> FloatResult:
    r"""Rectified linear unit, :math:`\operatorname{relu}(x) = \max(x, 0)`.

    {value_of_x}
        ``max(x, 0)`` elementwise, in the dtype of ``x`` (float64 for integer input).
        NaN stays NaN; ``relu(-0.0)`` keeps the sign of the zero (``-0.0 == 0.0``).

    Examples
    --------
    >>> import numpy as np
    >>> from dying_relu import relu
    >>> relu(np.array([-2.0, -0.5, 0.0, 1.5]))
    array([0. , 0. , 0. , 1.5])
    >>> relu(np.array([-1, 3], dtype=np.float32)).dtype
    dtype('float32')
    """
    call = _Call(x, out)
    # clip with both bounds has a vectorised loop that runs at copy speed; np.maximum with a
    # scalar runs at about half of it for float32.  Python scalars are "weak" under NumPy's
    # promotion rules, so float32 stays float32.
    return call.finish(np.clip(call.x, 0, np.inf, out=call.out))


@_documented
def relu_derivative(x: ArrayLike, *, out: FloatArray | None = None) -> FloatResult:
    r"""Derivative of :func:`relu`: 1 for :math:`x > 0`, 0 for :math:`x \le 0`.

    ReLU is not differentiable at 0; this function returns 0 there (the convention of
    PyTorch and JAX), so that :func:`leaky_relu_derivative` with slope 0 equals it.

    {derivative_at_x}
        0 or 1 elementwise (NaN where ``x`` is NaN), in the dtype of ``x``.

    Examples
    --------
    >>> import numpy as np
    >>> from dying_relu import relu_derivative
    >>> relu_derivative(np.array([-3.0, 0.0, 2.0]))
    array([0., 0., 1.])
    """
    call = _Call(x, out)
    return call.finish(_step(call.x, 0.0, call.out))


@_documented
def leaky_relu(
    x: ArrayLike, negative_slope: float = 0.01, *, out: FloatArray | None = None
) -> FloatResult:
    r"""Leaky rectified linear unit (Maas et al., 2013).

    .. math::

       \operatorname{leaky}_a(x) = \begin{cases} x & x > 0 \\ a x & x \le 0 \end{cases}

    Parameters
    ----------
    x : array_like
        Input values.
    negative_slope : float, default 0.01
        The slope :math:`a` for negative inputs, a real number in :math:`[0, 1]`, as
        everywhere in the package (:class:`~dying_relu.MLP`, the initialisation and the
        experiments check it the same way).  Slope 0 gives exactly :func:`relu`, slope 1 the
        identity.
    {out_and_returns}
        The activation elementwise, in the dtype of ``x``.

    Raises
    ------
    TypeError
        If ``negative_slope`` is not a real number (bools and complex numbers included).
    ValueError
        If ``negative_slope`` is outside :math:`[0, 1]` or NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from dying_relu import leaky_relu
    >>> leaky_relu(np.array([-2.0, 0.0, 3.0]), negative_slope=0.1)
    array([-0.2,  0. ,  3. ])
    """
    slope = check_slope(negative_slope)
    call = _Call(x, out)
    arr, out = call.x, call.out
    if slope == 0.0:
        # 0 * inf is NaN, so the product form below would turn relu(+-inf) into NaN.
        return call.finish(np.clip(arr, 0, np.inf, out=out))
    return call.finish(leaky_into(arr, slope, None, out))


@_documented
def leaky_relu_derivative(
    x: ArrayLike, negative_slope: float = 0.01, *, out: FloatArray | None = None
) -> FloatResult:
    r"""Derivative of :func:`leaky_relu`: 1 for :math:`x > 0`, ``negative_slope`` for :math:`x \le 0`.

    At :math:`x = 0` the derivative is taken to be ``negative_slope`` (PyTorch's convention),
    so that slope 0 gives :func:`relu_derivative` exactly.

    Parameters
    ----------
    x : array_like
        Points at which to evaluate the derivative.
    negative_slope : float, default 0.01
        The slope for negative inputs, checked as in :func:`leaky_relu`.
    {out_and_returns}
        The derivative elementwise (NaN where ``x`` is NaN), in the dtype of ``x``.

    Examples
    --------
    >>> import numpy as np
    >>> from dying_relu import leaky_relu_derivative
    >>> leaky_relu_derivative(np.array([-1.0, 0.0, 1.0]), negative_slope=0.2)
    array([0.2, 0.2, 1. ])
    """
    slope = check_slope(negative_slope)
    call = _Call(x, out)
    return call.finish(_step(call.x, slope, call.out))


@_documented
def sigmoid(x: ArrayLike, *, out: FloatArray | None = None) -> FloatResult:
    r"""Logistic sigmoid, :math:`\sigma(x) = 1 / (1 + e^{-x})`, computed without overflow.

    Computed as :math:`\exp(\min(x, 0)) / (1 + \exp(-|x|))`, which is :math:`1/(1+e^{-x})`
    for :math:`x \ge 0` and :math:`e^{x}/(1+e^{x})` for :math:`x < 0`: no exponential has a
    positive argument, so nothing overflows and no warning is raised
    even at :math:`\pm 1000`; :math:`\sigma(-\infty) = 0` and :math:`\sigma(\infty) = 1`
    exactly, and small values keep full relative precision.

    {value_of_x}
        Values in :math:`[0, 1]`, in the dtype of ``x``.

    Examples
    --------
    >>> import numpy as np
    >>> from dying_relu import sigmoid
    >>> sigmoid(np.array([-np.inf, 0.0, np.inf]))
    array([0. , 0.5, 1. ])
    >>> float(sigmoid(-1000.0))
    0.0
    """
    call = _Call(x, out)
    # exp(min(x, 0)) is e^x for negative x and 1 otherwise; neither exponential can overflow.
    numerator = np.minimum(call.x, 0)
    np.exp(numerator, out=numerator)
    denominator = np.abs(call.x)
    np.negative(denominator, out=denominator)
    np.exp(denominator, out=denominator)
    np.add(denominator, 1, out=denominator)
    return call.finish(np.divide(numerator, denominator, out=call.out))


@_documented
def sigmoid_derivative(x: ArrayLike, *, out: FloatArray | None = None) -> FloatResult:
    r"""Derivative of :func:`sigmoid`, :math:`\sigma'(x) = \sigma(x)(1 - \sigma(x)) \le 1/4`.

    Computed as :math:`1 / (4\cosh^2(x/2))`, which keeps full relative precision in the tails
    (there is no cancellation as in :math:`1 - \sigma`) and is 0 at :math:`\pm\infty`.  The maximum,
    :math:`1/4`, is reached at :math:`x = 0`.

    {derivative_at_x}
        Values in :math:`[0, 1/4]`, in the dtype of ``x``.

    Examples
    --------
    >>> import numpy as np
    >>> from dying_relu import sigmoid_derivative
    >>> sigmoid_derivative(np.array([0.0, np.inf]))
    array([0.25, 0.  ])
    """
    call = _Call(x, out)
    result = np.multiply(call.x, 0.5, out=call.out)
    _sech_squared(result)
    return call.finish(np.multiply(result, 0.25, out=result))


@_documented
def tanh(x: ArrayLike, *, out: FloatArray | None = None) -> FloatResult:
    r"""Hyperbolic tangent, :math:`\tanh(x) = (e^{x} - e^{-x}) / (e^{x} + e^{-x})`.

    {value_of_x}
        Values in :math:`[-1, 1]`, in the dtype of ``x``; :math:`\tanh(\pm\infty) = \pm 1`.

    Examples
    --------
    >>> import numpy as np
    >>> from dying_relu import tanh
    >>> tanh(np.array([-np.inf, 0.0, np.inf]))
    array([-1.,  0.,  1.])
    """
    call = _Call(x, out)
    arr, out = call.x, call.out
    return call.finish(np.tanh(arr, out=out))


@_documented
def tanh_derivative(x: ArrayLike, *, out: FloatArray | None = None) -> FloatResult:
    r"""Derivative of :func:`tanh`, :math:`\tanh'(x) = 1 - \tanh^2(x) = 1/\cosh^2(x) \le 1`.

    Computed as :math:`1/\cosh^2(x)`, which keeps full relative precision in the tails
    where :math:`1 - \tanh^2(x)` would round to 0.  The maximum, 1, is reached at
    :math:`x = 0`.

    {derivative_at_x}
        Values in :math:`[0, 1]`, in the dtype of ``x``: 1 at 0, 0 at :math:`\pm\infty`.

    Examples
    --------
    >>> import numpy as np
    >>> from dying_relu import tanh_derivative
    >>> tanh_derivative(np.array([0.0, -np.inf]))
    array([1., 0.])
    """
    call = _Call(x, out)
    if call.out is None:
        return call.finish(_sech_squared(call.x.copy()))
    np.copyto(call.out, call.x)
    return call.finish(_sech_squared(call.out))
