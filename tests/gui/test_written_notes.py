"""Every save and export says in the status line which file it wrote, with Show in folder opening the folder
it is in (the URL is recorded here, nothing opens); file dialogs start in the last folder of their kind (data,
models and configs, exports), kept in the window's QSettings."""
from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QFileDialog, QMessageBox

from window_helpers import load_data


def save_dialog_answers(monkeypatch, path: Path, asked: list | None = None) -> None:
    """The save dialog returns `path`; the folder it was opened in goes to `asked`."""
    def answer(_parent, _caption, start, _filters, *rest, **kw):
        if asked is not None:
            asked.append(str(Path(start).parent))
        return str(path), ""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(answer))


def opened_urls(window, qtbot) -> list:
    """Click Show in folder with a recorder in place of the file manager; the URLs it was asked to open."""
    urls = []
    window.status_line.open_url = lambda url: urls.append(url) or True
    line = window.status_line
    assert line.folder_button.isVisibleTo(window)
    qtbot.mouseClick(line.folder_button, Qt.MouseButton.LeftButton)
    return urls


def test_a_saved_config_is_named_and_show_in_folder_opens_its_folder(window, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "configs" / "lesson.json"
    target.parent.mkdir()
    save_dialog_answers(monkeypatch, target)
    window.actions_by_name["save_config"].trigger()
    assert json.loads(target.read_text())["task"] == window.model_panel.current_task()
    assert window.status_line.note_text() == f"Saved the config: {target}"
    assert opened_urls(window, qtbot) == [QUrl.fromLocalFile(str(target.parent))]


def test_every_single_file_export_confirms_its_file(window, qtbot, tmp_path, monkeypatch):
    exports = tmp_path / "exports"
    exports.mkdir()
    for name in ("export_curves", "export_metrics", "export_gallery", "export_confusion"):
        target = exports / f"{name}.{'csv' if name == 'export_metrics' else 'png'}"
        save_dialog_answers(monkeypatch, target)
        window.actions_by_name[name].trigger()
        assert target.stat().st_size > 0
        note = window.status_line.note_text()
        assert note.startswith("Exported the ") and note.endswith(str(target)), note
        assert opened_urls(window, qtbot) == [QUrl.fromLocalFile(str(exports))]


def test_a_saved_model_is_confirmed_and_a_failed_save_is_not(window, qtbot, tmp_path, monkeypatch):
    checkpoint = tmp_path / "run" / "model.ckpt"  # stands for a run's checkpoint: saving copies the file
    checkpoint.parent.mkdir()
    checkpoint.write_bytes(b"weights")
    window.session.checkpoint = str(checkpoint)
    target = tmp_path / "kept" / "digits.ckpt"
    target.parent.mkdir()
    save_dialog_answers(monkeypatch, target)
    window.actions_by_name["save_model"].trigger()
    assert target.read_bytes() == b"weights"
    assert window.status_line.note_text() == f"Saved the model: {target}"
    assert opened_urls(window, qtbot) == [QUrl.fromLocalFile(str(target.parent))]

    window.status_line.clear_note()
    save_dialog_answers(monkeypatch, tmp_path / "missing" / "model.ckpt")  # a folder that is not there
    window.actions_by_name["save_model"].trigger()
    errors = [box for box in window.findChildren(QMessageBox) if box.objectName() == "error dialog"]
    assert len(errors) == 1 and "Cannot save the model" in errors[0].windowTitle()
    errors[0].close()
    assert window.status_line.note_text() == ""  # nothing was written, nothing is confirmed
    assert not window.status_line.folder_button.isVisibleTo(window)


def test_the_edge_video_and_the_comparison_report_are_confirmed(window, qtbot, tmp_path, monkeypatch):
    video = tmp_path / "clips" / "walk_edges.mp4"
    window.video.exported.emit(str(video))  # what the video view says once its export has written the file
    assert window.status_line.note_text() == f"Exported the edge video: {video}"
    assert opened_urls(window, qtbot) == [QUrl.fromLocalFile(str(video.parent))]

    report = tmp_path / "report.html"
    report.write_text("<html>runs</html>")
    window.open_compare()
    dialog = window.gates.compare
    dialog.result = {"report": str(report)}
    target = tmp_path / "out" / "comparison.html"
    target.parent.mkdir()
    save_dialog_answers(monkeypatch, target)
    dialog.export_report()
    assert target.read_text() == "<html>runs</html>"
    assert window.status_line.note_text() == f"Saved the comparison report: {target}"
    dialog.close()


def test_file_dialogs_start_in_the_last_folder_of_their_kind(window, qtbot, tmp_path, monkeypatch):
    dialogs = window.dialogs
    data = tmp_path / "datasets" / "digits"
    data.mkdir(parents=True)
    models, exports = tmp_path / "models", tmp_path / "pictures"
    models.mkdir()
    exports.mkdir()
    assert dialogs.last_dir("models") == str(Path.home())  # nothing chosen yet

    load_data(window, qtbot, "demo")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(data)))
    monkeypatch.setattr(window.session, "load", lambda spec, task="": None)  # where it is, not what it holds
    window.actions_by_name["open_folder"].trigger()
    asked = []
    save_dialog_answers(monkeypatch, exports / "curves.png", asked)
    window.actions_by_name["export_curves"].trigger()
    save_dialog_answers(monkeypatch, models / "config.json", asked)
    window.actions_by_name["save_config"].trigger()
    save_dialog_answers(monkeypatch, exports / "curves2.png", asked)
    window.actions_by_name["export_curves"].trigger()
    # the first export started at home, the config too; the second export where the first went
    assert asked == [str(Path.home()), str(Path.home()), str(exports)]
    # a data folder's dialog opens beside the folder last opened (its sibling datasets)
    assert dialogs.last_dir("data") == str(data.parent)
    assert dialogs.last_dir("models") == str(models)
    # kept in QSettings: a window opened later starts in the same folders
    assert window.settings.value("folders/exports") == str(exports)
    # a folder that has gone since is not offered
    (models / "config.json").unlink()
    models.rmdir()
    assert dialogs.last_dir("models") == str(Path.home())
