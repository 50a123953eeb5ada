"""The Live tab's photo edges: open or drop a photo and see input | recurrent | Canny | Sobel side by side, zoom
and pan linked, each map white on black. The view shows what its owner sends (show_maps); `sourceChosen(spec)`
asks for a photo to be read and its maps computed (gui/live_photo.py), off the GUI thread."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from gui.views.live_parts import BusyLine, FramePanels, MessageLine, SourceBar, TakesSources

PANELS = (("image", "input"), ("model", "recurrent"), ("canny", "Canny"), ("sobel", "Sobel"))
READY = "Open a photo (or drop one here) to see the model's edges beside Canny's and Sobel's."


class PhotoEdgesView(TakesSources, QWidget):
    sourceChosen = Signal(str)  # "image:PATH"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.sources = SourceBar(("image",))
        self.sources.chosen.connect(self.sourceChosen)
        self.fit_button = QPushButton("Fit")
        self.fit_button.setToolTip("Whole pictures in view again (scroll to zoom, drag to pan)")
        self.panels = FramePanels(PANELS)
        self.fit_button.clicked.connect(self.panels.fit)
        self.busy = BusyLine()
        self.message = MessageLine(READY)
        top = QHBoxLayout()
        top.addWidget(self.sources, 1)
        top.addWidget(self.fit_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.panels, 1)
        layout.addWidget(self.busy)
        layout.addWidget(self.message)
        self.setAcceptDrops(True)

    def show_maps(self, arrays: dict, caption: str) -> None:
        """arrays: image uint8 (H, W, 3), model / canny / sobel float (H, W) in [0, 1]."""
        for key, _ in PANELS:
            values = np.asarray(arrays[key])
            self.panels.set_frame(key, values, (0, 255) if key == "image" else (0, 1))
        self.message.say(caption)

    def clear(self, text: str = READY) -> None:
        """Nothing shown (another model): `text` says what to do."""
        self.panels.clear_frames()
        self.message.say(text)

    def shown(self, key: str) -> np.ndarray | None:
        return self.panels.frame(key)
