"""Frame prediction for ONNX: one step of the encoder-forecaster as a graph, the rollout loop left to the caller.

A rollout is a loop of unknown length (as many frames as asked for), which a graph of fixed steps would either
unroll for one length or hide in an ONNX Loop that few runtimes optimise. One step is what the model is: read
a frame with every layer's state, give the next frame and the new states. The caller's loop (the README's
"Exported models" section) is Forecaster.rollout's: states start at zeros, each seed frame is read, then each
prediction, clipped to [0, 1], is the next frame and the next input.
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn


class FrameStep(nn.Module):
    """forward(frame, *states) -> (prediction, *new states): frame (B, C, H, W) in [0, 1]; states, per layer, its
    hidden map (and a ConvLSTM's cell map), (B, hidden, H / patch, W / patch); prediction the next frame, raw."""

    def __init__(self, forecaster: nn.Module):
        super().__init__()
        self.forecaster = forecaster
        self.per_layer = 2 if forecaster.stack.kind == "convlstm" else 1

    def state_names(self) -> list[str]:
        names = []
        for layer in range(self.forecaster.stack.layers):
            names += [f"h{layer}"] + ([f"c{layer}"] if self.per_layer == 2 else [])
        return names

    def forward(self, frame: torch.Tensor, *flat: torch.Tensor):
        model = self.forecaster
        n = self.per_layer
        states = [tuple(flat[i:i + n]) if n == 2 else flat[i] for i in range(0, len(flat), n)]
        _, states = model.stack.step(model._encode(frame), states)
        prediction = model._decode(model._top(states))
        return (prediction, *[t for s in states for t in (s if n == 2 else (s,))])

    def zero_states(self, batch: int) -> list[np.ndarray]:
        """The states before the first frame, float32 numpy, in state_names' order."""
        model = self.forecaster
        h, w = (s // model.patch for s in model.size)
        return [np.zeros((batch, model.stack.hidden, h, w), np.float32) for _ in self.state_names()]

    @torch.no_grad()
    def run(self, frames: np.ndarray, states: list[np.ndarray]) -> tuple[np.ndarray, list[np.ndarray]]:
        """Read (T, B, C, H, W) frames one by one from `states` in torch: (the last prediction, the states)."""
        flat = [torch.from_numpy(s) for s in states]
        prediction = None
        for frame in frames:
            prediction, *flat = self(torch.from_numpy(np.ascontiguousarray(frame, np.float32)), *flat)
        return prediction.numpy(), [s.numpy() for s in flat]
