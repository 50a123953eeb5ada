"""A comparison's engine events turned into the run dicts gui.views.compare_view.CompareView draws.

Torch-free: it reads engine.events dataclasses (plain numbers and arrays) and the dict that
engine.compare.Comparison.run() returns.
"""
from __future__ import annotations

import math

import numpy as np

HISTORY_KEYS = ("epoch", "train_loss", "val_loss", "val_accuracy")


def _number(value):
    return None if value is None or (isinstance(value, float) and not math.isfinite(value)) else value


def history_columns(rows: list[dict]) -> dict:
    """engine history rows [{epoch, train_loss, val_loss, ...}] -> {key: [values]} (None where missing)."""
    return {key: [_number(row.get(key)) for row in rows] for key in HISTORY_KEYS}


def final_run(name: str, run: dict) -> dict:
    """One run of Comparison.run()'s dict (engine.compare.summarise) as a CompareView run dict."""
    return {"label": name, "cell": run.get("cell", name), "params": run.get("params") or None,  # 0: it failed
            "seconds": run.get("seconds"), "val_accuracy": _number(run.get("val_accuracy")),
            "test_accuracy": _number(run.get("test_accuracy")), "grad_ratio": _number(run.get("grad_ratio")),
            "history": history_columns(run.get("history") or []),
            "grad_norms": np.asarray(run["grad_norms"], float) if run.get("grad_norms") else None,
            "reason": run.get("reason", ""), "running": False}


class LiveRuns:
    """Builds each run's dict from its events while the comparison trains (the final figures replace it)."""

    def __init__(self, names: list[str]):
        self.names = list(names)
        self.runs: dict[str, dict] = {}
        self._train_losses: dict[str, list[float]] = {}
        self.current = ""
        self.progress = None  # the current run's newest engine.events.Progress

    def index(self, name: str) -> int:
        return self.names.index(name) if name in self.names else 0

    def on_event(self, name: str, event) -> dict | None:
        """Fold one event in; returns the run's dict when it changed what the view shows."""
        from engine import events

        run = self.runs.setdefault(name, {"label": name, "cell": name, "running": True,
                                          "history": {key: [] for key in HISTORY_KEYS}})
        if isinstance(event, events.Started):
            self.current, self.progress = name, None
            run.update(cell=event.config.get("cell", name), params=event.parameters, running=True)
            return run
        if isinstance(event, events.Progress):
            self.progress = event
            return None
        if isinstance(event, events.Metrics):
            return self._metrics(name, run, event)
        if isinstance(event, events.Snapshot) and event.kind == "grad_norms":
            run["grad_norms"] = np.asarray(event.arrays["norms"], float)
            return run
        if isinstance(event, events.Finished):
            m = event.metrics
            run.update(running=False, seconds=event.seconds, reason=event.reason,
                       val_accuracy=_number(m.get("val_accuracy")), test_accuracy=_number(m.get("test_accuracy")),
                       grad_ratio=_number(m.get("grad_ratio")))
            return run
        return None

    def _metrics(self, name: str, run: dict, event) -> dict | None:
        if event.split == "train":
            self._train_losses.setdefault(name, []).append(event.values.get("loss", math.nan))
            return None
        if event.split != "val":
            return None
        losses = self._train_losses.pop(name, [])
        h = run["history"]
        h["epoch"].append(event.epoch)
        h["train_loss"].append(float(np.mean(losses)) if losses else None)
        h["val_loss"].append(_number(event.values.get("loss")))
        h["val_accuracy"].append(_number(event.values.get("accuracy")))
        return run

    def fraction_done(self) -> float:
        """0..1 over all runs: finished runs count whole, the current one by its progress."""
        p = self.progress
        within = (p.epoch - 1 + p.step / p.steps_per_epoch) / p.epochs if p is not None else 0.0
        return min(1.0, (self.index(self.current) + within) / max(len(self.names), 1))

    def eta_s(self) -> float | None:
        """Rough seconds left for every run: the current run's ETA, and as long again for each run to come
        as the current one takes (gated cells are slower than the RNN, so this runs low early on)."""
        p = self.progress
        if p is None or p.samples_per_s <= 0:
            return None
        total = p.epochs * p.steps_per_epoch
        left = total - ((p.epoch - 1) * p.steps_per_epoch + p.step)
        whole_run = p.eta_s * total / left if left > 0 else 0.0
        done = [r["seconds"] for r in self.runs.values() if r.get("seconds")]
        whole_run = max(whole_run, float(np.mean(done)) if done else 0.0)
        later = len(self.names) - 1 - self.index(self.current)
        return p.eta_s + later * whole_run
