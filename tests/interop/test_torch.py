"""The PyTorch recipe against a direct computation in torch (``nox -s interop``)."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is not installed; nox -s interop runs these")

# The recipe and torch itself can only be imported once torch is known to be there.

import torch_activations
from torch import nn
from torch.nn import functional as F

from dying_relu.detector import Detector


class SmallCNN(nn.Module):
    """Parameterless activation modules, and functional calls in forward."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, 3, padding=1), nn.ReLU(), nn.Conv2d(6, 8, 3, padding=1), nn.ReLU()
        )
        self.head = Head()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(F.max_pool2d(self.features(x), 2).flatten(1))


class Head(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc1, self.fc2, self.out = nn.Linear(128, 32), nn.Linear(32, 16), nn.Linear(16, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.fc1(x))
        x = torch.relu(self.fc2(x))
        return self.out(x)


def _mlp() -> nn.Module:
    return nn.Sequential(
        nn.Linear(10, 24), nn.LeakyReLU(0.1), nn.Linear(24, 24), nn.ReLU(inplace=True),
        nn.Linear(24, 2),
    )  # fmt: skip


def _streamed(model: nn.Module, data: torch.Tensor, size: int) -> Detector:
    return torch_activations.detect(model, torch.split(data, size))


def _direct(output: torch.Tensor) -> dict[str, np.ndarray]:
    """Dead, firing share and mean |h| per unit (channel), computed on all of ``output``."""
    fires = (output > 0).flatten(2).any(2) if output.dim() > 2 else output > 0
    magnitude = output.abs().flatten(2).mean(2) if output.dim() > 2 else output.abs()
    return {
        "dead": (~fires.any(0)).numpy(),
        "firing": fires.double().mean(0).numpy(),
        "mean_abs": magnitude.double().mean(0).numpy(),
    }


def test_the_recipe_finds_modules_and_functional_calls_by_name() -> None:
    torch.manual_seed(0)
    outputs = torch_activations.rectifier_outputs(SmallCNN(), torch.randn(4, 1, 8, 8))
    assert set(outputs) == {"features.1", "features.3", "head/relu#0", "head/relu#1"}
    assert outputs["features.3"].shape == (4, 8, 8, 8)


@pytest.mark.parametrize("size", [1, 7, 50])
def test_cnn_streamed_in_batches_equals_torch_on_the_whole_set(size: int) -> None:
    torch.manual_seed(1)
    model = SmallCNN().eval()
    with torch.no_grad():
        model.features[2].bias[:3] = -50.0  # three channels of the second conv die
        model.head.fc2.bias[:5] = -50.0  # and five units of the head
    data = torch.randn(50, 1, 8, 8)
    report = _streamed(model, data, size).report()
    with torch.no_grad():
        conv = model.features(data)
        hidden = F.relu(model.head.fc1(F.max_pool2d(conv, 2).flatten(1)))
        second = torch.relu(model.head.fc2(hidden))
    for name, output in (("features.3", conv), ("head/relu#0", hidden), ("head/relu#1", second)):
        expected = _direct(output)
        np.testing.assert_array_equal(report[name].dead, expected["dead"])
        np.testing.assert_allclose(report[name].firing_share, expected["firing"])
        np.testing.assert_allclose(report[name].mean_abs, expected["mean_abs"], rtol=1e-5)
    assert report["features.3"].dead[:3].all()
    assert report["head/relu#1"].dead[:5].all()
    assert report["features.3"].positions == 64


def test_mlp_with_leaky_and_in_place_relu() -> None:
    torch.manual_seed(2)
    model = _mlp()
    with torch.no_grad():
        model[0].bias[:4] = -100.0
    data = torch.randn(40, 10)
    report = _streamed(model, data, 9).report()
    with torch.no_grad():
        first = F.leaky_relu(model[0](data), 0.1)
        second = F.relu(model[2](first))
    np.testing.assert_array_equal(report["1"].dead, _direct(first)["dead"])
    np.testing.assert_array_equal(report["3"].dead, _direct(second)["dead"])
    assert report["1"].dead[:4].all()
    # Dead Leaky ReLU units still output -0.1 z: dead, but not silent.
    assert not report["1"].dormant(0.0)[:4].any()


def test_the_hooks_are_removed_afterwards() -> None:
    model = _mlp()
    torch_activations.rectifier_outputs(model, torch.randn(3, 10))
    assert all(not module._forward_hooks and not module._forward_pre_hooks
               for module in model.modules())  # fmt: skip
