"""RunConfig: everything that defines a run, the same for the window and the command line (JSON).

Every number is checked to be finite and within bounds a run can use, so an absurd value (a NaN learning
rate, a seed of 2**70, 10**9 epochs, 100,000 threads) is a ConfigError naming the field, not a failure deep
inside torch. JSON text (a config file, an `--option` value) is read by parse_json_text / option_value,
which refuse nesting no setting needs before Python's parser would recurse itself to death.
"""
from __future__ import annotations

import json
import math
import re
import reprlib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from engine.errors import ConfigError
from engine.files import require_regular_file

PLAIN_CELLS = ("rnn", "lstm", "gru")
CONV_CELLS = ("convlstm", "convgru", "convrnn")  # their state keeps the image layout
CELLS = PLAIN_CELLS + CONV_CELLS
READ_ORDERS = ("rows", "cols", "pixels")
OPTIMIZERS = ("adam", "adamw", "sgd", "rmsprop")
SCHEDULES = ("none", "cosine", "step")
OPTIONS_TEXT = "a number, text, true / false, or a flat list of numbers"

MAX_SEED = 2**32 - 1  # numpy's and torch's seeds are 32-bit safe; larger ones overflow or wrap
MAX_THREADS = 1024  # asked-for threads; resolved ones are capped at the machine's cores (engine.device)
MAX_EPOCHS = 100_000
MAX_BATCH = 1_000_000  # a batch larger than the data is fine: it is the whole split
MAX_JSON_DEPTH = 20  # a config nests 3 levels (object, options, a list); deeper is not a config
MAX_CONFIG_BYTES = 1 << 20  # a saved config is about 1 KB
MAX_OPTION_TEXT = 4096  # the longest path a file system takes
MAX_OPTION_ITEMS = 64

# whole-number fields: (lowest, highest, what to do about it)
INT_LIMITS = {
    "hidden": (1, 4096, "Hidden units per layer: 8-512 is usual."),
    "layers": (1, 8, "Stacked recurrent layers: 1-3 is usual."),
    "epochs": (1, MAX_EPOCHS, "Passes over the training data: tens, rarely thousands."),
    "batch": (1, MAX_BATCH, "Samples per step: 8-256 is usual."),
    "patience": (0, MAX_EPOCHS, "Epochs without a better validation score before stopping (0 = off)."),
    "seed": (0, MAX_SEED, f"A seed is a 32-bit number: give one from 0 to {MAX_SEED}."),
    "threads": (0, MAX_THREADS, "CPU threads, 0 = automatic; more than the machine's cores are capped at the cores."),
}


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
        self._check_choices()
        _check_whole_numbers(self)
        _check_real_numbers(self)
        check_options_shape(self.options)

    def _check_choices(self) -> None:
        def check(ok: bool, message: str, hint: str = ""):
            if not ok:
                raise ConfigError(message, hint)

        check(self.cell in CELLS, f"Unknown cell {self.cell!r}.", f"Choose one of {', '.join(CELLS)}.")
        _check_cell_fits_task(self.task, self.cell)
        check(self.read in READ_ORDERS, f"Unknown read order {self.read!r}.",
              f"Choose one of {', '.join(READ_ORDERS)}.")
        check(self.optimizer in OPTIMIZERS, f"Unknown optimiser {self.optimizer!r}.",
              f"Choose one of {', '.join(OPTIMIZERS)}.")
        check(self.schedule in SCHEDULES, f"Unknown LR schedule {self.schedule!r}.",
              f"Choose one of {', '.join(SCHEDULES)}.")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> RunConfig:
        if not isinstance(values, dict):
            raise ConfigError("A config must be a JSON object of settings.",
                              'For example {"cell": "lstm", "hidden": 64}.')
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(values) - set(known), key=str)
        if unknown:
            raise ConfigError(f"Unknown config key(s): {', '.join(map(str, unknown))}.",
                              f"Known keys: {', '.join(known)}.")
        types = {"int": int, "float": float, "bool": bool, "str": str, "dict": dict}
        clean = {name: _coerce(name, value, types[known[name].type]) for name, value in values.items()}
        return cls(**clean)

    def replace(self, **changes) -> RunConfig:
        return RunConfig.from_dict({**self.to_dict(), **changes})

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2) + "\n")

    @classmethod
    def load(cls, path: str | Path) -> RunConfig:
        hint = "Give a config JSON file, as the window's Save config writes it."
        info = require_regular_file(path, ConfigError, "Config file", hint)
        if info.st_size > MAX_CONFIG_BYTES:
            raise ConfigError(f"Config file {path} is {info.st_size:,} bytes; a config is a few KB "
                              f"(at most {MAX_CONFIG_BYTES:,} bytes are read).", hint)
        try:
            text = Path(path).read_text()
        except UnicodeDecodeError as error:
            raise ConfigError(f"Config file {path} is not valid JSON: {error}.", hint) from None
        except OSError as error:
            raise ConfigError(f"Cannot read config file {path}: {error.strerror or error}.", hint) from None
        return cls.from_dict(parse_json_text(text, f"Config file {path}", hint))


