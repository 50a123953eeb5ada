"""What the command line says besides the figures: the files a data set left out, and data that belongs
to another task than the model's (which the task's own reader would misread, e.g. a video reader saying
that an existing `bsds:` folder "does not exist")."""
from __future__ import annotations

import sys

from engine.errors import DataError

SHOWN_SKIPPED = 5  # skipped files listed without --verbose; the rest are counted


def report_skipped(skipped: list[tuple[str, str]], verbose: bool, stream=None) -> None:
    """On stderr: how many files were skipped and why, the first few (all of them when `verbose`)."""
    if not skipped:
        return
    stream = stream or sys.stderr
    shown = skipped if verbose else skipped[:SHOWN_SKIPPED]
    print(f"{len(skipped)} file(s) skipped:", file=stream)
    for path, reason in shown:  # a reader's reason often names the file again: once is enough here
        print(f"  {path}: {str(reason).replace(f' {path}', '')}", file=stream)
    if len(shown) < len(skipped):
        print(f"  ... and {len(skipped) - len(shown)} more (--verbose lists them all)", file=stream)


def skipped_json(skipped: list[tuple[str, str]]) -> list[dict]:
    """Every skipped file, for the --json line."""
    return [{"path": str(path), "reason": str(reason)} for path, reason in skipped]


def check_data_fits(task: str, spec: str, checkpoint: str | None = None) -> None:
    """DataError when `spec` is of a kind that only other tasks read (bsds: for a classify model, mnist: for a
    segment one). A kind no task claims (a bare path, a video file) is left to the task's own reader."""
    from engine.data.base import DataSpec
    from engine.tasks import registry

    readable = list(registry.spec(task).data_kinds)  # ConfigError for a task this version does not know
    kind = DataSpec.parse(spec).kind
    fits = [other.name for other in registry.specs() if kind in other.data_kinds]
    if not fits or task in fits:
        return
    owners = " or ".join(repr(name) for name in fits)
    tasks = f"the task{'s' if len(fits) > 1 else ''} {owners}"
    if checkpoint:
        raise DataError(f"The checkpoint {checkpoint} is a model for the task {task!r}, but {spec} is {kind!r} "
                        f"data, which is for {tasks}.",
                        f"Give {task} data ({', '.join(readable)}), or a checkpoint trained for {owners}.")
    raise DataError(f"The task {task!r} cannot train on {spec}: {kind!r} data is for {tasks}.",
                    f"Use --task {fits[0]}, or give {task} data ({', '.join(readable)}).")
