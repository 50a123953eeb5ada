"""The window's state: loaded data, the current run and the last trained model. Emits Qt signals.

Lives in the GUI thread. Engine events arrive here (queued) from the training thread and are
re-emitted as typed signals for the views.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot

from gui.loader import LoadWorker
from gui.model_loader import ModelLoader
from gui.threads import ThreadKeeper
from gui.worker import TrainingWorker


class Session(QObject):
    dataLoading = Signal(str)
    dataProgress = Signal(int, int)
    dataLoaded = Signal(str, object)  # spec, engine.data.window_data.WindowData
    dataFailed = Signal(str, str)  # message, hint
    runStarted = Signal(object)  # engine.events.Started
    progress = Signal(object)
    phase = Signal(object)  # engine.events.Phase: what the run is doing (training, testing ...) and how far
    metrics = Signal(object)
    snapshot = Signal(object)
    runFailed = Signal(str, str)
    runFinished = Signal(object)
    stateChanged = Signal(str)  # "idle", "loading", "running", "paused", "stopping"
    modelChanged = Signal(object)  # engine.inference.Predictor or None
    modelLoaded = Signal(str)  # the checkpoint a user chose (set_model_from) is now the model, after modelChanged
    modelFailed = Signal(str, str)  # message, hint: the checkpoint a user chose cannot serve as a model

    def __init__(self, parent=None):
        super().__init__(parent)
        self.spec = ""
        self.data = None  # WindowData: what was loaded, its summary, the tasks it fits
        self.splits = None  # data.data: what the task's prepare() takes (Splits, EdgeData ...)
        self.state = "idle"
        self.predictor = None
        self.checkpoint = ""
        from engine.runs.folder import runs_home  # torch-free

        # the run library: every run trained here is kept there (the window's setting may choose another folder)
        self.runs_dir = runs_home()
        self.resuming = ""  # the run folder the training goes on in, when it resumes one
        self.tensorboard = False  # runs also write TensorBoard event files (gui/tensorboard_setting.py)
        self._loader: LoadWorker | None = None
        self._worker: TrainingWorker | None = None
        self._thread: QThread | None = None
        # loads and runs, each kept until its thread has finished (a second load may start before the first
        # one ended: a dropped running QThread aborts the process)
        self.threads = ThreadKeeper(self)
        # checkpoints are read (torch) on the keeper's threads; the newest one asked for wins
        self.models = ModelLoader(self.threads, self)
        self.models.loaded.connect(self._on_model_loaded)
        self.models.failed.connect(self._on_model_failed)
        self._from_run = ""  # the checkpoint being loaded is the end of a run (its failure is the run's)
        self._closed = False

    # ---- data ----
    def load(self, spec: str, task: str = "") -> None:
        if self._closed:
            return
        if self._loader is not None:
            self._loader.cancel()
        self._loader = LoadWorker(spec, task)
        self._loader.progress.connect(self.dataProgress)
        self._loader.loaded.connect(self._on_loaded)
        self._loader.failed.connect(self._on_load_failed)
        self.dataLoading.emit(spec)
        self.threads.start(self._loader, "data loading")

    def cancel_load(self) -> None:
        if self._loader is not None:
            self._loader.cancel()

    @Slot(str, object)
    def _on_loaded(self, spec: str, data) -> None:
        if self.sender() is not self._loader or self._closed:
            return  # a load that was replaced by a newer one, or the window is closing
        self.spec, self.data, self.splits = spec, data, data.data
        self.dataLoaded.emit(spec, data)

    @Slot(str, str, str)
    def _on_load_failed(self, spec: str, message: str, hint: str) -> None:
        if self.sender() is self._loader and not self._closed:  # a cancelled load says nothing on closing
            self.dataFailed.emit(message, hint)

    # ---- training ----
    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.isRunning()

    def start(self, config: dict) -> None:
        if self.running or self._closed:
            return
        from engine.runs.folder import new_run_dir

        run_dir = new_run_dir(self.runs_dir, str(config.get("task", "")), str(config.get("cell", "")))
        self._start({**config, "data": self.spec or config.get("data", "demo"), "out": str(run_dir)})

    def start_resume(self, config: dict) -> None:
        """Train on the run of `config` (its own settings; epochs may be more) from its folder's resume point
        (config["out"]): on the loaded data when it is the run's, else the engine reads the run's data itself."""
        if self.running or self._closed:
            return
        self._start(dict(config), resume=True)

    def _start(self, config: dict, resume: bool = False) -> None:
        from engine.data.window_data import splits_for_run  # None: the engine reads the spec itself

        splits = splits_for_run(self.data, config) if self.spec == config["data"] else None
        self.resuming = config["out"] if resume else ""
        self._worker = TrainingWorker(config, splits, resume=resume, tensorboard=self.tensorboard)
        self._worker.event.connect(self.on_engine_event)
        self._worker.done.connect(self._on_worker_done)
        self._set_state("running")
        self._thread = self.threads.start(self._worker, "training")

    def pause(self) -> None:
        if self._worker and self.state == "running":
            self._worker.pause()
            self._set_state("paused")

    def resume(self) -> None:
        if self._worker and self.state == "paused":
            self._worker.resume()
            self._set_state("running")

    def stop(self) -> None:
        if self._worker and self.state in ("running", "paused"):
            self._worker.stop()
            self._set_state("stopping")

    def skip_test(self) -> None:
        """Skip the test evaluation of the run (its checkpoint is kept, it has no test figures)."""
        if self._worker and self.state in ("running", "paused", "stopping"):
            self._worker.skip_test()

    def set_probe(self, index: int) -> None:
        if self._worker:
            self._worker.set_probe(index)

    # ---- closing ----
    def begin_shutdown(self) -> None:
        """The window is closing: loads are cancelled, a run is aborted, queued engine events are ignored
        from now on, and nothing new starts."""
        self._closed = True
        self.threads.close()

    def shutdown(self, timeout_ms: int = 2000) -> bool:
        """begin_shutdown(), then wait up to `timeout_ms` for the threads; False when some thread still runs.
        The run folders stay: they are the run library (a run cut short reads as interrupted)."""
        self.begin_shutdown()
        return self.threads.join(timeout_ms)

    @Slot(object)
    def on_engine_event(self, event) -> None:
        from engine import events  # torch-free module of plain dataclasses

        if self._closed:
            return

        if isinstance(event, events.Progress):
            self.progress.emit(event)
        elif isinstance(event, events.Phase):
            self.phase.emit(event)
        elif isinstance(event, events.Metrics):
            self.metrics.emit(event)
        elif isinstance(event, events.Snapshot):
            self.snapshot.emit(event)
        elif isinstance(event, events.Started):
            self.runStarted.emit(event)
        elif isinstance(event, events.Failed):
            self.runFailed.emit(event.message, event.hint)
        elif isinstance(event, events.Finished):
            if event.checkpoint:  # modelChanged follows once it is read, off the GUI thread
                self.set_model_from(event.checkpoint, from_run=True)
            self.runFinished.emit(event)

    @Slot()
    def _on_worker_done(self) -> None:
        if self._closed:
            return
        if self._thread is not None:
            self._thread.wait(1000)  # `done` is the worker's last act: its thread ends a moment later
        self._set_state("idle")

    def _set_state(self, state: str) -> None:
        self.state = state
        self.stateChanged.emit(state)

    # ---- models ----
    def set_model_from(self, path: str, from_run: bool = False) -> None:
        """Read a checkpoint (any task) for the Live tab and predictions, off the GUI thread. modelChanged (then
        modelLoaded, for a file the user chose) follows when it is ready; a file that cannot serve as a model
        (gui.model_check) gives modelFailed, or runFailed for a run's own checkpoint, and the current model
        stays. A newer request replaces one still being read."""
        if self._closed:
            return
        if self.models.load(path):
            self._from_run = path if from_run else ""

    def loading_model(self) -> bool:
        return self.models.busy()

    @Slot(str, object)
    def _on_model_loaded(self, path: str, predictor) -> None:
        if self._closed:
            return
        self.predictor, self.checkpoint = predictor, path
        self.modelChanged.emit(predictor)
        if path != self._from_run:
            self.modelLoaded.emit(path)

    @Slot(str, str, str)
    def _on_model_failed(self, path: str, message: str, hint: str) -> None:
        if self._closed:
            return
        if path == self._from_run:  # e.g. the run folder was deleted meanwhile: say so, go on
            self.runFailed.emit(f"The trained model could not be loaded: {message}", hint)
        else:
            self.modelFailed.emit(message, hint)

    def save_model(self, target: str) -> None:
        if not self.checkpoint:
            raise FileNotFoundError("No trained model yet: train one or load a checkpoint first.")
        temp = Path(target).with_suffix(".part")
        shutil.copyfile(self.checkpoint, temp)
        temp.replace(target)
