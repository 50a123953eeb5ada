"""What the Live tab's modes do with the loaded model: each control keeps its view (gui/views/) to the session's
model when that model declares its capability, runs the engine work of gui/live_work.py on worker threads
(gui/live_jobs.py: a busy line with Cancel, the newest answer wins) and shows the answer or a message saying
what was wrong with the input. A new model of the same kind reads the input shown again (a camera is not
recorded again unasked)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Slot

from gui import live_work
from gui.exports import check_single_file
from gui.frame_jobs import until_cancelled
from gui.live_jobs import LiveRunner
from gui.run import model_can


def source_name(spec: str) -> str:
    kind, _, where = spec.partition(":")
    return f"camera {where or 0}" if kind == "camera" else Path(where).name or where


class LiveControl(QObject):
    """A Live mode's view, its model and its jobs. A subclass names its capability and its work."""
    capability = ""
    NO_MODEL = "Train or load a model that can do this to try it here."

    def __init__(self, session, view, parent=None):
        super().__init__(parent)
        self.view = view
        self.predictor = None
        self.spec = ""  # the input shown: read again for a new model
        self.runner = LiveRunner(view.busy, self.show, self.fail, self)
        view.sourceChosen.connect(self.open)
        session.modelChanged.connect(self.on_model)

    @Slot(object)
    def on_model(self, predictor) -> None:
        self.runner.cancel()
        self.predictor = predictor if model_can(predictor, self.capability) else None
        self.view.clear()
        if self.predictor is not None and self.spec and not self.spec.startswith("camera:"):
            self.open(self.spec)

    @Slot(str)
    def open(self, spec: str) -> None:
        """Read `spec` (image:PATH, video:PATH, frames:DIR, camera:N) through the model, off the GUI thread."""
        if self.predictor is None:
            self.view.message.warn(f"{source_name(spec)}: no model to try it with.", self.NO_MODEL)
            return
        self.spec = spec
        text, work = self.job(self.predictor, spec)
        self.runner.start(text, work)

    def job(self, predictor, spec: str):
        """(what the busy line says, work(cancel, progress) -> the answer show() takes)."""
        raise NotImplementedError

    def show(self, result) -> None:
        raise NotImplementedError

    def fail(self, message: str, hint: str) -> None:
        self.view.message.warn(message, hint)

    def shutdown(self, timeout_ms: int = 0) -> bool:
        return self.runner.shutdown(timeout_ms)


class PhotoEdgesControl(LiveControl):
    """A photo's recurrent edges beside Canny and Sobel (gui/views/photo_edges.py)."""
    capability = "edge_maps"
    NO_MODEL = "Train or load an edges model to see its edges here."

    def job(self, predictor, spec):
        path = spec.partition(":")[2]
        return (f"Finding the edges of {source_name(spec)}…",
                lambda cancel, _progress: live_work.photo_edges(predictor, path, cancel))

    def show(self, result) -> None:
        arrays, caption = result
        self.view.show_maps(arrays, caption)


class RolloutControl(LiveControl):
    """A frame model's rollout of a clip beside the clip's own frames (gui/views/live_rollout.py)."""
    capability = "rollout"
    NO_MODEL = "Train or load a frame-prediction model to roll out clips here."

    def __init__(self, session, view, parent=None):
        super().__init__(session, view, parent)
        view.rolloutRequested.connect(self.roll_out)
        view.exportRequested.connect(self.export)

    @Slot(object)
    def on_model(self, predictor) -> None:
        if model_can(predictor, self.capability):  # roll out as far as it was trained to predict, to start with
            self.view.set_frames(int(predictor.info.get("horizon", self.view.frames())))
        super().on_model(predictor)

    @Slot(int)
    def roll_out(self, _frames: int) -> None:
        """The player's Roll out: the clip shown, as many frames as its field says (the camera records anew)."""
        if not self.spec:
            self.view.message.warn("No clip to roll out yet.", "Open a video or a frame folder, or use the camera.")
            return
        self.open(self.spec)

    @Slot(str)
    def export(self, path: str) -> None:
        """Write the rollout shown (context | truth | prediction per step) into `path`, off the GUI thread."""
        if not check_single_file(lambda _title, message, hint: self.fail(message, hint), path, self.spec):
            return
        frames, fps = self.view.player.frames_for_export(), self.view.player.fps()

        def work(cancel, progress):
            from engine.data.video import write_video
            from engine.data.video_h264 import mp4_note

            count = write_video(path, until_cancelled(frames, cancel), fps)  # a cancelled one leaves no file
            return f"Wrote {count} frames to {path}." + (f" {mp4_note(path)}" if mp4_note(path) else "")

        self.runner.start(f"Writing {Path(path).name}…", work, self.view.message.say)

    def job(self, predictor, spec):
        frames = self.view.frames()
        verb = "Recording" if spec.startswith("camera:") else "Reading"
        return (f"{verb} {source_name(spec)} and rolling out {frames} frames…",
                lambda cancel, progress: live_work.clip_rollout(predictor, spec, frames, cancel, progress))

    def show(self, result) -> None:
        arrays, meta = result
        generated, truth, context = len(arrays["prediction"]), meta["truth_frames"], len(arrays["context"])
        versus = (f"beside its next {truth} frames" if truth == generated else
                  f"beside the {truth} frames the clip has after its context" if truth else
                  "with no truth to compare (the clip ends with the context)")
        self.view.show_rollout(arrays, meta, f"{meta['name']}: the model read {context} frames and rolled out "
                                             f"{generated}, {versus}.")


class ClipControl(LiveControl):
    """A clip classifier's class probabilities after each frame (gui/views/clip_probabilities.py)."""
    capability = "classify_clip"
    NO_MODEL = "Train or load a clip classifier to classify clips here."

    def job(self, predictor, spec):
        limit = self.view.count.value()
        verb = "Recording" if spec.startswith("camera:") else "Reading"
        return (f"{verb} {source_name(spec)} and classifying it frame by frame…",
                lambda cancel, progress: live_work.clip_probabilities(predictor, spec, limit, cancel, progress))

    def show(self, result) -> None:
        frames, trained = len(result["probabilities"]), result["length"]
        note = f" The model was trained on clips of {trained} frames." if trained else ""
        self.view.show_clip(result, f"{result['name']}: {frames} frames read.{note}")
