"""Tiny generated images for the engine tests: two classes of 8x8 PNGs that a small GRU learns in an epoch.

"top" has a bright bar in the upper half, "bottom" in the lower half; the border stays dark, so the
data reads as light ink on a dark ground, like MNIST.
"""
from pathlib import Path

import cv2
import numpy as np

CLASSES = ("bottom", "top")


def bar_image(name: str, size: int = 8, rng=None, dtype=np.uint8) -> np.ndarray:
    """One (size, size) image of the class `name`, with a little noise."""
    rng = rng or np.random.default_rng(0)
    peak = np.iinfo(dtype).max
    image = rng.uniform(0.0, 0.15, (size, size))
    half, edge = size // 2, max(1, size // 8)
    rows = slice(edge, half) if name == "top" else slice(half, size - edge)
    image[rows, edge:size - edge] += 0.8
    return np.clip(image * peak, 0, peak).astype(dtype)


def write_bars(root: Path, per_class: int = 16, size: int = 8, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    for name in CLASSES:
        (root / name).mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            assert cv2.imwrite(str(root / name / f"{i:03d}.png"), bar_image(name, size, rng))
    return root
