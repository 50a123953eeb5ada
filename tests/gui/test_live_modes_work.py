"""Each Live mode gives its picture for a real tiny model, off the GUI thread (issue 13, Build 4): a photo's
recurrent | Canny | Sobel edges, a segmenter's class overlay with its legend (photo and video), a frame model's
rollout beside the clip's truth, a clip classifier's probabilities after each frame; bad input (not an image,
not a video, a clip too short for the model's context) gives a clear message, and Cancel drops a long job."""
from __future__ import annotations

import threading

import numpy as np

from engine.data.video import read_frames
from gui import live_work
from live_helpers import checkpoint, load_model, not_a_file_of_its_kind, write_clip, write_photo

WAIT_MS = 30_000


def open_in(window, qtbot, tmp_path_factory, task: str, mode: str):
    """The window with a tiny `task` model loaded and the Live tab at `mode`; that mode's view."""
    load_model(window, qtbot, checkpoint(tmp_path_factory, task))
    window.tabs.setCurrentWidget(window.live_tab)
    window.live_tab.show_mode(mode)
    assert window.live_tab.mode() == mode
    return window.live_page.views[mode]


def wait_for_message(qtbot, view) -> str:
    qtbot.waitUntil(lambda: view.message.problem, timeout=WAIT_MS)
    assert not view.busy.isVisible()
    return view.message.text()


# ---- edges ----
def test_a_photo_shows_recurrent_canny_and_sobel_edges_worked_off_the_gui_thread(window, qtbot, tmp_path_factory,
                                                                                 tmp_path, monkeypatch):
    view = open_in(window, qtbot, tmp_path_factory, "edges", "photo")
    predictor, threads = window.session.predictor, []
    edge_map = predictor.edge_map
    monkeypatch.setattr(predictor, "edge_map", lambda image: threads.append(threading.current_thread()) or
                        edge_map(image))
    view.open_source(f"image:{write_photo(tmp_path / 'photo.png')}")
    qtbot.waitUntil(lambda: view.shown("sobel") is not None, timeout=WAIT_MS)
    assert view.shown("image").shape == (72, 96, 3)
    for key in ("model", "canny", "sobel"):
        values = view.shown(key)
        assert values.shape == (72, 96) and 0 <= values.min() and values.max() <= 1 and values.max() > 0, key
    assert threads and threading.main_thread() not in threads
    assert "photo.png" in view.message.text() and not view.message.problem


def test_a_large_photo_is_shrunk_and_says_so(window, qtbot, tmp_path_factory, tmp_path):
    view = open_in(window, qtbot, tmp_path_factory, "edges", "photo")
    view.open_source(f"image:{write_photo(tmp_path / 'big.png', 900, 1200)}")
    qtbot.waitUntil(lambda: view.shown("model") is not None, timeout=WAIT_MS)
    assert view.shown("model").shape == (480, 640)
    assert "1200×900, shown at 640×480" in view.message.text()


def test_text_named_like_a_photo_gives_a_message(window, qtbot, tmp_path_factory, tmp_path):
    view = open_in(window, qtbot, tmp_path_factory, "edges", "photo")
    view.open_source(f"image:{not_a_file_of_its_kind(tmp_path / 'notes.png')}")
    text = wait_for_message(qtbot, view)
    assert "notes.png" in text and "Traceback" not in text and view.shown("model") is None


