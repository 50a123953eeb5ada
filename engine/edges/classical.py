"""Classical boundary detectors with OpenCV: Sobel gradient magnitude and Canny, as targets and comparisons.

Images may be uint8 or float, grey (H, W) or colour (H, W, 3, OpenCV's BGR order); detectors work on the
grey image scaled to [0, 1]. Maps come back float32 (H, W) in [0, 1].

Canny on the benchmark. Canny answers yes/no, which is one point of a precision-recall curve (see
engine.edges.evaluate). The published figure (ODS 0.60, OIS 0.63 in Arbelaez et al. 2011) comes from sweeping
Canny's threshold. `canny_soft_map` does that sweep at a fixed Gaussian sigma and stacks the answers: the
soft value of a pixel is the fraction of `levels` high thresholds (geometrically spaced from `lowest` to
`highest` x the image's largest gradient magnitude, each with low = `ratio` x high, MATLAB's 0.4) at which
Canny marks it. Canny's edge sets are nested (a higher threshold keeps a subset of the pixels), so thresholding
the soft map at t gives back exactly Canny's output at one threshold setting: the benchmark's sweep over t
is a sweep over Canny's threshold, and ODS picks the best single setting for the whole data set, OIS the best
per image. The sigma is not swept; the bench chooses it on the val split (bench/edges_baseline.py).
"""
from __future__ import annotations

import cv2
import numpy as np

from engine.errors import DataError

_INT16_SCALE = 16000.0  # gradients handed to cv2.Canny as int16: the largest magnitude maps to this


def to_gray(image) -> np.ndarray:
    """float32 (H, W) grey image in [0, 1] from uint8 / float, grey / BGR / BGRA input."""
    a = np.asarray(image)
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[:, :, 0]
    if a.ndim == 3 and a.shape[2] in (3, 4):
        a = cv2.cvtColor(a[:, :, :3].astype(np.float32) / (255.0 if a.dtype == np.uint8 else 1.0),
                         cv2.COLOR_BGR2GRAY)
    elif a.ndim == 2:
        a = a.astype(np.float32) / (255.0 if a.dtype == np.uint8 else 1.0)
    else:
        raise DataError(f"an image must be H x W or H x W x 3, got shape {a.shape}")
    return np.ascontiguousarray(a, dtype=np.float32)


def image_gradients(image, sigma: float = 1.0):
    """(gx, gy) float32: 3x3 Sobel derivatives of the grey image smoothed by a Gaussian of `sigma`."""
    g = to_gray(image)
    if sigma > 0:
        g = cv2.GaussianBlur(g, (0, 0), sigma, borderType=cv2.BORDER_REFLECT)
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3, borderType=cv2.BORDER_REFLECT)
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3, borderType=cv2.BORDER_REFLECT)
    return gx, gy


def sobel_map(image, sigma: float = 1.0) -> np.ndarray:
    """Soft boundary map: gradient magnitude of the smoothed grey image divided by its maximum (float32 [0, 1]).

    The ridges are a few pixels wide; thin with engine.edges.nms.non_max_suppression before benchmarking."""
    gx, gy = image_gradients(image, sigma)
    mag = cv2.magnitude(gx, gy)
    peak = float(mag.max())
    return (mag / peak if peak > 0 else mag).astype(np.float32)


def _int16_gradients(image, sigma: float):
    gx, gy = image_gradients(image, sigma)
    peak = float(cv2.magnitude(gx, gy).max())
    scale = _INT16_SCALE / peak if peak > 0 else 0.0
    return np.round(gx * scale).astype(np.int16), np.round(gy * scale).astype(np.int16)


def canny_map(image, low: float = 0.04, high: float = 0.1, sigma: float = 2.0) -> np.ndarray:
    """Binary Canny edges (float32 0/1) of the grey image smoothed by a Gaussian of `sigma`.

    `low` and `high` are the hysteresis thresholds as fractions of the image's largest gradient magnitude
    (as MATLAB's edge(I, 'canny') does); the L2 gradient norm is used."""
    if not 0 <= low <= high:
        raise DataError(f"Canny needs 0 <= low <= high, got low={low}, high={high}")
    dx, dy = _int16_gradients(image, sigma)
    edges = cv2.Canny(dx, dy, low * _INT16_SCALE, high * _INT16_SCALE, L2gradient=True)
    return (edges > 0).astype(np.float32)


def canny_thresholds(levels: int = 64, lowest: float = 0.01, highest: float = 0.9) -> np.ndarray:
    """The high thresholds `canny_soft_map` sweeps: `levels` values geometrically from `lowest` to `highest`."""
    return np.geomspace(lowest, highest, levels)


def canny_soft_map(image, sigma: float = 2.0, levels: int = 64, lowest: float = 0.01, highest: float = 0.9,
                   ratio: float = 0.4) -> np.ndarray:
    """Fraction of the swept Canny thresholds at which each pixel is an edge (float32 in [0, 1]; see above)."""
    dx, dy = _int16_gradients(image, sigma)
    votes = np.zeros(dx.shape, np.float32)
    for high in canny_thresholds(levels, lowest, highest):
        votes += cv2.Canny(dx, dy, ratio * high * _INT16_SCALE, high * _INT16_SCALE, L2gradient=True) > 0
    return votes / np.float32(levels)
