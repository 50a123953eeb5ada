"""The Trainer: the loop, the events, pause / resume / stop / abort, the divergence guard and checkpoints.

Everything a task does not own. `Trainer(config, on_event).run()` trains; pause(), resume(), stop(),
abort() and set_probe() may be called from any other thread. stop() ends training after the current step
and still tests the best weights; abort() (the window closing) ends the run as soon as it can, in any
phase, and after it returns nothing more is written to the run folder and no event but the final
Finished("aborted") is sent. Only finite models are ever checkpointed (engine/train_guards.py).
"""
from __future__ import annotations

import copy
import logging
import math
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from engine import checkpoint, device as devices
from engine.config import RunConfig
from engine.errors import UserError
from engine.events import Failed, Finished, Metrics, Progress, Snapshot, Started, plain
from engine.gradients import GradientTracker
from engine.optim import make_optimizer, make_scheduler
from engine.run_control import RunControl
from engine.tasks import registry
from engine.train_guards import (Aborted, Diverged, diverged, install_abort_hooks, is_out_of_memory,
                                 nonfinite_weight, out_of_memory, prepare_run_folder, watch_lists, write_history)
from engine.train_memory import check_training_fits

log = logging.getLogger(__name__)


@dataclass
class _Run:
    """What one run carries from step to step; the Trainer itself holds only the controls and the events."""

    cfg: RunConfig
    task: object
    policy: object
    prepared: object
    model: torch.nn.Module
    optimizer: object
    scheduler: object
    scaler: object
    out: Path | None
    train_x: torch.Tensor
    train_y: torch.Tensor
    tracker: GradientTracker | None
    steps_per_epoch: int
    log_every: int
    generator: torch.Generator
    best_score: tuple = (-math.inf, -math.inf)
    best_state: dict | None = None
    best_epoch: int = 0
    stale: int = 0
    history: list = field(default_factory=list)
    trained: int = 0
    train_seconds: float = 0.0
    global_step: int = 0
    last_progress: float = 0.0
    last_snapshot: float = 0.0
    reason: str = "done"

    @property
    def sign(self) -> float:  # -1 for a selection metric where lower is better (predict's mse_per_frame)
        return -1.0 if getattr(self.task, "lower_is_better", False) else 1.0


@dataclass
class _Epoch:
    """Running sums of one epoch: since the last logged point, and over the whole epoch."""

    loss_sum: torch.Tensor
    seen: int = 0
    sums: dict = field(default_factory=dict)
    loss: float = 0.0  # sum of logged mean losses x their sample counts
    count: int = 0
    all_sums: dict = field(default_factory=dict)


