"""The Trainer as a loop plus handlers: its events are those of the Trainer before the split (recorded from it
on the tiny bars data), and each handler on its own: the divergence guard, early stopping, checkpoints,
metrics.csv, the progress and probe throttles, gradient measurement, the test at the end, the meter."""
import csv
import math
import threading
from types import SimpleNamespace

import pytest
import torch

from engine import checkpoint
from engine.errors import CheckpointError
from engine.events import Finished, Metrics, Phase, Progress, Snapshot
from engine.run_control import EventGate, ProbeChoice, RunRecord
from engine.train_guards import Aborted, Diverged
from engine.train_handlers.base import BestEpoch, Handler, Handlers
from engine.train_handlers.checkpointing import Checkpointing
from engine.train_handlers.divergence import DivergenceGuard
from engine.train_handlers.early_stopping import EarlyStopping
from engine.train_handlers.grad_measure import GradientMeasurement
from engine.train_handlers.history import CsvHistory
from engine.train_handlers.meter import TrainMeter
from engine.train_handlers.phases import PhaseReports
from engine.train_handlers.testing import TestEvaluation
from engine.train_handlers.throttles import ProbeSnapshots, ProgressReports
from engine.training import Trainer

THROTTLES = dict(progress_every_s=0.0, snapshot_every_s=1e9, log_points_per_epoch=2)  # the same on any machine


def signature(events) -> list[str]:
    """Each event as type, split or kind, epoch / global step and metric names: what must not change."""
    out = []
    for e in events:
        if isinstance(e, Phase):  # the phases came later (tests/engine/test_phase_events.py checks them)
            continue
        if isinstance(e, Metrics):
            out.append(f"M {e.split} {e.epoch}/{e.global_step} {','.join(e.values)}")
        elif isinstance(e, Snapshot):
            out.append(f"S {e.kind} {e.epoch}/{e.global_step}")
        elif isinstance(e, Progress):
            out.append(f"P {e.epoch}.{e.step}/{e.global_step}")
        elif isinstance(e, Finished):
            out.append(f"F {e.reason} {','.join(e.metrics)}")
        else:
            out.append(type(e).__name__[0])
    return out


def epoch_of(epoch: int, first_step: int, stop_after: int = 3, val: bool = True) -> list[str]:
    """The events of one epoch of 3 steps (one log point a step; gradients at the first and last steps)."""
    out = []
    for step in range(1, stop_after + 1):
        g = first_step + step - 1
        if step == 3:
            out.append(f"S grad_norms {epoch}/{g - 1}")
        out += [f"M train {epoch}/{g} loss,accuracy,lr", f"P {epoch}.{step}/{g}"]
    return out + ([f"M val {epoch}/{first_step + 2} loss,accuracy"] if val else [])


# recorded from the Trainer before it was split into handlers (same data, config and throttles)
EARLY_STOP = (["S", "S hidden 0/0", "S grad_norms 1/0", *epoch_of(1, 1), *epoch_of(2, 4), *epoch_of(3, 7),
               "M test 3/9 loss,accuracy", "S prediction 0/0", "S trajectories 0/0", "S hidden 3/9",
               "F early_stop val_accuracy,best_epoch,test_loss,test_accuracy,grad_ratio"])
COLUMNS = ["epoch", "seconds", "lr", "train_loss", "train_accuracy", "grad_ratio", "val_loss", "val_accuracy"]
RESULT_KEYS = {"checkpoint", "device", "epochs", "grad_norms", "history", "metrics", "parameters", "reason",
               "samples_per_s", "seconds", "test_skipped", "train_seconds"}


