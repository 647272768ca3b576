"""Tests of the data sets: the digits split and its standardisation, the synthetic sets."""

from __future__ import annotations

import random
from collections.abc import Callable

import numpy as np
import pytest
from sklearn.datasets import load_digits

from dying_relu import load_digits_split
from dying_relu.data import (
    DATA_SETS,
    DigitsSplit,
    load_mnist1d,
    load_split,
    make_blobs,
    make_regression_1d,
)


@pytest.fixture(scope="module")
def split() -> DigitsSplit:
    return load_digits_split()


def test_digits_split_sizes_and_labels(split: DigitsSplit) -> None:
    assert split.X_train.shape == (1347, 64)
    assert split.X_test.shape == (450, 64)
    assert split.X_train.dtype == np.float64
    assert split.y_train.dtype == np.int64
    assert set(np.unique(split.y_train)) == set(range(10))
    assert split.n_classes == 10


def test_digits_split_is_stratified(split: DigitsSplit) -> None:
    _, labels = load_digits(return_X_y=True)
    expected = np.bincount(labels) * 0.25
    assert (np.abs(np.bincount(split.y_test) - expected) <= 1).all()


def test_standardisation_is_fitted_on_the_training_part_only(split: DigitsSplit) -> None:
    varying = split.scale != 1.0
    np.testing.assert_allclose(split.X_train.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(split.X_train[:, varying].std(axis=0), 1.0)
    # Undoing the training-part transform on the test part gives back raw pixel values:
    # integers 0 to 16, which a test-fitted transform would not reproduce from these numbers.
    pixels = split.X_test * split.scale + split.mean
    np.testing.assert_allclose(pixels, np.round(pixels), atol=1e-9)
    assert pixels.min() > -1e-9
    assert pixels.max() < 16 + 1e-9
    assert abs(split.X_test.mean()) > 1e-6


def test_constant_pixels_get_scale_one_and_no_division_by_zero(split: DigitsSplit) -> None:
    constant = split.scale == 1.0
    # The top-left pixel is blank in every digit image.
    assert constant[0]
    np.testing.assert_array_equal(split.X_train[:, constant], 0.0)
    assert np.isfinite(split.X_test).all()


def test_digits_split_is_deterministic_per_seed(split: DigitsSplit) -> None:
    again = load_digits_split(seed=0)
    np.testing.assert_array_equal(again.X_train, split.X_train)
    other = load_digits_split(seed=1, test_size=0.5, dtype=np.float32)
    assert other.X_train.dtype == np.float32
    assert other.X_test.shape == (899, 64)
    assert not np.array_equal(other.y_test[:450], split.y_test)


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"test_size": 0.0}, ValueError, "test_size"),
        ({"test_size": 1.5}, ValueError, "test_size"),
        ({"test_size": "half"}, TypeError, "test_size"),
        ({"seed": -1}, ValueError, "seed"),
        ({"dtype": int}, TypeError, "dtype"),
    ],
)
def test_digits_bad_input(kwargs: dict[str, object], error: type[Exception], name: str) -> None:
    with pytest.raises(error, match=name):
        load_digits_split(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("target", "function"),
    [("abs", np.abs), ("sin", lambda x: np.sin(np.pi * x)), ("square", np.square)],
)
def test_regression_targets(target: str, function: Callable[[np.ndarray], np.ndarray]) -> None:
    X, y = make_regression_1d(200, target, seed=3)
    assert X.shape == y.shape == (200, 1)
    assert X.min() >= -1.0
    assert X.max() <= 1.0
    np.testing.assert_allclose(y, function(X))


def test_regression_noise_and_determinism() -> None:
    X, y = make_regression_1d(4000, "abs", noise=0.1, seed=2)
    assert (y - np.abs(X)).std() == pytest.approx(0.1, rel=0.05)
    _, y2 = make_regression_1d(4000, "abs", noise=0.1, seed=2)
    np.testing.assert_array_equal(y, y2)
    assert make_regression_1d(5, dtype=np.float32)[0].dtype == np.float32


