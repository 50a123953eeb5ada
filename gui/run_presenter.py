"""Routes a run's signals from the Session to the views; views repaint on a 10 Hz timer, not per event."""
from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Slot

from gui import metric_names

# A curve plot costs ~4-7 ms of GUI thread to repaint (new points rescale its axes), holding the GIL the
# training thread needs at every step. The two plots take turns, one every other 10 Hz tick (~2.5 Hz each),
# so no tick is kept busy long (event-loop lateness p99 30 -> 12 ms while training).
CURVES_EVERY_S = 0.125


def clock(seconds: float) -> str:
    seconds = int(max(seconds, 0))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 else \
        f"{seconds // 60}:{seconds % 60:02d}"


class RunPresenter(QObject):
    def __init__(self, session, curves, hidden_view, gallery, confusion, progress_bar, progress_label,
                 parent=None):
        super().__init__(parent)
        self.session, self.curves, self.hidden = session, curves, hidden_view
        self.gallery, self.confusion = gallery, confusion
        self.progress_bar, self.progress_label = progress_bar, progress_label
        self._latest_progress = None
        self._latest_hidden = None
        self._latest_edges = None
        self.edges = None  # gui.views.edge_compare.EdgeCompare, when the window has one
        self.gates = None  # gui.gates.Gates: gradient and trajectory views, when the window has them
        self.metric = "accuracy"  # the run's selection metric, plotted under the loss
        self._curves_at = 0.0
        self.last_started = None
        self.last_finished = None
        self.last_prediction = None
        session.runStarted.connect(self.on_started)
        session.progress.connect(self.on_progress)
        session.metrics.connect(self.on_metrics)
        session.snapshot.connect(self.on_snapshot)
        session.runFinished.connect(self.on_finished)
        hidden_view.probeChanged.connect(self.on_probe_changed)
        confusion.cellClicked.connect(self.on_cell_clicked)
        self.timer = QTimer(self)
        self.timer.setInterval(100)
        self.timer.timeout.connect(self.repaint)
        self.timer.start()

    def attach_edges(self, view) -> None:
        self.edges = view

    def attach_gates(self, gates) -> None:
        self.gates = gates

    @Slot(object)
    def on_started(self, event) -> None:
        from engine.tasks import registry  # torch-free

        cfg = event.config
        if self.last_started is not None and self.last_started.config.get("task") != cfg.get("task"):
            self.curves.clear_all()  # another task's curves (another metric, another loss) do not compare
        self.last_started = event
        self.metric = registry.metric(cfg.get("task", "classify"))
        self.curves.set_metric_name(self.metric)
        self.curves.metric_plot.set_title(metric_names.title(self.metric))
        if self.edges is not None and cfg.get("task") == "edges":
            self.edges.clear()
        label = f"{cfg['cell'].upper()} h{cfg['hidden']}" + (f"×{cfg['layers']}" if cfg["layers"] > 1 else "") + \
            (" bi" if cfg["bidirectional"] else "")
        self.curves.new_run(label)
        if self.gates is not None:
            self.gates.on_started(event)
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(0)
        self.progress_label.setText(f"starting · {event.parameters:,} parameters · {event.train_size:,} "
                                    f"{metric_names.sample_units(cfg.get('task', 'classify'))}")

    @Slot(object)
    def on_progress(self, event) -> None:
        self._latest_progress = event

    @Slot(object)
    def on_metrics(self, event) -> None:
        epoch = event.epoch if event.split != "train" else (event.global_step / max(self._steps_per_epoch(), 1))
        for name, value in event.values.items():
            if name == "loss":
                self.curves.add_point("loss", event.split, event.global_step, epoch, value)
            elif name == self.metric:
                self.curves.add_point("metric", event.split, event.global_step, epoch, value)

    def _steps_per_epoch(self) -> int:
        p = self._latest_progress
        return p.steps_per_epoch if p is not None else 1

    @Slot(object)
    def on_snapshot(self, event) -> None:
        if self.gates is not None and self.gates.on_snapshot(event):
            return
        if event.kind == "hidden":
            self._latest_hidden = event
        elif event.kind == "prediction":
            self.show_prediction(event)
        elif event.kind == "edges" and self.edges is not None:
            if event.meta.get("split") == "test":  # the few result images, once at the end
                self.edges.add_result(event.arrays, event.meta)
            else:  # the live probe: shown at the next tick, the newest only
                self._latest_edges = event
        elif event.kind == "pr_curve" and self.edges is not None:
            self.edges.set_pr(event.arrays)

    def show_prediction(self, event) -> None:
        self.last_prediction = event
        a, names = event.arrays, event.meta["class_names"]
        self.gallery.set_items(a["images"], a["true"], a["pred"], a["confidence"], names)
        self.confusion.set_matrix(a["confusion"], names)

    @Slot(object)
    def on_finished(self, event) -> None:
        self.last_finished = event
        self.repaint(final=True)
        text = {"done": "finished", "stopped": "stopped", "early_stop": "stopped early", "failed": "failed",
                "aborted": "aborted"}.get(event.reason, event.reason)
        text += metric_names.finish_text(self.metric, event.metrics)
        if "test_ods" in event.metrics:
            text += f" · ODS {event.metrics['test_ods']:.3f}"
            if "test_canny_ods" in event.metrics:
                text += f" (Canny {event.metrics['test_canny_ods']:.3f})"
        self.progress_label.setText(f"{text} · {clock(event.seconds)} · {event.samples_per_s:,.0f} samples/s")
        if event.reason == "done":
            self.progress_bar.setValue(self.progress_bar.maximum())

    @Slot(int)
    def on_probe_changed(self, index: int) -> None:
        if self.session.running:
            self.session.set_probe(index)
        elif hasattr(self.session.predictor, "inspect") and hasattr(self.session.splits, "train") and \
                hasattr(self.session.splits.train, "class_names"):  # classify models and data only
            data = self.session.splits.test or self.session.splits.train
            index %= len(data)
            label = data.class_names[int(data.labels[index])]
            self._latest_hidden = self.session.predictor.inspect(data.images[index], label, index)

    @Slot(int, int)
    def on_cell_clicked(self, true: int, pred: int) -> None:
        self.gallery.show_subset(true, pred)

    @Slot()
    def repaint(self, final: bool = False) -> None:
        now = time.monotonic()
        if final or now - self._curves_at >= CURVES_EVERY_S:
            self._curves_at = now
            self.curves.refresh(one=not final)
        if self.gates is not None:
            self.gates.repaint(final)
        p = self._latest_progress
        if p is not None:
            self._latest_progress = None
            done = (p.epoch - 1 + p.step / p.steps_per_epoch) / p.epochs
            self.progress_bar.setValue(int(done * 1000))
            paused = " · paused" if self.session.state == "paused" else ""
            self.progress_label.setText(
                f"epoch {p.epoch}/{p.epochs} · step {p.step}/{p.steps_per_epoch} · loss {p.loss:.4f} · "
                f"{p.samples_per_s:,.0f} samples/s · ETA {clock(p.eta_s)}{paused}")
        if self._latest_edges is not None:
            e, self._latest_edges = self._latest_edges, None
            self.edges.set_probe(e.arrays, e.meta)
        h = self._latest_hidden
        # a first snapshot's panels are built one a tick (prepare), not all at once in one long stall
        if h is not None and (final or self.hidden.prepare(h.meta["states"])):
            self._latest_hidden = None
            names = h.meta["states"]
            self.hidden.set_read_order(h.meta["read"])
            self.hidden.set_states(h.arrays["image"], {n: h.arrays[n] for n in names}, h.meta)
