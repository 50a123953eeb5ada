"""The ReNet sweeps of one image as maps, for the window's Inside tab: Snapshot("sweeps").

A model with a `renet` (engine/models/renet.py: EdgeReNet, SegReNet) is run once on one image; a hook keeps
what its ReNet reads, and the ReNet is stepped again in Python (same weights) for each sweep direction's
hidden state and gates at every grid position. Each direction sweeps the whole grid one line at a time:
left→right reads grid column 1, then 2, ...; every row at once. At sweep step t the positions already swept
hold what the direction has read up to them; the rest is not computed yet.

Arrays: "image" (H, W, 3) in [0, 1], the image as the model reads it; for each layer l and direction d,
"layer l d" float32 (states, channels, h, w) (at most engine/state_maps.MAX_CHANNELS channels, a large grid
averaged over blocks) and "layer l d summary" (states, h, w) over all channels. meta["sweeps"] lists them in
order with the direction's state names, the axis its steps run along ("x": grid columns, "y": grid rows),
whether it runs backwards, and what one position of its input holds (`reads`).
"""
from __future__ import annotations

import numpy as np
import torch

from engine.events import Snapshot
from engine.models.renet import SWEEPS
from engine.state_maps import state_maps


@torch.no_grad()
def forward_with_sweeps(model, x: torch.Tensor):
    """(model(x), its ReNet's per-layer sweep maps) for one input batch x, in eval mode (dropout off)."""
    seen = []
    handle = model.renet.register_forward_pre_hook(lambda _module, args: seen.append(args[0]))
    was_training = model.training
    model.eval()
    try:
        output = model(x)
        _, layers = model.renet.sweep_states(seen[0])
    finally:
        handle.remove()
        model.train(was_training)
    return output, layers


def sweeps_snapshot(layers: list, image: np.ndarray, cell: str, meta: dict) -> Snapshot:
    """Snapshot("sweeps") of the first image of `layers` (forward_with_sweeps' second value) over `image`."""
    arrays = {"image": np.ascontiguousarray(image, np.float32)}
    sweeps, channels, grid, factor, shown = [], 0, [0, 0], 1, 0
    both_ways = any(SWEEPS["rows"][1] in maps for maps in layers)
    for number, maps in enumerate(layers, start=1):
        for direction, states in maps.items():
            key = f"layer {number} {direction}"
            values, summaries, factor = state_maps(states)
            arrays[key], arrays[key + " summary"] = values[:, 0], summaries[:, 0]
            hidden = states["hidden"]
            channels, grid, shown = int(hidden.shape[1]), [int(s) for s in hidden.shape[-2:]], values.shape[2]
            axis = "x" if direction in SWEEPS["rows"] else "y"
            sweeps.append({"key": key, "layer": number, "direction": direction, "states": list(states),
                           "axis": axis, "reverse": direction in (SWEEPS["rows"][1], SWEEPS["cols"][1]),
                           "reads": _reads(number, axis, both_ways)})
    return Snapshot("sweeps", arrays, {**meta, "sweeps": sweeps, "layers": len(layers), "cell": cell,
                                       "channels": channels, "shown_channels": int(shown), "grid": grid,
                                       "block": int(factor)})


def _reads(layer: int, axis: str, both_ways: bool) -> str:
    """What one grid position of a sweep's input holds, in words."""
    if axis == "y":
        return ("the row sweep's output: each position has already seen its whole row" if both_ways else
                "the row sweep's output: each position has seen its row up to itself, from the left")
    if layer == 1:
        return "the convolutional features of a small patch of the image"
    return f"layer {layer - 1}'s output" + (", which has seen the whole image" if both_ways else "")
