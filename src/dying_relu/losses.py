r"""The two training losses of the package and their gradients with respect to the network output.

Both work on a batch of rows, ``(n, k)``, or on a stack of batches, ``(..., n, k)``, one per
member of an ensemble; the loss then has the leading shape ``(...)``.

``"mse"``
    Mean squared error, the mean over all :math:`n k` elements of :math:`(\hat y - y)^2`.
``"cross_entropy"``
    Softmax cross-entropy with integer labels, the mean over rows of
    :math:`\log\sum_j e^{z_j} - z_{y}`, computed with the log-sum-exp shift
    :math:`z \to z - \max_j z_j` so that large logits neither overflow nor lose precision.
"""

from __future__ import annotations

from typing import Any, TypeAlias, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._docstrings import parameters, shared_sections
from ._typing import FloatArray, FloatArrayOrScalar
from ._validation import as_float_array

__all__ = [
    "LOSS_NAMES",
    "cross_entropy",
    "cross_entropy_with_grad",
    "mse",
    "mse_with_grad",
    "softmax",
]

#: A loss value: a NumPy scalar for one batch, an array for a stack of batches.
LossValue: TypeAlias = FloatArrayOrScalar

#: Names accepted wherever a loss is chosen by name.
LOSS_NAMES = ("mse", "cross_entropy")

_MSE_ARGUMENTS = (
    ("output : array_like, shape (..., n, k)", "Network output."),
    ("target : array_like", "Target values, broadcastable to the shape of ``output``."),
)
_CROSS_ENTROPY_ARGUMENTS = (
    (
        "logits : array_like, shape (..., n, k)",
        "Unnormalised log-probabilities of the ``k`` classes.",
    ),
    ("labels : array_like of int, shape (..., n)", "Class of each row, in ``range(k)``."),
)
_LOSS = "numpy.floating or numpy.ndarray"


def _loss_and_grad(loss: str, first: str) -> str:
    return f"loss : {_LOSS}\n    As :func:`{loss}`.\ngrad : numpy.ndarray, shape of ``{first}``"


#: The arguments of each loss and what it returns, alone and with the gradient.
_documented = shared_sections(
    mse=parameters(*_MSE_ARGUMENTS, returns=_LOSS),
    mse_with_grad=parameters(*_MSE_ARGUMENTS, returns=_loss_and_grad("mse", "output")),
    cross_entropy=parameters(*_CROSS_ENTROPY_ARGUMENTS, returns=_LOSS),
    cross_entropy_with_grad=parameters(
        *_CROSS_ENTROPY_ARGUMENTS, returns=_loss_and_grad("cross_entropy", "logits")
    ),
)


@_documented
def mse(output: ArrayLike, target: ArrayLike) -> LossValue:
    """Mean squared error over the last two axes.

    {mse}
        Mean of ``(output - target) ** 2`` over the last two axes.

    Examples
    --------
    >>> mse([[1.0], [3.0]], [[0.0], [0.0]])
    np.float64(5.0)
    """
    return mse_with_grad(output, target)[0]


@_documented
def mse_with_grad(output: ArrayLike, target: ArrayLike) -> tuple[LossValue, FloatArray]:
    """Mean squared error and its gradient with respect to ``output``.

    {mse_with_grad}
        :math:`2 (\\hat y - y) / (n k)`.

    Examples
    --------
    >>> loss, grad = mse_with_grad([[1.0], [3.0]], [[0.0], [0.0]])
    >>> grad
    array([[1.],
           [3.]])
    """
    out = _batch_array(output, "output")
    tgt = as_float_array(target, "target").astype(out.dtype, copy=False)
    try:
        np.broadcast_shapes(tgt.shape, out.shape)
    except ValueError:
        raise ValueError(
            f"target of shape {tgt.shape} does not match output of shape {out.shape}"
        ) from None
    grad = np.empty(out.shape, dtype=out.dtype)
    loss = mse_into(out, np.broadcast_to(tgt, out.shape), grad)
    return scalar_or_array(loss), grad


@_documented
def cross_entropy(logits: ArrayLike, labels: ArrayLike) -> LossValue:
    """Softmax cross-entropy with integer labels, the mean over rows.

    {cross_entropy}
        :math:`\\frac1n \\sum_i (\\log \\sum_j e^{z_{ij}} - z_{i y_i})`.

    Examples
    --------
    >>> import numpy as np
    >>> bool(np.isclose(cross_entropy([[0.0, 0.0]], [1]), np.log(2)))
    True
    >>> cross_entropy([[1000.0, 0.0]], [0])
    np.float64(0.0)
    """
    return cross_entropy_with_grad(logits, labels)[0]


@_documented
def cross_entropy_with_grad(logits: ArrayLike, labels: ArrayLike) -> tuple[LossValue, FloatArray]:
    """Softmax cross-entropy with integer labels, and its gradient with respect to the logits.

    {cross_entropy_with_grad}
        :math:`(\\operatorname{softmax}(z) - \\operatorname{onehot}(y)) / n`.

    Examples
    --------
    >>> loss, grad = cross_entropy_with_grad([[0.0, 0.0]], [1])
    >>> grad
    array([[ 0.5, -0.5]])
    """
    z = _batch_array(logits, "logits")
    index = label_index(labels, z.shape, "labels")
    # The kernel works one row per class (see cross_entropy_into).
    grad = np.swapaxes(z, -1, -2).copy()
    # Shifting a logit near -max_float by a large maximum overflows to -inf, whose exponential
    # is the correct probability 0: that overflow is harmless, so it is not reported.
    with np.errstate(over="ignore"):
        loss = cross_entropy_into(grad, index, grad)
    return scalar_or_array(loss), np.ascontiguousarray(np.swapaxes(grad, -1, -2))


