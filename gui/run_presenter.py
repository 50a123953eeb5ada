"""A run's life in the window: the Session's engine events become a Run (gui/run.py) and reach the views
through the one SnapshotRouter; curves and the status line repaint on the router's timer, not per event.

A run starts when training starts or when the user loads a model from a file; the views then show that run
(RunBook.changed -> SnapshotRouter.show). The model a training run ends with stays that run. The session's events
go to the run it trains, which the views show unless the user opened another from the run library meanwhile; a
resumed run goes on in the Run of its folder (its curves continue).
"""
from __future__ import annotations

import time

from PySide6.QtCore import QObject, Slot

from gui import metric_names
from gui.run_status import RunStatus
from gui.snapshot_router import Route

# A curve plot costs ~4-7 ms of GUI thread to repaint (new points rescale its axes), holding the GIL the
# training thread needs at every step. The two plots take turns, one every other 10 Hz tick (~2.5 Hz each),
# so no tick is kept busy long (event-loop lateness p99 30 -> 12 ms while training).
CURVES_EVERY_S = 0.125


class CurvesRoute(Route):
    """The Training tab's curves: earlier runs fade when this one is of the same task (same loss, same
    metric), and go when it is not."""

    def __init__(self, curves, note, previous):
        self.curves, self.note = curves, note  # note(text): tells the user (the status bar)
        self.previous = previous  # previous(): the run shown before the one being shown (RunBook.previous)
        self.task = None
        self.painted_at = 0.0

    def paint(self, final: bool) -> bool:
        now = time.monotonic()
        if not final and now - self.painted_at < CURVES_EVERY_S:
            return True
        self.painted_at = now
        self.curves.refresh(one=not final)
        return False

    def clear(self, run) -> None:
        if run is None or run.task != self.task:
            self.curves.clear_all()  # another task's curves (another metric, another loss) do not compare
            before = self.previous() if run is not None else None
            if before is not None and before.curve_points:
                self.note(f"Earlier curves not overlaid: {before.label} is {before.spec.title.lower()}, another loss "
                          f"and metric than {run.spec.title.lower()}.")
        self.task = run.task if run is not None else None
        if run is None:
            return
        metric = run.spec.selection_metric
        self.curves.set_metric_name(run.spec.label(metric))  # what a person calls it, not the metric's key
        self.curves.metric_plot.set_title(metric_names.title(metric, run.task))
        self.curves.new_run(run.label)
        for plot, split, step, epoch, value in run.curve_points:
            self.curves.add_point(plot, split, step, epoch, value)
        self.curves.refresh()


class RunPresenter(QObject):
    def __init__(self, session, runs, router, curves, status, note, parent=None):
        super().__init__(parent)
        self.session, self.runs, self.router, self.curves = session, runs, router, curves
        self.curve_route = router.add(CurvesRoute(curves, note, runs.previous))
        self.status = RunStatus(session, router, status, self)  # the status line (gui/run_status.py)
        self.training = None  # the Run the session trains (the views may show another: one opened from the library)
        self.last_started = self.last_finished = None  # the newest Started and Finished events
        session.runStarted.connect(self.on_started)
        session.metrics.connect(self.on_metrics)
        session.snapshot.connect(self.on_snapshot)
        session.runFinished.connect(self.on_finished)
        session.modelLoaded.connect(self.on_model_loaded)
        runs.changed.connect(router.show)

    @property
    def run(self):
        return self.runs.current

    @Slot(object)
    def on_started(self, event) -> None:
        self.last_started = event
        folder = str(event.config.get("out") or "")
        run = self.runs.find(folder) if self.session.resuming == folder else None  # a resumed run goes on
        if run is None:
            run = self.runs.begin(event.config, folder=folder)
        run.start(event)
        if run not in self.runs.fed:
            self.runs.fed.append(run)
        self.training = run
        if run is not self.runs.current or run.resumed:
            self.runs.show(run)  # a resumed run is shown again without the results it had
        self.status.started(event, run)

    @Slot(object)
    def on_metrics(self, event) -> None:
        if self.training is not None:
            self.add_metrics(self.training, event)

    @Slot(object)
    def on_snapshot(self, event) -> None:
        if self.training is not None:
            self.add_snapshot(self.training, event)

    @Slot(object)
    def on_finished(self, event) -> None:
        """The training ended (a run that failed before it started has no Run: the last one is left as it was)."""
        run, self.last_finished, self.training = self.training, event, None
        self.end(run, event)
        if run in self.runs.fed:
            self.runs.fed.remove(run)
        self.status.finished(event, run)

    # ---- what any run's events do (the session's training, or a run followed in its folder: gui/run_reader.py)
    def add_metrics(self, run, event) -> None:
        points = run.add_metrics(event)
        if run is self.run:
            for point in points:
                self.curves.add_point(*point)
            self.router.wake(self.curve_route)

    def add_snapshot(self, run, event) -> None:
        run.keep(event)
        if run is self.run:
            self.router.deliver(event)

    def end(self, run, event) -> None:
        if run is None:
            return
        run.finished = event
        if run is self.run:
            self.router.flush()

    @Slot(str)
    def on_model_loaded(self, path: str) -> None:
        """A model the user loaded from a file is a run of its own: the views show it, not the last run."""
        predictor = self.session.predictor
        if predictor is not None:
            self.runs.begin(predictor.payload["config"], origin="loaded", checkpoint=path)
