"""The window with the segment, predict and video-classify tasks: the Demo button loads each task's own data,
the model panel shows each task's settings, a real one-epoch training fills the segment Results page (worst
IoU first) and the predict player, a rollout of the asked length appears, masks and a GIF are written.

Data are the built-in generators at tiny sizes; models are one epoch of a few units on one thread.
"""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from engine.data import video_h264
from engine.data.video import read_frames
from window_helpers import load_data, train_to_end

TRAIN_TIMEOUT_MS = 90_000
TINY = {"hidden": 4, "layers": 1, "epochs": 1, "batch": 8, "threads": 1, "augment": False}


pytestmark = pytest.mark.usefixtures("private_cache")


def train(window, qtbot, **changes) -> None:
    panel = window.model_panel
    panel.set_config({**panel.config(), **TINY, **changes})
    finished = train_to_end(window, qtbot, TRAIN_TIMEOUT_MS)
    assert finished.reason == "done", window.progress_label.text()


def test_demo_button_loads_the_tasks_own_data_and_the_panel_its_settings(window, qtbot):
    panel = window.model_panel
    panel.set_task("segment")
    with qtbot.waitSignal(window.session.dataLoaded, timeout=30_000):
        window.data_panel.demoRequested.emit()
    assert window.session.spec == "shapes" and panel.current_task() == "segment"
    assert window.data_panel.thumbnails.labels()[1] == "mask"  # image, then its mask
    assert "4 classes" in window.data_panel.summary.text()
    assert window.results.currentWidget() is window.results_pages["masks"]
    file_menu = window.menuBar().actions()[0].menu()
    assert {window.actions_by_name[n] for n in ("export_masks", "export_frames")} <= set(file_menu.actions())
    assert panel.bidirectional.isVisibleTo(panel) and not panel.context.isVisibleTo(panel)

    panel.set_task("predict")
    assert [b.text() for b in panel.cell_group.buttons()] == ["ConvRNN", "ConvLSTM", "ConvGRU"]
    assert panel.config()["cell"] == "convlstm" and panel.context.isVisibleTo(panel)
    assert not panel.bidirectional.isVisibleTo(panel)
    panel.horizon.setValue(4)
    assert panel.config()["options"] == {"context": 10, "horizon": 4}
    panel.set_config({**panel.config(), "cell": "convgru", "options": {"context": 5, "horizon": 7}})  # a config file
    assert panel.cell_group.checkedButton().text() == "ConvGRU" and panel.config()["cell"] == "convgru"
    assert (panel.context.value(), panel.horizon.value()) == (5, 7)
    assert window.results.currentWidget() is window.results_pages["frames"]
    assert "Frame prediction needs sequences" in window.data_panel.fit.text()

    panel.set_task("video-classify")
    assert panel.config()["cell"] == "gru" and panel.label.isVisibleTo(panel)
    panel.label.setCurrentText("direction")
    assert panel.config()["options"] == {"label": "direction"}
    panel.set_task("classify")
    assert [b.text() for b in panel.cell_group.buttons()] == ["RNN", "LSTM", "GRU"]


def test_moving_digits_are_read_again_for_the_task_chosen(window, qtbot):
    load_data(window, qtbot, "moving:40", "predict")
    assert "sequences" in window.data_panel.summary.text()
    with qtbot.waitSignal(window.session.dataLoaded, timeout=30_000):
        window.model_panel.set_task("video-classify")  # the same spec fits it: read as labelled clips
    assert window.session.data.task == "video-classify" and "10 classes" in window.data_panel.summary.text()


def test_a_short_segment_training_shows_the_worst_images_first_and_exports_masks(window, qtbot, tmp_path):
    load_data(window, qtbot, "shapes:24", "segment")
    train(window, qtbot, options={"side": 32, "width": 4})
    pages = window.segment_page
    view = pages.view
    assert window.results.currentWidget() is window.results_pages["masks"]
    ious = [view.model.items[i]["iou"] for i in view.gallery_order()]
    assert len(ious) == 6 and ious == sorted(ious)  # the 6 test images, worst first
    assert view.current() == view.gallery_order()[0] and "rank 1 of 6" in view.caption.text()
    assert all(a is not None for a in view.panel_arrays().values())  # image | truth | prediction | errors
    assert view.probe_button.isEnabled()  # the live probe arrived during training
    assert "Mean IoU" in window.curves.metric_plot._title and "higher is better" in window.curves.metric_plot._title
    assert "mean IoU" in window.progress_label.text()

    written = pages.export_masks_to(str(tmp_path / "masks"))
    assert len(written) == 12 and all(p.stat().st_size > 0 for p in written)
    assert sorted(p.name for p in written)[0].endswith(("_mask.png", "_overlay.png"))
    # the status line names the folder, and Show in folder opens it
    assert window.status_line.note_text() == f"Wrote 12 PNG files to {tmp_path / 'masks'}."
    assert window.status_line.folder_url().toLocalFile() == str(tmp_path / "masks")


