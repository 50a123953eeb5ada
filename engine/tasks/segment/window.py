"""Images with masks for the window: read, and summed up for the data panel (no torch)."""
from __future__ import annotations

import numpy as np

from engine.data.window_data import SHOWN_SAMPLES, DataSummary, shrink


def read(spec, progress, cancel):
    from engine.data.masks import load_masks

    data = load_masks(spec, progress=progress, cancel=cancel)
    return data, summary(data)


def summary(data) -> DataSummary:
    samples = data.train + (data.test or [])
    heights = [s.image.shape[0] for s in samples]
    widths = [s.image.shape[1] for s in samples]
    size = (f"{widths[0]}×{heights[0]}" if len(set(heights)) == len(set(widths)) == 1 else
            f"{min(widths)}–{max(widths)} × {min(heights)}–{max(heights)}")
    pixels = np.zeros(len(data.class_names), np.float64)
    for s in samples:
        pixels += np.bincount(s.mask.ravel(), minlength=256)[:len(pixels)]
    share = pixels / max(pixels.sum(), 1)
    lines = [f"{len(data.train):,} train · {len(data.test or []):,} test images with masks",
             f"{size} px colour",
             f"{len(data.class_names)} classes: " + ", ".join(f"{n} {p:.0%}" for n, p in zip(data.class_names, share))]
    colours = np.asarray(data.colours, np.uint8)
    thumbs, captions = [], []
    for s in samples[:SHOWN_SAMPLES]:
        thumbs.append(shrink(s.image))
        captions.append(s.name)
        mask = colours[np.minimum(s.mask, len(colours) - 1)]  # void (255) drawn as the last class's colour
        thumbs.append(shrink(np.ascontiguousarray(mask)))
        captions.append("mask")
    return DataSummary(data.name, lines, thumbs, captions, list(data.notes), list(data.skipped))
