"""Compare runs of the library (Runs browser ▸ Compare): their curves overlaid, runs that differ only by their
seed as mean ± std bands, and a table of the settings that differ with the metrics (engine/runs/catalog.py:
compare, the same table as `main.py runs compare`), exported as CSV or markdown or copied.

Curves share axes only when the runs have the same task and selection metric: the most common such pair among
the selected runs is drawn and the others are named as left out (the table keeps every run).
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QApplication, QDialog, QHBoxLayout, QLabel, QPushButton, QSplitter, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from engine.runs import catalog
from engine.runs import folder as runs
from engine.tasks import registry
from gui.views.runs_overlay import RunsOverlay


def _axes(folder: Path) -> tuple[str, str]:
    """(task, selection metric) of a run: what its curves' axes mean."""
    record = runs.read_record(folder) or {}
    task = record.get("task") or catalog.read_config(folder).get("task", "")
    metric = (record.get("best") or {}).get("metric") or (
        registry.spec(task).selection_metric if task in registry.names() else "")
    return task, metric


def _series(histories: list[list[dict]], key: str, epochs: int):
    """(mean, std or None) over the runs of one group, epoch by epoch (nan where missing)."""
    values = np.full((len(histories), epochs), np.nan)
    for i, rows in enumerate(histories):
        for j, row in enumerate(rows[:epochs]):
            value = row.get(key)
            if isinstance(value, float):
                values[i, j] = value
    if np.isnan(values).all():
        return None, None
    with np.errstate(all="ignore"):
        mean = np.nanmean(values, axis=0) if len(histories) > 1 else values[0]
        std = np.nanstd(values, axis=0, ddof=1) if len(histories) > 1 else None
    return mean, std


def comparison(folders: list[str]) -> dict:
    """What the dialog shows (read off the GUI thread): the table, the curves of the comparable runs, the
    runs left out of the curves and the metric's name."""
    paths = [Path(f) for f in folders]
    table = catalog.compare(paths)
    axes = {str(p): _axes(p) for p in paths}
    (task, metric), _ = Counter(axes.values()).most_common(1)[0]
    left_out = [Path(p).name for p, a in axes.items() if a != (task, metric)]
    curves = []
    for row in table["rows"]:
        members = [p for p in row["paths"] if axes[p] == (task, metric)]
        if not members:
            continue
        histories = [catalog.read_history(Path(p)) for p in members]
        epochs = min(len(h) for h in histories)
        if epochs == 0:
            left_out.append(f"{row['run']} (no finished epoch yet)")
            continue
        curve = {"label": row["run"], "epochs": np.arange(1, epochs + 1, dtype=np.float64)}
        for series, key in (("val_loss", "val_loss"), ("train_loss", "train_loss"), ("metric", f"val_{metric}")):
            curve[series] = _series(histories, key, epochs)
        curves.append(curve)
    spec = registry.spec(task) if task in registry.names() else None
    label = spec.label(metric) if spec is not None else metric
    return {"table": table, "curves": curves, "left_out": left_out, "metric": label,
            "title": f"Validation {label}" + ((" (lower is better)" if spec.is_lower_better(metric) else
                                              " (higher is better)") if spec is not None else ""),
            "task": spec.title if spec is not None else task}


class RunsCompareDialog(QDialog):
    """The comparison of the runs chosen in the browser; `export(kind)` writes the table (kind "csv" or
    "markdown"), `copy()` puts its markdown on the clipboard."""

    def __init__(self, dialogs, parent=None):
        super().__init__(parent)
        self.dialogs = dialogs
        self.setWindowTitle("Compare runs")
        self.setObjectName("runs comparison")
        self.overlay = RunsOverlay()
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.table = QTableWidget(0, 0)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.buttons = {name: QPushButton(text) for name, text in (
            ("csv", "Export CSV…"), ("markdown", "Export markdown…"), ("copy", "Copy table"))}
        self.buttons["csv"].clicked.connect(lambda: self.export("csv"))
        self.buttons["markdown"].clicked.connect(lambda: self.export("markdown"))
        self.buttons["copy"].clicked.connect(self.copy)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.note)
        lower_layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        for button in self.buttons.values():
            row.addWidget(button)
        lower_layout.addLayout(row)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.overlay)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        QVBoxLayout(self).addWidget(split)
        self.data: dict | None = None
        self.resize(1000, 620)  # the window's dialog fitting shrinks it onto a smaller screen

    def show_comparison(self, data: dict) -> None:
        self.data = data
        self.overlay.set_curves(data["curves"], data["title"], data["metric"])
        header, body = catalog.table_cells(data["table"])
        self.table.setColumnCount(len(header))
        self.table.setRowCount(len(body))
        self.table.setHorizontalHeaderLabels(header)
        for r, cells in enumerate(body):
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        keys = data["table"]["keys"]
        parts = [f"{data['task']}: {len(data['curves'])} curve(s); runs that differ only by their seed are drawn "
                 "as mean ± std.", f"Settings that differ: {', '.join(keys)}." if keys else
                 "The runs have the same settings."]
        if data["left_out"]:
            parts.append(f"Left out of the curves (another task or metric, or no epoch yet): "
                         f"{', '.join(data['left_out'])}.")
        self.note.setText(" ".join(parts))

    def markdown(self) -> str:
        return catalog.markdown(self.data["table"]) if self.data else ""

    def export(self, kind: str, path: str = "") -> None:
        if self.data is None:
            return
        filters = "CSV (*.csv)" if kind == "csv" else "Markdown (*.md)"
        path = path or self.dialogs.save_file("Export the comparison", f"runs.{'csv' if kind == 'csv' else 'md'}",
                                              filters)
        if not path:
            return
        try:
            if kind == "csv":
                catalog.write_csv(self.data["table"], Path(path))
            else:
                Path(path).write_text(self.markdown(), encoding="utf-8")
        except OSError as error:
            self.dialogs.error("Cannot export the comparison", str(error), "Choose another folder.")
            return
        self.dialogs.written(path, f"Exported the comparison: {path}")

    def copy(self) -> None:
        QApplication.clipboard().setText(self.markdown())
        self.dialogs.status("Copied the comparison (markdown) to the clipboard.", 5000)
