"""The test split, evaluated once at the end with the best-on-validation weights (it never chooses anything),
and the pictures of the results and of the model for the window. The user may skip it (RunControl.skip_test):
the run then ends with its checkpoint, no test figures and Finished.test_skipped, and makes no pictures."""
from __future__ import annotations

from engine.events import Metrics
from engine.run_control import EventGate, TestSkipped
from engine.train_handlers.base import Handler, RunState
from engine.train_handlers.phases import PhaseReports, evaluate_split


class TestEvaluation(Handler):
    __test__ = False  # not a pytest test class, whatever its name

    def __init__(self, gate: EventGate, phases: PhaseReports):
        self.gate, self.phases = gate, phases

    def on_run_end(self, run: RunState, final: dict) -> None:
        if run.best.state is None:  # no epoch ended: no best weights to show (a stopped run shows its best)
            return
        try:
            self._test(run, final)
        except TestSkipped:
            run.test_skipped = True

    def _test(self, run: RunState, final: dict) -> None:
        task, prepared, device = run.task, run.prepared, run.policy.device
        if prepared.test is not None:
            progress = self.phases.reporter("testing")
            if self.phases.skip_test.is_set():  # asked for while stopping: no batch is tested
                raise TestSkipped()
            metrics, details = evaluate_split(task, run.model, prepared.test, device, run.cfg.batch, progress)
            self.gate.emit(Metrics("test", run.best.epoch, run.global_step, metrics))
            final.update({f"test_{k}": v for k, v in metrics.items()})
            self.phases.enter("results")
            for snapshot in task.result_snapshots(prepared, details):
                self.gate.emit(snapshot)
        self.phases.enter("results")
        for snapshot in task.model_snapshots(run.model, prepared, device):
            self.gate.emit(snapshot)
