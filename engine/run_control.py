"""The controls of a training run, callable from any thread, and the gate that its events and files pass.

pause() / resume() hold the loop between steps; stop() ends training after the current step (the best
weights are still tested and saved); skip_test() ends the test of the best weights at its next batch (the
run then finishes with its checkpoint and no test figures: Finished.test_skipped); abort() ends the run as
soon as it can and lets nothing more out: once abort() has returned, no event but the final
Finished("aborted") is sent and no file is written.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from engine.events import Finished
from engine.train_guards import Aborted, Diverged, diverged


class TestSkipped(BaseException):
    """The user skipped the test evaluation: a BaseException (as Aborted is), so no `except Exception` in a task's
    code swallows it on its way up to the test handler."""


class EventGate:
    """What every event and file write of a run passes: nothing passes once close() (abort) has returned."""

    def __init__(self, on_event):
        self.on_event = on_event
        self.aborted = threading.Event()
        self._outward = threading.RLock()  # held while a file is written or an event sent; close() waits for it

    def close(self) -> None:
        with self._outward:
            self.aborted.set()

    def emit(self, event) -> None:
        with self._outward:
            self.check()
            self.on_event(event)

    def write(self, action, *args):
        """action(*args) (a file write), unless the run was aborted."""
        with self._outward:
            self.check()
            return action(*args)

    def check(self) -> None:
        if self.aborted.is_set():
            raise Aborted()


class ProbeChoice:
    """The sample the probe snapshots show, and whether the window asked for a new one since the last."""

    def __init__(self):
        self.index = 0
        self._requested = threading.Event()

    def choose(self, index: int) -> None:
        self.index = int(index)
        self._requested.set()

    @property
    def requested(self) -> bool:
        return self._requested.is_set()

    def taken(self) -> int:
        """The index, the request answered."""
        self._requested.clear()
        return self.index


@dataclass
class RunRecord:
    """How far a run got and what it kept: what the messages after its end (failed, aborted) must say."""

    out: Path | None = None
    epoch: int = 0  # (epoch, step) reached
    step: int = 0
    kept_path: str = ""  # this run's checkpoint, once one is written
    kept_epoch: int = 0  # the epoch it holds

    def divergence(self, what: str, then: str = "") -> Diverged:
        return diverged(what, self.epoch, self.step, self.kept_epoch, self.kept_path, self.out, then)


class RunControl:
    def __init__(self, on_event=None):
        self.on_event = on_event or (lambda event: None)
        self._gate = EventGate(self.on_event)
        self._stop = threading.Event()  # also the data loader's cancel: abort() sets it too
        self._running = threading.Event()
        self._running.set()
        self._skip_test = threading.Event()
        self._probe = ProbeChoice()
        self._record = RunRecord()

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def stop(self) -> None:
        self._stop.set()
        self._running.set()

    def skip_test(self) -> None:
        """End the test evaluation (now or when it comes); training itself goes on until stop()."""
        self._skip_test.set()

    def abort(self) -> None:
        """End the run as soon as possible and write nothing more. Returns once no file write or event is in
        progress, so on_event must never wait for the thread that calls abort()."""
        self._gate.close()
        self._stop.set()
        self._running.set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def set_probe(self, index: int) -> None:
        self._probe.choose(index)

    # ---- used by the run itself ----
    def _wait_while_paused(self) -> float:
        """Block while paused (abort() and stop() wake it); the seconds spent waiting."""
        if self._running.is_set():
            return 0.0
        start = time.perf_counter()
        while not self._running.wait(0.1):
            pass
        return time.perf_counter() - start

    def _aborted(self, start: float) -> dict:
        seconds = time.perf_counter() - start
        kept = self._record.kept_path
        self.on_event(Finished("aborted", {}, kept, seconds, 0.0))
        return {"reason": "aborted", "message": "The run was aborted.", "hint": "", "metrics": {},
                "checkpoint": kept, "seconds": seconds, "samples_per_s": 0.0}