# ---- segmentation ----
def test_a_photo_shows_the_class_overlay_with_the_checkpoints_class_names(window, qtbot, tmp_path_factory, tmp_path):
    view = open_in(window, qtbot, tmp_path_factory, "segment", "masks")
    names = window.session.predictor.class_names
    view.open_source(f"image:{write_photo(tmp_path / 'photo.png')}")
    qtbot.waitUntil(lambda: view.overlay_array() is not None, timeout=WAIT_MS)
    assert view.overlay_array().shape == (72, 96, 3) and not view.transport.isVisibleTo(view)
    legend = view.legend.entries()
    assert [entry[0].rsplit(" ", 1)[0] for entry in legend] == names
    assert legend[0][1] is None and all(colour is not None for _, colour in legend[1:])  # background: see-through
    assert abs(sum(share for _, share in view.class_shares()) - 1) < 1e-6
    image, mask = view.panels.frame("image"), view.shown_mask()
    view.strength.setValue(0)
    assert np.array_equal(view.overlay_array(), image)
    view.strength.setValue(100)  # full strength: every class but the background in its legend colour
    colours = {name.rsplit(" ", 1)[0]: colour for name, colour in view.legend.entries()}
    lut = np.array([colours[name] or (0, 0, 0) for name in names], np.uint8)
    foreground = mask != 0
    assert np.array_equal(view.overlay_array()[foreground], lut[mask[foreground]])
    assert np.array_equal(view.overlay_array()[~foreground], image[~foreground])


def test_a_video_plays_through_the_segmenter_live(window, qtbot, tmp_path_factory, tmp_path):
    view = open_in(window, qtbot, tmp_path_factory, "segment", "masks")
    view.open_source(f"video:{write_clip(tmp_path / 'clip.mp4', 12)}")
    qtbot.waitUntil(lambda: view.overlay_array() is not None, timeout=WAIT_MS)
    assert view.transport.isVisibleTo(view) and view.slider.maximum() == 11
    assert view.overlay_array().shape == (240, 320, 3)  # the default video size
    assert "clip.mp4" in view.message.text() and "12 frames" in view.message.text()
    control = window.live_page.controls["masks"]
    qtbot.waitUntil(lambda: control.worker is not None and control.worker.processed >= 3, timeout=WAIT_MS)


def test_text_named_like_a_video_gives_a_message(window, qtbot, tmp_path_factory, tmp_path):
    view = open_in(window, qtbot, tmp_path_factory, "segment", "masks")
    view.open_source(f"video:{not_a_file_of_its_kind(tmp_path / 'notes.mp4')}")
    text = wait_for_message(qtbot, view)
    assert "notes.mp4" in text and not view.transport.isVisibleTo(view)


# ---- frame prediction ----
def test_a_clip_is_rolled_out_beside_its_truth_and_played(window, qtbot, tmp_path_factory, tmp_path):
    view = open_in(window, qtbot, tmp_path_factory, "predict", "rollout")
    assert view.frames() == 3  # the model's horizon, to start with
    view.set_frames(5)
    view.open_source(f"video:{write_clip(tmp_path / 'clip.mp4', 12)}")
    player = view.player
    qtbot.waitUntil(lambda: player.step_count() == 3 + 5, timeout=WAIT_MS)
    assert player.images["truth"] is not None and player._truth.shape[0] == 5 and player._prediction.shape[0] == 5
    assert player.state_channel_count() > 0 and len(player.frame_mse()) == 5
    qtbot.waitUntil(player.is_playing, timeout=5000)
    assert "read 3 frames and rolled out 5, beside its next 5 frames" in view.message.text()
    control, out = window.live_page.controls["rollout"], tmp_path / "rollout.gif"
    control.export(str(out))
    qtbot.waitUntil(lambda: view.message.text().startswith("Wrote "), timeout=WAIT_MS)
    assert view.message.text() == f"Wrote 8 frames to {out}." and len(read_frames(f"video:{out}")) == 8
    view.set_frames(10)  # longer than the clip: the truth ends where the clip does
    player.rollout_button.click()
    qtbot.waitUntil(lambda: player.step_count() == 3 + 10, timeout=WAIT_MS)
    assert player._truth.shape[0] == 9 and "the 9 frames the clip has after its context" in view.message.text()


