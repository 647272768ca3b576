"""A Keras sub-model that outputs every ReLU and Leaky ReLU activation of a model, by layer name.

It catches layers whose ``activation`` is ReLU or Leaky ReLU (``Dense(64, activation="relu")``,
``Conv2D(...)``) and the activation layers ``ReLU`` and ``LeakyReLU``.  Keras stores feature
maps channels last, so a detector for convolutional layers needs ``channel_axis=-1``.
"""

from __future__ import annotations

import keras

RECTIFIERS = (keras.activations.relu, keras.activations.leaky_relu)


def is_rectifier(layer: keras.layers.Layer) -> bool:
    """Whether the layer's output is a ReLU or Leaky ReLU activation."""
    if isinstance(layer, keras.layers.ReLU | keras.layers.LeakyReLU):
        return True
    return getattr(layer, "activation", None) in RECTIFIERS


def activation_model(model: keras.Model) -> keras.Model:
    """A model with the same inputs whose outputs are the rectifiers' activations, by name."""
    outputs = {layer.name: layer.output for layer in model.layers if is_rectifier(layer)}
    # A model of one input is called with one array, not a list of one.
    inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs
    return keras.Model(inputs=inputs, outputs=outputs)
