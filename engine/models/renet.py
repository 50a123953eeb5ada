"""ReNet-style 2-D recurrence (Visin et al. 2015): recurrent sweeps over the rows, then the columns, of a map.

One `ReNetLayer` on a (B, C, H, W) map:

1. optional space-to-depth: non-overlapping p x p patches become one position of C*p*p channels
   (H and W are padded up to multiples of p by repeating the last row / column);
2. row sweep: every row is a sequence of W positions, read left-to-right and right-to-left by ONE
   bidirectional nn.RNN / nn.LSTM / nn.GRU call on a (B*H, W, C) batch -> (B, H, W, 2h);
3. column sweep: every column of that result is a sequence of H positions, read top-down and bottom-up by
   a second bidirectional call on (B*W, H, 2h) -> (B, 2h, H, W): both directions' states concatenated.

How far the context reaches. After the row sweep, position (i, j) has seen its whole row i (the forward
direction everything left of j, the backward direction everything right of it). The column sweep then reads
those row summaries along column j, so its output at (i, j) depends on every row, i.e. on EVERY pixel of the
image: one layer already has a global receptive field (whether it uses it is up to training; a recurrent
state fades over tens of steps). With `bidirectional=False` the sweeps run one way (left-to-right, then
top-down) and position (i, j) sees only the quadrant above-left of it. Compare a 3 x 3 convolution: each one
adds 2 pixels to the receptive field, so the light stem in engine/models/edge_net.py sees 5 x 5 pixels at
full resolution and about 15 x 15 at 1/4 resolution; the recurrence is what gives it the rest of the image.

Layers stack (`ReNet`): the second layer sweeps the first one's output. Any H x W works (odd sizes
included); the output is ceil(H/p) x ceil(W/p) with `out_channels` = directions * hidden channels.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from engine.models.stepwise import in_time_order, step_direction

_MODULES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
# each sweep's directions, forward first: the row sweep reads along the rows, the column sweep down the columns
SWEEPS = {"rows": ("left→right", "right→left"), "cols": ("top→bottom", "bottom→top")}


class ReNetLayer(nn.Module):
    def __init__(self, in_channels: int, hidden: int, cell: str = "gru", patch: int = 1, bidirectional: bool = True):
        super().__init__()
        if cell not in _MODULES:
            raise ValueError(f"unknown cell {cell!r}: use one of {', '.join(_MODULES)}")
        if patch < 1:
            raise ValueError(f"patch must be at least 1, got {patch}")
        self.cell, self.hidden, self.patch = cell, hidden, patch
        self.directions = 2 if bidirectional else 1
        kwargs = {"nonlinearity": "tanh"} if cell == "rnn" else {}
        module = _MODULES[cell]
        self.rows = module(in_channels * patch * patch, hidden, batch_first=True, bidirectional=bidirectional, **kwargs)
        self.cols = module(hidden * self.directions, hidden, batch_first=True, bidirectional=bidirectional, **kwargs)

    @property
    def out_channels(self) -> int:
        return self.hidden * self.directions

    def forward(self, x: torch.Tensor, return_states: bool = False):
        """(B, C, H, W) -> (B, out_channels, ceil(H/p), ceil(W/p)); with return_states also
        {"rows": the row sweep's output, "cols": the column sweep's output}, each (B, out_channels, h, w)."""
        x = self._patches(x)
        b, c, h, w = x.shape
        rows = x.permute(0, 2, 3, 1).reshape(b * h, w, c)
        rows = self.rows(rows)[0].reshape(b, h, w, self.out_channels)
        cols = rows.permute(0, 2, 1, 3).reshape(b * w, h, self.out_channels)
        cols = self.cols(cols)[0].reshape(b, w, h, self.out_channels)
        out = cols.permute(0, 3, 2, 1).contiguous()  # (B, D*h, H, W)
        if return_states:
            return out, {"rows": rows.permute(0, 3, 1, 2), "cols": out}
        return out

    def sweep_states(self, x: torch.Tensor):
        """The layer stepped in Python (engine/models/stepwise.py): (the output, as forward's), and every sweep
        direction's states as maps, {direction: {state name: (B, hidden, h, w)}}: "hidden", and an LSTM's
        "cell" and gates or a GRU's gates. Directions: SWEEPS' names (two of them for a one-way layer)."""
        x = self._patches(x)
        b, c, h, w = x.shape
        rows, row_states = self._stepped(self.rows, x.permute(0, 2, 3, 1).reshape(b * h, w, c), "rows")
        maps = {name: {k: v.reshape(b, h, w, -1).permute(0, 3, 1, 2) for k, v in states.items()}
                for name, states in row_states.items()}
        cols, col_states = self._stepped(self.cols, rows.reshape(b, h, w, -1).permute(0, 2, 1, 3).reshape(b * w, h, -1),
                                         "cols")
        maps.update({name: {k: v.reshape(b, w, h, -1).permute(0, 3, 2, 1) for k, v in states.items()}
                     for name, states in col_states.items()})
        return cols.reshape(b, w, h, -1).permute(0, 3, 2, 1).contiguous(), maps

    def _stepped(self, module: nn.Module, sequences: torch.Tensor, axis: str):
        """(N, T, F) read by `module` step by step in each direction -> (output (N, T, D*hidden), {direction:
        {state: (N, T, hidden)}})."""
        found = {}
        for direction, name in enumerate(SWEEPS[axis][:self.directions]):
            found[name] = in_time_order(step_direction(module, self.cell, sequences, 0, direction), direction)
        return torch.cat([states["hidden"] for states in found.values()], -1), found

    def _patches(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() != 4:
            raise ValueError(f"ReNetLayer needs a (B, C, H, W) map, got shape {tuple(x.shape)}")
        p = self.patch
        if p > 1:
            pad_h, pad_w = (-x.shape[2]) % p, (-x.shape[3]) % p
            if pad_h or pad_w:
                x = F.pad(x, (0, pad_w, 0, pad_h), mode="replicate")
            x = F.pixel_unshuffle(x, p)
        return x


class ReNet(nn.Module):
    """`layers` ReNetLayers, each sweeping the previous one's output, with optional dropout between them."""

    def __init__(self, in_channels: int, hidden: int, layers: int = 1, cell: str = "gru", patch=1,
                 bidirectional: bool = True, dropout: float = 0.0):
        super().__init__()
        patches = list(patch) if isinstance(patch, (list, tuple)) else [patch] + [1] * (layers - 1)
        if len(patches) != layers:
            raise ValueError(f"give one patch size per layer ({layers}), got {patches}")
        self.layers = nn.ModuleList()
        channels = in_channels
        for p in patches:
            self.layers.append(ReNetLayer(channels, hidden, cell, p, bidirectional))
            channels = self.layers[-1].out_channels
        self.dropout = dropout

    @property
    def out_channels(self) -> int:
        return self.layers[-1].out_channels

    def forward(self, x: torch.Tensor, return_states: bool = False):
        """(B, C, H, W) -> (B, out_channels, h, w); with return_states also {"rows1", "cols1", "rows2", ...}."""
        states = {}
        for i, layer in enumerate(self.layers):
            if i and self.dropout:
                x = F.dropout(x, self.dropout, self.training)
            if return_states:
                x, found = layer(x, return_states=True)
                states.update({f"{name}{i + 1}": value for name, value in found.items()})
            else:
                x = layer(x)
        return (x, states) if return_states else x

    def sweep_states(self, x: torch.Tensor):
        """(output, [each layer's ReNetLayer.sweep_states maps]): the layers stepped in Python, as in eval mode
        (no dropout), for the Inside tab's maps of one image."""
        layers = []
        for layer in self.layers:
            x, maps = layer.sweep_states(x)
            layers.append(maps)
        return x, layers
