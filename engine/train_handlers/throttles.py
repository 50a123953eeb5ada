"""Progress and the probe's snapshots, each sent at most as often as the window can use them."""
from __future__ import annotations

import time

from engine.events import Progress, Snapshot
from engine.run_control import EventGate, ProbeChoice
from engine.train_handlers.base import Handler, RunState


class ProgressReports(Handler):
    """Progress at most every `every_s` seconds, and always at an epoch's last step."""

    def __init__(self, gate: EventGate, every_s: float):
        self.gate, self.every_s = gate, every_s
        self._last = 0.0

    def on_step_end(self, run: RunState, epoch: int, step: int, loss) -> None:
        now = time.perf_counter()
        if now - self._last < self.every_s and step != run.steps_per_epoch:
            return
        self._last = now
        cfg = run.cfg
        elapsed = run.train_seconds + (now - run.epoch_tick)
        rate = run.trained / elapsed if elapsed > 0 else 0.0
        remaining = (cfg.epochs - epoch) * len(run.train_x) + (run.steps_per_epoch - step) * cfg.batch
        self.gate.emit(Progress(epoch, cfg.epochs, step, run.steps_per_epoch, run.global_step, rate,
                                remaining / rate if rate else 0.0, float(loss.detach())))


class ProbeSnapshots(Handler):
    """The probe sample's pictures (hidden states, a mask, frames: the task's probe()): before training,
    every `every_s` seconds or when the window asks for another sample, and of the best weights at the end."""

    def __init__(self, gate: EventGate, choice: ProbeChoice, every_s: float):
        self.gate, self.choice, self.every_s = gate, choice, every_s
        self._last = 0.0

    def on_run_start(self, run: RunState) -> None:
        self.send(run, 0)

    def on_step_end(self, run: RunState, epoch: int, step: int, loss) -> None:
        now = time.perf_counter()
        if now - self._last >= self.every_s or self.choice.requested:
            self._last = now
            self.send(run, epoch)
            run.model.train()  # probe() evaluates: training goes on in training mode

    def on_run_end(self, run: RunState, final: dict) -> None:
        self.send(run, run.best.epoch)

    def send(self, run: RunState, epoch: int) -> None:
        found = run.task.probe(run.model, run.prepared, self.choice.taken(), run.policy.device)
        for snapshot in found if isinstance(found, (list, tuple)) else [] if found is None else [found]:
            self.gate.emit(Snapshot(snapshot.kind, snapshot.arrays, snapshot.meta, epoch, run.global_step))
