"""Task name -> Task. Adding a task = adding a file in engine/tasks/ and a line here.

The list of tasks (names, one-line descriptions) is readable without importing torch, so the window
can fill its task list at start-up; the task module itself is imported on first use.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from engine.errors import ConfigError


@dataclass(frozen=True)
class TaskEntry:
    name: str
    title: str
    description: str
    module: str  # engine.tasks.<module> holding a class named TASK_CLASS
    data_kinds: tuple[str, ...]
    defaults: dict = field(default_factory=dict)  # RunConfig values this task starts from (flags override)
    metric: str = "accuracy"  # the Task's selection_metric, readable without torch (the window plots it)


TASKS = {
    "classify": TaskEntry("classify", "Classify images",
                          "Read an image row by row and name its class (digits, or any class folders).",
                          "engine.tasks.classify", ("demo", "mnist", "usps", "folder")),
    "edges": TaskEntry("edges", "Edge maps",
                       "Find object boundaries: a ReNet sweeps rows and columns for context; compared with "
                       "Canny and Sobel on the BSDS benchmark.",
                       "engine.tasks.edges", ("bsds", "pairs", "images", "shapes"),
                       dict(hidden=32, layers=1, bidirectional=True, epochs=20, batch=4, lr=3e-3,
                            schedule="cosine", clip=1.0, val_fraction=0.1, augment=True), metric="f1"),
    "segment": TaskEntry("segment", "Segmentation",
                         "A class for every pixel: a ReSeg-style segmenter (convolutions, ReNet sweeps, "
                         "upsampling); overlays of the worst test images first.",
                         "engine.tasks.segment", ("weizmann", "pairs", "shapes"),
                         dict(hidden=32, layers=2, bidirectional=True, epochs=40, batch=8, lr=3e-3,
                              schedule="cosine", clip=1.0, val_fraction=0.1, augment=True), metric="miou"),
    "predict": TaskEntry("predict", "Predict frames",
                         "Read M frames of a video and generate the next K (ConvLSTM / ConvGRU encoder-forecaster); "
                         "roll out animations of any length.",
                         "engine.tasks.frames", ("mmnist", "moving", "video", "frames"),
                         dict(cell="convlstm", hidden=64, layers=2, bidirectional=False, epochs=11, batch=8,
                              lr=2e-3, schedule="cosine", clip=1.0, val_fraction=0.05, augment=True),
                         metric="mse_per_frame"),  # lower is better
    "video-classify": TaskEntry("video-classify", "Classify clips",
                                "Name what a short clip shows: a convolutional encoder per frame, then an "
                                "LSTM / GRU over time (moving digits: the digit or its direction; or videos:DIR).",
                                "engine.tasks.video_classify", ("moving", "videos"),
                                dict(cell="gru", hidden=64, layers=1, bidirectional=False, epochs=12, batch=32,
                                     lr=5e-3, schedule="cosine", clip=1.0, val_fraction=0.1, augment=False)),
}


def entries() -> list[TaskEntry]:
    return list(TASKS.values())


def metric(name: str) -> str:
    entry = TASKS.get(name)
    return entry.metric if entry else "accuracy"


def defaults(name: str) -> dict:
    """The task's own starting values for RunConfig (empty for a task content with RunConfig's)."""
    entry = TASKS.get(name)
    return dict(entry.defaults) if entry else {}


def get(name: str):
    """The Task object for `name` (imports its module, and so torch)."""
    entry = TASKS.get(name)
    if entry is None:
        raise ConfigError(f"Unknown task {name!r}.", f"Known tasks: {', '.join(TASKS)}.")
    return importlib.import_module(entry.module).TASK


def parameter_count(config, image_shape: tuple[int, int, int], classes: int) -> int:
    """Model size for a config and data shape (c, h, w), without importing torch (the window calls it often).
    None when the size needs data not given (segment: classes < 2; predict, video-classify: h = 0) or the
    task has no formula here (the window shows a dash). Option defaults as in the tasks' own modules."""
    from engine.models import sizes

    options, c = dict(config.options or {}), image_shape[0]
    if config.task == "edges":  # fully convolutional: no dependence on the image size
        width = int(options.get("width", 16))
        return sizes.edge_parameters(config.cell, config.hidden, config.layers, config.bidirectional, width)
    if config.task == "segment":  # fully convolutional too; the head has one output per class
        if classes < 2:
            return None
        return sizes.segmenter_parameters(classes, config.cell, config.hidden, config.layers, config.bidirectional,
                                          int(options.get("width", 16)), int(options.get("patch", 1)))
    if config.task == "predict":
        if not image_shape[1]:
            return None
        return sizes.forecaster_parameters(config.cell, c, config.hidden, config.layers,
                                           int(options.get("kernel", 3)), int(options.get("patch", 4)))
    if config.task == "video-classify":
        if not image_shape[1] or classes < 1:
            return None
        return sizes.clip_classifier_parameters(c, classes, config.cell, config.hidden, config.layers)
    if config.task != "classify":
        return None

    return sizes.classifier_parameters(image_shape, classes, config.cell, config.hidden, config.layers,
                                       config.bidirectional, config.read)
