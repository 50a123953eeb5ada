"""The Live tab's masks: open or drop a photo, or play a video, a frame folder or the camera, and see the loaded
segmentation model's classes over it: input | classes (the picture tinted in its class colours, a mask
strength slider), a legend naming each class in its colour (names and colours from the checkpoint) with its
share of the picture. A video plays with pause and a frame slider and says how many frames a second the model
keeps up with. The view shows what its owner sends (gui/live_masks.py); it runs no model."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

from gui.views import media_icons
from gui.views.legend import ColourLegend
from gui.views.live_parts import BusyLine, FramePanels, MessageLine, SourceBar, TakesSources
from gui.views.segment_images import class_colours, overlay
from gui.views.video_edges import SIZES

READY = ("Open a photo (or drop one here), a video, a frame folder or the camera to see the model's classes "
         "over it.")


class LiveMasksView(TakesSources, QWidget):
    sourceChosen = Signal(str)  # "image:PATH", "video:PATH", "frames:DIR", "camera:N"
    pauseRequested = Signal(bool)  # True: pause the video
    seekRequested = Signal(int)  # frame index
    sizeChanged = Signal()  # the frame size for videos changed

    def __init__(self, parent=None):
        super().__init__(parent)
        self._image = self._mask = None
        self._names: list[str] = []
        self._lut = class_colours(2)
        self.sources = SourceBar(("image", "video", "frames", "camera"))
        self.sources.chosen.connect(self.sourceChosen)
        self.size = QComboBox()
        self.size.addItems(list(SIZES))
        self.size.setToolTip("Video frames are resized to this before the model sees them (smaller is faster)")
        self.size.currentIndexChanged.connect(self.sizeChanged)
        self.panels = FramePanels((("image", "input"), ("overlay", "classes")))
        self.legend = ColourLegend()
        self.strength = QSlider(Qt.Orientation.Horizontal)
        self.strength.setRange(0, 100)
        self.strength.setValue(50)
        self.strength.setToolTip("How strongly the class colours cover the picture")
        self.strength.valueChanged.connect(self._redraw)
        self._build_transport()
        self.busy = BusyLine()
        self.message = MessageLine(READY)
        self._lay_out()
        self.set_video(False)
        self.setAcceptDrops(True)

    def _build_transport(self) -> None:
        self.play_button = QPushButton()
        media_icons.show_playing(self.play_button, True)
        self.play_button.clicked.connect(self._toggle_play)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.sliderReleased.connect(lambda: self.seekRequested.emit(self.slider.value()))
        self.fps_label = QLabel("— fps")
        self.fps_label.setMinimumWidth(80)
        self.fps_label.setToolTip("Frames the model segmented in the last second")
        self.fit_button = QPushButton("Fit")
        self.fit_button.setToolTip("Whole pictures in view again (scroll to zoom, drag to pan)")
        self.fit_button.clicked.connect(self.panels.fit)

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.sources, 1)
        top.addWidget(QLabel("video size"))
        top.addWidget(self.size)
        strength = QHBoxLayout()
        strength.addWidget(QLabel("mask strength"))
        strength.addWidget(self.strength)
        strength.addWidget(self.legend, 1)
        self.transport = QWidget()
        row = QHBoxLayout(self.transport)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.play_button)
        row.addWidget(self.slider, 1)
        row.addWidget(self.fps_label)
        bottom = QHBoxLayout()
        bottom.addWidget(self.transport, 1)
        bottom.addWidget(self.fit_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.panels, 1)
        layout.addLayout(strength)
        layout.addLayout(bottom)
        layout.addWidget(self.busy)
        layout.addWidget(self.message)

    # ---- what the owner sends ----
    def set_classes(self, names, colours=None) -> None:
        """The model's class names and their colours (r, g, b) from its checkpoint (class 0: background)."""
        self._names = [str(n) for n in names]
        self._lut = class_colours(len(self._names), colours)
        self._redraw()

    def frame_size(self) -> tuple[int, int] | None:
        """(height, width) video frames are resized to, or None: as recorded."""
        return SIZES[self.size.currentText()]

    def show_picture(self, image: np.ndarray, mask: np.ndarray, caption: str = "") -> None:
        """A photo or a video frame (uint8 (H, W, 3)) and its class ids (H, W)."""
        self._image, self._mask = np.asarray(image), np.asarray(mask)
        self._redraw()
        if caption:
            self.message.say(caption)

    def set_video(self, on: bool, count: int = 0) -> None:
        """Show the transport for a video of `count` frames (0: a camera, no slider), or hide it for a photo."""
        self.transport.setVisible(on)
        self.slider.setVisible(count > 1)
        self.slider.setRange(0, max(count - 1, 0))
        media_icons.show_playing(self.play_button, on)
        self.fps_label.setText("— fps")

    def show_position(self, index: int, fps: float) -> None:
        self.fps_label.setText(f"{fps:.1f} fps")
        if not self.slider.isSliderDown():
            blocked = self.slider.blockSignals(True)
            self.slider.setValue(index)
            self.slider.blockSignals(blocked)

    def video_ended(self) -> None:
        media_icons.show_playing(self.play_button, False)

    def clear(self, text: str = READY) -> None:
        self._image = self._mask = None
        self.panels.clear_frames()
        self.legend.set_entries([])
        self.set_video(False)
        self.message.say(text)

    # ---- reading it ----
    def overlay_array(self) -> np.ndarray | None:
        return self.panels.frame("overlay")

    def shown_mask(self) -> np.ndarray | None:
        """The class ids of the picture shown."""
        return self._mask

    def class_shares(self) -> list[tuple[str, float]]:
        """Each class's share of the pixels shown."""
        if self._mask is None:
            return []
        counts = np.bincount(self._mask.ravel().astype(np.int64), minlength=len(self._names))
        return [(name, float(c) / self._mask.size) for name, c in zip(self._names, counts)]

    # ---- internals ----
    def _redraw(self) -> None:
        if self._image is None or self._mask is None:
            return
        self.panels.set_frame("image", self._image)
        self.panels.set_frame("overlay", overlay(self._image, self._mask, self._lut, self.strength.value() / 100))
        self.legend.set_entries([(f"{name} {100 * share:.0f}%", None if k == 0 else tuple(self._lut[k]))
                                 for k, (name, share) in enumerate(self.class_shares())])

    def _toggle_play(self) -> None:
        playing = self.play_button.text() == media_icons.PAUSE
        media_icons.show_playing(self.play_button, not playing)
        self.pauseRequested.emit(playing)
