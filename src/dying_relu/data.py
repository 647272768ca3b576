"""Data for the experiments: the UCI handwritten digits, MNIST-1D, and small synthetic sets.

The digits (Alpaydin and Kaynak 1998; 1797 images of 8x8 pixels with 16 grey levels, ten
classes) are read from the copy that scikit-learn installs with itself, so nothing is
downloaded.  MNIST-1D (Greydanus and Kobak 2024; ten one-dimensional digit templates,
shifted, scaled, sheared and made noisy into signals of 40 values) is generated from the
templates of the ``mnist1d`` package, never downloaded.  The synthetic sets give
demonstrations a setting whose answer is known.
"""

from __future__ import annotations

import functools
import numbers
import random
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

from ._typing import FloatArray
from ._validation import choice, floating_dtype, non_negative_real, positive_int
from ._validation import seed as checked_seed

__all__ = [
    "DATA_SETS",
    "REGRESSION_TARGETS",
    "DigitsSplit",
    "load_digits_split",
    "load_mnist1d",
    "load_split",
    "make_blobs",
    "make_regression_1d",
]

#: The classification data sets an experiment can run on, by name, with what the pages call
#: them: the UCI digits (:func:`load_digits_split`) and MNIST-1D (:func:`load_mnist1d`), each
#: with its defaults.
DATA_SETS = {"digits": "the digits", "mnist1d": "MNIST-1D"}


#: Target functions known to :func:`make_regression_1d`.
REGRESSION_TARGETS = ("abs", "sin", "square")


@dataclass(frozen=True, eq=False)
class DigitsSplit:
    """A standardised train/test split of a digits data set.

    Attributes
    ----------
    X_train, X_test : numpy.ndarray, shape (n, d)
        Standardised inputs: ``d = 64`` pixel intensities for the UCI digits, ``d = 40``
        signal values for MNIST-1D.
    y_train, y_test : numpy.ndarray of int64, shape (n,)
        Digit labels 0 to 9.
    mean, scale : numpy.ndarray, shape (d,)
        The standardisation fitted on the training part: ``X = (inputs - mean) / scale``.
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
    return _standardised(x_train, x_test, y_train, y_test, out_dtype)


def load_mnist1d(
    num_samples: int = 5000, seed: int = 42, dtype: DTypeLike = np.float64
) -> DigitsSplit:
    """MNIST-1D (Greydanus and Kobak 2024), generated offline and standardised.

    The signals are made by ``mnist1d.data.make_dataset`` from the package's own templates,
    with the package's default settings (``get_dataset_args``) but for ``num_samples`` and
    ``seed``; with the defaults this is the published data set: 4000 training and 1000 test
    signals of 40 values, ten classes.  ``mnist1d``'s own loader, which downloads a copy, is
    never called.  The generator seeds Python's and numpy's global random generators; their
    states are put back afterwards, so loading the data changes no other random stream.  The
    generator centres and scales the whole set by one mean and deviation; each of the 40
    positions is then standardised on the training part, as :func:`load_digits_split` does.

    Parameters
    ----------
    num_samples : int
        Number of signals, at least 10; 80 % of them (rounded down) are for training, as in
        ``mnist1d``.
    seed : int
        Seed of the generator.
    dtype : numpy floating dtype
        Dtype of the signals.

    Returns
    -------
    DigitsSplit

    Examples
    --------
    >>> import numpy as np
    >>> split = load_mnist1d()
    >>> split.X_train.shape, split.X_test.shape
    ((4000, 40), (1000, 40))
    >>> int(np.bincount(split.y_test).min()) > 80
    True
    """
    samples = positive_int(num_samples, "num_samples")
    if samples < 10:
        raise ValueError(f"num_samples must be at least 10 (one per class), got {samples}")
    seed = checked_seed(seed)
    out_dtype = floating_dtype(dtype, "dtype")

    from mnist1d.data import get_dataset_args, make_dataset

    settings = get_dataset_args()
    settings.num_samples, settings.seed = samples, seed
    # mnist1d draws from the legacy global generators, which only their own state calls save.
    python_state, numpy_state = random.getstate(), np.random.get_state()  # noqa: NPY002
    try:
        generated = make_dataset(settings)
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)  # noqa: NPY002
    return _standardised(
        generated["x"], generated["x_test"], generated["y"], generated["y_test"], out_dtype
    )


def _standardised(
    x_train: NDArray[Any], x_test: NDArray[Any], y_train: Any, y_test: Any, dtype: np.dtype[Any]
) -> DigitsSplit:
    """The split with each input centred and scaled on the training part only.

    An input constant on the training part has deviation 0; it gets scale 1 instead, which
    leaves it at 0 there rather than dividing by zero.
    """
    mean = x_train.mean(axis=0)
    scale = x_train.std(axis=0)
    scale[scale == 0.0] = 1.0
    return DigitsSplit(
        X_train=((x_train - mean) / scale).astype(dtype),
        X_test=((x_test - mean) / scale).astype(dtype),
        y_train=np.asarray(y_train, dtype=np.int64),
        y_test=np.asarray(y_test, dtype=np.int64),
        mean=mean.astype(dtype),
        scale=scale.astype(dtype),
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


def load_split(name: str) -> DigitsSplit:
    """The data set ``name`` (a key of ``DATA_SETS``) with its loader's defaults, in float64.

    Made once per process and then shared: MNIST-1D takes a second to generate, and the
    experiments of a page load their data many times.  The arrays are not to be changed.

    Examples
    --------
    >>> load_split("mnist1d").X_train.shape, load_split("digits") is load_split("digits")
    ((4000, 40), True)
    """
    return _load_split(choice(name, "data", tuple(DATA_SETS)))


@functools.cache
def _load_split(name: str) -> DigitsSplit:
    split = load_digits_split() if name == "digits" else load_mnist1d()
    for array in (split.X_train, split.X_test, split.y_train, split.y_test):
        array.setflags(write=False)
    return split