def test_an_early_stopped_run_sends_what_it_sent_before(make_config, tmp_path):
    events = []
    result = Trainer(make_config(epochs=30, patience=2, out=str(tmp_path)), events.append, **THROTTLES).run()
    assert signature(events) == EARLY_STOP
    assert set(result) == RESULT_KEYS and result["reason"] == "early_stop" and result["epochs"] == 3
    with open(tmp_path / "metrics.csv") as file:
        rows = list(csv.DictReader(file))
    assert list(rows[0]) == COLUMNS and len(rows) == 3
    history, final = result["history"], events[-1].metrics
    # the best epoch is the best on validation (accuracy, then the lower loss); the test ran with its weights
    best = max(history, key=lambda row: (row["val_accuracy"], -row["val_loss"]))
    assert final["best_epoch"] == best["epoch"] and final["val_accuracy"] == best["val_accuracy"]
    test = [e for e in events if isinstance(e, Metrics) and e.split == "test"][0]
    assert test.epoch == best["epoch"] and final["test_loss"] == test.values["loss"]
    assert checkpoint.load(tmp_path / "model.ckpt")["metrics"] == final == result["metrics"]
    assert final["grad_ratio"] == history[-1]["grad_ratio"]
    for row in history:  # each row: its validation Metrics, the lr of its last step, its points' mean loss
        points = [e for e in events if isinstance(e, Metrics) and e.split == "train" and e.epoch == row["epoch"]]
        val = [e for e in events if isinstance(e, Metrics) and e.split == "val" and e.epoch == row["epoch"]][0]
        assert row["val_loss"] == val.values["loss"] and row["lr"] == points[-1].values["lr"]
        sizes = [8, 8, events[0].train_size - 16]  # batches of 8, the last one what is left
        mean = sum(p.values["loss"] * n for p, n in zip(points, sizes)) / sum(sizes)
        assert row["train_loss"] == pytest.approx(mean, rel=1e-9)


def test_a_stopped_run_tests_its_best_epoch_and_answers_a_probe_request(make_config, tmp_path):
    events, box = [], {}

    def on_event(event):
        events.append(event)
        if isinstance(event, Progress) and (event.epoch, event.step) == (2, 1):
            box["trainer"].set_probe(3)
        if isinstance(event, Progress) and (event.epoch, event.step) == (3, 2):
            box["trainer"].stop()

    config = make_config(cell="lstm", augment=True, epochs=4, schedule="step", optimizer="sgd", out=str(tmp_path))
    box["trainer"] = Trainer(config, on_event, **THROTTLES)
    result = box["trainer"].run()
    epoch2 = epoch_of(2, 4)
    epoch2.insert(2, "S hidden 2/4")  # the requested probe, after the step that saw the request
    assert signature(events) == ["S", "S hidden 0/0", "S grad_norms 1/0", *epoch_of(1, 1), *epoch2,
                                 *epoch_of(3, 7, stop_after=2, val=False), "M test 2/8 loss,accuracy",
                                 "S prediction 0/0", "S trajectories 0/0", "S hidden 2/8",
                                 "F stopped val_accuracy,best_epoch,test_loss,test_accuracy,grad_ratio"]
    assert result["epochs"] == 2 and result["metrics"]["best_epoch"] in (1, 2)
    assert [e.meta["index"] for e in events if isinstance(e, Snapshot) and e.kind == "hidden"] == [0, 3, 3]
    # the step schedule of 4 epochs: a tenth after epochs 1 and 2 (a row holds the lr its epoch trained with)
    assert [row["lr"] for row in result["history"]] == pytest.approx([0.02, 0.002])


def test_the_guard_names_the_kept_checkpoint_when_the_weights_turn_nan(make_config, tmp_path):
    events, box = [], {}

    def on_event(event):
        events.append(event)
        if isinstance(event, Progress) and (event.epoch, event.step) == (2, 1):
            with torch.no_grad():
                next(box["trainer"].model.parameters()).fill_(math.nan)

    box["trainer"] = Trainer(make_config(epochs=3, out=str(tmp_path)), on_event, **THROTTLES)
    result = box["trainer"].run()
    assert signature(events)[-4:] == ["M train 2/4 loss,accuracy,lr", "P 2.1/4", "F", "F failed "]
    assert result["message"] == (f"The loss became nan at epoch 2, step 2: training diverged. The checkpoint of "
                                 f"epoch 1, whose weights are finite, was kept: {tmp_path / 'model.ckpt'}.")
    assert checkpoint.load(tmp_path / "model.ckpt")["metrics"]["epoch"] == 1


# ---- the handlers one by one ----

@pytest.fixture
def gate():
    sent = []
    gate = EventGate(sent.append)
    gate.sent = sent
    return gate


