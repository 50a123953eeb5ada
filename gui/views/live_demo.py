"""The Live tab: draw (or drop) an image, see the class probabilities as big bars.

The panel never computes predictions: it emits `imageReady(array)` and its owner answers
with `show_prediction(probs, class_names)`.
"""
from __future__ import annotations

import os
import stat

from pathlib import Path

import cv2
import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPalette
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QPushButton, QSizePolicy, QSlider, QVBoxLayout,
                               QWidget)

from gui.views.canvas import MNIST_BOX, DrawingCanvas
from gui.views.image_utils import qimage_to_array, to_pixmap

TOP_COLOR = QColor("#1e88e5")
BAR_COLOR = QColor("#9e9e9e")
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".pgm", ".ppm"}


class ProbabilityBars(QWidget):
    """One horizontal bar per class, in a big font; the most likely class in blue and bold."""

    def __init__(self, parent=None, font_scale: float = 1.4):
        super().__init__(parent)
        self._probs = np.zeros(0, np.float32)
        self._names: list[str] = []
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * font_scale)
        self.setFont(font)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_probabilities(self, probs, class_names) -> None:
        self._probs = np.nan_to_num(np.asarray(probs, dtype=np.float32).reshape(-1))
        names = [str(n) for n in class_names]
        self._names = names + [str(i) for i in range(len(names), len(self._probs))]
        self.updateGeometry()
        self.update()

    def clear(self) -> None:
        self.set_probabilities(np.zeros(0), [])

    def probabilities(self) -> np.ndarray:
        return self._probs.copy()

    def class_names(self) -> list[str]:
        return list(self._names)

    def highlighted_index(self) -> int | None:
        return int(np.argmax(self._probs)) if len(self._probs) else None

    def _row_height(self) -> int:
        return self.fontMetrics().height() + 10

    def sizeHint(self) -> QSize:
        return QSize(320, max(3, len(self._probs)) * self._row_height())

    def minimumSizeHint(self) -> QSize:
        return QSize(160, min(max(1, len(self._probs)), 10) * (self.fontMetrics().height() + 2))

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text_color = self.palette().color(QPalette.ColorRole.WindowText)
        if not len(self._probs):
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             "draw or drop an image to see what the model thinks")
            return
        fm = self.fontMetrics()
        row_h = min(self._row_height(), max(fm.height() + 2, self.height() // len(self._probs)))
        name_w = max(fm.horizontalAdvance(n) for n in self._names) + 12
        pct_w = fm.horizontalAdvance("100.0%") + 12
        bar_w = max(10, self.width() - name_w - pct_w)
        top = self.highlighted_index()
        bold = self.font()
        bold.setBold(True)
        for i, (p, name) in enumerate(zip(self._probs, self._names)):
            y = i * row_h
            is_top = i == top
            painter.setFont(bold if is_top else self.font())
            painter.setPen(TOP_COLOR if is_top else text_color)
            painter.drawText(QRectF(0, y, name_w - 8, row_h),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, name)
            track = QRectF(name_w, y + 3, bar_w, row_h - 6)
            painter.fillRect(track, QColor(128, 128, 128, 40))
            fill = QRectF(track.x(), track.y(), bar_w * float(np.clip(p, 0, 1)), track.height())
            painter.fillRect(fill, TOP_COLOR if is_top else BAR_COLOR)
            painter.drawText(QRectF(name_w + bar_w + 6, y, pct_w, row_h),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, f"{100 * p:.1f}%")


MAX_DROPPED_BYTES = 64 << 20  # a photo; a larger file is no image to draw on


def read_image_file(path: str) -> np.ndarray | None:
    """RGB uint8 (or None); reads through NumPy so non-ASCII paths work on every OS. Only a regular file of a
    sane size is read: a dropped named pipe would block the window forever, a device never end."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode) or not 0 < info.st_size <= MAX_DROPPED_BYTES:
        return None
    data = np.fromfile(path, dtype=np.uint8)
    bgr = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    return None if bgr is None else cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def as_light_ink(array: np.ndarray) -> np.ndarray:
    """float [0,1], light ink on a black background like the canvas: a photo of dark ink on light
    paper (bright border) is inverted, and the paper's level (the border's median) becomes black."""
    a = np.asarray(array)
    a = a.astype(np.float32) / 255.0 if a.dtype == np.uint8 else np.clip(a.astype(np.float32), 0, 1)
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[:, :, 0]
    gray = a.mean(axis=2) if a.ndim == 3 else a
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    if np.median(border) > 0.5:
        a, gray, border = 1.0 - a, 1.0 - gray, 1.0 - border
    paper, ink = float(np.median(border)), float(gray.max())
    if ink - paper > 0.1:  # stretch so the paper is 0 and the strongest ink is 1
        a = np.clip((a - paper) / (ink - paper), 0.0, 1.0)
    return a


class LiveDemoPanel(QWidget):
    """Canvas + Clear + pen width + "what the model sees" + probability bars; accepts dropped images."""

    imageReady = Signal(np.ndarray)

    def __init__(self, parent=None, canvas_size: int = 280):
        super().__init__(parent)
        self.canvas = DrawingCanvas(canvas_size=canvas_size)
        self.bars = ProbabilityBars()
        self.clear_button = QPushButton("Clear")
        self.pen_slider = QSlider(Qt.Orientation.Horizontal)
        self.pen_slider.setRange(4, 48)
        self.pen_slider.setValue(int(self.canvas.pen_width()))
        self.pen_slider.setToolTip("pen width")
        self.preview = QLabel()
        self.preview.setFixedSize(112, 112)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet("background: black; border: 1px solid gray;")
        self.drop_hint = QLabel("drop an image here to classify it")
        self.drop_hint.setStyleSheet("color: gray;")
        self.headline = QLabel(" ")
        headline_font = self.headline.font()
        headline_font.setPointSizeF(headline_font.pointSizeF() * 2.0)
        headline_font.setBold(True)
        self.headline.setFont(headline_font)
        for label in (self.drop_hint, self.headline):  # a long message wraps: it must not widen the window
            label.setWordWrap(True)

        tools = QHBoxLayout()
        tools.addWidget(self.clear_button)
        tools.addWidget(QLabel("pen"))
        tools.addWidget(self.pen_slider, 1)
        seen = QHBoxLayout()
        seen.addWidget(self.preview)
        seen.addWidget(QLabel("what the model\nsees (its input)"), 1)
        left = QVBoxLayout()
        left.addWidget(self.canvas)
        left.addLayout(tools)
        left.addWidget(self.drop_hint)
        left.addLayout(seen)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.headline)
        right.addWidget(self.bars, 1)
        layout = QHBoxLayout(self)
        layout.addLayout(left)
        layout.addSpacing(16)
        layout.addLayout(right, 1)

        self.setAcceptDrops(True)
        self.clear_button.clicked.connect(self.clear)
        self.pen_slider.valueChanged.connect(self.canvas.set_pen_width)
        self.canvas.drawn.connect(self._publish)
        self.canvas.cleared.connect(self._reset_outputs)

    # --- public API -------------------------------------------------------------------
    def set_target(self, size: tuple[int, int], channels: int = 1, invert: bool = False,
                   center: bool = True, box_fraction: float = MNIST_BOX) -> None:
        self.canvas.set_target(size, channels, invert, center, box_fraction)

    def classify_image(self, array: np.ndarray) -> None:
        """Show an image on the canvas and emit it at the target size, as a drawing would be."""
        self.canvas.load_image(as_light_ink(array))
        self._publish(self.canvas.image())

    def open_source(self, spec: str) -> None:
        """Classify the image file of "image:PATH" (a file dropped on the window), or say it is none."""
        path = spec.partition(":")[2]
        array = read_image_file(path)
        if array is None:
            self.drop_hint.setText(f"could not read {Path(path).name} as an image")
            return
        self.drop_hint.setText("drop an image here to classify it")
        self.classify_image(array)

    def show_prediction(self, probs, class_names) -> None:
        self.bars.set_probabilities(probs, class_names)
        top = self.bars.highlighted_index()
        if top is not None:
            p = self.bars.probabilities()[top]
            self.headline.setText(f"it looks like: {self.bars.class_names()[top]}  ({100 * p:.0f}%)")

    def clear(self) -> None:
        self.canvas.clear()

    # --- internals ----------------------------------------------------------------------
    def _publish(self, image: np.ndarray) -> None:
        self.preview.setPixmap(to_pixmap(image, 110, self.devicePixelRatioF()))
        self.imageReady.emit(image)

    def _reset_outputs(self) -> None:
        self.preview.clear()
        self.bars.clear()
        self.headline.setText(" ")

    def dragEnterEvent(self, event) -> None:
        mime = event.mimeData()
        local = [u.toLocalFile() for u in mime.urls() if u.isLocalFile()]
        if mime.hasImage() or any(Path(p).suffix.lower() in IMAGE_SUFFIXES for p in local):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        mime = event.mimeData()
        array = None
        if mime.hasImage():
            image = QImage(mime.imageData())
            array = None if image.isNull() else qimage_to_array(image)
        for url in mime.urls():
            if array is None and url.isLocalFile():
                array = read_image_file(url.toLocalFile())
        if array is None:
            self.drop_hint.setText("could not read that file as an image")
            return
        self.drop_hint.setText("drop an image here to classify it")
        event.acceptProposedAction()
        self.classify_image(array)
