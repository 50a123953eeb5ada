"""The model panel's Preset box: ready-made settings for the "why gates matter" lesson (engine.presets).

Picking one fills the panel (read order, hidden size, epochs, learning rate, gate start ...) for the
classification task; the data stays what is loaded. The item's tooltip says what the preset shows.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QComboBox

from engine import presets
from engine.config import RunConfig

# the task the lessons' presets are for: RunConfig's default task (the image classifier)
PRESET_TASK = RunConfig.task

CHOOSE = "choose…"
TIP = ("Fill in ready-made settings for a lesson (they do not load data). Pick one, then Train, or "
       "Train ▸ Compare cells… to see RNN, LSTM and GRU side by side.")


def preset_tip(name: str) -> str:
    preset = presets.PRESETS[name]
    kind = preset.get("data", "").partition(":")[0]
    suggested = f" Suggested data: {kind.upper()} (File ▸ Open folder…)." if kind else ""
    return f"{preset['title']}. {preset['description']}{suggested}"


class PresetBox(QComboBox):
    applied = Signal(str)  # the preset's name, after it filled the panel

    def __init__(self, panel):
        super().__init__(panel)
        self.panel = panel
        self.addItem(CHOOSE, "")
        for name in presets.names():
            # "Sequential pixels: 784 steps" counts MNIST's steps; other data has its own (the tooltip says)
            self.addItem(presets.PRESETS[name]["title"].split(":")[0], name)
            self.setItemData(self.count() - 1, preset_tip(name), Qt.ItemDataRole.ToolTipRole)
        self.setToolTip(TIP)
        self.activated.connect(self._chosen)

    @Slot(int)
    def _chosen(self, index: int) -> None:
        name = self.itemData(index)
        if name:
            self.apply(name)

    def apply(self, name: str) -> None:
        """Fill the panel with preset `name` (engine.presets.get raises ConfigError for an unknown name)."""
        values = presets.get(name)
        self.panel.set_config({**self.panel.config(), "task": PRESET_TASK, "options": {}, **values})
        self.setCurrentIndex(max(self.findData(name), 0))
        self.setToolTip(f"{preset_tip(name)}\n\n{TIP}")
        self.applied.emit(name)
