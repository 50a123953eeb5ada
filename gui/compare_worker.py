"""engine.compare.Comparison on its own QThread: RNN, LSTM, GRU ... trained one after another.

`event` (run name, engine event) and `finished` are emitted from the comparison's thread: connect them
only to slots of QObjects living in the GUI thread (never a lambda), so Qt queues them there.
"""
from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal, Slot

from gui.worker import yield_to_the_window


class CompareWorker(QObject):
    event = Signal(str, object)  # run name, engine.events.*
    finished = Signal(object)  # Comparison.run()'s dict (with "report": the HTML path)
    failed = Signal(str, str)  # message, hint
    done = Signal()

    def __init__(self, config: dict, cells: list[str], out: str):
        super().__init__()
        self.config, self.cells, self.out = config, list(cells), out
        self._lock = threading.Lock()
        self._comparison = None
        self._stop = False

    @Slot()
    def run(self) -> None:
        yield_to_the_window()
        from engine.compare import Comparison, cell_runs  # the engine (and torch) load here, off the GUI thread
        from engine.config import RunConfig
        from engine.errors import UserError

        try:
            comparison = Comparison(RunConfig.from_dict(self.config), cell_runs(self.cells), self.out,
                                    self.event.emit)
            with self._lock:
                self._comparison = comparison
                if self._stop:
                    comparison.stop()
            result = comparison.run()
        except UserError as error:
            self.failed.emit(error.message, error.hint)
        except Exception as error:  # noqa: BLE001 (a thread that dies silently would leave the dialog waiting)
            self.failed.emit(f"The comparison failed: {type(error).__name__}: {error}",
                             "Try fewer epochs or another data set; the runs that finished are in the output folder.")
        else:
            self.finished.emit(result)
        finally:
            self.done.emit()

    def stop(self) -> None:
        """Called from the GUI thread: ends the current run (its best model is kept) and skips the rest."""
        with self._lock:
            self._stop = True
            if self._comparison is not None:
                self._comparison.stop()

    def abort(self) -> None:
        """Called from the GUI thread when the window closes: end at once, writing nothing more. A Comparison
        without abort() gets stop(): the current run still evaluates and saves, and the window waits."""
        with self._lock:
            self._stop = True
            if self._comparison is not None:
                getattr(self._comparison, "abort", self._comparison.stop)()
