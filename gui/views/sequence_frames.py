"""Frame sequences for the player as NumPy arrays: uint8 conversion, the side-by-side strip, per-frame MSE,
and the mosaic of recurrent-state channels. No Qt, so these are easy to test and safe on any thread.
"""
from __future__ import annotations

import numpy as np

from gui.views.pixels import float_to_uint8

STATE_GAP = 1  # NaN pixels between channel tiles: drawn see-through


def to_frames(array) -> np.ndarray | None:
    """(T,H,W), (T,H,W,1) or (T,H,W,3), float [0,1] or uint8 -> C-contiguous uint8 (T,H,W) or (T,H,W,3)."""
    if array is None:
        return None
    arr = np.asarray(array)
    if arr.ndim == 4 and arr.shape[3] == 1:
        arr = arr[..., 0]
    if arr.ndim == 2:  # one frame
        arr = arr[None]
    if arr.ndim not in (3, 4) or (arr.ndim == 4 and arr.shape[3] != 3):
        raise ValueError(f"frames must be (T,H,W) or (T,H,W,3), got shape {arr.shape}")
    return np.ascontiguousarray(float_to_uint8(arr))


def as_colour(frames: np.ndarray) -> np.ndarray:
    return frames if frames.ndim == 4 else np.repeat(frames[..., None], 3, axis=3)


def copy_last_mse(context: np.ndarray | None, truth: np.ndarray | None) -> np.ndarray:
    """frame_mse of the trivial forecast that repeats the last context frame: what a frame model must beat."""
    if context is None or not len(context) or truth is None:
        return np.zeros(0, np.float32)
    return frame_mse(truth, np.repeat(context[-1:], len(truth), axis=0))


def frame_mse(truth: np.ndarray | None, prediction: np.ndarray | None) -> np.ndarray:
    """Mean squared error per frame on the [0, 1] scale, for the frames both have (colour vs grey: as grey)."""
    if truth is None or prediction is None:
        return np.zeros(0, np.float32)
    n = min(len(truth), len(prediction))
    t = truth[:n].astype(np.float32) / 255.0
    p = prediction[:n].astype(np.float32) / 255.0
    if t.ndim != p.ndim:
        t = t.mean(axis=3) if t.ndim == 4 else t
        p = p.mean(axis=3) if p.ndim == 4 else p
    return ((t - p) ** 2).reshape(n, -1).mean(axis=1)


def frame_at(context, truth, prediction, t: int):
    """What the three panels show at timeline step t: context steps first, then truth and prediction together.
    Returns (context frame, truth frame or None, prediction frame or None, k) with k = -1 during the context."""
    m = len(context)
    if t < m:
        return context[t], None, None, -1
    k = t - m

    def pick(seq):  # the k-th predicted step, or None where the sequence has none
        return seq[k] if seq is not None and k < len(seq) else None

    return context[m - 1], pick(truth), pick(prediction), k


def strip_frames(context, truth, prediction) -> np.ndarray:
    """(T, H, 3W, 3) uint8: context | truth | prediction for every timeline step (black where none)."""
    h, w = context.shape[1:3]
    steps = len(context) + max(len(truth) if truth is not None else 0, len(prediction) if prediction is not None else 0)
    out = np.zeros((steps, h, 3 * w, 3), np.uint8)
    for t in range(steps):
        for slot, frame in enumerate(frame_at(context, truth, prediction, t)[:3]):
            if frame is not None:
                out[t, :, slot * w:(slot + 1) * w] = frame if frame.ndim == 3 else frame[..., None]
    return out


def state_steps(state) -> np.ndarray | None:
    """The recurrent state as float32 (S, C, h, w): S = one per predicted frame, or 1 (only the last)."""
    if state is None:
        return None
    s = np.asarray(state, dtype=np.float32)
    if s.ndim == 3:
        s = s[None]
    if s.ndim != 4:
        raise ValueError(f"state must be (C,h,w) or (K,C,h,w), got shape {s.shape}")
    return s


def symmetric_bound(values: np.ndarray) -> float:
    """A round number just above the 99.5th percentile of |values|: one shared colour scale ±bound."""
    finite = np.abs(values[np.isfinite(values)])
    peak = float(np.percentile(finite, 99.5)) if finite.size else 0.0
    if peak <= 0:
        return 1.0
    exp = 10.0 ** np.floor(np.log10(peak))
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        if m * exp >= peak * (1 - 1e-9):
            return float(m * exp)
    return float(10 * exp)


def state_mosaic(channels: np.ndarray, columns: int | None = None) -> np.ndarray:
    """(C, h, w) -> one float32 image of tiles in a grid, NaN between tiles."""
    c, h, w = channels.shape
    cols = columns or int(np.ceil(np.sqrt(c * 2)))  # wider than tall: sits under the three panels
    cols = max(1, min(cols, c))
    rows = -(-c // cols)
    g = STATE_GAP
    out = np.full((rows * (h + g) - g, cols * (w + g) - g), np.nan, np.float32)
    for i in range(c):
        r, col = divmod(i, cols)
        out[r * (h + g):r * (h + g) + h, col * (w + g):col * (w + g) + w] = channels[i]
    return out
