"""Short engine jobs off the GUI thread (a rollout, a video export): each on its own QThread, its result or
its failure handed back in the GUI thread."""
from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal, Slot

from gui.threads import ThreadKeeper


class Job(QObject):
    """Runs `work(cancel)` on its own thread and emits finished(job, result) or failed(job, message, hint).
    `cancel` is a threading.Event that cancel() sets: long work checks it between its steps. Connect the
    signals only to methods of a QObject living in the GUI thread (queued there); a lambda would run here."""
    finished = Signal(object, object)
    failed = Signal(object, str, str)
    done = Signal()

    def __init__(self, work):
        super().__init__()
        self.work = work
        self.cancel_event = threading.Event()

    @Slot()
    def run(self) -> None:
        from engine.errors import UserError

        try:
            result = self.work(self.cancel_event)
        except UserError as error:
            self.failed.emit(self, error.message, error.hint)
        except Exception as error:  # an unexpected failure still reaches the user as a dialog
            self.failed.emit(self, f"{type(error).__name__}: {error}", "")
        else:
            self.finished.emit(self, result)
        self.done.emit()

    def cancel(self) -> None:
        self.cancel_event.set()


class Jobs(QObject):
    """Starts Jobs (kept, with their threads, by a ThreadKeeper until they end). Lives in the GUI thread.

    `report(title, message, hint)` shows a failure (the window's error dialog). After shutdown() nothing
    new starts and the results of jobs still running are dropped (the window is gone)."""

    def __init__(self, parent, report):
        super().__init__(parent)
        self.report = report
        self.threads = ThreadKeeper(self)
        self._callbacks: dict[Job, tuple] = {}  # job -> (on_result, dialog title, after)

    def start(self, work, on_result, title: str, after=None) -> None:
        """Run `work(cancel)` off the GUI thread; then `after()` (success or not) and `on_result(result)`, or
        the failure reported under `title`, in the GUI thread."""
        if self.threads.closed:
            return
        job = Job(work)
        self._callbacks[job] = (on_result, title, after)
        job.finished.connect(self._on_finished)
        job.failed.connect(self._on_failed)
        self.threads.start(job, "window job")

    @Slot(object, object)
    def _on_finished(self, job, result) -> None:
        on_result, _, after = self._callbacks.pop(job, (None, "", None))
        if self.threads.closed:
            return
        if after is not None:
            after()
        if on_result is not None:
            on_result(result)

    @Slot(object, str, str)
    def _on_failed(self, job, message: str, hint: str) -> None:
        _, title, after = self._callbacks.pop(job, (None, "", None))
        if self.threads.closed:
            return
        if after is not None:
            after()
        self.report(title or "Failed", message, hint)

    def busy(self) -> bool:
        return bool(self.threads.running())

    def shutdown(self, timeout_ms: int = 0) -> bool:
        """Cancel the running jobs, start no more, wait up to `timeout_ms`. True when none runs any more."""
        self.threads.close()
        return self.threads.join(timeout_ms)
