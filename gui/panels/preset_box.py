"""The model panel's Preset box: ready-made settings for the "why gates matter" lesson (engine.presets).

It offers only the presets that fit the chosen task (engine.presets.fits: the task shows every setting the
preset sets); a task that none fits shows a greyed-out box that says so. Picking one fills the panel for the
chosen task; the data stays what is loaded. The item's tooltip says what the preset shows. A preset that cannot
apply is refused with a message (`refused`) and the box goes back to "choose…".
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QComboBox

from engine import presets
from engine.errors import ConfigError
from engine.tasks import registry

CHOOSE = "choose…"
TIP = ("Fill in ready-made settings for a lesson (they do not load data). Pick one, then Train, or "
       "Train ▸ Compare cells… to see RNN, LSTM and GRU side by side.")


def preset_tip(name: str) -> str:
    preset = presets.PRESETS[name]
    kind = preset.get("data", "").partition(":")[0]
    suggested = f" Suggested data: {kind.upper()} (File ▸ Open folder…)." if kind else ""
    return f"{preset['title']}. {preset['description']}{suggested}"


def none_for(title: str) -> str:
    return f"none for {title}"


class PresetBox(QComboBox):
    applied = Signal(str)  # the preset's name, after it filled the panel
    refused = Signal(str)  # why a preset was not applied (the box shows "choose…" again)

    def __init__(self, panel):
        super().__init__(panel)
        self.panel = panel
        self.task = ""
        self.setToolTip(TIP)
        self.activated.connect(self._chosen)

    def show_presets_for(self, task: str) -> None:
        """Offer the presets that fit `task` ("choose…" first); nothing changes when it is the task offered."""
        if task == self.task:
            return
        self.task = task
        spec = registry.spec(task)
        fitting = presets.names_for(spec)
        self.clear()
        if not fitting:
            self.addItem(none_for(spec.title), "")
            self.setEnabled(False)
            self.setToolTip(f"The lesson presets set a read order and other settings of the image classifier; "
                            f"none of them fits {spec.title}.")
            return
        self.setEnabled(True)
        self.addItem(CHOOSE, "")
        for name in fitting:
            # "Sequential pixels: 784 steps" counts MNIST's steps; other data has its own (the tooltip says)
            self.addItem(presets.PRESETS[name]["title"].split(":")[0], name)
            self.setItemData(self.count() - 1, preset_tip(name), Qt.ItemDataRole.ToolTipRole)
        self.setToolTip(TIP)

    def offered(self) -> list[str]:
        """The names of the presets the box offers now."""
        return [self.itemData(i) for i in range(self.count()) if self.itemData(i)]

    @Slot(int)
    def _chosen(self, index: int) -> None:
        name = self.itemData(index)
        if name:
            self.apply(name)

    def apply(self, name: str) -> bool:
        """Fill the panel with preset `name` for the chosen task; False (and `refused`) when it cannot apply."""
        spec = registry.spec(self.panel.current_task())
        if name not in presets.PRESETS:
            return self._refuse(f"There is no preset '{name}'.")
        title = presets.PRESETS[name]["title"].split(":")[0]
        if not presets.fits(name, spec):
            return self._refuse(f"The preset '{title}' does not fit {spec.title}: it sets settings this task does "
                                "not have. Choose the image classifier's task to use it.")
        try:
            self.panel.set_config({**self.panel.config(), "options": {}, **presets.get(name)})
        except ConfigError as error:
            return self._refuse(f"The preset '{title}' cannot be applied: {error.message}")
        self.setCurrentIndex(max(self.findData(name), 0))
        self.setToolTip(f"{preset_tip(name)}\n\n{TIP}")
        self.applied.emit(name)
        return True

    def _refuse(self, message: str) -> bool:
        self.setCurrentIndex(0)
        self.refused.emit(message)
        return False
