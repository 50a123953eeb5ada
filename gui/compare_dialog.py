"""Compare cells…: train RNN, LSTM and GRU (those ticked) one after another on the loaded data, same split
and seed, with the model panel's other settings; the comparison view fills in live, run by run, and the
HTML report (engine.report) can be saved when it is done. The training runs on a worker thread.
"""
from __future__ import annotations

import shutil
import time
from pathlib import Path

from PySide6.QtCore import QThread, Signal, Slot
from PySide6.QtWidgets import (QCheckBox, QDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton,
                               QSpinBox, QVBoxLayout)

from engine import presets
from engine.tasks import registry
from gui import screen_fit
from gui.compare_runs import LiveRuns, final_run
from gui.compare_worker import CompareWorker
from gui.figure_actions import FigureExports
from gui.table_actions import TableExports
from gui.run_status import clock
from gui.step_axis import axis_label
from gui.views.compare_view import CompareView
from gui.views.grad_curve import cell_name
from gui.views.table_text import from_widget
from gui.threads import ThreadKeeper

CELLS = ("rnn", "lstm", "gru")
PLAIN = {key: presets.COMPARE_DEFAULTS[key] for key in ("layers", "bidirectional", "augment", "dropout")}
CELL_TIPS = {"rnn": "plain tanh RNN: its gradient fades over long sequences",
             "lstm": "LSTM: forget, input and output gates around a cell state",
             "gru": "GRU: update and reset gates, fewer weights than an LSTM"}


