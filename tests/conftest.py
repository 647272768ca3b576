"""Tools that several tests share: finite differences, and a training run that diverges."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeAlias

import numpy as np
import pytest

from dying_relu import MLP, SGD, History, train
from dying_relu.data import make_regression_1d

try:
    from hypothesis import settings
except ModuleNotFoundError:  # the browser tests in tests/site run without Hypothesis
    pass
else:
    # Hypothesis fails an example that takes over 200 ms by default: a timing assertion,
    # which a busy machine trips although nothing is wrong.  Speed goals live in benchmarks/.
    settings.register_profile("no-deadline", deadline=None)
    settings.load_profile("no-deadline")

#: ``numeric_gradient(f, x)``: the centred finite-difference gradient of ``f`` at ``x``.
NumericGradient: TypeAlias = Callable[[Callable[[np.ndarray], object], np.ndarray], np.ndarray]
#: ``diverging_run(seed, optimizer, **train_arguments)``: the network and its history.
DivergingRun: TypeAlias = Callable[..., tuple[MLP, History]]


def _numeric_gradient(
    f: Callable[[np.ndarray], object], x: np.ndarray, eps: float = 1e-6
) -> np.ndarray:
    """Centred differences of ``sum(f(x))`` in each entry of ``x``, which is moved in place.

    ``f`` may ignore its argument and read ``x`` through something that holds it, such as a
    network whose parameter ``x`` is.  Summing makes a stack of losses, one per ensemble
    member, a scalar whose gradient is every member's own gradient.
    """
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = float(np.sum(f(x)))  # type: ignore[call-overload]
        x[i] = old - eps
        down = float(np.sum(f(x)))  # type: ignore[call-overload]
        x[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad


@pytest.fixture
def numeric_gradient() -> NumericGradient:
    return _numeric_gradient


@pytest.fixture
def diverging_run() -> DivergingRun:
    """Train a 1-32-32-1 ReLU network by MSE on targets of order 1000, in batches of 8.

    With plain SGD at learning rate 10 (the default here) the loss overflows within a few
    steps; a tiny learning rate trains the same network without trouble.
    """
    X, y = make_regression_1d(64, "abs", seed=0)

    def run(
        seed: int | list[int] = 0, optimizer: SGD | None = None, **arguments: Any
    ) -> tuple[MLP, History]:
        net = MLP([1, 32, 32, 1], seed=seed)
        settings: dict[str, Any] = {"loss": "mse", "steps": 200, "batch_size": 8, **arguments}
        history = train(net, X * 1e3, y * 1e3, optimizer=optimizer or SGD(10.0), **settings)
        return net, history

    return run
