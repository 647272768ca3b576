"""Minibatch training with a record of loss, accuracy, dead units and gradient norms.

:func:`train` runs an optimiser over shuffled minibatches and, every few steps, measures the
network on the whole training set (the *monitoring set*): loss, accuracy for classification,
the fraction of dead units per hidden layer (see :mod:`dying_relu.diagnostics`) and the
gradient norm per layer.  It works the same for one network and for an ensemble; an ensemble
member's whole trajectory is bit-identical to training a lone network with its seed.
"""

from __future__ import annotations

import math
import numbers
import sys
import time
from dataclasses import dataclass
from typing import Any, TextIO, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import choice, positive_int
from .diagnostics import fractions_from_masks, weight_gradient_norms
from .losses import LOSS_NAMES, cross_entropy_into, label_offsets, mse_into
from .network import MLP, Workspace
from .optim import SGD, Adam

__all__ = ["DivergenceError", "History", "train"]

FloatArray: TypeAlias = NDArray[np.floating[Any]]

#: Accepted values of ``on_divergence``.
DIVERGENCE_MODES = ("raise", "record")


class DivergenceError(FloatingPointError):
    """The training loss became NaN or infinite.

    Attributes
    ----------
    step : int
        The 1-based step whose minibatch loss was not finite (no update was applied at it).
    member : int or None
        Index of the first diverging ensemble member, None for a single network.
    """

    def __init__(self, step: int, member: int | None, value: float) -> None:
        who = "" if member is None else f" of ensemble member {member}"
        super().__init__(
            f"training diverged at step {step}: the minibatch loss{who} is {value}; lower the "
            "learning rate, or pass on_divergence='record' to keep the record"
        )
        self.step = step
        self.member = member


@dataclass(frozen=True, eq=False)
class History:
    """What :func:`train` measured, one row per record point.

    Record points are step 0 (before any update), every ``record_every`` steps, and the last
    step.  All measurements are on the full training set, except ``eval_*`` (on the evaluation
    set).  For an ensemble of ``E`` members an axis of length ``E`` follows the record axis.
    After a member diverges, its entries are NaN.

    Attributes
    ----------
    step : numpy.ndarray of int64, shape (R,)
        Number of updates applied at each record point.
    loss : numpy.ndarray, shape (R,) or (R, E)
        Loss on the training set.
    accuracy : numpy.ndarray or None
        Fraction of training rows classified correctly (cross-entropy only).
    eval_loss, eval_accuracy : numpy.ndarray or None
        The same on the evaluation set, when one was given.
    dead_fraction : numpy.ndarray, shape (R, n_hidden) or (R, E, n_hidden)
        Fraction of each hidden layer's units dead on the training set.
    dead_fraction_overall : numpy.ndarray, shape (R,) or (R, E)
        Fraction of all hidden units dead on the training set.
    grad_norm : numpy.ndarray, shape (R, n_layers) or (R, E, n_layers)
        Norm of the full-training-set gradient of each layer's weights.
    diverged_at : numpy.ndarray of int64, shape () or (E,)
        Step at which the loss first became non-finite, or -1 if it never did.
    loss_name : str
        ``"mse"`` or ``"cross_entropy"``.
    """

    step: NDArray[np.int64]
    loss: NDArray[np.float64]
    accuracy: NDArray[np.float64] | None
    eval_loss: NDArray[np.float64] | None
    eval_accuracy: NDArray[np.float64] | None
    dead_fraction: NDArray[np.float64]
    dead_fraction_overall: NDArray[np.float64]
    grad_norm: NDArray[np.float64]
    diverged_at: NDArray[np.int64]
    loss_name: str

    @property
    def diverged(self) -> NDArray[np.bool_]:
        """Whether training diverged: a boolean scalar array, or one per member."""
        flags: NDArray[np.bool_] = self.diverged_at >= 0
        return flags


