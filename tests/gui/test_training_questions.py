"""Asking before a running training is ended: Ctrl+Q and the window's close button ask "Training is running:
stop it and quit?" with Keep training as the default; loading data, a model or a config over a run asks too,
and Stop stops the run first (a model loads once the run has ended). The test answers each question itself."""
from __future__ import annotations

import json

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from window_helpers import load_data

LONG_RUN = {"hidden": 4, "layers": 1, "epochs": 500, "threads": 1, "augment": False}


def start_long_run(window, qtbot) -> None:
    load_data(window, qtbot, "demo")
    panel = window.model_panel
    panel.set_config({**panel.config(), **LONG_RUN})
    with qtbot.waitSignal(window.session.progress, timeout=60_000):
        window.actions_by_name["train"].trigger()
    assert window.session.state == "running"


class WindowSystemClose(QCloseEvent):
    """The close event of the window's title-bar button."""

    def spontaneous(self) -> bool:
        return True


def answer_question(qtbot, answer: str, seen: list) -> None:
    """Once the training question shows, note its text and default button, then answer: a button's text, or
    "Esc" / "Enter" pressed on the box."""
    def poll() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or box.objectName() != "training question":
            return
        timer.stop()
        seen.append((box.text(), box.defaultButton().text()))
        if answer in ("Esc", "Enter"):
            qtbot.keyClick(box, Qt.Key.Key_Escape if answer == "Esc" else Qt.Key.Key_Return)
        else:
            next(b for b in box.buttons() if b.text() == answer).click()
    timer = QTimer()
    timer.timeout.connect(poll)
    timer.start(20)
    answer_question.timer = timer  # kept alive until the next question


def test_quitting_during_training_asks_and_keeps_the_run_by_default(window, qtbot):
    start_long_run(window, qtbot)
    seen = []
    for answer in ("Keep training", "Esc", "Enter"):  # Esc and Enter give the default: keep training
        answer_question(qtbot, answer, seen)
        window.actions_by_name["quit"].trigger()
        assert window.isVisible() and not window.closer.started and window.session.state == "running"
    assert seen[0] == ("Training is running: stop it and quit?", "Keep training")
    assert len(seen) == 3

    # the window's close button asks the same: the window system's close event is spontaneous (Qt gives no
    # way to send one from a test, so this one says it is), a close from code (window.close()) is not
    answer_question(qtbot, "Keep training", seen)
    event = WindowSystemClose()
    window.closeEvent(event)
    assert len(seen) == 4 and not event.isAccepted() and window.isVisible() and window.session.state == "running"

    # paused, it says so; Stop and quit closes the window and ends the run
    window.actions_by_name["pause"].trigger()
    answer_question(qtbot, "Stop and quit", seen)
    window.actions_by_name["quit"].trigger()
    assert seen[-1][0] == "Training is paused: stop it and quit?"
    assert window.closer.started and not window.isVisible()


def test_quitting_without_a_run_does_not_ask(window, qtbot):
    seen = []
    answer_question(qtbot, "Keep training", seen)
    window.actions_by_name["quit"].trigger()
    assert not seen and window.closer.started
    answer_question.timer.stop()


def test_loading_over_a_run_asks_and_stop_stops_it_first(window, qtbot, tmp_path, monkeypatch):
    start_long_run(window, qtbot)
    seen = []
    answer_question(qtbot, "Keep training", seen)
    window.data_panel.demoRequested.emit()
    assert seen == [("Training is running: stop it and load the demo data?", "Keep training")]
    assert window.session.state == "running"

    config = tmp_path / "small.json"
    config.write_text(json.dumps({**window.model_panel.config(), "hidden": 7}))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(config), "")))
    answer_question(qtbot, "Keep training", seen)
    window.actions_by_name["load_config"].trigger()
    assert seen[-1][0] == "Training is running: stop it and load this config?"
    assert window.model_panel.hidden.value() == 4 and window.session.state == "running"

    answer_question(qtbot, "Stop and load this config", seen)
    window.actions_by_name["load_config"].trigger()
    assert window.session.state == "stopping" and window.model_panel.hidden.value() == 7

    # while it stops, loading data asks whether to go ahead without waiting
    answer_question(qtbot, "Load the demo data now", seen)
    with qtbot.waitSignal(window.session.dataLoading, timeout=5000):
        window.data_panel.demoRequested.emit()
    assert seen[-1][0].startswith("Training is stopping")
    qtbot.waitUntil(lambda: window.session.state == "idle", timeout=60_000)


def test_a_model_chosen_during_a_run_loads_once_the_run_has_ended(window, qtbot, tmp_path, monkeypatch):
    from engine import cli

    out = tmp_path / "chosen"  # the model the user picks: one epoch of 8 units on the digits, trained headless
    assert cli.main(["train", "--task", "classify", "--data", "demo", "--out", str(out), "--hidden", "8",
                     "--epochs", "1", "--threads", "1", "--device", "cpu"]) == 0
    checkpoint = out / "model.ckpt"
    start_long_run(window, qtbot)
    assert window.actions_by_name["load_model"].isEnabled()  # asks rather than being greyed out
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(checkpoint), "")))
    seen = []
    answer_question(qtbot, "Stop and load this model", seen)
    with qtbot.waitSignal(window.session.modelLoaded, timeout=90_000):
        window.actions_by_name["load_model"].trigger()
        assert window.session.state == "stopping"
        assert window.status_line.note_text() == f"{checkpoint.name} loads once the training has stopped."
    # the run's own model came first and was replaced: the chosen file is the model in use
    assert window.session.state == "idle" and window.session.checkpoint == str(checkpoint)
