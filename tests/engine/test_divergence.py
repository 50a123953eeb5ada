"""Divergence for real: learning rates that blow up (1e3, 1e6, inf) with every optimiser and no clipping, on
classify, edges and segment. A run either ends well with a finite checkpoint or fails with the actionable
message that says truthfully which checkpoint was kept; model.ckpt never holds NaN; never "a bug"."""
import math

import pytest
import torch

from engine import checkpoint
from engine.cli import main
from engine.config import RunConfig
from engine.events import Failed, Finished, Metrics
from engine.tasks.classify.task import TASK as CLASSIFY
from engine.training import Trainer
from tiny_edges import write_pairs


def forced(config: RunConfig, lr: float) -> RunConfig:
    """`config` with a learning rate RunConfig itself would refuse (inf): the Trainer must cope with any."""
    config.lr = lr
    return config


def train(config):
    events = []
    return Trainer(config, events.append).run(), events


def raw_weights_finite(path) -> bool:
    """Read without checkpoint.load (which refuses NaN itself): are the stored weights all finite?"""
    state = torch.load(path, map_location="cpu", weights_only=True)["state_dict"]
    return all(bool(torch.isfinite(v).all()) for v in state.values() if v.is_floating_point())


def assert_honest(result, events, out):
    """Done with a finite checkpoint, or failed with the divergence message that names what was kept."""
    path = out / "model.ckpt"
    assert isinstance(events[-1], Finished) and events[-1].reason == result["reason"]
    if path.exists():
        assert raw_weights_finite(path), "a checkpoint with NaN weights was written"
    if result["reason"] == "done":
        assert checkpoint.load(path)["metrics"]["best_epoch"] >= 1  # loads: finite, undamaged
        return None
    assert result["reason"] == "failed", result
    message, hint = result["message"], result["hint"]
    assert "diverged" in message and "bug" not in message + hint, message
    assert all(word in hint for word in ("learning rate", "clip", "data")), hint
    (failed,) = [e for e in events if isinstance(e, Failed)]
    assert failed.message == message
    if result["checkpoint"]:
        assert result["checkpoint"] == str(path) and str(path) in message
        kept = checkpoint.load(path)  # loads: finite, undamaged
        assert f"The checkpoint of epoch {int(kept['metrics']['epoch'])}, whose weights are finite" in message
    else:
        assert "No checkpoint of this run exists yet" in message and not path.exists()
    return message


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "rmsprop"])
@pytest.mark.parametrize("lr", [1e3, 1e6, math.inf])
def test_divergent_learning_rates_on_classify(make_config, tmp_path, optimizer, lr):
    out = tmp_path / "run"
    result, events = train(forced(make_config(optimizer=optimizer, clip=0.0, epochs=3, out=str(out)), lr))
    message = assert_honest(result, events, out)
    if lr == math.inf:  # an infinite step always diverges, in the first epoch
        assert message is not None and "at epoch 1" in message


def test_divergence_within_the_only_step_of_the_first_epoch(make_config, tmp_path):
    """One step per epoch: the loss of that step is still finite, the weights after it are not."""
    out = tmp_path / "run"
    result, events = train(forced(make_config(batch=64, out=str(out)), math.inf))
    message = assert_honest(result, events, out)
    assert message.startswith("The weights became NaN or infinite") and "at epoch 1, step 1" in message
    assert not [e for e in events if isinstance(e, Metrics) and e.split in ("val", "test")]


@pytest.fixture(scope="module")
def rectangles(tmp_path_factory):
    images, edges = write_pairs(tmp_path_factory.mktemp("rects"), n=12)
    return f"pairs:{images},{edges}?test=0.25"


@pytest.mark.parametrize("task,lr", [("edges", 1e6), ("edges", math.inf), ("segment", math.inf), ("segment", 1e6)])
def test_divergence_on_dense_tasks(rectangles, tmp_path, monkeypatch, task, lr):
    monkeypatch.setenv("RNN_VISION_LAB_CACHE", str(tmp_path / "cache"))
    options = {"width": 4, **({"scale": 1.0, "bench_thresholds": 5} if task == "edges" else {})}
    data = rectangles if task == "edges" else "shapes:24?size=24"
    out = tmp_path / "run"
    config = RunConfig(task=task, data=data, cell="gru", hidden=4, layers=1, epochs=2, batch=4, clip=0.0,
                       optimizer="sgd" if lr < math.inf else "adam", val_fraction=0.25, device="cpu", threads=1,
                       augment=False, options=options, out=str(out))
    result, events = train(forced(config, lr))
    message = assert_honest(result, events, out)
    if lr == math.inf:
        assert message is not None


def poison_in_epoch(trainer_box, epoch):
    """on_event that sets every weight to NaN at the first training figures of `epoch`."""
    def on_event(event):
        trainer_box["events"].append(event)
        if isinstance(event, Metrics) and event.split == "train" and event.epoch == epoch:
            with torch.no_grad():
                for parameter in trainer_box["trainer"].model.parameters():
                    parameter.fill_(math.nan)
    return on_event


def test_weights_gone_nan_later_keep_the_last_finite_checkpoint(make_config, tmp_path):
    out = tmp_path / "run"
    box = {"events": []}
    box["trainer"] = Trainer(make_config(epochs=4, out=str(out)), poison_in_epoch(box, 3))
    result = box["trainer"].run()
    message = assert_honest(result, box["events"], out)
    assert "The checkpoint of epoch 2, whose weights are finite, was kept: " + str(out / "model.ckpt") in message
    assert "at epoch 3" in message
    assert checkpoint.load(out / "model.ckpt")["metrics"]["epoch"] == 2.0


def test_an_error_torch_raises_on_nan_is_reported_as_the_divergence(make_config, tmp_path, monkeypatch):
    real_stats = CLASSIFY.batch_stats

    def stats_with_a_histogram(output, target):
        torch.histc(output)  # RuntimeError "range of [nan, nan] is not finite" once the outputs are NaN
        return real_stats(output, target)

    monkeypatch.setattr(CLASSIFY, "batch_stats", stats_with_a_histogram)
    out = tmp_path / "run"
    result, events = train(forced(make_config(out=str(out)), math.inf))  # NaN weights after the first step
    message = assert_honest(result, events, out)
    assert "histc" in message and "not finite" in message and "at epoch 1, step 2" in message


def test_without_a_run_folder_the_message_says_no_checkpoint_exists(make_config):
    result, events = train(forced(make_config(batch=64), math.inf))
    assert result["reason"] == "failed" and "this run has no run folder" in result["message"]


def test_an_earlier_runs_checkpoint_is_not_claimed(make_config, tmp_path):
    out = tmp_path / "run"
    assert train(make_config(epochs=1, out=str(out)))[0]["reason"] == "done"
    before = (out / "model.ckpt").read_bytes()
    result, events = train(forced(make_config(batch=64, out=str(out)), math.inf))
    assert result["reason"] == "failed" and result["checkpoint"] == ""
    assert "No checkpoint of this run exists yet" in result["message"]
    assert f"The model.ckpt in {out} is from an earlier run." in result["message"]
    assert (out / "model.ckpt").read_bytes() == before


def test_cli_lr_inf_is_a_message_not_a_traceback(bars, tmp_path, capsys):
    code = main(["train", "--data", f"folder:{bars}?size=8&test=0.25", "--hidden", "8", "--epochs", "1",
                 "--threads", "1", "--lr", "inf", "--clip", "0", "--out", str(tmp_path / "run")])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and "error:" in err and "hint:" in err
    assert "lr" in err or "learning rate" in err
    assert not (tmp_path / "run" / "model.ckpt").exists()
