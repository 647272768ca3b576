"""The Keras recipe against a direct computation (``nox -s interop``, Keras on JAX)."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras", reason="Keras is not installed; nox -s interop runs these")

# The recipe can only be imported once Keras is known to be there.
import keras_activations

from dying_relu.detector import Detector


def _model() -> keras.Model:
    keras.utils.set_random_seed(0)
    return keras.Sequential([
        keras.Input((6, 6, 1)),
        keras.layers.Conv2D(4, 3, activation="relu", name="conv"),
        keras.layers.Flatten(),
        keras.layers.Dense(12, name="dense"),
        keras.layers.LeakyReLU(negative_slope=0.2, name="leaky"),
        keras.layers.Dense(8, activation="relu", name="hidden"),
        keras.layers.Dense(3, name="logits"),
    ])  # fmt: skip


def test_the_sub_model_outputs_each_rectifier_by_name() -> None:
    probe = keras_activations.activation_model(_model())
    assert sorted(probe.output) == ["conv", "hidden", "leaky"]


@pytest.mark.parametrize("size", [1, 16, 40])
def test_streamed_detector_equals_the_whole_set(size: int) -> None:
    model = _model()
    model.get_layer("conv").bias.assign(np.array([-100.0, 0.0, 0.0, -100.0], dtype="float32"))
    probe = keras_activations.activation_model(model)
    data = np.random.default_rng(0).normal(size=(40, 6, 6, 1)).astype("float32")
    detector = Detector(channel_axis=-1)
    for start in range(0, len(data), size):
        outputs = probe(data[start : start + size])
        detector.update({name: np.asarray(value) for name, value in outputs.items()})
    report = detector.report()
    whole = {name: np.asarray(value) for name, value in probe(data).items()}
    np.testing.assert_array_equal(report["conv"].dead, ~(whole["conv"] > 0).any(axis=(0, 1, 2)))
    assert report["conv"].dead.tolist() == [True, False, False, True]
    assert report["conv"].positions == 16
    for name in ("leaky", "hidden"):
        np.testing.assert_array_equal(report[name].dead, ~(whole[name] > 0).any(axis=0))
        np.testing.assert_allclose(report[name].mean_abs, np.abs(whole[name]).mean(axis=0),
                                   rtol=1e-5)  # fmt: skip
