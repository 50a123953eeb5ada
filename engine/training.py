"""The Trainer: the loop, the events, pause / resume / stop, the NaN guard and checkpoints.

Everything a task does not own. `Trainer(config, on_event).run()` trains; pause(), resume(), stop()
and set_probe() may be called from any other thread.
"""
from __future__ import annotations

import copy
import csv
import logging
import math
import random
import threading
import time
from pathlib import Path

import numpy as np
import torch

from engine import checkpoint, device as devices
from engine.config import RunConfig
from engine.errors import UserError
from engine.events import Failed, Finished, Metrics, Progress, Snapshot, Started, plain
from engine.gradients import GradientTracker
from engine.optim import make_optimizer, make_scheduler
from engine.tasks import registry

log = logging.getLogger(__name__)


class NonFiniteLoss(UserError):
    pass


class Trainer:
    def __init__(self, config: RunConfig, on_event=None, progress_every_s: float = 0.2,
                 snapshot_every_s: float = 1.0, log_points_per_epoch: int = 20, splits=None,
                 measure_gradients: bool = True):
        self.config = config
        self.splits = splits  # data already loaded by the window (None: the task reads config.data)
        self.on_event = on_event or (lambda event: None)
        self.progress_every_s = progress_every_s
        self.snapshot_every_s = snapshot_every_s
        self.log_points_per_epoch = log_points_per_epoch
        self.measure_gradients = measure_gradients  # gradients through time (engine.gradients), throttled
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self._probe_index = 0
        self._probe_requested = threading.Event()
        self.model = None
        self.prepared = None

    # ---- control from other threads ----
    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def stop(self) -> None:
        self._stop.set()
        self._running.set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def set_probe(self, index: int) -> None:
        self._probe_index = int(index)
        self._probe_requested.set()

    # ---- the run ----
    def run(self) -> dict:
        start = time.perf_counter()
        try:
            return self._run(start)
        except UserError as error:
            return self._fail(error.message, error.hint, start)
        except Exception as error:  # a bug: say so plainly, keep the traceback in the log
            log.exception("training failed")
            return self._fail(f"Training failed: {type(error).__name__}: {error}",
                              "This is a bug in RNN Vision Lab; the log has the details.", start)

    def _fail(self, message: str, hint: str, start: float) -> dict:
        self.on_event(Failed(message, hint))
        result = {"reason": "failed", "message": message, "hint": hint, "metrics": {},
                  "checkpoint": self._best_path or "", "seconds": time.perf_counter() - start, "samples_per_s": 0.0}
        self.on_event(Finished("failed", {}, result["checkpoint"], result["seconds"], 0.0))
        return result

    _best_path: str | None = None

    def _run(self, start: float) -> dict:
        cfg = self.config
        _seed_everything(cfg.seed)
        policy = devices.resolve(cfg.device, cfg.threads or devices.default_threads())
        task = registry.get(cfg.task)
        prepared = self.prepared = task.prepare(cfg, cancel=self._stop, splits=self.splits)
        train_x, train_y = prepared.train
        if len(train_x) == 0:
            raise UserError("The training split is empty.", "Give more data or a smaller validation fraction.")
        dev = policy.device
        model = self.model = task.build_model(cfg, prepared.info).to(dev)
        optimizer = make_optimizer(cfg, model.parameters())
        steps_per_epoch = math.ceil(len(train_x) / cfg.batch)
        scheduler = make_scheduler(cfg, optimizer, steps_per_epoch)
        scaler = torch.amp.GradScaler("cuda") if policy.amp else None
        out = Path(cfg.out) if cfg.out else None
        if out:
            out.mkdir(parents=True, exist_ok=True)
            cfg.save(out / "config.json")
        if policy.pin_memory:
            train_x, train_y = train_x.pin_memory(), train_y.pin_memory()
        self.on_event(Started(cfg.to_dict(), policy.description, sum(p.numel() for p in model.parameters()),
                              len(train_x), len(prepared.val[0]) if prepared.val else 0,
                              len(prepared.test[0]) if prepared.test else 0))
        for note in prepared.notes:
            log.info(note)

        generator = torch.Generator().manual_seed(cfg.seed)
        log_every = max(1, steps_per_epoch // self.log_points_per_epoch)
        best_score, best_state, best_epoch, stale = (-math.inf, -math.inf), None, 0, 0
        history: list[dict] = []
        trained, train_seconds, global_step = 0, 0.0, 0
        last_progress = last_snapshot = 0.0
        reason = "done"
        tracker = GradientTracker(self.snapshot_every_s) if self.measure_gradients else None
        self._emit_probe(task, model, prepared, dev, 0, 0)
        for epoch in range(1, cfg.epochs + 1):
            model.train()
            order = torch.randperm(len(train_x), generator=generator)
            sums: dict = {}
            loss_sum, seen = torch.zeros((), device=dev), 0
            epoch_loss, epoch_seen, epoch_sums = 0.0, 0, {}
            tick = time.perf_counter()
            for step in range(1, steps_per_epoch + 1):
                if not self._running.is_set():
                    train_seconds += time.perf_counter() - tick
                    while not self._running.wait(0.1):
                        pass
                    tick = time.perf_counter()
                if self._stop.is_set():
                    reason = "stopped"
                    break
                index = order[(step - 1) * cfg.batch: step * cfg.batch]
                x = train_x[index].to(dev, non_blocking=policy.pin_memory)
                y = train_y[index].to(dev, non_blocking=policy.pin_memory)
                x, y = task.augment_batch(x, y, cfg)
                if tracker is not None and tracker.due(step == steps_per_epoch):
                    self._measure_gradients(task, model, tracker, x, y, epoch, global_step)
                with torch.autocast(dev.type, enabled=policy.amp):
                    output = model(x)
                    loss = task.loss(output, y)
                optimizer.zero_grad(set_to_none=True)
                if scaler:
                    scaler.scale(loss).backward()
                    scaler.unscale_(optimizer)
                else:
                    loss.backward()
                if cfg.clip > 0:
                    torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.clip)
                if scaler:
                    scaler.step(optimizer)
                    scaler.update()
                else:
                    optimizer.step()
                if scheduler.per_step:
                    scheduler.step()
                global_step += 1
                n = len(index)
                loss_sum += loss.detach() * n
                seen += n
                trained += n
                for key, value in task.batch_stats(output.detach(), y).items():
                    sums[key] = sums.get(key, 0) + value
                if step % log_every == 0 or step == steps_per_epoch:
                    mean_loss = float(loss_sum) / seen
                    if not math.isfinite(mean_loss):
                        raise NonFiniteLoss(
                            f"The loss became {mean_loss} at epoch {epoch}, step {step}: training diverged.",
                            "Lower the learning rate, turn on gradient clipping (clip 1.0), or check the data "
                            "for NaN values. The last good checkpoint was kept.")
                    metrics = {"loss": mean_loss, **task.train_metrics(sums, seen), "lr": optimizer.param_groups[0]["lr"]}
                    self.on_event(Metrics("train", epoch, global_step, metrics))
                    epoch_loss += mean_loss * seen
                    epoch_seen += seen
                    for key, value in sums.items():
                        epoch_sums[key] = epoch_sums.get(key, 0) + float(value)
                    loss_sum, seen, sums = torch.zeros((), device=dev), 0, {}
                now = time.perf_counter()
                if now - last_progress >= self.progress_every_s or step == steps_per_epoch:
                    last_progress = now
                    elapsed = train_seconds + (now - tick)
                    rate = trained / elapsed if elapsed > 0 else 0.0
                    remaining = (cfg.epochs - epoch) * len(train_x) + (steps_per_epoch - step) * cfg.batch
                    self.on_event(Progress(epoch, cfg.epochs, step, steps_per_epoch, global_step, rate,
                                           remaining / rate if rate else 0.0, float(loss.detach())))
                if now - last_snapshot >= self.snapshot_every_s or self._probe_requested.is_set():
                    last_snapshot = now
                    self._emit_probe(task, model, prepared, dev, epoch, global_step)
                    model.train()
            train_seconds += time.perf_counter() - tick
            if reason == "stopped":
                break
            row = {"epoch": epoch, "seconds": round(time.perf_counter() - start, 3),
                   "lr": optimizer.param_groups[0]["lr"], "train_loss": epoch_loss / max(epoch_seen, 1),
                   **{f"train_{k}": v for k, v in task.train_metrics(epoch_sums, epoch_seen).items()}}
            # the selection metric first; on a tie (accuracy saturates on easy data) the lower loss wins
            if tracker is not None and math.isfinite(ratio := tracker.end_epoch()):
                row["grad_ratio"] = ratio
            sign = -1.0 if getattr(task, "lower_is_better", False) else 1.0  # e.g. predict's mse_per_frame
            score = (sign * row.get(f"train_{task.selection_metric}", 0.0), -row["train_loss"])
            if prepared.val is not None:
                val_metrics, _ = task.evaluate(model, prepared.val, dev, cfg.batch)
                self.on_event(Metrics("val", epoch, global_step, val_metrics))
                row.update({f"val_{k}": v for k, v in val_metrics.items()})
                score = (sign * val_metrics[task.selection_metric], -val_metrics["loss"])
            history.append(row)
            # early stopping waits for the metric itself to improve; a lower loss alone does not reset it
            stale = 0 if score[0] > best_score[0] else stale + 1
            if score > best_score:
                best_score, best_epoch = score, epoch
                best_state = copy.deepcopy(model.state_dict())
                if out:
                    self._best_path = str(checkpoint.save(out / "model.ckpt", best_state, cfg.to_dict(),
                                                          prepared.info, {"epoch": epoch, **_numbers(row)}))
            if out:
                _write_history(out / "metrics.csv", history)
            if not scheduler.per_step:
                scheduler.step()
            if cfg.patience and stale >= cfg.patience:
                reason = "early_stop"
                break

        if best_state is not None:
            model.load_state_dict(best_state)
        sign = -1.0 if getattr(task, "lower_is_better", False) else 1.0
        final = {f"val_{task.selection_metric}": sign * best_score[0]} if prepared.val is not None else {}
        final["best_epoch"] = best_epoch
        if prepared.test is not None and best_state is not None:  # a stopped run still shows its best model
            test_metrics, details = task.evaluate(model, prepared.test, dev, cfg.batch)
            self.on_event(Metrics("test", best_epoch, global_step, test_metrics))
            final.update({f"test_{k}": v for k, v in test_metrics.items()})
            for snapshot in task.result_snapshots(prepared, details):
                self.on_event(snapshot)
        if best_state is not None:
            for snapshot in task.model_snapshots(model, prepared, dev):
                self.on_event(snapshot)
        self._emit_probe(task, model, prepared, dev, best_epoch, global_step)
        if history and "grad_ratio" in history[-1]:  # the final epoch's, as the comparison reports it
            final["grad_ratio"] = history[-1]["grad_ratio"]
        if out and best_state is not None:
            self._best_path = str(checkpoint.save(out / "model.ckpt", best_state, cfg.to_dict(), prepared.info, final))
        seconds = time.perf_counter() - start
        rate = trained / train_seconds if train_seconds > 0 else 0.0
        final = plain(final)
        self.on_event(Finished(reason, final, self._best_path or "", seconds, rate))
        return {"reason": reason, "metrics": final, "checkpoint": self._best_path or "", "seconds": seconds,
                "train_seconds": train_seconds, "samples_per_s": rate, "device": policy.description,
                "parameters": sum(p.numel() for p in model.parameters()), "epochs": len(history),
                "history": history,
                "grad_norms": tracker.last_curve if tracker is not None else None}

    def _measure_gradients(self, task, model, tracker, x, y, epoch, global_step) -> None:
        n = tracker.samples
        norms = tracker.measure(lambda: task.grad_norms(model, x[:n], y[:n]))
        if norms is not None:
            cfg = self.config
            self.on_event(Snapshot("grad_norms", {"norms": norms}, {
                "cell": cfg.cell, "read": getattr(task, "steps_are", cfg.read), "step": global_step, "epoch": epoch,
                "which": "last layer, forward direction"}, epoch, global_step))

    def _emit_probe(self, task, model, prepared, dev, epoch, global_step) -> None:
        self._probe_requested.clear()
        snapshot = task.probe(model, prepared, self._probe_index, dev)
        if snapshot is not None:
            self.on_event(Snapshot(snapshot.kind, snapshot.arrays, snapshot.meta, epoch, global_step))


def _seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def _numbers(row: dict) -> dict:
    return {k: float(v) for k, v in row.items() if isinstance(v, (int, float))}


def _write_history(path: Path, history: list[dict]) -> None:
    columns = list(dict.fromkeys(key for row in history for key in row))
    temp = path.with_suffix(".csv.tmp")
    with open(temp, "w", newline="") as file:
        writer = csv.DictWriter(file, columns)
        writer.writeheader()
        writer.writerows(history)
    temp.replace(path)
