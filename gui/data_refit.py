"""Data read for one task and also fit for the chosen one (moving digits: sequences or labelled clips; pairs:
edge maps or masks) is read again for the chosen task, so its summary and arrays match it."""
from __future__ import annotations

from PySide6.QtCore import QObject, Slot


class DataRefit(QObject):
    def __init__(self, session, model_panel, parent=None):
        super().__init__(parent)
        self.session, self.model_panel = session, model_panel
        self._reloading: tuple[str, str] | None = None
        model_panel.configChanged.connect(self.reload_for_task)

    @Slot()
    def reload_for_task(self) -> None:
        session, task = self.session, self.model_panel.current_task()
        data = session.data
        if data is None or data.task == task:
            self._reloading = None
        elif data.fits(task) and session.state == "idle" and self._reloading != (session.spec, task):
            self._reloading = (session.spec, task)
            session.load(session.spec, task)
