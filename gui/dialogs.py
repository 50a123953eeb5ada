"""The window's dialog service: error dialogs with what to do, status-line notes (a written file's with a
"Show in folder" button), file pickers that start in the last folder of their kind, and the recent-files list,
all kept in QSettings.

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
WRITTEN_MS = 20000  # a written file's line stays long enough to reach its Show in folder button
# where each kind of file dialog starts: data comes from one place, models and configs are kept in another,
# pictures and reports go to a third; one shared folder sent the user back and forth between them
FOLDER_KINDS = ("data", "models", "exports")


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

    def stop_training_first(self, state: str, doing: str, detail: str) -> bool:
        """"Training is running: stop it and <doing>?" (for a run already stopping: "<doing> now?"). True for
        Stop; Keep training is the default (Enter, Esc, closing the box)."""
        if state == "stopping":  # the user pressed Stop already; the run is testing its best weights
            text, go = f"Training is stopping (it is testing its best model): {doing} now?", f"{doing.capitalize()} now"
        else:
            text, go = f"Training is {state}: stop it and {doing}?", f"Stop and {doing}"
        box = QMessageBox(QMessageBox.Icon.Question, "Training is running", text, parent=self._widget())
        box.setInformativeText(detail)
        box.setObjectName("training question")
        stop = box.addButton(go, QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("Keep training", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.exec()
        return box.clickedButton() is stop

    def about(self, title: str, html: str) -> None:
        QMessageBox.about(self._widget(), title, html)

    def status(self, text: str, timeout_ms: int = 10000) -> None:
        self.status_line.note(text, timeout_ms)

    def written(self, path: str | Path, text: str = "") -> None:
        """Confirm a save or export: `text` (else "Saved <path>") in the status line, with Show in folder for the
        folder `path` is in (for files exported into a folder, pass one of them)."""
        self.status_line.note(text or f"Saved {path}", WRITTEN_MS, str(path))

    # ---- choosing files (each kind starts in its own last folder) ----
    def open_file(self, caption: str, filters: str, kind: str = "data") -> str:
        """The file the user picked, or "" when cancelled."""
        path = QFileDialog.getOpenFileName(self._widget(), caption, self.last_dir(kind), filters)[0]
        return self._chosen(kind, path)

    def open_folder(self, caption: str, kind: str = "data") -> str:
        path = QFileDialog.getExistingDirectory(self._widget(), caption, self.last_dir(kind))
        return self._chosen(kind, path, folder=True)

    def save_file(self, caption: str, name: str, filters: str, kind: str = "exports") -> str:
        """Where to write `name` (the dialog asks before replacing a file), or "" when cancelled."""
        return self.save_file_and_filter(caption, name, filters, kind)[0]

    def save_file_and_filter(self, caption: str, name: str, filters: str, kind: str = "exports") -> tuple[str, str]:
        """As save_file, with the filter the user chose."""
        path, chosen = QFileDialog.getSaveFileName(self._widget(), caption, str(Path(self.last_dir(kind)) / name),
                                                   filters)
        return self._chosen(kind, path), chosen

    def last_dir(self, kind: str = "data") -> str:
        """The last folder a dialog of this kind was used in, if it is still there; data falls back to the
        folder of the most recently opened path; else the home folder."""
        saved = str(self.settings.value(f"folders/{_kind(kind)}", "") or "")
        if saved and Path(saved).is_dir():
            return saved
        recent = self.recent()
        return str(Path(recent[0]).parent) if kind == "data" and recent else str(Path.home())

    def _chosen(self, kind: str, path: str, folder: bool = False) -> str:
        """Remember where a picked `path` is: for data the folder it lies in (the next dataset is often beside
        it), for a folder to write into that folder itself."""
        if path:
            target = Path(path)
            where = target if folder and kind != "data" else target.parent
            self.settings.setValue(f"folders/{_kind(kind)}", str(where))
        return path

    # ---- recent files ----
    def recent(self) -> list[str]:
        return list(self.settings.value("recent", [], list) or [])

    def remember(self, path: str) -> None:
        """A data path was opened (picked, dropped or recent): first in Open recent, and the data dialogs'
        folder."""
        recent = [p for p in self.recent() if p != path]
        self.settings.setValue("recent", [path] + recent[:MAX_RECENT - 1])
        self._chosen("data", path)
        self.refresh_recent()

    def refresh_recent(self) -> None:
        menu = self.recent_menu
        menu.clear()
        for path in self.recent():
            menu.addAction(path, lambda p=path: self.recentChosen.emit(p))
        menu.setEnabled(not menu.isEmpty())


def _kind(kind: str) -> str:
    if kind not in FOLDER_KINDS:
        raise ValueError(f"unknown kind of folder {kind!r}; one of {', '.join(FOLDER_KINDS)}")
    return kind


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
