"""The Trainer on tiny generated data: learning, events, control from another thread, repeatability,
optimisers and schedules, early stopping and the NaN guard."""
import csv
import dataclasses
import math
import threading

import numpy as np
import pytest
import torch

from engine import checkpoint
from engine.events import Failed, Finished, Metrics, Progress, Snapshot, Started
from engine.tasks.classify.task import TASK as CLASSIFY
from engine.training import Trainer

PLAIN = (bool, int, float, str, type(None), np.generic)


def run(config, **trainer_args):
    events = []
    result = Trainer(config, events.append, **trainer_args).run()
    return result, events


def of(events, event_type, **where):
    return [e for e in events if isinstance(e, event_type) and all(getattr(e, k) == v for k, v in where.items())]


def assert_plain(value, where="event"):
    """No torch.Tensor anywhere: only plain Python values, NumPy scalars and (non-object) NumPy arrays."""
    assert not isinstance(value, torch.Tensor), f"{where} is a torch.Tensor"
    if dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            assert_plain(getattr(value, f.name), f"{where}.{f.name}")
    elif isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str), f"{where} has key {key!r}"
            assert_plain(item, f"{where}[{key!r}]")
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            assert_plain(item, f"{where}[{i}]")
    elif isinstance(value, np.ndarray):
        assert value.dtype != object, f"{where} is an object array"
    else:
        assert isinstance(value, PLAIN), f"{where} is a {type(value).__name__}"


# ---- one normal run (shared fixture) ----

def test_loss_falls_and_the_model_learns(trained):
    events, result = trained["events"], trained["result"]
    losses = [e.values["loss"] for e in of(events, Metrics, split="train")]
    assert len(losses) >= 6 and all(math.isfinite(v) for v in losses)
    assert losses[-1] < 0.5 * losses[0], losses
    val = of(events, Metrics, split="val")
    assert [e.epoch for e in val] == [1, 2, 3]
    assert val[-1].values["loss"] < val[0].values["loss"]
    assert result["metrics"]["test_accuracy"] >= 0.9 and result["metrics"]["val_accuracy"] >= 0.9
    assert result["epochs"] == 3 and result["samples_per_s"] > 0


def test_events_are_plain_and_in_order(trained):
    events = trained["events"]
    for i, event in enumerate(events):
        assert_plain(event, f"{type(event).__name__}#{i}")
    assert isinstance(events[0], Started) and isinstance(events[-1], Finished)
    assert len(of(events, Started)) == len(of(events, Finished)) == 1 and not of(events, Failed)
    assert {e.split for e in of(events, Metrics)} == {"train", "val", "test"}
    for event in of(events, Metrics):
        assert all(type(v) is float for v in event.values.values()), event
    finished = events[-1]
    assert finished.reason == "done" and finished.checkpoint == trained["result"]["checkpoint"]
    assert all(type(v) is float for v in finished.metrics.values())
    assert of(events, Progress) and all(e.steps_per_epoch == 3 for e in of(events, Progress))
    steps = [e.global_step for e in of(events, Metrics, split="train")]
    assert steps == sorted(steps)


def test_started_describes_the_run(trained):
    started = trained["events"][0]
    model = trained["trainer"].model
    assert started.parameters == sum(p.numel() for p in model.parameters())
    # 32 images: 8 test (stratified 25%), then 20% of the remaining 24 for validation
    assert (started.train_size, started.val_size, started.test_size) == (19, 5, 8)
    assert started.config["hidden"] == 8 and "CPU" in started.device


def test_hidden_snapshot_has_per_step_states(trained):
    snapshots = of(trained["events"], Snapshot, kind="hidden")
    assert len(snapshots) >= 2  # before training and after it
    last = snapshots[-1]
    assert last.arrays["image"].shape == (8, 8, 1)
    assert set(last.meta["states"]) == {"hidden", "reset gate", "update gate"}
    for name in last.meta["states"]:
        assert last.arrays[name].shape == (8, 8), name  # (T rows, units)
    probabilities = last.arrays["probabilities"]
    assert probabilities.shape == (2,) and abs(float(probabilities.sum()) - 1) < 1e-5
    assert last.meta["prediction"] in ("bottom", "top") and last.meta["label"] in ("bottom", "top")


