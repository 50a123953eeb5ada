"""Figures as figures (issue 16, part 3): curves, gradient curves, trajectories, the confusion matrix, PR curves
and the comparison plots are drawn again from their data at a chosen size and DPI, as PNG (of exactly that size,
recording its DPI) and SVG (well-formed, its text the run's caption and legend), whatever size the widget has
on screen; the export dialog's presets, custom size and format; File ▸ Export figure… writes and confirms."""
from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import numpy as np
import pytest
from PySide6 import QtGui

from gui.views.compare_view import CompareView
from gui.views.confusion import ConfusionMatrixView
from gui.views.edge_compare import EdgeCompare
from gui.views.figure_dialog import CUSTOM, FigureDialog
from gui.views.figure_export import FigureOptions, write
from gui.views.grad_curve import GradientCurveView
from gui.views.training_curves import TrainingCurves
from gui.views.trajectories import TrajectoryView
from test_views_compare import make_run
from test_views_trajectories import spirals

SIZES = [FigureOptions(1600, 1000, 150), FigureOptions(800, 500, 96)]
SVG = "{http://www.w3.org/2000/svg}"


def curves() -> TrainingCurves:
    view = TrainingCurves()
    for step in range(40):
        view.add_point("loss", "train", step, step / 10, 2 * np.exp(-step / 15))
    view.refresh()
    view.new_run("run 2 · LSTM h64")
    for step in range(40):
        view.add_point("loss", "train", step, step / 10, 1.5 * np.exp(-step / 10))
        if step % 10 == 9:
            view.add_point("loss", "val", step, step / 10 + 0.1, 1.6 * np.exp(-step / 10))
            view.add_point("metric", "val", step, step / 10 + 0.1, 1 - np.exp(-step / 12))
    view.refresh()
    view.set_log_y(True)
    return view


def gradients() -> GradientCurveView:
    view = GradientCurveView()
    for cell, decades in (("rnn", 6), ("gru", 1)):
        view.add_norms(cell, cell, 10.0 ** -np.linspace(decades, 0, 16), 120, which="the last layer, forward")
    view.set_axis_label("time step (row read)")
    return view


def trajectories() -> TrajectoryView:
    view = TrajectoryView()
    points, labels = spirals()
    view.set_trajectories(points, labels, ["a", "b", "c"], np.zeros((28, 28)), "rows", np.full(50, 0.9),
                          probe_index=3)
    return view


def confusion() -> ConfusionMatrixView:
    view = ConfusionMatrixView()
    view.set_matrix(np.array([[50, 2, 1], [3, 40, 7], [0, 5, 60]]), ["cat", "dog", "horse"])
    return view


def pr_curves() -> EdgeCompare:
    view = EdgeCompare()
    r = np.linspace(0.05, 0.95, 20)
    view.set_pr({"precision": 1 - 0.7 * r ** 2, "recall": r, "canny_precision": 0.8 - 0.6 * r, "canny_recall": r})
    return view


def comparison() -> CompareView:
    view = CompareView()
    view.set_runs([make_run("rnn"), make_run("lstm"), make_run("gru")])
    return view


KINDS = {"curves": (curves, ["Solid: run 2 · LSTM h64", "run 1 · train", "Loss"]),
         "gradients": (gradients, ["Measured on the last layer, forward", "RNN"]),
         "trajectories": (trajectories, ["Hidden states at step 28 / 28", "Step 28 / 28", "b"]),
         "confusion": (confusion, ["true class", "horse", "accuracy"]),
         "pr": (pr_curves, ["recurrent ODS", "Canny ODS", "best F-measure"]),
         "compare": (comparison, ["Validation accuracy", "GRU", "Gradient through time"])}


