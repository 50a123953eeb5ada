"""The main window: composition only (docks, tabs, menus, toolbar, status bar). Logic lives elsewhere."""
from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QDockWidget, QLabel, QMainWindow, QProgressBar, QScrollArea, QSplitter,
                               QStackedWidget, QStyle, QTabWidget, QToolBar)

from gui import file_actions
from gui.closing import WindowCloser
from gui.gates import Gates
from gui.panels.data_panel import DataPanel
from gui.panels.model_panel import ModelPanel
from gui.run_presenter import RunPresenter
from gui.session import Session
from gui.task_pages import TaskPages
from gui.views.confusion import ConfusionMatrixView
from gui.views.edge_compare import EdgeCompare
from gui.views.gallery import Gallery
from gui.views.hidden_state import HiddenStateView
from gui.views.live_demo import LiveDemoPanel
from gui.views.live_modes import LiveTab
from gui.views.training_curves import TrainingCurves
from gui.views.video_edges import VideoEdgesView


class MainWindow(QMainWindow):
    def __init__(self, settings: QSettings | None = None):
        super().__init__()
        self.setWindowTitle("RNN Vision Lab")
        self.settings = settings or QSettings("RNN Vision Lab", "RNN Vision Lab")
        self.setAcceptDrops(True)
        self.session = Session(self)

        self.data_panel = DataPanel()
        self.model_panel = ModelPanel()
        self.curves = TrainingCurves()
        self.hidden_view = HiddenStateView()
        self.gallery = Gallery()
        self.confusion = ConfusionMatrixView()
        self.live = LiveDemoPanel()
        self.video = VideoEdgesView()
        self.live_tab = LiveTab(self.live, self.video)
        self.edge_compare = EdgeCompare()
        classify_results = QSplitter(Qt.Orientation.Horizontal)
        classify_results.addWidget(self.gallery)
        classify_results.addWidget(self.confusion)
        classify_results.setSizes([600, 500])
        # the task decides the Results views (a task without its own page shows the classify one)
        self.results_pages = {"classify": classify_results, "edges": self.edge_compare}
        self.results = QStackedWidget()
        for page in self.results_pages.values():
            self.results.addWidget(page)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.curves, "Training")
        self.gates = Gates(self)  # why gates matter: the Inside sub-tabs and Compare cells…
        self.tabs.addTab(self.gates.inside, "Inside")
        self.tabs.addTab(self.results, "Results")
        self.tabs.addTab(self.live_tab, "Live")
        self.setCentralWidget(self.tabs)
        self._dock("Data", self.data_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        model_scroll = QScrollArea()
        model_scroll.setWidget(self.model_panel)
        model_scroll.setWidgetResizable(True)
        model_scroll.setMinimumWidth(self.model_panel.sizeHint().width() + 24)
        self._dock("Model", model_scroll, Qt.DockWidgetArea.RightDockWidgetArea)

        self.progress_bar = QProgressBar()
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMaximumWidth(260)
        self.progress_label = QLabel("Ready: press Train (F5).")
        self.device_label = QLabel("device: looking…")
        self.statusBar().addWidget(self.progress_bar)
        self.statusBar().addWidget(self.progress_label, 1)
        self.statusBar().addPermanentWidget(self.device_label)
        self.presenter = RunPresenter(self.session, self.curves, self.hidden_view, self.gallery, self.confusion,
                                      self.progress_bar, self.progress_label, self)
        self.presenter.attach_edges(self.edge_compare)
        self.presenter.attach_gates(self.gates)
        self._build_actions()
        self.controller = file_actions.Controller(self)
        self.task_pages = TaskPages(self)  # segment and predict Results pages, their exports and rollouts
        self.gates.hook()
        self.closer = WindowCloser(self)  # closing: cancel everything, end when the last thread has
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1500, 900)

    def show_task(self, task: str) -> None:
        """Results and Live views for `task`."""
        self.results.setCurrentWidget(self.results_pages.get(task, self.results_pages["classify"]))
        self.live_tab.show_mode("video" if task == "edges" else "draw")

    def _dock(self, title: str, widget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable |
                         QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(area, dock)
        return dock

    def _action(self, text: str, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(tip or text)
        action.setStatusTip(tip or text)
        return action

    def _build_actions(self) -> None:
        a = self.actions_by_name = {
            "open": self._action("&Open…", QKeySequence.StandardKey.Open, "Open a data file (MNIST, USPS) or folder"),
            "open_folder": self._action("Open &folder…", "Ctrl+Shift+O", "Open a folder of class folders"),
            "demo": self._action("&Demo data", None, "The chosen task's built-in data: digits, shapes, moving digits"),
            "save_model": self._action("&Save model…", QKeySequence.StandardKey.Save, "Save the trained model"),
            "load_model": self._action("&Load model…", "Ctrl+L", "Load a saved model (checkpoint)"),
            "save_config": self._action("Save &config…", None, "Save the settings as JSON (same as --config)"),
            "load_config": self._action("Load c&onfig…", None, "Load settings from a JSON config"),
            "export_curves": self._action("Export curves as PNG…"),
            "export_metrics": self._action("Export metrics as CSV…"),
            "export_gallery": self._action("Export gallery as PNG…"),
            "export_confusion": self._action("Export confusion matrix as PNG…"),
            "export_edges": self._action("Export edge maps as PNG…", None,
                                         "The four edge panels as shown (Results tab, edges task)"),
            "export_edge_video": self._action("Export edge video…", None,
                                              "An MP4 of input | edges for the video in the Live tab"),
            "skipped": self._action("Skipped files…", None, "Files left out when loading the data"),
            "quit": self._action("&Quit", QKeySequence.StandardKey.Quit),
            "train": self._action("Train", "F5", "Train the model on the loaded data (F5)"),
            "compare": self._action("Compare cells…", "Ctrl+K", "Train RNN, LSTM and GRU one after another on "
                                    "the same data and compare loss, accuracy and gradients (Ctrl+K)"),
            "export_gradients": self._action("Export gradient curves as PNG…", None,
                                             "The Inside ▸ Gradients plot with its caption"),
            "pause": self._action("Pause", "Space", "Pause or resume training (Space)"),
            "stop": self._action("Stop", "Esc", "Stop training and keep the best model so far (Esc)"),
            "bigger": self._action("Bigger plot fonts", "Ctrl++", "For projectors"),
            "smaller": self._action("Smaller plot fonts", "Ctrl+-"),
            "about": self._action("&About RNN Vision Lab"),
        }
        menus = {
            "&File": ["open", "open_folder", "demo", None, "save_model", "load_model", "save_config", "load_config",
                      None, "export_curves", "export_metrics", "export_gallery", "export_confusion",
                      "export_edges", "export_edge_video", "export_gradients", None,
                      "skipped", None, "quit"],
            "&Train": ["train", "pause", "stop", None, "compare"],
            "&View": ["bigger", "smaller"],
            "&Help": ["about"],
        }
        for title, names in menus.items():
            menu = self.menuBar().addMenu(title)
            if title == "&File":
                self.recent_menu = menu.addMenu("Open &recent")
            for name in names:
                menu.addSeparator() if name is None else menu.addAction(a[name])
        toolbar = QToolBar("Main")
        toolbar.setObjectName("main toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        icons = {"train": QStyle.StandardPixmap.SP_MediaPlay, "pause": QStyle.StandardPixmap.SP_MediaPause,
                 "stop": QStyle.StandardPixmap.SP_MediaStop, "open": QStyle.StandardPixmap.SP_DialogOpenButton,
                 "save_model": QStyle.StandardPixmap.SP_DialogSaveButton}
        for name, icon in icons.items():
            a[name].setIcon(self.style().standardIcon(icon))
        for name in ("open", "demo", None, "train", "pause", "stop", "compare", None, "save_model"):
            toolbar.addSeparator() if name is None else toolbar.addAction(a[name])
        self.addToolBar(toolbar)
        a["quit"].triggered.connect(self.close)

    # drag and drop: data files and folders open, images go to the Live tab
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            self.controller.open_dropped(paths[0])
            event.acceptProposedAction()

    def closeEvent(self, event) -> None:
        """The window goes at once; its threads are cancelled and waited for (gui/closing.py). A second close
        while they end (Ctrl+Q again) changes nothing."""
        if not self.closer.started:
            self.settings.setValue("window/geometry", self.saveGeometry())
            self.hide()  # gone for the user now, while the threads end
        self.closer.close()
        super().closeEvent(event)
