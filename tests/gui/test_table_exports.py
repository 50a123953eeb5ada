"""Tables (issue 16, part 4): metrics per epoch (from the run folder's metrics.csv, or the curves of a run without
one), per-class accuracy and the Compare cells table as CSV and markdown, copied to the clipboard or saved, from
File ▸ Export table… and Compare cells' Table…."""
from __future__ import annotations

import csv
import io

import numpy as np
from PySide6.QtWidgets import QApplication

from gui.run import Run
from gui.table_actions import epoch_table
from gui.views.table_text import Table, csv_text, from_widget, markdown_text
from test_views_compare import make_run
from window_helpers import load_data, train_to_end


def test_csv_and_markdown_of_a_table():
    table = Table(["cell", "test accuracy", "note"], [["GRU", 0.97125, "a|b"], ["LSTM", 0.9, ""]], "USPS")
    rows = list(csv.reader(io.StringIO(csv_text(table))))
    assert rows == [["cell", "test accuracy", "note"], ["GRU", "0.97125", "a|b"], ["LSTM", "0.9", ""]]
    assert markdown_text(table).splitlines() == ["USPS", "", "| cell | test accuracy | note |", "|---|---:|---|",
                                                 "| GRU | 0.97125 | a\\|b |", "| LSTM | 0.9 |  |"]


def test_a_run_without_a_folder_tabulates_its_curve_points():
    run = Run(1, {"task": "classify", "cell": "gru", "hidden": 8})
    run.curve_points = [("loss", "train", 1, 0.5, 2.0), ("loss", "train", 2, 1.0, 1.0), ("loss", "val", 2, 1, 1.5),
                        ("metric", "val", 2, 1, 0.5), ("loss", "train", 4, 2.0, 0.5), ("metric", "val", 4, 2, 0.75)]
    table = epoch_table(run)
    assert table.header == ["epoch", "train_loss", "val_loss", "val_accuracy"]
    assert table.rows == [[1, 1.5, 1.5, 0.5], [2, 0.5, "", 0.75]]
    assert epoch_table(None).empty


def test_the_window_exports_metrics_per_epoch_and_per_class_accuracy(window, qtbot, tmp_path, monkeypatch):
    tables = window.controller.exports.tables
    errors = []
    monkeypatch.setattr(window.dialogs, "error", lambda *args: errors.append(args))
    window.actions_by_name["export_table"].trigger()
    assert errors and errors[0][0] == "No table yet"
    load_data(window, qtbot, "demo")
    panel = window.model_panel
    panel.set_config({**panel.config(), "hidden": 8, "layers": 1, "epochs": 2, "threads": 1, "augment": False})
    assert train_to_end(window, qtbot, 90_000).reason == "done"
    assert list(tables.available()) == ["Per-class accuracy", "Metrics per epoch"]

    window.actions_by_name["export_table"].trigger()
    dialog = tables.dialog
    assert dialog.isVisible()
    dialog.table.setCurrentText("Metrics per epoch")
    dialog.kinds["csv"].setChecked(True)
    rows = list(csv.DictReader(io.StringIO(dialog.preview.toPlainText())))
    assert [float(r["epoch"]) for r in rows] == [1, 2] and "val_accuracy" in rows[0]  # the run's metrics.csv
    dialog.copy_button.click()
    assert QApplication.clipboard().text() == dialog.preview.toPlainText()
    assert window.status_line.note_text() == "Copied the metrics per epoch to the clipboard as CSV."

    dialog.table.setCurrentText("Per-class accuracy")
    dialog.kinds["markdown"].setChecked(True)
    lines = dialog.preview.toPlainText().splitlines()
    assert lines[0].startswith("accuracy ") and lines[2] == "| class | count | accuracy |" and len(lines) == 4 + 10
    monkeypatch.setattr(window.dialogs, "save_file", lambda *args, **kw: str(tmp_path / "classes"))
    dialog.save_button.click()
    target = tmp_path / "classes.md"
    assert target.read_text() == dialog.preview.toPlainText()
    assert window.status_line.note_text() == f"Exported the per-class accuracy (Markdown): {target}"


def test_compare_cells_table_is_copied_as_markdown(window, qtbot):
    window.open_compare()
    compare = window.gates.compare
    compare.view.set_runs([make_run("rnn"), make_run("gru")])
    table = from_widget(compare.view.table)
    assert table.header[:3] == ["cell", "parameters", "training time"] and [r[0] for r in table.rows] == ["RNN", "GRU"]
    compare.view.table_button.click()
    dialog = compare.tables.dialog
    assert dialog.isVisible() and dialog.parent() is compare and dialog.chosen() == "Cell comparison"
    dialog.copy_button.click()
    text = QApplication.clipboard().text()
    assert "| cell | parameters | training time |" in text and "| RNN |" in text
    assert np.all([line.startswith("|") for line in text.splitlines()[2:]])
    dialog.reject()
    compare.close()
