"""What the model panel keeps when the user picks another task, and how it says so.

A setting the user chose (it differs from the old task's default: typed, loaded from a config, set by a preset)
is kept when the new task takes it: the new task shows that setting, and for the cell it has one of the same
kind (GRU stays GRU, or becomes ConvGRU for a task of convolutional cells). A setting left at the old task's
default follows the new task's default: those defaults are what make a task train well (edges: hidden 32, batch
4). An option is kept only when both tasks have the very same option (the sixth-task example shares the image
classifier's gate_init). The message names what was kept, what changed to the new defaults, and what the new
task does not use: "Edge maps: kept your LSTM, hidden 64; its defaults: layers 2 → 1, epochs 30 → 20, ...".
"""
from __future__ import annotations

from dataclasses import dataclass, field

from engine.config import RunConfig
from engine.errors import ConfigError
from engine.tasks import registry

# the RunConfig fields with a widget in the panel (data, out, weight_decay and val_fraction have none)
PANEL_FIELDS = ("cell", "hidden", "layers", "bidirectional", "read", "dropout", "epochs", "batch", "lr", "optimizer",
                "clip", "schedule", "augment", "patience", "seed", "device", "threads")
TITLES = {"lr": "learning rate", "read": "read order", "clip": "clipping", "bidirectional": "both directions"}


@dataclass
class TaskChange:
    config: dict  # the panel's settings for the new task
    title: str  # the new task's title
    kept: list[str] = field(default_factory=list)  # "LSTM", "hidden 64"
    defaults: list[str] = field(default_factory=list)  # "layers 2 → 1"
    unused: list[str] = field(default_factory=list)  # "read order pixels": the user's, not a setting of the task

    def message(self) -> str:
        parts = [f"kept your {', '.join(self.kept)}"] if self.kept else []
        parts += [f"its defaults: {', '.join(self.defaults)}"] if self.defaults else []
        parts += [f"it does not use your {', '.join(self.unused)}"] if self.unused else []
        return f"{self.title}: {'; '.join(parts) or 'the settings stay as they are'}."


def cell_title(cell: str) -> str:
    """What the cell buttons say: RNN, LSTM, GRU, ConvLSTM ..."""
    return "Conv" + cell[4:].upper() if cell.startswith("conv") else cell.upper()


def task_defaults(task: str) -> dict:
    return {**RunConfig().to_dict(), **registry.defaults(task), "task": task}


def same_kind(cell: str, cells) -> str | None:
    """The cell of `cells` of the same kind as `cell` (gru -> convgru), or None."""
    family = cell.removeprefix("conv")
    return next((c for c in cells if c.removeprefix("conv") == family), None)


def change_task(current: dict, task: str) -> TaskChange:
    """The panel's settings `current` (a RunConfig dict of its task) carried over to `task`."""
    old_spec, new_spec = registry.spec(current["task"]), registry.spec(task)
    old, new = task_defaults(current["task"]), task_defaults(task)
    change = TaskChange(dict(current, task=task), new_spec.title)
    for key in PANEL_FIELDS:
        value = current[key]
        chosen = value != old[key]
        if key == "cell":
            carried = same_kind(value, new_spec.cells) if chosen else None
        else:
            carried = value if chosen and key in new_spec.rows else None
        if carried is not None:
            change.config[key] = carried
            change.kept.append(_described(key, value, carried))
            continue
        change.config[key] = new[key]
        if chosen:
            change.unused.append(_described(key, value, value))
        elif new[key] != value:
            change.defaults.append(f"{_name(key)} {_shown(key, value)} → {_shown(key, new[key])}")
    change.config["options"] = _shared_options(current.get("options", {}), old_spec, new_spec)
    try:
        RunConfig.from_dict(change.config)
    except ConfigError:  # a kept value out of the new task's bounds: its defaults, every one of them
        return TaskChange({**new, "options": {}}, new_spec.title, defaults=["all settings"])
    return change


def _shared_options(options: dict, old_spec, new_spec) -> dict:
    """The user's options (not at the old default) that the new task has as the very same option and accepts."""
    kept = {}
    new_names = {option.name for option in new_spec.options}
    for name, value in options.items():
        if name not in new_names or old_spec.option(name) != new_spec.option(name):
            continue
        if value == old_spec.default(name):
            continue
        try:
            new_spec.read_options({name: value})
        except ConfigError:
            continue
        kept[name] = value
    return kept


def _name(key: str) -> str:
    return TITLES.get(key, key)


def _shown(key: str, value) -> str:
    if key == "cell":
        return cell_title(value)
    if isinstance(value, bool):
        return "on" if value else "off"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _described(key: str, value, carried) -> str:
    if key == "cell":
        return cell_title(value) if value == carried else f"{cell_title(value)} (as {cell_title(carried)})"
    return f"{_name(key)} {_shown(key, value)}"
