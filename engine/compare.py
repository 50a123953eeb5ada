"""Train several configs (RNN, LSTM, GRU, or any settings) on the same data, split and seed, and compare.

Each run goes through the real Trainer (the window's code path), one after another: on a CPU, runs side
by side would only share the same cores and each would take longer. The data is read once (by the task's
window reader, engine.data.window_data) and handed to every run, so all of them see identical train /
validation / test splits; a run whose task options ask for other data than was read reads its own.

Writes into `out`: one folder per run (model.ckpt, config.json, metrics.csv), compare.json (everything
below) and report.html (engine.report).
"""
from __future__ import annotations

import json
import math
import threading
from pathlib import Path

import numpy as np

from engine.config import RunConfig
from engine.errors import ConfigError, UserError


def cell_runs(cells: list[str] | str) -> list[tuple[str, dict]]:
    """"rnn,lstm,gru" -> [("rnn", {"cell": "rnn"}), ...]: (run name, config changes)."""
    if isinstance(cells, str):
        cells = [c.strip().lower() for c in cells.split(",") if c.strip()]
    if not cells:
        raise ConfigError("No cells to compare.", "Give a list such as --cells rnn,lstm,gru.")
    if len(set(cells)) != len(cells):
        raise ConfigError(f"A cell appears twice in {','.join(cells)}.", "Name each cell once.")
    return [(cell, {"cell": cell}) for cell in cells]


class Comparison:
    """`Comparison(base, runs, out, on_event).run()`; stop() from another thread ends the current run and
    skips the rest. on_event(run_name, event) sees every Trainer event of every run."""

    def __init__(self, base: RunConfig, runs: list[tuple[str, dict]], out: str | Path, on_event=None):
        self.base, self.out = base, Path(out)
        self.runs = [(name, base.replace(**changes, out=str(self.out / name))) for name, changes in runs]
        self.on_event = on_event or (lambda name, event: None)
        self._stop = threading.Event()
        self._aborted = threading.Event()
        self._trainer = None

    def stop(self) -> None:
        self._stop.set()
        if self._trainer is not None:
            self._trainer.stop()

    def abort(self) -> None:
        """End at once and write nothing more (the window is closing): Trainer.abort() for the run going on."""
        self._aborted.set()
        self._stop.set()
        if self._trainer is not None:
            self._trainer.abort()

    def run(self) -> dict:
        from engine.report import write_report
        from engine.training import Trainer

        self.out.mkdir(parents=True, exist_ok=True)
        try:
            splits = _load_once(self.base, self._stop)
        except UserError:
            if self._aborted.is_set():  # the read was cancelled because the window is closing
                return {"data": self.base.data, "task": self.base.task, "runs": {}, "aborted": True}
            raise
        results = {}
        for name, config in self.runs:
            if self._stop.is_set():
                break
            self._trainer = Trainer(config, lambda event, name=name: self.on_event(name, event), splits=splits)
            if self._aborted.is_set():  # abort() came between the check above and the line before
                self._trainer.abort()
            results[name] = summarise(config, self._trainer.run())
        self._trainer = None
        if self._aborted.is_set():
            return {"data": self.base.data, "task": self.base.task, "runs": results, "aborted": True}
        comparison = {"data": self.base.data, "task": self.base.task, "seed": self.base.seed,
                      "base_config": self.base.to_dict(), "runs": results}
        (self.out / "compare.json").write_text(json.dumps(_json_safe(comparison), indent=1) + "\n")
        comparison["report"] = str(write_report(comparison, self.out / "report.html"))
        return comparison


def _load_once(config: RunConfig, cancel: threading.Event):
    """The data read once for every run, as the task's prepare() takes it (None: each run reads its own)."""
    from engine.data.window_data import read_for_task, splits_for_run
    from engine.tasks import registry

    if "trajectories" in registry.spec(config.task).snapshots:
        import sklearn.decomposition  # noqa: F401 (imported now so the first run's time does not pay for it)
    return splits_for_run(read_for_task(config.data, config.task, cancel=cancel), config.to_dict())


def summarise(config: RunConfig, result: dict) -> dict:
    metrics = result.get("metrics", {})
    curve = result.get("grad_norms")
    return {
        "cell": config.cell, "config": config.to_dict(), "reason": result["reason"],
        "message": result.get("message", ""),
        "params": int(result.get("parameters", 0)), "seconds": round(float(result["seconds"]), 2),
        "samples_per_s": round(float(result.get("samples_per_s", 0.0)), 1),
        "val_accuracy": metrics.get("val_accuracy", math.nan), "test_accuracy": metrics.get("test_accuracy", math.nan),
        "grad_ratio": metrics.get("grad_ratio", math.nan), "best_epoch": int(metrics.get("best_epoch", 0)),
        "history": result.get("history", []),
        "grad_norms": [] if curve is None else np.asarray(curve, float).tolist(),
        "grad_source": _grad_source(config),  # which layer and direction the curve measures, for its caption
    }


def _grad_source(config: RunConfig) -> str:
    from engine.tasks import registry

    return registry.spec(config.task).load_task().grad_source(config)


def headline(comparison: dict) -> dict:
    """{run name: {params, seconds, val_accuracy, test_accuracy, grad_ratio}}: the CLI's JSON line."""
    keys = ("params", "seconds", "val_accuracy", "test_accuracy", "grad_ratio")
    return _json_safe({name: {k: run[k] for k in keys} for name, run in comparison["runs"].items()})


def _json_safe(value):
    """nan / inf -> None, so the JSON is valid everywhere."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value
