"""Segmentation figures from a confusion matrix (rows: truth, columns: prediction; void pixels left out).

- pixel_accuracy: correct pixels / scored pixels, all images pooled;
- per-class IoU: TP / (TP + FP + FN) of each class; miou: their mean over the classes that occur (in the
  truth or the prediction);
- fg_iou and dice: "foreground" is every class but 0 (background), merged: IoU = |P n T| / |P u T| and
  Dice = 2 |P n T| / (|P| + |T|), pixels pooled over the images (for two classes fg_iou is the class-1 IoU);
- per-image IoU (image_iou): each image on its own, the mean IoU of the non-background classes it shows
  or is said to show (for two classes its foreground IoU; 1 when both are empty); it orders the worst-first
  gallery.
"""
from __future__ import annotations

import numpy as np
import torch

VOID = 255


def confusion(pred: torch.Tensor, truth: torch.Tensor, classes: int) -> torch.Tensor:
    """(classes, classes) int64 counts of (truth, prediction) over the non-void pixels."""
    keep = truth != VOID
    index = truth[keep].long() * classes + pred[keep].long()
    return torch.bincount(index, minlength=classes * classes).reshape(classes, classes).cpu()


def scores(matrix, class_names: list[str] | None = None) -> dict:
    m = np.asarray(matrix, np.float64)
    total = m.sum()
    tp = np.diag(m)
    union = m.sum(0) + m.sum(1) - tp
    iou = np.where(union > 0, tp / np.maximum(union, 1), np.nan)
    fg_inter = m[1:, 1:].sum()
    fg_truth, fg_pred = m[1:, :].sum(), m[:, 1:].sum()
    fg_union = fg_truth + fg_pred - fg_inter
    result = {"pixel_accuracy": float(tp.sum() / total) if total else 0.0,
              "miou": float(np.nanmean(iou)) if np.any(union > 0) else 0.0,
              "fg_iou": float(fg_inter / fg_union) if fg_union else 1.0,
              "dice": float(2 * fg_inter / (fg_truth + fg_pred)) if fg_truth + fg_pred else 1.0}
    for k, value in enumerate(iou):
        result[f"iou_{k}"] = 0.0 if np.isnan(value) else float(value)
    return result


def image_iou(pred: np.ndarray, truth: np.ndarray) -> float:
    """IoU of one image (void pixels left out): the mean over the non-background classes in its truth or its
    prediction, so an object found in the right place but named wrongly scores 0, not 1 (for two classes this
    is the foreground IoU); 1.0 when neither has foreground."""
    keep = truth != VOID
    scores = []
    for c in np.union1d(np.unique(pred[keep]), np.unique(truth[keep])):
        if c == 0:
            continue
        p, t = (pred == c) & keep, (truth == c) & keep
        scores.append((p & t).sum() / (p | t).sum())
    return float(np.mean(scores)) if scores else 1.0
