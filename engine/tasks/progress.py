"""Progress of a task's evaluate(): the optional `progress(done, total, detail="")` the Trainer hands it
(engine/train_handlers/phases.py), told after each batch. It may raise (the user skipped the test), which
ends the evaluation there."""
from __future__ import annotations


def batch_starts(count: int, size: int, progress=None, detail: str = ""):
    """range(0, count, size), telling `progress` how many of the batches are done before each one and once
    after the last."""
    total = -(-count // max(size, 1))
    for done, start in enumerate(range(0, count, max(size, 1))):
        if progress is not None:
            progress(done, total, detail)
        yield start
    if progress is not None:
        progress(total, total, detail)


def each_item(items, progress=None, detail: str = ""):
    """The items of a list, telling `progress` as batch_starts does, one item a batch."""
    for start in batch_starts(len(items), 1, progress, detail):
        yield items[start]
