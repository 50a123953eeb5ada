"""The Live tab's masks (gui/views/live_masks.py) with the loaded segmentation model: a photo is read and
segmented as one job (gui/live_jobs.py), a video, frame folder or camera plays through the model on a player
thread (gui/video_worker.py MaskVideoWorker), the newest frame and its mask shown as they come."""
from __future__ import annotations

from PySide6.QtCore import Slot

from gui import live_work
from gui.live_controls import LiveControl, source_name
from gui.run import model_can
from gui.threads import ThreadKeeper
from gui.video_worker import MaskVideoWorker


class MasksControl(LiveControl):
    capability = "masks"
    NO_MODEL = "Train or load a segmentation model to see its classes here."

    def __init__(self, session, view, parent=None, make_player=MaskVideoWorker):
        super().__init__(session, view, parent)
        self.make_player = make_player  # (spec, predictor, frame size, canny, realtime) -> a VideoWorker
        self.worker = None  # the playing MaskVideoWorker
        self.players = ThreadKeeper(self)
        view.pauseRequested.connect(self.pause)
        view.seekRequested.connect(self.seek)
        view.sizeChanged.connect(self._size_changed)
        view.busy.cancelled.connect(self.stop)  # Cancel while a video opens

    @Slot(object)
    def on_model(self, predictor) -> None:
        self.stop()
        if model_can(predictor, self.capability):
            self.view.set_classes(predictor.class_names, predictor.info.get("colours"))
        super().on_model(predictor)

    @Slot(str)
    def open(self, spec: str) -> None:
        """A photo is one job; a video, frame folder or camera plays until another input or model comes."""
        self.stop()
        if spec.startswith("image:") or self.predictor is None:
            super().open(spec)
            return
        self.runner.cancel()
        self.spec = spec
        self.play(spec)

    def job(self, predictor, spec):
        path = spec.partition(":")[2]
        return (f"Segmenting {source_name(spec)}…",
                lambda cancel, _progress: live_work.photo_mask(predictor, path, cancel))

    def show(self, result) -> None:
        image, mask, name = result
        self.view.set_video(False)
        self.view.show_picture(image, mask, f"{name}: the model's class for every pixel.")

    # ---- videos: the player is not a job, it runs until stopped ----
    def play(self, spec: str) -> None:
        self.worker = self.make_player(spec, self.predictor, self.view.frame_size(), False, True)
        self.worker.opened.connect(self._on_opened)
        self.worker.frameReady.connect(self._on_frame)
        self.worker.ended.connect(self._on_ended)
        self.worker.failed.connect(self._on_failed)
        if self.players.start(self.worker, "live masks video") is None:  # the window is closing
            self.worker = None
            return
        self.view.busy.start(f"Opening {source_name(spec)}…")

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()
            self.worker = None
        self.view.busy.stop()

    @Slot(bool)
    def pause(self, paused: bool) -> None:
        if self.worker is not None:
            if not paused and self.view.slider.isVisible() and self.view.slider.value() >= self.view.slider.maximum():
                self.worker.seek(0)  # at the end: play again from the start
            self.worker.set_paused(paused)

    @Slot(int)
    def seek(self, index: int) -> None:
        if self.worker is not None:
            self.worker.seek(index)

    def _size_changed(self) -> None:
        if self.worker is not None and self.spec:
            self.open(self.spec)

    @Slot(int, float, str)
    def _on_opened(self, count: int, fps: float, name: str) -> None:
        if self.sender() is not self.worker:
            return
        self.view.busy.stop()
        self.view.set_video(True, count)
        size = self.view.frame_size()
        self.view.message.say(f"{name}: {count or 'live'} frames · {fps:.0f} fps recorded · frames "
                              f"{f'{size[1]}×{size[0]}' if size else 'as recorded'} · the model's class for every "
                              f"pixel of each frame")

    @Slot()
    def _on_frame(self) -> None:
        worker = self.worker
        latest = worker.take() if worker is not None and self.sender() is worker else None
        if latest is not None:
            frame, mask, _, index, fps = latest
            self.view.show_picture(frame, mask)
            self.view.show_position(index, fps)

    @Slot()
    def _on_ended(self) -> None:
        if self.sender() is self.worker:
            self.view.video_ended()

    @Slot(str, str)
    def _on_failed(self, message: str, hint: str) -> None:
        if self.sender() is self.worker:
            self.stop()
            self.view.set_video(False)
            self.fail(message, hint)

    def shutdown(self, timeout_ms: int = 0) -> bool:
        self.stop()
        self.players.close()
        return super().shutdown(timeout_ms) and self.players.join(timeout_ms)
