"""What the Runs browser changes in a run folder: its name and tags (run.json, written atomically), and its
place (deleted into the library's .trash folder, which the library's listing skips, and brought back by Undo).

A run being trained is never changed: its writer rewrites run.json from its own copy (a name given now would
be lost) and its folder must stay where the writer writes.
"""
from __future__ import annotations

import json
from pathlib import Path

from engine.errors import UserError
from engine.runs import folder as runs

TRASH = ".trash"


def _raw_record(folder: Path) -> dict:
    """run.json as written (read_record() would put "interrupted" for a dead writer's "running" back in it)."""
    path = Path(folder) / runs.RUN
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise UserError(f"{folder} has no readable {runs.RUN}: it was written by an older version, or is damaged "
                        f"({error}).", "Only runs of this version can be named and tagged.") from error
    if not isinstance(record, dict):
        raise UserError(f"{path} is not a run record.", "Only runs of this version can be named and tagged.")
    return record


def refuse_running(folder: Path, doing: str) -> None:
    record = runs.read_record(Path(folder))
    if record is not None and record["status"] == "running":
        where = f"pid {record.get('pid')} on {record.get('host')}"
        raise UserError(f"{Path(folder).name} is being trained ({where}): it cannot be {doing} now.",
                        "Wait for it to end, or stop it first.")


def update(folder: Path, **changes) -> dict:
    """Write `changes` (name, tags) into the run's run.json; the record written."""
    refuse_running(folder, "changed")
    record = _raw_record(folder)
    record.update(changes)
    runs.write_json(Path(folder) / runs.RUN, record)
    return record


def rename(folder: Path, name: str) -> dict:
    return update(folder, name=" ".join(name.split()))


def set_tags(folder: Path, text: str) -> dict:
    """Tags from comma-separated text: trimmed, empty ones dropped, each once, in the order given."""
    tags = list(dict.fromkeys(tag.strip() for tag in text.split(",") if tag.strip()))
    return update(folder, tags=tags)


def trash(home: Path, folder: Path) -> Path:
    """Move the run folder into home/.trash (a name of its own there); where it went. A running run is refused."""
    folder, home = Path(folder), Path(home)
    refuse_running(folder, "deleted")
    try:
        relative = folder.relative_to(home)
    except ValueError:
        relative = Path(folder.name)
    bin_ = home / TRASH
    bin_.mkdir(parents=True, exist_ok=True)
    base = "__".join(relative.parts)  # a comparison's run keeps its comparison's name in its own
    target, n = bin_ / base, 1
    while target.exists():
        n += 1
        target = bin_ / f"{base}-{n}"
    try:
        folder.rename(target)
    except OSError as error:
        raise UserError(f"{folder.name} could not be moved to {bin_}: {error}.",
                        "Check that the runs folder can be written.") from error
    return target


def restore(moved: Path, original: Path) -> None:
    """Bring a trashed run folder back where it was (refused when something has taken its place)."""
    moved, original = Path(moved), Path(original)
    if original.exists():
        raise UserError(f"{original} exists again: the deleted run stays in {moved.parent}.",
                        "Move it back by hand if you still want it.")
    if not moved.is_dir():
        raise UserError(f"{moved} is gone from the trash.", "")
    original.parent.mkdir(parents=True, exist_ok=True)
    moved.rename(original)
