"""The memory estimate made before a model is built: what it counts, that the meta-device build allocates
nothing, and that the Trainer refuses what does not fit with a message before training starts."""
import time

import pytest
import torch

from engine import resources
from engine.config import RunConfig
from engine.events import Failed, Finished
from engine.resources import ResourceError
from engine.tasks.classify.task import TASK as CLASSIFY
from engine.train_memory import activation_bytes, check_training_fits, training_bytes
from engine.training import Trainer

INFO = {"image_shape": [1, 16, 16], "classes": 10, "class_names": list("0123456789"), "read": "rows",
        "mean": 0.2, "std": 0.3}
CPU = torch.device("cpu")


def test_weights_gradients_optimiser_state_and_the_best_copy_are_counted():
    no_activations = {}  # info without an image read as a sequence
    adam = training_bytes(1000, RunConfig(optimizer="adam"), no_activations, float64_copy=False)
    sgd = training_bytes(1000, RunConfig(optimizer="sgd", lr=0.1), no_activations, float64_copy=False)
    assert adam == 5000 and sgd == 4000  # Adam keeps two running averages, SGD's momentum one
    assert training_bytes(1000, RunConfig(), no_activations, float64_copy=True) == 7000  # + a float64 copy


def test_activations_grow_with_batch_steps_layers_directions_and_hidden():
    base = RunConfig(cell="lstm", hidden=64, layers=1, bidirectional=False, batch=32)
    one = activation_bytes(base, INFO)
    assert one == 2 * 32 * 16 * 64 * (4 + 1) * 4  # 16 rows; an LSTM's 4 gates and its state; values + gradients
    assert activation_bytes(base.replace(batch=64), INFO) == 2 * one
    assert activation_bytes(base.replace(layers=2, bidirectional=True), INFO) == 4 * one
    assert activation_bytes(base, {**INFO, "read": "pixels"}) == 16 * one  # the data's read order: 256 steps
    assert activation_bytes(base, {"train_size": [32, 32]}) == 0  # not a sequence of rows: not guessed


def test_the_meta_build_allocates_nothing_and_a_normal_model_fits(monkeypatch):
    monkeypatch.setattr(resources, "available_bytes", lambda: 16 * 1024 ** 3)  # a 16 GB machine
    started = time.perf_counter()
    with pytest.raises(ResourceError) as info:  # 2.2 billion parameters: counted, never allocated
        check_training_fits(CLASSIFY, RunConfig(hidden=4096, layers=8), INFO, CPU, True)
    assert time.perf_counter() - started < 5
    assert "2,215,460,874 parameters" in info.value.message and "16.0 GB free" in info.value.message
    check_training_fits(CLASSIFY, RunConfig(), INFO, CPU, True)  # the defaults fit


def test_the_trainer_refuses_before_training_starts(make_config, tmp_path, monkeypatch):
    monkeypatch.setattr(resources, "available_bytes", lambda: 2 * 1024 ** 2)  # a machine with 2 MB to spare
    events = []
    result = Trainer(make_config(hidden=256, out=str(tmp_path / "run")), events.append).run()
    assert result["reason"] == "failed" and [type(e) for e in events] == [Failed, Finished]
    assert result["message"].startswith("Training this model (GRU, hidden 256 x 1 layers:")
    assert "would need about" in result["message"] and "2.0 MB free" in result["message"]
    assert "smaller hidden size" in result["hint"]
    assert not (tmp_path / "run" / "model.ckpt").exists()
