"""Compare runs (RNN vs LSTM vs GRU): overlaid loss, accuracy and gradient-through-time curves,
a table of the figures and a verdict in plain words, all computed from the numbers given.

A run is a dict: label, cell, params, seconds, val_accuracy, test_accuracy (or None), grad_ratio,
history {epoch, train_loss, val_loss, val_accuracy} and grad_norms (T,). Every key but label may be
missing while a run is still training; the view shows what it has.
"""
from __future__ import annotations

from html import escape as html_escape

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from gui.views.grad_curve import (CELL_ORDER, GradientCurveView, cell_color, cell_name, fit_axes,
                                  gradient_ratio, orders_words, ratio_meaning, ratio_text)
from gui.views.figure_export import Figure, snapshot, write
from gui.views.loss_plot import GridAxis

COLUMNS = ("cell", "parameters", "training\ntime", "best validation\naccuracy", "test\naccuracy",
           "gradient ratio\n(step 1 ÷ last)", "the gradient ratio\nin plain words")
COLUMN_TIPS = (
    "the recurrent cell of the run",
    "how many numbers the network learns",
    "wall-clock seconds the training took",
    "the highest accuracy on the validation set over all epochs",
    "accuracy on the test set, measured once at the end",
    "size of the gradient reaching the first time step divided by the one at the last step;\n"
    "1e-07 means the first step gets a ten-millionth of the learning signal",
    "what the gradient ratio means for learning",
)


def run_name(run: dict) -> str:
    label, cell = str(run.get("label", "")), str(run.get("cell", ""))
    if not cell or label.lower() == cell.lower():
        return cell_name(cell or label)
    return f"{label} ({cell_name(cell)})"


def run_grad_ratio(run: dict) -> float:
    """The run's grad_ratio, else one computed from its grad_norms, else nan."""
    ratio = run.get("grad_ratio")
    if ratio is not None and np.isfinite(ratio):
        return float(ratio)
    norms = run.get("grad_norms")
    return gradient_ratio(norms) if norms is not None else float("nan")


def series(history: dict, key: str) -> np.ndarray:
    """history[key] as float64 (None -> nan); empty if missing. Lists and arrays alike."""
    values = history.get(key) if history else None
    if values is None:
        return np.empty(0)
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def best_val(run: dict) -> float | None:
    """Best validation accuracy (a fraction) over the history and the run's own figure."""
    values = series(run.get("history") or {}, "val_accuracy")
    if run.get("val_accuracy") is not None:
        values = np.append(values, float(run["val_accuracy"]))
    values = values[np.isfinite(values)]
    return float(values.max()) if values.size else None


def percent(value: float | None) -> str:
    """A fraction as "97.3 %"; "–" when there is none."""
    return "–" if value is None or not np.isfinite(value) else f"{100 * value:.1f} %"