def test_prediction_snapshot_confusion_covers_the_test_split(trained):
    (snapshot,) = of(trained["events"], Snapshot, kind="prediction")
    test_size = trained["events"][0].test_size
    confusion = snapshot.arrays["confusion"]
    assert confusion.shape == (2, 2) and int(confusion.sum()) == test_size
    assert len(snapshot.arrays["images"]) == len(snapshot.arrays["true"]) == test_size
    accuracy = np.trace(confusion) / test_size
    assert accuracy == pytest.approx(trained["result"]["metrics"]["test_accuracy"])
    assert snapshot.meta["class_names"] == ["bottom", "top"]


def test_run_folder(trained):
    out = trained["out"]
    assert {p.name for p in out.iterdir()} == {"model.ckpt", "config.json", "metrics.csv", "last.ckpt", "run.json",
                                               "events.jsonl", "snapshots"}
    rows = list(csv.DictReader((out / "metrics.csv").open()))
    assert [int(r["epoch"]) for r in rows] == [1, 2, 3]
    assert {"train_loss", "train_accuracy", "val_loss", "val_accuracy", "lr"} <= set(rows[0])
    payload = checkpoint.load(out / "model.ckpt", task="classify")
    assert payload["config"] == trained["config"].to_dict()
    assert payload["metrics"]["test_accuracy"] == trained["result"]["metrics"]["test_accuracy"]


# ---- control from another thread ----

def _start_blocked(config):
    """Start a run on a thread that waits inside its first training Metrics event until released."""
    events, reached, release = [], threading.Event(), threading.Event()

    def on_event(event):
        events.append(event)
        if isinstance(event, Metrics) and event.split == "train" and not reached.is_set():
            reached.set()
            assert release.wait(10)

    trainer = Trainer(config, on_event)
    box = {}
    thread = threading.Thread(target=lambda: box.update(result=trainer.run()), daemon=True)
    thread.start()
    assert reached.wait(20)
    return trainer, thread, events, release, box


def _train_steps(events):
    return [e.global_step for e in of(events, Metrics, split="train")]


def test_pause_then_resume(make_config):
    trainer, thread, events, release, box = _start_blocked(make_config(epochs=3))
    trainer.pause()
    release.set()
    thread.join(0.4)
    assert thread.is_alive() and trainer.paused
    assert _train_steps(events) == [1]  # nothing trained while paused
    trainer.resume()
    thread.join(20)
    assert not thread.is_alive()
    assert box["result"]["reason"] == "done" and box["result"]["epochs"] == 3
    assert isinstance(events[-1], Finished) and events[-1].reason == "done"
    assert _train_steps(events)[-1] == 9


def test_stop_while_paused(make_config):
    trainer, thread, events, release, box = _start_blocked(make_config(epochs=50))
    trainer.pause()
    release.set()
    thread.join(0.3)
    assert thread.is_alive()
    trainer.stop()
    thread.join(20)
    assert not thread.is_alive()
    assert box["result"]["reason"] == "stopped"
    assert isinstance(events[-1], Finished) and events[-1].reason == "stopped"
    assert _train_steps(events) == [1]
    assert not of(events, Metrics, split="test")  # a stopped run is not tested


def test_stop_while_running(make_config):
    trainer, thread, events, release, box = _start_blocked(make_config(epochs=50))
    trainer.stop()
    release.set()
    thread.join(20)
    assert box["result"]["reason"] == "stopped" and events[-1].reason == "stopped"


# ---- repeatability ----

def _train_values(events):
    return [(e.global_step, e.values) for e in of(events, Metrics)]


def test_same_seed_repeats_exactly_and_another_seed_differs(make_config):
    first, first_events = run(make_config(seed=5))
    again, again_events = run(make_config(seed=5))
    other, other_events = run(make_config(seed=6))
    assert first["metrics"] == again["metrics"]
    assert _train_values(first_events) == _train_values(again_events)
    assert _train_values(first_events) != _train_values(other_events)


