"""Short engine jobs off the GUI thread (a rollout, a video export): each on its own QThread, its result or
its failure handed back in the GUI thread."""
from __future__ import annotations

from PySide6.QtCore import QObject, QThread, Signal, Slot

from gui.worker import start_in_thread


class Job(QObject):
    """Runs `work()` on its own thread and emits finished(job, result) or failed(job, message, hint). Connect
    them only to methods of a QObject living in the GUI thread (queued there); a lambda would run here."""
    finished = Signal(object, object)
    failed = Signal(object, str, str)
    done = Signal()

    def __init__(self, work):
        super().__init__()
        self.work = work

    @Slot()
    def run(self) -> None:
        from engine.errors import UserError

        try:
            result = self.work()
        except UserError as error:
            self.failed.emit(self, error.message, error.hint)
        except Exception as error:  # an unexpected failure still reaches the user as a dialog
            self.failed.emit(self, f"{type(error).__name__}: {error}", "")
        else:
            self.finished.emit(self, result)
        self.done.emit()


class Jobs(QObject):
    """Starts Jobs and keeps them (and their threads) alive until they end. Lives in the GUI thread.

    `report(title, message, hint)` shows a failure (the window's error dialog)."""

    def __init__(self, parent, report):
        super().__init__(parent)
        self.report = report
        self._threads: dict[QThread, Job] = {}
        self._callbacks: dict[Job, tuple] = {}  # job -> (on_result, dialog title, after)

    def start(self, work, on_result, title: str, after=None) -> None:
        """Run `work()` off the GUI thread; then `after()` (success or not) and `on_result(result)`, or the
        failure reported under `title`, in the GUI thread."""
        job = Job(work)
        self._callbacks[job] = (on_result, title, after)
        job.finished.connect(self._on_finished)
        job.failed.connect(self._on_failed)
        thread = start_in_thread(job, "window job")
        self._threads[thread] = job  # a running QThread (or its worker) collected would abort the process
        thread.finished.connect(self._forget_finished)

    @Slot(object, object)
    def _on_finished(self, job, result) -> None:
        on_result, _, after = self._callbacks.pop(job, (None, "", None))
        if after is not None:
            after()
        if on_result is not None:
            on_result(result)

    @Slot(object, str, str)
    def _on_failed(self, job, message: str, hint: str) -> None:
        _, title, after = self._callbacks.pop(job, (None, "", None))
        if after is not None:
            after()
        self.report(title or "Failed", message, hint)

    @Slot()
    def _forget_finished(self) -> None:
        self._threads = {t: j for t, j in self._threads.items() if not t.isFinished()}

    def busy(self) -> bool:
        return any(t.isRunning() for t in self._threads)

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Wait for running jobs (window closing): a thread destroyed while running aborts the process."""
        for thread in list(self._threads):
            thread.quit()
            thread.wait(timeout_ms)
