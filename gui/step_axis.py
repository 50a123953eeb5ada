"""What one time step of a run is, in words, for the bottom axis of gradient plots (the Inside tab's
Gradients page and the Compare cells… dialog both label it; keeping it here lets neither import the other)."""
from __future__ import annotations

# short enough for the comparison's narrow plot; the unit words of the captions come from them
AXIS_LABELS = {"rows": "time step t = image row t", "cols": "time step t = image column t",
               "pixels": "time step t = pixel t", "frames": "time step t = frame t",
               "sweep rows": "sweep step t = grid row t (top→bottom)"}


def axis_label(read: str) -> str:
    return AXIS_LABELS.get(read, "time step t")
