"""A rollout of a "predict" model that also keeps the recurrent state behind every generated frame, for the
window's player (FramesPredictor.rollout gives the frames only).

The same steps as engine.models.forecaster.Forecaster.rollout: read the seed frames, then decode a frame
from the state, feed it back, repeat. The state kept for frame k is the top layer's hidden state (for a
ConvLSTM its h, not its cell memory) that frame k was decoded from: (channels, H / patch, W / patch).
"""
from __future__ import annotations

import numpy as np
import torch

MAX_STATE_CHANNELS = 32  # the player shows at most this many channels


def rollout_with_states(predictor, seed: np.ndarray, frames: int, channels: int = MAX_STATE_CHANNELS,
                        cancel=None, progress=None) -> tuple[np.ndarray, np.ndarray]:
    """uint8 (S, C, H, W) seed -> (uint8 (frames, C, H, W) generated, float32 (frames, <=channels, h, w) states).
    `cancel` (a threading.Event) ends it between frames with a DataError; `progress(done, total)` is told after
    each generated frame."""
    from engine.errors import DataError

    if frames < 1:
        raise ValueError(f"a rollout needs at least one frame, got {frames}")
    model = predictor.model
    model.eval()
    with torch.no_grad():
        x = model._to_unit(torch.from_numpy(np.ascontiguousarray(seed))[None].to(predictor.device))
        states = model.stack.initial(model._encode(x[:, 0]))
        for t in range(x.shape[1]):
            _, states = model.stack.step(model._encode(x[:, t]), states)
        generated, kept = [], []
        for done in range(frames):
            if cancel is not None and cancel.is_set():
                raise DataError("Rollout cancelled.", "Roll out again when ready.")
            if progress is not None:
                progress(done, frames)
            top = model._top(states)
            kept.append(top[-1][0, :channels].float().cpu())
            frame = model._decode(top).clamp(0, 1)
            generated.append(frame[0].float().cpu())
            _, states = model.stack.step(model._encode(frame), states)
    out = np.round(torch.stack(generated).numpy() * 255).astype(np.uint8)
    return out, torch.stack(kept).numpy().astype(np.float32)
