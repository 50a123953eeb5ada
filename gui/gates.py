"""The Inside tab (issue 7, "why gates matter"): States (the probe sample's recurrent states, on the page of
the run's kind of states: gui/inside_states.py), Gradients (how much learning signal reaches each time step)
and Trajectories (hidden states of many samples over time), each showing the current run only; and the
Compare cells… dialog.

Snapshots reach these views through the window's SnapshotRouter (routes in gui/run_routes.py,
gui/inside_states.py and TrajectoryRoute below). A loaded model's probe sample and trajectories are computed
off the GUI thread.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import QLabel, QPushButton, QStackedWidget, QTabWidget, QVBoxLayout, QWidget

from gui.inside_states import StatesPage
from gui.run import model_can
from gui.run_routes import GradientRoute
from gui.snapshot_router import LatestRoute
from gui.step_axis import AXIS_LABELS
from gui.threads import ThreadKeeper
from gui.views.grad_curve import GradientCurveView
from gui.views.trajectories import TrajectoryView

NO_TRAJECTORIES = ("No trajectories yet for this run.\n\nThey are computed at the end of a classification run: "
                   "train a model (F5) and this page shows how its hidden state moves while it reads the "
                   "images. For a model loaded from a file, press the button.")


# the states engine/models/stepwise.py reports for an RNN, an LSTM and a GRU
CELL_STATES = ("hidden", "cell", "input gate", "forget gate", "output gate", "reset gate", "update gate")
PREBUILD_AFTER_MS = 2000


def forget_values(hist: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """The forget-gate values one step's histogram counts stand for (each at its bin's centre)."""
    centres = (edges[:-1] + edges[1:]) / 2
    return np.repeat(centres, np.asarray(hist, np.int64))


class TrajectoryRoute(LatestRoute):
    kinds = ("trajectories",)

    def __init__(self, gates):
        super().__init__()
        self.gates = gates

    def show(self, event) -> None:
        self.gates.show_trajectories(event)

    def clear(self, run) -> None:
        self.latest = None
        self.gates.clear_trajectories(run)


class Gates(QObject):
    def __init__(self, session, runs, router, hidden_view, model_panel, dialogs, parent=None):
        super().__init__(parent)
        self.session, self.runs, self.router, self.dialogs = session, runs, router, dialogs
        self.model_panel = model_panel
        self.hidden_view = hidden_view
        self.gradients = GradientCurveView()
        self.gradient_note = QLabel()
        self.gradient_note.setWordWrap(True)
        self.gradient_note.hide()
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
        self.inside = self._inside_tabs()
        self._splits = None
        self._forget = None  # (T, bins) counts and their edges, for the histogram at the shown step
        self.trajectories.timeChanged.connect(self._show_forget)
        self.compare = None  # gui.compare_dialog.CompareDialog, made on first use
        self.threads = ThreadKeeper(self)  # trajectory workers, kept until their threads have finished
        self.threads.idle.connect(self._on_trajectories_done)
        self.states = StatesPage(session, runs, router, hidden_view, dialogs, self)
        self.inside.insertTab(0, self.states.stack, "States")
        self.inside.setCurrentIndex(0)
        # the panels of every state a recurrent cell reports, made while the window idles after start-up, not in
        # the middle of a run's first probe
        QTimer.singleShot(PREBUILD_AFTER_MS, self, lambda: hidden_view.prebuild(CELL_STATES))
        router.add(GradientRoute(self.gradients, self.gradient_note))
        router.add(TrajectoryRoute(self))
        model_panel.preset.applied.connect(self._on_preset)
        session.runFinished.connect(self._on_run_finished)
        for signal in (session.modelChanged, session.dataLoaded, session.stateChanged):
            signal.connect(self._update_compute_button)
        self._update_compute_button()

    def _inside_tabs(self) -> QTabWidget:
        gradients_page = QWidget()
        layout = QVBoxLayout(gradients_page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.gradient_note)
        layout.addWidget(self.gradients, 1)
        inside = QTabWidget()  # States goes first, made by StatesPage
        inside.setDocumentMode(True)
        inside.addTab(gradients_page, "Gradients")
        inside.addTab(self.trajectory_page, "Trajectories")
        inside.setTabToolTip(0, "How much of the learning signal reaches each time step, live while training")
        inside.setTabToolTip(1, "Hidden states of many samples over time, squeezed to 2-D (PCA), and the "
                                "LSTM's forget gates; made at the end of a run")
        return inside

    # ---- trajectories ----
    def clear_trajectories(self, run) -> None:
        """The last run's trajectories would pass for this run's: the page waits for the new ones instead."""
        self.trajectories.stop()
        self._splits = self.session.splits
        self._forget = None
        if run is not None and "trajectories" not in run.spec.snapshots:
            text = (f"{run.label} ({run.spec.title.lower()}) has no trajectories: they are made for an image "
                    "classifier, whose hidden state is one vector per step.")
        elif run is not None and run.origin == "trained" and run.finished is None:
            text = f"Training {run.label}… its trajectories appear here when it ends."
        else:
            text = NO_TRAJECTORIES
        self._placeholder_text.setText(text)
        self.trajectory_page.setCurrentWidget(self._placeholder)

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

    @Slot(object)
    def _on_run_finished(self, _event) -> None:
        """A run ended without trajectories (stopped before its first epoch); a task without them keeps saying so."""
        run = self.runs.current
        if self.trajectory_page.currentWidget() is self._placeholder and (
                run is None or "trajectories" in run.spec.snapshots):
            self._placeholder_text.setText(NO_TRAJECTORIES)

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

    # ---- a loaded model on the loaded data ----
    def _image_data(self, capability: str = "inspect"):
        """The loaded data's labelled images when the model in use reads them (and can do `capability` with
        them), else None."""
        s = self.session
        task = model_can(s.predictor, capability)
        if not task or s.data is None or not s.data.fits(task) or not hasattr(s.splits, "train"):
            return None
        return s.splits

    @Slot()
    def _update_compute_button(self, *_) -> None:
        self.compute_button.setEnabled(self._image_data("trajectories") is not None and self.session.state == "idle" and
                                       not self.threads.running())

    @Slot()
    def compute_trajectories(self) -> None:
        from gui.trajectory_worker import TrajectoryWorker

        splits = self._image_data("trajectories")
        if splits is None:
            return
        split = "test" if splits.test is not None else "train"
        self._splits = splits
        worker = TrajectoryWorker(self.session.predictor, getattr(splits, split), split)
        worker.ready.connect(self._on_trajectories)
        worker.failed.connect(self._on_trajectories_failed)
        if self.threads.start(worker, "trajectories") is None:  # the window is closing
            return
        self.compute_button.setEnabled(False)
        self.compute_button.setText("Computing…")

    @Slot(object)
    def _on_trajectories(self, snapshot) -> None:
        run = self.runs.current
        if run is not None:
            run.keep(snapshot)
        self.show_trajectories(snapshot)

    @Slot(str, str)
    def _on_trajectories_failed(self, message: str, hint: str) -> None:
        if not self.threads.closed:  # no dialog on a window that is closing
            self.dialogs.error("No trajectories", message, hint)

    @Slot()
    def _on_trajectories_done(self) -> None:
        self.compute_button.setText("Compute for the loaded model")
        self._update_compute_button()

    @Slot(str)
    def _on_preset(self, name: str) -> None:
        """Say what the preset means for the loaded images: how many steps the network reads each one in."""
        from engine.models.sequence_shape import sequence_length  # torch-free

        cfg, data = self.model_panel.config(), self.session.data
        text = f"Preset '{self.model_panel.preset.currentText()}' set."
        if data is not None and data.fits(cfg["task"]) and hasattr(data.data, "train") and \
                hasattr(data.data.train, "image_shape") and cfg.get("read"):
            h, w, c = data.data.train.image_shape
            steps = sequence_length(h, w, c, cfg["read"])[0]
            text += f" On the loaded {h}×{w} images that is {steps} steps per image."
        self.dialogs.status(text + " Train (F5) or Compare cells… (Ctrl+K).", 15000)

    def set_font_size(self, size: float) -> None:
        self.gradients.set_font_size(size)
        self.trajectories.set_font_size(size)
        if self.compare is not None:
            self.compare.view.set_font_size(size)

    def shutdown(self, timeout_ms: int = 0) -> bool:
        """The window is closing: the animation stops, trajectories and comparisons end, nothing new starts.
        True when no thread runs any more after waiting up to `timeout_ms`."""
        self.trajectories.stop()
        self.threads.close()
        jobs_ok = self.states.shutdown(timeout_ms)
        compare_ok = self.compare.shutdown(timeout_ms) if self.compare is not None else True
        return self.threads.join(timeout_ms) and compare_ok and jobs_ok


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
