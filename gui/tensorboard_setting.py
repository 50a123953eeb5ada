"""Train ▸ TensorBoard logs: a setting (kept between sessions) that makes every run trained in the window also
write TensorBoard event files into its run folder (engine/runs/tensorboard.py); refused, with how to install it,
while the tensorboard package is missing."""
from __future__ import annotations

from PySide6.QtCore import QObject, Slot

KEY = "tensorboard"


class TensorBoardSetting(QObject):
    def __init__(self, action, session, dialogs, parent=None):
        super().__init__(parent)
        from engine.runs.tensorboard import available  # torch-free

        self.action, self.session, self.dialogs = action, session, dialogs
        action.setCheckable(True)
        on = dialogs.settings.value(KEY, False, type=bool) and available()
        action.setChecked(on)
        session.tensorboard = on
        action.toggled.connect(self.toggle)

    @Slot(bool)
    def toggle(self, on: bool) -> None:
        from engine.runs.tensorboard import INSTALL, available

        if on and not available():
            blocked = self.action.blockSignals(True)
            self.action.setChecked(False)
            self.action.blockSignals(blocked)
            self.dialogs.error("TensorBoard is not installed", "TensorBoard logs need the tensorboard package.",
                               INSTALL)
            return
        self.session.tensorboard = on
        self.dialogs.settings.setValue(KEY, on)
        self.dialogs.status(f"TensorBoard logs on: the runs trained from now on write them into their folders; "
                            f"see them with: tensorboard --logdir {self.session.runs_dir}" if on else
                            "TensorBoard logs off.", 10000)
