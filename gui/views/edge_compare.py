"""The edges Results page: input | recurrent | Canny | Sobel | ground truth side by side, zoom and pan linked, a
threshold slider under each map, a difference overlay, a picker over the probe and every test image (those not
sent yet are asked for: itemRequested), and the PR curve.

Items are "edge_map" snapshots' arrays (engine/tasks/edges/task.py): image (H, W, 3) float, model (the
recurrent map), canny, sobel (H, W) in [0, 1], and the human ground truth ("truth": the share of annotators
marking a pixel) or the run's training target ("target") when there is one. Maps are drawn white on black.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (QCheckBox, QComboBox, QGridLayout, QHBoxLayout, QLabel, QPushButton, QSlider,
                               QSplitter, QVBoxLayout, QWidget)

from gui.views.figure_export import Figure, snapshot
from gui.views.fit_on_show import FitOnShow
from gui.views.image_utils import to_qimage, to_uint8

PANELS = (("image", "input"), ("model", "recurrent"), ("canny", "Canny"), ("sobel", "Sobel"),
          ("truth", "ground truth"))
TRUTH_TITLES = {"truth": "human (share of annotators)", "target": "training target"}
MAPS = ("model", "canny", "sobel")
ONLY_OURS, ONLY_THEIRS = (255, 140, 0), (0, 190, 255)  # difference overlay: orange / cyan
GAP = 4  # px between the panels of an exported PNG
EMPTY_TEXT = ("No edge maps yet for this run: the probe image shows here while an edges model learns, "
              "then the test images.")
PR_PENS = {"": ("recurrent", "#d62728"), "canny_": ("Canny", "#1f77b4"), "sobel_": ("Sobel", "#2ca02c")}


class EdgeCompare(FitOnShow, QWidget):
    exportRequested = Signal()
    itemRequested = Signal(int, str)  # a test image picked that was not sent: its index and name

    def __init__(self, parent=None):
        super().__init__(parent)
        self._items: dict[str, dict | None] = {}  # picker label -> arrays; None: a test image not computed yet
        self._names: list[str] = []  # every test image's name, in the test split's order
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
        self._empty_text = EMPTY_TEXT  # what the page says with nothing picked (clear() sets it)
        self.placeholder = QLabel(EMPTY_TEXT)
        self.placeholder.setStyleSheet("color: gray;")
        self.placeholder.setWordWrap(True)  # a long reason must not widen the window
        layout.addWidget(self.placeholder)
        self._redraw()

    def _build_top(self) -> QHBoxLayout:
        """The image picker, the difference switch with its legend, and Export."""
        self.picker = QComboBox()
        self.picker.setToolTip("The probe image (updated while training) or any test image (computed when picked)")
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
        self.panels: dict[str, pg.GraphicsLayout] = {}  # title + view each, laid out by _arrange
        self.titles: dict[str, pg.LabelItem] = {}
        self.columns, self.laid_out = 0, ()
        for key, title in PANELS:
            panel = pg.GraphicsLayout()
            self.titles[key] = panel.addLabel(title, row=0, col=0)
            view = panel.addViewBox(row=1, col=0, lockAspect=True, invertY=True, enableMenu=False)
            self.panels[key] = panel
            item = pg.ImageItem(axisOrder="row-major")
            view.addItem(item)
            self.views[key], self.images[key] = view, item
            if key != "image":  # zoom or pan one, the others follow
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

    def set_catalogue(self, names) -> None:
        """Every test image's name: each can be picked; one not sent yet is asked for (itemRequested)."""
        self._names = [str(n) for n in names]
        for name in self._names:
            self._items.setdefault(f"test: {name}", None)
        self._fill_picker(self.picker.currentText())

    def catalogue(self) -> tuple[str, ...]:
        """The test images' names set_catalogue gave (none before the run's end)."""
        return tuple(self._names)

    def clear(self, text: str = EMPTY_TEXT) -> None:
        """Back to the empty page of a new run: no images, no PR curve, `placeholder` shown with `text`."""
        self.placeholder.setText(text)
        self._empty_text = text
        self._items.clear()
        self._names = []
        self._fill_picker("")
        self.pr_plot.clear()
        self.pr_plot.setVisible(False)
        self._redraw()

    def placeholder_text(self) -> str:
        """What the view says while it has nothing to show (EMPTY_TEXT or the text given to clear)."""
        return self.placeholder.text()

    def _set_item(self, label: str, arrays: dict, first: bool = False) -> None:
        current = self.picker.currentText()
        if first:  # one probe entry, kept at the top of the picker whatever its name
            old = [k for k in self._items if k.startswith("probe: ")]
            for key in old:
                del self._items[key]
            self._items = {label: arrays, **self._items}
            if current.startswith("probe: "):
                current = label
        else:
            self._items[label] = arrays
        self._fill_picker(current)

    def _fill_picker(self, current: str) -> None:
        self.picker.blockSignals(True)
        self.picker.clear()
        self.picker.addItems(list(self._items))
        index = self.picker.findText(current)
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

    def pr_figure(self) -> Figure:
        """The precision-recall curves from their data (gui.views.figure_export)."""
        return Figure([snapshot(self.pr_plot.getPlotItem())], "Precision against recall over the thresholds, on the "
                      "test images; the dot on each curve is its best F-measure over the data set (ODS).")

    def count(self) -> int:
        """The images computed (the probe and the test images sent or asked for)."""
        return sum(arrays is not None for arrays in self._items.values())

    def labels(self) -> list[str]:
        return list(self._items)

    # ---- drawing ----
    def current(self) -> dict | None:
        return self._items.get(self.picker.currentText())

    def truth_key(self) -> str | None:
        """Which ground truth the shown item has: "truth" (human), "target" (the training target) or None."""
        arrays = self.current() or {}
        return next((key for key in TRUTH_TITLES if key in arrays), None)

    def threshold(self, key: str) -> float:
        return self.sliders[key].value() / 100

    def shown(self, key: str) -> np.ndarray | None:
        """The array a panel shows: the input image, or a map thresholded by its slider (0: the soft map)."""
        arrays = self.current()
        if key == "truth":
            key = self.truth_key() or key
        if arrays is None or key not in arrays:
            return None
        values = np.asarray(arrays[key], np.float32)
        if key not in self.sliders:  # the input and the ground truth are shown as they are
            return values
        t = self.threshold(key)
        return (values >= t).astype(np.float32) if t > 0 else values

    def reference(self) -> tuple[str, np.ndarray] | None:
        """What the difference overlay compares the recurrent map with: the human ground truth (a pixel at least
        half the annotators marked), else the run's target, else Canny."""
        arrays = self.current()
        if arrays is None:
            return None
        if "truth" in arrays:
            return "human", np.asarray(arrays["truth"]) >= 0.5
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
        label = self.picker.currentText()
        if arrays is None and label in self._items:  # a test image not computed yet: ask for it
            self.placeholder.setText(f"Computing the edge maps of {label[len('test: '):]}…")
            self.itemRequested.emit(self._names.index(label[len("test: "):]), label[len("test: "):])
        elif arrays is None:
            self.placeholder.setText(self._empty_text)
        self.placeholder.setVisible(arrays is None)
        truth = self.truth_key()
        if truth is not None:
            self.titles["truth"].setText(TRUTH_TITLES[truth])
        if tuple(self.visible_panels()) != self.laid_out:
            self._arrange()
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

    def visible_panels(self) -> list[str]:
        """The panels shown: the ground truth's only when the image has one."""
        return [key for key, _ in PANELS if key != "truth" or self.truth_key() is not None]

    def _arrange(self) -> None:
        """The panels in the grid (one row, or more) that shows the images largest in this space."""
        image = self.images["image"].image
        keys = tuple(self.visible_panels())
        if image is None:
            return
        h, w = image.shape[:2]
        width, height = max(self.graphics.width(), 1), max(self.graphics.height(), 1)
        columns = max(range(1, len(keys) + 1),
                      key=lambda c: min(width / c / w, height / -(-len(keys) // c) / h) + 1e-9 * c)
        grid = self.graphics.ci.layout
        if (columns, keys) != (self.columns, self.laid_out):
            for key in self.laid_out:
                self.graphics.ci.removeItem(self.panels[key])
            for i, key in enumerate(keys):
                self.graphics.ci.addItem(self.panels[key], row=i // columns, col=i % columns)
            self.columns, self.laid_out = columns, keys
            self._fit_later = True
        # equal cells, so the linked views show the same region (stretch factors alone left them uneven)
        cell = (width - 2 * 10) / columns - grid.horizontalSpacing()
        for k in range(len(PANELS)):
            grid.setColumnFixedWidth(k, max(cell, 20) if k < columns else 0)

    # ---- export ----
    def composite(self) -> np.ndarray | None:
        """uint8 RGB: the panels as shown (the ground truth's when there is one), at the image's own size, GAP white
        pixels apart."""
        arrays = self.current()
        if arrays is None:
            return None
        panels = []
        for key in self.visible_panels():
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
