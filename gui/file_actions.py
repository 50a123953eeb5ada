"""What the window's actions do: open data, train / pause / stop, save and load models and configs,
export pictures and metrics. Every failure reaches the user as a dialog with what to do."""
from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QMessageBox, QStyle

from engine.data.guess import IMAGE_SUFFIXES
from engine.data.video import VIDEO_SUFFIXES
from engine.errors import UserError
from gui.exports import check_single_file

MAX_RECENT = 8


class Controller(QObject):
    devicesFound = Signal(list, str)  # emitted from the warm-up thread, received in the GUI thread

    def __init__(self, window):
        super().__init__(window)
        self.w = window
        s, a = window.session, window.actions_by_name
        a["open"].triggered.connect(self.open_file)
        a["open_folder"].triggered.connect(self.open_folder)
        a["demo"].triggered.connect(self.load_demo)
        a["train"].triggered.connect(self.train)
        a["pause"].triggered.connect(self.toggle_pause)
        a["stop"].triggered.connect(s.stop)
        a["save_model"].triggered.connect(self.save_model)
        a["load_model"].triggered.connect(self.load_model)
        a["save_config"].triggered.connect(self.save_config)
        a["load_config"].triggered.connect(self.load_config)
        a["export_curves"].triggered.connect(lambda: self.export("curves", window.curves.export_png, "PNG (*.png)"))
        a["export_metrics"].triggered.connect(lambda: self.export("metrics", window.curves.export_csv, "CSV (*.csv)"))
        a["export_gallery"].triggered.connect(lambda: self.export("gallery", window.gallery.export_png, "PNG (*.png)"))
        a["export_confusion"].triggered.connect(
            lambda: self.export("confusion", window.confusion.export_png, "PNG (*.png)"))
        a["export_edges"].triggered.connect(self.export_edges)
        window.edge_compare.exportRequested.connect(self.export_edges)
        a["export_edge_video"].triggered.connect(self.export_edge_video)
        window.video.failed.connect(lambda message, hint: self.error("Video edges", message, hint))
        a["skipped"].triggered.connect(self.show_skipped)
        a["bigger"].triggered.connect(lambda: self.font_step(2))
        a["smaller"].triggered.connect(lambda: self.font_step(-2))
        a["about"].triggered.connect(self.about)
        p = window.data_panel
        p.demoRequested.connect(self.load_demo)
        p.openFileRequested.connect(self.open_file)
        p.openFolderRequested.connect(self.open_folder)
        p.cancelRequested.connect(s.cancel_load)
        m = window.model_panel
        m.configChanged.connect(self.on_config_changed)
        m.saveConfigRequested.connect(self.save_config)
        m.loadConfigRequested.connect(self.load_config)
        s.dataLoading.connect(p.start_loading)
        s.dataProgress.connect(p.set_progress)
        s.dataLoaded.connect(self.on_data_loaded)
        s.dataFailed.connect(self.on_data_failed)
        s.runFailed.connect(lambda message, hint: self.error("Training stopped", message, hint))
        s.stateChanged.connect(self.on_state)
        s.runStarted.connect(self.on_run_started)
        s.modelChanged.connect(self.on_model)
        window.live.imageReady.connect(self.classify)
        self.devicesFound.connect(self.on_devices)
        self.font_size = 12
        self.device_description = ""
        self._warm_up: threading.Thread | None = None
        self.on_state("idle")
        self.refresh_recent()

    # ---- start-up ----
    def warm_up(self) -> None:
        """Import torch off the GUI thread (it takes seconds) and list the devices it finds."""
        def work():
            from engine import device

            found = device.available(), device.describe()
            try:
                self.devicesFound.emit(*found)
            except RuntimeError:  # the window was closed (and deleted) while torch was loading
                pass
            from engine.optim import warm_up  # torch's lazy imports, now rather than at the first Train

            warm_up()
        self._warm_up = threading.Thread(target=work, name="engine warm-up", daemon=True)
        self._warm_up.start()

    def join_warm_up(self, timeout_s: float = 60.0) -> None:
        """Wait for the warm-up import (app exit): a quit while torch is half imported made the interpreter's
        shutdown tear torch down under the import ("RuntimeError: operator prims::uniform does not exist")."""
        if self._warm_up is not None:
            self._warm_up.join(timeout_s)

    @Slot(list, str)
    def on_devices(self, names: list, description: str) -> None:
        self.device_description = description
        self.w.model_panel.set_devices(names)
        short = description.split(" — ")[0]
        self.w.device_label.setText(f"device: {short}")
        self.w.device_label.setToolTip(description)

    @Slot(object)
    def on_run_started(self, event) -> None:
        self.w.device_label.setText(f"device: {event.device.split(' — ')[0]}")
        self.w.device_label.setToolTip(event.device)

    # ---- data ----
    def open_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.w, "Open a data file or a video", self._last_dir(),
                                              "Data (*idx*-ubyte* *.gz zip.train* zip.test* *.h5 *.npz);;"
                                              f"Videos ({' '.join('*' + x for x in sorted(VIDEO_SUFFIXES))});;"
                                              "All files (*)")
        if path:
            self.open_path(path)

    def open_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self.w, "Open a data folder", self._last_dir())
        if path:
            self.open_path(path)

    def open_path(self, path: str) -> None:
        from engine.data.guess import spec_for_path

        try:
            spec = spec_for_path(path)
        except UserError as error:
            self.error("Cannot open this", error.message, error.hint)
            return
        self.remember(path)
        from engine.data.window_data import VIDEO_KINDS, loads

        task = self.w.model_panel.current_task()
        if not loads(spec) and spec.partition(":")[0] in VIDEO_KINDS and task != "predict":  # plays in Live
            self.w.tabs.setCurrentWidget(self.w.live_tab)
            self.w.live_tab.show_mode("video")
            self.w.video.play(spec)
            return
        self.w.session.load(spec, self.w.model_panel.current_task())

    def load_demo(self) -> None:
        """The chosen task's built-in data (digits, shapes, moving digits)."""
        from engine.data.window_data import demo_for

        task = self.w.model_panel.current_task()
        self.w.session.load(demo_for(task), task)

    def open_dropped(self, path: str) -> None:
        if Path(path).suffix.lower() in IMAGE_SUFFIXES and Path(path).is_file():
            self.w.tabs.setCurrentWidget(self.w.live_tab)
            self.w.live_tab.show_mode("draw")
            from engine.data import read_image

            try:
                self.w.live.classify_image(read_image(path, None, 1))
            except UserError as error:
                self.error("Cannot read this image", error.message, error.hint)
            return
        self.open_path(path)

    @Slot(str, object)
    def on_data_loaded(self, spec: str, data) -> None:
        """data: engine.data.window_data.WindowData. Data for another task switches the task to it."""
        self.w.data_panel.show_data(spec, data)
        splits = data.data
        if data.task == "classify":
            self.w.hidden_view.set_probe_count(len(splits.test if splits.test is not None else splits.train))
            self.w.confusion.reserve(len(splits.train.class_names))
        panel = self.w.model_panel
        if not data.fits(panel.current_task()):
            panel.set_task(data.task)  # applies the task's defaults, emits configChanged
            title = panel.task.currentText()
            self.w.statusBar().showMessage(f"This is data for '{title}': the task switched to it.", 10000)
        elif data.skipped:
            self.w.statusBar().showMessage(f"{len(data.skipped)} file(s) could not be read and were skipped "
                                           "(File ▸ Skipped files).", 10000)
        self.on_config_changed()

    @Slot(str, str)
    def on_data_failed(self, message: str, hint: str) -> None:
        if self.w.session.data is not None:
            self.w.data_panel.show_data(self.w.session.spec, self.w.session.data)
        else:
            self.w.data_panel.show_error(message)
        self.error("Cannot load the data", message, hint)

    def show_skipped(self) -> None:
        data = self.w.session.data
        items = data.skipped if data is not None else []
        text = "\n".join(f"{path}: {reason}" for path, reason in items[:200]) or "No files were skipped."
        QMessageBox.information(self.w, "Skipped files", text)

    def on_config_changed(self) -> None:
        """The task decides the views; the data panel says when the loaded data does not fit it."""
        from engine.data.window_data import what_fits

        task = self.w.model_panel.current_task()
        self.w.show_task(task)
        data = self.w.session.data
        self.w.data_panel.show_fit("" if data is None or data.fits(task) else
                                   f"This data is not for this task. {what_fits(task)}")
        self.update_parameter_count()

    def update_parameter_count(self) -> None:
        from engine.config import RunConfig
        from engine.tasks import registry

        panel, data = self.w.model_panel, self.w.session.data
        try:
            config = RunConfig.from_dict(panel.config())
            shape, classes = data.model_shape() if data is not None and data.fits(config.task) else ((3, 0, 0), 0)
            count = registry.parameter_count(config, shape, classes)
            panel.show_count(count, "" if count is not None else "(load data to see)")
        except UserError:
            panel.show_count(None)

    # ---- training ----
    def train(self) -> None:
        from engine.data.window_data import what_fits

        data, task = self.w.session.data, self.w.model_panel.current_task()
        if data is None:
            self.error("No data", "Load data before training.", what_fits(task))
            return
        if not data.fits(task):
            self.error("This data is not for this task",
                       f"{self.w.session.spec} is data for {', '.join(data.tasks)}, not for {task}.",
                       what_fits(task))
            return
        self.w.session.start(self.w.model_panel.config())
        self.w.tabs.setCurrentWidget(self.w.curves)

    def toggle_pause(self) -> None:
        s = self.w.session
        s.resume() if s.state == "paused" else s.pause()

    @Slot(str)
    def on_state(self, state: str) -> None:
        a = self.w.actions_by_name
        busy = state in ("running", "paused", "stopping")
        a["train"].setEnabled(not busy)
        a["pause"].setEnabled(state in ("running", "paused"))
        a["pause"].setText("Resume" if state == "paused" else "Pause")
        a["pause"].setIcon(self.w.style().standardIcon(
            QStyle.StandardPixmap.SP_MediaPlay if state == "paused" else QStyle.StandardPixmap.SP_MediaPause))
        a["stop"].setEnabled(state in ("running", "paused"))
        a["load_model"].setEnabled(not busy)
        self.w.model_panel.setEnabled(not busy)

    @Slot(object)
    def on_model(self, predictor) -> None:
        self.w.video.set_predictor(predictor)
        if "image_shape" not in predictor.info:  # not a classifier: nothing to draw for
            return
        c, h, w = predictor.info["image_shape"]
        dark = predictor.info.get("dark_background", True)
        self.w.live.set_target((h, w), c, invert=not dark, box_fraction=20 / 28 if h >= 28 else 0.95)

    @Slot(np.ndarray)
    def classify(self, image: np.ndarray) -> None:
        predictor = self.w.session.predictor
        if predictor is None or not hasattr(predictor, "predict"):
            self.w.live.headline.setText("Train a model (or load one) to classify drawings." if predictor is None
                                         else "The current model does not classify images: train a classifier "
                                              "to classify drawings.")
            return
        image = image if image.ndim == 3 else image[:, :, None]
        probs = predictor.predict(image[None])[0]
        self.w.live.show_prediction(probs, predictor.class_names)

    # ---- files ----
    def save_model(self) -> None:
        if not self.w.session.checkpoint:
            self.error("No model yet", "There is no trained model to save.", "Train one first, or load a checkpoint.")
            return
        path, _ = QFileDialog.getSaveFileName(self.w, "Save model", str(Path(self._last_dir()) / "model.ckpt"),
                                              "Checkpoints (*.ckpt)")
        if path and check_single_file(self.error, path, self.w.session.spec):
            try:
                self.w.session.save_model(path)
            except OSError as error:
                self.error("Cannot save the model", str(error), "Choose another folder.")

    def load_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.w, "Load model", self._last_dir(), "Checkpoints (*.ckpt);;All (*)")
        if not path:
            return
        try:
            self.w.session.set_model_from(path)  # any bad file: a UserError (gui.model_check)
        except UserError as error:
            self.error("Cannot load this model", error.message, error.hint)
            return
        try:
            self.w.model_panel.set_config(self.w.session.predictor.payload["config"])
        except Exception as error:  # noqa: BLE001 (the model is in use; only its settings could not be shown)
            self.error("Model loaded without its settings", f"The model panel cannot show this model's settings "
                       f"({type(error).__name__}: {error}).", "Set the model panel by hand before training again.")
            return
        live = "open a video" if hasattr(self.w.session.predictor, "live_map") else "draw"
        self.w.statusBar().showMessage(f"Loaded {path}: {live} in the Live tab to try it.", 8000)

    def save_config(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.w, "Save config", str(Path(self._last_dir()) / "config.json"),
                                              "JSON (*.json)")
        if path and check_single_file(self.error, path, self.w.session.spec):
            config = {**self.w.model_panel.config(), "data": self.w.session.spec or "demo"}
            Path(path).write_text(json.dumps(config, indent=2) + "\n")

    def load_config(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.w, "Load config", self._last_dir(), "JSON (*.json)")
        if path:
            self.apply_config_file(path)

    def apply_config_file(self, path: str) -> None:
        from engine.config import RunConfig

        try:
            config = RunConfig.load(path)
        except UserError as error:
            self.error("Cannot use this config", error.message, error.hint)
            return
        self.w.model_panel.set_config(config.to_dict())
        if config.data and config.data != self.w.session.spec:
            self.w.session.load(config.data)

    def export(self, what: str, writer, filters: str) -> None:
        suffix = ".csv" if "CSV" in filters else ".png"
        path, _ = QFileDialog.getSaveFileName(self.w, f"Export {what}", str(Path(self._last_dir()) / (what + suffix)),
                                              filters)
        if not path or not check_single_file(self.error, path, self.w.session.spec):
            return
        try:
            ok = writer(path) is not False
        except OSError as error:  # the views raise or return False when the file cannot be written
            ok, path = False, f"{path} ({error})"
        if not ok:
            self.error("Export failed", f"Could not write {path}.", "Check the folder exists and is writable.")

    def export_edges(self) -> None:
        if self.w.edge_compare.current() is None:
            self.error("No edge maps yet", "There are no edge maps to export.", "Train an edges model first.")
            return
        self.export("edge maps", self.w.edge_compare.export_png, "PNG (*.png)")

    def export_edge_video(self) -> None:
        video = self.w.video
        if video.predictor is None or not video.spec or video.spec.startswith("camera:"):
            self.error("No edge video to export", "Export needs an edges model and a video file or frame folder.",
                       "Train or load an edges model, then open a video in the Live tab (Video edges).")
            return
        video.choose_export()

    # ---- small things ----
    def font_step(self, delta: int) -> None:
        self.font_size = min(28, max(8, self.font_size + delta))
        self.w.curves.set_font_size(self.font_size)

    def about(self) -> None:
        import PySide6
        import pyqtgraph

        QMessageBox.about(self.w, "About RNN Vision Lab",
                          f"<h3>RNN Vision Lab</h3><p>Watch recurrent networks (RNN, LSTM, GRU) learn on images.</p>"
                          f"<p>PySide6 {PySide6.__version__} · pyqtgraph {pyqtgraph.__version__}</p>"
                          f"<p>Device: {self.device_description or 'not yet known'}</p>")

    def error(self, title: str, message: str, hint: str = "") -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, self.w)
        if hint:
            box.setInformativeText(hint)
        box.setObjectName("error dialog")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # closed dialogs do not pile up on the window
        box.open()  # window-modal, returns at once: training and timers go on

    def remember(self, path: str) -> None:
        recent = [p for p in self.w.settings.value("recent", [], list) if p != path]
        self.w.settings.setValue("recent", [path] + recent[:MAX_RECENT - 1])
        self.refresh_recent()

    def refresh_recent(self) -> None:
        menu = self.w.recent_menu
        menu.clear()
        for path in self.w.settings.value("recent", [], list) or []:
            menu.addAction(path, lambda p=path: self.open_path(p))
        menu.setEnabled(not menu.isEmpty())

    def _last_dir(self) -> str:
        recent = self.w.settings.value("recent", [], list) or []
        return str(Path(recent[0]).parent) if recent else str(Path.home())
