"""A confusion matrix drawn from its numbers into an image of a fixed size, for export: square cells of CELL_PX
(smaller for many classes, so the matrix stays under MAX_MATRIX_PX), the counts, class names on both axes, the
axis titles and a title line. The image depends on the matrix and the names only, never on the widget's size."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter

CELL_PX = 56
MIN_CELL_PX = 12
MAX_MATRIX_PX = 1400
MARGIN = 16
TEXT_MIN_CELL_PX = 18  # below this the counts would overlap: left out


def cell_px(classes: int) -> int:
    return int(max(MIN_CELL_PX, min(CELL_PX, MAX_MATRIX_PX // max(classes, 1))))


def render(matrix: np.ndarray, names: list[str], colors: np.ndarray, title: str) -> QImage:
    """The matrix (K,K) with its cell colours (K,K,3 uint8) as a white-background RGB image."""
    paint, (width, height) = drawing(matrix, names, colors, title)
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    paint(painter)
    painter.end()
    return image


def drawing(matrix: np.ndarray, names: list[str], colors: np.ndarray, title: str):
    """(paint(painter), (width, height)): the matrix drawn on any painter (an image, an SVG) in its own size."""
    k, cell = len(matrix), cell_px(len(matrix))
    label_font, title_font = QFont(), QFont()
    label_font.setPixelSize(max(10, min(16, cell // 3)))
    title_font.setPixelSize(18)
    title_font.setBold(True)
    labels = QFontMetrics(label_font)
    name_px = max((labels.horizontalAdvance(n) for n in names), default=10)
    line = labels.height()
    left = MARGIN + line + 8 + name_px + 8  # axis title, names, gap
    top = MARGIN + QFontMetrics(title_font).height() + 12
    bottom_names = name_px if name_px > cell - 4 else line  # names turn upright when wider than a cell
    width, height = left + k * cell + MARGIN, top + k * cell + 8 + bottom_names + 8 + line + MARGIN

    def paint(painter: QPainter) -> None:
        painter.setPen(QColor("black"))
        painter.setFont(title_font)
        painter.drawText(QRectF(MARGIN, MARGIN, width - 2 * MARGIN, top - MARGIN),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, title)
        _draw_cells(painter, matrix, colors, left, top, cell, label_font)
        _draw_names(painter, names, left, top, cell, label_font, bottom_names)

    return paint, (width, height)


def _draw_cells(painter: QPainter, matrix, colors, left: int, top: int, cell: int, font: QFont) -> None:
    painter.setFont(font)
    k = len(matrix)
    show_counts = cell >= TEXT_MIN_CELL_PX
    for r in range(k):
        for c in range(k):
            rect = QRectF(left + c * cell, top + r * cell, cell, cell)
            colour = QColor(*(int(v) for v in colors[r, c]))
            painter.fillRect(rect, colour)
            if show_counts:
                dark = colors[r, c].astype(float) @ np.array([0.299, 0.587, 0.114]) < 140
                painter.setPen(QColor("white") if dark else QColor("black"))
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, f"{int(matrix[r, c]):,}")
    painter.setPen(QColor("#888"))
    painter.drawRect(QRectF(left, top, k * cell, k * cell))


def _draw_names(painter: QPainter, names, left: int, top: int, cell: int, font: QFont, bottom_names: int) -> None:
    painter.setPen(QColor("black"))
    painter.setFont(font)
    k, line = len(names), QFontMetrics(font).height()
    right, below = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, top + k * cell + 8
    for i, name in enumerate(names):
        painter.drawText(QRectF(MARGIN + line + 8, top + i * cell, left - MARGIN - line - 16, cell), right, name)
        if bottom_names == line:  # names fit under their column
            painter.drawText(QRectF(left + i * cell, below, cell, line), Qt.AlignmentFlag.AlignCenter, name)
        else:  # upright, read bottom to top
            painter.save()
            painter.translate(left + i * cell + cell / 2 + line / 2 - 2, below)
            painter.rotate(-90)
            painter.drawText(QRectF(-bottom_names, -line, bottom_names, line), right, name)
            painter.restore()
    painter.drawText(QRectF(left, below + bottom_names + 8, k * cell, line), Qt.AlignmentFlag.AlignCenter,
                     "predicted class")
    painter.save()
    painter.translate(MARGIN, top + k * cell / 2)
    painter.rotate(-90)
    painter.drawText(QRectF(-k * cell / 2, 0, k * cell, line), Qt.AlignmentFlag.AlignCenter, "true class")
    painter.restore()
