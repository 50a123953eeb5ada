"""A loaded model's torch work off the GUI thread: reading a checkpoint (gui.model_check.read_model, which also
tries the model once) and classifying a drawn image. Each runs as a gui.jobs.Job on a ThreadKeeper's thread;
its answer comes back in the GUI thread. The newest request wins: an answer to an older one is dropped.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from gui.jobs import Job
from gui.threads import ThreadKeeper


class ModelLoader(QObject):
    """Reads checkpoints on worker threads of `threads`. `loaded(path, predictor)` or `failed(path, message,
    hint)` follows each load(path) that no newer one replaced; after close() nothing more is said."""
    loaded = Signal(str, object)
    failed = Signal(str, str, str)

    def __init__(self, threads: ThreadKeeper, parent=None):
        super().__init__(parent)
        self.threads = threads
        self._current: Job | None = None
        self._paths: dict[Job, str] = {}

    def load(self, path: str) -> bool:
        """Start reading `path`; False when nothing could start (the window is closing)."""
        from gui.model_check import read_model

        job = Job(lambda _cancel: read_model(path))
        job.finished.connect(self._on_finished)
        job.failed.connect(self._on_failed)
        if self.threads.start(job, "model loading") is None:
            return False
        self._current, self._paths[job] = job, path
        return True

    def busy(self) -> bool:
        return self._current is not None

    def _take(self, job) -> str | None:
        """The path of `job` when it is the newest load (and forget it), else None."""
        path = self._paths.pop(job, None)
        if job is not self._current or self.threads.closed:
            return None
        self._current = None
        return path

    @Slot(object, object)
    def _on_finished(self, job, predictor) -> None:
        path = self._take(job)
        if path is not None:
            self.loaded.emit(path, predictor)

    @Slot(object, str, str)
    def _on_failed(self, job, message: str, hint: str) -> None:
        path = self._take(job)
        if path is not None:
            self.failed.emit(path, message, hint)


class DrawnClassifier(QObject):
    """Class probabilities of drawn images, one image at a time on a worker thread: an image drawn while
    another is being classified waits, and only the newest waiting one is classified next.
    `ready(probabilities, class_names)` comes for an image of the predictor that is still current."""
    ready = Signal(object, list)
    failed = Signal(str, str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.threads = ThreadKeeper(self)
        self._running: Job | None = None
        self._waiting: tuple | None = None  # (predictor, image) drawn while a job ran
        self._predictor = None

    def set_predictor(self, predictor) -> None:
        """The model answers are wanted from (answers of an earlier one are dropped)."""
        self._predictor = predictor
        self._waiting = None

    def classify(self, predictor, image: np.ndarray) -> None:
        self._predictor = predictor
        if self._running is not None:
            self._waiting = (predictor, image)
            return
        self._start(predictor, image)

    def _start(self, predictor, image: np.ndarray) -> None:
        image = image if image.ndim == 3 else image[:, :, None]
        job = Job(lambda _cancel: (predictor, np.asarray(predictor.predict(image[None]))[0]))
        job.finished.connect(self._on_finished)
        job.failed.connect(self._on_failed)
        if self.threads.start(job, "drawing classification") is not None:
            self._running = job

    def _next(self) -> None:
        self._running = None
        if self._waiting is not None and not self.threads.closed:
            (predictor, image), self._waiting = self._waiting, None
            self._start(predictor, image)

    @Slot(object, object)
    def _on_finished(self, job, result) -> None:
        predictor, probabilities = result
        stale = self._waiting is not None or predictor is not self._predictor or self.threads.closed
        self._next()
        if not stale:
            self.ready.emit(probabilities, list(predictor.class_names))

    @Slot(object, str, str)
    def _on_failed(self, job, message: str, hint: str) -> None:
        stale = self._waiting is not None or self.threads.closed
        self._next()
        if not stale:
            self.failed.emit(message, hint)
