"""The JAX recipe against a direct computation in jax.numpy (``nox -s interop``)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

jax = pytest.importorskip("jax", reason="JAX is not installed; nox -s interop runs these")

# The recipe can only be imported once JAX is known to be there.
import jax.numpy as jnp
import jax_activations


def _params(key: jax.Array, sizes: list[int]) -> jax_activations.Params:
    params = []
    for fan_in, fan_out in itertools.pairwise(sizes):
        key, sub = jax.random.split(key)
        weights = jax.random.normal(sub, (fan_in, fan_out)) * jnp.sqrt(2.0 / fan_in)
        params.append((weights, jnp.zeros(fan_out)))
    return params


@pytest.mark.parametrize("size", [1, 13, 60])
def test_streamed_detector_equals_jax_on_the_whole_set(size: int) -> None:
    params = _params(jax.random.key(0), [5, 16, 16, 2])
    weights, bias = params[1]
    params[1] = (weights, bias.at[:6].set(-100.0))  # six units of the second layer die
    data = np.asarray(jax.random.normal(jax.random.key(1), (60, 5)))
    batches = [data[start : start + size] for start in range(0, len(data), size)]
    report = jax_activations.detect(params, batches).report()
    _, hidden = jax_activations.mlp(params, jnp.asarray(data))
    assert list(report) == ["dense 1", "dense 2"]
    for name, values in hidden.items():
        np.testing.assert_array_equal(report[name].dead, np.asarray(~(values > 0).any(0)))
        np.testing.assert_allclose(report[name].mean_abs, np.asarray(jnp.abs(values).mean(0)),
                                   rtol=1e-5)  # fmt: skip
    assert report["dense 2"].dead[:6].all()
