"""A titled picture that fills its space: big title above, image fitted below keeping its aspect.

Painting scales one cached QImage, so repainting on resize or on a new image is cheap. Small images are
enlarged with nearest-neighbour (crisp pixels), large ones shrunk smoothly.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from gui.views.image_utils import to_qimage


class ImagePanel(QWidget):
    def __init__(self, title: str = "", parent=None, font_scale: float = 1.35,
                 placeholder: str = "nothing to show yet"):
        super().__init__(parent)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * font_scale)
        font.setBold(True)
        self.setFont(font)
        self._title = title
        self._placeholder = placeholder
        self._image: QImage | None = None
        self._array: np.ndarray | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_title(self, title: str) -> None:
        if title != self._title:
            self._title = title
            self.update()

    def title(self) -> str:
        return self._title

    def set_image(self, array: np.ndarray | None, placeholder: str | None = None) -> None:
        """array (H, W) or (H, W, 3), uint8 or float [0, 1]; None shows the placeholder text."""
        if placeholder is not None:
            self._placeholder = placeholder
        self._array = None if array is None else np.asarray(array)
        self._image = None if array is None else to_qimage(array)
        self.update()

    def array(self) -> np.ndarray | None:
        """The picture as given (for tests and exports)."""
        return self._array

    def image_rect(self) -> QRect:
        """Where the picture is drawn, in widget pixels."""
        title_h = self.fontMetrics().height() + 6 if self._title else 0
        area = self.rect().adjusted(2, title_h + 2, -2, -2)
        if self._image is None or area.width() <= 0 or area.height() <= 0:
            return area
        size = QSize(self._image.width(), self._image.height()).scaled(area.size(),
                                                                        Qt.AspectRatioMode.KeepAspectRatio)
        return QRect(area.x() + (area.width() - size.width()) // 2, area.y() + (area.height() - size.height()) // 2,
                     size.width(), size.height())

    def sizeHint(self) -> QSize:
        return QSize(320, 280)

    def minimumSizeHint(self) -> QSize:
        return QSize(80, self.fontMetrics().height() + 60)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        text_colour = self.palette().color(QPalette.ColorRole.WindowText)
        if self._title:
            painter.setPen(text_colour)
            painter.drawText(QRect(0, 0, self.width(), self.fontMetrics().height() + 4),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter, self._title)
        target = self.image_rect()
        if self._image is None:
            painter.fillRect(target, QColor(128, 128, 128, 40))
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(target, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._placeholder)
            return
        enlarging = target.width() >= self._image.width()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, not enlarging)
        painter.drawImage(target, self._image)
