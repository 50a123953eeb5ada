"""The edges Results page: input | recurrent | Canny | Sobel side by side, zoom and pan linked, a threshold
slider under each map, a difference overlay, a picker over the probe and the test images, and the PR curve.

Items are "edge_map" snapshots' arrays (engine/tasks/edges/task.py): image (H, W, 3) float, model (the
recurrent map), canny, sobel (H, W) in [0, 1], and target when the run had one. Maps are drawn white on black.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (QCheckBox, QComboBox, QGridLayout, QHBoxLayout, QLabel, QPushButton, QSlider,
                               QSplitter, QVBoxLayout, QWidget)

from gui.views.fit_on_show import FitOnShow
from gui.views.image_utils import to_qimage, to_uint8

PANELS = (("image", "input"), ("model", "recurrent"), ("canny", "Canny"), ("sobel", "Sobel"))
MAPS = ("model", "canny", "sobel")
ONLY_OURS, ONLY_THEIRS = (255, 140, 0), (0, 190, 255)  # difference overlay: orange / cyan
GAP = 4  # px between the panels of an exported PNG
EMPTY_TEXT = ("No edge maps yet for this run: the probe image shows here while an edges model learns, "
              "then the test images.")
PR_PENS = {"": ("recurrent", "#d62728"), "canny_": ("Canny", "#1f77b4"), "sobel_": ("Sobel", "#2ca02c")}


class EdgeCompare(FitOnShow, QWidget):
    exportRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._items: dict[str, dict] = {}  # picker label -> arrays
        self._fit_later = False
        top = self._build_top()
        self._build_panels()
        sliders = self._build_sliders()
        self._build_pr_plot()
        maps = QWidget()
        maps_layout = QVBoxLayout(maps)
        maps_layout.setContentsMargins(0, 0, 0, 0)
        maps_layout.addWidget(self.graphics, 1)
        maps_layout.addLayout(sliders)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(maps)
        split.addWidget(self.pr_plot)
        split.setSizes([600, 260])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self.placeholder = QLabel(EMPTY_TEXT)
        self.placeholder.setStyleSheet("color: gray;")
        self.placeholder.setWordWrap(True)  # a long reason must not widen the window
        layout.addWidget(self.placeholder)
        self._redraw()

    def _build_top(self) -> QHBoxLayout:
        """The image picker, the difference switch with its legend, and Export."""
        self.picker = QComboBox()
        self.picker.setToolTip("The probe image (updated while training) or one of the test images")
        self.picker.setMinimumContentsLength(24)
        self.picker.currentIndexChanged.connect(self._redraw)
        self.difference = QCheckBox("difference")
        self.difference.setToolTip("Colour the recurrent map where it and the reference disagree")
        self.difference.toggled.connect(self._redraw)
        self.legend = QLabel()
        export = QPushButton("Export PNG…")
        export.setToolTip("Save the four panels as shown (thresholds, difference) at the images' own size")
        export.clicked.connect(self.exportRequested)
        top = QHBoxLayout()
        top.addWidget(QLabel("image"))
        top.addWidget(self.picker)
        top.addWidget(self.difference)
        top.addWidget(self.legend, 1)
        top.addWidget(export)
        return top

    def _build_panels(self) -> None:
        """One titled view per PANELS entry, zoom and pan linked to the input's; the overlay on the model's."""
        self.graphics = pg.GraphicsLayoutWidget()
        self.views: dict[str, pg.ViewBox] = {}
        self.images: dict[str, pg.ImageItem] = {}
        self.panels: list[pg.GraphicsLayout] = []  # title + view each; one row of four, or two by two
        self.columns = 4
        for column, (key, title) in enumerate(PANELS):
            panel = pg.GraphicsLayout()
            panel.addLabel(title, row=0, col=0)
            view = panel.addViewBox(row=1, col=0, lockAspect=True, invertY=True, enableMenu=False)
            self.graphics.ci.addItem(panel, row=0, col=column)
            self.panels.append(panel)
            item = pg.ImageItem(axisOrder="row-major")
            view.addItem(item)
            self.views[key], self.images[key] = view, item
            if column:  # zoom or pan one, the others follow
                view.setXLink(self.views["image"])
                view.setYLink(self.views["image"])
        self.overlay = pg.ImageItem(axisOrder="row-major")
        self.overlay.setZValue(10)
        self.views["model"].addItem(self.overlay)

    def _build_sliders(self) -> QGridLayout:
        """A threshold slider with its value under each map, beside a hint under the input."""
        self.sliders: dict[str, QSlider] = {}
        self.slider_labels: dict[str, QLabel] = {}
        sliders = QGridLayout()
        hint = QLabel("scroll to zoom, drag to pan")
        hint.setStyleSheet("color: gray;")
        sliders.addWidget(hint, 0, 0, Qt.AlignmentFlag.AlignCenter)
        for column, key in enumerate(MAPS, start=1):
            name = QLabel(dict(PANELS)[key])
            slider = QSlider(Qt.Orientation.Horizontal)
            slider.setRange(0, 100)
            slider.setToolTip("Threshold: pixels at or above it are edges (0 = the soft map)")
            slider.valueChanged.connect(self._redraw)
            label = QLabel()
            label.setMinimumWidth(64)
            row = QHBoxLayout()
            row.addWidget(name)
            row.addWidget(slider, 1)
            row.addWidget(label)
            sliders.addLayout(row, 0, column)
            self.sliders[key], self.slider_labels[key] = slider, label
        for column in range(4):
            sliders.setColumnStretch(column, 1)
        return sliders

    def _build_pr_plot(self) -> None:
        self.pr_plot = pg.PlotWidget(title="Precision-recall on the test images (● ODS)")
        self.pr_plot.setLabel("bottom", "recall")
        self.pr_plot.setLabel("left", "precision")
        self.pr_plot.setRange(xRange=(0, 1), yRange=(0, 1))
        self.pr_plot.addLegend(offset=(-10, 10))  # top right: PR curves keep out of it
        self.pr_plot.setVisible(False)

    # ---- data ----
    def set_probe(self, arrays: dict, meta: dict) -> None:
        """The live probe snapshot (training scale); replaces the previous one."""
        self._set_item(f"probe: {meta.get('name', '')} (live)", arrays, first=True)

    def add_result(self, arrays: dict, meta: dict) -> None:
        self._set_item(f"test: {meta.get('name', meta.get('index', ''))}", arrays)

    def clear(self, text: str = EMPTY_TEXT) -> None:
        """Back to the empty page of a new run: no images, no PR curve, `placeholder` shown with `text`."""
        self.placeholder.setText(text)
        self._items.clear()
        self.picker.blockSignals(True)
        self.picker.clear()
        self.picker.blockSignals(False)
        self.pr_plot.clear()
        self.pr_plot.setVisible(False)
        self._redraw()

    def placeholder_text(self) -> str:
        """What the view says while it has nothing to show (EMPTY_TEXT or the text given to clear)."""
        return self.placeholder.text()

    def _set_item(self, label: str, arrays: dict, first: bool = False) -> None:
        if first:  # one probe entry, kept at the top of the picker whatever its name
            old = [k for k in self._items if k.startswith("probe: ")]
            for key in old:
                del self._items[key]
            self._items = {label: arrays, **self._items}
        else:
            self._items[label] = arrays
        current = self.picker.currentText()
        self.picker.blockSignals(True)
        self.picker.clear()
        self.picker.addItems(list(self._items))
        index = self.picker.findText(current)
        if current.startswith("probe: ") and first:
            index = 0
        self.picker.setCurrentIndex(index if index >= 0 else 0)
        self.picker.blockSignals(False)
        self._redraw()

    def set_pr(self, arrays: dict) -> None:
        """A "pr_curve" snapshot: precision / recall per threshold for recurrent, canny_ and sobel_."""
        self.pr_plot.clear()
        for prefix, (name, colour) in PR_PENS.items():
            p, r = arrays.get(prefix + "precision"), arrays.get(prefix + "recall")
            if p is None or r is None or not len(p):
                continue
            p, r = np.asarray(p, float), np.asarray(r, float)
            f = np.where(p + r > 0, 2 * p * r / np.maximum(p + r, 1e-12), 0.0)
            best = int(np.argmax(f))
            self.pr_plot.plot(r, p, pen=pg.mkPen(colour, width=2), name=f"{name} ODS {f[best]:.3f}")
            self.pr_plot.plot([r[best]], [p[best]], pen=None, symbol="o", symbolBrush=colour, symbolSize=9)
        self.pr_plot.setVisible(True)

    def count(self) -> int:
        return len(self._items)

    def labels(self) -> list[str]:
        return list(self._items)

    # ---- drawing ----
    def current(self) -> dict | None:
        return self._items.get(self.picker.currentText())

    def threshold(self, key: str) -> float:
        return self.sliders[key].value() / 100

    def shown(self, key: str) -> np.ndarray | None:
        """The array a panel shows: the input image, or a map thresholded by its slider (0: the soft map)."""
        arrays = self.current()
        if arrays is None or key not in arrays:
            return None
        values = np.asarray(arrays[key], np.float32)
        if key == "image":
            return values
        t = self.threshold(key)
        return (values >= t).astype(np.float32) if t > 0 else values

    def reference(self) -> tuple[str, np.ndarray] | None:
        """What the difference overlay compares the recurrent map with: the run's target, else Canny."""
        arrays = self.current()
        if arrays is None:
            return None
        if "target" in arrays:
            return "target", np.asarray(arrays["target"]) >= 0.5
        return "Canny", np.asarray(arrays["canny"]) >= (self.threshold("canny") or 0.5)

    def difference_map(self) -> np.ndarray | None:
        """RGBA uint8: orange where only the recurrent map has an edge, cyan where only the reference has."""
        arrays, ref = self.current(), self.reference()
        if arrays is None or ref is None:
            return None
        ours = np.asarray(arrays["model"]) >= (self.threshold("model") or 0.5)
        theirs = ref[1]
        rgba = np.zeros(ours.shape + (4,), np.uint8)
        rgba[ours & ~theirs] = ONLY_OURS + (230,)
        rgba[theirs & ~ours] = ONLY_THEIRS + (230,)
        return rgba

    def _redraw(self, *_) -> None:
        arrays = self.current()
        self.placeholder.setVisible(arrays is None)
        for key, item in self.images.items():
            values = self.shown(key)
            if values is None:
                item.clear()
                continue
            reset = item.image is None or item.image.shape[:2] != values.shape[:2]
            item.setImage(values, levels=(0, 1), autoLevels=False)
            if reset:
                self._arrange()
                self._fit_later = True
        if self._fit_later and self.isVisible():
            self._fit()
        for key, label in self.slider_labels.items():
            t = self.threshold(key)
            label.setText(f"≥ {t:.2f}" if t > 0 else "soft map")
        diff = self.difference_map() if self.difference.isChecked() else None
        if diff is None:
            self.overlay.clear()
            self.legend.setText("")
        else:
            self.overlay.setImage(diff, levels=(0, 255), autoLevels=False)
            name = self.reference()[0]
            self.legend.setText(f"<span style='color:rgb{ONLY_OURS}'>■</span> recurrent only &nbsp; "
                                f"<span style='color:rgb{ONLY_THEIRS}'>■</span> {name} only")

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._arrange()
        if self._fit_later and self.isVisible():
            self._fit()

    def _arrange(self) -> None:
        """One row of four panels, or two by two: whichever shows the images larger in this space."""
        image = self.images["image"].image
        if image is None:
            return
        h, w = image.shape[:2]
        width, height = max(self.graphics.width(), 1), max(self.graphics.height(), 1)
        columns = 4 if min(width / 4 / w, height / h) >= min(width / 2 / w, height / 2 / h) else 2
        grid = self.graphics.ci.layout
        if columns != self.columns:
            self.columns = columns
            for panel in self.panels:
                self.graphics.ci.removeItem(panel)
            for i, panel in enumerate(self.panels):
                self.graphics.ci.addItem(panel, row=i // columns, col=i % columns)
            self._fit_later = True
        # equal cells, so the linked views show the same region (stretch factors alone left them uneven)
        cell = (width - 2 * 10) / columns - grid.horizontalSpacing()
        for k in range(columns):
            grid.setColumnFixedWidth(k, max(cell, 20))

    # ---- export ----
    def composite(self) -> np.ndarray | None:
        """uint8 RGB: the four panels as shown, at the image's own size, GAP white pixels apart."""
        arrays = self.current()
        if arrays is None:
            return None
        panels = []
        for key, _ in PANELS:
            values = self.shown(key)
            rgb = to_uint8(values if values.ndim == 3 else np.repeat(values[:, :, None], 3, 2))
            if key == "model" and self.difference.isChecked():
                diff = self.difference_map()
                alpha = diff[:, :, 3:4].astype(np.float32) / 255
                rgb = np.round(rgb * (1 - alpha) + diff[:, :, :3] * alpha).astype(np.uint8)
            panels.append(rgb)
        h = panels[0].shape[0]
        gap = np.full((h, GAP, 3), 255, np.uint8)
        row = [panels[0]]
        for panel in panels[1:]:
            row += [gap, panel]
        return np.ascontiguousarray(np.concatenate(row, 1))

    def export_png(self, path: str) -> bool:
        image = self.composite()
        if image is None:
            return False
        return to_qimage(image).save(path, "PNG")

    def grab_image(self) -> QImage:
        return self.grab().toImage()
