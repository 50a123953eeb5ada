"""Trajectories of a loaded model, computed on a worker thread (a forward pass over a few hundred images
and a PCA: about a second, too long for the GUI thread). Emits from that thread: connect `ready` and
`failed` only to slots of GUI-thread QObjects."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from gui.worker import yield_to_the_window


class TrajectoryWorker(QObject):
    ready = Signal(object)  # engine.events.Snapshot("trajectories")
    failed = Signal(str, str)
    done = Signal()

    def __init__(self, predictor, image_set, split: str):
        super().__init__()
        self.predictor, self.image_set, self.split = predictor, image_set, split

    @Slot()
    def run(self) -> None:
        yield_to_the_window()
        from engine.errors import UserError
        from engine.model_dynamics import predictor_trajectories

        try:
            self.ready.emit(predictor_trajectories(self.predictor, self.image_set, self.split))
        except UserError as error:
            self.failed.emit(error.message, error.hint)
        except Exception as error:  # noqa: BLE001 (say it rather than leave the button waiting)
            self.failed.emit(f"The trajectories could not be computed: {type(error).__name__}: {error}",
                             "Train a model on this data and the trajectories come with it at the end.")
        finally:
            self.done.emit()
