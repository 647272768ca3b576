r"""A fully connected network with hand-written backpropagation, alone or as a seed ensemble.

The network maps rows of inputs :math:`x` through hidden layers
:math:`h_l = \phi(z_l)`, :math:`z_l = h_{l-1} W_l + b_l`, to a linear output layer.  Backward,
the gradient reaching a hidden layer is multiplied by :math:`\phi'(z_l)`; for ReLU that factor
is 0 wherever :math:`z_l \le 0`, which is the whole story of a dead unit.

An *ensemble* holds ``E`` independent networks of the same shape, one per seed, as stacked
parameters with a leading axis of length ``E``.  Every operation is a batched matmul or an
elementwise operation over that axis, so member ``e`` computes exactly what a lone network with
seed ``seeds[e]`` computes, bit for bit, at a fraction of the Python overhead of ``E`` runs.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any, Literal, TypeAlias, overload

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from ._validation import as_float_array, check_slope
from .activations import sigmoid, tanh
from .init import _choice, _floating_dtype, _positive_int, initialize_layer
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
        ``b`` shape ``(fan_out,)``, with a leading axis ``E`` for an ensemble.  The arrays may be
        modified in place.
    layer_sizes : tuple of int
    activation : str
    negative_slope : float
    init : str
    seeds : tuple of int
        The seed of each member (one entry for a single network).
    ensemble_size : int or None
        ``E`` for an ensemble, None for a single network.
    dtype : numpy.dtype

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
        self.activation = _choice(activation, "activation", ACTIVATION_NAMES)
        slope = check_slope(negative_slope)
        if not 0.0 <= slope <= 1.0:
            raise ValueError(f"negative_slope must lie in [0, 1], got {slope}")
        self.negative_slope = slope
        self.init = _DEFAULT_INIT[self.activation] if init is None else init
        self.dtype = _floating_dtype(dtype, "dtype")
        seeds, self.ensemble_size = _seeds(seed)
        self.seeds = seeds
        # A throwaway draw checks init and bias, so a bad name fails before any real work.
        initialize_layer(0, 1, 1, init=self.init, bias=bias)

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
        if self.ensemble_size is None:
            self.params = members[0]
        else:
            self.params = [np.stack(stack) for stack in zip(*members, strict=True)]

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
        h = self._inputs(X, "X")
        pre_activations = []
        for layer in range(self.n_layers):
            z = self._affine(h, layer)
            if layer == self.n_layers - 1:
                break
            if record:
                pre_activations.append(z.copy())
            h = self._activate(z)
        if record:
            return z, pre_activations
        return z

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
        loss = _choice(loss, "loss", LOSS_NAMES)
        x = self._inputs(X, "X")
        rows = x.shape[-2]
        target = self._targets(y, loss, rows)
        work = Workspace(self, rows)
        value = self._loss_and_grads_into(x, target, loss, work)
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
        single = self.copy()
        single.params = [p[index].copy() for p in self.params]
        single.seeds = (self.seeds[index],)
        single.ensemble_size = None
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
        twin = object.__new__(MLP)
        twin.__dict__.update(self.__dict__)
        twin.params = [p.copy() for p in self.params]
        return twin

    # -- Internal computation, shared with training: no checks, buffers reused. ----------------

    def _affine(self, h: FloatArray, layer: int, out: FloatArray | None = None) -> FloatArray:
        weights, bias = self.params[2 * layer], self.params[2 * layer + 1]
        z: FloatArray = np.matmul(h, weights, out=out)
        z += bias if self.ensemble_size is None else bias[:, np.newaxis, :]
        return z

    def _activate(
        self, z: FloatArray, out: FloatArray | None = None, scratch: FloatArray | None = None
    ) -> FloatArray:
        """Hidden activation of ``z`` into ``out`` (a new array when None; ``z`` itself is allowed).

        ``scratch``, an array of the shape of ``z`` distinct from both, spares Leaky ReLU an
        allocation.
        """
        if out is None:
            out = np.empty_like(z)
        # ReLU and Leaky ReLU are written out here rather than called from .activations: on the
        # tiny networks, per-call checks there would cost as much as the arithmetic.  The
        # results are identical: both are a maximum, which rounds nothing.
        if self.activation == "relu":
            np.maximum(z, 0.0, out=out)
        elif self.activation == "leaky_relu":
            scaled = np.multiply(z, self.negative_slope, out=scratch)
            np.maximum(z, scaled, out=out)
        elif self.activation == "sigmoid":
            sigmoid(z, out=out)
        else:
            tanh(z, out=out)
        return out

    def _derivative_times(self, h: FloatArray, delta: FloatArray, scratch: FloatArray) -> None:
        """Multiply ``delta`` in place by the activation derivative, read off the output ``h``.

        Every activation here is monotone, so its derivative is a function of its output:
        ReLU and Leaky ReLU have ``h > 0`` exactly where ``z > 0`` (so relu'(0) = 0 and
        leaky'(0) = slope), sigmoid has ``h (1 - h)`` and tanh ``1 - h**2``.  Keeping only ``h``
        spares a pass and a buffer per layer.
        """
        if self.activation in ("relu", "leaky_relu"):
            np.greater(h, 0.0, out=scratch)
            if self.negative_slope != 0.0 and self.activation == "leaky_relu":
                scratch *= 1.0 - self.negative_slope
                scratch += self.negative_slope
        elif self.activation == "sigmoid":
            np.subtract(1.0, h, out=scratch)
            scratch *= h
        else:
            np.square(h, out=scratch)
            np.subtract(1.0, scratch, out=scratch)
        delta *= scratch

    def _loss_and_grads_into(
        self, x: FloatArray, target: Any, loss: str, work: Workspace
    ) -> FloatArray:
        """Forward and backward pass into ``work``; return the loss (0-d or shape (E,)).

        ``target`` is a float array of the output's shape for ``"mse"`` and the flat label
        positions of :func:`dying_relu.losses.label_index` for ``"cross_entropy"``.  The
        gradient of the loss overwrites the output buffer on its way into ``work.grads``.
        """
        output = self._forward_into(x, work)
        if loss == "mse":
            value = mse_into(output, target, output)
        else:
            value = cross_entropy_into(output, target, output)
        self._backward_into(x, work)
        return np.asarray(value)

    def _forward_into(
        self, x: FloatArray, work: Workspace, dead: list[NDArray[np.bool_]] | None = None
    ) -> FloatArray:
        """Forward pass into ``work``, returning ``work.output``.

        With ``dead``, one boolean array per hidden layer receives which units had
        pre-activation <= 0 on every row.
        """
        last = self.n_layers - 1
        h = x
        for layer in range(last):
            z = self._affine(h, layer, out=work.hidden[layer])
            if dead is not None:
                np.logical_and.reduce(z <= 0.0, axis=-2, out=dead[layer])
            h = self._activate(z, out=z, scratch=work.scratch[layer])
        return self._affine(h, last, out=work.output)

    def _backward_into(self, x: FloatArray, work: Workspace) -> None:
        """Backpropagate the loss gradient held in ``work.output`` into ``work.grads``."""
        delta = work.output
        for layer in range(self.n_layers - 1, -1, -1):
            below = x if layer == 0 else work.hidden[layer - 1]
            np.matmul(np.swapaxes(below, -1, -2), delta, out=work.grads[2 * layer])
            np.sum(delta, axis=-2, out=work.grads[2 * layer + 1])
            if layer == 0:
                break
            upstream = work.upstream[layer - 1]
            np.matmul(delta, np.swapaxes(self.params[2 * layer], -1, -2), out=upstream)
            self._derivative_times(below, upstream, work.scratch[layer - 1])
            delta = upstream

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
        """``y`` checked against the loss and the output shape, in the form the kernels use."""
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
        return np.broadcast_to(target, shape)


class Workspace:
    """Preallocated buffers for forward and backward passes of one network on ``rows`` rows.

    Training reuses one workspace for every step, so a step allocates almost nothing.
    """

    def __init__(self, net: MLP, rows: int) -> None:
        lead = () if net.ensemble_size is None else (net.ensemble_size,)
        hidden = net.hidden_sizes
        self.hidden = [np.empty((*lead, rows, w), dtype=net.dtype) for w in hidden]
        self.upstream = [np.empty((*lead, rows, w), dtype=net.dtype) for w in hidden]
        self.scratch = [np.empty((*lead, rows, w), dtype=net.dtype) for w in hidden]
        self.output = np.empty((*lead, rows, net.layer_sizes[-1]), dtype=net.dtype)
        self.grads = [np.empty_like(p) for p in net.params]


def _layer_sizes(layer_sizes: Any) -> tuple[int, ...]:
    if isinstance(layer_sizes, str) or not isinstance(layer_sizes, Sequence | np.ndarray):
        raise TypeError(
            f"layer_sizes must be a sequence of positive integers, got {type(layer_sizes).__name__}"
        )
    sizes = tuple(_positive_int(size, "layer_sizes") for size in layer_sizes)
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
