"""The Inside tab for 2-D recurrent sweeps (a ReNet reading an image line by line in four directions): for one
probe image, each sweep direction's hidden state and gates as maps over the image, and the sweep's position
animated over it.

`set_sweeps(arrays, meta)`: arrays "image" (H, W[, 3]) in [0, 1] and, per sweep, `key` (states, channels, h, w)
and `key + " summary"` (states, h, w); meta "sweeps": [{key, layer, direction, states, axis ("x": the steps
run along the grid's columns, "y": its rows), reverse, reads}], "channels" (in all), optional "name",
"cell". A sweep reads one grid line per step, every line across at once: at step t the lines up to t hold
what the direction has read so far, the rest is shaded on the maps and on the image; the line read now is
outlined. Numpy in, nothing of the engine.
"""
from __future__ import annotations

from PySide6 import QtCore, QtGui

from gui.views import map_panels as mp
from gui.views.hidden_state import probe_image_plot, show_probe_image

EMPTY_TEXT = "No sweep states yet for this run."
READ = QtGui.QColor(0, 170, 255, 60)


class SweepStatesView(mp.MapsView):
    def __init__(self, font_size: float = 11, parent=None):
        super().__init__(font_size, EMPTY_TEXT, ("layer", "sweep", "show"), parent)
        self.layer_combo, self.sweep_combo, self.channel_combo = (self.combos[k] for k in ("layer", "sweep", "show"))
        self._arrays: dict = {}
        self._sweeps: list[dict] = []
        self._meta: dict = {}
        self._image_shape = (0, 0)
        (self._image_widget, self._image_plot, self.image_item, self._read_item,
         self._band_item) = probe_image_plot(READ, mp.BAND, 60)
        self._image_plot.setTitle("read so far", size=f"{font_size:g}pt")
        title_px = QtGui.QFontMetrics(self._font).horizontalAdvance("read so far")
        self._image_widget.setMinimumWidth(title_px + 40)  # its title and a picture stay readable when narrow
        self.place(self._image_widget)
        self.layer_combo.currentIndexChanged.connect(self._fill_sweeps)
        self.sweep_combo.currentIndexChanged.connect(self._show_sweep)
        self.channel_combo.currentIndexChanged.connect(self._redraw)
        self.player.stepChanged.connect(self._show_step)

    # ---- public API -------------------------------------------------------------------
    def set_sweeps(self, arrays: dict, meta: dict) -> None:
        """A new probe's sweeps; the chosen layer, direction, channel and step stay where they apply."""
        first = not self._sweeps
        self._arrays, self._meta, self._sweeps = arrays, meta, list(meta.get("sweeps", []))
        self._image_shape = show_probe_image(self._image_plot, self.image_item, arrays["image"], self._image_shape)
        layers = [f"layer {n}" for n in sorted({s["layer"] for s in self._sweeps})]
        mp.refill_combo(self.layer_combo, [(text, i) for i, text in enumerate(layers)])
        self._fill_sweeps()
        self.placeholder.setVisible(not self._sweeps)
        if first:  # a fresh view starts with the sweep done: everything it read
            self.player.set_count(self.step_count(), self.step_count() - 1)
            self._show_step(self.player.step())

    def clear(self, text: str = EMPTY_TEXT) -> None:
        self._arrays, self._meta, self._sweeps = {}, {}, []
        self.clear_maps(text)
        self.image_item.clear()
        self._image_shape = (0, 0)
        for item in (self._read_item, self._band_item):
            item.setPath(QtGui.QPainterPath())

    def choose(self, layer: int, direction: str) -> None:
        """Show `direction` ("left→right", ...) of layer `layer` (1-based)."""
        self.layer_combo.setCurrentIndex(self.layer_combo.findText(f"layer {layer}"))
        self.sweep_combo.setCurrentIndex(self.sweep_combo.findText(direction))

    def step_count(self) -> int:
        sweep = self.current_sweep()
        if sweep is None:
            return 0
        h, w = self._arrays[sweep["key"] + " summary"].shape[-2:]
        return w if sweep["axis"] == "x" else h

    def current_sweep(self) -> dict | None:
        layer, direction = self.layer_combo.currentText(), self.sweep_combo.currentText()
        return next((s for s in self._sweeps if f"layer {s['layer']}" == layer and s["direction"] == direction), None)

    def read_rect(self) -> QtCore.QRectF:
        """What the sweep has read so far, on the image (pixels; x = column, y = row)."""
        return self._read_item.path().boundingRect().united(self._band_item.path().boundingRect())

    # ---- internals --------------------------------------------------------------------
    def _fill_sweeps(self) -> None:
        layer = self.layer_combo.currentText()
        directions = [s["direction"] for s in self._sweeps if f"layer {s['layer']}" == layer]
        mp.refill_combo(self.sweep_combo, [(d, i) for i, d in enumerate(directions)])
        self._show_sweep()

    def _show_sweep(self) -> None:
        sweep = self.current_sweep()
        if sweep is None:
            return
        shown = self._arrays[sweep["key"]].shape[1]
        choices = mp.channel_choices(shown, int(self._meta.get("channels", shown)), grid=False)
        mp.refill_combo(self.channel_combo, choices)
        steps = self.step_count()
        self.player.set_count(steps, min(self.player.step(), steps - 1))
        reads = sweep.get("reads", "")
        self.caption.setText(f"<b>{sweep['direction']}</b> sweep of layer {sweep['layer']}"
                             + (f" ({self._meta['cell'].upper()})" if self._meta.get("cell") else "")
                             + (f" · image {self._meta['name']}" if self._meta.get("name") else "")
                             + (f" — one grid position of its input holds {reads}." if reads else "."))
        self._redraw()

    def _redraw(self) -> None:
        sweep = self.current_sweep()
        if sweep is None:
            return
        choice = self.choice()
        channels, summaries = self._arrays[sweep["key"]], self._arrays[sweep["key"] + " summary"]
        for k, panel in enumerate(self.maps.use(list(sweep["states"])).values()):
            values = mp.channel_map(channels[k], summaries[k], choice)
            panel.set_map(values, self._image_shape, choice == mp.SUMMARY)
        self._show_step(self.player.step())

    def _show_step(self, t: int) -> None:
        sweep, steps = self.current_sweep(), self.step_count()
        if sweep is None or not steps:
            return
        t = min(int(t), steps - 1)
        unread, band = mp.band_paths(sweep["axis"], sweep["reverse"], t, steps, self._image_shape)
        for panel in self.maps.panels.values():
            panel.set_read(unread, band)
        full = QtGui.QPainterPath()
        full.addRect(QtCore.QRectF(0, 0, self._image_shape[1], self._image_shape[0]))
        self._read_item.setPath(full.subtracted(unread).subtracted(band))
        self._band_item.setPath(band)
        line = "column" if sweep["axis"] == "x" else "row"
        self.player.label.setText(f"step {t + 1} / {steps}: reading grid {line} "
                                  f"{steps - t if sweep['reverse'] else t + 1} of {steps}; the shaded part is not "
                                  "read yet")

