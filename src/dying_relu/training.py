"""Minibatch training with a record of loss, accuracy, dead units and gradient norms.

:func:`train` runs an optimiser over shuffled minibatches and, every few steps, measures the
network on the whole training set (the *monitoring set*): loss, accuracy for classification,
the fraction of dead units per hidden layer (see :mod:`dying_relu.diagnostics`) and the
gradient norm per layer.  It works the same for one network and for an ensemble; an ensemble
member's whole trajectory is bit-identical to training a lone network with its seed.
"""

from __future__ import annotations

import contextlib
import importlib.util
import math
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._engine import Engine, Target
from ._typing import FloatArray
from ._validation import choice, positive_int
from ._validation import seed as checked_seed
from .diagnostics import fractions_from_masks, weight_gradient_norms
from .losses import LOSS_NAMES, cross_entropy_into, label_offsets, mse_into
from .network import MLP
from .optim import SGD, Adam

if TYPE_CHECKING:
    from tqdm.std import tqdm

__all__ = ["DivergenceError", "History", "train"]


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
        """Whether training diverged, as a boolean scalar array or one per member."""
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
        Show a progress bar (tqdm) on standard error, with the training loss of the
        last record; in a notebook with ipywidgets installed, a notebook bar.  By default only
        when standard error is an interactive terminal, so never in tests or documentation
        builds.

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
    if not isinstance(net, MLP):
        raise TypeError(f"net must be an MLP, got {type(net).__name__}")
    loss = choice(loss, "loss", LOSS_NAMES)
    if not isinstance(optimizer, SGD | Adam):
        raise TypeError(
            f"optimizer must be an SGD or Adam instance, got {type(optimizer).__name__}"
        )
    monitor = _Monitor(net._engine, X, y, loss, "X", "y", backward=True)
    schedule = _schedule(monitor.rows, batch_size, epochs, steps, record_every)
    batches = _Batches(net, monitor, loss, schedule, checked_seed(seed))
    if (X_eval is None) != (y_eval is None):
        raise ValueError("X_eval and y_eval must be given together")
    evaluation = None
    if X_eval is not None and y_eval is not None:
        evaluation = _Monitor(net._engine, X_eval, y_eval, loss, "X_eval", "y_eval", backward=False)
    mode = choice(on_divergence, "on_divergence", DIVERGENCE_MODES)
    if progress is not None and not isinstance(progress, bool):
        raise TypeError(f"progress must be True, False or None, got {type(progress).__name__}")
    show = sys.stderr.isatty() if progress is None else progress
    update = optimizer.bind([net._engine.flat], [batches.work.grads.flat])
    with np.errstate(all="ignore"), _progress_bar(schedule.total, show) as bar:
        return _run(net._engine, batches, update, evaluation, mode, bar)


class _Schedule(NamedTuple):
    """How long training runs and when it records, in steps."""

    batch_size: int
    per_epoch: int
    total: int
    record_every: int


def _schedule(
    rows: int,
    batch_size: int,
    epochs: int | None,
    steps: int | None,
    record_every: int | None,
) -> _Schedule:
    """The schedule for ``rows`` training rows, with every argument checked."""
    batch_size = positive_int(batch_size, "batch_size")
    if batch_size > rows:
        raise ValueError(f"batch_size must be at most the {rows} training rows, got {batch_size}")
    if (epochs is None) == (steps is None):
        raise ValueError("give exactly one of epochs and steps")
    per_epoch = rows // batch_size
    if steps is None:
        total = positive_int(epochs, "epochs") * per_epoch
    else:
        total = positive_int(steps, "steps")
    every = per_epoch if record_every is None else positive_int(record_every, "record_every")
    return _Schedule(batch_size, per_epoch, total, every)


