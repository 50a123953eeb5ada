"""The Results page of a frame-predicting run (`result_view` "frames"): FramesPlayer with a chooser (the live
probe, the run's test sequences, the last rollout). "Roll out" runs the trained model for the asked number of
frames on a worker thread; MP4 / GIF export writes context | truth | prediction on a worker thread. After
training, the shown sequence's recurrent state at every predicted frame is computed (fill_states) so the
state grid follows the frame slider."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gui.exports import check_single_file
from gui.frame_jobs import as_frames, panel_frames, rollout, until_cancelled
from gui.live_jobs import LiveRunner
from gui.jobs import Jobs
from gui.run import model_can
from gui.segment_page import wrapped
from gui.snapshot_router import Route
from gui.views.frames_player import FramesPlayer
from gui.views.live_parts import BusyLine

PROBE = "live probe"


class FramesRoute(Route):
    kinds = ("frames",)

    def __init__(self, page):
        self.page = page
        self.probe = None
        self.tests: list = []

    def take(self, event) -> bool:
        if event.meta.get("split") == "test":
            self.tests.append(event)
        else:
            self.probe = event
        return True

    def paint(self, final: bool) -> bool:
        if self.probe is not None:  # the probe is entry 0, before the test sequences
            e, self.probe = self.probe, None
            self.page.show_probe(e)
        for e in self.tests:
            self.page.add_sequence(f"test sequence {int(e.meta.get('index', 0)) + 1}", e.arrays, e.meta)
        self.tests = []
        return False

    def clear(self, run) -> None:
        self.probe, self.tests = None, []
        self.page.set_sequences([])
        self.page.player.clear()


class FramesPage(QObject):
    rolloutShown = Signal(int)  # frames generated, once a rollout is on screen
    videoWritten = Signal(str)  # path, once an MP4 / GIF export is on disk
    statesFilled = Signal(int)  # sequence entry, once its per-frame recurrent states are computed

    def __init__(self, session, router, dialogs, parent=None):
        super().__init__(parent)
        self.session, self.dialogs = session, dialogs
        self.player = FramesPlayer()
        self.chooser = QComboBox()
        self.chooser.setToolTip("Which sequence the player shows")
        self.chooser.setMinimumContentsLength(22)
        self.chooser.currentIndexChanged.connect(self._on_chosen)
        self.busy = BusyLine()  # a rollout's or an export's progress, with Cancel
        self.runner = LiveRunner(self.busy, lambda _result: None, self._failed, self)
        self._failure_title = ""
        self.page = self._page()
        self._sequences: list[tuple[str, dict, dict]] = []  # (label, arrays, meta); the probe is entry 0
        self._filling: set[int] = set()  # ids of sequence arrays whose states are being computed
        self.jobs = Jobs(self, dialogs.error)
        router.add(FramesRoute(self))
        session.stateChanged.connect(self._on_state)
        session.modelChanged.connect(self._on_model)
        self.player.rolloutRequested.connect(self.roll_out)
        self.player.exportRequested.connect(self.export_video)

    def _page(self) -> QWidget:
        page = QWidget()
        top = QHBoxLayout()
        top.addWidget(QLabel("show"))
        top.addWidget(self.chooser)
        top.addWidget(wrapped("Roll out: the trained model continues the shown context, each frame from its own "
                              "last guess."), 1)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.busy)
        layout.addWidget(self.player, 1)
        return page

    def _on_state(self, state: str) -> None:
        if state == "idle":
            self.fill_states()

    def _on_model(self, _predictor) -> None:
        self.fill_states()

    # ---- the player's sequences ----
    def show_probe(self, event) -> None:
        meta = {**event.meta, "name": f"live probe ({event.meta.get('name', '')})"}
        if not self._sequences or self._sequences[0][0] != PROBE:
            self._sequences.insert(0, (PROBE, event.arrays, meta))
            blocked = self.chooser.blockSignals(True)
            self.chooser.insertItem(0, PROBE)
            self.chooser.blockSignals(blocked)
            if len(self._sequences) == 1:
                self.chooser.setCurrentIndex(0)
                self._on_chosen(0)
        else:
            self._sequences[0] = (PROBE, event.arrays, meta)
            if self.chooser.currentIndex() == 0:
                self.player.show_sequence(event.arrays, meta)
                self.fill_states()

    def set_sequences(self, entries) -> None:
        self._sequences = list(entries)
        blocked = self.chooser.blockSignals(True)
        self.chooser.clear()
        self.chooser.addItems([label for label, _, _ in self._sequences])
        self.chooser.blockSignals(blocked)

    def add_sequence(self, label: str, arrays: dict, meta: dict, show: bool | None = None) -> None:
        """Add (or replace, by label) an entry; shown when `show`, or when it is the only one."""
        labels = [e[0] for e in self._sequences]
        if label in labels:
            index = labels.index(label)
            self._sequences[index] = (label, arrays, meta)
        else:
            self._sequences.append((label, arrays, meta))
            blocked = self.chooser.blockSignals(True)
            self.chooser.addItem(label)
            self.chooser.blockSignals(blocked)
            index = len(self._sequences) - 1
        if show or (show is None and len(self._sequences) == 1):
            self.chooser.setCurrentIndex(index)
            self._on_chosen(index)

    def _on_chosen(self, index: int) -> None:
        if 0 <= index < len(self._sequences):
            _, arrays, meta = self._sequences[index]
            self.player.show_sequence(arrays, meta)
            self.fill_states()

    def shown_sequence(self) -> tuple[dict, dict] | None:
        index = self.chooser.currentIndex()
        return self._sequences[index][1:] if 0 <= index < len(self._sequences) else None

    def sequence_labels(self) -> list[str]:
        return [label for label, _, _ in self._sequences]

    def fill_states(self) -> None:
        """The shown sequence's recurrent state at every predicted frame, once training is over: the probe carries
        only the state after its last frame, test sequences none. A rollout from the sequence's context with the
        trained model gives the same predicted frames (evaluation feeds the model its own guesses) and their
        states, computed on a worker thread; the frames shown are then that rollout's."""
        predictor, index = self.session.predictor, self.chooser.currentIndex()
        if not model_can(predictor, "rollout") or self.session.running or not 0 <= index < len(self._sequences):
            return
        label, arrays, meta = self._sequences[index]
        state, prediction = arrays.get("state"), arrays.get("prediction")
        if prediction is None or (state is not None and np.ndim(state) == 4) or id(arrays) in self._filling:
            return
        seed = as_frames(arrays["context"])
        if seed.shape[1:] != (predictor.info["channels"], *predictor.info["size"]):
            return  # frames of another model
        self._filling.add(id(arrays))

        def done(result):
            frames, states = result
            entry = next((i for i, e in enumerate(self._sequences) if e[1] is arrays), None)
            if entry is None:
                return  # replaced meanwhile (a newer probe, another run)
            # the trained model's frames with their states (a probe shown before the last one came from an
            # earlier model)
            filled = {**arrays, "prediction": panel_frames(frames), "state": states}
            self._sequences[entry] = (label, filled, meta)
            if self.chooser.currentIndex() == entry:
                step = self.player.step()
                self.player.show_sequence(filled, meta)
                self.player.set_step(step)
            self.statesFilled.emit(entry)

        self.jobs.start(lambda cancel: rollout(predictor, seed, len(prediction), cancel), done,
                        "Cannot compute the recurrent states", lambda: self._filling.discard(id(arrays)))

    # ---- rollout ----
    def roll_out(self, frames: int) -> None:
        predictor, spec = self.session.predictor, self.session.spec
        if not model_can(predictor, "rollout"):
            self.dialogs.error("No frame-prediction model", "Rolling out needs a trained frame-prediction model.",
                               "Train one with the Predict frames task, or load one (File ▸ Load model).")
            return
        seed, truth, name = self._seed_for(predictor)

        def work(cancel, progress):
            first, rest = (seed, truth) if seed is not None else predictor.seed_frames(spec)
            generated, states = rollout(predictor, first, frames, cancel, progress)
            arrays = {"context": panel_frames(first), "prediction": panel_frames(generated), "state": states}
            if rest is not None:
                arrays["truth"] = panel_frames(rest[:frames])
            return arrays

        def show(arrays):
            self.set_sequences([e for e in self._sequences if not e[0].startswith("rollout")])
            self.add_sequence(f"rollout of {frames} frames", arrays, {"name": "rollout"}, show=True)
            self.player.set_step(len(arrays["context"]))
            self.dialogs.status(f"Rolled out {frames} frames from {name}.", 8000)
            self.rolloutShown.emit(frames)

        self._failure_title = "Cannot roll out"  # a second press replaces a rollout still running
        self.runner.start(f"Rolling out {frames} frames from {name}…", work, show)

    def _seed_for(self, predictor):
        """The shown sequence's context and truth when they are frames of this model, else (None, None): the
        loaded data seeds the rollout then."""
        shown = self.shown_sequence()
        if shown is None:
            return None, None, "the first test sequence"
        arrays, meta = shown
        seed = as_frames(arrays["context"])
        truth = as_frames(arrays["truth"]) if arrays.get("truth") is not None else None
        h, w = predictor.info["size"]
        if seed.shape[1:] != (predictor.info["channels"], h, w):
            return None, None, "the first test sequence"
        return seed, truth, str(meta.get("name", "the shown sequence"))

    # ---- export ----
    def export_video(self, kind: str = "mp4") -> None:
        if self.player.step_count() == 0:
            self.dialogs.error("No frames to export", "The player shows no sequence yet.",
                               "Train a frame-prediction model (task Predict frames), or roll one out.")
            return
        suffix = ".gif" if kind == "gif" else ".mp4"
        filters = "MP4 video (*.mp4);;GIF animation (*.gif)" if suffix == ".mp4" else \
            "GIF animation (*.gif);;MP4 video (*.mp4)"
        path, chosen = self.dialogs.save_file_and_filter("Export frames", f"frames{suffix}", filters)
        if path:
            known = Path(path).suffix.lower() in (".mp4", ".gif")
            self.export_video_to(path if known else path + (".gif" if chosen.startswith("GIF") else ".mp4"))

    def export_video_to(self, path: str) -> None:
        """Write the player's strip (context | truth | prediction per step) on a worker thread."""
        if not check_single_file(self.dialogs.error, path, self.session.spec):
            return
        frames, fps = self.player.frames_for_export(), self.player.fps()

        def work(cancel, progress):
            from engine.data.video import write_video
            from engine.data.video_h264 import mp4_note

            def counted():
                for done, frame in enumerate(until_cancelled(frames, cancel)):
                    progress(done, len(frames))
                    yield frame

            return write_video(path, counted(), fps), mp4_note(path)  # a cancelled one leaves no file

        def written(result):
            count, note = result  # note: said when the MP4 could not be H.264
            self.dialogs.written(path, f"Wrote {count} frames to {path}." + (f" {note}" if note else ""))
            self.videoWritten.emit(path)

        self._failure_title = "Cannot write the video"
        self.runner.start(f"Writing {path}…", work, written)

    def _failed(self, message: str, hint: str) -> None:
        if "cancelled" not in message.lower():
            self.dialogs.error(self._failure_title, message, hint)

    def shutdown(self, timeout_ms: int = 0) -> bool:
        """The window is closing: rollouts and exports are cancelled, nothing new starts; True when none runs
        after waiting up to `timeout_ms`."""
        return self.jobs.shutdown(timeout_ms) and self.runner.shutdown(timeout_ms)
