"""CurvePlot and TrainingCurves: data, runs, log scale, readout, PNG and CSV export."""
import csv

import numpy as np
import pytest
from PySide6 import QtCore, QtGui

from gui.views.loss_plot import MAX_OLD_RUNS, CurvePlot, GrowingColumns
from gui.views.training_curves import TrainingCurves


@pytest.fixture
def plot(qtbot):
    widget = CurvePlot("Loss", y_label="loss", x_label="step")
    qtbot.addWidget(widget)
    widget.resize(800, 500)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def curves(qtbot):
    widget = TrainingCurves(metric_name="accuracy")
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def legend_names(curve_plot):
    return [label.text for _, label in curve_plot.plot_item().legend.items]


def data_items(curve_plot):
    return [item for item in curve_plot.plot_item().listDataItems() if item.name()]


def test_growing_columns_double_and_keep_values():
    buf = GrowingColumns(2, capacity=4)
    for i in range(11):
        buf.append((i, 10 * i))
    assert len(buf) == 11
    assert buf._data.shape[1] == 16
    np.testing.assert_array_equal(buf.column(0), np.arange(11))
    np.testing.assert_array_equal(buf.column(1), 10 * np.arange(11))
    assert buf.column(1).flags["C_CONTIGUOUS"]


def test_points_appear_after_refresh(plot):
    for step in range(5):
        plot.add_point("train", step, 1.0 / (step + 1))
    plot.add_point("val", 4, 0.5)
    item = data_items(plot)[0]
    assert len(item.xData if item.xData is not None else []) == 0  # no redraw before refresh()
    plot.refresh()
    x, y = plot.series_data("train")
    np.testing.assert_array_equal(x, np.arange(5))
    np.testing.assert_allclose(y, 1.0 / np.arange(1, 6))
    np.testing.assert_array_equal(item.xData, np.arange(5))
    assert plot.series_names() == ["train", "val"]
    assert legend_names(plot) == ["train", "val"]


def test_refresh_touches_only_changed_series(plot, monkeypatch):
    plot.add_point("train", 0, 1.0)
    plot.add_point("val", 0, 1.2)
    plot.refresh()
    pushed = []
    for item in data_items(plot):
        name = item.name()
        monkeypatch.setattr(item, "setData", lambda *a, _n=name, **k: pushed.append(_n))
    plot.add_point("val", 1, 1.1)
    plot.refresh()
    assert pushed == ["val"]
    plot.refresh()
    assert pushed == ["val"]


def test_new_run_fades_old_curves_and_starts_empty(plot):
    plot.new_run("RNN h64")
    for step in range(10):
        plot.add_point("train", step, 2.0 - 0.1 * step)
        plot.add_point("val", step, 2.1 - 0.1 * step)
    plot.new_run("GRU h128")  # pushes the last points before fading
    assert plot.old_run_labels() == ["RNN h64"]
    assert plot.series_names() == []
    assert plot.series_data("train")[0].size == 0
    assert legend_names(plot) == ["RNN h64 · train", "RNN h64 · val"]
    old = data_items(plot)
    assert len(old) == 2 and all(len(item.xData) == 10 for item in old)
    pen = old[0].opts["pen"]
    assert pen.style() == QtCore.Qt.PenStyle.DashLine and pen.color().alpha() < 255

    plot.add_point("train", 0, 3.0)
    plot.refresh()
    assert len(data_items(plot)) == 3
    assert legend_names(plot)[-1] == "train"
    np.testing.assert_array_equal(plot.series_data("train")[1], [3.0])


def test_new_run_keeps_at_most_eight_old_runs(plot):
    for run in range(MAX_OLD_RUNS + 3):
        plot.new_run(f"run {run}")
        plot.add_point("train", 0, float(run))
    plot.new_run("last")
    assert len(plot.old_run_labels()) == MAX_OLD_RUNS
    assert plot.old_run_labels()[0] == "run 3"
    assert len(data_items(plot)) == MAX_OLD_RUNS
    assert len(legend_names(plot)) == MAX_OLD_RUNS


def test_empty_run_is_not_archived(plot):
    plot.new_run("first")
    plot.new_run("second")
    assert plot.old_run_labels() == []


def test_log_toggle_and_clear_all(plot):
    plot.add_point("train", 0, 1.0)
    plot.add_point("train", 1, 0.1)
    plot.refresh()
    plot.set_log_y(True)
    assert plot.is_log_y()
    assert data_items(plot)[0].opts["logMode"] == [False, True]
    plot.set_log_y(False)
    assert not plot.is_log_y()
    plot.new_run("b")
    plot.add_point("train", 0, 1.0)
    plot.clear_all()
    assert data_items(plot) == [] and legend_names(plot) == []
    assert plot.old_run_labels() == [] and plot.series_names() == []


