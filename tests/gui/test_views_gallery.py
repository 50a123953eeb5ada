"""Gallery (predictions grid), ThumbnailGrid and the image helpers."""
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from gui.views.gallery import EMPTY_TEXT, Gallery, PredictionModel
from gui.views.image_utils import qimage_to_array, to_pixmap, to_qimage
from gui.views.thumbnails import ThumbnailGrid

NAMES = [str(i) for i in range(10)]


def make_predictions(n=60, seed=1):
    rng = np.random.default_rng(seed)
    true = rng.integers(0, 10, n)
    pred = np.where(rng.random(n) < 0.7, true, rng.integers(0, 10, n))
    pred[:3] = [9, 9, 9]
    true[:3] = [4, 4, 1]  # at least two (4 -> 9) mistakes and one (1 -> 9)
    confidence = rng.uniform(0.1, 1.0, n).astype(np.float32)
    images = rng.random((n, 16, 16)).astype(np.float32)
    return images, true, pred, confidence


@pytest.fixture
def gallery(qtbot):
    widget = Gallery()
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.set_items(*make_predictions(), NAMES)
    return widget


def test_counts_and_label(gallery):
    assert gallery._model.rowCount() == 60
    assert np.array_equal(gallery.visible_indices(), np.arange(60))
    assert gallery.count_label.text() == "showing 60 of 60"


def test_mistakes_only(gallery):
    _, true, pred, _ = make_predictions()
    gallery.mistakes_only.setChecked(True)
    shown = gallery.visible_indices()
    assert np.array_equal(shown, np.flatnonzero(true != pred))
    assert gallery.count_label.text() == f"showing {len(shown)} of 60"
    first = gallery._model.index(0)
    assert first.data(Qt.ItemDataRole.ForegroundRole) is not None  # drawn in red
    gallery.mistakes_only.setChecked(False)
    assert len(gallery.visible_indices()) == 60


def test_sort_by_confidence(gallery):
    confidence = make_predictions()[3]
    gallery.sort_combo.setCurrentIndex(1)
    shown = confidence[gallery.visible_indices()]
    assert np.all(np.diff(shown) <= 0) and len(shown) == 60
    gallery.sort_combo.setCurrentIndex(2)
    shown = confidence[gallery.visible_indices()]
    assert np.all(np.diff(shown) >= 0)
    gallery.sort_combo.setCurrentIndex(0)
    assert np.array_equal(gallery.visible_indices(), np.arange(60))


def test_subset_from_confusion_cell(gallery):
    _, true, pred, _ = make_predictions()
    gallery.show_subset(4, 9)
    shown = gallery.visible_indices()
    assert np.array_equal(shown, np.flatnonzero((true == 4) & (pred == 9)))
    assert len(shown) >= 2
    assert not gallery.clear_filter_button.isHidden()
    gallery.show_subset(None, 9)  # a whole predicted column
    assert np.array_equal(gallery.visible_indices(), np.flatnonzero(pred == 9))
    gallery.clear_filter_button.click()
    assert len(gallery.visible_indices()) == 60
    assert gallery.clear_filter_button.isHidden()


def test_clear_empties_the_gallery_and_its_cell_filter_for_a_new_run(gallery):
    gallery.show_subset(4, 9)  # a confusion cell of the earlier run
    assert len(gallery.visible_indices()) >= 2 and not gallery.clear_filter_button.isHidden()
    gallery.clear()
    assert gallery._model.rowCount() == 0 and len(gallery.visible_indices()) == 0
    assert gallery.count_label.text() == EMPTY_TEXT == "No predictions yet for this run."
    assert gallery.clear_filter_button.isHidden()
    images, true, pred, confidence = make_predictions(seed=2)
    gallery.set_items(images, true, pred, confidence, NAMES)  # the next run shows all, not "0 of 60"
    assert gallery.count_label.text() == "showing 60 of 60"
    gallery.clear("run B (Edge maps) sends none")
    assert gallery.count_label.text() == gallery.placeholder_text() == "run B (Edge maps) sends none"


