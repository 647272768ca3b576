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
from .network import MLP

__version__ = _version("dying-relu")

__all__ = [
    "MLP",
    "__version__",
    "leaky_relu",
    "leaky_relu_derivative",
    "relu",
    "relu_derivative",
    "sigmoid",
    "sigmoid_derivative",
    "tanh",
    "tanh_derivative",
]
