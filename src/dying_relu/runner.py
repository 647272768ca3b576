"""One shape for every experiment, and the runner that replicates it.

An experiment of :mod:`dying_relu.experiments` is a *method*: a function that takes the
:class:`Members` it may train (its seeds, and whether their initial weights are nudged) and its
settings, and returns the fields of its result.  The decorator :func:`experiment` turns a
method into the public function a page calls: it adds the keyword arguments ``seeds`` (by
default the experiment's own) and ``perturbed``, checks them, and builds the result type named
in the decorator, a frozen dataclass derived from :class:`Result`, which records the seeds and
whether they were perturbed.  So every experiment is described the same way (settings, seeds,
result type), and :func:`replicate` can run any of them again without code of its own:

* on the page's seeds, as the page shows it;
* on a disjoint block of as many other seeds;
* on the page's seeds with every initial weight nudged by one unit in the last place of its
  floating type, up or down by a fixed random sign (:func:`dying_relu.init.nudge`).  That is
  the size of the difference between two BLAS kernels' rounding of one matrix product; it
  changes no setting.

:mod:`dying_relu.evidence` judges each claim on all three (:func:`dying_relu.evidence.replicated`)
and checks each sentence of the pages on all three (:func:`dying_relu.evidence.on_replicates`).
A finding that one machine's rounding can flip then shows up as *fragile* on every machine,
instead of breaking the build of a reader whose processor picks other kernels.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, cast

import numpy as np
from numpy.typing import DTypeLike, NDArray

from ._validation import seed_list
from .init import nudge, nudge_generator
from .network import MLP

__all__ = [
    "REPLICATES",
    "Experiment",
    "Members",
    "Replicates",
    "Result",
    "experiment",
    "other_seeds",
    "replicate",
    "stack",
]

#: The three replicates of :func:`replicate`, in order.
REPLICATES = ("page's seeds", "other seeds", "perturbed")


@dataclass(frozen=True)
class Members:
    """What one call of an experiment may train: its seeds, nudged or not.

    Attributes
    ----------
    seeds : tuple of int
        One ensemble member per seed; a seed fixes a member's initial weights and the order of
        its minibatches.
    perturbed : bool
        Whether every network made by :meth:`network` has its initial weights nudged
        (:func:`dying_relu.init.nudge`), with signs fixed by each member's seed and layer.
    """

    seeds: tuple[int, ...]
    perturbed: bool = False

    @property
    def size(self) -> int:
        """Number of seeds."""
        return len(self.seeds)

    def network(
        self,
        layer_sizes: Sequence[int],
        activation: str = "relu",
        *,
        negative_slope: float = 0.01,
        init: str | None = None,
        repeat: int = 1,
        # Training runs in float32, as deep-learning libraries do by default; it halves the
        # time of the batched matrix products.
        dtype: DTypeLike = np.float32,
    ) -> MLP:
        """An ensemble with one member per seed, the seeds repeated ``repeat`` times in a row.

        Member ``k * size + i`` has seed ``seeds[i]``, so that a grid of ``repeat`` settings
        (learning rates, shifts) runs as one ensemble whose members of one seed share their
        start.  The other arguments are those of :class:`dying_relu.MLP`, but the dtype is
        float32 by default, and ``activation="leaky_relu"`` with ``negative_slope=0`` gives
        ReLU itself, so that an experiment can name its activations by their slope.
        """
        seeds = list(self.seeds) * repeat
        if activation == "leaky_relu" and negative_slope == 0.0:
            activation = "relu"
        net = MLP(
            layer_sizes, activation, negative_slope=negative_slope, init=init, seed=seeds,
            dtype=dtype,
        )  # fmt: skip
        if self.perturbed:
            for layer, weights in enumerate(net.params[0::2]):
                for member, seed in enumerate(seeds):
                    nudge(weights[member], nudge_generator(seed, layer))
        return net

    def describe(self) -> str:
        """The seeds in words, e.g. ``"seeds 0 to 23"`` or ``"seeds 0 to 23, nudged"``."""
        seeds = self.seeds
        if seeds == tuple(range(seeds[0], seeds[0] + len(seeds))) and len(seeds) > 1:
            text = f"seeds {seeds[0]} to {seeds[-1]}"
        else:
            text = ("seed " if len(seeds) == 1 else "seeds ") + ", ".join(map(str, seeds))
        return f"{text}, nudged" if self.perturbed else text


@dataclass(frozen=True, eq=False, kw_only=True)
class Result:
    """What every experiment's result records besides its own fields.

    Attributes
    ----------
    seeds : tuple of int
        The seeds the experiment ran on.
    perturbed : bool
        Whether their initial weights were nudged (see :func:`replicate`).
    """

    seeds: tuple[int, ...]
    perturbed: bool = False

    @property
    def n_seeds(self) -> int:
        """Number of seeds."""
        return len(self.seeds)

    @property
    def members(self) -> Members:
        """The seeds and the perturbation, as the experiment received them."""
        return Members(self.seeds, self.perturbed)


R = TypeVar("R", bound=Result)
R_co = TypeVar("R_co", bound=Result, covariant=True)


class Experiment(Protocol[R_co]):
    """What :func:`experiment` makes of a method: the experiment a page calls.

    Calling it runs the method on the seeds given (by default ``default_seeds``) and returns a
    ``result_type``.
    """

    #: The type of its results.
    result_type: type[Result]
    #: The seeds it runs on unless told otherwise.
    default_seeds: tuple[int, ...]

    def __call__(self, *args: Any, **settings: Any) -> R_co: ...


def experiment(
    result: type[R], *, seeds: Sequence[int]
) -> Callable[[Callable[..., dict[str, Any]]], Experiment[R]]:
    """Make a method into an experiment whose result is ``result``, by default on ``seeds``.

    The method's first parameter receives the :class:`Members`; it returns the fields of
    ``result`` other than ``seeds`` and ``perturbed``.  The experiment takes the method's other
    parameters, and the keywords ``seeds`` and ``perturbed``.  It records its result type and
    default seeds as ``result_type`` and ``default_seeds``, which :func:`replicate` reads.
    """
    default = tuple(seed_list(seeds))

    def decorate(method: Callable[..., dict[str, Any]]) -> Experiment[R]:
        @functools.wraps(method)
        def run(*args: Any, seeds: Sequence[int] = default, perturbed: bool = False,
                **settings: Any) -> R:  # fmt: skip
            if not isinstance(perturbed, bool):
                raise TypeError(f"perturbed must be a bool, got {type(perturbed).__name__}")
            members = Members(tuple(seed_list(seeds)), perturbed)
            fields = method(members, *args, **settings)
            return result(seeds=members.seeds, perturbed=perturbed, **fields)

        signature = inspect.signature(method)
        parameters = list(signature.parameters.values())[1:]
        keyword = inspect.Parameter.KEYWORD_ONLY
        extra = [
            inspect.Parameter("seeds", keyword, default=seeds, annotation="Sequence[int]"),
            inspect.Parameter("perturbed", keyword, default=False, annotation="bool"),
        ]
        keywords = [p for p in parameters if p.kind is inspect.Parameter.VAR_KEYWORD]
        ordinary = [p for p in parameters if p.kind is not inspect.Parameter.VAR_KEYWORD]
        run.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[*ordinary, *extra, *keywords], return_annotation=result.__name__
        )
        made = cast("Experiment[R]", run)
        made.result_type = result
        made.default_seeds = default
        return made

    return decorate


def other_seeds(seeds: Sequence[int]) -> tuple[int, ...]:
    """A block of as many seeds as ``seeds``, disjoint from them: each shifted past the largest.

    Examples
    --------
    >>> other_seeds(range(24))[:3], other_seeds((0, 5))
    ((24, 25, 26), (6, 11))
    """
    checked = seed_list(seeds)
    shift = max(checked) - min(checked) + 1
    return tuple(seed + shift for seed in checked)


@dataclass(frozen=True)
class Replicates(Generic[R]):
    """The three replicates of one experiment (see :func:`replicate`).

    Iterating gives them in the order of ``REPLICATES``; ``page`` is the one the page shows,
    reports and glues.

    Attributes
    ----------
    page : Result
        On the experiment's seeds.
    other_seeds : Result
        On as many other seeds (:func:`other_seeds`).
    perturbed : Result
        On the experiment's seeds with every initial weight nudged.
    """

    page: R
    other_seeds: R
    perturbed: R

    def __iter__(self) -> Iterator[R]:
        return iter((self.page, self.other_seeds, self.perturbed))

    def __len__(self) -> int:
        return 3

    def __getitem__(self, index: int) -> R:
        return (self.page, self.other_seeds, self.perturbed)[index]

    @property
    def labels(self) -> tuple[str, str, str]:
        """Each replicate's seeds in words (see :meth:`Members.describe`)."""
        page, other, nudged = (result.members.describe() for result in self)
        return page, other, nudged


