"""The Live tab's clip classification: open a clip (or read the camera) and see the class probabilities after
each frame, a curve per class over the frames (probability, no units), beside the frame the model has just
read; a slider and Play move through the clip with a cursor on the curves. The view shows what its owner sends
(show_clip); `sourceChosen(spec)` asks for the clip to be read and classified (gui/live_controls.py)."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QSpinBox, QSplitter, QVBoxLayout, QWidget

from gui.views import media_icons
from gui.views.legend import ColourLegend
from gui.views.live_parts import BusyLine, FramePanels, MessageLine, SourceBar, TakesSources

READY = ("Open a clip (a video or a folder of frames, or drop a video here) or use the camera: the model's class "
         "probabilities after each frame it reads.")
PLAY_FPS = 8.0


def class_colour(index: int, count: int) -> tuple[int, int, int]:
    colour = pg.intColor(index, hues=max(count, 1), values=1, maxValue=230, minValue=150)
    return colour.red(), colour.green(), colour.blue()


class ClipProbabilitiesView(TakesSources, QWidget):
    sourceChosen = Signal(str)  # "video:PATH", "frames:DIR", "camera:N"

    def __init__(self, parent=None):
        super().__init__(parent)
        self._frames: np.ndarray | None = None
        self._probabilities = np.zeros((0, 0), np.float32)
        self._names: list[str] = []
        self.sources = SourceBar(("video", "frames", "camera"))
        self.sources.chosen.connect(self.sourceChosen)
        self.count = QSpinBox()
        self.count.setRange(2, 500)
        self.count.setValue(60)
        self.count.setToolTip("Read at most this many frames of a clip; the camera records this many")
        self.panels = FramePanels((("frame", "frame"),))
        self._build_plot()
        self._build_transport()
        self.busy = BusyLine()
        self.message = MessageLine(READY)
        self._lay_out()
        self.timer = QTimer(self)
        self.timer.setInterval(round(1000 / PLAY_FPS))
        self.timer.timeout.connect(self._tick)
        self.setAcceptDrops(True)

    def _build_plot(self) -> None:
        self.plot = pg.PlotWidget()
        self.plot.setLabel("left", "probability")
        self.plot.setLabel("bottom", "frames read")
        self.plot.setYRange(0, 1, padding=0.02)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.cursor = pg.InfiniteLine(angle=90, pen=pg.mkPen("#888", width=1, style=Qt.PenStyle.DashLine))
        self.plot.addItem(self.cursor)
        self.legend = ColourLegend()
        self.headline = QLabel(" ")
        font = self.headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.headline.setFont(font)
        self.headline.setWordWrap(True)

    def _build_transport(self) -> None:
        self.play_button = QPushButton()
        media_icons.show_playing(self.play_button, False)
        self.play_button.clicked.connect(self.toggle_play)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.valueChanged.connect(self.show_frame)

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.sources, 1)
        top.addWidget(QLabel("frames"))
        top.addWidget(self.count)
        curves = QWidget()
        curves_layout = QVBoxLayout(curves)
        curves_layout.setContentsMargins(0, 0, 0, 0)
        curves_layout.addWidget(self.plot, 1)
        curves_layout.addWidget(self.legend)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.panels)
        split.addWidget(curves)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        transport = QHBoxLayout()
        transport.addWidget(self.play_button)
        transport.addWidget(self.slider, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.headline)
        layout.addWidget(split, 1)
        layout.addLayout(transport)
        layout.addWidget(self.busy)
        layout.addWidget(self.message)

    # ---- what the owner sends ----
    def show_clip(self, result: dict, caption: str) -> None:
        """result: frames uint8 (T, H, W) or (T, H, W, C) as the model read them, probabilities (T, classes),
        class_names. Shows the answer after the last frame; Play goes through the clip."""
        self.pause()
        self._frames = np.asarray(result["frames"])
        self._probabilities = np.asarray(result["probabilities"], np.float32)
        self._names = [str(n) for n in result["class_names"]]
        count, classes = self._probabilities.shape
        self.plot.clear()
        self.plot.addItem(self.cursor)
        x = np.arange(1, count + 1)
        entries = []
        for k in range(classes):
            colour = class_colour(k, classes)
            self.plot.plot(x, self._probabilities[:, k], pen=pg.mkPen(colour, width=2))
            entries.append((self._names[k], colour))
        self.legend.set_entries(entries)
        self.plot.setXRange(1, max(count, 2), padding=0.02)
        blocked = self.slider.blockSignals(True)
        self.slider.setRange(0, count - 1)
        self.slider.blockSignals(blocked)
        self.slider.setValue(count - 1)
        self.show_frame(count - 1)
        self.message.say(caption)

    def clear(self, text: str = READY) -> None:
        self.pause()
        self._frames, self._probabilities, self._names = None, np.zeros((0, 0), np.float32), []
        self.plot.clear()
        self.plot.addItem(self.cursor)
        self.legend.set_entries([])
        self.panels.clear_frames()
        self.headline.setText(" ")
        self.slider.setRange(0, 0)
        self.message.say(text)

    # ---- reading it ----
    def probabilities(self) -> np.ndarray:
        return self._probabilities.copy()

    def frame_count(self) -> int:
        return len(self._probabilities)

    def answer(self, t: int) -> tuple[str, float]:
        """The most likely class after frame t (0-based) and its probability."""
        k = int(np.argmax(self._probabilities[t]))
        return self._names[k], float(self._probabilities[t, k])

    def show_frame(self, t: int) -> None:
        if self._frames is None or not 0 <= t < len(self._frames):
            return
        self.panels.set_frame("frame", self._frames[t])
        self.panels.set_title("frame", f"frame {t + 1} of {len(self._frames)}")
        self.cursor.setValue(t + 1)
        name, p = self.answer(t)
        self.headline.setText(f"after {t + 1} frame{'s' if t else ''}: {name} ({100 * p:.0f}%)")

    def toggle_play(self) -> None:
        if self.timer.isActive():
            self.pause()
        elif self.frame_count() > 1:
            if self.slider.value() >= self.slider.maximum():
                self.slider.setValue(0)
            self.timer.start()
            media_icons.show_playing(self.play_button, True)

    def pause(self) -> None:
        self.timer.stop()
        media_icons.show_playing(self.play_button, False)

    def _tick(self) -> None:
        if self.slider.value() >= self.slider.maximum():
            self.pause()
        else:
            self.slider.setValue(self.slider.value() + 1)
