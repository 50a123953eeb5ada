"""Model and config actions (save / load a model, save / load a config, the Live tab's answer to a drawing)
and training actions (train, pause / resume, what is enabled in which state).

Each group gets only what it uses. A loaded model's torch work runs off the GUI thread: the session reads
checkpoints on its threads (gui.model_loader.ModelLoader), and drawings are classified by a DrawnClassifier.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QApplication, QStyle

from engine.errors import UserError
from gui.exports import check_single_file
from gui.model_loader import DrawnClassifier
from gui.run import capabilities
from gui.training_guard import AfterRun, stopped_for


class ModelActions(QObject):
    def __init__(self, session, model_panel, dialogs, live, video, parent=None):
        super().__init__(parent)
        self.session, self.model_panel, self.dialogs, self.live, self.video = session, model_panel, dialogs, live, video
        self.classifier = DrawnClassifier(self)
        self.after_run = AfterRun(session, self)  # a model chosen during a run loads once the run has ended
        self.classifier.ready.connect(live.show_prediction)
        self.classifier.failed.connect(lambda message, hint: dialogs.error("Cannot classify the drawing", message,
                                                                           hint))
        model_panel.saveConfigRequested.connect(self.save_config)
        model_panel.loadConfigRequested.connect(self.load_config)
        session.modelChanged.connect(self.on_model)
        session.modelLoaded.connect(self.on_model_loaded)
        session.modelFailed.connect(lambda message, hint: dialogs.error("Cannot load this model", message, hint))
        live.imageReady.connect(self.classify)

    # ---- models ----
    def save_model(self) -> None:
        if not self.session.checkpoint:
            self.dialogs.error("No model yet", "There is no trained model to save.",
                               "Train one first, or load a checkpoint.")
            return
        path = self.dialogs.save_file("Save model", "model.ckpt", "Checkpoints (*.ckpt)", "models")
        if path and check_single_file(self.dialogs.error, path, self.session.spec):
            try:
                self.session.save_model(path)
            except OSError as error:
                self.dialogs.error("Cannot save the model", str(error), "Choose another folder.")
                return
            self.dialogs.written(path, f"Saved the model: {path}")

    def load_model(self) -> None:
        """Read the chosen checkpoint off the GUI thread: on_model_loaded, or an error dialog, follows."""
        path = self.dialogs.open_file("Load model", "Checkpoints (*.ckpt);;All (*)", "models")
        name = Path(path).name
        if path and stopped_for(self.session, self.dialogs, "load this model",
                                f"The run stops and keeps its best model so far; {name} replaces it then."):
            if self.session.state != "idle":
                self.dialogs.status(f"{name} loads once the training has stopped.", 0)
            self.after_run.run(lambda: self.session.set_model_from(path))

    @Slot(str)
    def on_model_loaded(self, path: str) -> None:
        """A checkpoint the user chose is the model now: the panel shows its settings."""
        try:
            self.model_panel.set_config(self.session.predictor.payload["config"])
        except Exception as error:  # noqa: BLE001 (the model is in use; only its settings could not be shown)
            self.dialogs.error("Model loaded without its settings", f"The model panel cannot show this model's "
                               f"settings ({type(error).__name__}: {error}).",
                               "Set the model panel by hand before training again.")
            return
        from gui.live_page import live_mode_titles

        modes = live_mode_titles(self.session.predictor)
        self.dialogs.status(f"Loaded {path}" + (f": try it in the Live tab ({modes})." if modes else "."), 8000)

    @Slot(object)
    def on_model(self, predictor) -> None:
        self.video.set_predictor(predictor)
        self.classifier.set_predictor(predictor)
        if "classify_image" not in capabilities(predictor) or "image_shape" not in predictor.info:
            return  # nothing to draw for
        c, h, w = predictor.info["image_shape"]
        dark = predictor.info.get("dark_background", True)
        self.live.set_target((h, w), c, invert=not dark, box_fraction=20 / 28 if h >= 28 else 0.95)

    @Slot(np.ndarray)
    def classify(self, image: np.ndarray) -> None:
        """The probabilities arrive a moment later (DrawnClassifier.ready -> the Live panel)."""
        predictor = self.session.predictor
        if "classify_image" not in capabilities(predictor):
            self.live.headline.setText("Train a model (or load one) to classify drawings." if predictor is None
                                       else "The current model does not classify images: train a classifier "
                                            "to classify drawings.")
            return
        self.classifier.classify(predictor, image)

    # ---- configs ----
    def save_config(self) -> None:
        path = self.dialogs.save_file("Save config", "config.json", "JSON (*.json)", "models")
        if path and check_single_file(self.dialogs.error, path, self.session.spec):
            config = {**self.model_panel.config(), "data": self.session.spec or "demo"}
            try:
                Path(path).write_text(json.dumps(config, indent=2) + "\n")
            except OSError as error:
                self.dialogs.error("Cannot save the config", str(error), "Choose another folder.")
                return
            self.dialogs.written(path, f"Saved the config: {path}")

    def load_config(self) -> None:
        path = self.dialogs.open_file("Load config", "JSON (*.json)", "models")
        if path:
            self.apply_config_file(path)

    def apply_config_file(self, path: str) -> None:
        from engine.config import RunConfig

        try:
            config = RunConfig.load(path)
        except UserError as error:
            self.dialogs.error("Cannot use this config", error.message, error.hint)
            return
        if not stopped_for(self.session, self.dialogs, "load this config",
                           "The run stops and keeps its best model so far; the settings are loaded now."):
            return
        self.model_panel.set_config(config.to_dict())
        if config.data and config.data != self.session.spec:
            self.session.load(config.data)


class TrainingActions(QObject):
    """Train, pause / resume, and which actions (and the model panel) are enabled in each session state."""

    def __init__(self, session, model_panel, actions: dict, dialogs, tabs, parent=None):
        super().__init__(parent)
        self.session, self.model_panel, self.actions, self.dialogs, self.tabs = (session, model_panel, actions,
                                                                                 dialogs, tabs)
        session.stateChanged.connect(self.on_state)
        session.runFailed.connect(lambda message, hint: dialogs.error("Training stopped", message, hint))

    def train(self) -> None:
        from engine.data.window_data import what_fits

        data, task = self.session.data, self.model_panel.current_task()
        if data is None:
            self.dialogs.error("No data", "Load data before training.", what_fits(task))
            return
        if not data.fits(task):
            self.dialogs.error("This data is not for this task",
                               f"{self.session.spec} is data for {', '.join(data.tasks)}, not for {task}.",
                               what_fits(task))
            return
        self.session.start(self.model_panel.config())
        self.tabs.show_training()

    def toggle_pause(self) -> None:
        s = self.session
        s.resume() if s.state == "paused" else s.pause()

    @Slot(str)
    def on_state(self, state: str) -> None:
        a = self.actions
        busy = state in ("running", "paused", "stopping")
        a["train"].setEnabled(not busy)
        a["pause"].setEnabled(state in ("running", "paused"))
        a["pause"].setText("Resume" if state == "paused" else "Pause")
        a["pause"].setIcon(QApplication.style().standardIcon(
            QStyle.StandardPixmap.SP_MediaPlay if state == "paused" else QStyle.StandardPixmap.SP_MediaPause))
        a["stop"].setEnabled(state in ("running", "paused"))
        self.model_panel.setEnabled(not busy)
