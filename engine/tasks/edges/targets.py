"""Turning edge samples into training tensors: orientation, training scale, targets, options.

Targets (RunConfig.options["target"]):
- `human` (needs annotations): every annotator's boundary map is brought to the training scale on its own
  (a training pixel is a boundary for that person when one of their boundary pixels falls inside it: a
  max-pool, so no line is lost or thickened), then the maps are averaged: the target is the fraction of
  annotators who drew a boundary there (engine/edges/bsds.py, soft_target, says why a mean and not a vote).
  The loss takes this as a soft label.
- `canny`: engine.edges.classical.canny_map of the training-scale image (canny_low, canny_high: hysteresis
  thresholds as fractions of the image's largest gradient; canny_sigma: Gaussian smoothing, training pixels).
- `sobel`: the Sobel gradient magnitude (sobel_sigma), thinned by non-maximum suppression and kept where it is
  at least sobel_threshold of the image's largest magnitude.
The self-supervised targets work on any images; the benchmark still scores against the people.

Tensors must be one shape for the Trainer: portrait images are transposed to landscape (and predictions
transposed back), then resized to the most common landscape size times `scale` (0.5: 321 x 481 BSDS images
train at 160 x 240).
"""
from __future__ import annotations

from collections import Counter

import cv2
import numpy as np
import torch

from engine.errors import ConfigError
from engine.tasks.edges import SPEC


def task_options(config, annotated: bool) -> dict:
    """RunConfig.options checked (engine/tasks/edges/__init__.py lists them) and completed with the defaults;
    the target left empty is human for annotated data, else canny."""
    values = SPEC.read_options(config.options)
    values["target"] = values["target"] or ("human" if annotated else "canny")
    if values["target"] == "human" and not annotated:
        raise ConfigError("The target 'human' needs annotated data (bsds:DIR or pairs:IMGDIR,EDGEDIR).",
                          "Use --target canny or --target sobel for images without edge maps.")
    return values


def training_size(samples, scale: float) -> tuple[int, int]:
    """(h, w): the most common landscape size of the samples, times scale."""
    shapes = Counter(tuple(sorted(s.image.shape[:2])) for s in samples)
    h, w = shapes.most_common(1)[0][0]
    return max(8, round(h * scale)), max(8, round(w * scale))


def landscape(array: np.ndarray) -> tuple[np.ndarray, bool]:
    """A portrait (H > W) array transposed to landscape, and whether it was."""
    if array.shape[0] > array.shape[1]:
        return np.ascontiguousarray(np.swapaxes(array, 0, 1)), True
    return array, False


def pooled(boundary: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """bool (h, w): a training pixel is set when a boundary pixel's centre falls inside it (a max-pool)."""
    h, w = size
    ys, xs = np.nonzero(boundary)
    out = np.zeros((h, w), bool)
    out[np.minimum(((ys + 0.5) * h / boundary.shape[0]).astype(int), h - 1),
        np.minimum(((xs + 0.5) * w / boundary.shape[1]).astype(int), w - 1)] = True
    return out


def make_target(image: np.ndarray, truths, options: dict) -> np.ndarray:
    """float32 (h, w) target in [0, 1] for a training-scale uint8 RGB image (and its full-size truths)."""
    from engine.edges import classical, nms

    target, bgr = options["target"], np.ascontiguousarray(image[:, :, ::-1])
    if target == "human":
        return np.mean([pooled(landscape(t)[0], image.shape[:2]) for t in truths], axis=0).astype(np.float32)
    if target == "canny":
        return classical.canny_map(bgr, options["canny_low"], options["canny_high"], options["canny_sigma"])
    thin = nms.non_max_suppression(classical.sobel_map(bgr, options["sobel_sigma"]))
    return (thin >= options["sobel_threshold"]).astype(np.float32)


def resize_image(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    h, w = size
    if image.shape[:2] == (h, w):
        return image
    shrink = h * w < image.shape[0] * image.shape[1]
    return cv2.resize(image, (w, h), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)


def tensors(samples, size: tuple[int, int], options: dict, cancel=None) -> tuple[torch.Tensor, torch.Tensor]:
    """(inputs (N, 3, h, w) float [0, 1], targets (N, 1, h, w)) at the training size, landscape."""
    x = np.empty((len(samples), 3, *size), np.float32)
    y = np.empty((len(samples), 1, *size), np.float32)
    for i, sample in enumerate(samples):
        if cancel is not None and cancel.is_set():
            from engine.errors import DataError
            raise DataError("Loading cancelled", "Start again when ready.")
        small = resize_image(landscape(sample.image)[0], size)
        x[i] = small.transpose(2, 0, 1) / np.float32(255)
        y[i, 0] = make_target(small, sample.truths, options)
    return torch.from_numpy(x), torch.from_numpy(y)

