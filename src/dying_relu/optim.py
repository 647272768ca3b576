r"""Gradient-descent optimisers that update parameter arrays in place.

Both follow PyTorch's definitions, so that results can be compared with it:

* :class:`SGD` with momentum :math:`\mu`: :math:`v \leftarrow \mu v + g`,
  :math:`\theta \leftarrow \theta - \eta v` (plain SGD when :math:`\mu = 0`).
* :class:`Adam` (Kingma and Ba 2015): :math:`m \leftarrow \beta_1 m + (1 - \beta_1) g`,
  :math:`v \leftarrow \beta_2 v + (1 - \beta_2) g^2`, and
  :math:`\theta \leftarrow \theta - \frac{\eta}{1 - \beta_1^t}\,
  \frac{m}{\sqrt{v} / \sqrt{1 - \beta_2^t} + \epsilon}`.

The learning rate :math:`\eta` is a positive number, or an array of shape ``(E,)`` for an
ensemble of ``E`` networks: member ``e`` is then updated with ``lr[e]``, so that one batched run
covers a whole learning-rate grid.  Each update is computed in the parameters' dtype, as a lone
network with learning rate ``lr[e]`` would compute it.

An optimiser keeps state (momentum, moments, step count) for the parameters it first updates;
use a new optimiser for a new network.
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._typing import FloatArray
from ._validation import learning_rate, positive_real

__all__ = ["SGD", "Adam"]


class _Optimizer:
    """Learning-rate handling, argument checks and scratch buffers shared by the optimisers."""

    def __init__(self, lr: ArrayLike) -> None:
        self._lr = learning_rate(lr)
        self._shapes: list[tuple[tuple[int, ...], np.dtype[Any]]] | None = None
        self._scratch: list[FloatArray] = []
        self._lr_per_param: list[Any] = []

    @property
    def lr(self) -> float | NDArray[np.float64]:
        """Learning rate: a float, or one per ensemble member (read-only)."""
        return self._lr if isinstance(self._lr, float) else self._lr.copy()

    def step(self, params: Sequence[FloatArray], grads: Sequence[FloatArray]) -> None:
        """Update ``params`` in place from ``grads``.

        Parameters
        ----------
        params : sequence of numpy.ndarray
            Floating arrays, modified in place.  With an array learning rate of shape
            ``(E,)`` every parameter must have a leading axis of length ``E``.
        grads : sequence of numpy.ndarray
            Gradients of the same shapes; not modified.
        """
        self.bind(params, grads)()

    def bind(self, params: Sequence[FloatArray], grads: Sequence[FloatArray]) -> Callable[[], None]:
        """Check ``params`` and ``grads`` once; return the update of ``params`` from ``grads``.

        Calling the result applies one :meth:`step` with whatever ``grads`` hold then, without
        checking again: for a loop that refills the same gradient arrays at every step.

        Parameters
        ----------
        params, grads
            As in :meth:`step`.

        Examples
        --------
        >>> import numpy as np
        >>> w, g = np.zeros(2), np.ones(2)
        >>> update = SGD(lr=0.5).bind([w], [g])
        >>> update(); update()
        >>> w
        array([-1., -1.])
        """
        shapes = _shapes_and_dtypes(params, grads)
        if self._shapes is None:
            self._start(params)
            self._shapes = shapes
        elif shapes != self._shapes:
            raise ValueError(
                "params differ in shape or dtype from those this optimiser first updated; "
                "use a new optimiser for a new network"
            )
        return functools.partial(self._update, params, grads)

    def reset(self, where: Sequence[ArrayLike]) -> None:
        """Forget the state of the parameter entries where ``where`` is true.

        Momentum (:class:`SGD`) or both moment estimates (:class:`Adam`) of those entries
        become zero, as for entries that were never updated; Adam's step count, which is
        shared, is kept.  This is what a remedy that re-initialises units (ReDo, continual
        backpropagation) does to the optimiser, so that old momentum does not push the new
        weights.  An optimiser without state (plain SGD, or one that has not stepped) is left
        as it is.

        Parameters
        ----------
        where : sequence of array_like of bool
            One mask per parameter the optimiser updates, each of that parameter's shape.

        Examples
        --------
        >>> import numpy as np
        >>> w = np.zeros(2)
        >>> opt = SGD(lr=1.0, momentum=0.5)
        >>> opt.step([w], [np.ones(2)])
        >>> opt.reset([np.array([True, False])])
        >>> opt.step([w], [np.zeros(2)])
        >>> w
        array([-1. , -1.5])
        """
        if self._shapes is None:
            return
        masks_given: Any = where
        if isinstance(masks_given, np.ndarray) or not isinstance(masks_given, Sequence):
            raise TypeError("where must be a sequence of boolean arrays, one per parameter")
        if len(where) != len(self._shapes):
            raise ValueError(
                f"where must hold {len(self._shapes)} masks, one per parameter, got {len(where)}"
            )
        masks = []
        for i, (mask, (shape, _)) in enumerate(zip(where, self._shapes, strict=True)):
            array = np.asarray(mask)
            if array.dtype != np.bool_ or array.shape != shape:
                raise ValueError(
                    f"where[{i}] must be a boolean array of shape {shape}, got "
                    f"{array.dtype} of shape {array.shape}"
                )
            masks.append(array)
        # A state not made yet (momentum 0, or no step) is an empty list.
        for state in filter(None, self._state()):
            for values, mask in zip(state, masks, strict=True):
                values[mask] = 0.0

    def _state(self) -> list[list[FloatArray]]:
        """The optimiser's per-entry state: lists of arrays laid out like the parameters."""
        return []

    def _start(self, params: Sequence[FloatArray]) -> None:
        """Set up the state for ``params``, the first parameters this optimiser updates."""
        lr = self._lr
        if not isinstance(lr, float):
            for i, p in enumerate(params):
                if p.ndim < 2 or p.shape[0] != lr.shape[0]:
                    raise ValueError(
                        f"lr has {lr.shape[0]} entries, one per ensemble member, but params[{i}] "
                        f"has shape {p.shape} (needs a leading axis of {lr.shape[0]} members)"
                    )
        self._lr_per_param = [self._for_param(lr, p) for p in params]
        self._scratch = [np.empty_like(p) for p in params]

    @staticmethod
    def _for_param(value: float | NDArray[np.float64], param: FloatArray) -> Any:
        """``value`` ready to multiply ``param``: a float, or an array cast and shaped to it.

        Rounding a float64 array to the parameter dtype is what a Python float undergoes when
        it meets a float32 array, so members and lone networks see the same number.
        """
        if isinstance(value, float):
            return value
        shape = (value.shape[0],) + (1,) * (param.ndim - 1)
        return value.astype(param.dtype).reshape(shape)

    def _update(self, params: Sequence[FloatArray], grads: Sequence[FloatArray]) -> None:
        raise NotImplementedError


