"""Gradient through time: ||dLoss/dh_t|| over the time steps t, one curve per run, on a log axis.

A plain RNN's curve falls steeply from the last step back to the first (vanishing gradients);
LSTM and GRU curves stay much flatter. A caption says so in words, computed from the curves.
`add_norms` only calls setData on the run's existing curve, so a 10 Hz live feed stays cheap.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from gui.views.figure_export import Figure, snapshot, write
from gui.views.loss_plot import GridAxis

# Okabe-Ito colours: told apart by colour-blind viewers and on a washed-out projector.
CELL_COLORS = {"rnn": "#D55E00", "lstm": "#0072B2", "gru": "#009E73"}
EXTRA_COLORS = ("#E69F00", "#CC79A7", "#56B4E9", "#000000")
CELL_ORDER = ("rnn", "lstm", "gru")
MAX_RUNS = 9
OLD_ALPHA = 110
EMPTY_TEXT = "No gradient yet for this run: it is measured while a network trains."  # caption, no curves
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
FRACTION_WORDS = {-1: "a tenth", -2: "a hundredth", -3: "a thousandth", -6: "a millionth",
                  -9: "a billionth", -12: "a trillionth"}
FACTOR_WORDS = {1: "ten", 2: "a hundred", 3: "a thousand", 6: "a million", 9: "a billion",
                12: "a trillion"}


def cell_name(cell: str) -> str:
    """"lstm" -> "LSTM"; unknown cells keep their spelling."""
    return cell.upper() if cell.lower() in CELL_ORDER else cell


def cell_color(cell: str, fallback_index: int = 0) -> str:
    return CELL_COLORS.get(cell.lower(), EXTRA_COLORS[fallback_index % len(EXTRA_COLORS)])


def gradient_ratio(norms) -> float:
    """||dL/dh_1|| / ||dL/dh_T||: how much of the last step's gradient reaches the first step (nan if unknown)."""
    norms = np.asarray(norms, dtype=np.float64).ravel()
    if norms.size < 2 or not (np.isfinite(norms[0]) and np.isfinite(norms[-1])) or norms[-1] <= 0:
        return float("nan")
    return float(norms[0] / norms[-1])


def ratio_text(ratio: float, html: bool = False) -> str:
    """1e-7 -> "10⁻⁷" (or 10<sup>-7</sup>); ratios within a factor of ten of 1 -> "0.35"."""
    if not np.isfinite(ratio) or ratio <= 0:
        return "0" if ratio == 0 else "unknown"
    exponent = np.log10(ratio)
    if abs(exponent) < 1:
        return f"{ratio:.2g}"
    k = int(round(exponent))
    return f"10<sup>{k}</sup>" if html else f"10{str(k).translate(SUPERSCRIPT)}"


def orders_words(orders: float) -> str:
    """6.2 -> "6 orders of magnitude (a factor of a million)"."""
    k = int(round(orders))
    if k < 1:
        return "less than one order of magnitude"
    words = f"{k} order{'s' if k != 1 else ''} of magnitude"
    return f"{words} (a factor of {FACTOR_WORDS[k]})" if k in FACTOR_WORDS else words


def ratio_meaning(ratio: float, unit: str = "steps") -> str:
    """What a gradient ratio means for learning, in words a student understands."""
    if not np.isfinite(ratio):
        return "no gradient measured yet"
    if ratio <= 0:
        return f"no gradient reaches the first {unit} at all"
    exponent = np.log10(ratio)
    if exponent <= -3:
        return f"the first {unit} barely teach it"
    if exponent <= -1:
        return f"the first {unit} teach it about {10 ** round(-exponent):g} times less than the last"
    if exponent < 1:
        return f"the first {unit} still teach it"
    return "the gradient grows on its way back: it may explode (gradient clipping helps)"


def describe_curves(curves: list[tuple[str, np.ndarray]], unit: str = "steps", html: bool = False) -> str:
    """One or two sentences from (cell, norms) pairs, e.g.
    "RNN: the gradient reaching step 1 is 10⁻⁷ of the one at step 28 — the first rows
    barely teach it. LSTM: 10⁻¹ — the first rows teach it about 10 times less than the last." """
    parts = []
    for cell, norms in curves:
        ratio = gradient_ratio(norms)
        name = f"<b>{cell_name(cell)}</b>" if html else cell_name(cell)
        meaning = ratio_meaning(ratio, unit)
        if not np.isfinite(ratio) or ratio <= 0:
            parts.append(f"{name}: {meaning}.")
            continue
        value = ratio_text(ratio, html)
        if parts:
            parts.append(f"{name}: {value} — {meaning}.")
            continue
        k = int(round(np.log10(ratio)))
        words = f" ({FRACTION_WORDS[k]})" if abs(np.log10(ratio)) >= 1 and k in FRACTION_WORDS else ""
        parts.append(f"{name}: the gradient reaching step 1 is {value}{words} of the one at step "
                     f"{len(np.ravel(norms))} — {meaning}.")
    return " ".join(parts)


