"""A fast grid of predictions: image, "true 3 → pred 5", confidence; mistakes in red.

The view knows nothing of tasks: it takes NumPy arrays. A QListView in icon mode over a
QAbstractListModel keeps 10,000 items fast; thumbnails are made on demand and cached.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QListView,
                               QPushButton, QSlider, QStyle, QStyledItemDelegate, QVBoxLayout, QWidget)

from gui.views.gallery_item import GalleryItemDialog
from gui.views.image_utils import scale_image, to_qimage
from gui.views.thumbnail_model import ThumbnailListModel

MISTAKE_COLOR = QColor("#d32f2f")
MISTAKE_TINT = QColor(229, 57, 53, 45)
SORT_MODES = ("index", "confidence high → low", "confidence low → high")
EMPTY_TEXT = "No predictions yet for this run."  # count_label of an empty gallery


class PredictionModel(ThumbnailListModel):
    """Rows are the visible subset (`order` holds their original indices)."""

    CACHE_LIMIT = 3000

    def __init__(self, parent=None):
        super().__init__(parent)
        self.images = np.zeros((0, 1, 1), np.float32)
        self.true = np.zeros(0, np.int64)
        self.pred = np.zeros(0, np.int64)
        self.confidence = np.zeros(0, np.float32)
        self.class_names: list[str] = []
        self.probabilities = None  # (N, classes) when the results carry every class's probability
        self.thumb_size = 72
        self.device_pixel_ratio = 1.0  # the Gallery sets its screen's ratio: crisp on high-DPI
        self.one_line_classes = True  # "true 3 → pred 5" on one line (the Gallery decides)

    # --- content -------------------------------------------------------------------------
    def set_data(self, images, true, pred, confidence, class_names, probabilities=None) -> None:
        self.beginResetModel()
        self.images, self.true, self.pred = images, true, pred
        self.confidence, self.class_names, self.probabilities = confidence, class_names, probabilities
        self.order = np.arange(len(true))
        self._cache.clear()
        self.endResetModel()

    def set_order(self, order: np.ndarray) -> None:
        self.beginResetModel()
        self.order = np.asarray(order, dtype=np.int64)
        self.endResetModel()

    def set_thumb_size(self, size: int, device_pixel_ratio: float | None = None) -> None:
        self.thumb_size = int(size)
        if device_pixel_ratio is not None:
            self.device_pixel_ratio = float(device_pixel_ratio)
        self.redraw_thumbnails()

    # --- per-item helpers (also used by the PNG export) ---------------------------------
    def name(self, cls: int) -> str:
        return self.class_names[cls] if 0 <= cls < len(self.class_names) else str(cls)

    def caption(self, i: int) -> str:
        true, pred = self.name(int(self.true[i])), self.name(int(self.pred[i]))
        sep = " → " if self.one_line_classes else "\n"  # long class names get a line each
        return f"true {true}{sep}pred {pred}\n{100.0 * float(self.confidence[i]):.0f}%"

    def is_mistake(self, i: int) -> bool:
        return int(self.true[i]) != int(self.pred[i])

    def make_thumbnail(self, i: int) -> QPixmap:
        dpr = self.device_pixel_ratio
        pix = QPixmap.fromImage(scale_image(to_qimage(self.images[i]), round(self.thumb_size * dpr)))
        if self.is_mistake(i):  # a red frame says "wrong" even before reading the caption
            painter = QPainter(pix)
            width = max(2, round(dpr * self.thumb_size / 24))
            painter.setPen(QPen(MISTAKE_COLOR, width))
            painter.drawRect(QRect(width // 2, width // 2, pix.width() - width, pix.height() - width))
            painter.end()
        pix.setDevicePixelRatio(dpr)
        return pix

    # --- Qt model interface: text, picture and original index come from ThumbnailListModel -------------------
    def role_data(self, i: int, role):
        if role == Qt.ItemDataRole.ForegroundRole and self.is_mistake(i):
            return MISTAKE_COLOR
        if role == Qt.ItemDataRole.BackgroundRole and self.is_mistake(i):
            return MISTAKE_TINT
        if role == Qt.ItemDataRole.ToolTipRole:
            verdict = "mistake" if self.is_mistake(i) else "correct"
            return f"sample #{i}: {self.caption(i).replace(chr(10), ', ')} ({verdict})"
        return None


class _GridCellDelegate(QStyledItemDelegate):
    """Every item is exactly one grid cell: no per-item size queries (which would render thumbnails)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.cell = QSize(96, 96)

    def sizeHint(self, option, index) -> QSize:
        return self.cell


