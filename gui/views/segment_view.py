"""Segmentation results: the picked image with its mask overlaid, or image | truth | prediction | error map,
a class-colour legend, and a gallery of test images sorted by IoU, worst first.

`show_probe(arrays, meta)` takes the live training snapshot (about twice a second): it recomposes only the
shown picture, never the gallery. `show_results(items)` fills the gallery once at the end of a run.
arrays: image (H,W[,3]) float [0,1] or uint8, truth (H,W) class ids (optional), prediction (H,W) class ids,
probability (H,W) optional. meta: class_names, colours (optional), iou (optional), name, index.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from PySide6.QtCore import QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QHBoxLayout, QLabel, QListView, QPushButton,
                               QSlider, QSplitter, QStackedWidget, QVBoxLayout, QWidget)

from gui.views import segment_images as seg
from gui.views.image_panel import ImagePanel
from gui.views.image_utils import scale_image, to_qimage
from gui.views.legend import ColourLegend
from gui.views.thumbnail_model import ThumbnailListModel

LOW_IOU = 0.5
LOW_IOU_COLOUR = QColor("#d32f2f")
THUMB_ALPHA = 0.55
EMPTY_CAPTION = "No segmentation yet for this run."  # the caption while nothing is shown
EMPTY_GALLERY = "the test images appear here when training ends, worst IoU first"
MASK_FILES = ("mask", "overlay")  # what export_masks writes per result: <name>_mask.png, <name>_overlay.png


class SegmentResultsModel(ThumbnailListModel):
    """Rows are results in IoU order (worst first, unknown IoU last); thumbnails are made on demand."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: list[dict] = []
        self.lut = seg.class_colours(2)
        self.thumb_size = 120

    def set_items(self, items: list[dict], lut: np.ndarray) -> None:
        self.beginResetModel()
        self.items, self.lut = items, lut
        ious = np.array([it["iou"] for it in items], dtype=np.float64)
        self.order = np.argsort(np.where(np.isnan(ious), np.inf, ious), kind="stable")
        self._cache.clear()
        self.endResetModel()

    def set_lut(self, lut: np.ndarray) -> None:
        self.lut = lut
        self.redraw_thumbnails()

    def caption(self, i: int) -> str:
        iou = self.items[i]["iou"]
        return f"IoU {iou:.2f}\n{self.items[i]['name']}" if np.isfinite(iou) else f"IoU –\n{self.items[i]['name']}"

    def make_thumbnail(self, i: int) -> QPixmap:
        it = self.items[i]
        step = max(1, max(it["image"].shape[:2]) // (2 * self.thumb_size))  # compose small, then scale
        picture = seg.overlay(it["image"][::step, ::step], it["prediction"][::step, ::step], self.lut, THUMB_ALPHA)
        return QPixmap.fromImage(scale_image(to_qimage(picture), self.thumb_size))

    def role_data(self, i: int, role):
        if role == Qt.ItemDataRole.ForegroundRole and self.items[i]["iou"] < LOW_IOU:
            return LOW_IOU_COLOUR
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.caption(i).replace("\n", " · ")
        return None


class SegmentView(QWidget):
    """Emits `itemSelected(i)` (index into the results list) when a gallery image is clicked."""

    itemSelected = Signal(int)
    OVERLAY, COMPARE = 0, 1

    def __init__(self, parent=None, font_scale: float = 1.3):
        super().__init__(parent)
        self._names: list[str] = ["background", "foreground"]
        self._lut = seg.class_colours(2)
        self._probe: dict | None = None
        self._results: list[dict] = []
        self._current: int | str | None = None  # "probe", a result index, or None
        self._empty_caption = EMPTY_CAPTION  # the caption while nothing is shown

        big = self.font()
        big.setPointSizeF(big.pointSizeF() * font_scale)
        controls, mask_row = self._build_controls(big, font_scale)
        self._build_display(font_scale)
        gallery_box = self._build_gallery(big)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.display)
        splitter.addWidget(gallery_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(controls)
        layout.addLayout(mask_row)
        layout.addWidget(splitter, 1)

        self._mode_group.idToggled.connect(lambda _id, on: on and self._refresh())
        self.truth_check.toggled.connect(self._refresh)
        self.alpha_slider.valueChanged.connect(self._on_alpha)
        self.probe_button.clicked.connect(self.show_live_probe)
        self.gallery.clicked.connect(self._on_clicked)
        self.gallery.activated.connect(self._on_clicked)
        self._update_legend()

    def _build_controls(self, big, font_scale: float) -> tuple[QHBoxLayout, QHBoxLayout]:
        """The caption, the overlay / compare buttons, truth, mask opacity and live-probe: two rows."""
        self.caption = QLabel(EMPTY_CAPTION)
        caption_font = self.font()
        caption_font.setPointSizeF(caption_font.pointSizeF() * font_scale * 1.1)
        caption_font.setBold(True)
        self.caption.setFont(caption_font)
        self.caption.setWordWrap(True)

        self.overlay_button = QPushButton("overlay")
        self.compare_button = QPushButton("image | truth | prediction | errors")
        self._mode_group = QButtonGroup(self)
        for mode, button in ((self.OVERLAY, self.overlay_button), (self.COMPARE, self.compare_button)):
            button.setCheckable(True)
            button.setFont(big)
            self._mode_group.addButton(button, mode)
        self.overlay_button.setChecked(True)
        self.truth_check = QCheckBox("overlay the truth instead")
        self.alpha_slider = QSlider(Qt.Orientation.Horizontal)
        self.alpha_slider.setRange(0, 100)
        self.alpha_slider.setValue(50)
        self.alpha_slider.setMinimumWidth(120)
        self.alpha_slider.setToolTip("how strongly the mask colours cover the image")
        self.alpha_label = QLabel("mask 50%")
        self.probe_button = QPushButton("live probe")
        self.probe_button.setToolTip("back to the image followed during training")
        self.probe_button.setEnabled(False)
        for w in (self.truth_check, self.alpha_label, self.probe_button):
            w.setFont(big)

        controls = QHBoxLayout()  # two rows: in one, the controls made the whole window ~1620 px wide at least
        controls.addWidget(self.overlay_button)
        controls.addWidget(self.compare_button)
        controls.addStretch(1)
        controls.addWidget(self.probe_button)
        mask_row = QHBoxLayout()
        mask_row.addWidget(self.truth_check)
        mask_row.addSpacing(12)
        mask_row.addWidget(self.alpha_label)
        mask_row.addWidget(self.alpha_slider, 1)
        return controls, mask_row

    def _build_display(self, font_scale: float) -> None:
        """What export_png saves: the caption, the overlay or the four compare panels, and the legend."""
        self.overlay_panel = ImagePanel("prediction over the image", font_scale=font_scale)
        self.panels = {key: ImagePanel(title, font_scale=font_scale) for key, title in
                       (("image", "image"), ("truth", "truth"), ("prediction", "prediction"),
                        ("error", "errors"))}
        compare = QWidget()
        row = QHBoxLayout(compare)
        row.setContentsMargins(0, 0, 0, 0)
        for panel in self.panels.values():
            row.addWidget(panel)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.overlay_panel)
        self.stack.addWidget(compare)
        self.legend = ColourLegend(font_scale=font_scale)

        self.display = QWidget()
        display_layout = QVBoxLayout(self.display)
        display_layout.setContentsMargins(4, 4, 4, 4)
        display_layout.addWidget(self.caption)
        display_layout.addWidget(self.stack, 1)
        display_layout.addWidget(self.legend)

    def _build_gallery(self, big) -> QWidget:
        """The test images' thumbnails, worst IoU first, under their label."""
        self.model = SegmentResultsModel(self)
        self.gallery = QListView()
        self.gallery.setViewMode(QListView.ViewMode.IconMode)
        self.gallery.setMovement(QListView.Movement.Static)
        self.gallery.setResizeMode(QListView.ResizeMode.Adjust)
        self.gallery.setUniformItemSizes(True)
        self.gallery.setWordWrap(True)
        self.gallery.setSpacing(4)
        self.gallery.setFont(big)
        self.gallery.setModel(self.model)
        self.gallery_label = QLabel(EMPTY_GALLERY)
        self.gallery_label.setFont(big)
        self.gallery_label.setWordWrap(True)  # a long one-line label sets the window's minimum width
        gallery_box = QWidget()
        gallery_layout = QVBoxLayout(gallery_box)
        gallery_layout.setContentsMargins(4, 0, 4, 4)
        gallery_layout.addWidget(self.gallery_label)
        gallery_layout.addWidget(self.gallery, 1)
        self._size_gallery()
        return gallery_box

    # --- public API -------------------------------------------------------------------
    def show_probe(self, arrays: dict, meta: dict) -> None:
        """The live training snapshot; shown unless the user is looking at a result."""
        self._set_classes(meta, arrays)
        self._probe = seg.result_item(arrays, meta, len(self._names))
        self.probe_button.setEnabled(True)
        if self._current in (None, "probe"):
            self._current = "probe"
            self._refresh()

    def show_results(self, items: list[tuple[dict, dict]]) -> None:
        """The test images: fills the gallery (worst IoU first) and shows the worst one."""
        if items:
            self._set_classes(items[0][1], items[0][0])
        self._results = [seg.result_item(arrays, meta, len(self._names)) for arrays, meta in items]
        self.model.set_items(self._results, self._lut)
        n, known = len(self._results), int(np.isfinite([it["iou"] for it in self._results]).sum())
        mean = np.nanmean([it["iou"] for it in self._results]) if known else float("nan")
        self.gallery_label.setText(f"{n} test images, worst IoU first · mean IoU {mean:.3f} (click one to compare)"
                                   if known else f"{n} images (no truth, so no IoU)")
        if n:
            self.select(int(self.model.order[0]))

    def select(self, i: int) -> None:
        """Show result i (index in the list given to show_results) as image | truth | prediction | errors."""
        if not 0 <= i < len(self._results):
            raise IndexError(f"no result {i} (there are {len(self._results)})")
        self._current = i
        row = int(np.flatnonzero(self.model.order == i)[0])
        self.gallery.setCurrentIndex(self.model.index(row))
        if self._results[i]["truth"] is not None:
            self.compare_button.setChecked(True)  # refreshes through the button group
        self._refresh()
        self.itemSelected.emit(i)

    def show_live_probe(self) -> None:
        if self._probe is not None:
            self._current = "probe"
            self.gallery.clearSelection()
            self._refresh()

    def clear(self, text: str = EMPTY_CAPTION) -> None:
        """Back to the empty view of a new run: no probe, no results; `text` as the caption, EMPTY_GALLERY."""
        self._empty_caption = text
        self._probe, self._results, self._current = None, [], None
        self.model.set_items([], self._lut)
        self.probe_button.setEnabled(False)
        self.gallery_label.setText(EMPTY_GALLERY)
        self._refresh()

    def placeholder_text(self) -> str:
        """What the view says while it has nothing to show (EMPTY_TEXT or the text given to clear)."""
        return self._empty_caption

    def gallery_order(self) -> list[int]:
        """Result indices in gallery order (worst IoU first)."""
        return [int(i) for i in self.model.order]

    def current(self) -> int | str | None:
        return self._current

    def set_alpha(self, percent: int) -> None:
        self.alpha_slider.setValue(int(percent))

    def overlay_array(self) -> np.ndarray | None:
        return self.overlay_panel.array()

    def panel_arrays(self) -> dict[str, np.ndarray | None]:
        """The four compare pictures as shown: image, truth, prediction, error (uint8 RGB)."""
        return {key: panel.array() for key, panel in self.panels.items()}

    def mask_files(self, folder: str | Path) -> list[Path]:
        """The files export_masks(folder) writes, in order (nothing is written)."""
        return [Path(folder) / f"{stem}_{suffix}.png" for stem, _ in self._export_items() for suffix in MASK_FILES]

    def export_masks(self, folder: str | Path) -> list[Path]:
        """Write <name>_mask.png (class ids as uint8; two classes as 0/255) and <name>_overlay.png for every
        result (or the probe when there are no results). Returns the files written."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        alpha = self.alpha_slider.value() / 100.0
        for stem, it in self._export_items():
            mask = seg.mask_for_file(it["prediction"], len(self._names))
            for suffix, picture in zip(MASK_FILES, (mask, seg.overlay(it["image"], it["prediction"], self._lut,
                                                                      alpha))):
                path = folder / f"{stem}_{suffix}.png"
                if not to_qimage(picture).save(str(path), "PNG"):
                    raise OSError(f"could not write {path}: is the folder writable and the disk not full?")
                written.append(path)
        return written

    def _export_items(self) -> list[tuple[str, dict]]:
        """(file-name stem, item) of each result to export: names made safe for files, and unique."""
        items = self._results or ([self._probe] if self._probe is not None else [])
        named, used = [], set()
        for k, it in enumerate(items):
            stem = re.sub(r"[^\w.-]+", "_", it["name"]).strip("._") or f"image_{k}"
            if stem in used:
                stem = f"{stem}_{k}"
            used.add(stem)
            named.append((stem, it))
        return named

    def export_png(self, path: str | Path) -> bool:
        """Save what is shown (caption, picture(s), legend) as a PNG."""
        return self.display.grab().save(str(path), "PNG")

    # --- internals ----------------------------------------------------------------------
    def _set_classes(self, meta: dict, arrays: dict) -> None:
        names = [str(n) for n in meta.get("class_names") or []]
        top = max(int(np.max(arrays.get(k), initial=0)) for k in ("prediction", "truth")
                  if arrays.get(k) is not None)
        if len(names) <= top:
            names = (names or ["background"]) + [f"class {c}" for c in range(max(len(names), 1), top + 1)]
        names = names if len(names) >= 2 else names + ["foreground"]
        lut = seg.class_colours(len(names), meta.get("colours"))
        if names != self._names or not np.array_equal(lut, self._lut):
            self._names, self._lut = names, lut
            self.model.set_lut(lut)
            self._update_legend()

    def _update_legend(self) -> None:
        entries = [(f"{self._names[0]} (clear)", None)]
        entries += [(name, tuple(self._lut[c])) for c, name in enumerate(self._names) if c]
        if self.stack.currentIndex() == self.COMPARE:
            entries += seg.error_legend(len(self._names), self._lut)
        self.legend.set_entries(entries)

    def _shown_item(self) -> dict | None:
        if self._current == "probe":
            return self._probe
        if isinstance(self._current, int) and self._current < len(self._results):
            return self._results[self._current]
        return None

    def _refresh(self) -> None:
        it = self._shown_item()
        mode = self._mode_group.checkedId()
        self.stack.setCurrentIndex(mode)
        self._update_legend()
        if it is None:
            self.caption.setText(self._empty_caption)
            self.overlay_panel.set_image(None)
            for panel in self.panels.values():
                panel.set_image(None)
            return
        self.caption.setText(self._caption(it))
        alpha = self.alpha_slider.value() / 100.0
        truth, pred = it["truth"], it["prediction"]
        if mode == self.OVERLAY:
            use_truth = self.truth_check.isChecked() and truth is not None
            self.overlay_panel.set_title("truth over the image" if use_truth else "prediction over the image")
            self.overlay_panel.set_image(seg.overlay(it["image"], truth if use_truth else pred, self._lut, alpha))
            return
        no_truth = "no truth for this image"
        self.panels["image"].set_image(it["image"])
        self.panels["truth"].set_image(None if truth is None else seg.overlay(it["image"], truth, self._lut, alpha),
                                       no_truth)
        self.panels["prediction"].set_image(seg.overlay(it["image"], pred, self._lut, alpha))
        self.panels["error"].set_image(None if truth is None else
                                       seg.error_map(it["image"], truth, pred, len(self._names), self._lut), no_truth)

    def _caption(self, it: dict) -> str:
        iou = f"IoU {it['iou']:.3f}" if np.isfinite(it["iou"]) else "IoU – (no truth)"
        h, w = it["image"].shape[:2]
        if self._current == "probe":
            return f"live probe during training: {it['name']} · {iou} · {w}×{h}"
        rank = int(np.flatnonzero(self.model.order == self._current)[0]) + 1
        return f"{it['name']} · {iou} · {w}×{h} · rank {rank} of {len(self._results)} (1 = worst)"

    def _on_alpha(self, value: int) -> None:
        self.alpha_label.setText(f"mask {value}%")
        self._refresh()

    def _on_clicked(self, index: QModelIndex) -> None:
        original = index.data(SegmentResultsModel.OriginalIndexRole)
        if original is not None:
            self.select(int(original))

    def _size_gallery(self) -> None:
        fm = self.gallery.fontMetrics()
        size = self.model.thumb_size
        self.gallery.setIconSize(QSize(size, size))
        self.gallery.setGridSize(QSize(max(size, fm.horizontalAdvance("IoU 0.000 horse_000")) + 12,
                                       size + 2 * fm.height() + 14))
