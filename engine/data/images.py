"""Making images fit a trained model: size, channels, and which way round the ink is."""
from __future__ import annotations

import cv2
import numpy as np


def conform(images: np.ndarray, image_shape: tuple[int, int, int]) -> np.ndarray:
    """(N, H, W[, C]) float [0, 1] of any size and channels -> (N, h, w, c) for image_shape (c, h, w)."""
    c, h, w = image_shape
    out = np.empty((len(images), h, w, c), np.float32)
    for i, image in enumerate(images):
        image = np.asarray(image, np.float32)
        if image.shape[:2] != (h, w):
            shrink = image.shape[0] > h or image.shape[1] > w
            image = cv2.resize(image, (w, h), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)
        if image.ndim == 2:
            image = image[:, :, None]
        if image.shape[2] != c:
            image = image.mean(2, keepdims=True) if c == 1 else np.repeat(image[:, :, :1], c, axis=2)
        out[i] = image
    return out


def dark_background(images: np.ndarray) -> bool:
    """True when images (N, H, W, C) are light ink on a dark ground (MNIST, USPS), judged by their borders."""
    border = np.concatenate([images[:, 0].ravel(), images[:, -1].ravel(),
                             images[:, :, 0].ravel(), images[:, :, -1].ravel()])
    return float(border.mean()) < 0.5
