"""Pieces the Inside tab's map views share (sweep_states.py, frame_states.py): a state map panel with its colour
bar and a shade over what is not read yet, a grid of such panels, the channel choice, and a step slider that
plays. Arrays in, nothing of the engine.

A map is drawn over a given extent (the image's pixels), so a 1/4-resolution sweep map lies on the image it
was computed from and shades drawn in image pixels fit both.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from gui.views import media_icons
from gui.views.hidden_state import still_picture
from gui.views.sequence_frames import state_mosaic, symmetric_bound

SUMMARY = -1  # the channel choice "over all channels"
GRID = -2  # the channel choice "every channel shown, in a grid"
UNREAD = QtGui.QColor(40, 40, 40, 170)
BAND = QtGui.QColor(255, 200, 0)
PLAY_MS = 120  # a step every 0.12 s: a 40-step sweep plays in about 5 s


def is_gate(name: str) -> bool:
    return name.endswith("gate")


def map_levels(name: str, values: np.ndarray, summary: bool) -> tuple[tuple[float, float], str, str]:
    """(levels, colour map, what the colour means) for a state's map: gates 0 to 1, a tanh hidden state -1 to 1, a
    summary (root mean square) from 0 to a round number above the data, an LSTM's unbounded cell state ± one."""
    if is_gate(name):
        return (0.0, 1.0), "viridis", "mean over channels" if summary else "gate value"
    if summary:  # scaled to the data: an untrained net's units respond weakly everywhere
        return (0.0, symmetric_bound(values)), "viridis", "root mean square over channels"
    bound = 1.0 if name == "hidden" else symmetric_bound(values)
    return (-bound, bound), "CET-D1", "unit value"


def channel_choices(shown: int, total: int, grid: bool) -> list[tuple[str, int]]:
    """The channel picker's entries: (text, SUMMARY | GRID | channel index)."""
    choices = [("all (summary)", SUMMARY)]
    if grid:
        choices.append((f"grid ({shown} of {total})" if shown < total else "grid", GRID))
    return choices + [(f"channel {k + 1}", k) for k in range(shown)]


def channel_map(channels: np.ndarray, summary: np.ndarray, choice: int) -> np.ndarray:
    """The 2-D picture of a choice: channels (C, h, w), summary (h, w)."""
    if choice == SUMMARY:
        return summary
    if choice == GRID:  # square-ish: a panel is about as wide as tall
        return state_mosaic(channels, int(np.ceil(np.sqrt(len(channels)))))
    return channels[min(choice, len(channels) - 1)]


class MapPanel:
    """One state map: plot (rows down, square pixels, no mouse), image, colour bar, and over it a shade of what is
    not read yet and an outline of the band read now (both paths in the extent's coordinates)."""

    def __init__(self, name: str, font: QtGui.QFont):
        self.name = name
        self.plot = pg.PlotItem()
        self.plot.setTitle(name, size=f"{font.pointSizeF():g}pt")
        self.image, self.shade, self.band = still_picture(self.plot, UNREAD, BAND, 0)
        self.colorbar = pg.ColorBarItem(values=(0.0, 1.0), colorMap=pg.colormap.get("viridis"), interactive=False,
                                        width=12, colorMapMenu=False)
        self.colorbar.setImageItem(self.image, insert_in=self.plot)
        self.colorbar.getAxis("right").setTickFont(font)
        self.cmap, self.levels, self.meaning = "viridis", (0.0, 1.0), ""
        self.extent = (0, 0)
        self.values = np.zeros((0, 0), np.float32)

    def set_map(self, values: np.ndarray, extent: tuple[int, int], summary: bool) -> None:
        """values (h, w) drawn over extent (height, width); colours by map_levels."""
        values = np.ascontiguousarray(values, np.float32)
        levels, cmap, self.meaning = map_levels(self.name, values, summary)
        if cmap != self.cmap:
            self.cmap = cmap
            self.colorbar.setColorMap(pg.colormap.get(cmap))
        if levels != self.levels:
            self.levels = levels
            self.colorbar.setLevels(levels)
        self.values = values
        self.image.setImage(values, autoLevels=False, levels=levels)
        height, width = extent
        self.image.setRect(QtCore.QRectF(0, 0, width, height))
        if extent != self.extent:
            self.extent = extent
            self.plot.setRange(xRange=(0, width), yRange=(0, height), padding=0.02)

    def set_read(self, unread: QtGui.QPainterPath, band: QtGui.QPainterPath) -> None:
        self.shade.setPath(unread)
        self.band.setPath(band)


