"""A recurrent edge detector: a light convolutional stem, ReNet sweeps for context, an upsampling head.

    image (3, H, W), normalised
      ├─ local:   conv3x3 ─ conv3x3                       full resolution, sees 5 x 5 px    -> side "local"
      ├─ down:    conv3x3 /2 ─ conv3x3                     1/2 resolution, sees ~11 x 11 px  -> side "half"
      └─ context: conv3x3 /2 ─ ReNet (rows, then columns)  1/4 resolution, sees the WHOLE image -> side "context"
    fuse: the three branches (each reduced to `width` channels, upsampled to H x W), 1x1 conv, ReLU, 1x1 conv

The convolutions only find local contrast (a few pixels, see engine/models/renet.py for the reach of the
sweeps); deciding which contrasts are object boundaries and which are texture is left to the recurrence,
which is the only part that sees beyond ~15 px. The full- and half-resolution branches are there for
localisation: the benchmark's tolerance is about 2 px at the training scale, finer than the 1/4 grid.

forward(x) returns logits (B, 4, H, W): channel 0 the fused edge map, then the three side outputs
(local, half, context), each trained against the target too (deep supervision, as in HED), which makes a
small net learn much faster and lets the window show what the recurrent branch alone sees.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from engine.models.renet import ReNet

OUTPUTS = ("fused", "local", "half", "context")


def _conv(cin: int, cout: int, stride: int = 1) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class EdgeReNet(nn.Module):
    def __init__(self, cell: str = "gru", hidden: int = 32, layers: int = 1, bidirectional: bool = True,
                 dropout: float = 0.0, width: int = 16, mean=(0.5, 0.5, 0.5), std=(0.25, 0.25, 0.25)):
        super().__init__()
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32).view(1, -1, 1, 1))
        self.register_buffer("std", torch.tensor(std, dtype=torch.float32).view(1, -1, 1, 1))
        w = width
        self.local = nn.Sequential(_conv(3, w), _conv(w, w))
        self.down = nn.Sequential(_conv(w, 2 * w, 2), _conv(2 * w, 2 * w))
        self.stem = _conv(2 * w, 3 * w, 2)
        self.renet = ReNet(3 * w, hidden, layers, cell, 1, bidirectional, dropout)
        self.reduce_half = nn.Sequential(nn.Conv2d(2 * w, w, 1), nn.ReLU(inplace=True))
        self.reduce_context = nn.Sequential(nn.Conv2d(self.renet.out_channels, w, 1), nn.ReLU(inplace=True))
        self.sides = nn.ModuleList(nn.Conv2d(w, 1, 1) for _ in range(3))
        self.fuse = nn.Sequential(nn.Conv2d(3 * w, w, 1), nn.ReLU(inplace=True), nn.Conv2d(w, 1, 1))

    def forward(self, x: torch.Tensor, return_states: bool = False):
        """(B, 3, H, W) in [0, 1] -> logits (B, 4, H, W) (see OUTPUTS); with return_states also the ReNet's
        sweeps {"rows1", "cols1", ...} at 1/4 resolution."""
        size = x.shape[-2:]
        x = (x - self.mean) / self.std
        local = self.local(x)
        half = self.down(local)
        context, states = self.renet(self.stem(half), return_states=True) if return_states else (
            self.renet(self.stem(half)), None)
        half = F.interpolate(self.reduce_half(half), size=size, mode="bilinear", align_corners=False)
        context = F.interpolate(self.reduce_context(context), size=size, mode="bilinear", align_corners=False)
        branches = (local, half, context)
        sides = [side(branch) for side, branch in zip(self.sides, branches)]
        logits = torch.cat([self.fuse(torch.cat(branches, 1))] + sides, 1)
        return (logits, states) if return_states else logits
