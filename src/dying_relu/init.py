r"""Initial weights and biases of one fully connected layer, for one network or many at once.

Three weight recipes are offered, all drawn in float64 and then cast to the requested dtype, so
that a float32 network starts from the float64 network's parameters rounded to float32:

``"he"``
    Kaiming normal with fan-in scaling (He et al. 2015): :math:`W_{ij} \sim
    \mathcal N\bigl(0, 2 / ((1 + a^2)\,\text{fan\_in})\bigr)`, where :math:`a` is the negative
    slope of a Leaky ReLU (:math:`a = 0` for ReLU).
``"xavier"``
    Glorot normal (Glorot and Bengio 2010): :math:`W_{ij} \sim \mathcal N\bigl(0, 2 /
    (\text{fan\_in} + \text{fan\_out})\bigr)`.
``"rai"``
    Randomized asymmetric initialisation (Lu, Shin, Su and Karniadakis 2020,
    arXiv:1903.06733).  For each unit :math:`j`, the weights into it and its bias form one
    vector :math:`V_j = (W_{1j}, \dots, W_{\text{fan\_in},j}, b_j)` of length
    :math:`\text{fan\_in} + 1`.  One entry of :math:`V_j`, chosen uniformly at random, is drawn
    from the positive, asymmetric distribution :math:`\operatorname{Beta}(2, 1)`; all other
    entries are drawn from :math:`\mathcal N(0, \sigma^2)` with :math:`\sigma = 0.6007 /
    \sqrt{\text{fan\_in}}`, the scale the paper derives for :math:`\operatorname{Beta}(2, 1)`.
    Because the bias is part of the recipe, ``bias`` must stay ``"zeros"`` with ``"rai"``.

Biases, for ``"he"`` and ``"xavier"``:

``"zeros"``
    All zero, the usual choice.
a real number
    Every bias set to that constant, e.g. ``-3.0`` to push units towards death on purpose.
``"random"``
    Uniform on :math:`[-1/\sqrt{\text{fan\_in}}, 1/\sqrt{\text{fan\_in}}]`, the bias
    distribution of PyTorch's ``nn.Linear``.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

from ._typing import FloatArray
from ._validation import choice, floating_dtype, positive_int, seed
from ._validation import negative_slope as check_slope

__all__ = [
    "BIAS_NAMES",
    "INIT_NAMES",
    "check_recipe",
    "initialize_layer",
    "nudge",
    "nudge_generator",
]


#: Names accepted by ``init``.
INIT_NAMES = ("he", "xavier", "rai")
#: Names accepted by ``bias`` (besides a real constant).
BIAS_NAMES = ("zeros", "random")

# Standard deviation times sqrt(fan_in) of the symmetric part of RAI when the asymmetric entry
# is Beta(2, 1) (Lu et al. 2020, section 5).
_RAI_SIGMA = 0.6007
# Mixed into the seed of the generator of the nudges' signs (see nudge_generator).
_NUDGE_STREAM = 0x6E75646765


def initialize_layer(
    rng: np.random.Generator | int,
    fan_in: int,
    fan_out: int,
    *,
    init: str = "he",
    bias: str | float = "zeros",
    negative_slope: float = 0.0,
    batch: tuple[int, ...] = (),
    dtype: DTypeLike = np.float64,
) -> tuple[FloatArray, FloatArray]:
    """Draw the weights and biases of one fully connected layer.

    The recipes are described in the module documentation above.

    Parameters
    ----------
    rng : numpy.random.Generator or int
        Source of randomness, or a seed for :func:`numpy.random.default_rng`.
    fan_in, fan_out : int
        Number of inputs to the layer and of units in it; positive.
    init : {"he", "xavier", "rai"}
        Weight recipe.
    bias : {"zeros", "random"} or float
        Bias recipe: zeros, a constant, or uniform in :math:`\\pm 1/\\sqrt{fan\\_in}`.
        Must be ``"zeros"`` when ``init="rai"``, which draws the bias itself.
    negative_slope : float
        Slope :math:`a \\ge 0` of the Leaky ReLU after the layer, used by ``"he"`` only.
    batch : tuple of int
        Leading shape of independent layers drawn at once, e.g. ``(trials,)``.
    dtype : numpy dtype
        Floating dtype of the result.

    Returns
    -------
    W : numpy.ndarray
        Weights of shape ``batch + (fan_in, fan_out)``; a row of inputs ``x`` maps to ``x @ W``.
    b : numpy.ndarray
        Biases of shape ``batch + (fan_out,)``.

    Raises
    ------
    TypeError, ValueError
        On a bad argument, before anything is drawn.

    Examples
    --------
    >>> import numpy as np
    >>> W, b = initialize_layer(np.random.default_rng(0), 3, 2, bias=-3.0)
    >>> W.shape, b
    ((3, 2), array([-3., -3.]))
    >>> W, b = initialize_layer(0, 500, 500, batch=(4,), dtype=np.float32)
    >>> W.shape, W.dtype, round(float(W.var()) * 500, 1)
    ((4, 500, 500), dtype('float32'), 2.0)
    """
    generator = _generator(rng)
    fan_in = positive_int(fan_in, "fan_in")
    fan_out = positive_int(fan_out, "fan_out")
    init, bias_value = check_recipe(init, bias)
    slope = check_slope(negative_slope)
    batch = _batch_shape(batch)
    out_dtype = floating_dtype(dtype, "dtype")

    shape = (*batch, fan_in, fan_out)
    if init == "rai":
        weights, biases = _rai(generator, fan_in, fan_out, batch)
    else:
        if init == "he":
            std = math.sqrt(2.0 / ((1.0 + slope**2) * fan_in))
        else:
            std = math.sqrt(2.0 / (fan_in + fan_out))
        weights = generator.normal(0.0, std, size=shape)
        if bias_value == "zeros":
            biases = np.zeros((*batch, fan_out))
        elif bias_value == "random":
            bound = 1.0 / math.sqrt(fan_in)
            biases = generator.uniform(-bound, bound, size=(*batch, fan_out))
        else:
            biases = np.full((*batch, fan_out), float(bias_value))
    return weights.astype(out_dtype, copy=False), biases.astype(out_dtype, copy=False)


def check_recipe(init: str, bias: str | float) -> tuple[str, str | float]:
    """Check a weight recipe and a bias recipe, alone and together, before anything is drawn.

    Parameters
    ----------
    init, bias
        As in :func:`initialize_layer`.

    Returns
    -------
    init : str
    bias : str or float
        The recipes as :func:`initialize_layer` uses them; a constant bias becomes a float.

    Raises
    ------
    TypeError, ValueError
        Naming ``init`` or ``bias``: an unknown name, a bias that is not a finite real number,
        or a bias other than ``"zeros"`` with ``init="rai"``.

    Examples
    --------
    >>> check_recipe("he", -3)
    ('he', -3.0)
    >>> check_recipe("rai", "random")
    Traceback (most recent call last):
    ...
    ValueError: bias must be 'zeros' when init='rai' (RAI draws the bias itself), got 'random'
    """
    init = choice(init, "init", INIT_NAMES)
    bias_value = _bias_recipe(bias)
    if init == "rai" and bias_value != "zeros":
        raise ValueError(
            f"bias must be 'zeros' when init='rai' (RAI draws the bias itself), got {bias!r}"
        )
    return init, bias_value


def nudge(values: Any, rng: np.random.Generator) -> None:
    """Move every entry of ``values`` by one unit in the last place, in place.

    Each entry moves to the next representable number of its dtype above or below it, the
    direction drawn from ``rng`` with equal chances: a change at the level of rounding, of the
    same relative size (about ``numpy.finfo(dtype).eps``) in float32 and in float64, which the
    replicates of the experiments apply to initial weights (see :mod:`dying_relu.runner`).

    Examples
    --------
    >>> w = np.array([1.0, -2.0, 0.5], dtype=np.float32)
    >>> nudge(w, np.random.default_rng(0))
    >>> (w - np.array([1.0, -2.0, 0.5], dtype=np.float32)).tolist()
    [-5.960464477539063e-08, 1.1920928955078125e-07, 5.960464477539063e-08]
    """
    if not isinstance(values, np.ndarray) or values.dtype.kind != "f":
        raise TypeError("values must be a numpy array of a floating dtype")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    up = rng.random(values.shape) < 0.5
    np.nextafter(values, np.where(up, np.inf, -np.inf).astype(values.dtype), out=values)


def nudge_generator(*key: int) -> np.random.Generator:
    """The generator of the signs of :func:`nudge` for ``key`` (a seed, a layer, ...).

    Its stream is apart from every draw of initial weights made from the same seed, so that a
    nudged network starts from the same draws as the plain one, moved by one unit in the last
    place.
    """
    return np.random.default_rng([*(seed(k, "key") for k in key), _NUDGE_STREAM])


def _rai(
    rng: np.random.Generator, fan_in: int, fan_out: int, batch: tuple[int, ...]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    # One row per unit holds its incoming weights and, in the last column, its bias.
    joint = rng.normal(0.0, _RAI_SIGMA / math.sqrt(fan_in), size=(*batch, fan_out, fan_in + 1))
    position = rng.integers(0, fan_in + 1, size=(*batch, fan_out, 1))
    positive = rng.beta(2.0, 1.0, size=(*batch, fan_out, 1))
    np.put_along_axis(joint, position, positive, axis=-1)
    weights = np.ascontiguousarray(np.swapaxes(joint[..., :fan_in], -1, -2))
    return weights, np.ascontiguousarray(joint[..., fan_in])


def _generator(rng: Any) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if not isinstance(rng, numbers.Integral):
        raise TypeError(
            f"rng must be a numpy.random.Generator or an integer seed, got {type(rng).__name__}"
        )
    return np.random.default_rng(seed(rng, "rng"))


def _bias_recipe(bias: Any) -> str | float:
    if isinstance(bias, str):
        return choice(bias, "bias", BIAS_NAMES)
    if isinstance(bias, bool | np.bool_) or not isinstance(bias, numbers.Real):
        raise TypeError(
            f"bias must be one of {BIAS_NAMES} or a real number, got {type(bias).__name__}"
        )
    if not math.isfinite(float(bias)):
        raise ValueError(f"bias must be finite, got {bias}")
    return float(bias)


def _batch_shape(batch: Any) -> tuple[int, ...]:
    if not isinstance(batch, tuple):
        raise TypeError(f"batch must be a tuple of positive integers, got {type(batch).__name__}")
    return tuple(positive_int(size, "batch") for size in batch)
