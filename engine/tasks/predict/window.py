"""Sequences for the window: read with the task's default context + horizon, summed up for the data
panel, and cut (or left for the engine to re-read) when a run asks for other lengths (no torch)."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from engine.data.window_data import DataSummary, frame_picture, sequence_lines, shrink
from engine.tasks.predict import SPEC

CUTTABLE = ("mmnist", "moving")  # kinds whose sequences are cut to a shorter length; video clips are re-read


def read(spec, progress, cancel):
    from engine.data.sequences import load_sequences

    length = SPEC.default("context") + SPEC.default("horizon")
    splits = load_sequences(str(spec), length, progress=progress, cancel=cancel)
    return splits, summary(splits)


def summary(splits) -> DataSummary:
    t = splits.train.frames.shape[1]
    context, horizon = SPEC.default("context"), SPEC.default("horizon")
    lines = sequence_lines(splits, "sequences")
    lines.append(f"trains on the first {context} frames of each as context, the next "
                 f"{min(horizon, t - context)} to predict")
    steps = sorted(set(np.linspace(0, t - 1, 6).round().astype(int).tolist()))
    thumbs, captions = [], []
    for i in range(min(3, len(splits.train))):  # three sequences, six frames of each
        for step in steps:
            thumbs.append(shrink(frame_picture(splits.train.frames[i, step])))
            captions.append(f"#{i} t{step + 1}")
    return DataSummary(splits.name, lines, thumbs, captions, list(splits.notes), list(splits.skipped))


def splits_for_run(data, options: dict):
    """The loaded sequences when the run's context + horizon is what was read, cut when it is shorter (npz
    and generated data), else None: the engine reads the spec again."""
    length = int(SPEC.option_value(options, "context")) + int(SPEC.option_value(options, "horizon"))
    have = data.data.train.frames.shape[1]
    if have == length:
        return data.data
    if have < length or data.kind not in CUTTABLE:
        return None
    return _cut(data.data, length)


def _cut(splits, length: int):
    def cut(part):
        return None if part is None else replace(part, frames=np.ascontiguousarray(part.frames[:, :length]))
    return replace(splits, train=cut(splits.train), test=cut(splits.test))