def replicate(run: Experiment[R], /, *args: Any, **settings: Any) -> Replicates[R]:
    """Run the experiment ``run`` three times: on its seeds, on others, and nudged.

    ``args`` and ``settings`` go to every call unchanged, except ``seeds`` (default: the
    experiment's own), which the second call replaces by :func:`other_seeds`, and which the
    third runs with ``perturbed=True``.

    Examples
    --------
    >>> from dying_relu import experiments
    >>> reps = replicate(experiments.vanishing_gradients, depths=(3,), activations=("relu",),
    ...                  seeds=(0, 1))
    >>> reps.labels
    ('seeds 0 to 1', 'seeds 2 to 3', 'seeds 0 to 1, nudged')
    """
    if not hasattr(run, "default_seeds"):
        raise TypeError("run must be an experiment of dying_relu.experiments")
    if "perturbed" in settings:
        raise TypeError("replicate chooses perturbed itself; do not pass it")
    seeds = tuple(seed_list(settings.pop("seeds", run.default_seeds)))
    return Replicates(
        run(*args, seeds=seeds, **settings),
        run(*args, seeds=other_seeds(seeds), **settings),
        run(*args, seeds=seeds, perturbed=True, **settings),
    )


def stack(rows: Sequence[dict[str, Any]], shape: Sequence[int] = ()) -> dict[str, NDArray[Any]]:
    """Stack the same fields of several configurations along a new first axis.

    An experiment that runs one ensemble per configuration (an activation, an
    initialisation) collects one dict of arrays per configuration; this stacks each field, and
    reshapes its second axis, the ensemble members, to ``shape`` (for example ``(n_rates,
    n_seeds)``) when given.

    Examples
    --------
    >>> rows = [{"accuracy": np.zeros(6)}, {"accuracy": np.ones(6)}]
    >>> stack(rows, (2, 3))["accuracy"].shape
    (2, 2, 3)
    """
    if not rows:
        raise ValueError("rows must hold at least one configuration")
    fields = {}
    for key in rows[0]:
        values = np.stack([np.asarray(row[key]) for row in rows])
        if shape:
            values = values.reshape(len(rows), *shape, *values.shape[2:])
        fields[key] = values
    return fields
