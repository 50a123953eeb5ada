"""Run > Sweep...: an Optuna study over the window's settings (engine/sweep.py), each trial a run of the library.

The space is a table, a setting a row: its values as a list ("rnn, lstm, gru", "32, 64") or a range
("0.0001 .. 0.01", with Log for a logarithmic scale). The sweep runs as its own processes (gui/sweep_watch.py);
the dialog shows its trials as they end, the best one, every trial across the settings (parallel coordinates)
and the validation figure against one setting."""
from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QFormLayout, QHBoxLayout,
                               QHeaderView, QLabel, QPushButton, QSpinBox, QSplitter, QTableWidget,
                               QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from gui.sweep_watch import SweepRun
from gui.views.sweep_plots import MetricVsSetting, ParallelCoordinates

SETTINGS = ("cell", "hidden", "layers", "lr", "dropout", "batch", "weight_decay", "epochs", "optimizer", "read",
            "bidirectional", "clip", "schedule")
STARTING_SPACE = (("cell", "", False), ("hidden", "32, 64, 128", False), ("lr", "0.0005 .. 0.005", True))


def parse_value(text: str):
    text = text.strip()
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def row_space(name: str, text: str, log: bool):
    """One table row as the space's entry: a range for "low .. high", else a list of values."""
    if ".." in text:
        low, _, high = text.partition("..")
        entry = {"low": parse_value(low), "high": parse_value(high)}
        return {**entry, "log": True} if log else entry
    return [parse_value(part) for part in text.split(",") if part.strip()]


