"""Several runs' curves over epochs, overlaid: the loss (solid: validation, dashed: training) and the chosen
metric on validation, one colour per run; a group of runs that differ only by their seed is drawn as its mean
with a band of ± one standard deviation.

A curve is a dict: label, epochs (E,), and per series ("val_loss", "train_loss", "metric") a (mean, std) pair
of arrays (E,) (std None for a single run; nan where an epoch has no value). Plain numpy: the view knows
nothing of run folders.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from gui.views.loss_plot import GridAxis

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999933")


def _plot(title: str, y_label: str) -> pg.PlotWidget:
    widget = pg.PlotWidget(axisItems={"left": GridAxis("left"), "bottom": GridAxis("bottom")})
    item = widget.getPlotItem()
    item.showGrid(x=True, y=True, alpha=0.25)
    item.setMenuEnabled(False)
    for side in ("left", "bottom"):
        item.getAxis(side).enableAutoSIPrefix(False)  # an accuracy of 0.8 is not "800 (x0.001)"
    item.setTitle(title)
    item.setLabel("left", y_label)
    item.setLabel("bottom", "epoch")
    item.addLegend(offset=(-10, 10))
    return widget


class RunsOverlay(QtWidgets.QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.loss = _plot("Loss (solid: validation, dashed: training)", "loss")
        self.metric = _plot("Validation metric", "")
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.loss, 1)
        layout.addWidget(self.metric, 1)
        self.curves: list[dict] = []

    def set_curves(self, curves: list[dict], metric_title: str = "Validation metric", metric_label: str = "") -> None:
        """Draw `curves` (replacing what was drawn); the metric plot gets `metric_title` and its y label."""
        self.curves = list(curves)
        for widget in (self.loss, self.metric):
            widget.getPlotItem().clear()
        self.metric.getPlotItem().setTitle(metric_title)
        self.metric.getPlotItem().setLabel("left", metric_label)
        for i, curve in enumerate(self.curves):
            colour = PALETTE[i % len(PALETTE)]
            x = np.asarray(curve["epochs"], dtype=np.float64)
            for widget, series, dashed, name in ((self.loss, "val_loss", False, curve["label"]),
                                                 (self.loss, "train_loss", True, None),
                                                 (self.metric, "metric", False, curve["label"])):
                mean, std = curve.get(series, (None, None))
                if mean is not None:
                    self._draw(widget.getPlotItem(), x, np.asarray(mean, np.float64), std, colour, dashed, name)

    @staticmethod
    def _draw(item, x, mean, std, colour: str, dashed: bool, name) -> None:
        n = min(len(x), len(mean))
        x, mean = x[:n], mean[:n]
        style = QtCore.Qt.PenStyle.DashLine if dashed else QtCore.Qt.PenStyle.SolidLine
        line = pg.PlotDataItem(x, mean, pen=pg.mkPen(colour, width=2, style=style), name=name, connect="finite",
                               symbol="o" if n == 1 else None, symbolBrush=colour, symbolPen=colour, symbolSize=7)
        item.addItem(line)
        if std is None or dashed:
            return
        std = np.nan_to_num(np.asarray(std, np.float64)[:n])
        low = pg.PlotDataItem(x, mean - std, pen=pg.mkPen(None))
        high = pg.PlotDataItem(x, mean + std, pen=pg.mkPen(None))
        shade = pg.mkColor(colour)
        shade.setAlpha(60)
        band = pg.FillBetweenItem(low, high, brush=pg.mkBrush(shade))
        band.setZValue(-10)
        for part in (low, high, band):
            item.addItem(part)

    def drawn_labels(self) -> list[str]:
        """The labels of the curves drawn (in their order)."""
        return [curve["label"] for curve in self.curves]
