"""Photos (and their edge maps) for the window: read, and summed up for the data panel (no torch)."""
from __future__ import annotations

import numpy as np

from engine.data.window_data import MAX_THUMBNAILS, DataSummary, shrink


def read(spec, progress, cancel):
    from engine.data.edge_data import load_edges

    data = load_edges(spec, progress=progress, cancel=cancel)
    return data, summary(data)


def summary(data) -> DataSummary:
    samples = data.train + (data.test or [])
    sizes = {s.image.shape[:2] for s in samples}
    heights, widths = [h for h, _ in sizes], [w for _, w in sizes]
    size = (f"{heights[0]}×{widths[0]}" if len(sizes) == 1 else
            f"{min(heights)}–{max(heights)} × {min(widths)}–{max(widths)}")
    annotators = [len(s.truths) for s in samples if s.truths is not None]
    lines = [f"{len(data.train):,} train · {len(data.test or []):,} test photos",
             f"{size} px colour",
             (f"human boundaries: {min(annotators)}–{max(annotators)} annotator(s) per image" if annotators
              else "no annotations: trains on Canny or Sobel targets")]
    thumbs, captions = [], []
    for sample in samples[:MAX_THUMBNAILS // 2]:
        thumbs.append(shrink(sample.image))
        captions.append(sample.name)
        if sample.truths is not None:  # the people's boundaries, the fraction who drew each pixel
            thumbs.append(shrink(np.round(np.mean(sample.truths, 0) * 255).astype(np.uint8), lines=True))
            captions.append("edges")
    return DataSummary(data.name, lines, thumbs, captions, list(data.notes), list(data.skipped))
