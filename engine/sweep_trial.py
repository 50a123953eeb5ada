"""One trial of a sweep: the base config with the trial's values, trained by the real Trainer into its own run
folder in the sweep's folder; its value is the run's best validation figure (engine/sweep.py)."""
from __future__ import annotations

import os
import socket
import time
from pathlib import Path

from engine.errors import UserError
from engine.events import Metrics


class TrialFailed(UserError):
    """The trial's run failed (a diverged run, data that cannot be read): the trial is marked failed and the
    sweep goes on."""


class Objective:
    def __init__(self, settings: dict, threads: int, say):
        from engine.config import RunConfig
        from engine.sweep_space import parse_space

        self.settings = settings
        self.base = RunConfig.from_dict(settings["base"])
        self.dims = parse_space(settings["space"], self.base)
        self.folder = Path(settings["folder"])
        self.metric = settings["metric"]  # the selection metric's name, e.g. "accuracy"
        self.threads = threads
        self.say = say

    def __call__(self, trial) -> float:
        import optuna

        from engine.sweep_space import apply, suggest
        from engine.training import Trainer

        values = suggest(trial, self.dims)
        out = self.folder / f"trial-{trial.number:04d}"
        config = apply(values, self.base).replace(out=str(out), threads=self.threads or self.base.threads)
        trial.set_user_attr("run", str(out))
        trial.set_user_attr("worker", f"{socket.gethostname()}:{os.getpid()}")
        shown = ", ".join(f"{k}={_short(v)}" for k, v in values.items())
        self.say(f"trial {trial.number}: {shown}")
        pruned = []

        def on_event(event) -> None:  # the run's validation figure after each epoch, for the pruner
            if isinstance(event, Metrics) and event.split == "val" and self.metric in event.values:
                trial.report(float(event.values[self.metric]), event.epoch)
                if self.settings.get("prune") and trial.should_prune() and not pruned:
                    pruned.append(event.epoch)
                    trainer.stop()

        start = time.perf_counter()
        trainer = Trainer(config, on_event)
        result = trainer.run()
        seconds = time.perf_counter() - start
        if result["reason"] == "failed":
            trial.set_user_attr("message", result["message"])
            self.say(f"trial {trial.number} failed: {result['message']}")
            raise TrialFailed(result["message"], result.get("hint", ""))
        metrics = result["metrics"]
        trial.set_user_attr("test", {k[5:]: v for k, v in metrics.items() if k.startswith("test_")})
        if pruned:
            self.say(f"trial {trial.number} pruned after epoch {pruned[0]} ({seconds:.0f} s)")
            raise optuna.TrialPruned()
        key = f"val_{self.metric}"
        if key not in metrics:
            raise TrialFailed(f"Trial {trial.number}'s run has no validation {self.metric}.",
                              "Sweeps choose on the validation split: keep --val-fraction above 0.")
        self.say(f"trial {trial.number}: val {self.metric} {metrics[key]:.4g} ({seconds:.0f} s, {out})")
        return float(metrics[key])


def _short(value) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)