def test_blobs_are_balanced_and_centred_on_a_circle() -> None:
    X, y = make_blobs(3000, 4, n_features=3, spread=0.5, seed=1)
    assert X.shape == (3000, 3)
    np.testing.assert_array_equal(np.bincount(y), [750] * 4)
    centres = np.array([X[y == c].mean(axis=0) for c in range(4)])
    np.testing.assert_allclose(centres, [[3, 0, 0], [0, 3, 0], [-3, 0, 0], [0, -3, 0]], atol=0.1)


@pytest.mark.parametrize(
    ("call", "error", "name"),
    [
        (lambda: make_regression_1d(0), ValueError, "n_samples"),
        (lambda: make_regression_1d(10, "cubic"), ValueError, "target"),
        (lambda: make_regression_1d(10, noise=-1.0), ValueError, "noise"),
        (lambda: make_blobs(10, 1), ValueError, "n_classes"),
        (lambda: make_blobs(10, 3, n_features=1), ValueError, "n_features"),
        (lambda: make_blobs(10, 3, spread=0.0), ValueError, "spread"),
        (lambda: make_blobs(10, 3, seed=1.5), TypeError, "seed"),  # type: ignore[arg-type]
    ],
)
def test_synthetic_bad_input(call: object, error: type[Exception], name: str) -> None:
    with pytest.raises(error, match=name):
        call()  # type: ignore[operator]


@pytest.fixture(scope="module")
def mnist1d() -> DigitsSplit:
    return load_mnist1d()


def test_mnist1d_has_the_published_shape(mnist1d: DigitsSplit) -> None:
    assert mnist1d.X_train.shape == (4000, 40)
    assert mnist1d.X_test.shape == (1000, 40)
    assert set(np.unique(mnist1d.y_train)) == set(range(10))
    assert set(np.unique(mnist1d.y_test)) == set(range(10))
    assert mnist1d.y_train.dtype == np.int64


def test_mnist1d_is_standardised_on_its_training_part(mnist1d: DigitsSplit) -> None:
    np.testing.assert_allclose(mnist1d.X_train.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(mnist1d.X_train.std(axis=0), 1.0, rtol=1e-12)
    assert np.abs(mnist1d.X_test.mean(axis=0)).max() > 1e-6


def test_mnist1d_leaves_the_global_random_generators_alone() -> None:
    random.seed(7)
    np.random.seed(7)  # noqa: NPY002 - the legacy generator is what is being guarded
    expected = (random.random(), np.random.random())  # noqa: NPY002
    random.seed(7)
    np.random.seed(7)  # noqa: NPY002
    load_mnist1d(num_samples=50)
    assert (random.random(), np.random.random()) == expected  # noqa: NPY002


def test_mnist1d_is_deterministic_per_seed() -> None:
    first, again = load_mnist1d(num_samples=100), load_mnist1d(num_samples=100)
    other = load_mnist1d(num_samples=100, seed=1)
    np.testing.assert_array_equal(first.X_train, again.X_train)
    assert not np.array_equal(first.X_train, other.X_train)


def test_mnist1d_never_downloads(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("load_mnist1d tried to download")

    monkeypatch.setattr("requests.get", refuse)
    assert load_mnist1d(num_samples=20, dtype=np.float32).X_train.dtype == np.float32


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"num_samples": 5}, ValueError, "num_samples"),
        ({"num_samples": 1.5}, TypeError, "num_samples"),
        ({"seed": -1}, ValueError, "seed"),
        ({"dtype": np.int32}, TypeError, "dtype"),
    ],
)
def test_mnist1d_bad_input(kwargs: dict[str, object], error: type[Exception], name: str) -> None:
    with pytest.raises(error, match=name):
        load_mnist1d(**kwargs)  # type: ignore[arg-type]


def test_load_split_makes_each_data_set_once_and_keeps_it_unchanged() -> None:
    mnist = load_split("mnist1d")
    assert load_split("mnist1d") is mnist
    assert mnist.X_train.shape == (4000, 40)
    assert np.array_equal(mnist.X_train, load_mnist1d().X_train)
    assert np.array_equal(load_split("digits").X_test, load_digits_split().X_test)
    with pytest.raises(ValueError, match="read-only"):
        mnist.X_train[0, 0] = 1.0
    with pytest.raises(ValueError, match="data"):
        load_split("mnist")
    assert set(DATA_SETS) == {"digits", "mnist1d"}
