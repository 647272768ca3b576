r"""A fully connected network with hand-written backpropagation, alone or as a seed ensemble.

The network maps rows of inputs :math:`x` through hidden layers
:math:`h_l = \phi(z_l)`, :math:`z_l = h_{l-1} W_l + b_l`, to a linear output layer.  Backward,
the gradient reaching a hidden layer is multiplied by :math:`\phi'(z_l)`; for ReLU that factor
is 0 wherever :math:`z_l \le 0`, which is the whole story of a dead unit.

An *ensemble* holds ``E`` independent networks of the same shape, one per seed, as stacked
parameters with a leading axis of length ``E``.  Every operation is a batched matmul or an
elementwise operation over that axis, so member ``e`` computes exactly what a lone network with
seed ``seeds[e]`` computes, bit for bit, at a fraction of the Python overhead of ``E`` runs.

The computation itself, with its parameter buffer and fused passes, is the engine's
(``dying_relu._engine``); this module checks every argument and holds the settings.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any, Literal, overload

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from ._engine import Engine, ParameterList, rows_first
from ._typing import FloatArray
from ._validation import choice, floating_dtype, positive_int, seed_list
from ._validation import negative_slope as check_slope
from ._validation import seed as checked_seed
from .activations import leaky_relu, relu, sigmoid, tanh
from .init import check_recipe, initialize_layer
from .losses import LOSS_NAMES, LossValue, scalar_or_array

__all__ = ["ACTIVATION_NAMES", "MLP"]


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
        into one parameter buffer and may be modified in place.  Assigning arrays of the same
        shapes to entries (``net.params[0] = W``, ``net.params[:] = [...]``) or to ``params``
        itself copies them into the buffer at once, as :meth:`set_params` does; the list keeps
        its length.
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
        slope = check_slope(negative_slope)
        self.negative_slope = slope
        self.init, bias = check_recipe(
            _DEFAULT_INIT[self.activation] if init is None else init, bias
        )
        self.dtype = floating_dtype(dtype, "dtype")
        self.seeds, self.ensemble_size = _seeds(seed)
        # Private, and shared on purpose: dying_relu.training and dying_relu.diagnostics
        # drive the engine directly (load, forward, the gradient buffer), past the checks
        # that the public methods make once per call.  Nothing outside the package may.
        self._engine = Engine(
            self.layer_sizes, self.activation, slope, self.ensemble_size, self.dtype
        )

        gain_slope = slope if self.activation == "leaky_relu" else 0.0
        for e, member_seed in enumerate(self.seeds):
            rng = np.random.default_rng(member_seed)
            member = () if self.ensemble_size is None else (e,)
            for W, b in zip(self._engine.params[::2], self._engine.params[1::2], strict=True):
                W[member], b[member] = initialize_layer(
                    rng,
                    *W.shape[-2:],
                    init=self.init,
                    bias=bias,
                    negative_slope=gain_slope,
                    dtype=self.dtype,
                )

    def __repr__(self) -> str:
        members = "" if self.ensemble_size is None else f", ensemble_size={self.ensemble_size}"
        return (
            f"MLP({list(self.layer_sizes)}, activation={self.activation!r}, "
            f"init={self.init!r}{members}, dtype={self.dtype.name})"
        )

    @property
    def params(self) -> ParameterList:
        return self._engine.params

    @params.setter
    def params(self, values: Sequence[ArrayLike]) -> None:
        self.set_params(values)

    def set_params(self, values: Sequence[ArrayLike]) -> None:
        """Replace every parameter: copy ``values`` into the network's parameter buffer.

        Parameters
        ----------
        values : sequence of array_like
            ``[W1, b1, W2, b2, ...]``, each of the shape of the entry of ``params`` it
            replaces; all are checked before any is copied.

        Examples
        --------
        >>> import numpy as np
        >>> net = MLP([1, 1], seed=0)
        >>> net.set_params([[[2.0]], [0.5]])
        >>> net.params
        [array([[2.]]), array([0.5])]
        """
        self._engine.params[:] = values

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
        work = self._engine.load(self._engine.inputs(X))
        output = rows_first(self._engine.forward(work.inputs, work, record=pre_activations))
        if pre_activations is not None:
            return output, pre_activations
        return output

    def hidden_activations(self, X: ArrayLike) -> list[FloatArray]:
        """The activations :math:`h_l = \\phi(z_l)` of every hidden layer on ``X``.

        The package's activation functions (:func:`dying_relu.relu` and its kin) applied to
        the pre-activations that :meth:`forward` records: the numbers the network passes on to
        its next layer.

        Parameters
        ----------
        X : array_like, shape (n, d) or (E, n, d)
            Input rows; a 2-D ``X`` is shared by every ensemble member.

        Returns
        -------
        list of numpy.ndarray
            One array of shape ``(n, width)`` (or ``(E, n, width)``) per hidden layer.

        Examples
        --------
        >>> import numpy as np
        >>> net = MLP([1, 2, 1], "leaky_relu", negative_slope=0.1, seed=0)
        >>> net.params[:] = [np.array([[1.0, -1.0]]), np.zeros(2), np.ones((2, 1)), np.zeros(1)]
        >>> net.hidden_activations([[3.0]])
        [array([[ 3. , -0.3]])]
        """
        _, pre_activations = self.forward(X, record=True)
        return [self._phi(z) for z in pre_activations]

    def _phi(self, z: FloatArray) -> FloatArray:
        """The hidden activation function of this network, applied to ``z``."""
        if self.activation == "relu":
            return np.asarray(relu(z))
        if self.activation == "leaky_relu":
            return np.asarray(leaky_relu(z, self.negative_slope))
        if self.activation == "sigmoid":
            return np.asarray(sigmoid(z))
        return np.asarray(tanh(z))

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
            Gradients matching ``params`` in order and shape.

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
        x = self._engine.inputs(X)
        target = self._engine.targets(y, loss, x.shape[-2])
        value, grads = self._engine.loss_and_new_grads(x, target, loss)
        return scalar_or_array(value), grads.arrays

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
        position = _member_index(index, self.ensemble_size)
        return self._with_engine(self._engine.copy(position), seeds=(self.seeds[position],))

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
        return self._with_engine(self._engine.copy(), seeds=self.seeds)

    def _with_engine(self, engine: Engine, seeds: tuple[int, ...]) -> MLP:
        """A network with these settings that computes with ``engine``."""
        twin = object.__new__(MLP)
        twin.__dict__.update(self.__dict__)
        twin._engine, twin.seeds, twin.ensemble_size = engine, seeds, engine.ensemble_size
        return twin


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
    """The seeds of the members, and the ensemble size (None for one network)."""
    if isinstance(seed, numbers.Integral):
        return (checked_seed(seed),), None
    seeds = tuple(seed_list(seed, "seed"))
    return seeds, len(seeds)