class Gallery(QWidget):
    """Predictions as a filterable, sortable grid. Double-click (or Enter) opens the item larger
    (gui/views/gallery_item.py) and emits its original index."""

    itemActivated = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._model = PredictionModel(self)
        self._subset: tuple[int | None, int | None] = (None, None)
        self._empty_text = EMPTY_TEXT  # count_label while there are no items
        self.detail: GalleryItemDialog | None = None  # the item shown larger, made on the first double-click

        self.mistakes_only = QCheckBox("mistakes only")
        self.sort_combo = QComboBox()
        self.sort_combo.addItems(SORT_MODES)
        # the longest mode name must not set the Results tab's (and so the window's) minimum width
        self.sort_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.sort_combo.setMinimumContentsLength(10)
        self.count_label = QLabel()
        self.count_label.setWordWrap(True)  # "no predictions yet ..." must not widen the window either
        self.clear_filter_button = QPushButton("clear filter")
        # the style's clear icon, not a glyph the font may lack
        self.clear_filter_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_LineEditClearButton))
        self.clear_filter_button.setVisible(False)
        self.size_slider = QSlider(Qt.Orientation.Horizontal)
        self.size_slider.setRange(24, 192)
        self.size_slider.setValue(self._model.thumb_size)
        self.size_slider.setMaximumWidth(140)
        self.size_slider.setMinimumWidth(60)  # was squeezed to nothing when the tab was narrow
        self.size_slider.setToolTip("thumbnail size")

        # two short rows rather than one long one: a long row set the Results tab's minimum width so
        # high that the window grew past a 1600 px screen when the tab was first shown
        filters = QHBoxLayout()
        filters.addWidget(self.mistakes_only)
        filters.addWidget(QLabel("sort by"))
        filters.addWidget(self.sort_combo)
        filters.addWidget(self.clear_filter_button)
        filters.addStretch(1)
        status = QHBoxLayout()
        status.addWidget(self.count_label)
        status.addStretch(1)
        status.addWidget(QLabel("size"))
        status.addWidget(self.size_slider)
        controls = QVBoxLayout()
        controls.setSpacing(2)
        controls.addLayout(filters)
        controls.addLayout(status)

        self.view = QListView()
        self.view.setViewMode(QListView.ViewMode.IconMode)
        self.view.setMovement(QListView.Movement.Static)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setUniformItemSizes(True)
        self.view.setLayoutMode(QListView.LayoutMode.Batched)
        self.view.setBatchSize(200)
        self.view.setWordWrap(True)
        self.view.setSpacing(4)
        self._delegate = _GridCellDelegate(self.view)
        self.view.setItemDelegate(self._delegate)
        self.view.setModel(self._model)
        self.view.activated.connect(self._on_activated)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(controls)
        layout.addWidget(self.view, 1)

        self.mistakes_only.toggled.connect(self._refilter)
        self.sort_combo.currentIndexChanged.connect(self._refilter)
        self.clear_filter_button.clicked.connect(lambda: self.show_subset(None, None))
        self.size_slider.valueChanged.connect(self.set_thumb_size)
        self._apply_grid()
        self._refilter()

    # --- public API -------------------------------------------------------------------
    def set_items(self, images, true, pred, confidence, class_names, probabilities=None) -> None:
        """images (N,H,W[,C]) float [0,1] or uint8; true, pred (N,) int; confidence (N,) float; probabilities
        (N, classes) float, when known (the larger view shows them)."""
        true = np.asarray(true, dtype=np.int64).reshape(-1)
        pred = np.asarray(pred, dtype=np.int64).reshape(-1)
        confidence = np.asarray(confidence, dtype=np.float32).reshape(-1)
        images = np.asarray(images)
        n = len(true)
        if not (len(images) == len(pred) == len(confidence) == n):
            raise ValueError(f"lengths differ: images {len(images)}, true {n}, "
                             f"pred {len(pred)}, confidence {len(confidence)}")
        if probabilities is not None:
            probabilities = np.asarray(probabilities, dtype=np.float32).reshape(n, -1)
        self._close_detail()
        self._model.device_pixel_ratio = self.devicePixelRatioF()
        self._model.set_data(images, true, pred, confidence, list(class_names), probabilities)
        self._apply_grid()
        self._refilter()

    def show_subset(self, true_class: int | None, pred_class: int | None) -> None:
        """Show only items with this true and/or predicted class (None: any)."""
        self._subset = (true_class, pred_class)
        active = true_class is not None or pred_class is not None
        if active:
            parts = []
            if true_class is not None:
                parts.append(f"true {self._model.name(true_class)}")
            if pred_class is not None:
                parts.append(f"pred {self._model.name(pred_class)}")
            self.clear_filter_button.setText(f"clear filter ({', '.join(parts)})")
        self.clear_filter_button.setVisible(active)
        self._refilter()

    def clear(self, text: str = EMPTY_TEXT) -> None:
        """Back to the empty gallery of a new run: no items and no cell filter (an earlier run's filter left
        the next run at "showing 0 of 200"); count_label shows `text`. "mistakes only", the sort and the
        size are the user's choices and stay."""
        self._empty_text = text
        self._subset = (None, None)
        self._close_detail()
        self.clear_filter_button.setVisible(False)
        self._model.set_data(np.zeros((0, 1, 1), np.float32), np.zeros(0, np.int64), np.zeros(0, np.int64),
                             np.zeros(0, np.float32), [])
        self._apply_grid()
        self._refilter()

    def placeholder_text(self) -> str:
        """What the view says while it has nothing to show (EMPTY_TEXT or the text given to clear)."""
        return self._empty_text

    def set_thumb_size(self, size: int) -> None:
        size = int(size)
        if self.size_slider.value() != size:
            self.size_slider.setValue(size)  # re-enters through valueChanged
            return
        self._model.set_thumb_size(size, self.devicePixelRatioF())
        self._apply_grid()

    def visible_indices(self) -> np.ndarray:
        return self._model.order.copy()

    def export_png(self, path: str, max_items: int = 100) -> bool:
        """Save the first `max_items` shown thumbnails with their captions as one PNG."""
        return compose_grid(self._model, self._model.order[:max_items]).save(str(path), "PNG")

    # --- internals ----------------------------------------------------------------------
    def event(self, event) -> bool:
        if event.type() == QEvent.Type.DevicePixelRatioChange:  # moved to another screen
            self._model.set_thumb_size(self._model.thumb_size, self.devicePixelRatioF())
        return super().event(event)

    def _refilter(self) -> None:
        m = self._model
        mask = np.ones(len(m.true), dtype=bool)
        if self.mistakes_only.isChecked():
            mask &= m.true != m.pred
        true_class, pred_class = self._subset
        if true_class is not None:
            mask &= m.true == true_class
        if pred_class is not None:
            mask &= m.pred == pred_class
        idx = np.flatnonzero(mask)
        mode = self.sort_combo.currentIndex()
        if mode == 1:
            idx = idx[np.argsort(-m.confidence[idx], kind="stable")]
        elif mode == 2:
            idx = idx[np.argsort(m.confidence[idx], kind="stable")]
        m.set_order(idx)
        total = len(m.true)
        self.count_label.setText(f"showing {len(idx):,} of {total:,}" if total else self._empty_text)

    def _apply_grid(self) -> None:
        m = self._model
        size = m.thumb_size
        fm = self.view.fontMetrics()
        names = [m.name(c) for c in range(len(m.class_names))] or ["8"]
        widest = max(fm.horizontalAdvance(n) for n in names)
        one_line = fm.horizontalAdvance("true  → pred ") + 2 * widest + 16
        m.one_line_classes = one_line <= max(size + 16, 150)
        text_w = one_line if m.one_line_classes else fm.horizontalAdvance("true ") + widest + 16
        lines = 2 if m.one_line_classes else 3
        cell = QSize(max(size + 16, min(text_w, 260)), size + lines * fm.height() + 14)
        self._delegate.cell = cell
        self.view.setIconSize(QSize(size, size))
        self.view.setGridSize(cell + QSize(4, 4))
        m.layoutChanged.emit()

    def _on_activated(self, index: QModelIndex) -> None:
        original = index.data(PredictionModel.OriginalIndexRole)
        if original is not None:
            self.show_larger(int(original))
            self.itemActivated.emit(int(original))

    def show_larger(self, original: int) -> GalleryItemDialog:
        """Item `original` (an index into the items set) in the larger view, which stays open for the next."""
        if self.detail is None:
            self.detail = GalleryItemDialog(self._model, self)
        self.detail.show_item(original)
        return self.detail

    def _close_detail(self) -> None:
        """Another run's items (or none) are coming: the larger view of an old item goes."""
        if self.detail is not None:
            self.detail.close()


