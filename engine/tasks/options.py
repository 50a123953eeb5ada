"""Task options (RunConfig.options, `--option KEY=VALUE`): every task describes its own in a table
name -> (default, type, what it does) and reads them here, so unknown names and wrong types get the same
message in every task. Values may come as JSON types or as text (a config file, the command line)."""
from __future__ import annotations

import math
import reprlib

from engine.errors import ConfigError

TRUE, FALSE = ("true", "1", "yes", "on"), ("false", "0", "no", "off")


def read_options(task: str, table: dict, given: dict | None) -> dict:
    """Every option of `table` with its default filled in; ConfigError for an unknown name or a bad value."""
    given = dict(given or {})
    unknown = sorted(set(given) - set(table))
    if unknown:
        known = "; ".join(f"{k} ({what})" for k, (_, _, what) in table.items())
        raise ConfigError(f"Unknown option(s) for the {task} task: {', '.join(unknown)}.", f"Known options: {known}.")
    values = {}
    for name, (default, kind, what) in table.items():
        value = given.get(name, default)
        try:
            values[name] = coerce(value, kind)
        except (TypeError, ValueError, OverflowError):  # OverflowError: float() of a 400-digit number
            kind_name = {list: "a list of numbers in [0.1, 4]", float: "float (a finite number)"}.get(kind, kind.__name__)
            raise ConfigError(f"Option {name} must be {kind_name}, got {reprlib.repr(value)}.", what) from None
    return values


def coerce(value, kind):
    if kind is list:  # the only list option so far: scale factors (edges' test_scales)
        items = value.split(",") if isinstance(value, str) else list(value)
        floats = [float(v) for v in items]
        if not floats or not all(0.1 <= f <= 4 for f in floats):
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