def compare_verdict(runs: list[dict], unit: str = "steps") -> str:
    """A few short paragraphs (plain text) a student can read: who learned best, how far apart the
    gradients are and what that means, and what the better cells cost."""
    if not runs:
        return "No runs to compare yet."
    paragraphs = []
    use_test = all(r.get("test_accuracy") is not None for r in runs)
    scored = [(r, r["test_accuracy"] if use_test else best_val(r)) for r in runs]
    scored = [(r, float(s)) for r, s in scored if s is not None and np.isfinite(s)]
    if scored:
        scored.sort(key=lambda rs: -rs[1])
        best, score = scored[0]
        which = "test accuracy" if use_test else "best validation accuracy"
        others = ", ".join(f"{run_name(r)} {percent(s)}" for r, s in scored[1:])
        text = f"{run_name(best)} learned best: {percent(score)} {which}"
        paragraphs.append(text + (f" (then {others})." if others else "."))
        if len(scored) > 1 and score - scored[-1][1] < 0.005:
            paragraphs.append("The accuracies are within half a point of each other: on this task the cells "
                              "learn about equally well.")

    ratios = [(r, run_grad_ratio(r)) for r in runs]
    ratios = [(r, q) for r, q in ratios if np.isfinite(q) and q > 0]
    if ratios:
        ratios.sort(key=lambda rq: rq[1])
        listed = "; ".join(f"{run_name(r)} {ratio_text(q)}" for r, q in ratios)
        text = f"Gradient reaching step 1, as a share of the one at the last step: {listed}."
        if len(ratios) > 1:
            worst, low = ratios[0]
            good, high = ratios[-1]
            orders = np.log10(high) - np.log10(low)
            text += f" {run_name(good)} and {run_name(worst)} are {orders_words(orders)} apart."
        paragraphs.append(text)
        if len(ratios) > 1:
            cells = (str(worst.get("cell", "")).lower(), str(good.get("cell", "")).lower())
            gated = cells[0] == "rnn" and cells[1] in ("lstm", "gru")
            if orders >= 1 and gated:
                paragraphs.append(
                    f"What it means: in the {run_name(worst)} the learning signal fades on its way back through "
                    f"time, so {ratio_meaning(low, unit)}: it learns mostly from the last {unit} it read. "
                    f"The {run_name(good)} passes the signal back through its gates almost unchanged, so "
                    f"{ratio_meaning(high, unit)}. This is the vanishing-gradient problem that LSTM and GRU "
                    "were designed to fix.")
            elif orders >= 1:
                paragraphs.append(
                    f"What it means: the learning signal of {run_name(worst)} fades more on its way back "
                    f"through time than that of {run_name(good)}, so in {run_name(worst)} "
                    f"{ratio_meaning(low, unit)}.")
            else:
                paragraphs.append(f"What it means: the gradients are of similar size, so the first {unit} teach "
                                  "of every run about equally.")
        else:
            paragraphs.append(f"What it means for {run_name(ratios[0][0])}: {ratio_meaning(ratios[0][1], unit)}.")

    base = next((r for r in runs if str(r.get("cell", "")).lower() == "rnn"), None)
    if base is not None and base.get("params"):
        costs = []
        for r in runs:
            if r is base or not r.get("params"):
                continue
            cost = f"{run_name(r)} has {r['params'] / base['params']:.1f}× the parameters"
            if base.get("seconds") and r.get("seconds"):
                cost += f" and took {r['seconds'] / base['seconds']:.1f}× as long"
            costs.append(cost)
        if costs:
            paragraphs.append("The price: " + "; ".join(costs) + f" as {run_name(base)} (its gates need "
                              "their own weights).")
    running = [run_name(r) for r in runs if r.get("running")]
    if running:
        paragraphs.append(f"Still training: {', '.join(running)}. The figures will change.")
    return "\n\n".join(paragraphs)


class _Curves:
    """The loss or accuracy plot: one PlotDataItem per (run, series), reused across updates."""

    def __init__(self, title: str, y_label: str, legend_offset):
        self.widget = pg.PlotWidget(axisItems={"left": GridAxis("left"), "bottom": GridAxis("bottom")})
        self.item = self.widget.getPlotItem()
        self.item.showGrid(x=True, y=True, alpha=0.25)
        self.item.setMenuEnabled(False)
        for side in ("left", "bottom"):
            self.item.getAxis(side).enableAutoSIPrefix(False)
        self.legend = self.item.addLegend(offset=legend_offset)
        self.title, self.y_label = title, y_label
        self.items: dict[tuple[str, str], pg.PlotDataItem] = {}

    def set_curve(self, label: str, series: str, x, y, color: str, dashed: bool, name: str | None) -> None:
        item = self.items.get((label, series))
        if item is None:
            style = QtCore.Qt.PenStyle.DashLine if dashed else QtCore.Qt.PenStyle.SolidLine
            item = pg.PlotDataItem([], [], pen=pg.mkPen(color, width=3 if not dashed else 2, style=style),
                                   name=name, connect="finite")
            self.item.addItem(item)
            self.items[(label, series)] = item
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        n = min(len(x), len(y))
        symbol = "o" if n == 1 else None  # one epoch draws no line: show a dot
        item.setData(x[:n], y[:n], symbol=symbol, symbolBrush=color, symbolPen=color, symbolSize=9)

    def clear(self) -> None:
        for item in self.items.values():
            self.item.removeItem(item)
        self.items = {}

    def apply_font(self, font: QtGui.QFont, pt: float) -> None:
        self.item.setTitle(self.title, size=f"{pt + 1}pt")
        for side, text in (("left", self.y_label), ("bottom", "epoch")):
            axis = self.item.getAxis(side)
            axis.setTickFont(font)
            axis.setLabel(text, **{**axis.labelStyle, "font-size": f"{pt}pt"})
        self.legend.setLabelTextSize(f"{pt}pt")
        fit_axes(self.item, font)