# ---- optimisers, schedules, early stopping ----

@pytest.mark.parametrize("optimizer", ["adam", "adamw", "sgd", "rmsprop"])
def test_every_optimizer_trains(make_config, optimizer):
    result, events = run(make_config(optimizer=optimizer, lr=0.05 if optimizer == "sgd" else 0.01))
    assert result["reason"] == "done", result
    losses = [e.values["loss"] for e in of(events, Metrics, split="train")]
    assert all(math.isfinite(v) for v in losses) and losses[-1] < losses[0]


def _epoch_lrs(events):
    lrs = {}
    for event in of(events, Metrics, split="train"):
        lrs.setdefault(event.epoch, []).append(event.values["lr"])
    return lrs


@pytest.mark.parametrize("schedule", ["none", "cosine", "step"])
def test_every_schedule_runs(make_config, schedule):
    result, events = run(make_config(schedule=schedule, epochs=3, lr=0.02))
    assert result["reason"] == "done", result
    lrs = _epoch_lrs(events)
    flat = [lr for epoch in sorted(lrs) for lr in lrs[epoch]]
    if schedule == "none":
        assert set(flat) == {0.02}
    elif schedule == "cosine":  # decays every step down to 1% of the start
        assert all(a > b for a, b in zip(flat, flat[1:])) and flat[-1] == pytest.approx(0.0002)
    else:  # divided by 10 after epochs 1 and 2
        assert [sorted({round(lr, 9) for lr in lrs[e]}) for e in (1, 2, 3)] == [[0.02], [0.002], [0.0002]]


def test_early_stopping(make_config):
    result, events = run(make_config(patience=1, epochs=30, schedule="none"))
    assert result["reason"] == "early_stop" and events[-1].reason == "early_stop"
    assert result["epochs"] < 30
    val = of(events, Metrics, split="val")
    assert len(val) == result["epochs"]
    assert of(events, Metrics, split="test")  # an early stop is still tested


# ---- failures ----

def test_nan_guard_keeps_the_last_good_checkpoint(make_config, tmp_path, monkeypatch):
    poisoned = threading.Event()
    real_loss = CLASSIFY.loss
    monkeypatch.setattr(CLASSIFY, "loss",
                        lambda output, target: real_loss(output, target) * (math.nan if poisoned.is_set() else 1.0))
    events = []

    def on_event(event):
        events.append(event)
        if isinstance(event, Metrics) and event.split == "val" and event.epoch == 1:
            poisoned.set()  # from the second epoch on, the loss is NaN

    out = tmp_path / "run"
    result = Trainer(make_config(epochs=4, out=str(out)), on_event).run()
    assert result["reason"] == "failed"
    (failed,) = of(events, Failed)
    assert "nan" in failed.message.lower() and "epoch 2" in failed.message and "diverged" in failed.message
    assert "learning rate" in failed.hint and "clip" in failed.hint
    assert isinstance(events[-1], Finished) and events[-1].reason == "failed"
    assert not of(events, Metrics, split="val", epoch=2)
    path = out / "model.ckpt"
    assert events[-1].checkpoint == result["checkpoint"] == str(path)
    payload = checkpoint.load(path, task="classify")
    assert payload["metrics"]["epoch"] == 1.0
    weights = payload["state_dict"]
    assert all(torch.isfinite(v).all() for v in weights.values())
    model = checkpoint.restore(payload, CLASSIFY.build_model(make_config(), payload["info"]))
    with torch.no_grad():
        assert torch.isfinite(model(torch.rand(2, 1, 8, 8))).all()


def test_missing_data_fails_with_a_message(make_config, tmp_path):
    result, events = run(make_config(data=f"folder:{tmp_path / 'nowhere'}"))
    assert result["reason"] == "failed" and "Folder not found" in result["message"]
    assert [type(e) for e in events] == [Failed, Finished]
    assert "sub-folder" in events[0].hint
