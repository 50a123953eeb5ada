"""The NaN / divergence guard: a loss, weights or a validation figure that is no longer a finite number ends
the run with a message that says truthfully which checkpoint (if any) was kept (engine/train_guards.py)."""
from __future__ import annotations

import math

from engine.run_control import RunRecord
from engine.train_guards import nonfinite_weight
from engine.train_handlers.base import Handler, RunState


class DivergenceGuard(Handler):
    def __init__(self, record: RunRecord):
        self.record = record  # where the run is and what it kept, for the message

    def on_log_point(self, run: RunState, epoch: int, mean_loss: float) -> None:
        if not math.isfinite(mean_loss):
            raise self.record.divergence(f"The loss became {mean_loss}")

    def on_epoch_end(self, run: RunState, epoch: int, row: dict) -> None:
        # before the epoch is scored: weights that are not finite are never the best, nor checkpointed
        bad = nonfinite_weight(run.model)
        if bad is not None:
            raise self.record.divergence(f"The weights became NaN or infinite (first {bad})")

    def on_validation_end(self, run: RunState, epoch: int, metrics: dict) -> None:
        for name in ("loss", run.task.selection_metric):
            if not math.isfinite(metrics.get(name, 0.0)):
                raise self.record.divergence(f"The validation {name} became {metrics[name]}")
