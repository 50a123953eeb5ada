"""The Inside tab for a recurrence over frames whose state is a map (a ConvLSTM / ConvGRU frame predictor): at
each step, the frame it reads, the frame it predicts and the true one beside every state and gate of a chosen
layer, as a channel grid, one channel or a summary over all channels; a step slider that plays.

`set_states(arrays, meta)`: arrays "frames", "predicted", "truth" (T, H, W[, 3]) in [0, 1] and, per layer l,
"layer l" (states, T, channels, h, w) and "layer l summary" (states, T, h, w); meta "layers", "states" (names),
"context" (steps that read a true frame; later steps read the model's own last frame), "channels" (in all),
optional "name", "cell". Numpy in, nothing of the engine.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from gui.views import map_panels as mp
from gui.views.sequence_frames import to_frames

EMPTY_TEXT = "No recurrent states yet for this run."
FRAMES = (("frames", "reads"), ("predicted", "predicts next"), ("truth", "true next"))


class FrameStatesView(mp.MapsView):
    def __init__(self, font_size: float = 11, parent=None):
        super().__init__(font_size, EMPTY_TEXT, ("layer", "show"), parent)
        self.layer_combo, self.channel_combo = self.combos["layer"], self.combos["show"]
        self._arrays: dict = {}
        self._meta: dict = {}
        self._frames: dict[str, np.ndarray | None] = {}
        self.frames_view = pg.GraphicsLayoutWidget()
        self.frame_items: dict[str, pg.ImageItem] = {}
        for row, (key, title) in enumerate(FRAMES):  # each frame under its title, the three in a column
            self.frames_view.addItem(pg.LabelItem(title, size=f"{font_size:g}pt"), row=2 * row, col=0)
            box = self.frames_view.addViewBox(row=2 * row + 1, col=0, lockAspect=True, invertY=True,
                                              enableMouse=False)
            box.setMenuEnabled(False)
            item = pg.ImageItem(axisOrder="row-major")
            box.addItem(item)
            self.frame_items[key] = item
        self.place(self.frames_view)
        self.layer_combo.currentIndexChanged.connect(self._redraw)
        self.channel_combo.currentIndexChanged.connect(self._redraw)
        self.player.stepChanged.connect(self._show_step)

    # ---- public API -------------------------------------------------------------------
    def set_states(self, arrays: dict, meta: dict) -> None:
        """A new probe's states; the chosen layer, channels and step stay."""
        first = not self._arrays
        self._arrays, self._meta = arrays, meta
        self._frames = {key: to_frames(arrays.get(key)) for key, _ in FRAMES}
        mp.refill_combo(self.layer_combo, [(f"layer {n}", n) for n in range(1, int(meta.get("layers", 0)) + 1)])
        first_layer = arrays.get("layer 1")
        shown = first_layer.shape[2] if first_layer is not None else 0
        mp.refill_combo(self.channel_combo, mp.channel_choices(shown, int(meta.get("channels", shown)), grid=True))
        if first:  # the channel grid first: every unit's map at once
            self.channel_combo.setCurrentIndex(max(self.channel_combo.findData(mp.GRID), 0))
        steps = self.step_count()
        self.player.set_count(steps, steps - 1 if first else min(self.player.step(), steps - 1))
        cell = str(meta.get("cell", "")).replace("conv", "Conv").upper().replace("CONV", "Conv")
        self.caption.setText(" · ".join(part for part in (cell, str(meta.get("name", ""))) if part) + " — the frame "
                             "each step reads, the frame it predicts from its state, and every state and gate of the "
                             "chosen layer at that step.")
        self.placeholder.setVisible(not steps)
        self._redraw()

    def clear(self, text: str = EMPTY_TEXT) -> None:
        self._arrays, self._meta, self._frames = {}, {}, {}
        self.clear_maps(text)
        for item in self.frame_items.values():
            item.clear()

    def step_count(self) -> int:
        frames = self._frames.get("frames")
        return 0 if frames is None else len(frames)

    def frame_shown(self, key: str) -> np.ndarray | None:
        """The frame a panel shows now ("frames": read, "predicted", "truth"), uint8."""
        return self.frame_items[key].image

    # ---- internals --------------------------------------------------------------------
    def _redraw(self) -> None:
        self._show_step(self.player.step())

    def _show_step(self, t: int) -> None:
        steps = self.step_count()
        layer = self.layer_combo.currentData()
        if not steps or layer is None:
            return
        t = min(int(t), steps - 1)
        for key, item in self.frame_items.items():
            frames = self._frames.get(key)
            if frames is not None and t < len(frames):
                item.setImage(frames[t], autoLevels=False, levels=(0, 255))
        choice = self.choice()
        channels, summaries = self._arrays[f"layer {layer}"], self._arrays[f"layer {layer} summary"]
        for k, panel in enumerate(self.maps.use(list(self._meta.get("states", []))).values()):
            values = mp.channel_map(channels[k, t], summaries[k, t], choice)
            panel.set_map(values, values.shape, choice == mp.SUMMARY)
        context = int(self._meta.get("context", steps))
        source = "a true context frame" if t < context else "its own last prediction (forecasting)"
        self.player.label.setText(f"step {t + 1} / {steps}: reads frame {t + 1}, {source}; predicts frame {t + 2}")
