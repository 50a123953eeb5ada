"""The built-in segmentation demo: generated shapes on textured backgrounds, with exact masks.

`shapes` or `shapes:N` (N images, default 240; options `seed`, `size`). Each 96 x 96 image (size=S for
another side) has a noisy, striped or blotchy background and 1-3 shapes, each an ellipse (class 1), a
rectangle (class 2) or a triangle (class 3), filled with a colour plus noise; a later shape covers an
earlier one in image and mask alike. Colours are drawn at random for background and shapes (a shape's at
least 90 RGB levels from the background's), so the class comes from the outline, not the colour. The same
seed gives the same images. The last quarter is the test split.
"""
from __future__ import annotations

import cv2
import numpy as np

CLASS_NAMES = ["background", "ellipse", "rectangle", "triangle"]
DEFAULT_COUNT, DEFAULT_SIZE = 240, 96


def generate(count: int = DEFAULT_COUNT, size: int = DEFAULT_SIZE, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(images uint8 (N, S, S, 3) RGB, masks uint8 (N, S, S) class ids)."""
    rng = np.random.default_rng(seed)
    images = np.empty((count, size, size, 3), np.uint8)
    masks = np.zeros((count, size, size), np.uint8)
    for i in range(count):
        images[i], masks[i] = _one(rng, size)
    return images, masks


def _background(rng: np.random.Generator, size: int, base: np.ndarray) -> np.ndarray:
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    kind = rng.integers(3)
    if kind == 0:  # stripes at a random angle
        angle, period = rng.uniform(0, np.pi), rng.uniform(6, 20)
        pattern = np.sin((xx * np.cos(angle) + yy * np.sin(angle)) * 2 * np.pi / period)
    elif kind == 1:  # blotches: smoothed noise
        pattern = cv2.GaussianBlur(rng.normal(0, 1, (size, size)).astype(np.float32), (0, 0), size / 12)
        pattern /= max(float(np.abs(pattern).max()), 1e-6)
    else:
        pattern = np.zeros((size, size), np.float32)
    tint = rng.uniform(-40, 40, 3)
    image = base + pattern[:, :, None] * tint + rng.normal(0, 12, (size, size, 3))
    return image.astype(np.float32)


def _one(rng: np.random.Generator, size: int) -> tuple[np.ndarray, np.ndarray]:
    base = rng.uniform(40, 215, 3)
    image = _background(rng, size, base)
    mask = np.zeros((size, size), np.uint8)
    for _ in range(int(rng.integers(1, 4))):
        cls = int(rng.integers(1, 4))
        shape = np.zeros((size, size), np.uint8)
        cx, cy = rng.uniform(0.2, 0.8, 2) * size
        r = rng.uniform(0.1, 0.22) * size
        if cls == 1:
            axes = (int(r), int(r * rng.uniform(0.5, 1.0)))
            cv2.ellipse(shape, (int(cx), int(cy)), axes, float(rng.uniform(0, 180)), 0, 360, 1, -1)
        elif cls == 2:
            sides = (float(2 * r), float(2 * r * rng.uniform(0.5, 1.0)))
            box = ((float(cx), float(cy)), sides, float(rng.uniform(0, 90)))
            cv2.fillPoly(shape, [np.round(cv2.boxPoints(box)).astype(np.int32)], 1)
        else:
            start = rng.uniform(0, 2 * np.pi)
            angles = start + np.array([0, 2 * np.pi / 3, 4 * np.pi / 3]) + rng.uniform(-0.3, 0.3, 3)
            points = np.stack([cx + r * 1.2 * np.cos(angles), cy + r * 1.2 * np.sin(angles)], 1)
            cv2.fillPoly(shape, [np.round(points).astype(np.int32)], 1)
        inside = shape.astype(bool)
        colour = _contrasting(rng, base)
        image[inside] = colour + rng.normal(0, 12, (int(inside.sum()), 3))
        mask[inside] = cls
    return np.clip(image, 0, 255).astype(np.uint8), mask


def _contrasting(rng: np.random.Generator, base: np.ndarray, distance: float = 90.0) -> np.ndarray:
    """A random colour at least `distance` (RGB, Euclidean) from the background's mean colour."""
    for _ in range(100):
        colour = rng.uniform(20, 235, 3)
        if np.linalg.norm(colour - base) >= distance:
            return colour
    return 255.0 - base
