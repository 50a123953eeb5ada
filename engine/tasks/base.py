"""The task contract. The Trainer owns the loop, events, device and checkpoints; a task owns its data,
model, loss, metrics and pictures."""
from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import nn

from engine.config import RunConfig
from engine.events import Snapshot


@dataclass
class Prepared:
    """In-memory splits as tensors (inputs, targets), plus what the model and checkpoint need (`info`)."""

    train: tuple[torch.Tensor, torch.Tensor]
    val: tuple[torch.Tensor, torch.Tensor] | None
    test: tuple[torch.Tensor, torch.Tensor] | None
    info: dict  # preprocessing + shapes: saved in the checkpoint so evaluate / predict repeat it
    notes: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def probe_split(prepared: Prepared) -> tuple[str, tuple]:
    """The split probes and pictures are drawn from: test, else validation, else training; an empty split
    (a folder whose held-out part ended up with no images) is passed over, not divided by."""
    for name in ("test", "val", "train"):
        split = getattr(prepared, name)
        if split is not None and len(split[0]) > 0:
            return name, split
    return "train", prepared.train


class Task:
    """Name, selection metric and which way it is better: each task sets them from its SPEC (the Trainer
    reads them here); so does `steps_are` where a step is not the config's read order."""

    name = ""
    selection_metric = "accuracy"  # picks the best epoch on validation
    lower_is_better = False

    def prepare(self, config: RunConfig, progress=None, cancel=None, splits=None) -> Prepared:
        raise NotImplementedError

    def build_model(self, config: RunConfig, info: dict) -> nn.Module:
        raise NotImplementedError

    def parameter_count(self, config: RunConfig, info: dict) -> int:
        raise NotImplementedError

    def augment(self, inputs: torch.Tensor, config: RunConfig) -> torch.Tensor:
        return inputs

    def augment_batch(self, inputs: torch.Tensor, targets: torch.Tensor, config: RunConfig):
        """(inputs, targets) of a training batch, changed together (a dense task flips an image and its
        target map alike). The default changes the inputs only, through `augment`."""
        return self.augment(inputs, config), targets

    def loss(self, output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def batch_stats(self, output: torch.Tensor, target: torch.Tensor) -> dict:
        """Cheap running sums for a training batch, e.g. {"correct": n}; turned into train metrics."""
        return {}

    def train_metrics(self, sums: dict, count: int) -> dict:
        return {}

    def evaluate(self, model: nn.Module, data, device, batch: int) -> tuple[dict, dict]:
        """(metrics {name: float}, details {name: np.ndarray}) on a whole split."""
        raise NotImplementedError

    def probe(self, model: nn.Module, prepared: Prepared, index: int, device) -> Snapshot | list[Snapshot] | None:
        """Pictures of one sample, sent while training: its per-step states (the Inside tab: "hidden",
        "sweeps", "frame_states") and the task's own live view (an edge map, a mask, frames); one or a list."""
        return None

    def result_snapshots(self, prepared: Prepared, details: dict) -> list[Snapshot]:
        """Pictures of the final evaluation (gallery, confusion matrix, ...)."""
        return []

    def grad_norms(self, model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor):
        """Gradient through time for a training batch: (T,) norms of dLoss/dh_t (see engine.gradients),
        or None for a task without a sequence to measure. The Trainer calls it, throttled."""
        return None

    def grad_source(self, config: RunConfig) -> str:
        """Which state grad_norms measures (layer, direction), in words for the curve's caption."""
        return "the last recurrent layer's forward direction"

    def model_snapshots(self, model: nn.Module, prepared: Prepared, device) -> list[Snapshot]:
        """Pictures of the trained model itself, made once at the end (e.g. hidden-state trajectories)."""
        return []
