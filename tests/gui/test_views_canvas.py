"""DrawingCanvas, mnist_style_center, ProbabilityBars and LiveDemoPanel."""
import cv2
import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from gui.views.canvas import DrawingCanvas, mnist_style_center
from gui.views.image_utils import qimage_to_array
from gui.views.live_demo import TOP_COLOR, LiveDemoPanel, ProbabilityBars, read_image_file


@pytest.fixture
def canvas(qtbot):
    widget = DrawingCanvas(canvas_size=280)
    qtbot.addWidget(widget)
    widget.set_pen_width(20)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def draw_horizontal_line(qtbot, canvas, y=140, x0=40, x1=240):
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(x0, y))
    for x in range(x0, x1 + 1, 20):
        qtbot.mouseMove(canvas, QPoint(x, y))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(x1, y))


def test_stroke_emits_drawing_at_target_size(canvas, qtbot):
    canvas.set_target((28, 28), channels=1, invert=False, center=False)
    with qtbot.waitSignal(canvas.drawn, timeout=2000) as blocker:
        draw_horizontal_line(qtbot, canvas)
    image = blocker.args[0]
    assert image.shape == (28, 28) and image.dtype == np.float32
    assert image[14, 6:23].min() > 0.5  # ink along the stroke (x 40..240 of 280 -> 4..24 of 28)
    assert image[:10].max() == 0 and image[19:].max() == 0  # nothing above or below
    assert image[:, :2].max() == 0 and image[:, 27:].max() == 0  # nor beyond the ends
    assert not canvas.is_empty()


def test_drawn_is_emitted_while_drawing(canvas, qtbot):
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(100, 100))
    with qtbot.waitSignal(canvas.drawn, timeout=2000):
        qtbot.mouseMove(canvas, QPoint(150, 120))  # throttled emit, before any release
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(150, 120))


def test_centred_like_mnist(canvas, qtbot):
    canvas.set_target((28, 28), channels=1)  # centring is on by default
    draw_horizontal_line(qtbot, canvas, y=40, x0=20, x1=120)  # off-centre, top-left
    image = canvas.image()
    ys, xs = np.indices(image.shape) + 0.5
    total = image.sum()
    assert abs((ys * image).sum() / total - 14) < 1.0
    assert abs((xs * image).sum() / total - 14) < 1.0
    cols = np.flatnonzero(image.max(axis=0) > 0.05)
    assert 18 <= cols[-1] - cols[0] + 1 <= 21  # the longer side fills the 20 px box


def test_clear_empties(canvas, qtbot):
    draw_horizontal_line(qtbot, canvas)
    assert canvas.image().max() > 0
    with qtbot.waitSignal(canvas.cleared, timeout=1000):
        canvas.clear()
    assert canvas.is_empty() and canvas.image().max() == 0


def test_colour_and_inverted_targets(canvas, qtbot):
    draw_horizontal_line(qtbot, canvas)
    canvas.set_target((16, 20), channels=3, invert=True)
    image = canvas.image()
    assert image.shape == (16, 20, 3)
    assert image[0, 0].tolist() == [1.0, 1.0, 1.0]  # inverted: paper is white
    assert image[8, 10].max() < 0.5  # and ink is dark


def test_mnist_style_center_function():
    blob = np.zeros((100, 100), np.float32)
    blob[5:25, 60:70] = 1.0  # 20 tall, 10 wide, near the top-right corner
    out = mnist_style_center(blob)
    assert out.shape == (28, 28)
    rows = np.flatnonzero(out.max(axis=1) > 0.05)
    assert rows[-1] - rows[0] + 1 == 20
    ys, xs = np.indices(out.shape) + 0.5
    assert abs((ys * out).sum() / out.sum() - 14) < 0.6
    assert abs((xs * out).sum() / out.sum() - 14) < 0.6
    assert mnist_style_center(np.zeros((50, 50))).max() == 0


def test_probability_bars_highlight_argmax(qtbot):
    bars = ProbabilityBars()
    qtbot.addWidget(bars)
    probs = np.array([0.05, 0.1, 0.6, 0.05, 0.2])
    bars.set_probabilities(probs, ["a", "b", "c", "d", "e"])
    assert bars.highlighted_index() == 2
    bars.resize(400, bars.sizeHint().height())
    pixels = qimage_to_array(bars.grab().toImage())
    top = np.array([TOP_COLOR.red(), TOP_COLOR.green(), TOP_COLOR.blue()])
    highlighted_rows = np.flatnonzero((np.abs(pixels.astype(int) - top).sum(axis=2) < 10).sum(axis=1) > 20)
    row_h = bars.height() / len(probs)
    assert set((highlighted_rows // row_h).astype(int).tolist()) == {2}


def test_live_panel_emits_and_shows_prediction(qtbot):
    panel = LiveDemoPanel()
    qtbot.addWidget(panel)
    panel.set_target((16, 16), channels=1)
    photo = np.ones((60, 40, 3), np.uint8) * 240  # dark ink on light paper, like a photo
    photo[10:50, 18:22] = 20
    with qtbot.waitSignal(panel.imageReady, timeout=2000) as blocker:
        panel.classify_image(photo)
    image = blocker.args[0]
    assert image.shape == (16, 16)
    assert image[0, 0] == 0 and image.max() > 0.5  # made light-on-dark like the canvas
    panel.show_prediction(np.array([0.1, 0.9]), ["cat", "dog"])
    assert "dog" in panel.headline.text() and panel.bars.highlighted_index() == 1
    panel.clear()
    assert len(panel.bars.probabilities()) == 0


def test_dropped_file_is_read_as_rgb(tmp_path):
    bgr = np.zeros((10, 12, 3), np.uint8)
    bgr[0, 0] = (255, 0, 0)  # blue in OpenCV's BGR order
    path = tmp_path / "chiffre_é.png"  # non-ASCII names must work too
    ok, encoded = cv2.imencode(".png", bgr)
    encoded.tofile(str(path))
    rgb = read_image_file(str(path))
    assert rgb.shape == (10, 12, 3) and tuple(rgb[0, 0]) == (0, 0, 255)
    (tmp_path / "not_an_image.png").write_bytes(b"nope")
    assert read_image_file(str(tmp_path / "not_an_image.png")) is None
