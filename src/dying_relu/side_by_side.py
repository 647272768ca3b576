"""The remedies side by side, in three settings where units die.

One experiment in the shape of :mod:`dying_relu.experiments` (settings, seeds, a frozen
result; see :mod:`dying_relu.runner`): :func:`remedies_side_by_side` trains the networks of one
*setting* once with plain ReLU and once with each *remedy*, on the same seeds, so that every
comparison with plain ReLU is paired.  It trains through a loop of its own, because three of
the remedies (:mod:`dying_relu.remedies`) act between updates.

The settings are those of the site's other pages, each cut to what a side-by-side comparison
needs:

``"bias_shock"``
    The shock of :func:`dying_relu.experiments.bias_shock`: networks 64-64-64-10 trained on the
    digits with plain SGD at 0.1 for 5 epochs; then half of each hidden layer's units get 8
    subtracted from their biases, and training goes on for 10 epochs (half as long as on
    the page of that experiment).
``"high_lr"``
    A learning rate set too high, as in :func:`dying_relu.experiments.learning_rate_sweep`:
    networks 64-64-64-10 trained on the digits with plain SGD at 1.4 for 5 epochs (half as
    long as on the page of that experiment).
``"deep_narrow"``
    Lu et al.'s deep, narrow network of :func:`dying_relu.experiments.lu_collapse`: width 2,
    depth 10, fitting :math:`|x|` on 128 points with Adam at 1e-3 for 1000 steps.

The continual setting, Permuted Digits, is :func:`dying_relu.continual.permuted_digits`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from dying_relu._text import in_words
from dying_relu._validation import choice
from dying_relu.data import DATA_SETS, load_split, make_regression_1d
from dying_relu.experiments import _choose_units, classify_runs
from dying_relu.optim import SGD, Adam
from dying_relu.remedies import ContinualBackprop, redo, shrink_perturb
from dying_relu.runner import Members, Result, experiment, stack

__all__ = [
    "REMEDIES",
    "SETTINGS",
    "VERDICT_WORDS",
    "SideBySide",
    "remedies_side_by_side",
    "table",
    "where_it_helps",
    "which_help",
]

#: The settings, by name, with what the page calls them.
SETTINGS = {
    "bias_shock": "Bias shock",
    "high_lr": "High learning rate",
    "deep_narrow": "Deep, narrow network",
}

#: The remedies, by name, with what the page calls them; ``"none"`` is plain ReLU, the
#: reference every other is compared with.
REMEDIES = {
    "none": "ReLU, no remedy",
    "leaky_relu": "Leaky ReLU",
    "rai": "RAI initialisation",
    "lower_lr": "Lower learning rate",
    "adam": "Adam",
    "redo": "ReDo",
    "continual_backprop": "Continual backprop",
    "shrink_perturb": "Shrink and Perturb",
}


@dataclass(frozen=True)
class _Setting:
    """How one setting trains: network, optimiser, length, and when it measures and shocks.

    A length in epochs is turned into steps of the data's epochs; without ``record_every``
    the setting measures once an epoch.
    """

    sizes: tuple[int, ...]
    optimizer: str
    lr: float
    lower_lr: float
    batch_size: int
    epochs: int = 0
    steps: int = 0
    record_every: int = 0
    shock_epoch: int = 0  # the epoch after which the shock strikes; 0 for no shock


_SETTINGS = {
    "bias_shock": _Setting((64, 64, 64, 10), "sgd", 0.1, 0.01, 64, epochs=15, shock_epoch=5),
    "high_lr": _Setting((64, 64, 64, 10), "sgd", 1.4, 0.1, 64, epochs=5),
    "deep_narrow": _Setting((1, *[2] * 10, 1), "adam", 1e-3, 1e-4, 32, steps=1000,
                            record_every=100),
}  # fmt: skip

#: The Adam learning rate of the ``"adam"`` remedy, where the setting trains with plain SGD.
ADAM_LR = 1e-3
#: The slope of the ``"leaky_relu"`` remedy.
LEAKY_SLOPE = 0.01
#: ReDo's threshold; ReDo runs at every record point of the measured period, on the training
#: inputs.
REDO_TAU = 0.1
#: Continual backprop's replacement rate (decay 0.99, maturity 100 steps).
REPLACEMENT_RATE = 1e-3
#: Shrink and Perturb's factor and noise, applied after every update.
SHRINK, NOISE = 1.0 - 1e-4, 1e-3
#: The shock's size and the share of each hidden layer's units it hits.
SHIFT, SHOCKED_SHARE = 8.0, 0.5
#: A regression run fits "no better than a constant" when its training loss is at least this
#: share of the best constant's (as in :func:`dying_relu.experiments.lu_collapse`).
CONSTANT_MARGIN = 0.99


@dataclass(frozen=True, eq=False)
class SideBySide(Result):
    """One setting trained with plain ReLU and with each remedy (see
    :func:`remedies_side_by_side`).

    Axes: ``R`` remedies (the first is ``"none"``), ``N`` seeds.

    Attributes
    ----------
    setting : str
        A key of ``SETTINGS``.
    remedies : tuple of str
        Keys of ``REMEDIES``; the property ``labels`` gives their names.
    n_hidden : int
        Hidden units per network.
    died : numpy.ndarray of int, shape (R, N)
        Hidden units dead (pre-activation <= 0 on every training input) at some record point
        of the measured period: from the shock on in ``"bias_shock"``, from the start
        otherwise.  0 for runs that diverged.
    revived : numpy.ndarray of int, shape (R, N)
        Of the units in ``died``, those not dead at the end.
    dead_end : numpy.ndarray of int, shape (R, N)
        Hidden units dead at the end.
    recycled : numpy.ndarray of int, shape (R, N)
        Units the remedy re-initialised (ReDo, continual backprop; 0 for the others).
    score : numpy.ndarray, shape (R, N)
        Test accuracy for the digits; for the regression of ``"deep_narrow"``, the share of
        the targets' variance the network explains on its training points,
        :math:`1 - \\mathrm{MSE} / \\mathrm{Var}(y)`.  NaN for runs that diverged.
    outcome : numpy.ndarray of str, shape (R, N)
        :func:`dying_relu.experiments.classify_runs` of every run.
    score_name : str
        What ``score`` is, in words.
    optimizer : str
        The setting's optimiser, ``"SGD"`` or ``"Adam"``.
    lr, lower_lr : float
        The setting's learning rate, and the ``"lower_lr"`` remedy's.
    steps : int
        Updates per run.
    epochs : int
        Epochs per run, for the settings whose length is given in epochs; 0 otherwise.
    shock_epoch : int
        The epoch after which the shock strikes, in ``"bias_shock"``; 0 otherwise.
    data : str
        The data set: a key of ``dying_relu.data.DATA_SETS``, or ``"abs"`` for the
        regression of ``"deep_narrow"``.
    """

    setting: str
    remedies: tuple[str, ...]
    n_hidden: int
    died: NDArray[np.int64]
    revived: NDArray[np.int64]
    dead_end: NDArray[np.int64]
    recycled: NDArray[np.int64]
    score: NDArray[np.float64]
    outcome: NDArray[np.str_]
    score_name: str
    optimizer: str
    lr: float
    lower_lr: float
    steps: int
    epochs: int
    shock_epoch: int
    data: str

    @property
    def labels(self) -> list[str]:
        """The remedies' names, as the page writes them."""
        return [REMEDIES[r] for r in self.remedies]

    def remedy_index(self, remedy: str) -> int:
        """Position of ``remedy`` (a key of ``REMEDIES``) in ``remedies``."""
        return self.remedies.index(choice(remedy, "remedy", self.remedies))


