"""A JAX network that returns its hidden activations beside its output.

JAX functions are pure, so nothing can be hooked: the forward function returns what is to be
inspected, here a dict of the hidden activations by name.  (With Flax, ``Module.sow`` or
``capture_intermediates=True`` gives the same dict.)
"""

from __future__ import annotations

from collections.abc import Iterable

import jax
import jax.numpy as jnp
import numpy as np

from dying_relu.detector import Detector

Params = list[tuple[jax.Array, jax.Array]]


def mlp(params: Params, x: jax.Array) -> tuple[jax.Array, dict[str, jax.Array]]:
    """Logits of a ReLU MLP, and the activations of its hidden layers by name."""
    hidden = {}
    for index, (weights, bias) in enumerate(params[:-1]):
        x = jax.nn.relu(x @ weights + bias)
        hidden[f"dense {index + 1}"] = x
    weights, bias = params[-1]
    return x @ weights + bias, hidden


forward = jax.jit(mlp)


def detect(params: Params, batches: Iterable[np.ndarray]) -> Detector:
    """Stream the batches through the network into a detector."""
    detector = Detector()
    for batch in batches:
        _, hidden = forward(params, jnp.asarray(batch))
        detector.update({name: np.asarray(values) for name, values in hidden.items()})
    return detector