def test_double_click_emits_original_index(gallery, qtbot):
    gallery.show()
    qtbot.waitExposed(gallery)
    gallery.sort_combo.setCurrentIndex(2)  # row 0 is now the least confident item
    expected = int(gallery.visible_indices()[0])
    rect = gallery.view.visualRect(gallery._model.index(0))
    viewport = gallery.view.viewport()
    with qtbot.waitSignal(gallery.itemActivated, timeout=2000) as blocker:
        # a real double-click is press, release, double-click, release; QTest only sends the last two
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [expected]


def test_thumbnails_are_lazy_and_sized(gallery):
    model = gallery._model
    assert len(model._cache) == 0 or len(model._cache) <= model.rowCount()
    gallery.set_thumb_size(48)
    pixmap = model.index(5).data(Qt.ItemDataRole.DecorationRole)
    size = pixmap.deviceIndependentSize()
    assert (size.width(), size.height()) == (48, 48)
    assert model.index(5).data(PredictionModel.OriginalIndexRole) == 5


def test_ten_thousand_items_stay_lazy(qtbot):
    widget = Gallery()
    qtbot.addWidget(widget)
    rng = np.random.default_rng(0)
    n = 10_000
    widget.set_items(rng.random((n, 8, 8)), rng.integers(0, 10, n), rng.integers(0, 10, n), rng.random(n), NAMES)
    widget.resize(800, 500)
    widget.grab()
    assert widget._model.rowCount() == n
    assert len(widget._model._cache) < 1000  # only what was painted


def test_export_png_is_readable(gallery, tmp_path):
    gallery.mistakes_only.setChecked(True)
    path = tmp_path / "gallery.png"
    assert gallery.export_png(str(path))
    image = QImage(str(path))
    assert not image.isNull() and image.width() > 100 and image.height() > 50


def test_length_mismatch_is_rejected(gallery):
    images, true, pred, confidence = make_predictions()
    with pytest.raises(ValueError):
        gallery.set_items(images, true[:-1], pred, confidence, NAMES)


def test_to_qimage_owns_its_pixels_and_keeps_orientation():
    array = np.zeros((4, 6), np.float32)
    array[0, 5] = 1.0  # top-right pixel
    image = to_qimage(array)
    array[:] = 0.5
    del array
    assert (image.width(), image.height()) == (6, 4)
    assert image.pixelColor(5, 0).red() == 255 and image.pixelColor(0, 0).red() == 0
    rgb = np.zeros((3, 3, 3), np.uint8)
    rgb[2, 0] = (255, 0, 0)  # bottom-left red
    back = qimage_to_array(to_qimage(rgb))
    assert tuple(back[2, 0]) == (255, 0, 0)
    assert to_qimage(np.ones((5, 5, 1))).width() == 5


def test_small_images_scale_crisply(qtbot):
    checker = np.indices((8, 8)).sum(axis=0) % 2  # 8x8 checkerboard
    pixmap = to_pixmap(checker.astype(np.float32), 96)
    assert pixmap.width() == 96
    values = np.unique(qimage_to_array(pixmap.toImage()))
    assert set(values.tolist()) <= {0, 255}  # nearest-neighbour: no blurred greys
    retina = to_pixmap(checker.astype(np.float32), 96, device_pixel_ratio=2.0)
    assert retina.width() == 192 and retina.deviceIndependentSize().width() == 96


def test_thumbnail_grid(qtbot):
    grid = ThumbnailGrid()
    qtbot.addWidget(grid)
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, 100)
    grid.set_samples(rng.random((100, 16, 16, 3)), labels, ["cat", "dog", "bird"], max_items=60)
    assert grid.count() == 60
    assert grid.labels()[:5] == [["cat", "dog", "bird"][c] for c in labels[:5]]
    assert grid.heightForWidth(200) > grid.heightForWidth(600)
    grid.resize(300, grid.heightForWidth(300))
    assert not grid.grab().isNull()
