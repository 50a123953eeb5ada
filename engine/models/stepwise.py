"""One direction of one layer of a torch nn.RNN / nn.LSTM / nn.GRU, stepped in Python with its own weights.

The fused modules keep their steps, and their gates, inside one kernel. Stepping the same weights here gives
every step's hidden state and, for an LSTM, its cell state and input / forget / output gates, for a GRU its
reset and update gates: what the Inside tab draws (RecurrentStack's per-step states, the ReNet sweeps' maps)
and the tensors engine/gradients.py asks autograd about. The maths is torch's own (see the nn.LSTM / nn.GRU
docs), so the result equals the fused module's output.
"""
from __future__ import annotations

import torch
from torch import nn


def step_direction(module: nn.Module, cell: str, x: torch.Tensor, layer: int = 0,
                   direction: int = 0) -> dict[str, list[torch.Tensor]]:
    """x (B, T, F) -> {"hidden": [h (B, H) per step], and "cell" + gates for an LSTM, gates for a GRU}, each list
    in the order the direction reads (direction 1, the reverse one, starts at the last step)."""
    suffix = f"_l{layer}" + ("_reverse" if direction else "")
    w_ih, w_hh = getattr(module, "weight_ih" + suffix), getattr(module, "weight_hh" + suffix)
    b_ih, b_hh = getattr(module, "bias_ih" + suffix), getattr(module, "bias_hh" + suffix)
    batch, steps, _ = x.shape
    hidden = module.hidden_size
    h = x.new_zeros(batch, hidden)
    c = x.new_zeros(batch, hidden)
    x_proj = x @ w_ih.T + b_ih  # all steps at once
    order = range(steps - 1, -1, -1) if direction else range(steps)
    record: dict[str, list] = {"hidden": []}
    for t in order:
        hh = h @ w_hh.T + b_hh
        if cell == "rnn":
            h = torch.tanh(x_proj[:, t] + hh)
            gates = {}
        elif cell == "lstm":
            i, f, g, o = (x_proj[:, t] + hh).chunk(4, dim=-1)
            i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
            c = f * c + i * g
            h = o * torch.tanh(c)
            gates = {"cell": c, "input gate": i, "forget gate": f, "output gate": o}
        else:
            xr, xz, xn = x_proj[:, t].chunk(3, dim=-1)
            hr, hz, hn = hh.chunk(3, dim=-1)
            r, z = torch.sigmoid(xr + hr), torch.sigmoid(xz + hz)
            n = torch.tanh(xn + r * hn)
            h = (1 - z) * n + z * h
            gates = {"reset gate": r, "update gate": z}
        record["hidden"].append(h)
        for name, value in gates.items():
            record.setdefault(name, []).append(value)
    return record


def in_time_order(record: dict[str, list[torch.Tensor]], direction: int) -> dict[str, torch.Tensor]:
    """step_direction's lists stacked along dim 1 in time order: {name: (B, T, H)}."""
    return {name: torch.stack(values[::-1] if direction else values, dim=1) for name, values in record.items()}