def svg_text(root) -> str:
    return " ".join(t.strip() for e in root.iter() for t in (e.text or "",) if t.strip())


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_figure_at_two_sizes_as_png_and_svg(qtbot, tmp_path, kind):
    make, words = KINDS[kind]
    view = make()
    qtbot.addWidget(view)
    view.resize(420, 260)  # squeezed on screen: the export does not care
    figure = view.pr_figure() if kind == "pr" else view.figure()
    assert not figure.empty
    for options in SIZES:
        png = write(figure, tmp_path / f"{kind}_{options.width}.png", options)
        image = QtGui.QImage(str(png))
        assert (image.width(), image.height()) == (options.width, options.height)
        assert abs(image.dotsPerMeterX() * 0.0254 - options.dpi) < 1
        grey = image.convertToFormat(QtGui.QImage.Format.Format_Grayscale8)
        pixels = np.frombuffer(grey.constBits(), np.uint8).reshape(options.height, -1)[:, :options.width].copy()
        assert (pixels < 128).mean() > 0.002 and (pixels > 200).mean() > 0.5  # drawn: ink on white
        svg = write(figure, tmp_path / f"{kind}_{options.width}.svg", options)
        root = ElementTree.parse(svg).getroot()
        assert root.tag == f"{SVG}svg"
        box = [float(v) for v in root.attrib["viewBox"].split()]
        assert box[2:] == pytest.approx([options.width * 96 / options.dpi, options.height * 96 / options.dpi], abs=1)
        text = svg_text(root)
        for word in words:
            assert word in text, (word, text[:400])


def test_an_empty_view_has_an_empty_figure_and_a_bad_name_is_refused(qtbot, tmp_path):
    view = GradientCurveView()
    qtbot.addWidget(view)
    assert view.figure().empty
    with pytest.raises(OSError):
        write(view.figure(), tmp_path / "g.jpg")


def test_the_dialog_offers_presets_custom_sizes_dpi_and_formats(qtbot):
    dialog = FigureDialog(["Training curves", "Confusion matrix"], "Confusion matrix", FigureOptions(800, 500, 96),
                          ".svg")
    qtbot.addWidget(dialog)
    assert dialog.chosen() == "Confusion matrix" and dialog.kind() == ".svg"
    assert dialog.options() == FigureOptions(800, 500, 96) and not dialog.width_spin.isEnabled()
    dialog.preset.setCurrentIndex(0)
    assert dialog.options() == FigureOptions(1600, 1000, 96)
    dialog.preset.setCurrentText(CUSTOM)
    assert dialog.width_spin.isEnabled()
    dialog.width_spin.setValue(1234)
    dialog.height_spin.setValue(567)
    dialog.dpi.setValue(300)
    dialog.kinds[".png"].setChecked(True)
    assert dialog.options() == FigureOptions(1234, 567, 300) and dialog.kind() == ".png"
    assert "1234 × 567 pixels" in dialog.summary.text() and "4.1 × 1.9 inches" in dialog.summary.text()
    hint = dialog.sizeHint()
    assert hint.width() <= 1280 and hint.height() <= 720


def test_file_export_figure_writes_the_chosen_figure_and_confirms(window, qtbot, tmp_path, monkeypatch):
    figures = window.controller.exports.figures
    errors = []
    monkeypatch.setattr(window.dialogs, "error", lambda *args: errors.append(args))
    window.actions_by_name["export_figure"].trigger()
    assert errors and errors[0][0] == "No figure yet"
    window.curves.add_point("loss", "train", 1, 0.1, 0.9)
    window.curves.add_point("loss", "train", 2, 0.2, 0.7)
    window.curves.refresh()
    assert figures.available() == ["Training curves"]
    target = tmp_path / "loss.svg"
    monkeypatch.setattr(window.dialogs, "save_file", lambda *args, **kw: str(tmp_path / "loss"))
    window.actions_by_name["export_figure"].trigger()
    dialog = figures.dialog
    assert dialog.isVisible() and dialog.chosen() == "Training curves"
    dialog.kinds[".svg"].setChecked(True)
    dialog.preset.setCurrentIndex(1)
    dialog.export_button.click()
    assert ElementTree.parse(target).getroot().tag == f"{SVG}svg"
    note = window.status_line.note_text()
    assert note == f"Exported the training curves (800 × 500 px, 150 DPI): {target}"
    assert figures.options == FigureOptions(800, 500, 150) and figures.kind == ".svg"  # kept for the next one


def test_compare_cells_exports_its_plots_as_a_figure(window, qtbot, tmp_path):
    window.open_compare()
    compare = window.gates.compare
    compare.view.set_runs([make_run("rnn"), make_run("gru")])
    compare.view.figure_button.click()
    dialog = compare.figures.dialog
    assert dialog.isVisible() and dialog.chosen() == "Cell comparison" and dialog.parent() is compare
    dialog.reject()
    target = tmp_path / "cells.png"
    assert compare.figures.write("Cell comparison", str(target), FigureOptions(800, 500, 96))
    assert QtGui.QImage(str(target)).size().toTuple() == (800, 500)
    assert window.status_line.note_text().endswith(str(target))
    compare.close()
