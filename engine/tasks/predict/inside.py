"""A frame predictor's recurrent states for the window's Inside tab: Snapshot("frame_states").

One sequence is read as in evaluation (the context frames, then each forecast step reads the model's own last
frame) and every layer's state maps are kept at every step: the hidden state, and a ConvLSTM's cell state and
input / forget / output gates, a ConvGRU's reset and update gates. Step t reads frame t + 1 (the first is 1)
and predicts frame t + 2.

Arrays: "frames" (T-1, H, W[, C]) the frame read at each step, "predicted" the frame it predicts next,
"truth" the true next frame, all in [0, 1]; for each layer l "layer l" float32 (states, T-1, channels, h, w) at
the patch grid's size (at most engine/state_maps.MAX_CHANNELS channels) and "layer l summary"
(states, T-1, h, w) over all channels.
"""
from __future__ import annotations

import numpy as np
import torch

from engine.events import Snapshot
from engine.state_maps import state_maps


def _panels(frames: torch.Tensor) -> np.ndarray:
    """(T, C, H, W) float -> (T, H, W) grey or (T, H, W, C) colour in [0, 1], as the window takes frames."""
    array = frames.clamp(0, 1).float().cpu().numpy()
    return array[:, 0] if array.shape[1] == 1 else array.transpose(0, 2, 3, 1)


@torch.no_grad()
def frame_states(model, sequence: torch.Tensor, meta: dict) -> tuple[torch.Tensor, torch.Tensor, Snapshot]:
    """(model(sequence), the top layer's last hidden map (1, hidden, h, w), Snapshot("frame_states")) for one
    uint8 sequence (1, T, C, H, W) or (1, T, H, W)."""
    was_training = model.training
    model.eval()
    record: list = []
    try:
        output = model(sequence, record=record)
    finally:
        model.train(was_training)
    truth = model._to_unit(sequence)[0, 1:]
    arrays = {"frames": _panels(torch.cat([step["input"] for step in record])),
              "predicted": _panels(output[0]), "truth": _panels(truth)}
    names = list(record[0]["layers"][0])
    channels, shown, block = 0, 0, 1
    for layer in range(len(record[0]["layers"])):
        states = {name: torch.cat([step["layers"][layer][name] for step in record]) for name in names}
        values, summaries, block = state_maps(states)
        arrays[f"layer {layer + 1}"], arrays[f"layer {layer + 1} summary"] = values, summaries
        channels, shown = int(states["hidden"].shape[1]), values.shape[2]
    return output, record[-1]["layers"][-1]["hidden"], Snapshot("frame_states", arrays, {
        **meta, "layers": len(record[0]["layers"]), "states": names, "cell": model.stack.kind,
        "context": int(model.context), "channels": channels, "shown_channels": int(shown), "block": int(block),
        "patch": int(model.patch)})
