"""Exports of what the views show (curves, metrics, gallery, confusion matrix, edge maps, the edge video):
gets the views it exports, the session (so nothing overwrites the loaded data) and the dialog service."""
from __future__ import annotations

from PySide6.QtCore import QObject, Slot

from gui.exports import check_single_file
from gui.figure_actions import FigureExports
from gui.model_exporter import ModelExporter
from gui.table_actions import TableExports


class ExportActions(QObject):
    def __init__(self, session, dialogs, edge_compare, video, parent=None):
        super().__init__(parent)
        self.session, self.dialogs, self.edge_compare, self.video = session, dialogs, edge_compare, video
        edge_compare.exportRequested.connect(self.export_edges)
        video.failed.connect(lambda message, hint: dialogs.error("Video edges", message, hint))
        video.exported.connect(self.video_written)
        self.model_exporter = ModelExporter(session, dialogs, self)  # File ▸ Export model…
        self.figures = FigureExports(dialogs, lambda: session.spec, self)  # File ▸ Export figure…
        self.tables = TableExports(dialogs, lambda: session.spec, self)  # File ▸ Export table…

    def export(self, what: str, writer, filters: str) -> None:
        """Ask where, then `writer(path)`; a writer raising OSError or returning False gives a dialog."""
        suffix = ".csv" if "CSV" in filters else ".png"
        path = self.dialogs.save_file(f"Export {what}", what + suffix, filters)
        if not path or not check_single_file(self.dialogs.error, path, self.session.spec):
            return
        try:
            ok = writer(path) is not False
        except OSError as error:  # the views raise or return False when the file cannot be written
            ok, path = False, f"{path} ({error})"
        if not ok:
            self.dialogs.error("Export failed", f"Could not write {path}.", "Check the folder exists and is writable.")
            return
        self.dialogs.written(path, f"Exported the {what}: {path}")

    @Slot(str)
    def video_written(self, path: str) -> None:
        self.dialogs.written(path, f"Exported the edge video: {path}")

    def export_edges(self) -> None:
        if self.edge_compare.current() is None:
            self.dialogs.error("No edge maps yet", "There are no edge maps to export.", "Train an edges model first.")
            return
        self.export("edge maps", self.edge_compare.export_png, "PNG (*.png)")

    def export_edge_video(self) -> None:
        video = self.video
        if video.predictor is None or not video.spec or video.spec.startswith("camera:"):
            self.dialogs.error("No edge video to export",
                               "Export needs an edges model and a video file or frame folder.",
                               "Train or load an edges model, then open a video in the Live tab (Video edges).")
            return
        video.choose_export()
