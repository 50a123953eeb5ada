"""A curve plot for training: live series, faded earlier runs, a readout, PNG and CSV export.

Points are appended to growing NumPy buffers; nothing is drawn until `refresh()`, which the
owner calls from a QTimer (~10 Hz) and which only touches curves whose data changed.
"""
from __future__ import annotations

import csv

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from gui.views.figure_export import Figure, snapshot, write

# Readable on both dark and light backgrounds; a series keeps its colour across runs.
SERIES_COLORS = ("#2f7fd0", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")
MAX_OLD_RUNS = 8
LIVE_WIDTH = 2.5
OLD_WIDTH = 1.5
OLD_ALPHA = 140
READOUT_RADIUS_PX = 40


class GrowingColumns:
    """Float64 columns that grow by amortised doubling; `column(k)` is a contiguous view."""

    def __init__(self, ncols: int, capacity: int = 256):
        self._data = np.empty((ncols, capacity), dtype=np.float64)
        self._n = 0

    def __len__(self) -> int:
        return self._n

    def append(self, row) -> None:
        if self._n == self._data.shape[1]:
            grown = np.empty((self._data.shape[0], 2 * self._data.shape[1]), dtype=np.float64)
            grown[:, : self._n] = self._data[:, : self._n]
            self._data = grown
        self._data[:, self._n] = row
        self._n += 1

    def column(self, k: int) -> np.ndarray:
        return self._data[k, : self._n]


class GridAxis(pg.AxisItem):
    """An axis that draws its ticks and grid lines as one-pixel rectangles: same pixels, a fifth of the time.

    Qt's raster engine blends a semi-transparent line pixel by pixel but a rectangle span by span; the
    faint grid lines were most of a live plot's repaint (~7 ms of the loss plot's), time the GUI thread
    holds the GIL the training thread needs.
    """

    def drawPicture(self, p, axisSpec, tickSpecs, textSpecs):
        lines = []
        px = 1.0 / (self._device_pixel_ratio() or 1.0)  # one device pixel, as a cosmetic pen draws
        for pen, p1, p2 in tickSpecs:
            if pen.isCosmetic() and pen.widthF() <= 1 and pen.style() == QtCore.Qt.PenStyle.SolidLine:
                # covers the pixels the aliased line from p1 to p2 would (ends included)
                x, y = min(p1.x(), p2.x()) - px / 2, min(p1.y(), p2.y()) - px / 2
                p.fillRect(QtCore.QRectF(x, y, abs(p2.x() - p1.x()) + px, abs(p2.y() - p1.y()) + px), pen.color())
            else:
                lines.append((pen, p1, p2))
        super().drawPicture(p, axisSpec, lines, textSpecs)

    def _device_pixel_ratio(self) -> float:
        views = self.scene().views() if self.scene() is not None else []
        return views[0].devicePixelRatioF() if views else 1.0


class LossAxis(GridAxis):
    """Log-scale ticks that stay readable with big fonts: label only 1, 2 and 5 per decade."""

    def logTickValues(self, minVal, maxVal, size, stdTicks):
        decades = np.arange(np.floor(minVal), np.ceil(maxVal) + 1)
        levels = []
        for mantissas in ((1,), (2, 5), (3, 4, 6, 7, 8, 9)):
            values = (decades[:, None] + np.log10(mantissas)[None, :]).ravel()
            levels.append((None, [v for v in values if minVal <= v <= maxVal]))
        return levels

    def logTickStrings(self, values, scale, spacing):
        out = []
        for v in values:
            x = 10.0 ** v * scale
            mantissa = round(x / 10.0 ** np.floor(np.log10(x) + 1e-9), 6)
            out.append(f"{x:g}" if mantissa in (1.0, 2.0, 5.0) else "")
        return out


class _Curve:
    __slots__ = ("series", "data", "item", "dirty")

    def __init__(self, series: str, data: GrowingColumns, item: pg.PlotDataItem):
        self.series, self.data, self.item, self.dirty = series, data, item, True


class _Run:
    def __init__(self, label: str):
        self.label = label
        self.curves: dict[str, _Curve] = {}


class CurvePlot(QtWidgets.QWidget):
    """One titled plot of named series ("train", "val", ...) against one of several x keys."""

    def __init__(self, title: str = "", y_label: str = "loss", x_label: str = "step",
                 x_keys: tuple[str, ...] = ("x",), legend_offset=(-10, 10),
                 font_size: float = 12, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self._title, self._x_label, self._y_label = title, x_label, y_label
        self._x_keys = tuple(x_keys)
        self._x_index = 0
        self._font_size = font_size
        self._colors: dict[str, str] = {}
        self._run_count = 1
        self._live = _Run("run 1")
        self._old: list[_Run] = []

        self._plot = pg.PlotWidget(axisItems={"left": LossAxis("left"), "bottom": GridAxis("bottom")})
        self._item = self._plot.getPlotItem()
        self._item.showGrid(x=True, y=True, alpha=0.25)
        self._item.setClipToView(True)
        self._item.setDownsampling(auto=True, mode="peak")
        self._item.setMenuEnabled(False)
        for side in ("left", "bottom"):  # no "accuracy (x0.001)" with ticks at 110..140 early in a run
            self._item.getAxis(side).enableAutoSIPrefix(False)
        self._legend = self._item.addLegend(offset=legend_offset)
        self._marker = pg.PlotDataItem([], [], pen=None, symbol="o", symbolSize=11,
                                       symbolBrush=None, symbolPen=pg.mkPen("#ffbf00", width=2))
        self._marker.setZValue(10)
        self._item.addItem(self._marker, ignoreBounds=True)  # unnamed: not in the legend

        self._readout = QtWidgets.QLabel(" ")
        self._readout.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self._plot, 1)
        layout.addWidget(self._readout)

        self._mouse_proxy = pg.SignalProxy(self._plot.scene().sigMouseMoved, rateLimit=30,
                                           slot=self._on_mouse_moved)
        self.set_font_size(font_size)

    # ---- data -------------------------------------------------------------------------
    def add_point(self, series: str, x, y: float) -> None:
        """Append a point; `x` is a float, or a tuple with one value per x key. No redraw."""
        xs = (x,) if np.isscalar(x) else tuple(x)
        if len(xs) != len(self._x_keys):
            raise ValueError(f"expected {len(self._x_keys)} x values {self._x_keys}, got {xs}")
        curve = self._live.curves.get(series)
        if curve is None:
            curve = self._new_live_curve(series)
        curve.data.append((*xs, y))
        curve.dirty = True

    def refresh(self) -> None:
        """Push changed series to their plot items."""
        for curve in self._live.curves.values():
            if curve.dirty:
                self._push(curve)

    def series_data(self, series: str) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) of the current run's series against the current x key (copies)."""
        curve = self._live.curves.get(series)
        if curve is None:
            return np.empty(0), np.empty(0)
        return curve.data.column(self._x_index).copy(), curve.data.column(-1).copy()

    def series_names(self) -> list[str]:
        return list(self._live.curves)

    def old_run_labels(self) -> list[str]:
        return [run.label for run in self._old]

    def new_run(self, label: str = "") -> None:
        """Fade the current run's curves (kept, legend "label · series") and start a new run."""
        self._run_count += 1
        if any(len(c.data) for c in self._live.curves.values()):
            self.refresh()
            for curve in self._live.curves.values():
                self._fade(curve, self._live.label)
            self._old.append(self._live)
            while len(self._old) > MAX_OLD_RUNS:
                self._remove_run(self._old.pop(0))
        else:
            self._remove_run(self._live)
        self._live = _Run(label or f"run {self._run_count}")
        self._legend.setColumnCount(2 if len(self._legend.items) > 6 else 1)

    def clear_all(self) -> None:
        for run in self._old:
            self._remove_run(run)
        self._old = []
        self._remove_run(self._live)
        self._live = _Run(self._live.label)
        self._marker.setData([], [])
        self._readout.setText(" ")

    # ---- appearance -------------------------------------------------------------------
    def set_x_key(self, key: str, label: str | None = None) -> None:
        """Plot every run against another x key (e.g. "epoch"); re-pushes all data."""
        self._x_index = self._x_keys.index(key)
        if label is not None:
            self._x_label = label
            self._apply_labels()
        for run in (*self._old, self._live):
            for curve in run.curves.values():
                self._push(curve)
        self._marker.setData([], [])

    def set_x_label(self, text: str) -> None:
        self._x_label = text
        self._apply_labels()

    def set_y_label(self, text: str) -> None:
        self._y_label = text
        self._apply_labels()

    def set_title(self, text: str) -> None:
        self._title = text
        self._apply_labels()

    def set_log_y(self, on: bool) -> None:
        self._item.setLogMode(x=False, y=bool(on))

    def is_log_y(self) -> bool:
        return self._item.ctrl.logYCheck.isChecked()

    def set_font_size(self, pt: float) -> None:
        """Teaching mode: tick, label, title, legend and readout sizes follow `pt`."""
        self._font_size = pt
        font = QtGui.QFont(self.font())
        font.setPointSizeF(pt)
        for name in ("left", "bottom"):
            self._item.getAxis(name).setTickFont(font)
        self._legend.setLabelTextSize(f"{pt}pt")
        self._readout.setFont(font)
        self._apply_labels()

    def plot_item(self) -> pg.PlotItem:
        return self._item

    def plot_widget(self) -> pg.PlotWidget:
        return self._plot

    def readout_text(self) -> str:
        return self._readout.text()

    # ---- export -----------------------------------------------------------------------
    def figure(self) -> Figure:
        """The plot as data, drawn again for export (gui.views.figure_export), with whose curves these are."""
        return Figure([snapshot(self._item)], self.runs_caption())

    def runs_caption(self) -> str:
        """Which run the solid curves are, and which earlier runs the dashed ones."""
        text = f"Solid: {self._live.label}." if self._live.curves else ""
        old = [run.label for run in self._old if run.curves]
        return text + (f" Dashed, faded: earlier runs ({', '.join(old)})." if old else "")

    def export_png(self, path: str) -> None:
        """The figure from its data at the default export size (not a grab of the widget)."""
        write(self.figure(), path)

    def csv_header(self) -> list[str]:
        return ["series", *self._x_keys, "y"]

    def csv_rows(self):
        """Rows (series, x..., y) of the current run."""
        for series, curve in self._live.curves.items():
            cols = [curve.data.column(k) for k in range(len(self._x_keys) + 1)]
            for values in zip(*cols):
                yield (series, *(float(v) for v in values))

    def export_csv(self, path: str) -> None:
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(self.csv_header())
            writer.writerows(self.csv_rows())

    # ---- internals --------------------------------------------------------------------
    def _color(self, series: str) -> str:
        if series not in self._colors:
            self._colors[series] = SERIES_COLORS[len(self._colors) % len(SERIES_COLORS)]
        return self._colors[series]

    def _new_live_curve(self, series: str) -> _Curve:
        pen = pg.mkPen(self._color(series), width=LIVE_WIDTH)
        item = pg.PlotDataItem([], [], pen=pen, name=series)
        item.setZValue(1)
        self._item.addItem(item)
        curve = _Curve(series, GrowingColumns(len(self._x_keys) + 1), item)
        self._live.curves[series] = curve
        return curve

    def _fade(self, curve: _Curve, run_label: str) -> None:
        color = QtGui.QColor(self._color(curve.series))
        color.setAlpha(OLD_ALPHA)
        curve.item.setPen(pg.mkPen(color, width=OLD_WIDTH, style=QtCore.Qt.PenStyle.DashLine))
        curve.item.setZValue(0)
        curve.item.opts["name"] = f"{run_label} · {curve.series}"
        label = self._legend.getLabel(curve.item)
        if label is not None:
            label.setText(curve.item.opts["name"])
        self._legend.update()

    def _remove_run(self, run: _Run) -> None:
        for curve in run.curves.values():
            self._item.removeItem(curve.item)  # also removes its legend entry
        run.curves.clear()

    def _push(self, curve: _Curve) -> None:
        curve.item.setData(curve.data.column(self._x_index), curve.data.column(-1))
        # a lone point (the test score, the first validation) draws no line: show it as a dot
        symbol = "o" if len(curve.data) == 1 else None
        if curve.item.opts.get("symbol") != symbol:
            color = curve.item.opts["pen"].color() if curve.item.opts.get("pen") is not None else None
            curve.item.setSymbol(symbol)
            if symbol is not None and color is not None:
                curve.item.setSymbolSize(9)
                curve.item.setSymbolBrush(color)
                curve.item.setSymbolPen(color)
        curve.dirty = False

    def _apply_labels(self) -> None:
        pt = self._font_size
        self._item.setTitle(self._title or None, size=f"{pt + 2}pt")
        for name, text in (("left", self._y_label), ("bottom", self._x_label)):
            axis = self._item.getAxis(name)
            style = dict(axis.labelStyle)
            style["font-size"] = f"{pt}pt"
            axis.setLabel(text, **style)

    def _on_mouse_moved(self, event) -> None:
        pos = event[0]
        vb = self._item.getViewBox()
        if not vb.sceneBoundingRect().contains(pos):
            return
        p = vb.mapSceneToView(pos)
        found = self.nearest_point(p.x(), p.y())
        if found is None:
            self._marker.setData([], [])
            self._readout.setText(" ")
            return
        name, x, y = found
        self._marker.setData([x], [y])
        x_name = self._x_label or self._x_keys[self._x_index]
        self._readout.setText(f"{name}   {x_name} = {x:g}   {self._y_label} = {y:.4g}")

    def nearest_point(self, vx: float, vy: float):
        """(legend name, x, y) of the point nearest to view coordinates (vx, vy), in pixels."""
        px, py = self._item.getViewBox().viewPixelSize()
        if px <= 0 or py <= 0:
            return None
        log_y = self.is_log_y()
        best, best_d = None, float(READOUT_RADIUS_PX)
        for run in (self._live, *reversed(self._old)):
            for curve in run.curves.values():
                xs, ys = curve.data.column(self._x_index), curve.data.column(-1)
                if len(xs) == 0:
                    continue
                lo = max(int(np.searchsorted(xs, vx - READOUT_RADIUS_PX * px)) - 1, 0)
                hi = min(int(np.searchsorted(xs, vx + READOUT_RADIUS_PX * px)) + 1, len(xs))
                if hi <= lo:
                    continue
                wy = ys[lo:hi]
                if log_y:
                    with np.errstate(divide="ignore", invalid="ignore"):
                        wy = np.log10(wy)
                d = np.hypot((xs[lo:hi] - vx) / px, (wy - vy) / py)
                d = np.where(np.isfinite(d), d, np.inf)
                i = int(np.argmin(d))
                if d[i] < best_d:
                    best_d = d[i]
                    best = (curve.item.opts["name"], float(xs[lo + i]), float(ys[lo + i]))
        return best
