"""Inside ▸ States: the probe sample's recurrent states, on the page that draws the run's kind of them.

A task's spec lists the snapshot kinds its runs send; the page follows the first of STATE_PAGES the run's task
sends: "hidden" (a vector per step: image rows, pixels or frames; HiddenStateView), "sweeps" (2-D sweeps' maps;
SweepStatesView) or "frame_states" (state maps per frame; FrameStatesView). Each page is emptied for a new run
and says plainly when that run sends nothing for it.

The probe sample: while training, the engine's probe throttle computes it (the spin box asks for another);
for a model loaded from a file (or evaluated) it is computed off the GUI thread by the model's `inside`
capability on the loaded data, when the model is loaded, when data is loaded, and when another sample is asked
for.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QStackedWidget

from gui.jobs import Jobs
from gui.run import model_can
from gui.run_routes import HiddenRoute
from gui.snapshot_router import LatestRoute, Route
from gui.views.frame_states import FrameStatesView
from gui.views.sweep_states import SweepStatesView

STATE_PAGES = ("hidden", "sweeps", "frame_states")


def _nothing_yet(run, kind: str, what: str) -> str:
    if run is None:
        return f"No run yet: train a model (F5) to see its {what}."
    if kind not in run.spec.snapshots:
        return f"{run.label} ({run.spec.title.lower()}) has no {what}."
    if run.origin == "trained":
        return f"No {what} yet for {run.label}: they appear while it trains."
    return f"No {what} yet for {run.label}: load data it reads to see them for a probe sample."


class MapStatesRoute(LatestRoute):
    """A map view's route: the newest snapshot of `kind` drawn by `draw(arrays, meta)`; emptied for a new run with
    what it has (or will have) for it."""

    def __init__(self, kind: str, view, draw, what: str):
        super().__init__()
        self.kinds = (kind,)
        self.view, self.draw, self.what = view, draw, what

    def show(self, event) -> None:
        self.draw(event.arrays, event.meta)

    def clear(self, run) -> None:
        self.latest = None
        self.view.clear(_nothing_yet(run, self.kinds[0], self.what))


class PageRoute(Route):
    """Shows the page of the run's kind of states when the views switch to a run (no snapshot of its own)."""

    def __init__(self, stack: QStackedWidget, pages: dict):
        self.stack, self.pages = stack, pages

    def clear(self, run) -> None:
        sent = run.spec.snapshots if run is not None else ()
        kind = next((k for k in STATE_PAGES if k in sent), "hidden")
        self.stack.setCurrentWidget(self.pages[kind])


class StatesPage(QObject):
    def __init__(self, session, runs, router, hidden_view, dialogs, parent=None):
        super().__init__(parent)
        self.session, self.runs, self.router = session, runs, router
        self.hidden_view = hidden_view
        self.sweeps = SweepStatesView()
        self.frames = FrameStatesView()
        self.pages = {"hidden": hidden_view, "sweeps": self.sweeps, "frame_states": self.frames}
        self.stack = QStackedWidget()
        for view in self.pages.values():
            self.stack.addWidget(view)
            view.probeChanged.connect(self.on_probe_changed)
        self.jobs = Jobs(self, dialogs.error)  # a loaded model's probe sample
        router.add(PageRoute(self.stack, self.pages))
        router.add(HiddenRoute(hidden_view))
        router.add(MapStatesRoute("sweeps", self.sweeps, self.sweeps.set_sweeps, "sweep states"))
        router.add(MapStatesRoute("frame_states", self.frames, self.frames.set_states, "recurrent state maps"))
        session.dataLoaded.connect(self._on_data_loaded)
        runs.changed.connect(self._on_run)

    def probe_index(self) -> int:
        return self.stack.currentWidget().probe_spin.value()

    @Slot(int)
    def on_probe_changed(self, index: int) -> None:
        for view in self.pages.values():  # one probe sample, whichever page shows it
            if view.probe_spin.value() != index:
                blocked = view.probe_spin.blockSignals(True)
                view.probe_spin.setValue(index)
                view.probe_spin.blockSignals(blocked)
        if self.session.running:
            self.session.set_probe(index)
        else:
            self.show_loaded(index)

    def show_loaded(self, index: int) -> bool:
        """Compute the states of sample `index` of the loaded data with the model in use, off the GUI thread, for
        the run shown (dropped if another run is shown by then); False when that model or data cannot."""
        s, run = self.session, self.runs.current
        task = model_can(s.predictor, "inside")
        if run is None or not task or s.data is None or not s.data.fits(task) or s.splits is None:
            return False
        predictor, splits = s.predictor, s.splits

        def shown(snapshots):
            if self.runs.current is run:
                for event in snapshots:
                    run.keep(event)
                    self.router.deliver(event)

        self.jobs.start(lambda cancel: predictor.inside(splits, index), shown, "Cannot show the recurrent states")
        return True

    @Slot(object)
    def _on_run(self, run) -> None:
        """A model loaded from a file (or evaluated) has no live probe: its states are computed for the data."""
        if run is not None and run.origin != "trained" and not self.session.running:
            self.show_loaded(self.probe_index())

    @Slot(str, object)
    def _on_data_loaded(self, _spec: str, data) -> None:
        splits = data.data
        part = getattr(splits, "test", None) or getattr(splits, "train", None)
        count = len(part) if part is not None else 0
        for view in self.pages.values():
            view.set_probe_count(count)
        run = self.runs.current
        if run is not None and run.origin != "trained" and not self.session.running:
            self.show_loaded(self.probe_index())

    def shutdown(self, timeout_ms: int = 0) -> bool:
        for view in (self.sweeps, self.frames):
            view.player.stop()
        return self.jobs.shutdown(timeout_ms)
