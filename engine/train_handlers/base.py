"""What the Trainer's loop hands its handlers: the run's state, and the moments at which it calls them.

The loop (engine/training.py) calls every handler, in the order of its list, at each moment:

    on_run_start(run)                    the model is built and Started was sent
    on_step_start(run, epoch, x, y, last_step)
                                         a training batch is on the device, before the step trains on it
    on_log_point(run, epoch, mean_loss)  the steps since the last point are summed, before their Metrics
    on_step_end(run, epoch, step, loss)  after a step (its loss still on the device)
    on_epoch_end(run, epoch, row)        an epoch ended (not a stopped one); row: its metrics.csv row so far
    on_validation_end(run, epoch, metrics)
                                         the validation split was evaluated, before its Metrics are sent
    on_epoch_scored(run, epoch, score, improved)
                                         the epoch's score is known (improved: it is the best so far)
    on_train_end(run)                    training ended (done, stopped, early stop), before the test
    on_run_end(run, final)               the final metrics are being gathered, before Finished

A handler raises (a Diverged, Aborted) to end the run; it sets run.reason to end training after this
epoch. Handlers only see a run: what they must report comes back through run's fields or their own.
"""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from pathlib import Path

import torch

from engine.config import RunConfig


@dataclass
class BestEpoch:
    """The best epoch so far by its score (see epoch_score), and a copy of its weights."""

    score: tuple = (-math.inf, -math.inf)
    epoch: int = 0
    state: dict | None = None

    def offer(self, score: tuple, epoch: int, model: torch.nn.Module) -> bool:
        """Keep `epoch` (a copy of the model's weights) when its score beats the best; True when it did."""
        if not score > self.score:
            return False
        self.score, self.epoch, self.state = score, epoch, copy.deepcopy(model.state_dict())
        return True


@dataclass
class RunState:
    """What one run carries from step to step."""

    cfg: RunConfig
    task: object
    policy: object  # engine.device.DevicePolicy
    prepared: object
    model: torch.nn.Module
    optimisation: object  # engine.train_step.Optimisation
    out: Path | None
    train_x: torch.Tensor
    train_y: torch.Tensor
    steps_per_epoch: int
    log_every: int
    generator: torch.Generator
    best: BestEpoch = field(default_factory=BestEpoch)
    history: list = field(default_factory=list)  # metrics.csv's rows, one per finished epoch
    trained: int = 0  # samples trained on
    train_seconds: float = 0.0  # of finished epochs, paused time left out
    epoch_tick: float = 0.0  # when this epoch's training began, moved on by paused time
    global_step: int = 0
    reason: str = "done"
    seconds_before: float = 0.0  # a resumed run's seconds (metrics.csv) when it was resumed
    first_epoch: int = 1  # a resumed run goes on after the epoch its last.ckpt holds (engine/runs/resume.py)
    test_skipped: bool = False  # the user skipped the test (RunControl.skip_test)
    step_model: torch.nn.Module | None = None  # what train_step calls: the model, or its DistributedDataParallel

    @property
    def sign(self) -> float:  # -1 for a selection metric where lower is better (predict's mse_per_frame)
        return -1.0 if getattr(self.task, "lower_is_better", False) else 1.0


class Handler:
    """A handler does nothing at a moment it does not define. One whose decisions depend on earlier epochs keeps
    them through a resume with resume_state() / restore(state) (engine/runs/resume.py)."""

    def resume_state(self) -> dict | None:
        return None

    def restore(self, state: dict) -> None:
        pass

    def on_run_start(self, run: RunState) -> None:
        pass

    def on_step_start(self, run: RunState, epoch: int, x, y, last_step: bool) -> None:
        pass

    def on_log_point(self, run: RunState, epoch: int, mean_loss: float) -> None:
        pass

    def on_step_end(self, run: RunState, epoch: int, step: int, loss: torch.Tensor) -> None:
        pass

    def on_epoch_end(self, run: RunState, epoch: int, row: dict) -> None:
        pass

    def on_validation_end(self, run: RunState, epoch: int, metrics: dict) -> None:
        pass

    def on_epoch_scored(self, run: RunState, epoch: int, score: tuple, improved: bool) -> None:
        pass

    def on_train_end(self, run: RunState) -> None:
        pass

    def on_run_end(self, run: RunState, final: dict) -> None:
        pass


class Handlers(list):
    """Handlers in calling order: handlers.call("on_step_end", run, ...) calls each one's on_step_end."""

    def call(self, moment: str, *args) -> None:
        for handler in self:
            getattr(handler, moment)(*args)


def epoch_score(run: RunState, row: dict, val_metrics: dict | None) -> tuple:
    """(selection metric, signed so higher is better; minus the loss): on validation, or on training without
    a validation split. The metric first; on a tie (accuracy saturates on easy data) the lower loss wins."""
    metric = run.task.selection_metric
    if val_metrics is None:
        return run.sign * row.get(f"train_{metric}", 0.0), -row["train_loss"]
    return run.sign * val_metrics[metric], -val_metrics["loss"]
