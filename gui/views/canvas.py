"""A square canvas to draw a digit on (white ink on black, like MNIST), read back at the model's size."""
from __future__ import annotations

import cv2
import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from gui.views.image_utils import qimage_to_array, to_qimage

MNIST_BOX = 20 / 28  # MNIST digits fit a 20x20 box inside the 28x28 frame


def _paste(dst: np.ndarray, src: np.ndarray, top: int, left: int) -> None:
    """Copy src into dst with its top-left corner at (top, left), clipping at the edges."""
    h, w = dst.shape[:2]
    sh, sw = src.shape[:2]
    y0, x0 = max(0, top), max(0, left)
    y1, x1 = min(h, top + sh), min(w, left + sw)
    if y1 > y0 and x1 > x0:
        dst[y0:y1, x0:x1] = src[y0 - top:y1 - top, x0 - left:x1 - left]


def mnist_style_center(img: np.ndarray, out_size: tuple[int, int] = (28, 28),
                       box_fraction: float = MNIST_BOX) -> np.ndarray:
    """MNIST preprocessing: fit the ink's bounding box into a box (20x20 in 28x28), keeping its
    aspect ratio, then place it so its centre of mass is at the centre of the frame.

    img: (H,W) or (H,W,C), bright ink on dark, float [0,1] or uint8. Returns float32 (h,w) in [0,1].
    """
    a = np.asarray(img)
    a = a.astype(np.float32) / 255.0 if a.dtype == np.uint8 else a.astype(np.float32)
    if a.ndim == 3:
        a = a.mean(axis=2)
    h, w = int(out_size[0]), int(out_size[1])
    out = np.zeros((h, w), np.float32)
    peak = float(a.max()) if a.size else 0.0
    if peak <= 0.0:
        return out
    rows = np.flatnonzero((a > 0.05 * peak).any(axis=1))
    cols = np.flatnonzero((a > 0.05 * peak).any(axis=0))
    crop = a[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    box = max(1, int(round(box_fraction * min(h, w))))
    scale = box / max(crop.shape)
    nh, nw = max(1, int(round(crop.shape[0] * scale))), max(1, int(round(crop.shape[1] * scale)))
    small = cv2.resize(crop, (nw, nh), interpolation=cv2.INTER_AREA)
    total = float(small.sum())
    if total <= 0.0:
        return out
    cy = float(small.sum(axis=1) @ (np.arange(nh) + 0.5)) / total
    cx = float(small.sum(axis=0) @ (np.arange(nw) + 0.5)) / total
    _paste(out, small, int(round(h / 2 - cy)), int(round(w / 2 - cx)))
    return np.clip(out, 0.0, 1.0)


class DrawingCanvas(QWidget):
    """Draw with the left mouse button. `drawn(array)` is emitted while drawing (at most every
    ~80 ms) and on release, with the drawing at the size set by `set_target`."""

    drawn = Signal(np.ndarray)
    cleared = Signal()
    THROTTLE_MS = 80

    def __init__(self, parent=None, canvas_size: int = 280):
        super().__init__(parent)
        self._buffer = QImage(canvas_size, canvas_size, QImage.Format.Format_RGB32)
        self._buffer.fill(QColor("black"))
        self._empty = True
        self._last: QPointF | None = None
        self._pen_width = 20.0
        self._target = (28, 28)
        self._channels = 1
        self._invert = False
        self._center = True
        self._box_fraction = MNIST_BOX
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.THROTTLE_MS)
        self._timer.timeout.connect(self._emit_drawn)
        self.setFixedSize(canvas_size, canvas_size)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip("draw with the left mouse button")

    # --- public API -------------------------------------------------------------------
    def set_target(self, size: tuple[int, int], channels: int = 1, invert: bool = False,
                   center: bool = True, box_fraction: float = MNIST_BOX) -> None:
        """What `image()` returns: (h,w) for 1 channel, (h,w,3) for 3; `invert` gives dark ink on
        light paper; `center` applies MNIST-style centring (grey images only); `box_fraction` is
        the share of the frame the digit fills (20/28 for MNIST, ~1.0 for USPS or 8x8 digits)."""
        if channels not in (1, 3):
            raise ValueError(f"channels must be 1 or 3, got {channels}")
        self._target = (int(size[0]), int(size[1]))
        self._channels, self._invert = int(channels), bool(invert)
        self._center, self._box_fraction = bool(center), float(box_fraction)

    def target(self) -> tuple[tuple[int, int], int, bool]:
        return self._target, self._channels, self._invert

    def set_pen_width(self, width: float) -> None:
        """Pen width in canvas pixels (the canvas is `canvas_size` px wide)."""
        self._pen_width = max(1.0, float(width))

    def pen_width(self) -> float:
        return self._pen_width

    def clear(self) -> None:
        self._timer.stop()
        self._buffer.fill(QColor("black"))
        self._empty = True
        self.update()
        self.cleared.emit()

    def is_empty(self) -> bool:
        return self._empty

    def load_image(self, array: np.ndarray) -> None:
        """Show an image on the canvas (fitted, centred on black); it is then read like a drawing."""
        source = to_qimage(array).convertToFormat(QImage.Format.Format_RGB32)
        self._buffer.fill(QColor("black"))
        fitted = source.scaled(self._buffer.size(), Qt.AspectRatioMode.KeepAspectRatio,
                               Qt.TransformationMode.SmoothTransformation)
        painter = QPainter(self._buffer)
        painter.drawImage((self._buffer.width() - fitted.width()) // 2,
                          (self._buffer.height() - fitted.height()) // 2, fitted)
        painter.end()
        self._empty = False
        self.update()

    def raw(self) -> np.ndarray:
        """The full-resolution canvas as uint8 (H,W,3) RGB."""
        return qimage_to_array(self._buffer)

    def image(self) -> np.ndarray:
        """The drawing at the target size, float32 in [0,1]: (h,w) or (h,w,3)."""
        rgb = self.raw()
        h, w = self._target
        if self._channels == 1:
            gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32) / 255.0
            if self._center:
                out = mnist_style_center(gray, (h, w), self._box_fraction)
            else:
                out = cv2.resize(gray, (w, h), interpolation=cv2.INTER_AREA)
        else:
            out = cv2.resize(rgb, (w, h), interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0
        out = np.clip(out, 0.0, 1.0).astype(np.float32)
        return 1.0 - out if self._invert else out

    # --- drawing --------------------------------------------------------------------------
    def _to_buffer(self, pos: QPointF) -> QPointF:
        return QPointF(pos.x() * self._buffer.width() / max(1, self.width()),
                       pos.y() * self._buffer.height() / max(1, self.height()))

    def _stroke(self, a: QPointF, b: QPointF) -> None:
        painter = QPainter(self._buffer)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("white"), self._pen_width, Qt.PenStyle.SolidLine,
                            Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
        painter.drawLine(a, b)
        painter.end()
        self._empty = False
        self.update()

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._last = self._to_buffer(event.position())
            self._stroke(self._last, self._last)
            self._schedule()
        elif event.button() == Qt.MouseButton.RightButton:
            self.clear()  # right-click: start again

    def mouseMoveEvent(self, event) -> None:
        if self._last is None or not (event.buttons() & Qt.MouseButton.LeftButton):
            return
        point = self._to_buffer(event.position())
        self._stroke(self._last, point)
        self._last = point
        self._schedule()

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._last is not None:
            self._last = None
            self._timer.stop()
            self._emit_drawn()

    def _schedule(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def _emit_drawn(self) -> None:
        self.drawn.emit(self.image())

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(QRectF(self.rect()), self._buffer)
        if self._empty:
            painter.setPen(QColor(150, 150, 150))
            font = painter.font()
            font.setPointSizeF(font.pointSizeF() * 1.4)
            painter.setFont(font)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "draw a digit here")
        painter.setPen(QPen(QColor(90, 90, 90), 1))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))

