"""Continual learning on Permuted Digits: loss of plasticity, dead and dormant units, remedies.

One experiment in the shape of :mod:`dying_relu.experiments` (settings, seeds, a frozen
result; see :mod:`dying_relu.runner`), kept in a module of its own because it trains through
a loop of its own: the remedies of :mod:`dying_relu.remedies` act between updates.

Permuted Digits is the digits split of :func:`dying_relu.load_digits_split` turned into a
sequence of tasks, as Permuted MNIST is in the continual-learning literature: task ``t``
shows every image with its 64 pixels in a fixed random order of its own (the same order for
the training and the test images of the task, and for every seed).  A network trained on one
task after another, never told that the task changed, must keep learning new tasks; Dohare
et al. (2024) show that with plain backpropagation it gradually cannot, and that its dead
units pile up meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from dying_relu._validation import (
    choice,
    finite_real,
    index_of,
    non_negative_real,
    positive_int,
    scalar_learning_rate,
)
from dying_relu.data import DATA_SETS as _DATA_SETS
from dying_relu.data import load_split
from dying_relu.detector import dormant_scores
from dying_relu.experiments import classify_runs
from dying_relu.network import MLP
from dying_relu.remedies import ContinualBackprop, redo, shrink_perturb
from dying_relu.runner import Members, Result, experiment, stack

__all__ = ["DATA_SETS", "METHODS", "PermutedDigits", "permuted_digits", "task_permutation"]

#: The data sets a sequence of tasks can be made from: the digits split of
#: :func:`dying_relu.load_digits_split`, or MNIST-1D (:func:`dying_relu.data.load_mnist1d`).
DATA_SETS = tuple(_DATA_SETS)

#: The methods :func:`permuted_digits` compares, by name, with what the page calls them.
METHODS = {
    "backprop": "Backprop",
    "l2": "L2",
    "shrink_perturb": "Shrink and Perturb",
    "continual_backprop": "Continual backprop",
    "redo": "ReDo",
    "leaky_relu": "Leaky ReLU",
}

# Mixed into the seed of each task's pixel order, so that no seed of a network shares it.
_TASK_STREAM = 0x7461736B


def task_permutation(task: int, n_features: int = 64) -> NDArray[np.intp]:
    """The pixel order of task ``task`` of Permuted Digits: fixed, the same for every seed.

    Examples
    --------
    >>> order = task_permutation(3)
    >>> sorted(order.tolist()) == list(range(64)), bool((order == task_permutation(3)).all())
    (True, True)
    """
    task = int(task)
    if task < 0:
        raise ValueError(f"task must be >= 0, got {task}")
    return np.random.default_rng([_TASK_STREAM, task]).permutation(
        positive_int(n_features, "n_features")
    )


@dataclass(frozen=True, eq=False)
class PermutedDigits(Result):
    """Networks trained on one Permuted Digits task after another (see :func:`permuted_digits`).

    Axes: ``M`` methods, ``T`` tasks, ``N`` seeds, ``Q`` dormancy thresholds.

    Attributes
    ----------
    methods : tuple of str
        Keys of ``METHODS``; the property ``labels`` gives their names.
    taus : numpy.ndarray, shape (Q,)
        The thresholds at which dormancy is measured; 0 among them.
    accuracy : numpy.ndarray, shape (M, T, N)
        Test accuracy on each task at the end of its training; NaN once a run diverged.
    dead : numpy.ndarray, shape (M, T, N)
        Share of the hidden units dead (pre-activation <= 0 on every training input of the
        task) at the end of each task; NaN once a run diverged.
    dormant : numpy.ndarray, shape (M, T, N, Q)
        Share of the hidden units :math:`\\tau`-dormant on the task's training inputs at the end
        of each task, at each ``taus``; NaN once a run diverged.
    recycled : numpy.ndarray of int, shape (M, N)
        Units the method re-initialised over the whole sequence (0 for the methods that do
        not re-initialise).
    outcome : numpy.ndarray of str, shape (M, N)
        :func:`dying_relu.experiments.classify_runs` of each run on the last task.
    n_tasks, epochs_per_task, width, batch_size : int
    lr : float
        Plain SGD's learning rate, the same for every method.
    l2 : float
        The L2 penalty's coefficient: ``l2 * theta`` is added to every gradient.
    shrink, noise : float
        Shrink and Perturb's factor and noise, applied after every update.
    replacement_rate : float
        Continual backprop's replacement rate (maturity 100 steps, decay 0.99).
    redo_tau : float
        ReDo's threshold; ReDo runs at the start of every task after the first, on that
        task's training inputs.
    negative_slope : float
        The Leaky ReLU method's slope.
    data : str
        The data set the tasks are made from, a key of ``dying_relu.data.DATA_SETS``.
    """

    methods: tuple[str, ...]
    taus: NDArray[np.float64]
    accuracy: NDArray[np.float64]
    dead: NDArray[np.float64]
    dormant: NDArray[np.float64]
    recycled: NDArray[np.int64]
    outcome: NDArray[np.str_]
    n_tasks: int
    epochs_per_task: int
    width: int
    batch_size: int
    lr: float
    l2: float
    shrink: float
    noise: float
    replacement_rate: float
    redo_tau: float
    negative_slope: float
    data: str

    @property
    def labels(self) -> list[str]:
        """The methods' names, as the page writes them."""
        return [METHODS[m] for m in self.methods]

    def method_index(self, method: str) -> int:
        """Position of ``method`` (a key of ``METHODS``) in ``methods``."""
        return self.methods.index(choice(method, "method", self.methods))

    def tau_index(self, tau: float) -> int:
        """Position of ``tau`` in ``taus``."""
        return index_of(self.taus, tau, "tau")

    def window(
        self, values: NDArray[np.float64], which: str, tasks: int = 5
    ) -> NDArray[np.float64]:
        """Per method and seed, the mean of ``values`` (shape ``(M, T, N, ...)``) over the
        first or the last ``tasks`` tasks (``which`` is ``"first"`` or ``"last"``)."""
        span = (
            slice(0, tasks)
            if choice(which, "which", ("first", "last")) == "first"
            else slice(-tasks, None)
        )
        mean: NDArray[np.float64] = values[:, span].mean(axis=1)
        return mean


