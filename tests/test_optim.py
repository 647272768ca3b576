"""Tests of SGD and Adam: updates against the textbook recurrences, per-member learning rates."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from dying_relu import SGD, Adam


def _gradients(steps: int, shape: tuple[int, ...], seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.normal(size=shape) for _ in range(steps)]


def test_plain_sgd_subtracts_lr_times_gradient() -> None:
    w = np.array([1.0, -2.0, 3.0])
    g = np.array([0.5, 0.5, -1.0])
    SGD(0.1).step([w], [g])
    np.testing.assert_allclose(w, [0.95, -2.05, 3.1], rtol=1e-15)


def test_sgd_momentum_follows_the_heavy_ball_recurrence() -> None:
    grads = _gradients(4, (3,))
    w = np.zeros(3)
    opt = SGD(0.5, momentum=0.9)
    expected, velocity = np.zeros(3), np.zeros(3)
    for g in grads:
        opt.step([w], [g])
        velocity = 0.9 * velocity + g
        expected = expected - 0.5 * velocity
    np.testing.assert_allclose(w, expected, rtol=1e-14)


def test_adam_follows_the_bias_corrected_recurrence() -> None:
    grads = _gradients(5, (4,))
    w = np.ones(4)
    opt = Adam(0.01, betas=(0.8, 0.99), eps=1e-6)
    expected, m, v = np.ones(4), np.zeros(4), np.zeros(4)
    for t, g in enumerate(grads, start=1):
        opt.step([w], [g])
        m = 0.8 * m + 0.2 * g
        v = 0.99 * v + 0.01 * g * g
        m_hat, v_hat = m / (1 - 0.8**t), v / (1 - 0.99**t)
        expected = expected - 0.01 * m_hat / (np.sqrt(v_hat) + 1e-6)
    np.testing.assert_allclose(w, expected, rtol=1e-12)


def test_adam_first_step_has_length_lr_whatever_the_gradient_scale() -> None:
    w = np.zeros(3)
    Adam(0.05).step([w], [np.array([1e-3, -1e3, 7.0])])
    np.testing.assert_allclose(w, [-0.05, 0.05, -0.05], rtol=1e-4)


def test_gradients_are_not_modified() -> None:
    g = np.array([1.0, 2.0])
    for opt in (SGD(0.1), SGD(0.1, momentum=0.5), Adam(0.1)):
        opt.step([np.zeros(2)], [g])
        np.testing.assert_array_equal(g, [1.0, 2.0])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    "make",
    [lambda lr: SGD(lr), lambda lr: SGD(lr, momentum=0.9), lambda lr: Adam(lr)],
    ids=["sgd", "momentum", "adam"],
)
def test_per_member_learning_rates_equal_separate_optimisers(make: Any, dtype: type) -> None:
    lrs = [0.003, 0.1, 0.7]
    rng = np.random.default_rng(1)
    W: np.ndarray = rng.normal(size=(3, 4, 2)).astype(dtype)
    b: np.ndarray = rng.normal(size=(3, 2)).astype(dtype)
    alone = [[W[e].copy(), b[e].copy()] for e in range(3)]
    batched, singles = make(np.array(lrs)), [make(lr) for lr in lrs]
    for _ in range(4):
        gW: np.ndarray = rng.normal(size=W.shape).astype(dtype)
        gb: np.ndarray = rng.normal(size=b.shape).astype(dtype)
        batched.step([W, b], [gW, gb])
        for e in range(3):
            singles[e].step(alone[e], [gW[e], gb[e]])
    for e in range(3):
        np.testing.assert_array_equal(W[e], alone[e][0])
        np.testing.assert_array_equal(b[e], alone[e][1])
    assert W.dtype == dtype


def test_lr_property_is_a_copy() -> None:
    opt = SGD([0.1, 0.2])
    lr = opt.lr
    assert isinstance(lr, np.ndarray)
    lr[0] = 5.0
    np.testing.assert_array_equal(opt.lr, [0.1, 0.2])
    assert SGD(1).lr == 1.0


@pytest.mark.parametrize(
    ("make", "error", "name"),
    [
        (lambda: SGD(0.0), ValueError, "lr"),
        (lambda: SGD(-0.1), ValueError, "lr"),
        (lambda: SGD(math.nan), ValueError, "lr"),
        (lambda: SGD("fast"), TypeError, "lr"),
        (lambda: SGD(True), TypeError, "lr"),
        (lambda: SGD([[0.1]]), ValueError, "lr"),
        (lambda: SGD([0.1, -0.1]), ValueError, "lr"),
        (lambda: SGD([]), ValueError, "lr"),
        (lambda: SGD(0.1, momentum=1.0), ValueError, "momentum"),
        (lambda: SGD(0.1, momentum=-0.5), ValueError, "momentum"),
        (lambda: Adam(0.1, betas=(0.9, 1.0)), ValueError, "betas"),
        (lambda: Adam(0.1, betas=0.9), TypeError, "betas"),  # type: ignore[arg-type]
        (lambda: Adam(0.1, eps=0.0), ValueError, "eps"),
    ],
)
def test_bad_settings_raise_naming_the_argument(
    make: Any, error: type[Exception], name: str
) -> None:
    with pytest.raises(error, match=name):
        make()


def test_bad_step_arguments_raise_before_any_update() -> None:
    w = np.zeros((2, 3))
    opt = SGD(0.1)
    with pytest.raises(ValueError, match="grads"):
        opt.step([w], [np.ones(3)])
    with pytest.raises(ValueError, match="grads"):
        opt.step([w], [])
    with pytest.raises(TypeError, match="params"):
        opt.step([[0.0]], [np.ones(1)])  # type: ignore[list-item]
    np.testing.assert_array_equal(w, 0.0)
    with pytest.raises(ValueError, match="lr"):
        SGD([0.1, 0.2, 0.3]).step([w], [np.ones((2, 3))])
    np.testing.assert_array_equal(w, 0.0)


def test_an_optimiser_refuses_a_second_network() -> None:
    opt = Adam(0.1)
    opt.step([np.zeros(3)], [np.ones(3)])
    with pytest.raises(ValueError, match="params"):
        opt.step([np.zeros(4)], [np.ones(4)])


@pytest.mark.parametrize(
    "make", [lambda: SGD(0.1, momentum=0.9), lambda: Adam(0.1)], ids=["momentum", "adam"]
)
def test_a_bound_update_equals_a_step_with_the_gradients_it_finds(make: Any) -> None:
    grads = _gradients(3, (2, 3), seed=2)
    stepped, bound = np.ones((2, 3)), np.ones((2, 3))
    buffer = np.empty((2, 3))
    by_step, by_binding = make(), make()
    update = by_binding.bind([bound], [buffer])
    for g in grads:
        by_step.step([stepped], [g])
        buffer[...] = g
        update()
    np.testing.assert_array_equal(bound, stepped)


def test_bind_checks_like_step() -> None:
    with pytest.raises(ValueError, match="grads"):
        SGD(0.1).bind([np.zeros(2)], [np.zeros(3)])
    with pytest.raises(ValueError, match="lr"):
        SGD([0.1, 0.2]).bind([np.zeros(2)], [np.zeros(2)])


def test_a_zero_dimensional_array_is_a_learning_rate() -> None:
    opt = SGD(np.array(0.5))
    assert opt.lr == 0.5
    assert isinstance(opt.lr, float)


def test_reset_forgets_the_state_of_the_entries_it_is_given() -> None:
    w = np.zeros(3)
    opt = Adam(0.1)
    opt.step([w], [np.array([1.0, -2.0, 3.0])])
    opt.reset([np.array([True, False, True])])
    before = w.copy()
    # A zero gradient moves an entry only on its remembered moments.
    opt.step([w], [np.zeros(3)])
    assert (w != before).tolist() == [False, True, False]


def test_reset_before_any_step_or_without_state_changes_nothing() -> None:
    w = np.ones(2)
    plain = SGD(0.5)
    plain.reset([np.ones(2, bool)])
    plain.step([w], [np.ones(2)])
    plain.reset([np.ones(2, bool)])
    plain.step([w], [np.ones(2)])
    assert w.tolist() == [0.0, 0.0]


def test_reset_refuses_masks_of_the_wrong_shape() -> None:
    w = np.zeros((2, 3))
    opt = Adam(0.1)
    opt.step([w], [np.ones((2, 3))])
    with pytest.raises(ValueError, match=r"where\[0\]"):
        opt.reset([np.zeros(3, bool)])
    with pytest.raises(ValueError, match="1 masks"):
        opt.reset([np.zeros((2, 3), bool)] * 2)
