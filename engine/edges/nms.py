"""Thinning soft edge maps: non-maximum suppression across the edge, then morphological thinning.

A soft edge map (a net's output, a gradient magnitude) has ridges a few pixels wide. The benchmark
(engine.edges.evaluate) counts pixels, so a 3-pixel-wide ridge would be two thirds false positives. As in the
structured-edge and HED evaluations, we keep a pixel only where it is a maximum along the normal to the edge:

- orientation: the edge map is smoothed with a Gaussian (sigma), and the normal at each pixel is the
  eigenvector of the Hessian (second derivatives) with the most negative eigenvalue, i.e. the direction in
  which the ridge curves down fastest. Second derivatives of the *edge map* are used, not first derivatives
  of the image, so this works on any map (a net has no image gradient to offer), and it is stable on a
  ridge, where the first derivative of the map is zero.
- suppression: the map is sampled (bilinear) at one pixel on either side along the normal; a pixel survives
  if it is strictly above the sample behind it and at least the sample ahead. The asymmetry keeps exactly
  one pixel of a flat plateau (a saturated or binary ridge) instead of all or none of them.

`thin_binary` is the final one-pixel thinning of a binary map (skimage.morphology.thin, the algorithm of
MATLAB's bwmorph(..., 'thin', Inf) that the BSDS benchmark applies after each threshold).
"""
from __future__ import annotations

import cv2
import numpy as np
from skimage.morphology import thin as _skimage_thin

from engine.errors import DataError


def _as_map(edge_map) -> np.ndarray:
    m = np.asarray(edge_map)
    if m.ndim != 2 or m.size == 0:
        raise DataError(f"an edge map must be a non-empty H x W array, got shape {m.shape}")
    return np.ascontiguousarray(m, dtype=np.float32)


def edge_orientation(edge_map, sigma: float = 2.0) -> np.ndarray:
    """Angle in [0, pi) of the normal to the edge (x to the right, y down), from the Hessian of the smoothed map."""
    m = _as_map(edge_map)
    if sigma > 0:
        m = cv2.GaussianBlur(m, (0, 0), sigma, borderType=cv2.BORDER_REFLECT)
    gy, gx = np.gradient(m)
    gyy, gyx = np.gradient(gy)
    gxy, gxx = np.gradient(gx)
    hxy = 0.5 * (gxy + gyx)
    # 0.5 * atan2(2 hxy, hxx - hyy) is the direction of the largest eigenvalue (along a ridge the curvature is
    # ~0, across it strongly negative), so the normal is a quarter turn from it.
    along = 0.5 * np.arctan2(2.0 * hxy, gxx - gyy)
    return np.mod(along + np.pi / 2, np.pi).astype(np.float32)


def non_max_suppression(edge_map, sigma: float = 2.0, radius: float = 1.0, orientation=None) -> np.ndarray:
    """A thin soft map: `edge_map` where it is a maximum along the edge normal, 0 elsewhere (float32).

    `sigma` smooths the map for the orientation only; the values compared are the map's own.
    `radius` is how far (pixels) on either side of a pixel the map is sampled."""
    m = _as_map(edge_map)
    theta = edge_orientation(m, sigma) if orientation is None else np.asarray(orientation, np.float32)
    h, w = m.shape
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    dx, dy = radius * np.cos(theta), radius * np.sin(theta)
    behind = cv2.remap(m, xs - dx, ys - dy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    ahead = cv2.remap(m, xs + dx, ys + dy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    keep = (m > behind) & (m >= ahead) & (m > 0)
    return np.where(keep, m, np.float32(0)).astype(np.float32)


def thin_binary(mask) -> np.ndarray:
    """One-pixel-wide skeleton of a binary map (bool), cropped to its bounding box for speed."""
    b = np.asarray(mask, dtype=bool)
    if b.ndim != 2:
        raise DataError(f"thin_binary needs an H x W map, got shape {b.shape}")
    rows, cols = np.flatnonzero(b.any(axis=1)), np.flatnonzero(b.any(axis=0))
    out = np.zeros_like(b)
    if rows.size == 0:
        return out
    r0, r1 = max(rows[0] - 1, 0), min(rows[-1] + 2, b.shape[0])
    c0, c1 = max(cols[0] - 1, 0), min(cols[-1] + 2, b.shape[1])
    out[r0:r1, c0:c1] = _skimage_thin(b[r0:r1, c0:c1])
    return out

