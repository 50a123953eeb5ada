"""What keeps a training run honest and stoppable: divergence, abort, the run folder and running out of memory.

- Divergence: a loss, weights or a validation figure that is no longer a finite number ends the run
  with a message that says truthfully which checkpoint (if any) was kept.
- Abort: while a Trainer's abort flag is set, a forward pre-hook on every module of its model raises
  Aborted, so any model call of any task (validation, test evaluation, probes, gradient measurement,
  the edges benchmark's maps) stops at the next batch or image; lists of a split (the edges benchmark's
  images and annotations) check the flag as each item is read, for the parts that never call the model.
- The run folder is checked (made, written to once) before any data is read.
"""
from __future__ import annotations

import tempfile
import threading
from pathlib import Path

from engine import checkpoint
from engine.errors import ConfigError, UserError
from engine.resources import ResourceError

DIVERGED_HINT = ("Lower the learning rate (for example ten times), turn on gradient clipping (clip 1.0), "
                 "or check the data for NaN or huge values.")
MEMORY_ADVICE = "Use a smaller hidden size, fewer layers or a smaller batch."
HISTORY_TEMP = "metrics.csv.tmp"  # metrics.csv is written through this name (engine/train_handlers/history.py)


class Aborted(BaseException):
    """The run was aborted: not an error, so it derives from BaseException (as KeyboardInterrupt does) and no
    `except Exception` in a task's code swallows it on its way up to Trainer.run()."""


class Diverged(UserError):
    """Training diverged: the loss, the weights or a validation figure became NaN or infinite."""


def diverged(what: str, epoch: int, step: int, kept_epoch: int, kept_path: str, out: Path | None,
             then: str = "") -> Diverged:
    """The message for a divergence `what` ("The loss became nan") at `epoch`, `step`, naming what was kept;
    `then`: the error the task's code raised on the NaN values, when that is how it showed."""
    if kept_path:
        kept = f"The checkpoint of epoch {kept_epoch}, whose weights are finite, was kept: {kept_path}."
    elif out is None:
        kept = "No checkpoint exists: this run has no run folder."
    else:
        kept = "No checkpoint of this run exists yet: it diverged before an epoch ended with finite weights."
        if (out / "model.ckpt").exists():
            kept += f" The model.ckpt in {out} is from an earlier run."
    then = f" (the task's code then failed: {then})" if then else ""
    return Diverged(f"{what} at epoch {epoch}, step {step}: training diverged{then}. {kept}", DIVERGED_HINT)


def nonfinite_weight(model) -> str | None:
    """The name of the model's first parameter or buffer that holds a NaN or an infinity, or None."""
    return checkpoint.first_nonfinite(model.state_dict())


def install_abort_hooks(model, aborted: threading.Event) -> list:
    """A forward pre-hook on every module of `model` that raises Aborted once `aborted` is set; returns the
    handles to remove. A plain closure, not a bound method: copy.deepcopy(model) (the float64 copy of
    engine.gradients) copies the hooks, and would otherwise copy the Trainer too."""
    def stop_if_aborted(module, inputs):
        if aborted.is_set():
            raise Aborted()

    return [module.register_forward_pre_hook(stop_if_aborted) for module in model.modules()]


class WatchedList(list):
    """A list whose iteration raises Aborted before each item once `aborted` is set."""

    def __init__(self, items, aborted: threading.Event):
        super().__init__(items)
        self.aborted = aborted

    def __iter__(self):
        for item in super().__iter__():
            if self.aborted.is_set():
                raise Aborted()
            yield item


def watch_lists(split, aborted: threading.Event):
    """`split` with its list fields watched when it is a NamedTuple (e.g. the edges task's EdgeTest, whose
    images and annotations the pure-NumPy benchmark reads one by one); anything else as it is."""
    fields = getattr(split, "_fields", None)
    if not fields or not hasattr(split, "_replace"):
        return split
    lists = {name: WatchedList(getattr(split, name), aborted) for name in fields
             if type(getattr(split, name)) is list}
    return split._replace(**lists) if lists else split


def prepare_run_folder(out: Path) -> None:
    """Make the run folder and write to it once, so a name that is a file or a place that cannot be written
    is said before any data is read; then remove the temporary files of earlier, interrupted writes."""
    hint = "Give --out (the run folder) a new or existing folder that you can write to."
    for place in (out, *out.parents):
        if place.exists() or place.is_symlink():
            if not place.is_dir():
                raise ConfigError(f"The run folder {out} cannot be made: {place} is a file, not a folder.", hint)
            break
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as error:
        raise ConfigError(f"Cannot write in the run folder {out}: {error.strerror or error}.", hint) from None
    checkpoint.remove_leftovers(out / "model.ckpt")
    checkpoint.remove_leftovers(out / "last.ckpt")
    leftover = out / HISTORY_TEMP
    if leftover.is_file() and not leftover.is_symlink():
        leftover.unlink(missing_ok=True)


def is_out_of_memory(error: BaseException) -> bool:
    if isinstance(error, MemoryError) or type(error).__name__ == "OutOfMemoryError":  # torch's, any device
        return True
    text = str(error).lower()
    return isinstance(error, RuntimeError) and ("can't allocate memory" in text or "out of memory" in text
                                                or "defaultcpuallocator" in text)


def out_of_memory(error: BaseException, what: str) -> ResourceError:
    first = (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
    return ResourceError(f"{what} ran out of memory ({first}).", MEMORY_ADVICE)
