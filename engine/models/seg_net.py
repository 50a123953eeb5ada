"""A ReSeg-style recurrent segmenter (Visin et al. 2016): a light convolutional encoder, ReNet sweeps for
context, an upsampling decoder back to full resolution, one logit per class and pixel.

    image (3, H, W), normalised
      enc1: conv3x3 ─ conv3x3                 full resolution (w channels)  ──────────┐ skip
      enc2: conv3x3 /2 ─ conv3x3              1/2 resolution (2w)           ────┐     │ skip
      enc3: conv3x3 /2 ─ conv3x3              1/4 resolution (4w)               │     │
      ReNet: `layers` x (rows, then columns)  1/(4 p): every position sees the whole image
      up: bilinear x(2 p) ─ concat enc2 ─ conv3x3 ─ conv3x3  1/2 resolution (2w)
      up: bilinear x2     ─ concat enc1 ─ conv3x3            full resolution (w)
      head: 1x1 conv -> classes

ReSeg put its ReNet layers on VGG-16 features and upsampled with transposed convolutions; with no pretrained
encoder (and a CPU) we keep the encoder small and let the recurrence supply what it cannot see: a 3x3 stack
reaches about 20 px here, the sweeps reach the whole image (see engine/models/renet.py). The skips give the
decoder back the sharp outlines the 1/4 grid has lost. `patch` > 1 makes the ReNet read p x p patches of the
1/4 map (shorter sequences, faster, coarser context).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from engine.models.renet import ReNet


def _conv(cin: int, cout: int, stride: int = 1) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class SegReNet(nn.Module):
    def __init__(self, classes: int, cell: str = "gru", hidden: int = 48, layers: int = 2,
                 bidirectional: bool = True, dropout: float = 0.0, width: int = 16, patch: int = 1,
                 mean=(0.5, 0.5, 0.5), std=(0.25, 0.25, 0.25)):
        super().__init__()
        if classes < 2:
            raise ValueError(f"a segmenter needs at least 2 classes, got {classes}")
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32).view(1, -1, 1, 1))
        self.register_buffer("std", torch.tensor(std, dtype=torch.float32).view(1, -1, 1, 1))
        w = width
        self.enc1 = nn.Sequential(_conv(3, w), _conv(w, w))
        self.enc2 = nn.Sequential(_conv(w, 2 * w, 2), _conv(2 * w, 2 * w))
        self.enc3 = nn.Sequential(_conv(2 * w, 4 * w, 2), _conv(4 * w, 4 * w))
        self.renet = ReNet(4 * w, hidden, layers, cell, patch, bidirectional, dropout)
        self.dec2 = nn.Sequential(_conv(self.renet.out_channels + 2 * w, 2 * w), _conv(2 * w, 2 * w))
        self.dec1 = _conv(2 * w + w, w)
        self.head = nn.Conv2d(w, classes, 1)

    def forward(self, x: torch.Tensor, return_states: bool = False):
        """(B, 3, H, W) in [0, 1], any H x W -> logits (B, classes, H, W); with return_states also the
        ReNet's sweeps {"rows1", "cols1", ...} at 1/(4 p) resolution."""
        x = (x - self.mean) / self.std
        f1 = self.enc1(x)
        f2 = self.enc2(f1)
        f3 = self.enc3(f2)
        context, states = self.renet(f3, return_states=True) if return_states else (self.renet(f3), None)
        up = F.interpolate(context, size=f2.shape[-2:], mode="bilinear", align_corners=False)
        d2 = self.dec2(torch.cat([up, f2], 1))
        up = F.interpolate(d2, size=f1.shape[-2:], mode="bilinear", align_corners=False)
        logits = self.head(self.dec1(torch.cat([up, f1], 1)))
        return (logits, states) if return_states else logits