@experiment(PermutedDigits, seeds=range(12))
def permuted_digits(
    members: Members,
    methods: Sequence[str] = tuple(METHODS),
    *,
    data: str = "digits",
    n_tasks: int = 30,
    epochs_per_task: int = 1,
    lr: float = 0.3,
    width: int = 64,
    batch_size: int = 16,
    l2: float = 1e-3,
    shrink: float = 1.0 - 1e-4,
    noise: float = 1e-3,
    replacement_rate: float = 1e-3,
    redo_tau: float = 0.1,
    negative_slope: float = 0.01,
    taus: Sequence[float] = (0.0, 0.01, 0.025, 0.05, 0.1, 0.25),
) -> dict[str, Any]:
    """Train one network on ``n_tasks`` Permuted Digits tasks in turn, with and without remedies.

    Method.  For each seed and method, a network 64-``width``-``width``-10 (ReLU, He's
    initialisation; Leaky ReLU for the method of that name) is trained with plain SGD at
    learning rate ``lr`` on minibatches of ``batch_size``, for ``epochs_per_task`` epochs of
    the training images of each task (:func:`task_permutation`), one task after another, with
    no reset between tasks.  A seed fixes the initial weights, the minibatch order and the
    remedies' draws; the tasks are the same for every seed.  The methods:

    * ``backprop``: nothing else;
    * ``l2``: ``l2`` times the parameters added to every gradient;
    * ``shrink_perturb``: :func:`dying_relu.remedies.shrink_perturb` with ``shrink`` and
      ``noise`` after every update;
    * ``continual_backprop``: :class:`dying_relu.remedies.ContinualBackprop` with
      ``replacement_rate`` after every update;
    * ``redo``: :func:`dying_relu.remedies.redo` at ``redo_tau`` at the start of every task
      after the first, on the new task's training images;
    * ``leaky_relu``: Leaky ReLU with ``negative_slope`` instead of ReLU.

    With ``data="mnist1d"`` the tasks are made from MNIST-1D's 40-value signals instead
    (4000 for training; an epoch is then three times as many steps), and the input layer has
    40 units.

    At the end of each task: the test accuracy on that task's test images (a new task's
    accuracy measures how well the network can still learn), and the shares of hidden units
    dead and :math:`\\tau`-dormant on its training images.  A run whose loss stops being
    finite diverged; every run is classified on the last task.

    Examples
    --------
    >>> result = permuted_digits(("backprop", "redo"), n_tasks=2, width=8, seeds=(0,))
    >>> result.accuracy.shape, result.dormant.shape
    ((2, 2, 1), (2, 2, 1, 6))
    """
    chosen = _methods(methods)
    n_tasks = positive_int(n_tasks, "n_tasks")
    epochs_per_task = positive_int(epochs_per_task, "epochs_per_task")
    lr = scalar_learning_rate(lr)
    width = positive_int(width, "width")
    batch_size = positive_int(batch_size, "batch_size")
    l2 = non_negative_real(l2, "l2")
    shrink = finite_real(shrink, "shrink")
    if not 0.0 < shrink <= 1.0:
        raise ValueError(f"shrink must lie in (0, 1], got {shrink}")
    noise = non_negative_real(noise, "noise")
    replacement_rate = non_negative_real(replacement_rate, "replacement_rate")
    redo_tau = non_negative_real(redo_tau, "redo_tau")
    levels = np.array([non_negative_real(t, "taus") for t in taus], dtype=np.float64)
    if levels.size == 0 or 0.0 not in levels:
        raise ValueError(f"taus must include 0, got {levels.tolist()}")
    name = choice(data, "data", DATA_SETS)
    split = load_split(name)
    X, y = split.X_train.astype(np.float32), split.y_train
    X_test, y_test = split.X_test.astype(np.float32), split.y_test
    chance = float(np.bincount(y_test).max() / y_test.size)
    sizes = [X.shape[1], width, width, 10]
    n_rows, steps = y.size, y.size // batch_size
    if steps == 0:
        raise ValueError(f"batch_size must be at most {n_rows}, got {batch_size}")

    def one(method: str) -> dict[str, Any]:
        slope = negative_slope if method == "leaky_relu" else 0.0
        net = members.network(sizes, "leaky_relu", negative_slope=slope)
        # Keyed by the method, not by its place in the call, so that a method run alone
        # computes what it computes beside the others.
        remedy_rng = np.random.default_rng([*members.seeds, tuple(METHODS).index(method)])
        cbp = (
            ContinualBackprop(net, replacement_rate=replacement_rate, seed=members.seeds[0])
            if method == "continual_backprop" else None
        )  # fmt: skip
        after_update: Callable[[NDArray[np.float32]], None] = _nothing
        if method == "shrink_perturb":

            def after_update(_: NDArray[np.float32]) -> None:
                shrink_perturb(net, shrink, noise, rng=remedy_rng)
        elif cbp is not None:

            def after_update(batch: NDArray[np.float32]) -> None:
                cbp.step(batch)

        decay = l2 if method == "l2" else 0.0
        size = members.size
        failed_at = np.full(size, -1)
        recycled = np.zeros(size, dtype=np.int64)
        rows: list[dict[str, Any]] = []
        for task in range(n_tasks):
            order = task_permutation(task, X.shape[1])
            X_task, X_task_test = X[:, order], X_test[:, order]
            if method == "redo" and task > 0:
                with np.errstate(all="ignore"):
                    masks = redo(net, X_task, redo_tau, rng=remedy_rng)
                recycled += sum(m.sum(axis=-1) for m in masks)
            for epoch in range(epochs_per_task):
                shuffles = np.stack([
                    np.random.default_rng([seed, task, epoch]).permutation(n_rows)
                    for seed in members.seeds
                ])  # fmt: skip
                for step in range(steps):
                    batch = shuffles[:, step * batch_size : (step + 1) * batch_size]
                    inputs = X_task[batch]
                    with np.errstate(all="ignore"):
                        loss, grads = net.loss_and_grads(inputs, y[batch], "cross_entropy")
                        for param, grad in zip(net.params, grads, strict=True):
                            if decay:
                                grad += decay * param
                            grad *= lr
                            param -= grad
                        after_update(inputs)
                    bad = ~np.isfinite(loss) & (failed_at < 0)
                    if bad.any():
                        failed_at[bad] = task
                        for param in net.params:
                            param[bad] = 0.0
            rows.append(_measure(net, X_task, X_task_test, y_test, levels, failed_at >= 0))
        if cbp is not None:
            recycled = sum(r.sum(axis=-1) for r in cbp.replaced)
        last = rows[-1]
        failed = failed_at >= 0
        correct = np.rint(np.nan_to_num(last["accuracy"]) * y_test.size).astype(np.int64)
        layer_dead = np.nan_to_num(last["layer_dead"]).astype(bool)
        outcome = classify_runs(failed, layer_dead, correct, y_test.size, chance)
        per_task = stack([{k: row[k] for k in ("accuracy", "dead", "dormant")} for row in rows])
        return {**per_task, "recycled": np.asarray(recycled, dtype=np.int64), "outcome": outcome}

    results = [one(method) for method in chosen]
    return {
        **stack(results),
        "methods": chosen,
        "taus": levels,
        "n_tasks": n_tasks,
        "epochs_per_task": epochs_per_task,
        "width": width,
        "batch_size": batch_size,
        "lr": lr,
        "l2": l2,
        "shrink": shrink,
        "noise": noise,
        "replacement_rate": replacement_rate,
        "redo_tau": redo_tau,
        "negative_slope": float(negative_slope),
        "data": name,
    }


