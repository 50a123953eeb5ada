"""The built-in segmentation demo: generated shapes on textured backgrounds, with exact masks.

`shapes` or `shapes:N` (N images, default 160, at most 100,000; options `seed`, `size` 16-1024, refused
with a message before drawing when the images would not fit in memory). Each 64 x 64 image (size=S for
another side) has a muted, greyish background (noisy, striped or blotchy) and 1-2 vivid shapes that do not
touch, each an ellipse (class 1), a rectangle (class 2) or an upright triangle (class 3), filled with a
colour plus noise. Colours are drawn at random for background and shapes, so the class comes from the
outline, not the colour. The same seed gives the same images. The last quarter is the test split.

Made to be learnt live (the window's defaults, 40 epochs on 1 CPU thread, in a minute or two). The first
demo (96 px, 1-3 small overlapping shapes of any colour on backgrounds of any colour, 240 images) reached
a test mean IoU of 0.33 in 15 epochs (2 minutes) with the foreground only half found: with a background of
any colour, even "is this pixel part of a shape?" needs the whole image. Now a vivid pixel on a muted
background is a shape (the foreground is learnt in a few hundred steps) and what remains for the sweeps to
learn is the outline's class. Shapes are large (radius 18-30 % of the side, each class 5-9 % of the
pixels) and never occluded, rectangles and triangles only slightly turned, so the outline says the class.
"""
from __future__ import annotations

import cv2
import numpy as np

from engine.errors import DataError
from engine.resources import check_fits

CLASS_NAMES = ["background", "ellipse", "rectangle", "triangle"]
DEFAULT_COUNT, DEFAULT_SIZE = 160, 64
MIN_SIDE, MAX_SIDE = 16, 1024  # image side: below 16 no shape has an outline; above 1024 only memory is spent
MAX_COUNT = 100_000
NOISE = 8.0  # pixel noise (RGB levels, standard deviation) of background and shapes
# bytes per pixel of each image kept: the RGB image and its mask (4), and the tasks' training copies (float32
# RGB 12 + an int64 target 8); drawing one image takes float32 working copies besides (background, noise)
BYTES_PER_PIXEL, DRAWING_BYTES_PER_PIXEL = 4 + 20, 24


def generate(count: int = DEFAULT_COUNT, size: int = DEFAULT_SIZE, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(images uint8 (N, S, S, 3) RGB, masks uint8 (N, S, S) class ids). DataError for a count or side out
    of bounds, ResourceError when the images would not fit in memory (checked before drawing any)."""
    check_bounds(count, size)
    rng = np.random.default_rng(seed)
    images = np.empty((count, size, size, 3), np.uint8)
    masks = np.zeros((count, size, size), np.uint8)
    for i in range(count):
        images[i], masks[i] = _one(rng, size)
    return images, masks


def check_bounds(count: int, size: int) -> None:
    if not 1 <= count <= MAX_COUNT:
        raise DataError(f"Bad shapes count {count:,}: the demo generates 1 to {MAX_COUNT:,} images.",
                        f"Write shapes:N with N up to {MAX_COUNT:,} (default {DEFAULT_COUNT}).")
    if not MIN_SIDE <= size <= MAX_SIDE:
        raise DataError(f"Bad shapes size {size:,}: the image side must be {MIN_SIDE} to {MAX_SIDE} pixels.",
                        f"Write ?size=S with S from {MIN_SIDE} to {MAX_SIDE} (default {DEFAULT_SIZE}).")
    check_fits(size * size * (count * BYTES_PER_PIXEL + DRAWING_BYTES_PER_PIXEL),
               f"{count:,} generated {size}x{size} shape images",
               "Generate fewer images (shapes:N) or smaller ones (?size=S).")


def _background(rng: np.random.Generator, size: int, base: np.ndarray) -> np.ndarray:
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    kind = rng.integers(3)
    if kind == 0:  # stripes at a random angle
        angle, period = rng.uniform(0, np.pi), rng.uniform(0.08, 0.25) * size
        pattern = np.sin((xx * np.cos(angle) + yy * np.sin(angle)) * 2 * np.pi / period)
    elif kind == 1:  # blotches: smoothed noise
        pattern = cv2.GaussianBlur(rng.normal(0, 1, (size, size)).astype(np.float32), (0, 0), size / 12)
        pattern /= max(float(np.abs(pattern).max()), 1e-6)
    else:
        pattern = np.zeros((size, size), np.float32)
    tint = rng.uniform(-30, 30, 3)
    image = base + pattern[:, :, None] * tint + rng.normal(0, NOISE, (size, size, 3))
    return image.astype(np.float32)


def _one(rng: np.random.Generator, size: int) -> tuple[np.ndarray, np.ndarray]:
    base = rng.uniform(60, 150) + rng.uniform(-15, 15, 3)  # muted, greyish: vivid shapes stand out locally
    image = _background(rng, size, base)
    mask = np.zeros((size, size), np.uint8)
    taken = np.zeros((size, size), bool)  # shapes do not touch: an occluded outline would not say its class
    for _ in range(int(rng.integers(1, 3))):
        cls = int(rng.integers(1, 4))
        r = rng.uniform(0.18, 0.3) * size
        for _attempt in range(20):
            inside = _shape(rng, cls, rng.uniform(0.2, 0.8, 2) * size, r, size)
            if not (inside & taken).any():
                break
        else:
            continue  # no room left for this one
        taken |= cv2.dilate(inside.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
        colour = _contrasting(rng, base)
        image[inside] = colour + rng.normal(0, NOISE, (int(inside.sum()), 3))
        mask[inside] = cls
    return np.clip(image, 0, 255).astype(np.uint8), mask


def _shape(rng: np.random.Generator, cls: int, centre: np.ndarray, r: float, size: int) -> np.ndarray:
    """bool (S, S): an ellipse (1, turned any way), rectangle (2) or upright triangle (3, both turned a little)
    of radius about r."""
    shape = np.zeros((size, size), np.uint8)
    cx, cy = float(centre[0]), float(centre[1])
    if cls == 1:
        axes = (int(r), int(r * rng.uniform(0.75, 1.0)))
        cv2.ellipse(shape, (int(cx), int(cy)), axes, float(rng.uniform(0, 180)), 0, 360, 1, -1)
    elif cls == 2:
        sides = (float(1.8 * r), float(1.8 * r * rng.uniform(0.7, 1.0)))
        corners = cv2.boxPoints(((cx, cy), sides, float(rng.uniform(-10, 10))))
        cv2.fillPoly(shape, [np.round(corners).astype(np.int32)], 1)
    else:
        angles = -np.pi / 2 + rng.uniform(-0.2, 0.2) + np.array([0, 2 * np.pi / 3, 4 * np.pi / 3])
        angles += rng.uniform(-0.1, 0.1, 3)
        points = np.stack([cx + r * 1.35 * np.cos(angles), cy + r * 1.35 * np.sin(angles)], 1)
        cv2.fillPoly(shape, [np.round(points).astype(np.int32)], 1)
    return shape.astype(bool)


def _contrasting(rng: np.random.Generator, base: np.ndarray, distance: float = 90.0) -> np.ndarray:
    """A vivid random colour (one channel high, another low) at least `distance` (RGB, Euclidean) from the
    background's mean colour."""
    for _ in range(100):
        colour = rng.permutation([rng.uniform(190, 250), rng.uniform(0, 70), rng.uniform(0, 250)])
        if np.linalg.norm(colour - base) >= distance:
            return colour
    return 255.0 - base
