r"""Remedies for dead and dormant units that act on a network's weights during training.

Three published remedies, each a function or class that changes a :class:`~dying_relu.MLP`
(or every member of an ensemble) in place:

:func:`redo`
    ReDo, "recycling dormant neurons" (Sokar, Agarwal, Castro and Evci 2023): find the
    hidden units that are :math:`\tau`-dormant on a batch of inputs
    (:func:`dying_relu.diagnostics.dormant_units`) and give each a fresh start
    (:func:`reinitialize`).
:class:`ContinualBackprop`
    Continual backpropagation (Dohare et al. 2024): at every step, keep a running average of
    each hidden unit's *contribution utility*, :math:`|h_i|` (averaged over the batch) times
    the sum of the magnitudes of its outgoing weights, and re-initialise a small share of the
    units old enough to be judged (the *mature* ones) whose utility is lowest.
:func:`shrink_perturb`
    Shrink and Perturb (Ash and Adams 2020): multiply every parameter by a factor below 1 and
    add a little noise drawn like the initial weights.

A fresh start (:func:`reinitialize`) means: the unit's incoming weights are drawn again with
the network's initialisation (He's or Glorot's scale, as the network was made; He's for a
network made with RAI, whose recipe draws whole layers), its bias is set to 0, its outgoing
weights are set to 0, so that the new unit adds nothing to the output at first (the network
then computes what it computed with the old unit cut out: the same function where the old unit
was dead on the inputs, nearly the same where it was dormant), and an optimiser given as ``optimizer`` forgets its momentum or moment estimates for
exactly those entries (:meth:`dying_relu.SGD.reset`).  Nothing else changes.

Simplifications, said here once: continual backpropagation's utility is the plain running
average (the paper's implementation also offers a bias-corrected one and adds the mean
contribution of a replaced unit to the next layer's bias; neither is done here); ReDo is
applied to every hidden layer at once, every time it is called.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._typing import FloatArray
from ._validation import finite_real, non_negative_real, positive_int
from .diagnostics import dormant_units
from .init import initialize_layer
from .network import MLP
from .optim import SGD, Adam

__all__ = ["ContinualBackprop", "redo", "reinitialize", "shrink_perturb"]


def reinitialize(
    net: MLP,
    units: Sequence[ArrayLike],
    rng: np.random.Generator | int,
    *,
    optimizer: SGD | Adam | None = None,
) -> list[NDArray[np.bool_]]:
    """Give the marked hidden units a fresh start (see the module documentation).

    Parameters
    ----------
    net : MLP
        Network or ensemble, changed in place.
    units : sequence of array_like of bool
        One mask per hidden layer, of shape ``(width,)``, or ``(E, width)`` for an ensemble.
    rng : numpy.random.Generator or int
        Source of the new incoming weights.
    optimizer : SGD or Adam, optional
        An optimiser that steps ``net``, entry by entry (``optimizer.step(net.params,
        grads)``) or through :func:`dying_relu.train`; its state for the changed entries is
        reset.

    Returns
    -------
    list of numpy.ndarray of bool
        One mask per entry of ``net.params``, true where an entry was changed.

    Examples
    --------
    >>> import numpy as np
    >>> net = MLP([2, 3, 1], seed=0)
    >>> changed = reinitialize(net, [np.array([False, True, False])], rng=1)
    >>> net.params[1], float(net.params[2][1, 0])
    (array([0., 0., 0.]), 0.0)
    >>> [mask.sum() for mask in changed]
    [np.int64(2), np.int64(1), np.int64(1), np.int64(0)]
    """
    masks = _unit_masks(net, units)
    generator = np.random.default_rng(rng)  # a Generator is returned as it is
    if optimizer is not None and not isinstance(optimizer, SGD | Adam):
        raise TypeError(
            f"optimizer must be an SGD or Adam instance, got {type(optimizer).__name__}"
        )
    changed = [np.zeros(p.shape, dtype=bool) for p in net.params]
    # Top layer first: where a recycled unit's outgoing weight is also the incoming weight of a
    # recycled unit above it, the zero wins, so the network's function is kept.
    for layer, mask in reversed(list(enumerate(masks))):
        if not mask.any():
            continue
        weights, bias, outgoing = net.params[2 * layer : 2 * layer + 3]
        fresh = _fresh_weights(net, layer, generator)
        incoming = np.broadcast_to(mask[..., np.newaxis, :], weights.shape)
        weights[incoming] = fresh[incoming]
        bias[mask] = 0.0
        out_rows = np.broadcast_to(mask[..., :, np.newaxis], outgoing.shape)
        outgoing[out_rows] = 0.0
        changed[2 * layer] |= incoming
        changed[2 * layer + 1] |= mask
        changed[2 * layer + 2] |= out_rows
    if optimizer is not None:
        _reset_state(optimizer, net, changed)
    return changed


def redo(
    net: MLP,
    X: ArrayLike,
    tau: float = 0.1,
    *,
    rng: np.random.Generator | int,
    optimizer: SGD | Adam | None = None,
) -> list[NDArray[np.bool_]]:
    r"""ReDo: re-initialise every hidden unit that is :math:`\tau`-dormant on ``X``.

    Parameters
    ----------
    net : MLP
        Network or ensemble, changed in place.
    X : array_like, shape (n, d) or (E, n, d)
        The inputs on which dormancy is measured (Sokar et al. use a batch of the data).
    tau : float
        Dormancy threshold, :math:`\ge 0`; 0 recycles only the dead units of a ReLU network.
    rng, optimizer
        As in :func:`reinitialize`.

    Returns
    -------
    list of numpy.ndarray of bool
        The units recycled: one mask per hidden layer, as
        :func:`dying_relu.diagnostics.dormant_units` returns it.

    Examples
    --------
    >>> import numpy as np
    >>> net = MLP([1, 3, 1], seed=0)
    >>> net.params[:2] = [np.array([[1.0, 0.1, -1.0]]), np.zeros(3)]
    >>> redo(net, [[1.0], [2.0]], tau=0.3, rng=0)
    [array([False,  True,  True])]
    >>> net.params[2].ravel()[1:]
    array([0., 0.])
    """
    recycled = dormant_units(net, X, tau)
    reinitialize(net, recycled, rng, optimizer=optimizer)
    return recycled


def shrink_perturb(
    net: MLP, shrink: float, noise: float, *, rng: np.random.Generator | int
) -> None:
    r"""Shrink and Perturb: :math:`\theta \leftarrow \lambda\,\theta + \sigma\,\varepsilon`.

    Every weight and bias is multiplied by ``shrink`` (:math:`\lambda`); every weight gets
    ``noise`` (:math:`\sigma`) times a fresh draw :math:`\varepsilon` of the network's
    initialisation (so the noise has the scale of the initial weights of its layer); biases,
    which start at 0, get no noise.

    Parameters
    ----------
    net : MLP
        Network or ensemble, changed in place.
    shrink : float
        :math:`\lambda` in :math:`(0, 1]`.
    noise : float
        :math:`\sigma \ge 0`.
    rng : numpy.random.Generator or int
        Source of the noise.

    Examples
    --------
    >>> import numpy as np
    >>> net = MLP([1, 2, 1], seed=0)
    >>> net.params[:] = [np.ones((1, 2)), np.ones(2), np.ones((2, 1)), np.ones(1)]
    >>> shrink_perturb(net, 0.5, 0.0, rng=0)
    >>> [p.ravel().tolist() for p in net.params]
    [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5], [0.5]]
    """
    if not isinstance(net, MLP):
        raise TypeError(f"net must be an MLP, got {type(net).__name__}")
    factor = finite_real(shrink, "shrink")
    if not 0.0 < factor <= 1.0:
        raise ValueError(f"shrink must lie in (0, 1], got {factor}")
    sigma = non_negative_real(noise, "noise")
    generator = np.random.default_rng(rng)  # a Generator is returned as it is
    for layer in range(net.n_layers):
        weights, bias = net.params[2 * layer], net.params[2 * layer + 1]
        weights *= factor
        bias *= factor
        if sigma > 0.0:
            fresh = _fresh_weights(net, layer, generator)
            weights += sigma * fresh


class ContinualBackprop:
    """Continual backpropagation's selective re-initialisation, one :meth:`step` per update.

    Parameters
    ----------
    net : MLP
        The network or ensemble it tends; :meth:`step` changes it in place.
    replacement_rate : float
        :math:`\\rho`, in :math:`[0, 1]`: per step, each hidden layer re-initialises
        :math:`\\rho` times its number of mature units (the fractions add up from step to
        step, so ``1e-3`` on 64 mature units replaces one unit about every 16 steps).
    decay : float
        :math:`\\eta` in :math:`[0, 1)`, the decay of the running average of the utility.
    maturity : int
        Steps a unit must have lived, since the start or its last reset, before it can be
        replaced.
    seed : int
        Seed of the new incoming weights.

    Attributes
    ----------
    utility : list of numpy.ndarray of float64
        Per hidden layer, each unit's running average of :math:`|h_i|` (mean over the batch)
        times :math:`\\sum_k |w_{ik}|` over its outgoing weights, shape ``(width,)`` or
        ``(E, width)``.
    age : list of numpy.ndarray of int
        Per hidden layer, the steps each unit has lived.
    replaced : list of numpy.ndarray of int
        Per hidden layer, how many times each unit has been replaced.

    Examples
    --------
    >>> import numpy as np
    >>> net = MLP([2, 4, 1], seed=0)
    >>> cbp = ContinualBackprop(net, replacement_rate=0.5, maturity=1)
    >>> X = np.ones((3, 2))
    >>> for _ in range(3):
    ...     _ = cbp.step(X)
    >>> int(cbp.replaced[0].sum())
    3
    """

    def __init__(
        self,
        net: MLP,
        *,
        replacement_rate: float = 1e-4,
        decay: float = 0.99,
        maturity: int = 100,
        seed: int = 0,
    ) -> None:
        if not isinstance(net, MLP):
            raise TypeError(f"net must be an MLP, got {type(net).__name__}")
        if net.n_layers < 2:
            raise ValueError("net must have at least one hidden layer, got layer_sizes with none")
        self.net = net
        self.replacement_rate = non_negative_real(replacement_rate, "replacement_rate")
        if self.replacement_rate > 1.0:
            raise ValueError(f"replacement_rate must lie in [0, 1], got {self.replacement_rate}")
        self.decay = finite_real(decay, "decay")
        if not 0.0 <= self.decay < 1.0:
            raise ValueError(f"decay must lie in [0, 1), got {self.decay}")
        self.maturity = positive_int(maturity, "maturity")
        self._rng = np.random.default_rng(seed)
        lead = () if net.ensemble_size is None else (net.ensemble_size,)
        self.utility = [np.zeros((*lead, w)) for w in net.hidden_sizes]
        self.age = [np.zeros((*lead, w), dtype=np.int64) for w in net.hidden_sizes]
        self.replaced = [np.zeros((*lead, w), dtype=np.int64) for w in net.hidden_sizes]
        self._owed = [np.zeros(lead) for _ in net.hidden_sizes]

    def step(self, X: ArrayLike, *, optimizer: SGD | Adam | None = None) -> list[NDArray[np.bool_]]:
        """Update the utilities on the batch ``X`` and replace the units whose turn it is.

        Call it after each update of the network, with the update's batch.

        Parameters
        ----------
        X : array_like, shape (n, d) or (E, n, d)
            The batch the network was just trained on.
        optimizer : SGD or Adam, optional
            As in :func:`reinitialize`.

        Returns
        -------
        list of numpy.ndarray of bool
            The units replaced at this step, one mask per hidden layer.
        """
        net = self.net
        hidden = net.hidden_activations(X)
        chosen = []
        for layer, h in enumerate(hidden):
            outgoing = np.abs(net.params[2 * layer + 2]).sum(axis=-1, dtype=np.float64)
            contribution = np.abs(h).mean(axis=-2, dtype=np.float64) * outgoing
            utility, age = self.utility[layer], self.age[layer]
            utility *= self.decay
            utility += (1.0 - self.decay) * contribution
            age += 1
            mature = age > self.maturity
            owed = self._owed[layer]
            owed += self.replacement_rate * mature.sum(axis=-1)
            due = np.floor(owed).astype(np.int64)
            owed -= due
            chosen.append(_lowest(utility, mature, due))
        reinitialize(net, chosen, self._rng, optimizer=optimizer)
        for layer, mask in enumerate(chosen):
            self.utility[layer][mask] = 0.0
            self.age[layer][mask] = 0
            self.replaced[layer] += mask
        return chosen


def _reset_state(optimizer: SGD | Adam, net: MLP, changed: list[NDArray[np.bool_]]) -> None:
    """Reset ``optimizer``'s state where ``changed`` (one mask per entry of ``net.params``)
    is true, laid out as the optimiser steps the network: entry by entry, or as the one
    parameter buffer that :func:`dying_relu.train` steps."""
    engine = net._engine
    if optimizer._shapes == [(engine.flat.shape, engine.flat.dtype)]:
        optimizer.reset([engine.laid_flat(changed)])
    else:
        optimizer.reset(changed)


def _fresh_weights(net: MLP, layer: int, generator: np.random.Generator) -> FloatArray:
    """A new draw of the weights of layer ``layer`` for every member, as ``net`` was initialised
    (He's scale for a network made with RAI, whose recipe draws whole layers with their biases).
    """
    weights = net.params[2 * layer]
    fresh, _ = initialize_layer(
        generator,
        *weights.shape[-2:],
        init="he" if net.init == "rai" else net.init,
        negative_slope=net.negative_slope if net.activation == "leaky_relu" else 0.0,
        batch=() if net.ensemble_size is None else (net.ensemble_size,),
        dtype=net.dtype,
    )
    return fresh


def _lowest(
    utility: NDArray[np.float64], eligible: NDArray[np.bool_], count: NDArray[np.int64]
) -> NDArray[np.bool_]:
    """Per member (leading axes), the ``count`` eligible units of lowest utility, as a mask."""
    chosen = np.zeros(utility.shape, dtype=bool)
    flat_u, flat_e = utility.reshape(-1, utility.shape[-1]), eligible.reshape(-1, utility.shape[-1])
    flat_c, flat_chosen = np.asarray(count).reshape(-1), chosen.reshape(-1, utility.shape[-1])
    for member in np.flatnonzero(flat_c > 0):
        candidates = np.flatnonzero(flat_e[member])
        take = min(int(flat_c[member]), candidates.size)
        # A stable sort, so that ties go to the lower index on every machine.
        order = np.argsort(flat_u[member][candidates], kind="stable")[:take]
        flat_chosen[member, candidates[order]] = True
    return chosen


def _unit_masks(net: Any, units: Any) -> list[NDArray[np.bool_]]:
    """``units`` checked against the hidden layers of ``net``: one bool mask per layer."""
    if not isinstance(net, MLP):
        raise TypeError(f"net must be an MLP, got {type(net).__name__}")
    if isinstance(units, np.ndarray) or not isinstance(units, Sequence):
        raise TypeError("units must be a sequence of boolean masks, one per hidden layer")
    if len(units) != len(net.hidden_sizes):
        raise ValueError(
            f"units must hold {len(net.hidden_sizes)} masks, one per hidden layer, got {len(units)}"
        )
    lead = () if net.ensemble_size is None else (net.ensemble_size,)
    masks = []
    for layer, (mask, width) in enumerate(zip(units, net.hidden_sizes, strict=True)):
        array = np.asarray(mask)
        if array.dtype != np.bool_ or array.shape != (*lead, width):
            raise ValueError(
                f"units[{layer}] must be a boolean array of shape {(*lead, width)}, got "
                f"{array.dtype} of shape {array.shape}"
            )
        masks.append(array)
    return masks
