"""last.ckpt: what resuming a run needs, written atomically at the end of every epoch.

It holds the weights, the optimiser's and the schedule's states, every random stream (torch's, NumPy's,
Python's, the epoch-order generator's), the epoch and step reached, the best epoch so far with its weights,
metrics.csv's rows and the handlers' own states (early stopping's patience). Resumed at an epoch boundary on
the CPU, a run then goes on exactly as if it had never stopped. Like model.ckpt it is read with
torch.load(weights_only=True) (no code runs) and carries a checksum of its weights.
"""
from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import numpy as np
import torch

from engine import checkpoint
from engine.errors import CheckpointError
from engine.runs import folder as runs
from engine.train_handlers.base import Handler

FORMAT = "rnn-vision-lab-resume/1"
PARTS = ("format", "config", "epoch", "global_step", "trained", "train_seconds", "history", "model", "optimizer",
         "scheduler", "scaler", "rng", "best", "handlers", "checksum")


def random_states(generator: torch.Generator) -> dict:
    kind, keys, position, has_gauss, gauss = np.random.get_state()
    return {"torch": torch.get_rng_state(), "generator": generator.get_state(),
            "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
            "numpy": {"kind": kind, "keys": torch.from_numpy(keys.astype(np.int64)), "position": int(position),
                      "has_gauss": int(has_gauss), "gauss": float(gauss)},
            "python": _python_state(random.getstate())}


def restore_random_states(states: dict, generator: torch.Generator) -> None:
    torch.set_rng_state(states["torch"])
    generator.set_state(states["generator"])
    if states["cuda"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(states["cuda"])
    n = states["numpy"]
    np.random.set_state((n["kind"], n["keys"].numpy().astype(np.uint32), n["position"], n["has_gauss"], n["gauss"]))
    version, internal, gauss = states["python"]
    random.setstate((version, tuple(internal), gauss))


def _python_state(state) -> list:
    version, internal, gauss = state
    return [version, list(internal), gauss]


def _plain_schedule(state: dict | None) -> dict | None:
    """A scheduler's state without Counter (MultiStepLR's milestones), which weights_only loading refuses."""
    if state is None:
        return None
    return {k: dict(v) if isinstance(v, Counter) else v for k, v in state.items()}


def save(path: Path, run, epoch: int, handler_states: dict) -> None:
    opt = run.optimisation
    scheduler = getattr(opt.scheduler, "scheduler", None)
    best = run.best
    model = {k: v.detach().cpu() for k, v in run.model.state_dict().items()}
    payload = {"format": FORMAT, "config": run.cfg.to_dict(), "epoch": epoch, "global_step": run.global_step,
               "trained": run.trained, "train_seconds": run.train_seconds, "history": list(run.history),
               "model": model, "optimizer": opt.optimizer.state_dict(),
               "scheduler": _plain_schedule(scheduler.state_dict()) if scheduler is not None else None,
               "scaler": opt.scaler.state_dict() if opt.scaler is not None else None,
               "rng": random_states(run.generator),
               "best": {"score": list(best.score), "epoch": best.epoch,
                        "state": {k: v.detach().cpu() for k, v in (best.state or {}).items()}},
               "handlers": handler_states, "checksum": checkpoint.weights_digest(model)}
    checkpoint.write_atomically(Path(path), payload)


def load(folder: Path) -> dict:
    """last.ckpt of a run folder, checked; a CheckpointError naming what is wrong and what to do."""
    path = Path(folder) / runs.LAST
    if not path.is_file():
        raise CheckpointError(f"{folder} cannot be resumed: it has no {runs.LAST} (it was written by an older "
                              "version, or stopped before its first epoch ended).",
                              "Train it again; runs written by this version keep what resuming needs.")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:
        raise CheckpointError(f"{path} is not a readable resume point ({type(error).__name__}: {error}).",
                              checkpoint.DAMAGED) from error
    if not isinstance(payload, dict) or payload.get("format") != FORMAT or any(p not in payload for p in PARTS):
        raise CheckpointError(f"{path} is not a resume point of this version.", checkpoint.DAMAGED)
    if checkpoint.weights_digest(payload["model"]) != payload["checksum"]:
        raise CheckpointError(f"{path} is damaged: its weights do not match their checksum.", checkpoint.DAMAGED)
    return payload


# settings a resumed run may change: how long it trains, and how it runs (not what it learns)
MAY_CHANGE = ("epochs", "threads", "device", "out", "patience")


def check_settings(saved: dict, cfg) -> None:
    """A ConfigError when `cfg` differs from the saved run's settings in more than MAY_CHANGE."""
    from engine.errors import ConfigError

    now = cfg.to_dict()
    differ = sorted(k for k in set(saved) | set(now) if k not in MAY_CHANGE and saved.get(k) != now.get(k))
    if differ:
        shown = ", ".join(f"{k}: {saved.get(k)!r} -> {now.get(k)!r}" for k in differ[:5])
        raise ConfigError(f"A resumed run must keep its settings; these differ: {shown}.",
                          "Resume with the run's own config (only --epochs, --threads, --device may change), or "
                          "train a new run.")


def restore(run, payload: dict) -> None:
    """Put the run where the payload left it: weights, optimiser, schedule, random streams, best, history."""
    opt = run.optimisation
    run.model.load_state_dict(payload["model"])
    opt.optimizer.load_state_dict(payload["optimizer"])
    scheduler = getattr(opt.scheduler, "scheduler", None)
    if scheduler is not None and payload["scheduler"] is not None:
        state = dict(payload["scheduler"])
        if "milestones" in state:
            state["milestones"] = Counter(state["milestones"])
        scheduler.load_state_dict(state)
        if hasattr(scheduler, "T_max"):  # extended (or shortened): the cosine follows the epochs planned now
            scheduler.T_max = max(1, run.cfg.epochs * run.steps_per_epoch)
    if opt.scaler is not None and payload["scaler"]:
        opt.scaler.load_state_dict(payload["scaler"])
    restore_random_states(payload["rng"], run.generator)
    best = payload["best"]
    run.best.score, run.best.epoch = tuple(best["score"]), int(best["epoch"])
    run.best.state = best["state"] or None
    run.history = list(payload["history"])
    run.global_step, run.trained = int(payload["global_step"]), int(payload["trained"])
    run.train_seconds = float(payload["train_seconds"])
    run.first_epoch = int(payload["epoch"]) + 1
    run.seconds_before = float(run.history[-1].get("seconds", 0.0)) if run.history else 0.0


class ResumePoint(Handler):
    """Writes last.ckpt after every scored epoch (behind the gate); `handler_states()` gives the other handlers'
    states to keep."""

    def __init__(self, gate, handler_states):
        self.gate, self.handler_states = gate, handler_states

    def on_epoch_scored(self, run, epoch: int, score: tuple, improved: bool) -> None:
        if run.out:
            self.gate.write(save, run.out / runs.LAST, run, epoch, self.handler_states())
