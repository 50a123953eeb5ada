"""The test split, evaluated once at the end with the best-on-validation weights (it never chooses anything),
and the pictures of the results and of the model for the window."""
from __future__ import annotations

from engine.events import Metrics
from engine.run_control import EventGate
from engine.train_handlers.base import Handler, RunState


class TestEvaluation(Handler):
    __test__ = False  # not a pytest test class, whatever its name

    def __init__(self, gate: EventGate):
        self.gate = gate

    def on_run_end(self, run: RunState, final: dict) -> None:
        if run.best.state is None:  # no epoch ended: no best weights to show (a stopped run shows its best)
            return
        task, prepared, device = run.task, run.prepared, run.policy.device
        if prepared.test is not None:
            metrics, details = task.evaluate(run.model, prepared.test, device, run.cfg.batch)
            self.gate.emit(Metrics("test", run.best.epoch, run.global_step, metrics))
            final.update({f"test_{k}": v for k, v in metrics.items()})
            for snapshot in task.result_snapshots(prepared, details):
                self.gate.emit(snapshot)
        for snapshot in task.model_snapshots(run.model, prepared, device):
            self.gate.emit(snapshot)
