"""The edges task on tiny generated rectangles: data readers and bad inputs, targets, loss, training, CLI."""
import json
import math
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from engine.cli import build_parser, config_from_args, main
from engine.config import RunConfig
from engine.data.edge_data import load_edges
from engine.data.video import read_frames, write_video
from engine.errors import ConfigError, DataError
from engine.events import Metrics, Phase, Snapshot
from engine.tasks.edges.task import TASK, balanced_bce, f1_counts, f1_scores
from engine.training import Trainer
from tiny_edges import rectangles, write_pairs

BSDS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "bsds500"


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_VISION_LAB_CACHE", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def pairs(tmp_path_factory):
    images, edges = write_pairs(tmp_path_factory.mktemp("rects"), n=16)
    return f"pairs:{images},{edges}"


def config(data, **changes):
    options = {"scale": 1.0, "width": 4, "bench_thresholds": 5, **changes.pop("options", {})}
    values = dict(task="edges", data=data, cell="gru", hidden=4, layers=1, epochs=2, batch=4, lr=0.01,
                  val_fraction=0.25, device="cpu", threads=1, augment=False, options=options)
    return RunConfig(**{**values, **changes})


# ---- data ----

def test_pairs_are_matched_by_name_and_turned_landscape(pairs):
    data = load_edges(pairs + "?test=0.25")
    assert len(data.train) == 12 and len(data.test) == 4 and data.annotated
    assert {s.image.shape for s in data.train} >= {(40, 56, 3), (56, 40, 3)}
    prepared = TASK.prepare(config(pairs))
    assert prepared.train[0].shape[1:] == (3, 40, 56) and prepared.train[1].shape[1:] == (1, 40, 56)
    assert prepared.info["target"] == "human" and prepared.test is None


def _pair(root, stem, image, edge):
    (root / "i").mkdir(exist_ok=True)
    (root / "e").mkdir(exist_ok=True)
    assert cv2.imwrite(str(root / "i" / f"{stem}.png"), image)
    if edge is not None:
        assert cv2.imwrite(str(root / "e" / f"{stem}.png"), edge)
    return f"pairs:{root / 'i'},{root / 'e'}"


def test_size_mismatch_names_both_files(tmp_path):
    image, edge = rectangles()
    spec = _pair(tmp_path, "a", image, edge[:30])
    with pytest.raises(DataError) as error:
        load_edges(spec)
    assert "a.png" in error.value.message and str(tmp_path / "i") in error.value.message
    assert str(tmp_path / "e") in error.value.message and "56x40" in error.value.message


def test_bad_edge_maps_and_images_are_converted_skipped_or_downscaled(tmp_path):
    image, edge = rectangles()
    _pair(tmp_path, "soft", image, (edge * 0.7).astype(np.uint8))  # anti-aliased: values in between
    _pair(tmp_path, "inverse", image, 255 - edge)  # dark lines on white
    _pair(tmp_path, "tiny", image[:10, :12], edge[:10, :12])
    _pair(tmp_path, "alone", image, None)
    spec = _pair(tmp_path, "huge", np.zeros((20, 4010, 3), np.uint8), np.zeros((20, 4010), np.uint8))
    data = load_edges(spec)
    names = {s.name: s for s in data.train}
    assert set(names) == {"soft", "inverse", "huge"}
    notes = " ".join(data.notes)
    assert "thresholded at 0.5" in notes and "soft.png" in notes and "inverted" in notes
    assert np.array_equal(names["soft"].truths[0], edge >= 128 * 0.7 + 0.5)
    assert np.array_equal(names["inverse"].truths[0], edge > 0)
    assert names["huge"].image.shape == (20, 4000, 3) and "downscaled" in notes
    skipped = dict(data.skipped)
    assert "smaller than 16 px" in skipped[str(tmp_path / "i" / "tiny.png")]
    assert "without an edge map" in skipped[str(tmp_path / "i" / "alone.png")]


def test_bad_specs_and_options(pairs, tmp_path):
    with pytest.raises(DataError, match="pairs:IMGDIR,EDGEDIR"):
        load_edges(f"pairs:{tmp_path}")
    with pytest.raises(DataError, match="cannot read"):
        load_edges("mnist:somewhere")
    with pytest.raises(ConfigError, match="colour"):
        TASK.prepare(config(pairs, options={"colour": 1}))
    with pytest.raises(ConfigError, match="needs annotated data"):
        TASK.prepare(config(f"images:{pairs.split(':')[1].split(',')[0]}", options={"target": "human"}))


