"""Task name -> TaskSpec (torch-free) and Task (torch). Adding a task = a package with a SPEC and one line
in PACKAGES (or `register("my.package")` for a package anywhere on sys.path).

The specs are read without importing torch, so the window can fill its task list, settings and metric
names at start-up; a task's module (and torch) is imported on first use by get(). An unknown task name is
always a ConfigError naming the known tasks, never a silent default.
"""
from __future__ import annotations

import importlib

from engine.errors import ConfigError
from engine.tasks.spec import TaskSpec

PACKAGES = ["engine.tasks.classify", "engine.tasks.edges", "engine.tasks.segment", "engine.tasks.predict",
            "engine.tasks.video_classify"]
_SPECS: dict[str, TaskSpec] = {}
PACKAGE_HINT = "A task package is importable from sys.path and defines SPEC (an engine.tasks.spec.TaskSpec)."


def register(package: str) -> TaskSpec:
    """Import `package`, read its SPEC and make its task known; returns the spec."""
    try:
        module = importlib.import_module(package)
    except ImportError as error:
        raise ConfigError(f"Cannot import the task package {package!r}: {error}.", PACKAGE_HINT) from None
    found = getattr(module, "SPEC", None)
    if not isinstance(found, TaskSpec):
        raise ConfigError(f"The task package {package!r} has no SPEC (found {type(found).__name__}).", PACKAGE_HINT)
    known = _SPECS.get(found.name)
    if known is not None and known is not found:
        raise ConfigError(f"The task package {package!r} names the task {found.name!r}, which another package "
                          "already defines.", "Give the new task another name.")
    _SPECS[found.name] = found
    return found


for _package in PACKAGES:
    register(_package)
_BUILT_IN = frozenset(_SPECS)  # the tasks of PACKAGES: never taken back


def unregister(name: str) -> TaskSpec:
    """Forget a task that register() added from outside PACKAGES (a test's own task, for the test's
    duration); returns its spec. ConfigError for an unknown task or a built-in one."""
    if name in _BUILT_IN:
        raise ConfigError(f"The task {name!r} is built in and cannot be unregistered.",
                          "Unregister only a task your code registered.")
    found = spec(name)  # ConfigError naming the known tasks
    del _SPECS[name]
    return found


def names() -> list[str]:
    return list(_SPECS)


def spec(name: str) -> TaskSpec:
    """The spec of task `name`; ConfigError naming the known tasks when there is none."""
    found = _SPECS.get(name)
    if found is None:
        raise ConfigError(f"Unknown task {name!r}.", f"Known tasks: {', '.join(_SPECS)}.")
    return found


def specs() -> list[TaskSpec]:
    return list(_SPECS.values())


def entries() -> list[TaskSpec]:
    """The specs (name, title, description, defaults, ...), in the order the window lists them."""
    return specs()


def metric(name: str) -> str:
    return spec(name).selection_metric


def defaults(name: str) -> dict:
    """The task's own starting values for RunConfig (empty for a task content with RunConfig's)."""
    return dict(spec(name).defaults)


def get(name: str):
    """The Task object for `name` (imports its module, and so torch)."""
    return spec(name).load_task()


def predictor_class(name: str):
    """The class that applies a checkpoint of task `name` (imports torch)."""
    return spec(name).predictor_class()


def tasks_reading(kind: str) -> tuple[str, ...]:
    """The tasks that read data of `kind`, the one to choose when no task is asked for first: a task naming
    the kind in its primary_kinds, else the first registered."""
    readers = [s for s in _SPECS.values() if kind in s.data_kinds]
    return tuple(s.name for s in sorted(readers, key=lambda s: kind not in s.primary_kinds))


def data_kinds() -> tuple[str, ...]:
    """Every data kind some task reads, in the tasks' order."""
    return tuple(dict.fromkeys(kind for s in _SPECS.values() for kind in s.data_kinds))


def parameter_count(config, image_shape: tuple[int, int, int], classes: int) -> int | None:
    """Model size for a config and data shape (c, h, w), without importing torch (the window calls it often).
    None when the size needs data not given (segment: classes < 2; frames and clips: h = 0)."""
    return spec(config.task).parameter_count(config, image_shape, classes)