def test_a_clip_shorter_than_the_context_gives_a_message(window, qtbot, tmp_path_factory, tmp_path):
    view = open_in(window, qtbot, tmp_path_factory, "predict", "rollout")
    clip = tmp_path / "short"  # a frame folder of two frames
    for i in range(2):
        write_photo(clip / f"{i:03d}.png", 64, 64)
    view.open_source(f"frames:{clip}")
    text = wait_for_message(qtbot, view)
    assert "short has 2 frame(s); this model reads 3 frames" in text and "at least 3 frames" in text
    assert view.player.step_count() == 0


def test_cancel_drops_a_long_rollout(window, qtbot, tmp_path_factory, tmp_path, monkeypatch):
    view = open_in(window, qtbot, tmp_path_factory, "predict", "rollout")
    started, stopped = threading.Event(), threading.Event()

    def slow(predictor, spec, frames, cancel, progress):
        started.set()
        progress(1, 4)
        cancel.wait(10)
        stopped.set()
        return {"context": np.zeros((3, 8, 8), np.uint8), "prediction": np.zeros((1, 8, 8), np.uint8)}, \
            {"name": "x", "truth_frames": 0}

    monkeypatch.setattr(live_work, "clip_rollout", slow)
    view.open_source(f"video:{write_clip(tmp_path / 'clip.mp4', 8)}")
    qtbot.waitUntil(lambda: started.is_set() and view.busy.isVisible(), timeout=WAIT_MS)
    assert "rolling out 3 frames" in view.busy.label.text()
    view.busy.cancel_button.click()
    assert not view.busy.isVisible()
    qtbot.waitUntil(stopped.is_set, timeout=5000)  # the work was told to stop
    qtbot.wait(100)
    assert view.player.step_count() == 0  # and its answer dropped


# ---- clip classification ----
def test_a_clip_shows_class_probabilities_after_each_frame(window, qtbot, tmp_path_factory, tmp_path):
    view = open_in(window, qtbot, tmp_path_factory, "video-classify", "clip")
    names = window.session.predictor.class_names
    view.open_source(f"video:{write_clip(tmp_path / 'clip.mp4', 12)}")
    qtbot.waitUntil(lambda: view.frame_count() == 12, timeout=WAIT_MS)
    probabilities = view.probabilities()
    assert probabilities.shape == (12, len(names)) and np.allclose(probabilities.sum(1), 1, atol=1e-4)
    assert [name for name, _ in view.legend.entries()] == names
    assert len(view.plot.getPlotItem().listDataItems()) == len(names)
    name, p = view.answer(11)
    assert view.headline.text() == f"after 12 frames: {name} ({100 * p:.0f}%)"
    assert view.panels.frame("frame").shape == (64, 64) and view.cursor.value() == 12
    view.slider.setValue(0)
    assert view.headline.text().startswith("after 1 frame:") and view.cursor.value() == 1
    view.count.setValue(5)  # read at most 5 frames
    view.open_source(f"video:{tmp_path / 'clip.mp4'}")
    qtbot.waitUntil(lambda: view.frame_count() == 5, timeout=WAIT_MS)
    assert "trained on clips of 4 frames" in view.message.text()


def test_an_unreadable_clip_gives_a_message(window, qtbot, tmp_path_factory, tmp_path):
    view = open_in(window, qtbot, tmp_path_factory, "video-classify", "clip")
    view.open_source(f"video:{not_a_file_of_its_kind(tmp_path / 'notes.mp4')}")
    text = wait_for_message(qtbot, view)
    assert "notes.mp4" in text and view.frame_count() == 0


def test_a_clip_dropped_on_the_page_itself_is_read(window, qtbot, tmp_path_factory, tmp_path):
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    view = open_in(window, qtbot, tmp_path_factory, "video-classify", "clip")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(not_a_file_of_its_kind(tmp_path / "notes.txt"))),
                  QUrl.fromLocalFile(str(write_clip(tmp_path / "clip.mp4", 6)))])
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                      Qt.KeyboardModifier.NoModifier)
    view.dropEvent(drop)  # the text file is passed over, the clip taken
    assert drop.isAccepted()
    qtbot.waitUntil(lambda: view.frame_count() == 6, timeout=WAIT_MS)
