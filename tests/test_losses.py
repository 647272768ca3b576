"""Tests of the losses: values by hand, gradients by finite differences, stability, bad input."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from dying_relu.losses import (
    cross_entropy,
    cross_entropy_with_grad,
    label_index,
    label_offsets,
    mse,
    mse_with_grad,
    softmax,
)

if TYPE_CHECKING:
    from conftest import NumericGradient


def test_mse_is_the_mean_over_all_elements() -> None:
    output = np.array([[1.0, 2.0], [3.0, 4.0]])
    target = np.array([[0.0, 2.0], [3.0, 0.0]])
    assert mse(output, target) == pytest.approx((1 + 0 + 0 + 16) / 4)


def test_mse_gradient_matches_finite_differences(numeric_gradient: NumericGradient) -> None:
    rng = np.random.default_rng(0)
    output, target = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    _, grad = mse_with_grad(output, target)
    numeric = numeric_gradient(lambda o: mse(o, target), output)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)


def test_cross_entropy_by_hand() -> None:
    logits = np.array([[0.0, 0.0, 0.0], [2.0, 0.0, 0.0]])
    labels = np.array([2, 0])
    expected = (math.log(3) + (math.log(math.exp(2) + 2) - 2)) / 2
    assert cross_entropy(logits, labels) == pytest.approx(expected, rel=1e-12)


def test_cross_entropy_gradient_matches_finite_differences(
    numeric_gradient: NumericGradient,
) -> None:
    rng = np.random.default_rng(1)
    logits, labels = rng.normal(size=(6, 4)), rng.integers(0, 4, size=6)
    _, grad = cross_entropy_with_grad(logits, labels)
    numeric = numeric_gradient(lambda z: cross_entropy(z, labels), logits)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)


def test_losses_of_a_stack_of_batches_are_per_batch() -> None:
    rng = np.random.default_rng(2)
    logits, labels = rng.normal(size=(3, 5, 4)), rng.integers(0, 4, size=(3, 5))
    loss, grad = cross_entropy_with_grad(logits, labels)
    assert loss.shape == (3,)
    for e in range(3):
        alone, alone_grad = cross_entropy_with_grad(logits[e], labels[e])
        assert loss[e] == pytest.approx(alone, rel=1e-14)
        np.testing.assert_allclose(grad[e], alone_grad, rtol=1e-14)
    output, target = rng.normal(size=(3, 5, 2)), rng.normal(size=(3, 5, 2))
    per_batch = mse(output, target)
    np.testing.assert_allclose(per_batch, ((output - target) ** 2).mean(axis=(1, 2)))


def test_cross_entropy_is_stable_for_huge_logits() -> None:
    logits = np.array([[1e308, 0.0, -1e308], [-1e4, 1e4, 0.0]])
    loss, grad = cross_entropy_with_grad(logits, np.array([0, 0]))
    # Row 1 costs 2e4 (the log-sum-exp is 1e4, the picked logit -1e4); row 0 costs nothing.
    assert loss == pytest.approx(1e4, rel=1e-12)
    assert np.isfinite(grad).all()
    np.testing.assert_allclose(grad, [[0.0, 0.0, 0.0], [-0.5, 0.5, 0.0]], atol=1e-12)


@settings(max_examples=60)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 6), st.integers(2, 5)),
        elements=st.floats(-1e6, 1e6, allow_nan=False),
    ),
    st.integers(0, 2**32 - 1),
)
def test_cross_entropy_gradient_rows_are_probabilities_minus_one_hot(
    logits: np.ndarray, seed: int
) -> None:
    labels = np.random.default_rng(seed).integers(0, logits.shape[1], size=logits.shape[0])
    loss, grad = cross_entropy_with_grad(logits, labels)
    assert np.isfinite(loss)
    assert loss >= 0.0
    rows = logits.shape[0]
    np.testing.assert_allclose(grad.sum(axis=1), 0.0, atol=1e-12)
    probabilities = grad * rows
    probabilities[np.arange(rows), labels] += 1.0
    assert (probabilities >= -1e-12).all()
    assert (probabilities <= 1.0 + 1e-12).all()


def test_softmax_rows_sum_to_one_and_survive_overflow() -> None:
    p = softmax(np.array([[1000.0, 1000.0], [0.0, np.log(3.0)]]))
    np.testing.assert_allclose(p, [[0.5, 0.5], [0.25, 0.75]])


def test_inputs_are_not_modified() -> None:
    logits = np.array([[1.0, 2.0]])
    labels = np.array([1])
    cross_entropy_with_grad(logits, labels)
    np.testing.assert_array_equal(logits, [[1.0, 2.0]])
    output = np.array([[1.0]])
    mse_with_grad(output, np.array([[0.0]]))
    np.testing.assert_array_equal(output, [[1.0]])


def test_float32_stays_float32() -> None:
    logits = np.ones((2, 3), dtype=np.float32)
    loss, grad = cross_entropy_with_grad(logits, np.array([0, 1]))
    assert grad.dtype == np.float32
    assert loss.dtype == np.float32


@pytest.mark.parametrize(
    ("call", "error", "name"),
    [
        (lambda: cross_entropy([[0.0, 1.0]], [2]), ValueError, "labels"),
        (lambda: cross_entropy([[0.0, 1.0]], [-1]), ValueError, "labels"),
        (lambda: cross_entropy([[0.0, 1.0]], [0.5]), TypeError, "labels"),
        (lambda: cross_entropy([[0.0, 1.0]], [0, 1]), ValueError, "labels"),
        (lambda: cross_entropy([0.0, 1.0], [0]), ValueError, "logits"),
        (lambda: cross_entropy([["a", "b"]], [0]), TypeError, "logits"),
        (lambda: mse([[1.0, 2.0]], [[1.0, 2.0, 3.0]]), ValueError, "target"),
        (lambda: mse(np.zeros((0, 1)), np.zeros((0, 1))), ValueError, "output"),
        (lambda: softmax(1.0), ValueError, "logits"),
    ],
)
def test_bad_input_raises_naming_the_argument(
    call: object, error: type[Exception], name: str
) -> None:
    with pytest.raises(error, match=name):
        call()  # type: ignore[operator]


def test_label_positions_pick_each_rows_label_logit_in_the_class_major_layout() -> None:
    rng = np.random.default_rng(3)
    logits, labels = rng.normal(size=(3, 5, 4)), rng.integers(0, 4, size=(3, 5))
    positions = label_index(labels, logits.shape, "labels")
    class_major = np.swapaxes(logits, -1, -2).reshape(-1)
    expected = np.take_along_axis(logits, labels[..., np.newaxis], axis=-1)[..., 0]
    np.testing.assert_array_equal(class_major[positions], expected.reshape(-1))
    offsets = label_offsets(3, 4, 5)
    np.testing.assert_array_equal(positions, labels.reshape(-1) * 5 + offsets)