class Trainer(RunControl):
    def __init__(self, config: RunConfig, on_event=None, progress_every_s: float = 0.2,
                 snapshot_every_s: float = 1.0, log_points_per_epoch: int = 20, splits=None,
                 measure_gradients: bool = True):
        super().__init__(on_event)
        self.config = config
        self.splits = splits  # data already loaded by the window (None: the task reads config.data)
        self.progress_every_s = progress_every_s
        self.snapshot_every_s = snapshot_every_s
        self.log_points_per_epoch = log_points_per_epoch
        self.measure_gradients = measure_gradients  # gradients through time (engine.gradients), throttled
        self._hooks: list = []
        self._kept_epoch = 0  # the epoch this run's checkpoint holds
        self._where = (0, 0)  # (epoch, step) reached, for the divergence message
        self.model = None
        self.prepared = None

    # ---- the run ----
    def run(self) -> dict:
        start = time.perf_counter()
        try:
            return self._run(start)
        except Aborted:
            return self._aborted(start)
        except Exception as error:
            return self._ended_by(error, start)
        finally:
            for handle in self._hooks:
                handle.remove()
            self._hooks = []

    def _ended_by(self, error: Exception, start: float) -> dict:
        """The result for a run that raised: aborted, a UserError's message, out of memory, a divergence
        that made the task's own code fail (NaN in a metric, an argmax, a histogram), or a bug."""
        if self._abort.is_set():  # whatever the abort interrupted (e.g. the data loader's "cancelled")
            return self._aborted(start)
        if isinstance(error, UserError):
            return self._fail(error, start)
        if is_out_of_memory(error):
            cfg = self.config
            what = f"Training (hidden {cfg.hidden} x {cfg.layers} layers, batch {cfg.batch})"
            return self._fail(out_of_memory(error, what), start)
        bad = self._nonfinite_weight()
        if bad is not None:
            then = f"{type(error).__name__}: {str(error).strip()[:300]}"
            return self._fail(self._diverged(f"The weights became NaN or infinite (first {bad})", then), start)
        log.exception("training failed")
        return self._fail(UserError(f"Training failed: {type(error).__name__}: {error}",
                                    "This is a bug in RNN Vision Lab; the log has the details."), start)

    def _fail(self, error: UserError, start: float) -> dict:
        try:
            self._emit(Failed(error.message, error.hint))
            result = {"reason": "failed", "message": error.message, "hint": error.hint, "metrics": {},
                      "checkpoint": self._best_path or "", "seconds": time.perf_counter() - start,
                      "samples_per_s": 0.0}
            self._emit(Finished("failed", {}, result["checkpoint"], result["seconds"], 0.0))
            return result
        except Aborted:
            return self._aborted(start)

    def _diverged(self, what: str, then: str = "") -> Diverged:
        out = Path(self.config.out) if self.config.out else None
        return diverged(what, *self._where, self._kept_epoch, self._best_path or "", out, then)

    def _nonfinite_weight(self) -> str | None:
        try:
            return nonfinite_weight(self.model) if self.model is not None else None
        except Exception:  # the device itself failed: nothing more to learn from the weights
            return None

    def _run(self, start: float) -> dict:
        run = self._setup()
        for epoch in range(1, run.cfg.epochs + 1):
            if not self._train_epoch(run, epoch):
                break
            if self._end_epoch(run, epoch, start):
                break
        return self._finish(run, start)

    def _setup(self) -> _Run:
        cfg = self.config
        out = Path(cfg.out) if cfg.out else None
        if out:  # before any data is read: a bad --out is said at once
            self._write(prepare_run_folder, out)
        _seed_everything(cfg.seed)
        policy = devices.resolve(cfg.device, cfg.threads or devices.default_threads())
        task = registry.get(cfg.task)
        prepared = self.prepared = task.prepare(cfg, cancel=self._stop, splits=self.splits)
        self._check_abort()
        prepared.val, prepared.test = (watch_lists(s, self._abort) for s in (prepared.val, prepared.test))
        train_x, train_y = prepared.train
        if len(train_x) == 0:
            raise UserError("The training split is empty.", "Give more data or a smaller validation fraction.")
        check_training_fits(task, cfg, prepared.info, policy.device, self.measure_gradients)
        model = self.model = task.build_model(cfg, prepared.info).to(policy.device)
        self._hooks = install_abort_hooks(model, self._abort)
        optimizer = make_optimizer(cfg, model.parameters())
        steps_per_epoch = math.ceil(len(train_x) / cfg.batch)
        if out:
            self._write(cfg.save, out / "config.json")
        if policy.pin_memory:
            train_x, train_y = train_x.pin_memory(), train_y.pin_memory()
        run = _Run(cfg, task, policy, prepared, model, optimizer, make_scheduler(cfg, optimizer, steps_per_epoch),
                   torch.amp.GradScaler("cuda") if policy.amp else None, out, train_x, train_y,
                   GradientTracker(self.snapshot_every_s) if self.measure_gradients else None, steps_per_epoch,
                   max(1, steps_per_epoch // self.log_points_per_epoch), torch.Generator().manual_seed(cfg.seed))
        self._emit(Started(cfg.to_dict(), policy.description, sum(p.numel() for p in model.parameters()),
                           len(train_x), len(prepared.val[0]) if prepared.val else 0,
                           len(prepared.test[0]) if prepared.test else 0))
        for note in prepared.notes:
            log.info(note)
        self._emit_probe(run, 0)
        return run

    def _train_epoch(self, run: _Run, epoch: int) -> bool:
        """One pass over the training data; False when stop() ended it."""
        run.model.train()
        order = torch.randperm(len(run.train_x), generator=run.generator)
        sums = _Epoch(torch.zeros((), device=run.policy.device))
        tick = time.perf_counter()
        for step in range(1, run.steps_per_epoch + 1):
            tick += self._wait_while_paused()  # paused time is not training time
            self._check_abort()
            if self._stop.is_set():
                run.reason = "stopped"
                break
            self._where = (epoch, step)
            index = order[(step - 1) * run.cfg.batch: step * run.cfg.batch]
            loss = self._train_step(run, sums, index, epoch, step == run.steps_per_epoch)
            if step % run.log_every == 0 or step == run.steps_per_epoch:
                self._log_point(run, sums, epoch)
            self._report_progress(run, epoch, step, loss, tick)
        run.train_seconds += time.perf_counter() - tick
        if run.reason == "stopped":
            return False
        run.history.append(self._epoch_row(run, epoch, sums))
        return True

    def _train_step(self, run: _Run, sums: _Epoch, index, epoch: int, last_step: bool) -> torch.Tensor:
        cfg, task, model, policy = run.cfg, run.task, run.model, run.policy
        x = run.train_x[index].to(policy.device, non_blocking=policy.pin_memory)
        y = run.train_y[index].to(policy.device, non_blocking=policy.pin_memory)
        x, y = task.augment_batch(x, y, cfg)
        if run.tracker is not None and run.tracker.due(last_step):
            self._measure_gradients(run, x, y, epoch)
        with torch.autocast(policy.device.type, enabled=policy.amp):
            output = model(x)
            loss = task.loss(output, y)
        run.optimizer.zero_grad(set_to_none=True)
        if run.scaler:
            run.scaler.scale(loss).backward()
            run.scaler.unscale_(run.optimizer)
        else:
            loss.backward()
        if cfg.clip > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.clip)
        if run.scaler:
            run.scaler.step(run.optimizer)
            run.scaler.update()
        else:
            run.optimizer.step()
        if run.scheduler.per_step:
            run.scheduler.step()
        run.global_step += 1
        n = len(index)
        sums.loss_sum += loss.detach() * n  # summed on the device: no sync per step, checked at log points
        sums.seen += n
        run.trained += n
        for key, value in task.batch_stats(output.detach(), y).items():
            sums.sums[key] = sums.sums.get(key, 0) + value
        return loss

    def _log_point(self, run: _Run, sums: _Epoch, epoch: int) -> None:
        """A train Metrics event for the steps since the last one; a non-finite loss among them ends the run."""
        mean_loss = float(sums.loss_sum) / sums.seen
        if not math.isfinite(mean_loss):
            raise self._diverged(f"The loss became {mean_loss}")
        metrics = {"loss": mean_loss, **run.task.train_metrics(sums.sums, sums.seen),
                   "lr": run.optimizer.param_groups[0]["lr"]}
        self._emit(Metrics("train", epoch, run.global_step, metrics))
        sums.loss += mean_loss * sums.seen
        sums.count += sums.seen
        for key, value in sums.sums.items():
            sums.all_sums[key] = sums.all_sums.get(key, 0) + float(value)
        sums.loss_sum, sums.seen, sums.sums = torch.zeros((), device=run.policy.device), 0, {}

    def _report_progress(self, run: _Run, epoch: int, step: int, loss: torch.Tensor, tick: float) -> None:
        """Progress at most every progress_every_s; the probe's snapshot every snapshot_every_s or on request."""
        cfg, now = run.cfg, time.perf_counter()
        if now - run.last_progress >= self.progress_every_s or step == run.steps_per_epoch:
            run.last_progress = now
            elapsed = run.train_seconds + (now - tick)
            rate = run.trained / elapsed if elapsed > 0 else 0.0
            remaining = (cfg.epochs - epoch) * len(run.train_x) + (run.steps_per_epoch - step) * cfg.batch
            self._emit(Progress(epoch, cfg.epochs, step, run.steps_per_epoch, run.global_step, rate,
                                remaining / rate if rate else 0.0, float(loss.detach())))
        if now - run.last_snapshot >= self.snapshot_every_s or self._probe_requested.is_set():
            run.last_snapshot = now
            self._emit_probe(run, epoch)
            run.model.train()

    def _epoch_row(self, run: _Run, epoch: int, sums: _Epoch) -> dict:
        row = {"epoch": epoch, "seconds": 0.0, "lr": run.optimizer.param_groups[0]["lr"],
               "train_loss": sums.loss / max(sums.count, 1),
               **{f"train_{k}": v for k, v in run.task.train_metrics(sums.all_sums, sums.count).items()}}
        if run.tracker is not None and math.isfinite(ratio := run.tracker.end_epoch()):
            row["grad_ratio"] = ratio
        return row

    def _end_epoch(self, run: _Run, epoch: int, start: float) -> bool:
        """Validation, the best epoch's checkpoint, metrics.csv, the schedule; True when early stopping ends it."""
        task, row = run.task, run.history[-1]
        row["seconds"] = round(time.perf_counter() - start, 3)
        bad = nonfinite_weight(run.model)
        if bad is not None:
            raise self._diverged(f"The weights became NaN or infinite (first {bad})")
        # the selection metric first; on a tie (accuracy saturates on easy data) the lower loss wins
        score = (run.sign * row.get(f"train_{task.selection_metric}", 0.0), -row["train_loss"])
        if run.prepared.val is not None:
            val_metrics, _ = task.evaluate(run.model, run.prepared.val, run.policy.device, run.cfg.batch)
            for name in ("loss", task.selection_metric):
                if not math.isfinite(val_metrics.get(name, 0.0)):
                    raise self._diverged(f"The validation {name} became {val_metrics[name]}")
            self._emit(Metrics("val", epoch, run.global_step, val_metrics))
            row.update({f"val_{k}": v for k, v in val_metrics.items()})
            score = (run.sign * val_metrics[task.selection_metric], -val_metrics["loss"])
        # early stopping waits for the metric itself to improve; a lower loss alone does not reset it
        run.stale = 0 if score[0] > run.best_score[0] else run.stale + 1
        if score > run.best_score:
            run.best_score, run.best_epoch = score, epoch
            run.best_state = copy.deepcopy(run.model.state_dict())
            if run.out:
                self._save(run, {"epoch": epoch, **_numbers(row)})
        if run.out:
            self._write(write_history, run.out / "metrics.csv", run.history)
        if not run.scheduler.per_step:
            run.scheduler.step()
        if run.cfg.patience and run.stale >= run.cfg.patience:
            run.reason = "early_stop"
            return True
        return False

    def _save(self, run: _Run, metrics: dict) -> None:
        path = self._write(checkpoint.save, run.out / "model.ckpt", run.best_state, run.cfg.to_dict(),
                           run.prepared.info, metrics)
        self._best_path, self._kept_epoch = str(path), run.best_epoch

    def _finish(self, run: _Run, start: float) -> dict:
        """The best weights tested and pictured, the final checkpoint, Finished and the result."""
        task, model, dev, prepared = run.task, run.model, run.policy.device, run.prepared
        if run.best_state is not None:
            model.load_state_dict(run.best_state)
        final = {f"val_{task.selection_metric}": run.sign * run.best_score[0]} if prepared.val is not None else {}
        final["best_epoch"] = run.best_epoch
        if prepared.test is not None and run.best_state is not None:  # a stopped run still shows its best model
            test_metrics, details = task.evaluate(model, prepared.test, dev, run.cfg.batch)
            self._emit(Metrics("test", run.best_epoch, run.global_step, test_metrics))
            final.update({f"test_{k}": v for k, v in test_metrics.items()})
            for snapshot in task.result_snapshots(prepared, details):
                self._emit(snapshot)
        if run.best_state is not None:
            for snapshot in task.model_snapshots(model, prepared, dev):
                self._emit(snapshot)
        self._emit_probe(run, run.best_epoch)
        if run.history and "grad_ratio" in run.history[-1]:  # the final epoch's, as the comparison reports it
            final["grad_ratio"] = run.history[-1]["grad_ratio"]
        if run.out and run.best_state is not None:
            self._save(run, final)
        seconds = time.perf_counter() - start
        rate = run.trained / run.train_seconds if run.train_seconds > 0 else 0.0
        final = plain(final)
        self._emit(Finished(run.reason, final, self._best_path or "", seconds, rate))
        return {"reason": run.reason, "metrics": final, "checkpoint": self._best_path or "", "seconds": seconds,
                "train_seconds": run.train_seconds, "samples_per_s": rate, "device": run.policy.description,
                "parameters": sum(p.numel() for p in model.parameters()), "epochs": len(run.history),
                "history": run.history,
                "grad_norms": run.tracker.last_curve if run.tracker is not None else None}

    def _measure_gradients(self, run: _Run, x, y, epoch: int) -> None:
        tracker, n = run.tracker, run.tracker.samples
        norms = tracker.measure(lambda: run.task.grad_norms(run.model, x[:n], y[:n]))
        if norms is not None:
            cfg = self.config
            self._emit(Snapshot("grad_norms", {"norms": norms}, {
                "cell": cfg.cell, "read": getattr(run.task, "steps_are", cfg.read), "step": run.global_step,
                "epoch": epoch, "which": "last layer, forward direction"}, epoch, run.global_step))

    def _emit_probe(self, run: _Run, epoch: int) -> None:
        self._probe_requested.clear()
        snapshot = run.task.probe(run.model, run.prepared, self._probe_index, run.policy.device)
        if snapshot is not None:
            self._emit(Snapshot(snapshot.kind, snapshot.arrays, snapshot.meta, epoch, run.global_step))


def _seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def _numbers(row: dict) -> dict:
    return {k: float(v) for k, v in row.items() if isinstance(v, (int, float))}
