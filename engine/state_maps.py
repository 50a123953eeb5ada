"""Recurrent states that are maps (a ReNet sweep's, a ConvLSTM's), made small enough to send to the window.

A probe snapshot goes out about once a second while training, so its maps are cut to MAX_CHANNELS channels
and, where the grid is larger than MAX_SIDE on a side, averaged over blocks. Beside the channels, each state
gets one summary map over ALL its channels: the mean for a gate (how open it is there, 0 to 1), the root mean
square for a hidden or cell state (how strongly the units respond there; a tanh state's is 0 to 1).
"""
from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

MAX_CHANNELS = 16
MAX_SIDE = 64


def is_gate(name: str) -> bool:
    return name.endswith("gate")


def summary(name: str, values: torch.Tensor) -> torch.Tensor:
    """(N, C, h, w) -> (N, h, w): a gate's mean over channels, a state's root mean square."""
    return values.mean(1) if is_gate(name) else values.pow(2).mean(1).sqrt()


def state_maps(states: dict[str, torch.Tensor], max_channels: int = MAX_CHANNELS,
               max_side: int = MAX_SIDE) -> tuple[np.ndarray, np.ndarray, int]:
    """{name: (N, C, h, w)} (the same shape for every name) -> (float32 (S, N, C', h', w') the first C' <=
    max_channels channels, float32 (S, N, h', w') the summaries, the block size they were averaged over)."""
    first = next(iter(states.values()))
    factor = max(1, math.ceil(max(first.shape[-2:]) / max_side))
    channels, summaries = [], []
    for name, values in states.items():
        values = values.detach().float()
        channels.append(_pooled(values[:, :max_channels], factor))
        summaries.append(_pooled(summary(name, values)[:, None], factor)[:, 0])
    return (torch.stack(channels).cpu().numpy().astype(np.float32),
            torch.stack(summaries).cpu().numpy().astype(np.float32), factor)


def _pooled(values: torch.Tensor, factor: int) -> torch.Tensor:
    return values if factor == 1 else F.avg_pool2d(values, factor, ceil_mode=True)
