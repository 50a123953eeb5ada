"""The main window: composition only (docks, tabs, menus, toolbar, status bar). Logic lives elsewhere."""
from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QDockWidget, QLabel, QMainWindow, QProgressBar, QScrollArea, QSplitter,
                               QStyle, QTabWidget, QToolBar)

from gui import file_actions
from gui.panels.data_panel import DataPanel
from gui.panels.model_panel import ModelPanel
from gui.run_presenter import RunPresenter
from gui.session import Session
from gui.views.confusion import ConfusionMatrixView
from gui.views.gallery import Gallery
from gui.views.hidden_state import HiddenStateView
from gui.views.live_demo import LiveDemoPanel
from gui.views.training_curves import TrainingCurves


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
        results = QSplitter(Qt.Orientation.Horizontal)
        results.addWidget(self.gallery)
        results.addWidget(self.confusion)
        results.setSizes([600, 500])
        self.tabs = QTabWidget()
        self.tabs.addTab(self.curves, "Training")
        self.tabs.addTab(self.hidden_view, "Inside")
        self.tabs.addTab(results, "Results")
        self.tabs.addTab(self.live, "Live")
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
        self._build_actions()
        self.controller = file_actions.Controller(self)
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1500, 900)

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
            "demo": self._action("&Demo data", None, "Load the built-in handwritten digits"),
            "save_model": self._action("&Save model…", QKeySequence.StandardKey.Save, "Save the trained model"),
            "load_model": self._action("&Load model…", "Ctrl+L", "Load a saved model (checkpoint)"),
            "save_config": self._action("Save &config…", None, "Save the settings as JSON (same as --config)"),
            "load_config": self._action("Load c&onfig…", None, "Load settings from a JSON config"),
            "export_curves": self._action("Export curves as PNG…"),
            "export_metrics": self._action("Export metrics as CSV…"),
            "export_gallery": self._action("Export gallery as PNG…"),
            "export_confusion": self._action("Export confusion matrix as PNG…"),
            "skipped": self._action("Skipped files…", None, "Files left out when loading the data"),
            "quit": self._action("&Quit", QKeySequence.StandardKey.Quit),
            "train": self._action("Train", "F5", "Train the model on the loaded data (F5)"),
            "pause": self._action("Pause", "Space", "Pause or resume training (Space)"),
            "stop": self._action("Stop", "Esc", "Stop training and keep the best model so far (Esc)"),
            "bigger": self._action("Bigger plot fonts", "Ctrl++", "For projectors"),
            "smaller": self._action("Smaller plot fonts", "Ctrl+-"),
            "about": self._action("&About RNN Vision Lab"),
        }
        menus = {
            "&File": ["open", "open_folder", "demo", None, "save_model", "load_model", "save_config", "load_config",
                      None, "export_curves", "export_metrics", "export_gallery", "export_confusion", None,
                      "skipped", None, "quit"],
            "&Train": ["train", "pause", "stop"],
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
        for name in ("open", "demo", None, "train", "pause", "stop", None, "save_model"):
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
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.session.shutdown(2000)
        super().closeEvent(event)