def fake_run(tmp_path=None, **changes):
    model = torch.nn.Linear(2, 1)
    values = dict(model=model, out=tmp_path, cfg=SimpleNamespace(epochs=2, batch=4, cell="gru", read="rows",
                                                                 to_dict=lambda: {"task": "classify"}),
                  task=SimpleNamespace(selection_metric="accuracy"), best=BestEpoch(), history=[],
                  prepared=SimpleNamespace(info={"task": "classify"}, test=None), steps_per_epoch=4,
                  train_x=torch.zeros(16, 2), train_seconds=0.0, epoch_tick=0.0, trained=0, global_step=0,
                  policy=SimpleNamespace(device=torch.device("cpu")), reason="done")
    values.update(changes)
    return SimpleNamespace(**values)


@pytest.mark.parametrize("loss", [math.nan, math.inf, -math.inf])
def test_a_non_finite_loss_ends_the_run_saying_where(loss):
    record = RunRecord(epoch=2, step=3)
    with pytest.raises(Diverged) as info:
        DivergenceGuard(record).on_log_point(fake_run(), 2, loss)
    assert info.value.message.startswith(f"The loss became {loss} at epoch 2, step 3: training diverged.")
    assert "No checkpoint exists: this run has no run folder." in info.value.message
    assert "learning rate" in info.value.hint
    DivergenceGuard(record).on_log_point(fake_run(), 2, 0.5)  # a finite loss passes


@pytest.mark.parametrize("metrics, what", [({"loss": math.inf, "accuracy": 0.5}, "validation loss became inf"),
                                           ({"loss": 0.3, "accuracy": math.nan}, "validation accuracy became nan")])
def test_a_non_finite_validation_figure_ends_the_run(metrics, what, tmp_path):
    record = RunRecord(out=tmp_path, epoch=4, step=1, kept_path=str(tmp_path / "model.ckpt"), kept_epoch=3)
    with pytest.raises(Diverged, match=what) as info:
        DivergenceGuard(record).on_validation_end(fake_run(), 4, metrics)
    assert f"The checkpoint of epoch 3, whose weights are finite, was kept: {tmp_path / 'model.ckpt'}" \
           in info.value.message


def test_non_finite_weights_end_the_epoch_before_it_is_scored():
    run = fake_run()
    DivergenceGuard(RunRecord()).on_epoch_end(run, 1, {})
    with torch.no_grad():
        run.model.bias.fill_(math.inf)
    with pytest.raises(Diverged, match=r"The weights became NaN or infinite \(first bias\)"):
        DivergenceGuard(RunRecord()).on_epoch_end(run, 1, {})


def test_early_stopping_waits_for_the_metric_itself():
    stopping, run = EarlyStopping(patience=2), fake_run()
    for epoch, score in enumerate([(0.5, -1.0), (0.5, -0.5), (0.6, -0.9), (0.6, -0.1)], 1):
        stopping.on_epoch_scored(run, epoch, score, True)
        assert run.reason == "done", epoch  # a lower loss at the same metric counts as stale, not as reset
    stopping.on_epoch_scored(run, 5, (0.55, 0.0), False)
    assert stopping.stale == 2 and run.reason == "early_stop"
    never, run = EarlyStopping(patience=0), fake_run()
    for epoch in range(1, 20):
        never.on_epoch_scored(run, epoch, (0.0, 0.0), False)
    assert run.reason == "done" and never.stale == 18


def test_the_best_epoch_is_a_copy_and_a_tie_is_broken_by_the_loss():
    best, model = BestEpoch(), torch.nn.Linear(2, 1)
    assert best.offer((0.5, -1.0), 1, model) and best.epoch == 1
    with torch.no_grad():
        model.bias.fill_(7.0)
    assert best.state["bias"].item() != 7.0  # later steps leave the kept weights alone
    assert not best.offer((0.5, -1.0), 2, model) and not best.offer((0.4, 0.0), 3, model)
    assert best.offer((0.5, -0.9), 4, model) and best.epoch == 4 and best.state["bias"].item() == 7.0


