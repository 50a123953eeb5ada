"""The window with the edges task: photo folders switch the task, a real short training fills the edges
Results page, and the Live tab's video mode plays a generated clip through an edges model and exports it.

Data are generated: 48x64 photos of coloured rectangles (and their boundary maps for pairs). Trainings are
one epoch of a tiny model on one thread; a throwaway QSettings keeps the user's settings untouched.
"""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from engine.config import RunConfig
from engine.data.video import read_frames, write_video
from window_helpers import load_data, train_to_end

TRAIN_TIMEOUT_MS = 90_000
TINY = {"hidden": 4, "epochs": 1, "batch": 4, "threads": 1, "augment": False,
        "options": {"scale": 1.0, "width": 4, "bench_thresholds": 5, "test_scales": [1.0]}}


def rectangles(rng, h=48, w=64):
    image = rng.integers(90, 110, (h, w, 3)).astype(np.uint8)
    labels = np.zeros((h, w), np.int32)
    for k in range(1, 4):
        y0, x0 = rng.integers(2, h // 2), rng.integers(2, w // 2)
        y1, x1 = rng.integers(y0 + 6, h - 1), rng.integers(x0 + 6, w - 1)
        image[y0:y1, x0:x1] = rng.integers(0, 256, 3)
        labels[y0:y1, x0:x1] = k
    edge = np.zeros((h, w), bool)
    edge[:, 1:] |= labels[:, 1:] != labels[:, :-1]
    edge[1:, :] |= labels[1:, :] != labels[:-1, :]
    return image, (edge * 255).astype(np.uint8)


def write_photos(root: Path, n: int = 8, with_edges: bool = False) -> Path:
    rng = np.random.default_rng(0)
    (root / "images").mkdir(parents=True)
    if with_edges:
        (root / "edges").mkdir()
    for i in range(n):
        image, edge = rectangles(rng)
        cv2.imwrite(str(root / "images" / f"{i:02d}.png"), image)
        if with_edges:
            cv2.imwrite(str(root / "edges" / f"{i:02d}.png"), edge)
    return root / "images"


pytestmark = pytest.mark.usefixtures("private_cache")


def set_tiny(window) -> None:
    window.model_panel.set_config({**window.model_panel.config(), **TINY})


def test_a_photo_folder_switches_the_task_to_edges(window, qtbot, tmp_path):
    photos = write_photos(tmp_path / "photos")
    assert window.model_panel.current_task() == "classify"
    with qtbot.waitSignal(window.session.dataLoaded, timeout=20_000):
        window.controller.open_path(str(photos))
    panel = window.model_panel
    assert window.session.spec == f"images:{photos}" and panel.current_task() == "edges"
    assert "switched" in window.status_line.note_text()
    assert panel.epochs.value() == 20 and panel.batch.value() == 4  # the edges task's defaults
    assert not panel.read.isVisibleTo(panel) and panel.target.isVisibleTo(panel)
    assert panel.params.text().replace(",", "").strip("<b>/").isdigit()
    assert window.results.currentWidget() is window.edge_compare
    assert window.data_panel.thumbnails.count() == 8 and "Canny or Sobel" in window.data_panel.summary.text()
    assert not window.data_panel.fit.isVisibleTo(window)

    panel.set_task("classify")  # the data no longer fits: the panel says what to open, Train explains
    assert panel.read.isVisibleTo(panel) and panel.epochs.value() == RunConfig().epochs
    assert "Classify needs labelled images" in window.data_panel.fit.text()
    assert window.results.currentWidget() is not window.edge_compare
    window.actions_by_name["train"].trigger()
    qtbot.waitUntil(lambda: window.findChild(object, "error dialog") is not None, timeout=2000)
    assert window.session.state == "idle"


def test_a_short_edges_training_fills_the_results_page(window, qtbot, tmp_path):
    images = write_photos(tmp_path / "pairs", with_edges=True)
    load_data(window, qtbot, f"pairs:{images},{images.parent / 'edges'}?test=0.25", "edges", timeout=20_000)
    assert window.model_panel.current_task() == "edges"
    assert "annotator" in window.data_panel.summary.text()
    set_tiny(window)
    finished = train_to_end(window, qtbot, TRAIN_TIMEOUT_MS)
    assert finished.reason == "done", window.progress_label.text()
    compare = window.edge_compare
    assert window.results.currentWidget() is compare
    assert compare.labels()[0].startswith("probe: ") and any(k.startswith("test: ") for k in compare.labels())
    assert compare.images["model"].image is not None and not compare.pr_plot.isHidden()
    assert window.curves.metric_plot.series_data("val")[0].size >= 1  # f1 plotted, not an empty accuracy plot
    assert "F-measure" in window.progress_label.text() and "ODS" in window.progress_label.text()
    assert hasattr(window.session.predictor, "live_map") and window.video.predictor is window.session.predictor
    assert window.live_tab.mode() == "video"


def test_demo_with_the_edges_task_loads_the_shapes_and_their_outlines(window, qtbot):
    window.model_panel.set_task("edges")
    with qtbot.waitSignal(window.session.dataLoaded, timeout=30_000):
        window.actions_by_name["demo"].trigger()
    assert window.session.spec.startswith("shapes") and window.model_panel.current_task() == "edges"
    assert window.session.data.data.annotated and "annotator" in window.data_panel.summary.text()


@pytest.fixture(scope="module")
def edge_predictor(tmp_path_factory):
    """A tiny edges model trained for real (one epoch, the engine alone), loaded as the window loads one."""
    from engine.inference import load_predictor
    from engine.training import Trainer

    root = tmp_path_factory.mktemp("video-model")
    images = write_photos(root / "data")
    config = RunConfig(task="edges", data=f"images:{images}", cell="gru", device="cpu", val_fraction=0.25,
                       out=str(root / "run"), **{k: v for k, v in TINY.items()})
    assert Trainer(config).run()["reason"] == "done"
    return load_predictor(root / "run" / "model.ckpt", device="cpu")


@pytest.fixture
def clip(tmp_path) -> Path:
    rng = np.random.default_rng(1)
    frames = [np.roll(rectangles(np.random.default_rng(2), 96, 128)[0], 4 * t, axis=1) for t in range(24)]
    path = tmp_path / "clip.mp4"
    write_video(path, frames, fps=25)
    assert rng is not None
    return path


def test_live_video_plays_counts_fps_and_exports(qtbot, tmp_path, edge_predictor, clip):
    from gui.video_worker import EdgeVideoExport, VideoWorker
    from gui.views.video_edges import VideoEdgesView

    view = VideoEdgesView(VideoWorker, EdgeVideoExport)
    qtbot.addWidget(view)
    view.resize(900, 400)
    view.show()
    view.show_canny.setChecked(True)
    view.set_predictor(edge_predictor)
    view.play(f"video:{clip}", realtime=False)
    qtbot.waitUntil(lambda: view.play_button.text() == "Play", timeout=20_000)  # played to the end
    assert view.frames_shown >= 2 and view.last_fps > 0 and view.fps_label.text().endswith("fps")
    assert view.slider.maximum() == 23 and view.images["canny"].image.shape == (240, 320)
    assert view.images["model"].image.shape == (240, 320)
    out = tmp_path / "edges.mp4"
    with qtbot.waitSignal(view.exported, timeout=20_000):
        view.export(str(out))
    frames = read_frames(f"video:{out}")
    assert frames.shape == (24, 240, 640, 3)  # input | edges side by side at 320x240
    view.loop.setChecked(True)
    view.play(f"video:{clip}", realtime=False)
    qtbot.waitUntil(lambda: view.worker.processed > 30, timeout=20_000)  # past the clip's 24 frames
    assert view.play_button.text() == "Pause"
    view.shutdown()


def test_video_without_an_edges_model_explains(qtbot, clip):
    from gui.video_worker import EdgeVideoExport, VideoWorker
    from gui.views.video_edges import VideoEdgesView

    view = VideoEdgesView(VideoWorker, EdgeVideoExport)
    qtbot.addWidget(view)
    view.play(f"video:{clip}")
    assert view.worker is None and "edges model" in view.status.text()


def test_any_test_image_can_be_picked_and_shows_its_ground_truth(window, qtbot, tmp_path):
    """The run sends a few test images and every test image's name; one not sent is computed when picked, and a
    test image shows the annotators' boundaries in a fifth panel (the probe: the training target)."""
    images = write_photos(tmp_path / "pairs", n=28, with_edges=True)
    load_data(window, qtbot, f"pairs:{images},{images.parent / 'edges'}?test=0.25", "edges", timeout=20_000)
    set_tiny(window)
    assert train_to_end(window, qtbot, TRAIN_TIMEOUT_MS).reason == "done"
    compare = window.edge_compare
    names = compare.catalogue()
    sent = [label for label in compare.labels() if label.startswith("test: ") and compare._items[label] is not None]
    assert len(names) == 7 and len(sent) < len(names)  # all named, a few sent
    assert set(compare.labels()) >= {f"test: {name}" for name in names}
    unsent = next(f"test: {n}" for n in names if f"test: {n}" not in sent)
    computed = compare.count()
    compare.picker.setCurrentText(unsent)
    assert "Computing" in compare.placeholder_text()
    qtbot.waitUntil(lambda: compare.current() is not None, timeout=30_000)
    assert compare.count() == computed + 1 and "truth" in compare.current()
    assert compare.visible_panels()[-1] == "truth" and compare.images["truth"].image is not None
    assert compare.titles["truth"].text.startswith("human")
    assert compare.composite().shape[1] > 5 * compare.current()["image"].shape[1]  # five panels exported
    compare.picker.setCurrentIndex(0)  # the probe: its training target in the same panel
    assert compare.truth_key() == "target" and compare.titles["truth"].text == "training target"
