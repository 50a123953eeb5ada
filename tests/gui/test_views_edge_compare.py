"""The edges Results page on its own: four linked panels, thresholds, the difference overlay, PNG export."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QImage

from gui.views.edge_compare import EMPTY_TEXT, GAP, ONLY_OURS, ONLY_THEIRS, EdgeCompare

H, W = 30, 40


def arrays(target: bool = False) -> dict:
    rng = np.random.default_rng(0)
    edges = np.zeros((H, W), np.float32)
    edges[10, :] = 0.9  # a strong line
    edges[20, :] = 0.3  # a weak one
    canny = np.zeros((H, W), np.float32)
    canny[10, :] = 1.0
    canny[:, 5] = 1.0  # a line only Canny has
    out = {"image": rng.random((H, W, 3)).astype(np.float32), "model": edges, "canny": canny,
           "sobel": rng.random((H, W)).astype(np.float32)}
    if target:
        out["target"] = (canny > 0).astype(np.float32)
    return out


@pytest.fixture
def view(qtbot):
    v = EdgeCompare()
    qtbot.addWidget(v)
    v.resize(1000, 500)
    v.show()
    qtbot.waitExposed(v)
    return v


def test_four_panels_and_a_picker(view):
    assert view.current() is None and view.placeholder.isVisible()
    view.set_probe(arrays(), {"name": "7"})
    view.add_result(arrays(), {"name": "a"})
    view.add_result(arrays(), {"name": "b"})
    assert view.labels() == ["probe: 7 (live)", "test: a", "test: b"]
    assert all(view.images[k].image is not None for k in ("image", "model", "canny", "sobel"))
    assert view.images["image"].image.shape == (H, W, 3)
    view.set_probe(arrays(), {"name": "8"})  # a new probe replaces the old one, first in the list
    assert view.labels()[0] == "probe: 8 (live)" and view.count() == 3


def test_zoom_in_one_panel_moves_all(view, qtbot):
    view.set_probe(arrays(), {"name": "0"})
    (full_x0, full_x1), _ = view.views["image"].viewRange()
    view.views["canny"].setRange(xRange=(5, 15), yRange=(5, 12), padding=0)
    qtbot.wait(10)
    (x0, x1), (y0, y1) = view.views["canny"].viewRange()
    assert x1 - x0 < (full_x1 - full_x0) / 2 and x0 < 10 < x1  # zoomed in (the aspect lock may widen it)
    for key in ("image", "model", "sobel"):
        (a0, a1), (b0, b1) = view.views[key].viewRange()
        assert (a0, a1, b0, b1) == pytest.approx((x0, x1, y0, y1), abs=0.5), key


def test_threshold_slider_changes_the_shown_map(view):
    view.set_probe(arrays(), {"name": "0"})
    soft = view.images["model"].image.copy()
    assert np.unique(soft).tolist() == pytest.approx([0.0, 0.3, 0.9])  # 0 = the soft map
    view.sliders["model"].setValue(50)
    shown = view.images["model"].image
    assert set(np.unique(shown)) == {0.0, 1.0}
    assert shown[10].all() and not shown[20].any()  # the weak line falls under 0.5
    assert view.slider_labels["model"].text() == "≥ 0.50"


def test_difference_overlay_in_two_colours_against_canny_or_the_target(view):
    view.set_probe(arrays(), {"name": "0"})
    assert view.overlay.image is None
    view.difference.setChecked(True)
    diff = view.overlay.image
    assert tuple(diff[10, 20, :3]) != ONLY_OURS and diff[20, 20, 3] == 0  # the weak line is under 0.5
    view.sliders["model"].setValue(20)  # now it counts, and Canny has no such line
    diff = view.overlay.image
    assert tuple(diff[20, 20, :3]) == ONLY_OURS
    assert tuple(diff[0, 5, :3]) == ONLY_THEIRS  # Canny's own line
    assert diff[10, 20, 3] == 0  # both agree
    assert "Canny only" in view.legend.text()
    view.set_probe(arrays(target=True), {"name": "0"})
    assert "target only" in view.legend.text()


def test_png_export_is_the_four_panels_at_image_size(view, tmp_path):
    assert view.export_png(str(tmp_path / "none.png")) is False
    view.set_probe(arrays(), {"name": "0"})
    view.difference.setChecked(True)
    path = tmp_path / "edges.png"
    assert view.export_png(str(path))
    image = QImage(str(path))
    assert (image.width(), image.height()) == (4 * W + 3 * GAP, H)


def test_pr_curve_marks_ods(view):
    p = np.array([0.2, 0.5, 0.9], np.float32)
    r = np.array([0.9, 0.6, 0.1], np.float32)
    view.set_pr({"precision": p, "recall": r, "canny_precision": p * 0.8, "canny_recall": r})
    assert view.pr_plot.isVisible()
    names = [item.name() for item in view.pr_plot.getPlotItem().listDataItems() if item.name()]
    assert names == ["recurrent ODS 0.545", "Canny ODS 0.480"]


def test_clear_empties_the_page_for_a_new_run(view):
    view.set_probe(arrays(target=True), {"name": "old"})
    view.add_result(arrays(), {"name": "a"})
    view.difference.setChecked(True)
    view.set_pr({"precision": np.array([0.5], np.float32), "recall": np.array([0.5], np.float32)})
    assert not view.placeholder.isVisible() and view.overlay.image is not None
    view.clear()
    assert view.current() is None and view.count() == 0 and view.picker.count() == 0
    assert all(item.image is None for item in view.images.values()) and view.overlay.image is None
    assert not view.pr_plot.isVisible() and not view.pr_plot.getPlotItem().listDataItems()
    assert view.placeholder.isVisible() and view.placeholder.text() == EMPTY_TEXT
    assert EMPTY_TEXT.startswith("No edge maps yet for this run") and view.legend.text() == ""
    view.clear("run B (Edge maps) sends none")
    assert view.placeholder.text() == view.placeholder_text() == "run B (Edge maps) sends none"
