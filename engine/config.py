"""RunConfig: everything that defines a run, the same for the window and the command line (JSON)."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from engine.errors import ConfigError

CONV_CELLS = ("convlstm", "convgru", "convrnn")  # frame prediction only: their state keeps the image layout
CELLS = ("rnn", "lstm", "gru") + CONV_CELLS
CONV_TASKS = ("predict",)  # tasks whose model is built of convolutional cells
READ_ORDERS = ("rows", "cols", "pixels")
OPTIMIZERS = ("adam", "adamw", "sgd", "rmsprop")
SCHEDULES = ("none", "cosine", "step")


@dataclass
class RunConfig:
    task: str = "classify"
    data: str = "demo"
    cell: str = "gru"
    hidden: int = 128
    layers: int = 2
    bidirectional: bool = True
    dropout: float = 0.0
    read: str = "rows"
    epochs: int = 30
    batch: int = 64
    lr: float = 3e-3
    optimizer: str = "adam"
    weight_decay: float = 0.0
    clip: float = 1.0  # max gradient norm, 0 = no clipping
    schedule: str = "cosine"
    patience: int = 0  # early stopping: epochs without a better validation score, 0 = off
    val_fraction: float = 0.1
    augment: bool = True  # small random shifts / rotations / scalings of training images
    seed: int = 0
    device: str = "auto"
    threads: int = 0  # torch CPU threads, 0 = automatic
    out: str = ""  # run folder for model.ckpt, config.json, metrics.csv ("" = none)
    options: dict = field(default_factory=dict)  # task-specific settings

    def __post_init__(self):
        self.validate()

    def validate(self) -> None:
        def check(ok: bool, message: str, hint: str = ""):
            if not ok:
                raise ConfigError(message, hint)

        check(self.cell in CELLS, f"Unknown cell {self.cell!r}.", f"Choose one of {', '.join(CELLS)}.")
        if self.task in CONV_TASKS:
            check(self.cell in CONV_CELLS, f"The {self.task} task needs a convolutional cell, not {self.cell!r}.",
                  f"Choose one of {', '.join(CONV_CELLS)}.")
        else:
            check(self.cell not in CONV_CELLS, f"The cell {self.cell!r} is for frame prediction (task predict).",
                  f"For the {self.task} task choose one of {', '.join(c for c in CELLS if c not in CONV_CELLS)}.")
        check(self.read in READ_ORDERS, f"Unknown read order {self.read!r}.", f"Choose one of {', '.join(READ_ORDERS)}.")
        check(self.optimizer in OPTIMIZERS, f"Unknown optimiser {self.optimizer!r}.", f"Choose one of {', '.join(OPTIMIZERS)}.")
        check(self.schedule in SCHEDULES, f"Unknown LR schedule {self.schedule!r}.", f"Choose one of {', '.join(SCHEDULES)}.")
        check(1 <= self.hidden <= 4096, f"hidden must be 1-4096, got {self.hidden}.")
        check(1 <= self.layers <= 8, f"layers must be 1-8, got {self.layers}.")
        check(0.0 <= self.dropout < 1.0, f"dropout must be in [0, 1), got {self.dropout}.")
        check(self.epochs >= 1, f"epochs must be at least 1, got {self.epochs}.")
        check(self.batch >= 1, f"batch must be at least 1, got {self.batch}.")
        check(self.lr > 0, f"the learning rate must be positive, got {self.lr}.")
        check(self.clip >= 0, f"clip must be 0 (off) or positive, got {self.clip}.")
        check(0.0 <= self.val_fraction < 0.9, f"val_fraction must be in [0, 0.9), got {self.val_fraction}.")
        check(self.patience >= 0 and self.threads >= 0, "patience and threads must not be negative.")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> "RunConfig":
        if not isinstance(values, dict):
            raise ConfigError("A config must be a JSON object of settings.", 'For example {"cell": "lstm", "hidden": 64}.')
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ConfigError(f"Unknown config key(s): {', '.join(unknown)}.", f"Known keys: {', '.join(known)}.")
        types = {"int": int, "float": float, "bool": bool, "str": str, "dict": dict}
        clean = {name: _coerce(name, value, types[known[name].type]) for name, value in values.items()}
        return cls(**clean)

    def replace(self, **changes) -> "RunConfig":
        return RunConfig.from_dict({**self.to_dict(), **changes})

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2) + "\n")

    @classmethod
    def load(cls, path: str | Path) -> "RunConfig":
        try:
            values = json.loads(Path(path).read_text())
        except FileNotFoundError:
            raise ConfigError(f"Config file {path} does not exist.") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise ConfigError(f"Config file {path} is not valid JSON: {error}.") from None
        return cls.from_dict(values)


def _coerce(name: str, value, expected: type):
    """Accept what JSON gives for each field's type; refuse everything else with a clear message."""
    if expected is bool:
        if isinstance(value, bool):
            return value
    elif expected is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
    elif expected is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif expected is str:
        if isinstance(value, str):
            return value
    elif expected is dict:
        if isinstance(value, dict):
            return value
    raise ConfigError(f"Config key {name!r} must be {expected.__name__}, got {type(value).__name__} {value!r}.")
