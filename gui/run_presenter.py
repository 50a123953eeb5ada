"""Routes a run's signals from the Session to the views; views repaint on a 10 Hz timer, not per event."""
from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Slot

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

    @Slot(object)
    def on_started(self, event) -> None:
        self.last_started = event
        cfg = event.config
        label = f"{cfg['cell'].upper()} h{cfg['hidden']}" + (f"×{cfg['layers']}" if cfg["layers"] > 1 else "") + \
            (" bi" if cfg["bidirectional"] else "")
        self.curves.new_run(label)
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(0)
        self.progress_label.setText(f"starting · {event.parameters:,} parameters · {event.train_size:,} training images")

    @Slot(object)
    def on_progress(self, event) -> None:
        self._latest_progress = event

    @Slot(object)
    def on_metrics(self, event) -> None:
        epoch = event.epoch if event.split != "train" else (event.global_step / max(self._steps_per_epoch(), 1))
        for name, value in event.values.items():
            if name == "loss":
                self.curves.add_point("loss", event.split, event.global_step, epoch, value)
            elif name == "accuracy":
                self.curves.add_point("metric", event.split, event.global_step, epoch, value)

    def _steps_per_epoch(self) -> int:
        p = self._latest_progress
        return p.steps_per_epoch if p is not None else 1

    @Slot(object)
    def on_snapshot(self, event) -> None:
        if event.kind == "hidden":
            self._latest_hidden = event
        elif event.kind == "prediction":
            self.show_prediction(event)

    def show_prediction(self, event) -> None:
        self.last_prediction = event
        a, names = event.arrays, event.meta["class_names"]
        self.gallery.set_items(a["images"], a["true"], a["pred"], a["confidence"], names)
        self.confusion.set_matrix(a["confusion"], names)

    @Slot(object)
    def on_finished(self, event) -> None:
        self.last_finished = event
        self.repaint(final=True)
        acc = event.metrics.get("test_accuracy", event.metrics.get("val_accuracy"))
        text = {"done": "finished", "stopped": "stopped", "early_stop": "stopped early", "failed": "failed"}[event.reason]
        if acc is not None:
            text += f" · {'test' if 'test_accuracy' in event.metrics else 'validation'} accuracy {acc:.2%}"
        self.progress_label.setText(f"{text} · {clock(event.seconds)} · {event.samples_per_s:,.0f} samples/s")
        if event.reason == "done":
            self.progress_bar.setValue(self.progress_bar.maximum())

    @Slot(int)
    def on_probe_changed(self, index: int) -> None:
        if self.session.running:
            self.session.set_probe(index)
        elif self.session.predictor is not None and self.session.splits is not None:
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
        p = self._latest_progress
        if p is not None:
            self._latest_progress = None
            done = (p.epoch - 1 + p.step / p.steps_per_epoch) / p.epochs
            self.progress_bar.setValue(int(done * 1000))
            paused = " · paused" if self.session.state == "paused" else ""
            self.progress_label.setText(
                f"epoch {p.epoch}/{p.epochs} · step {p.step}/{p.steps_per_epoch} · loss {p.loss:.4f} · "
                f"{p.samples_per_s:,.0f} samples/s · ETA {clock(p.eta_s)}{paused}")
        h = self._latest_hidden
        # a first snapshot's panels are built one a tick (prepare), not all at once in one long stall
        if h is not None and (final or self.hidden.prepare(h.meta["states"])):
            self._latest_hidden = None
            names = h.meta["states"]
            self.hidden.set_read_order(h.meta["read"])
            self.hidden.set_states(h.arrays["image"], {n: h.arrays[n] for n in names}, h.meta)