class _Batches:
    """The minibatches of every epoch, as fixed views into buffers refilled once an epoch.

    Each epoch, the rows are gathered once into a shuffled copy of the training set; the
    minibatches are fixed views of consecutive rows of that copy, so a step gathers nothing.
    For cross-entropy the targets are the flat label positions of each batch.
    """

    def __init__(
        self, net: MLP, monitor: _Monitor, loss: str, schedule: _Schedule, seed: int
    ) -> None:
        self.monitor, self.loss, self.schedule = monitor, loss, schedule
        engine = net._engine
        batch, per_epoch = schedule.batch_size, schedule.per_epoch
        self.work = engine.workspace(batch, own_inputs=True)
        self.rngs = [np.random.default_rng([seed, member]) for member in net.seeds]
        source = monitor.work.inputs
        self.x_epoch = np.empty((*engine.lead, *source.shape), dtype=engine.dtype)
        self.y_epoch: Target
        if loss == "cross_entropy":
            members = engine.ensemble_size or 1
            self.label_offsets = label_offsets(members, engine.layer_sizes[-1], batch)
            self.y_epoch = np.empty((per_epoch, members * batch), dtype=np.intp)
        else:
            self.y_epoch = np.empty((*engine.lead, *monitor.y_rows.shape), dtype=engine.dtype)
        self.batches: list[tuple[FloatArray, Target]] = []
        for start in range(0, per_epoch * batch, batch):
            rows = slice(start, start + batch)
            if loss == "cross_entropy":
                target = self.y_epoch[start // batch]
            else:
                target = np.swapaxes(self.y_epoch[..., rows, :], -1, -2)
            self.batches.append((self.x_epoch[..., rows, :], target))

    def shuffle(self) -> None:
        """Fill the epoch buffers with a fresh row order for every member."""
        rows, monitor = self.monitor.rows, self.monitor
        if self.x_epoch.ndim == 2:
            order = self.rngs[0].permutation(rows)
        else:
            order = np.stack([rng.permutation(rows) for rng in self.rngs])
        # A permutation is always in range, so mode="clip" never clips; unlike the default
        # "raise", it writes into ``out`` without a buffer: the same rows, three times faster.
        np.take(monitor.work.inputs, order, axis=0, out=self.x_epoch, mode="clip")
        if self.loss == "cross_entropy":
            batch, per_epoch = self.schedule.batch_size, self.schedule.per_epoch
            labels = np.take(monitor.y_rows, order[..., : per_epoch * batch])
            # (members, steps, batch) -> (steps, members * batch): one row of positions per step.
            per_step = labels.reshape(*labels.shape[:-1], per_epoch, batch)
            per_step = np.moveaxis(per_step, -2, 0).reshape(per_epoch, -1)
            np.multiply(per_step, batch, out=self.y_epoch)
            self.y_epoch += self.label_offsets
        else:
            np.take(monitor.y_rows, order, axis=0, out=self.y_epoch, mode="clip")


class _Monitor:
    """A data set checked once, and the buffers to measure a network on it."""

    def __init__(
        self,
        engine: Engine,
        X: ArrayLike,
        y: ArrayLike,
        loss: str,
        x_name: str,
        y_name: str,
        *,
        backward: bool,
    ) -> None:
        self.engine, self.backward = engine, backward
        x = engine.inputs(X, x_name)
        if x.ndim != 2:
            raise ValueError(f"{x_name} must be 2-D (n, d), shared by all members; got {x.shape}")
        self.rows = x.shape[0]
        shared = 1 if loss == "cross_entropy" else 2
        if np.ndim(y) > shared:
            raise ValueError(f"{y_name} must be shared by all members, got {np.ndim(y)}-D")
        self.target = engine.targets(y, loss, self.rows, y_name)
        #: Per-row targets, gathered into minibatches: labels, or target rows.
        self.y_rows: NDArray[Any]
        if loss == "cross_entropy":
            self.labels: NDArray[np.intp] | None = np.asarray(y, dtype=np.intp)
            self.y_rows = self.labels
        else:
            self.labels = None
            rows_first = np.swapaxes(self.target, -1, -2)
            self.y_rows = np.ascontiguousarray(rows_first.reshape(-1, *rows_first.shape[-2:])[0])
        self.work = engine.load(x)
        self.dead = [np.empty((*engine.lead, w), dtype=bool) for w in engine.layer_sizes[1:-1]]

    def measure(self) -> dict[str, Any]:
        """Loss, accuracy and, with ``backward``, dead fractions and gradient norms."""
        engine, work = self.engine, self.work
        x = work.inputs
        output = engine.forward(x, work, dead=self.dead if self.backward else None)
        result: dict[str, Any] = {}
        if self.labels is not None:
            result["accuracy"] = (output.argmax(axis=-2) == self.labels).mean(axis=-1)
            result["loss"] = cross_entropy_into(output, self.target, output)
        else:
            result["loss"] = mse_into(output, self.target, output)
        if self.backward:
            engine.backward(x, work, work.grads)
            result["grad_norm"] = weight_gradient_norms(work.grads.arrays, engine.ensemble_size)
            shape = np.shape(result["loss"])
            if self.dead:
                per_layer, overall = fractions_from_masks(self.dead)
            else:
                per_layer, overall = np.zeros((*shape, 0)), np.full(shape, np.nan)
            result["dead_fraction"], result["dead_fraction_overall"] = per_layer, overall
        return result


@contextlib.contextmanager
def _progress_bar(total: int, show: bool) -> Iterator[tqdm[NoReturn] | None]:
    """A tqdm bar of ``total`` steps on standard error, or None when not shown.

    tqdm.auto draws a notebook bar in a Jupyter kernel, which needs ipywidgets; without them it
    would warn and fall back to the text bar, so the text bar is taken directly then.
    """
    if not show:
        yield None
        return
    if importlib.util.find_spec("ipywidgets") is None:
        from tqdm.std import tqdm as bar_class
    else:
        from tqdm.auto import tqdm as bar_class
    with bar_class(total=total, desc="training", unit="step", file=sys.stderr) as bar:
        yield bar


def _run(
    engine: Engine,
    batches: _Batches,
    update: Callable[[], None],
    evaluation: _Monitor | None,
    mode: str,
    bar: tqdm[NoReturn] | None,
) -> History:
    members = engine.ensemble_size or 1
    diverged_at = np.full(members, -1, dtype=np.int64)
    records: list[dict[str, Any]] = []
    steps: list[int] = []

    def record(step: int) -> None:
        row = batches.monitor.measure()
        if evaluation is not None:
            row.update({f"eval_{key}": value for key, value in evaluation.measure().items()})
        records.append(row)
        steps.append(step)
        if bar is not None:
            finite = np.asarray(row["loss"])[np.isfinite(row["loss"])]
            bar.set_postfix(loss=f"{finite.mean():.4g}" if finite.size else "nan", refresh=False)

    record(0)
    step, total, every = 0, batches.schedule.total, batches.schedule.record_every
    compute, loss, work = engine.loss_and_grads, batches.loss, batches.work
    grads, single = work.grads, engine.ensemble_size is None
    while step < total:
        batches.shuffle()
        for x, target in batches.batches:
            value = compute(x, target, loss, work, grads)
            if not (math.isfinite(value) if single else np.isfinite(value).all()):
                _diverge(engine, value, step + 1, diverged_at, mode)
                if (diverged_at >= 0).all():
                    step = total
                    break
            update()
            step += 1
            if bar is not None:
                bar.update()
            if step % every == 0 or step == total:
                record(step)
                if step == total:
                    break
    if steps[-1] != total:
        # Every member diverged before the end; the final row is blanked like all rows after.
        records.append(dict(records[-1]))
        steps.append(total)
    return _history(records, steps, diverged_at, engine.ensemble_size, loss)


def _diverge(
    engine: Engine, value: FloatArray, step: int, diverged_at: NDArray[np.int64], mode: str
) -> None:
    """Handle a non-finite minibatch loss at ``step``."""
    bad = ~np.isfinite(np.atleast_1d(value)) & (diverged_at < 0)
    if not bad.any():
        return
    first = int(np.flatnonzero(bad)[0])
    if mode == "raise":
        member = None if engine.ensemble_size is None else first
        raise DivergenceError(step, member, float(np.atleast_1d(value)[first]))
    diverged_at[bad] = step
    if engine.ensemble_size is None:
        engine.flat.fill(np.nan)
    else:
        engine.flat[bad] = np.nan


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
