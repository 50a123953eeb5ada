"""The segment task: metrics by hand, the model's shapes, augmentation, a real tiny training, CLI predict."""
import json
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from engine.cli import main
from engine.config import RunConfig
from engine.errors import ConfigError
from engine.events import Snapshot
from engine.models.seg_net import SegReNet
from engine.tasks.segment import metrics as sm
from engine.tasks.segment.task import TASK, seg_loss
from engine.training import Trainer


def config(data="shapes:48?size=32", **changes):
    options = {"width": 8, **changes.pop("options", {})}
    values = dict(task="segment", data=data, cell="gru", hidden=8, layers=1, epochs=2, batch=8, lr=0.01,
                  val_fraction=0.2, device="cpu", threads=1, augment=False, options=options)
    return RunConfig(**{**values, **changes})


# ---- metrics ----

def test_scores_match_hand_computed_values():
    truth = torch.tensor([[0, 0, 1, 1], [0, 2, 2, 255]])
    pred = torch.tensor([[0, 1, 1, 1], [0, 2, 0, 1]])
    matrix = sm.confusion(pred, truth, 3)
    assert matrix.sum() == 7  # the void pixel is left out
    s = sm.scores(matrix)
    assert s["pixel_accuracy"] == pytest.approx(5 / 7)
    # class 0: TP 2, FP 1 (a 2 called 0), FN 1 -> 2/4; class 1: TP 2, FP 1 -> 2/3; class 2: TP 1, FN 1 -> 1/2
    assert (s["iou_0"], s["iou_1"], s["iou_2"]) == pytest.approx((0.5, 2 / 3, 0.5))
    assert s["miou"] == pytest.approx((0.5 + 2 / 3 + 0.5) / 3)
    # foreground merged: truth fg 4 px, predicted fg 4 px, both fg 3 px -> IoU 3/5, Dice 6/8
    assert s["fg_iou"] == pytest.approx(3 / 5) and s["dice"] == pytest.approx(6 / 8)


def test_image_iou_and_empty_cases():
    truth = np.array([[0, 1], [1, 1]])
    assert sm.image_iou(np.array([[0, 1], [0, 1]]), truth) == pytest.approx(2 / 3)
    assert sm.image_iou(np.zeros((2, 2)), np.zeros((2, 2))) == 1.0
    assert sm.image_iou(np.array([[0, 2], [2, 2]]), truth) == 0.0  # found where it is, but named wrongly
    assert sm.image_iou(np.array([[0, 1], [2, 2]]), np.array([[0, 1], [2, 255]])) == 1.0  # void not scored


def test_loss_is_low_for_the_right_answer_and_ignores_void():
    target = torch.randint(0, 3, (2, 8, 8))
    right = torch.nn.functional.one_hot(target, 3).permute(0, 3, 1, 2).float() * 20
    wrong = right.roll(1, 1)
    assert seg_loss(right, target) < 0.05 < 1.0 < seg_loss(wrong, target)
    voided = target.clone()
    voided[:, :4] = sm.VOID
    half = right.clone()
    half[:, :, :4] = wrong[:, :, :4]  # wrong only where the truth is void
    assert seg_loss(half, voided) < 0.05


# ---- model and augmentation ----

@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("size", [(17, 23), (32, 32)])
def test_model_gives_logits_at_full_resolution(cell, size):
    model = SegReNet(3, cell, hidden=4, layers=2, width=4, patch=2)
    logits, states = model(torch.rand(2, 3, *size), return_states=True)
    assert logits.shape == (2, 3, *size) and {"rows1", "cols2"} <= set(states)


def test_augmentation_moves_image_and_mask_together():
    image = torch.zeros(4, 3, 32, 32)
    image[:, :, 4:12, 2:10] = 1.0
    mask = (image[:, 0] > 0.5).long()
    out, target = TASK.augment_batch(image, mask, config(augment=True, options={"zoom": 1.5}))
    assert target.dtype == torch.long and set(target.unique().tolist()) <= {0, 1}
    assert not torch.equal(out, image.clamp(0, 1))  # something changed
    bright = out.mean(1) > out.mean((1, 2, 3), keepdim=True)[:, 0]
    agree = (bright == (target == 1)).float().mean()
    assert agree > 0.97


def test_unknown_option_is_a_config_error():
    with pytest.raises(ConfigError, match="Unknown option"):
        TASK.prepare(config(options={"sidee": 3}))


# ---- training, snapshots, checkpoint, CLI ----