class MapGrid(QtWidgets.QWidget):
    """MapPanels in rows of `columns`, one per name; rebuilt only when the names change."""

    def __init__(self, font: QtGui.QFont, columns: int = 3, parent=None):
        super().__init__(parent)
        self._font, self._columns = font, columns
        self.view = pg.GraphicsLayoutWidget()
        self.panels: dict[str, MapPanel] = {}
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)

    def use(self, names: list[str]) -> dict[str, MapPanel]:
        if list(names) != list(self.panels):
            self.view.ci.clear()
            self.panels = {}
            for i, name in enumerate(names):
                panel = MapPanel(name, self._font)
                row, col = divmod(i, self._columns)
                self.view.ci.addItem(panel.plot, row=row, col=col)
                self.panels[name] = panel
        return self.panels

    def clear(self) -> None:
        self.use([])


class MapsView(QtWidgets.QWidget):
    """What the map views share: choice boxes and the probe sample on top, a caption, the step player, a
    placeholder while empty, a picture column (`place(left)`) beside the grid of state maps."""

    probeChanged = QtCore.Signal(int)

    def __init__(self, font_size: float, empty_text: str, choices: tuple[str, ...], parent=None):
        super().__init__(parent)
        self._font = QtGui.QFont(self.font())
        self._font.setPointSizeF(font_size)
        self.placeholder = QtWidgets.QLabel(empty_text)
        self.placeholder.setStyleSheet("color: gray;")
        self.caption = QtWidgets.QLabel(" ")
        for label in (self.placeholder, self.caption):
            label.setWordWrap(True)  # a long reason or caption must not widen the window
            label.setFont(self._font)
        self.combos: dict[str, QtWidgets.QComboBox] = {}
        self._top = QtWidgets.QHBoxLayout()
        for name in choices:
            combo = self.combos[name] = QtWidgets.QComboBox()
            combo.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(14 if name == "show" else 7)
            label = QtWidgets.QLabel(name)
            label.setFont(self._font)
            self._top.addWidget(label)
            self._top.addWidget(combo)
        self.combos["show"].setToolTip("Colour the maps by one channel (unit) of each state, by a summary over all "
                                       "of them (a gate's mean, a state's root mean square), or show a grid")
        probe_label, self.probe_spin = probe_spin(self._font)
        self.probe_spin.valueChanged.connect(self.probeChanged)
        self._top.addStretch(1)
        self._top.addWidget(probe_label)
        self._top.addWidget(self.probe_spin)
        self.player = StepPlayer(self._font)
        self.maps = MapGrid(self._font, columns=3)

    def place(self, left: QtWidgets.QWidget) -> None:
        body = QtWidgets.QHBoxLayout()
        body.addWidget(left, 1)
        body.addWidget(self.maps, 3)
        layout = QtWidgets.QVBoxLayout(self)
        for part in (self._top, self.caption, self.player, self.placeholder):
            layout.addLayout(part) if isinstance(part, QtWidgets.QLayout) else layout.addWidget(part)
        layout.addLayout(body, 1)

    def clear_maps(self, text: str) -> None:
        """Empty choices, maps, caption and player; the placeholder says `text`."""
        self.player.stop()
        for combo in self.combos.values():
            refill_combo(combo, [])
        self.maps.clear()
        self.caption.setText(" ")
        self.player.label.setText(" ")
        self.player.set_count(0, 0)
        self.placeholder.setText(text)
        self.placeholder.setVisible(True)

    def placeholder_text(self) -> str:
        return self.placeholder.text()

    def set_probe_count(self, n: int) -> None:
        set_probe_count(self.probe_spin, n)

    def set_step(self, t: int) -> None:
        self.player.slider.setValue(int(t))

    def step(self) -> int:
        return self.player.step()

    def panel_names(self) -> list[str]:
        return list(self.maps.panels)

    def panel_values(self, name: str) -> np.ndarray:
        return self.maps.panels[name].values

    def choice(self) -> int:
        """The "show" box's choice: SUMMARY, GRID or a channel index."""
        data = self.combos["show"].currentData()
        return SUMMARY if data is None else int(data)