def fit_axes(plot: pg.PlotItem, font: QtGui.QFont, widest_tick: str = "0.00") -> None:
    """Room for tick numbers plus the axis label at this font size (at 20 pt they overlapped)."""
    metrics = QtGui.QFontMetrics(font)
    plot.getAxis("bottom").setHeight(2 * metrics.lineSpacing() + 12)
    plot.getAxis("left").setWidth(metrics.horizontalAdvance(widest_tick) + metrics.lineSpacing() + 16)


def unit_from_label(text: str) -> str:
    low = text.lower()
    for key, unit in (("row", "rows"), ("col", "columns"), ("pixel", "pixels"), ("frame", "frames"),
                      ("patch", "patches")):
        if key in low:
            return unit
    return "steps"


class DecadeAxis(GridAxis):
    """Log axis labelled 10⁻⁷, 10⁻⁶, ... at whole decades (2 and 5 only when the range is narrow)."""

    def logTickValues(self, minVal, maxVal, size, stdTicks):
        decades = np.arange(np.floor(minVal), np.ceil(maxVal) + 1)
        span = maxVal - minVal
        step = max(1, int(np.ceil(span / 8)))  # at most ~8 labelled decades on a short axis
        major = [v for v in decades if minVal <= v <= maxVal and int(v) % step == 0]
        mantissas = (2, 3, 4, 5, 6, 7, 8, 9) if span < 1 else (2, 5) if span < 2.5 else ()
        minor = (decades[:, None] + np.log10(mantissas)[None, :]).ravel() if mantissas else []
        return [(None, major), (None, [v for v in minor if minVal <= v <= maxVal])]

    def logTickStrings(self, values, scale, spacing):
        out = []
        for v in values:
            k = int(np.floor(v + 1e-9))
            if abs(v - k) < 1e-6:
                out.append("1" if k == 0 else f"10{str(k).translate(SUPERSCRIPT)}")
            else:
                out.append(f"{10.0 ** v:.1g}")
        return out


class _Run:
    __slots__ = ("label", "cell", "norms", "step", "step_word", "which", "item")

    def __init__(self, label: str, cell: str, item: pg.PlotDataItem):
        self.label, self.cell, self.item = label, cell, item
        self.norms = np.empty(0)
        self.step = 0
        self.step_word = "training step"
        self.which = ""  # what the curve measures (layer, direction), from the engine


