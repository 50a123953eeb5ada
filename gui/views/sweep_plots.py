"""A sweep's pictures: every trial as a line across one axis per setting (parallel coordinates) coloured by its
validation figure, and the figure against one setting (a scatter). Widgets that take plain lists and numbers and
know nothing of studies or tasks."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

COLOURS = pg.colormap.get("viridis")


def axis_positions(values: list) -> tuple[np.ndarray, list[tuple[float, str]]]:
    """A setting's values placed on [0, 1]: numbers scaled between their least and greatest (a log scale when
    they span over 20x and are all positive), anything else (cells, true / false) by its order of appearance;
    with the axis's tick labels."""
    if values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        numbers = np.asarray(values, dtype=float)
        low, high = float(numbers.min()), float(numbers.max())
        use_log = low > 0 and high / low > 20
        scaled = np.log10(numbers) if use_log else numbers
        s_low, s_high = float(scaled.min()), float(scaled.max())
        span = s_high - s_low or 1.0
        return (scaled - s_low) / span, [(0.0, f"{low:.3g}"), (1.0, f"{high:.3g}")]
    kinds = list(dict.fromkeys(map(str, values)))
    step = 1.0 / max(len(kinds) - 1, 1)
    where = {kind: i * step for i, kind in enumerate(kinds)}
    return np.asarray([where[str(v)] for v in values], dtype=float), [(where[k], k) for k in kinds]


def colours(values: np.ndarray, lower_is_better: bool) -> list:
    """One colour per trial from its figure: the best is the brightest."""
    if len(values) == 0:
        return []
    low, high = float(np.min(values)), float(np.max(values))
    share = (values - low) / ((high - low) or 1.0)
    if lower_is_better:
        share = 1.0 - share
    return [COLOURS.map(float(s), mode="qcolor") for s in share]


class ParallelCoordinates(pg.PlotWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setBackground("w")
        self.setMouseEnabled(False, False)
        self.hideButtons()
        self.getPlotItem().hideAxis("left")
        self.lines: list = []
        self._labels: list = []
        self.empty_text = pg.TextItem("no finished trial yet", color="#666")
        self.addItem(self.empty_text)

    def set_trials(self, names: list[str], params: list[dict], values: list[float], lower_is_better: bool,
                   metric: str = "") -> None:
        """One line per trial over the axes `names` and a last axis for its figure."""
        self.clear()
        self.lines, self._labels = [], []
        if not params:
            self.empty_text = pg.TextItem("no finished trial yet", color="#666")
            self.addItem(self.empty_text)
            return
        figures = np.asarray(values, dtype=float)
        axes = [axis_positions([p.get(n) for p in params]) for n in names]
        axes.append(axis_positions(list(figures)))
        heights = np.stack([a[0] for a in axes], axis=1)
        x = np.arange(len(axes), dtype=float)
        for row, colour in zip(heights, colours(figures, lower_is_better)):
            line = pg.PlotDataItem(x, row, pen=pg.mkPen(colour, width=2), symbol="o", symbolSize=5,
                                   symbolBrush=colour, symbolPen=None)
            self.addItem(line)
            self.lines.append(line)
        for i, (title, (_, ticks)) in enumerate(zip([*names, metric or "value"], axes)):
            self.addItem(pg.InfiniteLine(pos=i, angle=90, pen=pg.mkPen("#999")))
            self._label(i, 1.08, title, bold=True)
            for where, text in ticks:
                self._label(i, where, text)
        self.getPlotItem().getAxis("bottom").setTicks([[(i, "") for i in range(len(axes))]])
        self.setXRange(-0.3, len(axes) - 0.7, padding=0)
        self.setYRange(-0.08, 1.15, padding=0)

    def _label(self, x: float, y: float, text: str, bold: bool = False) -> None:
        item = pg.TextItem(text, color="#222" if bold else "#555", anchor=(0.5, 0.5))
        self.addItem(item)
        item.setPos(x, y)
        self._labels.append(item)


class MetricVsSetting(QWidget):
    """The trials' figure against the setting chosen in the combo box."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.choice = QComboBox()
        self.choice.setToolTip("The setting on the x axis")
        self.plot = pg.PlotWidget()
        self.plot.setBackground("w")
        self.points = pg.ScatterPlotItem(size=9, pen=None)
        self.plot.addItem(self.points)
        row = QHBoxLayout()
        row.addWidget(QLabel("against"))
        row.addWidget(self.choice, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.plot, 1)
        self._params: list[dict] = []
        self._values: list[float] = []
        self._lower = False
        self.choice.currentTextChanged.connect(self._draw)

    def set_trials(self, names: list[str], params: list[dict], values: list[float], lower_is_better: bool,
                   metric: str = "") -> None:
        self._params, self._values, self._lower = params, values, lower_is_better
        self.plot.setLabel("left", metric or "value")
        if [self.choice.itemText(i) for i in range(self.choice.count())] != names:
            shown = self.choice.currentText()
            self.choice.blockSignals(True)
            self.choice.clear()
            self.choice.addItems(names)
            if shown in names:
                self.choice.setCurrentText(shown)
            self.choice.blockSignals(False)
        self._draw()

    def _draw(self, *_) -> None:
        name = self.choice.currentText()
        if not name or not self._params:
            self.points.setData([], [])
            return
        x, ticks = axis_positions([p.get(name) for p in self._params])
        values = np.asarray(self._values, dtype=float)
        self.points.setData(x, values, brush=colours(values, self._lower))
        self.plot.setLabel("bottom", name)
        self.plot.getPlotItem().getAxis("bottom").setTicks([ticks])