@experiment(SideBySide, seeds=range(8))
def remedies_side_by_side(
    members: Members,
    setting: str,
    remedies: Sequence[str] = tuple(REMEDIES),
    *,
    data: str = "digits",
) -> dict[str, Any]:
    """Train the networks of ``setting`` with plain ReLU and with each remedy, paired by seed.

    Method.  One ensemble per remedy, one member per seed, trained as the setting says (see
    the module documentation) with one thing changed:

    * ``none``: nothing (ReLU, He's initialisation, the setting's optimiser);
    * ``leaky_relu``: Leaky ReLU with slope ``LEAKY_SLOPE``;
    * ``rai``: randomized asymmetric initialisation (:mod:`dying_relu.init`);
    * ``lower_lr``: the setting's optimiser at a tenth of its learning rate;
    * ``adam``: Adam at ``ADAM_LR`` instead of plain SGD (not in ``"deep_narrow"``, which
      trains with Adam already);
    * ``redo``: :func:`dying_relu.remedies.redo` at ``REDO_TAU`` on the training inputs at
      every record point (every epoch, from the shock on in ``"bias_shock"``; every 100 steps
      in ``"deep_narrow"``);
    * ``continual_backprop``: :class:`dying_relu.remedies.ContinualBackprop` at
      ``REPLACEMENT_RATE`` after every update;
    * ``shrink_perturb``: :func:`dying_relu.remedies.shrink_perturb` with ``SHRINK`` and
      ``NOISE`` after every update.

    In ``"bias_shock"`` and ``"high_lr"``, ``data`` names the data set (a key of
    ``dying_relu.data.DATA_SETS``): the digits, or MNIST-1D, whose 40-value signals make the
    networks 40-64-64-10 and whose 4000 training signals make an epoch three times as many
    steps.  ``"deep_narrow"`` fits :math:`|x|`, and ``data`` must keep its default there.

    A seed fixes the initial weights, the minibatch order, the shocked units and the remedies'
    draws, so the runs of one seed differ only in the remedy.  At every record point (and
    right after the shock) each hidden unit is tested for death on the training inputs, before
    ReDo acts; ``died`` counts the units dead at some point of the measured period and
    ``revived`` those of them alive at the end.  A run whose loss stops being finite
    diverged; every run is classified at the end.

    Examples
    --------
    >>> result = remedies_side_by_side("high_lr", ("none", "leaky_relu"), seeds=(0, 1))
    >>> result.died.shape, result.outcome.shape
    ((2, 2), (2, 2))
    """
    name = choice(setting, "setting", tuple(SETTINGS))
    chosen = _remedies(remedies, name)
    data = choice(data, "data", tuple(DATA_SETS))
    if name == "deep_narrow" and data != "digits":
        raise ValueError(
            f"data must be left at 'digits' for 'deep_narrow', which fits |x|, got {data!r}"
        )
    plan = _SETTINGS[name]
    X: NDArray[Any]
    y: NDArray[Any]
    X_test: NDArray[Any]
    y_test: NDArray[Any]
    if name == "deep_narrow":
        X, y = make_regression_1d(128, "abs", seed=0)
        X_test, y_test = X, y
        dtype: Any = np.float64
        loss = "mse"
    else:
        digits = load_split(data)
        X, y = digits.X_train.astype(np.float32), digits.y_train
        X_test, y_test = digits.X_test.astype(np.float32), digits.y_test
        dtype, loss = np.float32, "cross_entropy"
    sizes = (X.shape[1], *plan.sizes[1:])
    hidden = sizes[1:-1]
    rows = y.shape[0]
    per_epoch = rows // plan.batch_size
    total = plan.steps or plan.epochs * per_epoch
    record_every = plan.record_every or per_epoch
    shock_at = plan.shock_epoch * per_epoch or None
    shocked = _choose_units(members.seeds, len(hidden), hidden[0], SHOCKED_SHARE)
    # Every epoch's order of the training rows, per seed: the same for every remedy.
    epochs = -(-total // per_epoch)
    orders = np.stack([
        np.random.default_rng([seed, 2]).permuted(np.tile(np.arange(rows), (epochs, 1)), axis=1)
        for seed in members.seeds
    ])  # fmt: skip

    def one(remedy: str) -> dict[str, Any]:
        slope = LEAKY_SLOPE if remedy == "leaky_relu" else 0.0
        net = members.network(
            sizes, "leaky_relu", negative_slope=slope,
            init="rai" if remedy == "rai" else None, dtype=dtype,
        )  # fmt: skip
        lr = plan.lower_lr if remedy == "lower_lr" else ADAM_LR if remedy == "adam" else plan.lr
        optimizer = Adam(lr) if remedy == "adam" or plan.optimizer == "adam" else SGD(lr)
        rng = np.random.default_rng([*members.seeds, tuple(REMEDIES).index(remedy)])
        cbp = (
            ContinualBackprop(net, replacement_rate=REPLACEMENT_RATE, seed=members.seeds[0])
            if remedy == "continual_backprop" else None
        )  # fmt: skip
        after_update: Callable[[NDArray[Any]], None] = _nothing
        if remedy == "shrink_perturb":

            def after_update(_: NDArray[Any]) -> None:
                shrink_perturb(net, SHRINK, NOISE, rng=rng)
        elif cbp is not None:

            def after_update(batch: NDArray[Any]) -> None:
                cbp.step(batch, optimizer=optimizer)

        size = members.size
        failed = np.zeros(size, dtype=bool)
        recycled = np.zeros(size, dtype=np.int64)
        ever_dead: NDArray[np.bool_] | None = None
        # The loop drives the network's engine itself (as dying_relu.train does): see below.
        engine = net._engine

        # As dying_relu.diagnostics.dead_units measures, on the training inputs loaded once.
        measured = engine.load(engine.inputs(X))
        dead_masks = [np.empty((size, width), dtype=bool) for width in hidden]

        def dead_now() -> NDArray[np.bool_]:
            """Per member, whether each hidden unit (all layers in a row) is dead on ``X``."""
            with np.errstate(all="ignore"):  # a member that diverged is measured, then masked out
                engine.forward(measured.inputs, measured, dead=dead_masks)
            return np.concatenate(dead_masks, axis=-1) & ~failed[:, np.newaxis]

        def record() -> NDArray[np.bool_]:
            nonlocal ever_dead
            dead = dead_now()
            ever_dead = dead if ever_dead is None else ever_dead | dead
            return dead

        # Each step as net.loss_and_grads and optimizer.step(net.params, grads) compute it,
        # the same numbers, but in buffers made once and with the optimiser on the whole
        # parameter buffer (as dying_relu.train steps it): the deep, narrow network has 22
        # parameter arrays, and a step on each of them costs more than its arithmetic.
        work = engine.workspace(plan.batch_size, own_inputs=True)
        grads = engine.gradients()
        update = optimizer.bind([engine.flat], [grads.flat])
        if shock_at is None:
            record()
        for step in range(total):
            if step == shock_at:
                for layer in range(len(hidden)):
                    net.params[2 * layer + 1][shocked[:, layer]] -= SHIFT
                record()
            start = (step % per_epoch) * plan.batch_size
            batch = orders[:, step // per_epoch, start : start + plan.batch_size]
            inputs = X[batch]
            work.inputs[..., :-1] = inputs
            target = engine.targets(y[batch], loss, plan.batch_size)
            with np.errstate(all="ignore"):
                value = engine.loss_and_grads(work.inputs, target, loss, work, grads)
                update()
                after_update(inputs)
            bad = ~np.isfinite(value) & ~failed
            if bad.any():
                failed |= bad
                for param in net.params:
                    param[bad] = 0.0
            if (step + 1) % record_every == 0 and (shock_at is None or step + 1 > shock_at):
                record()
                if remedy == "redo" and step + 1 < total:
                    with np.errstate(all="ignore"):
                        masks = redo(net, X, REDO_TAU, rng=rng, optimizer=optimizer)
                    recycled += sum(m.sum(axis=-1) for m in masks) * ~failed
        dead_end = dead_now()
        assert ever_dead is not None
        if cbp is not None:
            recycled = sum(r.sum(axis=-1) for r in cbp.replaced) * ~failed
        layer_dead = np.stack(
            [part.all(axis=-1) for part in np.split(dead_end, len(hidden), axis=-1)], axis=-1
        ).any(axis=-1)
        if name == "deep_narrow":
            with np.errstate(all="ignore"):
                mse = ((net.predict(X).reshape(size, -1) - y.reshape(1, -1)) ** 2).mean(axis=-1)
            explained = 1.0 - mse / float(np.var(y))
            score = np.where(failed, np.nan, explained)
            outcome = classify_runs(failed, layer_dead, constant=explained <= 1.0 - CONSTANT_MARGIN)
        else:
            chance = float(np.bincount(y_test).max() / y_test.size)
            accuracy = (net.classify(X_test) == y_test).mean(axis=-1)
            score = np.where(failed, np.nan, accuracy)
            correct = np.rint(np.nan_to_num(score) * y_test.size).astype(np.int64)
            outcome = classify_runs(failed, layer_dead, correct, y_test.size, chance)
        return {
            "died": ever_dead.sum(axis=-1),
            "revived": (ever_dead & ~dead_end).sum(axis=-1),
            "dead_end": dead_end.sum(axis=-1),
            "recycled": np.asarray(recycled, dtype=np.int64),
            "score": score,
            "outcome": outcome,
        }

    return {
        **stack([one(remedy) for remedy in chosen]),
        "setting": name,
        "remedies": chosen,
        "n_hidden": int(sum(hidden)),
        "score_name": "variance explained" if name == "deep_narrow" else "test accuracy",
        "optimizer": "Adam" if plan.optimizer == "adam" else "SGD",
        "lr": plan.lr,
        "lower_lr": plan.lower_lr,
        "steps": total,
        "epochs": plan.epochs,
        "shock_epoch": plan.shock_epoch,
        "data": "abs" if name == "deep_narrow" else data,
    }


#: How :func:`table` writes a verdict of :func:`dying_relu.evidence.remedy_helps` in a cell.
#: "inconclusive" (the rule cannot decide) and "fragile" (the replicates disagree) both say
#: that the evidence does not show the claim either way; for a difference near a threshold
#: they turn into each other with the last bits of the rounding, so a cell does not tell them
#: apart, and the table reads the same on every machine.
VERDICT_WORDS = {
    "holds": "yes",
    "does not hold": "no",
    "inconclusive": "not shown",
    "fragile": "not shown",
}

#: The measures of :func:`dying_relu.evidence.remedy_helps`, in the order of the table.
_MEASURES = ("dead", "trained", "score")


def table(result: SideBySide, verdicts: Mapping[tuple[str, str], str]) -> str:
    """The result as a Markdown table (GitHub's pipe tables), one row per remedy.

    The unit counts are means per network over the runs that did not diverge, and the score
    the mean over the runs that trained, in percent; a dash where there are none.

    Parameters
    ----------
    result : SideBySide
    verdicts : dict
        ``(remedy, measure)`` to the verdict of :func:`dying_relu.evidence.remedy_helps` for
        every remedy but ``"none"`` and every measure (``"dead"``, ``"trained"``, ``"score"``);
        written as ``VERDICT_WORDS`` says.

    Examples
    --------
    >>> import numpy as np
    >>> counts = np.array([[30, 20], [2, 4]])
    >>> result = SideBySide(
    ...     seeds=(0, 1), setting="high_lr", remedies=("none", "redo"), n_hidden=128,
    ...     died=counts, revived=counts // 2, dead_end=counts - counts // 2,
    ...     recycled=np.zeros_like(counts), score=np.array([[0.9, 0.8], [0.95, np.nan]]),
    ...     outcome=np.array([["trained", "collapsed"], ["trained", "diverged"]]),
    ...     score_name="test accuracy", optimizer="SGD", lr=1.4, lower_lr=0.1, steps=105,
    ...     epochs=5, shock_epoch=0, data="digits")
    >>> verdicts = {("redo", "dead"): "holds", ("redo", "trained"): "inconclusive",
    ...             ("redo", "score"): "fragile"}
    >>> print(table(result, verdicts))
    | remedy | units died, came back | dead at the end | runs trained, collapsed, diverged | test accuracy | fewer dead | more trained | higher score |
    |---|---|---|---|---|---|---|---|
    | ReLU, no remedy | 25.0, 12.5 | 12.5 | 1, 1, 0 | 90.0 % | — | — | — |
    | ReDo | 2.0, 1.0 | 1.0 | 1, 0, 1 | 95.0 % | yes | not shown | not shown |
    """
    if not isinstance(result, SideBySide):
        raise TypeError(f"result must be a SideBySide, got {type(result).__name__}")
    score = result.score_name
    head = ["remedy", "units died, came back", "dead at the end",
            "runs trained, collapsed, diverged", score, "fewer dead", "more trained",
            "higher score"]  # fmt: skip
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    ok = result.outcome != "diverged"
    trained = result.outcome == "trained"
    for r, remedy in enumerate(result.remedies):
        means = [f"{counts[r][ok[r]].mean():.1f}" if ok[r].any() else "—"
                 for counts in (result.died, result.revived, result.dead_end)]  # fmt: skip
        cells = [REMEDIES[remedy], f"{means[0]}, {means[1]}", means[2]]
        cells.append(", ".join(str(int((result.outcome[r] == k).sum()))
                               for k in ("trained", "collapsed", "diverged")))  # fmt: skip
        cells.append(f"{100 * result.score[r][trained[r]].mean():.1f} %" if trained[r].any()
                     else "—")  # fmt: skip
        for measure in _MEASURES:
            if r == 0:
                cells.append("—")
                continue
            verdict = verdicts.get((remedy, measure))
            if verdict not in VERDICT_WORDS:
                raise ValueError(
                    f"verdicts must give one of {tuple(VERDICT_WORDS)} for {(remedy, measure)}, "
                    f"got {verdict!r}"
                )
            cells.append(VERDICT_WORDS[verdict])
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def where_it_helps(
    verdicts: Mapping[str, Mapping[tuple[str, str], str]], remedy: str, measure: str
) -> list[str]:
    """The settings, in the order given, in which ``remedy`` helps by ``measure``: where the
    verdict of :func:`dying_relu.evidence.remedy_helps` is "holds".

    ``verdicts`` maps a setting (a key of ``SETTINGS``) to the verdicts :func:`table` takes; a
    setting without a verdict for the remedy (it was not run there) is left out.

    Examples
    --------
    >>> where_it_helps({"high_lr": {("adam", "dead"): "holds"},
    ...                 "bias_shock": {("adam", "dead"): "fragile"}}, "adam", "dead")
    ['High learning rate']
    """
    return [
        SETTINGS[setting]
        for setting, given in verdicts.items()
        if given.get((remedy, measure)) == "holds"
    ]


def which_help(verdicts: Mapping[tuple[str, str], str], measure: str) -> str:
    """The remedies of one setting that help by ``measure``, as a phrase for a sentence.

    ``verdicts`` are those :func:`table` takes for one setting; the remedies whose verdict
    by ``measure`` is "holds" are named in the order given, joined by commas and a final
    "and"; "none of them" when there is none.

    Examples
    --------
    >>> which_help({("redo", "dead"): "holds", ("adam", "dead"): "fragile",
    ...             ("continual_backprop", "dead"): "holds"}, "dead")
    'ReDo and Continual backprop'
    >>> which_help({("redo", "dead"): "holds"}, "score")
    'none of them'
    """
    measure = choice(measure, "measure", _MEASURES)
    helped = [
        REMEDIES[remedy]
        for (remedy, given), verdict in verdicts.items()
        if given == measure and verdict == "holds"
    ]
    if not helped:
        return "none of them"
    return in_words(helped)


def _nothing(_: NDArray[Any]) -> None:
    """No remedy after an update."""


def _remedies(values: Any, setting: str) -> tuple[str, ...]:
    if isinstance(values, str) or not isinstance(values, Sequence):
        raise TypeError(f"remedies must be a sequence of names, got {type(values).__name__}")
    checked = tuple(choice(value, "remedies", tuple(REMEDIES)) for value in values)
    if not checked or checked[0] != "none" or len(set(checked)) != len(checked):
        raise ValueError(
            "remedies must start with 'none' (plain ReLU, the reference) and name each remedy "
            f"once, got {list(values)}"
        )
    if setting == "deep_narrow" and "adam" in checked:
        raise ValueError("remedies cannot include 'adam' in 'deep_narrow', which trains with Adam")
    return checked
