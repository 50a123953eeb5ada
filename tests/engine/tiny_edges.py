"""Tiny generated edge data for the engine tests: images of filled rectangles and their boundary maps."""
from pathlib import Path

import cv2
import numpy as np


def rectangles(size=(40, 56), count: int = 3, rng=None) -> tuple[np.ndarray, np.ndarray]:
    """(uint8 (H, W, 3) BGR image of `count` filled rectangles on noise, uint8 (H, W) 0/255 boundary map)."""
    rng = rng or np.random.default_rng(0)
    h, w = size
    image = rng.integers(90, 110, (h, w, 3)).astype(np.uint8)
    labels = np.zeros((h, w), np.int32)
    for k in range(1, count + 1):
        y0, x0 = rng.integers(2, h // 2), rng.integers(2, w // 2)
        y1, x1 = rng.integers(y0 + 6, h - 1), rng.integers(x0 + 6, w - 1)
        image[y0:y1, x0:x1] = rng.integers(0, 256, 3)
        labels[y0:y1, x0:x1] = k
    boundary = np.zeros((h, w), bool)
    boundary[:, 1:] |= labels[:, 1:] != labels[:, :-1]
    boundary[1:, :] |= labels[1:, :] != labels[:-1, :]
    return image, (boundary * 255).astype(np.uint8)


def write_pairs(root: Path, n: int = 12, size=(40, 56), seed: int = 0, portrait_every: int = 4) -> tuple[Path, Path]:
    """root/images/NNN.png and root/edges/NNN.png; every `portrait_every`-th image is portrait (transposed)."""
    rng = np.random.default_rng(seed)
    images, edges = root / "images", root / "edges"
    images.mkdir(parents=True, exist_ok=True)
    edges.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        image, edge = rectangles(size, 3, rng)
        if portrait_every and i % portrait_every == portrait_every - 1:
            image, edge = image.transpose(1, 0, 2), edge.T
        assert cv2.imwrite(str(images / f"{i:03d}.png"), image)
        assert cv2.imwrite(str(edges / f"{i:03d}.png"), edge)
    return images, edges
