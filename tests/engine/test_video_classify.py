"""The video-classify task: clips of moving digits labelled by heading, a folder of labelled videos, errors."""
import json

import numpy as np
import pytest
import torch

from engine.cli import main as cli_main
from engine.config import RunConfig
from engine.data.video import write_video
from engine.errors import ConfigError
from engine.events import Snapshot
from engine.tasks.video_classify.task import _options
from engine.training import Trainer


def config(data, out="", **changes):
    values = dict(task="video-classify", data=data, cell="gru", hidden=32, layers=1, bidirectional=False,
                  epochs=8, batch=32, lr=5e-3, val_fraction=0.1, augment=False, threads=1, out=str(out),
                  options={"label": "direction", "length": 4})
    values.update(changes)
    return RunConfig(**values)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("clips_run")
    events = []
    result = Trainer(config("moving:400", out), events.append).run()
    return result, out, events


def test_learns_the_heading_well_above_chance(trained):
    result, _, events = trained
    assert result["reason"] == "done", result
    assert result["metrics"]["test_accuracy"] > 0.35  # 8 headings: chance is 0.125
    shots = [e for e in events if isinstance(e, Snapshot) and e.kind == "prediction"]
    assert shots and shots[-1].arrays["confusion"].shape == (8, 8)
    assert shots[-1].arrays["confusion"].sum() == 40 and shots[-1].meta["class_names"][0] == "right"
    assert shots[-1].arrays["images"].shape == (40, 64, 64, 1)


def test_checkpoint_evaluates_other_clips(trained, capsys):
    _, out, _ = trained
    assert cli_main(["evaluate", "--checkpoint", str(out / "model.ckpt"), "--data", "moving:1000?seed=9",
                     "--json"]) == 0
    metrics = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["metrics"]
    assert metrics["test_accuracy"] > 0.25


def test_labelled_video_folder_trains(tmp_path):
    for name, step in (("left", -2), ("right", 2)):
        for i in range(5):
            frames = np.zeros((12, 32, 32, 3), np.uint8)
            for t in range(12):
                x = 12 + step * (t - 6) // 2 + i % 3
                frames[t, 12:20, x:x + 8] = 255
            write_video(tmp_path / name / f"{i}.mp4", frames, 10)
    (tmp_path / "left" / "notes.txt").write_text("not a video")
    result = Trainer(config(f"videos:{tmp_path}?size=32x32", epochs=2, options={"length": 6})).run()
    assert result["reason"] == "done" and "test_accuracy" in result["metrics"]


def test_bad_settings_are_refused():
    with pytest.raises(ConfigError, match="label must be digit or direction"):
        _options(config("moving:50", options={"label": "colour"}))
    with pytest.raises(ConfigError, match="needs a recurrent cell.*a cell of Predict frames"):
        config("moving:50", cell="convlstm")
    result = Trainer(config("mmnist:nothing.npz", epochs=1)).run()
    assert result["reason"] == "failed" and "labelled clips" in result["message"]


def test_gradient_through_time_over_the_clip_frames():
    from engine.tasks.video_classify.task import TASK, ClipClassifier

    torch.manual_seed(0)
    model = ClipClassifier(1, (32, 32), 4, "gru", 16, 1)
    clips = torch.randint(0, 256, (3, 6, 1, 32, 32), dtype=torch.uint8)
    norms = TASK.grad_norms(model, clips, torch.tensor([0, 1, 2]))
    assert norms.shape == (6,) and np.isfinite(norms).all() and (norms > 0).all()
    logits, states = model(clips, return_states=True)
    assert logits.shape == (3, 4) and states["hidden"].shape == (1, 3, 6, 16)
    assert torch.allclose(model(clips), logits, atol=1e-5)  # the stepwise pass is the same network
