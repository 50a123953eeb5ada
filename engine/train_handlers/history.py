"""metrics.csv in the run folder: one row per finished epoch, rewritten whole after every epoch."""
from __future__ import annotations

import csv
import os
from pathlib import Path

from engine.run_control import EventGate
from engine.train_guards import HISTORY_TEMP
from engine.train_handlers.base import Handler, RunState


class CsvHistory(Handler):
    def __init__(self, gate: EventGate):
        self.gate = gate

    def on_epoch_scored(self, run: RunState, epoch: int, score: tuple, improved: bool) -> None:
        if run.out:
            self.gate.write(write_history, run.out / "metrics.csv", run.history)


def write_history(path: Path, history: list[dict]) -> None:
    """metrics.csv, replaced whole (through metrics.csv.tmp, which the next run's folder check removes)."""
    columns = list(dict.fromkeys(key for row in history for key in row))
    temp = path.with_name(HISTORY_TEMP)
    with open(temp, "w", newline="") as file:
        writer = csv.DictWriter(file, columns)
        writer.writeheader()
        writer.writerows(history)
        file.flush()
        os.fsync(file.fileno())
    temp.replace(path)
