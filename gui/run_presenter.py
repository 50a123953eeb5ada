"""A run's life in the window: the Session's engine events become a Run (gui/run.py) and reach the views
through the one SnapshotRouter; curves and the status line repaint on the router's timer, not per event.

A run starts when training starts or when the user loads a model from a file; the views then show that run
(RunBook.changed -> SnapshotRouter.show). The model a training run ends with stays that run.
"""
from __future__ import annotations

import time

from PySide6.QtCore import QObject, Slot

from gui import metric_names
from gui.snapshot_router import Route

# A curve plot costs ~4-7 ms of GUI thread to repaint (new points rescale its axes), holding the GIL the
# training thread needs at every step. The two plots take turns, one every other 10 Hz tick (~2.5 Hz each),
# so no tick is kept busy long (event-loop lateness p99 30 -> 12 ms while training).
CURVES_EVERY_S = 0.125
ENDINGS = {"done": "finished", "stopped": "stopped", "early_stop": "stopped early", "failed": "failed",
           "aborted": "aborted"}


def clock(seconds: float) -> str:
    seconds = int(max(seconds, 0))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 else \
        f"{seconds // 60}:{seconds % 60:02d}"


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
        self.curves.set_metric_name(metric)
        self.curves.metric_plot.set_title(metric_names.title(metric, run.task))
        self.curves.new_run(run.label)
        for plot, split, step, epoch, value in run.curve_points:
            self.curves.add_point(plot, split, step, epoch, value)
        self.curves.refresh()


class ProgressRoute(Route):
    """The status bar's progress while training: the newest Progress event only."""

    def __init__(self, bar, label, state):
        self.bar, self.label, self.state = bar, label, state  # state(): the session's "running", "paused"...
        self.latest = None

    def paint(self, final: bool) -> bool:
        p, self.latest = self.latest, None
        if p is not None and not final:
            done = (p.epoch - 1 + p.step / p.steps_per_epoch) / p.epochs
            self.bar.setValue(int(done * 1000))
            paused = " · paused" if self.state() == "paused" else ""
            self.label.setText(f"epoch {p.epoch}/{p.epochs} · step {p.step}/{p.steps_per_epoch} · loss {p.loss:.4f} "
                               f"· {p.samples_per_s:,.0f} samples/s · ETA {clock(p.eta_s)}{paused}")
        return False

    def clear(self, run) -> None:
        self.latest = None


class RunPresenter(QObject):
    def __init__(self, session, runs, router, curves, progress_bar, progress_label, note, parent=None):
        super().__init__(parent)
        self.session, self.runs, self.router, self.curves = session, runs, router, curves
        self.progress_bar, self.progress_label = progress_bar, progress_label
        self.curve_route = router.add(CurvesRoute(curves, note, runs.previous))
        self.progress_route = router.add(ProgressRoute(progress_bar, progress_label, lambda: session.state))
        self._steps_per_epoch = 1
        self.last_started = self.last_finished = None  # the newest Started and Finished events
        session.runStarted.connect(self.on_started)
        session.progress.connect(self.on_progress)
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
        self._steps_per_epoch = 1
        self.last_started = event
        run = self.runs.begin(event.config)
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(0)
        self.progress_label.setText(f"starting {run.label} · {event.parameters:,} parameters · "
                                    f"{event.train_size:,} {run.spec.sample_units}")

    @Slot(object)
    def on_progress(self, event) -> None:
        self._steps_per_epoch = max(event.steps_per_epoch, 1)
        self.progress_route.latest = event
        self.router.wake(self.progress_route)

    @Slot(object)
    def on_metrics(self, event) -> None:
        run = self.run
        if run is None:
            return
        epoch = event.epoch if event.split != "train" else event.global_step / self._steps_per_epoch
        metric = run.spec.selection_metric
        for name, value in event.values.items():
            plot = "loss" if name == "loss" else "metric" if name == metric else None
            if plot is not None:
                run.curve_points.append((plot, event.split, event.global_step, epoch, value))
                self.curves.add_point(plot, event.split, event.global_step, epoch, value)
        self.router.wake(self.curve_route)

    @Slot(object)
    def on_snapshot(self, event) -> None:
        if self.run is not None:
            self.run.keep(event)
            self.router.deliver(event)

    @Slot(object)
    def on_finished(self, event) -> None:
        run, self.last_finished = self.run, event
        if run is not None:
            run.finished = event
        self.router.flush()
        text = ENDINGS.get(event.reason, event.reason)
        if run is not None:
            text += metric_names.finish_text(run.spec.selection_metric, event.metrics, run.task)
        if "test_ods" in event.metrics:
            text += f" · ODS {event.metrics['test_ods']:.3f}"
            if "test_canny_ods" in event.metrics:
                text += f" (Canny {event.metrics['test_canny_ods']:.3f})"
        self.progress_label.setText(f"{text} · {clock(event.seconds)} · {event.samples_per_s:,.0f} samples/s")
        if event.reason == "done":
            self.progress_bar.setValue(self.progress_bar.maximum())

    @Slot(str)
    def on_model_loaded(self, path: str) -> None:
        """A model the user loaded from a file is a run of its own: the views show it, not the last run."""
        predictor = self.session.predictor
        if predictor is not None:
            self.runs.begin(predictor.payload["config"], origin="loaded", checkpoint=path)
