r"""Dead and dormant units in any network, from its activations, streamed batch by batch.

The detector knows no framework: it takes the activations of the layers a reader wants to
inspect as arrays (numpy, or anything :func:`numpy.asarray` accepts, such as a PyTorch
tensor's ``.numpy()`` or a JAX array), one batch at a time, and keeps a few numbers per unit,
so that a data set never has to fit in memory.  Per unit of each layer it reports:

*dead*
    The unit's activation is never above zero on the data: the site's definition.  For ReLU
    that is a unit that outputs 0 and passes no gradient on every input; for Leaky ReLU the
    same test marks a unit that is on its negative side everywhere (it still passes a small
    gradient).  Activations are what the layer outputs, so for a rectifier "above zero" is
    the same test as the pre-activation :math:`z > 0` that :mod:`dying_relu.diagnostics`
    uses.
*firing share*
    The share of inputs on which the unit's activation is above zero (somewhere, for a
    channel of a feature map); a unit is dead exactly when its share is 0.
:math:`\tau`-*dormant*
    Sokar, Agarwal, Castro and Evci (2023): the unit's score
    :math:`s_i = \overline{|h_i|} \,/\, \bigl(\tfrac{1}{H}\sum_{k=1}^{H} \overline{|h_k|}\bigr)`,
    where :math:`\overline{|h_i|}` is the mean over the data of the *absolute* activation of
    unit :math:`i` and the denominator is the mean of that quantity over the :math:`H` units of
    the layer, is at most :math:`\tau` (:func:`dormant_scores`).  With :math:`\tau = 0` a ReLU
    unit is dormant exactly when it is dead; a Leaky ReLU unit that is dead by the test above
    still has :math:`|h| > 0` and is dormant only if it is quiet relative to its layer.

Convolutional feature maps are supported: there a *channel* is the unit, and every position
of every input counts towards its mean absolute activation.  Say which axis holds the
channels (``channel_axis``: 1 for PyTorch's NCHW, -1 for the NHWC of Keras and JAX); a dense
layer's activations are ``(batch, units)``, where both conventions agree.

IEEE rules: an infinite activation is above zero (or not) as its sign says, and makes its
unit's mean absolute activation infinite, so the layer's scores become NaN or 0 as division
by infinity gives them.  A NaN activation is refused with an error that names the layer and
the batch, since it would make every number of its unit meaningless.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import finite_real

__all__ = ["Detector", "LayerReport", "dormant_scores"]

#: Elements of activations handled at once; temporaries stay about this size (0.5 MiB each).
_BLOCK_ELEMENTS = 1 << 16


def dormant_scores(mean_abs: ArrayLike) -> NDArray[np.float64]:
    r"""Sokar et al.'s dormancy score of each unit of a layer.

    :math:`s_i = m_i / (\tfrac{1}{H}\sum_k m_k)`, where :math:`m_i` is unit :math:`i`'s mean
    absolute activation over the data and :math:`H` the number of units; a unit is
    :math:`\tau`-dormant when :math:`s_i \le \tau`.  The scores of a layer average to 1.  A
    layer whose every unit has :math:`m_i = 0` (all silent) gets scores of 0, so that all its
    units are dormant at every :math:`\tau \ge 0`, rather than 0 / 0.

    Parameters
    ----------
    mean_abs : array_like, shape (..., H)
        Mean absolute activation of each unit, units on the last axis; leading axes (an
        ensemble, say) are layers of their own.

    Returns
    -------
    numpy.ndarray of float64, shape (..., H)

    Raises
    ------
    ValueError
        If a mean is negative or NaN, or there are no units.

    Examples
    --------
    >>> dormant_scores([0.0, 1.0, 2.0, 5.0])
    array([0. , 0.5, 1. , 2.5])
    >>> dormant_scores([0.0, 0.0])
    array([0., 0.])
    """
    means = np.asarray(mean_abs, dtype=np.float64)
    if means.ndim == 0 or means.shape[-1] == 0:
        raise ValueError(f"mean_abs must hold at least one unit, got shape {means.shape}")
    if np.isnan(means).any() or (means < 0).any():
        raise ValueError("mean_abs must hold means of absolute values: >= 0 and not NaN")
    layer_mean = means.mean(axis=-1, keepdims=True)
    scores = np.zeros_like(means)
    with np.errstate(invalid="ignore"):  # inf / inf is NaN, as IEEE has it; documented above
        np.divide(means, layer_mean, out=scores, where=layer_mean > 0)
    return scores


@dataclass(frozen=True, eq=False)
class LayerReport:
    """What the detector saw of one layer (see :class:`Detector`).

    Attributes
    ----------
    name : str
        The layer's name, as the reader gave it.
    n_inputs : int
        Inputs (rows of the batches) seen.
    positions : int
        Positions per input of each unit: 1 for a dense layer, height times width for a
        channel of a 2-D feature map.
    firing_share : numpy.ndarray of float64, shape (units,)
        Share of the inputs on which each unit is above zero (anywhere, for a channel).
    mean_abs : numpy.ndarray of float64, shape (units,)
        Mean absolute activation of each unit over every input and position.
    maximum : numpy.ndarray of float64, shape (units,)
        Largest activation of each unit.
    """

    name: str
    n_inputs: int
    positions: int
    firing_share: NDArray[np.float64]
    mean_abs: NDArray[np.float64]
    maximum: NDArray[np.float64]

    @property
    def n_units(self) -> int:
        """Number of units (channels, for a feature map)."""
        return int(self.firing_share.size)

    @property
    def dead(self) -> NDArray[np.bool_]:
        """Which units are never above zero on the data."""
        dead: NDArray[np.bool_] = self.firing_share == 0.0
        return dead

    @property
    def scores(self) -> NDArray[np.float64]:
        """Each unit's dormancy score (:func:`dormant_scores`)."""
        return dormant_scores(self.mean_abs)

    def dormant(self, tau: float) -> NDArray[np.bool_]:
        """Which units are ``tau``-dormant: score at most ``tau`` (a finite number >= 0)."""
        threshold = finite_real(tau, "tau")
        if threshold < 0.0:
            raise ValueError(f"tau must be >= 0, got {threshold}")
        dormant: NDArray[np.bool_] = self.scores <= threshold
        return dormant

    def summary(self, tau: float = 0.1) -> str:
        """One line: how many units are dead and how many ``tau``-dormant, over how much data.

        Examples
        --------
        >>> import numpy as np
        >>> detector = Detector()
        >>> detector.update({"fc1": np.array([[0.0, 2.0, 0.1], [0.0, 4.0, 0.0]])})
        >>> print(detector.report()["fc1"].summary(tau=0.1))
        fc1: 1 of 3 units dead (33.3 %), 2 dormant at tau = 0.1 (66.7 %), over 2 inputs
        """
        dead, dormant = int(self.dead.sum()), int(self.dormant(tau).sum())
        kind = "channels" if self.positions > 1 else "units"
        return (
            f"{self.name}: {dead} of {self.n_units} {kind} dead "
            f"({100 * dead / self.n_units:.1f} %), {dormant} dormant at tau = {tau:g} "
            f"({100 * dormant / self.n_units:.1f} %), over {self.n_inputs} inputs"
        )


