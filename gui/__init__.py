"""RNN Vision Lab window (PySide6 + pyqtgraph). Never imports torch: the engine hands it numpy."""
