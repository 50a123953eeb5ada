"""Fitting image views to their pictures once they have a size."""
from __future__ import annotations

from PySide6.QtCore import QTimer


class FitOnShow:
    """Mixin for a QWidget whose pyqtgraph ViewBoxes are in self.views. A hidden widget (its tab not shown) has a
    0-px box to fit to, so set self._fit_later and the fit happens when the widget is next shown."""

    _fit_later = False

    def _fit(self) -> None:
        """Whole images in view."""
        self._fit_later = False
        for view in self.views.values():
            view.autoRange(padding=0)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._fit_later:
            QTimer.singleShot(0, self._fit)  # once the layout has its size
