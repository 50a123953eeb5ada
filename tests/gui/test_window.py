"""The main window driven as a user drives it: load the demo, pick a cell, press Train, pause,
stop, draw on the Live tab, save and load files, and survive bad input.

Trainings are tiny (hidden 16, one CPU thread, 1 epoch on the built-in 8x8 digits) so the file runs
in well under a minute; a throwaway QSettings keeps the user's settings untouched.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from gui.main_window import MainWindow
from window_helpers import load_data, train_to_end

DEMO_TEST_SIZE = 359  # sklearn's 1,797 digits, a 20 % test split
TRAIN_TIMEOUT_MS = 60_000


def set_small_model(window, qtbot, epochs: int = 1, hidden: int = 16) -> None:
    panel = window.model_panel
    qtbot.mouseClick(panel.cell_group.button(2), Qt.MouseButton.LeftButton)  # GRU
    panel.hidden.setValue(hidden)
    panel.epochs.setValue(epochs)
    panel.threads.setValue(1)  # one thread: fast and fair on a shared, busy CPU


def train(window, qtbot, epochs: int = 1):
    """Press Train and wait for the run to finish; returns the Finished event."""
    set_small_model(window, qtbot, epochs)
    return train_to_end(window, qtbot, TRAIN_TIMEOUT_MS)


@pytest.fixture
def trained(window, qtbot):
    load_data(window, qtbot, "demo")
    train(window, qtbot)
    return window


def error_dialogs(window) -> list[QMessageBox]:
    return [box for box in window.findChildren(QMessageBox) if box.objectName() == "error dialog"
            and box.isVisible()]


def take_error(window, qtbot) -> str:
    """Wait for the one visible error dialog, close it, return its text (message + hint)."""
    qtbot.waitUntil(lambda: len(error_dialogs(window)) == 1, timeout=5000)
    box = error_dialogs(window)[0]
    text = f"{box.windowTitle()}\n{box.text()}\n{box.informativeText()}"
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not error_dialogs(window), timeout=2000)
    return text


# ---- data ----
def test_demo_data_shows_its_summary_and_thumbnails(window, qtbot):
    load_data(window, qtbot, "demo")
    summary = window.data_panel.summary.text()
    assert "demo" in summary and "digits" in summary.lower()
    assert "359 test" in summary
    assert window.data_panel.thumbnails.count() > 0
    assert not window.data_panel.loading.isVisible()
    assert window.model_panel.params.text() not in ("—", "— (load data to see)")


def test_parameter_count_follows_hidden_size(window, qtbot):
    load_data(window, qtbot, "demo")
    panel = window.model_panel
    panel.hidden.setValue(16)
    small = panel.params.text()
    panel.hidden.setValue(64)
    big = panel.params.text()

    def number(text: str) -> int:
        return int("".join(ch for ch in text if ch.isdigit()))
    assert number(big) > number(small) > 0


def test_loading_twice_quickly_keeps_one_result(window, qtbot):
    """A second load while the first still runs (a double click on Demo) must not crash or mix data."""
    window.session.load("demo")
    with qtbot.waitSignal(window.session.dataLoaded, timeout=30_000):
        window.session.load("demo")
    qtbot.wait(200)
    assert window.session.spec == "demo" and window.session.splits is not None


# ---- training ----
def test_train_gru_fills_every_view(trained, qtbot):
    w, finished = trained, trained.presenter.last_finished
    assert finished.reason == "done"
    assert w.session.state == "idle" and w.actions_by_name["train"].isEnabled()
    assert w.presenter.last_started.config["cell"] == "gru"
    assert w.presenter.last_started.config["hidden"] == 16
    steps, losses = w.curves.loss_plot.series_data("train")
    assert len(steps) > 0 and np.all(np.isfinite(losses))
    assert len(w.curves.loss_plot.series_data("val")[0]) == 1  # one validation point per epoch
    assert w.gallery.visible_indices().size > 0
    assert int(w.confusion.matrix().sum()) == DEMO_TEST_SIZE
    assert w.hidden_view.panel_names()
    assert Path(finished.checkpoint).is_file() and w.session.checkpoint == finished.checkpoint
    assert w.session.predictor is not None
    assert "finished" in w.progress_label.text() and "accuracy" in w.progress_label.text()
    assert w.progress_bar.value() == w.progress_bar.maximum()


def test_pause_resume_stop(window, qtbot):
    load_data(window, qtbot, "demo")
    set_small_model(window, qtbot, epochs=200)
    s, actions = window.session, window.actions_by_name
    progress = []
    s.progress.connect(progress.append)
    with qtbot.waitSignal(s.progress, timeout=TRAIN_TIMEOUT_MS):
        actions["train"].trigger()
    assert s.state == "running" and not actions["train"].isEnabled() and not window.model_panel.isEnabled()

    actions["pause"].trigger()
    assert s.state == "paused" and actions["pause"].text() == "Resume"
    qtbot.wait(400)  # events already on their way when the pause was pressed arrive
    seen = len(progress)
    qtbot.wait(600)
    assert len(progress) == seen, "Progress arrived while paused: the pause did not pause"

    with qtbot.waitSignal(s.progress, timeout=10_000):
        actions["pause"].trigger()  # the same button resumes
    assert s.state == "running" and actions["pause"].text() == "Pause"

    with qtbot.waitSignal(s.runFinished, timeout=30_000) as finished:
        actions["stop"].trigger()
        assert s.state == "stopping"
    assert finished.args[0].reason == "stopped"
    qtbot.waitUntil(lambda: s.state == "idle", timeout=5000)
    assert actions["train"].isEnabled() and window.model_panel.isEnabled()
    assert "stopped" in window.progress_label.text()


def test_stop_while_paused(window, qtbot):
    load_data(window, qtbot, "demo")
    set_small_model(window, qtbot, epochs=200)
    s = window.session
    with qtbot.waitSignal(s.progress, timeout=TRAIN_TIMEOUT_MS):
        window.actions_by_name["train"].trigger()
    s.pause()
    with qtbot.waitSignal(s.runFinished, timeout=30_000) as finished:
        s.stop()
    assert finished.args[0].reason == "stopped"


def test_closing_mid_training_is_clean(qtbot, tmp_path, capfd):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(settings)
    w.show()
    load_data(w, qtbot, "demo")
    set_small_model(w, qtbot, epochs=200)
    # close after the first epoch, so the run has written a checkpoint that its Finished event names
    with qtbot.waitSignal(w.session.metrics, timeout=TRAIN_TIMEOUT_MS, check_params_cb=lambda m: m.split == "val"):
        w.actions_by_name["train"].trigger()
    assert w.session.running
    thread = w.session._thread
    start = time.perf_counter()
    assert w.close()
    assert thread.isFinished(), "closing returned with the training thread still running"
    assert time.perf_counter() - start < 2.5
    qtbot.wait(300)  # events still queued from the training thread are delivered (and ignored)
    w.deleteLater()
    qtbot.wait(50)
    err = capfd.readouterr().err
    assert "Traceback" not in err and "QThread: Destroyed" not in err
    assert settings.value("window/geometry") is not None


# ---- the Live tab ----
def test_a_stroke_on_the_canvas_gets_a_prediction(trained, qtbot):
    live = trained.live
    trained.tabs.setCurrentWidget(trained.live_tab)
    trained.live_tab.show_mode("draw")
    canvas = live.canvas
    qtbot.waitExposed(canvas)
    points = [QPoint(100, 60), QPoint(180, 60), QPoint(150, 140), QPoint(120, 220)]  # a "7"
    with qtbot.waitSignal(live.imageReady, timeout=5000):
        qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=points[0])
        for point in points[1:]:
            qtbot.mouseMove(canvas, point)
        qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=points[-1])
    assert not canvas.is_empty()
    raw = canvas.raw()
    assert raw[60, 140].min() > 200, "the drag drew no line between the first two points"
    # classified off the GUI thread: the answer to the newest drawing arrives a moment later
    qtbot.waitUntil(lambda: live.headline.text().startswith("it looks like:"), timeout=10_000)
    probs = live.bars.probabilities()
    assert len(probs) == 10 and abs(float(np.sum(probs)) - 1.0) < 1e-3
    assert live.headline.text().startswith("it looks like:")


def test_a_loaded_model_reads_and_classifies_off_the_gui_thread(trained, qtbot, monkeypatch):
    """Loading a checkpoint and classifying a drawing run torch on worker threads; the answers come back."""
    import threading

    from gui import model_check

    w, threads = trained, []
    read_model = model_check.read_model
    monkeypatch.setattr(model_check, "read_model",
                        lambda path: threads.append(threading.current_thread()) or read_model(path))
    with qtbot.waitSignal(w.session.modelChanged, timeout=30_000):
        w.session.set_model_from(w.session.checkpoint)
        assert w.session.loading_model()  # set_model_from returned before the model was read
    predictor = w.session.predictor
    predict = predictor.predict
    monkeypatch.setattr(predictor, "predict", lambda images: threads.append(threading.current_thread()) or
                        predict(images))
    w.live.headline.setText(" ")
    for shift in range(3):  # drawn quickly one after another: the newest one is answered
        w.live.classify_image(np.roll(np.eye(8, dtype=np.uint8) * 255, shift, axis=1))
    qtbot.waitUntil(lambda: w.live.headline.text().startswith("it looks like:"), timeout=10_000)
    assert len(threads) >= 2 and threading.main_thread() not in threads


def test_drawing_before_any_model_asks_for_one(window, qtbot):
    window.live.classify_image(np.zeros((8, 8), np.uint8) + np.eye(8, dtype=np.uint8) * 255)
    assert "Train a model" in window.live.headline.text()


# ---- bad input: a dialog, and the app goes on ----
def assert_intact(w, curve_points: int) -> None:
    assert w.session.spec == "demo" and w.session.splits is not None
    assert "demo" in w.data_panel.summary.text()
    assert len(w.curves.loss_plot.series_data("train")[0]) == curve_points
    assert w.session.predictor is not None


def test_bad_input_gives_a_dialog_and_keeps_the_data(trained, qtbot, tmp_path, monkeypatch):
    w, c = trained, trained.controller
    points = len(w.curves.loss_plot.series_data("train")[0])

    c.data.open_path(str(tmp_path / "no such folder"))
    assert "does not exist" in take_error(w, qtbot)
    assert_intact(w, points)

    notes = tmp_path / "notes.txt"
    notes.write_text("not data")
    c.data.open_dropped(str(notes))
    assert "notes.txt is not a data set" in take_error(w, qtbot)
    assert_intact(w, points)

    w.session.load(f"folder:{tmp_path / 'gone'}")  # a spec that fails in the loading thread
    assert "Cannot load the data" in take_error(w, qtbot)
    assert_intact(w, points)

    config = tmp_path / "config.json"
    config.write_text(json.dumps({"cell": "lstm", "hiddne": 32}))
    hidden = w.model_panel.hidden.value()
    c.models.apply_config_file(str(config))
    assert "Unknown config key(s): hiddne" in take_error(w, qtbot)
    assert w.model_panel.hidden.value() == hidden and w.model_panel.config()["cell"] == "gru"
    assert_intact(w, points)

    predictor = w.session.predictor
    for name, content in (("corrupt.ckpt", b"\x00not a checkpoint at all"),
                          ("empty.ckpt", b"")):
        bad = tmp_path / name
        bad.write_bytes(content)
        monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, b=bad, **k: (str(b), "")))
        w.actions_by_name["load_model"].trigger()
        text = take_error(w, qtbot)
        assert text.startswith("Cannot load this model") and name in text
        assert w.session.predictor is predictor

    import torch  # a real checkpoint, but of a task this app does not know

    payload = torch.load(w.session.checkpoint, map_location="cpu", weights_only=True)
    payload["task"] = "segment"
    other = tmp_path / "segment.ckpt"
    torch.save(payload, other)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(other), "")))
    w.actions_by_name["load_model"].trigger()
    assert "segment" in take_error(w, qtbot)
    assert w.session.predictor is predictor
    assert_intact(w, points)


def test_train_without_data_says_so(window, qtbot):
    window.actions_by_name["train"].trigger()
    assert "Load data before training" in take_error(window, qtbot)
    assert window.session.state == "idle"


# ---- files ----
def test_save_config_then_load_it_back(window, qtbot, tmp_path, monkeypatch):
    load_data(window, qtbot, "demo")
    panel = window.model_panel
    qtbot.mouseClick(panel.cell_group.button(1), Qt.MouseButton.LeftButton)  # LSTM
    panel.hidden.setValue(24)
    panel.epochs.setValue(3)
    panel.read.setCurrentText("cols")
    saved = panel.config()
    path = tmp_path / "run.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(path), "")))
    window.actions_by_name["save_config"].trigger()
    on_disk = json.loads(path.read_text())
    assert on_disk["cell"] == "lstm" and on_disk["hidden"] == 24 and on_disk["data"] == "demo"

    qtbot.mouseClick(panel.cell_group.button(0), Qt.MouseButton.LeftButton)  # RNN
    panel.hidden.setValue(99)
    panel.read.setCurrentText("rows")
    assert panel.config() != saved
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))
    window.actions_by_name["load_config"].trigger()
    assert panel.config() == saved
    assert not error_dialogs(window)


def test_save_model_and_exports_write_files(trained, qtbot, tmp_path, monkeypatch):
    w = trained
    targets = {"save_model": tmp_path / "copy.ckpt", "export_curves": tmp_path / "curves.png",
               "export_metrics": tmp_path / "metrics.csv", "export_gallery": tmp_path / "gallery.png",
               "export_confusion": tmp_path / "confusion.png"}
    for action, target in targets.items():
        monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, t=target, **k: (str(t), "")))
        w.actions_by_name[action].trigger()
        assert target.is_file() and target.stat().st_size > 100, action
    assert targets["save_model"].read_bytes() == Path(w.session.checkpoint).read_bytes()
    rows = targets["export_metrics"].read_text().splitlines()
    assert rows[0].startswith("plot,") and any(r.startswith("loss,train,") for r in rows[1:])
    assert not error_dialogs(w)

    missing = tmp_path / "missing" / "curves.png"  # a folder that does not exist: a dialog, no traceback
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(missing), "")))
    w.actions_by_name["export_curves"].trigger()
    assert "Export failed" in take_error(w, qtbot)
    assert not missing.exists()


def test_save_model_before_training_says_so(window, qtbot):
    window.actions_by_name["save_model"].trigger()
    assert "No model yet" in take_error(window, qtbot)


def test_no_stray_top_level_windows(window, qtbot):
    """Only the main window (and nothing half-built) is a visible top-level window at rest."""
    visible = [t for t in QApplication.topLevelWidgets() if t.isVisible()]
    assert visible == [window]
