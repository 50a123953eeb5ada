"""Window loaders and data-panel summaries for the segment, predict and video-classify tasks.

Each loader is `(spec: DataSpec, task, progress, cancel) -> (data, DataSummary)`, listed in
engine.data.window_data.LOADERS. A frame-prediction data set is read with the predict task's default
context + horizon (20 frames); engine.data.window_data.splits_for_run trims it, or lets the engine re-read
it, when the run asks for other lengths.

NumPy and OpenCV only, except the clip loader: engine.tasks.video_classify.load_clips (imported on use, so
torch loads on the loading thread, and only when clips are opened).
"""
from __future__ import annotations

import numpy as np

# the predict / video-classify tasks' default option values (engine.tasks.frames / video_classify import torch)
PREDICT_CONTEXT, PREDICT_HORIZON = 10, 10
CLIP_LENGTH, CLIP_LABEL = 10, "digit"
SHOWN_SAMPLES = 10  # images (each with its mask) or sequences in the data panel


def segment_data(spec, task, progress, cancel):
    from engine.data.masks import load_masks

    data = load_masks(spec, progress=progress, cancel=cancel)
    return data, segment_summary(data)


def sequence_data(spec, task, progress, cancel):
    from engine.data.sequences import load_sequences

    splits = load_sequences(str(spec), PREDICT_CONTEXT + PREDICT_HORIZON, progress=progress, cancel=cancel)
    return splits, sequences_summary(splits)


def clip_data(spec, task, progress, cancel):
    from engine.tasks.video_classify import load_clips

    splits = load_clips(str(spec), CLIP_LABEL, CLIP_LENGTH, progress, cancel)
    return splits, clips_summary(splits)


def segment_summary(data):
    from engine.data.window_data import DataSummary, _shrink

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
        thumbs.append(_shrink(s.image))
        captions.append(s.name)
        mask = colours[np.minimum(s.mask, len(colours) - 1)]  # void (255) drawn as the last class's colour
        thumbs.append(_shrink(np.ascontiguousarray(mask)))
        captions.append("mask")
    return DataSummary(data.name, lines, thumbs, captions, list(data.notes), list(data.skipped))


def _sequence_lines(splits, what: str) -> list[str]:
    _, t, c, h, w = splits.train.frames.shape
    test = len(splits.test) if splits.test is not None else 0
    return [f"{len(splits.train):,} train · {test:,} test {what}",
            f"{t} frames of {w}×{h} {'grey' if c == 1 else 'colour'} each"]


def _frame(frames: np.ndarray) -> np.ndarray:
    """(C, H, W) uint8 -> (H, W) or (H, W, 3)."""
    return np.ascontiguousarray(frames[0] if frames.shape[0] == 1 else frames.transpose(1, 2, 0))


def sequences_summary(splits):
    from engine.data.window_data import DataSummary, _shrink

    t = splits.train.frames.shape[1]
    lines = _sequence_lines(splits, "sequences")
    lines.append(f"trains on the first {PREDICT_CONTEXT} frames of each as context, the next "
                 f"{min(PREDICT_HORIZON, t - PREDICT_CONTEXT)} to predict")
    steps = sorted(set(np.linspace(0, t - 1, 6).round().astype(int).tolist()))
    thumbs, captions = [], []
    for i in range(min(3, len(splits.train))):  # three sequences, six frames of each
        for step in steps:
            thumbs.append(_shrink(_frame(splits.train.frames[i, step])))
            captions.append(f"#{i} t{step + 1}")
    return DataSummary(splits.name, lines, thumbs, captions, list(splits.notes), list(splits.skipped))


def clips_summary(splits):
    from engine.data.window_data import DataSummary, _shrink

    names = list(splits.train.class_names)
    counts = np.bincount(splits.train.labels, minlength=len(names))
    lines = _sequence_lines(splits, "clips")
    lines.append(f"{len(names)} classes: " + ", ".join(f"{n} {k}" for n, k in zip(names, counts)))
    t = splits.train.frames.shape[1]
    thumbs, captions = [], []
    for i in range(min(8, len(splits.train))):  # a clip's first and last frame: the motion in two pictures
        for step, when in ((0, "first"), (t - 1, "last")):
            thumbs.append(_shrink(_frame(splits.train.frames[i, step])))
            captions.append(f"{names[int(splits.train.labels[i])]} {when}")
    return DataSummary(splits.name, lines, thumbs, captions, list(splits.notes), list(splits.skipped))


def splits_for_run(data, config: dict):
    """What Task.prepare should get as `splits` for a run of `config` on the loaded WindowData `data`, or None
    when the engine must read the spec itself: data read for another task, a predict run with other lengths
    than were read (longer sequences are cut), a clip run with another label or clip length."""
    if data is None or data.task != config.get("task", "classify"):
        return None
    options = config.get("options") or {}
    if data.task == "predict":
        length = int(options.get("context", PREDICT_CONTEXT)) + int(options.get("horizon", PREDICT_HORIZON))
        have = data.data.train.frames.shape[1]
        if have == length:
            return data.data
        if have < length or data.kind not in ("mmnist", "moving"):  # video clips are cut by length: re-read
            return None
        return _cut(data.data, length)
    if data.task == "video-classify":
        length_ok = int(options.get("length", CLIP_LENGTH)) == data.data.train.frames.shape[1]
        label_ok = data.kind == "videos" or options.get("label", CLIP_LABEL) == CLIP_LABEL  # folders name the classes
        return data.data if length_ok and label_ok else None
    return data.data


def _cut(splits, length: int):
    from dataclasses import replace

    def cut(part):
        return None if part is None else replace(part, frames=np.ascontiguousarray(part.frames[:, :length]))
    return replace(splits, train=cut(splits.train), test=cut(splits.test))
