"""What a predictor hands the ONNX exporter (engine/model_export.py): the graph to write and how to check it.

Each task's predictor builds one (`export_graph()`, capability "onnx"): the module whose forward is the
exported graph (the trained model with its outputs made plain: logits and probabilities, an edge map, one
step of a frame model), sample inputs made by the checkpoint's own preprocessing (the image size, channels,
ink polarity or scale of training), further inputs of another batch size (and image size, where the graph
takes any) to verify on, the axes left free, and in words what the inputs are and what the graph computes.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn


@dataclass
class ExportGraph:
    module: nn.Module
    inputs: dict[str, np.ndarray]  # float32 sample inputs, by name, in the graph's input order: traced with
    checks: list[dict[str, np.ndarray]]  # more inputs to compare torch and onnxruntime on
    outputs: tuple[str, ...]
    dynamic: dict[str, dict[int, str]]  # input or output name -> {axis: name} of the axes that may vary
    describe: str  # the inputs and outputs in words (stored in the file's metadata; the README says the same)
    metadata: dict[str, str] = field(default_factory=dict)  # more key -> text for the file (class names, ...)
    # scores the torch module and an onnxruntime session's run on a data spec's test split (classify: accuracy)
    score: Callable[[str, Callable[[dict[str, np.ndarray]], list[np.ndarray]]], dict] | None = None


class PlainOutputs(nn.Module):
    """A trained model whose forward gives `heads(model(x))`, a tuple of tensors: the outputs a user of the
    file wants (probabilities beside the logits, the fused edge map alone), without the training extras."""

    def __init__(self, model: nn.Module, heads: Callable[[torch.Tensor], tuple]):
        super().__init__()
        self.model, self.heads = model, heads

    def forward(self, x: torch.Tensor):
        return self.heads(self.model(x))


def torch_outputs(module: nn.Module, inputs: dict[str, np.ndarray]) -> list[np.ndarray]:
    """The module's outputs for named numpy inputs, as float32 numpy arrays (on the CPU)."""
    device = next(module.parameters()).device
    with torch.no_grad():
        found = module(*(torch.from_numpy(np.ascontiguousarray(v)).to(device) for v in inputs.values()))
    found = found if isinstance(found, (tuple, list)) else (found,)
    return [f.detach().float().cpu().numpy() for f in found]


def seeded_images(count: int, height: int, width: int, channels: int = 3, seed: int = 0) -> np.ndarray:
    """uint8 (count, H, W, C) pictures to prepare as a user's images would be: smooth shapes and gradients with
    some noise (a network's states saturate on pure noise, which checks less of the graph)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    images = []
    for _ in range(count):
        picture = np.zeros((height, width, channels), np.float32)
        for c in range(channels):
            cy, cx = rng.uniform(0, height), rng.uniform(0, width)
            radius = rng.uniform(0.2, 0.5) * max(height, width)
            picture[..., c] = (np.hypot(y - cy, x - cx) < radius) * rng.uniform(0.4, 1.0) + x / width * 0.3
        picture += rng.normal(0, 0.05, picture.shape)
        images.append(np.clip(picture * 255, 0, 255).astype(np.uint8))
    return np.stack(images)