def compose_grid(model: PredictionModel, indices: np.ndarray, columns: int = 10) -> QImage:
    """Draw thumbnails with captions onto a white image (for saving and printing)."""
    thumb = max(64, model.thumb_size)
    font = QFont()
    font.setPixelSize(max(12, thumb // 7))
    line = int(font.pixelSize() * 1.4)
    lines = 2 if model.one_line_classes else 3
    cell_w, cell_h = int(thumb * 1.6), thumb + lines * line + 12
    n = len(indices)
    cols = max(1, min(columns, n))
    rows = max(1, -(-n // cols))
    image = QImage(cols * cell_w, rows * cell_h, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setFont(font)
    for k, i in enumerate(int(v) for v in indices):
        x, y = (k % cols) * cell_w, (k // cols) * cell_h
        pix = scale_image(to_qimage(model.images[i]), thumb)
        painter.drawImage(x + (cell_w - pix.width()) // 2, y + 4, pix)
        wrong = model.is_mistake(i)
        if wrong:
            painter.setPen(QPen(MISTAKE_COLOR, 3))
            painter.drawRect(x + (cell_w - pix.width()) // 2, y + 4, pix.width(), pix.height())
        painter.setPen(MISTAKE_COLOR if wrong else QColor("black"))
        text_rect = QRect(x, y + thumb + 8, cell_w, lines * line)
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, model.caption(i))
    painter.end()
    return image
