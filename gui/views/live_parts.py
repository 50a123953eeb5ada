"""Parts the Live tab's modes share: where input comes from (SourceBar, and files dropped on a page), what a
long wait is doing (BusyLine, with Cancel), a message line that says what is shown or what went wrong
(MessageLine), and titled frames whose zoom and pan are linked and that fill their panels (FramePanels).

Widgets only: a source is handed on as a spec string ("image:PATH", "video:PATH", "frames:DIR", "camera:N"),
never opened here.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton, QSizePolicy, QSpinBox,
                               QWidget)

BACKGROUND = "#3c3f41"  # not black: the edges of dark frames stay visible
PHOTO_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".pgm", ".ppm", ".pbm"}
VIDEO_SUFFIXES = {".mp4", ".avi", ".mov", ".mkv", ".gif", ".webm", ".m4v", ".mpg", ".mpeg", ".wmv", ".ogv"}
PHOTO_FILTER = f"Images ({' '.join('*' + s for s in sorted(PHOTO_SUFFIXES))});;All files (*)"
VIDEO_FILTER = f"Videos ({' '.join('*' + s for s in sorted(VIDEO_SUFFIXES))});;All files (*)"
SOURCE_BUTTONS = {  # kind -> (button, tooltip)
    "image": ("Open photo…", "A photo (png, jpg, bmp, tif, webp …); or drop one on this page"),
    "video": ("Open video…", "A video file (mp4, avi, mov, gif …); or drop one on this page"),
    "frames": ("Frame folder…", "A folder of numbered frames (0001.png, 0002.png …)"),
    "camera": ("Camera", "Read from the camera with this number (0 is the first camera)"),
}


def dropped_spec(path: str, kinds) -> str:
    """The source spec of a dropped file or folder when one of `kinds` takes it, else "". A suffix both an image
    and a video can have (.gif) is a video where videos are taken."""
    p = Path(path)
    suffix = p.suffix.lower()
    if p.is_dir():
        return f"frames:{path}" if "frames" in kinds else ""
    if "video" in kinds and suffix in VIDEO_SUFFIXES:
        return f"video:{path}"
    if "image" in kinds and suffix in PHOTO_SUFFIXES:
        return f"image:{path}"
    return ""


class SourceBar(QWidget):
    """Buttons for the sources a mode reads (`kinds`, keys of SOURCE_BUTTONS, in order); `chosen(spec)` when the
    user picks one. A page using it also takes dropped files of those kinds (accept_drops)."""
    chosen = Signal(str)

    def __init__(self, kinds: tuple[str, ...], parent=None):
        super().__init__(parent)
        self.kinds = kinds
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for kind in kinds:
            text, tip = SOURCE_BUTTONS[kind]
            button = QPushButton(text)
            button.setToolTip(tip)
            self.buttons[kind] = button
            row.addWidget(button)
        self.camera_index = QSpinBox()
        self.camera_index.setRange(0, 9)
        self.camera_index.setToolTip(SOURCE_BUTTONS["camera"][1])
        if "camera" in kinds:
            row.insertWidget(row.indexOf(self.buttons["camera"]), self.camera_index)
            self.buttons["camera"].clicked.connect(lambda: self.chosen.emit(f"camera:{self.camera_index.value()}"))
        for kind, pick in (("image", self.choose_photo), ("video", self.choose_video), ("frames", self.choose_folder)):
            if kind in self.buttons:
                self.buttons[kind].clicked.connect(pick)
        row.addStretch(1)

    def choose_photo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a photo", "", PHOTO_FILTER)
        if path:
            self.chosen.emit(f"image:{path}")

    def choose_video(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a video", "", VIDEO_FILTER)
        if path:
            self.chosen.emit(f"video:{path}")

    def choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Open a folder of frames")
        if path:
            self.chosen.emit(f"frames:{path}")

    def take_drop(self, event) -> bool:
        """A page's dropEvent: the first dropped local path of a kind this bar reads is chosen."""
        for url in event.mimeData().urls():
            spec = dropped_spec(url.toLocalFile(), self.kinds) if url.isLocalFile() else ""
            if spec:
                event.acceptProposedAction()
                self.chosen.emit(spec)
                return True
        return False

    def accepts(self, event) -> bool:
        """A page's dragEnterEvent: whether anything dragged is of a kind this bar reads."""
        return any(url.isLocalFile() and dropped_spec(url.toLocalFile(), self.kinds)
                   for url in event.mimeData().urls())


class TakesSources:
    """Mixin for a Live page with a SourceBar in self.sources and a sourceChosen(spec) signal: a file dropped on
    the page, or handed on by the window (open_source), is chosen as if picked with the bar."""

    def open_source(self, spec: str) -> None:
        self.sourceChosen.emit(spec)

    def dragEnterEvent(self, event) -> None:
        if self.sources.accepts(event):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        self.sources.take_drop(event)


class BusyLine(QWidget):
    """What a long wait is doing: its words, a progress bar (busy until counts arrive) and Cancel, hidden while
    nothing runs. `cancelled` when the user presses Cancel."""
    cancelled = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(220)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancelled)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label, 1)
        row.addWidget(self.bar)
        row.addWidget(self.cancel_button)
        self.setVisible(False)

    def start(self, text: str, cancellable: bool = True) -> None:
        self.label.setText(text)
        self.bar.setRange(0, 0)
        self.cancel_button.setVisible(cancellable)
        self.setVisible(True)

    def progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(min(done, max(total, 1)))

    def stop(self) -> None:
        self.setVisible(False)

    def text(self) -> str:
        return self.label.text() if self.isVisibleTo(self.parentWidget() or self) else ""


