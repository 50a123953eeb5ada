"""Next-frame prediction: a stack of convolutional recurrent cells run over the frames, Shi et al. 2015 style.

The encoder reads M context frames, the forecaster then writes K frames, each fed back as the next input.
Encoder and forecaster share one stack of cells (as PredRNN does): a single recurrent pass over
M + K - 1 inputs, predicting frame t + 1 at every step t, so the context frames train the model too.

Frames become patches as channels first (space-to-depth, `patch` x `patch` pixels per cell position, 4 x 4 as
in PredRNN): a 64 x 64 grey frame is a 16 x 16 grid of 16 channels, so the cells see 4x farther for the
same kernel and cost 16x less per step, which is what makes CPU training possible.

Training uses teacher forcing with scheduled sampling: at a forecast step the input is the true frame
with probability p, else the model's own last prediction; p falls linearly from 1 to 0 over
`sampling_steps` optimiser steps, so by the end the model trains as it is used (on its own outputs).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from engine.models.conv_recurrent import ConvRecurrentStack


class Forecaster(nn.Module):
    def __init__(self, cell: str, channels: int, size: tuple[int, int], context: int, hidden: int = 64,
                 layers: int = 2, kernel: int = 3, patch: int = 4, sampling_steps: int = 1000):
        super().__init__()
        h, w = size
        if h % patch or w % patch:
            raise ValueError(f"frame size {w}x{h} is not a multiple of the patch size {patch}")
        self.channels, self.size, self.context, self.patch = channels, (h, w), context, patch
        inner = channels * patch * patch
        self.stack = ConvRecurrentStack(cell, inner, hidden, layers, kernel)
        self.head = nn.Conv2d(hidden * layers, inner, 1)  # every layer's state speaks to the output
        self.sampling_steps = max(1, int(sampling_steps))
        self.register_buffer("steps_done", torch.zeros((), dtype=torch.long))

    # ---- frames <-> patches ----
    def _to_unit(self, frames: torch.Tensor) -> torch.Tensor:
        """uint8 or float (B, T, H, W) / (B, T, C, H, W) -> float (B, T, C, H, W) in [0, 1]."""
        if frames.dtype == torch.uint8:
            frames = frames.float() / 255.0
        elif frames.dtype != torch.float64:  # float64 stays: the gradient measurement's pass (engine/gradients.py)
            frames = frames.float()
        return frames.unsqueeze(2) if frames.dim() == 4 else frames

    def _encode(self, frame: torch.Tensor) -> torch.Tensor:
        return F.pixel_unshuffle(frame, self.patch)

    def _decode(self, hiddens: list) -> torch.Tensor:
        return F.pixel_shuffle(self.head(torch.cat(hiddens, 1)), self.patch)

    def _top(self, states: list) -> list:
        return [s[0] if isinstance(s, tuple) else s for s in states]

    def teacher_probability(self) -> float:
        """Chance that a forecast step is fed the true frame (training only; 0 when evaluating)."""
        if not self.training:
            return 0.0
        return max(0.0, 1.0 - float(self.steps_done) / self.sampling_steps)

    def forward(self, frames: torch.Tensor, return_state: bool = False, record: list | None = None):
        """frames (B, T, ...) -> predictions of frames 1..T-1, (B, T-1, C, H, W), raw (not clipped).

        Steps before `context` read the true frame; later steps read the model's own previous prediction
        (or, while training, the true frame with the teacher-forcing probability). `record` (a list) gets, per
        step, the frame read and the layers' states and gates: {"input": (B, C, H, W), "layers": [{name: map}]}."""
        x = self._to_unit(frames)
        batch, steps = x.shape[:2]
        p = self.teacher_probability()
        if self.training:
            self.steps_done += 1
        states = self.stack.initial(self._encode(x[:, 0]))
        outputs, previous = [], None
        for t in range(steps - 1):
            frame = x[:, t]
            if t >= self.context and previous is not None:
                own = previous.clamp(0, 1)
                if p >= 1.0:
                    pass
                elif p <= 0.0:
                    frame = own
                else:
                    keep = (torch.rand(batch, 1, 1, 1, device=x.device) < p).to(x.dtype)
                    frame = keep * frame + (1 - keep) * own
            layers = [] if record is not None else None
            _, states = self.stack.step(self._encode(frame), states, layers)
            previous = self._decode(self._top(states))
            outputs.append(previous)
            if record is not None:
                record.append({"input": frame, "layers": layers})
        out = torch.stack(outputs, 1)
        return (out, states) if return_state else out

    @torch.no_grad()
    def rollout(self, seed: torch.Tensor, n: int) -> torch.Tensor:
        """Animation: read the seed frames (B, S, ...) (any S >= 1), then generate `n` frames, any number,
        each from the last. Returns float (B, n, C, H, W) in [0, 1]."""
        x = self._to_unit(seed)
        states = self.stack.initial(self._encode(x[:, 0]))
        frame = None
        for t in range(x.shape[1]):
            _, states = self.stack.step(self._encode(x[:, t]), states)
        generated = []
        for _ in range(n):
            frame = self._decode(self._top(states)).clamp(0, 1)
            generated.append(frame)
            _, states = self.stack.step(self._encode(frame), states)
        return torch.stack(generated, 1) if generated else x.new_zeros(x.shape[0], 0, *x.shape[2:])
