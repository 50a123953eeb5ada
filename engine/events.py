"""The event stream: the only thing that crosses from the engine to the window or the CLI.

Frozen dataclasses of plain Python numbers, strings and NumPy arrays: the engine turns tensors into
these before anyone sees them, so the GUI, the CLI and the tests all read the same thing.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Started:
    config: dict
    device: str  # one line for users, from engine.device.describe()
    parameters: int
    train_size: int
    val_size: int
    test_size: int
    steps_per_epoch: int = 0  # training steps (batches) an epoch: a train point's global step / this is its epoch


@dataclass(frozen=True)
class Progress:
    epoch: int  # 1-based
    epochs: int
    step: int  # 1-based step within the epoch
    steps_per_epoch: int
    global_step: int
    samples_per_s: float
    eta_s: float
    loss: float


@dataclass(frozen=True)
class Metrics:
    split: str  # "train", "val" or "test"
    epoch: int
    global_step: int
    values: dict  # {name: float}


@dataclass(frozen=True)
class Snapshot:
    """Pictures for the window. `kind` picks the view (never the task name).

    kinds: "hidden" (probe image + per-step states), "prediction" (gallery + confusion), "grad_norms"
    (norms (T,) of dLoss/dh_t on a training batch, engine/gradients.py), "trajectories" (PCA of hidden states
    over time and LSTM forget-gate histograms, engine/dynamics.py), "edge_map" (an image with the model's, Canny's
    and Sobel's edge maps) and "pr_curve", "mask" (an image with its true and predicted class maps) and
    "mask_scores" (every test image's IoU), "frames" (input, true and predicted frames), ...
    """

    kind: str
    arrays: dict  # {name: np.ndarray}
    meta: dict = field(default_factory=dict)
    epoch: int = 0
    global_step: int = 0


@dataclass(frozen=True)
class Finished:
    reason: str  # "done", "stopped", "early_stop", "failed", "aborted" (Trainer.abort(): nothing was written after it)
    metrics: dict  # final {name: float}
    checkpoint: str  # path, "" when none was written
    seconds: float
    samples_per_s: float
    test_skipped: bool = False  # the user skipped the test evaluation: no test metrics, though a test split exists


TEST_SKIPPED = "test skipped by the user"


@dataclass(frozen=True)
class Phase:
    """What a run is doing now, sent when it changes and, throttled, as it advances (train_handlers/phases.py).

    name: "training", "validating", "stopping" (after stop(): the current step ends), "testing" (the test split
    with the best weights), "results" (the pictures of the results and of the model); before Started the run
    prepares its data and model and sends no Phase. done / total: batches or images of this phase so far
    (total 0: not counted); detail: which part of the phase (e.g. the edges test's "benchmark")."""

    name: str
    done: int = 0
    total: int = 0
    detail: str = ""


@dataclass(frozen=True)
class Failed:
    message: str
    hint: str = ""


Event = Started | Progress | Metrics | Snapshot | Finished | Failed | Phase
EventHandler = Callable[[Any], None]


def plain(values: dict) -> dict:
    """Metric dict with every value a Python float (what events and JSON carry)."""
    return {str(k): float(v) for k, v in values.items() if np.isscalar(v) or np.ndim(v) == 0}
