"""HiddenStateView: panels per state name, item reuse, levels, time cursor and read highlight."""
import numpy as np
import pytest
from PySide6 import QtCore

from gui.views.hidden_state import EMPTY_TEXT, HiddenStateView, read_span

LSTM_KEYS = ("hidden", "cell", "input gate", "forget gate", "output gate")
GRU_KEYS = ("hidden", "reset gate", "update gate")


def make_states(keys, steps=28, units=64, seed=0):
    rng = np.random.default_rng(seed)
    states = {}
    for key in keys:
        if "gate" in key:
            states[key] = rng.random((steps, units), dtype=np.float32)
        elif key == "cell":
            states[key] = rng.normal(0, 3, (steps, units)).astype(np.float32)
        else:
            states[key] = np.tanh(rng.normal(0, 1, (steps, units))).astype(np.float32)
    return states


@pytest.fixture
def view(qtbot):
    widget = HiddenStateView()
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_lstm_then_gru_panels(view):
    image = np.random.default_rng(1).random((28, 28), dtype=np.float32)
    view.set_states(image, make_states(LSTM_KEYS), {"label": 3, "prediction": 3})
    assert view.panel_names() == list(LSTM_KEYS)
    assert len(view._heat_layout.items) == 5
    view.set_states(image, make_states(GRU_KEYS), {})
    assert view.panel_names() == list(GRU_KEYS)
    assert len(view._heat_layout.items) == 3


def test_same_keys_reuse_image_items(view):
    image = np.zeros((28, 28), np.float32)
    view.set_states(image, make_states(LSTM_KEYS, seed=0), {})
    before = {name: view.panel_image(name) for name in LSTM_KEYS}
    probe_item = view.image_item
    for seed in range(1, 4):
        states = make_states(LSTM_KEYS, seed=seed)
        view.set_states(image, states, {})
    for name in LSTM_KEYS:
        assert view.panel_image(name) is before[name]
        # row-major (units, T): unit on y, time on x
        np.testing.assert_array_equal(view.panel_image(name).image, states[name].T)
    assert view.image_item is probe_item


def test_fixed_levels_per_panel_kind(view):
    states = make_states(LSTM_KEYS)
    view.set_states(np.zeros((28, 28)), states, {})
    assert view.panel_levels("hidden") == (-1.0, 1.0)
    assert view.panel_levels("forget gate") == (0.0, 1.0)
    low, high = view.panel_levels("cell")
    assert low == -high and high >= np.percentile(np.abs(states["cell"]), 99)
    np.testing.assert_allclose(view.panel_image("hidden").getLevels(), (-1.0, 1.0))
    np.testing.assert_allclose(view.panel_image("input gate").getLevels(), (0.0, 1.0))
    # small changes in the cell range keep the same levels (no flicker)
    states["cell"] *= 0.9
    view.set_states(np.zeros((28, 28)), states, {})
    assert view.panel_levels("cell") == (low, high)


def test_set_time_moves_row_highlight(view):
    view.set_states(np.zeros((28, 28)), make_states(GRU_KEYS), {})
    view.set_read_order("rows")
    view.set_time(5)
    assert view.highlight_rect() == QtCore.QRectF(0, 5, 28, 1)
    assert view.step_label.text() == "step 6 / 28"
    for name in GRU_KEYS:
        assert view._panels[name].cursor.value() == pytest.approx(5.5)
    view.set_read_order("cols")
    assert view.highlight_rect() == QtCore.QRectF(5, 0, 1, 28)
    view.set_time(1000)  # clamped to the last step
    assert view.time() == 27
    assert view.highlight_rect() == QtCore.QRectF(0 + 27, 0, 1, 28)


def test_pixel_order_784_steps(view):
    states = make_states(GRU_KEYS, steps=784, units=512)
    view.set_read_order("pixels")
    view.set_states(np.zeros((28, 28, 3), np.float32), states, {})
    assert view.panel_image("hidden").image.shape == (512, 784)
    view.set_time(30)  # row 1, column 2
    assert view.highlight_rect() == QtCore.QRectF(2, 1, 1, 1)
    assert view._read_item.path().boundingRect() == QtCore.QRectF(0, 0, 28, 2)
    assert view._read_item.path().contains(QtCore.QPointF(27.5, 0.5))
    assert not view._read_item.path().contains(QtCore.QPointF(3.5, 1.5))
    view.set_time(783)
    assert view.highlight_rect() == QtCore.QRectF(27, 27, 1, 1)
    assert view.step_label.text() == "step 784 / 784"


