"""Confusion matrix (rows = true class, top to bottom; columns = predicted class) and per-class accuracy.

Colour is each cell's share of its true class (so small classes read as well as big ones):
blue on the diagonal (right), red off it (confused). The text in each cell is the raw count.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage
from PySide6.QtWidgets import (QAbstractItemView, QGraphicsRectItem, QHeaderView, QLabel, QTableWidget,
                               QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from gui.views import confusion_render
from gui.views.figure_export import Painting

BLUE = np.array([8, 69, 148], np.float32)
RED = np.array([203, 24, 29], np.float32)
WHITE = np.array([255, 255, 255], np.float32)
EMPTY_TEXT = "No predictions yet for this run."  # the title of an empty matrix


def row_shares(matrix: np.ndarray) -> np.ndarray:
    """Each cell divided by its row total (rows with no samples stay 0)."""
    totals = matrix.sum(axis=1, keepdims=True).astype(np.float64)
    return np.divide(matrix, totals, out=np.zeros(matrix.shape, np.float64), where=totals > 0)


def matrix_colors(matrix: np.ndarray) -> np.ndarray:
    """(K,K,3) uint8: white -> blue on the diagonal, white -> red off it (sqrt so 2% is visible)."""
    shares = row_shares(matrix)
    k = len(matrix)
    diag = np.eye(k, dtype=bool)
    strength = np.where(diag, shares, np.sqrt(shares))[..., None]
    target = np.where(diag[..., None], BLUE, RED)
    return (WHITE + (target - WHITE) * strength).round().astype(np.uint8)


class _SortKeyItem(QTableWidgetItem):
    """A table item that sorts by a number, not by its text."""

    def __init__(self, text: str, key: float):
        super().__init__(text)
        self.key = key
        self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def __lt__(self, other):
        return self.key < getattr(other, "key", 0)


class PerClassView(QTableWidget):
    """class | count | accuracy %, sortable, worst classes easy to spot."""

    def __init__(self, parent=None):
        super().__init__(0, 3, parent)
        self.setHorizontalHeaderLabels(["class", "count", "accuracy"])
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(True)
        self.sortByColumn(0, Qt.SortOrder.AscendingOrder)

    def set_matrix(self, matrix: np.ndarray, class_names: list[str]) -> None:
        self.setSortingEnabled(False)
        totals = matrix.sum(axis=1)
        correct = np.diag(matrix)
        self.setRowCount(len(matrix))
        for r in range(len(matrix)):
            acc = 100.0 * correct[r] / totals[r] if totals[r] else float("nan")
            name = _SortKeyItem(class_names[r], float(r))
            name.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            self.setItem(r, 0, name)
            self.setItem(r, 1, _SortKeyItem(f"{int(totals[r]):,}", float(totals[r])))
            acc_item = _SortKeyItem("—" if np.isnan(acc) else f"{acc:.1f}%", -1.0 if np.isnan(acc) else acc)
            if not np.isnan(acc):  # a soft red wash on weak classes
                acc_item.setBackground(QColor(203, 24, 29, int(120 * (1.0 - acc / 100.0))))
            self.setItem(r, 2, acc_item)
        self.setSortingEnabled(True)
        self.resizeColumnsToContents()

    def accuracy(self) -> dict[str, float]:
        """class name -> accuracy % (-1 for a class with no samples)."""
        return {self.item(r, 0).text(): self.item(r, 2).key for r in range(self.rowCount())}


class ConfusionMatrixView(QWidget):
    """`set_matrix(matrix, class_names)`; emits `cellClicked(true, pred)`."""

    cellClicked = Signal(int, int)
    TEXT_MIN_CELL_PX = 16  # below this the counts would overlap: hide them

    def __init__(self, parent=None):
        super().__init__(parent)
        self._matrix = np.zeros((0, 0), np.int64)
        self._names: list[str] = []
        self._texts: list[pg.TextItem] = []
        self._empty_text = EMPTY_TEXT  # the title while there is no prediction

        self.title = QLabel(EMPTY_TEXT)
        title_font = self.title.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.25)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.title.setWordWrap(True)  # a long title must not widen the Results tab (and the window)
        self.hover_label = QLabel(" ")
        self.hover_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        legend = QLabel("colour: share of each true class (blue = right, red = confused) · number: count")
        legend.setWordWrap(True)
        legend.setStyleSheet("color: gray;")

        self.plot = pg.PlotWidget(background="w")
        self.plot.setMinimumSize(240, 240)
        item = self.plot.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        self.vb = item.getViewBox()
        self.vb.setMouseEnabled(False, False)
        self.vb.invertY(True)  # row 0 (first true class) at the top
        self.vb.setAspectLocked(True)  # square cells, whatever the panel's shape
        self.image = pg.ImageItem(axisOrder="row-major")
        item.addItem(self.image)
        self.highlight = QGraphicsRectItem()
        self.highlight.setPen(pg.mkPen(QColor("#ff9800"), width=3, cosmetic=True))
        self.highlight.setZValue(20)
        self.highlight.setVisible(False)
        item.addItem(self.highlight, ignoreBounds=True)
        axis_font = QFont()
        axis_font.setPointSize(11)
        self._axis_metrics = QFontMetrics(axis_font)
        for side, title in (("left", "true class"), ("bottom", "predicted class")):
            axis = item.getAxis(side)
            axis.setPen(pg.mkPen("k"))
            axis.setTextPen(pg.mkPen("k"))
            axis.setStyle(tickFont=axis_font)
            axis.setLabel(title, **{"font-size": "12pt", "color": "#000"})

        self.per_class = PerClassView()

        matrix_page = QWidget()
        matrix_layout = QVBoxLayout(matrix_page)
        matrix_layout.setContentsMargins(0, 0, 0, 0)
        matrix_layout.addWidget(self.plot, 1)
        matrix_layout.addWidget(self.hover_label)
        matrix_layout.addWidget(legend)
        # the matrix and the class table each get the whole panel: on a 1280x720 screen a table below the
        # matrix left it 18 px cells and showed 2 of 10 classes
        self.pages = QTabWidget()
        self.pages.addTab(matrix_page, "matrix")
        self.pages.addTab(self.per_class, "per class")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.pages, 1)

        self.plot.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.plot.scene().sigMouseClicked.connect(self._on_mouse_clicked)
        self.vb.sigResized.connect(self._fit_text)

    # --- public API -------------------------------------------------------------------
    def reserve(self, classes: int) -> None:
        """Create the cell labels for `classes` classes now (~0.5 ms each, 50 ms for 10 classes), e.g. when
        data loads, instead of in the GUI thread at the end of a run, when the first matrix arrives."""
        self._ensure_texts(classes)

    def set_matrix(self, matrix, class_names) -> None:
        matrix = np.asarray(matrix, dtype=np.int64)
        if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
            raise ValueError(f"a confusion matrix must be square (K,K), got {matrix.shape}")
        k = len(matrix)
        names = [str(n) for n in class_names][:k] + [str(i) for i in range(len(class_names), k)]
        self._matrix, self._names = matrix.copy(), names
        colors = matrix_colors(matrix)
        self.image.setImage(colors, levels=(0, 255))
        self.image.setRect(QRectF(0, 0, k, k))
        self._ensure_texts(k)
        for r in range(k):
            for c in range(k):
                text = self._texts[r * k + c]
                text.setText(f"{matrix[r, c]:,}")
                dark = colors[r, c].astype(float) @ np.array([0.299, 0.587, 0.114]) < 140
                text.setColor(QColor("white") if dark else QColor("black"))
        left = self.plot.getPlotItem().getAxis("left")
        left.setTicks([[(i + 0.5, name) for i, name in enumerate(names)], []])
        fm = self._axis_metrics
        left.setWidth(max((fm.horizontalAdvance(n) for n in names), default=10) + fm.height() + 26)
        self.vb.setRange(xRange=(0, max(k, 1)), yRange=(0, max(k, 1)), padding=0)
        total, correct = int(matrix.sum()), int(np.trace(matrix))
        self.title.setText(f"accuracy {100.0 * correct / total:.1f}% on {total:,} samples" if total
                           else self._empty_text)
        self.per_class.set_matrix(matrix, names)
        self.clear_highlight()
        self._fit_text()

    def clear(self, text: str = EMPTY_TEXT) -> None:
        """Back to the empty matrix of a new run: no cells, ticks, table rows or highlight; the title shows
        `text`. The cell labels are kept (blank) for the next matrix of the same size."""
        self._matrix, self._names = np.zeros((0, 0), np.int64), []
        self.image.clear()
        for label in self._texts:
            label.setText("")
        for side in ("left", "bottom"):
            self.plot.getPlotItem().getAxis(side).setTicks([[], []])
        self._empty_text = text
        self.title.setText(text)
        self.hover_label.setText(" ")
        self.plot.setToolTip("")
        self.per_class.setRowCount(0)
        self.clear_highlight()

    def placeholder_text(self) -> str:
        """What the view says while it has nothing to show (EMPTY_TEXT or the text given to clear)."""
        return self._empty_text

    def matrix(self) -> np.ndarray:
        return self._matrix.copy()

    def class_names(self) -> list[str]:
        return list(self._names)

    def set_highlight(self, true: int, pred: int) -> None:
        self.highlight.setRect(QRectF(pred, true, 1, 1))
        self.highlight.setVisible(True)

    def clear_highlight(self) -> None:
        self.highlight.setVisible(False)

    def cell_center_in_viewport(self, true: int, pred: int):
        """Where the centre of a cell is, in plot-viewport pixels (for tests and tours)."""
        scene_pos = self.vb.mapViewToScene(QPointF(pred + 0.5, true + 0.5))
        return self.plot.mapFromScene(scene_pos)

    def describe_cell(self, true: int, pred: int) -> str:
        count = int(self._matrix[true, pred])
        share = 100.0 * row_shares(self._matrix)[true, pred]
        return f"true {self._names[true]}, predicted {self._names[pred]}: {count:,} ({share:.1f}%)"

    def export_png(self, path: str) -> bool:
        """The matrix drawn from its numbers at a fixed cell size (confusion_render), not a grab of the panel."""
        return self.export_image().save(str(path), "PNG")

    def figure(self) -> Painting:
        """The matrix as a drawing for gui.views.figure_export (PNG or SVG at a chosen size)."""
        k = len(self._matrix)
        paint, size = confusion_render.drawing(self._matrix, self._names, matrix_colors(self._matrix) if k else
                                               np.zeros((0, 0, 3), np.uint8), self.title.text())
        return Painting(paint, size, empty=k == 0)

    def export_image(self) -> QImage:
        k = len(self._matrix)
        return confusion_render.render(self._matrix, self._names, matrix_colors(self._matrix) if k else
                                       np.zeros((0, 0, 3), np.uint8), self.title.text())

    # --- internals ----------------------------------------------------------------------
    def _ensure_texts(self, k: int) -> None:
        if len(self._texts) == k * k:
            return
        for text in self._texts:
            self.plot.getPlotItem().removeItem(text)
        self._texts = []
        for r in range(k):
            for c in range(k):
                text = pg.TextItem(anchor=(0.5, 0.5))
                text.setPos(c + 0.5, r + 0.5)
                text.setZValue(10)
                self.plot.getPlotItem().addItem(text, ignoreBounds=True)
                self._texts.append(text)

    def _fit_text(self, *args) -> None:
        k = len(self._matrix)
        if not k or not self._texts:
            return
        cell_px = min(self.vb.width(), self.vb.height()) / k
        visible = cell_px >= self.TEXT_MIN_CELL_PX
        digits = max(1, len(f"{int(self._matrix.max()):,}"))
        font = QFont()
        font.setPixelSize(int(max(8, min(cell_px * 0.4, 1.5 * cell_px / digits, 22))))
        for text in self._texts:
            text.setVisible(visible)
            text.setFont(font)
        bottom = self.plot.getPlotItem().getAxis("bottom")
        fm = self._axis_metrics
        col_px = self.vb.width() / k
        elide = Qt.TextElideMode.ElideRight
        bottom.setTicks([[(i + 0.5, fm.elidedText(n, elide, max(int(col_px) - 6, fm.averageCharWidth())))
                          for i, n in enumerate(self._names)], []])

    def _cell_at(self, scene_pos) -> tuple[int, int] | None:
        k = len(self._matrix)
        if not k or not self.vb.sceneBoundingRect().contains(scene_pos):
            return None
        p = self.vb.mapSceneToView(scene_pos)
        col, row = int(np.floor(p.x())), int(np.floor(p.y()))
        return (row, col) if 0 <= row < k and 0 <= col < k else None

    def _on_mouse_moved(self, scene_pos) -> None:
        cell = self._cell_at(scene_pos)
        text = self.describe_cell(*cell) if cell else " "
        self.hover_label.setText(text)
        self.plot.setToolTip(text.strip())

    def _on_mouse_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        cell = self._cell_at(event.scenePos())
        if cell is not None:
            self.set_highlight(*cell)
            self.cellClicked.emit(*cell)
