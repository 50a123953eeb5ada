"""The status line tells the truth about the run (issue 13, "honest feedback" and "correct pictures"): its state
word while training, paused, stopping and testing, the test's progress with Skip test, whatever a menu's status
tip or a note did meanwhile; train points at their fraction of the epochs on the epochs axis and in the CSV."""
from __future__ import annotations

import csv

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QStatusTipEvent
from PySide6.QtWidgets import QApplication

from engine.events import Finished, Phase, Progress, Started
from test_window import set_small_model
from window_helpers import load_data, train_to_end

TRAIN_TIMEOUT_MS = 60_000


def started_run(window, qtbot, epochs: int = 200):
    """The demo digits training for many epochs, after its first Progress."""
    load_data(window, qtbot, "demo")
    set_small_model(window, qtbot, epochs=epochs)
    with qtbot.waitSignal(window.session.progress, timeout=TRAIN_TIMEOUT_MS):
        window.actions_by_name["train"].trigger()
    qtbot.wait(300)  # the router paints the newest Progress on its timer


def test_a_status_tip_or_a_note_never_hides_the_runs_progress(window, qtbot):
    started_run(window, qtbot)
    line = window.status_line
    assert line.word() == "training" and line.text().startswith("epoch ")
    # hovering a menu item sends its status tip to the window; the progress stays in view
    QApplication.sendEvent(window, QStatusTipEvent("Train the model on the loaded data (F5)"))
    window.dialogs.status("a note", 5000)
    assert window.statusBar().currentMessage() == ""
    assert line.bar.isVisible() and line.label.isVisible() and line.state.isVisible()
    assert line.note_text() == "a note" and line.text().startswith("epoch ")
    window.actions_by_name["stop"].trigger()
    qtbot.waitUntil(lambda: window.session.state == "idle", timeout=30_000)


def test_pause_shows_paused_at_once_and_resume_shows_training(window, qtbot):
    started_run(window, qtbot)
    line, actions = window.status_line, window.actions_by_name
    actions["pause"].trigger()
    assert line.word() == "paused" and "paused" in line.text()  # no Progress needed to say so
    actions["pause"].trigger()
    assert line.word() == "training" and "paused" not in line.text()
    actions["stop"].trigger()
    assert line.word() == "stopping" and "stopping" in line.text()
    assert line.action_button.isVisible() and line.action_button.text() == "Skip test"
    qtbot.waitUntil(lambda: window.session.state == "idle", timeout=30_000)
    assert line.word() == "stopped" and not line.action_button.isVisible()


def test_the_test_phase_is_counted_and_can_be_skipped(window, qtbot):
    started_run(window, qtbot)
    line, session = window.status_line, window.session
    # an epoch must end first: a run stopped before any has no best weights to test
    qtbot.waitSignal(session.metrics, timeout=TRAIN_TIMEOUT_MS, check_params_cb=lambda m: m.split == "val").wait()
    with qtbot.waitSignal(session.runFinished, timeout=30_000) as finished:
        window.actions_by_name["stop"].trigger()
        qtbot.mouseClick(line.action_button, Qt.MouseButton.LeftButton)  # Skip test
    event = finished.args[0]
    assert event.reason == "stopped" and event.test_skipped and not any(k.startswith("test_") for k in event.metrics)
    qtbot.waitUntil(lambda: session.state == "idle", timeout=5000)
    assert "test skipped" in line.text() and line.word() == "stopped"
    assert event.checkpoint  # the best model is kept


def test_phase_lines_say_what_is_done_and_how_far(window, qtbot):
    """A fake phase stream: the line names the phase and counts, with Skip test while testing."""
    session, line = window.session, window.status_line
    load_data(window, qtbot, "demo")
    session.state = "running"
    session.on_engine_event(Started({"task": "classify", "cell": "gru", "hidden": 8, "layers": 1}, "cpu", 100,
                                    10, 2, 5, steps_per_epoch=4))
    session.on_engine_event(Phase("testing", 3, 10, "edge maps"))
    assert line.word() == "testing" and "edge maps 3/10" in line.text() and line.bar.value() == 300
    assert line.action_button.isVisible() and line.action_button.text() == "Skip test"
    session.on_engine_event(Phase("results"))
    assert line.word() == "finishing" and not line.action_button.isVisible()
    assert line.bar.maximum() == 0  # busy: the pictures are not counted
    session.on_engine_event(Finished("done", {}, "", 1.0, 10.0))
    assert line.word() == "finished" and line.bar.value() == line.bar.maximum()
    session.state = "idle"


def test_train_points_sit_at_their_fraction_of_the_epochs(window, qtbot, tmp_path):
    """5 epochs of 4 steps: every train point's epoch is in (0, 5] and rises with its step (it was the step
    itself before the first Progress event, a zig-zag up to 20); the exported CSV says the same."""
    session = window.session
    load_data(window, qtbot, "demo")
    session.on_engine_event(Started({"task": "classify", "cell": "gru", "hidden": 8, "layers": 1}, "cpu", 100,
                                    16, 2, 5, steps_per_epoch=4))
    from engine.events import Metrics

    for step in range(1, 21):
        epoch = (step - 1) // 4 + 1
        session.on_engine_event(Metrics("train", epoch, step, {"loss": 1.0 / step, "accuracy": 0.5}))
        if step % 4 == 0:
            session.on_engine_event(Progress(epoch, 5, 4, 4, step, 100.0, 1.0, 0.5))
            session.on_engine_event(Metrics("val", epoch, step, {"loss": 1.0, "accuracy": 0.5}))
    window.curves.set_x_axis("epochs")
    window.curves.refresh()
    xs, _ = window.curves.loss_plot.series_data("train")
    assert len(xs) == 20 and max(xs) == pytest.approx(5.0) and min(xs) > 0 and all(b > a for a, b in zip(xs, xs[1:]))
    path = tmp_path / "metrics.csv"
    window.curves.export_csv(str(path))
    rows = [row for row in csv.DictReader(open(path)) if row["series"] == "train" and row["plot"] == "loss"]
    assert [float(r["epoch"]) for r in rows] == pytest.approx([s / 4 for s in range(1, 21)])
    assert [float(r["step"]) for r in rows] == pytest.approx(list(range(1, 21)))
    window.curves.set_x_axis("steps")


def test_a_real_run_on_the_epochs_axis_stays_within_its_epochs(window, qtbot):
    load_data(window, qtbot, "demo")
    set_small_model(window, qtbot, epochs=2)
    train_to_end(window, qtbot, TRAIN_TIMEOUT_MS)
    window.curves.set_x_axis("epochs")
    for series in ("train", "val"):
        xs, _ = window.curves.loss_plot.series_data(series)
        assert len(xs) and max(xs) == pytest.approx(2.0) and min(xs) > 0
    window.curves.set_x_axis("steps")
    assert window.curves.metric_plot._y_label == "accuracy"  # the spec's label, not a raw key


def test_no_status_tip_reaches_the_status_bar(window):
    """Actions carry tooltips only: a status tip would cover the run's line while a menu is open."""
    assert all(not action.statusTip() for action in window.actions_by_name.values())
