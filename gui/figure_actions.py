"""File ▸ Export figure…: the figures the views can draw again from their data (gui.views.figure_export), each
named as the user reads it, written as PNG or SVG at the size and DPI chosen in gui.views.figure_dialog; the
status line names the file, with Show in folder. The last choices are kept for the next export."""
from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QWidget

from gui.exports import check_single_file
from gui.views.figure_dialog import FigureDialog
from gui.views.figure_export import KINDS, FigureOptions, write


class FigureExports(QObject):
    def __init__(self, dialogs, spec: Callable[[], str], parent=None):
        """`spec()`: the loaded data's spec (nothing of it is ever written over)."""
        super().__init__(parent)
        self.dialogs, self.spec = dialogs, spec
        self.sources: dict[str, Callable] = {}  # name -> figure() of a view
        self.options, self.kind, self.last = FigureOptions(), ".png", ""
        self.dialog: FigureDialog | None = None

    def add(self, name: str, figure: Callable) -> None:
        """Offer `figure()` (a Figure or Painting, maybe empty) under `name`, e.g. "Training curves"."""
        self.sources[name] = figure

    def available(self) -> list[str]:
        """The figures that have something to show now."""
        return [name for name, figure in self.sources.items() if not figure().empty]

    def choose(self, chosen: str = "") -> None:
        """Open the dialog (not blocking the window); its Export… asks where and writes."""
        names = self.available()
        if not names:
            self.dialogs.error("No figure yet", "There is nothing to draw yet: no curves, matrix or trajectories.",
                               "Train a model (or open a run), then export its figures.")
            return
        owner = self.parent() if isinstance(self.parent(), QWidget) else self.dialogs.parent()  # e.g. Compare cells
        self.dialog = FigureDialog(names, chosen or self.last, self.options, self.kind, owner)
        self.dialog.accepted.connect(self._chosen)
        self.dialog.open()

    @Slot()
    def _chosen(self) -> None:
        dialog = self.dialog
        self.last, self.options, self.kind = dialog.chosen(), dialog.options(), dialog.kind()
        name = re.sub(r"[^a-z0-9]+", "_", self.last.lower()).strip("_") + self.kind
        path = self.dialogs.save_file(f"Export {self.last.lower()}", name, f"{KINDS[self.kind]} (*{self.kind})")
        if path:
            self.write(self.last, path if path.lower().endswith(self.kind) else path + self.kind, self.options)

    def write(self, name: str, path: str, options: FigureOptions) -> bool:
        """`name`'s figure into `path` (PNG or SVG by its suffix); the status line confirms, a dialog says why not."""
        if not check_single_file(self.dialogs.error, path, self.spec()):
            return False
        try:
            write(self.sources[name](), path, options)
        except OSError as error:
            self.dialogs.error("Export failed", f"Could not write {path}: {error}",
                               "Check the folder exists and is writable.")
            return False
        self.dialogs.written(path, f"Exported the {name.lower()} ({options.width} × {options.height} px, "
                                   f"{options.dpi} DPI): {path}")
        return True