def _check_cell_fits_task(task: str, cell: str) -> None:
    """ConfigError for an unknown task (naming the known ones) or a cell its spec does not take."""
    from engine.tasks import registry  # torch-free; imported here because the task specs import this module

    spec = registry.spec(task)
    if cell in spec.cells:
        return
    owners = [other.title for other in registry.specs() if cell in other.cells]
    used = f" ({cell!r} is a cell of {' / '.join(owners)})" if owners else ""
    raise ConfigError(f"The {task} task needs {spec.cell_kind}, not {cell!r}{used}.",
                      f"For the {task} task choose one of {', '.join(spec.cells)}.")


def __getattr__(name: str):
    """CONV_TASKS (tasks whose cells are all convolutional), computed from the task specs on first use."""
    if name == "CONV_TASKS":
        from engine.tasks import registry

        return tuple(spec.name for spec in registry.specs() if set(spec.cells) <= set(CONV_CELLS))
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _check_whole_numbers(config: RunConfig) -> None:
    for name, (low, high, hint) in INT_LIMITS.items():
        value = getattr(config, name)
        if not isinstance(value, int) or isinstance(value, bool):
            raise ConfigError(f"{name} must be a whole number, got {value!r}.", hint)
        if not low <= value <= high:
            raise ConfigError(f"{name} must be {low}-{high:,}, got {_short(value)}.", hint)


