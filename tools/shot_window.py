"""What the screenshot tools share: the main window with throwaway settings, waiting inside the event loop, saving
a shot, telling a blank page, and drawing a digit on the Live tab's canvas."""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

# a "2": the arc at the top, the diagonal, the base (canvas pixels of the 280 px canvas)
DIGIT_STROKE = [(80, 90), (100, 60), (140, 48), (180, 60), (196, 95), (185, 130), (150, 170), (110, 205),
                (80, 232), (130, 232), (175, 232), (205, 232)]


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


def save_shot(window, path: Path) -> Path:
    """The whole window as PNG at `path` (OSError when it cannot be written)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    print(f"saved {path}", file=sys.stderr, flush=True)
    return path


def plain_share(widget) -> float:
    """The share of `widget`'s pixels that have its most common colour: 1.0 for a blank, unpainted page."""
    import numpy as np
    from PySide6.QtGui import QImage

    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    if image.width() == 0 or image.height() == 0:
        return 1.0
    pixels = np.frombuffer(image.constBits(), np.uint32, image.width() * image.height())
    return float(np.unique(pixels, return_counts=True)[1].max()) / len(pixels)


def draw_digit(canvas) -> None:
    """Draw DIGIT_STROKE on the Live tab's canvas with the mouse, as a user would."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    points = [QPoint(x, y) for x, y in DIGIT_STROKE]
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[0])
    for point in points[1:]:
        QTest.mouseMove(canvas, point, 15)
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[-1])
