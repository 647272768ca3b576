"""The detector against a direct computation on the whole data, however it is streamed."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dying_relu import MLP, SGD, dead_units, train
from dying_relu.data import make_blobs
from dying_relu.detector import Detector, LayerReport, dormant_scores


def _direct(acts: np.ndarray, tau: float) -> dict[str, np.ndarray]:
    """Every number of a dense layer, computed on all rows at once."""
    mean_abs = np.abs(acts).mean(axis=0)
    return {
        "dead": ~(acts > 0).any(axis=0),
        "firing": (acts > 0).mean(axis=0),
        "mean_abs": mean_abs,
        "dormant": mean_abs / mean_abs.mean() <= tau,
        "maximum": acts.max(axis=0),
    }


def _layer(seed: int = 0, rows: int = 17) -> np.ndarray:
    """ReLU outputs of 6 units: one dead, one firing on a single row, one very quiet."""
    rng = np.random.default_rng(seed)
    acts = np.maximum(rng.normal(size=(rows, 6)), 0.0)
    acts[:, 0] = 0.0
    acts[:, 1] = 0.0
    acts[rows // 2, 1] = 3.0
    acts[:, 2] *= 1e-3
    return acts


def _streamed(acts: np.ndarray, size: int, name: str = "h") -> LayerReport:
    detector = Detector()
    for start in range(0, acts.shape[0], size):
        detector.update({name: acts[start : start + size]})
    return detector.report()[name]


@pytest.mark.parametrize("size", range(1, 18))
def test_streaming_in_any_batch_size_equals_the_direct_computation(size: int) -> None:
    acts = _layer()
    expected = _direct(acts, tau=0.1)
    report = _streamed(acts, size)
    np.testing.assert_array_equal(report.dead, expected["dead"])
    np.testing.assert_array_equal(report.firing_share, expected["firing"])
    np.testing.assert_allclose(report.mean_abs, expected["mean_abs"], rtol=1e-12)
    np.testing.assert_array_equal(report.maximum, expected["maximum"])
    np.testing.assert_array_equal(report.dormant(0.1), expected["dormant"])
    assert report.n_inputs == 17
    assert report.dead.tolist() == [True, False, False, False, False, False]
    assert report.dormant(0.1)[:3].tolist() == [True, False, True]


@given(
    acts=hnp.arrays(
        np.float64, hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=12),
        elements=st.floats(-5, 5),
    ),
    size=st.integers(1, 12),
)  # fmt: skip
def test_any_activations_and_batching_agree_with_the_direct_computation(
    acts: np.ndarray, size: int
) -> None:
    report = _streamed(acts, size)
    np.testing.assert_array_equal(report.dead, ~(acts > 0).any(axis=0))
    np.testing.assert_array_equal(report.firing_share, (acts > 0).mean(axis=0))
    np.testing.assert_allclose(report.mean_abs, np.abs(acts).mean(axis=0), atol=1e-12)


@pytest.mark.parametrize(("layout", "axis"), [("NCHW", 1), ("NHWC", -1)])
def test_a_channel_of_a_feature_map_is_the_unit(layout: str, axis: int) -> None:
    rng = np.random.default_rng(1)
    maps = np.maximum(rng.normal(size=(5, 3, 4, 4)), 0.0)  # NCHW
    maps[:, 0] = 0.0  # channel 0 silent everywhere
    maps[:, 1] = 0.0
    maps[2, 1, 3, 3] = 1.0  # channel 1 fires at one position of one input
    values = maps if layout == "NCHW" else np.moveaxis(maps, 1, -1)
    detector = Detector(channel_axis=axis)
    detector.update({"conv": values[:2]})
    detector.update({"conv": values[2:]})
    report = detector.report()["conv"]
    assert report.positions == 16
    assert report.dead.tolist() == [True, False, False]
    np.testing.assert_allclose(report.firing_share, [0.0, 0.2, (maps[:, 2] > 0).any((1, 2)).mean()])
    np.testing.assert_allclose(report.mean_abs, maps.mean(axis=(0, 2, 3)))
    assert "of 3 channels dead" in report.summary()


@pytest.mark.parametrize("size", [1, 37, 300])
def test_feature_maps_larger_than_a_block_are_counted_whole(size: int) -> None:
    # 300 inputs of 3 x 16 x 16 hold more elements than the detector handles at once.
    maps = np.random.default_rng(4).normal(size=(300, 3, 16, 16)).astype(np.float32)
    maps[:, 0] = -np.abs(maps[:, 0])
    maps[299, 0, 15, 15] = 2.0  # fires once, at the very end
    detector = Detector(channel_axis=1)
    for start in range(0, 300, size):
        detector.update({"conv": maps[start : start + size]})
    report = detector.report()["conv"]
    np.testing.assert_array_equal(report.firing_share, (maps > 0).any(axis=(2, 3)).mean(axis=0))
    np.testing.assert_allclose(report.mean_abs, np.abs(maps).mean(axis=(0, 2, 3), dtype=float),
                               rtol=1e-6)  # fmt: skip
    np.testing.assert_array_equal(report.maximum, maps.max(axis=(0, 2, 3)))
    assert report.firing_share[0] == 1 / 300


def test_for_relu_dormant_at_tau_zero_is_dead_and_leaky_dead_units_need_not_be_dormant() -> None:
    z = np.random.default_rng(2).normal(size=(50, 4))
    z[:, 0] = -np.abs(z[:, 0])  # never above zero
    detector = Detector()
    detector.update({"relu": np.maximum(z, 0.0), "leaky": np.where(z > 0, z, 0.2 * z)})
    relu, leaky = detector.report()["relu"], detector.report()["leaky"]
    np.testing.assert_array_equal(relu.dormant(0.0), relu.dead)
    assert relu.dead[0]
    assert leaky.dead[0]
    assert not leaky.dormant(0.0)[0]


def test_the_detector_finds_what_the_network_diagnostics_find() -> None:
    X, y = make_blobs(200, seed=0)
    net = MLP([2, 16, 16, 3], seed=3, bias=-1.0)
    train(net, X, y, loss="cross_entropy", optimizer=SGD(0.5),
          epochs=3, progress=False)  # fmt: skip
    _, z = net.forward(X, record=True)
    detector = Detector()
    for start in range(0, len(X), 64):
        detector.update({f"layer {i}": np.maximum(zi[start : start + 64], 0) for i, zi in
                         enumerate(z)})  # fmt: skip
    for i, mask in enumerate(dead_units(net, X)):
        np.testing.assert_array_equal(detector.report()[f"layer {i}"].dead, mask)


def test_the_summary_counts_dead_and_dormant_units() -> None:
    report = _streamed(_layer(), 5, name="fc2")
    assert report.summary(tau=0.1) == (
        "fc2: 1 of 6 units dead (16.7 %), 2 dormant at tau = 0.1 (33.3 %), over 17 inputs"
    )


def test_dormant_scores_average_to_one_and_ignore_the_scale() -> None:
    means = np.array([0.0, 0.5, 1.0, 4.5])
    scores = dormant_scores(means)
    assert scores.mean() == pytest.approx(1.0)
    np.testing.assert_allclose(dormant_scores(means * 1e6), scores)
    np.testing.assert_array_equal(dormant_scores(np.zeros(3)), np.zeros(3))
    expected = np.array([[0.5, 1.5], [1.0, 1.0]])
    np.testing.assert_allclose(dormant_scores([[1.0, 3.0], [2.0, 2.0]]), expected)


@pytest.mark.parametrize("bad", [[-1.0, 1.0], [np.nan, 1.0], [], 3.0])
def test_dormant_scores_refuse_what_is_not_a_mean_of_absolute_values(bad: object) -> None:
    with pytest.raises(ValueError, match="mean_abs"):
        dormant_scores(bad)  # type: ignore[arg-type]


def test_infinite_activations_follow_ieee_rules() -> None:
    detector = Detector()
    detector.update({"h": np.array([[np.inf, 1.0, -np.inf]])})
    report = detector.report()["h"]
    assert report.dead.tolist() == [False, False, True]
    assert np.isnan(report.scores[0])
    assert report.scores[1] == 0.0


@pytest.mark.parametrize(
    ("batch", "error", "message"),
    [
        ([[1.0, 2.0], [3.0]], TypeError, r"layer 'h', batch 1: activations must be an array"),
        (np.array([[np.nan, 1.0]]), ValueError, r"layer 'h', batch 1: NaN activations"),
        (np.ones((2, 3)), ValueError, r"layer 'h', batch 1: activations of shape \(2, 3\)"),
        (np.ones(2), ValueError, r"layer 'h', batch 1: activations need a batch axis"),
        (np.array([["a", "b"]]), TypeError, r"layer 'h', batch 1: activations must be real"),
        (np.ones((2, 2), dtype=complex), TypeError, "must be real numbers"),
        (np.ones((2, 0)), ValueError, r"layer 'h', batch 1: activations of shape \(2, 0\) hold no"),
    ],
)
def test_bad_batches_are_refused_naming_the_layer_and_batch(
    batch: object, error: type[Exception], message: str
) -> None:
    detector = Detector()
    detector.update({"h": np.ones((3, 2)), "g": np.ones((3, 1))})
    with pytest.raises(error, match=message):
        detector.update({"g": np.ones((1, 1)), "h": batch})  # type: ignore[dict-item]
    # A refused batch adds nothing, not even to the layers that passed.
    assert detector.report()["g"].n_inputs == 3


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(TypeError, match="activations must map"):
        Detector().update([np.ones((2, 2))])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="channel_axis"):
        Detector(channel_axis=1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="channel_axis 0"):
        Detector(channel_axis=0).update({"c": np.ones((2, 3, 4, 4))})
    with pytest.raises(ValueError, match="tau"):
        _streamed(_layer(), 4).dormant(-0.1)
