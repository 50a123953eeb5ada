"""Any task's data for the window: one call that reads a spec for a task and says what to show about it.

`load_for_window(spec, task)` picks a loader by the spec's kind from LOADERS and returns a WindowData: the
object the task's prepare() takes as `splits` (Splits for classify, EdgeData for edges), a DataSummary for
the data panel (title, lines, thumbnails with captions, notes, skipped files) and the tasks this data fits.
Adding a data kind = one line in LOADERS. A kind several tasks read (`pairs:` is edge pairs or segmentation
pairs) lists them all; its loader gets the task asked for, or the first one listed when that task does not fit.

NumPy and OpenCV only (no torch): the window's loading thread imports this.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from engine.data.base import DataSpec
from engine.data.loading import ProgressFn
from engine.data.task_summaries import clip_data, segment_data, sequence_data, splits_for_run  # noqa: F401
from engine.errors import DataError

MAX_THUMBNAILS = 24
VIDEO_KINDS = ("video", "frames", "camera")  # opened by the live video view, not loaded as training data


@dataclass
class DataSummary:
    title: str
    lines: list[str]
    thumbnails: list[np.ndarray]  # uint8 (h, w) or (h, w, 3)
    captions: list[str]
    notes: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class WindowData:
    spec: str
    kind: str
    task: str  # the task the data was read for
    data: object  # what Task.prepare takes as `splits`
    summary: DataSummary
    tasks: tuple[str, ...]  # every task this data fits

    def fits(self, task: str) -> bool:
        return task in self.tasks

    @property
    def skipped(self) -> list[tuple[str, str]]:
        return self.summary.skipped

    def model_shape(self) -> tuple[tuple[int, int, int], int]:
        """((c, h, w), classes) as engine.tasks.registry.parameter_count takes them; (3, 0, 0), 0 where unknown."""
        data = self.data
        if hasattr(data, "class_names") and isinstance(getattr(data, "train", None), list):  # segmentation
            h, w = data.train[0].image.shape[:2] if data.train else (0, 0)
            return (3, h, w), len(data.class_names)
        train = getattr(data, "train", None)
        if hasattr(train, "frames"):  # sequences (N, T, C, H, W)
            _, _, c, h, w = train.frames.shape
            return (int(c), int(h), int(w)), len(train.class_names or [])
        if hasattr(train, "image_shape"):  # classification
            h, w, c = train.image_shape
            return (c, h, w), len(train.class_names)
        return (3, 0, 0), 0


@dataclass(frozen=True)
class Loader:
    tasks: tuple[str, ...]
    read: Callable  # (spec: DataSpec, task, progress, cancel) -> (data, DataSummary)


def _classification(spec, task, progress, cancel):
    from engine.data.loading import load_classification

    splits = load_classification(spec, progress=progress, cancel=cancel)
    return splits, classification_summary(splits)


def _edges(spec, task, progress, cancel):
    from engine.data.edge_data import load_edges

    data = load_edges(spec, progress=progress, cancel=cancel)
    return data, edges_summary(data)


def _pairs(spec, task, progress, cancel):  # image + edge map pairs, or image + mask pairs
    return (segment_data if task == "segment" else _edges)(spec, task, progress, cancel)


def _shapes(spec, task, progress, cancel):  # the demo's masks, or their outlines as edge targets
    return (_edges if task == "edges" else segment_data)(spec, task, progress, cancel)


def _moving(spec, task, progress, cancel):  # two bouncing digits to predict, or one to name
    return (clip_data if task == "video-classify" else sequence_data)(spec, task, progress, cancel)


LOADERS: dict[str, Loader] = {
    "demo": Loader(("classify",), _classification),
    "mnist": Loader(("classify",), _classification),
    "usps": Loader(("classify",), _classification),
    "folder": Loader(("classify",), _classification),
    "bsds": Loader(("edges",), _edges),
    "pairs": Loader(("edges", "segment"), _pairs),
    "images": Loader(("edges",), _edges),
    "weizmann": Loader(("segment",), segment_data),
    "shapes": Loader(("segment", "edges"), _shapes),
    "mmnist": Loader(("predict",), sequence_data),
    "moving": Loader(("predict", "video-classify"), _moving),
    "video": Loader(("predict",), sequence_data),  # opened from the window only while the task is predict
    "frames": Loader(("predict",), sequence_data),
    "videos": Loader(("video-classify",), clip_data),
}
# The built-in data the Demo button loads for each task.
DEMOS = {"classify": "demo", "edges": "shapes:120", "segment": "shapes", "predict": "moving:1000",
         "video-classify": "moving:3000"}

# What to open for each task, for the data panel and Train when the loaded data does not fit.
NEEDS = {
    "classify": "Classify needs labelled images: press Demo, open MNIST / USPS files, or a folder with one "
                "sub-folder of images per class.",
    "edges": "Edges needs photos: open a BSDS500 folder (images/ + groundTruth/), a folder of images "
             "(Canny/Sobel targets) or image+edge pairs (pairs:IMGDIR,EDGEDIR).",
    "segment": "Segmentation needs images with masks: press Demo (shapes), open a Weizmann Horse folder "
               "(rgb/ + figure_ground/) or image+mask pairs (pairs:IMGDIR,MASKDIR).",
    "predict": "Frame prediction needs sequences: press Demo (moving digits), open a Moving-MNIST .npz "
               "(an array 'frames', N x T x H x W), or a video or frame folder while this task is chosen.",
    "video-classify": "Clip classification needs labelled clips: press Demo (moving digits) or open a folder "
                      "with one sub-folder of videos per class (videos:DIR).",
}


def loads(spec: str) -> bool:
    """Whether `spec` is a data kind the window loads (as opposed to a video for the live view: a video is
    training data only while the predict task is chosen)."""
    kind = DataSpec.parse(spec).kind
    return kind in LOADERS and kind not in VIDEO_KINDS


def tasks_for(spec: str) -> tuple[str, ...]:
    kind = DataSpec.parse(spec).kind
    return LOADERS[kind].tasks if kind in LOADERS else ()


def what_fits(task: str) -> str:
    return NEEDS.get(task, f"Open data for the {task} task.")


def demo_for(task: str) -> str:
    return DEMOS.get(task, DEMOS["classify"])


def load_for_window(spec: str, task: str = "", *, progress: ProgressFn | None = None,
                    cancel: threading.Event | None = None) -> WindowData:
    """Read `spec` for `task` (or for the first task its kind fits). Raises a UserError with a hint: DataError
    for data it cannot read, ResourceError (engine.resources) for data too large for this machine."""
    parsed = DataSpec.parse(spec)
    loader = LOADERS.get(parsed.kind)
    if loader is None or parsed.kind in VIDEO_KINDS and task != "predict":
        if parsed.kind in VIDEO_KINDS:
            raise DataError(f"{spec} is a video: only the Predict frames task trains on a video.",
                            "Play it through an edges model in the Live tab (video edges), or choose the "
                            "Predict frames task and open it again (a camera cannot be training data).")
        known = ", ".join(f"{kind}:" for kind in LOADERS)
        raise DataError(f"Unknown data kind {parsed.kind!r} (in {spec!r}).", f"The window reads {known}.")
    chosen = task if task in loader.tasks else loader.tasks[0]
    data, summary = loader.read(parsed, chosen, progress, cancel)
    return WindowData(str(spec), parsed.kind, chosen, data, summary, loader.tasks)


def classification_summary(splits) -> DataSummary:
    train, test = splits.train, splits.test
    h, w, c = train.image_shape
    counts = np.bincount(train.labels, minlength=len(train.class_names))
    lines = [f"{len(train):,} train · {len(test) if test is not None else 0:,} test",
             f"{h}×{w} {'grey' if c == 1 else 'colour'} · {len(train.class_names)} classes",
             "per class: " + ", ".join(f"{n} {k}" for n, k in zip(train.class_names, counts))]
    pick = np.sort(np.random.default_rng(0).choice(len(train), size=min(60, len(train)), replace=False))
    thumbs = [_to_uint8(train.images[i]) for i in pick]
    captions = [train.class_names[int(train.labels[i])] for i in pick]
    return DataSummary(splits.name, lines, thumbs, captions, list(splits.notes), list(splits.skipped))


def edges_summary(data) -> DataSummary:
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
        thumbs.append(_shrink(sample.image))
        captions.append(sample.name)
        if sample.truths is not None:  # the people's boundaries, the fraction who drew each pixel
            thumbs.append(_shrink(np.round(np.mean(sample.truths, 0) * 255).astype(np.uint8), lines=True))
            captions.append("edges")
    return DataSummary(data.name, lines, thumbs, captions, list(data.notes), list(data.skipped))


def _to_uint8(image: np.ndarray) -> np.ndarray:
    image = np.asarray(image)
    if image.dtype != np.uint8:
        image = np.round(np.clip(image, 0, 1) * 255).astype(np.uint8)
    return image[:, :, 0] if image.ndim == 3 and image.shape[2] == 1 else image


def _shrink(image: np.ndarray, longest: int = 96, lines: bool = False) -> np.ndarray:
    """A thumbnail whose longer side is `longest`; `lines`: a 1-px line map, widened first so no line fades."""
    import cv2

    h, w = image.shape[:2]
    factor = longest / max(h, w)
    if factor >= 1:
        return np.ascontiguousarray(image)
    if lines:
        k = int(np.ceil(1 / factor))
        image = cv2.dilate(image, np.ones((k, k), np.uint8))
    return cv2.resize(image, (max(1, round(w * factor)), max(1, round(h * factor))), interpolation=cv2.INTER_AREA)
