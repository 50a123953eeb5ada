"""The run folder's journal: every event of a run into events.jsonl, and run.json kept up to date.

It is a tap on the run's event stream (the Trainer sends every event through it, behind the run's gate, so
nothing is written after abort()) and a handler (the epoch's end: epochs done, the best so far).

events.jsonl gets one JSON object a line, each written with one write() and flushed, so a reader that takes
whole lines only never sees half an event. A snapshot's arrays go to snapshots/*.npz, written under a
temporary name and renamed: while training, one file per kind that each newer probe replaces (at most one
every SNAPSHOT_EVERY_S per kind: a long run must not fill the disk with probes); after training (the test
split's pictures, the model's) one file each.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import fields
from pathlib import Path

import numpy as np

from engine.events import Failed, Finished, Metrics, Phase, Progress, Snapshot, Started
from engine.runs import folder as runs
from engine.train_handlers.base import Handler

SNAPSHOT_EVERY_S = 5.0
PROGRESS_EVERY_S = 1.0


def event_line(event, arrays_path: str = "") -> dict:
    """An event as one JSON object: its type and fields; a snapshot's arrays as the path of their file."""
    data = {"type": type(event).__name__, "time": time.time()}
    for f in fields(event):
        value = getattr(event, f.name)
        if f.name == "arrays":
            data["arrays"] = arrays_path
            data["array_names"] = list(value)
        else:
            data[f.name] = value
    return data


