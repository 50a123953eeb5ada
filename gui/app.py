"""QApplication, theme and main(): paint the window first, load the engine in the background."""
from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    import pyqtgraph as pg

    pg.setConfigOptions(background="w", foreground="k", antialias=True, imageAxisOrder="row-major")
    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    app.setApplicationName("RNN Vision Lab")
    app.setOrganizationName("RNN Vision Lab")
    from gui.main_window import MainWindow

    window = MainWindow()
    window.show()
    QTimer.singleShot(0, window.controller.warm_up)
    QTimer.singleShot(0, lambda: window.session.load(os.environ.get("RNN_LAB_DATA", "demo")))
    return app.exec()
