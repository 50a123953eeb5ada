"""What the screenshot tools share: the main window with throwaway settings, and waiting inside the event loop."""
from __future__ import annotations

import tempfile
import time
from pathlib import Path


class ShotWindow:
    """Starts the app and a MainWindow whose QSettings live in a temporary folder (default geometry, not the
    user's). `wait(ms)` runs the event loop; `wait_for(what, predicate)` until it holds or the timeout passes."""

    def __init__(self, timeout_s: float):
        from PySide6.QtCore import QSettings

        from gui.app import create_app
        from gui.main_window import MainWindow

        self.app = create_app([])  # kept alive with the window
        self._settings_dir = tempfile.TemporaryDirectory(prefix="rnn-lab-shot-")
        settings = QSettings(str(Path(self._settings_dir.name) / "settings.ini"), QSettings.Format.IniFormat)
        self.window = MainWindow(settings)
        self.timeout_s = timeout_s
        self.deadline = time.monotonic() + timeout_s

    @staticmethod
    def wait(ms: int) -> None:
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def wait_for(self, what: str, predicate) -> None:
        while not predicate():
            if time.monotonic() > self.deadline:
                raise TimeoutError(f"gave up waiting for {what} after {self.timeout_s:.0f} s")
            self.wait(50)

    def close(self) -> None:
        self.window.close()
        self._settings_dir.cleanup()
