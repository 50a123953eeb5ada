"""TensorBoard logs (issue 16, part 5): a run's scalars, probe pictures and gradient-through-time curve written as
event files into its run folder, read back by TensorBoard's own EventAccumulator; `train --tensorboard`; a
missing tensorboard package is said with how to install it."""
from __future__ import annotations

import numpy as np
import pytest

from engine.errors import ConfigError
from engine.runs import tensorboard
from engine.runs.tensorboard import TensorBoardTap, gradient_picture, probe_pictures

pytest.importorskip("tensorboard")


def read(folder):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    accumulator = EventAccumulator(str(folder), size_guidance={"scalars": 0, "images": 0})
    accumulator.Reload()
    return accumulator


def test_a_run_writes_its_scalars_probes_and_gradient_curve(make_config, tmp_path):
    from engine.training import Trainer

    out = tmp_path / "run"
    passed = []
    tap = TensorBoardTap(out, passed.append)
    result = Trainer(make_config(epochs=3, out=str(out)), tap).run()
    tap.close()
    assert result["reason"] == "done" and any(type(e).__name__ == "Finished" for e in passed)  # passed on
    found = read(out)
    tags = found.Tags()
    assert {"loss/train", "loss/val", "accuracy/val", "accuracy/test"} <= set(tags["scalars"])
    val = found.Scalars("accuracy/val")
    assert len(val) == 3 and [e.step for e in val] == sorted(e.step for e in val)
    metrics = (out / "metrics.csv").read_text().splitlines()
    assert len(metrics) == 4  # the same three epochs as metrics.csv
    assert "probe/hidden/image" in tags["images"] and "gradient_through_time" in tags["images"]
    curves = found.Images("gradient_through_time")
    assert 1 <= len(curves) <= 3 + 1 and (curves[-1].width, curves[-1].height) == (640, 360)
    assert len(found.Images("probe/hidden/image")) <= 3 + 1  # at most one an epoch, and the newest


def test_train_tensorboard_flag_and_a_missing_package(make_config, tmp_path, monkeypatch, capsys):
    from engine.cli import main

    config = make_config()
    out = tmp_path / "cli"
    assert main(["train", "--data", config.data, "--hidden", "8", "--layers", "1", "--epochs", "1", "--threads", "1",
                 "--no-augment", "--out", str(out), "--tensorboard"]) == 0
    assert list(out.glob("events.out.tfevents.*")) and "loss/val" in read(out).Tags()["scalars"]
    monkeypatch.setattr(tensorboard, "available", lambda: False)
    with pytest.raises(ConfigError, match="tensorboard package") as refused:
        TensorBoardTap(tmp_path / "none")
    assert "pip install" in refused.value.hint
    capsys.readouterr()
    assert main(["train", "--data", config.data, "--epochs", "1", "--out", str(tmp_path / "refused"),
                 "--tensorboard"]) == 2
    assert "pip install" in capsys.readouterr().err


def test_only_pictures_are_written_each_scaled_to_its_range():
    arrays = {"image": np.full((16, 16, 3), 200, np.uint8), "heat": np.linspace(-3, 5, 12 * 20).reshape(12, 20),
              "probabilities": np.ones(10), "states": np.zeros((2, 16, 16, 4)), "tiny": np.zeros((4, 4))}
    pictures = dict(probe_pictures(arrays))
    assert list(pictures) == ["image", "heat"]
    heat = pictures["heat"]
    assert heat.shape == (12, 20, 3) and heat.min() == 0 and heat.max() == 1
    curve = gradient_picture(10.0 ** -np.linspace(6, 0, 16), "the last layer")
    assert curve.shape == (360, 640, 3) and curve.min() < 0.5 < curve.max() == 1.0
