"""The window's status line: the run's state (a word that is always in view), its progress bar and line, a note
(what was just written or changed, with Show in folder for a file), and the button of the wait in progress (Skip
test, Cancel).

No QStatusBar.showMessage is ever used: a temporary message hides the bar's normal widgets, so a menu's status tip
or a note would hide the run's progress (issue 13: after a dialog, F5 trained with the status line stuck on the
Train action's tooltip and the progress bar hidden). Notes have a label of their own instead.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QSizePolicy, QStatusBar

# the word shown for a state (the session's states, the engine's phases, how a run ended)
STATE_WORDS = {"idle": "ready", "running": "training", "paused": "paused", "stopping": "stopping",
               "training": "training", "validating": "validating", "testing": "testing", "results": "finishing",
               "evaluating": "evaluating", "evaluated": "evaluated", "done": "finished", "stopped": "stopped",
               "early_stop": "stopped early", "failed": "failed", "aborted": "aborted", "loading": "loading"}
STATE_COLOURS = {"training": "#2e7d32", "validating": "#2e7d32", "paused": "#b26a00", "stopping": "#b26a00",
                 "testing": "#1565c0", "finishing": "#1565c0", "evaluating": "#1565c0", "loading": "#1565c0",
                 "failed": "#c62828", "aborted": "#c62828"}


class StatusLine(QObject):
    """Widgets of the status bar; `open_url` opens a folder (QDesktopServices.openUrl; tests replace it)."""
    actionClicked = Signal()  # the wait's button (Skip test, Cancel) was pressed

    def __init__(self, status_bar: QStatusBar, parent=None):
        super().__init__(parent)
        self.open_url = QDesktopServices.openUrl
        self.state = QLabel()
        self.state.setObjectName("run state")
        self.state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.state.setMinimumWidth(72)
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.bar.setMaximumWidth(220)
        self.label = QLabel("Ready: press Train (F5).")
        self.note_label = QLabel()
        self.folder_button = QPushButton("Show in folder")
        self.action_button = QPushButton()
        # long lines are cut at the window's edge (a tooltip has them whole); they never widen the window
        for label in (self.label, self.note_label):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._folder = ""
        self.folder_button.clicked.connect(self._show_folder)
        self.action_button.clicked.connect(self.actionClicked)
        self.folder_button.hide()
        self.action_button.hide()
        self._note_timer = QTimer(self)
        self._note_timer.setSingleShot(True)
        self._note_timer.timeout.connect(self.clear_note)
        for widget, stretch in ((self.state, 0), (self.bar, 0), (self.label, 3), (self.action_button, 0),
                                (self.note_label, 2), (self.folder_button, 0)):
            status_bar.addWidget(widget, stretch)
        self.set_state("idle")

    # ---- the run ----
    def set_state(self, state: str) -> None:
        """Show the word for `state` (a session state, an engine phase or a Finished reason)."""
        word = STATE_WORDS.get(state, state)
        colour = STATE_COLOURS.get(word, "#555555")
        self.state.setText(word)
        self.state.setStyleSheet(f"QLabel {{ color: white; background: {colour}; border-radius: 3px; "
                                 f"padding: 1px 6px; font-weight: bold; }}")

    def word(self) -> str:
        return self.state.text()

    def set_text(self, text: str) -> None:
        self.label.setText(text)
        self.label.setToolTip(text)

    def text(self) -> str:
        return self.label.text()

    def set_progress(self, fraction: float | None) -> None:
        """A fraction in [0, 1]; None: busy (no count known)."""
        if fraction is None:
            self.bar.setRange(0, 0)
            return
        self.bar.setRange(0, 1000)
        self.bar.setValue(int(round(min(max(fraction, 0.0), 1.0) * 1000)))

    def offer(self, text: str, tip: str = "") -> None:
        """Show the wait's button (e.g. "Skip test"); "" hides it."""
        self.action_button.setText(text)
        self.action_button.setToolTip(tip)
        self.action_button.setVisible(bool(text))

    # ---- notes ----
    def note(self, text: str, timeout_ms: int = 10000, path: str = "") -> None:
        """A note for `timeout_ms` (0: until the next one); with `path`, Show in folder opens its folder."""
        self.note_label.setText(text)
        self.note_label.setToolTip(text)
        self._folder = str(Path(path).parent) if path else ""
        self.folder_button.setVisible(bool(path))
        self.folder_button.setToolTip(f"Open {self._folder}" if path else "")
        self._note_timer.stop()
        if timeout_ms > 0:
            self._note_timer.start(timeout_ms)

    def note_text(self) -> str:
        return self.note_label.text()

    def clear_note(self) -> None:
        self.note_label.clear()
        self.note_label.setToolTip("")
        self.folder_button.hide()
        self._folder = ""

    def folder_url(self) -> QUrl:
        """What Show in folder opens (an empty URL when the note names no file)."""
        return QUrl.fromLocalFile(self._folder) if self._folder else QUrl()

    def _show_folder(self) -> None:
        if self._folder:
            self.open_url(self.folder_url())