class SGD(_Optimizer):
    """Stochastic gradient descent, with optional heavy-ball momentum (PyTorch's convention).

    Parameters
    ----------
    lr : float or array_like of shape (E,)
        Positive learning rate, or one per ensemble member.
    momentum : float
        Momentum :math:`\\mu` in ``[0, 1)``; 0 gives plain SGD.

    Examples
    --------
    >>> import numpy as np
    >>> w = np.array([1.0, 2.0])
    >>> SGD(lr=0.5).step([w], [np.array([1.0, -1.0])])
    >>> w
    array([0.5, 2.5])

    One learning rate per member of a two-member ensemble:

    >>> W = np.ones((2, 3, 1))
    >>> SGD(lr=[0.1, 1.0]).step([W], [np.ones((2, 3, 1))])
    >>> W[:, 0, 0]
    array([0.9, 0. ])
    """

    def __init__(self, lr: ArrayLike, momentum: float = 0.0) -> None:
        super().__init__(lr)
        self.momentum = _fraction(momentum, "momentum")
        self._velocity: list[FloatArray] = []

    def __repr__(self) -> str:
        return f"SGD(lr={self._lr!r}, momentum={self.momentum!r})"

    def _state(self) -> list[list[FloatArray]]:
        return [self._velocity]

    def _update(self, params: Sequence[FloatArray], grads: Sequence[FloatArray]) -> None:
        if self.momentum == 0.0:
            for p, g, lr, buf in zip(params, grads, self._lr_per_param, self._scratch, strict=True):
                np.multiply(g, lr, out=buf)
                p -= buf
            return
        if not self._velocity:
            self._velocity = [np.zeros_like(p) for p in params]
        for p, g, lr, buf, v in zip(
            params, grads, self._lr_per_param, self._scratch, self._velocity, strict=True
        ):
            v *= self.momentum
            v += g
            np.multiply(v, lr, out=buf)
            p -= buf


