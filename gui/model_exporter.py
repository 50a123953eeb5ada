"""File ▸ Export model…: the model in use as an ONNX file (checked with onnxruntime against torch) or as a copy of
its checkpoint, written off the GUI thread by engine.model_export; the status line then says what was written
and how it was checked, with Show in folder."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject

from gui.exports import check_single_file
from gui.jobs import Jobs
from gui.run import capabilities

ONNX_FILTER = "ONNX model, checked with onnxruntime (*.onnx)"
CHECKPOINT_FILTER = "Checkpoint (*.ckpt)"


class ModelExporter(QObject):
    def __init__(self, session, dialogs, parent=None):
        super().__init__(parent)
        self.session, self.dialogs = session, dialogs
        self.jobs = Jobs(self, self._failed)
        self.exporting = ""  # the file being written, while a job runs

    def choose(self) -> None:
        """Ask where and as what (the model's task decides whether ONNX is offered), then export."""
        if not self.session.checkpoint:
            self.dialogs.error("No model yet", "There is no trained or loaded model to export.",
                               "Train one first, or load a checkpoint (File ▸ Load model…).")
            return
        onnx = "onnx" in capabilities(self.session.predictor)
        filters = f"{ONNX_FILTER};;{CHECKPOINT_FILTER}" if onnx else CHECKPOINT_FILTER
        path, chosen = self.dialogs.save_file_and_filter("Export model", "model.onnx" if onnx else "model.ckpt",
                                                         filters, "models")
        if not path:
            return
        fmt = "checkpoint" if chosen == CHECKPOINT_FILTER or Path(path).suffix.lower() == ".ckpt" else "onnx"
        suffix = ".onnx" if fmt == "onnx" else ".ckpt"
        self.export_to(path if Path(path).suffix.lower() == suffix else path + suffix, fmt)

    def export_to(self, path: str, fmt: str) -> None:
        """Write the model in use to `path` as `fmt` ("onnx" or "checkpoint") on a worker thread; the dialog
        already asked before replacing a file, so an existing one is replaced (never the checkpoint itself)."""
        if self.exporting:
            self.dialogs.status(f"Still exporting {self.exporting}; try again when it is written.")
            return
        if not check_single_file(self.dialogs.error, path, self.session.spec):
            return
        checkpoint = self.session.checkpoint

        def work(_cancel):
            from engine.model_export import can_verify, export_model, verification_line

            result = export_model(checkpoint, path, fmt, verify=fmt == "onnx" and can_verify(), overwrite=True)
            return result, verification_line(result)

        self.exporting = path
        self.dialogs.status(f"Exporting the model to {path}…" + (" (then checking it with onnxruntime)"
                                                                 if fmt == "onnx" else ""), 0)
        self.jobs.start(work, self._written, "Cannot export the model", after=self._finished)

    def _written(self, answer) -> None:
        result, line = answer
        self.dialogs.written(result["out"], line)

    def _failed(self, title: str, message: str, hint: str) -> None:
        self.dialogs.error(title, message, hint)

    def _finished(self) -> None:
        self.exporting = ""
        self.dialogs.status("", 1)  # the "Exporting…" note goes; the written file's note or the error follows

    def busy(self) -> bool:
        return bool(self.exporting)

    def shutdown(self, timeout_ms: int = 0) -> bool:
        return self.jobs.shutdown(timeout_ms)