def train(
    net: MLP,
    X: ArrayLike,
    y: ArrayLike,
    *,
    loss: str,
    optimizer: SGD | Adam,
    epochs: int | None = None,
    steps: int | None = None,
    batch_size: int = 32,
    seed: int = 0,
    X_eval: ArrayLike | None = None,
    y_eval: ArrayLike | None = None,
    record_every: int | None = None,
    on_divergence: str = "raise",
    progress: bool | None = None,
) -> History:
    """Train ``net`` in place by minibatch gradient descent and return what was measured.

    Each epoch visits the training rows in a fresh random order in minibatches of
    ``batch_size`` rows; the last ``n % batch_size`` rows of the order are left out of that
    epoch, so that every step sees a full batch.  The order of ensemble member ``e`` comes
    from ``numpy.random.default_rng([seed, net.seeds[e]])``, the same as for a lone network
    with seed ``net.seeds[e]``, so an ensemble trains exactly like its members would alone.

    Parameters
    ----------
    net : MLP
        Network or ensemble, updated in place.
    X : array_like, shape (n, d)
        Training inputs, shared by all ensemble members.
    y : array_like
        Targets of shape ``(n, k)`` (or ``(n,)`` if ``k == 1``) for ``"mse"``; integer labels of
        shape ``(n,)`` for ``"cross_entropy"``.
    loss : {"mse", "cross_entropy"}
        Training loss, as in :meth:`MLP.loss_and_grads`.
    optimizer : SGD or Adam
        A fresh optimiser; its learning rate may hold one value per ensemble member.
    epochs, steps : int
        Length of training: give exactly one.  ``steps`` counts minibatch updates.
    batch_size : int
        Rows per minibatch, at most ``n``.
    seed : int
        Seed of the minibatch order, combined with each member's own seed.
    X_eval, y_eval : array_like, optional
        An evaluation set, measured at every record point.
    record_every : int, optional
        Steps between record points; by default once per epoch (``n // batch_size`` steps).
    on_divergence : {"raise", "record"}
        What a NaN or infinite minibatch loss does: ``"raise"`` a :class:`DivergenceError`
        naming the step, or ``"record"`` it in ``History.diverged_at``, fill that member's
        parameters and later measurements with NaN, and train the other members on.
    progress : bool, optional
        Show a progress line on standard error.  By default only when standard error is an
        interactive terminal, so never in tests or documentation builds.

    Returns
    -------
    History
        The record; see :class:`History`.

    Raises
    ------
    TypeError, ValueError
        On a bad argument, before training starts.
    DivergenceError
        When the loss stops being finite and ``on_divergence="raise"``.

    Examples
    --------
    >>> import numpy as np
    >>> from dying_relu import MLP, SGD
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(64, 2))
    >>> y = (X[:, 0] > X[:, 1]).astype(int)
    >>> net = MLP([2, 16, 2], seed=0)
    >>> history = train(net, X, y, loss="cross_entropy", optimizer=SGD(0.5), epochs=20,
    ...                 batch_size=16)
    >>> history.step[:3], history.step[-1]
    (array([0, 4, 8]), np.int64(80))
    >>> bool(history.loss[-1] < history.loss[0]), float(history.accuracy[-1]) > 0.9
    (True, True)
    """
    plan = _Plan(net, X, y, loss, optimizer, epochs, steps, batch_size, seed, record_every)
    evaluation = None
    if (X_eval is None) != (y_eval is None):
        raise ValueError("X_eval and y_eval must be given together")
    if X_eval is not None:
        evaluation = _Monitor(net, X_eval, y_eval, loss, "X_eval", "y_eval", backward=False)
    mode = choice(on_divergence, "on_divergence", DIVERGENCE_MODES)
    if progress is not None and not isinstance(progress, bool):
        raise TypeError(f"progress must be True, False or None, got {type(progress).__name__}")
    show = sys.stderr.isatty() if progress is None else progress
    with np.errstate(all="ignore"):
        return _run(
            net, plan, evaluation, mode, _Progress(plan.total, sys.stderr if show else None)
        )