def test_read_span_handles_several_rows_per_step():
    assert read_span("rows", 0, 14, 28, 28) == (0, 2)
    assert read_span("rows", 13, 14, 28, 28) == (26, 28)
    assert read_span("pixels", 3, 196, 28, 28) == (12, 16)


def test_dragging_the_cursor_updates_time(view, qtbot):
    view.set_states(np.zeros((28, 28)), make_states(LSTM_KEYS), {})
    with qtbot.waitSignal(view.timeChanged) as blocker:
        view._panels["cell"].cursor.setValue(12.7)
    assert blocker.args == [12]
    assert view.highlight_rect().top() == 12
    assert all(p.cursor.value() == pytest.approx(12.5) for p in view._panels.values())


def test_hover_follows_mouse(view):
    view.set_states(np.zeros((28, 28)), make_states(GRU_KEYS), {})
    vb = view._panels["reset gate"].plot.getViewBox()
    view._on_mouse_moved((vb.mapViewToScene(QtCore.QPointF(20.3, 10)),))
    assert view.time() == 20
    view.follow_check.setChecked(False)
    view._on_mouse_moved((vb.mapViewToScene(QtCore.QPointF(3.3, 10)),))
    assert view.time() == 20


def test_probe_spin_emits_probe_changed(view, qtbot):
    view.set_probe_count(50)
    assert view.probe_spin.maximum() == 49
    with qtbot.waitSignal(view.probeChanged) as blocker:
        view.probe_spin.setValue(7)
    assert blocker.args == [7]


def test_caption_and_image_orientation(view):
    image = np.zeros((28, 28), np.float32)
    image[0, :] = 1.0  # top row bright
    view.set_states(image, make_states(GRU_KEYS), {"label": 7, "prediction": 1, "confidence": 0.4})
    text = view.caption.text()
    assert "true: <b>7</b>" in text and "predicted: <b>1</b> (40%)" in text
    vb = view._image_plot.getViewBox()
    top = vb.mapViewToScene(QtCore.QPointF(14, 0.5))
    bottom = vb.mapViewToScene(QtCore.QPointF(14, 27.5))
    assert top.y() < bottom.y()  # row 0 is drawn at the top
    np.testing.assert_array_equal(view.image_item.image, image)


def test_clear_empties_the_view_for_a_new_run(view):
    assert not view.placeholder.isHidden() and view.placeholder.text() == EMPTY_TEXT
    image = np.ones((28, 28), np.float32)
    view.set_states(image, make_states(LSTM_KEYS), {"label": 3, "prediction": 5})
    view.set_time(9)
    assert view.placeholder.isHidden() and view.highlight_rect().height() > 0
    view.clear()
    assert view.panel_names() == [] and not view._heat_layout.items and view.image_item.image is None
    assert "<b>3</b>" not in view.caption.text() and view.step_label.text() == "step – / –"
    assert view.highlight_rect().isEmpty() and view.time() == 0
    assert not view.placeholder.isHidden() and view.placeholder.text() == "No hidden states yet for this run."
    view.set_states(image, make_states(GRU_KEYS), {})  # a GRU run after the LSTM one
    assert view.panel_names() == list(GRU_KEYS) and view.placeholder.isHidden()
    view.clear("run B (Edge maps) sends none")  # the caller may say why there is nothing
    assert view.placeholder.text() == view.placeholder_text() == "run B (Edge maps) sends none"
    assert not view.placeholder.isHidden()


def test_render_realistic_size(view, tmp_path):
    view.set_states(np.random.default_rng(0).random((28, 28)), make_states(LSTM_KEYS, units=128), {})
    pixmap = view.grab()
    assert pixmap.width() >= 1200 * 0.99 and not pixmap.toImage().isNull()