def _measure(
    net: MLP,
    X: NDArray[np.float32],
    X_test: NDArray[np.float32],
    y_test: NDArray[np.int64],
    taus: NDArray[np.float64],
    failed: NDArray[np.bool_],
) -> dict[str, NDArray[Any]]:
    """Test accuracy, dead and dormant shares of every member at the end of a task."""
    accuracy = (net.classify(X_test) == y_test).mean(axis=-1)
    # One forward pass over the training inputs serves both measures, read where the engine
    # keeps them (one row per unit, so that each mean runs over a contiguous row): the dead
    # masks as dying_relu.dead_units computes them, and the activations that
    # dying_relu.MLP.hidden_activations returns.
    engine = net._engine
    work = engine.load(engine.inputs(X))
    dead = [np.empty((*engine.lead, width), dtype=bool) for width in net.hidden_sizes]
    engine.forward(work.inputs, work, dead=dead)
    scores = np.concatenate(
        [dormant_scores(np.abs(h).mean(axis=-1, dtype=np.float64)) for h in work.hidden], axis=-1
    )
    dormant = (scores[..., np.newaxis] <= taus).mean(axis=-2)
    gone = failed[:, np.newaxis]
    return {
        "accuracy": np.where(failed, np.nan, accuracy),
        "dead": np.where(failed, np.nan, np.concatenate(dead, axis=-1).mean(axis=-1)),
        "dormant": np.where(gone, np.nan, dormant),
        "layer_dead": np.asarray(
            np.stack([mask.all(axis=-1) for mask in dead], axis=-1).any(axis=-1)
        ),
    }


def _nothing(_: NDArray[np.float32]) -> None:
    """No remedy after an update."""


def _methods(values: Any) -> tuple[str, ...]:
    if isinstance(values, str) or not isinstance(values, Sequence):
        raise TypeError(f"methods must be a sequence of names, got {type(values).__name__}")
    checked = tuple(choice(value, "methods", tuple(METHODS)) for value in values)
    if not checked or len(set(checked)) != len(checked):
        raise ValueError(f"methods must name each method once, at least one, got {list(values)}")
    return checked