class GradientCurveView(QtWidgets.QWidget):
    """Curves of ||dLoss/dh_t|| over t; the latest curve of a run label replaces its previous one."""

    def __init__(self, font_size: float = 12, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self._font_size = font_size
        self._runs: dict[str, _Run] = {}  # in order of first appearance
        self._latest = ""
        self._axis_label = "time step"
        self._unit = "steps"

        self._plot = pg.PlotWidget(axisItems={"left": DecadeAxis("left"), "bottom": GridAxis("bottom")})
        self._item = self._plot.getPlotItem()
        self._item.setLogMode(x=False, y=True)
        self._item.showGrid(x=True, y=True, alpha=0.25)
        self._item.setMenuEnabled(False)
        for side in ("left", "bottom"):  # no "(x0.001)" beside a log axis
            self._item.getAxis(side).enableAutoSIPrefix(False)
        self._legend = self._item.addLegend(offset=(-10, -10))  # bottom right: curves rise to the right
        self._title = "How much gradient reaches each time step"

        self._empty_text = EMPTY_TEXT  # the caption while there are no curves
        self.caption = QtWidgets.QLabel(EMPTY_TEXT)
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.caption.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self._plot, 1)
        layout.addWidget(self.caption)
        self.set_font_size(font_size)

    # ---- data -------------------------------------------------------------------------
    def add_norms(self, run_label: str, cell: str, norms: np.ndarray, step: int,
                  step_word: str = "training step", which: str = "") -> None:
        """Show `norms` (T,) as the curve of `run_label`, replacing its previous curve; the caption
        says when it was measured ("training step 340", or "epoch 3" with step_word="epoch") and, given
        `which`, what was measured ("the last of 2 recurrent layers, forward direction only ...")."""
        norms = np.asarray(norms, dtype=np.float64).ravel()
        run = self._runs.get(run_label)
        if run is None or run.cell != cell.lower():
            if run is not None:
                self._remove(run_label)
            run = self._new_run(run_label, cell.lower())
        run.norms, run.step, run.step_word, run.which = norms, int(step), step_word, which
        shown = np.where(norms > 0, norms, np.nan)  # a zero has no logarithm: leave a gap
        run.item.setData(np.arange(1, norms.size + 1, dtype=np.float64), shown)
        if self._latest != run_label:
            self._latest = run_label
            self._restyle()
        self._update_caption()

    def clear(self, text: str = EMPTY_TEXT) -> None:
        """Remove every run's curve (a new run's axes may mean something else); the caption shows `text`."""
        self._empty_text = text
        for label in list(self._runs):
            self._remove(label)
        self._latest = ""
        self._update_caption()

    def placeholder_text(self) -> str:
        """What the view says while it has nothing to show (EMPTY_TEXT or the text given to clear)."""
        return self._empty_text

    def run_labels(self) -> list[str]:
        return list(self._runs)

    def norms(self, run_label: str) -> np.ndarray:
        return self._runs[run_label].norms.copy()

    def curve_item(self, run_label: str) -> pg.PlotDataItem:
        return self._runs[run_label].item

    def legend_names(self) -> list[str]:
        return [label.text for _, label in self._legend.items]

    def caption_text(self) -> str:
        """The caption as plain text ("10⁻⁷" for 10<sup>-7</sup>)."""
        return self._measured() + describe_curves(self._caption_curves(), self._unit)

    # ---- appearance -------------------------------------------------------------------
    def set_axis_label(self, text: str, unit: str | None = None) -> None:
        """x-axis label, e.g. "time step (row read)"; `unit` ("rows") is guessed from it if not given."""
        self._axis_label = text
        self._unit = unit or unit_from_label(text)
        self._apply_labels()
        self._update_caption()

    def unit(self) -> str:
        """What one time step reads, in the plural ("rows", "pixels", "steps")."""
        return self._unit

    def set_title(self, text: str) -> None:
        self._title = text
        self._apply_labels()

    def set_font_size(self, pt: float) -> None:
        self._font_size = pt
        font = QtGui.QFont(self.font())
        font.setPointSizeF(pt)
        for name in ("left", "bottom"):
            self._item.getAxis(name).setTickFont(font)
        fit_axes(self._item, font, "10⁻¹⁰")
        self._legend.setLabelTextSize(f"{pt}pt")
        self.caption.setFont(font)
        self._apply_labels()

    def plot_item(self) -> pg.PlotItem:
        return self._item

    def is_log_y(self) -> bool:
        return bool(self._item.getAxis("left").logMode)

    def figure(self) -> Figure:
        """The curves from their data with the caption of the runs shown (gui.views.figure_export)."""
        return Figure([snapshot(self._item)], self.caption_text() if self._runs else "")

    def export_png(self, path: str) -> None:
        """The figure at the default export size (not a grab of the widget)."""
        write(self.figure(), path)

    # ---- internals --------------------------------------------------------------------
    def _new_run(self, label: str, cell: str) -> _Run:
        while len(self._runs) >= MAX_RUNS:
            self._remove(next(iter(self._runs)))
        name = cell_name(cell) if label.lower() == cell else f"{label} · {cell_name(cell)}"
        item = pg.PlotDataItem([], [], name=name, connect="finite")
        self._item.addItem(item)
        run = _Run(label, cell, item)
        self._runs[label] = run
        self._restyle()
        return run

    def _remove(self, label: str) -> None:
        run = self._runs.pop(label)
        self._item.removeItem(run.item)  # also drops its legend entry

    def _restyle(self) -> None:
        """Newest run of each cell: solid, thick; older runs of the same cell: faded and dashed."""
        newest: dict[str, str] = {}
        for label, run in self._runs.items():
            newest[run.cell] = label
        if self._latest in self._runs:
            newest[self._runs[self._latest].cell] = self._latest
        extra = [c for c in dict.fromkeys(r.cell for r in self._runs.values()) if c not in CELL_COLORS]
        for label, run in self._runs.items():
            color = QtGui.QColor(cell_color(run.cell, extra.index(run.cell) if run.cell in extra else 0))
            if newest[run.cell] == label:
                run.item.setPen(pg.mkPen(color, width=3))
                run.item.setZValue(2)
            else:
                color.setAlpha(OLD_ALPHA)
                run.item.setPen(pg.mkPen(color, width=1.5, style=QtCore.Qt.PenStyle.DashLine))
                run.item.setZValue(1)

    def _caption_curves(self) -> list[tuple[str, np.ndarray]]:
        """The newest curve of each cell, RNN first, then LSTM, GRU and others."""
        newest: dict[str, np.ndarray] = {}
        for run in self._runs.values():
            newest[run.cell] = run.norms
        if self._latest in self._runs:
            newest[self._runs[self._latest].cell] = self._runs[self._latest].norms
        order = sorted(newest, key=lambda c: CELL_ORDER.index(c) if c in CELL_ORDER else len(CELL_ORDER))
        return [(c, newest[c]) for c in order]

    def _update_caption(self) -> None:
        curves = self._caption_curves()
        if not curves:
            self.caption.setText(self._empty_text)
            return
        text = self._measured() + describe_curves(curves, self._unit, html=True)
        latest = self._runs.get(self._latest)
        if latest is not None:
            text += f" <span style='color:#666'>({cell_name(latest.cell)} at {latest.step_word} {latest.step:,})</span>"
        self.caption.setText(text)

    def _measured(self) -> str:
        """"Measured on ...: " for the newest curve, so a caption about "the first rows" says whose rows."""
        latest = self._runs.get(self._latest)
        return f"Measured on {latest.which}. " if latest is not None and latest.which else ""

    def _apply_labels(self) -> None:
        pt = self._font_size
        self._item.setTitle(self._title, size=f"{pt + 2}pt")
        for name, text in (("left", "gradient size ‖dLoss/dhₜ‖"), ("bottom", self._axis_label)):
            axis = self._item.getAxis(name)
            style = dict(axis.labelStyle)
            style["font-size"] = f"{pt}pt"
            axis.setLabel(text, **style)
