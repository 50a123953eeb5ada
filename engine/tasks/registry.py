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


TASKS = {
    "classify": TaskEntry("classify", "Classify images",
                          "Read an image row by row and name its class (digits, or any class folders).",
                          "engine.tasks.classify", ("demo", "mnist", "usps", "folder")),
    "edges": TaskEntry("edges", "Edge maps",
                       "Find object boundaries: a ReNet sweeps rows and columns for context; compared with "
                       "Canny and Sobel on the BSDS benchmark.",
                       "engine.tasks.edges", ("bsds", "pairs", "images"),
                       dict(hidden=32, layers=1, bidirectional=True, epochs=20, batch=4, lr=3e-3,
                            schedule="cosine", clip=1.0, val_fraction=0.1, augment=True)),
}


def entries() -> list[TaskEntry]:
    return list(TASKS.values())


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
    """Model size for a config and data shape (c, h, w), without importing torch (the window calls it often)."""
    from engine.models.sizes import classifier_parameters

    return classifier_parameters(image_shape, classes, config.cell, config.hidden, config.layers,
                                 config.bidirectional, config.read)
