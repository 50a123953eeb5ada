"""The data actions: open a file, a folder, a dropped path or the task's demo data; what the window shows when
data arrives or fails; the model panel's fit note and parameter count when the settings change.

Gets only what it uses: the session, the data and model panels, the dialog service, the tab switcher, the
Live views (a video plays there, a dropped image is classified there) and the two result views that size
themselves to new data.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from engine.data.guess import IMAGE_SUFFIXES
from engine.data.video import VIDEO_SUFFIXES
from engine.errors import UserError
from engine.tasks import registry
from gui.training_guard import stopped_for

OPEN_FILTERS = ("Data (*idx*-ubyte* *.gz zip.train* zip.test* *.h5 *.npz);;"
                f"Videos ({' '.join('*' + x for x in sorted(VIDEO_SUFFIXES))});;All files (*)")


class DataActions(QObject):
    taskShown = Signal(str)  # the task whose views the window should show now

    def __init__(self, session, data_panel, model_panel, dialogs, tabs, live, video, hidden_view, confusion,
                 parent=None):
        super().__init__(parent)
        self.session, self.data_panel, self.model_panel, self.dialogs = session, data_panel, model_panel, dialogs
        self.tabs, self.live, self.video = tabs, live, video
        self.hidden_view, self.confusion = hidden_view, confusion
        dialogs.recentChosen.connect(self.open_path)
        data_panel.demoRequested.connect(self.load_demo)
        data_panel.openFileRequested.connect(self.open_file)
        data_panel.openFolderRequested.connect(self.open_folder)
        data_panel.cancelRequested.connect(session.cancel_load)
        model_panel.configChanged.connect(self.on_config_changed)
        model_panel.notice.connect(self.panel_notice)
        session.dataLoading.connect(data_panel.start_loading)
        session.dataProgress.connect(data_panel.set_progress)
        session.dataLoaded.connect(self.on_data_loaded)
        session.dataFailed.connect(self.on_data_failed)

    def open_file(self) -> None:
        path = self.dialogs.open_file("Open a data file or a video", OPEN_FILTERS)
        if path:
            self.open_path(path)

    def open_folder(self) -> None:
        path = self.dialogs.open_folder("Open a data folder")
        if path:
            self.open_path(path)

    @Slot(str)
    def open_path(self, path: str) -> None:
        from engine.data.guess import spec_for_path

        try:
            spec = spec_for_path(path)
        except UserError as error:
            self.dialogs.error("Cannot open this", error.message, error.hint)
            return
        from engine.data.window_data import VIDEO_KINDS, loads

        task = self.model_panel.current_task()
        kind = spec.partition(":")[0]
        # a video is training data only for a task that reads that kind; otherwise it plays in Live
        if not loads(spec) and kind in VIDEO_KINDS and kind not in registry.spec(task).data_kinds:
            self.dialogs.remember(path)
            if Path(path).is_file() and self.tabs.show_dropped(path):  # a Live mode of the loaded model reads it
                return
            self.tabs.show_live("video")
            self.video.play(spec)
            return
        if stopped_for(self.session, self.dialogs, "load the data"):
            self.dialogs.remember(path)
            self.session.load(spec, task)

    def load_demo(self) -> None:
        """The chosen task's built-in data (digits, shapes, moving digits)."""
        from engine.data.window_data import demo_for

        task = self.model_panel.current_task()
        if stopped_for(self.session, self.dialogs, "load the demo data"):
            self.session.load(demo_for(task), task)

    def open_dropped(self, path: str) -> None:
        """A file that a Live mode of the loaded model reads (an image, a video) opens in that mode; other files
        and every folder open as data. An image no mode reads brings up the Live tab, which says what it takes."""
        if Path(path).is_file() and self.tabs.show_dropped(path):
            return
        if Path(path).suffix.lower() in IMAGE_SUFFIXES and Path(path).is_file():
            self.tabs.show_live("")
            predictor = self.session.predictor
            self.dialogs.status(f"{Path(path).name}: train or load a model to try it on images." if predictor is None
                                else f"{Path(path).name}: the loaded model does not read images; the Live tab says "
                                     "what it reads.", 10000)
            return
        self.open_path(path)

    @Slot(str, object)
    def on_data_loaded(self, spec: str, data) -> None:
        """data: engine.data.window_data.WindowData. Data for another task switches the task to it."""
        self.data_panel.show_data(spec, data)
        splits = data.data
        if "inspect" in registry.spec(data.task).capabilities:  # per-image probes: the image classifier's views
            self.hidden_view.set_probe_count(len(splits.test if splits.test is not None else splits.train))
            self.confusion.reserve(len(splits.train.class_names))
        panel = self.model_panel
        if not data.fits(panel.current_task()):
            panel.set_task(data.task)  # keeps the user's settings it takes, the task's defaults for the rest
            self.dialogs.status(f"This is data for '{panel.task.currentText()}': the task switched to it. "
                                f"{panel.last_change}", 15000)
        elif data.skipped:
            self.dialogs.status(f"{len(data.skipped)} file(s) could not be read and were skipped "
                                "(File ▸ Skipped files).")
        self.on_config_changed()

    @Slot(str, str)
    def on_data_failed(self, message: str, hint: str) -> None:
        if self.session.data is not None:
            self.data_panel.show_data(self.session.spec, self.session.data)
        else:
            self.data_panel.show_error(message)
        self.dialogs.error("Cannot load the data", message, hint)

    @Slot(str)
    def panel_notice(self, text: str) -> None:
        """What a task change kept and changed, or why a preset was not applied."""
        self.dialogs.status(text, 15000)

    def show_skipped(self) -> None:
        data = self.session.data
        items = data.skipped if data is not None else []
        text = "\n".join(f"{path}: {reason}" for path, reason in items[:200]) or "No files were skipped."
        self.dialogs.information("Skipped files", text)

    def on_config_changed(self) -> None:
        """The task decides the views; the data panel says when the loaded data does not fit it."""
        from engine.data.window_data import what_fits

        task = self.model_panel.current_task()
        self.taskShown.emit(task)
        data = self.session.data
        self.data_panel.show_fit("" if data is None or data.fits(task) else
                                 f"This data is not for this task. {what_fits(task)}")
        self.update_parameter_count()

    def update_parameter_count(self) -> None:
        from engine.config import RunConfig

        panel, data = self.model_panel, self.session.data
        try:
            config = RunConfig.from_dict(panel.config())
            shape, classes = data.model_shape() if data is not None and data.fits(config.task) else ((3, 0, 0), 0)
            count = registry.parameter_count(config, shape, classes)
            panel.show_count(count, "" if count is not None else "(load data to see)")
        except UserError:
            panel.show_count(None)
