"""The controls of a training run, callable from any thread, and the gate that its events and files pass.

pause() / resume() hold the loop between steps; stop() ends training after the current step (the best
weights are still tested and saved); abort() ends the run as soon as it can and lets nothing more out:
once abort() has returned, no event but the final Finished("aborted") is sent and no file is written.
"""
from __future__ import annotations

import threading
import time

from engine.events import Finished
from engine.train_guards import Aborted


class RunControl:
    def __init__(self, on_event=None):
        self.on_event = on_event or (lambda event: None)
        self._stop = threading.Event()  # also the data loader's cancel: abort() sets it too
        self._abort = threading.Event()
        self._outward = threading.RLock()  # held while a file is written or an event sent; abort() waits for it
        self._running = threading.Event()
        self._running.set()
        self._probe_index = 0
        self._probe_requested = threading.Event()
        self._best_path: str | None = None  # this run's checkpoint, once one is written

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def stop(self) -> None:
        self._stop.set()
        self._running.set()

    def abort(self) -> None:
        """End the run as soon as possible and write nothing more. Returns once no file write or event is in
        progress, so on_event must never wait for the thread that calls abort()."""
        with self._outward:
            self._abort.set()
        self._stop.set()
        self._running.set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def set_probe(self, index: int) -> None:
        self._probe_index = int(index)
        self._probe_requested.set()

    # ---- used by the run itself ----
    def _emit(self, event) -> None:
        with self._outward:
            self._check_abort()
            self.on_event(event)

    def _write(self, action, *args):
        """action(*args) (a file write), unless the run was aborted."""
        with self._outward:
            self._check_abort()
            return action(*args)

    def _check_abort(self) -> None:
        if self._abort.is_set():
            raise Aborted()

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
        self.on_event(Finished("aborted", {}, self._best_path or "", seconds, 0.0))
        return {"reason": "aborted", "message": "The run was aborted.", "hint": "", "metrics": {},
                "checkpoint": self._best_path or "", "seconds": seconds, "samples_per_s": 0.0}
