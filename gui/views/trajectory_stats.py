"""What the trajectory view says in words about its numbers: how far apart the classes are, and how much
the forget gates keep. Pure NumPy, so it is easy to test."""
from __future__ import annotations

import numpy as np


def separation(points: np.ndarray, labels: np.ndarray) -> float:
    """Spread of the class centres divided by the spread within classes (points (N, 2)); nan if undefined."""
    classes = np.unique(labels)
    if len(classes) < 2:
        return float("nan")
    centres = np.stack([points[labels == c].mean(axis=0) for c in classes])
    between = np.linalg.norm(centres - centres.mean(axis=0), axis=1).mean()
    within = np.mean([np.linalg.norm(points[labels == c] - centres[i], axis=1).mean()
                      for i, c in enumerate(classes)])
    return float(between / within) if within > 0 else float("nan")


def forget_summary(values: np.ndarray) -> str:
    """Forget-gate values in [0, 1] -> their mean and the shares kept (above 0.9) and forgotten (below 0.1)."""
    kept, gone = float(np.mean(values > 0.9)), float(np.mean(values < 0.1))
    return (f"mean {float(np.mean(values)):.2f}: {100 * kept:.0f} % of the values are above 0.9 (kept), "
            f"{100 * gone:.0f} % below 0.1 (forgotten)")
