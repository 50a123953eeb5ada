"""The Training tab: a loss plot above a metric plot, a log-scale switch and a steps/epochs chooser."""
from __future__ import annotations

import csv

from PySide6 import QtWidgets

from gui.views.figure_export import Figure, snapshot, write
from gui.views.loss_plot import CurvePlot

X_AXES = {"steps": ("step", "training step"), "epochs": ("epoch", "epoch")}


class TrainingCurves(QtWidgets.QWidget):
    """Loss and metric curves of the current run and up to eight faded earlier runs."""

    def __init__(self, metric_name: str = "accuracy", font_size: float = 12,
                 parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        keys = ("step", "epoch")
        self.loss_plot = CurvePlot("Loss", y_label="loss", x_label="training step", x_keys=keys,
                              font_size=font_size)
        # Accuracy-like curves rise to the top right, so their legend sits bottom right.
        self.metric_plot = CurvePlot(metric_name.capitalize(), y_label=metric_name,
                                x_label="training step", x_keys=keys, legend_offset=(-10, -10),
                                font_size=font_size)

        self.log_check = QtWidgets.QCheckBox("log scale (loss)")
        self.log_check.toggled.connect(self.loss_plot.set_log_y)
        self.x_axis_combo = QtWidgets.QComboBox()
        self.x_axis_combo.addItems(list(X_AXES))
        self.x_axis_combo.currentTextChanged.connect(self.set_x_axis)

        controls = QtWidgets.QHBoxLayout()
        controls.addWidget(self.log_check)
        controls.addSpacing(16)
        controls.addWidget(QtWidgets.QLabel("x axis:"))
        controls.addWidget(self.x_axis_combo)
        controls.addStretch(1)

        self._plots = QtWidgets.QWidget()
        plots_layout = QtWidgets.QVBoxLayout(self._plots)
        plots_layout.setContentsMargins(0, 0, 0, 0)
        plots_layout.addWidget(self.loss_plot, 1)
        plots_layout.addWidget(self.metric_plot, 1)

        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self._plots, 1)
        self._turn = 1  # refresh(one=True): the loss plot first

    def _plot(self, plot: str) -> CurvePlot:
        if plot == "loss":
            return self.loss_plot
        if plot == "metric":
            return self.metric_plot
        raise ValueError(f"plot must be 'loss' or 'metric', not {plot!r}")

    def add_point(self, plot: str, series: str, step: float, epoch: float, y: float) -> None:
        """Append a point to "loss" or "metric"; both x values are kept. No redraw."""
        self._plot(plot).add_point(series, (step, epoch), y)

    def refresh(self, one: bool = False) -> None:
        """Push new points to the plots; `one`: to one plot only, each in turn (a live repaint of one plot
        keeps the GUI thread busy half as long, so other events wait less)."""
        if not one:
            self.loss_plot.refresh()
            self.metric_plot.refresh()
            return
        self._turn = 1 - self._turn
        (self.loss_plot, self.metric_plot)[self._turn].refresh()

    def new_run(self, label: str = "") -> None:
        self.loss_plot.new_run(label)
        self.metric_plot.new_run(label)

    def clear_all(self) -> None:
        self.loss_plot.clear_all()
        self.metric_plot.clear_all()

    def set_x_axis(self, which: str) -> None:
        """"steps" or "epochs": every curve, old runs included, is re-pushed."""
        key, label = X_AXES[which]
        if self.x_axis_combo.currentText() != which:
            self.x_axis_combo.setCurrentText(which)  # re-enters here once through the signal
            return
        self.loss_plot.set_x_key(key, label)
        self.metric_plot.set_x_key(key, label)

    def set_log_y(self, on: bool) -> None:
        self.log_check.setChecked(bool(on))

    def set_metric_name(self, name: str) -> None:
        self.metric_plot.set_title(name.capitalize())
        self.metric_plot.set_y_label(name)

    def set_font_size(self, pt: float) -> None:
        self.loss_plot.set_font_size(pt)
        self.metric_plot.set_font_size(pt)

    def figure(self) -> Figure:
        """Both plots stacked, from their data, with whose curves they are (gui.views.figure_export)."""
        return Figure([snapshot(self.loss_plot.plot_item()), snapshot(self.metric_plot.plot_item())],
                      self.loss_plot.runs_caption())

    def export_png(self, path: str) -> None:
        """The figure at the default export size, drawn from the data (not a grab of the widgets)."""
        write(self.figure(), path)

    def export_csv(self, path: str) -> None:
        """Columns: plot, series, step, epoch, y (the current run)."""
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["plot", *self.loss_plot.csv_header()])
            for name, curves in (("loss", self.loss_plot), ("metric", self.metric_plot)):
                writer.writerows((name, *row) for row in curves.csv_rows())
