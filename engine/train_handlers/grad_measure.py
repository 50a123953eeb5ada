"""Gradients through time while training (the measurement itself: engine/gradients.py): Snapshot("grad_norms")
when the tracker says one is due, each epoch's grad_ratio in its row, the last epoch's in the final metrics."""
from __future__ import annotations

import math

from engine.events import Snapshot
from engine.gradients import GradientTracker
from engine.run_control import EventGate
from engine.train_handlers.base import Handler, RunState


class GradientMeasurement(Handler):
    def __init__(self, gate: EventGate, every_s: float):
        self.gate = gate
        self.tracker = GradientTracker(every_s)

    def on_step_start(self, run: RunState, epoch: int, x, y, last_step: bool) -> None:
        if not self.tracker.due(last_step):
            return
        n = self.tracker.samples
        norms = self.tracker.measure(lambda: run.task.grad_norms(run.model, x[:n], y[:n]))
        if norms is not None:
            cfg = run.cfg
            which = run.task.grad_source(cfg) if hasattr(run.task, "grad_source") else ""  # said in the caption
            self.gate.emit(Snapshot("grad_norms", {"norms": norms}, {
                "cell": cfg.cell, "read": getattr(run.task, "steps_are", cfg.read), "step": run.global_step,
                "epoch": epoch, "which": which}, epoch, run.global_step))

    def on_epoch_end(self, run: RunState, epoch: int, row: dict) -> None:
        ratio = self.tracker.end_epoch()
        if math.isfinite(ratio):
            row["grad_ratio"] = ratio

    def on_run_end(self, run: RunState, final: dict) -> None:
        if run.history and "grad_ratio" in run.history[-1]:  # the final epoch's, as the comparison reports it
            final["grad_ratio"] = run.history[-1]["grad_ratio"]

    @property
    def last_curve(self):
        """The last finished epoch's mean norms (T,), or None."""
        return self.tracker.last_curve