class CompareDialog(QDialog):
    busyChanged = Signal(bool)  # a comparison started (True) or ended: the window's Train waits meanwhile

    def __init__(self, session, model_panel, dialogs, font_size: float = 12, parent=None):
        super().__init__(parent)
        self.session, self.model_panel, self.dialogs = session, model_panel, dialogs
        self.setWindowTitle("Compare cells")
        self.setObjectName("compare dialog")
        self.boxes = {}
        cells = QHBoxLayout()
        cells.addWidget(QLabel("Cells:"))
        for cell in CELLS:
            box = self.boxes[cell] = QCheckBox(cell.upper())
            box.setChecked(True)
            box.setToolTip(CELL_TIPS[cell])
            cells.addWidget(box)
        self.epochs = _spin(1, 1000, 5, "Passes over the training data for every run")
        self.hidden = _spin(1, 2048, 64, "Units in each recurrent layer, the same for every run")
        self.plain = QCheckBox("one layer, one direction, no augmentation")
        self.plain.setChecked(True)
        self.plain.setToolTip("As `main.py compare` does: the gradient has one path back through time, so the "
                              "curves are easy to read.\nUntick to use the model panel's layers, direction, "
                              "augmentation and dropout.")
        self.plain.toggled.connect(self._describe_settings)
        self.start_button = QPushButton("Start")
        self.start_button.setToolTip("Train the ticked cells one after another")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the current run (its best model so far is kept) and skip the rest")
        self.cancel_button.setEnabled(False)
        for label, widget in (("epochs", self.epochs), ("hidden", self.hidden)):
            cells.addSpacing(12)
            cells.addWidget(QLabel(label))
            cells.addWidget(widget)
        cells.addSpacing(12)
        cells.addWidget(self.plain)
        cells.addStretch(1)
        cells.addWidget(self.start_button)
        cells.addWidget(self.cancel_button)
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setMinimumWidth(240)
        self.status = QLabel("Tick the cells to compare and press Start.")
        status = QHBoxLayout()
        status.addWidget(self.progress)
        status.addWidget(self.status, 1)
        self.view = CompareView(font_size=font_size)
        layout = QVBoxLayout(self)
        layout.addLayout(cells)
        layout.addWidget(self.about)
        layout.addLayout(status)
        layout.addWidget(self.view, 1)
        # a share of the screen it opens on (1300x860 put Export report off a 1280x720 projector)
        self.resize(screen_fit.first_size(screen_fit.available(parent), self.minimumSizeHint()))
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.view.exportRequested.connect(self.export_report)
        self.figures = FigureExports(dialogs, lambda: session.spec, self)  # the plots as PNG / SVG
        self.figures.add("Cell comparison", self.view.figure)
        self.view.figureRequested.connect(self.figures.choose)
        self.tables = TableExports(dialogs, lambda: session.spec, self)  # the table as CSV / markdown
        self.tables.add("Cell comparison", lambda: from_widget(self.view.table, "Compare cells: " + ", ".join(
            self.chosen_cells()).upper()))
        self.view.tableRequested.connect(self.tables.choose)

        self.result = None  # Comparison.run()'s dict once a comparison ended
        self._busy = False
        self.live: LiveRuns | None = None
        self._worker: CompareWorker | None = None
        self._thread: QThread | None = None
        self.threads = ThreadKeeper(self)  # comparisons, kept until their threads have finished
        self._pending = {}  # the newest dict per run, drawn at the next tick
        self._out = None
        self._closed = False
        self._cancelled = False
        self._started_at = 0.0

    def showEvent(self, event) -> None:
        if not self.running:
            self._describe_settings()
        super().showEvent(event)  # the window's DialogsOnScreen then fits it onto its screen (gui/screen_fit.py)

    def settings(self) -> dict:
        """The runs' shared settings: the model panel's, with the dialog's epochs, hidden size and choices."""
        cfg = {**self.model_panel.config(), "epochs": self.epochs.value(), "hidden": self.hidden.value(),
               "data": self.session.spec}
        if self.plain.isChecked():
            cfg.update(PLAIN)
        return cfg

    @Slot()
    def _describe_settings(self) -> None:
        if self.sender() is not self.plain:
            self.hidden.setValue(self.model_panel.config()["hidden"])
        cfg = self.settings()
        spec = self.session.spec or "no data loaded yet"
        extra = []
        if cfg["layers"] > 1 or cfg["bidirectional"]:
            extra.append("tip: one layer, one direction gives the gradient a single path back through time")
        self.about.setText(
            f"Data: <b>{spec}</b> · reading {cfg['read']} · seed {cfg['seed']}. Every run uses the same split and "
            f"seed and the model panel's other settings (learning rate {cfg['lr']:g}, batch {cfg['batch']}, "
            f"{cfg['layers']} layer{'s' * (cfg['layers'] > 1)}, "
            f"{'both directions' if cfg['bidirectional'] else 'one direction'}"
            f"{', augmented' * cfg['augment']})."
            + ("<br><i>" + "; ".join(extra) + "</i>" if extra else ""))

    @property
    def running(self) -> bool:
        """From Start until the comparison's end has been handled here (its thread may end a moment before)."""
        return self._busy or (self._thread is not None and self._thread.isRunning())

    def chosen_cells(self) -> list[str]:
        return [cell for cell, box in self.boxes.items() if box.isChecked()]

    # ---- start / cancel ----
    @Slot()
    def start(self) -> None:
        if self.running:
            return
        session = self.session
        cells = self.chosen_cells()
        problem = ("No data", "Load data before comparing.", "File ▸ Demo data loads handwritten digits.") \
            if session.data is None else \
            ("Pick cells", "Tick at least one cell to train.", "Tick RNN, LSTM and GRU to see the difference.") \
            if not cells else \
            ("A training is running", "The window is training a model.", "Wait for it or stop it (Esc) first.") \
            if session.running else \
            ("This data is not for this task", f"{session.spec} is data for {', '.join(session.data.tasks)}.",
             "Pick its task in the model panel, or load other data.") \
            if not session.data.fits(self.model_panel.current_task()) else None
        if problem is not None:
            self.dialogs.error(*problem)
            return
        config = self.settings()
        from engine.runs.folder import new_run_dir  # torch-free

        # a folder of the run library holding one run per cell: reopened and extended like any run
        self._out = new_run_dir(session.runs_dir, "compare", str(config.get("task", "")))
        self.result, self._cancelled, self._pending = None, False, {}
        self.live = LiveRuns(cells)
        self.view.set_runs([])
        self.view.set_axis_label(axis_label(registry.spec(config["task"]).steps_are(config)))
        self._worker = CompareWorker(config, cells, str(self._out))
        self._worker.event.connect(self.on_event)
        self._worker.finished.connect(self.on_finished)
        self._worker.failed.connect(self.on_failed)
        self._worker.done.connect(self.on_done)
        self._thread = self.threads.start(self._worker, "comparison")
        if self._thread is None:  # the window is closing
            return
        self._started_at = time.monotonic()
        self._set_busy(True)
        self.status.setText(f"starting: {', '.join(c.upper() for c in cells)} one after another…")
        self.progress.setValue(0)

    @Slot()
    def cancel(self) -> None:
        if self._worker is not None and self.running:
            self._cancelled = True
            self._worker.stop()
            self.status.setText("stopping: the current run ends, the rest are skipped…")

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.start_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        for widget in (*self.boxes.values(), self.epochs, self.hidden, self.plain):
            widget.setEnabled(not busy)
        self.busyChanged.emit(busy)

    # ---- from the worker (queued into this thread) ----
    @Slot(str, object)
    def on_event(self, name: str, event) -> None:
        from engine import events

        if self._closed or self.live is None:
            return
        run = self.live.on_event(name, event)
        if run is not None:
            self._pending[name] = run
        if isinstance(event, events.Failed):
            self.status.setText(f"{cell_name(name)} failed: {event.message}")
        elif isinstance(event, (events.Progress, events.Started, events.Finished)):
            self._show_progress(name, event)
        if isinstance(event, (events.Started, events.Finished, events.Metrics)) and self._pending:
            self._draw_pending()

    def _show_progress(self, name: str, event) -> None:
        live = self.live
        self.progress.setValue(int(1000 * live.fraction_done()))
        p = live.progress
        which = f"run {live.index(name) + 1}/{len(live.names)}: {cell_name(name)}"
        if p is None:
            self.status.setText(f"{which} · starting")
            return
        eta = live.eta_s()
        self.status.setText(f"{which} · epoch {p.epoch}/{p.epochs} · step {p.step}/{p.steps_per_epoch} · "
                            f"loss {p.loss:.3f} · {p.samples_per_s:,.0f} samples/s"
                            + (f" · about {clock(eta)} left for all runs" if eta is not None else ""))
        self._draw_pending()

    def _draw_pending(self) -> None:
        """Redraw the runs that changed since the last draw (at most at the pace of progress reports)."""
        for run in self._pending.values():
            self.view.update_run(dict(run))
        self._pending = {}

    @Slot(object)
    def on_finished(self, result: dict) -> None:
        if self._closed:
            return
        self.result = result
        self.view.set_runs([final_run(name, run) for name, run in result["runs"].items()])
        done = len(result["runs"])
        total = len(self.live.names) if self.live else done
        word = "cancelled" if self._cancelled else "done"
        cut = [f"{cell_name(name)} stopped after {len(run.get('history') or [])} of {self.epochs.value()} epochs"
               for name, run in result["runs"].items() if run.get("reason") == "stopped"]
        failed = [cell_name(name) for name, run in result["runs"].items() if run.get("reason") == "failed"]
        notes = cut + ([f"{', '.join(failed)} failed"] if failed else [])
        self.status.setText(f"{word}: {done} of {total} run{'s' * (total > 1)} in "
                            f"{clock(time.monotonic() - self._started_at)}"
                            + (f" ({'; '.join(notes)}: not a fair comparison)" if notes else "")
                            + " · Export report… saves the plots, the table and the words as one HTML page")
        self.progress.setValue(1000 if not self._cancelled else self.progress.value())

    @Slot(str, str)
    def on_failed(self, message: str, hint: str) -> None:
        if not self._closed:
            self.status.setText(f"failed: {message}")
            self.dialogs.error("Comparison failed", message, hint)

    @Slot()
    def on_done(self) -> None:
        if self._closed:
            return
        if self._thread is not None:
            self._thread.wait(1000)  # `done` is the worker's last act: its thread ends a moment later
        self._set_busy(False)

    # ---- export ----
    @Slot()
    def export_report(self) -> None:
        report = Path(self.result["report"]) if self.result and self.result.get("report") else None
        if report is None or not report.is_file():
            self.dialogs.error("No report yet", "The report is written when a comparison ends.",
                               "Press Start and wait for the runs to finish (or Cancel: the finished runs are "
                               "reported).")
            return
        path = self.dialogs.save_file("Export comparison report", "comparison.html", "HTML (*.html)")
        if not path:
            return
        try:
            temp = Path(path).with_suffix(".part")
            shutil.copyfile(report, temp)
            temp.replace(path)
        except OSError as error:
            self.dialogs.error("Export failed", f"Could not write {path} ({error}).",
                               "Check the folder exists and is writable.")
            return
        self.status.setText(f"report saved: {path}")
        self.dialogs.written(path, f"Saved the comparison report: {path}")

    # ---- closing ----
    def shutdown(self, timeout_ms: int = 0) -> bool:
        """The main window closes: the comparison is aborted, nothing new starts, the dialog closes; True when
        its thread has ended after waiting up to `timeout_ms`."""
        self._closed = True
        self.threads.close()
        self.close()
        return self.threads.join(timeout_ms)


def _spin(low: int, high: int, value: int, tip: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    box.setToolTip(tip)
    return box
