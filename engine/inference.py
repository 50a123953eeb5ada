"""A trained model loaded from its checkpoint: the predictor of the checkpoint's task (its spec names it,
engine/tasks/<task>/predictor.py), preparing new data exactly as in training."""
from __future__ import annotations

from pathlib import Path

from engine import checkpoint
from engine.tasks import registry


def load_predictor(path: str | Path, device: str = "auto", threads: int = 0):
    """The predictor of the checkpoint at `path`, by its task (CheckpointError for a task this version does
    not know). threads: torch CPU threads (0 = automatic: engine.device.default_threads(), as in training;
    capped at the cores)."""
    if threads is not None:
        from engine.device import set_threads

        set_threads(threads)  # more than the cores only makes threads wait on each other
    payload = checkpoint.load(path)
    return registry.predictor_class(payload["task"])(payload, device)
