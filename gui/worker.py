"""The bridge: a Trainer on its own QThread, its engine events turned into one queued Qt signal.

`event` is emitted from the training thread; connect it only to a method of a QObject living in the
GUI thread (Session.on_engine_event), so Qt queues it there. A lambda would run in this thread.
"""
from __future__ import annotations

import os
import sys
import threading
import time

from PySide6.QtCore import QObject, QThread, Signal, Slot


class TrainingWorker(QObject):
    event = Signal(object)
    done = Signal()

    def __init__(self, config: dict, splits=None):
        super().__init__()
        self.config = config
        self.splits = splits
        self.trainer = None
        self._lock = threading.Lock()
        self._stop = False
        self._paused = False
        self._probe = 0

    @Slot()
    def run(self) -> None:
        yield_to_the_window()
        from engine.config import RunConfig  # the engine (and torch) load here, off the GUI thread
        from engine.errors import UserError
        from engine.events import Failed, Finished
        from engine.training import Trainer

        try:
            trainer = Trainer(RunConfig.from_dict(self.config), self.event.emit, splits=self.splits)
        except UserError as error:
            self.event.emit(Failed(error.message, error.hint))
            self.event.emit(Finished("failed", {}, "", 0.0, 0.0))
            self.done.emit()
            return
        with self._lock:
            self.trainer = trainer
            if self._paused:
                trainer.pause()
            if self._stop:
                trainer.stop()
            trainer.set_probe(self._probe)
        trainer.run()
        self.done.emit()

    # called from the GUI thread; the Trainer's own methods are thread-safe
    def pause(self) -> None:
        with self._lock:
            self._paused = True
            if self.trainer:
                self.trainer.pause()

    def resume(self) -> None:
        with self._lock:
            self._paused = False
            if self.trainer:
                self.trainer.resume()

    def stop(self) -> None:
        with self._lock:
            self._stop = True
            if self.trainer:
                self.trainer.stop()

    def set_probe(self, index: int) -> None:
        with self._lock:
            self._probe = index
            if self.trainer:
                self.trainer.set_probe(index)


TRAINING_NICE = 10


def yield_to_the_window() -> None:
    """Lower this thread's CPU priority (Linux), before torch starts its worker threads, which inherit it.

    Training keeps every core the window leaves idle, but when the GUI thread wakes to paint it gets a core
    at once instead of sharing one with a spinning OpenMP worker: that sharing made a 10 ms repaint take
    30-60 ms while training. Elsewhere (no per-thread nice) this does nothing.
    """
    if sys.platform.startswith("linux"):
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), TRAINING_NICE)
        except OSError:
            pass


def start_in_thread(worker: QObject, name: str) -> QThread:
    """Move `worker` to a new QThread that runs worker.run and quits when worker.done fires."""
    thread = QThread()
    thread.setObjectName(name)
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    worker.done.connect(thread.quit)
    thread.start()
    return thread


def join_threads(threads, timeout_ms: int) -> bool:
    """Quit and wait for each running thread, all within one shared timeout. True when every one ended in time."""
    ok = True
    deadline = time.monotonic() + timeout_ms / 1000
    for thread in list(threads):
        if thread.isRunning():
            thread.quit()
            ok = thread.wait(max(0, int((deadline - time.monotonic()) * 1000))) and ok
    return ok
