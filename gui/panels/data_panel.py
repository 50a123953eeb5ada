"""The data panel: open a data set (buttons, drag and drop), its summary, and sample thumbnails."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QProgressBar, QPushButton, QSizePolicy, QVBoxLayout,
                               QWidget)

from gui.views.thumbnails import ThumbnailGrid


class DataPanel(QWidget):
    openFileRequested = Signal()
    openFolderRequested = Signal()
    demoRequested = Signal()
    cancelRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        buttons = QHBoxLayout()
        for text, tip, signal in (
            ("Demo", "Built-in handwritten digits (scikit-learn), no files needed", self.demoRequested),
            ("Open file…", "An MNIST IDX file or a USPS zip.train / usps.h5 (Ctrl+O)", self.openFileRequested),
            ("Open folder…", "A folder of class folders (DIR/<class>/*.png), or of MNIST / USPS files",
             self.openFolderRequested),
        ):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(signal)
            buttons.addWidget(button)
        self.summary = QLabel("No data loaded.")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.loading = QProgressBar()
        self.loading.setFormat("loading… %v / %m")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancelRequested)
        loading_row = QHBoxLayout()
        loading_row.addWidget(self.loading)
        loading_row.addWidget(self.cancel_button)
        self.thumbnails = ThumbnailGrid(thumb_size=44)
        self.thumbnails.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        hint = QLabel("Drop a data file or folder on the window to open it.")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: gray;")
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)
        layout.addLayout(loading_row)
        layout.addWidget(self.thumbnails, 1)
        layout.addWidget(hint)
        self.set_loading(False)

    def set_loading(self, loading: bool, spec: str = "") -> None:
        self.loading.setVisible(loading)
        self.cancel_button.setVisible(loading)
        self.loading.setRange(0, 0)  # busy until the first progress report
        if loading:
            self.summary.setText(f"Loading {spec} …")

    def start_loading(self, spec: str) -> None:
        self.set_loading(True, spec)

    def set_progress(self, done: int, total: int) -> None:
        self.loading.setRange(0, max(total, 1))
        self.loading.setValue(done)

    def show_splits(self, spec: str, splits) -> None:
        self.set_loading(False)
        train, test = splits.train, splits.test
        h, w, c = train.image_shape
        counts = np.bincount(train.labels, minlength=len(train.class_names))
        lines = [f"<b>{splits.name}</b> <span style='color:gray'>({spec})</span>",
                 f"{len(train):,} train · {len(test) if test is not None else 0:,} test",
                 f"{h}×{w} {'grey' if c == 1 else 'colour'} · {len(train.class_names)} classes",
                 "per class: " + ", ".join(f"{n} {k}" for n, k in zip(train.class_names, counts))]
        if splits.skipped:
            lines.append(f"<span style='color:#c60'>{len(splits.skipped)} file(s) skipped (see File ▸ Skipped files)</span>")
        lines += [f"<i>{note}</i>" for note in splits.notes]
        self.summary.setText("<br>".join(lines))
        rng = np.random.default_rng(0)
        pick = np.sort(rng.choice(len(train), size=min(60, len(train)), replace=False))
        self.thumbnails.set_samples(train.images[pick], train.labels[pick], train.class_names)

    def show_error(self, message: str) -> None:
        self.set_loading(False)
        self.summary.setText(f"<span style='color:#c00'>{message}</span>")
