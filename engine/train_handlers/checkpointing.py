"""model.ckpt: the best epoch's weights, written when an epoch becomes the best and again at the end with the
final metrics. Only finite weights reach it (the divergence guard ends the run before a non-finite epoch is
scored, and checkpoint.save refuses them too); every write passes the gate, so none happens after abort()."""
from __future__ import annotations

from engine import checkpoint
from engine.run_control import EventGate, RunRecord
from engine.train_handlers.base import Handler, RunState


class Checkpointing(Handler):
    def __init__(self, gate: EventGate, record: RunRecord):
        self.gate = gate
        self.record = record  # says which checkpoint was kept, for the result and for the messages

    def on_epoch_scored(self, run: RunState, epoch: int, score: tuple, improved: bool) -> None:
        if improved and run.out:
            self._save(run, {"epoch": epoch, **_numbers(run.history[-1])})

    def on_train_end(self, run: RunState) -> None:
        if run.best.state is not None:  # the test and the pictures see the best epoch, not the last
            run.model.load_state_dict(run.best.state)

    def on_run_end(self, run: RunState, final: dict) -> None:
        if run.out and run.best.state is not None:
            self._save(run, final)

    def _save(self, run: RunState, metrics: dict) -> None:
        path = self.gate.write(checkpoint.save, run.out / "model.ckpt", run.best.state, run.cfg.to_dict(),
                               run.prepared.info, metrics)
        self.record.kept_path, self.record.kept_epoch = str(path), run.best.epoch


def _numbers(row: dict) -> dict:
    return {k: float(v) for k, v in row.items() if isinstance(v, (int, float))}
