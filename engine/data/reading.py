"""The pieces every data reader shares: the progress callback's type, cancelling, the seeded
train/validation split and reading one image file as float pixels.

They live apart from engine.data.loading (the entry point that picks a reader) so that the readers
(demo, folder, masks, ...) import them without importing the module that imports the readers.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from engine.data.image_files import decode_image
from engine.errors import DataError

ProgressFn = Callable[[int, int], None]


def check_cancel(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise DataError("Loading cancelled", "Start loading again when ready.")


def train_val_split(n: int, val_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Shuffle 0..n-1 with a seeded generator and cut off `val_fraction` of it (both index arrays sorted).

    A non-zero fraction always leaves at least one item on each side when n >= 2.
    """
    if not 0.0 <= val_fraction < 1.0:
        raise ValueError(f"val_fraction must be in [0, 1), got {val_fraction}")
    order = np.random.default_rng(seed).permutation(n)
    n_val = int(round(n * val_fraction))
    if val_fraction > 0 and n >= 2:
        n_val = min(max(n_val, 1), n - 1)
    return np.sort(order[n_val:]), np.sort(order[:n_val])


def read_image(path: str | Path, size: tuple[int, int] | None, channels: int) -> np.ndarray:
    """One image file -> (H, W, C) float32 in [0, 1].

    size: (height, width) to resize to, or None to keep the file's size. channels: 1 (grey) or 3 (RGB).
    8-bit data is divided by 255 and 16-bit by 65535. Float data (e.g. float TIFF) is taken as
    [0, 1]; if its maximum is above 1 it is divided by 255 (or 65535) as saved-as-float integers.
    Transparent pixels are composited over WHITE, as image viewers and browsers show them, so a
    dark-on-transparent drawing reads like dark ink on paper.
    """
    if channels not in (1, 3):
        raise ValueError(f"channels must be 1 or 3, got {channels}")
    path = Path(path)
    pixels = decode_image(path)  # checked first: a regular file, an allowed format by content, a sane size
    image = _to_unit_float(pixels, path)
    image = _to_channels(image, channels)
    if size is not None:
        image = _resize(image, size)
    return np.clip(image, 0.0, 1.0, out=image)


def _to_unit_float(pixels: np.ndarray, path: Path) -> np.ndarray:
    if pixels.dtype == np.uint8:
        return pixels.astype(np.float32) / 255.0
    if pixels.dtype == np.uint16:
        return pixels.astype(np.float32) / 65535.0
    if np.issubdtype(pixels.dtype, np.floating):
        image = np.nan_to_num(pixels.astype(np.float32), nan=0.0, posinf=1.0, neginf=0.0)
        peak = float(image.max()) if image.size else 0.0
        if peak > 1.0:
            image /= 255.0 if peak <= 255.0 else 65535.0
        return image
    if np.issubdtype(pixels.dtype, np.integer):
        return np.clip(pixels.astype(np.float32) / float(np.iinfo(pixels.dtype).max), 0.0, 1.0)
    raise DataError(f"Cannot read image {path}: unsupported pixel type {pixels.dtype}.",
                    "Re-save it as an 8- or 16-bit PNG.")


def _to_channels(image: np.ndarray, channels: int) -> np.ndarray:
    """Grey / grey+alpha / BGR / BGRA (OpenCV order) -> (H, W, channels) RGB or grey."""
    if image.ndim == 2:
        image = image[:, :, None]
    count = image.shape[2]
    if count in (2, 4):  # colour plus alpha: composite over white
        alpha = image[:, :, -1:]
        image = image[:, :, :-1] * alpha + (1.0 - alpha)
        count -= 1
    if count == 1:
        return image if channels == 1 else np.repeat(image, 3, axis=2)
    rgb = np.ascontiguousarray(image[:, :, 2::-1])  # BGR -> RGB
    if channels == 3:
        return rgb
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)[:, :, None]


def _resize(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    height, width = int(size[0]), int(size[1])
    if height <= 0 or width <= 0:
        raise ValueError(f"size must be positive, got {size}")
    if image.shape[:2] == (height, width):
        return image
    shrinking = height * width < image.shape[0] * image.shape[1]
    resized = cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR)
    return resized[:, :, None] if resized.ndim == 2 else resized
