"""Worker threads that are never dropped while they run.

Dropping the last reference to a running QThread aborts the process ("QThread: Destroyed while thread is
still running"), and a worker QObject collected while its thread still runs it crashes it. A ThreadKeeper
starts each worker on its own QThread and holds both until the thread has finished; on top of that, every
started thread sits in one module-wide table until it has finished, so not even a keeper deleted with its
owner can drop a running one. `running_anywhere()` / `wait_for_all()` let the program's exit wait for them.

A worker is a QObject with `run()` (its whole job, called on the new thread) and a `done` signal; it may
offer `abort()`, `cancel()` or `stop()`, which cancel_all() calls. The thread runs `run()` and ends when it
returns, with no event loop of its own: nothing has to be delivered to it for it to end, so it ends even
when the GUI thread is blocked waiting for it or its event loop has already stopped. The worker itself
stays in the GUI thread (its signals are still queued there, they are emitted from the worker's thread),
so it can be deleted from the GUI thread once its thread has finished.
"""
from __future__ import annotations

import time

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

# every started thread and its worker until the thread has finished (pruned by the keepers and by the
# queries below); only touched from the GUI thread
_ALIVE: dict[QThread, QObject] = {}
CANCEL_METHODS = ("abort", "cancel", "stop")  # the first one a worker has is how it is told to end


class WorkerThread(QThread):
    """Runs `worker.run()` and ends. An exception escaping run() is printed by Qt and still ends the thread."""

    def __init__(self, worker: QObject, name: str):
        super().__init__()
        self.setObjectName(name)
        self.worker = worker

    def run(self) -> None:
        self.worker.run()


class ThreadKeeper(QObject):
    """Starts workers on QThreads and keeps thread and worker referenced until the thread has finished.

    Lives in the GUI thread. `idle` is emitted (in the GUI thread) when the last of its threads has finished.
    After close() it starts nothing more (start() returns None): a closing window must not begin new work."""
    idle = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._kept: dict[QThread, QObject] = {}
        self.closed = False

    def start(self, worker: QObject, name: str) -> QThread | None:
        """Run `worker.run()` on a new thread named `name`; None (nothing started) once closed."""
        if self.closed:
            return None
        thread = WorkerThread(worker, name)
        self._kept[thread] = worker
        _ALIVE[thread] = worker
        thread.finished.connect(self._on_finished)  # queued: the keeper lives in the GUI thread
        thread.start()
        return thread

    def running(self) -> int:
        """How many of this keeper's threads are still running."""
        return sum(1 for thread in self._kept if thread.isRunning())

    def workers(self) -> list[QObject]:
        """The workers whose threads are still running."""
        return [worker for thread, worker in self._kept.items() if thread.isRunning()]

    def cancel_all(self) -> None:
        """Ask every running worker to end (its abort(), cancel() or stop(), the first it has)."""
        for worker in self.workers():
            cancel = next((getattr(worker, name) for name in CANCEL_METHODS if hasattr(worker, name)), None)
            if cancel is not None:
                cancel()

    def close(self) -> None:
        """Start nothing more and ask the running workers to end."""
        self.closed = True
        self.cancel_all()

    def join(self, timeout_ms: int) -> bool:
        """Wait for the running threads, all within one shared timeout. True when every one has ended."""
        return _wait(list(self._kept), timeout_ms)

    @Slot()
    def _on_finished(self) -> None:
        thread = self.sender()
        if isinstance(thread, QThread):
            thread.wait(1000)  # `finished` is the thread's last act: this returns at once
        self._prune()
        if not self.running():
            self.idle.emit()

    def _prune(self) -> None:
        self._kept = {t: w for t, w in self._kept.items() if not t.isFinished()}
        _prune_alive()


def _prune_alive() -> None:
    for thread in [t for t in _ALIVE if t.isFinished()]:
        del _ALIVE[thread]


def _wait(threads: list[QThread], timeout_ms: int) -> bool:
    deadline = time.monotonic() + timeout_ms / 1000
    ok = True
    for thread in threads:
        if thread.isRunning():
            ok = thread.wait(max(0, int((deadline - time.monotonic()) * 1000))) and ok
    return ok


def running_anywhere() -> list[str]:
    """The names of every started thread, of any keeper, still running."""
    _prune_alive()
    return [thread.objectName() for thread in _ALIVE if thread.isRunning()]


def wait_for_all(app, also=lambda: True, poll_s: float = 0.02) -> None:
    """Keep delivering events until no started thread runs any more and `also()` is true (the program's last
    act before it returns: Python must not tear down a QThread that still runs). Works after the event loop
    has ended."""
    while running_anywhere() or not also():
        app.processEvents()
        time.sleep(poll_s)
    app.processEvents()


def when_idle(keepers, callback, parent: QObject, poll_ms: int = 30) -> QTimer | None:
    """Call `callback()` once none of `keepers` runs a thread: at once (returns None), or from a timer that
    checks every `poll_ms` in the GUI thread (returned; it stops itself)."""
    if not any(keeper.running() for keeper in keepers):
        callback()
        return None
    timer = QTimer(parent)
    timer.setInterval(poll_ms)

    def check() -> None:
        if not any(keeper.running() for keeper in keepers):
            timer.stop()
            callback()

    timer.timeout.connect(check)
    timer.start()
    return timer
