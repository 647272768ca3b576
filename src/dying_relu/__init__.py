"""Dying ReLU, an executable reference: activations, a small numpy MLP and the experiments of the site."""

from __future__ import annotations

from importlib.metadata import version as _version

# Every activation function, derivative and mask is exported here; activations.__all__ is the
# one list of them.
from . import activations
from .activations import *
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
    "load_digits_split",
    "train",
]
__all__ += activations.__all__