def _check_real_numbers(config: RunConfig) -> None:
    for name in ("dropout", "lr", "weight_decay", "clip", "val_fraction"):
        value = getattr(config, name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ConfigError(f"{name} must be a finite number, got {value!r}.", "Give a plain number such as 0.1.")

    def check(ok: bool, message: str, hint: str = ""):
        if not ok:
            raise ConfigError(message, hint)

    check(0.0 <= config.dropout < 1.0, f"dropout must be in [0, 1), got {config.dropout}.")
    check(config.lr > 0, f"the learning rate must be positive, got {config.lr}.", "3e-3 suits Adam.")
    check(config.weight_decay >= 0, f"weight_decay must be 0 (off) or positive, got {config.weight_decay}.",
          "L2 weight decay pulls weights towards 0; 1e-4 is usual.")
    check(config.clip >= 0, f"clip must be 0 (off) or positive, got {config.clip}.")
    check(0.0 <= config.val_fraction < 0.9, f"val_fraction must be in [0, 0.9), got {config.val_fraction}.")


def check_options_shape(options) -> None:
    """Task options are flat: each a number, text, true / false or a short list of those (the tasks check
    names and values). Anything nested deeper is refused here, before the tasks or asdict walk it."""
    if not isinstance(options, dict):
        raise ConfigError(f"options must be an object of task settings, got {type(options).__name__}.",
                          'For example {"gate_init": "chrono"}.')
    for key, value in options.items():
        if not isinstance(key, str):
            raise ConfigError(f"Option names are text, got {key!r}.", "Write --option KEY=VALUE.")
        items = value if isinstance(value, (list, tuple)) else [value]
        if len(items) > MAX_OPTION_ITEMS or not all(_is_flat_value(item) for item in items):
            raise ConfigError(f"Option {key} holds {_describe(value)}; an option is {OPTIONS_TEXT}.",
                              "Write --option KEY=VALUE, e.g. --option test_scales=0.7,1,1.4.")


def _is_flat_value(value) -> bool:
    if isinstance(value, str):
        return len(value) <= MAX_OPTION_TEXT
    return value is None or isinstance(value, (bool, int, float))


def _describe(value) -> str:
    if isinstance(value, (list, tuple)):
        nested = any(isinstance(item, (list, tuple, dict)) for item in value)
        return "a list inside a list" if nested else f"a list of {len(value)} items"
    if isinstance(value, str):
        return f"{len(value):,} characters of text"
    return f"a {type(value).__name__}"


_JSON_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def json_depth(text: str, limit: int = MAX_JSON_DEPTH) -> int:
    """How deep `text` nests [ and { (outside strings), counted up to one past `limit`."""
    depth = deepest = 0
    for token in _JSON_TOKENS.finditer(text):
        bracket = token.group()
        if bracket in ("[", "{"):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > limit:
                break
        elif bracket in ("]", "}"):
            depth -= 1
    return deepest


def parse_json_text(text: str, what: str, hint: str = ""):
    """The JSON value in `text`; ConfigError naming `what` when it is not JSON, holds a number Python will
    not read (over 4,300 digits), or nests deeper than MAX_JSON_DEPTH (the parser would recurse until
    RecursionError)."""
    _refuse_deep(text, what, hint)
    try:
        return json.loads(text)
    except RecursionError:  # a backstop: json_depth should have caught it
        raise ConfigError(f"{what} nests too deeply to read.", hint) from None
    except ValueError as error:  # JSONDecodeError, and int() refusing 4,300+ digit numbers
        raise ConfigError(f"{what} is not valid JSON: {error}.", hint) from None


def option_value(text: str):
    """An `--option KEY=VALUE` value: a number, true / false or JSON when it reads as such, else the text
    itself; ConfigError when it nests deeper than any option needs. (For engine/cli.py's --option.)"""
    _refuse_deep(text, f"The option value {_short(text)!r}", f"An option is {OPTIONS_TEXT}.")
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return text


def _refuse_deep(text: str, what: str, hint: str) -> None:
    depth = json_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise ConfigError(f"{what} nests lists or objects more than {MAX_JSON_DEPTH} levels deep; "
                          "no setting needs that.", hint or f"An option is {OPTIONS_TEXT}.")


def _short(value, keep: int = 40) -> str:
    """A value for a message, cut short when it is huge (a 4,000-digit seed)."""
    if isinstance(value, int) and value.bit_length() > 256:  # str() refuses ints of 4,300+ digits
        return f"a number of about {value.bit_length() * 3 // 10:,} digits"
    text = str(value)
    return text if len(text) <= keep else f"{text[:keep // 2]}...{text[-8:]} ({len(text):,} characters)"


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
        if isinstance(value, float):
            return value
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**1000:  # float() overflows beyond
            return float(value)
    elif expected is str:
        if isinstance(value, str):
            return value
    elif expected is dict:
        if isinstance(value, dict):
            return value
    huge = isinstance(value, int) and value.bit_length() > 256
    # reprlib: a short repr, and safe on a deeply nested list
    shown = _short(value) if huge else f"{type(value).__name__} {reprlib.repr(value)}"
    raise ConfigError(f"Config key {name!r} must be {expected.__name__}, got {shown}.")
