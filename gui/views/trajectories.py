"""Hidden-state dynamics: every sample's hidden state over time, projected to 2-D (e.g. PCA), as dots
coloured by class with faint trails, animated over t; beside it the probe image with the part read so
far and a histogram of LSTM forget-gate values. Knows nothing of models: it takes NumPy arrays.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from gui.views import media_icons
from gui.views.figure_export import Figure, snapshot, write
from gui.views.hidden_state import READ_ORDERS, probe_image_plot, read_span, show_probe_image, span_path
from gui.views.grad_curve import fit_axes
from gui.views.loss_plot import GridAxis
from gui.views.trajectory_stats import forget_summary, separation

# Okabe-Ito without its pale yellow, then Paul Tol's muted wine, teal and olive: ten classes (digits)
# that colour-blind viewers can tell apart.
CLASS_COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
                "#882255", "#44AA99", "#999933")
TRAIL_STEPS = 4
TRAIL_ALPHA = 70
ANIMATION_MS = 4000  # one pass over all steps, whatever T is
MIN_TICK_MS = 40
HIST_BINS = 20
DIM = QtGui.QColor(150, 150, 150, 185)  # washes black and white alike toward grey: "not read yet"
CURRENT = QtGui.QColor(255, 200, 0)
UNIT_WORDS = {"rows": "rows", "cols": "columns", "pixels": "pixels"}
EMPTY_TEXT = "No trajectories yet for this run."  # the placeholder of an empty view
NO_STEP = "step – / –"


def class_color(index: int) -> QtGui.QColor:
    if index < len(CLASS_COLORS):
        return QtGui.QColor(CLASS_COLORS[index])
    return pg.intColor(index, hues=max(index + 1, 12))


class TrajectoryView(QtWidgets.QWidget):
    """Scatter of all samples at step t with trails, a t slider with play/pause, probe image, forget gates."""

    timeChanged = QtCore.Signal(int)

    def __init__(self, font_size: float = 12, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self._font = QtGui.QFont(self.font())
        self._font.setPointSizeF(font_size)
        self._points = np.zeros((0, 1, 2), np.float32)
        self._labels = np.zeros(0, np.int64)
        self._members: list[np.ndarray] = []
        self._class_names: list[str] = []
        self._read = "rows"
        self._image_shape = (0, 0)
        self._probe_index: int | None = None
        self._t = 0
        self._counts = np.zeros(0, np.int64)
        self._edges = np.zeros(0)
        self._scatters: list[pg.ScatterPlotItem] = []
        self._trails: list[pg.PlotDataItem] = []

        self._build_scatter()
        # probe image with the part read so far
        (self._image_widget, self._image_plot, self.image_item, self._dim_item,
         self._current_item) = probe_image_plot(DIM, CURRENT, 90)
        self._build_histogram()
        self._build_time_controls()
        self.placeholder = QtWidgets.QLabel(EMPTY_TEXT)
        self.placeholder.setStyleSheet("color: gray;")
        self.placeholder.setWordWrap(True)
        self._lay_out()
        self.set_font_size(font_size)
        self._set_forget(None)

    def _build_scatter(self) -> None:
        """The plot of hidden states with the probe sample's path and star, and the title above it."""
        self._plot = pg.PlotWidget(axisItems={"left": GridAxis("left"), "bottom": GridAxis("bottom")})
        self._item = self._plot.getPlotItem()
        self._item.showGrid(x=True, y=True, alpha=0.2)
        self._item.setMenuEnabled(False)
        for side in ("left", "bottom"):  # no "(x0.001)" after "PC1 (59 % of variance)"; off before any range
            self._item.getAxis(side).enableAutoSIPrefix(False)  # is set (pyqtgraph 0.14 freezes the scale)
        self._legend = self._item.addLegend(offset=(-10, 10), brush=pg.mkBrush(255, 255, 255, 200),
                                            pen=pg.mkPen(200, 200, 200))  # dots may pass under it
        self._probe_line = pg.PlotDataItem([], [], pen=pg.mkPen("#222222", width=3), symbol=None)
        self._probe_dot = pg.ScatterPlotItem(size=22, symbol="star", brush=pg.mkBrush(CURRENT),
                                             pen=pg.mkPen("#222222", width=1.5))
        for item in (self._probe_line, self._probe_dot):
            item.setZValue(20)
            self._item.addItem(item)
        self.title = QtWidgets.QLabel("Each dot is one sample's hidden state after reading up to step t, "
                                      "squeezed to 2-D. As more is read, the classes should move apart.")
        self.title.setWordWrap(True)

    def _build_histogram(self) -> None:
        """The forget-gate histogram and its caption (hidden for cells without a forget gate)."""
        self._hist_plot = pg.PlotWidget(axisItems={"left": GridAxis("left"), "bottom": GridAxis("bottom")})
        self._hist = self._hist_plot.getPlotItem()
        self._hist.setMenuEnabled(False)
        self._hist.setMouseEnabled(x=False, y=False)
        self._hist.hideButtons()
        for side in ("left", "bottom"):
            self._hist.getAxis(side).enableAutoSIPrefix(False)
        self._hist_item = pg.PlotDataItem([0.0, 1.0], [0.0], stepMode="center", fillLevel=0,
                                          brush=pg.mkBrush("#0072B2"), pen=pg.mkPen("#00456d", width=1))
        self._hist.addItem(self._hist_item)
        self._hist.setXRange(0, 1, padding=0.02)
        self.hist_caption = QtWidgets.QLabel("Forget gate: values near 1 keep memory, near 0 forget.")
        self.hist_caption.setWordWrap(True)

    def _build_time_controls(self) -> None:
        self.play_button = QtWidgets.QPushButton()
        self.play_button.setCheckable(True)
        media_icons.show_playing(self.play_button, False)
        self.play_button.toggled.connect(self._on_play_toggled)
        self.slider = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.valueChanged.connect(self.set_time)
        self.step_label = QtWidgets.QLabel(NO_STEP)
        self.step_label.setWordWrap(True)
        self._timer = QtCore.QTimer(self)
        self._timer.timeout.connect(self._advance)
        self._stride = 1
        self.animation_ms = ANIMATION_MS  # one pass over all steps

    def _lay_out(self) -> None:
        side = QtWidgets.QVBoxLayout()
        side.addWidget(self._image_widget, 3)
        side.addWidget(self._hist_plot, 2)
        side.addWidget(self.hist_caption)
        body = QtWidgets.QHBoxLayout()
        body.addWidget(self._plot, 3)
        body.addLayout(side, 2)
        controls = QtWidgets.QHBoxLayout()
        controls.addWidget(self.play_button)
        controls.addWidget(self.slider, 2)
        controls.addWidget(self.step_label, 1)  # wraps at big fonts rather than widening the window
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.placeholder)
        layout.addLayout(body, 1)
        layout.addLayout(controls)

    # ---- public API -------------------------------------------------------------------
    def set_trajectories(self, points: np.ndarray, labels: np.ndarray, class_names: list[str],
                         probe_image: np.ndarray | None = None, read: str = "rows",
                         forget: np.ndarray | None = None, explained: np.ndarray | None = None,
                         probe_index: int | None = None) -> None:
        """points (N, T, 2); labels (N,) ints indexing class_names; probe_image (H, W[, 3]) in [0, 1];
        read "rows" | "cols" | "pixels"; forget (M,) values in [0, 1]; explained (2,) variance ratios;
        probe_index: the sample whose trajectory is drawn as a line (the probe image's sample)."""
        points = np.asarray(points, dtype=np.float32)
        labels = np.asarray(labels).astype(np.int64).ravel()
        if points.ndim != 3 or points.shape[2] != 2 or points.shape[1] < 1:
            raise ValueError(f"points must have shape (N, T, 2), got {points.shape}")
        if labels.shape[0] != points.shape[0]:
            raise ValueError(f"{labels.shape[0]} labels for {points.shape[0]} trajectories")
        if read not in READ_ORDERS:
            raise ValueError(f"read must be one of {READ_ORDERS}, not {read!r}")
        self.stop()
        self._points, self._labels, self._read = points, labels, read
        n_classes = max(len(class_names), int(labels.max()) + 1 if labels.size else 0)
        self._class_names = [class_names[c] if c < len(class_names) else str(c) for c in range(n_classes)]
        self._members = [np.flatnonzero(labels == c) for c in range(n_classes)]
        self._probe_index = probe_index if probe_index is not None and 0 <= probe_index < len(points) else None
        self._rebuild_items()
        self._set_axes(explained)
        self._set_image(probe_image)
        self._set_forget(forget)
        steps = points.shape[1]
        blocked = self.slider.blockSignals(True)
        self.slider.setRange(0, steps - 1)
        self.slider.blockSignals(blocked)
        self.placeholder.setVisible(False)
        self._t = -1  # force a redraw
        self.set_time(steps - 1)

    def clear(self, text: str = EMPTY_TEXT) -> None:
        """Back to the empty view of a new run: stopped, no dots, image or gates; `placeholder` shows `text`."""
        self.stop()
        self._points, self._labels = np.zeros((0, 1, 2), np.float32), np.zeros(0, np.int64)
        self._members, self._class_names, self._probe_index = [], [], None
        self._rebuild_items()
        self._set_axes(None)
        self.image_item.clear()
        for item in (self._dim_item, self._current_item):
            item.setPath(QtGui.QPainterPath())
        self._image_shape, self._t = (0, 0), 0
        self._image_plot.setTitle("what has been read", size=f"{self._font.pointSizeF()}pt")
        self._set_forget(None)
        blocked = self.slider.blockSignals(True)
        self.slider.setRange(0, 0)
        self.slider.blockSignals(blocked)
        self.step_label.setText(NO_STEP)
        self.placeholder.setText(text)
        self.placeholder.setVisible(True)

    def placeholder_text(self) -> str:
        """What the view says while it has nothing to show (EMPTY_TEXT or the text given to clear)."""
        return self.placeholder.text()

    def set_time(self, t: int) -> None:
        """Show step t (0-based): dots at points[:, t], trails over the last steps, the read region."""
        steps = self._points.shape[1]
        t = int(np.clip(t, 0, steps - 1))
        if t == self._t:
            return
        self._t = t
        if self.slider.value() != t:
            blocked = self.slider.blockSignals(True)
            self.slider.setValue(t)
            self.slider.blockSignals(blocked)
        now = self._points[:, t]
        first = max(0, t - TRAIL_STEPS)
        for members, scatter, trail in zip(self._members, self._scatters, self._trails):
            scatter.setData(pos=now[members])
            seg = self._points[members, first:t + 1]  # (n, L, 2): one polyline per sample, NaN-separated
            seg = np.concatenate([seg, np.full((len(members), 1, 2), np.nan, np.float32)], axis=1).reshape(-1, 2)
            trail.setData(seg[:, 0], seg[:, 1])
        if self._probe_index is not None:
            path = self._points[self._probe_index, :t + 1]
            self._probe_line.setData(path[:, 0], path[:, 1])
            self._probe_dot.setData(pos=path[-1:])
        self._update_read_region()
        sep = separation(now, self._labels) if len(self._members) > 1 else float("nan")
        text = f"step {t + 1} / {steps}"
        if np.isfinite(sep):
            text += f" · classes {sep:.1f}× as far apart as they are wide"
        self.step_label.setText(text)
        self.timeChanged.emit(t)

    def set_forget(self, forget: np.ndarray | None) -> None:
        """Replace the forget-gate values (M,) in [0, 1], e.g. with those of the step now shown."""
        self._set_forget(forget)

    def time(self) -> int:
        return self._t

    def play(self) -> None:
        self.play_button.setChecked(True)

    def stop(self) -> None:
        self.play_button.setChecked(False)

    def is_playing(self) -> bool:
        return self._timer.isActive()

    def class_points(self, c: int) -> np.ndarray:
        """(n, 2) positions of class c's dots as shown."""
        x, y = self._scatters[c].getData()
        return np.column_stack([x, y])

    def legend_names(self) -> list[str]:
        return [label.text for _, label in self._legend.items]

    def axis_label(self, side: str) -> str:
        return self._item.getAxis(side).labelText

    def read_rect(self) -> QtCore.QRectF:
        """Image pixels read up to and including step t (x = column, y = row)."""
        height, width = self._image_shape
        if not height:
            return QtCore.QRectF()
        _, end = read_span(self._read, self._t, self._points.shape[1], height, width)
        return span_path(self._read, 0, end, height, width).boundingRect()

    def dim_rect(self) -> QtCore.QRectF:
        return self._dim_item.path().boundingRect()

    def current_rect(self) -> QtCore.QRectF:
        return self._current_item.path().boundingRect()

    def histogram(self) -> tuple[np.ndarray, np.ndarray]:
        """(counts, edges) of the forget-gate histogram shown."""
        return self._counts.copy(), self._edges.copy()

    def set_font_size(self, pt: float) -> None:
        self._font.setPointSizeF(pt)
        for label in (self.title, self.hist_caption, self.step_label, self.placeholder):
            label.setFont(self._font)
        self.play_button.setFont(self._font)
        for plot in (self._item, self._hist):
            for side in ("left", "bottom"):
                axis = plot.getAxis(side)
                axis.setTickFont(self._font)
                axis.setLabel(axis.labelText, **{**axis.labelStyle, "font-size": f"{pt}pt"})
        self._legend.setLabelTextSize(f"{pt}pt")
        fit_axes(self._item, self._font, "-0.00")
        fit_axes(self._hist, self._font, "0000")
        self._hist.setTitle("LSTM forget gate", size=f"{pt}pt")
        self._image_plot.setTitle("what has been read", size=f"{pt}pt")

    def figure(self) -> Figure:
        """The dots (and an LSTM's forget-gate histogram) at the step shown, from their data, with the view's words."""
        panels = [snapshot(self._item, f"Hidden states at step {self._t + 1} / {self._points.shape[1]}")]
        if self._hist_plot.isVisibleTo(self):
            panels.append(snapshot(self._hist))
        words = [self.title.text(), self.step_label.text().capitalize() + "."] + [self.hist_caption.text()] * (
            len(panels) > 1)
        return Figure(panels, " ".join(words), columns=len(panels))

    def export_png(self, path: str) -> None:
        write(self.figure(), path)  # drawn from the data at the default export size

    # ---- internals --------------------------------------------------------------------
    def _rebuild_items(self) -> None:
        for item in (*self._scatters, *self._trails):
            self._item.removeItem(item)
        self._scatters, self._trails = [], []
        self._probe_line.setData([], [])
        self._probe_dot.setData(pos=np.zeros((0, 2)))
        for c, name in enumerate(self._class_names):
            color = class_color(c)
            faint = QtGui.QColor(color)
            faint.setAlpha(TRAIL_ALPHA)
            trail = pg.PlotDataItem([], [], pen=pg.mkPen(faint, width=1.5), connect="finite")
            dots = QtGui.QColor(color)
            dots.setAlpha(210)
            scatter = pg.ScatterPlotItem(size=9, brush=pg.mkBrush(dots), pen=pg.mkPen("w", width=0.5), name=name)
            trail.setZValue(1)
            scatter.setZValue(2)
            self._item.addItem(trail)
            self._item.addItem(scatter)
            self._trails.append(trail)
            self._scatters.append(scatter)
        self._legend.removeItem(self._probe_dot)
        if self._probe_index is not None:
            self._legend.addItem(self._probe_dot, "probe sample")
        finite = self._points[np.isfinite(self._points).all(axis=2)]
        if finite.size:  # fixed range over all steps: the dots move, the axes do not
            lo, hi = finite.min(axis=0).astype(float), finite.max(axis=0).astype(float)  # float32 overflowed in ViewBox
            self._item.setRange(xRange=(lo[0], hi[0]), yRange=(lo[1], hi[1]), padding=0.05)
        self._item.disableAutoRange()

    def _set_axes(self, explained) -> None:
        for side, k in (("bottom", 0), ("left", 1)):
            text = f"PC{k + 1}"
            if explained is not None and len(explained) > k and np.isfinite(explained[k]):
                text += f" ({100 * float(explained[k]):.0f} % of variance)"
            axis = self._item.getAxis(side)
            axis.setLabel(text, **{**axis.labelStyle, "font-size": f"{self._font.pointSizeF()}pt"})

    def _set_image(self, image) -> None:
        visible = image is not None
        self._image_widget.setVisible(visible)
        if not visible:
            self._image_shape = (0, 0)
            return
        self._image_shape = show_probe_image(self._image_plot, self.image_item, image, self._image_shape)

    def _update_read_region(self) -> None:
        height, width = self._image_shape
        if not height:
            return
        steps = self._points.shape[1]
        start, end = read_span(self._read, self._t, steps, height, width)
        total = {"rows": height, "cols": width, "pixels": height * width}[self._read]
        self._current_item.setPath(span_path(self._read, start, end, height, width))
        self._dim_item.setPath(span_path(self._read, end, total, height, width))
        unit = UNIT_WORDS[self._read]
        self._image_plot.setTitle(f"read so far: {unit} 1–{end} of {total}", size=f"{self._font.pointSizeF()}pt")

    def _set_forget(self, forget) -> None:
        visible = forget is not None and np.size(forget) > 0
        self._hist_plot.setVisible(visible)
        self.hist_caption.setVisible(visible)
        if not visible:
            self._counts, self._edges = np.zeros(0, np.int64), np.zeros(0)
            return
        values = np.asarray(forget, dtype=np.float64).ravel()
        values = values[np.isfinite(values)]
        self._counts, self._edges = np.histogram(values, bins=HIST_BINS, range=(0.0, 1.0))
        self._hist_item.setData(self._edges, self._counts.astype(np.float64))
        self._hist.setYRange(0, max(1, int(self._counts.max())) * 1.05, padding=0)
        for side, text in (("bottom", "forget-gate value"), ("left", "count")):
            axis = self._hist.getAxis(side)
            axis.setLabel(text, **{**axis.labelStyle, "font-size": f"{self._font.pointSizeF()}pt"})
        self.hist_caption.setText("Values near 1 keep memory, near 0 forget. "
                                  + (forget_summary(values) + "." if values.size else ""))

    def _on_play_toggled(self, on: bool) -> None:
        if on:
            steps = self._points.shape[1]
            if self._t >= steps - 1:
                self.set_time(0)  # at the end: play from the start
            interval = max(MIN_TICK_MS, int(self.animation_ms) // steps)
            self._stride = max(1, math.ceil(steps * interval / max(self.animation_ms, 1)))
            self._timer.start(interval)
            media_icons.show_playing(self.play_button, True)
        else:
            self._timer.stop()
            media_icons.show_playing(self.play_button, False)

    def _advance(self) -> None:
        last = self._points.shape[1] - 1
        self.set_time(min(self._t + self._stride, last))
        if self._t >= last:
            self.stop()
