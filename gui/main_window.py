"""The main window: composition only (docks, tabs, menus, toolbar, status bar). Logic lives elsewhere.

The window's state is one Session (data, training, the model in use) and one RunBook (the runs, and the one
the views show); every snapshot reaches its view through the one SnapshotRouter. Which Results page and
Live mode a task uses comes from its spec (`result_view`, `live_view`), never from its name.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QSettings, Qt
from PySide6.QtWidgets import (QDockWidget, QLabel, QMainWindow, QScrollArea, QSplitter, QStackedWidget, QTabWidget,
                               QVBoxLayout, QWidget)

from gui import file_actions, screen_fit
from gui.closing import WindowCloser
from gui.data_refit import DataRefit
from gui.dialogs import Dialogs
from gui.edge_results import EdgeResults
from gui.elsewhere_actions import ElsewhereActions
from gui.evaluate import Evaluator
from gui.field_keys import FieldKeys
from gui.frames_page import FramesPage
from gui.gates import Gates
from gui.live_page import LivePage
from gui.panels.data_panel import DataPanel
from gui.panels.model_panel import ModelPanel
from gui.run import RunBook
from gui.run_library import RunLibrary
from gui.run_presenter import RunPresenter
from gui.run_routes import EdgeRoute, PredictionRoute
from gui.segment_page import SegmentPage
from gui.session import Session
from gui.snapshot_router import SnapshotRouter
from gui.table_actions import epoch_table
from gui.status_line import StatusLine
from gui.training_guard import may_quit
from gui.video_worker import EdgeVideoExport, VideoWorker
from gui.views.confusion import ConfusionMatrixView
from gui.views.edge_compare import EdgeCompare
from gui.views.gallery import Gallery
from gui.views.hidden_state import HiddenStateView
from gui.views.live_demo import LiveDemoPanel
from gui.views.live_modes import LiveTab
from gui.views.training_curves import TrainingCurves
from gui.views.video_edges import VideoEdgesView
from gui.window_actions import build_actions

DOCK_SHARES = (0.17, 0.25)  # of the window's width, for the Data and the Model dock
SCROLL_BAR_ROOM = 24  # px beside a scrolled panel for its vertical scroll bar
LIVE_MODES = {"video_edges": "video"}  # a spec's live_view -> its preferred Live mode, if the model can do it


class MainWindow(QMainWindow):
    def __init__(self, settings: QSettings | None = None):
        super().__init__()
        self.setWindowTitle("RNN Vision Lab")
        self.settings = settings or QSettings("RNN Vision Lab", "RNN Vision Lab")
        self.setAcceptDrops(True)
        self.session = Session(self)
        self.runs = RunBook(self)
        self.router = SnapshotRouter(self)
        self._make_views()
        self.actions_by_name, self.recent_menu = build_actions(self)
        self._make_status_bar()
        self.dialogs = Dialogs(self, self.settings, self.status_line, self.recent_menu)
        self.presenter = RunPresenter(self.session, self.runs, self.router, self.curves, self.status_line,
                                      lambda text: self.dialogs.status(text, 15000), self)
        self.router.add(PredictionRoute(self.gallery, self.confusion))
        self.router.add(EdgeRoute(self.edge_compare))
        self.edge_results = EdgeResults(self.session, self.edge_compare, self.dialogs, self)  # any test image
        self.gates = Gates(self.session, self.runs, self.router, self.hidden_view, self.model_panel, self.dialogs,
                           self)
        self.segment_page = SegmentPage(self.session, self.router, self.dialogs, self)
        self.frames_page = FramesPage(self.session, self.router, self.dialogs, self)
        self.live_page = LivePage(self.session, self.live_tab, self)  # the Live modes of the model loaded
        self.library = RunLibrary(self.session, self.runs, self.presenter, self.dialogs, self.settings,
                                  self.actions_by_name["train"], self.show_task, self)  # the Runs browser
        self._make_tabs()
        self._make_docks()
        # the action groups get the parts they use, never the window (gui/file_actions.py)
        self.controller = file_actions.Controller(
            self.session, self.actions_by_name, self.dialogs,
            file_actions.Views(data_panel=self.data_panel, model_panel=self.model_panel, curves=self.curves,
                               gallery=self.gallery, confusion=self.confusion, hidden_view=self.hidden_view,
                               live=self.live, video=self.video, live_tab=self.live_tab,
                               edge_compare=self.edge_compare, tabs=self.tabs, device_label=self.device_label),
            self)
        self.controller.taskShown.connect(self.show_task)
        self.refit = DataRefit(self.session, self.model_panel, self)
        self._connect_actions()
        self.router.show(None)  # every view says it has nothing yet
        # closing: cancel everything, end when the last thread has
        self.closer = WindowCloser(self, self.session, [self.video.shutdown, self.live_page.shutdown,
                                                        lambda _ms: self.router.stop(), self.frames_page.shutdown,
                                                        self.gates.shutdown, self.edge_results.shutdown,
                                                        self.library.shutdown])
        self._size_to_screen(self.settings.value("window/geometry"))
        self.dialogs_on_screen = screen_fit.DialogsOnScreen(self)
        self.field_keys = FieldKeys(self)  # Space and Esc in a focused field (gui/field_keys.py)

    def _size_to_screen(self, saved) -> None:
        """A saved geometry comes back clamped onto the screen it opens on; a first start gets a share of that
        screen (gui/screen_fit.py)."""
        if saved is None or not self.restoreGeometry(saved):
            area = screen_fit.available(self)
            self.resize(screen_fit.first_size(area, self.minimumSizeHint()))
            self.setGeometry(screen_fit.centred(self.size(), area))
        screen_fit.fit_to_screen(self)
        self._docks_shared = False  # the docks' widths are set when the window first shows (resizeDocks needs it)

    def _share_width_with_docks(self) -> None:
        """The docks take a share of the window's width (at least their minimum, the Model dock no wider than
        its panel wants), the tabs the rest: on a 1280 px screen the Results page needs it."""
        width = self.width()
        docks = [self.findChild(QDockWidget, name) for name in ("Data", "Model")]
        wanted = (self.data_panel.sizeHint().width(), self.model_panel.sizeHint().width() + SCROLL_BAR_ROOM)
        widths = [max(dock.minimumSizeHint().width(), min(round(width * share), most))
                  for dock, share, most in zip(docks, DOCK_SHARES, wanted)]
        self.resizeDocks(docks, widths, Qt.Orientation.Horizontal)

    def _make_views(self) -> None:
        self.data_panel = DataPanel()
        self.model_panel = ModelPanel()
        self.curves = TrainingCurves()
        self.hidden_view = HiddenStateView()
        self.gallery = Gallery()
        self.confusion = ConfusionMatrixView()
        self.live = LiveDemoPanel()
        self.video = VideoEdgesView(VideoWorker, EdgeVideoExport)
        self.live_tab = LiveTab({"draw": self.live, "video": self.video})  # gui/live_page.py adds the other modes
        self.edge_compare = EdgeCompare()

    def _make_tabs(self) -> None:
        gallery_page = QSplitter(Qt.Orientation.Horizontal)
        gallery_page.addWidget(self.gallery)
        gallery_page.addWidget(self.confusion)
        # the matrix gets the larger share: 10 classes need ~30 px square cells to read the counts (1280x720)
        gallery_page.setStretchFactor(0, 2)
        gallery_page.setStretchFactor(1, 3)
        # a task's spec names the page of its results (result_view)
        self.results_pages = {"gallery": gallery_page, "edge_compare": self.edge_compare,
                              "masks": self.segment_page.page, "frames": self.frames_page.page}
        self.results = QStackedWidget()
        for page in self.results_pages.values():
            self.results.addWidget(page)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.curves, "Training")
        self.tabs.addTab(self.gates.inside, "Inside")
        self.tabs.addTab(self.results, "Results")
        self.tabs.addTab(self.live_tab, "Live")
        self.setCentralWidget(self.tabs)

    def _make_docks(self) -> None:
        data_dock = self._dock("Data", self.data_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.tabifyDockWidget(data_dock, self._dock("Runs", self.library.browser, Qt.DockWidgetArea.LeftDockWidgetArea))
        data_dock.raise_()
        model_scroll = QScrollArea()
        model_scroll.setWidget(self.model_panel)
        model_scroll.setWidgetResizable(True)
        # the dock asks for the panel's narrowest layout (labels above fields), so the window fits 1280 px
        model_scroll.setMinimumWidth(self.model_panel.minimumSizeHint().width() + SCROLL_BAR_ROOM)
        model_dock = QWidget()  # Save / Load config stay in view under the scrolled settings
        model_layout = QVBoxLayout(model_dock)
        model_layout.setContentsMargins(0, 0, 0, 4)
        model_layout.addWidget(model_scroll, 1)
        model_layout.addWidget(self.model_panel.file_buttons)
        self._dock("Model", model_dock, Qt.DockWidgetArea.RightDockWidgetArea)

    def _make_status_bar(self) -> None:
        self.status_line = StatusLine(self.statusBar(), self)
        self.progress_bar, self.progress_label = self.status_line.bar, self.status_line.label
        self.device_label = QLabel("device: looking…")
        self.statusBar().addPermanentWidget(self.device_label)

    def _connect_actions(self) -> None:
        a, c = self.actions_by_name, self.controller
        a["quit"].triggered.connect(self.ask_to_quit)
        a["compare"].triggered.connect(self.open_compare)
        self.elsewhere = ElsewhereActions(self, a, lambda: {**self.model_panel.config(), "data": self.session.spec})
        a["export_gradients"].triggered.connect(
            lambda: c.export("gradients", self.gates.gradients.export_png, "PNG (*.png)"))
        a["export_masks"].triggered.connect(self.segment_page.export_masks)
        c.exports.figures.add("Gradient through time", self.gates.gradients.figure)  # File ▸ Export figure…
        c.exports.figures.add("Trajectories", self.gates.trajectories.figure)
        c.exports.tables.add("Metrics per epoch", lambda: epoch_table(self.runs.current))  # File ▸ Export table…
        a["export_frames"].triggered.connect(lambda: self.frames_page.export_video("mp4"))
        for name in ("bigger", "smaller"):
            a[name].triggered.connect(lambda: self.gates.set_font_size(c.font_size))
        self.evaluator = Evaluator(self.session, self.runs, self.router, a["evaluate"], self.dialogs,
                                   self.status_line, self.show_results, self)

    def show_task(self, task: str) -> None:
        """The Results page and Live mode of `task`, as its spec names them."""
        from engine.tasks import registry  # torch-free

        spec = registry.spec(task)
        self.results.setCurrentWidget(self.results_pages.get(spec.result_view, self.results_pages["gallery"]))
        self.live_tab.show_mode(LIVE_MODES.get(spec.live_view, "draw"))

    def show_results(self, task: str) -> None:
        """The Results tab, at `task`'s page."""
        self.show_task(task)
        self.tabs.setCurrentWidget(self.results)

    def open_compare(self) -> None:
        from gui.compare_dialog import CompareDialog

        if self.gates.compare is None:
            self.gates.compare = CompareDialog(self.session, self.model_panel, self.dialogs,
                                               self.controller.font_size, self)
            self.gates.compare.busyChanged.connect(self._comparing)
        dialog = self.gates.compare
        if dialog.isVisible():  # behind the window: bring it to the front
            dialog.raise_()
            dialog.activateWindow()
        dialog.show()

    def _comparing(self, busy: bool) -> None:
        """While cells are compared, Train waits (one training at a time)."""
        if busy:
            self.actions_by_name["train"].setEnabled(False)
        else:
            self.controller.on_state(self.session.state)

    def _dock(self, title: str, widget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable |
                         QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(area, dock)
        return dock

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._docks_shared:
            self._docks_shared = True
            self._share_width_with_docks()

    def event(self, event) -> bool:
        # a status tip (a hovered menu item's) would replace the run's state and progress in the status bar
        # (gui/status_line.py): tooltips say the same
        if event.type() == QEvent.Type.StatusTip:
            return True
        return super().event(event)

    # drag and drop: data files and folders open, images go to the Live tab
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            self.controller.open_dropped(paths[0])
            event.acceptProposedAction()

    def ask_to_quit(self) -> None:
        """Ctrl+Q: while a training runs the user is asked first (gui/training_guard.py)."""
        if self.closer.started or may_quit(self.session, self.dialogs):
            self.close()

    def closeEvent(self, event) -> None:
        """The window goes at once; its threads are cancelled and waited for (gui/closing.py). A second close
        while they end (Ctrl+Q again) changes nothing. The window's close button asks as Ctrl+Q does while a
        training runs; a close from code (the application, tests) does not ask."""
        if event.spontaneous() and not self.closer.started and not may_quit(self.session, self.dialogs):
            event.ignore()
            return
        if not self.closer.started:
            self.settings.setValue("window/geometry", self.saveGeometry())
            self.hide()  # gone for the user now, while the threads end
        self.closer.close()
        super().closeEvent(event)
