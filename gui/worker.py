"""The bridge: a Trainer on its own QThread (gui.threads.ThreadKeeper starts it), its engine events turned
into one queued Qt signal.

`event` is emitted from the training thread; connect it only to a method of a QObject living in the
GUI thread (Session.on_engine_event), so Qt queues it there. A lambda would run in this thread.
"""
from __future__ import annotations

import os
import sys
import threading

from PySide6.QtCore import QObject, Signal, Slot


class TrainingWorker(QObject):
    event = Signal(object)
    done = Signal()

    def __init__(self, config: dict, splits=None, resume: bool = False, tensorboard: bool = False):
        super().__init__()
        self.config = config
        self.tensorboard = tensorboard  # also TensorBoard event files in the run folder (engine/runs/tensorboard.py)
        self.splits = splits
        self.resuming = resume  # go on from the run folder's resume point (config["out"]'s last.ckpt)
        self.trainer = None
        self._lock = threading.Lock()
        self._stop = False
        self._aborted = False
        self._paused = False
        self._skip_test = False
        self._probe = 0

    @Slot()
    def run(self) -> None:
        try:
            self._train()
        finally:
            self.done.emit()  # whatever happened: the session must learn that the run is over

    def _train(self) -> None:
        yield_to_the_window()
        from engine.config import RunConfig  # the engine (and torch) load here, off the GUI thread
        from engine.errors import UserError
        from engine.events import Failed, Finished
        from engine.training import Trainer

        if self._aborted:
            return  # the window closed while the engine was loading: nothing to run, nothing to write
        tensorboard = None
        try:
            if self.tensorboard:
                from engine.runs.tensorboard import TensorBoardTap

                tensorboard = TensorBoardTap(self.config["out"], self.event.emit)
            trainer = Trainer(RunConfig.from_dict(self.config), tensorboard or self.event.emit, splits=self.splits,
                              resume=self.resuming)
        except UserError as error:
            self.event.emit(Failed(error.message, error.hint))
            self.event.emit(Finished("failed", {}, "", 0.0, 0.0))
            return
        with self._lock:
            self.trainer = trainer
            if self._paused:
                trainer.pause()
            if self._aborted:
                _abort(trainer)
            elif self._stop:
                trainer.stop()
            if self._skip_test:
                trainer.skip_test()
            trainer.set_probe(self._probe)
        try:
            trainer.run()
        finally:
            if tensorboard is not None:
                tensorboard.close()

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

    def skip_test(self) -> None:
        """Skip the test of the best weights (now, or when it comes): the run ends with its checkpoint."""
        with self._lock:
            self._skip_test = True
            if self.trainer:
                self.trainer.skip_test()

    def abort(self) -> None:
        """End the run at once, in whatever phase, writing nothing more (the window is closing)."""
        with self._lock:
            self._aborted = True
            if self.trainer:
                _abort(self.trainer)

    def set_probe(self, index: int) -> None:
        with self._lock:
            self._probe = index
            if self.trainer:
                self.trainer.set_probe(index)


def _abort(trainer) -> None:
    # Trainer.abort() ends every phase at once and writes nothing more; a Trainer without it gets stop(),
    # which still evaluates and saves before it ends (the window waits for that)
    getattr(trainer, "abort", trainer.stop)()


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
