"""ConfusionMatrixView: contents, orientation (rows = true, top to bottom), hover and click."""
import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage

from gui.views import confusion_render
from gui.views.confusion import EMPTY_TEXT, ConfusionMatrixView, row_shares

NAMES = ["zero", "one", "two", "three"]
# Asymmetric on purpose: 1 is often taken for 3, 3 never for 1 (a transposed view would show it).
MATRIX = np.array([[50, 0, 0, 0],
                   [0, 30, 0, 20],
                   [1, 0, 48, 1],
                   [0, 0, 0, 10]])


@pytest.fixture
def view(qtbot):
    widget = ConfusionMatrixView()
    qtbot.addWidget(widget)
    widget.resize(800, 600)
    widget.set_matrix(MATRIX, NAMES)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_contents_and_totals(view):
    assert np.array_equal(view.matrix(), MATRIX)
    assert view.matrix().sum() == 160
    assert view.title.text() == f"accuracy {100 * 138 / 160:.1f}% on 160 samples"
    accuracy = view.per_class.accuracy()
    assert accuracy["one"] == pytest.approx(60.0) and accuracy["zero"] == pytest.approx(100.0)
    assert np.allclose(row_shares(MATRIX).sum(axis=1), 1.0)
    texts = [t.toPlainText() for t in view._texts]
    assert texts[1 * 4 + 3] == "20" and texts[3 * 4 + 1] == "0"


def test_text_items_are_reused(view):
    before = list(view._texts)
    view.set_matrix(MATRIX * 2, NAMES)
    assert [id(t) for t in view._texts] == [id(t) for t in before]
    assert view._texts[1 * 4 + 3].toPlainText() == "40"
    view.set_matrix(np.eye(3, dtype=int), NAMES[:3])
    assert len(view._texts) == 9


def cell_pixel(view, true, pred, image):
    """Colour near a cell's top-left corner (away from its count text) in a grab of the plot."""
    scene = view.vb.mapViewToScene(QPointF(pred + 0.12, true + 0.12))
    point = view.plot.mapFromScene(scene)
    return image.pixelColor(point.x(), point.y())


def test_rows_are_true_classes_top_to_bottom(view):
    image = view.plot.viewport().grab().toImage()
    diagonal = cell_pixel(view, 0, 0, image)
    confused = cell_pixel(view, 1, 3, image)   # 20 of 50 true "one" predicted "three"
    never = cell_pixel(view, 3, 1, image)      # 0
    assert diagonal.blue() > diagonal.red() + 50
    assert confused.red() > confused.blue() + 50
    assert never.red() > 240 and never.green() > 240 and never.blue() > 240
    top_left_scene = view.vb.mapViewToScene(QPointF(0.5, 0.5))
    bottom_scene = view.vb.mapViewToScene(QPointF(0.5, 3.5))
    assert top_left_scene.y() < bottom_scene.y()  # row 0 is drawn above row 3


@pytest.mark.parametrize("true, pred", [(1, 3), (3, 1), (0, 0), (2, 0)])
def test_click_emits_true_and_predicted(view, qtbot, true, pred):
    pos = view.cell_center_in_viewport(true, pred)
    with qtbot.waitSignal(view.cellClicked, timeout=2000) as blocker:
        qtbot.mouseClick(view.plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert blocker.args == [true, pred]
    assert view.highlight.isVisible()


def test_hover_describes_cell(view, qtbot):
    assert view.describe_cell(1, 3) == "true one, predicted three: 20 (40.0%)"
    view._on_mouse_moved(view.vb.mapViewToScene(QPointF(3.5, 1.5)))
    assert view.hover_label.text() == "true one, predicted three: 20 (40.0%)"
    view._on_mouse_moved(view.vb.mapViewToScene(QPointF(9.5, 9.5)))
    assert view.hover_label.text().strip() == ""


def test_clear_empties_the_matrix_for_a_new_run(view, qtbot):
    view.set_highlight(1, 3)
    view.clear()
    assert view.matrix().shape == (0, 0) and view.class_names() == [] and view.image.image is None
    assert all(t.toPlainText() == "" for t in view._texts) and view.per_class.rowCount() == 0
    assert not view.highlight.isVisible() and view.hover_label.text().strip() == ""
    assert view.title.text() == EMPTY_TEXT == "No predictions yet for this run."
    center = view.cell_center_in_viewport(1, 1)  # no cell to describe or click any more
    with qtbot.assertNotEmitted(view.cellClicked):
        qtbot.mouseClick(view.plot.viewport(), Qt.MouseButton.LeftButton, pos=center)
    view.set_matrix(MATRIX[:2, :2], NAMES[:2])  # and it fills again
    assert view.title.text().startswith("accuracy 100.0%") and view.per_class.rowCount() == 2
    view.clear("run B (Edge maps) sends none")
    assert view.title.text() == view.placeholder_text() == "run B (Edge maps) sends none"


def test_rejects_non_square(view):
    with pytest.raises(ValueError):
        view.set_matrix(np.zeros((3, 4), int), NAMES)


def test_export_png_is_drawn_from_the_numbers_at_a_size_of_its_own(view, tmp_path):
    """Not a grab of the panel: the same image whatever the widget's size, cells of CELL_PX, the cell colours."""
    sizes = []
    for widget_size in ((800, 600), (300, 260)):
        view.resize(*widget_size)
        path = tmp_path / f"confusion_{widget_size[0]}.png"
        assert view.export_png(str(path))
        image = QImage(str(path))
        assert not image.isNull()
        sizes.append(image.size())
    assert sizes[0] == sizes[1]
    cell = confusion_render.cell_px(4)
    assert cell == confusion_render.CELL_PX and sizes[0].width() >= 4 * cell and sizes[0].height() >= 4 * cell
    image = view.export_image()
    # the cells lie at the bottom right of the title and names; the diagonal is blue, 3 -> 1 (count 0) white
    left = image.width() - confusion_render.MARGIN - 4 * cell
    top = next(y for y in range(image.height()) if image.pixelColor(left + cell // 5, y).blue() > 120
               and image.pixelColor(left + cell // 5, y).red() < 100)
    diagonal = image.pixelColor(left + cell // 5, top + cell // 5)
    never = image.pixelColor(left + cell + cell // 5, top + 3 * cell + cell // 5)
    assert diagonal.blue() > diagonal.red() + 50
    assert min(never.red(), never.green(), never.blue()) > 240


def test_export_of_many_classes_stays_a_sensible_size(view):
    k = 60
    view.set_matrix(np.eye(k, dtype=int) * 5, [f"class number {i}" for i in range(k)])
    image = view.export_image()
    most = confusion_render.MAX_MATRIX_PX + 400  # the matrix, names and titles
    assert image.width() <= most and image.height() <= most
