"""One job at a time for a Live mode (reading a photo and computing its maps, reading a clip and rolling it out):
off the GUI thread, its busy line saying what it does with a progress bar and Cancel, the newest job's answer
shown and a replaced or cancelled one's dropped.

Torch work cannot be stopped half-way from outside: Cancel asks the work to stop at its next check (reading a
clip stops between frames) and drops its result; the thread ends on its own.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from gui.jobs import Job
from gui.threads import ThreadKeeper


class ProgressJob(Job):
    """A Job whose work also reports progress: `work(cancel, progress)` calls progress(done, total)."""
    progress = Signal(int, int)

    def __init__(self, work):
        super().__init__(lambda cancel: work(cancel, self.progress.emit))


class LiveRunner(QObject):
    """Runs a mode's jobs one after another on worker threads, shown on its BusyLine. `on_result(result)` or
    `on_failure(message, hint)` is called in the GUI thread for the newest job only."""

    def __init__(self, busy_line, on_result, on_failure, parent=None):
        super().__init__(parent)
        self.busy_line, self.on_result, self.on_failure = busy_line, on_result, on_failure
        self.threads = ThreadKeeper(self)
        self.current: ProgressJob | None = None
        self._answer_to = on_result  # where the current job's answer goes
        busy_line.cancelled.connect(self.cancel)

    def start(self, text: str, work, on_result=None) -> bool:
        """Run `work(cancel, progress)`, saying `text` meanwhile, its answer to `on_result` (default: the
        runner's); a job still running is cancelled (its answer dropped). False when nothing started (the window
        is closing)."""
        self.cancel()
        job = ProgressJob(work)
        self._answer_to = on_result or self.on_result
        job.progress.connect(self._on_progress)
        job.finished.connect(self._on_finished)
        job.failed.connect(self._on_failed)
        if self.threads.start(job, "live job") is None:
            return False
        self.current = job
        self.busy_line.start(text)
        return True

    @property
    def busy(self) -> bool:
        return self.current is not None

    @Slot()
    def cancel(self) -> None:
        """Drop the running job's answer and ask it to stop."""
        if self.current is not None:
            self.current.cancel()
            self.current = None
        self.busy_line.stop()

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        if self.sender() is self.current:
            self.busy_line.progress(done, total)

    @Slot(object, object)
    def _on_finished(self, job, result) -> None:
        if self._take(job):
            self._answer_to(result)

    @Slot(object, str, str)
    def _on_failed(self, job, message: str, hint: str) -> None:
        if self._take(job):
            self.on_failure(message, hint)

    def _take(self, job) -> bool:
        if job is not self.current or self.threads.closed:
            return False
        self.current = None
        self.busy_line.stop()
        return True

    def shutdown(self, timeout_ms: int = 0) -> bool:
        """Cancel, start nothing more, wait up to `timeout_ms`; True when no job runs any more."""
        self.cancel()
        self.threads.close()
        return self.threads.join(timeout_ms)
