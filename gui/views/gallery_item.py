"""One gallery item, larger: the image at a readable size (small digits stay blocky and sharp), its true and
predicted class with the confidence, and every class's probability when the results carry them. Previous and
Next (or the arrow keys) step through the items in the gallery's shown order.

A view: it takes the gallery's model (images, classes, confidences, optional probabilities) and knows nothing
of tasks.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QStyle, QVBoxLayout

from gui.views.image_utils import to_pixmap
from gui.views.live_demo import ProbabilityBars

IMAGE_SIDE = 320  # px: a 16x16 digit at 20x, a 64x64 clip frame at 5x
WRONG, RIGHT = "#d32f2f", "#2e7d32"


class GalleryItemDialog(QDialog):
    def __init__(self, model, parent=None):
        """`model`: the gallery's PredictionModel (images, true, pred, confidence, class names, probabilities
        or None, and `order`, the rows shown)."""
        super().__init__(parent)
        self.setObjectName("gallery item")
        self.model = model
        self.position = 0  # in model.order
        self.image = QLabel()
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setMinimumSize(IMAGE_SIDE, IMAGE_SIDE)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setTextFormat(Qt.TextFormat.RichText)
        self.bars = ProbabilityBars(font_scale=1.0)
        self.no_bars = QLabel("These results keep only the most likely class and its confidence.")
        self.no_bars.setWordWrap(True)
        self.no_bars.setStyleSheet("color: gray;")
        style = self.style()
        self.previous = QPushButton(style.standardIcon(QStyle.StandardPixmap.SP_ArrowLeft), "Previous")
        self.next = QPushButton(style.standardIcon(QStyle.StandardPixmap.SP_ArrowRight), "Next")
        close = QPushButton("Close")
        self.previous.clicked.connect(lambda: self.step(-1))
        self.next.clicked.connect(lambda: self.step(1))
        close.clicked.connect(self.close)
        for button in (self.previous, self.next):
            button.setAutoDefault(False)  # Enter closes; the arrows step
        buttons = QHBoxLayout()
        buttons.addWidget(self.previous)
        buttons.addWidget(self.next)
        buttons.addStretch(1)
        buttons.addWidget(close)
        side = QVBoxLayout()
        side.addWidget(self.verdict)
        side.addWidget(self.bars, 1)
        side.addWidget(self.no_bars)
        side.addStretch(0)
        body = QHBoxLayout()
        body.addWidget(self.image, 3)
        body.addLayout(side, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addLayout(buttons)
        self.resize(760, 440)

    def show_item(self, original: int) -> None:
        """Show the item with this index in the gallery's data (its place in the shown order, if it is shown)."""
        shown = np.flatnonzero(self.model.order == original)
        self.position = int(shown[0]) if len(shown) else 0
        self._paint(original)
        self.show()  # a dialog of the window: it stays in front of it

    def shown_item(self) -> int:
        return int(self.model.order[self.position])

    def step(self, delta: int) -> None:
        count = len(self.model.order)
        if count:
            self.position = (self.position + delta) % count
            self._paint(self.shown_item())

    def keyPressEvent(self, event) -> None:
        steps = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1}
        if event.key() in steps:
            self.step(steps[event.key()])
        else:
            super().keyPressEvent(event)

    def _paint(self, i: int) -> None:
        m = self.model
        true, pred = m.name(int(m.true[i])), m.name(int(m.pred[i]))
        wrong = m.is_mistake(i)
        self.setWindowTitle(f"Sample #{i}: true {true}, predicted {pred}")
        self.image.setPixmap(to_pixmap(m.images[i], IMAGE_SIDE, self.devicePixelRatioF()))
        colour = WRONG if wrong else RIGHT
        self.verdict.setText(f"<p style='font-size: large'>true <b>{true}</b><br>predicted <b style='color: {colour}'>"
                             f"{pred}</b> ({100.0 * float(m.confidence[i]):.0f} % sure)</p>"
                             f"<p style='color: {colour}'>{'a mistake' if wrong else 'correct'}</p>"
                             f"<p style='color: gray'>item {self.position + 1} of {len(m.order)} shown</p>")
        probabilities = m.probabilities
        self.bars.setVisible(probabilities is not None)
        self.no_bars.setVisible(probabilities is None)
        if probabilities is not None:
            self.bars.set_probabilities(probabilities[i], m.class_names)
        several = len(m.order) > 1
        self.previous.setEnabled(several)
        self.next.setEnabled(several)
