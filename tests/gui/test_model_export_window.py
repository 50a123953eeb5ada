"""File ▸ Export model… (issue 16): the model in use written as ONNX off the GUI thread, checked with onnxruntime,
and the status line says how close it came to torch, with Show in folder; a checkpoint copy; a model whose
task has no ONNX graph is offered the checkpoint only; without a model the user is told what to do."""
from __future__ import annotations

import pytest

from live_helpers import checkpoint, load_model

onnx = pytest.importorskip("onnx")
onnxruntime = pytest.importorskip("onnxruntime")


def exporter(window):
    return window.controller.exports.model_exporter


def test_the_loaded_classifier_exports_as_checked_onnx_and_as_a_checkpoint(window, qtbot, tmp_path_factory,
                                                                          tmp_path):
    assert window.actions_by_name["export_model"] in window.menuBar().actions()[0].menu().actions()
    load_model(window, qtbot, checkpoint(tmp_path_factory, "classify"))
    out = tmp_path / "digits.onnx"
    exporter(window).export_to(str(out), "onnx")
    assert window.status_line.note_text().startswith("Exporting the model")  # said at once; the work is elsewhere
    qtbot.waitUntil(lambda: "verified" in window.status_line.note_text(), timeout=60_000)
    note = window.status_line.note_text()
    assert note.startswith(f"Wrote {out}") and "largest difference from torch" in note
    assert window.status_line.folder_url().toLocalFile() == str(tmp_path)
    session = onnxruntime.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == ["images"]
    assert session.get_inputs()[0].shape[0] == "batch"  # any batch size

    copy = tmp_path / "copy.ckpt"
    exporter(window).export_to(str(copy), "checkpoint")
    qtbot.waitUntil(lambda: "Copied the checkpoint" in window.status_line.note_text(), timeout=30_000)
    assert copy.read_bytes() == open(window.session.checkpoint, "rb").read()


def test_a_clip_classifier_is_offered_the_checkpoint_only_and_no_model_is_explained(window, qtbot, tmp_path_factory,
                                                                                   tmp_path, monkeypatch):
    errors = []
    monkeypatch.setattr(window.dialogs, "error", lambda *args: errors.append(args))
    exporter(window).choose()
    assert errors and errors[0][0] == "No model yet" and "Load model" in errors[0][2]

    load_model(window, qtbot, checkpoint(tmp_path_factory, "video-classify"))
    offered = []
    monkeypatch.setattr(window.dialogs, "save_file_and_filter",
                        lambda caption, name, filters, kind: offered.append((name, filters)) or ("", ""))
    exporter(window).choose()
    assert offered == [("model.ckpt", "Checkpoint (*.ckpt)")]
    exporter(window).export_to(str(tmp_path / "clips.onnx"), "onnx")  # asked for anyway: the engine says no
    qtbot.waitUntil(lambda: len(errors) == 2, timeout=30_000)
    assert errors[1][0] == "Cannot export the model" and "cannot be exported to ONNX" in errors[1][1]
    assert not (tmp_path / "clips.onnx").exists()
