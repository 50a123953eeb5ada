"""GradientCurveView: log axis, curve data, live replacement, legend per cell, caption from the data, PNG."""
import time

import numpy as np
import pytest
from PySide6 import QtGui

from gui.views.grad_curve import (CELL_COLORS, EMPTY_TEXT, GradientCurveView, describe_curves, gradient_ratio,
                                  orders_words, ratio_text)


def decaying(decades: float, steps: int = 28) -> np.ndarray:
    """A curve that is 10^-decades at step 1 and 0.5 at the last step, falling exponentially."""
    t = np.arange(steps)
    return 0.5 * 10.0 ** (-decades * (steps - 1 - t) / (steps - 1))


@pytest.fixture
def view(qtbot):
    widget = GradientCurveView()
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_log_axis_and_curve_data_equal_the_norms(view):
    norms = decaying(6)
    view.add_norms("rnn", "rnn", norms, step=10)
    assert view.is_log_y()
    item = view.curve_item("rnn")
    np.testing.assert_array_equal(item.xData, np.arange(1, 29))
    np.testing.assert_allclose(item.yData, norms)
    np.testing.assert_allclose(view.norms("rnn"), norms)


def test_clear_removes_every_curve_for_a_new_run(view):
    view.add_norms("rnn", "rnn", decaying(6), step=10)
    view.add_norms("lstm", "lstm", decaying(1), step=10)
    assert "RNN" in view.caption_text()
    view.clear()
    assert view.run_labels() == [] and view.legend_names() == [] and view.plot_item().listDataItems() == []
    assert view.caption.text() == EMPTY_TEXT and EMPTY_TEXT.startswith("No gradient yet for this run")
    view.add_norms("gru", "gru", decaying(0.5), step=3)  # the next run draws alone
    assert view.run_labels() == ["gru"] and view.legend_names() == ["GRU"]
    view.clear("run B (Edge maps) sends none")
    assert view.caption.text() == view.placeholder_text() == "run B (Edge maps) sends none"


def test_latest_curve_of_a_run_replaces_the_previous_one(view):
    view.add_norms("rnn", "rnn", decaying(3), step=10)
    item = view.curve_item("rnn")
    view.add_norms("rnn", "rnn", decaying(6), step=20)
    assert view.curve_item("rnn") is item  # same PlotDataItem, new data
    np.testing.assert_allclose(item.yData, decaying(6))
    assert len(view.plot_item().listDataItems()) == 1


def test_runs_stay_with_a_legend_entry_and_colour_per_cell(view):
    view.add_norms("rnn", "rnn", decaying(7), 5)
    view.add_norms("lstm", "lstm", decaying(1), 5)
    view.add_norms("gru", "gru", decaying(0.5), 5)
    assert view.legend_names() == ["RNN", "LSTM", "GRU"]
    for cell in ("rnn", "lstm", "gru"):
        pen = view.curve_item(cell).opts["pen"]
        assert pen.color().name().lower() == CELL_COLORS[cell].lower()
    # an earlier run of the same cell stays, faded and dashed; the new one is solid
    view.add_norms("run 2", "rnn", decaying(5), 9)
    assert "run 2 · RNN" in view.legend_names()
    old, new = view.curve_item("rnn").opts["pen"], view.curve_item("run 2").opts["pen"]
    assert old.color().alpha() < 255 and old.style() != new.style()
    assert new.color().alpha() == 255


def test_caption_states_the_ratio_from_the_data(view):
    view.set_axis_label("time step (row read)")
    view.add_norms("rnn", "rnn", decaying(6), 1)
    view.add_norms("lstm", "lstm", decaying(1), 1)
    text = view.caption_text()
    assert text.startswith("RNN: the gradient reaching step 1 is 10⁻⁶ (a millionth) of the one at step 28")
    assert "first rows barely teach it" in text
    assert "LSTM: 10⁻¹" in text
    assert "10<sup>-6</sup>" in view.caption.text()


def test_ratio_helpers():
    assert gradient_ratio(decaying(6)) == pytest.approx(1e-6)
    assert np.isnan(gradient_ratio([1.0]))
    assert np.isnan(gradient_ratio([1.0, 0.0]))
    assert ratio_text(3.2e-7) == "10⁻⁶" and ratio_text(0.35) == "0.35"
    assert orders_words(6.2) == "6 orders of magnitude (a factor of a million)"
    assert "explode" in describe_curves([("rnn", decaying(-3))])
    assert "no gradient" in describe_curves([("gru", np.zeros(5))])


def test_zero_norms_leave_a_gap_not_a_warning(view):
    norms = decaying(2)
    norms[3] = 0.0
    view.add_norms("gru", "gru", norms, 1)
    assert np.isnan(view.curve_item("gru").yData[3])


def test_ten_hz_updates_are_cheap(view, qtbot):
    view.add_norms("lstm", "lstm", decaying(1, 196), 0)
    start = time.perf_counter()
    for step in range(50):
        view.add_norms("lstm", "lstm", decaying(1 + step / 50, 196), step)
    per_call = (time.perf_counter() - start) / 50
    assert per_call < 0.01, f"{per_call * 1e3:.1f} ms per add_norms"
    assert len(view.plot_item().listDataItems()) == 1


def test_export_png(view, tmp_path):
    view.add_norms("rnn", "rnn", decaying(7), 1)
    path = tmp_path / "grad.png"
    view.export_png(str(path))
    image = QtGui.QImage(str(path))
    assert not image.isNull() and image.width() >= 800
