"""Which phase a run is in (engine.events.Phase), with its progress, sent through the run's gate: at once when
the phase changes, otherwise at most every `every_s` seconds and at a phase's last batch, so the window gets
a few events a second however many batches a split has. While testing, a skip_test() request ends the test at
its next batch (TestSkipped)."""
from __future__ import annotations

import inspect
import threading
import time

from engine.events import Phase
from engine.run_control import EventGate, TestSkipped


class PhaseReports:
    def __init__(self, gate: EventGate, skip_test: threading.Event, every_s: float = 0.2):
        self.gate, self.skip_test, self.every_s = gate, skip_test, every_s
        self.name = ""
        self._last = 0.0

    def enter(self, name: str, total: int = 0, detail: str = "") -> None:
        """The run is now in phase `name`; sent unless it already was (nothing counted yet)."""
        if name == self.name and not total and not detail:
            return
        self.name = name
        self._last = time.perf_counter()
        self.gate.emit(Phase(name, 0, total, detail))

    def reporter(self, name: str):
        """progress(done, total, detail="") for a task's evaluate(): sends `name`'s progress, throttled; in the
        testing phase it raises TestSkipped once the user asked to skip the test."""
        self.enter(name)

        def progress(done: int, total: int, detail: str = "") -> None:
            if name == "testing" and self.skip_test.is_set():
                raise TestSkipped()
            now = time.perf_counter()
            if done < total and now - self._last < self.every_s:
                return
            self._last = now
            self.gate.emit(Phase(name, int(done), int(total), detail))

        return progress


def takes_progress(evaluate) -> bool:
    """Whether a task's evaluate() takes progress= (a task from outside the project may not)."""
    try:
        parameters = inspect.signature(evaluate).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == "progress" or p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters)


def evaluate_split(task, model, data, device, batch: int, progress) -> tuple[dict, dict]:
    """task.evaluate(...) reporting its progress where the task can."""
    if takes_progress(task.evaluate):
        return task.evaluate(model, data, device, batch, progress=progress)
    return task.evaluate(model, data, device, batch)
