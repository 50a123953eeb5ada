"""Early stopping: training ends once the selection metric has not improved for `patience` epochs."""
from __future__ import annotations

import math

from engine.train_handlers.base import Handler, RunState


class EarlyStopping(Handler):
    def __init__(self, patience: int):
        self.patience = patience  # 0: never stop early
        self.best = -math.inf  # the best selection metric so far (signed: higher is better)
        self.stale = 0  # epochs since it last improved

    def resume_state(self) -> dict:
        return {"best": self.best, "stale": self.stale}

    def restore(self, state: dict) -> None:
        self.best, self.stale = float(state["best"]), int(state["stale"])

    def on_epoch_scored(self, run: RunState, epoch: int, score: tuple, improved: bool) -> None:
        # it waits for the metric itself to improve: a lower loss alone (improved on a tie) does not reset it
        if score[0] > self.best:
            self.best, self.stale = score[0], 0
        else:
            self.stale += 1
        if self.patience and self.stale >= self.patience:
            run.reason = "early_stop"