def softmax(logits: ArrayLike) -> FloatArray:
    """Softmax over the last axis, shifted by the row maximum so that it never overflows.

    Parameters
    ----------
    logits : array_like
        Unnormalised log-probabilities, classes along the last axis.

    Returns
    -------
    numpy.ndarray
        Probabilities, summing to 1 along the last axis.

    Examples
    --------
    >>> softmax([[0.0, 0.0], [1000.0, 0.0]])
    array([[0.5, 0.5],
           [1. , 0. ]])
    """
    z = as_float_array(logits, "logits")
    if z.ndim == 0:
        raise ValueError("logits must have at least one axis, got a scalar")
    shifted: FloatArray = z - z.max(axis=-1, keepdims=True)
    np.exp(shifted, out=shifted)
    shifted /= shifted.sum(axis=-1, keepdims=True)
    return shifted


def label_index(labels: ArrayLike, logits_shape: tuple[int, ...], name: str) -> NDArray[np.intp]:
    """Check integer labels against logits of ``logits_shape`` ``(..., n, k)``.

    Returns the flat position of each row's label logit in the class-major layout
    ``(..., k, n)`` that :func:`cross_entropy_into` works in, so that the kernel can pick and
    correct those entries without a one-hot matrix.
    """
    arr = np.asarray(labels)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{name} must be integer class labels, got dtype {arr.dtype}")
    rows_shape, classes = logits_shape[:-1], logits_shape[-1]
    if arr.shape != rows_shape:
        raise ValueError(
            f"{name} must have shape {rows_shape} to match the output, got {arr.shape}"
        )
    if arr.size and (arr.min() < 0 or arr.max() >= classes):
        raise ValueError(
            f"{name} must lie in range({classes}), got values from {arr.min()} to {arr.max()}"
        )
    rows = rows_shape[-1]
    positions: NDArray[np.intp] = arr.reshape(-1).astype(np.intp) * rows
    positions += label_offsets(arr.size // rows, classes, rows)
    return positions


def label_offsets(batches: int, classes: int, rows: int) -> NDArray[np.intp]:
    """Where label 0 of each row sits in the class-major layout of :func:`label_index`.

    Row ``r`` of batch ``b`` with label ``c`` sits at ``(b * k + c) * n + r`` in the flat
    layout ``(batches, k, n)``: this offset, ``b * k * n + r``, plus ``c * n``.  The training
    loop adds the offsets of its minibatches to their labels times ``n`` once an epoch.
    """
    batch = np.arange(batches, dtype=np.intp)[:, np.newaxis]
    offsets: NDArray[np.intp] = batch * (classes * rows) + np.arange(rows, dtype=np.intp)
    return offsets.reshape(-1)


def mse_into(output: FloatArray, target: FloatArray, grad: FloatArray) -> FloatArray:
    """Write the mean-squared-error gradient into ``grad``; return the loss per batch.

    No checks: ``output``, ``target`` and ``grad`` share one shape ``(..., a, b)`` and dtype
    (either layout: the loss is the mean over the last two axes), and ``grad`` is C-contiguous
    (it may be ``output`` itself).
    """
    count = output.shape[-1] * output.shape[-2]
    np.subtract(output, target, out=grad)
    flat = grad.reshape(*grad.shape[:-2], count)
    # Summing squares row by row along one contiguous axis gives every ensemble member the
    # rounding of a lone network, which a full-array or einsum reduction would not promise.
    loss: FloatArray = np.square(flat).sum(axis=-1)
    loss /= count
    grad *= 2.0 / count
    return loss


def cross_entropy_into(logits: FloatArray, index: NDArray[np.intp], grad: FloatArray) -> FloatArray:
    """Write the softmax cross-entropy gradient into ``grad``; return the loss per batch.

    No checks.  ``logits`` holds one row per *class*, shape ``(..., k, n)``: the reductions
    over classes then run across rows, which numpy vectorises, instead of along rows of length
    ``k``, which it does not (several times slower for ten classes).  ``index`` comes from
    :func:`label_index`; ``grad`` is C-contiguous with the shape and dtype of ``logits`` (it may
    be ``logits`` itself).
    """
    rows = logits.shape[-1]
    np.subtract(logits, logits.max(axis=-2, keepdims=True), out=grad)
    flat = grad.reshape(-1)
    picked = flat[index].reshape(*logits.shape[:-2], rows)
    np.exp(grad, out=grad)
    total = grad.sum(axis=-2, keepdims=True)
    loss: FloatArray = (np.log(total[..., 0, :]) - picked).mean(axis=-1)
    # One division by n * total both normalises the softmax and averages over the rows.
    total *= rows
    grad /= total
    flat[index] -= 1.0 / rows
    return loss


def _batch_array(x: ArrayLike, name: str) -> FloatArray:
    arr = as_float_array(x, name)
    if arr.ndim < 2:
        raise ValueError(f"{name} must have shape (..., n, k), got {arr.ndim}-D")
    if arr.shape[-1] == 0 or arr.shape[-2] == 0:
        raise ValueError(f"{name} must have at least one row and one column, got shape {arr.shape}")
    return arr


def scalar_or_array(loss: FloatArray) -> LossValue:
    """A 0-d loss as a NumPy scalar, as numpy reductions return it; other losses unchanged."""
    if loss.ndim == 0:
        return cast("np.floating[Any]", loss[()])
    return loss
