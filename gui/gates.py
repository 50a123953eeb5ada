"""Issue 7 ("why gates matter") in the window: the Inside tab's Gradients and Trajectories sub-tabs and
the Compare cells… dialog. main_window creates one Gates and hooks it in; RunPresenter hands it the
"grad_norms" and "trajectories" snapshots and calls repaint() at its 10 Hz pace.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QLabel, QPushButton, QStackedWidget, QTabWidget, QVBoxLayout, QWidget

from gui.threads import ThreadKeeper
from gui.views.grad_curve import GradientCurveView
from gui.views.trajectories import TrajectoryView

# short enough for the comparison's narrow plot; the unit words of the captions come from them
AXIS_LABELS = {"rows": "time step t = image row t", "cols": "time step t = image column t",
               "pixels": "time step t = pixel t", "frames": "time step t = frame t"}
NO_TRAJECTORIES = ("No trajectories yet.\n\nThey are computed at the end of a classification run: train a "
                   "model (F5) and this page shows how its hidden state moves while it reads the images. "
                   "For a model loaded from a file, press the button.")


def axis_label(read: str) -> str:
    return AXIS_LABELS.get(read, "time step t")


def forget_values(hist: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """The forget-gate values one step's histogram counts stand for (each at its bin's centre)."""
    centres = (edges[:-1] + edges[1:]) / 2
    return np.repeat(centres, np.asarray(hist, np.int64))


class Gates(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.gradients = GradientCurveView()
        self.trajectories = TrajectoryView()
        self.compute_button = QPushButton("Compute for the loaded model")
        self.compute_button.setToolTip("Run the current model over a few hundred images of the loaded data "
                                       "(test split) and show its hidden-state trajectories")
        self.compute_button.clicked.connect(self.compute_trajectories)
        self._placeholder_text = QLabel(NO_TRAJECTORIES)
        self._placeholder = _placeholder(self._placeholder_text, self.compute_button)
        self.trajectory_page = QStackedWidget()
        self.trajectory_page.addWidget(self._placeholder)
        self.trajectory_page.addWidget(self.trajectories)
        self.inside = QTabWidget()
        self.inside.setDocumentMode(True)
        self.inside.addTab(window.hidden_view, "States")
        self.inside.addTab(self.gradients, "Gradients")
        self.inside.addTab(self.trajectory_page, "Trajectories")
        self.inside.setTabToolTip(1, "How much of the learning signal reaches each time step, live while training")
        self.inside.setTabToolTip(2, "Hidden states of many samples over time, squeezed to 2-D (PCA), and the "
                                     "LSTM's forget gates; made at the end of a run")
        self._runs = 0
        self._label = ""
        self._cell = "rnn"
        self._splits = None
        self._latest_norms = None
        self._latest_trajectories = None
        self._forget = None  # (T, bins) counts and their edges, for the histogram at the shown step
        self.trajectories.timeChanged.connect(self._show_forget)
        self.compare = None  # gui.compare_dialog.CompareDialog, made on first use
        self.threads = ThreadKeeper(self)  # trajectory workers, kept until their threads have finished
        self.threads.idle.connect(self._on_trajectories_done)

    def hook(self) -> None:
        """Connect to the window's actions (after the Controller: the font size is read from it)."""
        a = self.w.actions_by_name
        a["compare"].triggered.connect(self.open_compare)
        a["export_gradients"].triggered.connect(
            lambda: self.w.controller.export("gradients", self.gradients.export_png, "PNG (*.png)"))
        a["bigger"].triggered.connect(self._follow_font)
        a["smaller"].triggered.connect(self._follow_font)
        self.w.model_panel.preset.applied.connect(self._on_preset)
        s = self.w.session
        for signal in (s.modelChanged, s.dataLoaded, s.stateChanged):
            signal.connect(self._update_compute_button)
        self._update_compute_button()

    # ---- from RunPresenter ----
    def on_started(self, event) -> None:
        cfg = event.config
        self._runs += 1
        self._cell = cfg.get("cell", "rnn")
        self._label = f"run {self._runs}, {cfg.get('hidden', '?')} units"
        self._splits = self.w.session.splits
        self._latest_norms = None
        # a clip classifier reads frames; an image classifier rows, columns or pixels
        self.gradients.set_axis_label(axis_label("frames" if cfg.get("task") == "video-classify" else cfg.get("read", "")))
        # the last run's trajectories would pass for this run's: the page waits for the new ones instead
        self.trajectories.stop()
        self._placeholder_text.setText(f"Training run {self._runs}… its trajectories appear here when it ends.")
        self.trajectory_page.setCurrentWidget(self._placeholder)

    def on_snapshot(self, event) -> bool:
        """Keep the newest snapshot of our kinds for the next tick; False when the kind is not ours."""
        if event.kind == "grad_norms":
            self._latest_norms = event
        elif event.kind == "trajectories":
            self._latest_trajectories = event
        else:
            return False
        return True

    def repaint(self, final: bool = False) -> None:
        e, self._latest_norms = self._latest_norms, None
        if e is not None and self._label:
            self.gradients.add_norms(self._label, e.meta.get("cell", self._cell), e.arrays["norms"],
                                     e.meta.get("step", e.global_step))
        e, self._latest_trajectories = self._latest_trajectories, None
        if e is not None:
            self.show_trajectories(e)
        elif final:  # the run ended without trajectories (stopped before its first epoch, another task)
            self._placeholder_text.setText(NO_TRAJECTORIES)

    def show_trajectories(self, event) -> None:
        a, meta = event.arrays, event.meta
        read = meta.get("read", "rows")
        probe_image, probe = self._probe_image(a["indices"], meta.get("split", ""))
        hist, edges = a.get("forget_hist"), a.get("forget_edges")
        self._forget = (hist, edges) if hist is not None and edges is not None else None
        self.trajectories.set_trajectories(
            a["points"], a["labels"], list(meta.get("class_names", [])), probe_image,
            read if read in AXIS_LABELS else "rows", self._forget_at(a["points"].shape[1] - 1),
            a.get("explained"), probe)
        self.trajectory_page.setCurrentWidget(self.trajectories)

    # ---- internals ----
    def _probe_image(self, indices: np.ndarray, split: str):
        """The first sample's image (its trajectory is drawn as a line), when its split is at hand (the
        validation split is carved out of the training images inside the engine: not here)."""
        images = getattr(self._splits, split, None) if split in ("test", "train") else None
        if images is None or not len(indices) or int(indices[0]) >= len(images):
            return None, None
        return images.images[int(indices[0])], 0

    def _forget_at(self, t: int):
        if self._forget is None:
            return None
        hist, edges = self._forget
        return forget_values(hist[min(t, len(hist) - 1)], edges)

    @Slot(int)
    def _show_forget(self, t: int) -> None:
        if self._forget is not None:
            self.trajectories.set_forget(self._forget_at(t))

    @Slot(str)
    def _on_preset(self, name: str) -> None:
        from engine.models.sequence_shape import sequence_length  # torch-free

        cfg, data = self.w.model_panel.config(), self.w.session.data
        text = f"Preset '{self.w.model_panel.preset.currentText()}' set."
        if data is not None and data.fits("classify"):
            h, w, c = data.data.train.image_shape
            steps = sequence_length(h, w, c, cfg["read"])[0]
            text += f" On the loaded {h}×{w} images that is {steps} steps per image."
        self.w.statusBar().showMessage(text + " Train (F5) or Compare cells… (Ctrl+K).", 15000)

    # ---- trajectories of a loaded model ----
    @Slot()
    def _update_compute_button(self, *_) -> None:
        s = self.w.session
        self.compute_button.setEnabled(hasattr(s.predictor, "inspect") and hasattr(s.splits, "train") and
                                       s.state == "idle" and not self.threads.running())

    @Slot()
    def compute_trajectories(self) -> None:
        from gui.trajectory_worker import TrajectoryWorker

        s = self.w.session
        if not hasattr(s.predictor, "inspect") or not hasattr(s.splits, "train"):
            return
        split = "test" if s.splits.test is not None else "train"
        self._splits = s.splits
        worker = TrajectoryWorker(s.predictor, getattr(s.splits, split), split)
        worker.ready.connect(self._on_trajectories)
        worker.failed.connect(self._on_trajectories_failed)
        if self.threads.start(worker, "trajectories") is None:  # the window is closing
            return
        self.compute_button.setEnabled(False)
        self.compute_button.setText("Computing…")

    @Slot(object)
    def _on_trajectories(self, snapshot) -> None:
        self.show_trajectories(snapshot)

    @Slot(str, str)
    def _on_trajectories_failed(self, message: str, hint: str) -> None:
        if not self.threads.closed:  # no dialog on a window that is closing
            self.w.controller.error("No trajectories", message, hint)

    @Slot()
    def _on_trajectories_done(self) -> None:
        self.compute_button.setText("Compute for the loaded model")
        self._update_compute_button()

    @Slot()
    def _follow_font(self) -> None:
        size = self.w.controller.font_size
        self.gradients.set_font_size(size)
        self.trajectories.set_font_size(size)
        if self.compare is not None:
            self.compare.view.set_font_size(size)

    # ---- compare ----
    @Slot()
    def open_compare(self) -> None:
        from gui.compare_dialog import CompareDialog

        if self.compare is None:
            self.compare = CompareDialog(self.w)
        if self.compare.isVisible():  # behind the window: bring it to the front
            self.compare.raise_()
            self.compare.activateWindow()
        self.compare.show()

    def shutdown(self, timeout_ms: int = 0) -> bool:
        """The window is closing: the animation stops, trajectories and comparisons end, nothing new starts.
        True when no thread runs any more after waiting up to `timeout_ms`."""
        self.trajectories.stop()
        self.threads.close()
        compare_ok = self.compare.shutdown(timeout_ms) if self.compare is not None else True
        return self.threads.join(timeout_ms) and compare_ok


def _placeholder(label: QLabel, button: QPushButton) -> QWidget:
    page = QWidget()
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    layout = QVBoxLayout(page)
    layout.addStretch(1)
    layout.addWidget(label)
    layout.addWidget(button, 0, Qt.AlignmentFlag.AlignCenter)
    layout.addStretch(1)
    return page