class MessageLine(QLabel):
    """One wrapping line under a mode: what is shown, or what went wrong and what to do (a problem in the
    palette's warning colour). It wraps, so a long message never widens the window."""

    def __init__(self, text: str = "", parent=None):
        super().__init__(text, parent)
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.problem = False

    def say(self, text: str) -> None:
        self.problem = False
        self.setStyleSheet("color: gray;")
        self.setText(text)

    def warn(self, message: str, hint: str = "") -> None:
        self.problem = True
        self.setStyleSheet("color: #c62828;")
        self.setText(f"{message} {hint}".strip())


class FramePanels(pg.GraphicsLayoutWidget):
    """Titled frames side by side (`panels`: (key, title) pairs), zoom and pan linked to the first. Whole frames
    fill their panels: the panels are laid out in the number of columns that shows them largest, and refitted
    on every resize until the user zooms or pans (fit() brings whole frames back)."""

    def __init__(self, panels: tuple[tuple[str, str], ...], parent=None):
        super().__init__(parent)
        self._fit_timer = QTimer(self)  # refits once the layout has settled every panel's size
        self._fit_timer.setSingleShot(True)
        self._fit_timer.timeout.connect(self._fit_unless_zoomed)
        self.views: dict[str, pg.ViewBox] = {}
        self.images: dict[str, pg.ImageItem] = {}
        self.titles: dict[str, pg.LabelItem] = {}
        self._cells: list[pg.GraphicsLayout] = []
        self.columns = 0
        self.user_zoomed = False
        first = None
        for key, title in panels:
            cell = pg.GraphicsLayout()
            self.titles[key] = cell.addLabel(title, row=0, col=0)
            view = cell.addViewBox(row=1, col=0, lockAspect=True, invertY=True, enableMenu=False)
            item = pg.ImageItem(axisOrder="row-major")
            view.addItem(item)
            if first is not None:
                view.setXLink(first)
                view.setYLink(first)
            first = first or view
            view.sigRangeChangedManually.connect(self._zoomed_by_user)
            view.sigResized.connect(self._refit)
            self.views[key], self.images[key] = view, item
            self._cells.append(cell)
        self._arrange(len(panels))
        self.setBackground(BACKGROUND)
        self.setMinimumHeight(120)

    def set_frame(self, key: str, values: np.ndarray, levels=(0, 255)) -> None:
        item = self.images[key]
        reset = item.image is None or item.image.shape[:2] != values.shape[:2]
        item.setImage(values, levels=levels, autoLevels=False)
        if reset:
            self.user_zoomed = False  # a new picture size opens fitted
            self._refit()

    def set_title(self, key: str, title: str) -> None:
        self.titles[key].setText(title)

    def frame(self, key: str) -> np.ndarray | None:
        return self.images[key].image

    def clear_frames(self) -> None:
        for item in self.images.values():
            item.clear()

    def fit(self) -> None:
        """Whole frames in view again (after a zoom or pan)."""
        self.user_zoomed = False
        self._fit()

    def _fit(self) -> None:
        shape = self._shape()
        if shape is None:
            return
        self._arrange(self._best_columns(*shape))
        # the narrowest panel fits its frame; the linked ones follow and show all of theirs too
        min(self.views.values(), key=lambda view: view.width()).autoRange(padding=0)

    def _shape(self) -> tuple[int, int] | None:
        image = next((item.image for item in self.images.values() if item.image is not None), None)
        return None if image is None else image.shape[:2]

    def _best_columns(self, h: int, w: int) -> int:
        """The column count that shows frames of h x w largest in this widget."""
        n = len(self._cells)
        width, height = max(self.width(), 1), max(self.height(), 1)
        return max(range(1, n + 1), key=lambda c: (min(width / c / w, height / math.ceil(n / c) / h), -c))

    def _arrange(self, columns: int) -> None:
        if columns != self.columns:
            if self.columns:
                for cell in self._cells:
                    self.ci.removeItem(cell)
            self.columns = columns
            for i, cell in enumerate(self._cells):
                self.ci.addItem(cell, row=i // columns, col=i % columns)
        # equal columns, so the linked views show the same region (their own size hints made them uneven)
        grid = self.ci.layout
        margins = self.ci.layout.getContentsMargins()
        width = self.width() - margins[0] - margins[2] - grid.horizontalSpacing() * (columns - 1)
        for k in range(len(self._cells)):
            grid.setColumnFixedWidth(k, max(width / columns, 20) if k < columns else 0)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        # pyqtgraph resizes the widget while it is being built, and when closing after deleting its items
        if getattr(self, "columns", 0) and not self.closed:
            self._arrange(self.columns)  # the columns share the new width, zoomed or not

    def _refit(self) -> None:
        if not self.user_zoomed and self._shape() is not None:
            self._fit_timer.start(0)

    def _fit_unless_zoomed(self) -> None:
        if not self.user_zoomed and not self.closed:  # closed: pyqtgraph has deleted the views
            self._fit()

    def _zoomed_by_user(self) -> None:
        self.user_zoomed = True
