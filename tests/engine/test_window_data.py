"""engine.data.window_data (any task's data for the window), the guesses for dropped paths, and the
torch-free parameter count of the edge model."""
from __future__ import annotations

import threading
from pathlib import Path

import cv2
import numpy as np
import pytest

from engine.config import RunConfig
from engine.data.guess import spec_for_path
from engine.data.window_data import load_for_window, loads, tasks_for, what_fits
from engine.errors import DataError
from engine.tasks import registry
from tiny_edges import write_pairs

BSDS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "bsds500"


def write_photos(folder: Path, n: int = 5) -> Path:
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for i in range(n):
        cv2.imwrite(str(folder / f"{i}.png"), rng.integers(0, 256, (40, 56, 3)).astype(np.uint8))
    return folder


def test_classification_data_and_its_summary():
    data = load_for_window("demo")
    assert data.task == "classify" and data.tasks == ("classify",) and data.fits("classify")
    assert not data.fits("edges")
    s = data.summary
    assert len(s.thumbnails) == len(s.captions) == 60 and s.thumbnails[0].dtype == np.uint8
    assert set(s.captions) <= {str(d) for d in range(10)}
    assert any("train" in line and "test" in line for line in s.lines)


def test_edge_pairs_summary_shows_photos_with_their_edges(tmp_path):
    images, edges = write_pairs(tmp_path, n=6)
    data = load_for_window(f"pairs:{images},{edges}?test=0.5", "edges")
    assert data.task == "edges" and data.kind == "pairs" and len(data.data.train) == 3
    s = data.summary
    assert s.captions[:2] == [data.data.train[0].name, "edges"]
    assert s.thumbnails[1].ndim == 2 and s.thumbnails[1].max() == 255  # the boundary map, lines kept
    assert "3 train · 3 test photos" in s.lines[0] and "annotator" in s.lines[2]


def test_plain_photos_are_edges_data_without_annotations(tmp_path):
    folder = write_photos(tmp_path / "photos")
    (folder / "broken.png").write_bytes(b"not a png")
    data = load_for_window(f"images:{folder}", "classify")  # asked for classify: read for the task it fits
    assert data.task == "edges" and not data.fits("classify")
    assert len(data.summary.thumbnails) == 5 and "Canny or Sobel" in data.summary.lines[2]
    assert [Path(p).name for p, _ in data.skipped] == ["broken.png"]


def test_a_kind_read_by_two_tasks_gets_the_task_asked_for(monkeypatch):
    seen = []
    for task in ("edges", "segment"):  # each task's own window reader (engine/tasks/<task>/window.py)
        monkeypatch.setattr(registry.spec(task).window_reader(), "read",
                            lambda spec, progress, cancel, task=task: seen.append(task) or (None, None))
    assert load_for_window("pairs:a,b", "segment").task == "segment" and seen == ["segment"]
    assert load_for_window("pairs:a,b", "classify").task == "edges" and seen[-1] == "edges"
    assert load_for_window("pairs:a,b").tasks == ("edges", "segment")


def test_unknown_kinds_videos_and_cancel_say_what_to_do(tmp_path):
    with pytest.raises(DataError, match="Unknown data kind"):
        load_for_window("nonsense:x")
    with pytest.raises(DataError, match="video") as error:
        load_for_window(f"video:{tmp_path / 'a.mp4'}")
    assert "Live tab" in error.value.hint
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(DataError, match="cancelled"):
        load_for_window(f"images:{write_photos(tmp_path / 'p')}", cancel=cancel)
    assert loads("demo") and not loads("video:x.mp4") and tasks_for("bsds:x") == ("edges",)
    assert "BSDS500" in what_fits("edges")


def test_guess_knows_photo_folders_bsds_and_videos(tmp_path):
    photos = write_photos(tmp_path / "photos")
    assert spec_for_path(photos) == f"images:{photos}"
    bsds = tmp_path / "BSR"
    (bsds / "images" / "train").mkdir(parents=True)
    (bsds / "groundTruth" / "train").mkdir(parents=True)
    assert spec_for_path(bsds) == f"bsds:{bsds}"
    clip = tmp_path / "clip.MP4"
    clip.write_bytes(b"\0" * 10)
    assert spec_for_path(clip) == f"video:{clip}"
    classes = tmp_path / "classes"
    write_photos(classes / "cat")
    assert spec_for_path(classes) == f"folder:{classes}"


@pytest.mark.skipif(not BSDS.is_dir(), reason="shared BSDS500 data not present")
def test_the_shared_bsds_folder_is_recognised():
    assert spec_for_path(BSDS) == f"bsds:{BSDS}"


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("layers,bidirectional,width", [(1, True, 16), (2, False, 8)])
def test_edge_parameter_count_without_torch_matches_the_model(cell, layers, bidirectional, width):
    from engine.models.edge_net import EdgeReNet

    model = EdgeReNet(cell, 12, layers, bidirectional, 0.0, width)
    config = RunConfig(task="edges", cell=cell, hidden=12, layers=layers, bidirectional=bidirectional,
                       options={"width": width})
    assert registry.parameter_count(config, (3, 0, 0), 0) == sum(p.numel() for p in model.parameters())
    assert registry.metric("edges") == "f1" and registry.metric("classify") == "accuracy"
