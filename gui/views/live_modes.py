"""The Live tab: try a model on new input. Two modes: draw digits (classify) and video edges (edges)."""
from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

MODES = (("draw", "Draw digits"), ("video", "Video edges"))


class LiveTab(QWidget):
    def __init__(self, draw: QWidget, video: QWidget, parent=None):
        super().__init__(parent)
        self.stack = QStackedWidget()
        self.pages = {"draw": draw, "video": video}
        self.buttons = QButtonGroup(self)
        row = QHBoxLayout()
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
        layout.addLayout(row)
        layout.addWidget(self.stack, 1)
        self.show_mode("draw")

    def show_mode(self, mode: str) -> None:
        self.stack.setCurrentWidget(self.pages[mode])
        self.buttons.button([m for m, _ in MODES].index(mode)).setChecked(True)

    def mode(self) -> str:
        return "video" if self.stack.currentWidget() is self.pages["video"] else "draw"
