"""Next-frame prediction player: context | truth | prediction side by side, a frame slider, play / pause,
loop and speed, the recurrent state's channels at the shown frame, and per-frame MSE.

`show_sequence(arrays, meta)`: arrays context (M,H,W[,3]), truth (K,H,W[,3]) optional, prediction
(K',H,W[,3]), state (K',C,h,w) or (C,h,w) optional; float [0,1] or uint8. meta: name, fps (default 10).
The timeline plays the M context frames first, then truth and prediction advance together. The player
never runs a model or writes a file: "Roll out" emits `rolloutRequested(length)` and the export buttons
emit `exportRequested("mp4" | "gif")`; `frames_for_export()` gives the side-by-side strip to write.
Frames are shown through pg.ImageItem with uint8 data and no level scaling (the fast path), so a
640 x 360 video plays well above 30 fps (bench/player_fps.py).
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSizeF, Qt, QTimer, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QPushButton, QSlider, QSpinBox,
                               QVBoxLayout, QWidget)

from gui.views import media_icons
from gui.views import sequence_frames as sf

PANELS = ("context", "truth", "prediction")
SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0)
MAX_CHANNELS = 32
DEFAULT_FPS = 10.0
FRAMES_MIN_HEIGHT = 150  # px, the frames and the state grid share a 1280x720 screen's height
STATE_MIN_HEIGHT = 150
BACKGROUND = "#3c3f41"
TITLE_COLOUR = "#ffffff"
EMPTY_TEXT = "No sequence yet for this run."  # the frame label of an empty player


class _Title(pg.LabelItem):
    """A label that asks for no width, so a long title cannot widen its column: the three frames stay equal."""

    def updateMin(self) -> None:
        super().updateMin()
        self.setMinimumWidth(1)

    def sizeHint(self, which, constraint=QSizeF()) -> QSizeF:
        size = super().sizeHint(which, constraint)
        return QSizeF(1, size.height()) if which != Qt.SizeHint.MaximumSize else size


class FramesPlayer(QWidget):
    rolloutRequested = Signal(int)
    exportRequested = Signal(str)
    frameChanged = Signal(int)

    def __init__(self, parent=None, font_scale: float = 1.3):
        super().__init__(parent)
        self._context = self._truth = self._prediction = self._state = None
        self._mse = self._copy_mse = np.zeros(0, np.float32)
        self._fps = DEFAULT_FPS
        self._name = ""
        self._empty_text = EMPTY_TEXT  # frame_label while there is no sequence
        self._state_bound = 1.0
        self._ranged_size = (0, 0)
        self._title_pt = self.font().pointSizeF() * font_scale * 1.15
        big = self.font()
        big.setPointSizeF(big.pointSizeF() * font_scale)
        self._build_frames()
        self._build_state(big)
        self._build_controls(big)
        self._build_layout(big)
        self.timer = QTimer(self)
        self._connect()

    def _build_frames(self) -> None:
        """The three frame panels, each a title over a view box."""
        self.frames_view = pg.GraphicsLayoutWidget()
        self.frames_view.setBackground(BACKGROUND)  # not black: black frame edges stay visible
        self.frames_view.setMinimumHeight(FRAMES_MIN_HEIGHT)
        self._titles, self.boxes, self.images = {}, {}, {}
        for col, key in enumerate(PANELS):
            self._titles[key] = _Title(key, size=f"{self._title_pt:g}pt", bold=True, color=TITLE_COLOUR)
            self.frames_view.addItem(self._titles[key], row=0, col=col)
            box = self.frames_view.addViewBox(row=1, col=col, lockAspect=True, invertY=True, enableMouse=False)
            box.setMenuEnabled(False)
            item = pg.ImageItem(axisOrder="row-major")
            box.addItem(item)
            self.boxes[key], self.images[key] = box, item
            self.frames_view.ci.layout.setColumnStretchFactor(col, 1)  # three equal panels, whatever the titles

    def _build_state(self, big) -> None:
        """The recurrent state's channel mosaic with its colour bar, hidden until a sequence has a state."""
        self.state_view = pg.GraphicsLayoutWidget()
        self.state_view.setBackground(BACKGROUND)
        self.state_plot = self.state_view.addPlot()
        self.state_plot.setMouseEnabled(x=False, y=False)
        self.state_plot.setMenuEnabled(False)
        self.state_plot.hideButtons()
        self.state_plot.hideAxis("left")
        self.state_plot.hideAxis("bottom")
        self.state_plot.invertY(True)
        self.state_plot.setAspectLocked(True)
        self.state_image = pg.ImageItem(axisOrder="row-major")
        self.state_plot.addItem(self.state_image)
        self.state_bar = pg.ColorBarItem(values=(-1, 1), colorMap=pg.colormap.get("CET-D1"), interactive=False,
                                         width=16, colorMapMenu=False)
        self.state_bar.setImageItem(self.state_image, insert_in=self.state_plot)
        tick_font = self.font()
        tick_font.setPointSizeF(big.pointSizeF())
        self.state_bar.getAxis("right").setTickFont(tick_font)
        self.state_bar.getAxis("right").setTextPen(TITLE_COLOUR)
        self.state_plot.setTitle("recurrent state", size=f"{self._title_pt:g}pt")
        # the frames' own size hint would take all the height of a 1280x720 screen and leave the state a strip
        self.state_view.setMinimumHeight(STATE_MIN_HEIGHT)
        self.state_view.setVisible(False)

    def _build_controls(self, big) -> None:
        """Labels, transport (play, slider, loop, speed), rollout length and the export buttons."""
        self.frame_label = QLabel(EMPTY_TEXT)
        self.mse_label = QLabel(" ")
        for label in (self.frame_label, self.mse_label):
            label.setFont(big)
        self.play_button = QPushButton()
        self.play_button.setCheckable(True)
        media_icons.show_playing(self.play_button, False)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.loop_check = QCheckBox("loop")
        self.loop_check.setChecked(True)
        self.speed_combo = QComboBox()
        self.speed_combo.addItems([f"{s:g}×" for s in SPEEDS])
        self.speed_combo.setCurrentIndex(SPEEDS.index(1.0))
        self.speed_combo.setToolTip("playback speed")
        self.length_spin = QSpinBox()
        self.length_spin.setRange(1, 500)
        self.length_spin.setValue(10)
        self.length_spin.setToolTip("how many frames the model predicts, each from its own last guess")
        self.rollout_button = QPushButton("Roll out")
        self.mp4_button = QPushButton("MP4…")
        self.gif_button = QPushButton("GIF…")
        for w in (self.play_button, self.loop_check, self.speed_combo, self.length_spin, self.rollout_button,
                  self.mp4_button, self.gif_button):
            w.setFont(big)
        for b in (self.mp4_button, self.gif_button):
            b.setEnabled(False)
            b.setToolTip("save context | truth | prediction side by side")

    def _build_layout(self, big) -> None:
        transport = QHBoxLayout()
        transport.addWidget(self.play_button)
        transport.addWidget(self.slider, 1)
        transport.addWidget(self.loop_check)
        transport.addWidget(self.speed_combo)
        labels = QHBoxLayout()  # the labels wrap rather than widen the window (a 1280 px screen)
        for label, stretch in ((self.frame_label, 1), (self.mse_label, 2)):
            label.setWordWrap(True)
            labels.addWidget(label, stretch)
        actions = QHBoxLayout()
        for text, widgets in (("rollout length", (self.length_spin, self.rollout_button)),
                              ("export", (self.mp4_button, self.gif_button))):
            if text == "export":
                actions.addStretch(1)
            label = QLabel(text)
            label.setFont(big)
            actions.addWidget(label)
            for widget in widgets:
                actions.addWidget(widget)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.frames_view, 1)
        top_layout.addLayout(labels)
        top_layout.addLayout(transport)
        top_layout.addLayout(actions)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(top, 3)
        layout.addWidget(self.state_view, 2)

    def _connect(self) -> None:
        self.timer.timeout.connect(self._tick)
        self.play_button.toggled.connect(self._on_play_toggled)
        self.speed_combo.currentIndexChanged.connect(self._update_interval)
        self.slider.valueChanged.connect(self._show_step)
        self.rollout_button.clicked.connect(lambda: self.rolloutRequested.emit(self.length_spin.value()))
        self.mp4_button.clicked.connect(lambda: self.exportRequested.emit("mp4"))
        self.gif_button.clicked.connect(lambda: self.exportRequested.emit("gif"))

    # --- public API -------------------------------------------------------------------
    def show_sequence(self, arrays: dict, meta: dict | None = None) -> None:
        """Show a sequence (a live probe snapshot or a rollout); keeps the frame position and play state."""
        meta = meta or {}
        context = sf.to_frames(arrays.get("context"))
        truth, prediction = sf.to_frames(arrays.get("truth")), sf.to_frames(arrays.get("prediction"))
        if context is None or not len(context):
            raise ValueError("a sequence needs at least one context frame")
        frames = [f for f in (context, truth, prediction) if f is not None]
        if any(f.shape[1:3] != context.shape[1:3] for f in frames):
            raise ValueError("context, truth and prediction frames must have the same height and width, got "
                             + ", ".join(str(f.shape[1:3]) for f in frames))
        if any(f.ndim == 4 for f in frames):  # one colour panel makes them all colour (and the export RGB)
            context, truth, prediction = (None if f is None else sf.as_colour(f) for f in (context, truth, prediction))
        self._context, self._truth, self._prediction = context, truth, prediction
        self._state = sf.state_steps(arrays.get("state"))
        self._mse = sf.frame_mse(truth, prediction)
        self._copy_mse = sf.copy_last_mse(context, truth) if len(self._mse) else np.zeros(0, np.float32)
        self._name = str(meta.get("name", ""))
        self._fps = float(meta.get("fps") or DEFAULT_FPS)
        self._update_interval()
        self._setup_state()
        for b in (self.mp4_button, self.gif_button):
            b.setEnabled(True)
        t = min(self.slider.value(), self.step_count() - 1)
        blocked = self.slider.blockSignals(True)
        self.slider.setRange(0, self.step_count() - 1)
        self.slider.setValue(t)
        self.slider.blockSignals(blocked)
        self._show_step(t)

    def clear(self, text: str = EMPTY_TEXT) -> None:
        """Back to the empty player of a new run: paused, no frames, no state, `text` in frame_label."""
        self.pause()
        self._context = self._truth = self._prediction = self._state = None
        self._mse = self._copy_mse = np.zeros(0, np.float32)
        self._name = ""
        for key, item in self.images.items():
            item.clear()
            self._titles[key].setText(key, size=f"{self._title_pt:g}pt", bold=True, color=TITLE_COLOUR)
        self.state_image.clear()
        self.state_view.setVisible(False)
        blocked = self.slider.blockSignals(True)
        self.slider.setRange(0, 0)
        self.slider.blockSignals(blocked)
        for b in (self.mp4_button, self.gif_button):
            b.setEnabled(False)
        self._empty_text = text
        self.frame_label.setText(text)
        self.mse_label.setText(" ")

    def placeholder_text(self) -> str:
        """What the view says while it has nothing to show (EMPTY_TEXT or the text given to clear)."""
        return self._empty_text

    def show_frame(self, frame: np.ndarray, panel: str = "context") -> None:
        """Put one uint8 frame (H,W) or (H,W,3) in a panel, no copy and no scaling: the video fast path."""
        self.images[panel].setImage(frame, autoLevels=False)
        self._fit_boxes(*frame.shape[:2])

    def step_count(self) -> int:
        if self._context is None:
            return 0
        longest = max((len(f) for f in (self._truth, self._prediction) if f is not None), default=0)
        return len(self._context) + longest

    def set_step(self, t: int) -> None:
        self.slider.setValue(int(t))

    def step(self) -> int:
        return self.slider.value()

    def play(self) -> None:
        self.play_button.setChecked(True)

    def pause(self) -> None:
        self.play_button.setChecked(False)

    def is_playing(self) -> bool:
        return self.timer.isActive()

    def frame_mse(self) -> np.ndarray:
        return self._mse.copy()

    def state_channel_count(self) -> int:
        """How many state channels the grid shows (0 when there is no state)."""
        return 0 if self._state is None else min(self._state.shape[1], MAX_CHANNELS)

    def frames_for_export(self) -> np.ndarray:
        """(T, H, 3W, 3) uint8: context | truth | prediction for every step of the timeline."""
        if self._context is None:
            return np.zeros((0, 1, 3, 3), np.uint8)
        return sf.strip_frames(sf.as_colour(self._context), *(None if f is None else sf.as_colour(f)
                                                              for f in (self._truth, self._prediction)))

    def fps(self) -> float:
        return self._fps

    def panel_title(self, key: str) -> str:
        return self._titles[key].text

    # --- internals ----------------------------------------------------------------------
    def _setup_state(self) -> None:
        if self._state is None:
            self.state_view.setVisible(False)
            return
        shown = self._state[:, :MAX_CHANNELS]
        self._state_bound = sf.symmetric_bound(shown)  # one scale for every frame: changes are comparable
        self.state_bar.setLevels((-self._state_bound, self._state_bound))
        self.state_view.setVisible(True)

    def _show_step(self, t: int) -> None:
        if self._context is None:
            return
        m = len(self._context)
        context, truth, prediction, k = sf.frame_at(self._context, self._truth, self._prediction, t)
        self.images["context"].setImage(context, autoLevels=False)
        for key, frame in (("truth", truth), ("prediction", prediction)):
            if frame is None:
                self.images[key].clear()
            else:
                self.images[key].setImage(frame, autoLevels=False)
        self._fit_boxes(*context.shape[:2])
        if k < 0:
            titles = (f"context {t + 1}/{m}", "truth", "predicted")
        else:
            titles = (f"context (last, {m}/{m})",
                      f"truth t+{k + 1}" if truth is not None else "no truth (free rollout)",
                      f"predicted t+{k + 1}" if prediction is not None else "no prediction")
        for key, title in zip(PANELS, titles):
            label = self._titles[key]
            label.setText(title, size=f"{self._title_pt:g}pt", bold=True, color=TITLE_COLOUR)
        name = f"{self._name} · " if self._name else ""
        self.frame_label.setText(f"{name}step {t + 1} / {self.step_count()}")
        self._show_mse(k)
        self._show_state(k)
        self.frameChanged.emit(t)

    def _fit_boxes(self, h: int, w: int) -> None:
        if self._ranged_size != (h, w):
            self._ranged_size = (h, w)
            for box in self.boxes.values():
                box.setRange(xRange=(0, w), yRange=(0, h), padding=0.01)

    def _show_mse(self, k: int) -> None:
        if not len(self._mse):
            self.mse_label.setText("MSE: no truth to compare with" if self._prediction is not None else " ")
            self.mse_label.setStyleSheet("")
            return
        mean = float(self._mse.mean())
        text = (f"MSE prediction vs truth at t+{k + 1}: {self._mse[k]:.4f}   ·   mean over {len(self._mse)} frames: "
                f"{mean:.4f}" if 0 <= k < len(self._mse) else
                f"MSE prediction vs truth, mean over {len(self._mse)} frames: {mean:.4f}")
        copy = float(self._copy_mse[:len(self._mse)].mean()) if len(self._copy_mse) else None
        worse = copy is not None and mean > copy
        if copy is not None:
            # a forecaster must beat repeating the last frame it saw; one that does not has learned no motion
            text += (f"   ·   WORSE than copying the last frame ({copy:.4f}): no motion learned yet" if worse else
                     f"   ·   copying the last frame: {copy:.4f}")
        self.mse_label.setText(text)
        self.mse_label.setStyleSheet("QLabel { color: #c62828; font-weight: bold; }" if worse else "")

    def loses_to_copying(self) -> bool:
        """Whether the shown prediction's mean MSE is above that of repeating the last context frame."""
        return bool(len(self._mse) and len(self._copy_mse)
                    and self._mse.mean() > self._copy_mse[:len(self._mse)].mean())

    def _show_state(self, k: int) -> None:
        if self._state is None:
            return
        per_frame = len(self._state) > 1
        if per_frame and k < 0:
            self.state_image.clear()
            title = "recurrent state: shown from the first predicted frame"
        else:
            s = self._state[min(max(k, 0), len(self._state) - 1)] if per_frame else self._state[0]
            c = s.shape[0]
            shown = s[:MAX_CHANNELS]
            self.state_image.setImage(sf.state_mosaic(shown), autoLevels=False,
                                      levels=(-self._state_bound, self._state_bound))
            where = f"at predicted t+{k + 1}" if per_frame else "after the last frame"
            count = f"{len(shown)} channels" if c <= MAX_CHANNELS else f"first {len(shown)} of {c} channels"
            title = f"recurrent state {where} · {count} · colour ±{self._state_bound:g}"
        self.state_plot.setTitle(title, size=f"{self._title_pt:g}pt", color=TITLE_COLOUR)

    def _update_interval(self) -> None:
        speed = SPEEDS[self.speed_combo.currentIndex()]
        self.timer.setInterval(max(1, round(1000.0 / (self._fps * speed))))

    def _on_play_toggled(self, on: bool) -> None:
        media_icons.show_playing(self.play_button, on)
        if on and self.step_count() > 1:
            if self.slider.value() >= self.step_count() - 1:
                self.slider.setValue(0)  # play from the start after the end
            self.timer.start()
        else:
            self.timer.stop()
            if on:
                self.play_button.setChecked(False)

    def _tick(self) -> None:
        t = self.slider.value() + 1
        if t >= self.step_count():
            if not self.loop_check.isChecked():
                self.pause()
                return
            t = 0
        self.slider.setValue(t)
