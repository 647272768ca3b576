r"""The fast kernel behind :class:`dying_relu.MLP`: its parameter buffer, workspaces and passes.

Storage.  All parameters of a network live in one buffer, layer by layer, each layer as a block
of ``fan_in + 1`` rows: the rows of ``W`` and then ``b``; an ensemble of ``E`` networks has a
leading axis of length ``E``.  Inputs to a layer carry an extra column of ones, so one matrix
product computes :math:`h W + b` and one more, backward, gives the gradients of ``W`` and ``b``
together; an optimiser updates the whole buffer in two operations.  On small networks, where
every numpy call costs more than its arithmetic, this layout is what makes a step fast.

Interface.  :class:`Engine` is what :mod:`dying_relu.network`, :mod:`dying_relu.training` and
:mod:`dying_relu.diagnostics` call.  Its :meth:`~Engine.inputs` and :meth:`~Engine.targets`
check data against the network's shape; every other method trusts its arguments, so that a
training step spends its time on arithmetic.  A :class:`Workspace` holds the buffers of the
passes over a fixed number of rows and a :class:`Gradients` the buffer the backward pass writes.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple, SupportsIndex, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._typing import FloatArray
from ._validation import as_float_array
from .activations import active_mask, dead_mask, leaky_into, sigmoid, tanh
from .losses import cross_entropy_into, label_index, mse_into

__all__ = [
    "BackwardLayer",
    "Engine",
    "ForwardLayer",
    "Gradients",
    "OuterFactors",
    "ParameterList",
    "Target",
    "Workspace",
    "rows_first",
]

#: What the loss kernels compare the output with: for ``"mse"``, floating targets laid out like
#: the output buffer (one row per output unit); for ``"cross_entropy"``, the flat label
#: positions (``numpy.intp``) of :func:`dying_relu.losses.label_index`.
Target: TypeAlias = NDArray[Any]


class Gradients(NamedTuple):
    """A gradient buffer laid out like the parameter buffer, and its views."""

    #: The whole buffer, shape ``(P,)`` or ``(E, P)``.
    flat: FloatArray
    #: One view per layer, ``(fan_in + 1, fan_out)``: the gradient of ``W`` and then of ``b``.
    blocks: list[FloatArray]
    #: ``[dW1, db1, dW2, ...]``, views matching the network's ``params``.
    arrays: list[FloatArray]


class ForwardLayer(NamedTuple):
    """The buffers of one hidden layer in the forward pass, everything one row per unit."""

    #: The layer's parameter block, transposed: one row of weights and bias per unit.
    block_t: FloatArray
    #: Pre-activations ``z``, shape ``(..., width, rows)``, as the matrix product writes them.
    z: FloatArray
    #: The same numbers as one contiguous block, as the elementwise work runs over them.
    z_block: FloatArray
    #: ``phi'(z)``, kept for the backward pass.
    slope: FloatArray
    #: ``phi(z)`` (it overwrites ``z``) with a row of ones below: the next layer's input.
    output: FloatArray


class OuterFactors(NamedTuple):
    """The two factors of an outer product, laid out unit first like the block they fill."""

    weights: FloatArray
    delta: FloatArray


class BackwardLayer(NamedTuple):
    """The buffers that take the gradient through one layer above the first, top layer first."""

    #: Position of the layer, 1 for the second layer.
    position: int
    #: The layer's input with its row of ones, one row per unit below.
    inputs: FloatArray
    #: The gradient of the loss with respect to the layer's pre-activations, one row per
    #: input row.
    delta_t: FloatArray
    #: The same numbers, one row per unit of the layer.
    delta: FloatArray
    #: The layer's weights, without the bias row.
    weights: FloatArray
    #: The gradient with respect to the layer's input, as the matrix product writes it ...
    upstream: FloatArray
    #: ... and as one contiguous block, which the slope of the layer below multiplies.
    upstream_block: FloatArray
    #: ``phi'(z)`` of the layer below.
    slope: FloatArray
    #: For a layer of one unit, the weights and delta as the factors of an outer product.
    outer: OuterFactors | None


class Workspace:
    """Preallocated buffers for forward and backward passes of one network on ``rows`` rows.

    Hidden pre-activations, activations, slopes and backpropagated gradients are stored one
    row per *unit* (shape ``(width, rows)``), so that the elementwise work of a layer runs over
    one contiguous block; each activation block is followed by a row of ones, which multiplies
    the bias row of the next parameter block.  The output is stored one row per output unit
    too, so that a softmax reduces across rows.  Only the inputs keep one row per input row.
    A workspace is tied to the parameter buffer of the engine that made it.

    Parameters
    ----------
    engine : Engine
        The engine whose passes the workspace serves.
    rows : int
        Number of input rows.
    own_inputs : bool
        For an ensemble: one input matrix per member rather than one shared by all.

    Attributes
    ----------
    inputs : numpy.ndarray, shape (rows, d + 1) or (E, rows, d + 1)
        An input buffer with its column of ones, for callers that keep their data here.
    hidden : list of numpy.ndarray
        The activations of each hidden layer after a forward pass, ``(..., width, rows)``.
    output : numpy.ndarray, shape (..., k, rows)
        The output after a forward pass; the loss gradient after a loss.
    grads : Gradients
        A gradient buffer of the workspace's own.
    """

    def __init__(self, engine: Engine, rows: int, *, own_inputs: bool = False) -> None:
        lead, dtype, widths = engine.lead, engine.dtype, engine.layer_sizes[1:-1]
        self.rows, self.own_inputs = rows, own_inputs
        input_lead = lead if own_inputs else ()
        self.inputs = np.ones((*input_lead, rows, engine.layer_sizes[0] + 1), dtype=dtype)
        # Physically (width, members, rows): the elementwise work of a layer then runs over one
        # contiguous block even in an ensemble (a strided block is several times slower), while
        # the member-first views below are what the batched matrix products need.
        ones = [np.ones((w + 1, *lead, rows), dtype=dtype) for w in widths]
        blocks = [a[:-1] for a in ones]
        slopes = [np.empty((w, *lead, rows), dtype=dtype) for w in widths]
        upstream_blocks = [np.empty((w, *lead, rows), dtype=dtype) for w in widths]
        with_ones = [np.moveaxis(a, 0, -2) for a in ones]
        self.hidden = [np.moveaxis(a, 0, -2) for a in blocks]
        upstream = [np.moveaxis(a, 0, -2) for a in upstream_blocks]
        self.output = np.empty((*lead, engine.layer_sizes[-1], rows), dtype=dtype)
        self.grads = engine.gradients()

        blocks_t = [np.swapaxes(block, -1, -2) for block in engine.blocks]
        self.last_block_t = blocks_t[-1]
        self.forward_plan = [
            ForwardLayer(*buffers)
            for buffers in zip(blocks_t[:-1], self.hidden, blocks, slopes, with_ones, strict=True)
        ]
        # The delta of layer l is the upstream gradient of layer l once the slope has
        # multiplied it; the output's is the loss gradient.
        deltas = [*upstream, self.output]
        self.first_delta_t = np.swapaxes(deltas[0], -1, -2)
        self.backward_plan = [
            BackwardLayer(
                position=layer,
                inputs=with_ones[layer - 1],
                delta_t=np.swapaxes(deltas[layer], -1, -2),
                delta=deltas[layer],
                weights=engine.blocks[layer][..., :-1, :],
                upstream=upstream[layer - 1],
                upstream_block=upstream_blocks[layer - 1],
                slope=slopes[layer - 1],
                outer=_outer_factors(engine.blocks[layer][..., :-1, :], deltas[layer]),
            )
            for layer in range(engine.n_layers - 1, 0, -1)
        ]

    def holds(self, rows: int, own_inputs: bool) -> bool:
        """Whether the workspace serves ``rows`` input rows laid out as ``own_inputs`` says."""
        return self.rows == rows and self.own_inputs == own_inputs


def _outer_factors(weights: FloatArray, delta: FloatArray) -> OuterFactors | None:
    """For a layer of one unit, the factors of the outer product that backpropagates through it.

    A matrix product over one term is an outer product: one broadcast multiply gives exactly
    the numbers of the matrix product, without a BLAS call per member, and laid out unit first
    it runs several times faster than the matrix product.
    """
    if weights.shape[-1] != 1:
        return None
    return OuterFactors(np.moveaxis(weights, -2, 0), np.moveaxis(delta, -2, 0))


class ParameterList(list[FloatArray]):
    """The list ``[W1, b1, W2, b2, ...]`` of views into an engine's parameter buffer.

    Entries are modified in place like any array.  Assigning to an entry or a slice copies
    the new values into the buffer (checked for shape first), so the entries stay views of it
    and every buffer laid out for the passes stays current.  The list's length is fixed.
    """

    def __init__(self, engine: Engine, views: Iterable[FloatArray]) -> None:
        super().__init__(views)
        self._engine = engine

    def __setitem__(self, index: SupportsIndex | slice, value: Any) -> None:
        positions = range(len(self))[index]
        if isinstance(positions, range):
            values = list(value)
            if len(values) != len(positions):
                raise ValueError(
                    f"params has {len(positions)} entries there (its length is fixed), "
                    f"got {len(values)} arrays"
                )
            self._engine.write(positions, values)
        else:
            self._engine.write([positions], [value])

    def _fixed(self, *_args: object) -> None:
        raise TypeError("params holds one entry per parameter in order; assign to entries instead")

    # Growing, shrinking or reordering the list would leave entries that are not the views
    # the passes compute with.
    __delitem__ = __iadd__ = __imul__ = _fixed  # type: ignore[assignment]
    append = extend = insert = pop = remove = clear = sort = reverse = _fixed  # type: ignore[assignment]


class Engine:
    """The computation of one network or ensemble of a fixed shape, on its parameter buffer.

    Nothing is checked here but by :meth:`inputs`, :meth:`targets` and :meth:`write`: the
    network checks its settings before it makes an engine.

    Parameters
    ----------
    layer_sizes : tuple of int
    activation : {"relu", "leaky_relu", "sigmoid", "tanh"}
    negative_slope : float
        In ``[0, 1]``; used by ``"leaky_relu"`` only.
    ensemble_size : int or None
    dtype : numpy.dtype

    Attributes
    ----------
    flat : numpy.ndarray, shape (P,) or (E, P)
        The parameter buffer, initially zero.
    blocks : list of numpy.ndarray
        One view per layer, ``(..., fan_in + 1, fan_out)``: the rows of ``W`` and then ``b``.
    params : ParameterList
        ``[W1, b1, ...]``, views into :attr:`flat`.
    """

    def __init__(
        self,
        layer_sizes: tuple[int, ...],
        activation: str,
        negative_slope: float,
        ensemble_size: int | None,
        dtype: np.dtype[Any],
    ) -> None:
        self.layer_sizes, self.activation, self.dtype = layer_sizes, activation, dtype
        self.negative_slope, self.ensemble_size = negative_slope, ensemble_size
        self.lead: tuple[int, ...] = () if ensemble_size is None else (ensemble_size,)
        self.n_layers = len(layer_sizes) - 1
        # The slope as the dtype rounds it, which is what leaky_relu multiplies by too.
        self._negative_slope = float(dtype.type(negative_slope))
        self._shapes = [
            (fan_in + 1, fan_out) for fan_in, fan_out in itertools.pairwise(layer_sizes)
        ]
        size = sum(rows * cols for rows, cols in self._shapes)
        self.flat = np.zeros((*self.lead, size), dtype=dtype)
        self.blocks = _blocks(self.flat, self._shapes)
        self.params = ParameterList(self, _weights_and_biases(self.blocks))
        # The workspace of the last public step, reused by the next step of the same shape.
        self._spare: Workspace | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled views would come back as arrays of their own, cut off from the buffer: an
        # engine is rebuilt from its settings and then given its buffer's values.
        return Engine, (*self._settings(), self.ensemble_size, self.dtype), self.flat

    def __setstate__(self, flat: FloatArray) -> None:
        self.flat[...] = flat

    def copy(self, member: int | None = None) -> Engine:
        """An engine with a copy of the parameters: all of them, or one member's as a network."""
        if member is None:
            twin = Engine(*self._settings(), self.ensemble_size, self.dtype)
            twin.flat[...] = self.flat
        else:
            twin = Engine(*self._settings(), None, self.dtype)
            twin.flat[...] = self.flat[member]
        return twin

    def _settings(self) -> tuple[tuple[int, ...], str, float]:
        return self.layer_sizes, self.activation, self.negative_slope

    # -- Checked: data against the network's shape, and new parameter values. -----------------

    def write(self, positions: Sequence[int], values: Sequence[ArrayLike]) -> None:
        """Copy ``values`` into the parameters at ``positions`` of ``params``.

        Every value is checked for shape before any is copied; a value that shares memory with
        the buffer is copied out first, so that writes cannot overwrite what is still to be read.
        """
        checked = []
        for position, value in zip(positions, values, strict=True):
            view = self.params[position]
            if value is view:
                continue
            array = as_float_array(value, f"params[{position}]")
            if array.shape != view.shape:
                raise ValueError(
                    f"params[{position}] must have shape {view.shape}, got {array.shape}"
                )
            if np.may_share_memory(array, self.flat):
                array = array.copy()
            checked.append((view, array))
        for view, array in checked:
            view[...] = array

    def inputs(self, X: ArrayLike, name: str = "X") -> FloatArray:
        """``X`` checked for shape and finiteness and converted to the network dtype."""
        x = as_float_array(X, name).astype(self.dtype, copy=False)
        width = self.layer_sizes[0]
        allowed = "(n, d)" if self.ensemble_size is None else "(n, d) or (E, n, d)"
        if x.ndim == 3 and self.ensemble_size is not None:
            if x.shape[0] != self.ensemble_size:
                raise ValueError(
                    f"{name} must have {self.ensemble_size} members along axis 0, got shape {x.shape}"
                )
        elif x.ndim != 2:
            raise ValueError(
                f"{name} must have shape {allowed} with d={width}, got shape {x.shape}"
            )
        if x.shape[-1] != width:
            raise ValueError(
                f"{name} must have {width} columns (the input width), got shape {x.shape}"
            )
        if x.shape[-2] == 0:
            raise ValueError(f"{name} must have at least one row, got shape {x.shape}")
        if not np.isfinite(x).all():
            raise ValueError(f"{name} must be finite: found NaN or infinity")
        return x

    def targets(self, y: ArrayLike, loss: str, rows: int, name: str = "y") -> Target:
        """``y`` checked against the loss and the output shape, in the form the kernels use."""
        lead, outputs = self.lead, self.layer_sizes[-1]
        if loss == "cross_entropy":
            labels = np.asarray(y)
            if labels.shape not in ((rows,), (*lead, rows)):
                shapes = f"({rows},)" + (f" or {(*lead, rows)}" if lead else "")
                raise ValueError(f"{name} must have shape {shapes} to match X, got {labels.shape}")
            return label_index(np.broadcast_to(labels, (*lead, rows)), (*lead, rows, outputs), name)
        target = as_float_array(y, name).astype(self.dtype, copy=False)
        if target.ndim == 1 and outputs == 1:
            target = target[:, np.newaxis]
        shape = (*lead, rows, outputs)
        if target.shape not in (shape, shape[-2:]):
            raise ValueError(f"{name} must have shape {shape[-2:]} or {shape}, got {target.shape}")
        if not np.isfinite(target).all():
            raise ValueError(f"{name} must be finite: found NaN or infinity")
        return np.swapaxes(np.broadcast_to(target, shape), -1, -2)

    # -- Unchecked: buffers and passes. -------------------------------------------------------

    def workspace(self, rows: int, *, own_inputs: bool = False) -> Workspace:
        """A new :class:`Workspace` for ``rows`` input rows."""
        return Workspace(self, rows, own_inputs=own_inputs)

    def load(self, x: FloatArray) -> Workspace:
        """A new workspace whose :attr:`~Workspace.inputs` hold the checked inputs ``x``."""
        work = Workspace(self, x.shape[-2], own_inputs=x.ndim == 3)
        work.inputs[..., :-1] = x
        return work

    def laid_flat(self, arrays: Sequence[NDArray[Any]]) -> NDArray[Any]:
        """``arrays``, one of the shape of each entry of :attr:`params`, as one array laid out
        like :attr:`flat` (in the dtype of the first): what an optimiser that steps the whole
        buffer, as :func:`dying_relu.train` does, is given for per-entry masks."""
        laid = np.zeros(self.flat.shape, dtype=np.asarray(arrays[0]).dtype)
        for view, array in zip(
            _weights_and_biases(_blocks(laid, self._shapes)), arrays, strict=True
        ):
            view[...] = array
        return laid

    def gradients(self) -> Gradients:
        """A new gradient buffer and its views."""
        flat = np.empty_like(self.flat)
        blocks = _blocks(flat, self._shapes)
        return Gradients(flat, blocks, _weights_and_biases(blocks))

    def loss_and_new_grads(
        self, x: FloatArray, target: Target, loss: str
    ) -> tuple[FloatArray, Gradients]:
        """Loss and gradients on checked inputs and targets, the public training step.

        The gradients are new arrays; the workspace is kept for the next step, so that a loop
        over minibatches of one size allocates only its gradients.  A step that finds the
        spare workspace taken (by another thread) makes its own.
        """
        work, self._spare = self._spare, None
        if work is None or not work.holds(x.shape[-2], x.ndim == 3):
            work = self.workspace(x.shape[-2], own_inputs=x.ndim == 3)
        work.inputs[..., :-1] = x
        grads = self.gradients()
        value = self.loss_and_grads(work.inputs, target, loss, work, grads)
        self._spare = work
        return value, grads

    def forward(
        self,
        x: FloatArray,
        work: Workspace,
        *,
        record: list[FloatArray] | None = None,
        dead: list[NDArray[np.bool_]] | None = None,
    ) -> FloatArray:
        """Forward pass of ``x`` (rows of inputs, then a column of ones) into ``work``.

        Returns ``work.output`` (one row per output unit).  With ``record``, copies of the
        hidden pre-activations, one row per input row, are appended to it; with ``dead``, one
        boolean array per hidden layer receives which units are dead on the rows
        (:func:`dying_relu.activations.dead_mask`).
        """
        h = np.swapaxes(x, -1, -2)
        for index, layer in enumerate(work.forward_plan):
            np.matmul(layer.block_t, h, out=layer.z)
            if record is not None:
                record.append(np.swapaxes(layer.z, -1, -2).copy())
            if dead is not None:
                dead_mask(layer.z, axis=-1, out=dead[index])
            self._activate(layer.z_block, layer.slope)
            h = layer.output
        output: FloatArray = np.matmul(work.last_block_t, h, out=work.output)
        return output

    def _activate(self, z: FloatArray, slope: FloatArray) -> None:
        """Overwrite ``z`` with its activation and fill ``slope`` with the derivative there.

        ReLU and Leaky ReLU are computed as ``z * phi'(z)``, and ``phi'(z)`` is kept for the
        backward pass: for ReLU ``phi'`` is :func:`~dying_relu.activations.active_mask`, and
        Leaky ReLU is computed by the same function as :func:`dying_relu.leaky_relu`
        (``activations.leaky_into``).  For finite ``z`` the result equals
        :func:`dying_relu.relu` and :func:`dying_relu.leaky_relu` exactly, as the slope is
        exactly 1 or the negative slope; an infinite ``z`` gives NaN.
        ReLU'(0) = 0 and Leaky ReLU'(0) = negative slope, as in :mod:`dying_relu.activations`.
        """
        activation = self.activation
        if activation == "relu":
            active_mask(z, out=slope)
            z *= slope
        elif activation == "leaky_relu":
            leaky_into(z, self._negative_slope, slope, z)
        elif activation == "sigmoid":
            sigmoid(z, out=z)
            np.subtract(1.0, z, out=slope)
            slope *= z
        else:
            tanh(z, out=z)
            np.square(z, out=slope)
            np.subtract(1.0, slope, out=slope)

    def backward(self, x: FloatArray, work: Workspace, grads: Gradients) -> None:
        """Backpropagate the loss gradient held in ``work.output`` into ``grads``.

        Everything past the inputs is stored one row per unit (see :class:`Workspace`), so the
        gradient of a block is (the layer's inputs, one row per feature) times the transposed
        delta, and the delta of the layer below is the layer's weights times its delta.
        """
        blocks = grads.blocks
        for layer in work.backward_plan:
            np.matmul(layer.inputs, layer.delta_t, out=blocks[layer.position])
            upstream, outer = layer.upstream_block, layer.outer
            if outer is not None:
                np.multiply(outer.weights, outer.delta, out=upstream)
            else:
                np.matmul(layer.weights, layer.delta, out=layer.upstream)
            upstream *= layer.slope
        np.matmul(np.swapaxes(x, -1, -2), work.first_delta_t, out=blocks[0])

    def loss_and_grads(
        self, x: FloatArray, target: Target, loss: str, work: Workspace, grads: Gradients
    ) -> FloatArray:
        """Forward and backward pass into ``work`` and ``grads``; return the loss.

        ``x`` holds the inputs with a trailing column of ones.  The loss is an array of shape
        ``()`` or ``(E,)``.  The gradient of the loss overwrites the output buffer on its way
        into ``grads``.
        """
        output = self.forward(x, work)
        if loss == "mse":
            value = mse_into(output, target, output)
        else:
            value = cross_entropy_into(output, target, output)
        self.backward(x, work, grads)
        return value


def rows_first(output: FloatArray) -> FloatArray:
    """An output stored one row per unit, as a new array with one row per input row."""
    return np.ascontiguousarray(np.swapaxes(output, -1, -2))


def _blocks(flat: FloatArray, shapes: Sequence[tuple[int, int]]) -> list[FloatArray]:
    """Views of consecutive blocks of ``flat`` (last axis) with the given trailing shapes."""
    blocks, start = [], 0
    for rows, cols in shapes:
        # Splitting a contiguous last axis never needs a copy, so this is a view of ``flat``.
        blocks.append(flat[..., start : start + rows * cols].reshape(*flat.shape[:-1], rows, cols))
        start += rows * cols
    return blocks


def _weights_and_biases(blocks: list[FloatArray]) -> list[FloatArray]:
    views = []
    for block in blocks:
        views.extend([block[..., :-1, :], block[..., -1, :]])
    return views
