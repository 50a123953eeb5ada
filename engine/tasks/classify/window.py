"""Labelled images for the window: read, and summed up for the data panel (NumPy only, no torch)."""
from __future__ import annotations

import numpy as np

from engine.data.window_data import DataSummary, to_uint8

SHOWN = 60  # thumbnails in the data panel


def read(spec, progress, cancel):
    from engine.data.loading import load_classification

    splits = load_classification(spec, progress=progress, cancel=cancel)
    return splits, summary(splits)


def summary(splits) -> DataSummary:
    train, test = splits.train, splits.test
    h, w, c = train.image_shape
    counts = np.bincount(train.labels, minlength=len(train.class_names))
    lines = [f"{len(train):,} train · {len(test) if test is not None else 0:,} test",
             f"{h}×{w} {'grey' if c == 1 else 'colour'} · {len(train.class_names)} classes",
             "per class: " + ", ".join(f"{n} {k}" for n, k in zip(train.class_names, counts))]
    pick = np.sort(np.random.default_rng(0).choice(len(train), size=min(SHOWN, len(train)), replace=False))
    thumbs = [to_uint8(train.images[i]) for i in pick]
    captions = [train.class_names[int(train.labels[i])] for i in pick]
    return DataSummary(splits.name, lines, thumbs, captions, list(splits.notes), list(splits.skipped))
