"""TrajectoryView: dots at points[:, t], legend per class, read region, forget histogram, playback, PNG."""
import numpy as np
import pytest
from PySide6 import QtCore, QtGui

from gui.views.trajectories import EMPTY_TEXT, TrajectoryView
from gui.views.trajectory_stats import separation


def spirals(n_per=20, steps=28, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    s = np.linspace(0, 1, steps)[None, :]
    points, labels = [], []
    for c in range(classes):
        phase = 2 * np.pi * c / classes + 2.5 * s
        radius = 4 * s + rng.normal(0, 0.2, (n_per, steps))
        points.append(np.stack([radius * np.cos(phase), radius * np.sin(phase)], axis=2))
        labels.append(np.full(n_per, c))
    return np.concatenate(points).astype(np.float32), np.concatenate(labels)


@pytest.fixture
def view(qtbot):
    widget = TrajectoryView()
    qtbot.addWidget(widget)
    widget.resize(1200, 750)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_slider_moves_the_dots_to_points_at_t(view):
    points, labels = spirals()
    view.set_trajectories(points, labels, ["zero", "one", "two"], np.zeros((28, 28)), "rows", None,
                          np.array([0.41, 0.23]))
    assert view.time() == 27  # starts at the end: the separated classes
    view.slider.setValue(5)
    assert view.time() == 5
    for c in range(3):
        np.testing.assert_allclose(view.class_points(c), points[labels == c, 5])
    assert view.legend_names() == ["zero", "one", "two"]
    assert view.axis_label("bottom") == "PC1 (41 % of variance)"
    assert view.axis_label("left") == "PC2 (23 % of variance)"
    assert view.step_label.text().startswith("step 6 / 28")


def test_rows_read_so_far_match_t(view):
    points, labels = spirals()
    view.set_trajectories(points, labels, ["a", "b", "c"], np.ones((28, 28)), "rows")
    view.set_time(5)
    assert view.read_rect() == QtCore.QRectF(0, 0, 28, 6)  # rows 0..5 read
    assert view.current_rect() == QtCore.QRectF(0, 5, 28, 1)
    assert view.dim_rect() == QtCore.QRectF(0, 6, 28, 22)  # rows 6..27 dimmed
    view.set_time(27)
    assert view.dim_rect().isEmpty()


def test_columns_and_pixels(view):
    points, labels = spirals(steps=14)
    view.set_trajectories(points, labels, ["a", "b", "c"], np.ones((28, 28, 3)), "cols")
    view.set_time(2)  # 2 columns per step
    assert view.read_rect() == QtCore.QRectF(0, 0, 6, 28)
    assert view.dim_rect() == QtCore.QRectF(6, 0, 22, 28)
    points, labels = spirals(steps=196)
    view.set_trajectories(points, labels, ["a", "b", "c"], np.ones((28, 28)), "pixels")
    view.set_time(9)  # 4 pixels per step: pixels 0..39 read, i.e. row 0 and 12 pixels of row 1
    assert view.read_rect() == QtCore.QRectF(0, 0, 28, 2)
    assert view.current_rect() == QtCore.QRectF(8, 1, 4, 1)


def test_forget_histogram_counts_match_numpy(view):
    rng = np.random.default_rng(3)
    forget = np.concatenate([rng.beta(8, 1.2, 900), rng.beta(1.2, 5, 100)]).astype(np.float32)
    points, labels = spirals()
    view.set_trajectories(points, labels, ["a", "b", "c"], None, "rows", forget)
    counts, edges = view.histogram()
    expected, expected_edges = np.histogram(forget, bins=20, range=(0, 1))
    np.testing.assert_array_equal(counts, expected)
    np.testing.assert_allclose(edges, expected_edges)
    assert "near 1 keep memory, near 0 forget" in view.hist_caption.text()
    assert f"{100 * np.mean(forget > 0.9):.0f} % of the values are above 0.9" in view.hist_caption.text()
    assert not view._hist_plot.isHidden()
    view.set_trajectories(points, labels, ["a", "b", "c"], None, "rows", None)
    assert view._hist_plot.isHidden()


def test_play_advances_and_stops_at_the_end(view, qtbot):
    points, labels = spirals(steps=10)
    view.set_trajectories(points, labels, ["a", "b", "c"])
    view.animation_ms = 500
    view.play()  # at the end: starts again from step 1
    assert view.is_playing() and view.time() == 0
    qtbot.waitUntil(lambda: not view.is_playing(), timeout=3000)
    assert view.time() == 9
    assert view.play_button.text() == "Play"


def test_probe_sample_is_drawn_up_to_t(view):
    points, labels = spirals()
    view.set_trajectories(points, labels, ["a", "b", "c"], np.zeros((28, 28)), probe_index=4)
    view.set_time(7)
    x, y = view._probe_line.getData()
    np.testing.assert_allclose(np.column_stack([x, y]), points[4, :8])
    assert "probe sample" in view.legend_names()


def test_clear_stops_and_empties_the_view_for_a_new_run(view):
    points, labels = spirals()
    assert not view.placeholder.isHidden() and view.placeholder.text() == EMPTY_TEXT
    view.set_trajectories(points, labels, ["a", "b", "c"], np.ones((28, 28)), "rows", np.full(50, 0.9),
                          np.array([0.4, 0.2]), probe_index=4)
    view.set_time(3)
    view.play()
    assert view.placeholder.isHidden() and view.is_playing()
    view.clear()
    assert not view.is_playing() and view.play_button.text() == "Play"
    assert not view.placeholder.isHidden() and view.placeholder.text() == "No trajectories yet for this run."
    assert view.legend_names() == [] and view._probe_line.getData()[0] is None  # no probe path
    assert view.image_item.image is None and view.read_rect().isEmpty() and view.dim_rect().isEmpty()
    assert view._hist_plot.isHidden() and view.histogram()[0].size == 0
    assert "%" not in view.axis_label("bottom") and view.step_label.text() == "step – / –"
    assert view.slider.maximum() == 0
    view.set_trajectories(points, labels, ["a", "b", "c"])  # and it fills again
    assert view.time() == 27 and len(view.class_points(0)) == 20
    view.clear("run B (Edge maps) sends none")
    assert view.placeholder.text() == view.placeholder_text() == "run B (Edge maps) sends none"
    assert not view.placeholder.isHidden()


def test_classes_move_apart_over_time():
    points, labels = spirals()
    assert separation(points[:, -1], labels) > 3 * separation(points[:, 1], labels)


def test_bad_shapes_are_refused(view):
    with pytest.raises(ValueError, match="shape"):
        view.set_trajectories(np.zeros((5, 3)), np.zeros(5), ["a"])
    with pytest.raises(ValueError, match="labels"):
        view.set_trajectories(np.zeros((5, 3, 2)), np.zeros(4), ["a"])


def test_export_png(view, tmp_path):
    points, labels = spirals()
    view.set_trajectories(points, labels, ["a", "b", "c"], np.zeros((28, 28)), "rows", np.full(50, 0.9))
    path = tmp_path / "traj.png"
    view.export_png(str(path))
    assert QtGui.QImage(str(path)).width() >= 1100
