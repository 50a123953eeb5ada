"""Checkpoints: round trip, atomic writes, and refusing other tasks, pickled code and damaged files."""
import os
import pickle
import shlex

import pytest
import torch

from engine import checkpoint
from engine.config import RunConfig
from engine.errors import CheckpointError
from engine.models.classifier import SequenceClassifier
from engine.tasks.classify.task import TASK as CLASSIFY

INFO = {"task": "classify", "image_shape": [1, 8, 8], "classes": 3, "class_names": ["a", "b", "c"],
        "read": "rows", "mean": 0.2, "std": 0.3}


def small_model(hidden=8, seed=0):
    torch.manual_seed(seed)
    return SequenceClassifier((1, 8, 8), 3, "lstm", hidden, mean=0.2, std=0.3).eval()


def save_small(path, model=None, metrics=None):
    model = model or small_model()
    config = RunConfig(cell="lstm", hidden=8, layers=1, bidirectional=False).to_dict()
    return checkpoint.save(path, model.state_dict(), config, INFO, metrics or {"epoch": 1})


class RunsCode:
    """An object whose unpickling would run a shell command (creating `marker`)."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {shlex.quote(str(self.marker))}",)


def test_round_trip_gives_the_same_predictions(tmp_path):
    model = small_model()
    path = save_small(tmp_path / "model.ckpt", model, {"epoch": 3, "val_accuracy": 0.5})
    payload = checkpoint.load(path, task="classify")
    assert payload["task"] == "classify" and payload["info"] == INFO
    assert payload["metrics"] == {"epoch": 3.0, "val_accuracy": 0.5}
    config = RunConfig.from_dict(payload["config"])
    restored = checkpoint.restore(payload, CLASSIFY.build_model(config, payload["info"])).eval()
    images = torch.rand(5, 1, 8, 8)
    with torch.no_grad():
        torch.testing.assert_close(restored(images), model(images), atol=0, rtol=0)
    assert float(restored.mean) == pytest.approx(0.2) and float(restored.std) == pytest.approx(0.3)


def test_trained_run_round_trip(trained):
    payload = checkpoint.load(trained["out"] / "model.ckpt")
    model = CLASSIFY.build_model(RunConfig.from_dict(payload["config"]), payload["info"])
    restored = checkpoint.restore(payload, model).eval()
    original = trained["trainer"].model.eval()
    images = trained["trainer"].prepared.test[0]
    with torch.no_grad():
        torch.testing.assert_close(restored(images), original(images), atol=0, rtol=0)


def test_save_is_atomic_and_leaves_no_temporary_file(tmp_path):
    save_small(tmp_path / "model.ckpt")
    save_small(tmp_path / "model.ckpt", small_model(seed=1))  # overwrite
    assert [p.name for p in tmp_path.iterdir()] == ["model.ckpt"]


def test_crash_mid_save_keeps_the_old_file(tmp_path, monkeypatch):
    path = save_small(tmp_path / "model.ckpt")
    before = path.read_bytes()

    def crash(payload, file, *args, **kwargs):
        file.write(b"half a checkpoint")
        raise OSError("disk full")

    monkeypatch.setattr(checkpoint.torch, "save", crash)
    with pytest.raises(OSError, match="disk full"):
        save_small(path, small_model(seed=1))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["model.ckpt"]
    monkeypatch.undo()
    checkpoint.load(path, task="classify")  # still loads


def test_checkpoint_of_another_task_is_refused(tmp_path):
    path = save_small(tmp_path / "model.ckpt")
    with pytest.raises(CheckpointError) as info:
        checkpoint.load(path, task="edges")
    assert "'classify'" in info.value.message and "'edges'" in info.value.message


def test_pickled_code_in_a_torch_file_is_refused(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.ckpt"
    torch.save({"format": checkpoint.FORMAT, "task": "classify", "state_dict": {}, "extra": RunsCode(marker)}, path)
    with pytest.raises(CheckpointError) as info:
        checkpoint.load(path)
    assert "refused" in info.value.message and info.value.hint
    assert not marker.exists()


@pytest.mark.filterwarnings("ignore:Detected pickle protocol")
def test_raw_pickle_that_would_run_code_is_refused(tmp_path):
    control = tmp_path / "control"
    pickle.loads(pickle.dumps(RunsCode(control)))  # the attack is real: plain unpickling runs it
    assert control.exists()
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.ckpt"
    path.write_bytes(pickle.dumps(RunsCode(marker)))
    with pytest.raises(CheckpointError) as info:
        checkpoint.load(path)
    assert "refused" in info.value.message
    assert not marker.exists()


@pytest.mark.parametrize("cut", [0.5, 0.05])
def test_truncated_file(tmp_path, cut):
    data = save_small(tmp_path / "model.ckpt").read_bytes()
    path = tmp_path / "truncated.ckpt"
    path.write_bytes(data[: int(len(data) * cut)])
    with pytest.raises(CheckpointError) as info:
        checkpoint.load(path)
    assert str(path) in info.value.message and "not a readable checkpoint" in info.value.message
    assert "truncated" in info.value.hint


@pytest.mark.parametrize("content", [b"", b"hello, not a checkpoint\n"])
def test_empty_or_text_file(tmp_path, content):
    path = tmp_path / "model.ckpt"
    path.write_bytes(content)
    with pytest.raises(CheckpointError, match="not a readable checkpoint"):
        checkpoint.load(path)


def test_plain_torch_file_is_not_a_checkpoint(tmp_path):
    path = tmp_path / "weights.pt"
    torch.save(small_model().state_dict(), path)
    with pytest.raises(CheckpointError, match="not an RNN Vision Lab checkpoint"):
        checkpoint.load(path)


def test_missing_file(tmp_path):
    with pytest.raises(CheckpointError, match="does not exist"):
        checkpoint.load(tmp_path / "nothing.ckpt")


def test_weights_of_another_shape(tmp_path):
    payload = checkpoint.load(save_small(tmp_path / "model.ckpt"))
    with pytest.raises(CheckpointError, match="do not fit"):
        checkpoint.restore(payload, small_model(hidden=16))
