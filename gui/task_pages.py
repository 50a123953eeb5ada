"""The Results pages of the segment and predict tasks, and what their buttons do.

segment: SegmentView with the live probe during training and the worst test images (by IoU) at the end;
"Export masks as PNG…" (button and File menu) writes every shown result's class map and overlay.
predict: FramesPlayer with a chooser (live probe, the test sequences of the last run, the last rollout);
"Roll out" runs the trained model for the asked number of frames on a worker thread, MP4 / GIF export writes
context | truth | prediction on a worker thread. video-classify uses the classify page (its "prediction"
snapshots fill the gallery and the confusion matrix). After training, the shown sequence's recurrent state at
every predicted frame is computed (fill_states) so the state grid follows the frame slider.

Snapshots arrive from the Session; the live probes are shown at 10 Hz (the newest only), results at once.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import (QComboBox, QFileDialog, QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea,
                               QVBoxLayout, QWidget)

from gui.exports import check_folder, check_single_file
from gui.frame_jobs import as_frames, panel_frames, rollout, until_cancelled
from gui.jobs import Jobs
from gui.views.frames_player import FramesPlayer
from gui.views.segment_view import SegmentView

PROBE = "live probe"


class TaskPages(QObject):
    rolloutShown = Signal(int)  # frames generated, once a rollout is on screen
    videoWritten = Signal(str)  # path, once an MP4 / GIF export is on disk
    statesFilled = Signal(int)  # sequence entry, once its per-frame recurrent states are computed

    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.segment = SegmentView()
        self.segment.set_alpha(70)  # at 50 % a class colour and a like-coloured object in the photo look alike
        self.player = FramesPlayer()
        self.export_masks_button = QPushButton("Export masks as PNG…")
        self.export_masks_button.setToolTip("Each result's class map (<name>_mask.png) and overlay, into a folder")
        self.export_masks_button.clicked.connect(self.export_masks)
        self.chooser = QComboBox()
        self.chooser.setToolTip("Which sequence the player shows")
        self.chooser.setMinimumContentsLength(22)
        self.chooser.currentIndexChanged.connect(self._on_chosen)
        self._add_pages()
        self._sequences: list[tuple[str, dict, dict]] = []  # (label, arrays, meta); the probe is entry 0
        self._seg_results: list[tuple[dict, dict]] = []
        self._latest_segment = self._latest_frames = None
        self.jobs = Jobs(self, lambda title, message, hint: self.w.controller.error(title, message, hint))
        self._reloading: tuple[str, str] | None = None
        self._filling: set[int] = set()  # ids of sequence arrays whose states are being computed
        self._add_menu_actions()
        s = window.session
        s.snapshot.connect(self.on_snapshot)
        s.runStarted.connect(self.on_started)
        s.stateChanged.connect(self._on_state)
        s.modelChanged.connect(self._on_model)
        window.model_panel.configChanged.connect(self.reload_for_task)
        self.player.rolloutRequested.connect(self.roll_out)
        self.player.exportRequested.connect(self.export_video)
        self.timer = QTimer(self)
        self.timer.setInterval(100)
        self.timer.timeout.connect(self.repaint)
        self.timer.start()

    def _add_pages(self) -> None:
        segment_page, frames_page = QWidget(), QWidget()
        top = QHBoxLayout()
        top.addWidget(_wrapped("Segmentation of the probe image while training; the worst test images at the end."), 1)
        top.addWidget(self.export_masks_button)
        # the view's big-font control row wants ~940 px: scroll sideways rather than widen the whole window
        scroll = QScrollArea()
        scroll.setWidget(self.segment)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(segment_page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)
        top = QHBoxLayout()
        top.addWidget(QLabel("show"))
        top.addWidget(self.chooser)
        top.addWidget(_wrapped("Roll out: the trained model continues the shown context, each frame from its own "
                               "last guess."), 1)
        layout = QVBoxLayout(frames_page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.player, 1)
        for task, page in (("segment", segment_page), ("predict", frames_page)):
            self.w.results_pages[task] = page
            self.w.results.addWidget(page)

    def _add_menu_actions(self) -> None:
        a = self.w.actions_by_name
        a["export_masks"] = self.w._action("Export masks as PNG…", None,
                                           "The segmentation results' class maps and overlays (segment task)")
        a["export_frames"] = self.w._action("Export frames as MP4 / GIF…", None,
                                            "The player's context | truth | prediction (predict task)")
        a["export_masks"].triggered.connect(self.export_masks)
        a["export_frames"].triggered.connect(lambda: self.export_video("mp4"))
        for action in self.w.menuBar().actions():
            menu = action.menu()
            if menu is not None and a["skipped"] in menu.actions():
                menu.insertActions(a["skipped"], [a["export_masks"], a["export_frames"]])
                menu.insertSeparator(a["skipped"])
                break

    # ---- snapshots ----
    @Slot(object)
    def on_started(self, event) -> None:
        task = event.config.get("task")
        if task == "segment":
            self._seg_results, self._latest_segment = [], None
            self.segment.clear()
        elif task == "predict":
            self._set_sequences([])

    @Slot(object)
    def on_snapshot(self, event) -> None:
        if event.kind == "segment":
            if event.meta.get("split") == "test":
                self._seg_results.append((event.arrays, event.meta))
            else:
                self._latest_segment = event
        elif event.kind == "segment_scores":
            self.show_segment_results(event.arrays.get("iou"))
        elif event.kind == "frames":
            if event.meta.get("split") == "test":
                self._show_probe_frames()  # a probe still waiting for the 10 Hz repaint goes first, as entry 0
                self._add_sequence(f"test sequence {int(event.meta.get('index', 0)) + 1}", event.arrays, event.meta)
            else:
                self._latest_frames = event

    def show_segment_results(self, all_ious=None) -> None:
        self.segment.show_results(self._seg_results)
        shown = len(self._seg_results)
        if all_ious is not None and len(all_ious) > shown:  # the gallery holds the worst only
            self.segment.gallery_label.setText(
                f"the {shown} worst of {len(all_ious)} test images, worst IoU first · mean per-image IoU of all "
                f"{len(all_ious)}: {float(np.mean(all_ious)):.3f} (click one to compare)")

    def repaint(self) -> None:
        if self._latest_segment is not None:
            e, self._latest_segment = self._latest_segment, None
            self.segment.show_probe(e.arrays, e.meta)
        self._show_probe_frames()

    def _show_probe_frames(self) -> None:
        if self._latest_frames is not None:
            e, self._latest_frames = self._latest_frames, None
            meta = {**e.meta, "name": f"live probe ({e.meta.get('name', '')})"}
            if not self._sequences or self._sequences[0][0] != PROBE:
                # the probe is entry 0 even when a short run's test sequences arrived before its first repaint
                self._sequences.insert(0, (PROBE, e.arrays, meta))
                self.chooser.blockSignals(True)
                self.chooser.insertItem(0, PROBE)
                self.chooser.blockSignals(False)
                if len(self._sequences) == 1:
                    self.chooser.setCurrentIndex(0)
                    self._on_chosen(0)
            else:
                self._sequences[0] = (PROBE, e.arrays, meta)
                if self.chooser.currentIndex() == 0:
                    self.player.show_sequence(e.arrays, meta)
                    self.fill_states()

    @Slot(str)
    def _on_state(self, state: str) -> None:
        if state == "idle":
            self.fill_states()

    @Slot(object)
    def _on_model(self, _predictor) -> None:
        self.fill_states()

    # ---- the player's sequences ----
    def _set_sequences(self, entries) -> None:
        self._sequences = list(entries)
        blocked = self.chooser.blockSignals(True)
        self.chooser.clear()
        self.chooser.addItems([label for label, _, _ in self._sequences])
        self.chooser.blockSignals(blocked)

    def _add_sequence(self, label: str, arrays: dict, meta: dict, show: bool | None = None) -> None:
        """Add (or replace, by label) an entry; shown when `show`, or when it is the only one."""
        labels = [e[0] for e in self._sequences]
        if label in labels:
            self._sequences[labels.index(label)] = (label, arrays, meta)
            index = labels.index(label)
        else:
            self._sequences.append((label, arrays, meta))
            self.chooser.blockSignals(True)
            self.chooser.addItem(label)
            self.chooser.blockSignals(False)
            index = len(self._sequences) - 1
        if show or (show is None and len(self._sequences) == 1):
            self.chooser.setCurrentIndex(index)
            self._on_chosen(index)

    def _on_chosen(self, index: int) -> None:
        if 0 <= index < len(self._sequences):
            _, arrays, meta = self._sequences[index]
            self.player.show_sequence(arrays, meta)
            self.fill_states()

    def fill_states(self) -> None:
        """The shown sequence's recurrent state at every predicted frame, once training is over: the probe carries
        only the state after its last frame, test sequences none. A rollout from the sequence's context with the
        trained model gives the same predicted frames (evaluation feeds the model its own guesses) and their
        states, computed on a worker thread; the frames shown are then that rollout's."""
        predictor, index = self.w.session.predictor, self.chooser.currentIndex()
        if not hasattr(predictor, "seed_frames") or self.w.session.running or not 0 <= index < len(self._sequences):
            return
        label, arrays, meta = self._sequences[index]
        state, prediction = arrays.get("state"), arrays.get("prediction")
        if prediction is None or (state is not None and np.ndim(state) == 4) or id(arrays) in self._filling:
            return
        seed = as_frames(arrays["context"])
        if seed.shape[1:] != (predictor.info["channels"], *predictor.info["size"]):
            return  # frames of another model
        self._filling.add(id(arrays))

        def work(cancel):
            return rollout(predictor, seed, len(prediction), cancel)

        def done(result):
            frames, states = result
            entry = next((i for i, e in enumerate(self._sequences) if e[1] is arrays), None)
            if entry is None:
                return  # replaced meanwhile (a newer probe)
            # the trained model's frames with their states (a probe shown before the last one came from an
            # earlier model)
            filled = {**arrays, "prediction": panel_frames(frames), "state": states}
            self._sequences[entry] = (label, filled, meta)
            if self.chooser.currentIndex() == entry:
                step = self.player.step()
                self.player.show_sequence(filled, meta)
                self.player.set_step(step)
            self.statesFilled.emit(entry)

        self.jobs.start(work, done, "Cannot compute the recurrent states", lambda: self._filling.discard(id(arrays)))

    def shown_sequence(self) -> tuple[dict, dict] | None:
        index = self.chooser.currentIndex()
        return self._sequences[index][1:] if 0 <= index < len(self._sequences) else None

    def sequence_labels(self) -> list[str]:
        return [label for label, _, _ in self._sequences]

    # ---- rollout ----
    def roll_out(self, frames: int) -> None:
        predictor, spec = self.w.session.predictor, self.w.session.spec
        if predictor is None or not hasattr(predictor, "seed_frames"):
            self.w.controller.error("No frame-prediction model", "Rolling out needs a trained predict model.",
                                    "Train one with the Predict frames task, or load one (File ▸ Load model).")
            return
        shown = self.shown_sequence()
        seed = truth = None
        name = "the first test sequence"
        if shown is not None:
            arrays, meta = shown
            seed = as_frames(arrays["context"])
            truth = as_frames(arrays["truth"]) if arrays.get("truth") is not None else None
            name = str(meta.get("name", "the shown sequence"))
        h, w = predictor.info["size"]
        if seed is None or seed.shape[1:] != (predictor.info["channels"], h, w):
            seed = truth = None  # another model's frames: seed from the loaded data instead

        def work(cancel):
            first, rest = (seed, truth) if seed is not None else predictor.seed_frames(spec)
            generated, states = rollout(predictor, first, frames, cancel)
            arrays = {"context": panel_frames(first), "prediction": panel_frames(generated), "state": states}
            if rest is not None:
                arrays["truth"] = panel_frames(rest[:frames])
            return arrays

        def show(arrays):
            label = f"rollout of {frames} frames"
            self._sequences = [e for e in self._sequences if not e[0].startswith("rollout")]
            self._set_sequences(self._sequences)
            self._add_sequence(label, arrays, {"name": "rollout"}, show=True)  # short: the row has little room
            self.player.set_step(len(arrays["context"]))
            self.w.statusBar().showMessage(f"Rolled out {frames} frames from {name}.", 8000)
            self.rolloutShown.emit(frames)

        self.player.rollout_button.setEnabled(False)
        self.w.statusBar().showMessage(f"Rolling out {frames} frames…")
        self.jobs.start(work, show, "Cannot roll out", lambda: self.player.rollout_button.setEnabled(True))

    # ---- exports ----
    def export_masks(self) -> None:
        if not self._seg_results and self.segment.current() is None:
            self.w.controller.error("No masks to export", "There is no segmentation to export yet.",
                                    "Train a segmentation model (task Segmentation) first.")
            return
        folder = QFileDialog.getExistingDirectory(self.w, "Export masks into a folder", self.w.controller._last_dir())
        if folder:
            self.export_masks_to(folder)

    def export_masks_to(self, folder: str) -> list[Path]:
        """Every result's <name>_mask.png and <name>_overlay.png (a few dozen small PNGs: fast enough here).
        Never into the loaded data's folders; files already there are replaced only when the user agrees."""
        if not check_folder(self.w, self.w.controller.error, folder, self.segment.mask_files(folder),
                            self.w.session.spec):
            return []
        try:
            written = self.segment.export_masks(folder)
        except OSError as error:
            self.w.controller.error("Cannot export the masks", str(error), "Choose another folder.")
            return []
        self.w.statusBar().showMessage(f"Wrote {len(written)} PNG files to {folder}.", 8000)
        return written

    def export_video(self, kind: str) -> None:
        if self.player.step_count() == 0:
            self.w.controller.error("No frames to export", "The player shows no sequence yet.",
                                    "Train a predict model (task Predict frames), or roll one out.")
            return
        suffix = ".gif" if kind == "gif" else ".mp4"
        filters = "MP4 video (*.mp4);;GIF animation (*.gif)" if suffix == ".mp4" else \
            "GIF animation (*.gif);;MP4 video (*.mp4)"
        path, chosen = QFileDialog.getSaveFileName(self.w, "Export frames", str(Path(self.w.controller._last_dir()) /
                                                                               f"frames{suffix}"), filters)
        if path:
            known = Path(path).suffix.lower() in (".mp4", ".gif")
            self.export_video_to(path if known else path + (".gif" if chosen.startswith("GIF") else ".mp4"))

    def export_video_to(self, path: str) -> None:
        """Write the player's strip (context | truth | prediction per step) on a worker thread."""
        if not check_single_file(self.w.controller.error, path, self.w.session.spec):
            return
        frames, fps = self.player.frames_for_export(), self.player.fps()

        def work(cancel):
            from engine.data.video import write_video

            return write_video(path, until_cancelled(frames, cancel), fps)  # a cancelled one leaves no file

        def written(count):
            self.w.statusBar().showMessage(f"Wrote {count} frames to {path}.", 8000)
            self.videoWritten.emit(path)

        self.w.statusBar().showMessage(f"Writing {path}…")
        self.jobs.start(work, written, "Cannot write the video")

    # ---- the data fits the task ----
    def reload_for_task(self) -> None:
        """Data read for one task and also fit for the chosen one (moving digits: sequences or labelled clips;
        pairs: edge maps or masks) is read again for the chosen task, so its summary and arrays match it."""
        session, task = self.w.session, self.w.model_panel.current_task()
        data = session.data
        if data is None or data.task == task:
            self._reloading = None
        elif data.fits(task) and session.state == "idle" and self._reloading != (session.spec, task):
            self._reloading = (session.spec, task)
            session.load(session.spec, task)

    def shutdown(self, timeout_ms: int = 0) -> bool:
        """The window is closing: rollouts and exports are cancelled, nothing new starts; True when none runs
        after waiting up to `timeout_ms`."""
        self.timer.stop()
        return self.jobs.shutdown(timeout_ms)


def _wrapped(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)  # a long one-line label would set the window's minimum width
    return label