def test_checkpoints_are_the_best_epochs_and_none_after_abort(gate, tmp_path):
    record, run = RunRecord(), fake_run(tmp_path, history=[{"epoch": 1, "train_loss": 0.5, "note": "x"}])
    saving = Checkpointing(gate, record)
    saving.on_epoch_scored(run, 1, (1.0, 0.0), False)
    assert not (tmp_path / "model.ckpt").exists() and record.kept_path == ""
    run.best.offer((1.0, 0.0), 1, run.model)
    saving.on_epoch_scored(run, 1, (1.0, 0.0), True)
    stored = torch.load(tmp_path / "model.ckpt", weights_only=True)  # not a whole model: read its parts directly
    assert stored["metrics"] == {"epoch": 1.0, "train_loss": 0.5} and torch.equal(stored["state_dict"]["bias"],
                                                                                  run.model.bias.detach())
    assert (record.kept_path, record.kept_epoch) == (str(tmp_path / "model.ckpt"), 1)
    with torch.no_grad():
        run.model.weight.fill_(3.0)
    saving.on_train_end(run)  # the best weights come back for the test
    assert torch.equal(run.model.weight, run.best.state["weight"])
    gate.close()
    before = (tmp_path / "model.ckpt").read_bytes()
    with pytest.raises(Aborted):
        saving.on_run_end(run, {"best_epoch": 1})
    assert (tmp_path / "model.ckpt").read_bytes() == before


def test_non_finite_best_weights_are_never_written(gate, tmp_path):
    run = fake_run(tmp_path, history=[{"epoch": 1}])
    run.best.offer((1.0, 0.0), 1, run.model)
    run.best.state["weight"].fill_(math.nan)
    with pytest.raises(CheckpointError, match="'weight' is not a finite number"):
        Checkpointing(gate, RunRecord()).on_epoch_scored(run, 1, (1.0, 0.0), True)
    assert not (tmp_path / "model.ckpt").exists()


def test_metrics_csv_holds_every_column_and_nothing_after_abort(gate, tmp_path):
    run = fake_run(tmp_path, history=[{"epoch": 1, "train_loss": 0.5}, {"epoch": 2, "train_loss": 0.4, "val_loss": 1}])
    CsvHistory(gate).on_epoch_scored(run, 2, (0, 0), False)
    lines = (tmp_path / "metrics.csv").read_text().splitlines()
    assert lines == ["epoch,train_loss,val_loss", "1,0.5,", "2,0.4,1"]
    CsvHistory(gate).on_epoch_scored(fake_run(None), 2, (0, 0), False)  # no run folder: nothing to write
    gate.close()
    run.history.append({"epoch": 3, "train_loss": 0.3})
    with pytest.raises(Aborted):
        CsvHistory(gate).on_epoch_scored(run, 3, (0, 0), False)
    assert (tmp_path / "metrics.csv").read_text().splitlines() == lines


def test_progress_is_throttled_but_always_sent_at_an_epochs_end(gate):
    run, reports = fake_run(trained=8, global_step=2), ProgressReports(gate, every_s=1e9)
    for step in (1, 2, 3):
        reports.on_step_end(run, 1, step, torch.tensor(0.7))
    assert gate.sent == []  # within every_s
    reports.on_step_end(run, 1, 4, torch.tensor(0.25))
    (last,) = gate.sent
    assert isinstance(last, Progress) and last.global_step == 2
    assert (last.step, last.steps_per_epoch, last.epochs, last.loss) == (4, 4, 2, 0.25)
    assert last.samples_per_s > 0 and last.eta_s == pytest.approx(16 / last.samples_per_s)  # one epoch left


def test_probe_snapshots_before_on_request_and_of_the_best_epoch(gate):
    asked = []

    def probe(model, prepared, index, device):
        asked.append(index)
        return SimpleNamespace(kind="hidden", arrays={}, meta={"index": index})

    choice = ProbeChoice()
    run = fake_run(task=SimpleNamespace(probe=probe), global_step=5)
    probes = ProbeSnapshots(gate, choice, every_s=1e9)
    probes.on_run_start(run)
    probes.on_step_end(run, 1, 1, None)  # within every_s
    choice.choose(4)
    run.model.eval()
    probes.on_step_end(run, 1, 2, None)  # asked for: sent at once
    probes.on_step_end(run, 1, 3, None)  # the request was answered
    run.best.epoch = 1
    probes.on_run_end(run, {})
    assert asked == [0, 4, 4] and [(e.epoch, e.global_step) for e in gate.sent] == [(0, 5), (1, 5), (1, 5)]
    assert run.model.training  # probing left the model in training mode


