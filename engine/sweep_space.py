"""A sweep's search space: which settings vary and over what, read from JSON (a file or inline text).

    {"cell": ["rnn", "lstm", "gru"],                 a list: one of these values (categorical)
     "hidden": {"low": 16, "high": 128, "log": true},  a range: whole numbers for whole-number settings
     "lr": {"low": 1e-4, "high": 1e-2, "log": true},   (hidden, layers, batch, epochs), else real numbers;
     "dropout": {"low": 0.0, "high": 0.5, "step": 0.1}, "step" makes a range a ladder, "log" samples its logarithm
     "options.scale": [0.5, 0.7]}                       a task option: "options." and its name

Any RunConfig setting but task, data and out may vary (cell, hidden, layers, lr, dropout, batch, ...), and any
option of the base config's task. A grid search needs every setting as a list (the grid is every combination).
Torch-free: the window builds and checks spaces too.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, fields
from pathlib import Path

from engine.config import INT_LIMITS, RunConfig, parse_json_text
from engine.errors import ConfigError

OPTION_PREFIX = "options."
FIXED = ("task", "data", "out", "options")  # what one sweep never varies
HINT = ('Write the space as JSON, e.g. {"cell": ["lstm", "gru"], "hidden": {"low": 16, "high": 128, "log": true}, '
        '"lr": {"low": 0.0001, "high": 0.01, "log": true}}.')


@dataclass(frozen=True)
class Dimension:
    name: str  # a RunConfig field, or "options.<name>"
    choices: tuple | None = None  # categorical
    low: float | None = None
    high: float | None = None
    log: bool = False
    step: float | None = None
    whole: bool = False  # suggest_int rather than suggest_float

    def describe(self) -> str:
        if self.choices is not None:
            return ", ".join(map(str, self.choices))
        scale = " (log)" if self.log else ""
        step = f" step {self.step:g}" if self.step else ""
        return f"{self.low:g} .. {self.high:g}{step}{scale}"


def read_space(text_or_path: str) -> dict:
    """SPACE as given on the command line: a JSON file's path, or the JSON itself."""
    text = str(text_or_path).strip()
    if not text.startswith("{"):
        path = Path(text).expanduser()
        if not path.is_file():
            raise ConfigError(f"The search space {text!r} is neither JSON nor a file.", HINT)
        text = path.read_text(encoding="utf-8")
    return parse_json_text(text, "The search space", HINT)


def parse_space(raw: dict, base: RunConfig) -> list[Dimension]:
    """The dimensions of `raw`, checked against `base` (its task's options, each setting's bounds)."""
    if not isinstance(raw, dict) or not raw:
        raise ConfigError("The search space is empty: nothing would vary.", HINT)
    return [_dimension(str(name), value, base) for name, value in raw.items()]


def _dimension(name: str, value, base: RunConfig) -> Dimension:
    known = {f.name: f for f in fields(RunConfig)}
    if name.startswith(OPTION_PREFIX):
        _check_option(name[len(OPTION_PREFIX):], base.task)
        whole = False
    elif name in known and name not in FIXED:
        whole = known[name].type == "int"
    else:
        settable = ", ".join(n for n in known if n not in FIXED)
        raise ConfigError(f"{name!r} cannot vary in a sweep.",
                          f"Vary any of {settable}, or a task option as options.NAME.")
    if isinstance(value, list):
        if not value or len(set(map(json.dumps, value))) != len(value):
            raise ConfigError(f"The values of {name} must be a list of different values.", HINT)
        dim = Dimension(name, choices=tuple(value))
        for choice in value:  # each value must make a valid config (a cell of the task, a batch of 1 and up)
            apply({name: choice}, base)
        return dim
    if isinstance(value, dict) and {"low", "high"} <= set(value) and set(value) <= {"low", "high", "log", "step"}:
        return _range(name, value, whole, base)
    raise ConfigError(f"The values of {name} must be a list or a range {{\"low\": .., \"high\": ..}}.", HINT)


def _range(name: str, value: dict, whole: bool, base: RunConfig) -> Dimension:
    low, high, step, log = value["low"], value["high"], value.get("step"), bool(value.get("log", False))
    numbers = [v for v in (low, high, step) if v is not None]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in numbers):
        raise ConfigError(f"The range of {name} needs finite numbers.", HINT)
    if whole and not all(float(v).is_integer() for v in numbers):
        raise ConfigError(f"{name} is a whole number: its range needs whole numbers.", HINT)
    if not low < high or (log and low <= 0) or (step is not None and step <= 0) or (log and step):
        raise ConfigError(f"The range of {name} is {low} .. {high}{' (log)' if log else ''}: it needs low < high, "
                          "low > 0 for a log scale, a positive step and not both log and step.", HINT)
    limits = INT_LIMITS.get(name)
    if limits and not (limits[0] <= low and high <= limits[1]):
        raise ConfigError(f"{name} must stay within {limits[0]} .. {limits[1]}.", limits[2])
    for end in (low, high):
        apply({name: int(end) if whole else float(end)}, base)
    if whole:
        return Dimension(name, low=int(low), high=int(high), log=log, step=int(step) if step else None, whole=True)
    return Dimension(name, low=float(low), high=float(high), log=log, step=float(step) if step else None)


def _check_option(option: str, task: str) -> None:
    from engine.tasks import registry

    names = [o.name for o in registry.spec(task).options]
    if option not in names:
        raise ConfigError(f"The {task} task has no option {option!r}.",
                          f"Its options: {', '.join(names) or 'none'}.")


def apply(values: dict, base: RunConfig) -> RunConfig:
    """`base` with the sweep's values set (options merged into the base's options); checked as any config."""
    plain = {k: v for k, v in values.items() if not k.startswith(OPTION_PREFIX)}
    options = {k[len(OPTION_PREFIX):]: v for k, v in values.items() if k.startswith(OPTION_PREFIX)}
    changed = {**base.to_dict(), **plain}
    if options:
        changed["options"] = {**base.options, **options}
    return RunConfig.from_dict(changed)


def suggest(trial, dims: list[Dimension]) -> dict:
    """One point of the space, drawn by an Optuna trial: {name: value}."""
    values = {}
    for dim in dims:
        if dim.choices is not None:
            values[dim.name] = trial.suggest_categorical(dim.name, list(dim.choices))
        elif dim.whole:
            values[dim.name] = trial.suggest_int(dim.name, dim.low, dim.high, step=dim.step or 1, log=dim.log)
        else:
            values[dim.name] = trial.suggest_float(dim.name, dim.low, dim.high, step=dim.step, log=dim.log)
    return values


def grid(dims: list[Dimension]) -> dict:
    """Optuna's GridSampler space: every dimension's list; a ConfigError when one is a range."""
    ranges = [d.name for d in dims if d.choices is None]
    if ranges:
        raise ConfigError(f"A grid search needs lists of values; {', '.join(ranges)} is a range.",
                          "Give each of them as a list, or use --sampler tpe.")
    return {d.name: list(d.choices) for d in dims}


def grid_size(dims: list[Dimension]) -> int | None:
    """How many points the grid has (None when a dimension is a range)."""
    if any(d.choices is None for d in dims):
        return None
    return math.prod(len(d.choices) for d in dims)
