"""Any task's data for the window: one call that reads a spec for a task and says what to show about it.

`load_for_window(spec, task)` finds the tasks that read the spec's kind (each task's SPEC lists its
data_kinds) and reads it with the chosen task's window reader (engine/tasks/<task>/window.py: read(spec,
progress, cancel) -> (data, DataSummary)). It returns a WindowData: the object the task's prepare() takes
as `splits`, a DataSummary for the data panel (title, lines, thumbnails with captions, notes, skipped
files) and the tasks this data fits. A kind several tasks read (`pairs:` is edge pairs or segmentation
pairs) is read for the task asked for, or for the first that reads it when that task does not.

NumPy and OpenCV only (no torch): the window's loading thread imports this.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np

from engine.config import RunConfig
from engine.data.base import DataSpec
from engine.data.loading import ProgressFn
from engine.errors import DataError
from engine.tasks import registry

MAX_THUMBNAILS = 24
SHOWN_SAMPLES = 10  # images (each with its mask) or sequences in the data panel
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


def loads(spec: str) -> bool:
    """Whether `spec` is a data kind the window loads (as opposed to a video for the live view: a video is
    training data only while a task that reads videos is chosen)."""
    kind = DataSpec.parse(spec).kind
    return kind in registry.data_kinds() and kind not in VIDEO_KINDS


def tasks_for(spec: str) -> tuple[str, ...]:
    return registry.tasks_reading(DataSpec.parse(spec).kind)


def what_fits(task: str) -> str:
    """What to open for `task`, for the data panel and Train when the loaded data does not fit."""
    return registry.spec(task).needs


def demo_for(task: str) -> str:
    """The built-in data the Demo button loads for `task`."""
    return registry.spec(task).demo_data


def load_for_window(spec: str, task: str = "", *, progress: ProgressFn | None = None,
                    cancel: threading.Event | None = None) -> WindowData:
    """Read `spec` for `task` (or for the first task its kind fits). Raises a UserError with a hint: DataError
    for data it cannot read, ResourceError (engine.resources) for data too large for this machine,
    ConfigError for a task that does not exist."""
    if task:
        registry.spec(task)  # an unknown task is refused, never read as some other task's data
    parsed = DataSpec.parse(spec)
    tasks = registry.tasks_reading(parsed.kind)
    if parsed.kind in VIDEO_KINDS and task not in tasks:
        _refuse_video(spec)
    if not tasks:
        known = ", ".join(f"{kind}:" for kind in registry.data_kinds())
        raise DataError(f"Unknown data kind {parsed.kind!r} (in {spec!r}).", f"The window reads {known}.")
    return read_for_task(spec, task if task in tasks else tasks[0], progress=progress, cancel=cancel)


def read_for_task(spec, task: str, *, progress: ProgressFn | None = None,
                  cancel: threading.Event | None = None) -> WindowData:
    """Read `spec` with `task`'s own reader, whatever its kind (the reader refuses what it cannot read):
    how a comparison reads its data once for every run."""
    parsed = DataSpec.parse(spec)
    data, summary = registry.spec(task).window_reader().read(parsed, progress, cancel)
    return WindowData(str(spec), parsed.kind, task, data, summary, registry.tasks_reading(parsed.kind))


def _refuse_video(spec: str) -> None:
    trainers = [s.title for s in registry.specs() if set(VIDEO_KINDS) & set(s.data_kinds)]
    players = [s.title for s in registry.specs() if s.live_view == "video_edges"]
    raise DataError(f"{spec} is a video: only the {' / '.join(trainers) or 'no'} task trains on a video.",
                    f"Play it through a model of the {' / '.join(players)} task in the Live tab, or choose the "
                    f"{' / '.join(trainers)} task and open it again (a camera cannot be training data).")


def splits_for_run(data, config: dict):
    """What Task.prepare should get as `splits` for a run of `config` on the loaded WindowData `data`, or None
    when the engine must read the spec itself: data read for another task, or options the data was not
    read with (the task's window reader decides: other sequence lengths, another clip label)."""
    if data is None or data.task != config.get("task", RunConfig.task):
        return None
    fit = getattr(registry.spec(data.task).window_reader(), "splits_for_run", None)
    return fit(data, config.get("options") or {}) if fit else data.data


def to_uint8(image: np.ndarray) -> np.ndarray:
    image = np.asarray(image)
    if image.dtype != np.uint8:
        image = np.round(np.clip(image, 0, 1) * 255).astype(np.uint8)
    return image[:, :, 0] if image.ndim == 3 and image.shape[2] == 1 else image


def shrink(image: np.ndarray, longest: int = 96, lines: bool = False) -> np.ndarray:
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


def sequence_lines(splits, what: str) -> list[str]:
    """The first lines of a summary of sequences (N, T, C, H, W): counts, then frames and their size."""
    _, t, c, h, w = splits.train.frames.shape
    test = len(splits.test) if splits.test is not None else 0
    return [f"{len(splits.train):,} train · {test:,} test {what}",
            f"{t} frames of {w}×{h} {'grey' if c == 1 else 'colour'} each"]


def frame_picture(frames: np.ndarray) -> np.ndarray:
    """(C, H, W) uint8 -> (H, W) or (H, W, 3)."""
    return np.ascontiguousarray(frames[0] if frames.shape[0] == 1 else frames.transpose(1, 2, 0))
