"""What the window's actions do, wired in one place: the Controller builds the action groups, each with only
the objects it uses (no helper holds the MainWindow):

- gui.dialogs.Dialogs: error dialogs, status messages, file pickers, recent files;
- gui.data_actions.DataActions: open data, demo, dropped paths, data loaded or failed, parameter count;
- gui.model_actions.ModelActions / TrainingActions: save / load models and configs, drawings, train, pause;
- gui.export_actions.ExportActions: pictures and metrics out.

The Controller itself keeps the start-up warm-up, the device label, plot font size and About, and offers
the few entry points other parts of the window call (export, font_size, on_state, train, open_path).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QLabel, QTabWidget, QWidget

from gui.data_actions import DataActions
from gui.dialogs import Dialogs  # noqa: F401 (built by the window with the Controller)
from gui.export_actions import ExportActions
from gui.model_actions import ModelActions, TrainingActions
from gui.tensorboard_setting import TensorBoardSetting
from gui.views.table_text import from_widget


@dataclass
class Views:
    """The widgets the actions read or fill."""
    data_panel: QWidget
    model_panel: QWidget
    curves: QWidget
    gallery: QWidget
    confusion: QWidget
    hidden_view: QWidget
    live: QWidget
    video: QWidget
    live_tab: QWidget
    edge_compare: QWidget
    tabs: QTabWidget
    device_label: QLabel


class Tabs:
    """Which tab (and which Live mode) the window shows: the tab widget, the Live tab and the Training page."""

    def __init__(self, tabs: QTabWidget, live_tab, training_page: QWidget):
        self.tabs, self.live_tab, self.training_page = tabs, live_tab, training_page

    def show_live(self, mode: str) -> None:
        self.tabs.setCurrentWidget(self.live_tab)
        self.live_tab.show_mode(mode)

    def show_dropped(self, path: str) -> bool:
        """Open a dropped file in the Live mode of the loaded model that reads it, and show that mode; False when no
        mode reads it (gui/views/live_modes.py LiveTab.take_dropped)."""
        if not self.live_tab.take_dropped(path):
            return False
        self.tabs.setCurrentWidget(self.live_tab)
        return True

    def show_training(self) -> None:
        self.tabs.setCurrentWidget(self.training_page)


class Controller(QObject):
    devicesFound = Signal(list, str)  # emitted from the warm-up thread, received in the GUI thread
    taskShown = Signal(str)  # the task whose Results and Live views the window should show

    def __init__(self, session, actions: dict, dialogs, views: Views, parent=None):
        super().__init__(parent)
        self.dialogs, self.views, self.actions = dialogs, views, actions
        tabs = Tabs(views.tabs, views.live_tab, views.curves)
        self.data = DataActions(session, views.data_panel, views.model_panel, dialogs, tabs, views.live,
                                views.video, views.hidden_view, views.confusion, self)
        self.models = ModelActions(session, views.model_panel, dialogs, views.live, views.video, self)
        self.training = TrainingActions(session, views.model_panel, actions, dialogs, tabs, self)
        self.exports = ExportActions(session, dialogs, views.edge_compare, views.video, self)
        self.tensorboard = TensorBoardSetting(actions["tensorboard"], session, dialogs, self)
        self.exports.figures.add("Training curves", views.curves.figure)
        self.exports.figures.add("Confusion matrix", views.confusion.figure)
        self.exports.figures.add("Precision-recall curves", views.edge_compare.pr_figure)
        self.exports.tables.add("Per-class accuracy", lambda: from_widget(views.confusion.per_class,
                                                                          views.confusion.title.text()))
        self.data.taskShown.connect(self.taskShown)
        self._connect(session, actions)
        self.devicesFound.connect(self.on_devices)
        self.font_size = 12
        self.device_description = ""
        self._warm_up: threading.Thread | None = None
        self.training.on_state("idle")

    def _connect(self, session, actions: dict) -> None:
        d, m, t, e, v = self.data, self.models, self.training, self.exports, self.views
        for name, slot in {
            "open": d.open_file, "open_folder": d.open_folder, "demo": d.load_demo, "skipped": d.show_skipped,
            "train": t.train, "pause": t.toggle_pause, "stop": session.stop,
            "save_model": m.save_model, "load_model": m.load_model, "save_config": m.save_config,
            "load_config": m.load_config, "export_edges": e.export_edges, "export_edge_video": e.export_edge_video,
            "export_model": e.model_exporter.choose, "export_figure": e.figures.choose, "export_table": e.tables.choose,
            "bigger": lambda: self.font_step(2), "smaller": lambda: self.font_step(-2), "about": self.about,
            "shortcuts": lambda: self.show_help("shortcuts"), "guide": lambda: self.show_help("guide"),
        }.items():
            actions[name].triggered.connect(slot)
        for name, what, writer, filters in (("export_curves", "curves", v.curves.export_png, "PNG (*.png)"),
                                            ("export_metrics", "metrics", v.curves.export_csv, "CSV (*.csv)"),
                                            ("export_gallery", "gallery", v.gallery.export_png, "PNG (*.png)"),
                                            ("export_confusion", "confusion", v.confusion.export_png,
                                             "PNG (*.png)")):
            actions[name].triggered.connect(lambda _=False, w=what, f=writer, x=filters: e.export(w, f, x))
        session.runStarted.connect(self.on_run_started)

    # ---- what other parts of the window call ----
    def export(self, what: str, writer, filters: str) -> None:
        self.exports.export(what, writer, filters)

    def on_state(self, state: str) -> None:
        self.training.on_state(state)

    def train(self) -> None:
        self.training.train()

    def open_path(self, path: str) -> None:
        self.data.open_path(path)

    def open_dropped(self, path: str) -> None:
        self.data.open_dropped(path)

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

    def warmed_up(self) -> bool:
        """Whether the engine's start-up import (torch) has ended."""
        return self._warm_up is not None and not self._warm_up.is_alive()

    def join_warm_up(self, timeout_s: float = 60.0) -> None:
        """Wait for the warm-up import (app exit): a quit while torch is half imported made the interpreter's
        shutdown tear torch down under the import ("RuntimeError: operator prims::uniform does not exist")."""
        if self._warm_up is not None:
            self._warm_up.join(timeout_s)

    @Slot(list, str)
    def on_devices(self, names: list, description: str) -> None:
        self.device_description = description
        self.views.model_panel.set_devices(names)
        self._show_device(description)

    @Slot(object)
    def on_run_started(self, event) -> None:
        self._show_device(event.device)

    def _show_device(self, description: str) -> None:
        self.views.device_label.setText(f"device: {description.split(' — ')[0]}")
        self.views.device_label.setToolTip(description)

    # ---- small things ----
    def font_step(self, delta: int) -> None:
        self.font_size = min(28, max(8, self.font_size + delta))
        self.views.curves.set_font_size(self.font_size)

    def show_help(self, which: str) -> None:
        """Help ▸ Keyboard shortcuts (from the action table) or Getting started (at the chosen task's page)."""
        from engine.tasks import registry  # torch-free
        from gui.help_dialogs import GuideDialog, ShortcutsDialog

        parent = self.dialogs.parent()
        dialog = (ShortcutsDialog(self.actions, parent) if which == "shortcuts" else
                  GuideDialog(registry.specs(), self.views.model_panel.current_task(), parent))
        dialog.open()

    def about(self) -> None:
        import PySide6
        import pyqtgraph

        self.dialogs.about("About RNN Vision Lab",
                           f"<h3>RNN Vision Lab</h3><p>Watch recurrent networks (RNN, LSTM, GRU) learn on images.</p>"
                           f"<p>PySide6 {PySide6.__version__} · pyqtgraph {pyqtgraph.__version__}</p>"
                           f"<p>Device: {self.device_description or 'not yet known'}</p>")
