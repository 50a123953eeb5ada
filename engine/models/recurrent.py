"""RNN (tanh) / LSTM / GRU stacks that can also hand back their per-step states and gates.

Training uses torch's fused nn.RNN / nn.LSTM / nn.GRU. `forward(x, return_states=True)` runs the same
weights step by step in Python instead (engine/models/stepwise.py), so the one forward pass gives both the
output and every layer's hidden state (and an LSTM's cell state and gates, a GRU's gates) at every step.
"""
from __future__ import annotations

import torch
from torch import nn

from engine.models.sizes import recurrent_parameters as parameter_count  # noqa: F401
from engine.models.stepwise import in_time_order, step_direction

_MODULES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
GATES = {"rnn": (), "lstm": ("input gate", "forget gate", "output gate"), "gru": ("reset gate", "update gate")}


class RecurrentStack(nn.Module):
    def __init__(self, cell: str, input_size: int, hidden: int, layers: int = 1,
                 bidirectional: bool = False, dropout: float = 0.0):
        super().__init__()
        self.cell, self.hidden, self.layers = cell, hidden, layers
        # a list to keep the last layer's forward hidden tensors h_t, one per step, from a stepwise pass
        # (engine.gradients asks autograd for dLoss/dh_t through them); None keeps nothing
        self.kept_steps: list | None = None
        self.directions = 2 if bidirectional else 1
        kwargs = {"nonlinearity": "tanh"} if cell == "rnn" else {}
        self.rnn = _MODULES[cell](input_size, hidden, num_layers=layers, batch_first=True,
                                  bidirectional=bidirectional, dropout=dropout if layers > 1 else 0.0, **kwargs)

    @torch.no_grad()
    def open_gates(self, max_steps: int, generator: torch.Generator | None = None) -> None:
        """Chrono initialisation (Tallec & Ollivier, 2018) for sequences of up to `max_steps` steps.

        An LSTM's forget-gate bias (a GRU's update-gate bias) is set to log(U(1, max_steps - 1)), so each
        unit starts out keeping its memory for between 1 and max_steps steps, and an LSTM's input-gate
        bias to minus that. With PyTorch's default init those gates sit near 0.5, so over hundreds of
        steps even an LSTM's gradient dies at first. A plain RNN has no gate to open: unchanged.
        """
        if self.cell == "rnn":
            return
        h = self.hidden
        for name, bias in self.rnn.named_parameters():
            if not name.startswith("bias_"):
                continue
            if name.startswith("bias_hh"):
                bias[h:2 * h] = 0.0  # forget (LSTM) / update (GRU) part: all of it in bias_ih
                if self.cell == "lstm":
                    bias[:h] = 0.0
                continue
            spread = torch.rand(h, generator=generator) * max(max_steps - 2, 1) + 1.0
            timescale = torch.log(spread).to(bias.device, bias.dtype)
            bias[h:2 * h] = timescale
            if self.cell == "lstm":
                bias[:h] = -timescale

    @property
    def output_size(self) -> int:
        return self.hidden * self.directions

    def forward(self, x: torch.Tensor, return_states: bool = False):
        """x (B, T, F) -> (outputs (B, T, D*H), final (B, D*H), states or None).

        final is the last layer's last forward state joined with its last backward state (step 0).
        states: {"hidden": (L, B, T, D*H), and for LSTM "cell" and its gates, for GRU its gates}.
        """
        if not return_states:
            outputs, last = self.rnn(x)
            h_n = last[0] if self.cell == "lstm" else last
            return outputs, self._join_final(h_n), None
        return self._stepwise(x)

    def _join_final(self, h_n: torch.Tensor) -> torch.Tensor:
        top = h_n[-self.directions:]  # (D, B, H) of the last layer
        return torch.cat(list(top), dim=-1)

    def _stepwise(self, x: torch.Tensor):
        layer_input = x
        per_layer: dict[str, list] = {}
        finals = []
        for layer in range(self.layers):
            outs, finals_l, states_l = [], [], {}
            for direction in range(self.directions):
                out, final, states = self._run_direction(layer_input, layer, direction)
                outs.append(out)
                finals_l.append(final)
                for name, value in states.items():
                    states_l.setdefault(name, []).append(value)
            layer_input = torch.cat(outs, dim=-1)
            finals = finals_l
            for name, values in states_l.items():
                per_layer.setdefault(name, []).append(torch.cat(values, dim=-1))
            if self.training and self.rnn.dropout and layer < self.layers - 1:
                layer_input = nn.functional.dropout(layer_input, self.rnn.dropout, True)
        states = {name: torch.stack(values) for name, values in per_layer.items()}
        return layer_input, torch.cat(finals, dim=-1), states

    def _run_direction(self, x: torch.Tensor, layer: int, direction: int):
        record = step_direction(self.rnn, self.cell, x, layer, direction)
        if self.kept_steps is not None and layer == self.layers - 1 and direction == 0:
            self.kept_steps.extend(record["hidden"])
        final = record["hidden"][-1]
        states = in_time_order(record, direction)
        return states["hidden"], final, states
