"""A run folder's events.jsonl read back as the engine's events (engine/events.py), so the window rebuilds a
run from disk through the same code that shows a live one, and follows a folder that another process is
still writing (read again from the last whole line). Torch-free.

A snapshot's arrays are loaded from its .npz; a live probe's file holds the newest probe of its kind (the
journal replaces it), so an old line reads the newest pictures, as the window shows them anyway. A line that
cannot be read (cut short by a crash, or of a newer version) is skipped and counted.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np

from engine import events as ev
from engine.runs import folder as runs

TYPES = {cls.__name__: cls for cls in (ev.Started, ev.Progress, ev.Metrics, ev.Snapshot, ev.Finished, ev.Failed,
                                       ev.Phase)}


@dataclass
class Reading:
    """What one read of events.jsonl gave: the events, where the next read starts, lines it skipped."""

    events: list = field(default_factory=list)
    offset: int = 0
    skipped: int = 0


def read_events(folder: Path, offset: int = 0, arrays: bool = True) -> Reading:
    """The events after byte `offset` of folder/events.jsonl, up to its last whole line. `arrays`: load the
    snapshots' arrays (else a snapshot's arrays are {})."""
    path = Path(folder) / runs.EVENTS
    reading = Reading(offset=offset)
    try:
        with open(path, "rb") as file:
            file.seek(offset)
            data = file.read()
    except OSError:
        return reading
    end = data.rfind(b"\n")
    if end < 0:
        return reading  # no whole line yet
    reading.offset = offset + end + 1
    for raw in data[:end].split(b"\n"):
        event = _event(raw, Path(folder), arrays)
        if event is None:
            reading.skipped += raw.strip() != b""
        else:
            reading.events.append(event)
    return reading


def _event(raw: bytes, folder: Path, arrays: bool):
    try:
        data = json.loads(raw)
        cls = TYPES[data["type"]]
    except (ValueError, KeyError, TypeError):
        return None
    names = {f.name for f in fields(cls)}
    values = {k: v for k, v in data.items() if k in names}
    if cls is ev.Snapshot:
        values["arrays"] = load_arrays(folder / str(data.get("arrays", ""))) if arrays and data.get("arrays") else {}
    try:
        return cls(**values)
    except TypeError:  # a line of another version, missing a field
        return None


def load_arrays(path: Path) -> dict:
    """The arrays of a snapshot file ({} when it is gone or unreadable: a probe replaced while being read)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            return {name: data[name] for name in data.files}
    except (OSError, ValueError, EOFError):
        return {}