class CompareView(QtWidgets.QWidget):
    """Several runs side by side: curves on top, table and verdict below, an export button."""

    exportRequested = QtCore.Signal()
    figureRequested = QtCore.Signal()  # Export figure…: the plots as PNG / SVG
    tableRequested = QtCore.Signal()  # Table…: the table as CSV / markdown

    def __init__(self, font_size: float = 12, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self._runs: dict[str, dict] = {}
        self._font_size = font_size
        self._unit = "steps"
        self.loss = _Curves("Loss (solid: training, dashed: validation)", "loss", (-10, 10))
        self.accuracy = _Curves("Validation accuracy", "accuracy (%)", (-10, -10))
        self.gradients = GradientCurveView(font_size=font_size)
        self.gradients.set_title("Gradient through time")

        self.table = QtWidgets.QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        for col, tip in enumerate(COLUMN_TIPS):
            self.table.horizontalHeaderItem(col).setToolTip(tip)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setDefaultAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.table.setWordWrap(False)
        self.table.setSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Fixed)
        self.verdict = QtWidgets.QTextBrowser()
        self.verdict.setPlaceholderText("The verdict appears when runs are compared.")
        self.export_button = QtWidgets.QPushButton("Export report…")
        self.export_button.setToolTip("Save the plots, the table and the verdict as one report")
        self.export_button.clicked.connect(self.exportRequested)
        self.figure_button = QtWidgets.QPushButton("Export figure…")
        self.figure_button.setToolTip("The three plots and the verdict as PNG or SVG, at a size and DPI you choose")
        self.figure_button.clicked.connect(self.figureRequested)
        self.table_button = QtWidgets.QPushButton("Table…")
        self.table_button.setToolTip("The table as CSV or markdown, copied to the clipboard or saved")
        self.table_button.clicked.connect(self.tableRequested)

        plots = QtWidgets.QHBoxLayout()
        plots.setContentsMargins(0, 0, 0, 0)
        for widget in (self.loss.widget, self.accuracy.widget, self.gradients):
            plots.addWidget(widget, 1)
        top = QtWidgets.QWidget()
        top.setLayout(plots)
        lower = QtWidgets.QWidget()
        words = QtWidgets.QHBoxLayout(lower)
        words.setContentsMargins(0, 0, 0, 0)
        words.addWidget(self.verdict, 1)
        buttons = QtWidgets.QVBoxLayout()
        buttons.addStretch(1)
        for button in (self.table_button, self.figure_button, self.export_button):
            buttons.addWidget(button)
        words.addLayout(buttons)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(top, 3)
        layout.addWidget(self.table)  # as tall as its rows (_fit_table)
        layout.addWidget(lower, 1)
        self.set_font_size(font_size)

    # ---- data -------------------------------------------------------------------------
    def set_runs(self, runs: list[dict]) -> None:
        """Replace all runs."""
        self._runs = {}
        self.loss.clear()
        self.accuracy.clear()
        self.gradients.clear()
        for run in runs:
            self._runs[str(run["label"])] = dict(run)
            self._draw_run(self._runs[str(run["label"])])
        self._refresh_summary()

    def update_run(self, run: dict) -> None:
        """Add a run, or replace the one with the same label (a live run's growing history)."""
        label = str(run["label"])
        self._runs[label] = {**self._runs.get(label, {}), **run}
        self._draw_run(self._runs[label])
        self._refresh_summary()

    def runs(self) -> list[dict]:
        return list(self._runs.values())

    def verdict_text(self) -> str:
        return self.verdict.toPlainText()

    def table_text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    # ---- appearance -------------------------------------------------------------------
    def set_axis_label(self, text: str, unit: str | None = None) -> None:
        """The gradient plot's x label, e.g. "time step (row read)"; the verdict uses its unit."""
        self.gradients.set_axis_label(text, unit)
        self._unit = self.gradients.unit()
        self._refresh_summary()

    def set_font_size(self, pt: float) -> None:
        self._font_size = pt
        font = QtGui.QFont(self.font())
        font.setPointSizeF(pt)
        for curves in (self.loss, self.accuracy):
            curves.apply_font(font, pt)
        self.gradients.set_font_size(pt)
        for widget in (self.table, self.verdict, self.export_button, self.figure_button, self.table_button):
            widget.setFont(font)
        self.table.horizontalHeader().setFont(font)
        self.verdict.setMinimumHeight(6 * QtGui.QFontMetrics(font).lineSpacing())
        self._fit_table()

    def figure(self) -> Figure:
        """Loss, accuracy and gradient curves side by side from their data, the verdict under them."""
        return Figure([snapshot(self.loss.item), snapshot(self.accuracy.item), snapshot(self.gradients.plot_item())],
                      self.verdict_text(), columns=3)

    def export_png(self, path: str) -> None:
        """The figure at the default export size, drawn from the data (the table: File ▸ Export table)."""
        write(self.figure(), path)

    # ---- internals --------------------------------------------------------------------
    def _draw_run(self, run: dict) -> None:
        label, cell = str(run["label"]), str(run.get("cell", run["label"])).lower()
        extra = [c for c in dict.fromkeys(str(r.get("cell", "")).lower() for r in self._runs.values())
                 if c not in CELL_ORDER]
        color = cell_color(cell, extra.index(cell) if cell in extra else 0)
        name = run_name(run)
        history = run.get("history") or {}
        epochs = series(history, "epoch")
        if not epochs.size:
            epochs = np.arange(1, len(series(history, "train_loss")) + 1, dtype=np.float64)
        for key, dashed in (("train_loss", False), ("val_loss", True)):
            values = series(history, key)
            if values.size:
                self.loss.set_curve(label, key, epochs, values, color, dashed, None if dashed else name)
        accuracy = series(history, "val_accuracy")
        if accuracy.size:
            self.accuracy.set_curve(label, "val_accuracy", epochs, 100 * accuracy, color, False, name)
        if run.get("grad_norms") is not None and np.size(run["grad_norms"]) > 1:
            last_epoch = int(epochs[-1]) if epochs.size and np.isfinite(epochs[-1]) else 0
            self.gradients.add_norms(label, cell, np.asarray(run["grad_norms"]), last_epoch, step_word="epoch",
                                     which=str(run.get("grad_source", "")))

    def _fit_table(self) -> None:
        """Height for the header and every row (at least one), so no row hides behind a scroll bar."""
        self.table.resizeRowsToContents()
        rows = sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        rows = max(rows, self.table.verticalHeader().defaultSectionSize())
        bar = self.table.horizontalScrollBar().sizeHint().height()
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height() + rows + bar
                                  + 2 * self.table.frameWidth())

    def _refresh_summary(self) -> None:
        runs = self.runs()
        self.table.setRowCount(len(runs))
        scores = [best_val(r) for r in runs]
        top = max((s for s in scores if s is not None), default=None)
        for row, run in enumerate(runs):
            ratio = run_grad_ratio(run)
            seconds = run.get("seconds")
            ended = {"stopped": " (stopped early)", "failed": " (failed)"}.get(run.get("reason", ""), "")
            values = (run_name(run) + (" (training…)" if run.get("running") else ended),
                      f"{int(run['params']):,}" if run.get("params") is not None else "–",
                      f"{seconds:.1f} s" if seconds is not None else "–",
                      percent(scores[row]),
                      percent(run.get("test_accuracy")),
                      f"{ratio:.1e}" if np.isfinite(ratio) else "–",
                      ratio_meaning(ratio, self._unit))
            for col, text in enumerate(values):
                item = self.table.item(row, col)
                if item is None:
                    item = QtWidgets.QTableWidgetItem()
                    self.table.setItem(row, col, item)
                item.setText(text)
                if 0 < col < 6:
                    item.setTextAlignment(QtCore.Qt.AlignmentFlag.AlignRight | QtCore.Qt.AlignmentFlag.AlignVCenter)
                font = item.font()
                font.setBold(top is not None and scores[row] == top and col == 3)
                item.setFont(font)
            self.table.item(row, 0).setForeground(QtGui.QColor(cell_color(str(run.get("cell", "")))))
        for col in range(len(COLUMNS) - 1):  # the last column stretches and wraps
            self.table.resizeColumnToContents(col)
        self._fit_table()
        paragraphs = compare_verdict(runs, self._unit).split("\n\n")
        html = "".join(f"<p style='margin:0 0 6px 0'>{'<b>' * (i == 0)}{html_escape(p)}{'</b>' * (i == 0)}</p>"
                       for i, p in enumerate(paragraphs))  # the winner in bold, little space between
        self.verdict.setHtml(html)
