"""Any test image of an edges run on its Results page: the run sends the pictures of a few test images and the
names of all; one the user picks that was not sent is computed here, off the GUI thread, by the loaded model on
the loaded data (EdgePredictor.test_item), and added to the page."""
from __future__ import annotations

from PySide6.QtCore import QObject, Slot

from gui.jobs import Jobs
from gui.run import model_can


class EdgeResults(QObject):
    def __init__(self, session, view, dialogs, parent=None):
        super().__init__(parent)
        self.session, self.view = session, view
        self.jobs = Jobs(self, dialogs.error)
        self.asked: set[str] = set()  # names being computed (the page asks again on every redraw)
        view.itemRequested.connect(self.compute)

    @Slot(int, str)
    def compute(self, index: int, name: str) -> None:
        predictor, data = self.session.predictor, self.session.splits
        if name in self.asked:
            return
        if not model_can(predictor, "edge_maps") or data is None:
            self.view.placeholder.setText(f"{name} cannot be computed: load this run's edge model and its data "
                                          "(the model ends each run loaded).")
            return
        self.asked.add(name)
        catalogue = self.view.catalogue()

        def work(_cancel):
            return predictor.test_item(data, index, name)

        def show(result) -> None:
            if self.view.catalogue() == catalogue:  # still the run that asked
                self.view.add_result(*result)

        self.jobs.start(work, show, f"Cannot compute the edge maps of {name}", after=lambda: self.asked.discard(name))

    def shutdown(self, timeout_ms: int = 0) -> bool:
        return self.jobs.shutdown(timeout_ms)
