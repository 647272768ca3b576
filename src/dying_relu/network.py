r"""A fully connected network with hand-written backpropagation, alone or as a seed ensemble.

The network maps rows of inputs :math:`x` through hidden layers
:math:`h_l = \phi(z_l)`, :math:`z_l = h_{l-1} W_l + b_l`, to a linear output layer.  Backward,
the gradient reaching a hidden layer is multiplied by :math:`\phi'(z_l)`; for ReLU that factor
is 0 wherever :math:`z_l \le 0`, which is the whole story of a dead unit.

An *ensemble* holds ``E`` independent networks of the same shape, one per seed, as stacked
parameters with a leading axis of length ``E``.  Every operation is a batched matmul or an
elementwise operation over that axis, so member ``e`` computes exactly what a lone network with
seed ``seeds[e]`` computes, bit for bit, at a fraction of the Python overhead of ``E`` runs.

Storage.  All parameters of a network live in one buffer, layer by layer, each layer as a block
of ``fan_in + 1`` rows: the rows of ``W`` and then ``b``.  Inputs to a layer carry an extra
column of ones, so one matrix product computes :math:`h W + b` and one more, backward, gives
the gradients of ``W`` and ``b`` together; an optimiser updates the whole buffer in two
operations.  On small networks, where every numpy call costs more than its arithmetic, this
layout is what makes the training step fast.  ``params`` holds views into the buffer.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any, Literal, TypeAlias, overload

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from ._validation import as_float_array, choice, finite_real, floating_dtype, positive_int
from .activations import sigmoid, tanh
from .init import check_recipe, initialize_layer
from .losses import (
    LOSS_NAMES,
    LossValue,
    cross_entropy_into,
    label_index,
    mse_into,
    scalar_or_array,
)

__all__ = ["ACTIVATION_NAMES", "MLP"]

FloatArray: TypeAlias = NDArray[np.floating[Any]]

#: Hidden-layer activations known by name.
ACTIVATION_NAMES = ("relu", "leaky_relu", "sigmoid", "tanh")

_DEFAULT_INIT = {"relu": "he", "leaky_relu": "he", "sigmoid": "xavier", "tanh": "xavier"}


class MLP:
    """Multilayer perceptron with a linear output layer, or an ensemble of them.

    Parameters
    ----------
    layer_sizes : sequence of int
        Widths from input to output, e.g. ``(64, 128, 10)``: at least two, all positive.
    activation : {"relu", "leaky_relu", "sigmoid", "tanh"}
        Activation of every hidden layer.
    negative_slope : float
        Slope of Leaky ReLU for negative input, in ``[0, 1]``; ignored by other activations.
    init : {"he", "xavier", "rai"}, optional
        Weight initialisation (see :mod:`dying_relu.init`).  By default ``"he"`` for ReLU and
        Leaky ReLU (with the Leaky ReLU gain), ``"xavier"`` for sigmoid and tanh.
    bias : {"zeros", "random"} or float
        Bias initialisation (see :mod:`dying_relu.init`); a constant applies to every layer,
        output included.
    seed : int or sequence of int
        One non-negative seed gives one network.  A sequence of ``E`` seeds gives an ensemble
        whose member ``e`` is bit-identical to ``MLP(..., seed=seed[e])``.
    dtype : numpy floating dtype
        Dtype of the parameters and of all computation.

    Attributes
    ----------
    params : list of numpy.ndarray
        ``[W1, b1, W2, b2, ...]`` in layer order.  ``W`` has shape ``(fan_in, fan_out)`` and
        ``b`` shape ``(fan_out,)``, with a leading axis ``E`` for an ensemble.  They are views
        into one parameter buffer and may be modified in place.  Entries may also be replaced
        by new arrays of the same shapes: the network then copies them into a fresh buffer the
        next time it computes, and ``params`` holds views of that buffer from then on.
    layer_sizes : tuple of int
    activation : str
    negative_slope : float
    init : str
    seeds : tuple of int
        The seed of each member (one entry for a single network).
    ensemble_size : int or None
        ``E`` for an ensemble, None for a single network.
    dtype : numpy.dtype

    Notes
    -----
    Inputs and targets must be finite, which is checked.  Inside, ReLU and Leaky ReLU are
    computed as ``z * phi'(z)``, which equals :func:`dying_relu.relu` and
    :func:`dying_relu.leaky_relu` for every finite pre-activation ``z``; a pre-activation that
    overflowed to an infinity gives NaN instead, so the loss becomes NaN and
    :func:`dying_relu.train` reports a divergence rather than going on silently.

    Examples
    --------
    >>> import numpy as np
    >>> net = MLP([2, 8, 1], seed=0)
    >>> [p.shape for p in net.params]
    [(2, 8), (8,), (8, 1), (1,)]
    >>> ens = MLP([2, 8, 1], seed=[0, 1, 2])
    >>> ens.ensemble_size, ens.params[0].shape
    (3, (3, 2, 8))
    >>> bool(np.array_equal(ens.params[0][0], net.params[0]))
    True
    >>> X = np.array([[0.5, -1.0], [1.0, 2.0]])
    >>> net.forward(X).shape, ens.forward(X).shape
    ((2, 1), (3, 2, 1))
    """

    params: list[FloatArray]
    layer_sizes: tuple[int, ...]
    activation: str
    negative_slope: float
    init: str
    seeds: tuple[int, ...]
    ensemble_size: int | None
    dtype: np.dtype[Any]

    def __init__(
        self,
        layer_sizes: Sequence[int],
        activation: str = "relu",
        *,
        negative_slope: float = 0.01,
        init: str | None = None,
        bias: str | float = "zeros",
        seed: int | Sequence[int] = 0,
        dtype: DTypeLike = np.float64,
    ) -> None:
        self.layer_sizes = _layer_sizes(layer_sizes)
        self.activation = choice(activation, "activation", ACTIVATION_NAMES)
        slope = finite_real(negative_slope, "negative_slope")
        if not 0.0 <= slope <= 1.0:
            raise ValueError(f"negative_slope must lie in [0, 1], got {slope}")
        self.negative_slope = slope
        self.init = _DEFAULT_INIT[self.activation] if init is None else init
        self.dtype = floating_dtype(dtype, "dtype")
        rounded_slope = self.dtype.type(slope)
        self._leaky_constants = (rounded_slope, self.dtype.type(1) - rounded_slope)
        seeds, self.ensemble_size = _seeds(seed)
        self.seeds = seeds
        check_recipe(self.init, bias)

        gain_slope = self.negative_slope if self.activation == "leaky_relu" else 0.0
        members = []
        for member_seed in seeds:
            rng = np.random.default_rng(member_seed)
            layers: list[FloatArray] = []
            for fan_in, fan_out in zip(self.layer_sizes[:-1], self.layer_sizes[1:], strict=True):
                layers.extend(
                    initialize_layer(
                        rng,
                        fan_in,
                        fan_out,
                        init=self.init,
                        bias=bias,
                        negative_slope=gain_slope,
                        dtype=self.dtype,
                    )
                )
            members.append(layers)
        self._allocate()
        for layer, (W, b) in enumerate(zip(self._views[::2], self._views[1::2], strict=True)):
            for e, member in enumerate(members):
                index = () if self.ensemble_size is None else (e,)
                W[index] = member[2 * layer]
                b[index] = member[2 * layer + 1]
        self.params = list(self._views)

    def __repr__(self) -> str:
        members = "" if self.ensemble_size is None else f", ensemble_size={self.ensemble_size}"
        return (
            f"MLP({list(self.layer_sizes)}, activation={self.activation!r}, "
            f"init={self.init!r}{members}, dtype={self.dtype.name})"
        )

    @property
    def n_layers(self) -> int:
        """Number of weight layers, hidden and output (``len(layer_sizes) - 1``)."""
        return len(self.layer_sizes) - 1

    @property
    def hidden_sizes(self) -> tuple[int, ...]:
        """Widths of the hidden layers."""
        return self.layer_sizes[1:-1]

    @overload
    def forward(self, X: ArrayLike, *, record: Literal[False] = ...) -> FloatArray: ...

    @overload
    def forward(
        self, X: ArrayLike, *, record: Literal[True]
    ) -> tuple[FloatArray, list[FloatArray]]: ...

    def forward(
        self, X: ArrayLike, *, record: bool = False
    ) -> FloatArray | tuple[FloatArray, list[FloatArray]]:
        """Compute the network output, optionally keeping each hidden layer's pre-activations.

        Parameters
        ----------
        X : array_like, shape (n, d) or, for an ensemble, (E, n, d)
            Input rows; a 2-D ``X`` is shared by every ensemble member.
        record : bool
            Also return the hidden pre-activations :math:`z_l`.

        Returns
        -------
        output : numpy.ndarray, shape (n, k) or (E, n, k)
            Output of the linear last layer.
        pre_activations : list of numpy.ndarray
            Only when ``record`` is true: one array of shape ``(n, width)`` (or
            ``(E, n, width)``) per hidden layer.

        Examples
        --------
        >>> import numpy as np
        >>> net = MLP([1, 2, 1], seed=0)
        >>> net.params[:] = [np.array([[1.0, -1.0]]), np.zeros(2), np.ones((2, 1)), np.zeros(1)]
        >>> out, (z,) = net.forward([[3.0]], record=True)
        >>> out, z
        (array([[3.]]), array([[ 3., -3.]]))
        """
        pre_activations: list[FloatArray] | None = [] if record else None
        output = _row_major(self._evaluate(X, pre_activations)[0])
        if pre_activations is not None:
            return output, pre_activations
        return output

    def predict(self, X: ArrayLike) -> FloatArray:
        """Network output for ``X``: regression values, or logits of a classifier.

        The same as ``forward(X)``; see :meth:`classify` for class labels.

        Examples
        --------
        >>> MLP([3, 4, 2], seed=0).predict([[0.0, 0.0, 0.0]])
        array([[0., 0.]])
        """
        return self.forward(X)

    def classify(self, X: ArrayLike) -> NDArray[np.intp]:
        """Class label of each row of ``X``: the index of its largest output.

        Examples
        --------
        >>> import numpy as np
        >>> net = MLP([1, 2], seed=0)
        >>> net.params[:] = [np.array([[1.0, -1.0]]), np.zeros(2)]
        >>> net.classify([[2.0], [-2.0]])
        array([0, 1])
        """
        labels: NDArray[np.intp] = self.forward(X).argmax(axis=-1)
        return labels

    def loss_and_grads(
        self, X: ArrayLike, y: ArrayLike, loss: str = "mse"
    ) -> tuple[LossValue, list[FloatArray]]:
        """Loss on ``(X, y)`` and its gradient with respect to every parameter.

        Parameters
        ----------
        X : array_like, shape (n, d) or (E, n, d)
            Input rows; a 2-D ``X`` is shared by every ensemble member.
        y : array_like
            For ``"mse"``: targets of shape ``(n, k)`` (or ``(n,)`` when ``k == 1``), or
            ``(E, n, k)`` per member.  For ``"cross_entropy"``: integer labels in ``range(k)``
            of shape ``(n,)``, or ``(E, n)`` per member.
        loss : {"mse", "cross_entropy"}
            ``"mse"``: mean over all elements of ``(output - y) ** 2``.  ``"cross_entropy"``:
            mean over rows of the softmax cross-entropy, computed with the log-sum-exp shift.

        Returns
        -------
        loss : numpy.floating or numpy.ndarray
            A scalar for one network, shape ``(E,)`` for an ensemble.
        grads : list of numpy.ndarray
            Gradients matching :attr:`params` in order and shape.

        Examples
        --------
        >>> import numpy as np
        >>> net = MLP([1, 1], seed=0)
        >>> net.params[:] = [np.array([[2.0]]), np.array([0.5])]
        >>> loss, (dW, db) = net.loss_and_grads([[1.0]], [[0.0]])
        >>> loss, dW, db
        (np.float64(6.25), array([[5.]]), array([5.]))
        """
        loss = choice(loss, "loss", LOSS_NAMES)
        x = self._inputs(X, "X")
        target = self._targets(y, loss, x.shape[-2])
        work = self._workspace_for(x)
        value = self._loss_and_grads_into(work.inputs, target, loss, work)
        return scalar_or_array(value), work.grads

    def member(self, index: int) -> MLP:
        """A single network holding a copy of member ``index`` of this ensemble.

        Examples
        --------
        >>> ens = MLP([2, 3, 1], seed=[5, 7])
        >>> ens.member(1).seeds
        (7,)
        """
        if self.ensemble_size is None:
            raise ValueError("member() needs an ensemble; this network has ensemble_size None")
        index = _member_index(index, self.ensemble_size)
        self._pack()
        single = object.__new__(MLP)
        single.__dict__.update(self.__dict__)
        single.seeds = (self.seeds[index],)
        single.ensemble_size = None
        single._allocate()
        single._flat[...] = self._flat[index]
        single.params = list(single._views)
        return single

    def copy(self) -> MLP:
        """An independent copy: same settings, parameters copied.

        Examples
        --------
        >>> net = MLP([2, 1], seed=0)
        >>> twin = net.copy()
        >>> twin.params[0] += 1.0
        >>> bool((twin.params[0] != net.params[0]).all())
        True
        """
        self._pack()
        twin = object.__new__(MLP)
        twin.__dict__.update(self.__dict__)
        twin._allocate()
        twin._flat[...] = self._flat
        twin.params = list(twin._views)
        return twin

    # -- Parameter storage -------------------------------------------------------------------

    def _allocate(self) -> None:
        """Create a zero parameter buffer and the views into it (see the module docstring)."""
        lead = () if self.ensemble_size is None else (self.ensemble_size,)
        shapes = [
            (fan_in + 1, fan_out)
            for fan_in, fan_out in zip(self.layer_sizes[:-1], self.layer_sizes[1:], strict=True)
        ]
        self._flat = np.zeros((*lead, sum(rows * cols for rows, cols in shapes)), dtype=self.dtype)
        self._blocks = _blocks(self._flat, shapes)
        self._views = _weight_and_bias_views(self._blocks)

    def _pack(self) -> None:
        """Make ``params`` views of the buffer again if entries were replaced by new arrays."""
        params = self.params
        if len(params) == len(self._views) and all(
            p is v for p, v in zip(params, self._views, strict=True)
        ):
            return
        if len(params) != len(self._views):
            raise ValueError(
                f"params must hold {len(self._views)} arrays [W1, b1, ...], got {len(params)}"
            )
        values = []
        for i, (p, view) in enumerate(zip(params, self._views, strict=True)):
            value = as_float_array(p, f"params[{i}]")
            if value.shape != view.shape:
                raise ValueError(f"params[{i}] must have shape {view.shape}, got {value.shape}")
            values.append(value)
        self._allocate()
        for view, value in zip(self._views, values, strict=True):
            view[...] = value
        # Refilling the list object, rather than replacing it, keeps aliases of it current.
        current: Any = params
        if isinstance(current, list):
            current[:] = self._views
        else:
            self.params = list(self._views)

    # -- Internal computation, shared with training: no checks, buffers reused. ----------------

    def _workspace_for(self, x: FloatArray) -> Workspace:
        """A fresh workspace whose input buffer holds the checked inputs ``x``."""
        self._pack()
        work = Workspace(self, x.shape[-2], own_inputs=x.ndim == 3)
        work.inputs[..., :-1] = x
        return work

    def _evaluate(
        self, X: ArrayLike, record: list[FloatArray] | None = None
    ) -> tuple[FloatArray, Workspace]:
        """Checked forward pass: the output, one row per output unit, and the workspace."""
        work = self._workspace_for(self._inputs(X, "X"))
        return self._forward_into(work.inputs, work, record=record), work

    def _loss_and_grads_into(self, x: FloatArray, target: Any, loss: str, work: Workspace) -> Any:
        """Forward and backward pass into ``work``; return the loss (a scalar or shape (E,)).

        ``x`` holds the inputs with a trailing column of ones.  ``target`` is, for ``"mse"``,
        an array like the output (one row per output unit, see :class:`Workspace`) and, for
        ``"cross_entropy"``, the flat label positions of :func:`dying_relu.losses.label_index`.
        The gradient of the loss overwrites the output buffer on its way into ``work.grads``.
        """
        output = self._forward_into(x, work)
        if loss == "mse":
            value = mse_into(output, target, output)
        else:
            value = cross_entropy_into(output, target, output)
        self._backward_into(x, work)
        return value

    def _forward_into(
        self,
        x: FloatArray,
        work: Workspace,
        *,
        record: list[FloatArray] | None = None,
        dead: list[NDArray[np.bool_]] | None = None,
    ) -> FloatArray:
        """Forward pass of ``x`` (rows of inputs, then a column of ones) into ``work``.

        Returns ``work.output`` (one row per output unit).  With ``record``, copies of the
        hidden pre-activations, one
        row per input row, are appended to it; with ``dead``, one boolean array per hidden
        layer receives which units had pre-activation <= 0 on every row.
        """
        h = np.swapaxes(x, -1, -2)
        for layer, (block_t, z, z_block, derivative, h_next) in enumerate(work.forward_plan):
            np.matmul(block_t, h, out=z)
            if record is not None:
                record.append(np.swapaxes(z, -1, -2).copy())
            if dead is not None:
                np.logical_and.reduce(z <= 0.0, axis=-1, out=dead[layer])
            self._activate_in_place(z_block, derivative)
            h = h_next
        output: FloatArray = np.matmul(work.last_block_t, h, out=work.output)
        return output

    def _activate_in_place(self, z: FloatArray, derivative: FloatArray) -> None:
        """Overwrite ``z`` with its activation and fill ``derivative`` with the slope there.

        ReLU and Leaky ReLU are computed as ``z * phi'(z)``, with ``phi'(z)`` built from the
        mask ``z > 0``: two cheap passes instead of a maximum, which numpy evaluates several
        times more slowly, and the mask is reused backward.  For finite ``z`` the result
        equals :func:`dying_relu.relu` and :func:`dying_relu.leaky_relu` exactly: the slope is
        exactly 1 or the negative slope (see ``_leaky_constants``).  ReLU'(0) = 0 and
        Leaky ReLU'(0) = negative slope, as in :mod:`dying_relu.activations`.
        """
        activation = self.activation
        if activation == "relu":
            np.greater(z, 0.0, out=derivative)
            z *= derivative
        elif activation == "leaky_relu":
            slope, complement = self._leaky_constants
            np.greater(z, 0.0, out=derivative)
            derivative *= complement
            derivative += slope
            z *= derivative
        elif activation == "sigmoid":
            sigmoid(z, out=z)
            np.subtract(1.0, z, out=derivative)
            derivative *= z
        else:
            tanh(z, out=z)
            np.square(z, out=derivative)
            np.subtract(1.0, derivative, out=derivative)

    def _backward_into(self, x: FloatArray, work: Workspace) -> None:
        """Backpropagate the loss gradient held in ``work.output`` into ``work.grads``.

        Everything past the inputs is stored one row per unit (see :class:`Workspace`), so the
        gradient of a block is (the layer's inputs, one row per feature) times the transposed
        delta, and the delta of the layer below is the layer's weights times its delta.
        """
        x_t = np.swapaxes(x, -1, -2)
        for layer in range(self.n_layers - 1, -1, -1):
            below = x_t if layer == 0 else work.hidden_ones[layer - 1]
            np.matmul(below, work.delta_t[layer], out=work.grad_blocks[layer])
            if layer == 0:
                break
            weights, delta, upstream, upstream_block, derivative, outer = work.backward_plan[
                layer - 1
            ]
            if outer is not None:
                np.multiply(outer[0], outer[1], out=upstream_block)
            else:
                np.matmul(weights, delta, out=upstream)
            upstream_block *= derivative

    def _inputs(self, X: ArrayLike, name: str) -> FloatArray:
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

    def _targets(self, y: ArrayLike, loss: str, rows: int, name: str = "y") -> Any:
        """``y`` checked against the loss and the output shape, in the form the kernels use.

        That is, for ``"mse"``, a view one row per output unit, like the output buffer.
        """
        lead = () if self.ensemble_size is None else (self.ensemble_size,)
        outputs = self.layer_sizes[-1]
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


class Workspace:
    """Preallocated buffers for forward and backward passes of one network on ``rows`` rows.

    Hidden pre-activations, activations, slopes and backpropagated gradients are stored one
    row per *unit* (shape ``(width, rows)``), so that the elementwise work of a layer runs over
    one contiguous block; each activation block is followed by a row of ones, which multiplies
    the bias row of the next parameter block.  The output is stored one row per output unit
    too, so that a softmax reduces across rows.  Only the inputs keep one row per input row.
    Training reuses one workspace for every step, so that a step allocates almost nothing.  A
    workspace is tied to the parameter buffer the network had when it was made.

    Parameters
    ----------
    net : MLP
        The network, already packed.
    rows : int
        Number of input rows.
    own_inputs : bool
        For an ensemble: one input matrix per member rather than one shared by all.
    """

    def __init__(self, net: MLP, rows: int, *, own_inputs: bool = False) -> None:
        lead = () if net.ensemble_size is None else (net.ensemble_size,)
        dtype = net.dtype
        widths = net.hidden_sizes
        input_lead = lead if own_inputs else ()
        self.inputs = np.ones((*input_lead, rows, net.layer_sizes[0] + 1), dtype=dtype)
        # Physically (width, members, rows): the elementwise work of a layer then runs over one
        # contiguous block even in an ensemble (a strided block is several times slower), while
        # the member-first views below are what the batched matrix products need.
        ones = [np.ones((w + 1, *lead, rows), dtype=dtype) for w in widths]
        self.hidden_block = [a[:-1] for a in ones]
        self.derivative = [np.empty((w, *lead, rows), dtype=dtype) for w in widths]
        self.upstream_block = [np.empty((w, *lead, rows), dtype=dtype) for w in widths]
        self.hidden_ones = [np.moveaxis(a, 0, -2) for a in ones]
        self.hidden = [np.moveaxis(a, 0, -2) for a in self.hidden_block]
        self.upstream = [np.moveaxis(a, 0, -2) for a in self.upstream_block]
        self.upstream_t = [np.swapaxes(u, -1, -2) for u in self.upstream]
        self.output = np.empty((*lead, net.layer_sizes[-1], rows), dtype=dtype)
        self.blocks = net._blocks
        self.grad_flat = np.empty_like(net._flat)
        self.grad_blocks = _blocks(self.grad_flat, [block.shape[-2:] for block in self.blocks])
        self.grads = _weight_and_bias_views(self.grad_blocks)
        blocks_t = [np.swapaxes(block, -1, -2) for block in self.blocks]
        self.last_block_t = blocks_t[-1]
        self.delta_t = [*self.upstream_t, np.swapaxes(self.output, -1, -2)]
        self.forward_plan = list(
            zip(
                blocks_t,
                self.hidden,
                self.hidden_block,
                self.derivative,
                self.hidden_ones,
                strict=False,
            )
        )
        # For layer l >= 1: its weights, its delta, the layer below's delta (as the product
        # writes it and as the slope multiplies it), that slope, and, for a layer of one unit,
        # the weights and delta as the factors of an outer product in the layout of the block.
        # A product over one term is an outer product: one broadcast multiply gives exactly
        # the numbers of the matrix product, without a BLAS call per member, and laid out unit
        # first it runs several times faster than the matrix product.
        deltas = [*self.upstream[1:], self.output] if widths else []
        weights = [block[..., :-1, :] for block in self.blocks[1:]]
        outers = [
            (np.moveaxis(w, -2, 0), np.moveaxis(d, -2, 0)) if w.shape[-1] == 1 else None
            for w, d in zip(weights, deltas, strict=True)
        ]
        self.backward_plan = list(
            zip(
                weights,
                deltas,
                self.upstream,
                self.upstream_block,
                self.derivative,
                outers,
                strict=True,
            )
        )


def _row_major(output: FloatArray) -> FloatArray:
    """An output stored one row per unit, as a new array with one row per input row."""
    return np.ascontiguousarray(np.swapaxes(output, -1, -2))


def _blocks(flat: FloatArray, shapes: Sequence[tuple[int, ...]]) -> list[FloatArray]:
    """Views of consecutive blocks of ``flat`` (last axis) with the given trailing shapes."""
    blocks, start = [], 0
    for rows, cols in shapes:
        block = flat[..., start : start + rows * cols].reshape(*flat.shape[:-1], rows, cols)
        # Splitting a contiguous last axis never needs a copy, so this is a view of ``flat``.
        blocks.append(block)
        start += rows * cols
    return blocks


def _weight_and_bias_views(blocks: list[FloatArray]) -> list[FloatArray]:
    views = []
    for block in blocks:
        views.extend([block[..., :-1, :], block[..., -1, :]])
    return views


def _layer_sizes(layer_sizes: Any) -> tuple[int, ...]:
    if isinstance(layer_sizes, str) or not isinstance(layer_sizes, Sequence | np.ndarray):
        raise TypeError(
            f"layer_sizes must be a sequence of positive integers, got {type(layer_sizes).__name__}"
        )
    sizes = tuple(positive_int(size, "layer_sizes") for size in layer_sizes)
    if len(sizes) < 2:
        raise ValueError(
            f"layer_sizes must hold at least an input and an output width, got {sizes}"
        )
    return sizes


def _member_index(index: Any, size: int) -> int:
    if isinstance(index, bool | np.bool_) or not isinstance(index, numbers.Integral):
        raise TypeError(f"index must be an integer, got {type(index).__name__}")
    position = int(index)
    if not -size <= position < size:
        raise ValueError(f"index must lie in range({size}), got {position}")
    return position


def _seeds(seed: Any) -> tuple[tuple[int, ...], int | None]:
    if isinstance(seed, bool | np.bool_):
        raise TypeError("seed must be a non-negative integer or a sequence of them, got bool")
    if isinstance(seed, numbers.Integral):
        return (_seed_value(seed),), None
    if isinstance(seed, str) or not isinstance(seed, Sequence | np.ndarray):
        raise TypeError(
            f"seed must be a non-negative integer or a sequence of them, got {type(seed).__name__}"
        )
    seeds = tuple(_seed_value(s) for s in seed)
    if not seeds:
        raise ValueError("seed must hold at least one seed, got an empty sequence")
    return seeds, len(seeds)


def _seed_value(seed: Any) -> int:
    if isinstance(seed, bool | np.bool_) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be a non-negative integer, got {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    return int(seed)
