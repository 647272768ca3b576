"""The remedies change exactly what they should: the recycled units' weights, and nothing else."""

from __future__ import annotations

import copy
import itertools
from typing import Any

import numpy as np
import pytest

from dying_relu import MLP, SGD, Adam, dead_units, train
from dying_relu.remedies import ContinualBackprop, redo, reinitialize, shrink_perturb

SIZES = [5, 7, 6, 3]


def _ensemble(activation: str = "relu") -> MLP:
    return MLP(SIZES, activation, seed=[0, 1, 2])


def _marked(seed: int = 4) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.random((3, width)) < 0.4 for width in SIZES[1:-1]]


def _touched(units: list[np.ndarray]) -> list[np.ndarray]:
    """Which entries of [W1, b1, W2, b2, W3, b3] a fresh start of ``units`` may change."""
    masks: list[np.ndarray] = []
    for fan_in, fan_out in itertools.pairwise(SIZES):
        masks += [np.zeros((3, fan_in, fan_out), bool), np.zeros((3, fan_out), bool)]
    for layer, mask in enumerate(units):
        masks[2 * layer][:, :, :] |= mask[:, np.newaxis, :]
        masks[2 * layer + 1] |= mask
        masks[2 * layer + 2] |= mask[:, :, np.newaxis]
    return masks


def test_reinitialize_changes_only_the_units_incoming_and_outgoing_weights() -> None:
    net = _ensemble()
    before = [p.copy() for p in net.params]
    units = _marked()
    changed = reinitialize(net, units, rng=7)
    expected = _touched(units)
    for i, (old, new, mask, said) in enumerate(
        zip(before, net.params, expected, changed, strict=True)
    ):
        assert np.array_equal(said, mask), i
        assert np.array_equal(old[~mask], new[~mask]), i
    for layer, mask in enumerate(units):
        incoming, bias, outgoing = net.params[2 * layer : 2 * layer + 3]
        assert (bias[mask] == 0.0).all()
        assert (outgoing[mask] == 0.0).all()
        fresh = incoming.transpose(0, 2, 1)[mask]
        old = before[2 * layer].transpose(0, 2, 1)[mask]
        assert (fresh != old).all()
        assert np.isfinite(fresh).all()


def test_a_fresh_start_leaves_the_output_as_if_the_units_were_cut_out() -> None:
    net = _ensemble()
    units = _marked()
    cut = net.copy()
    for layer, mask in enumerate(units):
        cut.params[2 * layer + 2][mask] = 0.0
    X = np.random.default_rng(0).normal(size=(11, SIZES[0]))
    reinitialize(net, units, rng=1)
    assert np.allclose(net.forward(X), cut.forward(X), rtol=0, atol=1e-12)


def test_fresh_weights_are_drawn_at_the_networks_initial_scale() -> None:
    net = MLP([400, 300, 1], seed=0)
    reinitialize(net, [np.ones(300, bool)], rng=3)
    assert net.params[0].std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    leaky = MLP([400, 300, 1], "leaky_relu", negative_slope=1.0, seed=0)
    reinitialize(leaky, [np.ones(300, bool)], rng=3)
    assert leaky.params[0].std() == pytest.approx(np.sqrt(1 / 400), rel=0.02)


@pytest.mark.parametrize("optimizer", [SGD(0.1, momentum=0.9), Adam(0.01)])
def test_the_optimiser_forgets_exactly_the_changed_entries(optimizer: SGD | Adam) -> None:
    net = _ensemble()
    X = np.random.default_rng(1).normal(size=(9, SIZES[0]))
    y = np.arange(9) % 3
    for _ in range(3):
        _, grads = net.loss_and_grads(X, y, "cross_entropy")
        optimizer.step(net.params, grads)
    twin = copy.deepcopy(optimizer)
    changed = reinitialize(net, _marked(), rng=2, optimizer=optimizer)
    after = [p.copy() for p in net.params]
    twin_params = [p.copy() for p in net.params]
    # With a zero gradient, an entry moves only on its remembered state.
    zeros = [np.zeros_like(p) for p in net.params]
    optimizer.step(net.params, zeros)
    twin.step(twin_params, zeros)
    for mask, old, new, remembered in zip(changed, after, net.params, twin_params, strict=True):
        assert np.array_equal(old[mask], new[mask])
        assert np.array_equal(new[~mask], remembered[~mask])
    assert any(
        (old[mask] != remembered[mask]).any()
        for mask, old, remembered in zip(changed, after, twin_params, strict=True)
    )