def test_a_short_predict_training_fills_the_player_and_rolls_out(window, qtbot, tmp_path, monkeypatch):
    load_data(window, qtbot, "moving:24?digits=1", "predict")
    assert window.model_panel.current_task() == "predict"
    train(window, qtbot, cell="convlstm", options={"context": 3, "horizon": 3})  # 20-frame data cut to 6
    pages, player = window.frames_page, window.frames_page.player
    assert window.results.currentWidget() is window.results_pages["frames"]
    assert pages.sequence_labels()[0] == "live probe" and "test sequence 1" in pages.sequence_labels()
    assert player.step_count() == 6 and player.state_channel_count() == 4  # 3 context + 3 predicted, 4 channels
    assert "lower is better" in window.curves.metric_plot._title
    # after training, the probe's state at every predicted frame: a rollout from its context gives its frames
    qtbot.waitUntil(lambda: np.ndim(pages.shown_sequence()[0]["state"]) == 4, timeout=20_000)
    arrays, _ = pages.shown_sequence()
    assert arrays["state"].shape == (3, 4, 16, 16) and arrays["prediction"].shape == (3, 64, 64)
    assert player.step_count() == 6
    assert "MSE per frame" in window.progress_label.text() and "lower is better" in window.progress_label.text()

    player.rolloutRequested.emit(500)  # a long one, cancelled: it says what it does, then leaves nothing
    assert "Rolling out 500 frames" in pages.busy.text() and not pages.busy.cancel_button.isHidden()
    qtbot.mouseClick(pages.busy.cancel_button, Qt.MouseButton.LeftButton)
    assert pages.busy.isHidden() and "rollout of 500 frames" not in pages.sequence_labels()
    with qtbot.waitSignal(pages.rolloutShown, timeout=20_000):
        player.rolloutRequested.emit(7)
    assert pages.sequence_labels()[-1] == "rollout of 7 frames" and pages.busy.isHidden()
    assert pages.chooser.currentIndex() == len(pages.sequence_labels()) - 1  # shown at once
    arrays, _ = pages.shown_sequence()
    assert arrays["prediction"].shape == (7, 64, 64) and arrays["prediction"].dtype == np.uint8
    assert arrays["state"].shape == (7, 4, 16, 16) and len(arrays["truth"]) == 3
    assert player.step_count() == 3 + 7

    gif = tmp_path / "rollout.gif"
    with qtbot.waitSignal(pages.videoWritten, timeout=20_000):
        pages.export_video_to(str(gif))
    frames = read_frames(f"video:{gif}")
    assert len(frames) == 10 and frames.shape[1:3] == (64, 3 * 64)  # context | truth | prediction per step
    assert window.status_line.note_text() == f"Wrote 10 frames to {gif}."
    assert window.status_line.folder_url().toLocalFile() == str(tmp_path)

    if video_h264.h264_ffmpeg() is not None:  # the MP4 is H.264 (by its own metadata) and reads back whole
        mp4 = tmp_path / "rollout.mp4"
        with qtbot.waitSignal(pages.videoWritten, timeout=20_000):
            pages.export_video_to(str(mp4))
        assert video_h264.video_codec(mp4) == "h264" and len(read_frames(f"video:{mp4}")) == 10
        assert window.status_line.note_text() == f"Wrote 10 frames to {mp4}."
    monkeypatch.setattr(video_h264, "h264_ffmpeg", lambda: None)  # no H.264 encoder: mp4v, and the note says so
    with qtbot.waitSignal(pages.videoWritten, timeout=20_000):
        pages.export_video_to(str(tmp_path / "fallback.mp4"))
    assert video_h264.video_codec(tmp_path / "fallback.mp4") in ("mpeg4", None)  # None: no ffmpeg to ask
    assert "mp4v" in window.status_line.note_text() and "imageio-ffmpeg" in window.status_line.note_text()


def test_a_short_clip_classification_fills_the_classify_results_page(window, qtbot):
    load_data(window, qtbot, "moving:40", "video-classify")
    train(window, qtbot, cell="gru", options={"label": "digit"})
    assert window.results.currentWidget() is window.results_pages["gallery"]
    gallery = window.gallery._model
    assert len(gallery.true) == 4 and gallery.class_names == [str(d) for d in range(10)]  # the 4 test clips
    assert gallery.images.shape[1:3] == (64, 64)  # each clip's last frame
    assert window.confusion._matrix.sum() == 4 and window.confusion._matrix.shape == (10, 10)
    # the gradient through time over the clip's frames reached the Inside tab's Gradients page
    gradients = window.gates.gradients
    qtbot.waitUntil(lambda: bool(gradients.run_labels()), timeout=5000)
    assert gradients.norms(gradients.run_labels()[-1]).shape == (10,)  # one norm per frame of the clip
    assert gradients._axis_label == "time step t = frame t"
