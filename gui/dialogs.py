"""The window's dialog service: error dialogs with what to do, status-bar messages, file pickers that start in
the last-used folder, and the recent-files list kept in QSettings.

The window's helpers talk to the user only through this object, so none of them needs the window itself.
Dialogs are window-modal: the service is a child of the window and uses its parent only as the parent widget
of the dialogs it opens (it reads nothing else from it).
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

MAX_RECENT = 8
MAX_LINES, MAX_CHARS = 12, 900  # more goes under Show Details: a message box must fit a 1280x720 screen


class Dialogs(QObject):
    recentChosen = Signal(str)  # a path picked from File ▸ Open recent

    def __init__(self, parent: QWidget, settings: QSettings, status_line, recent_menu: QMenu):
        super().__init__(parent)
        self.settings = settings
        self.status_line = status_line  # gui/status_line.py: notes beside the run's progress, never over it
        self.recent_menu = recent_menu
        self.refresh_recent()

    def _widget(self) -> QWidget:
        return self.parent()

    # ---- telling the user ----
    def error(self, title: str, message: str, hint: str = "") -> None:
        """A warning with what went wrong and what to do; returns at once (training and timers go on)."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, "", QMessageBox.StandardButton.Ok, self._widget())
        bounded_text(box, message)
        if hint:
            box.setInformativeText(hint)
        box.setObjectName("error dialog")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # closed dialogs do not pile up on the window
        box.open()  # window-modal, returns at once

    def information(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, "", QMessageBox.StandardButton.Ok, self._widget())
        bounded_text(box, text)
        box.exec()

    def about(self, title: str, html: str) -> None:
        QMessageBox.about(self._widget(), title, html)

    def status(self, text: str, timeout_ms: int = 10000) -> None:
        self.status_line.note(text, timeout_ms)

    # ---- choosing files (each starts in the last-used folder) ----
    def open_file(self, caption: str, filters: str) -> str:
        """The file the user picked, or "" when cancelled."""
        return QFileDialog.getOpenFileName(self._widget(), caption, self.last_dir(), filters)[0]

    def open_folder(self, caption: str) -> str:
        return QFileDialog.getExistingDirectory(self._widget(), caption, self.last_dir())

    def save_file(self, caption: str, name: str, filters: str) -> str:
        """Where to write `name` (the dialog asks before replacing a file), or "" when cancelled."""
        return QFileDialog.getSaveFileName(self._widget(), caption, str(Path(self.last_dir()) / name), filters)[0]

    def save_file_and_filter(self, caption: str, name: str, filters: str) -> tuple[str, str]:
        """As save_file, with the filter the user chose."""
        return QFileDialog.getSaveFileName(self._widget(), caption, str(Path(self.last_dir()) / name), filters)

    def last_dir(self) -> str:
        """The folder of the most recently opened path, else the home folder."""
        recent = self.recent()
        return str(Path(recent[0]).parent) if recent else str(Path.home())

    # ---- recent files ----
    def recent(self) -> list[str]:
        return list(self.settings.value("recent", [], list) or [])

    def remember(self, path: str) -> None:
        recent = [p for p in self.recent() if p != path]
        self.settings.setValue("recent", [path] + recent[:MAX_RECENT - 1])
        self.refresh_recent()

    def refresh_recent(self) -> None:
        menu = self.recent_menu
        menu.clear()
        for path in self.recent():
            menu.addAction(path, lambda p=path: self.recentChosen.emit(p))
        menu.setEnabled(not menu.isEmpty())


def bounded_text(box: QMessageBox, text: str) -> None:
    """`text` in `box`, its head only when it is long, the whole under "Show Details..." (a scrolled field): a
    message box grows with its text and a long one would run off a 1280x720 screen."""
    lines = text.splitlines() or [""]
    if len(lines) <= MAX_LINES and len(text) <= MAX_CHARS:
        box.setText(text)
        return
    head = "\n".join(lines[:MAX_LINES])[:MAX_CHARS].rstrip()
    box.setText(f"{head} …\n(the whole message: Show Details)")
    box.setDetailedText(text)
