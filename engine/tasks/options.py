"""Task options (RunConfig.options, `--option KEY=VALUE`): every task declares its own as OptionSpecs in its
SPEC (engine/tasks/spec.py: name, default, type, help, choices, bounds) and reads them here, so unknown
names, wrong types and values out of bounds get the same message in every task. Values may come as JSON
types or as text (a config file, the command line)."""
from __future__ import annotations

import math
import reprlib

from engine.errors import ConfigError

TRUE, FALSE = ("true", "1", "yes", "on"), ("false", "0", "no", "off")


def read_options(task: str, options, given: dict | None) -> dict:
    """Every option (OptionSpecs) with its default filled in; ConfigError for an unknown name or a bad value."""
    given = dict(given or {})
    options = tuple(options)
    unknown = sorted(set(given) - {option.name for option in options}, key=str)
    if unknown:
        known = "; ".join(f"{option.name} ({option.help})" for option in options) or "none"
        raise ConfigError(f"Unknown option(s) for the {task} task: {', '.join(map(str, unknown))}.",
                          f"Known options: {known}.")
    return {option.name: read_value(option, given.get(option.name, option.default)) for option in options}


def read_value(option, value):
    """One option's value coerced to its type and checked against its choices and bounds."""
    try:
        result = coerce(value, option.type, option.low, option.high)
    except (TypeError, ValueError, OverflowError):  # OverflowError: float() of a 400-digit number
        raise ConfigError(f"Option {option.name} must be {_kind_name(option)}, got {reprlib.repr(value)}.",
                          option.hint) from None
    _check_choice(option, result)
    if option.type in (int, float):
        _check_bounds(option, result)
    return result


def _kind_name(option) -> str:
    if option.type is list:
        return f"a list of numbers in [{option.low}, {option.high}]"
    return {float: "float (a finite number)"}.get(option.type, option.type.__name__)


def _check_choice(option, value) -> None:
    if option.choices is None or value in option.choices or value == option.default:
        return
    choices = [str(c) for c in option.choices]
    said = choices[0] if len(choices) == 1 else f"{', '.join(choices[:-1])} or {choices[-1]}"
    raise ConfigError(f"Option {option.name} must be {said}, got {value!r}.", option.hint)


def _check_bounds(option, value) -> None:
    """A bound is checked before anything is allocated: --context 10**9 would be 10**9 frames."""
    low, high = option.low, option.high
    if (low is None or value >= low) and (high is None or value <= high):
        return
    if option.type is int:
        limit = f"from {low} to {high}" if low is not None and high is not None else \
            f"of at least {low}" if low is not None else f"of at most {high}"
        raise ConfigError(f"Option {option.name} must be a whole number {limit}, got {value!r}.", option.hint)
    limit = f"in [{low}, {high}]" if low is not None and high is not None else \
        f"{low} or more" if low is not None else f"{high} or less"
    raise ConfigError(f"Option {option.name} must be {limit}, got {value}.", option.hint)


def coerce(value, kind, low=None, high=None):
    if kind is list:  # a list of numbers, e.g. edges' test_scales, each within [low, high]
        items = value.split(",") if isinstance(value, str) else list(value)
        floats = [float(v) for v in items]
        inside = all((low is None or f >= low) and (high is None or f <= high) for f in floats)
        if not floats or not inside or not all(math.isfinite(f) for f in floats):
            raise ValueError(value)
        return floats
    if kind is bool:
        if isinstance(value, str):
            if value.lower() not in TRUE + FALSE:
                raise ValueError(value)
            return value.lower() in TRUE
        return bool(value)
    if kind is int and (isinstance(value, bool) or isinstance(value, float) and not value.is_integer()):
        raise ValueError(value)
    result = kind(value)
    if kind is float and not math.isfinite(result):  # NaN slips through every later range check
        raise ValueError(value)
    return result
