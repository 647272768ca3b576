"""Tests of the engine through its named interface: buffers, workspaces, passes, pickling."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

from dying_relu import MLP
from dying_relu._engine import Engine


def _engine(ensemble_size: int | None = None) -> Engine:
    engine = Engine((3, 4, 1, 2), "relu", 0.0, ensemble_size, np.dtype(np.float64))
    rng = np.random.default_rng(0)
    engine.flat[...] = rng.normal(size=engine.flat.shape)
    return engine


def test_params_and_blocks_are_views_of_the_flat_buffer() -> None:
    engine = _engine(ensemble_size=2)
    assert [p.shape for p in engine.params] == [
        (2, 3, 4),
        (2, 4),
        (2, 4, 1),
        (2, 1),
        (2, 1, 2),
        (2, 2),
    ]
    assert [b.shape for b in engine.blocks] == [(2, 4, 4), (2, 5, 1), (2, 2, 2)]
    for view in [*engine.params, *engine.blocks]:
        assert np.shares_memory(view, engine.flat)
    engine.flat[1] = 0.0
    assert not engine.params[0][1].any()
    assert engine.params[0][0].any()


def test_the_passes_equal_a_step_by_step_computation() -> None:
    engine = _engine()
    W1, b1, W2, b2, W3, b3 = (p.copy() for p in engine.params)
    X = np.random.default_rng(1).normal(size=(6, 3))
    work = engine.load(engine.inputs(X))
    record: list[np.ndarray] = []
    dead = [np.empty(4, dtype=bool), np.empty(1, dtype=bool)]
    output = engine.forward(work.inputs, work, record=record, dead=dead)
    z1 = X @ W1 + b1
    z2 = np.maximum(z1, 0) @ W2 + b2
    np.testing.assert_allclose(record[0], z1, rtol=1e-12)
    np.testing.assert_allclose(record[1], z2, rtol=1e-12)
    np.testing.assert_allclose(output.T, np.maximum(z2, 0) @ W3 + b3, rtol=1e-12)
    np.testing.assert_array_equal(dead[0], (z1 <= 0).all(axis=0))
    np.testing.assert_allclose(work.hidden[1].T, np.maximum(z2, 0), rtol=1e-12)


def test_a_new_step_gets_new_gradients_and_reuses_its_workspace() -> None:
    engine = _engine()
    x = engine.inputs(np.ones((5, 3)))
    target = engine.targets(np.zeros((5, 2)), "mse", 5)
    first_loss, first = engine.loss_and_new_grads(x, target, "mse")
    kept = first.flat.copy()
    second_loss, second = engine.loss_and_new_grads(x, target, "mse")
    assert not np.shares_memory(first.flat, second.flat)
    np.testing.assert_array_equal(first.flat, kept)
    np.testing.assert_array_equal(second.flat, kept)
    assert first_loss == second_loss
    # Other shapes need other workspaces; the step still computes the same gradients.
    other_loss, other = engine.loss_and_new_grads(
        engine.inputs(np.ones((7, 3))), engine.targets(np.zeros((7, 2)), "mse", 7), "mse"
    )
    np.testing.assert_allclose(other.flat, kept, rtol=1e-12)
    assert other_loss == pytest.approx(first_loss)


def test_a_copy_owns_its_buffer() -> None:
    engine = _engine(ensemble_size=3)
    whole, member = engine.copy(), engine.copy(2)
    np.testing.assert_array_equal(whole.flat, engine.flat)
    np.testing.assert_array_equal(member.flat, engine.flat[2])
    assert member.ensemble_size is None
    engine.flat[...] = 0.0
    assert whole.flat.any()
    assert member.flat.any()


@pytest.mark.parametrize(
    "duplicate",
    [lambda net: pickle.loads(pickle.dumps(net)), copy.deepcopy],
    ids=["pickle", "deepcopy"],
)
def test_a_pickled_or_deep_copied_network_computes_with_its_own_buffer(duplicate: object) -> None:
    net = MLP([2, 4, 1], seed=[1, 2], bias="random")
    twin = duplicate(net)  # type: ignore[operator]
    X = np.array([[1.0, 2.0], [-1.0, 0.5]])
    np.testing.assert_array_equal(twin.forward(X), net.forward(X))
    for p in twin.params:
        assert np.shares_memory(p, twin._engine.flat)
    twin.params[2][...] = 0.0
    np.testing.assert_array_equal(
        twin.forward(X), np.broadcast_to(twin.params[3][:, None, :], (2, 2, 1))
    )
    assert net.forward(X).any()