def save_arrays(path: Path, arrays: dict) -> None:
    """The arrays as one .npz, whole or not at all."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temp, "wb") as file:
        np.savez(file, **{name: np.asarray(value) for name, value in arrays.items()})
        file.flush()
        os.fsync(file.fileno())
    temp.replace(path)


class RunJournal(Handler):
    def __init__(self, out: Path, config: dict, resumed: bool = False, world_size: int = 1,
                 ranks: list | None = None):
        self.out, self.config = Path(out), config
        self.resumed, self.world_size = resumed, world_size
        self.ranks = list(ranks or [])  # a data-parallel run's ranks: [{"rank", "host", "pid"}]
        self.ready = False  # the folder exists and can be written (the Trainer made it): nothing before that
        self.gate = None  # the run's EventGate (the handler's writes pass it; the tap's are behind it already)
        self.record: dict | None = None
        self._file = None
        self._training = True  # before on_train_end: snapshots are live probes
        self._snapshot_at: dict[str, float] = {}
        self._held: dict[str, Snapshot] = {}  # the newest live probe of each kind the throttle left out
        self._written_at = self._progress_at = 0.0
        self._count = 0

    def tee(self, on_event):
        """The gate's on_event: this journal first, then `on_event` (the window's or the command line's)."""
        def both(event) -> None:
            self(event)
            on_event(event)
        return both

    # ---- the event tap (called behind the gate) ----
    def __call__(self, event) -> None:
        if isinstance(event, Finished) and event.reason == "aborted":
            return  # abort() lets nothing more be written; the folder reads as interrupted once this process ends
        if not self.ready:
            return  # --out could not be made: there is no folder to write in
        if self.record is None and isinstance(event, Failed) and not self.resumed:  # failed before it started
            self.record = runs.new_record(self.config)
        if isinstance(event, Started):
            self._started(event)
        if isinstance(event, Progress):
            now = time.monotonic()
            if now - self._progress_at < PROGRESS_EVERY_S and event.step != event.steps_per_epoch:
                return
            self._progress_at = now
            self._heartbeat(event)
        if isinstance(event, Snapshot):
            path = self._snapshot_file(event)
            if path is None:
                return
            self._write(event_line(event, path))
            return
        if isinstance(event, Finished):
            self._finished(event)
        elif isinstance(event, Failed) and self.record is not None:
            self.record["message"] = event.message
        if isinstance(event, (Started, Progress, Metrics, Phase, Finished, Failed)):
            self._write(event_line(event))

    def begin(self) -> None:
        """run.json saying "running" as soon as the folder is there (before the data is read): a run killed at
        any moment leaves a folder that reads as interrupted and resumes."""
        old = runs.read_record(self.out) if self.resumed else None
        record = runs.new_record(self.config, "", int(self.config.get("epochs", 0)))
        if old:  # a resumed run keeps its start, name, tags, best and epochs; it counts the resume
            keep = ("started", "name", "tags", "best", "epochs_done", "device")
            record.update({k: old[k] for k in keep if k in old}, resumes=int(old.get("resumes", 0)) + 1)
        record["world_size"] = self.world_size
        if self.ranks:
            record["ranks"] = self.ranks
        self.record = record
        self._save_record()

    def _started(self, event: Started) -> None:
        if self.record is None:
            self.begin()
        self.record.update(device=event.device, epochs_planned=int(event.config.get("epochs", 0)),
                           task=event.config.get("task", ""), cell=event.config.get("cell", ""))
        self._save_record()

    def _heartbeat(self, event: Progress) -> None:
        if self.record is None:
            return
        self.record["progress"] = {"epoch": event.epoch, "epochs": event.epochs, "step": event.step,
                                   "steps_per_epoch": event.steps_per_epoch, "eta_s": event.eta_s}
        if time.monotonic() - self._written_at >= runs.HEARTBEAT_S:
            self._save_record()

    def _finished(self, event: Finished) -> None:
        if self.record is None:
            return
        self.record.update(status=runs.ENDINGS.get(event.reason, "failed"), reason=event.reason, ended=time.time(),
                           metrics=dict(event.metrics), test_skipped=bool(event.test_skipped),
                           checkpoint=Path(event.checkpoint).name if event.checkpoint else "")
        self.record.pop("progress", None)
        self._save_record()

    def _snapshot_file(self, event: Snapshot) -> str | None:
        """The arrays' file (relative to the run folder), or None for a live probe too soon after the last."""
        folder = self.out / runs.SNAPSHOTS
        folder.mkdir(exist_ok=True)
        if self._training:
            now = time.monotonic()
            if now - self._snapshot_at.get(event.kind, -1e9) < SNAPSHOT_EVERY_S:
                self._held[event.kind] = event
                return None
            self._snapshot_at[event.kind] = now
            self._held.pop(event.kind, None)
            name = f"live-{event.kind}.npz"
        else:
            self._count += 1
            name = f"result-{self._count:04d}-{event.kind}.npz"
        save_arrays(folder / name, event.arrays)
        return f"{runs.SNAPSHOTS}/{name}"

    # ---- the handler ----
    def on_run_start(self, run) -> None:
        if self.record is not None and self.resumed:  # what the resume point holds, whatever run.json said
            self.record["epochs_done"] = len(run.history)
            self.gate.write(self._save_record)

    def on_epoch_scored(self, run, epoch: int, score: tuple, improved: bool) -> None:
        if self.record is None:
            return
        self.record["epochs_done"] = epoch
        if improved:
            metric = run.task.selection_metric
            self.record["best"] = {"metric": metric, "value": float(run.sign * score[0]), "epoch": epoch}
        self.gate.write(self._save_record)

    def on_train_end(self, run) -> None:
        # the newest probe of each kind is what the window shows at the end: a run read back from its folder
        # must show the same, so a probe the throttle left out is written now if none came after it
        held, self._held = list(self._held.values()), {}
        self._snapshot_at.clear()  # the throttle lets each through
        for event in held:
            self.gate.write(self, event)
        self._training = False

    # ---- files ----
    def _save_record(self) -> None:
        self.record["updated"] = time.time()
        runs.write_json(self.out / runs.RUN, self.record)
        self._written_at = time.monotonic()

    def _write(self, data: dict) -> None:
        if self._file is None:
            self._file = open(self.out / runs.EVENTS, "a", encoding="utf-8")
        self._file.write(json.dumps(data, default=_plain) + "\n")
        self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _plain(value):
    """What json cannot write itself: numpy numbers and arrays (meta of snapshots), paths."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON")

