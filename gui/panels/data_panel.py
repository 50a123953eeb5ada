"""The data panel: open a data set (buttons, drag and drop), its summary, and sample thumbnails."""
from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QGridLayout, QHBoxLayout, QLabel, QProgressBar, QPushButton, QSizePolicy, QVBoxLayout,
                               QWidget)

from gui.views.thumbnails import ThumbnailGrid


class DataPanel(QWidget):
    openFileRequested = Signal()
    openFolderRequested = Signal()
    demoRequested = Signal()
    cancelRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        buttons = QGridLayout()  # two a row: the dock stays narrow enough for a 1280 px screen
        for i, (text, tip, signal) in enumerate((
            ("Demo", "The chosen task's built-in data, no files needed: handwritten digits (classify), shapes "
             "(segmentation), moving digits (frame prediction, clip classification)", self.demoRequested),
            ("Open file…", "An MNIST IDX file or a USPS zip.train / usps.h5 (Ctrl+O)", self.openFileRequested),
            ("Open folder…", "A folder of class folders (DIR/<class>/*.png), of MNIST / USPS files, a BSDS500 "
             "folder (images/ + groundTruth/) or a folder of photos (edges), a Weizmann Horse folder (segmentation) "
             "or class folders of videos (clip classification)",
             self.openFolderRequested),
        )):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(signal)
            buttons.addWidget(button, i // 2, i % 2)
        self.summary = QLabel("No data loaded.")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fit = QLabel()  # says so when the loaded data does not fit the chosen task
        self.fit.setWordWrap(True)
        self.fit.setStyleSheet("color: #c60;")
        self.fit.setVisible(False)
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
        layout.addWidget(self.fit)
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

    def show_data(self, spec: str, data) -> None:
        """A WindowData's summary (engine.data.window_data): title, lines, notes, skipped files, thumbnails."""
        self.set_loading(False)
        summary = data.summary
        lines = [f"<b>{html.escape(summary.title)}</b> <span style='color:gray'>({html.escape(spec)})</span>"]
        lines += [html.escape(line) for line in summary.lines]
        if summary.skipped:
            lines.append(f"<span style='color:#c60'>{len(summary.skipped)} file(s) skipped "
                         "(see File ▸ Skipped files)</span>")
        lines += [f"<i>{html.escape(note)}</i>" for note in summary.notes]
        self.summary.setText("<br>".join(lines))
        count = len(summary.thumbnails)
        self.thumbnails.set_samples(summary.thumbnails, np.arange(count), summary.captions, max_items=count)

    def show_fit(self, text: str) -> None:
        """Empty: the data fits the task. Otherwise what to open for it."""
        self.fit.setText(text)
        self.fit.setVisible(bool(text))

    def show_error(self, message: str) -> None:
        self.set_loading(False)
        self.summary.setText(f"<span style='color:#c00'>{message}</span>")
