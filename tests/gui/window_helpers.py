"""Driving the main window in tests as a user would: open it with throwaway settings, load data, train to the end."""
from __future__ import annotations

from PySide6.QtCore import QSettings

from gui.main_window import MainWindow


def open_window(qtbot, tmp_path) -> MainWindow:
    """A shown main window whose QSettings live in tmp_path, so the user's own settings stay untouched."""
    window = MainWindow(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def load_data(window, qtbot, spec: str, task: str = "", timeout: int = 30_000) -> None:
    with qtbot.waitSignal(window.session.dataLoaded, timeout=timeout):
        window.session.load(spec, task)


def train_to_end(window, qtbot, timeout: int):
    """Press Train with the model panel as it is, wait until the session is idle again and the trained model is
    loaded; returns the Finished event."""
    with qtbot.waitSignal(window.session.runFinished, timeout=timeout) as finished:
        window.actions_by_name["train"].trigger()
    qtbot.waitUntil(lambda: window.session.state == "idle", timeout=5000)
    event = finished.args[0]
    if event.checkpoint:  # the trained model is read off the GUI thread: modelChanged comes a moment later
        qtbot.waitUntil(lambda: window.session.checkpoint == event.checkpoint and not window.session.loading_model(),
                        timeout=30_000)
    return event