class StepPlayer(QtWidgets.QWidget):
    """A step slider with Play / Pause (looping) and a label that wraps; `stepChanged(t)` as it moves."""

    stepChanged = QtCore.Signal(int)

    def __init__(self, font: QtGui.QFont, parent=None):
        super().__init__(parent)
        self.play_button = QtWidgets.QPushButton()
        self.play_button.setCheckable(True)
        media_icons.show_playing(self.play_button, False)
        self.slider = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.label = QtWidgets.QLabel(" ")
        self.label.setWordWrap(True)  # a long step description must not widen the window
        for widget in (self.play_button, self.label):
            widget.setFont(font)
        self.timer = QtCore.QTimer(self)
        self.timer.setInterval(PLAY_MS)
        self.timer.timeout.connect(self._advance)
        self.play_button.toggled.connect(self._on_play)
        self.slider.valueChanged.connect(self.stepChanged)
        row = QtWidgets.QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.play_button)
        row.addWidget(self.slider, 1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.label)

    def set_count(self, steps: int, at: int | None = None) -> None:
        """`steps` positions; the slider goes to `at` (default: where it was, within range) without a signal when
        the value stays."""
        self.slider.setRange(0, max(steps - 1, 0))
        if at is not None:
            self.slider.setValue(int(np.clip(at, 0, max(steps - 1, 0))))
        self.play_button.setEnabled(steps > 1)

    def step(self) -> int:
        return self.slider.value()

    def stop(self) -> None:
        self.play_button.setChecked(False)

    def playing(self) -> bool:
        return self.timer.isActive()

    def _on_play(self, on: bool) -> None:
        media_icons.show_playing(self.play_button, on)
        if on:
            if self.slider.value() >= self.slider.maximum():
                self.slider.setValue(0)
            self.timer.start()
        else:
            self.timer.stop()

    def _advance(self) -> None:
        t = self.slider.value() + 1
        self.slider.setValue(0 if t > self.slider.maximum() else t)


def probe_spin(font: QtGui.QFont) -> tuple[QtWidgets.QLabel, QtWidgets.QSpinBox]:
    """The "probe sample" label and spin box (disabled until data with more than one sample is loaded)."""
    label = QtWidgets.QLabel("probe sample")
    spin = QtWidgets.QSpinBox()
    spin.setRange(0, 0)
    spin.setEnabled(False)
    for widget in (label, spin):
        widget.setFont(font)
    return label, spin


def set_probe_count(spin: QtWidgets.QSpinBox, n: int) -> None:
    blocked = spin.blockSignals(True)
    spin.setRange(0, max(n - 1, 0))
    spin.setEnabled(n > 1)
    spin.blockSignals(blocked)


def band_paths(axis: str, reverse: bool, t: int, steps: int, extent: tuple[int, int]):
    """(unread, band) painter paths in extent coordinates for step t of a sweep of `steps` lines along `axis`
    ("x": columns, "y": rows), read from the far end when `reverse`."""
    height, width = extent
    length = width if axis == "x" else height
    size = length / max(steps, 1)
    line = steps - 1 - t if reverse else t
    band_start, band_end = line * size, (line + 1) * size
    unread_start, unread_end = (0.0, band_start) if reverse else (band_end, float(length))

    def rect(a: float, b: float) -> QtGui.QPainterPath:
        path = QtGui.QPainterPath()
        if b > a:
            path.addRect(QtCore.QRectF(a, 0, b - a, height) if axis == "x" else QtCore.QRectF(0, a, width, b - a))
        return path

    return rect(unread_start, unread_end), rect(band_start, band_end)


def refill_combo(combo: QtWidgets.QComboBox, items: list[tuple[str, int]]) -> None:
    """Replace a combo's items, keeping the chosen text when it is still there, without a signal per item."""
    current = combo.currentText()
    blocked = combo.blockSignals(True)
    combo.clear()
    for text, data in items:
        combo.addItem(text, data)
    index = combo.findText(current)
    combo.setCurrentIndex(index if index >= 0 else 0 if items else -1)
    combo.blockSignals(blocked)