class _Tally:
    """The running numbers of one layer; memory proportional to its units only."""

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.shape = shape  # of one input, channels last
        units = shape[-1]
        self.inputs = 0
        self.firing = np.zeros(units, dtype=np.int64)
        self.abs_sum = np.zeros(units, dtype=np.float64)
        self.maximum = np.full(units, -np.inf)

    def add(self, batch: NDArray[Any]) -> None:
        rows = batch.shape[0]
        # A block of rows at a time, so that the temporaries (|a|, a > 0, and the copy that
        # reshaping a feature map with its channels moved last makes) stay a small, fixed
        # size rather than that of the batch.
        step = max(1, _BLOCK_ELEMENTS // max(1, math.prod(self.shape)))
        for start in range(0, rows, step):
            flat = batch[start : start + step].reshape(-1, math.prod(self.shape[:-1]),
                                                       self.shape[-1])  # fmt: skip
            self.firing += np.count_nonzero((flat > 0).any(axis=1), axis=0)
            self.abs_sum += np.abs(flat).sum(axis=(0, 1), dtype=np.float64)
            np.maximum(self.maximum, flat.max(axis=(0, 1)), out=self.maximum)
        self.inputs += rows

    def report(self, name: str) -> LayerReport:
        positions = math.prod(self.shape[:-1])
        inputs = max(self.inputs, 1)
        return LayerReport(
            name=name,
            n_inputs=self.inputs,
            positions=positions,
            firing_share=self.firing / inputs,
            mean_abs=self.abs_sum / (inputs * positions),
            maximum=self.maximum.copy(),
        )


class Detector:
    """Dead and dormant units of any network, from its activations, batch by batch.

    Call :meth:`update` with the activations of one batch, as many times as there are
    batches, then :meth:`report` (or :meth:`summary`).  Only a few numbers per unit are
    kept, so the memory needed is that of one batch, whatever the size of the data.

    Parameters
    ----------
    channel_axis : int
        The axis of the units in activations of more than two axes (feature maps): 1 for
        PyTorch's NCHW, -1 for NHWC.  Ignored for ``(batch, units)`` activations.

    Examples
    --------
    >>> import numpy as np
    >>> detector = Detector()
    >>> for batch in (np.array([[0.0, 1.0]]), np.array([[0.0, 3.0], [-0.0, 0.5]])):
    ...     detector.update({"hidden": batch})
    >>> report = detector.report()["hidden"]
    >>> report.dead, report.firing_share, report.n_inputs
    (array([ True, False]), array([0., 1.]), 3)
    """

    def __init__(self, *, channel_axis: int = 1) -> None:
        if isinstance(channel_axis, bool) or not isinstance(channel_axis, int):
            raise TypeError(f"channel_axis must be an int, got {type(channel_axis).__name__}")
        self.channel_axis = channel_axis
        self._tallies: dict[str, _Tally] = {}
        self._batches = 0

    def update(self, activations: Mapping[str, ArrayLike]) -> None:
        """Add one batch: the activations of each layer, by name, inputs on the first axis.

        Every layer must keep its shape (but for the batch size) from batch to batch; a layer
        may be missing from a batch.  Nothing is added unless every layer of the batch passes
        the checks.

        Raises
        ------
        TypeError
            If ``activations`` is not a mapping of names to arrays of real numbers (a ragged
            nested list, say), naming the layer.
        ValueError
            If a layer's activations have fewer than two axes, hold NaN, or change shape from
            an earlier batch, naming the layer and the batch.
        """
        if not isinstance(activations, Mapping):
            raise TypeError(
                f"activations must map layer names to arrays, got {type(activations).__name__}"
            )
        index = self._batches
        checked = {
            str(name): self._checked(str(name), values, index)
            for name, values in activations.items()
        }
        for name, batch in checked.items():
            tally = self._tallies.get(name)
            if tally is None:
                tally = self._tallies[name] = _Tally(batch.shape[1:])
            elif tally.shape != batch.shape[1:]:
                raise ValueError(
                    f"layer {name!r}, batch {index}: activations of shape {batch.shape} "
                    f"(channels last), but earlier batches had (batch, *{tally.shape})"
                )
        for name, batch in checked.items():
            self._tallies[name].add(batch)
        self._batches += 1

    def _checked(self, name: str, values: ArrayLike, index: int) -> NDArray[Any]:
        try:
            batch = np.asarray(values)
        except (TypeError, ValueError) as error:
            raise TypeError(
                f"layer {name!r}, batch {index}: activations must be an array of real numbers "
                f"({error})"
            ) from None
        if batch.dtype.kind not in "fiu":
            raise TypeError(
                f"layer {name!r}, batch {index}: activations must be real numbers, "
                f"got dtype {batch.dtype}"
            )
        if batch.ndim < 2:
            raise ValueError(
                f"layer {name!r}, batch {index}: activations need a batch axis and a unit "
                f"axis, got shape {batch.shape}"
            )
        if 0 in batch.shape[1:]:
            raise ValueError(
                f"layer {name!r}, batch {index}: activations of shape {batch.shape} hold no "
                "unit or no position"
            )
        # The sum is NaN when a NaN is there (or +inf meets -inf): only then look for one,
        # so that a clean batch costs no array of its own size.
        with np.errstate(invalid="ignore", over="ignore"):  # inf - inf and overflow: see above
            suspect = batch.dtype.kind == "f" and bool(np.isnan(batch.sum()))
        if suspect and np.isnan(batch).any():
            raise ValueError(
                f"layer {name!r}, batch {index}: NaN activations (the network has diverged, "
                "or the input held NaN); dead and dormant are undefined"
            )
        if batch.ndim > 2:
            axis = self.channel_axis
            if not -batch.ndim <= axis < batch.ndim or axis in (0, -batch.ndim):
                raise ValueError(
                    f"layer {name!r}: channel_axis {axis} is not a non-batch axis of "
                    f"activations of shape {batch.shape}"
                )
            batch = np.moveaxis(batch, axis, -1)
        return batch

    def report(self) -> dict[str, LayerReport]:
        """A :class:`LayerReport` per layer, in the order the layers were first seen."""
        return {name: tally.report(name) for name, tally in self._tallies.items()}

    def summary(self, tau: float = 0.1) -> str:
        """One line per layer (:meth:`LayerReport.summary`)."""
        return "\n".join(report.summary(tau) for report in self.report().values())
