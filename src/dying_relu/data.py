"""Data for the experiments: the UCI handwritten digits, and small synthetic sets.

The digits (Alpaydin and Kaynak 1998; 1797 images of 8x8 pixels with 16 grey levels, ten
classes) are read from the copy that scikit-learn installs with itself, so nothing is
downloaded.  The synthetic sets give demonstrations a setting whose answer is known.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

from ._typing import FloatArray
from ._validation import choice, floating_dtype, non_negative_real, positive_int
from ._validation import seed as checked_seed

__all__ = [
    "REGRESSION_TARGETS",
    "DigitsSplit",
    "load_digits_split",
    "make_blobs",
    "make_regression_1d",
]


#: Target functions known to :func:`make_regression_1d`.
REGRESSION_TARGETS = ("abs", "sin", "square")


@dataclass(frozen=True, eq=False)
class DigitsSplit:
    """A standardised train/test split of the digits.

    Attributes
    ----------
    X_train, X_test : numpy.ndarray, shape (n, 64)
        Standardised pixel intensities.
    y_train, y_test : numpy.ndarray of int64, shape (n,)
        Digit labels 0 to 9.
    mean, scale : numpy.ndarray, shape (64,)
        The standardisation fitted on the training part: ``X = (pixels - mean) / scale``.
    """

    X_train: FloatArray
    X_test: FloatArray
    y_train: NDArray[np.int64]
    y_test: NDArray[np.int64]
    mean: FloatArray
    scale: FloatArray

    @property
    def n_classes(self) -> int:
        """Number of classes (10)."""
        return 10


def load_digits_split(
    test_size: float = 0.25, seed: int = 0, dtype: DTypeLike = np.float64
) -> DigitsSplit:
    """The UCI digits, split into stratified train and test parts and standardised.

    The split is ``sklearn.model_selection.train_test_split`` with ``stratify`` on the
    labels, so both parts keep the class proportions, and ``random_state=seed``, so it is the
    same on every call.  Each pixel is then centred and scaled by its mean and standard
    deviation **on the training part only**, so that nothing about the test images leaks into
    training.  Pixels that are constant on the training part (some border pixels are always
    blank) have standard deviation 0; they are given scale 1 instead, which leaves them at 0
    on the training part rather than dividing by zero.

    Parameters
    ----------
    test_size : float
        Fraction of the 1797 images held out for testing, strictly between 0 and 1.
    seed : int
        Seed of the split.
    dtype : numpy floating dtype
        Dtype of the images.

    Returns
    -------
    DigitsSplit

    Examples
    --------
    >>> import numpy as np
    >>> split = load_digits_split()
    >>> split.X_train.shape, split.X_test.shape
    ((1347, 64), (450, 64))
    >>> bool(np.allclose(split.X_train.mean(axis=0), 0.0))
    True
    >>> ratio = np.bincount(split.y_test) / np.bincount(split.y_train)
    >>> bool(np.all(np.abs(ratio - 1 / 3) < 0.02))
    True
    """
    fraction: Any = test_size
    if isinstance(fraction, bool) or not isinstance(fraction, numbers.Real):
        raise TypeError(
            f"test_size must be a number between 0 and 1, got {type(fraction).__name__}"
        )
    if not 0.0 < float(test_size) < 1.0:
        raise ValueError(f"test_size must lie strictly between 0 and 1, got {test_size}")
    seed = checked_seed(seed)
    out_dtype = floating_dtype(dtype, "dtype")

    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    images, labels = load_digits(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(
        images, labels, test_size=float(test_size), random_state=seed, stratify=labels
    )
    mean = x_train.mean(axis=0)
    scale = x_train.std(axis=0)
    scale[scale == 0.0] = 1.0
    return DigitsSplit(
        X_train=((x_train - mean) / scale).astype(out_dtype),
        X_test=((x_test - mean) / scale).astype(out_dtype),
        y_train=y_train.astype(np.int64),
        y_test=y_test.astype(np.int64),
        mean=mean.astype(out_dtype),
        scale=scale.astype(out_dtype),
    )


def make_regression_1d(
    n_samples: int = 128,
    target: str = "abs",
    *,
    noise: float = 0.0,
    seed: int = 0,
    dtype: DTypeLike = np.float64,
) -> tuple[FloatArray, FloatArray]:
    """Points ``x`` uniform on [-1, 1] and a known function of them, optionally noisy.

    Parameters
    ----------
    n_samples : int
        Number of points.
    target : {"abs", "sin", "square"}
        :math:`|x|` (the function Lu et al. 2020 fit with deep, narrow ReLU networks),
        :math:`\\sin(\\pi x)` or :math:`x^2`.
    noise : float
        Standard deviation of Gaussian noise added to the targets, >= 0.
    seed : int
        Seed of the points and the noise.
    dtype : numpy floating dtype
        Dtype of the result.

    Returns
    -------
    X : numpy.ndarray, shape (n_samples, 1)
    y : numpy.ndarray, shape (n_samples, 1)

    Examples
    --------
    >>> X, y = make_regression_1d(5, "abs", seed=0)
    >>> X.shape, bool((y == abs(X)).all())
    ((5, 1), True)
    """
    n_samples = positive_int(n_samples, "n_samples")
    target = choice(target, "target", REGRESSION_TARGETS)
    noise = non_negative_real(noise, "noise")
    rng = np.random.default_rng(checked_seed(seed))
    out_dtype = floating_dtype(dtype, "dtype")
    x = rng.uniform(-1.0, 1.0, size=(n_samples, 1))
    if target == "abs":
        y = np.abs(x)
    elif target == "sin":
        y = np.sin(np.pi * x)
    else:
        y = x**2
    if noise > 0.0:
        y = y + rng.normal(0.0, noise, size=y.shape)
    return x.astype(out_dtype), y.astype(out_dtype)


def make_blobs(
    n_samples: int = 300,
    n_classes: int = 3,
    *,
    n_features: int = 2,
    spread: float = 1.0,
    seed: int = 0,
    dtype: DTypeLike = np.float64,
) -> tuple[FloatArray, NDArray[np.int64]]:
    """Gaussian clusters, one per class, with balanced classes.

    Class ``c`` is centred at distance 3 from the origin, in the direction of angle
    :math:`2\\pi c / n_{classes}` in the plane of the first two features (other features are
    pure noise), with isotropic standard deviation ``spread``.  Rows are shuffled.

    Parameters
    ----------
    n_samples : int
        Number of points; class sizes differ by at most one.
    n_classes : int
        Number of classes, at least 2.
    n_features : int
        Number of features, at least 2.
    spread : float
        Standard deviation of each cluster, > 0.
    seed : int
        Seed of the points.
    dtype : numpy floating dtype
        Dtype of ``X``.

    Returns
    -------
    X : numpy.ndarray, shape (n_samples, n_features)
    y : numpy.ndarray of int64, shape (n_samples,)

    Examples
    --------
    >>> import numpy as np
    >>> X, y = make_blobs(7, 3, seed=0)
    >>> X.shape, np.bincount(y)
    ((7, 2), array([3, 2, 2]))
    """
    n_samples = positive_int(n_samples, "n_samples")
    n_classes = positive_int(n_classes, "n_classes")
    n_features = positive_int(n_features, "n_features")
    if n_classes < 2:
        raise ValueError(f"n_classes must be at least 2, got {n_classes}")
    if n_features < 2:
        raise ValueError(f"n_features must be at least 2, got {n_features}")
    spread = non_negative_real(spread, "spread")
    if spread == 0.0:
        raise ValueError("spread must be positive, got 0.0")
    rng = np.random.default_rng(checked_seed(seed))
    out_dtype = floating_dtype(dtype, "dtype")
    labels = rng.permutation(np.arange(n_samples) % n_classes)
    angles = 2.0 * np.pi * labels / n_classes
    centres = np.zeros((n_samples, n_features))
    centres[:, 0], centres[:, 1] = 3.0 * np.cos(angles), 3.0 * np.sin(angles)
    X = centres + rng.normal(0.0, spread, size=centres.shape)
    return X.astype(out_dtype), labels.astype(np.int64)
