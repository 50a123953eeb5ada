"""The Trainer: the training loop, which calls small handlers at well-named moments.

`Trainer(config, on_event).run()` trains; pause(), resume(), stop(), abort() and set_probe() may be called
from any other thread (engine/run_control.py). stop() ends training after the current step and still tests
the best weights; abort() (the window closing) ends the run as soon as it can, in any phase, and after it
returns nothing more is written to the run folder and no event but the final Finished("aborted") is sent.

The loop itself prepares the data and the model, trains epoch by epoch with engine.train_step, sends the
train and validation Metrics and scores each epoch; everything else is a handler (engine/train_handlers:
the divergence guard, gradient measurement, the test at the end, the progress and probe throttles,
checkpoints, metrics.csv, early stopping), called in the order of their list at each moment.
"""
from __future__ import annotations

import logging
import math
import time
from pathlib import Path

import torch

from engine import distributed
from engine.config import RunConfig
from engine.errors import UserError
from engine.events import Failed, Finished, Metrics, Started, plain
from engine.run_control import RunControl
from engine.runs import resume
from engine.runs.journal import RunJournal
from engine.runs.resume import ResumePoint
from engine.tasks import registry
from engine.train_guards import (Aborted, install_abort_hooks, is_out_of_memory, nonfinite_weight, out_of_memory,
                                 prepare_run_folder, watch_lists)
from engine.train_handlers.base import Handlers, RunState, epoch_score
from engine.train_handlers.checkpointing import Checkpointing
from engine.train_handlers.divergence import DivergenceGuard
from engine.train_handlers.early_stopping import EarlyStopping
from engine.train_handlers.grad_measure import GradientMeasurement
from engine.train_handlers.history import CsvHistory
from engine.train_handlers.meter import TrainMeter
from engine.train_handlers.phases import PhaseReports, evaluate_split
from engine.train_handlers.testing import TestEvaluation
from engine.train_handlers.throttles import ProbeSnapshots, ProgressReports
from engine.train_memory import check_training_fits
from engine.train_step import make_optimisation, seed_everything, train_step

log = logging.getLogger(__name__)


