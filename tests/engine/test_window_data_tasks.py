"""engine.data.window_data for the segment, predict and video-classify tasks: loaders, summaries, demos, the
splits a run gets, and the guesses for a Weizmann folder, an .npz of sequences and class folders of videos."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from engine.data.guess import spec_for_path
from engine.data.video import write_video
from engine.data.window_data import demo_for, load_for_window, loads, splits_for_run, tasks_for, what_fits
from engine.errors import DataError


def test_shapes_summary_shows_each_image_beside_its_coloured_mask():
    data = load_for_window("shapes:12", "segment")
    assert data.task == "segment" and data.tasks == ("segment", "edges") and len(data.data.train) == 9
    s = data.summary
    assert s.captions[:2] == ["shape0000", "mask"]
    assert s.thumbnails[1].shape == s.thumbnails[0].shape and s.thumbnails[1].ndim == 3
    assert "9 train · 3 test images" in s.lines[0] and s.lines[2].startswith("4 classes: background")
    assert splits_for_run(data, {"task": "segment"}) is data.data and splits_for_run(data, {"task": "edges"}) is None


def test_moving_digits_are_sequences_for_predict_and_clips_for_video_classify():
    seq = load_for_window("moving:20", "predict")
    assert seq.task == "predict" and seq.tasks == ("predict", "video-classify")
    assert seq.data.train.frames.shape[1:] == (20, 1, 64, 64) and len(seq.summary.thumbnails) == 18
    assert splits_for_run(seq, {"task": "predict", "options": {}}) is seq.data
    cut = splits_for_run(seq, {"task": "predict", "options": {"context": 4, "horizon": 2}})
    assert cut.train.frames.shape[1] == 6 and np.array_equal(cut.test.frames, seq.data.test.frames[:, :6])
    assert splits_for_run(seq, {"task": "predict", "options": {"context": 15, "horizon": 10}}) is None  # too short
    assert splits_for_run(seq, {"task": "video-classify"}) is None  # read for another task

    clips = load_for_window("moving:20", "video-classify")
    assert clips.task == "video-classify" and clips.data.train.labels is not None
    assert any("10 classes" in line for line in clips.summary.lines)
    assert splits_for_run(clips, {"task": "video-classify", "options": {"label": "digit"}}) is clips.data
    assert splits_for_run(clips, {"task": "video-classify", "options": {"label": "direction"}}) is None


def test_videos_load_only_as_frame_prediction_data(tmp_path):
    frames = [np.full((32, 32, 3), 8 * t, np.uint8) for t in range(24)]
    write_video(tmp_path / "clip.avi", frames, 10)
    assert not loads(f"video:{tmp_path / 'clip.avi'}")  # opening a video plays it, unless the task is predict
    with pytest.raises(DataError, match="Predict frames"):
        load_for_window(f"video:{tmp_path / 'clip.avi'}", "classify")
    data = load_for_window(f"video:{tmp_path / 'clip.avi'}", "predict")
    assert data.task == "predict" and data.data.train.frames.shape[1:] == (20, 1, 64, 64)


def test_demos_needs_and_guesses(tmp_path):
    assert [demo_for(t) for t in ("classify", "segment", "predict", "edges")] == \
        ["demo", "shapes", "moving:1000", "shapes:120"]
    assert tasks_for(demo_for("edges")) == ("segment", "edges")
    assert tasks_for(demo_for("video-classify")) == ("predict", "video-classify")
    assert "Weizmann" in what_fits("segment") and ".npz" in what_fits("predict")
    horse = tmp_path / "horse"
    for name in ("rgb", "figure_ground"):
        (horse / name).mkdir(parents=True)
    assert spec_for_path(horse) == f"weizmann:{horse}"
    np.savez(tmp_path / "seq.npz", frames=np.zeros((2, 4, 8, 8), np.uint8))
    assert spec_for_path(tmp_path / "seq.npz") == f"mmnist:{tmp_path / 'seq.npz'}"
    (tmp_path / "clips" / "walk").mkdir(parents=True)
    (tmp_path / "clips" / "walk" / "a.mp4").write_bytes(b"")
    assert spec_for_path(tmp_path / "clips") == f"videos:{tmp_path / 'clips'}"


def test_pairs_are_masks_for_segment_and_edge_maps_for_edges(tmp_path):
    rng = np.random.default_rng(0)
    for name in ("img", "mask"):
        (tmp_path / name).mkdir()
    for i in range(4):
        mask = np.zeros((24, 32), np.uint8)
        mask[4:16, 6:20] = 255
        cv2.imwrite(str(tmp_path / "img" / f"{i}.png"), rng.integers(0, 256, (24, 32, 3)).astype(np.uint8))
        cv2.imwrite(str(tmp_path / "mask" / f"{i}.png"), mask)
    spec = f"pairs:{tmp_path / 'img'},{tmp_path / 'mask'}"
    masks = load_for_window(spec, "segment")
    assert masks.task == "segment" and masks.data.class_names == ["background", "foreground"]
    assert masks.summary.captions[:2] == ["0", "mask"] and "2 classes" in masks.summary.lines[2]
    assert load_for_window(spec, "edges").task == "edges"


def test_the_shapes_demo_serves_edges_with_the_true_outlines_as_targets():
    from engine.data.edge_data import outlines

    mask = np.zeros((6, 6), np.uint8)
    mask[2:4, 2:5] = 1
    edge = outlines(mask)
    assert edge[1, 2] and edge[3, 2] and edge[2, 1] and edge[2, 4] and not edge[0, 0] and not edge[5, 5]
    data = load_for_window("shapes:8", "edges")
    assert data.task == "edges" and data.data.annotated
    sample = data.data.test[0]
    assert sample.image.shape == (128, 128, 3) and len(sample.truths) == 1
    assert 0.005 < sample.truths[0].mean() < 0.2  # thin outlines, not filled shapes
    assert load_for_window("shapes:8", "segment").task == "segment"
