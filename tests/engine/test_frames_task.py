"""The predict task: metrics against hand-computed values, a tiny real training that beats both trivial
predictors, checkpoint -> rollout video -> read back, and the CLI's errors."""
import json

import numpy as np
import pytest

from engine.cli import main as cli_main
from engine.config import RunConfig
from engine.data.sequences import SequenceSet, SequenceSplits
from engine.data.video import read_frames
from engine.errors import ConfigError
from engine.events import Snapshot
from engine.tasks.predict.task import frame_metrics
from engine.training import Trainer


def test_metrics_match_hand_computed_values():
    truth = np.zeros((1, 2, 1, 4, 4), np.float32)
    prediction = truth.copy()
    prediction[0, 0, 0, 0, :2] = 0.5  # frame 1: two pixels off by 0.5 -> squared 0.25 + 0.25
    prediction[0, 1, 0, 1, 1] = 1.0   # frame 2: one pixel off by 1 -> squared 1
    m = frame_metrics(prediction, truth, with_ssim=False)
    assert m["mse_per_frame"] == pytest.approx((0.5 + 1.0) / 2)
    assert m["mae_per_frame"] == pytest.approx((1.0 + 1.0) / 2)
    psnr = (10 * np.log10(16 / 0.5) + 10 * np.log10(16 / 1.0)) / 2
    assert m["psnr"] == pytest.approx(psnr)
    same = frame_metrics(truth + 0.3, truth + 0.3)
    assert same["mse_per_frame"] == 0 and same["ssim"] == pytest.approx(1.0)


def moving_blocks(n, length=8, size=16, seed=0):
    """A 4 x 4 block moving at a constant speed, bouncing off the walls: easy, but not for a trivial predictor."""
    rng = np.random.default_rng(seed)
    frames = np.zeros((n, length, 1, size, size), np.uint8)
    room = size - 4
    for s in range(n):
        y, x = rng.integers(0, room + 1, 2)
        vy, vx = rng.choice([-2, -1, 1, 2], 2)
        for t in range(length):
            frames[s, t, 0, y:y + 4, x:x + 4] = 255
            y, vy = (y + vy, vy) if 0 <= y + vy <= room else (y - vy, -vy)
            x, vx = (x + vx, vx) if 0 <= x + vx <= room else (x - vx, -vx)
    return frames


def tiny_config(out=""):
    return RunConfig(task="predict", data="blocks", cell="convlstm", hidden=32, layers=1, bidirectional=False,
                     epochs=12, batch=16, lr=1e-2, schedule="cosine", val_fraction=0.1, augment=False,
                     threads=1, out=str(out), options={"context": 4, "horizon": 4, "patch": 4, "sampling": 0.2})


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("predict_run")
    frames = moving_blocks(320)
    splits = SequenceSplits(SequenceSet(frames[:288]), SequenceSet(frames[288:]), "blocks")
    events = []
    result = Trainer(tiny_config(out), events.append, splits=splits).run()
    return result, out, events


def test_tiny_training_beats_copy_last_and_mean(trained):
    result, _, _ = trained
    m = result["metrics"]
    assert result["reason"] == "done", result
    assert m["test_mse_per_frame"] < 0.5 * m["test_baseline_mse_per_frame"]
    assert m["test_mse_per_frame"] < 0.5 * m["test_mean_mse_per_frame"]
    assert m["test_ssim"] > 0.3 and m["test_psnr"] > 10


def test_frames_snapshots_for_the_player(trained):
    shots = [e for e in trained[2] if isinstance(e, Snapshot) and e.kind == "frames"]
    probe = shots[-1].arrays  # the probe after training: with the top layer's state
    assert probe["context"].shape == probe["truth"].shape == probe["prediction"].shape == (4, 16, 16)
    assert probe["state"].shape == (32, 4, 4) and 0 <= probe["prediction"].min() <= probe["prediction"].max() <= 1
    results = [e for e in shots if e.meta.get("split") == "test"]
    assert len(results) == 4 and len(results[0].meta["mse_per_step"]) == 4


def test_checkpoint_writes_a_playable_rollout(trained, tmp_path):
    _, out, _ = trained
    clip = tmp_path / "seed.npz"
    np.savez(clip, frames=moving_blocks(12, seed=3)[:, :, 0])
    video = tmp_path / "roll.mp4"
    assert cli_main(["predict", "--checkpoint", str(out / "model.ckpt"), f"mmnist:{clip}", "--frames", "9",
                     "--out", str(video)]) == 0
    frames = read_frames(video)
    assert len(frames) == 4 + 9  # the seed frames, then the generated ones
    assert frames.shape[2] > 2 * frames.shape[1] - 10  # truth | model side by side


def test_evaluate_on_other_data(trained, tmp_path, capsys):
    _, out, _ = trained
    clip = tmp_path / "other.npz"
    np.savez(clip, frames=moving_blocks(20, seed=7)[:, :, 0])
    assert cli_main(["evaluate", "--checkpoint", str(out / "model.ckpt"), "--data", f"mmnist:{clip}", "--json"]) == 0
    metrics = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["metrics"]
    assert metrics["test_mse_per_frame"] < metrics["test_baseline_mse_per_frame"]


def test_cells_and_tasks_must_match():
    with pytest.raises(ConfigError, match="convolutional cell"):
        RunConfig(task="predict", cell="lstm")
    with pytest.raises(ConfigError, match="classify task needs a recurrent cell.*a cell of Predict frames") as error:
        RunConfig(task="classify", cell="convlstm")
    assert error.value.hint == "For the classify task choose one of rnn, lstm, gru."
    assert RunConfig(task="predict", cell="convgru").cell == "convgru"


def test_cli_reports_bad_data_without_a_traceback(tmp_path, capsys):
    bad = tmp_path / "other.npz"
    np.savez(bad, images=np.zeros((2, 3)))
    code = cli_main(["train", "--task", "predict", "--data", f"mmnist:{bad}", "--epochs", "1", "--threads", "1"])
    assert code == 2
    text = capsys.readouterr()
    assert "no array named 'frames'" in text.err + text.out and "Traceback" not in text.err


def test_warm_start_from_a_checkpoint(trained):
    import torch

    from engine import checkpoint
    from engine.tasks.predict.task import TASK

    _, out, _ = trained
    payload = checkpoint.load(out / "model.ckpt")
    config = tiny_config().replace(options={**tiny_config().options, "init": str(out / "model.ckpt")})
    model = TASK.build_model(config, payload["info"])
    for name, value in model.state_dict().items():
        assert torch.equal(value, payload["state_dict"][name]), name
    fresh = TASK.make_model(config, payload["info"])
    assert not torch.equal(fresh.head.weight, model.head.weight)
