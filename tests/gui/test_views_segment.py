"""SegmentView: IoU order, the compare panels and their error pixels, alpha, legend, exports, cheap probes."""
import cv2
import numpy as np
import pytest
from PySide6.QtCore import Qt

from gui.views import segment_images as seg
from gui.views.segment_view import EMPTY_CAPTION, EMPTY_GALLERY, SegmentView

H, W = 48, 64


def blob_scene(seed: int, shift: int = 0, classes: int = 2):
    """A textured background with an ellipse 'animal'; prediction = truth moved `shift` px to the right."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[:H, :W]
    image = np.stack([0.3 + 0.2 * np.sin(xx / 5.0), 0.5 + 0.1 * rng.random((H, W)), 0.2 + 0 * xx], -1)
    truth = (((yy - 24) / 12.0) ** 2 + ((xx - 30) / 18.0) ** 2 < 1).astype(np.int64)
    if classes > 2:
        truth[(truth == 1) & (yy < 20)] = 2
    prediction = np.roll(truth, shift, axis=1)
    return {"image": image.astype(np.float32), "truth": truth, "prediction": prediction}


@pytest.fixture
def view(qtbot):
    widget = SegmentView()
    qtbot.addWidget(widget)
    widget.resize(1100, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def results(shifts, classes=2, names=("background", "horse")):
    return [(blob_scene(i, s, classes), {"class_names": list(names), "name": f"img{i}", "index": i})
            for i, s in enumerate(shifts)]


def test_gallery_is_sorted_worst_first_and_shows_the_worst(view):
    view.show_results(results([2, 10, 0, 5]))
    assert view.gallery_order() == [1, 3, 0, 2]
    assert view.current() == 1
    ious = [view.model.items[i]["iou"] for i in view.gallery_order()]
    assert ious == sorted(ious) and ious[-1] == 1.0
    assert view.model.index(0).data().startswith(f"IoU {ious[0]:.2f}")


def test_given_iou_is_used_and_unknown_iou_goes_last(view):
    items = results([0, 0, 0])
    items[0][1]["iou"] = 0.9
    items[1][1]["iou"] = 0.1
    del items[2][0]["truth"]
    view.show_results(items)
    assert view.gallery_order() == [1, 0, 2]


def test_click_shows_four_panels_with_the_right_error_pixels(view, qtbot):
    view.show_results(results([0, 6]))
    view.select(0)  # perfect: click the imperfect one in the gallery
    row = view.gallery_order().index(1)
    rect = view.gallery.visualRect(view.model.index(row))
    qtbot.mouseClick(view.gallery.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.current() == 1
    assert view.stack.currentIndex() == SegmentView.COMPARE
    panels = view.panel_arrays()
    assert all(panels[k].shape == (H, W, 3) for k in ("image", "truth", "prediction", "error"))
    scene = blob_scene(1, 6)
    fp = (scene["prediction"] == 1) & (scene["truth"] == 0)
    fn = (scene["prediction"] == 0) & (scene["truth"] == 1)
    error = panels["error"]
    assert fp.any() and fn.any()
    false_positive, missed = seg.error_colours(view._lut, 2)
    assert (error[fp] == false_positive).all() and (error[fn] == missed).all()
    # one colour, one meaning: no error colour is a class colour, and the legend names both
    assert {false_positive, missed}.isdisjoint({tuple(int(v) for v in c) for c in view._lut})
    assert [colour for _, colour in seg.error_legend(2, view._lut)] == [false_positive, missed]
    correct = ~(fp | fn)
    assert error[correct].max() < 100  # dimmed grey
    assert (error[correct][:, 0] == error[correct][:, 1]).all()


def test_multiclass_error_map_marks_the_wrong_class_in_a_colour_no_class_has(view):
    scene = blob_scene(0, 0, classes=3)
    scene["prediction"] = scene["truth"].copy()
    scene["prediction"][scene["truth"] == 2] = 1  # right object, wrong class
    view.show_results([(scene, {"class_names": ["background", "horse", "rider"], "name": "a"})])
    error = view.panel_arrays()["error"]
    wrong = scene["truth"] == 2
    (colour,) = seg.error_colours(view._lut, 1)
    assert (error[wrong] == colour).all()
    assert (error[~wrong] != colour).any(axis=1).all()


def test_alpha_slider_changes_the_overlay(view):
    view.overlay_button.setChecked(True)
    scene = blob_scene(0)
    view.show_probe(scene, {"class_names": ["background", "horse"], "name": "probe"})
    image = seg.as_rgb(scene["image"])
    fg = scene["prediction"] == 1
    view.set_alpha(0)
    np.testing.assert_array_equal(view.overlay_array(), image)
    view.set_alpha(100)
    composed = view.overlay_array()
    assert (composed[fg] == seg.BINARY_FOREGROUND).all()
    np.testing.assert_array_equal(composed[~fg], image[~fg])  # background stays see-through
    view.set_alpha(50)
    inner = fg & ~seg._boundary(scene["prediction"])  # the outline keeps the full class colour
    half = view.overlay_array()[inner].astype(int)
    grey = image[inner].astype(np.float32).mean(axis=1, keepdims=True)  # the photo's brightness, not its hue
    expected = (grey * 0.5 + np.array(seg.BINARY_FOREGROUND) * 0.5).astype(int)
    assert np.abs(half - expected).max() <= 1


def test_truth_toggle_overlays_the_truth(view):
    scene = blob_scene(0, shift=8)
    view.show_probe(scene, {"class_names": ["background", "horse"]})
    view.set_alpha(100)
    view.truth_check.setChecked(True)
    assert (view.overlay_array()[scene["truth"] == 1] == seg.BINARY_FOREGROUND).all()
    assert "truth" in view.overlay_panel.title()


def test_legend_has_one_entry_per_class_and_given_colours(view):
    names = ["background", "horse", "rider"]
    colours = [(0, 0, 0), (10, 200, 30), (200, 10, 30)]
    view.show_probe(blob_scene(0, classes=3), {"class_names": names, "colours": colours})
    entries = view.legend.entries()
    assert [e[0] for e in entries] == ["background (clear)", "horse", "rider"]
    assert entries[0][1] is None and entries[1][1] == (10, 200, 30) and entries[2][1] == (200, 10, 30)
    view.compare_button.setChecked(True)
    assert len(view.legend.entries()) == 4  # + "wrong class"


def test_probe_updates_do_not_rebuild_the_gallery(view):
    view.show_results(results([3, 1]))
    resets = []
    view.model.modelReset.connect(lambda: resets.append(1))
    view.show_live_probe()  # no probe yet: stays on the result
    assert view.current() == 0
    for k in range(5):
        view.show_probe(blob_scene(k, k), {"class_names": ["background", "horse"], "name": f"p{k}"})
    assert not resets
    assert view.current() == 0  # a result the user looks at is not replaced by the probe
    view.show_live_probe()
    assert view.current() == "probe" and "p4" in view.caption.text()


def test_clear_empties_the_view_for_a_new_run(view):
    view.show_probe(blob_scene(0), {"class_names": ["background", "horse"], "name": "old probe"})
    view.show_results(results([3, 1]))
    assert view.model.rowCount() == 2 and "2 test images" in view.gallery_label.text()
    view.clear()
    assert view.current() is None and view.model.rowCount() == 0 and not view.probe_button.isEnabled()
    assert view.caption.text() == EMPTY_CAPTION == "No segmentation yet for this run."
    assert view.gallery_label.text() == EMPTY_GALLERY and view.overlay_array() is None
    assert all(a is None for a in view.panel_arrays().values()) and not view.mask_files("out")
    view.show_live_probe()  # the old probe is gone too
    assert view.current() is None
    view.clear("run B (Edge maps) sends none")
    assert view.caption.text() == view.placeholder_text() == "run B (Edge maps) sends none"


def test_export_masks_writes_ids_and_overlays(view, tmp_path):
    view.show_results(results([0, 4]))
    written = view.export_masks(tmp_path / "out")
    assert sorted(p.name for p in written) == ["img0_mask.png", "img0_overlay.png", "img1_mask.png",
                                                "img1_overlay.png"]
    mask = cv2.imread(str(tmp_path / "out" / "img1_mask.png"), cv2.IMREAD_UNCHANGED)
    assert mask.shape == (H, W) and mask.dtype == np.uint8
    np.testing.assert_array_equal(mask, np.where(blob_scene(1, 4)["prediction"] == 1, 255, 0))
    overlay = cv2.imread(str(tmp_path / "out" / "img1_overlay.png"))
    assert overlay.shape == (H, W, 3)


def test_export_multiclass_masks_keep_class_ids_and_png(view, tmp_path):
    view.show_results(results([0], classes=3, names=("background", "horse", "rider")))
    view.export_masks(tmp_path)
    mask = cv2.imread(str(tmp_path / "img0_mask.png"), cv2.IMREAD_UNCHANGED)
    np.testing.assert_array_equal(mask, blob_scene(0, 0, classes=3)["prediction"])
    assert view.export_png(tmp_path / "view.png")
    shot = cv2.imread(str(tmp_path / "view.png"))
    assert shot is not None and shot.shape[1] > 500 and shot.std() > 10


def test_grey_image_without_class_names_and_bad_shapes(view):
    scene = blob_scene(0)
    scene["image"] = scene["image"][:, :, 1]
    view.show_probe(scene, {})
    assert view.overlay_array().shape == (H, W, 3)
    assert [e[0] for e in view.legend.entries()] == ["background (clear)", "class 1"]
    with pytest.raises(ValueError):
        view.show_probe({"image": scene["image"], "prediction": np.zeros((3, 3), int)}, {})


def test_void_truth_pixels_are_neither_right_nor_wrong():
    from gui.views.segment_images import VOID, error_map, mean_iou

    truth = np.zeros((4, 4), np.int64)
    truth[:2] = 1
    truth[:, 3] = VOID
    prediction = np.zeros((4, 4), np.int64)
    prediction[:2, :3] = 1
    image = np.zeros((4, 4, 3), np.float32)
    assert mean_iou(truth, prediction, 2) == 1.0  # the unlabelled column does not count against it
    errors = error_map(image, truth, prediction, 2)
    assert not (errors[:, 3] == (30, 144, 255)).all(axis=-1).any()


def test_error_colours_keep_away_from_the_class_colours():
    red_horse = seg.class_colours(2, [(0, 0, 0), (230, 60, 60)])  # the Weizmann horse's red
    chosen = seg.error_colours(red_horse, 2)
    assert (255, 40, 40) not in chosen and len(set(chosen)) == 2


def test_a_strong_overlay_keeps_the_class_colour_over_any_photo():
    """At 70 % over green grass the horse's red stays red (the photo adds brightness, not its hue), and the
    region's outline is the class colour itself."""
    lut = seg.class_colours(2, [(0, 0, 0), (230, 60, 60)])
    grass = np.zeros((20, 20, 3), np.uint8)
    grass[:] = (40, 170, 40)
    mask = np.zeros((20, 20), np.int64)
    mask[5:15, 5:15] = 1
    out = seg.overlay(grass, mask, lut, 0.7).astype(int)
    inside = out[10, 10]
    assert inside[0] > inside[1] + 80 and inside[0] > inside[2] + 80  # red, not brown or grey
    assert tuple(out[5, 10]) == (230, 60, 60)  # the outline
    assert tuple(out[0, 0]) == (40, 170, 40)  # background untouched
