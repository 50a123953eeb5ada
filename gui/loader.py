"""Loading a data set off the GUI thread, with progress and cancel (any task's data: engine.data.window_data)."""
from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal, Slot


class LoadWorker(QObject):
    progress = Signal(int, int)
    loaded = Signal(str, object)  # spec, engine.data.window_data.WindowData
    failed = Signal(str, str, str)  # spec, message, hint
    done = Signal()

    def __init__(self, spec: str, task: str = ""):
        super().__init__()
        self.spec = spec
        self.task = task
        self.cancel_event = threading.Event()

    @Slot()
    def run(self) -> None:
        from engine.data.window_data import load_for_window
        from engine.errors import UserError

        try:
            data = load_for_window(self.spec, self.task, progress=self.progress.emit, cancel=self.cancel_event)
        except UserError as error:
            self.failed.emit(self.spec, error.message, error.hint)
        except Exception as error:  # an unexpected reader failure must still reach the user as a dialog
            self.failed.emit(self.spec, f"Could not load {self.spec}: {type(error).__name__}: {error}", "")
        else:
            self.loaded.emit(self.spec, data)
        self.done.emit()

    def cancel(self) -> None:
        self.cancel_event.set()
