"""Why gates matter, in the window: the live gradient curve and the trajectories on the Inside tab after a
real (tiny) training, a real comparison through the Compare cells… dialog ending in an exported report,
and the Preset box filling the model panel.

Tiny runs on the built-in digits (16x16: 16 rows = 16 time steps), one CPU thread, hidden 8-16, one epoch.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from window_helpers import load_data, train_to_end

TIMEOUT_MS = 60_000


@pytest.fixture
def window(window, qtbot):
    """The window of tests/gui/conftest.py with the demo digits loaded and a small one-epoch model set."""
    load_data(window, qtbot, "demo")
    panel = window.model_panel
    panel.hidden.setValue(16)
    panel.epochs.setValue(1)
    panel.threads.setValue(1)
    return window


def test_a_training_draws_its_gradient_curve_and_trajectories(window, qtbot):
    w, gates = window, window.gates
    w.model_panel.cell_group.button(0).click()  # RNN
    train_to_end(w, qtbot, TIMEOUT_MS)
    view = gates.gradients
    assert view.run_labels() == ["run 1, 16 units"]
    norms = view.norms("run 1, 16 units")
    steps = w.session.splits.train.image_shape[0]  # one row per step
    assert norms.shape == (steps,) and np.all(norms > 0)  # a gradient measured at every step
    assert view.is_log_y()
    x, y = view.curve_item("run 1, 16 units").getData()
    assert list(x) == list(range(1, steps + 1))
    assert "row" in view.plot_item().getAxis("bottom").labelText
    assert "RNN" in view.caption_text() and f"step {steps}" in view.caption_text()

    # the trajectories: shown at the end of the run, the probe image beside them
    assert gates.trajectory_page.currentWidget() is gates.trajectories
    t = gates.trajectories
    assert t.slider.maximum() == steps - 1
    assert sorted(t.legend_names())[:10] == [str(d) for d in range(10)]
    assert sum(len(t.class_points(c)) for c in range(10)) > 100
    assert t.read_rect().height() == steps  # the last step: every row of the probe image read
    t.set_time(0)
    assert t.read_rect().height() == 1
    assert [gates.inside.tabText(i) for i in range(3)] == ["States", "Gradients", "Trajectories"]

    # the same page for a model as if loaded from a file: computed on a worker when asked
    gates.trajectory_page.setCurrentIndex(0)
    t.set_trajectories(np.zeros((2, 1, 2)), np.array([0, 1]), ["a", "b"])
    assert gates.compute_button.isEnabled()
    qtbot.mouseClick(gates.compute_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: gates.trajectory_page.currentWidget() is t, timeout=TIMEOUT_MS)
    assert t.slider.maximum() == steps - 1 and sorted(t.legend_names())[:10] == [str(d) for d in range(10)]
    qtbot.waitUntil(gates.compute_button.isEnabled, timeout=5000)

    # a second run with another cell overlays its curve; the forget-gate histogram follows the step
    w.model_panel.cell_group.button(1).click()  # LSTM
    train_to_end(w, qtbot, TIMEOUT_MS)
    assert view.run_labels() == ["run 1, 16 units", "run 2, 16 units"]
    assert any(name.endswith("LSTM") for name in view.legend_names())
    counts, _ = t.histogram()
    assert counts.sum() > 0
    t.set_time(0)
    first, _ = t.histogram()
    assert first.sum() == counts.sum()  # the same samples and units, at another step


def test_compare_dialog_runs_two_cells_and_exports_the_report(window, qtbot, tmp_path, monkeypatch):
    w = window
    w.model_panel.hidden.setValue(8)
    w.actions_by_name["compare"].trigger()
    dialog = w.gates.compare
    qtbot.waitExposed(dialog)
    assert dialog.hidden.value() == 8 and "demo" in dialog.about.text()
    assert dialog.plain.isChecked() and dialog.settings()["layers"] == 1  # one gradient path back in time
    w.model_panel.layers.setValue(2)
    dialog.plain.setChecked(False)
    assert dialog.settings()["layers"] == 2 and "2 layers" in dialog.about.text()
    dialog.plain.setChecked(True)
    assert "1 layer," in dialog.about.text()
    dialog.boxes["lstm"].setChecked(False)
    dialog.epochs.setValue(1)
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert not dialog.start_button.isEnabled() and not w.actions_by_name["train"].isEnabled()
    qtbot.waitUntil(lambda: dialog.result is not None and not dialog.running, timeout=TIMEOUT_MS)
    assert dialog.start_button.isEnabled() and w.actions_by_name["train"].isEnabled()
    view = dialog.view
    assert view.table.rowCount() == 2
    assert [view.table_text(r, 0) for r in range(2)] == ["RNN", "GRU"]
    for row in range(2):
        assert int(view.table_text(row, 1).replace(",", "")) > 0  # parameters
        assert view.table_text(row, 4).endswith("%")  # test accuracy
        assert view.table_text(row, 5) != "–"  # gradient ratio measured
    assert "learned best" in view.verdict_text()
    assert "done: 2 of 2 runs" in dialog.status.text()

    target = tmp_path / "report.html"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), ""))
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    page = Path(target).read_text()
    assert "<table" in page and "RNN" in page and "GRU" in page and page.count("<svg") == 3


def test_the_preset_box_fills_the_model_panel(window):
    panel = window.model_panel
    index = panel.preset.findData("pixels")
    assert "784" in panel.preset.itemData(index, Qt.ItemDataRole.ToolTipRole)
    panel.preset.activated.emit(index)
    config = panel.config()
    assert config["read"] == "pixels" and config["options"] == {"gate_init": "chrono"}
    assert config["task"] == "classify" and config["layers"] == 1 and not config["bidirectional"]
    assert "784" in panel.preset.toolTip()
    panel.preset.apply("rows")
    assert panel.config()["read"] == "rows" and panel.config()["options"] == {}


def test_cancel_ends_the_comparison_early_and_keeps_what_finished(window, qtbot):
    w = window
    w.model_panel.hidden.setValue(8)
    w.actions_by_name["compare"].trigger()
    dialog = w.gates.compare
    dialog.epochs.setValue(200)  # far longer than the test waits
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.live.progress is not None, timeout=TIMEOUT_MS)
    assert "run 1/3: RNN" in dialog.status.text() and "left for all runs" in dialog.status.text()
    assert dialog.view.table_text(0, 0) == "RNN (training…)"
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result is not None and not dialog.running, timeout=TIMEOUT_MS)
    assert dialog.status.text().startswith("cancelled: 1 of 3 runs")
    assert "RNN stopped after" in dialog.status.text()
    assert dialog.view.table.rowCount() == 1 and dialog.view.table_text(0, 0) == "RNN (stopped early)"
    assert Path(dialog.result["report"]).is_file()
    assert w.actions_by_name["train"].isEnabled() and dialog.start_button.isEnabled()
