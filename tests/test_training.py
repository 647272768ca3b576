"""Tests of the training loop: learning, determinism, ensembles, divergence, the record."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from dying_relu import MLP, SGD, Adam, DivergenceError, train
from dying_relu.data import make_blobs, make_regression_1d

if TYPE_CHECKING:
    from conftest import DivergingRun


@pytest.fixture(scope="module")
def blobs() -> tuple[np.ndarray, np.ndarray]:
    return make_blobs(120, 3, seed=0)


def test_classification_learns(blobs: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = blobs
    net = MLP([2, 16, 3], seed=0)
    history = train(net, X, y, loss="cross_entropy", optimizer=SGD(0.2), epochs=10, batch_size=20)
    assert history.accuracy is not None
    assert history.accuracy[0] < 0.7
    assert history.accuracy[-1] > 0.95
    assert history.loss[-1] < 0.5 * history.loss[0]
    # The record is measured on the trained network itself.
    assert history.loss[-1] == pytest.approx(float(net.loss_and_grads(X, y, "cross_entropy")[0]))


def test_regression_learns() -> None:
    X, y = make_regression_1d(64, "square", seed=1)
    net = MLP([1, 16, 16, 1], "tanh", seed=0)
    history = train(net, X, y, loss="mse", optimizer=Adam(0.01), steps=300, batch_size=16)
    assert history.accuracy is None
    assert history.loss[-1] < 0.1 * history.loss[0]


def test_record_points(blobs: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = blobs
    # 120 rows in batches of 50: 2 steps per epoch, the last 20 rows of each order left out.
    history = train(
        MLP([2, 4, 3], seed=0), X, y, loss="cross_entropy", optimizer=SGD(0.1), epochs=3,
        batch_size=50,
    )  # fmt: skip
    np.testing.assert_array_equal(history.step, [0, 2, 4, 6])
    history = train(
        MLP([2, 4, 3], seed=0), X, y, loss="cross_entropy", optimizer=SGD(0.1), steps=10,
        batch_size=50, record_every=4,
    )  # fmt: skip
    np.testing.assert_array_equal(history.step, [0, 4, 8, 10])
    assert history.dead_fraction.shape == (4, 1)
    assert history.grad_norm.shape == (4, 2)
    assert history.diverged_at.shape == ()
    assert not history.diverged


def _run(seed: Any, optimizer: Any, train_seed: int = 0, **kwargs: Any) -> tuple[MLP, Any]:
    X, y = make_blobs(90, 3, n_features=4, seed=3)
    net = MLP([4, 8, 8, 3], "leaky_relu", seed=seed, **kwargs)
    history = train(
        net, X, y, loss="cross_entropy", optimizer=optimizer, epochs=4, batch_size=16,
        seed=train_seed, X_eval=X[:30], y_eval=y[:30], record_every=3,
    )  # fmt: skip
    return net, history


FIELDS = [
    "loss",
    "accuracy",
    "eval_loss",
    "eval_accuracy",
    "dead_fraction",
    "dead_fraction_overall",
    "grad_norm",
]


def test_same_seed_same_run_other_seed_other_run() -> None:
    net_a, hist_a = _run(1, SGD(0.1))
    net_b, hist_b = _run(1, SGD(0.1))
    for f in FIELDS:
        np.testing.assert_array_equal(getattr(hist_a, f), getattr(hist_b, f))
    for a, b in zip(net_a.params, net_b.params, strict=True):
        np.testing.assert_array_equal(a, b)
    _, hist_c = _run(1, SGD(0.1), train_seed=1)
    assert not np.array_equal(hist_a.loss, hist_c.loss)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    "make",
    [lambda lr: SGD(lr, momentum=0.9), lambda lr: Adam(lr)],
    ids=["momentum", "adam"],
)
def test_ensemble_training_equals_sequential_lone_runs(make: Any, dtype: type) -> None:
    seeds, lrs = [5, 2, 5], [0.05, 0.05, 0.01]
    ensemble, hist = _run(seeds, make(np.array(lrs)), dtype=dtype)
    assert hist.loss.shape == (len(hist.step), 3)
    assert hist.dead_fraction.shape == (len(hist.step), 3, 2)
    assert hist.grad_norm.shape == (len(hist.step), 3, 3)
    for e, (seed, lr) in enumerate(zip(seeds, lrs, strict=True)):
        alone, alone_hist = _run(seed, make(lr), dtype=dtype)
        for stacked, single in zip(ensemble.params, alone.params, strict=True):
            np.testing.assert_array_equal(stacked[e], single)
        for f in FIELDS:
            np.testing.assert_array_equal(getattr(hist, f)[:, e], getattr(alone_hist, f))


def test_divergence_raises_naming_the_step(diverging_run: DivergingRun) -> None:
    with pytest.raises(DivergenceError, match=r"step \d+") as info:
        diverging_run()
    assert isinstance(info.value, FloatingPointError)
    assert info.value.step >= 1
    assert info.value.member is None


def test_divergence_recorded_for_one_member_leaves_the_others_alone(
    diverging_run: DivergingRun,
) -> None:
    settings: dict[str, Any] = {"steps": 60, "record_every": 5}
    ensemble, hist = diverging_run([0, 0], SGD([1e-9, 10.0]), on_divergence="record", **settings)
    assert hist.diverged_at[0] == -1
    first = int(hist.diverged_at[1])
    assert first >= 1
    np.testing.assert_array_equal(hist.diverged, [False, True])
    after = hist.step >= first
    assert np.isnan(hist.loss[after, 1]).all()
    assert np.isnan(hist.dead_fraction[after, 1]).all()
    assert np.isfinite(hist.loss[:, 0]).all()
    assert np.isnan(ensemble.params[0][1]).all()
    alone, alone_hist = diverging_run(0, SGD(1e-9), **settings)
    np.testing.assert_array_equal(hist.loss[:, 0], alone_hist.loss)
    np.testing.assert_array_equal(ensemble.params[2][0], alone.params[2])


def test_divergence_recorded_for_a_single_network_stops_it(diverging_run: DivergingRun) -> None:
    _, hist = diverging_run(record_every=50, on_divergence="record")
    assert hist.diverged
    assert hist.step[-1] == 200
    assert np.isnan(hist.loss[-1])


def test_units_killed_by_a_negative_bias_never_recover_under_relu() -> None:
    # Every first-layer unit has bias -3 and inputs too small to overcome it: the layer is dead
    # on the data, its gradient is exactly zero, and it stays dead however long we train.
    X, y = make_regression_1d(64, "abs", seed=0)
    net = MLP([1, 8, 8, 1], seed=0)
    net.params[1][...] = -3.0
    hist = train(net, X, y, loss="mse", optimizer=SGD(0.05), epochs=20, batch_size=16)
    np.testing.assert_array_equal(hist.dead_fraction[:, 0], 1.0)
    np.testing.assert_array_equal(hist.grad_norm[:, 0], 0.0)
    leaky = MLP([1, 8, 8, 1], "leaky_relu", seed=0)
    leaky.params[1][...] = -3.0
    hist = train(leaky, X, y, loss="mse", optimizer=SGD(0.05), epochs=20, batch_size=16)
    assert (hist.grad_norm[:, 0] > 0.0).all()


def test_progress_bar_only_when_asked(
    blobs: tuple[np.ndarray, np.ndarray], capsys: pytest.CaptureFixture[str]
) -> None:
    X, y = blobs
    kwargs: dict[str, Any] = {"loss": "cross_entropy", "epochs": 2, "batch_size": 40}
    train(MLP([2, 4, 3]), X, y, optimizer=SGD(0.1), **kwargs)
    train(MLP([2, 4, 3]), X, y, optimizer=SGD(0.1), progress=False, **kwargs)
    assert capsys.readouterr().err == ""
    train(MLP([2, 4, 3]), X, y, optimizer=SGD(0.1), progress=True, **kwargs)
    err = capsys.readouterr().err
    assert "6/6" in err
    assert "loss=" in err
    assert err.endswith("\n")


def test_inputs_are_not_modified(blobs: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = blobs
    X_before, y_before = X.copy(), y.copy()
    train(MLP([2, 4, 3]), X, y, loss="cross_entropy", optimizer=SGD(0.1), epochs=1)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"epochs": 1, "steps": 5}, ValueError, "epochs"),
        ({"epochs": None}, ValueError, "epochs"),
        ({"epochs": 0}, ValueError, "epochs"),
        ({"steps": -1, "epochs": None}, ValueError, "steps"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"batch_size": 1000}, ValueError, "batch_size"),
        ({"loss": "hinge"}, ValueError, "loss"),
        ({"optimizer": "sgd"}, TypeError, "optimizer"),
        ({"optimizer": SGD([0.1, 0.2])}, ValueError, "lr"),
        ({"record_every": 0}, ValueError, "record_every"),
        ({"on_divergence": "ignore"}, ValueError, "on_divergence"),
        ({"seed": -3}, ValueError, "seed"),
        ({"progress": "yes"}, TypeError, "progress"),
        ({"X": np.full((120, 2), np.nan)}, ValueError, "X"),
        ({"X": np.ones((120, 3))}, ValueError, "X"),
        ({"y": np.full(120, 3)}, ValueError, "y"),
        ({"y": np.zeros(100, dtype=int)}, ValueError, "y"),
        ({"X_eval": np.ones((5, 2))}, ValueError, "X_eval"),
        ({"X_eval": np.ones((5, 2)), "y_eval": np.full(5, 7)}, ValueError, "y_eval"),
        ({"net": "net"}, TypeError, "net"),
    ],
)
def test_bad_input_raises_before_training(
    blobs: tuple[np.ndarray, np.ndarray], kwargs: dict[str, Any], error: type[Exception], name: str
) -> None:
    X, y = blobs
    net = MLP([2, 4, 3], seed=0)
    before = [p.copy() for p in net.params]
    args: dict[str, Any] = {
        "net": net, "X": X, "y": y, "loss": "cross_entropy", "optimizer": SGD(0.1), "epochs": 1,
    }  # fmt: skip
    args.update(kwargs)
    with pytest.raises(error, match=name):
        train(args.pop("net"), args.pop("X"), args.pop("y"), **args)
    for p, b in zip(net.params, before, strict=True):
        np.testing.assert_array_equal(p, b)


def test_ensemble_needs_shared_training_data(blobs: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = blobs
    ensemble = MLP([2, 4, 3], seed=[0, 1])
    with pytest.raises(ValueError, match="X"):
        train(ensemble, np.stack([X, X]), y, loss="cross_entropy", optimizer=SGD(0.1), epochs=1)
    with pytest.raises(ValueError, match="y"):
        train(ensemble, X, np.stack([y, y]), loss="cross_entropy", optimizer=SGD(0.1), epochs=1)


def test_progress_writes_to_a_terminal_like_stream(
    blobs: tuple[np.ndarray, np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    X, y = blobs

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    train(MLP([2, 4, 3]), X, y, loss="cross_entropy", optimizer=SGD(0.1), epochs=1)
    assert "3/3" in terminal.getvalue()


def test_progress_survives_a_fully_diverged_ensemble(
    diverging_run: DivergingRun, capsys: pytest.CaptureFixture[str]
) -> None:
    _, hist = diverging_run([0, 1], steps=50, on_divergence="record", progress=True)
    assert hist.diverged.all()
    err = capsys.readouterr().err
    assert "0/50" in err
    assert err.endswith("\n")