@pytest.mark.parametrize("make", [lambda: SGD(0.1, momentum=0.9), lambda: Adam(0.01)])
def test_an_optimiser_that_train_steps_forgets_the_same_entries(make: Any) -> None:
    """train() steps the network's parameters as one buffer; a fresh start resets the state
    of that optimiser in the entries it resets for one that steps net.params entry by entry."""
    X = np.random.default_rng(1).normal(size=(9, SIZES[0]))
    y = np.arange(9) % 3
    runs = {}
    for way in ("entries", "train", "not reset"):
        net, optimizer = _ensemble(), make()
        if way == "entries":
            for _ in range(3):
                _, grads = net.loss_and_grads(X, y, "cross_entropy")
                optimizer.step(net.params, grads)
        else:
            train(net, X, y, loss="cross_entropy", optimizer=optimizer, epochs=3, batch_size=9)
        reinitialize(net, _marked(), rng=2, optimizer=None if way == "not reset" else optimizer)
        # One more step, in which the state kept or forgotten shows.
        if way == "entries":
            _, grads = net.loss_and_grads(X, y, "cross_entropy")
            optimizer.step(net.params, grads)
        else:
            train(net, X, y, loss="cross_entropy", optimizer=optimizer, epochs=1, batch_size=9)
        runs[way] = net.params
    # train() sums the batch in its own row order: the same numbers up to rounding.
    for by_entries, by_train in zip(runs["entries"], runs["train"], strict=True):
        np.testing.assert_allclose(by_train, by_entries, rtol=1e-9, atol=1e-12)
    assert not all(
        np.allclose(kept, by_entries, rtol=1e-6, atol=1e-9)
        for kept, by_entries in zip(runs["not reset"], runs["entries"], strict=True)
    )


def test_redo_recycles_the_dormant_units_a_direct_computation_finds() -> None:
    net = _ensemble()
    net.params[1][:, :3] -= 3.0  # quiet some units of the first layer
    X = np.random.default_rng(2).normal(size=(40, SIZES[0]))
    tau = 0.3
    _, pre = net.forward(X, record=True)
    expected = []
    for z in pre:
        mean_abs = np.abs(np.maximum(z, 0.0)).mean(axis=1)
        expected.append(mean_abs / mean_abs.mean(axis=-1, keepdims=True) <= tau)
    assert any(mask.any() for mask in expected)
    before = [p.copy() for p in net.params]
    recycled = redo(net, X, tau, rng=0)
    for got, want in zip(recycled, expected, strict=True):
        assert np.array_equal(got, want)
    for old, new, mask in zip(before, net.params, _touched(expected), strict=True):
        assert np.array_equal(old[~mask], new[~mask])


def test_redo_at_tau_zero_recycles_the_dead_units_of_a_relu_network() -> None:
    net = _ensemble()
    net.params[1][0, :4] = -50.0
    X = np.random.default_rng(3).normal(size=(30, SIZES[0]))
    dead = dead_units(net, X)
    assert dead[0][0, :4].all()
    assert [m.tolist() for m in redo(net, X, 0.0, rng=0)] == [m.tolist() for m in dead]
    assert not dead_units(net, X)[0][0, :4].any()


def test_shrink_without_noise_scales_every_parameter() -> None:
    net = _ensemble()
    before = [p.copy() for p in net.params]
    shrink_perturb(net, 0.5, 0.0, rng=0)
    for old, new in zip(before, net.params, strict=True):
        assert np.array_equal(new, old * 0.5)


