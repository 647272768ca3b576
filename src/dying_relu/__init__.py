"""Dying ReLU, an executable reference: activations, a small numpy MLP and the experiments of the site."""

from __future__ import annotations

from importlib.metadata import version as _version

from .activations import (
    leaky_relu,
    leaky_relu_derivative,
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    tanh,
    tanh_derivative,
)
from .born_dead import BornDeadEstimate, born_dead_probability, born_dead_probability_exact
from .data import load_digits_split
from .diagnostics import dead_fraction, dead_units
from .network import MLP
from .optim import SGD, Adam
from .training import DivergenceError, History, train

__version__ = _version("dying-relu")

__all__ = [
    "MLP",
    "SGD",
    "Adam",
    "BornDeadEstimate",
    "DivergenceError",
    "History",
    "__version__",
    "born_dead_probability",
    "born_dead_probability_exact",
    "dead_fraction",
    "dead_units",
    "leaky_relu",
    "leaky_relu_derivative",
    "load_digits_split",
    "relu",
    "relu_derivative",
    "sigmoid",
    "sigmoid_derivative",
    "tanh",
    "tanh_derivative",
    "train",
]
