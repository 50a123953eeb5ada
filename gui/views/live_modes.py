"""The Live tab: try the loaded model on new input, in the modes that model can do (draw digits: a classifier;
video edges: an edge model). With no model, or one the tab has no mode for, it says what to do instead, so a
mode of another task (and its stale answer) is never offered."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

MODES = (("draw", "Draw digits"), ("video", "Video edges"))
NO_MODEL = "Train a model (Train, F5) or load one (Model ▸ Load model…) to try it here."


class LiveTab(QWidget):
    def __init__(self, draw: QWidget, video: QWidget, parent=None):
        super().__init__(parent)
        self.stack = QStackedWidget()
        self.pages = {"draw": draw, "video": video}
        self.message = QLabel(NO_MODEL)  # shown while no mode fits the model
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.message)
        self.buttons = QButtonGroup(self)
        self.mode_row = QWidget()
        row = QHBoxLayout(self.mode_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("mode"))
        for i, (name, title) in enumerate(MODES):
            button = QPushButton(title)
            button.setCheckable(True)
            self.buttons.addButton(button, i)
            row.addWidget(button)
            self.stack.addWidget(self.pages[name])
        row.addStretch(1)
        self.buttons.idClicked.connect(lambda i: self.show_mode(MODES[i][0]))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.mode_row)
        layout.addWidget(self.stack, 1)
        self.available: tuple[str, ...] = ()
        self.set_available((), NO_MODEL)

    def set_available(self, modes, message: str = "") -> None:
        """Offer only `modes` (names of MODES, first one shown); none: show `message` (what to do) instead."""
        self.available = tuple(mode for mode, _ in MODES if mode in modes)
        for i, (mode, _) in enumerate(MODES):
            self.buttons.button(i).setVisible(mode in self.available)
        self.mode_row.setVisible(len(self.available) > 1)
        self.message.setText(message or NO_MODEL)
        if self.available:
            self.show_mode(self.available[0])
        else:
            self.stack.setCurrentWidget(self.message)

    def show_mode(self, mode: str) -> None:
        """Show `mode` if the model can do it (a task's preferred mode for another task's model is ignored)."""
        if mode not in self.available:
            return
        self.stack.setCurrentWidget(self.pages[mode])
        self.buttons.button([m for m, _ in MODES].index(mode)).setChecked(True)

    def mode(self) -> str:
        """The mode shown, or "" while the tab shows what to do instead."""
        return next((m for m, page in self.pages.items() if self.stack.currentWidget() is page), "")