class _Plan:
    """Checked training arguments and the buffers of the minibatch loop."""

    def __init__(
        self,
        net: Any,
        X: ArrayLike,
        y: ArrayLike,
        loss: Any,
        optimizer: Any,
        epochs: Any,
        steps: Any,
        batch_size: Any,
        seed: Any,
        record_every: Any,
    ) -> None:
        if not isinstance(net, MLP):
            raise TypeError(f"net must be an MLP, got {type(net).__name__}")
        self.loss = choice(loss, "loss", LOSS_NAMES)
        if not isinstance(optimizer, SGD | Adam):
            raise TypeError(
                f"optimizer must be an SGD or Adam instance, got {type(optimizer).__name__}"
            )
        self.monitor = _Monitor(net, X, y, self.loss, "X", "y", backward=True)
        rows = self.monitor.rows
        self.batch_size = positive_int(batch_size, "batch_size")
        if self.batch_size > rows:
            raise ValueError(
                f"batch_size must be at most the {rows} training rows, got {batch_size}"
            )
        if (epochs is None) == (steps is None):
            raise ValueError("give exactly one of epochs and steps")
        self.per_epoch = rows // self.batch_size
        if steps is None:
            self.total = positive_int(epochs, "epochs") * self.per_epoch
        else:
            self.total = positive_int(steps, "steps")
        self.record_every = (
            self.per_epoch if record_every is None else positive_int(record_every, "record_every")
        )
        if isinstance(seed, bool | np.bool_) or not isinstance(seed, numbers.Integral):
            raise TypeError(f"seed must be a non-negative integer, got {type(seed).__name__}")
        if seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {seed}")
        self.optimizer = optimizer
        self.flat, self.work = [net._flat], Workspace(net, self.batch_size, own_inputs=True)
        self.flat_grads = [self.work.grad_flat]
        self.update = optimizer.bind(self.flat, self.flat_grads)
        self.rngs = [np.random.default_rng([int(seed), member]) for member in net.seeds]

        # Each epoch, the rows are gathered once into a shuffled copy of the training set; the
        # minibatches are fixed views of consecutive rows of that copy, so a step gathers
        # nothing.  For cross-entropy the targets are the flat label positions of each batch.
        lead = () if net.ensemble_size is None else (net.ensemble_size,)
        source = self.monitor.work.inputs
        self.x_epoch = np.empty((*lead, *source.shape), dtype=net.dtype)
        batch, used = self.batch_size, self.per_epoch * self.batch_size
        self.batches: list[tuple[FloatArray, NDArray[Any]]] = []
        outputs = net.layer_sizes[-1]
        if self.loss == "cross_entropy":
            members = 1 if not lead else lead[0]
            self.label_offsets = label_offsets(members, outputs, batch)
            self.y_epoch: NDArray[Any] = np.empty((self.per_epoch, members * batch), dtype=np.intp)
        else:
            self.y_epoch = np.empty((*lead, *self.monitor.y_rows.shape), dtype=net.dtype)
        for start in range(0, used, batch):
            rows = slice(start, start + batch)
            if self.loss == "cross_entropy":
                target = self.y_epoch[start // batch]
            else:
                target = np.swapaxes(self.y_epoch[..., rows, :], -1, -2)
            self.batches.append((self.x_epoch[..., rows, :], target))

    def shuffle(self) -> None:
        """Fill the epoch buffers with a fresh row order for every member."""
        rows = self.monitor.rows
        if self.x_epoch.ndim == 2:
            order = self.rngs[0].permutation(rows)
        else:
            order = np.stack([rng.permutation(rows) for rng in self.rngs])
        np.take(self.monitor.work.inputs, order, axis=0, out=self.x_epoch)
        if self.loss == "cross_entropy":
            labels = np.take(self.monitor.y_rows, order[..., : self.per_epoch * self.batch_size])
            # (members, steps, batch) -> (steps, members * batch): one row of positions per step.
            per_step = labels.reshape(*labels.shape[:-1], self.per_epoch, self.batch_size)
            per_step = np.moveaxis(per_step, -2, 0).reshape(self.per_epoch, -1)
            np.multiply(per_step, self.batch_size, out=self.y_epoch)
            self.y_epoch += self.label_offsets
        else:
            np.take(self.monitor.y_rows, order, axis=0, out=self.y_epoch)


class _Monitor:
    """A data set checked once, and the buffers to measure a network on it."""

    def __init__(
        self, net: MLP, X: Any, y: Any, loss: str, x_name: str, y_name: str, *, backward: bool
    ) -> None:
        self.net, self.backward = net, backward
        x = net._inputs(X, x_name)
        if x.ndim != 2:
            raise ValueError(f"{x_name} must be 2-D (n, d), shared by all members; got {x.shape}")
        self.rows = x.shape[0]
        shared = 1 if loss == "cross_entropy" else 2
        if np.ndim(y) > shared:
            raise ValueError(f"{y_name} must be shared by all members, got {np.ndim(y)}-D")
        self.target = net._targets(y, loss, self.rows, y_name)
        if loss == "cross_entropy":
            self.labels: NDArray[np.intp] | None = np.asarray(y, dtype=np.intp)
            #: Per-row targets, gathered into minibatches.
            self.y_rows: NDArray[Any] = self.labels
        else:
            self.labels = None
            rows_first = np.swapaxes(self.target, -1, -2)
            self.y_rows = np.ascontiguousarray(rows_first.reshape(-1, *rows_first.shape[-2:])[0])
        lead = () if net.ensemble_size is None else (net.ensemble_size,)
        self.work = net._workspace_for(x)
        self.dead = [np.empty((*lead, w), dtype=bool) for w in net.hidden_sizes]

    def measure(self) -> dict[str, Any]:
        """Loss, accuracy and, with ``backward``, dead fractions and gradient norms."""
        net, work = self.net, self.work
        x = work.inputs
        output = net._forward_into(x, work, dead=self.dead if self.backward else None)
        result: dict[str, Any] = {}
        if self.labels is not None:
            result["accuracy"] = (output.argmax(axis=-2) == self.labels).mean(axis=-1)
            result["loss"] = cross_entropy_into(output, self.target, output)
        else:
            result["loss"] = mse_into(output, self.target, output)
        if self.backward:
            net._backward_into(x, work)
            result["grad_norm"] = weight_gradient_norms(work.grads, net.ensemble_size)
            shape = np.shape(result["loss"])
            if self.dead:
                per_layer, overall = fractions_from_masks(self.dead)
            else:
                per_layer, overall = np.zeros((*shape, 0)), np.full(shape, np.nan)
            result["dead_fraction"], result["dead_fraction_overall"] = per_layer, overall
        return result


class _Progress:
    """A one-line progress display, redrawn at most ten times a second."""

    def __init__(self, total: int, stream: TextIO | None) -> None:
        self.total, self.stream = total, stream
        self.stride = max(1, total // 1000)
        self.last = -math.inf
        self.finished = False

    def update(self, step: int, loss: Any) -> None:
        if self.stream is None or (step % self.stride and step != self.total):
            return
        now = time.monotonic()
        if now - self.last < 0.1 and step != self.total:
            return
        self.last = now
        filled = 30 * step // self.total
        finite = np.asarray(loss)[np.isfinite(loss)]
        mean_loss = float(finite.mean()) if finite.size else math.nan
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (30 - filled)}] step {step}/{self.total} loss {mean_loss:.4g}"
        )
        if step == self.total:
            self.stream.write("\n")
            self.finished = True
        self.stream.flush()

    def close(self) -> None:
        """End the line if training stopped before the last step (every member diverged)."""
        if self.stream is not None and self.last > -math.inf and not self.finished:
            self.stream.write("\n")


