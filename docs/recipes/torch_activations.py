"""The activations of every ReLU and Leaky ReLU of a PyTorch model, by name, for one batch.

Activation modules (``nn.ReLU``, ``nn.LeakyReLU``: they have no parameters, so recipes that
hook only layers with weights miss them) and functional calls (``F.relu``, ``torch.relu``,
``x.relu()``, ``F.leaky_relu``) are caught alike: a ``TorchFunctionMode`` sees every call of
these functions, and hooks on every module say which module made it.  An activation module
is named as ``model.named_modules()`` names it (``features.1``); a functional call by the
module whose ``forward`` made it, the function and its count there (``head/relu#0``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.overrides import TorchFunctionMode

from dying_relu.detector import Detector

#: The functions whose outputs are recorded.
RECTIFIERS = {
    F.relu, F.relu_, torch.relu, torch.relu_, torch.Tensor.relu, torch.Tensor.relu_,
    F.leaky_relu, F.leaky_relu_,
}  # fmt: skip
#: Modules whose output is recorded under their own name.
ACTIVATION_MODULES = (nn.ReLU, nn.LeakyReLU)


class _Recorder(TorchFunctionMode):
    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.running: list[tuple[str, nn.Module, dict[str, int]]] = []
        self.outputs: dict[str, np.ndarray] = {}
        self.hooks = []
        for name, module in model.named_modules():
            self.hooks.append(module.register_forward_pre_hook(self._enter(name or "model")))
            self.hooks.append(module.register_forward_hook(self._leave))

    def _enter(self, name: str) -> Any:
        def hook(module: nn.Module, _inputs: Any) -> None:
            self.running.append((name, module, {}))

        return hook

    def _leave(self, _module: nn.Module, _inputs: Any, _output: Any) -> None:
        self.running.pop()

    def __torch_function__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        output = func(*args, **(kwargs or {}))
        if func in RECTIFIERS and self.running:
            name, module, calls = self.running[-1]
            if not isinstance(module, ACTIVATION_MODULES):
                kind = func.__name__.rstrip("_")
                count = calls[kind] = calls.get(kind, -1) + 1
                name = f"{name}/{kind}#{count}"
            # A copy: an in-place operation later in the forward pass may change the tensor.
            self.outputs[name] = output.detach().cpu().numpy().copy()
        return output


def rectifier_outputs(model: nn.Module, batch: torch.Tensor) -> dict[str, np.ndarray]:
    """Run ``model`` on ``batch`` and return the output of each ReLU and Leaky ReLU."""
    recorder = _Recorder(model)
    try:
        with torch.no_grad(), recorder:
            model(batch)
    finally:
        for hook in recorder.hooks:
            hook.remove()
    return recorder.outputs


def detect(model: nn.Module, batches: Iterable[torch.Tensor]) -> Detector:
    """Stream the batches (inputs only) through ``model`` into a detector.

    Feature maps are NCHW in PyTorch, so the channels are on axis 1.
    """
    detector = Detector(channel_axis=1)
    for batch in batches:
        detector.update(rectifier_outputs(model, batch))
    return detector
