"""A compact, cheap grid of data samples with their label under each (for the data panel)."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QImage, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from gui.views.image_utils import scale_image, to_qimage


class ThumbnailGrid(QWidget):
    """Paints up to `max_items` thumbnails in as many columns as the width allows.

    Height follows width (heightForWidth), so it sits well in a dock or a scroll area.
    """

    def __init__(self, parent=None, thumb_size: int = 40):
        super().__init__(parent)
        self._thumb = int(thumb_size)
        self._images: list[QImage] = []
        self._labels: list[str] = []
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMouseTracking(True)

    # --- public API -------------------------------------------------------------------
    def set_samples(self, images, labels, class_names, max_items: int = 60) -> None:
        """images (N,H,W[,C]); labels (N,) int; only the first `max_items` are drawn."""
        images = images if isinstance(images, (list, tuple)) else np.asarray(images)  # a list may mix sizes
        labels = np.asarray(labels).reshape(-1)
        count = min(len(images), len(labels), int(max_items))
        names = list(class_names)
        self._images = [scale_image(to_qimage(images[i]), self._thumb) for i in range(count)]
        self._labels = [names[int(c)] if 0 <= int(c) < len(names) else str(int(c)) for c in labels[:count]]
        self.updateGeometry()
        self.update()

    def set_thumb_size(self, size: int) -> None:
        self._thumb = int(size)
        self.updateGeometry()
        self.update()

    def count(self) -> int:
        return len(self._images)

    def labels(self) -> list[str]:
        return list(self._labels)

    # --- layout -------------------------------------------------------------------------
    def _cell(self) -> QSize:
        fm = self.fontMetrics()
        widest = max((fm.horizontalAdvance(t) for t in self._labels), default=0)
        return QSize(max(self._thumb, widest) + 8, self._thumb + fm.height() + 8)

    def _columns(self, width: int) -> int:
        return max(1, width // self._cell().width())

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        if not self._images:
            return self.fontMetrics().height() + 8
        rows = -(-len(self._images) // self._columns(width))
        return rows * self._cell().height()

    def sizeHint(self) -> QSize:
        width = 6 * self._cell().width()
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(self._cell().width(), self.fontMetrics().height() + 8)

    # --- painting -----------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        if not self._images:
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "no data loaded")
            return
        cell = self._cell()
        cols = self._columns(self.width())
        text_color = self.palette().color(QPalette.ColorRole.WindowText)
        fm_h = self.fontMetrics().height()
        for k, (image, label) in enumerate(zip(self._images, self._labels)):
            x, y = (k % cols) * cell.width(), (k // cols) * cell.height()
            if y > event.rect().bottom():
                break
            painter.drawImage(x + (cell.width() - image.width()) // 2, y + 2 + self._thumb - image.height(), image)
            painter.setPen(text_color)
            painter.drawText(QRect(x, y + self._thumb + 3, cell.width(), fm_h),
                             Qt.AlignmentFlag.AlignHCenter, label)

    def event(self, event):
        if event.type() == event.Type.ToolTip:
            cell = self._cell()
            pos = event.position().toPoint() if hasattr(event, "position") else event.pos()
            k = (pos.y() // cell.height()) * self._columns(self.width()) + pos.x() // cell.width()
            if pos.x() < self._columns(self.width()) * cell.width() and 0 <= k < len(self._labels):
                self.setToolTip(f"sample #{k}: {self._labels[k]}")
            else:
                self.setToolTip("")
        return super().event(event)
