"""Convolutional recurrent cells (ConvLSTM, ConvGRU, a plain ConvRNN) and a stack of them.

Every gate is a convolution over [input, hidden] instead of a matrix product, so the state keeps the
image's layout (Shi et al. 2015). A cell maps (x (B, Cin, H, W), state) -> (h (B, Ch, H, W), state).
"""
from __future__ import annotations

import torch
from torch import nn

CONV_CELLS = ("convlstm", "convgru", "convrnn")


class ConvLSTMCell(nn.Module):
    def __init__(self, in_channels: int, hidden: int, kernel: int = 3):
        super().__init__()
        self.hidden = hidden
        self.gates = nn.Conv2d(in_channels + hidden, 4 * hidden, kernel, padding=kernel // 2)
        with torch.no_grad():  # forget gate starts open, so the cell remembers from the first step
            self.gates.bias[hidden:2 * hidden].fill_(1.0)

    def initial(self, x: torch.Tensor):
        zeros = x.new_zeros(x.shape[0], self.hidden, x.shape[2], x.shape[3])
        return zeros, zeros

    def forward(self, x, state, record: dict | None = None):
        h, c = state
        i, f, o, g = self.gates(torch.cat([x, h], 1)).chunk(4, 1)
        i, f, o = torch.sigmoid(i), torch.sigmoid(f), torch.sigmoid(o)
        c = f * c + i * torch.tanh(g)
        h = o * torch.tanh(c)
        if record is not None:
            record.update({"hidden": h, "cell": c, "input gate": i, "forget gate": f, "output gate": o})
        return h, (h, c)


class ConvGRUCell(nn.Module):
    def __init__(self, in_channels: int, hidden: int, kernel: int = 3):
        super().__init__()
        self.hidden = hidden
        self.gates = nn.Conv2d(in_channels + hidden, 2 * hidden, kernel, padding=kernel // 2)
        self.candidate = nn.Conv2d(in_channels + hidden, hidden, kernel, padding=kernel // 2)

    def initial(self, x: torch.Tensor):
        return x.new_zeros(x.shape[0], self.hidden, x.shape[2], x.shape[3])

    def forward(self, x, h, record: dict | None = None):
        z, r = torch.sigmoid(self.gates(torch.cat([x, h], 1))).chunk(2, 1)
        n = torch.tanh(self.candidate(torch.cat([x, r * h], 1)))
        h = (1 - z) * h + z * n
        if record is not None:
            record.update({"hidden": h, "reset gate": r, "update gate": z})
        return h, h


class ConvRNNCell(nn.Module):
    """h = tanh(conv([x, h])): the baseline the gated cells are compared with."""

    def __init__(self, in_channels: int, hidden: int, kernel: int = 3):
        super().__init__()
        self.hidden = hidden
        self.conv = nn.Conv2d(in_channels + hidden, hidden, kernel, padding=kernel // 2)

    def initial(self, x: torch.Tensor):
        return x.new_zeros(x.shape[0], self.hidden, x.shape[2], x.shape[3])

    def forward(self, x, h, record: dict | None = None):
        h = torch.tanh(self.conv(torch.cat([x, h], 1)))
        if record is not None:
            record["hidden"] = h
        return h, h


_CELLS = {"convlstm": ConvLSTMCell, "convgru": ConvGRUCell, "convrnn": ConvRNNCell}


def make_cell(kind: str, in_channels: int, hidden: int, kernel: int = 3) -> nn.Module:
    if kind not in _CELLS:
        raise ValueError(f"unknown convolutional cell {kind!r}; known: {', '.join(_CELLS)}")
    return _CELLS[kind](in_channels, hidden, kernel)


class ConvRecurrentStack(nn.Module):
    """Cells stacked in depth; step() advances all layers one time step. States are a list, one per layer."""

    def __init__(self, kind: str, in_channels: int, hidden: int, layers: int = 1, kernel: int = 3):
        super().__init__()
        self.kind, self.hidden, self.layers = kind, hidden, layers
        self.cells = nn.ModuleList(make_cell(kind, in_channels if i == 0 else hidden, hidden, kernel)
                                   for i in range(layers))
        # a list to keep the top layer's hidden map h_t of every step (engine.gradients asks autograd for
        # dLoss/dh_t through them); None keeps nothing
        self.kept_steps: list | None = None

    def initial(self, x: torch.Tensor) -> list:
        states, probe = [], x
        for cell in self.cells:
            states.append(cell.initial(probe))
            probe = probe.new_zeros(probe.shape[0], cell.hidden, probe.shape[2], probe.shape[3])
        return states

    def step(self, x: torch.Tensor, states: list, record: list | None = None) -> tuple[torch.Tensor, list]:
        """One time step of every layer; `record` (a list) gets one {state name: map} per layer: "hidden", and a
        ConvLSTM's "cell" and gates or a ConvGRU's gates."""
        new_states = []
        for cell, state in zip(self.cells, states):
            found = {} if record is not None else None
            x, state = cell(x, state, found)
            new_states.append(state)
            if record is not None:
                record.append(found)
        if self.kept_steps is not None:
            self.kept_steps.append(x)
        return x, new_states

    def forward(self, sequence: torch.Tensor, states: list | None = None):
        """(B, T, C, H, W) -> top-layer outputs (B, T, hidden, H, W) and the final states."""
        if states is None:
            states = self.initial(sequence[:, 0])
        outputs = []
        for t in range(sequence.shape[1]):
            h, states = self.step(sequence[:, t], states)
            outputs.append(h)
        return torch.stack(outputs, 1), states
