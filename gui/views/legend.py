"""A colour legend: a swatch and a name per entry, wrapped over as many lines as the width needs.

An entry with no colour (None) is drawn as an empty box: "see-through", e.g. a background class.
"""
from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

Colour = tuple[int, int, int] | None


class ColourLegend(QWidget):
    def __init__(self, parent=None, font_scale: float = 1.25):
        super().__init__(parent)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * font_scale)
        self.setFont(font)
        self._entries: list[tuple[str, Colour]] = []
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def set_entries(self, entries: list[tuple[str, Colour]]) -> None:
        self._entries = [(str(name), None if c is None else tuple(int(v) for v in c[:3])) for name, c in entries]
        self.updateGeometry()
        self.update()

    def entries(self) -> list[tuple[str, Colour]]:
        return list(self._entries)

    # --- layout -------------------------------------------------------------------------
    def _boxes(self, width: int) -> list[QRect]:
        """One rectangle per entry (swatch + text), flowed left to right, top to bottom."""
        fm = self.fontMetrics()
        line_h = fm.height() + 8
        swatch = fm.height()
        x = y = 0
        boxes = []
        for name, _ in self._entries:
            w = swatch + 6 + fm.horizontalAdvance(name) + 18
            if x and x + w > width:
                x, y = 0, y + line_h
            boxes.append(QRect(x, y, w, line_h))
            x += w
        return boxes

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        boxes = self._boxes(max(width, 1))
        return boxes[-1].bottom() + 1 if boxes else 0

    def sizeHint(self) -> QSize:
        width = max(self.width(), 200)
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(100, self.fontMetrics().height() + 8 if self._entries else 0)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        fm = self.fontMetrics()
        swatch = fm.height() - 2
        text_colour = self.palette().color(QPalette.ColorRole.WindowText)
        for (name, colour), box in zip(self._entries, self._boxes(self.width())):
            square = QRect(box.x(), box.y() + (box.height() - swatch) // 2, swatch, swatch)
            if colour is not None:
                painter.fillRect(square, QColor(*colour))
            painter.setPen(QPen(text_colour, 1, Qt.PenStyle.SolidLine if colour is not None else Qt.PenStyle.DashLine))
            painter.drawRect(square)
            text = box.adjusted(swatch + 6, 0, 0, 0)
            painter.drawText(text, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)