def _run(
    net: MLP, plan: _Plan, evaluation: _Monitor | None, mode: str, progress: _Progress
) -> History:
    members = 1 if net.ensemble_size is None else net.ensemble_size
    diverged_at = np.full(members, -1, dtype=np.int64)
    records: list[dict[str, Any]] = []
    steps: list[int] = []

    def record(step: int) -> None:
        row = plan.monitor.measure()
        if evaluation is not None:
            row.update({f"eval_{key}": value for key, value in evaluation.measure().items()})
        records.append(row)
        steps.append(step)

    record(0)
    step, total, every = 0, plan.total, plan.record_every
    update = plan.update
    compute, loss, work = net._loss_and_grads_into, plan.loss, plan.work
    single = net.ensemble_size is None
    show = progress.stream is not None
    while step < total:
        plan.shuffle()
        for x, target in plan.batches:
            value = compute(x, target, loss, work)
            if not (math.isfinite(value) if single else np.isfinite(value).all()):
                _diverge(net, value, step + 1, diverged_at, mode)
                if (diverged_at >= 0).all():
                    step = total
                    break
            update()
            step += 1
            if show:
                progress.update(step, value)
            if step % every == 0 or step == total:
                record(step)
                if step == total:
                    break
    if show:
        progress.close()
    if steps[-1] != plan.total:
        # Every member diverged before the end; the final row is blanked like all rows after.
        records.append(dict(records[-1]))
        steps.append(plan.total)
    return _history(records, steps, diverged_at, net.ensemble_size, plan.loss)


def _diverge(
    net: MLP, value: FloatArray, step: int, diverged_at: NDArray[np.int64], mode: str
) -> None:
    """Handle a non-finite minibatch loss at ``step``."""
    bad = ~np.isfinite(np.atleast_1d(value)) & (diverged_at < 0)
    if not bad.any():
        return
    first = int(np.flatnonzero(bad)[0])
    if mode == "raise":
        member = None if net.ensemble_size is None else first
        raise DivergenceError(step, member, float(np.atleast_1d(value)[first]))
    diverged_at[bad] = step
    if net.ensemble_size is None:
        net._flat.fill(np.nan)
    else:
        net._flat[bad] = np.nan


def _history(
    records: list[dict[str, Any]],
    steps: list[int],
    diverged_at: NDArray[np.int64],
    ensemble_size: int | None,
    loss: str,
) -> History:
    step = np.asarray(steps, dtype=np.int64)

    def stacked(key: str) -> NDArray[np.float64] | None:
        if key not in records[0]:
            return None
        values = np.stack([np.asarray(r[key], dtype=np.float64) for r in records])
        # A member's records from its divergence on are meaningless: blank them.
        after = step[:, np.newaxis] >= np.where(
            diverged_at >= 0, diverged_at, np.iinfo(np.int64).max
        )
        if ensemble_size is None:
            after = after[:, 0]
        values[after] = np.nan
        return values

    def required(key: str) -> NDArray[np.float64]:
        values = stacked(key)
        if values is None:
            raise KeyError(key)
        return values

    return History(
        step=step,
        loss=required("loss"),
        accuracy=stacked("accuracy"),
        eval_loss=stacked("eval_loss"),
        eval_accuracy=stacked("eval_accuracy"),
        dead_fraction=required("dead_fraction"),
        dead_fraction_overall=required("dead_fraction_overall"),
        grad_norm=required("grad_norm"),
        diverged_at=diverged_at if ensemble_size is not None else diverged_at[0],
        loss_name=loss,
    )