@pytest.mark.shared_data
@pytest.mark.skipif(not BSDS.is_dir(), reason="BSDS500 is not in ../shared/data")
def test_bsds_reads_every_annotator_and_trains_landscape():
    data = load_edges(f"bsds:{BSDS}?limit=2")
    assert len(data.train) == 4 and len(data.test) == 2 and len(data.train[0].truths) >= 4
    prepared = TASK.prepare(config(f"bsds:{BSDS}?limit=2", options={"scale": 0.25}))
    assert prepared.train[0].shape[2:] == (80, 120)
    target = prepared.train[1]
    assert 0 < float(target.mean()) < float((target > 0).float().mean()) < 0.5  # soft: annotators disagree
    assert float(target.max()) == 1.0


# ---- targets, loss, metrics ----

def test_targets_canny_and_sobel_from_the_image(pairs):
    for target in ("canny", "sobel"):
        y = TASK.prepare(config(pairs, options={"target": target})).train[1]
        assert set(torch.unique(y).tolist()) == {0.0, 1.0} and 0.01 < float(y.mean()) < 0.3


def test_balanced_loss_reads_like_plain_bce():
    target = (torch.rand(2, 1, 20, 20) < 0.05).float()
    assert float(balanced_bce(torch.zeros(2, 4, 20, 20), target)) == pytest.approx(math.log(2), rel=1e-5)
    # all-negative guess: the few positives cost as much as all the negatives together
    wrong = balanced_bce(torch.full((2, 1, 20, 20), -5.0), target)
    right = balanced_bce(torch.where(target > 0, 5.0, -5.0), target)
    assert float(wrong) > 2.0 > 0.01 > float(right)


def test_f1_with_slack():
    target = torch.zeros(1, 1, 10, 10)
    target[0, 0, 5, :] = 1
    assert f1_scores(f1_counts(torch.where(target > 0, 1.0, -1.0), target))["f1"] == 1.0
    shifted = torch.roll(torch.where(target > 0, 1.0, -1.0), 2, 2)  # 2 px off: within the slack
    assert f1_scores(f1_counts(shifted, target))["f1"] == 1.0
    assert f1_scores(f1_counts(torch.roll(shifted, 1, 2), target))["f1"] == 0.0


def test_augment_flips_image_and_target_together(pairs):
    prepared = TASK.prepare(config(pairs))
    x, y = prepared.train[0][:8], prepared.train[0][:8, :1].clone()
    ax, ay = TASK.augment_batch(x, y, config(pairs, augment=True))
    assert torch.equal(ax[:, :1], ay) and not torch.equal(ax, x)


def test_prediction_keeps_size_and_orientation(pairs):
    prepared = TASK.prepare(config(pairs, options={"test_scales": "0.5,1"}))
    assert prepared.info["test_scales"] == [0.5, 1.0]
    model = TASK.build_model(config(pairs), prepared.info)
    image = rectangles((23, 17))[0]
    assert TASK.predict_map(model, image, prepared.info, "cpu").shape == (23, 17)
    with pytest.raises(ConfigError, match="list of numbers"):
        TASK.prepare(config(pairs, options={"test_scales": "big"}))


# ---- training ----

