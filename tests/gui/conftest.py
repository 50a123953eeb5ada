"""GUI test helpers: any Qt warning or critical message fails the test; earlier tests' garbage is collected in
the GUI thread before each test."""
import gc

import pytest
from PySide6 import QtCore, QtWidgets

# Harmless offscreen-platform chatter that says nothing about our code.
IGNORED_QT_MESSAGES = ("This plugin does not support propagateSizeHints",)


@pytest.fixture(autouse=True)
def fail_on_qt_warnings():
    """Collect QtWarningMsg / QtCriticalMsg during the test and fail it if any arrived."""
    collected = []
    bad_types = (QtCore.QtMsgType.QtWarningMsg, QtCore.QtMsgType.QtCriticalMsg,
                 QtCore.QtMsgType.QtFatalMsg)

    def handler(msg_type, context, message):
        if msg_type in bad_types and not message.startswith(IGNORED_QT_MESSAGES):
            collected.append(f"{msg_type.name}: {message}")
        if previous is not None:
            previous(msg_type, context, message)

    previous = QtCore.qInstallMessageHandler(handler)
    yield collected
    QtCore.qInstallMessageHandler(previous)
    if collected:
        pytest.fail("Qt warnings during the test:\n" + "\n".join(collected), pytrace=False)


@pytest.fixture(autouse=True)
def collect_garbage_in_the_gui_thread():
    """Python's cycle collector runs in whichever thread allocates when a collection is due. In a worker thread
    (data loading, training) it deleted an earlier test's Qt objects there, and Qt crashed: a segfault in
    QGraphicsWidget::setGeometry calling a dead pyqtgraph item, or in the middle of an import in the worker. So the
    windows earlier tests closed are deleted and their garbage collected here, in the GUI thread, first."""
    app = QtWidgets.QApplication.instance()
    if app is not None:
        QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)
        app.processEvents()
    gc.collect()
    yield


@pytest.fixture
def window(qtbot, tmp_path):
    """The main window, shown, with throwaway settings (tests/gui/window_helpers.py drives it)."""
    from window_helpers import open_window

    w = open_window(qtbot, tmp_path)
    yield w
    w.close()


@pytest.fixture
def private_cache(tmp_path, monkeypatch):
    """Trainings write their cache under tmp_path, not the user's."""
    monkeypatch.setenv("RNN_VISION_LAB_CACHE", str(tmp_path / "cache"))
