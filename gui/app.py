"""QApplication, theme and main(): paint the window first, load the engine in the background.

Environment switches for benchmarks and smoke tests (bench/gui_overhead.py, tests/e2e/test_window_start.py):
RNN_LAB_TIMING=1 prints "first paint after X.XXX s" (from process start) on stderr once the main
window has painted for the first time, and "data loaded after X.XXX s: SPEC" once the start-up data
has loaded; RNN_LAB_QUIT_AFTER_MS=N closes the window N ms after start; RNN_LAB_QUIT_WHEN_LOADED=1
closes it as soon as the start-up data has loaded (or failed to load). RNN_LAB_DATA=SPEC picks the
start-up data (default: demo).

The application ends when the window has finished closing (gui/closing.py: every worker thread ended), not
when the window disappears, and main() never returns while a QThread still runs.
"""
from __future__ import annotations

import os
import sys
import time


def create_app(argv: list[str] | None = None):
    """The QApplication with the house theme (pyqtgraph options, names for QSettings)."""
    from PySide6.QtWidgets import QApplication
    import pyqtgraph as pg

    argv = list(sys.argv[1:] if argv is None else argv)
    pg.setConfigOptions(background="w", foreground="k", antialias=True, imageAxisOrder="row-major")
    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    app.setApplicationName("RNN Vision Lab")
    app.setOrganizationName("RNN Vision Lab")
    return app


def collect_garbage_in_the_gui_thread(app, window) -> None:
    """Python's garbage collection in the GUI thread only, what start-up made frozen (gui/garbage.py); kept on
    the app (the bench's window gets the same as a user's)."""
    from gui.garbage import GuiGarbageCollector

    app.garbage_collector = GuiGarbageCollector(window.controller.warmed_up, app)


def main(argv: list[str] | None = None) -> int:
    from PySide6.QtCore import QTimer

    app = create_app(argv)
    from gui.main_window import MainWindow

    window = MainWindow()
    collect_garbage_in_the_gui_thread(app, window)
    if os.environ.get("RNN_LAB_TIMING"):
        _report_first_paint(window)
    quit_after = os.environ.get("RNN_LAB_QUIT_AFTER_MS")
    if quit_after:
        QTimer.singleShot(int(quit_after), window.close)
    if os.environ.get("RNN_LAB_TIMING"):
        window.session.dataLoaded.connect(lambda spec, _: print(
            f"data loaded after {seconds_since_process_start():.3f} s: {spec}", file=sys.stderr, flush=True))
    if os.environ.get("RNN_LAB_QUIT_WHEN_LOADED"):
        for signal in (window.session.dataLoaded, window.session.dataFailed):
            signal.connect(lambda *_: QTimer.singleShot(0, window.close))
    window.show()
    QTimer.singleShot(0, window.controller.warm_up)
    QTimer.singleShot(0, lambda: window.session.load(os.environ.get("RNN_LAB_DATA", "demo")))
    code = run_until_closed(app, window)
    window.controller.join_warm_up()  # never exit with torch half imported in the warm-up thread
    return code


def run_until_closed(app, window) -> int:
    """Run the event loop until `window` has closed and every worker thread has ended; the exit code."""
    from gui.threads import wait_for_all

    app.setQuitOnLastWindowClosed(False)  # hidden is not done: the loop goes on until the threads end
    window.closer.finished.connect(app.quit)
    code = app.exec()
    if not window.closer.started:  # the loop ended another way (app.quit()): close as the user would
        window.close()
    # works with the loop ended: Python must not tear down a running QThread, nor leave the run folders
    wait_for_all(app, lambda: window.closer.done)
    return code


def seconds_since_process_start() -> float:
    """Wall time since this process was started (Linux /proc); elsewhere since this module was imported."""
    try:
        with open("/proc/self/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22, starttime, in ticks since boot
        return time.clock_gettime(time.CLOCK_BOOTTIME) - started
    except (OSError, IndexError, ValueError, AttributeError):
        return time.perf_counter() - _IMPORTED


_IMPORTED = time.perf_counter()


def _report_first_paint(window) -> None:
    """Print when the window's first paint pass has finished (the paint event, then the posted call after it)."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        def eventFilter(self, watched, event) -> bool:
            if event.type() == QEvent.Type.Paint:
                watched.removeEventFilter(self)
                QTimer.singleShot(0, lambda: print(f"first paint after {seconds_since_process_start():.3f} s",
                                                   file=sys.stderr, flush=True))
            return False

    window._first_paint_filter = FirstPaint(window)
    window.installEventFilter(window._first_paint_filter)