def test_gradients_are_measured_when_due_and_their_ratio_joins_the_row(gate):
    measured = []
    task = SimpleNamespace(grad_norms=lambda model, x, y: measured.append(len(x)) or [4.0, 2.0, 1.0],
                           steps_are="rows")
    run, gradients = fake_run(task=task), GradientMeasurement(gate, every_s=1e9)
    x = torch.zeros(40, 2)
    for step in (1, 2, 3):
        gradients.on_step_start(run, 1, x, x, last_step=step == 3)
    assert measured == [32, 32]  # the first step and the last; 32 samples of the batch
    assert gate.sent[0].kind == "grad_norms" and gate.sent[0].meta["read"] == "rows"
    row = {}
    gradients.on_epoch_end(run, 1, row)
    assert row == {"grad_ratio": 4.0} and gradients.last_curve.tolist() == [4.0, 2.0, 1.0]
    gradients.on_epoch_end(run, 2, row := {})  # nothing measured in that epoch: no ratio
    assert row == {}
    run.history = [{"grad_ratio": 0.5}]
    gradients.on_run_end(run, final := {})
    assert final == {"grad_ratio": 0.5}


def test_the_test_split_is_evaluated_once_with_the_best_weights(gate):
    evaluated = []
    task = SimpleNamespace(evaluate=lambda model, split, device, batch: evaluated.append(split) or (
        {"loss": 0.2, "accuracy": 0.9}, "details"), result_snapshots=lambda prepared, details: [details],
        model_snapshots=lambda model, prepared, device: ["model pictures"])
    run = fake_run(task=task, prepared=SimpleNamespace(test="TEST"))
    testing = TestEvaluation(gate, PhaseReports(gate, threading.Event(), 0.0))
    testing.on_run_end(run, final := {})
    assert evaluated == [] and final == {} and gate.sent == []  # no epoch ended: nothing to test
    run.best = BestEpoch((1.0, 0.0), 2, {"w": torch.zeros(1)})
    testing.on_run_end(run, final := {"best_epoch": 2})
    assert evaluated == ["TEST"] and final == {"best_epoch": 2, "test_loss": 0.2, "test_accuracy": 0.9}
    sent = [e for e in gate.sent if not isinstance(e, Phase)]  # and it said it was testing, then making pictures
    assert [e.name for e in gate.sent if isinstance(e, Phase)] == ["testing", "results"]
    assert sent[0] == Metrics("test", 2, 0, {"loss": 0.2, "accuracy": 0.9})
    assert sent[1:] == ["details", "model pictures"]


def test_the_meter_weighs_log_points_by_their_samples():
    task = SimpleNamespace(train_metrics=lambda sums, n: {"accuracy": sums.get("correct", 0) / max(n, 1)})
    meter = TrainMeter(torch.device("cpu"))
    meter.add(torch.tensor(1.0), 8, {"correct": 4.0})
    meter.add(torch.tensor(3.0), 2, {"correct": 2.0})
    assert meter.point_loss() == pytest.approx(1.4)
    assert meter.end_point(task, 1.4, 0.1) == {"loss": 1.4, "accuracy": 0.6, "lr": 0.1}
    meter.add(torch.tensor(0.5), 10, {"correct": 10.0})
    meter.end_point(task, meter.point_loss(), 0.1)
    row = meter.epoch_row(task, 3, 0.05)
    assert row == {"epoch": 3, "seconds": 0.0, "lr": 0.05, "train_loss": pytest.approx(0.95), "train_accuracy": 0.8}


def test_handlers_are_called_in_their_order():
    calls = []

    class Named(Handler):
        def __init__(self, name):
            self.name = name

        def on_epoch_end(self, run, epoch, row):
            calls.append((self.name, epoch))

    Handlers([Named("a"), Named("b"), Handler()]).call("on_epoch_end", None, 3, {})
    assert calls == [("a", 3), ("b", 3)]