def write_blobs(root: Path, count: int = 64, size: int = 32) -> str:
    """Image / mask PNG pairs: an ellipse a little lighter or darker than a noisy background."""
    rng = np.random.default_rng(0)
    (root / "img").mkdir()
    (root / "mask").mkdir()
    for i in range(count):
        mask = np.zeros((size, size), np.uint8)
        centre = tuple(int(v) for v in rng.integers(8, size - 8, 2))
        axes = tuple(int(v) for v in rng.integers(3, 8, 2))
        cv2.ellipse(mask, centre, axes, float(rng.uniform(0, 180)), 0, 360, 255, -1)
        level = rng.uniform(60, 190)
        image = level + np.where(mask > 0, rng.choice([-50, 50]), 0) + rng.normal(0, 10, (size, size))
        cv2.imwrite(str(root / "img" / f"b{i:02d}.png"), np.clip(image, 0, 255).astype(np.uint8))
        cv2.imwrite(str(root / "mask" / f"b{i:02d}.png"), mask)
    return f"pairs:{root / 'img'},{root / 'mask'}?test=0.25"


@pytest.fixture(scope="module")
def blobs(tmp_path_factory):
    return write_blobs(tmp_path_factory.mktemp("blobs"))


@pytest.fixture(scope="module")
def trained(tmp_path_factory, blobs):
    out = tmp_path_factory.mktemp("seg")
    events = []
    cfg = config(blobs, hidden=8, epochs=10, lr=0.01, batch=4, out=str(out))
    result = Trainer(cfg, events.append, snapshot_every_s=1e9).run()
    return result, events, out


def test_tiny_training_beats_the_all_background_baseline(trained):
    result, _, _ = trained
    assert result["reason"] == "done", result
    m = result["metrics"]
    # all background scores pixel accuracy ~0.9 and foreground IoU 0 on these blobs
    assert m["test_fg_iou"] > 0.6 and m["test_pixel_accuracy"] > 0.95
    assert {"test_miou", "test_dice", "test_iou_1"} <= set(m)


def test_snapshots_for_the_window(trained):
    _, events, _ = trained
    shots = [e for e in events if isinstance(e, Snapshot)]
    probe = next(s for s in shots if s.kind == "mask" and "iou" not in s.meta)
    assert probe.arrays["image"].shape == (32, 32, 3) and probe.arrays["prediction"].shape == (32, 32)
    assert probe.meta["class_names"][0] == "background" and len(probe.meta["colours"]) == 2
    gallery = [s for s in shots if s.kind == "mask" and "iou" in s.meta]
    ious = [s.meta["iou"] for s in gallery]
    assert len(gallery) == 16 and ious == sorted(ious)  # every test image, worst first
    scores = next(s for s in shots if s.kind == "mask_scores")
    assert len(scores.arrays["iou"]) == 16 and scores.arrays["iou"][0] == pytest.approx(ious[0])


def test_predict_writes_masks_and_evaluate_repeats_the_figures(trained, blobs, tmp_path, capsys):
    result, _, out = trained
    folder = Path(blobs.split(":", 1)[1].split(",")[0])
    truth = cv2.imread(str(folder.parent / "mask" / "b05.png"), cv2.IMREAD_GRAYSCALE)
    path = tmp_path / "photo.png"  # a blob image at another size than the training images
    cv2.imwrite(str(path), cv2.resize(cv2.imread(str(folder / "b05.png")), (50, 40)))
    (tmp_path / "broken.png").write_bytes(b"nope")
    code = main(["predict", "--checkpoint", str(out / "model.ckpt"), str(path), str(tmp_path / "broken.png"),
                 "--out", str(tmp_path / "masks"), "--threads", "1", "--json"])
    assert code == 1  # one file could not be read; the other was written
    lines = capsys.readouterr()
    mask = cv2.imread(str(tmp_path / "masks" / "photo_mask.png"), cv2.IMREAD_UNCHANGED)
    overlay = cv2.imread(str(tmp_path / "masks" / "photo_overlay.png"))
    assert mask.shape == (40, 50) and overlay.shape == (40, 50, 3) and set(np.unique(mask)) == {0, 255}
    truth = cv2.resize(truth, (50, 40), interpolation=cv2.INTER_NEAREST)
    assert sm.image_iou(mask, truth) > 0.5  # the blob found
    assert "broken.png: error" in lines.err
    code = main(["evaluate", "--checkpoint", str(out / "model.ckpt"), "--data", blobs,
                 "--threads", "1", "--json"])
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["metrics"]
    assert code == 0 and figures["test_miou"] == pytest.approx(result["metrics"]["test_miou"], abs=1e-6)


def test_cli_train_json_has_plain_metric_names(tmp_path, capsys):
    code = main(["train", "--task", "segment", "--data", "shapes:24?size=24", "--hidden", "4", "--layers", "1",
                 "--epochs", "1", "--threads", "1", "--option", "width=4", "--option", "side=24",
                 "--out", str(tmp_path / "run"), "--json"])
    assert code == 0
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert {"pixel_accuracy", "miou", "fg_iou", "dice"} <= set(line["metrics"])
    assert Path(line["checkpoint"]).is_file()
