"""Which units are dead, how strongly gradients flow, and how active each layer is.

Two notions are kept apart throughout:

*inactive on an input*
    A ReLU unit whose pre-activation :math:`z \\le 0` for one input row: it outputs 0 and passes
    no gradient *for that row*.  This is normal; about half of the units of a healthy ReLU layer
    are inactive on any given input.  :func:`activation_stats` reports it as the complement of
    ``active_fraction``.
*dead on the data*
    A unit inactive on **every** row of a data set: on that data it is a constant 0 and its
    incoming weights and bias receive no gradient from any row.  Gradient descent can bring it
    back only by changing the layers below it, through other units; a dead unit of the first
    hidden layer stays dead.  :func:`dead_units` and :func:`dying_relu.dead_fraction` report this.  It is
    a statement about the data given: a unit dead on the training set may still fire on some
    other input.

*tau-dormant*
    Sokar, Agarwal, Castro and Evci (2023): a unit whose mean *absolute* activation over the
    data, divided by the mean of that quantity over the units of its layer, is at most
    :math:`\\tau` (:func:`dormancy_scores`, :func:`dormant_units`).  For ReLU, :math:`\\tau = 0`
    gives exactly the dead units; :math:`\\tau > 0` adds units that still fire, but weakly
    compared with their layer.  A Leaky ReLU unit that is dead by the test below still has
    :math:`|h| > 0`, so it is dormant only if it is quiet relative to its layer.

The test is ``z <= 0`` for every activation.  For ReLU it is exactly death; for Leaky ReLU such
a unit still passes gradient scaled by the negative slope, so it can recover; for sigmoid and
tanh it only means "on the negative side for every row".
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._docstrings import parameters, shared_sections
from ._typing import FloatArray
from ._validation import non_negative_real, positive_int
from .activations import active_mask
from .detector import dormant_scores
from .network import MLP

__all__ = [
    "ActivationStats",
    "DeadFraction",
    "activation_stats",
    "dead_fraction",
    "dead_units",
    "dormancy_scores",
    "dormant_units",
    "gradient_norms",
    "unit_activity",
]


#: The arguments of the measurements of a network on data, and the heading of what they return.
_documented = shared_sections(
    net_and_data=parameters(
        ("net : MLP", "Network or ensemble."),
        (
            "X : array_like, shape (n, d) or (E, n, d)",
            "The rows the network is measured on; a 2-D ``X`` is shared by every member.",
        ),
    )
)


class DeadFraction(NamedTuple):
    """Fractions of dead units, as returned by :func:`dying_relu.dead_fraction`.

    Attributes
    ----------
    per_layer : numpy.ndarray of float64
        Fraction of each hidden layer's units that are dead: shape ``(n_hidden,)``, or
        ``(E, n_hidden)`` for an ensemble.
    overall : float or numpy.ndarray of float64
        Fraction of all hidden units that are dead (layers weighted by width): a float, or
        shape ``(E,)`` for an ensemble.
    """

    per_layer: NDArray[np.float64]
    overall: float | NDArray[np.float64]


class ActivationStats(NamedTuple):
    """Per-layer statistics of hidden activations, as returned by :func:`activation_stats`.

    Each attribute has shape ``(n_hidden,)``, or ``(E, n_hidden)`` for an ensemble, and pools
    all rows and units of a layer.

    Attributes
    ----------
    mean, std : numpy.ndarray
        Mean and standard deviation of the activations :math:`h = \\phi(z)`.
    active_fraction : numpy.ndarray
        Fraction of (row, unit) pairs with :math:`z > 0`: activity *per input*, unlike the
        dead fraction, which asks about all rows at once.
    """

    mean: NDArray[np.float64]
    std: NDArray[np.float64]
    active_fraction: NDArray[np.float64]


@_documented
def dead_units(net: MLP, X: ArrayLike) -> list[NDArray[np.bool_]]:
    """Mask of the units of each hidden layer that are dead on ``X``.

    A unit is dead on ``X`` when its pre-activation is <= 0 on every row of ``X`` (see the
    module documentation for how this differs from being inactive on one input).

    {net_and_data}
    list of numpy.ndarray of bool
        One mask per hidden layer, of shape ``(width,)``, or ``(E, width)`` for an ensemble.

    Examples
    --------
    A unit with weight -1 and bias 0 is dead on positive inputs, and only on them:

    >>> import numpy as np
    >>> from dying_relu import MLP
    >>> net = MLP([1, 2, 1], seed=0)
    >>> net.params[:2] = [np.array([[1.0, -1.0]]), np.zeros(2)]
    >>> dead_units(net, [[1.0], [2.0]])
    [array([False,  True])]
    >>> dead_units(net, [[1.0], [-2.0]])
    [array([False, False])]
    """
    _check_net(net)
    # The engine applies dead_mask to each layer's pre-activations where they are, one row per
    # unit, as training's measurements do: no copy of them in rows, and the same masks.
    engine = net._engine
    work = engine.load(engine.inputs(X))
    masks = [np.empty((*engine.lead, width), dtype=bool) for width in net.hidden_sizes]
    engine.forward(work.inputs, work, dead=masks)
    return masks


@_documented
def unit_activity(net: MLP, X: ArrayLike) -> list[NDArray[np.float64]]:
    """Fraction of the rows of ``X`` on which each hidden unit is active (pre-activation > 0).

    A unit is dead on ``X`` exactly when its activity is 0 (:func:`dead_units`).  A unit with
    a small but positive activity is alive by that definition yet fires on only a few inputs;
    comparing the activity with a threshold (say, at least 1 % of the rows) tells such a
    barely alive unit from one that takes part in the network's work.

    {net_and_data}
    list of numpy.ndarray of float64
        One array per hidden layer, of shape ``(width,)``, or ``(E, width)`` for an ensemble,
        with values in [0, 1] that are multiples of ``1 / n``.

    Examples
    --------
    >>> import numpy as np
    >>> from dying_relu import MLP
    >>> net = MLP([1, 2, 1], seed=0)
    >>> net.params[:2] = [np.array([[1.0, -1.0]]), np.array([0.0, 1.5])]
    >>> unit_activity(net, [[1.0], [2.0], [-1.0], [-2.0]])
    [array([0.5 , 0.75])]
    """
    _check_net(net)
    _, pre_activations = net.forward(X, record=True)
    return [np.mean(active_mask(z), axis=-2, dtype=np.float64) for z in pre_activations]


@_documented
def dead_fraction(net: MLP, X: ArrayLike) -> DeadFraction:
    """Fraction of hidden units dead on ``X``, per layer and over all hidden layers.

    {net_and_data}
    DeadFraction
        A named tuple ``(per_layer, overall)``; see :class:`DeadFraction` for shapes.

    Examples
    --------
    >>> import numpy as np
    >>> from dying_relu import MLP
    >>> net = MLP([1, 2, 2, 1], seed=0)
    >>> net.params[:2] = [np.array([[1.0, -1.0]]), np.zeros(2)]
    >>> per_layer, overall = dead_fraction(net, [[1.0], [2.0]])
    >>> float(per_layer[0]), float(overall) >= 0.25
    (0.5, True)
    """
    return fractions_from_masks(dead_units(net, X))


def fractions_from_masks(masks: list[NDArray[np.bool_]]) -> DeadFraction:
    """Turn per-layer dead masks into a :class:`DeadFraction`."""
    per_layer = np.stack([mask.mean(axis=-1) for mask in masks], axis=-1)
    dead = sum(mask.sum(axis=-1) for mask in masks)
    units = sum(mask.shape[-1] for mask in masks)
    overall = np.asarray(dead / units, dtype=np.float64)
    return DeadFraction(per_layer, float(overall) if overall.ndim == 0 else overall)


def dormancy_scores(net: MLP, X: ArrayLike, *, batch_size: int = 1024) -> list[NDArray[np.float64]]:
    r"""Sokar et al.'s dormancy score of every hidden unit on ``X``, streamed in batches.

    :math:`s_i = \overline{|h_i|} \,/\, \bigl(\tfrac{1}{H}\sum_{k=1}^{H}
    \overline{|h_k|}\bigr)`, where :math:`\overline{|h_i|}` is the mean over the rows of
    ``X`` of the absolute activation of unit :math:`i` and :math:`H` the width of its layer
    (:func:`dying_relu.detector.dormant_scores`).  The rows are taken ``batch_size`` at a
    time, so a large ``X`` never passes through the network at once; the sums are kept in
    float64.

    Parameters
    ----------
    net : MLP
        Network or ensemble.
    X : array_like, shape (n, d) or (E, n, d)
        The rows the network is measured on; a 2-D ``X`` is shared by every member.
    batch_size : int
        Rows per forward pass.

    Returns
    -------
    list of numpy.ndarray of float64
        One array per hidden layer, of shape ``(width,)``, or ``(E, width)`` for an ensemble;
        the scores of a layer average to 1 (or are all 0, if the layer is silent).

    Examples
    --------
    >>> import numpy as np
    >>> from dying_relu import MLP
    >>> net = MLP([1, 3, 1], seed=0)
    >>> net.params[:2] = [np.array([[1.0, 0.1, -1.0]]), np.zeros(3)]
    >>> dormancy_scores(net, [[1.0], [2.0]])
    [array([2.72727273, 0.27272727, 0.        ])]
    """
    _check_net(net)
    size = positive_int(batch_size, "batch_size")
    rows = net._engine.inputs(X)
    n = rows.shape[-2]
    totals = [np.zeros((*net._engine.lead, width)) for width in net.hidden_sizes]
    for start in range(0, n, size):
        hidden = net.hidden_activations(rows[..., start : start + size, :])
        for total, h in zip(totals, hidden, strict=True):
            total += np.abs(h).sum(axis=-2, dtype=np.float64)
    return [dormant_scores(total / n) for total in totals]


def dormant_units(
    net: MLP, X: ArrayLike, tau: float, *, batch_size: int = 1024
) -> list[NDArray[np.bool_]]:
    r"""Mask of the hidden units that are :math:`\tau`-dormant on ``X`` (score at most ``tau``).

    See :func:`dormancy_scores` for the score.  With ``tau = 0`` a ReLU network's dormant
    units are exactly its dead units (:func:`dead_units`).

    Parameters
    ----------
    net : MLP
        Network or ensemble.
    X : array_like, shape (n, d) or (E, n, d)
        The rows the network is measured on; a 2-D ``X`` is shared by every member.
    tau : float
        Threshold, a finite number :math:`\ge 0`.
    batch_size : int
        Rows per forward pass.

    Returns
    -------
    list of numpy.ndarray of bool
        One mask per hidden layer, of shape ``(width,)``, or ``(E, width)`` for an ensemble.

    Examples
    --------
    >>> import numpy as np
    >>> from dying_relu import MLP
    >>> net = MLP([1, 3, 1], seed=0)
    >>> net.params[:2] = [np.array([[1.0, 0.1, -1.0]]), np.zeros(3)]
    >>> X = [[1.0], [2.0]]
    >>> dormant_units(net, X, tau=0.0), dormant_units(net, X, tau=0.3)
    ([array([False, False,  True])], [array([False,  True,  True])])
    """
    threshold = non_negative_real(tau, "tau")
    return [scores <= threshold for scores in dormancy_scores(net, X, batch_size=batch_size)]


def gradient_norms(net: MLP, X: ArrayLike, y: ArrayLike, loss: str = "mse") -> NDArray[np.float64]:
    """Euclidean norm of the loss gradient with respect to each layer's weight matrix.

    Parameters
    ----------
    net : MLP
        Network or ensemble.
    X, y, loss
        As in :meth:`MLP.loss_and_grads`; the gradient is that of the mean loss over ``X``.

    Returns
    -------
    numpy.ndarray of float64
        Shape ``(n_layers,)``, or ``(E, n_layers)`` for an ensemble, from the first layer to
        the output layer.  Biases are left out, as in Glorot and Bengio's (2010) study of
        vanishing gradients.

    Examples
    --------
    >>> import numpy as np
    >>> from dying_relu import MLP
    >>> net = MLP([1, 1], seed=0)
    >>> net.params[:] = [np.array([[2.0]]), np.array([0.0])]
    >>> gradient_norms(net, [[1.0]], [[0.0]])
    array([4.])
    """
    _check_net(net, needs_hidden=False)
    _, grads = net.loss_and_grads(X, y, loss)  # which checks the loss's name
    return weight_gradient_norms(grads, net.ensemble_size)


def weight_gradient_norms(
    grads: list[FloatArray], ensemble_size: int | None
) -> NDArray[np.float64]:
    """Norm of each weight gradient in ``[dW1, db1, dW2, ...]``: shape ``(L,)`` or ``(E, L)``."""
    lead = () if ensemble_size is None else (ensemble_size,)
    # A sum along one contiguous axis per member rounds like a lone network's sum does.
    norms = [np.sqrt(np.square(g.reshape(*lead, -1)).sum(axis=-1)) for g in grads[::2]]
    return np.stack(norms, axis=-1).astype(np.float64)


@_documented
def activation_stats(net: MLP, X: ArrayLike) -> ActivationStats:
    """Mean, standard deviation and active fraction of each hidden layer on ``X``.

    {net_and_data}
    ActivationStats
        A named tuple ``(mean, std, active_fraction)``; see :class:`ActivationStats`.

    Examples
    --------
    >>> import numpy as np
    >>> from dying_relu import MLP
    >>> net = MLP([1, 2, 1], seed=0)
    >>> net.params[:2] = [np.array([[1.0, -1.0]]), np.zeros(2)]
    >>> stats = activation_stats(net, [[1.0], [3.0]])
    >>> stats.mean, stats.active_fraction
    (array([1.]), array([0.5]))
    """
    _check_net(net)
    pre_activations: list[FloatArray] = []
    work = net._engine.load(net._engine.inputs(X))
    net._engine.forward(work.inputs, work, record=pre_activations)
    means, stds, active = [], [], []
    flat = (-1,) if net.ensemble_size is None else (net.ensemble_size, -1)
    # The workspace holds each layer's activations one row per unit; pooling ignores layout.
    for z, h in zip(pre_activations, work.hidden, strict=True):
        means.append(h.reshape(flat).mean(axis=-1))
        stds.append(h.reshape(flat).std(axis=-1))
        active.append(active_mask(z).reshape(flat).mean(axis=-1))
    return ActivationStats(
        np.stack(means, axis=-1).astype(np.float64),
        np.stack(stds, axis=-1).astype(np.float64),
        np.stack(active, axis=-1).astype(np.float64),
    )


def _check_net(net: Any, *, needs_hidden: bool = True) -> None:
    if not isinstance(net, MLP):
        raise TypeError(f"net must be an MLP, got {type(net).__name__}")
    if needs_hidden and net.n_layers < 2:
        raise ValueError("net must have at least one hidden layer, got layer_sizes with none")
