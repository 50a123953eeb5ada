"""The frames the predict task's player shows and the model's frames, and the work TaskPages runs on job
threads with them (rollouts, video export), stopping early when asked to."""
from __future__ import annotations

import numpy as np


def rollout(predictor, seed: np.ndarray, frames: int, cancel, progress=None):
    """engine.tasks.predict.rollout.rollout_with_states, stopped between frames by `cancel`, telling `progress`."""
    from engine.tasks.predict.rollout import rollout_with_states

    return rollout_with_states(predictor, seed, frames, cancel=cancel, progress=progress)


def until_cancelled(frames, cancel):
    """The frames one by one, ending the export with a DataError as soon as `cancel` is set."""
    from engine.errors import DataError

    for frame in frames:
        if cancel.is_set():
            raise DataError("Export cancelled; no file was written.", "Export again when ready.")
        yield frame


def as_frames(frames) -> np.ndarray:
    """Player frames (T, H, W) or (T, H, W, C), float [0, 1] or uint8 -> uint8 (T, C, H, W)."""
    a = np.asarray(frames)
    if a.dtype != np.uint8:
        a = np.round(np.clip(a, 0, 1) * 255).astype(np.uint8)
    return np.ascontiguousarray(a[:, None] if a.ndim == 3 else a.transpose(0, 3, 1, 2))


def panel_frames(frames: np.ndarray) -> np.ndarray:
    """uint8 (T, C, H, W) -> (T, H, W) grey or (T, H, W, C) colour, as the player takes them."""
    return frames[:, 0] if frames.shape[1] == 1 else frames.transpose(0, 2, 3, 1)