class Adam(_Optimizer):
    """Adam with bias correction (Kingma and Ba 2015), as PyTorch computes it.

    Parameters
    ----------
    lr : float or array_like of shape (E,)
        Positive learning rate, or one per ensemble member.
    betas : tuple of two floats
        Decay rates of the first and second moment estimates, each in ``[0, 1)``.
    eps : float
        Positive term added to the denominator.

    Examples
    --------
    The first Adam step moves every parameter by about ``lr`` against its gradient's sign:

    >>> import numpy as np
    >>> w = np.array([1.0, 1.0])
    >>> Adam(lr=0.1).step([w], [np.array([3.0, -0.01])])
    >>> w.round(6)
    array([0.9, 1.1])
    """

    def __init__(
        self, lr: ArrayLike = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8
    ) -> None:
        super().__init__(lr)
        pair: Any = betas
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise TypeError(f"betas must be a pair of numbers, got {betas!r}")
        self.betas = (_fraction(betas[0], "betas[0]"), _fraction(betas[1], "betas[1]"))
        self.eps = positive_real(eps, "eps")
        self._t = 0
        self._m: list[FloatArray] = []
        self._v: list[FloatArray] = []

    def __repr__(self) -> str:
        return f"Adam(lr={self._lr!r}, betas={self.betas!r}, eps={self.eps!r})"

    def _state(self) -> list[list[FloatArray]]:
        return [self._m, self._v]

    def _update(self, params: Sequence[FloatArray], grads: Sequence[FloatArray]) -> None:
        if not self._m:
            self._m = [np.zeros_like(p) for p in params]
            self._v = [np.zeros_like(p) for p in params]
        self._t += 1
        beta1, beta2 = self.betas
        correction1 = 1.0 - beta1**self._t
        inv_root_correction2 = 1.0 / math.sqrt(1.0 - beta2**self._t)
        # lr / (1 - beta1^t) is formed in float64 for a scalar and an array alike, then rounded
        # once to the parameter dtype, so ensemble members match lone networks exactly.
        step_size = self._for_each(self._lr, correction1)
        for p, g, buf, m, v, size in zip(
            params, grads, self._scratch, self._m, self._v, step_size, strict=True
        ):
            m *= beta1
            np.multiply(g, 1.0 - beta1, out=buf)
            m += buf
            v *= beta2
            np.square(g, out=buf)
            buf *= 1.0 - beta2
            v += buf
            np.sqrt(v, out=buf)
            buf *= inv_root_correction2
            buf += self.eps
            np.divide(m, buf, out=buf)
            buf *= size
            p -= buf

    def _for_each(self, lr: float | NDArray[np.float64], correction: float) -> list[Any]:
        scaled = lr / correction
        if isinstance(scaled, float):
            return [scaled] * len(self._scratch)
        return [self._for_param(scaled, buf) for buf in self._scratch]


def _shapes_and_dtypes(
    params: object, grads: object
) -> list[tuple[tuple[int, ...], np.dtype[Any]]]:
    """The shape and dtype of each parameter, once ``params`` and ``grads`` are checked."""
    if not isinstance(params, Sequence) or not all(isinstance(p, np.ndarray) for p in params):
        raise TypeError("params must be a sequence of numpy arrays")
    shapes = [(p.shape, p.dtype) for p in params]
    if any(dtype.kind != "f" for _, dtype in shapes):
        raise TypeError("params must have floating dtypes")
    if not isinstance(grads, Sequence) or len(grads) != len(params):
        raise ValueError(f"grads must be a sequence of {len(params)} arrays, one per parameter")
    for i, ((shape, _), g) in enumerate(zip(shapes, grads, strict=True)):
        if not isinstance(g, np.ndarray) or g.shape != shape:
            found = getattr(g, "shape", type(g).__name__)
            raise ValueError(f"grads[{i}] must have shape {shape}, got {found}")
    return shapes


def _fraction(value: Any, name: str) -> float:
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number in [0, 1), got {type(value).__name__}")
    number = float(value)
    if not 0.0 <= number < 1.0:
        raise ValueError(f"{name} must lie in [0, 1), got {number}")
    return number
