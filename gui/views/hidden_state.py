"""The Inside tab: a probe image, the part being read at step t, and state heatmaps over time; for a recurrence
over frames (read order "frames", set_frames), the frame read at step t instead of a part of one image.

Heatmaps are units (y, unit 0 at the top) by time step (x). Each panel is one reused
pg.ImageItem fed float32 with fixed levels; panels are rebuilt only when the state names change.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

READ_ORDERS = ("rows", "cols", "pixels", "frames")
HIGHLIGHT = QtGui.QColor(255, 200, 0)
ALREADY_READ = QtGui.QColor(0, 170, 255, 70)
CURSOR_PEN = pg.mkPen("#ffbf00", width=2)
EMPTY_TEXT = "No hidden states yet for this run."  # the placeholder of an empty view


def read_span(order: str, t: int, steps: int, height: int, width: int) -> tuple[int, int]:
    """[start, end) of the rows, columns or row-major pixels read at step t of `steps`."""
    total = {"rows": height, "cols": width, "pixels": height * width}[order]
    start = t * total // steps
    return start, max(start + 1, (t + 1) * total // steps)


def span_path(order: str, start: int, end: int, height: int, width: int) -> QtGui.QPainterPath:
    """The image region [start, end) as a path in pixel coordinates (x = column, y = row)."""
    path = QtGui.QPainterPath()
    if end <= start:
        return path
    if order == "rows":
        path.addRect(QtCore.QRectF(0, start, width, end - start))
    elif order == "cols":
        path.addRect(QtCore.QRectF(start, 0, end - start, height))
    else:
        a = start
        while a < end:
            row, col = divmod(a, width)
            if col == 0 and end - a >= width:
                rows = (end - a) // width
                path.addRect(QtCore.QRectF(0, row, width, rows))
                a += rows * width
            else:
                n = min(width - col, end - a)
                path.addRect(QtCore.QRectF(col, row, n, 1))
                a += n
    return path


def probe_image_plot(shade: QtGui.QColor, highlight: QtGui.QColor, highlight_alpha: int):
    """(widget, plot, image item, shade item, highlight item): the probe image as a still picture (no mouse, menu
    or axes; rows down, square pixels) with two path items over it, a flat shade and an outlined highlight."""
    widget = pg.GraphicsLayoutWidget()
    plot = widget.addPlot()
    return (widget, plot) + still_picture(plot, shade, highlight, highlight_alpha)


def still_picture(plot: pg.PlotItem, shade: QtGui.QColor, highlight: QtGui.QColor, highlight_alpha: int):
    """Make `plot` a still picture (no mouse, menu or axes; rows down, square pixels) and put an image in it with
    two path items over it, a flat shade and an outlined highlight: (image item, shade item, highlight item)."""
    plot.setMouseEnabled(x=False, y=False)
    plot.setMenuEnabled(False)
    plot.hideButtons()
    for axis in ("left", "bottom"):
        plot.hideAxis(axis)
    plot.invertY(True)
    plot.setAspectLocked(True)
    image_item = pg.ImageItem(axisOrder="row-major")
    plot.addItem(image_item)
    shade_item = QtWidgets.QGraphicsPathItem()
    shade_item.setPen(QtGui.QPen(QtCore.Qt.PenStyle.NoPen))
    shade_item.setBrush(shade)
    highlight_item = QtWidgets.QGraphicsPathItem()
    fill = QtGui.QColor(highlight)
    fill.setAlpha(highlight_alpha)
    highlight_item.setBrush(fill)
    highlight_item.setPen(pg.mkPen(highlight, width=2))
    for z, item in enumerate((shade_item, highlight_item), start=1):
        item.setZValue(z)
        plot.addItem(item, ignoreBounds=True)
    return image_item, shade_item, highlight_item


def show_probe_image(plot, image_item, image: np.ndarray, shown: tuple[int, int]) -> tuple[int, int]:
    """Put image (H, W[, 1]) in [0, 1] on image_item; the view is fitted when its size differs from `shown`.
    Returns its size."""
    image = np.asarray(image, dtype=np.float32)
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    image_item.setImage(image, autoLevels=False, levels=(0.0, 1.0))
    shape = image.shape[:2]
    if shape != shown:
        plot.setRange(xRange=(0, shape[1]), yRange=(0, shape[0]), padding=0.02)
    return shape


def _nice_ceil(value: float) -> float:
    """Smallest of 1, 2, 5 x 10^k that is >= value."""
    if not np.isfinite(value) or value <= 0:
        return 1.0
    exp = np.floor(np.log10(value))
    for m in (1.0, 2.0, 5.0, 10.0):
        if m * 10 ** exp >= value * (1 - 1e-9):
            return float(m * 10 ** exp)
    return float(10 ** (exp + 1))


class _Panel:
    """One heatmap: plot, image, colour bar and the time cursor line."""

    def __init__(self, name: str, font: QtGui.QFont):
        self.name = name
        low = name.lower()
        self.kind = "gate" if "gate" in low else "hidden" if low.startswith("hidden") else "auto"
        self.levels = (0.0, 1.0) if self.kind == "gate" else (-1.0, 1.0)
        cmap = pg.colormap.get("viridis" if self.kind == "gate" else "CET-D1")
        self.plot = pg.PlotItem()
        self.plot.setTitle(name, size=f"{font.pointSizeF():g}pt")
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.invertY(True)
        self.plot.setLabel("left", "unit", **{"font-size": f"{font.pointSizeF():g}pt"})
        for axis in ("left", "bottom"):
            self.plot.getAxis(axis).setTickFont(font)
        self.image = pg.ImageItem(axisOrder="row-major", autoDownsample=True)
        self.plot.addItem(self.image)
        self.colorbar = pg.ColorBarItem(values=self.levels, colorMap=cmap, interactive=False,
                                        width=14, colorMapMenu=False)
        self.colorbar.setImageItem(self.image, insert_in=self.plot)
        self.colorbar.getAxis("right").setTickFont(font)
        self.cursor = pg.InfiniteLine(pos=0.5, angle=90, movable=True, pen=CURSOR_PEN,
                                      hoverPen=pg.mkPen("#ffffff", width=3))
        self.plot.addItem(self.cursor, ignoreBounds=True)
        self.shape: tuple[int, int] | None = None

    def set_states(self, states: np.ndarray) -> None:
        """states: (T, units)."""
        image = np.ascontiguousarray(np.asarray(states, dtype=np.float32).T)  # (units, T)
        if self.kind == "auto":
            self._update_auto_levels(image)
        self.image.setImage(image, autoLevels=False, levels=self.levels)
        if image.shape != self.shape:
            self.shape = image.shape
            units, steps = image.shape
            self.plot.setRange(xRange=(0, steps), yRange=(0, units), padding=0)
            self.cursor.setBounds((0, steps))
            # column t spans [t, t+1]: label its centre with the 1-based step number the caption uses
            every = _nice_ceil(steps / 12) if steps > 12 else 1
            ticks = [(t - 0.5, str(t)) for t in range(int(every), steps + 1, int(every))]
            self.plot.getAxis("bottom").setTicks([[(0.5, "1")] * (every > 1) + ticks, []])

    def _update_auto_levels(self, image: np.ndarray) -> None:
        """Symmetric levels that only change when the data outgrow or shrink well below them."""
        finite = np.abs(image[np.isfinite(image)])
        peak = float(np.percentile(finite, 99.5)) if finite.size else 0.0  # ignore a few outliers
        current = self.levels[1]
        if peak > current or peak < current / 5:
            bound = _nice_ceil(peak)
            self.levels = (-bound, bound)
            self.colorbar.setLevels(self.levels)


class HiddenStateView(QtWidgets.QWidget):
    """Probe image with the read region at step t, and one heatmap per recurrent state."""

    probeChanged = QtCore.Signal(int)
    timeChanged = QtCore.Signal(int)

    def __init__(self, font_size: float = 11, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self._font = QtGui.QFont(self.font())
        self._font.setPointSizeF(font_size)
        self._order = "rows"
        self._steps = 0
        self._t = 0
        self._image_shape = (0, 0)
        self._frames: np.ndarray | None = None  # (T, H, W[, C]): the frame read at each step, when steps are frames
        self._panels: dict[str, _Panel] = {}
        self._built: dict[str, _Panel] = {}  # made by prepare(), not yet shown
        self._moving_cursor = False

        self.caption = QtWidgets.QLabel(" ")
        self.placeholder = QtWidgets.QLabel(EMPTY_TEXT)  # shown while there are no states
        self.placeholder.setStyleSheet("color: gray;")
        self.placeholder.setWordWrap(True)  # a long reason must not widen the window
        self.step_label = QtWidgets.QLabel("step – / –")
        self.probe_spin = QtWidgets.QSpinBox()
        self.probe_spin.setRange(0, 0)
        self.probe_spin.setEnabled(False)
        self.probe_spin.valueChanged.connect(self.probeChanged)
        self.follow_check = QtWidgets.QCheckBox("cursor follows mouse")
        self.follow_check.setChecked(True)
        for label in (self.caption, self.step_label, self.placeholder):
            label.setFont(self._font)
        top = QtWidgets.QHBoxLayout()
        top.addWidget(self.caption, 1)
        top.addWidget(self.step_label)
        top.addSpacing(12)
        top.addWidget(self.follow_check)
        top.addSpacing(12)
        top.addWidget(QtWidgets.QLabel("probe sample"))
        top.addWidget(self.probe_spin)

        (self._image_widget, self._image_plot, self.image_item, self._read_item,
         self.highlight) = probe_image_plot(ALREADY_READ, HIGHLIGHT, 110)
        self._image_plot.setTitle("what the network reads", size=f"{font_size:g}pt")

        self._heat_widget = pg.GraphicsLayoutWidget()
        self._heat_layout = self._heat_widget.ci
        self._mouse_proxy = pg.SignalProxy(self._heat_widget.scene().sigMouseMoved,
                                           rateLimit=30, slot=self._on_mouse_moved)

        # wide enough for its title: a narrow Inside tab clipped "what the network reads" and the image
        title_px = QtGui.QFontMetrics(self._font).horizontalAdvance("what the network reads")
        self._image_widget.setMinimumWidth(title_px + 40)
        body = QtWidgets.QHBoxLayout()
        body.addWidget(self._image_widget, 1)
        body.addWidget(self._heat_widget, 3)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.placeholder)
        layout.addLayout(body, 1)

    # ---- public API -------------------------------------------------------------------
    def set_states(self, image: np.ndarray, states: dict[str, np.ndarray],
                   meta: dict | None = None) -> None:
        """image (H, W) or (H, W, C) in [0, 1]; states {name: (T, units)}; meta label/prediction/confidence."""
        names = list(states)
        if names != list(self._panels):
            self._rebuild_panels(names)
        for name, panel in self._panels.items():
            panel.set_states(states[name])
        self._set_image(image)
        steps = int(np.shape(states[names[0]])[0]) if names else self._image_shape[0]
        if steps != self._steps:
            self._steps = steps
            self._t = min(self._t, max(steps - 1, 0))
        self._set_caption(meta or {})
        self.placeholder.setVisible(not names)
        self.set_time(self._t)

    def clear(self, text: str = EMPTY_TEXT) -> None:
        """Back to the empty view of a new run: no heatmaps, no probe image; `placeholder` shows `text`.
        The probe sample spin box is kept: it counts the data's probe samples, not the run's."""
        self._heat_layout.clear()
        self._panels = {}
        self.image_item.clear()
        self._frames = None
        self._image_shape, self._steps, self._t = (0, 0), 0, 0
        self.caption.setText(" ")
        self.placeholder.setText(text)
        self.placeholder.setVisible(True)
        self.set_time(0)

    def placeholder_text(self) -> str:
        """What the view says while it has nothing to show (EMPTY_TEXT or the text given to clear)."""
        return self.placeholder.text()

    def prepare(self, names: list[str]) -> bool:
        """Build the panel of one of `names` that set_states would have to build; True once none is left.

        A panel takes ~25 ms of GUI thread to make: a caller that calls this once a timer tick before
        set_states spreads a first build (~100 ms for a GRU's three) instead of stalling the window.
        """
        if list(names) == list(self._panels):
            return True
        missing = [n for n in names if n not in self._built]
        if missing:
            self._built[missing[0]] = _Panel(missing[0], self._font)
        return not missing

    def prebuild(self, names, every_ms: int = 250) -> None:
        """Make the panels of `names` one every `every_ms` while the window idles (at start-up), so a training
        run's first states need none made then (each takes 25-80 ms of GUI thread: pyqtgraph's colour bar)."""
        waiting = [n for n in names if n not in self._built and n not in self._panels]
        if waiting:
            self._built[waiting[0]] = _Panel(waiting[0], self._font)
            QtCore.QTimer.singleShot(every_ms, self, lambda: self.prebuild(waiting[1:], every_ms))

    def set_time(self, t: int) -> None:
        """Move the cursor to step t (0-based): heatmap lines, image highlight, step label."""
        t = int(np.clip(t, 0, max(self._steps - 1, 0)))
        changed = t != self._t
        self._t = t
        self._moving_cursor = True
        try:
            for panel in self._panels.values():
                panel.cursor.setValue(t + 0.5)
        finally:
            self._moving_cursor = False
        self._update_highlight()
        self.step_label.setText(f"step {t + 1} / {self._steps}" if self._steps else "step – / –")
        if changed:
            self.timeChanged.emit(t)

    def time(self) -> int:
        return self._t

    def set_read_order(self, order: str) -> None:
        if order not in READ_ORDERS:
            raise ValueError(f"read order must be one of {READ_ORDERS}, not {order!r}")
        self._order = order
        self._update_highlight()

    def set_frames(self, frames: np.ndarray | None) -> None:
        """The frames (T, H, W[, C]) in [0, 1] that the steps read, one a step (a clip), or None (one image)."""
        self._frames = None if frames is None else np.asarray(frames)
        title = "the frame it reads" if self._frames is not None else "what the network reads"
        self._image_plot.setTitle(title, size=f"{self._font.pointSizeF():g}pt")
        self._update_highlight()

    def set_probe_count(self, n: int) -> None:
        blocked = self.probe_spin.blockSignals(True)
        self.probe_spin.setRange(0, max(n - 1, 0))
        self.probe_spin.setEnabled(n > 1)
        self.probe_spin.blockSignals(blocked)

    def panel_names(self) -> list[str]:
        return list(self._panels)

    def panel_image(self, name: str) -> pg.ImageItem:
        return self._panels[name].image

    def panel_levels(self, name: str) -> tuple[float, float]:
        return self._panels[name].levels

    def highlight_rect(self) -> QtCore.QRectF:
        """Bounding box of the highlighted region, in image pixels (x = column, y = row)."""
        return self.highlight.path().boundingRect()

    # ---- internals --------------------------------------------------------------------
    def _rebuild_panels(self, names: list[str]) -> None:
        self._heat_layout.clear()
        self._panels = {}
        for row, name in enumerate(names):
            panel = self._built.pop(name, None) or _Panel(name, self._font)
            panel.cursor.sigPositionChanged.connect(self._on_cursor_dragged)
            self._heat_layout.addItem(panel.plot, row=row, col=0)
            is_last = row == len(names) - 1
            panel.plot.getAxis("bottom").setStyle(showValues=is_last)
            if is_last:
                panel.plot.setLabel("bottom", "time step", **{"font-size": f"{self._font.pointSizeF():g}pt"})
            self._panels[name] = panel

    def _set_image(self, image: np.ndarray) -> None:
        self._image_shape = show_probe_image(self._image_plot, self.image_item, image, self._image_shape)

    def _set_caption(self, meta: dict) -> None:
        parts = []
        if "label" in meta:
            parts.append(f"true: <b>{meta['label']}</b>")
        if "prediction" in meta:
            guess = f"predicted: <b>{meta['prediction']}</b>"
            if "confidence" in meta:
                guess += f" ({100 * float(meta['confidence']):.0f}%)"
            if "label" in meta:
                ok = str(meta["label"]) == str(meta["prediction"])
                guess = f"<span style='color:{'#2ca02c' if ok else '#d62728'}'>{guess}</span>"
            parts.append(guess)
        self.caption.setText(" · ".join(parts) if parts else " ")

    def _update_highlight(self) -> None:
        if self._frames is not None and len(self._frames):  # a clip: the frame of step t, read whole
            self._set_image(self._frames[min(self._t, len(self._frames) - 1)])
            self.highlight.setPath(QtGui.QPainterPath())
            self._read_item.setPath(QtGui.QPainterPath())
            return
        height, width = self._image_shape
        if not self._steps or not height or self._order == "frames":
            self.highlight.setPath(QtGui.QPainterPath())
            self._read_item.setPath(QtGui.QPainterPath())
            return
        start, end = read_span(self._order, self._t, self._steps, height, width)
        self.highlight.setPath(span_path(self._order, start, end, height, width))
        self._read_item.setPath(span_path(self._order, 0, start, height, width))

    def _on_cursor_dragged(self, line: pg.InfiniteLine) -> None:
        if not self._moving_cursor:
            self.set_time(int(np.floor(line.value())))

    def _on_mouse_moved(self, event) -> None:
        if not self.follow_check.isChecked():
            return
        pos = event[0]
        for panel in self._panels.values():
            vb = panel.plot.getViewBox()
            if vb.sceneBoundingRect().contains(pos):
                self.set_time(int(np.floor(vb.mapSceneToView(pos).x())))
                return