def test_the_perturbation_has_the_scale_of_the_initial_weights_and_spares_biases() -> None:
    net = MLP([400, 300, 1], seed=0)
    net.params[1][...] = 1.0
    before = [p.copy() for p in net.params]
    shrink_perturb(net, 0.9, 0.1, rng=0)
    noise = (net.params[0] - 0.9 * before[0]) / 0.1
    assert noise.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert np.array_equal(net.params[1], 0.9 * before[1])


def test_continual_backprop_replaces_the_lowest_utility_mature_units_at_its_rate() -> None:
    net = MLP([4, 10, 2], seed=0)
    net.params[1][:] = 5.0  # every unit fires on the inputs below
    net.params[2][3] = 0.0  # but unit 3 passes nothing on: the lowest utility
    cbp = ContinualBackprop(net, replacement_rate=0.1, maturity=5, decay=0.5, seed=1)
    X = np.abs(np.random.default_rng(0).normal(size=(8, 4)))
    first = [cbp.step(X) for _ in range(5)]
    assert not any(mask.any() for step in first for mask in step)  # none mature yet
    replaced = cbp.step(X)[0]  # all 10 mature: 0.1 * 10 = one unit due
    assert replaced.tolist() == [i == 3 for i in range(10)]
    assert cbp.age[0][3] == 0
    assert cbp.utility[0][3] == 0.0
    for _ in range(94):
        cbp.step(X)
    # 95 steps with at most 10 mature units at 0.1 each, and a replaced unit young again for
    # 5 steps: fewer than one replacement a step, but many.
    assert 40 <= int(cbp.replaced[0].sum()) <= 95


def test_continual_backprop_at_rate_zero_changes_nothing() -> None:
    net = _ensemble()
    before = [p.copy() for p in net.params]
    cbp = ContinualBackprop(net, replacement_rate=0.0, maturity=1)
    X = np.random.default_rng(0).normal(size=(6, SIZES[0]))
    for _ in range(10):
        cbp.step(X)
    assert all(np.array_equal(a, b) for a, b in zip(before, net.params, strict=True))
    assert all(
        u.shape == (3, w) and (u > 0).any() for u, w in zip(cbp.utility, SIZES[1:-1], strict=True)
    )


# What a caller might pass by mistake, typed Any so that the checks, not mypy, meet them.
ONE_ARRAY: Any = np.ones((2, 7), bool)
A_NAME: Any = "sgd"
NOT_A_NETWORK: Any = []


@pytest.mark.parametrize(
    ("call", "error", "name"),
    [
        (lambda net: reinitialize(net, [np.ones(7, bool)], rng=0), ValueError, "units"),
        (
            lambda net: reinitialize(net, ONE_ARRAY, rng=0),
            TypeError,
            "units",
        ),
        (
            lambda net: reinitialize(net, _marked(), rng=0, optimizer=A_NAME),
            TypeError,
            "optimizer",
        ),
        (lambda _: reinitialize(NOT_A_NETWORK, _marked(), rng=0), TypeError, "net"),
        (lambda net: redo(net, np.ones((3, SIZES[0])), -1.0, rng=0), ValueError, "tau"),
        (lambda net: shrink_perturb(net, 1.5, 0.0, rng=0), ValueError, "shrink"),
        (lambda net: shrink_perturb(net, 0.9, float("nan"), rng=0), ValueError, "noise"),
        (lambda net: ContinualBackprop(net, replacement_rate=2.0), ValueError, "replacement_rate"),
        (lambda net: ContinualBackprop(net, decay=1.0), ValueError, "decay"),
        (lambda net: ContinualBackprop(net, maturity=0), ValueError, "maturity"),
    ],
)
def test_bad_arguments_are_named(call: Any, error: type[Exception], name: str) -> None:
    with pytest.raises(error, match=name):
        call(_ensemble())
