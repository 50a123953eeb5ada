"""Live video edges: play a video file, a frame folder or a camera through the edges model, input | recurrent
edges (| Canny) side by side, with play / pause, a frame slider, a processed-frames-per-second counter, and
"Export edge video…" (an MP4 of input | edges) with progress and cancel. The work runs in gui/video_worker.py,
whose workers the window hands to the view."""
from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFileDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton,
                               QSlider, QSpinBox, QVBoxLayout, QWidget)

from gui.exports import check_single_file
from gui.threads import ThreadKeeper
from gui.views import media_icons
from gui.views.fit_on_show import FitOnShow

SIZES = {"320×240": (240, 320), "160×120": (120, 160), "640×480": (480, 640), "as recorded": None}
VIDEO_FILTER = "Videos (*.mp4 *.avi *.mov *.mkv *.gif *.webm *.m4v *.mpg *.mpeg *.wmv *.ogv);;All files (*)"


class VideoEdgesView(FitOnShow, QWidget):
    failed = Signal(str, str)  # message, hint: the window shows a dialog
    exported = Signal(str)  # path of a written edge video

    def __init__(self, make_player, make_export, parent=None):
        """`make_player(spec, predictor, frame_size, canny, realtime)` and `make_export(predictor, spec, out,
        frame_size)` make the workers that read the video and compute its edges (gui/video_worker.py): the
        view only shows what they send, so it knows nothing of the engine."""
        super().__init__(parent)
        self.make_player, self.make_export = make_player, make_export
        self.predictor = None
        self.spec = ""
        self.worker = None  # the playing VideoWorker
        self.exporter = None  # the running EdgeVideoExport
        self.threads = ThreadKeeper(self)  # players and exports, kept until their threads have finished
        self.frames_shown = 0
        self.last_fps = 0.0
        self._fit_later = False
        self._user_zoomed = False  # once the user zooms or pans, resizes keep their view
        sources = self._build_sources()
        self._build_transport()
        self._build_export()
        self._build_panels()
        self.status = QLabel()
        self.status.setStyleSheet("color: gray;")
        self.status.setWordWrap(True)
        self._lay_out(sources)
        self._set_canny_visible(False)
        self._set_exporting(False)
        self.set_predictor(None)

    def _build_sources(self) -> list[QWidget | None]:
        """Where frames come from (file, folder, camera), their size and the Canny switch, in row order."""
        open_file = QPushButton("Open video…")
        open_file.setToolTip("A video file (mp4, avi, mov, gif …); a folder of frames opens with Open folder")
        open_file.clicked.connect(self.choose_file)
        open_folder = QPushButton("Frame folder…")
        open_folder.clicked.connect(self.choose_folder)
        self.camera_index = QSpinBox()
        self.camera_index.setRange(0, 9)
        self.camera_index.setToolTip("Camera number (0 is the first camera)")
        camera = QPushButton("Camera")
        camera.clicked.connect(lambda: self.play(f"camera:{self.camera_index.value()}"))
        self.size = QComboBox()
        self.size.addItems(list(SIZES))
        self.size.setToolTip("Frames are resized to this before the model sees them (smaller is faster)")
        self.size.currentIndexChanged.connect(lambda: self.spec and self.play(self.spec))
        self.show_canny = QCheckBox("Canny")
        self.show_canny.setToolTip("Also show OpenCV's Canny on each frame")
        self.show_canny.toggled.connect(self._canny_toggled)
        return [open_file, open_folder, QLabel("camera"), self.camera_index, camera, None, QLabel("size"), self.size,
                self.show_canny]

    def _build_transport(self) -> None:
        self.loop = QCheckBox("loop")
        self.loop.setToolTip("Start again at the end of the video")
        self.loop.toggled.connect(lambda on: self.worker and self.worker.set_loop(on))
        self.play_button = QPushButton()
        media_icons.show_playing(self.play_button, True)
        self.play_button.setEnabled(False)
        self.play_button.clicked.connect(self.toggle_play)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setEnabled(False)
        self.slider.sliderReleased.connect(lambda: self.worker and self.worker.seek(self.slider.value()))
        self.fps_label = QLabel("— fps")
        self.fps_label.setMinimumWidth(90)
        self.fps_label.setToolTip("Frames the model processed in the last second")
        self.fit_button = QPushButton("Fit")
        self.fit_button.setToolTip("Whole frames in view again (scroll to zoom, drag to pan)")
        self.fit_button.clicked.connect(self.fit_frames)

    def _build_export(self) -> None:
        self.export_button = QPushButton("Export edge video…")
        self.export_button.setToolTip("Write an MP4 of input | edges for the whole video")
        self.export_button.clicked.connect(self.choose_export)
        self.export_progress = QProgressBar()
        self.export_progress.setFormat("exporting %v / %m")
        self.export_cancel = QPushButton("Cancel")
        self.export_cancel.clicked.connect(self.cancel_export)

    def _build_panels(self) -> None:
        """input | the model's map | Canny, zoom and pan linked to the input."""
        self.graphics = pg.GraphicsLayoutWidget()
        self.views, self.images, self.titles = {}, {}, {}
        for column, (key, title) in enumerate((("frame", "input"), ("model", "recurrent edges"), ("canny", "Canny"))):
            self.titles[key] = self.graphics.addLabel(title, row=0, col=column)
            view = self.graphics.addViewBox(row=1, col=column, lockAspect=True, invertY=True, enableMenu=False)
            item = pg.ImageItem(axisOrder="row-major")
            view.addItem(item)
            view.sigRangeChangedManually.connect(self._zoomed_by_user)
            view.sigResized.connect(self._refit)
            self.views[key], self.images[key] = view, item
        self._link("model", True)

    def _lay_out(self, sources: list[QWidget | None]) -> None:
        # two rows of sources (None: the break), export at the end of the second: fits a 1280 px screen
        row1, row0 = QHBoxLayout(), QHBoxLayout()
        for widget in sources:
            if widget is None:
                row0, row1 = row1, QHBoxLayout()
                row0.addStretch(1)
            else:
                row1.addWidget(widget)
        row1.addStretch(1)
        row1.addWidget(self.export_button)
        row1.addWidget(self.export_progress)
        row1.addWidget(self.export_cancel)
        row2 = QHBoxLayout()
        row2.addWidget(self.play_button)
        row2.addWidget(self.slider, 1)
        row2.addWidget(self.loop)
        row2.addWidget(self.fit_button)
        row2.addWidget(self.fps_label)
        layout = QVBoxLayout(self)
        layout.addLayout(row0)
        layout.addLayout(row1)
        layout.addWidget(self.graphics, 1)
        layout.addLayout(row2)
        layout.addWidget(self.status)

    # ---- model ----
    def set_predictor(self, predictor) -> None:
        """An EdgePredictor (anything with live_map), or None / another task's model: then explain."""
        self.predictor = predictor if hasattr(predictor, "live_map") else None
        if self.predictor is None:
            self.status.setText("Train an edges model (or load one with File ▸ Load model) to see its edges on "
                                "video; then open a video, a frame folder or a camera.")
            self.stop()
        else:
            self.status.setText("Open a video, a frame folder or a camera to see the model's edges per frame.")
            if self.spec:
                self.play(self.spec)
        self.export_button.setEnabled(self.predictor is not None and bool(self.spec) and
                                      not self.spec.startswith("camera:"))

    # ---- playing ----
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a video", "", VIDEO_FILTER)
        if path:
            self.play(f"video:{path}")

    def choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Open a folder of frames")
        if path:
            self.play(f"frames:{path}")

    def open_source(self, spec: str) -> None:
        """Play a dropped video (the Live tab's take_dropped)."""
        self.play(spec)

    def frame_size(self) -> tuple[int, int] | None:
        return SIZES[self.size.currentText()]

    def play(self, spec: str, realtime: bool = True) -> None:
        """Start playing `spec` (video:FILE, frames:DIR, camera:N) from its first frame."""
        self.stop()
        self.spec = spec
        self.export_button.setEnabled(self.predictor is not None and not spec.startswith("camera:"))
        if self.predictor is None:
            self.status.setText(f"{spec}: train or load an edges model to play it through.")
            return
        self.frames_shown, self.last_fps = 0, 0.0
        self._user_zoomed = False  # a new source opens fitted
        self.worker = self.make_player(spec, self.predictor, self.frame_size(), self.show_canny.isChecked(), realtime)
        self.worker.set_loop(self.loop.isChecked())
        self.worker.opened.connect(self._on_opened)
        self.worker.frameReady.connect(self._on_frame)
        self.worker.ended.connect(self._on_ended)
        self.worker.failed.connect(self._on_failed)
        if self.threads.start(self.worker, "video edges") is None:  # the window is closing
            self.worker = None
            return
        self.status.setText(f"Opening {spec} …")

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()
            self.worker = None
        self.play_button.setEnabled(False)

    def toggle_play(self) -> None:
        if self.worker is None:
            return
        playing = self.play_button.text() == media_icons.PAUSE
        if not playing and self.slider.isEnabled() and self.slider.value() >= self.slider.maximum():
            self.worker.seek(0)  # at the end: play again from the start
        self.worker.set_paused(playing)
        media_icons.show_playing(self.play_button, not playing)

    def _canny_toggled(self, on: bool) -> None:
        self._set_canny_visible(on)
        if self.worker is not None:
            self.worker.set_canny(on)

    def _set_canny_visible(self, on: bool) -> None:
        # a hidden view stays out of the links: its near-zero width with a locked aspect would set the
        # linked views' range to 48x36 px frames in a large empty box
        self._link("canny", on)
        self.views["canny"].setVisible(on)
        self.titles["canny"].setVisible(on)
        self.graphics.ci.layout.setColumnMaximumWidth(2, 1e6 if on else 0)
        if not on:
            self.images["canny"].clear()

    def _link(self, key: str, on: bool) -> None:
        """Zoom and pan of view `key` follow the input's (on) or its own (off)."""
        self.views[key].setXLink(self.views["frame"] if on else None)
        self.views[key].setYLink(self.views["frame"] if on else None)

    # ---- fitting: whole frames fill their panels until the user zooms or pans ----
    def fit_frames(self) -> None:
        self._user_zoomed = False
        self._fit()

    def _fit(self) -> None:
        """The narrowest shown panel fits its frame; the linked ones follow and show all of theirs too."""
        self._fit_later = False
        shown = [view for key, view in self.views.items() if key != "canny" or self.show_canny.isChecked()]
        min(shown, key=lambda view: view.width()).autoRange(padding=0)

    def _refit(self) -> None:
        if not self._user_zoomed and self.images["frame"].image is not None:
            QTimer.singleShot(0, self._fit)  # after the layout has settled every panel's size

    def _zoomed_by_user(self) -> None:
        self._user_zoomed = True

    @Slot(int, float, str)
    def _on_opened(self, count: int, fps: float, name: str) -> None:
        if self.sender() is not self.worker:
            return
        self.slider.setEnabled(count > 1)
        self.slider.setRange(0, max(count - 1, 0))
        self.play_button.setEnabled(True)
        media_icons.show_playing(self.play_button, True)
        size = self.frame_size()
        self.status.setText(f"{name}: {count or 'live'} frames · {fps:.0f} fps recorded · frames "
                            f"{f'{size[1]}×{size[0]}' if size else 'as recorded'}")

    @Slot()
    def _on_frame(self) -> None:
        worker = self.worker
        if worker is None or self.sender() is not worker:
            return
        latest = worker.take()
        if latest is None:
            return
        frame, edges, canny, index, fps = latest
        for key, values, levels in (("frame", frame, (0, 255)), ("model", edges, (0, 1)), ("canny", canny, (0, 1))):
            if values is None:
                continue
            item = self.images[key]
            reset = item.image is None or item.image.shape[:2] != values.shape[:2]
            item.setImage(values, levels=levels, autoLevels=False)
            self._fit_later = self._fit_later or reset
        if self._fit_later and self.isVisible():
            self._fit()
        self.frames_shown += 1
        self.last_fps = fps
        self.fps_label.setText(f"{fps:.1f} fps")
        if not self.slider.isSliderDown():
            self.slider.blockSignals(True)
            self.slider.setValue(index)
            self.slider.blockSignals(False)

    @Slot()
    def _on_ended(self) -> None:
        if self.sender() is self.worker:
            media_icons.show_playing(self.play_button, False)

    @Slot(str, str)
    def _on_failed(self, message: str, hint: str) -> None:
        if self.sender() is self.worker:
            self.stop()
            self.status.setText(message)
            self.failed.emit(message, hint)

    # ---- export ----
    def choose_export(self) -> None:
        stem = Path(self.spec.partition(":")[2]).stem or "video"
        path, _ = QFileDialog.getSaveFileName(self, "Export edge video", f"{stem}_edges.mp4", "MP4 video (*.mp4)")
        if path and check_single_file(lambda *text: self.failed.emit(text[1], text[2]), path, self.spec):
            self.export(path)

    def export(self, out: str) -> None:
        if self.predictor is None or not self.spec or self.exporter is not None:
            return
        self.exporter = self.make_export(self.predictor, self.spec, out, self.frame_size())
        self.exporter.progress.connect(self._on_export_progress)
        self.exporter.finished.connect(self._on_exported)
        self.exporter.failed.connect(self._on_export_failed)
        self.exporter.done.connect(self._on_export_done)
        if self.threads.start(self.exporter, "edge video export") is None:  # the window is closing
            self.exporter = None
            return
        self._set_exporting(True)

    def cancel_export(self) -> None:
        if self.exporter is not None:
            self.exporter.cancel()

    @Slot(int, int)
    def _on_export_progress(self, done: int, total: int) -> None:
        self.export_progress.setRange(0, max(total, 1))
        self.export_progress.setValue(done)

    @Slot(object)
    def _on_exported(self, result: dict) -> None:
        note = f" {result['note']}" if result.get("note") else ""  # an MP4 that could not be H.264 says so
        self.status.setText(f"Wrote {result['video']} ({result['frames']} frames).{note}")
        self.exported.emit(result["video"])

    @Slot(str, str)
    def _on_export_failed(self, message: str, hint: str) -> None:
        if "cancelled" in message.lower():
            self.status.setText("Export cancelled; no file was written.")
        else:
            self.failed.emit(message, hint)

    @Slot()
    def _on_export_done(self) -> None:
        self.exporter = None
        self._set_exporting(False)

    def _set_exporting(self, on: bool) -> None:
        self.export_progress.setVisible(on)
        self.export_cancel.setVisible(on)
        self.export_progress.setRange(0, 0)

    # ---- closing ----
    def shutdown(self, timeout_ms: int = 2000) -> bool:
        """Stop playing and exporting, start nothing more, wait up to `timeout_ms` for the threads (the window
        is closing). True when none runs any more."""
        self.stop()
        self.threads.close()
        return self.threads.join(timeout_ms)