class SweepDialog(QDialog):
    def __init__(self, base_config, parent=None):
        """`base_config()`: the window's settings as a dict (with the loaded data's spec), read at Start."""
        super().__init__(parent)
        self.setWindowTitle("Sweep")
        self.base_config = base_config
        self.run = SweepRun(self)
        self.run.summary.connect(self.show_summary)
        self.run.ended.connect(self._ended)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._settings_panel())
        splitter.addWidget(self._results_panel())
        splitter.setStretchFactor(0, 2)  # the space's values must stay readable ("0.0001 .. 0.01")
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        self.resize(1180, 640)

    # ---- the space and the sweep's settings ----
    def _settings_panel(self) -> QWidget:
        panel = QWidget()
        self.space = QTableWidget(0, 3)
        self.space.setHorizontalHeaderLabels(["Setting", "Values", "Log"])
        header = self.space.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        panel.setMinimumWidth(380)
        self.space.setToolTip("A list (rnn, lstm, gru / 32, 64) or a range (0.0001 .. 0.01; Log: a log scale)")
        add, remove = QPushButton("Add setting"), QPushButton("Remove")
        add.clicked.connect(lambda: self.add_row("dropout", "0 .. 0.3", False))
        remove.clicked.connect(lambda: self.space.removeRow(max(self.space.currentRow(), 0)))
        self.trials, self.workers = QSpinBox(), QSpinBox()
        self.trials.setRange(1, 1000)
        self.trials.setValue(12)
        self.workers.setRange(1, 64)
        self.workers.setValue(1)
        self.workers.setToolTip("Worker processes on this machine; each takes its share of the cores")
        self.sampler = QComboBox()
        self.sampler.addItems(["auto", "grid", "tpe"])
        self.sampler.setToolTip("grid: every combination of listed values; tpe: Bayesian; auto: grid when every "
                                "setting is a list")
        self.prune = QCheckBox("Stop poor trials early (median pruner)")
        self.start_button, self.stop_button = QPushButton("Start sweep"), QPushButton("Stop")
        self.stop_button.setEnabled(False)
        self.start_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.run.stop)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form = QFormLayout()
        form.addRow("Trials", self.trials)
        form.addRow("Workers", self.workers)
        form.addRow("Search", self.sampler)
        layout = QVBoxLayout(panel)
        layout.addWidget(QLabel("Search space"))
        layout.addWidget(self.space, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        layout.addLayout(buttons)
        layout.addLayout(form)
        layout.addWidget(self.prune)
        runs = QHBoxLayout()
        runs.addWidget(self.start_button)
        runs.addWidget(self.stop_button)
        layout.addLayout(runs)
        layout.addWidget(self.message)
        for name, values, log in STARTING_SPACE:
            self.add_row(name, values, log)
        return panel

    def add_row(self, name: str, values: str, log: bool) -> None:
        row = self.space.rowCount()
        self.space.insertRow(row)
        choice = QComboBox()
        choice.setEditable(True)  # any setting or task option (options.NAME)
        choice.addItems(SETTINGS)
        choice.setCurrentText(name)
        self.space.setCellWidget(row, 0, choice)
        self.space.setItem(row, 1, QTableWidgetItem(values))
        check = QTableWidgetItem()
        check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        check.setCheckState(Qt.CheckState.Checked if log else Qt.CheckState.Unchecked)
        self.space.setItem(row, 2, check)

    def space_dict(self) -> dict:
        space = {}
        for row in range(self.space.rowCount()):
            name = self.space.cellWidget(row, 0).currentText().strip()
            text = self.space.item(row, 1).text() if self.space.item(row, 1) else ""
            log = self.space.item(row, 2).checkState() == Qt.CheckState.Checked
            if name:
                space[name] = row_space(name, text, log)
        return space

    @Slot()
    def start(self) -> None:
        from engine.config import RunConfig  # torch-free
        from engine.errors import UserError
        from engine.sweep import need_optuna
        from engine.sweep_space import parse_space

        base = dict(self.base_config())
        if not base.get("data"):
            self.say("Load data first: the trials train on the window's data.")
            return
        if not self.space_row_filled("cell"):
            self._fill_cells(base.get("task", "classify"))
        try:
            need_optuna()
            space = self.space_dict()
            parse_space(space, RunConfig.from_dict({**base, "out": ""}))
        except UserError as error:
            self.say(f"{error.message} {error.hint}".strip())
            return
        folder = self.run.start(base, space, self.trials.value(), self.workers.value(),
                                self.sampler.currentText(), self.prune.isChecked())
        self.say(f"Running in {folder} (each trial is a run there; the Runs browser lists them).")
        self._busy(True)

    def showEvent(self, event) -> None:
        """The cell row shows the cells the chosen task takes (rnn, lstm, gru or their convolutional kin)."""
        super().showEvent(event)
        if not self.space_row_filled("cell"):
            self._fill_cells(self.base_config().get("task", "classify"))

    def space_row_filled(self, name: str) -> bool:
        for row in range(self.space.rowCount()):
            if self.space.cellWidget(row, 0).currentText() == name:
                return bool(self.space.item(row, 1).text().strip())
        return True

    def _fill_cells(self, task: str) -> None:
        """The cell row left empty means every cell the task takes."""
        from engine.tasks import registry

        for row in range(self.space.rowCount()):
            if self.space.cellWidget(row, 0).currentText() == "cell":
                self.space.item(row, 1).setText(", ".join(registry.spec(task).cells))

    def say(self, text: str) -> None:
        self.message.setText(text)

    def _busy(self, busy: bool) -> None:
        self.start_button.setEnabled(not busy)
        self.stop_button.setEnabled(busy)

    @Slot(str)
    def _ended(self, text: str) -> None:
        self._busy(False)
        self.say(text)

    # ---- the trials ----
    def _results_panel(self) -> QWidget:
        panel = QWidget()
        self.best = QLabel("No trial yet.")
        self.best.setWordWrap(True)
        self.best.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(0, 0)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.parallel, self.scatter = ParallelCoordinates(), MetricVsSetting()
        plots = QTabWidget()
        plots.addTab(self.parallel, "Every setting")
        plots.addTab(self.scatter, "Figure against a setting")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(plots)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(panel)
        layout.addWidget(self.best)
        layout.addWidget(split, 1)
        return panel

    @Slot(object)
    def show_summary(self, summary: dict) -> None:
        """The study as it stands: the trials table, the best trial and both plots."""
        trials = summary["trials"]
        names = list(dict.fromkeys(k for t in trials for k in t["params"]))
        columns = ["trial", "state", self._metric_name(summary), *names, "seconds", "run folder"]
        self.table.setColumnCount(len(columns))
        self.table.setHorizontalHeaderLabels(columns)
        self.table.setRowCount(len(trials))
        for row, trial in enumerate(trials):
            value = "" if trial["value"] is None else f"{trial['value']:.4g}"
            seconds = "" if trial["seconds"] is None else f"{trial['seconds']:.0f}"
            cells = [str(trial["number"]), trial["state"].lower(), value,
                     *[_text(trial["params"].get(n)) for n in names], seconds, trial["run"]]
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        best = summary["best"]
        if best:
            settings = ", ".join(f"{k} {_text(v)}" for k, v in best["params"].items())
            self.best.setText(f"Best: trial {best['number']}, {self._metric_name(summary)} {best['value']:.4g} "
                              f"({settings}); run folder {best['run']}")
        done = [t for t in trials if t["state"] == "COMPLETE" and t["value"] is not None]
        lower = summary.get("direction") == "minimize"
        args = (names, [t["params"] for t in done], [t["value"] for t in done], lower, self._metric_name(summary))
        self.parallel.set_trials(*args)
        self.scatter.set_trials(*args)

    @staticmethod
    def _metric_name(summary: dict) -> str:
        return f"val {summary.get('metric') or 'value'}"

    def closeEvent(self, event) -> None:
        if self.run.running:  # the window keeps its sweep going only while the dialog is open
            self.run.shutdown()
        super().closeEvent(event)


def _text(value) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)