class Trainer(RunControl):
    def __init__(self, config: RunConfig, on_event=None, progress_every_s: float = 0.2,
                 snapshot_every_s: float = 1.0, log_points_per_epoch: int = 20, splits=None,
                 measure_gradients: bool = True, resume: bool = False):
        # under torchrun this is one rank of a data-parallel run (engine/distributed.py): only rank 0 sends
        # events and writes the run folder
        self.world = distributed.current()
        super().__init__(on_event if self.world.is_main else None)
        self.resuming = resume  # go on from config.out's last.ckpt (engine/runs/resume.py)
        out = config.out if self.world.is_main else ""
        self._journal = RunJournal(Path(out), config.to_dict(), resumed=resume, world_size=self.world.size,
                                   ranks=self.world.peers) if out else None
        if self._journal is not None:  # every event also goes to the run folder, behind the same gate
            self._gate.on_event = self._journal.tee(self.on_event)
        self.config = config
        self.splits = splits  # data already loaded by the window (None: the task reads config.data)
        self.progress_every_s = progress_every_s
        self.snapshot_every_s = snapshot_every_s
        self.log_points_per_epoch = log_points_per_epoch
        self.measure_gradients = measure_gradients  # gradients through time (engine.gradients), throttled
        self._record.out = Path(out) if out else None
        self._hooks: list = []
        self._handlers = Handlers()
        self._gradients: GradientMeasurement | None = None
        self._phases = PhaseReports(self._gate, self._skip_test, progress_every_s)
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
            if self._journal is not None:
                self._journal.close()

    def _ended_by(self, error: Exception, start: float) -> dict:
        """The result for a run that raised: aborted, a UserError's message, out of memory, a divergence
        that made the task's own code fail (NaN in a metric, an argmax, a histogram), or a bug."""
        if self._gate.aborted.is_set():  # whatever the abort interrupted (e.g. the data loader's "cancelled")
            return self._aborted(start)
        lost = self.world.explain(error, f"at epoch {self._record.epoch}, step {self._record.step}")
        if lost is not None:  # another rank of a data-parallel run is gone: interrupted, not failed
            return self._fail(lost, start, "interrupted")
        if isinstance(error, UserError):
            return self._fail(error, start)
        if is_out_of_memory(error):
            cfg = self.config
            what = f"Training (hidden {cfg.hidden} x {cfg.layers} layers, batch {cfg.batch})"
            return self._fail(out_of_memory(error, what), start)
        bad = self._nonfinite_weight()
        if bad is not None:
            then = f"{type(error).__name__}: {str(error).strip()[:300]}"
            return self._fail(self._record.divergence(f"The weights became NaN or infinite (first {bad})", then),
                              start)
        log.exception("training failed")
        return self._fail(UserError(f"Training failed: {type(error).__name__}: {error}",
                                    "This is a bug in RNN Vision Lab; the log has the details."), start)

    def _fail(self, error: UserError, start: float, reason: str = "failed") -> dict:
        try:
            self._gate.emit(Failed(error.message, error.hint))
            kept = self._record.kept_path
            result = {"reason": reason, "message": error.message, "hint": error.hint, "metrics": {},
                      "checkpoint": kept, "seconds": time.perf_counter() - start, "samples_per_s": 0.0}
            self._gate.emit(Finished(reason, {}, kept, result["seconds"], 0.0))
            return result
        except Aborted:
            return self._aborted(start)

    def _nonfinite_weight(self) -> str | None:
        try:
            return nonfinite_weight(self.model) if self.model is not None else None
        except Exception:  # the device itself failed: nothing more to learn from the weights
            return None

    def _run(self, start: float) -> dict:
        run = self._setup()
        self._handlers.call("on_run_start", run)
        for epoch in range(run.first_epoch, run.cfg.epochs + 1):
            if not self._train_epoch(run, epoch):
                break
            if self._end_epoch(run, epoch, start):
                break
        return self._finish(run, start)

    # ---- before training ----
    def _setup(self) -> RunState:
        cfg, out = self.config, self._record.out
        if out:  # before any data is read: a bad --out is said at once
            self._gate.write(prepare_run_folder, out)
            self._journal.ready = True
        # refused before the folder changes; rank 0 reads it and hands it to the other ranks
        resumed = self.world.from_main(lambda: self._resume_point(out)) if self.resuming else None
        if out:  # the run reads as a run from now on (interrupted, if it is killed before it starts training)
            self._gate.write(cfg.save, out / "config.json")
            self._gate.write(self._journal.begin)
        seed_everything(cfg.seed)
        policy = self.world.resolve_device(cfg)
        task = registry.get(cfg.task)
        prepared = self._prepare(task, cfg)
        check_training_fits(task, cfg, prepared.info, policy.device, self.measure_gradients)
        model = self.model = task.build_model(cfg, prepared.info).to(policy.device)
        self._hooks = install_abort_hooks(model, self._gate.aborted)
        steps_per_epoch = math.ceil(len(prepared.train[0]) / cfg.batch)
        optimisation = make_optimisation(cfg, model, policy, steps_per_epoch)
        train_x, train_y = prepared.train
        if policy.pin_memory:
            train_x, train_y = train_x.pin_memory(), train_y.pin_memory()
        run = RunState(cfg, task, policy, prepared, model, optimisation, out, train_x, train_y, steps_per_epoch,
                       max(1, steps_per_epoch // self.log_points_per_epoch), torch.Generator().manual_seed(cfg.seed))
        self._handlers = self._make_handlers(cfg)
        if resumed is not None:
            self._resume(run, resumed)
        run.step_model = self.world.wrap(model)  # DistributedDataParallel on several ranks, else the model
        self._gate.emit(Started(cfg.to_dict(), policy.description, sum(p.numel() for p in model.parameters()),
                                len(train_x), len(prepared.val[0]) if prepared.val else 0,
                                len(prepared.test[0]) if prepared.test else 0, steps_per_epoch))
        for note in prepared.notes:
            log.info(note)
        return run

    def _prepare(self, task, cfg: RunConfig):
        prepared = self.prepared = task.prepare(cfg, cancel=self._stop, splits=self.splits)
        self._gate.check()
        aborted = self._gate.aborted
        prepared.val, prepared.test = (watch_lists(s, aborted) for s in (prepared.val, prepared.test))
        if len(prepared.train[0]) == 0:
            raise UserError("The training split is empty.", "Give more data or a smaller validation fraction.")
        return prepared

    def _make_handlers(self, cfg: RunConfig) -> Handlers:
        """The handlers in calling order, which matters where several act at one moment: the guard checks the
        weights before grad_ratio joins the row; at the end the test's metrics come before the final probe,
        grad_ratio and the last checkpoint; an epoch's checkpoint is written before metrics.csv."""
        gate = self._gate
        if self._journal is not None:
            self._journal.gate = gate
        self._gradients = GradientMeasurement(gate, self.snapshot_every_s) if self.measure_gradients else None
        handlers = [DivergenceGuard(self._record), TestEvaluation(gate, self._phases),
                    ProgressReports(gate, self.progress_every_s),
                    ProbeSnapshots(gate, self._probe, self.snapshot_every_s), self._gradients,
                    Checkpointing(gate, self._record), CsvHistory(gate), EarlyStopping(cfg.patience),
                    ResumePoint(gate, self._handler_states), self._journal]
        return Handlers(self.world.keep_handlers([h for h in handlers if h is not None]))

    def _handler_states(self) -> dict:
        return {type(h).__name__: state for h in self._handlers if (state := h.resume_state()) is not None}

    def _resume_point(self, out: Path | None) -> dict:
        """The run folder's last.ckpt, whose settings must be this run's but for epochs, threads and device."""
        if out is None:
            raise UserError("Nothing to resume: the run has no folder.", "Give the run folder to resume.")
        if not (out / "last.ckpt").exists():  # cut short before its first epoch ended: it starts again
            log.info("%s has no resume point yet: training it from its first epoch", out)
            return None
        payload = resume.load(out)
        resume.check_settings(payload["config"], self.config)
        return payload

    def _resume(self, run: RunState, payload: dict) -> None:
        """Go on where last.ckpt left off: weights, optimiser, schedule, random streams, best, handlers."""
        resume.restore(run, payload)
        for handler in self._handlers:
            state = payload["handlers"].get(type(handler).__name__)
            if state is not None:
                handler.restore(state)
        if run.out and (run.out / "model.ckpt").is_file():
            self._record.kept_path, self._record.kept_epoch = str(run.out / "model.ckpt"), run.best.epoch

    # ---- training ----
    def _train_epoch(self, run: RunState, epoch: int) -> bool:
        """One pass over the training data; False when stop() ended it."""
        run.model.train()
        order = torch.randperm(len(run.train_x), generator=run.generator)  # the same on every rank
        self.world.seed_epoch(run.cfg.seed, epoch)
        meter = TrainMeter(run.policy.device)
        run.epoch_tick = time.perf_counter()
        self._phases.enter("training")
        for step in range(1, run.steps_per_epoch + 1):
            run.epoch_tick += self._wait_while_paused()  # paused time is not training time
            self._gate.check()
            if self._stop.is_set():
                run.reason = "stopped"
                self._phases.enter("stopping")
                break
            self._record.epoch, self._record.step = epoch, step
            last_step = step == run.steps_per_epoch
            index = order[(step - 1) * run.cfg.batch: step * run.cfg.batch]
            loss = self._train_batch(run, meter, index, epoch, last_step)
            if step % run.log_every == 0 or last_step:
                self._log_point(run, meter, epoch)
            self._handlers.call("on_step_end", run, epoch, step, loss)
        run.train_seconds += time.perf_counter() - run.epoch_tick
        if run.reason == "stopped":
            return False
        run.history.append(meter.epoch_row(run.task, epoch, run.optimisation.lr))
        return True

    def _train_batch(self, run: RunState, meter: TrainMeter, index, epoch: int, last_step: bool) -> torch.Tensor:
        policy, task = run.policy, run.task
        share = self.world.share(index)  # this rank's part of the global batch (all of it on one process)
        x = run.train_x[share.index].to(policy.device, non_blocking=policy.pin_memory)
        y = run.train_y[share.index].to(policy.device, non_blocking=policy.pin_memory)
        x, y = task.augment_batch(x, y, run.cfg)
        self._handlers.call("on_step_start", run, epoch, x, y, last_step)
        loss, output = train_step(run.step_model, share.loss_fn(task.loss), x, y, run.optimisation)
        run.global_step += 1
        run.trained += len(index)
        meter.add(*share.counted(loss, task.batch_stats(output.detach(), y)))
        return loss

    def _log_point(self, run: RunState, meter: TrainMeter, epoch: int) -> None:
        """A train Metrics event for the steps since the last one (after the handlers saw their mean loss)."""
        self.world.reduce_point(meter)  # every rank's sums, on several ranks
        mean_loss = meter.point_loss()
        self._handlers.call("on_log_point", run, epoch, mean_loss)
        metrics = meter.end_point(run.task, mean_loss, run.optimisation.lr)
        self._gate.emit(Metrics("train", epoch, run.global_step, metrics))

    def _end_epoch(self, run: RunState, epoch: int, start: float) -> bool:
        """The epoch's row, validation and score, the per-epoch schedule; True when training ends here."""
        row = run.history[-1]
        row["seconds"] = round(time.perf_counter() - start + run.seconds_before, 3)
        self._handlers.call("on_epoch_end", run, epoch, row)
        val_metrics = self._validate(run, epoch, row)
        score = epoch_score(run, row, val_metrics)
        improved = run.best.offer(score, epoch, run.model)
        run.optimisation.end_epoch()  # before the epoch's resume point is written (last.ckpt)
        self._handlers.call("on_epoch_scored", run, epoch, score, improved)
        return run.reason == "early_stop"

    def _validate(self, run: RunState, epoch: int, row: dict) -> dict | None:
        if run.prepared.val is None:
            return None
        # on rank 0 alone, its figures handed to every rank (all must choose the same best epoch)
        metrics = self.world.from_main(lambda: evaluate_split(run.task, run.model, run.prepared.val,
                                                              run.policy.device, run.cfg.batch,
                                                              self._phases.reporter("validating"))[0])
        self._handlers.call("on_validation_end", run, epoch, metrics)
        self._gate.emit(Metrics("val", epoch, run.global_step, metrics))
        row.update({f"val_{k}": v for k, v in metrics.items()})
        return metrics

    # ---- after training ----
    def _finish(self, run: RunState, start: float) -> dict:
        """The final metrics (the best epoch's validation figure, then what the handlers add), Finished and
        the result."""
        self._handlers.call("on_train_end", run)
        has_val = run.prepared.val is not None
        final = {f"val_{run.task.selection_metric}": run.sign * run.best.score[0]} if has_val else {}
        final["best_epoch"] = run.best.epoch
        self._handlers.call("on_run_end", run, final)
        seconds = time.perf_counter() - start
        rate = run.trained / run.train_seconds if run.train_seconds > 0 else 0.0
        final = plain(final)
        checkpoint = self._record.kept_path
        self._gate.emit(Finished(run.reason, final, checkpoint, seconds, rate, run.test_skipped))
        return {"reason": run.reason, "metrics": final, "checkpoint": checkpoint, "seconds": seconds,
                "test_skipped": run.test_skipped,
                "train_seconds": run.train_seconds, "samples_per_s": rate, "device": run.policy.description,
                "parameters": sum(p.numel() for p in run.model.parameters()), "epochs": len(run.history),
                "history": run.history,
                "grad_norms": self._gradients.last_curve if self._gradients is not None else None}
