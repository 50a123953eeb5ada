"""Labelled clips for the window: read with the task's default label and clip length, summed up for the
data panel; a run asking for another label or length reads them again (no torch here: the clip reader in
task.py is imported on use, on the loading thread)."""
from __future__ import annotations

import numpy as np

from engine.data.window_data import DataSummary, frame_picture, sequence_lines, shrink
from engine.tasks.video_classify import SPEC

NAMED_BY_FOLDERS = ("videos",)  # kinds whose classes are their folders: the label option does not apply


def read(spec, progress, cancel):
    from engine.tasks.video_classify.task import load_clips

    splits = load_clips(str(spec), SPEC.default("label"), SPEC.default("length"), progress, cancel)
    return splits, summary(splits)


def summary(splits) -> DataSummary:
    names = list(splits.train.class_names)
    counts = np.bincount(splits.train.labels, minlength=len(names))
    lines = sequence_lines(splits, "clips")
    lines.append(f"{len(names)} classes: " + ", ".join(f"{n} {k}" for n, k in zip(names, counts)))
    t = splits.train.frames.shape[1]
    thumbs, captions = [], []
    for i in range(min(8, len(splits.train))):  # a clip's first and last frame: the motion in two pictures
        for step, when in ((0, "first"), (t - 1, "last")):
            thumbs.append(shrink(frame_picture(splits.train.frames[i, step])))
            captions.append(f"{names[int(splits.train.labels[i])]} {when}")
    return DataSummary(splits.name, lines, thumbs, captions, list(splits.notes), list(splits.skipped))


def splits_for_run(data, options: dict):
    """The loaded clips when the run's clip length and label are those read, else None (read again)."""
    length_ok = int(SPEC.option_value(options, "length")) == data.data.train.frames.shape[1]
    label_ok = data.kind in NAMED_BY_FOLDERS or SPEC.option_value(options, "label") == SPEC.default("label")
    return data.data if length_ok and label_ok else None