def test_mouse_readout_names_nearest_point(plot, qtbot):
    for step in range(100):
        plot.add_point("train", step, 1.0 - step / 200)
        plot.add_point("val", step, 0.2)
    plot.refresh()
    plot.plot_item().getViewBox().setRange(xRange=(0, 100), yRange=(0, 1), padding=0)
    vb = plot.plot_item().getViewBox()
    scene_pos = vb.mapViewToScene(QtCore.QPointF(40.2, 0.8))
    plot._on_mouse_moved((scene_pos,))
    assert plot.readout_text().startswith("train")
    assert "step = 40" in plot.readout_text() and "loss = 0.8" in plot.readout_text()
    plot._on_mouse_moved((vb.mapViewToScene(QtCore.QPointF(70, 0.21)),))
    assert plot.readout_text().startswith("val")


def test_font_size_reaches_axes_and_legend(plot):
    plot.add_point("train", 0, 1.0)
    plot.set_font_size(20)
    assert plot.plot_item().getAxis("left").style["tickFont"].pointSizeF() == 20
    assert plot.plot_item().getAxis("bottom").labelStyle["font-size"] == "20pt"
    assert plot.plot_item().legend.labelTextSize() == "20pt"


def test_export_png_and_csv(plot, tmp_path):
    for step in range(3):
        plot.add_point("train", step, 1.0 + step)
    plot.add_point("val", 2, 0.5)
    plot.refresh()
    png = tmp_path / "loss.png"
    plot.export_png(png)
    image = QtGui.QImage(str(png))
    assert not image.isNull()
    # drawn again from the data at the default export size (issue 16), whatever the widget's size
    assert (image.width(), image.height()) == (1600, 1000)
    path = tmp_path / "loss.csv"
    plot.export_csv(path)
    rows = list(csv.reader(open(path, newline="")))
    assert rows[0] == ["series", "x", "y"]
    assert rows[1:] == [["train", "0.0", "1.0"], ["train", "1.0", "2.0"],
                        ["train", "2.0", "3.0"], ["val", "2.0", "0.5"]]


def test_training_curves_switch_x_axis_repushes_all_runs(curves):
    curves.new_run("LSTM h32")
    for step in range(20):
        curves.add_point("loss", "train", step, step / 10, 1.0 / (step + 1))
        curves.add_point("metric", "train", step, step / 10, step / 20)
    curves.new_run("GRU h64")
    curves.add_point("loss", "train", 0, 0.0, 2.0)
    curves.add_point("loss", "train", 10, 1.0, 1.0)
    curves.refresh()
    np.testing.assert_array_equal(curves.loss_plot.series_data("train")[0], [0, 10])
    curves.x_axis_combo.setCurrentText("epochs")
    np.testing.assert_array_equal(curves.loss_plot.series_data("train")[0], [0.0, 1.0])
    old = data_items(curves.loss_plot)[0]
    np.testing.assert_allclose(old.xData, np.arange(20) / 10)
    assert curves.loss_plot.plot_item().getAxis("bottom").labelText == "epoch"
    curves.set_x_axis("steps")
    np.testing.assert_array_equal(old.xData, np.arange(20))
    assert curves.x_axis_combo.currentText() == "steps"


def test_training_curves_clear_all_empties_both_plots_for_a_new_run(curves):
    curves.add_point("loss", "train", 0, 0, 1.0)
    curves.add_point("metric", "val", 0, 0, 0.5)
    curves.refresh()
    curves.new_run("second")
    curves.add_point("loss", "train", 0, 0, 0.9)
    curves.refresh()
    curves.clear_all()
    for plot in (curves.loss_plot, curves.metric_plot):
        assert data_items(plot) == [] and legend_names(plot) == [] and plot.old_run_labels() == []
        assert plot.series_names() == []


def test_training_curves_log_checkbox(curves):
    curves.log_check.setChecked(True)
    assert curves.loss_plot.is_log_y()
    assert not curves.metric_plot.is_log_y()
    with pytest.raises(ValueError):
        curves.add_point("speed", "train", 0, 0, 1.0)


def test_training_curves_exports(curves, tmp_path):
    curves.add_point("loss", "train", 5, 0.5, 0.7)
    curves.add_point("metric", "val", 10, 1.0, 0.9)
    curves.refresh()
    png = tmp_path / "curves.png"
    curves.export_png(png)
    image = QtGui.QImage(str(png))
    assert (image.width(), image.height()) == (1600, 1000)  # both plots, drawn from the data (figure_export)
    assert [len(p.curves) for p in curves.figure().panels] == [1, 1]
    path = tmp_path / "curves.csv"
    curves.export_csv(path)
    rows = list(csv.reader(open(path, newline="")))
    assert rows == [["plot", "series", "step", "epoch", "y"],
                    ["loss", "train", "5.0", "0.5", "0.7"],
                    ["metric", "val", "10.0", "1.0", "0.9"]]


def test_qt_warnings_are_collected(fail_on_qt_warnings):
    QtCore.qWarning("a deliberate warning")
    assert fail_on_qt_warnings == ["QtWarningMsg: a deliberate warning"]
    fail_on_qt_warnings.clear()  # so that this test itself passes