def test_tiny_training_loss_falls_and_events(pairs):
    events = []
    cfg = config(pairs + "?test=0.25", epochs=12, lr=0.03, hidden=8, options={"target": "canny", "width": 8})
    result = Trainer(cfg, events.append).run()
    assert result["reason"] == "done", result
    losses = [e.values["loss"] for e in events if isinstance(e, Metrics) and e.split == "train"]
    assert losses[-1] < 0.75 * losses[0], losses
    metrics = result["metrics"]
    assert {"test_ods", "test_ois", "test_ap", "test_canny_ods", "test_sobel_ods", "test_f1"} <= set(metrics)
    assert all(0 <= metrics[k] <= 1 for k in ("test_ods", "test_canny_ods", "test_sobel_ods"))
    kinds = {e.kind for e in events if isinstance(e, Snapshot)}
    assert kinds == {"edge_map", "pr_curve", "sweeps", "grad_norms"}  # the Inside tab's sweeps and gradient too
    shot = next(e for e in events if isinstance(e, Snapshot) and e.meta.get("split") == "test")
    assert {"image", "model", "thin", "canny", "sobel", "truth"} <= set(shot.arrays)  # the annotators' too
    assert shot.arrays["model"].shape == shot.arrays["image"].shape[:2] == shot.arrays["truth"].shape
    assert 0 <= shot.arrays["truth"].min() and shot.arrays["truth"].max() <= 1
    # the long test phase says which part it is in: the maps, then each benchmark, image by image
    details = {e.detail for e in events if isinstance(e, Phase) and e.name == "testing"}
    assert {"edge maps", "recurrent benchmark", "Canny benchmark", "Sobel benchmark"} <= details, details
    pr = next(e for e in events if isinstance(e, Snapshot) and e.kind == "pr_curve")
    test_shots = [e for e in events
                  if isinstance(e, Snapshot) and e.kind == "edge_map" and e.meta.get("split") == "test"]
    assert len(pr.meta["names"]) >= len(test_shots) and test_shots[0].meta["name"] == pr.meta["names"][0]


def test_cli_defaults_and_flags():
    args = build_parser().parse_args(["train", "--task", "edges", "--target", "sobel", "--option", "scale=0.25",
                                      "--option", "baselines=false", "--hidden", "16"])
    cfg = config_from_args(args)
    assert (cfg.hidden, cfg.layers, cfg.batch) == (16, 1, 4)  # flag, then the task's own defaults
    assert cfg.options == {"target": "sobel", "scale": 0.25, "baselines": False}
    assert config_from_args(build_parser().parse_args(["train"])) == RunConfig()  # classify unchanged


def test_cli_train_then_predict(pairs, tmp_path, capsys):
    out = tmp_path / "run"
    code = main(["train", "--task", "edges", "--data", pairs + "?test=0.25", "--cell", "lstm", "--hidden", "4",
                 "--epochs", "2", "--batch", "4", "--threads", "1", "--device", "cpu", "--no-augment",
                 "--option", "scale=1", "--option", "width=4", "--option", "bench_thresholds=5",
                 "--out", str(out), "--json"])
    assert code == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert {"test_ods", "test_ois", "test_ap", "test_canny_ods", "test_sobel_ods"} <= set(result["metrics"])
    assert {"ods", "ois", "ap", "canny_ods", "sobel_ods"} <= set(result["metrics"])
    image, _ = rectangles((30, 21))
    path = tmp_path / "photo.png"
    cv2.imwrite(str(path), image)
    code = main(["predict", "--checkpoint", str(out / "model.ckpt"), str(path), "--out", str(tmp_path / "maps"),
                 "--json"])
    assert code == 0
    written = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["edges"][0]
    for key in ("edges", "thin"):
        assert cv2.imread(written[key], cv2.IMREAD_GRAYSCALE).shape == (30, 21)
    video = tmp_path / "clip.avi"
    write_video(video, [np.roll(image[:, :, ::-1], t, 1) for t in range(5)], 10)
    code = main(["predict", "--checkpoint", str(out / "model.ckpt"), str(video), "--out", str(tmp_path / "maps"),
                 "--json"])
    assert code == 0
    written = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["edges"][0]
    assert written["frames"] == 5 and read_frames(written["video"]).shape == (5, 30, 44, 3)  # input | edges (+1 col)
    assert main(["predict", "--checkpoint", str(out / "model.ckpt"), str(path)]) == 2  # no --out
    assert "--out" in capsys.readouterr().err
    code = main(["evaluate", "--checkpoint", str(out / "model.ckpt"), "--data", pairs + "?test=0.25",
                 "--thresholds", "3", "--json"])
    assert code == 0
    again = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["metrics"]
    assert {"test_ods", "test_canny_ods", "test_f1"} <= set(again) and 0 <= again["test_ods"] <= 1


def test_incomplete_edges_checkpoint_is_refused(tmp_path, capsys):
    from engine import checkpoint

    path = checkpoint.save(tmp_path / "bad.ckpt", {}, {"task": "edges"}, {"task": "edges"}, {})
    assert main(["evaluate", "--checkpoint", str(path), "--data", "bsds:nowhere"]) == 2
    assert "lacks its preprocessing" in capsys.readouterr().err
