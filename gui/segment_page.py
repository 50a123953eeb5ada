"""The Results page of a mask-making run (`result_view` "masks"): SegmentView with the live probe while
training and the worst test images (by IoU) at the end; "Export masks as PNG…" writes every shown result's
class map and overlay."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from gui.exports import check_folder
from gui.snapshot_router import Route
from gui.views.segment_view import SegmentView


class MaskRoute(Route):
    kinds = ("mask", "mask_scores")

    def __init__(self, page):
        self.page = page
        self.probe = None
        self.scores = None
        self.new_results = False

    def take(self, event) -> bool:
        if event.kind == "mask_scores":
            self.scores = event.arrays.get("iou")
            self.new_results = True
        elif event.meta.get("split") == "test":
            self.page.results.append((event.arrays, event.meta))
            self.new_results = True
        else:
            self.probe = event
        return True

    def paint(self, final: bool) -> bool:
        if self.probe is not None:
            e, self.probe = self.probe, None
            self.page.view.show_probe(e.arrays, e.meta)
        if self.new_results:
            self.new_results = False
            self.page.show_results(self.scores)
        return False

    def clear(self, run) -> None:
        self.probe = self.scores = None
        self.new_results = False
        self.page.results = []
        self.page.view.clear()


class SegmentPage(QObject):
    def __init__(self, session, router, dialogs, parent=None):
        super().__init__(parent)
        self.session, self.dialogs = session, dialogs
        self.view = SegmentView()
        self.view.set_alpha(70)  # at 50 % a class colour and a like-coloured object in the photo look alike
        self.results: list[tuple[dict, dict]] = []
        self.export_button = QPushButton("Export masks as PNG…")
        self.export_button.setToolTip("Each result's class map (<name>_mask.png) and overlay, into a folder")
        self.export_button.clicked.connect(self.export_masks)
        self.page = self._page()
        router.add(MaskRoute(self))

    def _page(self) -> QWidget:
        page = QWidget()
        top = QHBoxLayout()
        top.addWidget(wrapped("Segmentation of the probe image while training; the worst test images at the end."),
                      1)
        top.addWidget(self.export_button)
        # the view's big-font control row wants ~940 px: scroll sideways rather than widen the whole window
        scroll = QScrollArea()
        scroll.setWidget(self.view)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)
        return page

    def show_results(self, all_ious=None) -> None:
        self.view.show_results(self.results)
        shown = len(self.results)
        if all_ious is not None and len(all_ious) > shown:  # the gallery holds the worst only
            self.view.gallery_label.setText(
                f"the {shown} worst of {len(all_ious)} test images, worst IoU first · mean per-image IoU of all "
                f"{len(all_ious)}: {float(np.mean(all_ious)):.3f} (click one to compare)")

    def export_masks(self) -> None:
        if not self.results and self.view.current() is None:
            self.dialogs.error("No masks to export", "There is no segmentation to export yet.",
                               "Train a segmentation model (task Segmentation) first.")
            return
        folder = self.dialogs.open_folder("Export masks into a folder", "exports")
        if folder:
            self.export_masks_to(folder)

    def export_masks_to(self, folder: str) -> list[Path]:
        """Every result's <name>_mask.png and <name>_overlay.png (a few dozen small PNGs: fast enough here).
        Never into the loaded data's folders; files already there are replaced only when the user agrees."""
        if not check_folder(self.dialogs.parent(), self.dialogs.error, folder, self.view.mask_files(folder),
                            self.session.spec):
            return []
        try:
            written = self.view.export_masks(folder)
        except OSError as error:
            self.dialogs.error("Cannot export the masks", str(error), "Choose another folder.")
            return []
        if written:  # Show in folder opens the folder a written file is in
            self.dialogs.written(written[0], f"Wrote {len(written)} PNG files to {folder}.")
        return written


def wrapped(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)  # a long one-line label would set the window's minimum width
    return label
